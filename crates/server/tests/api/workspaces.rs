//! Workspaces: creation with `general`, members and roles, invites, removal.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{Backend, TestServer, assert_error};

async fn create_list_and_general(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let wid = ana.create_workspace("Acme").await;
    let (_, body) = ana.get("/api/v1/workspaces").await;
    let list = body["workspaces"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["role"], "owner");
    let channels = ana.channels(&wid).await;
    assert_eq!(channels.len(), 1);
    assert_eq!(channels[0]["name"], "general");
    assert_eq!(channels[0]["kind"], "public");
    assert_eq!(channels[0]["is_member"], true);
    assert_eq!(channels[0]["is_default"], true);
    let (status, body) = ana.post("/api/v1/workspaces", json!({"name": "   "})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["field"], "name");
}
both!(create_list_and_general);

async fn invites_join_general_and_expire(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let ben = server.signup("Ben").await;
    let cy = server.signup("Cy").await;
    let wid = ana.create_workspace("Acme").await;

    let (status, body) = ana.post(&format!("/api/v1/workspaces/{wid}/invites"), json!({"max_uses": 1})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let code = body["invite"]["code"].as_str().unwrap().to_string();
    assert!(body["invite"]["expires_at"].as_str().unwrap().ends_with('Z'));

    let (status, body) = ben.post(&format!("/api/v1/invites/{code}/accept"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["workspace"]["id"], wid);
    assert_eq!(body["workspace"]["role"], "member");
    // Accepting again is harmless and uses nothing.
    assert_eq!(ben.post(&format!("/api/v1/invites/{code}/accept"), json!({})).await.0, StatusCode::OK);
    // Ben is in general, and general's log shows him joining.
    let general = ben.channel_named(&wid, "general").await;
    assert_eq!(general["is_member"], true);
    let cid = general["id"].as_str().unwrap();
    let events = ben.events(cid, 0).await;
    let joins: Vec<_> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "channel.member_joined")
        .map(|e| e["data"]["user_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(joins, vec![ana.user_id.clone(), ben.user_id.clone()]);

    // Used up: Cy is refused; unknown codes are 404.
    let (status, body) = cy.post(&format!("/api/v1/invites/{code}/accept"), json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let (status, body) = cy.post("/api/v1/invites/not-a-code/accept", json!({})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    for bad in [
        json!({"expires_in_hours": 0}),
        json!({"expires_in_hours": 100000}),
        json!({"max_uses": 0}),
        json!({"role": "admin"}),
    ] {
        let (status, body) = ana.post(&format!("/api/v1/workspaces/{wid}/invites"), bad.clone()).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    }

    // Guests join without general and cannot invite.
    ana.invite_as(&wid, &cy, "guest").await;
    assert!(cy.channels(&wid).await.is_empty(), "a guest sees no channel until added");
    let (status, body) = cy.post(&format!("/api/v1/workspaces/{wid}/invites"), json!({})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}
both!(invites_join_general_and_expire);

async fn roles_follow_the_rules(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.signup("Owner").await;
    let admin = server.signup("Admin").await;
    let member = server.signup("Member").await;
    let wid = owner.create_workspace("Acme").await;
    owner.invite(&wid, &admin).await;
    owner.invite(&wid, &member).await;
    let role_path = |uid: &str| format!("/api/v1/workspaces/{wid}/members/{uid}");

    // Members cannot change roles.
    let (status, body) = member.patch(&role_path(&admin.user_id), json!({"role": "admin"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = owner.patch(&role_path(&admin.user_id), json!({"role": "admin"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["member"]["role"], "admin");
    let (status, body) = owner.patch(&role_path(&admin.user_id), json!({"role": "wizard"})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");

    // Admins manage members but not owners.
    let (status, _) = admin.patch(&role_path(&member.user_id), json!({"role": "guest"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = admin.patch(&role_path(&owner.user_id), json!({"role": "member"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = admin.patch(&role_path(&admin.user_id), json!({"role": "owner"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = admin.delete(&role_path(&owner.user_id)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // The last owner can neither step down nor leave.
    let (status, body) = owner.patch(&role_path(&owner.user_id), json!({"role": "member"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let (status, body) = owner.delete(&role_path(&owner.user_id)).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");

    let (_, body) = owner.get(&format!("/api/v1/workspaces/{wid}/members")).await;
    let roles: Vec<(String, String)> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user"]["name"].as_str().unwrap().into(), m["role"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("Admin".into(), "admin".into()),
            ("Member".into(), "guest".into()),
            ("Owner".into(), "owner".into())
        ]
    );
}
both!(roles_follow_the_rules);

async fn removal_takes_every_channel_away(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let secret = ana.create_channel(&wid, "secret", "private").await;
    ana.ok(
        Method::POST,
        &format!("/api/v1/channels/{secret}/members"),
        Some(json!({"user_id": ben.user_id})),
    )
    .await;
    assert_eq!(ben.get(&format!("/api/v1/channels/{secret}")).await.0, StatusCode::OK);

    let (status, _) = ana.delete(&format!("/api/v1/workspaces/{wid}/members/{}", ben.user_id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = ben.get(&format!("/api/v1/channels/{secret}")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = ben.get(&format!("/api/v1/workspaces/{wid}")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (_, body) = ben.get("/api/v1/workspaces").await;
    assert!(body["workspaces"].as_array().unwrap().is_empty());
    // The channel's log records the departure.
    let events = ana.events(&secret, 0).await;
    let last = events["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "channel.member_left");
    assert_eq!(last["data"]["user_id"], ben.user_id.as_str());
    // Anyone may leave on their own.
    let cy = server.signup("Cy").await;
    ana.invite(&wid, &cy).await;
    let (status, _) = cy.delete(&format!("/api/v1/workspaces/{wid}/members/{}", cy.user_id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}
both!(removal_takes_every_channel_away);

/// An invite can be looked at before it is accepted: its workspace's name and role; 404 for an
/// unknown code, 409 once used up (unless the caller is in already), and looking uses nothing.
async fn an_invite_is_previewed_before_accepting(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let ben = server.signup("Ben").await;
    let cy = server.signup("Cy").await;
    let wid = ana.create_workspace("Acme").await;
    let body = ana
        .ok(Method::POST, &format!("/api/v1/workspaces/{wid}/invites"), Some(json!({"max_uses": 1})))
        .await;
    let code = body["invite"]["code"].as_str().unwrap().to_string();
    let preview = ben.ok(Method::GET, &format!("/api/v1/invites/{code}"), None).await["invite"].clone();
    assert_eq!(preview["workspace_name"], "Acme");
    assert_eq!(
        (preview["role"].as_str(), preview["already_member"].as_bool()),
        (Some("member"), Some(false))
    );
    let again = ben.ok(Method::GET, &format!("/api/v1/invites/{code}"), None).await;
    assert_eq!(again["invite"]["code"], code.as_str(), "looking twice uses nothing");
    ben.ok(Method::POST, &format!("/api/v1/invites/{code}/accept"), None).await;
    let member = ben.ok(Method::GET, &format!("/api/v1/invites/{code}"), None).await;
    assert_eq!(member["invite"]["already_member"], true, "used up, but Ben is in");
    let (status, body) = cy.get(&format!("/api/v1/invites/{code}")).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let (status, body) = cy.get("/api/v1/invites/not-a-real-code").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    // No session needed: a logged-out page checks the link before showing a sign-up form.
    let (status, body) = server.anonymous().get(&format!("/api/v1/invites/{code}")).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let fresh = ana.ok(Method::POST, &format!("/api/v1/workspaces/{wid}/invites"), Some(json!({}))).await;
    let fresh = fresh["invite"]["code"].as_str().unwrap().to_string();
    let anonymous = server.anonymous().get(&format!("/api/v1/invites/{fresh}")).await.1;
    assert_eq!(
        (anonymous["invite"]["workspace_name"].as_str(), anonymous["invite"]["already_member"].as_bool()),
        (Some("Acme"), Some(false))
    );
}
both!(an_invite_is_previewed_before_accepting);
