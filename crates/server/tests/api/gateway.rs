//! The WebSocket gateway on one node: handshake, every event type to exactly its readers, access
//! changes, typing, read sync, presence, limits, slow consumers, logout and shutdown.

use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::both;
use crate::common::{Backend, Client, TestServer, Ws};

/// A workspace with Ana (owner), Ben and Cy, and a private channel `plans` of Ana and Ben.
async fn team(server: &TestServer) -> (Client, Client, Client, String, String) {
    let ana = server.signup("Ana").await;
    let ben = server.signup("Ben").await;
    let cy = server.signup("Cy").await;
    let wid = ana.create_workspace("Acme").await;
    ana.invite(&wid, &ben).await;
    ana.invite(&wid, &cy).await;
    let plans = ana.create_channel(&wid, "plans", "private").await;
    ana.ok(Method::POST, &format!("/api/v1/channels/{plans}/members"), Some(json!({"user_id": ben.user_id})))
        .await;
    (ana, ben, cy, wid, plans)
}

async fn handshake_auth_and_frames(backend: Backend) {
    let server = TestServer::start_with(backend, &["--heartbeat-s", "7"]).await;
    let ana = server.signup("Ana").await;
    assert_eq!(server.anonymous().ws_raw().await.err(), Some(401));
    let mut forged = ana.clone();
    forged.token = Some("not-a-token".into());
    assert_eq!(forged.ws_raw().await.err(), Some(401));

    let mut ws = ana.ws_raw().await.unwrap();
    let hello = ws.expect("hello").await;
    assert_eq!(hello["user_id"], ana.user_id.as_str());
    assert_eq!(hello["heartbeat_s"], 7);
    assert!(hello["session_id"].as_str().is_some_and(|s| !s.is_empty()));
    ws.send(json!({"type": "ping"})).await;
    ws.expect("pong").await;
    ws.send(json!({"type": "dance"})).await;
    assert_eq!(ws.expect("error").await["code"], "invalid");
    ws.send(json!({"type": "typing", "channel_id": "not-mine"})).await;
    assert_eq!(ws.expect("error").await["code"], "not_found");
    ws.send_raw(Message::binary(vec![1, 2, 3])).await;
    assert_eq!(ws.expect_close(Duration::from_secs(5)).await, Some(1003));

    // A browser's cookie opens a socket only from this server's own pages.
    let cookie = format!("ocomms_session={}", ana.token.clone().unwrap());
    let url = format!("{}/api/v1/ws", server.base.replace("http://", "ws://"));
    for (origin, expected) in [("https://evil.example", 403u16), ("", 403)] {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.clone().into_client_request().unwrap();
        request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
        if !origin.is_empty() {
            request.headers_mut().insert(header::ORIGIN, origin.parse().unwrap());
        }
        match tokio_tungstenite::connect_async(request).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
                assert_eq!(resp.status().as_u16(), expected)
            }
            other => panic!("cross-site socket opened: {:?}", other.map(|_| ())),
        }
    }
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    request.headers_mut().insert(header::ORIGIN, server.base.parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_ok(), "same-origin cookie socket refused");
}
both!(handshake_auth_and_frames);

