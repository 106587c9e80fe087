//! Messages: send, idempotent retries, paging, edit and history, delete, threads, rendering.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both;
use crate::common::{Backend, TestServer, assert_error};

fn seqs(page: &Value) -> Vec<i64> {
    page["messages"].as_array().unwrap().iter().map(|m| m["seq"].as_i64().unwrap()).collect()
}

async fn send_and_page(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let wid = ana.create_workspace("Acme").await;
    let cid = ana.create_channel(&wid, "dev", "public").await; // seq 1: Ana joined
    for i in 0..25 {
        ana.send(&cid, &format!("message {i}")).await; // seqs 2..=26
    }
    let msgs = format!("/api/v1/channels/{cid}/messages");

    let newest = ana.ok(Method::GET, &format!("{msgs}?limit=10"), None).await;
    assert_eq!(seqs(&newest), (17..=26).collect::<Vec<_>>());
    assert_eq!(newest["has_more"], true);
    let older = ana.ok(Method::GET, &format!("{msgs}?limit=10&before_seq=17"), None).await;
    assert_eq!(seqs(&older), (7..=16).collect::<Vec<_>>());
    let oldest = ana.ok(Method::GET, &format!("{msgs}?limit=10&before_seq=7"), None).await;
    assert_eq!(seqs(&oldest), (2..=6).collect::<Vec<_>>());
    assert_eq!(oldest["has_more"], false);
    let forward = ana.ok(Method::GET, &format!("{msgs}?after_seq=20&limit=3"), None).await;
    assert_eq!(seqs(&forward), vec![21, 22, 23]);
    assert_eq!(forward["has_more"], true);
    let between = ana.ok(Method::GET, &format!("{msgs}?after_seq=3&before_seq=6"), None).await;
    assert_eq!(seqs(&between), vec![4, 5]);
    let all = ana.ok(Method::GET, &msgs, None).await;
    assert_eq!(seqs(&all).len(), 25);
    assert_eq!(all["has_more"], false);

    for bad in ["limit=0", "limit=201", "before_seq=-1", "limit=abc"] {
        let (status, body) = ana.get(&format!("{msgs}?{bad}")).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    }
    let m = &all["messages"][0];
    let (_, got) = ana.get(&format!("/api/v1/messages/{}", m["id"].as_str().unwrap())).await;
    assert_eq!(&got["message"], m);
    for field in [
        "id",
        "channel_id",
        "seq",
        "author_id",
        "content",
        "html",
        "created_at",
        "edited_at",
        "deleted",
        "thread_root_id",
        "reply_count",
        "reactions",
        "attachments",
        "mentions",
    ] {
        assert!(m.get(field).is_some(), "message lacks {field}: {m}");
    }
}
both!(send_and_page);

