//! Channels and DMs: names, visibility, membership, archiving, read markers and counts.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{Backend, TestServer, assert_error};

async fn names_visibility_and_membership(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;

    let dev = ana.create_channel(&wid, "dev", "public").await;
    let (status, body) = ana
        .post(&format!("/api/v1/workspaces/{wid}/channels"), json!({"name": "dev", "kind": "private"}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    for bad in ["Dev", "has space", "", "ünï"] {
        let (status, body) = ana
            .post(&format!("/api/v1/workspaces/{wid}/channels"), json!({"name": bad, "kind": "public"}))
            .await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["field"], "name");
    }
    let (status, body) =
        ana.post(&format!("/api/v1/workspaces/{wid}/channels"), json!({"name": "x", "kind": "dm"})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");

    // Private channels are invisible to non-members: not listed, 404 on every route.
    let secret = ana.create_channel(&wid, "secret", "private").await;
    let names: Vec<String> =
        ben.channels(&wid).await.iter().map(|c| c["name"].as_str().unwrap().into()).collect();
    assert_eq!(names, vec!["dev", "general"]);
    for path in [
        format!("/api/v1/channels/{secret}"),
        format!("/api/v1/channels/{secret}/messages"),
        format!("/api/v1/channels/{secret}/events"),
    ] {
        let (status, body) = ben.get(&path).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, body) = ben.post(&format!("/api/v1/channels/{secret}/join"), json!({})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    // Public: readable before joining, postable after.
    let dev_seen = ben.channel_named(&wid, "dev").await;
    assert_eq!(dev_seen["is_member"], false);
    let (status, body) =
        ben.post(&format!("/api/v1/channels/{dev}/messages"), json!({"content": "hi"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = ben.post(&format!("/api/v1/channels/{dev}/join"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["channel"]["is_member"], true);
    ben.send(&dev, "hi").await;
    let (_, body) = ana.get(&format!("/api/v1/channels/{dev}/members")).await;
    assert_eq!(body["members"].as_array().unwrap().len(), 2);
    assert_eq!(ben.post(&format!("/api/v1/channels/{dev}/leave"), json!({})).await.0, StatusCode::NO_CONTENT);
    let general = ben.channel_named(&wid, "general").await;
    let (status, body) =
        ben.post(&format!("/api/v1/channels/{}/leave", general["id"].as_str().unwrap()), json!({})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // A member adds Ben to the private channel; adding him twice conflicts.
    let (status, body) =
        ana.post(&format!("/api/v1/channels/{secret}/members"), json!({"user_id": ben.user_id})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["members"].as_array().unwrap().len(), 2);
    let (status, body) =
        ana.post(&format!("/api/v1/channels/{secret}/members"), json!({"user_id": ben.user_id})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let (status, body) =
        ana.post(&format!("/api/v1/channels/{secret}/members"), json!({"user_id": "nobody"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(ben.get(&format!("/api/v1/channels/{secret}")).await.0, StatusCode::OK);

    // The log of dev holds exactly: Ana joined, Ben joined, Ben's message, Ben left.
    let events = ana.events(&dev, 0).await;
    let types: Vec<&str> =
        events["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["channel.member_joined", "channel.member_joined", "message.created", "channel.member_left"]
    );
    assert_eq!(events["latest_seq"], 4);
}
both!(names_visibility_and_membership);

async fn dms_map_one_set_to_one_channel(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let ben = server.signup("Ben").await;
    let cy = server.signup("Cy").await;
    let outsider = server.signup("Outsider").await;
    let wid = ana.create_workspace("Acme").await;
    ana.invite(&wid, &ben).await;
    ana.invite(&wid, &cy).await;
    let dms = format!("/api/v1/workspaces/{wid}/dms");

    let (status, first) = ana.post(&dms, json!({"user_ids": [ben.user_id]})).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["channel"]["kind"], "dm");
    let (status, again) = ben.post(&dms, json!({"user_ids": [ana.user_id, ben.user_id]})).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(first["channel"]["id"], again["channel"]["id"], "the same pair gets the same DM");
    let mut people: Vec<String> = first["channel"]["dm_user_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().into())
        .collect();
    people.sort();
    let mut expected = vec![ana.user_id.clone(), ben.user_id.clone()];
    expected.sort();
    assert_eq!(people, expected);

    let (_, group) = ana.post(&dms, json!({"user_ids": [ben.user_id, cy.user_id]})).await;
    assert_ne!(group["channel"]["id"], first["channel"]["id"]);
    let dm = first["channel"]["id"].as_str().unwrap();
    let (status, body) = cy.get(&format!("/api/v1/channels/{dm}")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    // Alone, too many, or with an outsider: refused.
    for bad in [
        json!({"user_ids": []}),
        json!({"user_ids": [ana.user_id]}),
        json!({"user_ids": [outsider.user_id]}),
        json!({"user_ids": (0..9).map(|i| format!("u{i}")).collect::<Vec<_>>()}),
    ] {
        let (status, body) = ana.post(&dms, bad).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    }
    let (status, body) = outsider.post(&dms, json!({"user_ids": [ana.user_id]})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = ana.post(&format!("/api/v1/channels/{dm}/leave"), json!({})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}
both!(dms_map_one_set_to_one_channel);

async fn topic_rename_and_archive(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let dev = ana.create_channel(&wid, "dev", "public").await;
    ben.ok(Method::POST, &format!("/api/v1/channels/{dev}/join"), None).await;
    let path = format!("/api/v1/channels/{dev}");

    let (status, body) = ben.patch(&path, json!({"topic": "Shipping v1"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["channel"]["topic"], "Shipping v1");
    let (status, body) = ben.patch(&path, json!({"name": "ben-dev"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = ana.patch(&path, json!({"name": "engineering"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["channel"]["name"], "engineering");
    let (status, body) = ana.patch(&path, json!({"topic": "x".repeat(251)})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");

    let (status, body) = ana.patch(&path, json!({"archived": true})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["channel"]["archived"], true);
    let (status, body) = ben.post(&format!("{path}/messages"), json!({"content": "still here?"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(
        ben.get(&format!("{path}/messages")).await.0,
        StatusCode::OK,
        "archived channels stay readable"
    );

    let events = ana.events(&dev, 0).await;
    let updates: Vec<&serde_json::Value> =
        events["events"].as_array().unwrap().iter().filter(|e| e["type"] == "channel.updated").collect();
    assert_eq!(updates.len(), 3);
    assert_eq!(updates[1]["data"]["channel"]["name"], "engineering");
    assert_eq!(updates[2]["data"]["channel"]["archived"], true);
    assert_eq!(updates[2]["data"]["channel"]["last_seq"], updates[2]["seq"]);

    let general = ana.channel_named(&wid, "general").await;
    let (status, body) = ana
        .patch(&format!("/api/v1/channels/{}", general["id"].as_str().unwrap()), json!({"archived": true}))
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}
both!(topic_rename_and_archive);

async fn unread_and_mention_counts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben Stone").await;
    let general = ana.channel_named(&wid, "general").await;
    let cid = general["id"].as_str().unwrap().to_string();

    ana.send(&cid, "hello all").await;
    ana.send(&cid, "ping @BenStone").await;
    let own = ben.send(&cid, "my own messages are never unread").await;
    let last = ana.send(&cid, "`@benstone` in code is not a mention").await;
    let seen = ben.channel_named(&wid, "general").await;
    assert_eq!(seen["unread_count"], 3);
    assert_eq!(seen["mention_count"], 1);
    assert_eq!(ana.channel_named(&wid, "general").await["unread_count"], 1);

    // Read up to Ben's own message: one left, no mention left. Backwards is ignored; past the end clamps.
    let read_path = format!("/api/v1/channels/{cid}/read");
    let read = |seq: i64| ben.post(&read_path, json!({"seq": seq}));
    assert_eq!(read(own["seq"].as_i64().unwrap()).await.0, StatusCode::NO_CONTENT);
    let seen = ben.channel_named(&wid, "general").await;
    assert_eq!((seen["unread_count"].as_i64(), seen["mention_count"].as_i64()), (Some(1), Some(0)));
    assert_eq!(seen["last_read_seq"], own["seq"]);
    assert_eq!(read(1).await.0, StatusCode::NO_CONTENT);
    assert_eq!(ben.channel_named(&wid, "general").await["last_read_seq"], own["seq"]);
    assert_eq!(read(1_000_000).await.0, StatusCode::NO_CONTENT);
    let seen = ben.channel_named(&wid, "general").await;
    assert_eq!(seen["unread_count"], 0);
    assert_eq!(seen["last_read_seq"], seen["last_seq"]);
    assert_eq!(seen["last_seq"], last["seq"]);
    let (status, body) = read(-1).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");

    // A deleted message stops counting.
    let doomed = ana.send(&cid, "@BenStone about to vanish").await;
    assert_eq!(ben.channel_named(&wid, "general").await["mention_count"], 1);
    ana.delete(&format!("/api/v1/messages/{}", doomed["id"].as_str().unwrap())).await;
    let seen = ben.channel_named(&wid, "general").await;
    assert_eq!((seen["unread_count"].as_i64(), seen["mention_count"].as_i64()), (Some(0), Some(0)));

    // Public channels one has not joined carry no counts and take no read marker.
    let dev = ana.create_channel(&wid, "dev", "public").await;
    ana.send(&dev, "news").await;
    assert_eq!(ben.channel_named(&wid, "dev").await["unread_count"], 0);
    let (status, body) = ben.post(&format!("/api/v1/channels/{dev}/read"), json!({"seq": 1})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}
both!(unread_and_mention_counts);

/// The creator or an admin takes someone out of a channel: the removed member's socket hears
/// `channel.member_left` and `channel.removed`, then nothing more of the channel; not in general.
async fn a_manager_removes_a_member(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.create_channel(&wid, "plans", "private").await;
    ana.ok(Method::POST, &format!("/api/v1/channels/{cid}/members"), Some(json!({"user_id": ben.user_id})))
        .await;
    let mut ben_ws = ben.ws().await;
    let (status, body) = ben.delete(&format!("/api/v1/channels/{cid}/members/{}", ana.user_id)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, _) = ana.delete(&format!("/api/v1/channels/{cid}/members/{}", ben.user_id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let left = ben_ws.until("channel.member_left").await;
    assert_eq!(left["user_id"], ben.user_id.as_str());
    assert_eq!(ben_ws.until("channel.removed").await["channel"]["id"], cid.as_str());
    ana.send(&cid, "after Ben left").await;
    ben_ws.expect_quiet(std::time::Duration::from_millis(500), &["presence", "typing"]).await;
    assert_eq!(ben.get(&format!("/api/v1/channels/{cid}")).await.0, StatusCode::NOT_FOUND);
    let (status, _) = ana.delete(&format!("/api/v1/channels/{cid}/members/{}", ben.user_id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a member any more");
    let general = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let (status, _) = ana.delete(&format!("/api/v1/channels/{general}/members/{}", ben.user_id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
both!(a_manager_removes_a_member);
