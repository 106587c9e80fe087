//! Check-then-write pairs run concurrently, many times: under PostgreSQL's READ COMMITTED each
//! lost its check before the row locks were taken first (deleted text came back, a workspace
//! lost its last owner, an archive was undone). SQLite serializes writers and must agree.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{Backend, TestServer};

/// An edit racing a delete: either the edit lands first and the delete empties it, or the edit
/// finds the tombstone. Never does deleted text come back, in the row or in an event.
async fn an_edit_racing_a_delete_never_resurrects_text(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let wid = ana.create_workspace("Acme").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    for round in 0..25 {
        let mid = ana.send(&cid, &format!("original {round}")).await["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/messages/{mid}");
        let (edit, delete) =
            tokio::join!(ana.patch(&path, json!({"content": format!("edited {round}")})), ana.delete(&path));
        assert!(matches!(edit.0, StatusCode::OK | StatusCode::NOT_FOUND), "edit: {edit:?}");
        assert_eq!(delete.0, StatusCode::NO_CONTENT);
        let message = ana.ok(Method::GET, &format!("/api/v1/messages/{mid}"), None).await["message"].clone();
        assert_eq!(
            (message["deleted"].as_bool(), message["content"].as_str()),
            (Some(true), Some("")),
            "{message}"
        );
    }
    let events = ana.events(&cid, 0).await["events"].as_array().unwrap().clone();
    let mut deleted = std::collections::HashSet::new();
    for event in &events {
        match event["type"].as_str().unwrap() {
            "message.deleted" => {
                deleted.insert(event["data"]["message_id"].as_str().unwrap().to_string());
            }
            "message.updated" => {
                let id = event["data"]["message"]["id"].as_str().unwrap();
                assert!(!deleted.contains(id), "an edit was recorded after its message's deletion: {event}");
                assert_eq!(event["data"]["message"]["deleted"], false);
            }
            _ => {}
        }
    }
    assert_eq!(deleted.len(), 25);
}
both!(an_edit_racing_a_delete_never_resurrects_text);

/// Two owners demoting each other at once: one of them stays owner, every time.
async fn owners_demoting_each_other_leave_an_owner(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let set = |who: &crate::common::Client, target: &str, role: &str| {
        let path = format!("/api/v1/workspaces/{wid}/members/{target}");
        let who = who.clone();
        let body = json!({"role": role});
        async move { who.patch(&path, body).await }
    };
    for round in 0..10 {
        assert_eq!(set(&ana, &ben.user_id, "owner").await.0, StatusCode::OK, "round {round}");
        let (a, b) = tokio::join!(set(&ana, &ben.user_id, "member"), set(&ben, &ana.user_id, "member"));
        let outcomes = [a.0, b.0];
        assert!(outcomes.contains(&StatusCode::OK), "round {round}: {a:?} {b:?}");
        let members = ana.ok(Method::GET, &format!("/api/v1/workspaces/{wid}/members"), None).await;
        let owners = members["members"].as_array().unwrap().iter().filter(|m| m["role"] == "owner").count();
        assert_eq!(owners, 1, "round {round}: {members}");
        // Whoever is still owner makes the other owner again for the next round.
        let owner_is_ana = members["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["role"] == "owner" && m["user"]["id"] == ana.user_id.as_str());
        if !owner_is_ana {
            assert_eq!(set(&ben, &ana.user_id, "owner").await.0, StatusCode::OK);
        }
    }
}
both!(owners_demoting_each_other_leave_an_owner);

/// A topic edit racing an archive never writes the archive back.
async fn a_topic_edit_never_undoes_an_archive(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    for round in 0..15 {
        let cid = ana.create_channel(&wid, &format!("project-{round}"), "public").await;
        ben.ok(Method::POST, &format!("/api/v1/channels/{cid}/join"), None).await;
        let path = format!("/api/v1/channels/{cid}");
        let (archive, topic) = tokio::join!(
            ana.patch(&path, json!({"archived": true})),
            ben.patch(&path, json!({"topic": format!("topic {round}")})),
        );
        assert_eq!(archive.0, StatusCode::OK, "{archive:?}");
        assert!(matches!(topic.0, StatusCode::OK | StatusCode::FORBIDDEN), "{topic:?}");
        let channel = ana.ok(Method::GET, &path, None).await["channel"].clone();
        assert_eq!(channel["archived"], true, "round {round}: the archive was undone: {channel}");
    }
}
both!(a_topic_edit_never_undoes_an_archive);