async fn retries_with_an_idempotency_key_create_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/channels/{cid}/messages");
    let body = json!({"content": "once", "idempotency_key": "client-1"});

    let (s1, first) = ana.post(&path, body.clone()).await;
    let (s2, second) = ana.post(&path, body.clone()).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(first["message"], second["message"]);
    // Concurrent retries of one key still make one message.
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let (ana, path) = (ana.clone(), path.clone());
            tokio::spawn(async move {
                ana.post(&path, json!({"content": "race", "idempotency_key": "client-2"})).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for racer in racers {
        let (status, body) = racer.await.unwrap();
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{status} {body}");
        ids.push(body["message"]["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one message for one key: {ids:?}");
    // Another author may use the same key.
    let (status, _) = ben.post(&path, body).await;
    assert_eq!(status, StatusCode::CREATED);
    let page = ana.ok(Method::GET, &path, None).await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 3);
}
both!(retries_with_an_idempotency_key_create_nothing);

async fn edit_history_and_delete(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let msg = ben.send(&cid, "frist").await;
    let mid = msg["id"].as_str().unwrap();
    let path = format!("/api/v1/messages/{mid}");

    let (status, body) = ana.patch(&path, json!({"content": "hijacked"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = ben.patch(&path, json!({"content": "first **edit**"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"]["html"], "<p>first <strong>edit</strong></p>\n");
    assert!(body["message"]["edited_at"].is_string());
    assert_eq!(body["message"]["seq"], msg["seq"], "an edit keeps the message's seq");
    ben.ok(Method::PATCH, &path, Some(json!({"content": "first"}))).await;
    let (_, history) = ben.get(&format!("{path}/history")).await;
    let contents: Vec<&str> =
        history["versions"].as_array().unwrap().iter().map(|v| v["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["frist", "first **edit**", "first"]);
    assert_eq!(
        ana.get(&format!("{path}/history")).await.0,
        StatusCode::OK,
        "the owner (an admin) sees history"
    );
    let cy = server.signup("Cy").await;
    ana.invite(&wid, &cy).await;
    let (status, body) = cy.get(&format!("{path}/history")).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // Cy (a member) cannot delete Ben's message; Ana (owner) can. It stays as a tombstone.
    let (status, body) = cy.delete(&path).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(ana.delete(&path).await.0, StatusCode::NO_CONTENT);
    assert_eq!(ana.delete(&path).await.0, StatusCode::NO_CONTENT, "deleting twice is harmless");
    let (_, body) = ben.get(&path).await;
    assert_eq!(body["message"]["deleted"], true);
    assert_eq!(body["message"]["content"], "");
    assert_eq!(body["message"]["seq"], msg["seq"]);
    let (status, body) = ben.patch(&path, json!({"content": "back"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    let events = ana.events(&cid, msg["seq"].as_i64().unwrap() - 1).await;
    let types: Vec<&str> =
        events["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["message.created", "message.updated", "message.updated", "channel.member_joined", "message.deleted"]
    );
    assert_eq!(events["events"][4]["data"]["message_id"], mid);
    assert_eq!(events["events"][1]["data"]["message"]["content"], "first **edit**");
}
both!(edit_history_and_delete);

async fn threads_mentions_and_rendering(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/channels/{cid}/messages");

    let root = ana
        .send(&cid, "<script>alert(1)</script>\n\n[x](javascript:alert(1)) **@ben** see https://example.com")
        .await;
    let html = root["html"].as_str().unwrap();
    assert!(!html.contains("<script") && !html.contains("href=\"javascript"), "{html}");
    assert!(html.contains(r#"rel="noopener noreferrer nofollow""#), "{html}");
    assert!(html.contains(&format!(r#"data-user-id="{}""#, ben.user_id)), "{html}");
    assert_eq!(root["mentions"], json!([ben.user_id]));

    let root_id = root["id"].as_str().unwrap();
    let (status, reply) = ben.post(&path, json!({"content": "in thread", "thread_root_id": root_id})).await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    ben.ok(Method::POST, &path, Some(json!({"content": "again", "thread_root_id": root_id}))).await;
    let (_, replies) = ana.get(&format!("/api/v1/messages/{root_id}/replies")).await;
    assert_eq!(replies["messages"].as_array().unwrap().len(), 2);
    let (_, root_now) = ana.get(&format!("/api/v1/messages/{root_id}")).await;
    assert_eq!(root_now["message"]["reply_count"], 2);
    let page = ana.ok(Method::GET, &path, None).await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 1, "replies stay in their thread");
    // No replies to replies, nor across channels.
    let reply_id = reply["message"]["id"].as_str().unwrap();
    let (status, body) = ben.post(&path, json!({"content": "nested", "thread_root_id": reply_id})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["field"], "thread_root_id");

    // Content limits: empty is invalid, over 40,000 characters is too large (multi-byte counted as one).
    let (status, body) = ana.post(&path, json!({"content": "   "})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = ana.post(&path, json!({"content": "é".repeat(40_001)})).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let (status, _) = ana.post(&path, json!({"content": "é".repeat(40_000)})).await;
    assert_eq!(status, StatusCode::CREATED);
}
both!(threads_mentions_and_rendering);

/// The client id a sender chose comes back in the answer, on the socket and in the log, so the
/// author's other devices settle their pending copy by it; a send without one carries null.
async fn the_client_id_is_echoed_everywhere(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let wid = ana.create_workspace("Acme").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let mut ws = ana.ws().await;
    let path = format!("/api/v1/channels/{cid}/messages");
    let answer =
        ana.ok(Method::POST, &path, Some(json!({"content": "hi", "idempotency_key": "tab-1:42"}))).await;
    assert_eq!(answer["message"]["idempotency_key"], "tab-1:42");
    let event = ws.until("message.created").await;
    assert_eq!(event["message"]["idempotency_key"], "tab-1:42");
    let page = ana.ok(Method::GET, &path, None).await;
    assert_eq!(page["messages"].as_array().unwrap().last().unwrap()["idempotency_key"], "tab-1:42");
    let log = ana.events(&cid, 0).await;
    let created =
        log["events"].as_array().unwrap().iter().rev().find(|e| e["type"] == "message.created").cloned();
    assert_eq!(created.unwrap()["data"]["message"]["idempotency_key"], "tab-1:42");
    let plain = ana.send(&cid, "no key").await;
    assert!(plain["idempotency_key"].is_null(), "{plain}");
}
both!(the_client_id_is_echoed_everywhere);
