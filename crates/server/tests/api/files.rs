//! Files and avatars as people use them, and as attackers try them: upload, attach, see the
//! preview live, download (ranges, ETags), lose access, delete; on the local folder and on an
//! S3-compatible store. The hostile uploads are in `files_attacks.rs`.

use std::io::Cursor;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both;
use crate::common::{Backend, Client, TestServer, assert_error};

/// The S3-compatible store to test against (`OCOMMS_TEST_S3_ENDPOINT`, e.g. moto's server):
/// its flags. Unset outside CI skips the S3 variants (said on stderr); unset in CI fails.
pub fn s3_flags() -> Option<Vec<String>> {
    match std::env::var("OCOMMS_TEST_S3_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => {
            let bucket = std::env::var("OCOMMS_TEST_S3_BUCKET").unwrap_or_else(|_| "ocomms-test".into());
            Some(
                [
                    "--s3-endpoint",
                    &endpoint,
                    "--s3-bucket",
                    &bucket,
                    "--s3-access-key-id",
                    "test",
                    "--s3-secret-access-key",
                    "test",
                ]
                .map(String::from)
                .to_vec(),
            )
        }
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but OCOMMS_TEST_S3_ENDPOINT is not set: the S3 storage suite must run in CI")
        }
        _ => {
            eprintln!("OCOMMS_TEST_S3_ENDPOINT is not set: S3 storage variant skipped");
            None
        }
    }
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image =
        image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub async fn upload(who: &Client, wid: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let mut req = who.http.post(format!("{}/api/v1/workspaces/{wid}/files", who.base)).multipart(form);
    if let Some(token) = &who.token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub async fn uploaded(who: &Client, wid: &str, name: &str, bytes: Vec<u8>) -> Value {
    let (status, body) = upload(who, wid, name, bytes).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["file"].clone()
}

pub async fn fetch(who: &Client, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = who.http.get(format!("{}{path}", who.base));
    if let Some(token) = &who.token {
        req = req.bearer_auth(token);
    }
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.unwrap()
}

pub fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn send_files(who: &Client, cid: &str, content: &str, ids: &[&str]) -> (StatusCode, Value) {
    who.post(&format!("/api/v1/channels/{cid}/messages"), json!({"content": content, "file_ids": ids})).await
}

/// Upload, attach, see it live, download it whole and in part, revalidate, delete it.
async fn round_trip(server: &TestServer) {
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let bytes = png(1600, 900);
    let file = uploaded(&ana, &wid, "Screenshot 2026-12-02.png", bytes.clone()).await;
    assert_eq!(file["name"], "Screenshot 2026-12-02.png");
    assert_eq!(file["mime_type"], "image/png");
    assert_eq!(file["size"], bytes.len());
    assert_eq!((file["width"].as_i64(), file["height"].as_i64()), (Some(1600), Some(900)));
    let fid = file["id"].as_str().unwrap().to_string();
    assert_eq!(file["url"], format!("/api/v1/files/{fid}"));
    assert_eq!(file["thumbnail_url"], format!("/api/v1/files/{fid}/thumbnail"));

    let mut ws = ben.ws().await;
    let (status, sent) = send_files(&ana, &cid, "", &[&fid]).await;
    assert_eq!(status, StatusCode::CREATED, "a message of files alone: {sent}");
    assert_eq!(sent["message"]["attachments"][0]["id"], fid.as_str());
    let created = ws.until("message.created").await;
    assert_eq!(created["message"]["attachments"][0], file, "the event carries the file");

    // Ben, in the channel, gets the bytes, the preview, ranges and revalidation.
    let resp = fetch(&ben, &format!("/api/v1/files/{fid}"), &[]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "content-type"), "image/png");
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert_eq!(header(&resp, "content-security-policy"), "sandbox");
    assert!(header(&resp, "content-disposition").starts_with("inline;"), "a previewable image shows inline");
    assert!(header(&resp, "cache-control").starts_with("private"));
    let etag = header(&resp, "etag").to_string();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let resp = fetch(&ben, &format!("/api/v1/files/{fid}"), &[("range", "bytes=100-199")]).await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&resp, "content-range"), format!("bytes 100-199/{}", bytes.len()));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &bytes[100..200]);
    let resp = fetch(&ben, &format!("/api/v1/files/{fid}"), &[("range", "bytes=-10")]).await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &bytes[bytes.len() - 10..]);
    let resp =
        fetch(&ben, &format!("/api/v1/files/{fid}"), &[("range", &format!("bytes={}-", bytes.len() + 5))])
            .await;
    assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let resp = fetch(&ben, &format!("/api/v1/files/{fid}"), &[("if-none-match", &etag)]).await;
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    let weak = format!("W/{etag}");
    let resp = fetch(&ben, &format!("/api/v1/files/{fid}"), &[("if-none-match", &weak)]).await;
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED, "If-None-Match compares weakly");
    // Ranges that do not parse are ignored; If-Range with another tag gets the whole file.
    for bad in ["items=0-5", "bytes=abc", "bytes=5-2"] {
        let resp = fetch(&ben, &format!("/api/v1/files/{fid}"), &[("range", bad)]).await;
        assert_eq!(resp.status(), StatusCode::OK, "{bad}");
    }
    let resp =
        fetch(&ben, &format!("/api/v1/files/{fid}"), &[("range", "bytes=0-9"), ("if-range", "\"other\"")])
            .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().len(), bytes.len());
    let resp =
        fetch(&ben, &format!("/api/v1/files/{fid}"), &[("range", "bytes=0-9"), ("if-range", &etag)]).await;
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    let resp = fetch(&ben, &format!("/api/v1/files/{fid}?download=1"), &[]).await;
    assert!(header(&resp, "content-disposition").starts_with("attachment;"));
    let resp = fetch(&ben, &format!("/api/v1/files/{fid}/thumbnail"), &[]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "content-type"), "image/jpeg");
    let thumb = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (480, 270), "the preview fits 480 × 480, shape kept");

    // Pages and single reads show the attachment; deleting the message hides the file.
    let page = ben.ok(Method::GET, &format!("/api/v1/channels/{cid}/messages"), None).await;
    let mid = sent["message"]["id"].as_str().unwrap().to_string();
    let listed =
        page["messages"].as_array().unwrap().iter().find(|m| m["id"] == mid.as_str()).unwrap().clone();
    assert_eq!(listed["attachments"][0], file);
    ana.ok(Method::DELETE, &format!("/api/v1/messages/{mid}"), None).await;
    let resp = fetch(&ben, &format!("/api/v1/files/{fid}"), &[]).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND, "a deleted message's file is gone");
    let resp = fetch(&ana, &format!("/api/v1/files/{fid}/thumbnail"), &[]).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND, "for its uploader too");
    let message = ana.ok(Method::GET, &format!("/api/v1/messages/{mid}"), None).await;
    assert_eq!(message["message"]["attachments"], json!([]));

    // A file far over the 1 MiB JSON body limit: uploads are bounded by their own limit only.
    let zip = {
        let mut z = b"PK\x03\x04\x14\0\0\0\x08\0".to_vec();
        z.extend((0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
        z
    };
    let archive = uploaded(&ana, &wid, "logs.zip", zip.clone()).await;
    assert_eq!(
        (archive["mime_type"].as_str(), archive["size"].as_u64()),
        (Some("application/zip"), Some(zip.len() as u64))
    );
    let resp = fetch(&ben, archive["url"].as_str().unwrap(), &[]).await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), zip.as_slice(), "what is stored is what was sent");

    // Other kinds: a PDF and a text file are downloads with their names; text opens inline on request.
    let pdf =
        uploaded(&ana, &wid, "Q4 plan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n".to_vec())
            .await;
    assert_eq!((pdf["mime_type"].as_str(), pdf["thumbnail_url"].as_str()), (Some("application/pdf"), None));
    let notes = uploaded(&ana, &wid, "notes.txt", "caf\u{e9} notes\n".as_bytes().to_vec()).await;
    assert_eq!(notes["mime_type"], "text/plain");
    let (status, _) = send_files(
        &ana,
        &cid,
        "the plan and notes",
        &[pdf["id"].as_str().unwrap(), notes["id"].as_str().unwrap()],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let resp = fetch(&ben, notes["url"].as_str().unwrap(), &[]).await;
    assert_eq!(header(&resp, "content-type"), "text/plain; charset=utf-8");
    assert_eq!(
        header(&resp, "content-disposition"),
        "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt"
    );
    let resp = fetch(&ben, &format!("{}?inline=1", notes["url"].as_str().unwrap()), &[]).await;
    assert!(header(&resp, "content-disposition").starts_with("inline;"));
    let resp = fetch(&ben, pdf["url"].as_str().unwrap(), &[]).await;
    assert!(header(&resp, "content-disposition").starts_with("attachment;"));
    let page = ben.ok(Method::GET, &format!("/api/v1/channels/{cid}/messages"), None).await;
    let last = page["messages"].as_array().unwrap().last().unwrap().clone();
    let names: Vec<&str> =
        last["attachments"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Q4 plan.pdf", "notes.txt"], "in the order sent");
}

async fn files_round_trip_locally(backend: Backend) {
    let server = TestServer::start(backend).await;
    round_trip(&server).await;
    assert!(server.data_dir.path().join("files").is_dir(), "local storage is under the data dir");
}
both!(files_round_trip_locally);

async fn files_round_trip_on_s3(backend: Backend) {
    let Some(flags) = s3_flags() else { return };
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = TestServer::start_with(backend, &flags).await;
    round_trip(&server).await;
    assert!(!server.data_dir.path().join("files").exists(), "with S3 nothing is kept in the data dir");
}
both!(files_round_trip_on_s3);

/// Who may read and attach what: anonymous, a stranger, another workspace, a member outside the
/// private channel, the channel's members.
async fn who_may_see_and_attach_files(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cara = server.signup("Cara").await;
    ana.invite(&wid, &cara).await;
    let stranger = server.signup("Stranger").await;
    let elsewhere = stranger.create_workspace("Elsewhere").await;
    let private = ana.create_channel(&wid, "private", "private").await;
    ana.ok(
        Method::POST,
        &format!("/api/v1/channels/{private}/members"),
        Some(json!({"user_id": ben.user_id})),
    )
    .await;

    let file = uploaded(&ana, &wid, "secret.png", png(40, 40)).await;
    let fid = file["id"].as_str().unwrap();
    let url = format!("/api/v1/files/{fid}");
    // Before it is shared: the workspace's members only.
    assert_eq!(fetch(&server.anonymous(), &url, &[]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(fetch(&stranger, &url, &[]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(fetch(&cara, &url, &[]).await.status(), StatusCode::OK);
    // Shared in the private channel: only those who can read it.
    let (status, body) = send_files(&ana, &private, "for ben", &[fid]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for path in [url.clone(), format!("{url}/thumbnail")] {
        assert_eq!(fetch(&cara, &path, &[]).await.status(), StatusCode::NOT_FOUND, "outside the channel");
        assert_eq!(fetch(&stranger, &path, &[]).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(fetch(&ben, &path, &[]).await.status(), StatusCode::OK);
    }
    // Removed from the channel, Ben loses it at once.
    ana.ok(Method::DELETE, &format!("/api/v1/channels/{private}/members/{}", ben.user_id), None).await;
    assert_eq!(fetch(&ben, &url, &[]).await.status(), StatusCode::NOT_FOUND);

    // Uploading needs membership of the workspace.
    let (status, body) = upload(&stranger, &wid, "x.png", png(4, 4)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = upload(&server.anonymous(), &wid, "x.png", png(4, 4)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");

    // Attaching: only your own unshared uploads of the channel's workspace, at most ten, once.
    let general = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let bens = uploaded(&ben, &wid, "bens.txt", b"mine".to_vec()).await;
    let (status, body) = send_files(&ana, &general, "taking ben's", &[bens["id"].as_str().unwrap()]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["field"], "file_ids");
    let (status, body) = send_files(&ana, &general, "again", &[fid]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let foreign = uploaded(&stranger, &elsewhere, "far.txt", b"far away".to_vec()).await;
    let (status, body) = send_files(&stranger, &general, "x", &[foreign["id"].as_str().unwrap()]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not even the channel: {body}");
    // Someone in both workspaces cannot carry a file from one into the other.
    stranger.invite(&elsewhere, &ana).await;
    let theirs = uploaded(&ana, &elsewhere, "other-workspace.txt", b"elsewhere".to_vec()).await;
    let (status, body) = send_files(&ana, &general, "carried over", &[theirs["id"].as_str().unwrap()]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(body["error"]["field"], "file_ids");

    // One's own unshared upload can be deleted (a file taken out of the composer); a shared one
    // cannot, nor can someone else's.
    let draft = uploaded(&ana, &wid, "draft.png", png(8, 8)).await;
    let draft_url = draft["url"].as_str().unwrap().to_string();
    let (status, body) = cara.delete(&draft_url).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, _) = ana.delete(&draft_url).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(fetch(&ana, &draft_url, &[]).await.status(), StatusCode::NOT_FOUND);
    let (status, body) = send_files(&ana, &general, "gone", &[draft["id"].as_str().unwrap()]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = ana.delete(&url).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let mut many = Vec::new();
    for i in 0..11 {
        many.push(
            uploaded(&ana, &wid, &format!("{i}.txt"), format!("file {i}").into_bytes()).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let ids: Vec<&str> = many.iter().map(String::as_str).collect();
    let (status, body) = send_files(&ana, &general, "eleven", &ids).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = send_files(&ana, &general, "twice", &[ids[0], ids[0]]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = send_files(&ana, &general, "   ", &[]).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    let (status, body) = send_files(&ana, &general, "ten", &ids[..10]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["message"]["attachments"].as_array().unwrap().len(), 10);
    // A refused send wrote nothing: the eleventh is still free to share.
    let (status, _) = send_files(&ana, &general, "the last", &ids[10..]).await;
    assert_eq!(status, StatusCode::CREATED);
}
both!(who_may_see_and_attach_files);

/// Each person's files have a quota, with a clear 413.
async fn the_storage_quota_holds(backend: Backend) {
    let server = TestServer::start_with(backend, &["--user-quota-bytes", "5000"]).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let first = uploaded(&ana, &wid, "a.bin", vec![1u8; 3000]).await;
    let (status, body) = upload(&ana, &wid, "b.bin", vec![1u8; 3000]).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert!(body["error"]["message"].as_str().unwrap().contains("storage"), "{body}");
    uploaded(&ana, &wid, "c.bin", vec![1u8; 2000]).await;
    let (status, _) = upload(&ana, &wid, "d.bin", vec![1u8; 1]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "full");
    uploaded(&ben, &wid, "bens.bin", vec![1u8; 3000]).await;

    // Deleting a message with files frees their share at once.
    let (status, body) = send_files(&ana, &cid, "", &[first["id"].as_str().unwrap()]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mid = body["message"]["id"].as_str().unwrap().to_string();
    ana.ok(Method::DELETE, &format!("/api/v1/messages/{mid}"), None).await;
    uploaded(&ana, &wid, "after-delete.bin", vec![1u8; 3000]).await;

    // Twenty uploads at once cannot pass the quota together: exactly what fits is stored.
    let cara = server.signup("Cara").await;
    ana.invite(&wid, &cara).await;
    let uploads: Vec<_> = (0..20)
        .map(|i| {
            let (cara, wid) = (cara.clone(), wid.clone());
            tokio::spawn(async move { upload(&cara, &wid, &format!("{i}.bin"), vec![2u8; 1000]).await.0 })
        })
        .collect();
    let mut stored = 0;
    for upload in uploads {
        match upload.await.unwrap() {
            StatusCode::CREATED => stored += 1,
            StatusCode::PAYLOAD_TOO_LARGE => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(stored, 5, "5 × 1000 bytes fit a 5000-byte quota");
}
both!(the_storage_quota_holds);

/// Uploads never shared are purged after a day, bytes and all.
async fn unattached_uploads_are_purged(backend: Backend) {
    let server = TestServer::start_with(backend, &["--purge-every-s", "1"]).await;
    let (ana, _ben, wid) = server.pair("Ben").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let old = uploaded(&ana, &wid, "forgotten.png", png(20, 20)).await;
    let kept = uploaded(&ana, &wid, "shared.png", png(20, 20)).await;
    send_files(&ana, &cid, "shared", &[kept["id"].as_str().unwrap()]).await;
    let two_days_ago = chrono_ms() - 2 * 24 * 3600 * 1000;
    let sql = format!("UPDATE files SET created_at = {two_days_ago}");
    match &server.database_url {
        Some(url) => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
        }
        None => {
            let url = format!("sqlite://{}", server.data_dir.path().join("ocomms.db").display());
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
        }
    }
    let url = old["url"].as_str().unwrap();
    let mut gone = false;
    for _ in 0..100 {
        if fetch(&ana, url, &[]).await.status() == StatusCode::NOT_FOUND {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the unshared upload was purged");
    let stored: Vec<String> = std::fs::read_dir(server.data_dir.path().join("files"))
        .unwrap()
        .flat_map(|month| std::fs::read_dir(month.unwrap().path()).unwrap())
        .map(|f| f.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        !stored.iter().any(|n| n.starts_with(old["id"].as_str().unwrap())),
        "its bytes are gone: {stored:?}"
    );
    assert_eq!(
        fetch(&ana, kept["url"].as_str().unwrap(), &[]).await.status(),
        StatusCode::OK,
        "a shared file stays"
    );
}
both!(unattached_uploads_are_purged);

fn chrono_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

async fn put_avatar(who: &Client, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let resp = who
        .http
        .put(format!("{}/api/v1/me/avatar", who.base))
        .bearer_auth(who.token.as_deref().unwrap())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// An avatar: cropped square, two sizes, shown to people who share a workspace, live.
async fn avatars_are_square_shared_and_live(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (ana, ben, _wid) = server.pair("Ben").await;
    let stranger = server.signup("Stranger").await;
    let mut ws = ben.ws().await;
    let (status, body) = put_avatar(&ana, "me.png", png(900, 600)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = body["user"]["avatar_url"].as_str().unwrap().to_string();
    assert!(url.starts_with("/api/v1/avatars/"), "{url}");
    let updated = ws.until("user.updated").await;
    assert_eq!(updated["user"]["avatar_url"], url.as_str());
    let seen = ben.ok(Method::GET, &format!("/api/v1/users/{}", ana.user_id), None).await;
    assert_eq!(seen["user"]["avatar_url"], url.as_str());
    let members = ben.ok(Method::GET, &format!("/api/v1/workspaces/{_wid}/members"), None).await;
    assert!(members["members"].as_array().unwrap().iter().any(|m| m["user"]["avatar_url"] == url.as_str()));

    let large = fetch(&ben, &url, &[]).await;
    assert_eq!(large.status(), StatusCode::OK);
    assert_eq!(header(&large, "content-type"), "image/jpeg");
    assert!(header(&large, "cache-control").contains("immutable"));
    let large = image::load_from_memory(&large.bytes().await.unwrap()).unwrap();
    assert_eq!((large.width(), large.height()), (512, 512));
    let small = fetch(&ben, &format!("{url}?size=128"), &[]).await;
    let small = image::load_from_memory(&small.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (128, 128));
    assert_eq!(fetch(&stranger, &url, &[]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(fetch(&server.anonymous(), &url, &[]).await.status(), StatusCode::UNAUTHORIZED);

    // Bad input: not an image, too big; nothing changes.
    let (status, body) = put_avatar(&ana, "me.png", b"<svg onload=alert(1)>".to_vec()).await;
    assert_error(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type");
    let (status, body) = put_avatar(&ana, "huge.png", vec![0u8; 2 * 1024 * 1024 + 1]).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let me = ana.ok(Method::GET, "/api/v1/me", None).await;
    assert_eq!(me["user"]["avatar_url"], url.as_str());

    // A new one replaces the old, whose URL stops working; removing it goes back to initials.
    let (_, body) = put_avatar(&ana, "new.png", png(300, 300)).await;
    let newer = body["user"]["avatar_url"].as_str().unwrap().to_string();
    assert_ne!(newer, url);
    assert_eq!(fetch(&ben, &url, &[]).await.status(), StatusCode::NOT_FOUND);
    let (status, body) = ana.call(Method::DELETE, "/api/v1/me/avatar", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["user"]["avatar_url"].is_null());
    assert_eq!(fetch(&ben, &newer, &[]).await.status(), StatusCode::NOT_FOUND);
}
both!(avatars_are_square_shared_and_live);
