//! The test harness: a real server on 127.0.0.1:0 per test, a fresh database per test, and a
//! small JSON client.

#![allow(dead_code)]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;
use tokio_util::sync::CancellationToken;

/// How long any single request in a test may take before the test fails.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `$name(backend)` as two tests, one per backend.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::postgres_url().is_some() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            }
        }
    };
}

/// The PostgreSQL server to test against. Unset outside CI means "skip PostgreSQL" (said once on
/// stderr); unset in CI is a failure, so the suite can never silently run on SQLite alone.
pub fn postgres_url() -> Option<String> {
    match std::env::var("OCOMMS_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but OCOMMS_TEST_DATABASE_URL is not set: the PostgreSQL suite must run in CI")
        }
        _ => {
            eprintln!("OCOMMS_TEST_DATABASE_URL is not set: PostgreSQL variant skipped");
            None
        }
    }
}

/// Creates a fresh database on the test PostgreSQL server and returns its URL.
async fn fresh_postgres_database(base_url: &str) -> String {
    let name = format!("ocomms_t_{}", uuid_like());
    let mut conn = sqlx::PgConnection::connect(base_url).await.expect("connect to OCOMMS_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    conn.close().await.ok();
    let (head, query) = match base_url.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (base_url, String::new()),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let server = match head[scheme_end..].find('/') {
        Some(slash) => &head[..scheme_end + slash],
        None => head,
    };
    format!("{server}/{name}{query}")
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A running server; stopped when dropped.
pub struct TestServer {
    pub base: String,
    pub backend: Backend,
    /// The data directory and DATABASE_URL, for running the binary's other commands against it.
    pub data_dir: tempfile::TempDir,
    pub database_url: Option<String>,
    shutdown: CancellationToken,
    /// The server's `run`, which returns once shutdown has finished (database closed).
    running: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, &[]).await
    }

    /// Starts a server with extra `serve` flags.
    pub async fn start_with(backend: Backend, extra: &[&str]) -> TestServer {
        let database_url = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let base = postgres_url().expect("PostgreSQL URL");
                Some(fresh_postgres_database(&base).await)
            }
        };
        Self::start_on(backend, database_url, extra).await
    }

    /// A fresh PostgreSQL database for several nodes to share.
    pub async fn shared_postgres() -> Option<String> {
        Some(fresh_postgres_database(&postgres_url()?).await)
    }

    /// Starts a server on a given database (None: a fresh SQLite one).
    pub async fn start_on(backend: Backend, database_url: Option<String>, extra: &[&str]) -> TestServer {
        // OCOMMS_TEST_LOG=debug shows the servers' logs with the test's output.
        if let Ok(filter) = std::env::var("OCOMMS_TEST_LOG") {
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let data_dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let mut args: Vec<String> = vec!["ocomms".into(), "serve".into()];
        args.extend(["--data-dir".into(), data_dir.path().display().to_string()]);
        args.extend(["--listen".into(), addr.to_string()]);
        if let Some(url) = &database_url {
            args.extend(["--database-url".into(), url.clone()]);
        }
        // Tests sign up dozens of people from 127.0.0.1; the throttling tests set their own limit.
        if !extra.contains(&"--signups-per-ip-per-hour") {
            args.extend(["--signups-per-ip-per-hour".into(), "0".into()]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let config = ocomms::config::Config::from_args(args).expect("config");
        let shutdown = CancellationToken::new();
        let token = shutdown.clone();
        let running = tokio::spawn(async move {
            if let Err(e) = ocomms::run(config, listener, token).await {
                eprintln!("server failed: {e:#}");
            }
        });
        let server = TestServer {
            base: format!("http://{addr}"),
            backend,
            data_dir,
            database_url,
            shutdown,
            running: Some(running),
        };
        server.wait_ready().await;
        server
    }

    /// Starts the server's shutdown, as SIGTERM would.
    pub fn begin_shutdown(&self) {
        self.shutdown.cancel();
    }

    /// Waits (at most `wait`) for a shutdown begun with [`TestServer::begin_shutdown`] to finish:
    /// true when `run` returned, every task done and the database closed.
    pub async fn stopped(&mut self, wait: Duration) -> bool {
        match self.running.take() {
            Some(running) => tokio::time::timeout(wait, running).await.is_ok_and(|r| r.is_ok()),
            None => true,
        }
    }

    async fn wait_ready(&self) {
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{}/readyz", self.base)).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("server did not become ready");
    }

    /// A client with no credentials.
    pub fn anonymous(&self) -> Client {
        Client { http: http_client(), base: self.base.clone(), token: None, user_id: String::new() }
    }

    /// Ana, who owns the workspace "Acme", and `second`, a member of it: (Ana, second, workspace id).
    pub async fn pair(&self, second: &str) -> (Client, Client, String) {
        let ana = self.signup("Ana").await;
        let other = self.signup(second).await;
        let wid = ana.create_workspace("Acme").await;
        ana.invite(&wid, &other).await;
        (ana, other, wid)
    }

    /// Signs up `name` <name@example.com> with a fixed password and returns a logged-in client.
    pub async fn signup(&self, name: &str) -> Client {
        let mut client = self.anonymous();
        let (status, body) = client
            .post("/api/v1/auth/signup", json!({"email": email_of(name), "password": PASSWORD, "name": name}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "signup {name}: {body}");
        client.token = Some(body["token"].as_str().expect("token").to_string());
        client.user_id = body["user"]["id"].as_str().expect("id").to_string();
        client
    }
}

pub const PASSWORD: &str = "correct horse battery";

pub fn email_of(name: &str) -> String {
    format!("{}@example.com", name.to_lowercase().replace(' ', "."))
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().expect("http client")
}

/// A JSON client for one user.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
    pub user_id: String,
}

impl Client {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.http.request(method.clone(), format!("{}{}", self.base, path));
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None).await
    }

    /// Asserts a successful status and returns the body.
    pub async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method.clone(), path, body).await;
        assert!(status.is_success(), "{method} {path} → {status}: {value}");
        value
    }

    pub async fn create_workspace(&self, name: &str) -> String {
        let body = self.ok(Method::POST, "/api/v1/workspaces", Some(json!({"name": name}))).await;
        body["workspace"]["id"].as_str().expect("workspace id").to_string()
    }

    pub async fn channels(&self, wid: &str) -> Vec<Value> {
        let body = self.ok(Method::GET, &format!("/api/v1/workspaces/{wid}/channels"), None).await;
        body["channels"].as_array().cloned().unwrap_or_default()
    }

    pub async fn channel_named(&self, wid: &str, name: &str) -> Value {
        self.channels(wid)
            .await
            .into_iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no channel {name}"))
    }

    pub async fn create_channel(&self, wid: &str, name: &str, kind: &str) -> String {
        let body = self
            .ok(
                Method::POST,
                &format!("/api/v1/workspaces/{wid}/channels"),
                Some(json!({"name": name, "kind": kind})),
            )
            .await;
        body["channel"]["id"].as_str().expect("channel id").to_string()
    }

    /// Invites `other` into the workspace through an invite code.
    pub async fn invite(&self, wid: &str, other: &Client) {
        self.invite_as(wid, other, "member").await;
    }

    pub async fn invite_as(&self, wid: &str, other: &Client, role: &str) {
        let body = self
            .ok(Method::POST, &format!("/api/v1/workspaces/{wid}/invites"), Some(json!({"role": role})))
            .await;
        let code = body["invite"]["code"].as_str().expect("code");
        other.ok(Method::POST, &format!("/api/v1/invites/{code}/accept"), None).await;
    }

    pub async fn send(&self, cid: &str, content: &str) -> Value {
        let body = self
            .ok(Method::POST, &format!("/api/v1/channels/{cid}/messages"), Some(json!({"content": content})))
            .await;
        body["message"].clone()
    }

    pub async fn events(&self, cid: &str, after: i64) -> Value {
        self.ok(Method::GET, &format!("/api/v1/channels/{cid}/events?after={after}&limit=1000"), None).await
    }
}