async fn events_reach_exactly_their_readers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, cy, _wid, plans) = team(&server).await;
    let mut ana_ws = ana.ws().await;
    let mut ana_phone = ana.ws().await;
    let mut ben_ws = ben.ws().await;
    let mut cy_ws = cy.ws().await;

    let sent = ana.send(&plans, "secret plan").await;
    for ws in [&mut ana_ws, &mut ben_ws] {
        let frame = ws.expect("message.created").await;
        assert_eq!(frame["channel_id"], plans.as_str());
        assert_eq!(frame["seq"], sent["seq"]);
        assert_eq!(frame["message"]["id"], sent["id"]);
    }
    let mid = sent["id"].as_str().unwrap();
    ana.ok(Method::PATCH, &format!("/api/v1/messages/{mid}"), Some(json!({"content": "better plan"}))).await;
    assert_eq!(ben_ws.expect("message.updated").await["message"]["content"], "better plan");
    ana.ok(Method::PATCH, &format!("/api/v1/channels/{plans}"), Some(json!({"topic": "Q3"}))).await;
    assert_eq!(ben_ws.expect("channel.updated").await["channel"]["topic"], "Q3");
    ana.delete(&format!("/api/v1/messages/{mid}")).await;
    let deleted = ben_ws.expect("message.deleted").await;
    assert_eq!(deleted["message_id"], mid);

    // Typing: relayed to the channel's other members, not back to the typist.
    ben_ws.send(json!({"type": "typing", "channel_id": plans})).await;
    let typing = ana_ws.until("typing").await;
    assert_eq!(
        (typing["channel_id"].as_str(), typing["user_id"].as_str()),
        (Some(plans.as_str()), Some(ben.user_id.as_str()))
    );

    // Reading on one device clears it on the others.
    let (status, _) =
        ana.post(&format!("/api/v1/channels/{plans}/read"), json!({"seq": deleted["seq"]})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let read = ana_phone.until("channel.read").await;
    assert_eq!((read["channel_id"].as_str(), &read["seq"]), (Some(plans.as_str()), &deleted["seq"]));

    // Cy, outside the private channel, heard none of it; the log and the socket agree on seqs.
    cy_ws.expect_quiet(Duration::from_millis(500), &["presence"]).await;
    ben_ws.expect_quiet(Duration::from_millis(300), &["presence", "typing", "channel.read"]).await;
    let log = ana.events(&plans, 0).await;
    assert_eq!(log["latest_seq"], deleted["seq"]);
}
both!(events_reach_exactly_their_readers);

async fn access_changes_apply_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, _cy, wid, plans) = team(&server).await;
    let mut ben_ws = ben.ws().await;

    // Ben leaves: he hears his own leaving, then nothing more of the channel.
    ben.ok(Method::POST, &format!("/api/v1/channels/{plans}/leave"), None).await;
    let left = ben_ws.expect("channel.member_left").await;
    assert_eq!(left["user_id"], ben.user_id.as_str());
    ben_ws.expect("channel.removed").await;
    ana.send(&plans, "after Ben left").await;
    ben_ws.expect_quiet(Duration::from_millis(500), &["presence"]).await;

    // Added back: told of the channel, then its events flow again.
    ana.ok(Method::POST, &format!("/api/v1/channels/{plans}/members"), Some(json!({"user_id": ben.user_id})))
        .await;
    let created = ben_ws.expect("channel.created").await;
    assert_eq!(created["channel"]["id"], plans.as_str());
    assert_eq!(ben_ws.expect("channel.member_joined").await["user_id"], ben.user_id.as_str());
    ana.send(&plans, "welcome back").await;
    assert_eq!(ben_ws.expect("message.created").await["message"]["content"], "welcome back");

    // A new public channel is announced to the workspace; joining it starts its events.
    let news = ana.create_channel(&wid, "news", "public").await;
    assert_eq!(ben_ws.expect("channel.created").await["channel"]["id"], news.as_str());
    ben.ok(Method::POST, &format!("/api/v1/channels/{news}/join"), None).await;
    ben_ws.expect("channel.created").await;
    ben_ws.expect("channel.member_joined").await;
    ana.send(&news, "extra").await;
    ben_ws.expect("message.created").await;

    // Removed from the workspace: every channel is gone at once.
    ana.delete(&format!("/api/v1/workspaces/{wid}/members/{}", ben.user_id)).await;
    let mut removed = 0;
    while removed < 3 {
        match ben_ws.read(Duration::from_secs(5)).await {
            crate::common::Read::Frame(f) if f["type"] == "channel.removed" => removed += 1,
            crate::common::Read::Frame(_) => {}
            other => panic!("expected channel.removed, got {other:?}"),
        }
    }
    let general = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    for channel in [&plans, &news, &general] {
        ana.send(channel, "Ben is gone").await;
    }
    ben_ws.expect_quiet(Duration::from_millis(500), &[]).await;
}
both!(access_changes_apply_at_once);

