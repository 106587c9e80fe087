//! A workspace with one caller of each kind (see `routes::PERSONAS`), and the filling of the
//! route table's placeholders.

use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, Client, TestServer};

pub struct Fixture {
    pub server: TestServer,
    pub owner: Client,
    /// anonymous, stranger, outsider, member, admin.
    pub personas: Vec<Client>,
    pub wid: String,
    /// A private channel with owner, member and admin in it.
    pub cid: String,
    pub public: String,
    /// A message of `member` in `cid`.
    pub mid: String,
    /// A plain member of the workspace whose role the table changes.
    pub target: String,
    /// A file of `member`'s, shared in `cid`.
    pub fid: String,
    /// `member`'s avatar.
    pub aid: String,
    counter: AtomicUsize,
}

impl Fixture {
    pub async fn new(backend: Backend) -> Fixture {
        let server = TestServer::start(backend).await;
        let owner = server.signup("Owner").await;
        let stranger = server.signup("Stranger").await;
        let outsider = server.signup("Outsider").await;
        let member = server.signup("Member").await;
        let admin = server.signup("Admin").await;
        let target = server.signup("Target").await;
        stranger.create_workspace("Elsewhere").await;
        let wid = owner.create_workspace("Acme").await;
        for user in [&outsider, &member, &admin, &target] {
            owner.invite(&wid, user).await;
        }
        owner
            .ok(
                Method::PATCH,
                &format!("/api/v1/workspaces/{wid}/members/{}", admin.user_id),
                Some(json!({"role": "admin"})),
            )
            .await;
        let cid = owner.create_channel(&wid, "private", "private").await;
        for user in [&member, &admin] {
            owner
                .ok(
                    Method::POST,
                    &format!("/api/v1/channels/{cid}/members"),
                    Some(json!({"user_id": user.user_id})),
                )
                .await;
        }
        let public = owner.create_channel(&wid, "public", "public").await;
        let mid = member.send(&cid, "the member's message").await["id"].as_str().unwrap().to_string();
        member
            .ok(
                Method::PUT,
                &format!("/api/v1/channels/{cid}/note"),
                Some(json!({"content": "the channel's note", "expected_version": 0})),
            )
            .await;
        let file = crate::files::uploaded(&member, &wid, "chart.png", crate::files::png(64, 48)).await;
        let fid = file["id"].as_str().unwrap().to_string();
        member
            .ok(
                Method::POST,
                &format!("/api/v1/channels/{cid}/messages"),
                Some(json!({"content": "the chart", "file_ids": [fid]})),
            )
            .await;
        let part = reqwest::multipart::Part::bytes(crate::files::png(32, 32)).file_name("me.png");
        let avatar: serde_json::Value = member
            .http
            .put(format!("{}/api/v1/me/avatar", member.base))
            .bearer_auth(member.token.as_deref().unwrap())
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let aid = avatar["user"]["avatar_url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
        let target = target.user_id.clone();
        let personas = vec![server.anonymous(), stranger, outsider, member, admin];
        Fixture {
            server,
            owner,
            personas,
            wid,
            cid,
            public,
            mid,
            target,
            fid,
            aid,
            counter: AtomicUsize::new(0),
        }
    }

    fn next(&self) -> usize {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// Replaces the placeholders of `template`, making fresh things for the `fresh_*` ones.
    pub async fn fill(&self, template: &str) -> String {
        let mut out = template
            .replace("{wid}", &self.wid)
            .replace("{cid}", &self.cid)
            .replace("{public}", &self.public)
            .replace("{mid}", &self.mid)
            .replace("{owner}", &self.owner.user_id)
            .replace("{target}", &self.target)
            .replace("{fid}", &self.fid)
            .replace("{aid}", &self.aid);
        if out.contains("{fresh_email}") {
            out = out.replace("{fresh_email}", &format!("fresh{}@example.com", self.next()));
        }
        if out.contains("{fresh_name}") {
            out = out.replace("{fresh_name}", &format!("fresh-{}", self.next()));
        }
        if out.contains("{fresh_target}") {
            let user = self.server.signup(&format!("Fresh {}", self.next())).await;
            self.owner.invite(&self.wid, &user).await;
            out = out.replace("{fresh_target}", &user.user_id);
        }
        if out.contains("{fresh_member}") {
            let user = self.server.signup(&format!("Fresh {}", self.next())).await;
            self.owner.invite(&self.wid, &user).await;
            self.owner
                .ok(
                    Method::POST,
                    &format!("/api/v1/channels/{}/members", self.cid),
                    Some(json!({"user_id": user.user_id})),
                )
                .await;
            out = out.replace("{fresh_member}", &user.user_id);
        }
        if out.contains("{fresh_group}") {
            let body = self
                .owner
                .ok(
                    Method::POST,
                    &format!("/api/v1/workspaces/{}/groups", self.wid),
                    Some(json!({"handle": format!("group-{}", self.next()), "name": "A group", "user_ids": []})),
                )
                .await;
            out = out.replace("{fresh_group}", body["group"]["id"].as_str().unwrap());
        }
        if out.contains("{fresh_mid}") {
            let message = self.owner.send(&self.cid, "the owner's message").await;
            out = out.replace("{fresh_mid}", message["id"].as_str().unwrap());
        }
        if out.contains("{fresh_private}") {
            let cid =
                self.owner.create_channel(&self.wid, &format!("fresh-{}", self.next()), "private").await;
            for user in [&self.personas[3], &self.personas[4]] {
                self.owner
                    .ok(
                        Method::POST,
                        &format!("/api/v1/channels/{cid}/members"),
                        Some(json!({"user_id": user.user_id})),
                    )
                    .await;
            }
            out = out.replace("{fresh_private}", &cid);
        }
        if out.contains("{fresh_code}") {
            let invite = self
                .owner
                .ok(Method::POST, &format!("/api/v1/workspaces/{}/invites", self.wid), Some(json!({})))
                .await;
            out = out.replace("{fresh_code}", invite["invite"]["code"].as_str().unwrap());
        }
        out
    }
}
