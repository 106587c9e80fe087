//! Custom status (emoji, text, expiry), do-not-disturb, handles, and per-channel notification
//! preferences.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{Backend, TestServer, assert_error};

async fn status_and_do_not_disturb(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, _wid) = server.pair("Ben Ng").await;
    let mut ws = ana.ws().await;
    let later = "2099-01-01T00:00:00Z";
    let me = ben
        .ok(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"status_text": "in a meeting", "status_emoji": ":calendar:", "status_expires_at": later,
                        "dnd_until": later})),
        )
        .await["user"]
        .clone();
    assert_eq!((me["status_emoji"].as_str(), me["handle"].as_str()), (Some("📆"), Some("benng")));
    assert_eq!(me["status_expires_at"], later);
    let seen = ws.until("user.updated").await;
    assert_eq!(seen["user"]["status_text"], "in a meeting");
    assert_eq!(seen["user"]["dnd_until"], later, "do-not-disturb shows to others");
    let other = ana.ok(Method::GET, &format!("/api/v1/users/{}", ben.user_id), None).await["user"].clone();
    assert_eq!(other["status_emoji"], "📆");
    // An expired status reads as none; null clears do-not-disturb; absent fields stay.
    let me = ben
        .ok(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"status_expires_at": "2000-01-01T00:00:00Z", "dnd_until": null})),
        )
        .await["user"]
        .clone();
    assert_eq!((me["status_text"].as_str(), me["status_emoji"].as_str()), (Some(""), Some("")));
    assert!(me["dnd_until"].is_null());
    assert_eq!(me["name"], "Ben Ng");
    for (body, field) in [
        (json!({"status_emoji": "not an emoji"}), "status_emoji"),
        (json!({"dnd_until": "tomorrow"}), "dnd_until"),
        (json!({"status_expires_at": 5}), "status_expires_at"),
    ] {
        let (status, answer) = ben.patch("/api/v1/me", body).await;
        assert_error(status, &answer, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(answer["error"]["field"], field);
    }
}
both!(status_and_do_not_disturb);

async fn notification_preferences_per_channel(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.create_channel(&wid, "noisy", "public").await;
    let path = format!("/api/v1/channels/{cid}/notifications");
    let defaults = ana.ok(Method::GET, &path, None).await;
    assert_eq!(
        defaults["notifications"],
        json!({"level": "mentions", "muted": false, "default": true}),
        "the workspace default until set"
    );
    let set = ana.ok(Method::PUT, &path, Some(json!({"level": "all", "muted": true}))).await;
    assert_eq!(set["notifications"], json!({"level": "all", "muted": true, "default": false}));
    let listed = ana.channel_named(&wid, "noisy").await;
    assert_eq!(listed["notifications"]["muted"], true, "the channel list carries them");
    let bens = ben.channel_named(&wid, "noisy").await;
    assert_eq!(bens["notifications"]["muted"], false, "they are the caller's own");
    let (status, body) = ben.call(Method::PUT, &path, Some(json!({"level": "all", "muted": false}))).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = ana.call(Method::PUT, &path, Some(json!({"level": "loud", "muted": false}))).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["field"], "level");
}
both!(notification_preferences_per_channel);

/// `@group` mentions the group's members who are in the channel; `@channel` every other member;
/// `@here` the ones online now. Each counts in their `mention_count` and renders as a pill.
async fn group_and_broadcast_mentions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cy = server.signup("Cy").await;
    let dee = server.signup("Dee").await;
    ana.invite(&wid, &cy).await;
    ana.invite(&wid, &dee).await;
    let cid = ana.create_channel(&wid, "ops", "public").await;
    for who in [&ben, &cy] {
        who.ok(Method::POST, &format!("/api/v1/channels/{cid}/join"), None).await;
    }
    // Dee is in the group but not in #ops: not mentioned there.
    let group = ana
        .ok(
            Method::POST,
            &format!("/api/v1/workspaces/{wid}/groups"),
            Some(json!({"handle": "oncall", "name": "On call", "user_ids": [ben.user_id, dee.user_id]})),
        )
        .await;
    assert_eq!(group["group"]["handle"], "oncall");
    let (status, body) = ben
        .post(
            &format!("/api/v1/workspaces/{wid}/groups"),
            json!({"handle": "x", "name": "X", "user_ids": []}),
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, _) = ana
        .post(
            &format!("/api/v1/workspaces/{wid}/groups"),
            json!({"handle": "ben", "name": "B", "user_ids": []}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a person's handle is taken");
    let listed = cy.ok(Method::GET, &format!("/api/v1/workspaces/{wid}/groups"), None).await;
    assert_eq!(listed["groups"][0]["user_ids"].as_array().unwrap().len(), 2);

    let message = ana.send(&cid, "@oncall the disk is full").await;
    assert_eq!(message["mentions"], json!([ben.user_id]), "only the group's members in the channel");
    assert!(message["html"].as_str().unwrap().contains("mention--group"), "{}", message["html"]);
    let message = ana.send(&cid, "@channel standup in 5").await;
    let mut mentioned: Vec<&str> =
        message["mentions"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    mentioned.sort();
    let mut expected = vec![ben.user_id.as_str(), cy.user_id.as_str()];
    expected.sort();
    assert_eq!(mentioned, expected, "everyone in the channel but the author");
    assert!(message["html"].as_str().unwrap().contains("mention--broadcast"));
    // Only Cy has a socket open: @here is Cy.
    let _cy_ws = cy.ws().await;
    let message = ana.send(&cid, "@here anyone?").await;
    assert_eq!(message["mentions"], json!([cy.user_id]));
    let bens = ben.channel_named(&wid, "ops").await;
    assert_eq!(bens["mention_count"], 2, "the group and @channel");
}
both!(group_and_broadcast_mentions);