async fn presence_follows_devices_and_expires(backend: Backend) {
    let server = TestServer::start_with(backend, &["--heartbeat-s", "1"]).await;
    let (ana, ben, _cy, wid, _plans) = team(&server).await;
    let mut ana_ws = ana.ws().await;
    let presence_of = |body: &Value, user: &str| {
        body["presence"].as_array().unwrap().iter().find(|p| p["user_id"] == user).unwrap()["status"].clone()
    };
    let (_, body) = ana.get(&format!("/api/v1/workspaces/{wid}/presence")).await;
    assert_eq!(presence_of(&body, &ben.user_id), "offline");

    let mut ben_ws = ben.ws().await;
    let online = expect_presence(&mut ana_ws, &ben.user_id).await;
    assert_eq!(online["status"], "online");
    assert_eq!(online["workspace_id"], wid.as_str());
    ben_ws.send(json!({"type": "presence", "status": "away"})).await;
    assert_eq!(expect_presence(&mut ana_ws, &ben.user_id).await["status"], "away");
    let (_, body) = ana.get(&format!("/api/v1/workspaces/{wid}/presence")).await;
    assert_eq!(presence_of(&body, &ben.user_id), "away");

    // A hard cut: Ben's socket goes silent without closing. Within two heartbeats he is offline.
    let started = std::time::Instant::now();
    let silent = ben_ws;
    assert_eq!(expect_presence(&mut ana_ws, &ben.user_id).await["status"], "offline");
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
    let (_, body) = ana.get(&format!("/api/v1/workspaces/{wid}/presence")).await;
    assert_eq!(presence_of(&body, &ben.user_id), "offline");
    drop(silent);
    // Ana pings and stays.
    ana_ws.send(json!({"type": "ping"})).await;
    ana_ws.expect("pong").await;
}
both!(presence_follows_devices_and_expires);

async fn expect_presence(ws: &mut Ws, user_id: &str) -> Value {
    loop {
        let frame = ws.until("presence").await;
        if frame["user_id"] == user_id {
            return frame;
        }
    }
}

async fn limits_logout_and_shutdown(backend: Backend) {
    let server = TestServer::start_with(backend, &["--max-sockets-per-user", "4"]).await;
    let ana = server.signup("Ana").await;

    // A fifth socket of one user is refused before the upgrade.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(ana.ws().await);
    }
    assert_eq!(ana.ws_raw().await.err(), Some(429));
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut big = ana.ws().await;
    big.send_raw(Message::text("x".repeat(70 * 1024))).await;
    assert_eq!(big.expect_close(Duration::from_secs(5)).await, Some(1009));

    let mut flood = ana.ws().await;
    for _ in 0..100 {
        // The server may close mid-flood: later sends fail, which is the point.
        flood.send_raw(Message::text(json!({"type": "ping"}).to_string())).await;
    }
    assert_eq!(flood.expect_close(Duration::from_secs(5)).await, Some(1008));

    // Logging out closes the session's sockets at once, and only that session's.
    let (_, body) = server
        .anonymous()
        .post("/api/v1/auth/login", json!({"email": "ana@example.com", "password": crate::common::PASSWORD}))
        .await;
    let mut other = server.anonymous();
    other.token = Some(body["token"].as_str().unwrap().into());
    other.user_id = ana.user_id.clone();
    let mut kept = other.ws().await;
    let mut ended = ana.ws().await;
    ana.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(ended.expect_close(Duration::from_secs(3)).await, Some(4001));
    kept.send(json!({"type": "ping"})).await;
    kept.expect("pong").await;

    // Shutdown: sockets get 1001 ("reconnect elsewhere").
    server.begin_shutdown();
    assert_eq!(kept.expect_close(Duration::from_secs(5)).await, Some(1001));
}
both!(limits_logout_and_shutdown);

