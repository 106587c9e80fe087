//! The hub's routing, on sockets registered in memory (no server, no database).

use super::*;
use crate::domain::models::{Channel, ChannelKind};

/// A hub whose gap fill answers from `log` (seq → event) after the given seq.
fn hub_with_log(log: Vec<(i64, Event)>) -> Arc<Hub> {
    let log = Arc::new(log);
    let gap_fill: GapFill = Arc::new(move |_channel, after, count| {
        let log = Arc::clone(&log);
        Box::pin(async move {
            Some(log.iter().filter(|(s, _)| *s > after).take(count as usize).cloned().collect())
        })
    });
    Hub::new(None, gap_fill, Arc::new(Metrics::new()), TaskTracker::new(), CancellationToken::new())
}

fn hub() -> Arc<Hub> {
    hub_with_log(Vec::new())
}

async fn socket(hub: &Hub, user: &str, channels: &[(&str, i64)]) -> Registration {
    let registration = hub.register(user, &format!("s-{user}")).await;
    hub.activate(
        registration.id,
        Memberships {
            channels: channels.iter().map(|(c, s)| (c.to_string(), *s)).collect(),
            workspaces: vec![("w".into(), Role::Member)],
        },
    );
    registration
}

fn deleted(channel: &str, seq: i64) -> Envelope {
    Envelope::Persistent {
        channel_id: channel.into(),
        seq,
        event: Event::MessageDeleted { message_id: format!("m{seq}") },
    }
}

fn frames(registration: &mut Registration) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    while let Ok(frame) = registration.frames.try_recv() {
        out.push(serde_json::from_str(frame.as_str()).unwrap_or_default());
    }
    out
}

fn seqs(registration: &mut Registration) -> Vec<i64> {
    frames(registration).iter().filter_map(|f| f["seq"].as_i64()).collect()
}

fn channel(id: &str, last_seq: i64) -> Channel {
    Channel {
        id: id.into(),
        workspace_id: "w".into(),
        name: id.into(),
        kind: ChannelKind::Public,
        topic: String::new(),
        is_default: false,
        archived: false,
        dm_user_ids: Vec::new(),
        is_member: true,
        last_seq,
        last_read_seq: 0,
        unread_count: 0,
        mention_count: 0,
        notifications: crate::domain::models::Notifications {
            level: "all".into(),
            muted: false,
            default: false,
        },
        created_by: "ana".into(),
        created_at: "2026-12-01T00:00:00Z".into(),
    }
}

#[tokio::test]
async fn delivers_in_seq_order_and_drops_duplicates() {
    let hub = hub();
    let mut ana = socket(&hub, "ana", &[("c", 4)]).await;
    for seq in [5, 7, 6, 6, 5, 8] {
        hub.dispatch(&deleted("c", seq));
    }
    assert_eq!(seqs(&mut ana), vec![5, 6, 7, 8], "7 waited for 6; repeats were dropped");
}

#[tokio::test]
async fn a_leaver_gets_their_leaving_and_nothing_after() {
    let hub = hub();
    let mut ana = socket(&hub, "ana", &[("c", 0)]).await;
    let mut ben = socket(&hub, "ben", &[("c", 0)]).await;
    hub.dispatch(&deleted("c", 1));
    hub.dispatch(&Envelope::Persistent {
        channel_id: "c".into(),
        seq: 2,
        event: Event::MemberLeft { user_id: "ben".into() },
    });
    hub.dispatch(&deleted("c", 3));
    assert_eq!(seqs(&mut ana), vec![1, 2, 3]);
    assert_eq!(seqs(&mut ben), vec![1, 2]);
    assert!(!hub.follows(ben.id, "c"));
}

#[tokio::test(start_paused = true)]
async fn a_gap_the_bus_lost_is_filled_from_the_log() {
    let hub = hub_with_log(vec![(2, Event::MessageDeleted { message_id: "m2".into() })]);
    let mut ana = socket(&hub, "ana", &[("c", 0)]).await;
    hub.dispatch(&deleted("c", 1));
    hub.dispatch(&deleted("c", 3));
    assert_eq!(seqs(&mut ana), vec![1], "3 waits for 2");
    tokio::time::sleep(GAP_WAIT + Duration::from_millis(50)).await;
    hub.tasks.close();
    hub.tasks.wait().await;
    assert_eq!(seqs(&mut ana), vec![2, 3], "2 read from the log, then 3");
}

#[tokio::test]
async fn full_queues_drop_ephemeral_frames_first_then_close_the_socket() {
    let hub = hub();
    let slow = socket(&hub, "slow", &[("c", 0)]).await;
    let typing = Envelope::Typing { channel_id: "c".into(), user_id: "other".into(), thread_root_id: None };
    for seq in 1..=EPHEMERAL_QUEUE as i64 {
        hub.dispatch(&deleted("c", seq));
    }
    assert_eq!(
        hub.dispatch(&typing),
        Delivered { sent: 0, dropped: 1, too_slow: 0 },
        "no typing when behind"
    );
    for seq in EPHEMERAL_QUEUE as i64 + 1..=SOCKET_QUEUE as i64 {
        hub.dispatch(&deleted("c", seq));
    }
    assert!(!slow.kick.is_cancelled());
    assert_eq!(hub.dispatch(&deleted("c", SOCKET_QUEUE as i64 + 1)).too_slow, 1);
    assert!(slow.kick.is_cancelled(), "a full queue closes the socket");
    assert_eq!(hub.dispatch(&deleted("c", SOCKET_QUEUE as i64 + 2)).too_slow, 0, "closed once");
    assert_eq!(slow.close.get().map(|c| c.0), Some(CLOSE_TOO_SLOW));
}