/// Asserts an error answer: the status and the envelope with its code.
pub fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "body: {body}");
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(body["error"]["message"].is_string(), "body: {body}");
}

/// A WebSocket client for tests: every wait has a timeout.
pub struct Ws {
    stream: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

/// How long a test waits for a frame it expects.
pub const FRAME_WAIT: Duration = Duration::from_secs(10);

impl Client {
    /// Opens the gateway with this client's token and reads `hello`.
    pub async fn ws(&self) -> Ws {
        let mut ws = self.ws_raw().await.unwrap_or_else(|status| panic!("upgrade refused: {status}"));
        let hello = ws.expect("hello").await;
        assert_eq!(hello["user_id"], self.user_id.as_str());
        ws
    }

    /// Opens the gateway; Err carries the HTTP status of a refused upgrade.
    pub async fn ws_raw(&self) -> Result<Ws, u16> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("{}/api/v1/ws", self.base.replace("http://", "ws://"));
        let mut request = url.into_client_request().expect("request");
        if let Some(token) = &self.token {
            request.headers_mut().insert("authorization", format!("Bearer {token}").parse().expect("header"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => Ok(Ws { stream }),
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
            Err(e) => panic!("websocket: {e}"),
        }
    }
}

/// What reading a socket gave.
#[derive(Debug)]
pub enum Read {
    Frame(Value),
    Closed(Option<u16>),
    Nothing,
}

impl Ws {
    pub async fn send(&mut self, value: Value) {
        use futures::SinkExt;
        self.stream
            .send(tokio_tungstenite::tungstenite::Message::text(value.to_string()))
            .await
            .expect("ws send");
    }