/// A socket that stops reading is closed with 4008 once its queue is full; the others keep
/// getting everything.
async fn slow_consumer_is_cut_off(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, _cy, _wid, plans) = team(&server).await;
    let mut slow = ben.ws().await;
    let mut fast = ana.ws().await;
    let body = "y".repeat(30_000);
    let posts = 600;
    let poster = {
        let ana = ana.clone();
        let plans = plans.clone();
        tokio::spawn(async move {
            for _ in 0..posts {
                ana.send(&plans, &body).await;
            }
        })
    };
    let fast_reader = tokio::spawn(async move {
        let mut got = 0;
        while got < posts {
            match fast.read(Duration::from_secs(20)).await {
                crate::common::Read::Frame(f) if f["type"] == "message.created" => got += 1,
                crate::common::Read::Frame(_) => {}
                other => panic!("the fast socket suffered: {other:?} after {got}"),
            }
        }
    });
    // Once the server has cut the slow socket off, its client reads again and finds the code
    // behind what was already queued (a client that never reads cannot be told anything).
    let http = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let metrics =
            http.get(format!("{}/metrics", server.base)).send().await.unwrap().text().await.unwrap();
        if metrics.lines().any(|l| l.starts_with("ocomms_slow_sockets_closed_total") && !l.ends_with(" 0")) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the slow socket was never cut off");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(slow.expect_close(Duration::from_secs(20)).await, Some(4008));
    fast_reader.await.unwrap();
    poster.await.unwrap();
}
both!(slow_consumer_is_cut_off);

/// Shutdown with sends in flight: sockets get 1001, every send answered 201 is in the log
/// (queued writes are committed before the database closes), the others got a clean refusal or
/// a closed connection, never a 500, and the server's run ends within the grace.
async fn shutdown_finishes_queued_writes(backend: Backend) {
    let mut server = TestServer::start_with(backend, &["--shutdown-grace-s", "5"]).await;
    let (ana, _ben, _cy, _wid, plans) = team(&server).await;
    let mut ws = ana.ws().await;
    let senders: Vec<_> = (0..8)
        .map(|n| {
            let ana = ana.clone();
            let plans = plans.clone();
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0..200 {
                    let url = format!("{}/api/v1/channels/{plans}/messages", ana.base);
                    let sent = ana
                        .http
                        .post(url)
                        .bearer_auth(ana.token.as_deref().unwrap())
                        .json(&json!({"content": format!("{n}-{i}")}))
                        .send()
                        .await;
                    match sent {
                        Ok(resp) if resp.status() == 201 => {
                            let body: Value = resp.json().await.unwrap();
                            acked.push(body["message"]["seq"].as_i64().unwrap());
                        }
                        Ok(resp) => {
                            assert!(resp.status() != 500, "a send during shutdown answered 500");
                            break;
                        }
                        Err(_) => break,
                    }
                }
                acked
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.begin_shutdown();
    assert_eq!(ws.expect_close(Duration::from_secs(5)).await, Some(1001));
    let mut acked = Vec::new();
    for sender in senders {
        acked.extend(sender.await.unwrap());
    }
    assert!(server.stopped(Duration::from_secs(10)).await, "run did not finish within the grace");
    assert!(!acked.is_empty(), "nothing was sent before the shutdown");
    // The database was closed cleanly; every acknowledged message is in the channel's log.
    let db =
        ocomms::db::Db::connect(server.database_url.as_deref(), server.data_dir.path(), 2).await.unwrap();
    let mut rd = db.read().await.unwrap();
    let logged: std::collections::HashSet<i64> = ocomms::db::events::after(rd.c(), &plans, 0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "message.created")
        .map(|e| e.seq)
        .collect();
    for seq in &acked {
        assert!(logged.contains(seq), "acknowledged message {seq} is not in the log");
    }
    drop(rd);
    db.close().await;
}
both!(shutdown_finishes_queued_writes);
