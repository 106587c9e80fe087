//! Accounts and sessions: sign-up, login, logout, profile, cookies with CSRF, invite-only
//! registration and the admin commands.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::both;
use crate::common::{Backend, PASSWORD, TestServer, assert_error};

async fn signup_login_logout(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let ben = server.signup("Ben").await;

    let (_, me) = ana.get("/api/v1/me").await;
    assert_eq!(me["user"]["email"], "ana@example.com");
    assert_eq!(me["user"]["is_admin"], true, "the first account is the server admin");
    let (_, me) = ben.get("/api/v1/me").await;
    assert_eq!(me["user"]["is_admin"], false);

    // The same email, in another case, is taken.
    let (status, body) = server
        .anonymous()
        .post(
            "/api/v1/auth/signup",
            json!({"email": "ANA@example.com", "password": PASSWORD, "name": "Imposter"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");

    // Wrong password and unknown email: the same answer.
    let anon = server.anonymous();
    let (s1, b1) = anon
        .post("/api/v1/auth/login", json!({"email": "ana@example.com", "password": "wrong password"}))
        .await;
    let (s2, b2) = anon
        .post("/api/v1/auth/login", json!({"email": "nobody@example.com", "password": "wrong password"}))
        .await;
    assert_error(s1, &b1, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!((s1, &b1), (s2, &b2));

    // A second device logs in; logging out one session leaves the other working.
    let (status, body) =
        anon.post("/api/v1/auth/login", json!({"email": "Ana@Example.com", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut phone = server.anonymous();
    phone.token = Some(body["token"].as_str().unwrap().to_string());
    assert_eq!(phone.get("/api/v1/me").await.0, StatusCode::OK);
    assert_eq!(ana.post("/api/v1/auth/logout", json!({})).await.0, StatusCode::NO_CONTENT);
    let (status, body) = ana.get("/api/v1/me").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(phone.get("/api/v1/me").await.0, StatusCode::OK);
    let (status, body) = anon.get("/api/v1/me").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
}
both!(signup_login_logout);

async fn profile_updates_and_visibility(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let ben = server.signup("Ben").await;
    let (status, body) =
        ana.patch("/api/v1/me", json!({"name": "  Ana Lopez ", "status_text": "in a meeting"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["name"], "Ana Lopez");
    assert_eq!(body["user"]["status_text"], "in a meeting");

    // Strangers cannot look each other up; sharing a workspace reveals the profile, not the email.
    let (status, body) = ben.get(&format!("/api/v1/users/{}", ana.user_id)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let wid = ana.create_workspace("Acme").await;
    ana.invite(&wid, &ben).await;
    let (status, body) = ben.get(&format!("/api/v1/users/{}", ana.user_id)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["name"], "Ana Lopez");
    assert!(body["user"].get("email").is_none(), "email leaked: {body}");
}
both!(profile_updates_and_visibility);

/// The browser's way: the session cookie, with mutating requests refused unless their Origin is
/// the server's own.
async fn cookie_sessions_need_a_matching_origin(backend: Backend) {
    let server = TestServer::start(backend).await;
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let url = |p: &str| format!("{}{p}", server.base);
    let resp = browser
        .post(url("/api/v1/auth/signup"))
        .json(&json!({"email": "ana@example.com", "password": PASSWORD, "name": "Ana"}))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("ocomms_session="), "{cookie}");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(!cookie.contains("Secure"), "plain-http servers must not set Secure: {cookie}");

    // Reads need no Origin.
    assert_eq!(browser.get(url("/api/v1/me")).send().await.unwrap().status(), StatusCode::OK);
    // A write from another site is refused, one without Origin too; our own origin passes.
    let cross = browser
        .post(url("/api/v1/workspaces"))
        .header(header::ORIGIN, "https://evil.example")
        .json(&json!({"name": "Pwned"}))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let bare = browser.post(url("/api/v1/workspaces")).json(&json!({"name": "x"})).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::FORBIDDEN);
    let own = browser
        .post(url("/api/v1/workspaces"))
        .header(header::ORIGIN, server.base.as_str())
        .json(&json!({"name": "Acme"}))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::CREATED);
    let (_, list) = {
        let resp = browser.get(url("/api/v1/workspaces")).send().await.unwrap();
        (resp.status(), resp.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!(
        list["workspaces"].as_array().unwrap().len(),
        1,
        "the refused request created nothing: {list}"
    );

    // Logout clears the cookie and revokes the session.
    let out = browser
        .post(url("/api/v1/auth/logout"))
        .header(header::ORIGIN, server.base.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert!(out.headers()[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(browser.get(url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}
both!(cookie_sessions_need_a_matching_origin);

async fn invite_only_registration(backend: Backend) {
    let server = TestServer::start_with(backend, &["--registration", "invite"]).await;
    // The first account gets in without an invite: someone has to make them.
    let ana = server.signup("Ana").await;
    let anon = server.anonymous();
    let (status, body) = anon
        .post("/api/v1/auth/signup", json!({"email": "ben@example.com", "password": PASSWORD, "name": "Ben"}))
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = anon
        .post(
            "/api/v1/auth/signup",
            json!({"email": "ben@example.com", "password": PASSWORD, "name": "Ben", "invite_code": "nope"}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    // Nothing half-written: the failed sign-up left no account behind.
    let (status, _) =
        anon.post("/api/v1/auth/login", json!({"email": "ben@example.com", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let wid = ana.create_workspace("Acme").await;
    let invite = ana
        .ok(Method::POST, &format!("/api/v1/workspaces/{wid}/invites"), Some(json!({"max_uses": 1})))
        .await;
    let code = invite["invite"]["code"].as_str().unwrap();
    let (status, body) = anon
        .post(
            "/api/v1/auth/signup",
            json!({"email": "ben@example.com", "password": PASSWORD, "name": "Ben", "invite_code": code}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut ben = server.anonymous();
    ben.token = Some(body["token"].as_str().unwrap().to_string());
    let general = ben.channel_named(&wid, "general").await;
    assert_eq!(general["is_member"], true, "signing up with an invite joins its workspace");
    // The single use is spent.
    let (status, body) = anon
        .post(
            "/api/v1/auth/signup",
            json!({"email": "cy@example.com", "password": PASSWORD, "name": "Cy", "invite_code": code}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
}
both!(invite_only_registration);

/// `ocomms admin create-user` and `reset-password` against the server's own database.
async fn admin_commands(backend: Backend) {
    // The default heartbeat (30 s): the socket must close long before a heartbeat passes.
    let server = TestServer::start(backend).await;
    let run = |args: &[&str], stdin: &str| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ocomms"));
        cmd.args(["--data-dir", &server.data_dir.path().display().to_string()]);
        if let Some(url) = &server.database_url {
            cmd.args(["--database-url", url]);
        }
        cmd.args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(
        &["admin", "create-user", "--email", "Ops@Example.com", "--name", "Ops", "--admin"],
        "first password\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again =
        run(&["admin", "create-user", "--email", "ops@example.com", "--name", "Ops"], "first password\n");
    assert!(!again.status.success(), "a second account with the same email was created");

    let anon = server.anonymous();
    let (status, body) = anon
        .post("/api/v1/auth/login", json!({"email": "ops@example.com", "password": "first password"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["is_admin"], true);
    let mut session = server.anonymous();
    session.token = Some(body["token"].as_str().unwrap().to_string());
    session.user_id = body["user"]["id"].as_str().unwrap().to_string();
    let mut socket = session.ws().await;

    let out = run(&["admin", "reset-password", "--email", "ops@example.com"], "second password\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The command line records the revocation; every node reads the log within a second, and
    // forgets the session from its cache before it closes the session's sockets.
    assert_eq!(socket.expect_close(std::time::Duration::from_secs(3)).await, Some(4001));
    assert_eq!(session.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "a reset ends existing sessions");
    let (status, _) = anon
        .post("/api/v1/auth/login", json!({"email": "ops@example.com", "password": "first password"}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = anon
        .post("/api/v1/auth/login", json!({"email": "ops@example.com", "password": "second password"}))
        .await;
    assert_eq!(status, StatusCode::OK);
}
both!(admin_commands);

/// A page can ask who is logged in without an error: 200 with the user, or with null.
async fn the_session_is_answered_without_an_error(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    let (status, body) = server.anonymous().get("/api/v1/auth/session").await;
    assert_eq!((status, body["user"].is_null()), (StatusCode::OK, true), "{body}");
    let (status, body) = ana.get("/api/v1/auth/session").await;
    assert_eq!((status, body["user"]["id"].as_str()), (StatusCode::OK, Some(ana.user_id.as_str())));
    let mut stale = server.anonymous();
    stale.token = Some("not-a-token".into());
    let (status, body) = stale.get("/api/v1/auth/session").await;
    assert_eq!((status, body["user"].is_null()), (StatusCode::OK, true));
}
both!(the_session_is_answered_without_an_error);
