//! The embedded web client: the page for every client route, immutable versioned assets,
//! compression, and API errors kept apart from pages.

use reqwest::{StatusCode, header};

use crate::common::{Backend, TestServer};

#[tokio::test]
async fn serves_the_page_and_versioned_assets() {
    let server = TestServer::start(Backend::Sqlite).await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", server.base)).send();

    let page = get("/").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(page.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("script-src 'self'"));
    let html = page.text().await.unwrap();
    let end = html.find("/app.js\"").expect("the app's script") + "/app.js".len();
    let start = html[..end].rfind("/v/").expect("a versioned asset path");
    let app = &html[start..end];
    assert_eq!(app.len(), "/v/".len() + 12 + "/app.js".len(), "{app}");
    assert!(!html.contains("__V__"), "placeholder left in the page");

    // Client routes reload to the same page.
    for route in ["/w/abc/c/def", "/invite/0123abcd", "/login"] {
        let resp = get(route).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{route}");
        assert_eq!(resp.text().await.unwrap(), html, "{route}");
    }

    let asset = http
        .get(format!("{}{app}", server.base))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(asset.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert!(asset.headers()[header::CONTENT_TYPE].to_str().unwrap().contains("javascript"));
    assert_eq!(asset.headers()[header::CONTENT_ENCODING], "gzip");
    // An old version's URL still answers, but is not cached for good.
    let old = get(&app.replacen("/v/", "/v/0ld", 1)).await.unwrap();
    assert_eq!(old.status(), StatusCode::OK);
    assert_eq!(old.headers()[header::CACHE_CONTROL], "no-cache");
    assert_eq!(get("/v/x/no-such-file.js").await.unwrap().status(), StatusCode::NOT_FOUND);

    let manifest = get("/manifest.webmanifest").await.unwrap().text().await.unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    for icon in manifest["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap();
        assert!(src.starts_with("/v/"), "{src}");
        let resp = get(src).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{src}");
        assert_eq!(resp.headers()[header::CONTENT_TYPE], icon["type"].as_str().unwrap(), "{src}");
    }

    // Unknown API routes and non-GET requests get the error envelope, not the page.
    let api = get("/api/v1/nope").await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    let post = http.post(format!("{}/w/abc", server.base)).send().await.unwrap();
    assert_eq!(post.status(), StatusCode::NOT_FOUND);
}

/// `/metrics` counts what happened, by route template, in the Prometheus text format.
#[tokio::test]
async fn metrics_count_requests_sockets_and_events() {
    let server = TestServer::start(Backend::Sqlite).await;
    let ana = server.signup("Ana").await;
    let wid = ana.create_workspace("Acme").await;
    let cid = ana.channel_named(&wid, "general").await["id"].as_str().unwrap().to_string();
    let mut ws = ana.ws().await;
    ana.send(&cid, "counted").await;
    ws.until("message.created").await;
    let text = reqwest::get(format!("{}/metrics", server.base)).await.unwrap().text().await.unwrap();
    for expected in [
        r#"ocomms_http_requests_total{method="POST",route="/api/v1/channels/{cid}/messages",status="201"} 1"#,
        r#"ocomms_http_request_duration_seconds_count{method="POST",route="/api/v1/channels/{cid}/messages"} 1"#,
        "ocomms_websockets 1",
        r#"ocomms_db_connections{pool="writer",state="idle"}"#,
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let published = text.lines().find(|l| l.starts_with("ocomms_envelopes_published_total ")).unwrap();
    assert!(published.split(' ').nth(1).unwrap().parse::<f64>().unwrap() >= 3.0, "{published}");
    assert!(!text.contains(&cid), "raw ids never become labels");
}

/// `--web-dir` serves the client from disk, uncached, and never a file outside the folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_dir_serves_from_disk_and_stays_inside() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("web");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<script src=\"/__V__/app.js\"></script>").unwrap();
    std::fs::write(dir.join("app.js"), "console.log(1)").unwrap();
    std::fs::write(root.path().join("outside.txt"), "secret").unwrap();
    let web_dir = dir.display().to_string();
    let server =
        crate::common::TestServer::start_with(crate::common::Backend::Sqlite, &["--web-dir", &web_dir]).await;
    let http = reqwest::Client::new();
    let page = http.get(format!("{}/w/x", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("/v/dev/app.js"), "{page}");
    let js = http.get(format!("{}/v/dev/app.js", server.base)).send().await.unwrap();
    assert_eq!(js.headers()["cache-control"], "no-cache");
    std::fs::write(dir.join("app.js"), "console.log(2)").unwrap();
    let again = http.get(format!("{}/v/dev/app.js", server.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(again, "console.log(2)", "an edit shows without a restart");
    // Sent as written (an HTTP client would normalise some of these away).
    let addr = server.base.trim_start_matches("http://").to_string();
    for sneaky in [
        "/v/dev/%2e%2e/outside.txt",
        "/v/dev/..%2foutside.txt",
        "/v/dev/../outside.txt",
        "/v/dev//etc/passwd",
    ] {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let request = format!("GET {sneaky} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        tcp.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        tcp.read_to_string(&mut answer).await.unwrap();
        assert!(!answer.contains("secret"), "{sneaky} escaped the folder: {answer}");
        assert!(answer.starts_with("HTTP/1.1 404") || answer.contains("text/html"), "{sneaky}: {answer}");
    }
}
