//! Notes as a team uses them: a channel's note edited by its members with optimistic locking
//! (a stale save is refused with the current note, nothing overwritten), `note.updated` on the
//! socket and in the log, the last 50 versions and restoring one; a private note per person.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{Backend, TestServer, assert_error};

async fn channel_notes_lock_optimistically_and_keep_history(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/channels/{cid}/note");
    let empty = ben.ok(Method::GET, &path, None).await["note"].clone();
    assert_eq!(
        empty,
        json!({"content": "", "html": "", "version": 0, "updated_at": null, "last_edited_by": null})
    );

    let mut ws = ben.ws().await;
    let (status, body) = ana
        .call(Method::PUT, &path, Some(json!({"content": "# Plan\n\n- ship **v2**", "expected_version": 0})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["note"]["version"], 1);
    assert_eq!(body["note"]["html"], "<h1>Plan</h1>\n<ul>\n<li>ship <strong>v2</strong></li>\n</ul>\n");
    assert_eq!(body["note"]["last_edited_by"], ana.user_id.as_str());
    let event = ws.until("note.updated").await;
    assert_eq!(
        (event["version"].as_i64(), event["editor_id"].as_str()),
        (Some(1), Some(ana.user_id.as_str()))
    );
    let seq = event["seq"].as_i64().unwrap();
    let log = ben.events(&cid, seq - 1).await;
    assert_eq!(log["events"][0]["type"], "note.updated", "the save is in the channel's log: {log}");

    // Ben saves from version 1; Ana, still on version 1, is refused with Ben's note.
    let (status, _) =
        ben.call(Method::PUT, &path, Some(json!({"content": "ben's plan", "expected_version": 1}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) =
        ana.call(Method::PUT, &path, Some(json!({"content": "ana's plan", "expected_version": 1}))).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert_eq!(body["note"]["content"], "ben's plan", "the answer carries what is there now");
    assert_eq!(body["note"]["version"], 2);
    assert_eq!(
        ben.ok(Method::GET, &path, None).await["note"]["content"],
        "ben's plan",
        "nothing overwritten"
    );

    // Concurrent saves from the same version: exactly one wins.
    let saves: Vec<_> = (0..8)
        .map(|i| {
            let (who, path) = (if i % 2 == 0 { ana.clone() } else { ben.clone() }, path.clone());
            tokio::spawn(async move {
                who.call(
                    Method::PUT,
                    &path,
                    Some(json!({"content": format!("race {i}"), "expected_version": 2})),
                )
                .await
                .0
            })
        })
        .collect();
    let mut won = 0;
    for save in saves {
        match save.await.unwrap() {
            StatusCode::OK => won += 1,
            StatusCode::CONFLICT => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(won, 1);

    // History: newest first; any version can be read and restored (a new version).
    let versions = ana.ok(Method::GET, &format!("{path}/versions"), None).await["versions"].clone();
    let numbers: Vec<i64> =
        versions.as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [3, 2, 1]);
    let first = ana.ok(Method::GET, &format!("{path}/versions/1"), None).await["version"].clone();
    assert_eq!(first["content"], "# Plan\n\n- ship **v2**");
    assert!(first["html"].as_str().unwrap().contains("<h1>Plan</h1>"));
    let (status, body) =
        ana.call(Method::PUT, &path, Some(json!({"content": first["content"], "expected_version": 3}))).await;
    assert_eq!((status, body["note"]["version"].as_i64()), (StatusCode::OK, Some(4)));
    let (status, body) = ana.get(&format!("{path}/versions/99")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    // Only the last 50 versions are kept.
    for v in 4..60 {
        ben.ok(Method::PUT, &path, Some(json!({"content": format!("v{}", v + 1), "expected_version": v})))
            .await;
    }
    let versions = ana.ok(Method::GET, &format!("{path}/versions"), None).await["versions"].clone();
    let kept: Vec<i64> =
        versions.as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
    assert_eq!((kept.len(), kept[0], *kept.last().unwrap()), (50, 60, 11));
    let (status, _) = ana.get(&format!("{path}/versions/3")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "older versions are gone");

    // Bad input: over 100,000 characters, a negative version, a missing field.
    let (status, body) = ana
        .call(Method::PUT, &path, Some(json!({"content": "x".repeat(100_001), "expected_version": 60})))
        .await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let (status, body) =
        ana.call(Method::PUT, &path, Some(json!({"content": "x", "expected_version": -1}))).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = ana.call(Method::PUT, &path, Some(json!({"content": "x"}))).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(ana.ok(Method::GET, &path, None).await["note"]["version"], 60, "nothing written by bad input");
}
both!(channel_notes_lock_optimistically_and_keep_history);

async fn who_may_read_and_edit_notes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cara = server.signup("Cara").await;
    ana.invite(&wid, &cara).await;
    let stranger = server.signup("Stranger").await;
    let private = ana.create_channel(&wid, "secret", "private").await;
    let public = ana.create_channel(&wid, "open", "public").await;
    let save = |cid: &str, content: &str, v: i64| {
        (format!("/api/v1/channels/{cid}/note"), json!({"content": content, "expected_version": v}))
    };
    let (path, body) = save(&private, "private plans", 0);
    ana.ok(Method::PUT, &path, Some(body)).await;
    for who in [&ben, &stranger] {
        let (status, answer) = who.get(&path).await;
        assert_error(status, &answer, StatusCode::NOT_FOUND, "not_found");
        let (status, _) = who.get(&format!("{path}/versions")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // A public channel's note: readable by non-members, editable by members only.
    let (path, body) = save(&public, "open plans", 0);
    ana.ok(Method::PUT, &path, Some(body)).await;
    assert_eq!(cara.ok(Method::GET, &path, None).await["note"]["content"], "open plans");
    let (status, answer) =
        cara.call(Method::PUT, &path, Some(json!({"content": "mine now", "expected_version": 1}))).await;
    assert_error(status, &answer, StatusCode::FORBIDDEN, "forbidden");
    // Archived: read-only for everyone.
    ana.ok(Method::PATCH, &format!("/api/v1/channels/{public}"), Some(json!({"archived": true}))).await;
    let (status, _) =
        ana.call(Method::PUT, &path, Some(json!({"content": "late", "expected_version": 1}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Personal notes: each person's own, per workspace, private.
    let mine = format!("/api/v1/workspaces/{wid}/notes/me");
    ana.ok(Method::PUT, &mine, Some(json!({"content": "ana's scratchpad", "expected_version": 0}))).await;
    let bens = ben.ok(Method::GET, &mine, None).await["note"].clone();
    assert_eq!(
        (bens["content"].as_str(), bens["version"].as_i64()),
        (Some(""), Some(0)),
        "Ben sees his own, empty"
    );
    ben.ok(Method::PUT, &mine, Some(json!({"content": "ben's", "expected_version": 0}))).await;
    assert_eq!(ana.ok(Method::GET, &mine, None).await["note"]["content"], "ana's scratchpad");
    let (status, body) =
        ana.call(Method::PUT, &mine, Some(json!({"content": "stale", "expected_version": 0}))).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert_eq!(body["note"]["content"], "ana's scratchpad");
    let (status, _) = stranger.get(&mine).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let versions = ana.ok(Method::GET, &format!("{mine}/versions"), None).await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1);
}
both!(who_may_read_and_edit_notes);
