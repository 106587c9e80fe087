//! Bad input to every endpoint: malformed JSON, wrong types, missing fields, unknown ids,
//! oversized bodies and over-long strings. Always a 4xx with the error envelope, never a 500.

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::both;
use crate::common::{Backend, Client, assert_error};
use crate::fixture::Fixture;
use crate::routes::ROUTES;

/// Sends raw bytes with a content type, as a careless or hostile client would.
async fn raw(
    client: &Client,
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    // A connection of its own: the server may close it after refusing a body it did not read.
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let resp = http
        .request(method, format!("{}{path}", client.base))
        .bearer_auth(client.token.as_deref().unwrap_or_default())
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn malformed_bodies_and_unknown_ids(backend: Backend) {
    let fx = Fixture::new(backend).await;
    let member = &fx.personas[3];
    // Just over the 1 MiB limit: small enough to be written whole before the server answers 413.
    let huge = format!("{{\"content\": \"{}\"}}", "a".repeat(1024 * 1024 + 1024)).into_bytes();
    for route in ROUTES {
        let (method, _) = route.route.split_once(' ').unwrap();
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let path = fx.fill(route.path).await;
        if route.body.is_some() {
            for (bytes, ctype, expected, code) in [
                (b"{\"content\": ".to_vec(), "application/json", StatusCode::BAD_REQUEST, "invalid"),
                (b"[1, 2, 3]".to_vec(), "application/json", StatusCode::BAD_REQUEST, "invalid"),
                (b"null".to_vec(), "application/json", StatusCode::BAD_REQUEST, "invalid"),
                (b"{}".to_vec(), "text/plain", StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type"),
                (huge.clone(), "application/json", StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ] {
                let (status, body) = raw(member, method.clone(), &path, ctype, bytes).await;
                assert_eq!(status, expected, "{} with a bad body: {body}", route.route);
                assert_eq!(body["error"]["code"], code, "{}: {body}", route.route);
            }
        }
        if route.path.contains('{') && !route.path.contains("fresh_email") {
            let unknown = route
                .path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "nope" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            let unknown = unknown.replace("{cid}", "nope");
            let body = match route.body {
                Some(template) => Some(serde_json::from_str(&fx.fill(template).await).unwrap()),
                None => None,
            };
            let (status, answer) = member.call(method.clone(), &unknown, body).await;
            assert_error(status, &answer, StatusCode::NOT_FOUND, "not_found");
        }
    }
}
both!(malformed_bodies_and_unknown_ids);

/// Wrong types, missing fields and over-long values, field by field.
async fn wrong_fields_name_the_field(backend: Backend) {
    let fx = Fixture::new(backend).await;
    let member = &fx.personas[3];
    let anon = &fx.personas[0];
    let (wid, cid, mid) = (fx.wid.clone(), fx.cid.clone(), fx.mid.clone());
    let long = |n: usize| "x".repeat(n);
    let cases: Vec<(&Client, Method, String, Value, StatusCode, &str)> = vec![
        (
            anon,
            Method::POST,
            "/api/v1/auth/signup".into(),
            json!({"email": "a@b.io", "password": "long enough"}),
            StatusCode::BAD_REQUEST,
            "name",
        ),
        (
            anon,
            Method::POST,
            "/api/v1/auth/signup".into(),
            json!({"email": 5, "password": "long enough", "name": "A"}),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (
            anon,
            Method::POST,
            "/api/v1/auth/signup".into(),
            json!({"email": "not-an-email", "password": "long enough", "name": "A"}),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (
            anon,
            Method::POST,
            "/api/v1/auth/signup".into(),
            json!({"email": format!("{}@b.io", long(300)), "password": "long enough", "name": "A"}),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (
            anon,
            Method::POST,
            "/api/v1/auth/signup".into(),
            json!({"email": "a@b.io", "password": "short", "name": "A"}),
            StatusCode::BAD_REQUEST,
            "password",
        ),
        (
            anon,
            Method::POST,
            "/api/v1/auth/signup".into(),
            json!({"email": "a@b.io", "password": long(257), "name": "A"}),
            StatusCode::BAD_REQUEST,
            "password",
        ),
        (
            anon,
            Method::POST,
            "/api/v1/auth/signup".into(),
            json!({"email": "a@b.io", "password": "long enough", "name": long(81)}),
            StatusCode::BAD_REQUEST,
            "name",
        ),
        (
            anon,
            Method::POST,
            "/api/v1/auth/login".into(),
            json!({"email": "a@b.io"}),
            StatusCode::BAD_REQUEST,
            "password",
        ),
        (
            member,
            Method::PATCH,
            "/api/v1/me".into(),
            json!({"status_text": long(101)}),
            StatusCode::BAD_REQUEST,
            "status_text",
        ),
        (member, Method::PATCH, "/api/v1/me".into(), json!({"name": ["A"]}), StatusCode::BAD_REQUEST, "name"),
        (
            member,
            Method::POST,
            "/api/v1/workspaces".into(),
            json!({"name": long(81)}),
            StatusCode::BAD_REQUEST,
            "name",
        ),
        (member, Method::POST, "/api/v1/workspaces".into(), json!({}), StatusCode::BAD_REQUEST, "name"),
        (
            member,
            Method::POST,
            format!("/api/v1/workspaces/{wid}/channels"),
            json!({"name": long(81), "kind": "public"}),
            StatusCode::BAD_REQUEST,
            "name",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/workspaces/{wid}/channels"),
            json!({"name": "ok", "kind": "public", "topic": long(251)}),
            StatusCode::BAD_REQUEST,
            "topic",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/workspaces/{wid}/channels"),
            json!({"name": "ok"}),
            StatusCode::BAD_REQUEST,
            "kind",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/workspaces/{wid}/dms"),
            json!({"user_ids": "everyone"}),
            StatusCode::BAD_REQUEST,
            "user_ids",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/workspaces/{wid}/invites"),
            json!({"max_uses": "many"}),
            StatusCode::BAD_REQUEST,
            "max_uses",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/channels/{cid}/read"),
            json!({"seq": "latest"}),
            StatusCode::BAD_REQUEST,
            "seq",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/channels/{cid}/read"),
            json!({}),
            StatusCode::BAD_REQUEST,
            "seq",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/channels/{cid}/messages"),
            json!({}),
            StatusCode::BAD_REQUEST,
            "content",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/channels/{cid}/messages"),
            json!({"content": 42}),
            StatusCode::BAD_REQUEST,
            "content",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/channels/{cid}/messages"),
            json!({"content": "hi", "idempotency_key": long(101)}),
            StatusCode::BAD_REQUEST,
            "idempotency_key",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/channels/{cid}/messages"),
            json!({"content": "hi", "thread_root_id": "nope"}),
            StatusCode::BAD_REQUEST,
            "thread_root_id",
        ),
        (
            member,
            Method::POST,
            format!("/api/v1/channels/{cid}/messages"),
            json!({"content": "hi", "file_ids": ["f1"]}),
            StatusCode::BAD_REQUEST,
            "file_ids",
        ),
        (
            member,
            Method::PATCH,
            format!("/api/v1/messages/{mid}"),
            json!({"content": null}),
            StatusCode::BAD_REQUEST,
            "content",
        ),
        (
            member,
            Method::PATCH,
            format!("/api/v1/messages/{mid}"),
            json!({"content": long(40_001)}),
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
        ),
        (
            member,
            Method::PATCH,
            format!("/api/v1/channels/{cid}"),
            json!({"archived": "yes"}),
            StatusCode::BAD_REQUEST,
            "archived",
        ),
    ];
    for (client, method, path, body, expected, field) in cases {
        let (status, answer) = client.call(method.clone(), &path, Some(body.clone())).await;
        assert_eq!(status, expected, "{method} {path} {body}: {answer}");
        assert!(answer["error"]["code"].is_string(), "{answer}");
        if !field.is_empty() {
            assert_eq!(answer["error"]["field"], field, "{method} {path} {body}: {answer}");
        }
    }
    // Query strings too.
    let (status, answer) = member.get(&format!("/api/v1/channels/{cid}/events?after=-1")).await;
    assert_error(status, &answer, StatusCode::BAD_REQUEST, "invalid");
    let (status, answer) = member.get(&format!("/api/v1/channels/{cid}/events?limit=many")).await;
    assert_error(status, &answer, StatusCode::BAD_REQUEST, "invalid");
    // Garbage credentials are 401, not 500.
    let mut forged = member.clone();
    forged.token = Some("x".repeat(5000));
    let (status, answer) = forged.get("/api/v1/me").await;
    assert_error(status, &answer, StatusCode::UNAUTHORIZED, "unauthenticated");
}
both!(wrong_fields_name_the_field);
