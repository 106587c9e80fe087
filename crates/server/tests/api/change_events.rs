//! Every change is an event on the sockets that may see it: role changes (applied to the
//! member's open sockets at once), profile changes, reply counts; and the gateway's manners:
//! a client's Close is answered, presence flapping is throttled.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::both;
use crate::common::{Backend, Read, TestServer};

/// A member demoted to guest hears it at once, and from then on no longer hears of new public
/// channels (a guest sees only the channels they are added to); the rest of the workspace hears
/// of the role change too.
async fn a_role_change_reaches_open_sockets_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cara = server.signup("Cara").await;
    ana.invite(&wid, &cara).await;
    let mut ben_ws = ben.ws().await;
    let mut cara_ws = cara.ws().await;
    ana.ok(
        Method::PATCH,
        &format!("/api/v1/workspaces/{wid}/members/{}", ben.user_id),
        Some(json!({"role": "guest"})),
    )
    .await;
    for ws in [&mut ben_ws, &mut cara_ws] {
        let frame = ws.until("member.updated").await;
        assert_eq!(
            (frame["workspace_id"].as_str(), frame["role"].as_str()),
            (Some(wid.as_str()), Some("guest"))
        );
        assert_eq!(frame["user_id"], ben.user_id.as_str());
    }
    ana.create_channel(&wid, "launch", "public").await;
    let created = cara_ws.until("channel.created").await;
    assert_eq!(created["channel"]["name"], "launch");
    ben_ws.expect_quiet(Duration::from_millis(800), &["presence", "typing"]).await;
}
both!(a_role_change_reaches_open_sockets_at_once);

/// A profile change reaches everyone who shares a workspace, without the email.
async fn a_profile_change_reaches_the_workspace(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, _wid) = server.pair("Ben").await;
    let stranger = server.signup("Stranger").await;
    let mut ana_ws = ana.ws().await;
    let mut stranger_ws = stranger.ws().await;
    ben.ok(Method::PATCH, "/api/v1/me", Some(json!({"name": "Ben Ng", "status_text": "on call"}))).await;
    let frame = ana_ws.until("user.updated").await;
    assert_eq!(
        (frame["user"]["id"].as_str(), frame["user"]["name"].as_str()),
        (Some(ben.user_id.as_str()), Some("Ben Ng"))
    );
    assert_eq!(frame["user"]["status_text"], "on call");
    assert!(frame["user"].get("email").is_none_or(|e| e.is_null()), "no email for others: {frame}");
    stranger_ws.expect_quiet(Duration::from_millis(800), &["presence"]).await;
}
both!(a_profile_change_reaches_the_workspace);

/// A reply is a `message.created` and then its root's `thread.updated`, each with its own seq,
/// on the socket and in the log.
async fn a_reply_updates_its_thread(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let root = ana.send(&cid, "lunch?").await;
    let root_id = root["id"].as_str().unwrap().to_string();
    let mut ws = ana.ws().await;
    let reply = ben
        .ok(
            Method::POST,
            &format!("/api/v1/channels/{cid}/messages"),
            Some(json!({"content": "yes", "thread_root_id": root_id})),
        )
        .await["message"]
        .clone();
    let created = ws.until("message.created").await;
    let thread = ws.until("thread.updated").await;
    assert_eq!(created["seq"], reply["seq"]);
    assert_eq!(thread["seq"].as_i64(), reply["seq"].as_i64().map(|s| s + 1));
    assert_eq!(
        (thread["root_id"].as_str(), thread["reply_count"].as_i64()),
        (Some(root_id.as_str()), Some(1))
    );
    assert!(thread["last_reply_at"].is_string());
    let log = ana.events(&cid, reply["seq"].as_i64().unwrap()).await;
    assert_eq!(log["events"][0]["type"], "thread.updated");
    assert_eq!(log["events"][0]["data"]["reply_count"], 1);
    let root = ana.ok(Method::GET, &format!("/api/v1/messages/{root_id}"), None).await;
    assert_eq!(root["message"]["reply_count"], 1);
}
both!(a_reply_updates_its_thread);

/// A client's Close frame is answered with a Close frame (its code echoed): a clean close, not
/// an abnormal 1006.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_close_is_answered() {
    let server = TestServer::start(Backend::Sqlite).await;
    let ana = server.signup("Ana").await;
    let mut ws = ana.ws().await;
    ws.send_raw(Message::Close(Some(CloseFrame { code: CloseCode::Normal, reason: "bye".into() }))).await;
    match ws.read(Duration::from_secs(5)).await {
        Read::Closed(code) => assert_eq!(code, Some(1000), "the server's answer"),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

/// A socket flipping its presence 40 times in quick succession costs a couple of broadcasts,
/// and the last status asked for is the one that stands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_flapping_is_throttled() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let mut watcher = ana.ws().await;
    let mut flapper = ben.ws().await;
    loop {
        let frame = watcher.until("presence").await;
        if frame["user_id"] == ben.user_id.as_str() {
            assert_eq!(frame["status"], "online");
            break;
        }
    }
    for i in 0..40 {
        let status = if i % 2 == 0 { "away" } else { "active" };
        flapper.send(json!({"type": "presence", "status": status})).await;
        // 14 frames a second: under the socket's frame rate limit.
        tokio::time::sleep(Duration::from_millis(70)).await;
    }
    flapper.send(json!({"type": "presence", "status": "away"})).await;
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while tokio::time::Instant::now() < deadline {
        match watcher.read(Duration::from_millis(500)).await {
            Read::Frame(frame) if frame["type"] == "presence" && frame["user_id"] == ben.user_id.as_str() => {
                seen.push(frame["status"].as_str().unwrap().to_string())
            }
            Read::Frame(_) | Read::Nothing => {}
            Read::Closed(code) => panic!("closed: {code:?}"),
        }
        flapper.send(json!({"type": "ping"})).await;
    }
    assert!(!seen.is_empty() && seen.len() <= 4, "41 changes gave {} broadcasts: {seen:?}", seen.len());
    assert_eq!(seen.last().map(String::as_str), Some("away"), "{seen:?}");
    let presence = ana.ok(Method::GET, &format!("/api/v1/workspaces/{wid}/presence"), None).await;
    let ben_status = presence["presence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["user_id"] == ben.user_id.as_str())
        .unwrap()["status"]
        .clone();
    assert_eq!(ben_status, "away");
}

/// A socket open before its user joins a workspace follows that workspace at once: it hears of
/// role changes and new public channels there without reconnecting.
async fn a_socket_follows_a_workspace_joined_after_it_opened(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let ben = server.signup("Ben").await;
    ben.create_workspace("Ben's own").await;
    let mut ben_ws = ben.ws().await;
    let wid = ana.create_workspace("Acme").await;
    ana.invite(&wid, &ben).await;
    ana.create_channel(&wid, "launch", "public").await;
    // Joining gave Ben the workspace's general first (he was added to it).
    loop {
        let created = ben_ws.until("channel.created").await;
        if created["channel"]["name"] == "launch" {
            break;
        }
        assert_eq!(created["channel"]["name"], "general");
    }
    ana.ok(
        Method::PATCH,
        &format!("/api/v1/workspaces/{wid}/members/{}", ben.user_id),
        Some(json!({"role": "admin"})),
    )
    .await;
    assert_eq!(ben_ws.until("member.updated").await["role"], "admin");
}
both!(a_socket_follows_a_workspace_joined_after_it_opened);
