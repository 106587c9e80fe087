//! Login, sign-up and invite throttling: per account, per client IP (the socket's, or the
//! forwarded one behind a trusted proxy), with 429 and Retry-After.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both;
use crate::common::{Backend, PASSWORD, TestServer, assert_error};

async fn login(
    server: &TestServer,
    email: &str,
    password: &str,
    forwarded: Option<&str>,
) -> (StatusCode, Value, Option<u64>) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"email": email, "password": password}));
    if let Some(ip) = forwarded {
        req = req.header("x-forwarded-for", ip);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let retry = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    (status, resp.json().await.unwrap_or(Value::Null), retry)
}

/// Five wrong passwords lock the account for the rest of the 15 minutes, right password
/// included; other accounts from elsewhere are not affected.
async fn failed_logins_lock_the_account(backend: Backend) {
    // Per-IP off here, so that only the account's count is at work.
    let server = TestServer::start_with(backend, &["--login-failures-per-ip", "0"]).await;
    server.signup("Ana").await;
    server.signup("Ben").await;
    for _ in 0..5 {
        let (status, body, _) = login(&server, "ana@example.com", "wrong password", None).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let (status, body, retry) = login(&server, "ANA@example.com", PASSWORD, None).await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry = retry.expect("Retry-After");
    assert!((840..=900).contains(&retry), "Retry-After {retry}");
    let (status, _, _) = login(&server, "ben@example.com", PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK, "another account still logs in");
}
both!(failed_logins_lock_the_account);

/// A success clears the account's failures; failures from one IP over many accounts lock that
/// IP; behind a trusted proxy the forwarded address counts, from anyone else it is ignored.
async fn failures_count_per_client_ip(backend: Backend) {
    let server = TestServer::start_with(backend, &["--trusted-proxy", "127.0.0.1"]).await;
    server.signup("Ana").await;
    for _ in 0..4 {
        login(&server, "ana@example.com", "wrong password", Some("203.0.113.9")).await;
    }
    let (status, _, _) = login(&server, "ana@example.com", PASSWORD, Some("198.51.100.1")).await;
    assert_eq!(status, StatusCode::OK, "4 failures do not lock; this success clears the account");
    for n in 0..5 {
        let (status, _, _) =
            login(&server, &format!("nobody{n}@example.com"), "x", Some("203.0.113.9")).await;
        let expected = if n == 0 { StatusCode::UNAUTHORIZED } else { StatusCode::TOO_MANY_REQUESTS };
        // The IP had 4 failures: its fifth locks it.
        assert_eq!(status, expected, "attempt {n}");
    }
    let (status, _, _) = login(&server, "ana@example.com", PASSWORD, Some("203.0.113.9")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "that IP is locked out");
    let (status, _, _) = login(&server, "ana@example.com", PASSWORD, Some("198.51.100.1")).await;
    assert_eq!(status, StatusCode::OK, "another client behind the same proxy is not");

    // Without --trusted-proxy the header is the client's word and counts for nothing.
    let direct = TestServer::start(backend).await;
    direct.signup("Ana").await;
    for n in 0..5 {
        login(&direct, "ana@example.com", "wrong", Some(&format!("192.0.2.{n}"))).await;
    }
    let (status, _, _) = login(&direct, "ben@example.com", "wrong", Some("192.0.2.77")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "all five came from 127.0.0.1");
}
both!(failures_count_per_client_ip);

/// Sign-ups and invite acceptances are limited per client IP.
async fn signups_and_invite_acceptances_are_limited_per_ip(backend: Backend) {
    let server = TestServer::start_with(backend, &["--signups-per-ip-per-hour", "3"]).await;
    let ana = server.signup("Ana").await;
    server.signup("Ben").await;
    let wid = ana.create_workspace("Acme").await;
    let body =
        ana.ok(reqwest::Method::POST, &format!("/api/v1/workspaces/{wid}/invites"), Some(json!({}))).await;
    let code = body["invite"]["code"].as_str().unwrap().to_string();
    let mut cara = server.anonymous();
    let (status, body) = cara
        .post(
            "/api/v1/auth/signup",
            json!({"email": "cara@example.com", "password": PASSWORD, "name": "Cara"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "the third: {body}");
    cara.token = body["token"].as_str().map(str::to_string);
    let (status, body) = cara.post(&format!("/api/v1/invites/{code}/accept"), json!({})).await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let (status, body) = server
        .anonymous()
        .post("/api/v1/auth/signup", json!({"email": "dan@example.com", "password": PASSWORD, "name": "Dan"}))
        .await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}
both!(signups_and_invite_acceptances_are_limited_per_ip);

/// Fifty wrong guesses sent at once: at most five reach the password check, the rest are 429,
/// and the account is locked (each attempt is counted before the hash, not after).
async fn parallel_guesses_do_not_slip_through(backend: Backend) {
    let server = TestServer::start_with(backend, &["--login-failures-per-ip", "0"]).await;
    server.signup("Ana").await;
    let guesses: Vec<_> = (0..50)
        .map(|n| {
            let base = server.base.clone();
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&json!({"email": "ana@example.com", "password": format!("guess {n}")}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut checked = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!((1..=5).contains(&checked), "{checked} guesses reached the password check");
    let (status, _, _) = login(&server, "ana@example.com", PASSWORD, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
both!(parallel_guesses_do_not_slip_through);
