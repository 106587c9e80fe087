//! The bench's client of the public API: users, a workspace, sockets.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Fails unless every URL is on this machine, unless the operator said otherwise.
pub fn check_targets(urls: &[String], allow_remote: bool) -> anyhow::Result<()> {
    for url in urls {
        let host = url.split("://").nth(1).unwrap_or(url).split(['/', ':']).next().unwrap_or_default();
        let local = matches!(host, "localhost" | "[") || host.starts_with("127.") || url.contains("[::1]");
        if !local && !allow_remote {
            bail!("{url} is not a loopback address; pass --allow-remote to load another machine");
        }
    }
    Ok(())
}

#[derive(Clone)]
pub struct User {
    pub base: String,
    pub token: String,
}

pub struct Api {
    pub http: reqwest::Client,
}

impl Api {
    pub fn new() -> anyhow::Result<Api> {
        Ok(Api {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .pool_max_idle_per_host(64)
                .build()?,
        })
    }

    pub async fn call(
        &self,
        base: &str,
        token: Option<&str>,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let mut req = self.http.request(method.clone(), format!("{base}{path}")).json(&body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let resp = req.send().await.with_context(|| format!("{method} {path}"))?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            bail!("{method} {path}: {status} {text}");
        }
        Ok(if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? })
    }

    pub async fn signup(&self, base: &str, email: &str, name: &str) -> anyhow::Result<User> {
        let body = json!({"email": email, "password": "benchmark password", "name": name});
        let answer = self.call(base, None, reqwest::Method::POST, "/api/v1/auth/signup", body).await?;
        Ok(User { base: base.to_string(), token: answer["token"].as_str().context("token")?.to_string() })
    }

    pub async fn post(&self, user: &User, path: &str, body: Value) -> anyhow::Result<Value> {
        self.call(&user.base, Some(&user.token), reqwest::Method::POST, path, body).await
    }

    pub async fn get(&self, user: &User, path: &str) -> anyhow::Result<Value> {
        let resp = self.http.get(format!("{}{path}", user.base)).bearer_auth(&user.token).send().await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            bail!("GET {path}: {status} {text}");
        }
        Ok(serde_json::from_str(&text)?)
    }
}

/// A workspace with an owner and `count` more users in it (all in `general`), signed up
/// `parallel` at a time and spread over `urls`.
pub struct Team {
    pub owner: User,
    pub workspace_id: String,
    pub general: String,
    pub members: Vec<User>,
}

pub async fn team(api: &Api, urls: &[String], count: usize, parallel: usize) -> anyhow::Result<Team> {
    let run =
        std::process::id() as u64 * 1_000_000 + (Instant::now().elapsed().as_nanos() as u64 % 1_000_000);
    let stamp =
        format!("{run}-{}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis());
    let owner = api.signup(&urls[0], &format!("owner-{stamp}@bench.invalid"), "Bench Owner").await?;
    let workspace = api.post(&owner, "/api/v1/workspaces", json!({"name": format!("bench {stamp}")})).await?;
    let workspace_id = workspace["workspace"]["id"].as_str().context("workspace id")?.to_string();
    let invite = api.post(&owner, &format!("/api/v1/workspaces/{workspace_id}/invites"), json!({})).await?;
    let code = invite["invite"]["code"].as_str().context("invite code")?.to_string();
    let channels = api.get(&owner, &format!("/api/v1/workspaces/{workspace_id}/channels")).await?;
    let general = channels["channels"][0]["id"].as_str().context("general")?.to_string();

    let mut members = Vec::with_capacity(count);
    let mut pending = futures_util::stream::FuturesUnordered::new();
    let mut next = 0;
    use futures_util::StreamExt;
    while members.len() < count {
        while next < count && pending.len() < parallel {
            let (api_http, base, code, stamp) =
                (api.http.clone(), urls[next % urls.len()].clone(), code.clone(), stamp.clone());
            let n = next;
            pending.push(async move {
                let api = Api { http: api_http };
                let user =
                    api.signup(&base, &format!("u{n}-{stamp}@bench.invalid"), &format!("Bench {n}")).await?;
                api.post(&user, &format!("/api/v1/invites/{code}/accept"), json!({})).await?;
                anyhow::Ok(user)
            });
            next += 1;
        }
        match pending.next().await {
            Some(user) => members.push(user?),
            None => break,
        }
    }
    Ok(Team { owner, workspace_id, general, members })
}

/// Opens a socket and waits for `hello`; returns it with the handshake time.
pub async fn connect(user: &User) -> anyhow::Result<(Socket, Duration)> {
    use futures_util::StreamExt;
    let started = Instant::now();
    let url = format!("{}/api/v1/ws", user.base.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request.headers_mut().insert("authorization", format!("Bearer {}", user.token).parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
        Ok(Some(Ok(msg))) if msg.to_text().is_ok_and(|t| t.contains("\"hello\"")) => {
            Ok((socket, started.elapsed()))
        }
        other => bail!("no hello: {other:?}"),
    }
}
