//! Threads as people follow them: the root's summary (count, last reply, who took part) live on
//! a socket, replies paged, "also send to channel", following and unfollowing, unread replies in
//! the "Threads" view; the "Mentions" view across channels and access; workspace notification
//! defaults that channels follow.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both;
use crate::common::{Backend, Client, TestServer, assert_error};

async fn reply(who: &Client, cid: &str, root: &str, content: &str) -> Value {
    let (status, body) = who
        .post(
            &format!("/api/v1/channels/{cid}/messages"),
            json!({"content": content, "thread_root_id": root}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["message"].clone()
}

async fn threads_of(who: &Client, wid: &str) -> Vec<Value> {
    who.ok(Method::GET, &format!("/api/v1/workspaces/{wid}/threads"), None).await["threads"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_thread_summarises_itself_and_pages(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let root = ana.send(&cid, "plan for friday?").await["id"].as_str().unwrap().to_string();
    let mut ws = ana.ws().await;
    let first = reply(&ben, &cid, &root, "pizza").await;
    let updated = ws.until("thread.updated").await;
    assert_eq!(updated["reply_count"], 1);
    assert_eq!(updated["reply_user_ids"], json!([ben.user_id]), "{updated}");
    assert_eq!(updated["last_reply_at"], first["created_at"]);
    reply(&ana, &cid, &root, "and a film").await;
    let updated = ws.until("thread.updated").await;
    assert_eq!(updated["reply_user_ids"], json!([ana.user_id, ben.user_id]), "latest replier first");
    for i in 0..5 {
        reply(&ben, &cid, &root, &format!("more {i}")).await;
    }
    let message = ana.ok(Method::GET, &format!("/api/v1/messages/{root}"), None).await["message"].clone();
    assert_eq!(message["reply_count"], 7);
    assert_eq!(message["reply_user_ids"], json!([ben.user_id, ana.user_id]));
    assert!(message["last_reply_at"].is_string());
    assert_eq!(message["pinned"], false);

    // Pages: the first three, the three after them, then the newest two before the last seen.
    let page = ana.ok(Method::GET, &format!("/api/v1/messages/{root}/replies?limit=3"), None).await;
    let contents = |p: &Value| -> Vec<String> {
        p["messages"].as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(contents(&page), ["pizza", "and a film", "more 0"]);
    assert_eq!(page["has_more"], true);
    let last = page["messages"][2]["seq"].as_i64().unwrap();
    let next =
        ana.ok(Method::GET, &format!("/api/v1/messages/{root}/replies?limit=3&after_seq={last}"), None).await;
    assert_eq!(contents(&next), ["more 1", "more 2", "more 3"]);
    let end = ana.ok(Method::GET, &format!("/api/v1/messages/{root}/replies?after_seq={last}"), None).await;
    assert_eq!((end["messages"].as_array().unwrap().len(), &end["has_more"]), (4, &json!(false)));
    let newest = next["messages"][2]["seq"].as_i64().unwrap();
    let back = ana
        .ok(Method::GET, &format!("/api/v1/messages/{root}/replies?limit=2&before_seq={newest}"), None)
        .await;
    assert_eq!(contents(&back), ["more 1", "more 2"], "before_seq: the newest before it, oldest first");
    for bad in ["limit=0", "limit=1001", "after_seq=-1", "limit=x"] {
        let (status, body) = ana.get(&format!("/api/v1/messages/{root}/replies?{bad}")).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    }
    // A deleted reply stops counting, and the root's readers hear it.
    let gone = reply(&ben, &cid, &root, "oops").await["id"].as_str().unwrap().to_string();
    ws.until("thread.updated").await;
    assert_eq!(ben.delete(&format!("/api/v1/messages/{gone}")).await.0, StatusCode::NO_CONTENT);
    ws.until("message.deleted").await;
    let updated = ws.until("thread.updated").await;
    assert_eq!(
        (updated["root_id"].as_str(), updated["reply_count"].as_i64()),
        (Some(root.as_str()), Some(7))
    );
    let message = ana.ok(Method::GET, &format!("/api/v1/messages/{root}"), None).await["message"].clone();
    assert_eq!(message["reply_count"], 7);
}
both!(a_thread_summarises_itself_and_pages);

async fn also_send_to_channel_shows_a_reply_in_the_channel(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let root = ana.send(&cid, "release today?").await["id"].as_str().unwrap().to_string();
    let mut ws = ana.ws().await;
    let (status, body) = ben
        .post(
            &format!("/api/v1/channels/{cid}/messages"),
            json!({"content": "yes, at 5", "thread_root_id": root, "also_send_to_channel": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["message"]["also_in_channel"], true);
    let created = ws.until("message.created").await;
    assert_eq!(created["message"]["also_in_channel"], true);
    reply(&ben, &cid, &root, "only in the thread").await;
    let page = ana.ok(Method::GET, &format!("/api/v1/channels/{cid}/messages"), None).await;
    let contents: Vec<&str> =
        page["messages"].as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents.last(), Some(&"yes, at 5"), "{contents:?}");
    assert!(!contents.contains(&"only in the thread"));
    let general = ana.channel_named(&wid, "general").await;
    assert_eq!(general["unread_count"], 1, "the reply sent to the channel is unread there: {general}");
    let (status, body) = ben
        .post(
            &format!("/api/v1/channels/{cid}/messages"),
            json!({"content": "x", "also_send_to_channel": true}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["field"], "also_send_to_channel");
}
both!(also_send_to_channel_shows_a_reply_in_the_channel);

/// Starting a thread, replying or being mentioned in a reply follows it; unread replies by others
/// count until read; unfollowing takes it out of the view until one replies again.
async fn followed_threads_count_unread_replies(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cy = server.signup("Cy").await;
    ana.invite(&wid, &cy).await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let quiet = ana.send(&cid, "nobody answers this").await["id"].as_str().unwrap().to_string();
    let root = ana.send(&cid, "who reviews #12?").await["id"].as_str().unwrap().to_string();
    assert!(threads_of(&ana, &wid).await.is_empty(), "a root without replies is no thread yet");
    let cy_handle =
        cy.ok(Method::GET, "/api/v1/me", None).await["user"]["handle"].as_str().unwrap().to_string();
    reply(&ben, &cid, &root, &format!("me, with @{cy_handle}")).await;
    let seen = reply(&ben, &cid, &root, "starting now").await;

    let threads = threads_of(&ana, &wid).await;
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["root"]["id"], root.as_str());
    assert_eq!(threads[0]["unread_count"], 2, "the starter follows: {threads:?}");
    assert_eq!(threads[0]["following"], true);
    assert_eq!(threads_of(&ben, &wid).await[0]["unread_count"], 0, "one's own replies are read");
    assert_eq!(threads_of(&cy, &wid).await.len(), 1, "a mention in a reply follows");

    let read = format!("/api/v1/messages/{root}/read");
    let (status, _) = ana.post(&read, json!({"seq": seen["seq"]})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(threads_of(&ana, &wid).await[0]["unread_count"], 0);
    ana.post(&read, json!({"seq": 0})).await;
    assert_eq!(threads_of(&ana, &wid).await[0]["unread_count"], 0, "the marker never moves back");

    // Unread threads come first, then the latest reply.
    let other = ben.send(&cid, "lunch?").await["id"].as_str().unwrap().to_string();
    reply(&ana, &cid, &other, "yes").await;
    let threads = threads_of(&ana, &wid).await;
    assert_eq!(threads[0]["root"]["id"], other.as_str(), "latest reply first when all are read");
    reply(&ben, &cid, &root, "done").await;
    let threads = threads_of(&ana, &wid).await;
    assert_eq!(
        (threads[0]["root"]["id"].as_str(), threads[0]["unread_count"].as_i64()),
        (Some(root.as_str()), Some(1))
    );

    let follow = format!("/api/v1/messages/{root}/follow");
    assert_eq!(ana.delete(&follow).await.0, StatusCode::NO_CONTENT);
    assert_eq!(threads_of(&ana, &wid).await.len(), 1, "unfollowed: out of the view");
    reply(&ben, &cid, &root, "still there?").await;
    assert_eq!(threads_of(&ana, &wid).await.len(), 1, "a reply by someone else does not follow it again");
    reply(&ana, &cid, &root, "yes").await;
    assert_eq!(threads_of(&ana, &wid).await.len(), 2, "one's own reply follows again");
    // Following a thread by hand: only later replies are unread.
    assert_eq!(
        cy.call(Method::PUT, &format!("/api/v1/messages/{other}/follow"), None).await.0,
        StatusCode::NO_CONTENT
    );
    let cy_threads = threads_of(&cy, &wid).await;
    let followed = cy_threads.iter().find(|t| t["root"]["id"] == other.as_str()).expect("followed by hand");
    assert_eq!(followed["unread_count"], 0);
    assert_eq!(
        cy.call(Method::PUT, &format!("/api/v1/messages/{quiet}/follow"), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(threads_of(&cy, &wid).await.len(), 2, "a followed root without replies is not listed");

    // A reply is not a thread of its own; unknown messages are 404.
    let a_reply = reply(&ben, &cid, &root, "nested?").await["id"].as_str().unwrap().to_string();
    let (status, body) = ana.call(Method::PUT, &format!("/api/v1/messages/{a_reply}/follow"), None).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = ana.post(&format!("/api/v1/messages/{a_reply}/read"), json!({"seq": 1})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = ana.post(&read, json!({"seq": -1})).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = ana.call(Method::PUT, "/api/v1/messages/nope/follow", None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}
both!(followed_threads_count_unread_replies);

/// A private channel's threads and mentions leave the views of someone removed from it at once,
/// and stay out of reach of other workspaces.
async fn threads_and_mentions_follow_access(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let outsider = server.signup("Out").await;
    let owid = outsider.create_workspace("Elsewhere").await;
    let secret = ana.create_channel(&wid, "secret", "private").await;
    ana.ok(
        Method::POST,
        &format!("/api/v1/channels/{secret}/members"),
        Some(json!({"user_id": ben.user_id})),
    )
    .await;
    let ben_handle =
        ben.ok(Method::GET, "/api/v1/me", None).await["user"]["handle"].as_str().unwrap().to_string();
    let root = ben.send(&secret, "a secret plan").await["id"].as_str().unwrap().to_string();
    reply(&ana, &secret, &root, &format!("@{ben_handle} tell nobody")).await;
    let general = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    ana.send(&general, "@channel standup in 5").await;
    ana.send(&general, &format!("@{ben_handle} and you?")).await;

    let mentions = |who: Client, path: String| async move { who.ok(Method::GET, &path, None).await };
    let path = format!("/api/v1/workspaces/{wid}/mentions");
    let page = mentions(ben.clone(), path.clone()).await;
    let contents: Vec<&str> =
        page["messages"].as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents.len(), 3, "{contents:?}");
    assert!(contents[0].contains("and you?"), "newest first: {contents:?}");
    assert!(contents.contains(&"@channel standup in 5"), "a broadcast mentions too");
    assert_eq!(page["has_more"], false);
    let first = mentions(ben.clone(), format!("{path}?limit=1")).await;
    assert_eq!(first["has_more"], true);
    let after = first["messages"][0]["id"].as_str().unwrap();
    let rest = mentions(ben.clone(), format!("{path}?limit=5&before={after}")).await;
    assert_eq!(rest["messages"].as_array().unwrap().len(), 2, "the cursor continues where the page ended");
    assert!(
        mentions(ana.clone(), path.clone()).await["messages"].as_array().unwrap().is_empty(),
        "not one's own"
    );
    assert_eq!(threads_of(&ben, &wid).await.len(), 1);

    assert_eq!(
        ana.delete(&format!("/api/v1/channels/{secret}/members/{}", ben.user_id)).await.0,
        StatusCode::NO_CONTENT
    );
    assert!(threads_of(&ben, &wid).await.is_empty(), "a channel one left takes its threads along");
    let page = mentions(ben.clone(), path.clone()).await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 2, "and its mentions: {page}");
    for (method, p) in [
        (Method::GET, format!("/api/v1/workspaces/{wid}/threads")),
        (Method::GET, path.clone()),
        (Method::GET, format!("/api/v1/workspaces/{wid}/notifications")),
        (Method::PUT, format!("/api/v1/messages/{root}/follow")),
        (Method::GET, format!("/api/v1/messages/{root}/replies")),
    ] {
        let (status, body) = outsider.call(method, &p, None).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, body) = ben.call(Method::PUT, &format!("/api/v1/messages/{root}/follow"), None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = ben.get(&format!("{path}?before={root}")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["field"], "before", "a cursor one cannot read is refused like an unknown one");
    assert!(threads_of(&outsider, &owid).await.is_empty());
    for bad in ["limit=0", "limit=101", "before=nope"] {
        let (status, body) = ben.get(&format!("{path}?{bad}")).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    }
}
both!(threads_and_mentions_follow_access);

/// The workspace default (mentions until changed) is what channels without their own level use.
async fn channels_follow_the_workspace_default(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, _ben, wid) = server.pair("Ben").await;
    let general = ana.channel_named(&wid, "general").await;
    let cid = general["id"].as_str().unwrap().to_string();
    assert_eq!(general["notifications"], json!({"level": "mentions", "muted": false, "default": true}));
    let default = format!("/api/v1/workspaces/{wid}/notifications");
    assert_eq!(ana.ok(Method::GET, &default, None).await["notifications"]["level"], "mentions");
    let set = ana.ok(Method::PUT, &default, Some(json!({"level": "all"}))).await;
    assert_eq!(set["notifications"]["level"], "all");
    let prefs = format!("/api/v1/channels/{cid}/notifications");
    assert_eq!(ana.ok(Method::GET, &prefs, None).await["notifications"]["level"], "all");
    let own = ana.ok(Method::PUT, &prefs, Some(json!({"level": "nothing", "muted": true}))).await;
    assert_eq!(own["notifications"], json!({"level": "nothing", "muted": true, "default": false}));
    ana.ok(Method::PUT, &default, Some(json!({"level": "mentions"}))).await;
    assert_eq!(
        ana.channel_named(&wid, "general").await["notifications"]["level"],
        "nothing",
        "its own level stays"
    );
    let back = ana.ok(Method::PUT, &prefs, Some(json!({"level": "default", "muted": false}))).await;
    assert_eq!(back["notifications"], json!({"level": "mentions", "muted": false, "default": true}));
    for bad in [json!({"level": "loud"}), json!({"level": "default"})] {
        let (status, body) = ana.call(Method::PUT, &default, Some(bad)).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    }
    let session = ana.ok(Method::GET, "/api/v1/auth/session", None).await;
    assert_eq!(session["settings"]["broadcast_warn_members"], 10);
}
both!(channels_follow_the_workspace_default);

/// Typing in a thread reaches the channel's other members with the thread's root, apart from
/// typing in the channel itself (each throttled on its own).
async fn typing_in_a_thread_names_the_thread(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let root = ana.send(&cid, "thread here").await["id"].as_str().unwrap().to_string();
    let mut ana_ws = ana.ws().await;
    let mut ben_ws = ben.ws().await;
    ben_ws.send(json!({"type": "typing", "channel_id": cid})).await;
    let typing = ana_ws.until("typing").await;
    assert!(typing.get("thread_root_id").is_none(), "{typing}");
    ben_ws.send(json!({"type": "typing", "channel_id": cid, "thread_root_id": root})).await;
    let typing = ana_ws.until("typing").await;
    assert_eq!(
        (typing["thread_root_id"].as_str(), typing["user_id"].as_str()),
        (Some(root.as_str()), Some(ben.user_id.as_str()))
    );
    ben_ws.send(json!({"type": "typing", "channel_id": cid, "thread_root_id": "x".repeat(65)})).await;
    let refused = ben_ws.until("error").await;
    assert_eq!(refused["code"], "invalid");
}
both!(typing_in_a_thread_names_the_thread);
