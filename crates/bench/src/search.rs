//! `search`: search latency by kind of query, against a workspace seeded with
//! `ocomms admin seed-messages` (whose known words it asks for): each query is run `count`
//! times, one at a time, and its latency recorded as the server answered it.

use std::time::Instant;

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use crate::api::{Api, User};
use crate::stats::OpStats;

pub struct Plan {
    pub email: String,
    pub password: String,
    pub workspace_id: String,
    pub handle: String,
    pub channel: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct QueryFigure {
    pub kind: &'static str,
    pub q: String,
    /// Results on the first page (at most 20) and whether there were more.
    pub first_page: usize,
    pub more: bool,
    pub latency: OpStats,
}

#[derive(Serialize)]
pub struct SearchReport {
    pub queries: Vec<QueryFigure>,
}

pub async fn run(api: &Api, base: &str, plan: Plan) -> anyhow::Result<SearchReport> {
    let login = api
        .call(
            base,
            None,
            reqwest::Method::POST,
            "/api/v1/auth/login",
            json!({"email": plan.email, "password": plan.password}),
        )
        .await?;
    let user = User { base: base.to_string(), token: login["token"].as_str().context("token")?.to_string() };
    let (handle, channel) = (&plan.handle, &plan.channel);
    let queries: Vec<(&'static str, String)> = vec![
        ("word (common: 1% of messages)", "deployment".into()),
        ("word (0.2%)", "kubernetes".into()),
        ("word (0.05%)", "invoice".into()),
        ("phrase", "\"release notes\"".into()),
        ("prefix", "kuber".into()),
        ("prefix (common)", "depl".into()),
        ("prefix, explicit", "invo*".into()),
        ("word + from + in", format!("deployment from:@{handle} in:#{channel}")),
        ("word + after", "kubernetes after:2026-09-01".into()),
        ("filters only", format!("from:@{handle} in:#{channel}")),
        ("word + exclusion", "kubernetes -deployment".into()),
    ];
    let mut figures = Vec::new();
    for (kind, q) in queries {
        let encoded: String = q
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        let path = format!("/api/v1/workspaces/{}/search?q={encoded}", plan.workspace_id);
        let (mut latencies, mut errors, mut first_page, mut more) = (Vec::new(), 0, 0, false);
        for _ in 0..plan.count {
            let sent = Instant::now();
            match api.get(&user, &path).await {
                Ok(answer) => {
                    latencies.push(sent.elapsed().as_micros() as u64);
                    first_page = answer["results"].as_array().map_or(0, Vec::len);
                    more = answer["next_cursor"].is_string();
                }
                Err(e) => {
                    if errors == 0 {
                        eprintln!("  {q}: {e:#}");
                    }
                    errors += 1;
                }
            }
        }
        figures.push(QueryFigure {
            kind,
            q,
            first_page,
            more,
            latency: OpStats::from_micros(latencies, errors),
        });
    }
    Ok(SearchReport { queries: figures })
}
