//! Input checked at the edge and connections bounded: NUL characters anywhere (bodies, paths,
//! query strings) and non-object bodies are 400 on both backends, oversized request heads are
//! refused, login and sign-up refuse cross-site browsers, slow or idle connections are closed,
//! and the connection cap holds.

use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::both;
use crate::common::{Backend, PASSWORD, TestServer, assert_error};
use crate::fixture::Fixture;
use crate::routes::ROUTES;

/// Every string in `value` with a NUL put in the middle, one at a time: (the field, the body).
fn with_nul_in_each_string(value: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    fn walk(root: &Value, at: &mut Vec<Value>, node: &Value, out: &mut Vec<(String, Value)>) {
        match node {
            Value::String(s) => {
                let mut body = root.clone();
                let mut slot = &mut body;
                for key in at.iter() {
                    slot = match key {
                        Value::String(k) => &mut slot[k.as_str()],
                        Value::Number(i) => &mut slot[i.as_u64().unwrap() as usize],
                        _ => unreachable!(),
                    };
                }
                *slot = Value::String(format!("{}\u{0}{}", &s[..s.len() / 2], &s[s.len() / 2..]));
                let mut path = String::new();
                for key in at.iter() {
                    match key {
                        Value::Number(i) => path.push_str(&format!("[{i}]")),
                        other => {
                            if !path.is_empty() {
                                path.push('.');
                            }
                            path.push_str(other.as_str().unwrap());
                        }
                    }
                }
                out.push((path, body));
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    at.push(json!(i));
                    walk(root, at, item, out);
                    at.pop();
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    at.push(json!(k));
                    walk(root, at, item, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    walk(value, &mut Vec::new(), value, &mut out);
    out
}

/// A NUL in any string field of any route's body, and in any path id, is 400 `invalid`: before
/// the edge check, PostgreSQL answered 500 in ten places.
async fn nul_characters_are_refused_everywhere(backend: Backend) {
    let fx = Fixture::new(backend).await;
    let member = &fx.personas[3];
    let mut checked = 0;
    for route in ROUTES {
        let (method, _) = route.route.split_once(' ').unwrap();
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        if let Some(template) = route.body {
            let body: Value = serde_json::from_str(&fx.fill(template).await).unwrap();
            for (field, bad) in with_nul_in_each_string(&body) {
                let path = fx.fill(route.path).await;
                let (status, answer) = member.call(method.clone(), &path, Some(bad)).await;
                assert_error(status, &answer, StatusCode::BAD_REQUEST, "invalid");
                assert_eq!(answer["error"]["field"], field.as_str(), "{}: {answer}", route.route);
                checked += 1;
            }
        }
        if route.path.contains('{') && !route.path.contains("{fresh_email}") {
            let path = fx.fill(route.path).await;
            let id = path.split('/').nth(4).unwrap_or_default().to_string();
            if id.len() > 2 {
                let bad = path.replacen(&id, &format!("{}%00{}", &id[..2], &id[2..]), 1);
                let (status, answer) = member.call(method.clone(), &bad, None).await;
                assert_error(status, &answer, StatusCode::BAD_REQUEST, "invalid");
                checked += 1;
            }
        }
    }
    assert!(checked > 30, "only {checked} cases");
    // The cases the attack run found, by name, some without any authentication.
    let anon = &fx.personas[0];
    let (status, body) =
        anon.post("/api/v1/auth/login", json!({"email": "a\u{0}@example.com", "password": PASSWORD})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["field"], "email");
    let cid = &fx.cid;
    for body in [
        json!({"content": "hi\u{0}"}),
        json!({"content": "hi", "idempotency_key": "k\u{0}"}),
        json!({"content": "hi", "thread_root_id": format!("{}\u{0}", fx.mid)}),
    ] {
        let (status, answer) = member.post(&format!("/api/v1/channels/{cid}/messages"), body).await;
        assert_error(status, &answer, StatusCode::BAD_REQUEST, "invalid");
    }
    let (status, answer) =
        member.post(&format!("/api/v1/workspaces/{}/dms", fx.wid), json!({"user_ids": ["x\u{0}"]})).await;
    assert_eq!((status, answer["error"]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("user_ids[0]")));
    let (status, answer) = member.get(&format!("/api/v1/channels/{cid}/messages?before_seq=1%00")).await;
    assert_error(status, &answer, StatusCode::BAD_REQUEST, "invalid");
    // Text that merely mentions a backslash and "u0000" is text.
    let (status, answer) =
        member.post(&format!("/api/v1/channels/{cid}/messages"), json!({"content": "a \\u0000 b"})).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["message"]["content"], "a \\u0000 b");
}
both!(nul_characters_are_refused_everywhere);

/// A body must be a JSON object: `PATCH /me` took `["x"]` as a profile before.
async fn bodies_must_be_objects(backend: Backend) {
    let server = TestServer::start(backend).await;
    let ana = server.signup("Ana").await;
    for raw in ["[\"Ana B\"]", "[]", "\"x\"", "1"] {
        let resp = ana
            .http
            .patch(format!("{}/api/v1/me", ana.base))
            .bearer_auth(ana.token.as_deref().unwrap())
            .header(header::CONTENT_TYPE, "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let body: Value = resp.json().await.unwrap();
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["field"], "body", "{raw}");
    }
}
both!(bodies_must_be_objects);

/// A request head over the cap is refused with 431 and the connection closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_request_heads_are_refused() {
    let server = TestServer::start(Backend::Sqlite).await;
    let http = reqwest::Client::new();
    let resp =
        http.get(format!("{}/healthz", server.base)).header("x-padding", "a".repeat(200 * 1024)).send().await;
    match resp {
        Ok(resp) => assert_eq!(resp.status(), StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
        // The server may close before the client finished writing 200 KB.
        Err(e) => assert!(e.is_request() || e.is_connect() || e.is_body(), "{e}"),
    }
    let resp =
        http.get(format!("{}/healthz", server.base)).header("x-padding", "a".repeat(8 * 1024)).send().await;
    assert_eq!(resp.unwrap().status(), StatusCode::OK, "an 8 KB header is fine");
}

/// Login CSRF: a browser on another site cannot log someone in (or sign them up) with the
/// attacker's account; API clients, which send no Origin, can.
async fn login_and_signup_refuse_cross_site_browsers(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.signup("Ana").await;
    let http = reqwest::Client::new();
    let login = json!({"email": "ana@example.com", "password": PASSWORD});
    let post = |path: &str, body: &Value, origin: Option<&str>| {
        let mut req = http.post(format!("{}{path}", server.base)).json(body);
        if let Some(origin) = origin {
            req = req.header(header::ORIGIN, origin);
        }
        req.send()
    };
    let evil = post("/api/v1/auth/login", &login, Some("https://evil.example")).await.unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    assert!(evil.headers().get(header::SET_COOKIE).is_none(), "no session cookie for a cross-site login");
    let signup = json!({"email": "mallory@example.com", "password": PASSWORD, "name": "M"});
    assert_eq!(
        post("/api/v1/auth/signup", &signup, Some("https://evil.example")).await.unwrap().status(),
        403
    );
    let same = post("/api/v1/auth/login", &login, Some(&server.base)).await.unwrap();
    assert_eq!(same.status(), StatusCode::OK);
    let cookie = same.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert_eq!(post("/api/v1/auth/login", &login, None).await.unwrap().status(), StatusCode::OK);
}
both!(login_and_signup_refuse_cross_site_browsers);

/// Reads from a raw connection until the server closes it; true if it did within `wait`.
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// A client that sends its request head a byte at a time, or sends nothing at all, is cut off
/// after the header-read timeout, while a prompt one is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed() {
    let server = TestServer::start_with(Backend::Sqlite, &["--header-read-timeout-s", "1"]).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
    let trickle = async {
        for _ in 0..20 {
            if slow.write_all(b"x").await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        false
    };
    assert!(closed_within(&mut idle, Duration::from_secs(4)).await, "an idle connection stayed open");
    assert!(
        trickle.await || closed_within(&mut slow, Duration::from_secs(1)).await,
        "a slow head was not cut off"
    );
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{}/healthz", server.base)).send().await.unwrap().status(), StatusCode::OK);
}

/// Past `--max-connections`, a new connection waits to be accepted until one closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_cap_holds() {
    let server = TestServer::start_with(Backend::Sqlite, &["--max-connections", "4"]).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    // The readiness probe's connection may still be open: let it time out of the pool first.
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 512];
        let _ = tokio::time::timeout(Duration::from_secs(2), c.read(&mut buf)).await;
        held.push(c);
    }
    let mut waiting = tokio::net::TcpStream::connect(&addr).await.unwrap();
    waiting.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 512];
    let early = tokio::time::timeout(Duration::from_millis(700), waiting.read(&mut buf)).await;
    assert!(early.is_err(), "a fifth connection was served while four were open");
    held.clear();
    let served = tokio::time::timeout(Duration::from_secs(5), waiting.read(&mut buf)).await;
    let n = served.expect("served once a place was free").unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
}
