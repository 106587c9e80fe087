//! Reactions, pins and saved messages: each change an event on the channel's sockets and in its
//! log; members react and pin, anyone who reads may save; bad emoji are 400.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{Backend, TestServer, assert_error};

async fn reactions_toggle_count_and_reach_sockets(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let mid = ana.send(&cid, "ship it?").await["id"].as_str().unwrap().to_string();
    let mut ws = ana.ws().await;
    let react = |who: &crate::common::Client, emoji: &str, method: Method| {
        let who = who.clone();
        let path = format!("/api/v1/messages/{mid}/reactions/{}", urlencode(emoji));
        async move { who.call(method, &path, None).await }
    };
    assert_eq!(react(&ana, "👍", Method::PUT).await.0, StatusCode::NO_CONTENT);
    let added = ws.until("reaction.added").await;
    assert_eq!((added["message_id"].as_str(), added["emoji"].as_str()), (Some(mid.as_str()), Some("👍")));
    assert_eq!(added["user_id"], ana.user_id.as_str());
    assert!(added["seq"].is_i64(), "a channel event with its seq: {added}");
    assert_eq!(
        react(&ben, ":+1:", Method::PUT).await.0,
        StatusCode::NO_CONTENT,
        "a shortcode is the same emoji"
    );
    assert_eq!(react(&ben, "tada", Method::PUT).await.0, StatusCode::NO_CONTENT);
    assert_eq!(react(&ben, "👍", Method::PUT).await.0, StatusCode::NO_CONTENT, "a repeat changes nothing");
    let message = ana.ok(Method::GET, &format!("/api/v1/messages/{mid}"), None).await["message"].clone();
    assert_eq!(
        message["reactions"],
        json!([
            {"emoji": "👍", "count": 2, "user_ids": [ana.user_id, ben.user_id]},
            {"emoji": "🎉", "count": 1, "user_ids": [ben.user_id]},
        ])
    );
    let page = ana.ok(Method::GET, &format!("/api/v1/channels/{cid}/messages"), None).await;
    assert_eq!(page["messages"].as_array().unwrap().last().unwrap()["reactions"][0]["count"], 2);
    assert_eq!(react(&ana, "👍", Method::DELETE).await.0, StatusCode::NO_CONTENT);
    let removed = ws.until("reaction.removed").await;
    assert_eq!(removed["user_id"], ana.user_id.as_str());
    // An edit keeps the reactions on the message it sends out.
    ana.ok(Method::PATCH, &format!("/api/v1/messages/{mid}"), Some(json!({"content": "ship it!"}))).await;
    let updated = ws.until("message.updated").await;
    assert_eq!(updated["message"]["reactions"].as_array().unwrap().len(), 2, "{updated}");
    let log = ana.events(&cid, 0).await;
    let kinds: Vec<&str> =
        log["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "reaction.added").count(), 3, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "reaction.removed").count(), 1);
    for bad in ["xyzzy", ":nope:", "%F0%9F%91%8D%F0%9F%91%8D"] {
        let (status, body) =
            ana.call(Method::PUT, &format!("/api/v1/messages/{mid}/reactions/{bad}"), None).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    }
}
both!(reactions_toggle_count_and_reach_sockets);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b':' { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

/// Reacting and pinning need membership (a public channel's reader who has not joined gets
/// 403); a deleted message takes none; at most 50 different emoji.
async fn reactions_and_pins_have_limits(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.create_channel(&wid, "news", "public").await;
    let mid = ana.send(&cid, "big news").await["id"].as_str().unwrap().to_string();
    let (status, body) =
        ben.call(Method::PUT, &format!("/api/v1/messages/{mid}/reactions/%F0%9F%91%8D"), None).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = ben.call(Method::PUT, &format!("/api/v1/messages/{mid}/pin"), None).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let names = [
        "smile",
        "tada",
        "eyes",
        "heart",
        "fire",
        "rocket",
        "clap",
        "wave",
        "100",
        "star",
        "sunny",
        "moon",
        "coffee",
        "pizza",
        "cake",
        "beer",
        "apple",
        "lemon",
        "cherries",
        "grapes",
        "dog",
        "cat",
        "mouse",
        "rabbit",
        "fox_face",
        "bear",
        "panda_face",
        "koala",
        "tiger",
        "lion",
        "cow",
        "pig",
        "frog",
        "monkey",
        "chicken",
        "penguin",
        "bird",
        "whale",
        "dolphin",
        "fish",
        "octopus",
        "snail",
        "bug",
        "bee",
        "ant",
        "rose",
        "tulip",
        "cactus",
        "maple_leaf",
        "mushroom",
        "earth_americas",
    ];
    for name in &names[..50] {
        let (status, body) =
            ana.call(Method::PUT, &format!("/api/v1/messages/{mid}/reactions/{name}"), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{name}: {body}");
    }
    let (status, body) =
        ana.call(Method::PUT, &format!("/api/v1/messages/{mid}/reactions/{}", names[50]), None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    ana.delete(&format!("/api/v1/messages/{mid}")).await;
    let (status, _) = ana.call(Method::PUT, &format!("/api/v1/messages/{mid}/reactions/smile"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
both!(reactions_and_pins_have_limits);

/// Pins are channel events, listed newest first; saving is private and follows read access.
async fn pins_and_saved_messages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.create_channel(&wid, "plans", "private").await;
    ana.ok(Method::POST, &format!("/api/v1/channels/{cid}/members"), Some(json!({"user_id": ben.user_id})))
        .await;
    let first = ana.send(&cid, "first").await["id"].as_str().unwrap().to_string();
    let second = ana.send(&cid, "second").await["id"].as_str().unwrap().to_string();
    let mut ws = ben.ws().await;
    for mid in [&first, &second] {
        assert_eq!(
            ben.call(Method::PUT, &format!("/api/v1/messages/{mid}/pin"), None).await.0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(ws.until("message.pinned").await["message_id"], mid.as_str());
    }
    let pins = ana.ok(Method::GET, &format!("/api/v1/channels/{cid}/pins"), None).await;
    let ids: Vec<&str> =
        pins["messages"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![second.as_str(), first.as_str()], "newest pin first");
    ana.call(Method::DELETE, &format!("/api/v1/messages/{first}/pin"), None).await;
    assert_eq!(ws.until("message.unpinned").await["message_id"], first.as_str());

    assert_eq!(
        ben.call(Method::PUT, &format!("/api/v1/messages/{first}/save"), None).await.0,
        StatusCode::NO_CONTENT
    );
    let saved = ben.ok(Method::GET, "/api/v1/me/saved", None).await;
    assert_eq!(saved["messages"][0]["id"], first.as_str());
    let others = ana.ok(Method::GET, "/api/v1/me/saved", None).await;
    assert!(others["messages"].as_array().unwrap().is_empty(), "saved items are private");
    ws.expect_quiet(Duration::from_millis(300), &["presence", "typing"]).await;
    // Ben leaves the private channel: what he saved there is no longer his to read.
    ben.ok(Method::POST, &format!("/api/v1/channels/{cid}/leave"), None).await;
    let saved = ben.ok(Method::GET, "/api/v1/me/saved", None).await;
    assert!(saved["messages"].as_array().unwrap().is_empty(), "{saved}");
    let (status, _) = ben.get(&format!("/api/v1/channels/{cid}/pins")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
both!(pins_and_saved_messages);
