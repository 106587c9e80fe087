//! Several `ocomms serve` nodes on one PostgreSQL database and one Redis: events, typing and
//! presence cross nodes; a client reconnecting at random loses and duplicates nothing; a Redis
//! restart heals on its own. Each test runs its own `redis-server`, so it can restart it freely.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Backend, Client, Read, TestServer};

/// A private `redis-server` on a free port, killed when dropped.
struct TestRedis {
    child: Option<std::process::Child>,
    port: u16,
}

impl TestRedis {
    async fn start() -> TestRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut redis = TestRedis { child: None, port };
        redis.launch().await;
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn launch(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server must be installed for the multi-node tests (apt-get install redis-server)");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start");
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Two nodes on one fresh PostgreSQL database and one Redis; None when PostgreSQL is not
/// configured (outside CI).
async fn two_nodes(redis: &TestRedis, extra: &[&str]) -> Option<(TestServer, TestServer)> {
    let database = TestServer::shared_postgres().await?;
    let url = redis.url();
    let mut args = vec!["--redis-url", url.as_str()];
    args.extend_from_slice(extra);
    let a = TestServer::start_on(Backend::Postgres, Some(database.clone()), &args).await;
    let b = TestServer::start_on(Backend::Postgres, Some(database), &args).await;
    Some((a, b))
}

/// The same user's credentials, talking to another node.
fn on(node: &TestServer, client: &Client) -> Client {
    Client { base: node.base.clone(), ..client.clone() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_typing_presence_and_access_cross_nodes() {
    let redis = TestRedis::start().await;
    let Some((a, b)) = two_nodes(&redis, &[]).await else { return };
    let ana = a.signup("Ana").await;
    let ben_a = a.signup("Ben").await;
    let ben = on(&b, &ben_a);
    let wid = ana.create_workspace("Acme").await;
    ana.invite(&wid, &ben_a).await;
    let plans = ana.create_channel(&wid, "plans", "private").await;
    ana.ok(Method::POST, &format!("/api/v1/channels/{plans}/members"), Some(json!({"user_id": ben.user_id})))
        .await;

    let mut ana_ws = ana.ws().await; // on node A
    let mut ben_ws = ben.ws().await; // on node B
    let online = loop {
        let frame = ana_ws.until("presence").await;
        if frame["user_id"] == ben.user_id.as_str() {
            break frame;
        }
    };
    assert_eq!(online["status"], "online", "presence crosses nodes");
    let (_, body) = ana.get(&format!("/api/v1/workspaces/{wid}/presence")).await;
    assert!(
        body["presence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["user_id"] == ben.user_id.as_str() && p["status"] == "online")
    );

    // Posted through node A, delivered on node B; and the other way round.
    let sent = ana.send(&plans, "across the cluster").await;
    let frame = ben_ws.until("message.created").await;
    assert_eq!(frame["message"]["id"], sent["id"]);
    assert_eq!(frame["seq"], sent["seq"]);
    let metrics = reqwest::get(format!("{}/metrics", b.base)).await.unwrap().text().await.unwrap();
    let lag = metrics.lines().find(|l| l.starts_with("ocomms_bus_lag_seconds_count")).unwrap();
    assert!(
        lag.split(' ').nth(1).unwrap().parse::<f64>().unwrap() >= 1.0,
        "node B measured no bus lag: {lag}"
    );
    ben.send(&plans, "right back").await;
    while ana_ws.until("message.created").await["message"]["content"] != "right back" {}
    ben_ws.send(json!({"type": "typing", "channel_id": plans})).await;
    assert_eq!(ana_ws.until("typing").await["user_id"], ben.user_id.as_str());

    // Ben leaves through node A: his socket on node B stops at his leaving.
    ben_a.ok(Method::POST, &format!("/api/v1/channels/{plans}/leave"), None).await;
    ben_ws.until("channel.member_left").await;
    ana.send(&plans, "not for Ben").await;
    ben_ws.expect_quiet(Duration::from_millis(700), &["presence", "channel.removed", "typing"]).await;

    // Logging out on node A closes the session's socket on node B.
    ben_a.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(ben_ws.expect_close(Duration::from_secs(5)).await, Some(4001));
}

/// A reader that follows the protocol's catch-up algorithm: on connect and on every gap, fetch
/// the log after the last applied seq; apply each seq once.
struct Reader {
    client: Client,
    channel: String,
    applied: Vec<i64>,
    messages: HashSet<String>,
}

impl Reader {
    fn apply(&mut self, seq: i64, event: &Value) {
        let last = self.applied.last().copied().unwrap_or(0);
        if seq <= last {
            return; // already have it
        }
        assert_eq!(seq, last + 1, "applied out of order");
        self.applied.push(seq);
        if event["type"] == "message.created" {
            let id = event["message"]["id"].as_str().or(event["data"]["message"]["id"].as_str()).unwrap();
            assert!(self.messages.insert(id.to_string()), "message {id} applied twice");
        }
    }

    async fn catch_up(&mut self) {
        loop {
            let after = self.applied.last().copied().unwrap_or(0);
            let page = self.client.events(&self.channel, after).await;
            let events = page["events"].as_array().unwrap().clone();
            if events.is_empty() {
                return;
            }
            for e in events {
                self.apply(e["seq"].as_i64().unwrap(), &e);
            }
        }
    }

    async fn on_frame(&mut self, frame: Value) {
        if frame["channel_id"] != self.channel.as_str() || !frame["seq"].is_i64() {
            if frame["type"] == "resync" {
                self.catch_up().await;
            }
            return;
        }
        let seq = frame["seq"].as_i64().unwrap();
        let last = self.applied.last().copied().unwrap_or(0);
        if seq > last + 1 {
            self.catch_up().await; // a gap: the log has what the socket missed
        }
        self.apply(seq, &frame);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_reconnects_lose_and_duplicate_nothing() {
    let redis = TestRedis::start().await;
    let Some((a, b)) = two_nodes(&redis, &[]).await else { return };
    let owner = a.signup("Owner").await;
    let wid = owner.create_workspace("Acme").await;
    let cid = owner.create_channel(&wid, "busy", "public").await;
    let mut writers = Vec::new();
    for i in 0..4 {
        let node = if i % 2 == 0 { &a } else { &b };
        let writer = node.signup(&format!("Writer {i}")).await;
        owner.invite(&wid, &on(&a, &writer)).await;
        writer.ok(Method::POST, &format!("/api/v1/channels/{cid}/join"), None).await;
        writers.push(writer);
    }
    let reader_user = a.signup("Reader").await;
    owner.invite(&wid, &reader_user).await;
    reader_user.ok(Method::POST, &format!("/api/v1/channels/{cid}/join"), None).await;

    let posting: Vec<_> = writers
        .into_iter()
        .map(|w| {
            let cid = cid.clone();
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for n in 0..100 {
                    ids.push(w.send(&cid, &format!("{n}")).await["id"].as_str().unwrap().to_string());
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
                ids
            })
        })
        .collect();

    let mut reader = Reader {
        client: reader_user.clone(),
        channel: cid.clone(),
        applied: Vec::new(),
        messages: HashSet::new(),
    };
    let mut round = 0u64;
    // At least four connections, whatever the machine's speed, and as many as the posting lasts.
    while round < 4 || !posting.iter().all(|p| p.is_finished()) {
        round += 1;
        let node = if round.is_multiple_of(2) { &a } else { &b };
        reader.client = on(node, &reader_user);
        let mut ws = reader.client.ws().await;
        reader.catch_up().await;
        // Stay a pseudo-random while (20–150 ms), then drop the socket without a goodbye.
        let stay = Duration::from_millis(20 + (round * 7919) % 130);
        let until = tokio::time::Instant::now() + stay;
        while tokio::time::Instant::now() < until {
            match ws.read(until.saturating_duration_since(tokio::time::Instant::now())).await {
                Read::Frame(frame) => reader.on_frame(frame).await,
                Read::Closed(_) | Read::Nothing => break,
            }
        }
    }
    let mut acked = BTreeSet::new();
    for p in posting {
        acked.extend(p.await.unwrap());
    }
    reader.catch_up().await;
    let latest = reader.client.events(&cid, 0).await["latest_seq"].as_i64().unwrap();
    assert_eq!(reader.applied, (1..=latest).collect::<Vec<_>>(), "every seq exactly once, in order");
    assert_eq!(reader.messages.iter().cloned().collect::<BTreeSet<_>>(), acked, "every acknowledged message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_restart_heals_and_clients_recover_from_the_log() {
    let mut redis = TestRedis::start().await;
    let Some((a, b)) = two_nodes(&redis, &[]).await else { return };
    let ana = a.signup("Ana").await;
    let ben = on(&b, &a.signup("Ben").await);
    let wid = ana.create_workspace("Acme").await;
    ana.invite(&wid, &on(&a, &ben)).await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let mut ben_ws = ben.ws().await;
    let first = ana.send(&cid, "before").await;
    assert_eq!(ben_ws.until("message.created").await["seq"], first["seq"]);

    redis.kill();
    let mut during = Vec::new();
    for n in 0..3 {
        during.push(ana.send(&cid, &format!("during {n}")).await["id"].as_str().unwrap().to_string());
    }
    redis.launch().await;

    // Node B resubscribes by itself and tells its sockets to resync from the log.
    ben_ws.until("resync").await;
    let missed = ben.events(&cid, first["seq"].as_i64().unwrap()).await;
    let recovered: Vec<String> = missed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "message.created")
        .map(|e| e["data"]["message"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(recovered, during);

    // And live delivery across nodes is back. Node A's publisher reconnects on its next publish,
    // which may itself be lost: post again while nothing arrives.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let first_after = ana.send(&cid, "after").await["seq"].as_i64().unwrap();
    let mut last_post = tokio::time::Instant::now();
    loop {
        match ben_ws.read(Duration::from_millis(300)).await {
            Read::Frame(f) if f["type"] == "message.created" && f["seq"].as_i64() >= Some(first_after) => {
                break;
            }
            Read::Frame(_) => {}
            Read::Closed(code) => panic!("Ben's socket closed ({code:?})"),
            Read::Nothing => {
                assert!(tokio::time::Instant::now() < deadline, "live delivery did not resume");
                ben_ws.send(json!({"type": "ping"})).await;
                if last_post.elapsed() > Duration::from_secs(2) {
                    ana.send(&cid, "after, again").await;
                    last_post = tokio::time::Instant::now();
                }
            }
        }
    }
}

/// Login failures count across nodes (through Redis); a role change made on one node applies
/// to the member's sockets on another at once; a logout on one node and a password reset from
/// the command line close the sockets on the other within a second or two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttles_roles_and_revocations_cross_nodes() {
    let redis = TestRedis::start().await;
    let Some((a, b)) = two_nodes(&redis, &["--login-failures-per-ip", "0"]).await else { return };
    let ana = a.signup("Ana").await;
    let ben_a = a.signup("Ben").await;
    let ben = on(&b, &ben_a);
    let wid = ana.create_workspace("Acme").await;
    ana.invite(&wid, &ben_a).await;

    let login = |node: &TestServer, password: &str| {
        let http = reqwest::Client::new();
        let url = format!("{}/api/v1/auth/login", node.base);
        let body = json!({"email": "ana@example.com", "password": password});
        async move { http.post(url).json(&body).send().await.unwrap().status().as_u16() }
    };
    for node in [&a, &a, &a, &b, &b] {
        assert_eq!(login(node, "wrong password").await, 401);
    }
    assert_eq!(login(&b, crate::common::PASSWORD).await, 429, "node B counts node A's failures");
    assert_eq!(login(&a, crate::common::PASSWORD).await, 429);

    let mut ben_ws = ben.ws().await; // on node B
    ana.ok(
        Method::PATCH,
        &format!("/api/v1/workspaces/{wid}/members/{}", ben.user_id),
        Some(json!({"role": "guest"})),
    )
    .await;
    let updated = ben_ws.until("member.updated").await;
    assert_eq!(updated["role"], "guest");
    ana.create_channel(&wid, "launch", "public").await;
    ben_ws.expect_quiet(Duration::from_millis(800), &["presence", "typing"]).await;

    // Logout on node A closes Ben's socket on node B, and node B, which has just seen the
    // session live (and caches it), refuses it too.
    assert_eq!(ben.get("/api/v1/me").await.0, 200);
    let started = std::time::Instant::now();
    assert_eq!(ben_a.call(Method::POST, "/api/v1/auth/logout", None).await.0, 204);
    assert_eq!(ben_a.get("/api/v1/me").await.0, 401, "at once on the node that logged out");
    // Sooner than the revocation log's one-second poll would: the bus carries it.
    refused_within(&ben, Duration::from_millis(700).saturating_sub(started.elapsed())).await;
    assert_eq!(ben_ws.expect_close(Duration::from_secs(3)).await, Some(4001));
    assert!(started.elapsed() < Duration::from_secs(3));

    // A reset from the command line (no bus message) closes a socket on either node.
    let mut ana_ws = on(&b, &ana).ws().await;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ocomms"));
    cmd.args(["--database-url", a.database_url.as_deref().unwrap(), "admin", "reset-password"]);
    cmd.args(["--email", "ana@example.com"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"a new password\n").unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(ana_ws.expect_close(Duration::from_secs(3)).await, Some(4001));
    refused_within(&on(&b, &ana), Duration::from_secs(3)).await;
    refused_within(&ana, Duration::from_secs(3)).await;
}

/// Polls `GET /me` until the client's session is refused (401), failing after `limit`.
async fn refused_within(client: &Client, limit: Duration) {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let status = client.get("/api/v1/me").await.0;
        if status == 401 {
            return;
        }
        assert_eq!(status, 200, "a session is either live or refused");
        assert!(
            tokio::time::Instant::now() < deadline,
            "the ended session was still accepted after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// With S3, several nodes share files: uploaded through one node, previewed live and downloaded
/// through the other, avatar included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_share_files_through_s3() {
    let Some(s3) = crate::files::s3_flags() else { return };
    let redis = TestRedis::start().await;
    let s3: Vec<&str> = s3.iter().map(String::as_str).collect();
    let Some((a, b)) = two_nodes(&redis, &s3).await else { return };
    let (ana, ben_on_a, wid) = a.pair("Ben").await;
    let ben = on(&b, &ben_on_a);
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let mut ws = ben.ws().await;
    let bytes = crate::files::png(800, 600);
    let file = crate::files::uploaded(&ana, &wid, "shared.png", bytes.clone()).await;
    let (status, _) = ana
        .post(&format!("/api/v1/channels/{cid}/messages"), json!({"content": "", "file_ids": [file["id"]]}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let created = ws.until("message.created").await;
    assert_eq!(created["message"]["attachments"][0]["id"], file["id"]);
    for url in [file["url"].as_str().unwrap(), file["thumbnail_url"].as_str().unwrap()] {
        let resp = ben
            .http
            .get(format!("{}{url}", ben.base))
            .bearer_auth(ben.token.as_deref().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{url} through the other node");
        let got = resp.bytes().await.unwrap();
        if url == file["url"] {
            assert_eq!(got.as_ref(), bytes.as_slice());
        }
    }
    let range = ben
        .http
        .get(format!("{}{}", ben.base, file["url"].as_str().unwrap()))
        .bearer_auth(ben.token.as_deref().unwrap())
        .header("range", "bytes=8-15")
        .send()
        .await
        .unwrap();
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.bytes().await.unwrap().as_ref(), &bytes[8..16]);
}