    pub async fn send_raw(&mut self, message: tokio_tungstenite::tungstenite::Message) {
        use futures::SinkExt;
        let _ = self.stream.send(message).await;
    }

    /// The next JSON frame, a close, or nothing within `wait`.
    pub async fn read(&mut self, wait: Duration) -> Read {
        use futures::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.stream.next()).await {
                Err(_) => return Read::Nothing,
                Ok(Some(Ok(Message::Text(text)))) => {
                    return Read::Frame(serde_json::from_str(&text).expect("json frame"));
                }
                Ok(Some(Ok(Message::Close(frame)))) => return Read::Closed(frame.map(|f| u16::from(f.code))),
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_)) | None) => return Read::Closed(None),
            }
        }
    }

    /// Waits for the next frame of `kind`, skipping presence and typing noise of other types.
    pub async fn expect(&mut self, kind: &str) -> Value {
        let deadline = tokio::time::Instant::now() + FRAME_WAIT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.read(left).await {
                Read::Frame(frame) if frame["type"] == kind => return frame,
                Read::Frame(frame) if frame["type"] == "presence" || frame["type"] == "typing" => continue,
                Read::Frame(frame) => panic!("expected {kind}, got {frame}"),
                other => panic!("expected {kind}, got {other:?}"),
            }
        }
    }

    /// Asserts that no frame but the `allowed` types arrives within `wait`.
    pub async fn expect_quiet(&mut self, wait: Duration, allowed: &[&str]) {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.read(left).await {
                Read::Nothing => return,
                Read::Frame(frame) if allowed.iter().any(|a| frame["type"] == *a) => continue,
                other => panic!("expected nothing, got {other:?}"),
            }
        }
    }

    /// Waits for the server to close the socket and returns the close code.
    pub async fn expect_close(&mut self, wait: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.read(left).await {
                Read::Closed(code) => return code,
                Read::Frame(_) => continue,
                Read::Nothing => panic!("socket still open after {wait:?}"),
            }
        }
    }
}

impl Ws {
    /// The next frame of any type.
    pub async fn expect_any(&mut self) -> Value {
        match self.read(FRAME_WAIT).await {
            Read::Frame(frame) => frame,
            other => panic!("expected a frame, got {other:?}"),
        }
    }
}

impl Ws {
    /// Waits for the next frame of `kind`, skipping frames of every other type, and keeps the
    /// socket alive with pings meanwhile (for servers on a short heartbeat).
    pub async fn until(&mut self, kind: &str) -> Value {
        let deadline = tokio::time::Instant::now() + FRAME_WAIT;
        while tokio::time::Instant::now() < deadline {
            match self.read(Duration::from_millis(300)).await {
                Read::Frame(frame) if frame["type"] == kind => return frame,
                Read::Frame(_) => {}
                Read::Nothing => self.send(serde_json::json!({"type": "ping"})).await,
                Read::Closed(code) => panic!("closed ({code:?}) while waiting for {kind}"),
            }
        }
        panic!("no {kind} within {FRAME_WAIT:?}");
    }
}
