//! Search as people use it: partial words, phrases, exclusions and every operator, ranked with
//! highlighted snippets and paged; notes and shared files; only ever what the caller can read
//! now, on both backends.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both;
use crate::common::{Backend, Client, TestServer, assert_error};

async fn search(who: &Client, wid: &str, q: &str) -> Value {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    who.ok(Method::GET, &format!("/api/v1/workspaces/{wid}/search?q={q}"), None).await
}

fn contents(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"]["content"].as_str().unwrap().to_string())
        .collect()
}

async fn words_phrases_prefixes_and_operators(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let general = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let ops = ana.create_channel(&wid, "ops", "public").await;
    ben.ok(Method::POST, &format!("/api/v1/channels/{ops}/join"), None).await;
    let deploy = ana.send(&ops, "The deployment of the billing service is done").await;
    ben.send(&ops, "Release notes for v2 are in the wiki https://wiki.example.com/v2").await;
    ben.send(&general, "notes release: nothing yet").await;
    let lunch = ana.send(&general, "Lunch at the café on Friday?").await;
    let root = deploy["id"].as_str().unwrap();
    ben.post(
        &format!("/api/v1/channels/{ops}/messages"),
        json!({"content": "deploy again tomorrow", "thread_root_id": root}),
    )
    .await;

    // Partial words while typing, explicit prefixes, diacritics and case.
    assert_eq!(contents(&search(&ana, &wid, "depl").await).len(), 2);
    assert_eq!(
        contents(&search(&ana, &wid, "billing serv").await),
        ["The deployment of the billing service is done"]
    );
    assert_eq!(contents(&search(&ana, &wid, "deploy*").await).len(), 2);
    let cafe = search(&ana, &wid, "CAFÉ").await;
    assert_eq!(cafe["results"][0]["message"]["id"], lunch["id"]);
    // Phrases keep their order; exclusions drop.
    assert_eq!(
        contents(&search(&ana, &wid, "\"release notes\"").await),
        ["Release notes for v2 are in the wiki https://wiki.example.com/v2"]
    );
    assert_eq!(contents(&search(&ana, &wid, "notes -wiki").await), ["notes release: nothing yet"]);
    // Operators.
    assert_eq!(
        contents(&search(&ana, &wid, "notes from:@ben in:#general").await),
        ["notes release: nothing yet"]
    );
    assert_eq!(
        contents(&search(&ana, &wid, "from:me in:#ops").await),
        ["The deployment of the billing service is done"]
    );
    assert_eq!(contents(&search(&ana, &wid, "has:link").await).len(), 1);
    assert_eq!(contents(&search(&ana, &wid, "deploy is:thread").await).len(), 2, "the root and its reply");
    ana.ok(Method::PUT, &format!("/api/v1/messages/{}/pin", lunch["id"].as_str().unwrap()), None).await;
    assert_eq!(contents(&search(&ana, &wid, "is:pinned").await), ["Lunch at the café on Friday?"]);
    let today = deploy["created_at"].as_str().unwrap()[..10].to_string();
    assert_eq!(contents(&search(&ana, &wid, &format!("deploy on:{today}")).await).len(), 2);
    assert!(contents(&search(&ana, &wid, &format!("deploy before:{today}")).await).is_empty());
    assert!(contents(&search(&ana, &wid, "deploy after:2999-01-01").await).is_empty());
    assert!(contents(&search(&ana, &wid, "deploy in:#nowhere").await).is_empty());
    assert!(contents(&search(&ana, &wid, "deploy from:@nobody").await).is_empty());
    // Parameters work like operators.
    let by_param = ana
        .ok(
            Method::GET,
            &format!(
                "/api/v1/workspaces/{wid}/search?q=notes&channel_id={general}&author_id={}",
                ben.user_id
            ),
            None,
        )
        .await;
    assert_eq!(contents(&by_param), ["notes release: nothing yet"]);

    // Snippets are escaped with the match marked; the message is the full object.
    let hit = &search(&ana, &wid, "billing").await["results"][0];
    assert!(hit["snippet_html"].as_str().unwrap().contains("<mark>billing</mark>"), "{hit}");
    assert_eq!(hit["channel_id"], ops.as_str());
    assert_eq!(hit["message"]["author_id"], ana.user_id.as_str());
    ana.send(&general, "<script>alert(1)</script> scriptkiddie").await;
    let hit = &search(&ana, &wid, "scriptkiddie").await["results"][0];
    let snippet = hit["snippet_html"].as_str().unwrap();
    assert!(!snippet.contains("<script") && snippet.contains("<mark>scriptkiddie</mark>"), "{snippet}");

    // Edits and deletes are reflected at once.
    let lunch_id = lunch["id"].as_str().unwrap();
    ana.ok(
        Method::PATCH,
        &format!("/api/v1/messages/{lunch_id}"),
        Some(json!({"content": "Dinner at the bistro"})),
    )
    .await;
    assert!(contents(&search(&ana, &wid, "lunch").await).is_empty());
    assert_eq!(contents(&search(&ana, &wid, "bistro").await), ["Dinner at the bistro"]);
    ana.ok(Method::DELETE, &format!("/api/v1/messages/{lunch_id}"), None).await;
    assert!(contents(&search(&ana, &wid, "bistro").await).is_empty());

    // Exclusions leave out the word, not every word it begins; hyphenated words are phrases on
    // both backends; operators are case-blind.
    ben.send(&general, "yakstart deploy-prod now").await;
    assert_eq!(contents(&search(&ana, &wid, "yakstart -d").await).len(), 1, "-d is not -d*");
    assert_eq!(contents(&search(&ana, &wid, "\"yakstart deploy\"").await).len(), 1);
    assert_eq!(contents(&search(&ana, &wid, "yakstart-deploy-prod").await).len(), 1);
    assert_eq!(contents(&search(&ana, &wid, "yakstart Before:2999-01-01").await).len(), 1);
    assert!(contents(&search(&ana, &wid, "yakstart AFTER:2999-01-01").await).is_empty());

    // Bad queries get a 400 naming q.
    for bad in ["", "has:cats", "before:yesterday", "-alone"] {
        let q: String = form_urlencoded::byte_serialize(bad.as_bytes()).collect();
        let (status, body) = ana.get(&format!("/api/v1/workspaces/{wid}/search?q={q}")).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(body["error"]["field"], "q", "{bad}: {body}");
    }
    let (status, body) = ana.get(&format!("/api/v1/workspaces/{wid}/search?q=x&sort=sideways")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = ana.get(&format!("/api/v1/workspaces/{wid}/search?q=x&cursor=zzz")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
}
both!(words_phrases_prefixes_and_operators);

async fn ranking_paging_notes_and_files(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, _ben, wid) = server.pair("Ben").await;
    let general = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    for i in 0..25 {
        ana.send(&general, &format!("status update number {i}")).await;
    }
    let best = ana.send(&general, "kiwi kiwi kiwi: the kiwi report").await;
    ana.send(&general, "one kiwi").await;
    // Relevance: the message about kiwis first; by date: the newest first.
    let ranked = search(&ana, &wid, "kiwi").await;
    assert_eq!(ranked["results"][0]["message"]["id"], best["id"]);
    let by_date =
        ana.ok(Method::GET, &format!("/api/v1/workspaces/{wid}/search?q=kiwi&sort=date"), None).await;
    assert_eq!(contents(&by_date), ["one kiwi", "kiwi kiwi kiwi: the kiwi report"]);
    // Pages of 10 with a cursor, each message once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/workspaces/{wid}/search?q=status&limit=10&cursor={c}"),
            None => format!("/api/v1/workspaces/{wid}/search?q=status&limit=10"),
        };
        let page = ana.ok(Method::GET, &path, None).await;
        seen.extend(contents(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (25, 25));
    // Sent at once (many in one millisecond), paged in sevens by either order: each exactly once.
    let sends: Vec<_> = (0..40)
        .map(|i| {
            let (ana, general) = (ana.clone(), general.clone());
            tokio::spawn(async move { ana.send(&general, &format!("tiecheck {i}")).await })
        })
        .collect();
    for send in sends {
        send.await.unwrap();
    }
    for sort in ["relevance", "date"] {
        let mut ids = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = ana
                .ok(
                    Method::GET,
                    &format!(
                        "/api/v1/workspaces/{wid}/search?q=tiecheck&limit=7&sort={sort}&cursor={cursor}"
                    ),
                    None,
                )
                .await;
            ids.extend(
                page["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["message"]["id"].as_str().unwrap().to_string()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!((ids.len(), unique.len()), (40, 40), "{sort}");
    }

    // Notes: the channel's for those who can read it, one's own for oneself only.
    ana.ok(
        Method::PUT,
        &format!("/api/v1/channels/{general}/note"),
        Some(json!({"content": "Runbook: restart the walrus service", "expected_version": 0})),
    )
    .await;
    ana.ok(
        Method::PUT,
        &format!("/api/v1/workspaces/{wid}/notes/me"),
        Some(json!({"content": "walrus private reminder", "expected_version": 0})),
    )
    .await;
    let found = search(&ana, &wid, "walrus").await;
    let notes = found["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{found}");
    assert!(notes.iter().any(|n| n["channel_id"] == general.as_str()));
    assert!(
        notes.iter().any(|n| n["channel_id"].is_null()
            && n["snippet_html"].as_str().unwrap().contains("<mark>walrus</mark>"))
    );
    let for_ben = search(&_ben, &wid, "walrus").await;
    assert_eq!(for_ben["notes"].as_array().unwrap().len(), 1, "Ben sees the channel's note, not Ana's own");

    // Shared files by name and by the text of plain-text files.
    let file = crate::files::uploaded(
        &ana,
        &wid,
        "quarterly-forecast.txt",
        b"projected revenue for the narwhal line".to_vec(),
    )
    .await;
    let (status, _) = ana
        .post(
            &format!("/api/v1/channels/{general}/messages"),
            json!({"content": "", "file_ids": [file["id"]]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let by_name = search(&ana, &wid, "forecast").await;
    assert_eq!(by_name["files"][0]["file"]["id"], file["id"], "{by_name}");
    let by_text = search(&_ben, &wid, "narwhal").await;
    assert_eq!(by_text["files"][0]["file"]["name"], "quarterly-forecast.txt");
    let unshared = crate::files::uploaded(&ana, &wid, "unshared-forecast.txt", b"secret".to_vec()).await;
    let again = search(&_ben, &wid, "forecast").await;
    assert!(
        again["files"].as_array().unwrap().iter().all(|f| f["file"]["id"] != unshared["id"]),
        "unshared files are not found"
    );
    assert!(search(&ana, &wid, "has:file").await["results"].as_array().unwrap().len() == 1);
}
both!(ranking_paging_notes_and_files);

/// What leaves your reach leaves your results at once: a private channel you leave, a workspace
/// you are not in.
async fn results_only_from_what_you_can_read_now(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let stranger = server.signup("Stranger").await;
    let elsewhere = stranger.create_workspace("Elsewhere").await;
    let secret = ana.create_channel(&wid, "secret", "private").await;
    ana.ok(
        Method::POST,
        &format!("/api/v1/channels/{secret}/members"),
        Some(json!({"user_id": ben.user_id})),
    )
    .await;
    ana.send(&secret, "the zeppelin launch is confidential").await;
    ana.ok(
        Method::PUT,
        &format!("/api/v1/channels/{secret}/note"),
        Some(json!({"content": "zeppelin checklist", "expected_version": 0})),
    )
    .await;
    assert_eq!(contents(&search(&ben, &wid, "zeppelin").await).len(), 1);
    assert_eq!(search(&ben, &wid, "zeppelin").await["notes"].as_array().unwrap().len(), 1);
    ben.ok(Method::POST, &format!("/api/v1/channels/{secret}/leave"), None).await;
    let after = search(&ben, &wid, "zeppelin").await;
    assert!(contents(&after).is_empty() && after["notes"].as_array().unwrap().is_empty(), "{after}");
    assert!(contents(&search(&ben, &wid, "zeppelin in:#secret").await).is_empty());
    // Another workspace: 404, and its own search does not reach here.
    let (status, body) = stranger.get(&format!("/api/v1/workspaces/{wid}/search?q=zeppelin")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert!(contents(&search(&stranger, &elsewhere, "zeppelin").await).is_empty());
    let (status, _) = server.anonymous().get(&format!("/api/v1/workspaces/{wid}/search?q=zeppelin")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
both!(results_only_from_what_you_can_read_now);

/// The benchmark's seeding writes what sends write: messages with consecutive seqs and their
/// events, found by search.
async fn seeded_messages_are_logged_and_found(backend: Backend) {
    let server = TestServer::start(backend).await;
    let db =
        ocomms::db::Db::connect(server.database_url.as_deref(), server.data_dir.path(), 2).await.unwrap();
    let seeded = ocomms::seed::run(&db, 2500, 2, false).await.unwrap();
    assert!(ocomms::seed::run(&db, 10, 1, false).await.is_err(), "a database with messages is refused");
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let mut rd = db.read().await.unwrap();
            ocomms::on!(rd.c(), |e| sqlx::query_scalar::<_, i64>(sql).fetch_one(e).await.unwrap())
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM messages").await, 2500);
    assert_eq!(count("SELECT COUNT(*) FROM channel_events WHERE type = 'message.created'").await, 2500);
    assert_eq!(count("SELECT CAST(SUM(last_seq) AS BIGINT) FROM channels").await, 2500, "no gaps, no reuse");
    let (email, password) = (seeded.emails[0].clone(), seeded.password.clone());
    let mut seeded = server.anonymous();
    let (status, body) =
        seeded.post("/api/v1/auth/login", json!({"email": email, "password": password})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    seeded.token = Some(body["token"].as_str().unwrap().to_string());
    let wid = seeded.ok(Method::GET, "/api/v1/workspaces", None).await["workspaces"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let found = search(&seeded, &wid, "deployment").await;
    assert!(
        !contents(&found).is_empty() && contents(&found).iter().all(|c| c.contains("deployment")),
        "{found}"
    );
    db.close().await;
}
both!(seeded_messages_are_logged_and_found);