#[tokio::test]
async fn access_envelopes_start_and_stop_following() {
    let hub = hub();
    let mut ben = socket(&hub, "ben", &[]).await;
    let gained = Envelope::Access { user_id: "ben".into(), channel: channel("c", 9), gained: true };
    hub.dispatch(&gained);
    hub.dispatch(&Envelope::Persistent {
        channel_id: "c".into(),
        seq: 9,
        event: Event::MemberJoined { user_id: "ben".into() },
    });
    hub.dispatch(&deleted("c", 10));
    assert_eq!(seqs(&mut ben), vec![9, 10], "from the join on");
    hub.dispatch(&Envelope::Access { user_id: "ben".into(), channel: channel("c", 10), gained: false });
    hub.dispatch(&deleted("c", 11));
    assert_eq!(seqs(&mut ben), Vec::<i64>::new());
}

/// The window between registering and loading memberships: an access change that arrives
/// then is kept and applied after the memberships, not lost.
#[tokio::test]
async fn access_changes_during_registration_are_kept_and_applied() {
    let hub = hub();
    let mut ben = hub.register("ben", "s-ben").await;
    // Ben is added to "c" while his memberships are being read (the read missed it).
    hub.dispatch(&Envelope::Access { user_id: "ben".into(), channel: channel("c", 3), gained: true });
    hub.dispatch(&Envelope::MemberUpdated {
        workspace_id: "w".into(),
        user_id: "ben".into(),
        role: Role::Guest,
    });
    assert!(frames(&mut ben).is_empty(), "nothing reaches a socket before it is set up");
    hub.activate(ben.id, Memberships { channels: vec![], workspaces: vec![("w".into(), Role::Member)] });
    assert!(hub.follows(ben.id, "c"), "the kept access change was applied");
    assert_eq!(hub.role_in(ben.id, "w"), Some(Role::Guest), "and the role change after it");
    let kinds: Vec<String> =
        frames(&mut ben).iter().map(|f| f["type"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(kinds, vec!["channel.created", "member.updated"]);
    hub.dispatch(&deleted("c", 3));
    assert_eq!(seqs(&mut ben), vec![3]);
}

/// A member made guest stops hearing of new public channels at once.
#[tokio::test]
async fn a_role_change_applies_to_open_sockets() {
    let hub = hub();
    let mut ben = socket(&hub, "ben", &[]).await;
    let public = Envelope::PublicChannel { workspace_id: "w".into(), channel: channel("p1", 1) };
    hub.dispatch(&public);
    assert_eq!(frames(&mut ben).len(), 1, "a member hears of it");
    hub.dispatch(&Envelope::MemberUpdated {
        workspace_id: "w".into(),
        user_id: "ben".into(),
        role: Role::Guest,
    });
    assert_eq!(frames(&mut ben)[0]["type"], "member.updated");
    hub.dispatch(&Envelope::PublicChannel { workspace_id: "w".into(), channel: channel("p2", 1) });
    assert!(frames(&mut ben).is_empty(), "a guest does not");
}

/// Events of one channel dispatched from several threads at once, in no particular order:
/// every socket gets each exactly once, in seq order, and every push is counted once. Enough
/// sockets that the threads find the lane busy (and wait on its backlog, and hand it over).
#[tokio::test]
async fn concurrent_dispatches_keep_each_channel_in_order() {
    const SOCKETS: usize = 200;
    const EVENTS: i64 = 200;
    const THREADS: i64 = 4;
    let hub = hub();
    let mut sockets = Vec::new();
    for i in 0..SOCKETS {
        sockets.push(socket(&hub, &format!("u{i}"), &[("c", 0)]).await);
    }
    // An early event schedules a gap fill on the runtime (not needed here: the others arrive).
    let runtime = tokio::runtime::Handle::current();
    let counted: Vec<Delivered> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let hub = &hub;
                let runtime = runtime.clone();
                scope.spawn(move || {
                    let _runtime = runtime.enter();
                    let mut delivered = Delivered::default();
                    // Thread t dispatches seqs t+1, t+1+THREADS, …: each thread's are early
                    // until the others catch up, so all four push through the same lane.
                    for seq in (t + 1..=EVENTS).step_by(THREADS as usize) {
                        delivered.add(hub.dispatch(&deleted("c", seq)));
                    }
                    delivered
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("a dispatching thread panicked")).collect()
    });
    let mut total = Delivered::default();
    for d in counted {
        total.add(d);
    }
    assert_eq!(total, Delivered { sent: SOCKETS * EVENTS as usize, dropped: 0, too_slow: 0 });
    for socket in &mut sockets {
        assert_eq!(seqs(socket), (1..=EVENTS).collect::<Vec<_>>());
    }
}
