//! The event log under concurrent writers: seqs are exactly 1..N, no gap, no duplicate, and
//! every acknowledged message is there once.

use std::collections::{HashMap, HashSet};

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{Backend, TestServer};

const WRITERS: usize = 8;
const MESSAGES_PER_WRITER: usize = 200;

async fn concurrent_writers_get_gapless_seqs(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.signup("Owner").await;
    let wid = owner.create_workspace("Load").await;
    let cid = owner.create_channel(&wid, "busy", "public").await;
    let mut writers = Vec::new();
    for i in 0..WRITERS {
        let writer = server.signup(&format!("Writer {i}")).await;
        owner.invite(&wid, &writer).await;
        writer.ok(Method::POST, &format!("/api/v1/channels/{cid}/join"), None).await;
        writers.push(writer);
    }

    let tasks: Vec<_> = writers
        .into_iter()
        .map(|writer| {
            let cid = cid.clone();
            tokio::spawn(async move {
                let mut acked = Vec::with_capacity(MESSAGES_PER_WRITER);
                for n in 0..MESSAGES_PER_WRITER {
                    let (status, body) = writer
                        .post(
                            &format!("/api/v1/channels/{cid}/messages"),
                            json!({"content": format!("{} #{n}", writer.user_id)}),
                        )
                        .await;
                    assert_eq!(status, StatusCode::CREATED, "{body}");
                    acked.push((
                        body["message"]["id"].as_str().unwrap().to_string(),
                        body["message"]["seq"].as_i64().unwrap(),
                    ));
                }
                acked
            })
        })
        .collect();
    let mut acked: Vec<(String, i64)> = Vec::new();
    for task in tasks {
        let mine = task.await.unwrap();
        assert!(mine.windows(2).all(|w| w[0].1 < w[1].1), "one writer's messages keep their order");
        acked.extend(mine);
    }
    assert_eq!(acked.len(), WRITERS * MESSAGES_PER_WRITER);

    // Read the whole log back in pages.
    let mut events = Vec::new();
    let mut after = 0;
    loop {
        let page = owner.events(&cid, after).await;
        let batch = page["events"].as_array().unwrap().clone();
        if batch.is_empty() {
            assert_eq!(page["latest_seq"].as_i64().unwrap(), after);
            break;
        }
        after = batch.last().unwrap()["seq"].as_i64().unwrap();
        events.extend(batch);
    }
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
    assert_eq!(seqs, expected, "seqs must be exactly 1..N");
    assert_eq!(
        seqs.len(),
        1 + WRITERS + WRITERS * MESSAGES_PER_WRITER,
        "owner's join, writers' joins, messages"
    );

    let logged: HashMap<String, i64> = events
        .iter()
        .filter(|e| e["type"] == "message.created")
        .map(|e| (e["data"]["message"]["id"].as_str().unwrap().to_string(), e["seq"].as_i64().unwrap()))
        .collect();
    assert_eq!(logged.len(), acked.len(), "each message logged once");
    for (id, seq) in &acked {
        assert_eq!(logged.get(id), Some(seq), "acknowledged message {id} is in the log at its seq");
    }

    // And the message list has each of them once.
    let mut listed = HashSet::new();
    let mut before = i64::MAX;
    loop {
        let cursor = if before == i64::MAX { String::new() } else { format!("&before_seq={before}") };
        let page =
            owner.ok(Method::GET, &format!("/api/v1/channels/{cid}/messages?limit=200{cursor}"), None).await;
        for m in page["messages"].as_array().unwrap() {
            assert!(listed.insert(m["id"].as_str().unwrap().to_string()), "listed twice: {m}");
        }
        if page["has_more"] != true {
            break;
        }
        before = page["messages"][0]["seq"].as_i64().unwrap();
    }
    assert_eq!(listed.len(), acked.len());
}
both!(concurrent_writers_get_gapless_seqs);
