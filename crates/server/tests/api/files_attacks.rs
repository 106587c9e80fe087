//! The attack corpus for uploads: each hostile upload gets the right answer, nothing runs
//! inline, nothing is written outside the files folder, and a client that hangs up leaves
//! nothing behind.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::both;
use crate::common::{Backend, TestServer, assert_error};
use crate::files::{fetch, header, upload, uploaded};

/// Sends a raw HTTP/1.1 request head and body in pieces; returns the status line's code, or None
/// when the server closed without answering.
async fn raw_request(base: &str, token: &str, head_extra: &str, pieces: &[&[u8]]) -> Option<u16> {
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("{head_extra}Host: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    for piece in pieces {
        if stream.write_all(piece).await.is_err() {
            break;
        }
    }
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut answer)).await.ok()?.ok()?;
    let text = String::from_utf8_lossy(&answer[..n]);
    text.split(' ').nth(1)?.parse().ok()
}

fn multipart_body(boundary: &str, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// The attack corpus: each hostile upload gets the right answer, nothing runs inline, nothing is
/// written outside the files folder, and the spool is left empty.
async fn hostile_uploads_are_answered_safely(backend: Backend) {
    let server = TestServer::start_with(backend, &["--max-upload-bytes", "200000"]).await;
    let (ana, ben, wid) = server.pair("Ben").await;
    let token = ana.token.clone().unwrap();
    let safe_inline = |resp: &reqwest::Response| {
        let ctype = header(resp, "content-type");
        let inline = header(resp, "content-disposition").starts_with("inline");
        assert_eq!(header(resp, "x-content-type-options"), "nosniff");
        assert_eq!(header(resp, "content-security-policy"), "sandbox");
        assert!(!ctype.contains("html") && !ctype.contains("svg") && !ctype.contains("xml"), "{ctype}");
        // Inline only as pixels or as plain text, which a browser shows and never runs.
        if inline {
            assert!(
                ["image/png", "image/jpeg", "image/gif", "image/webp", "text/plain; charset=utf-8"]
                    .contains(&ctype),
                "{ctype} inline"
            );
        }
    };
    let mut cases = vec![
        ("page.png", b"<!doctype html><html><script>alert(document.cookie)</script></html>".to_vec()),
        ("logo.svg", b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>".to_vec()),
        ("polyglot.gif", b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;<html><script>alert(1)</script></html>".to_vec()),
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00This program cannot be run in DOS mode".to_vec()),
        ("../../../../etc/passwd", b"root:x:0:0".to_vec()),
        ("..\\..\\windows\\win.ini", b"[fonts]".to_vec()),
        ("invoice\u{202e}fdp.exe", b"bidi override".to_vec()),
    ];
    // A 50,000 × 50,000 PNG: a few bytes that would decode to 10 GB.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bomb.extend(50_000u32.to_be_bytes());
    bomb.extend(50_000u32.to_be_bytes());
    bomb.extend([8, 2, 0, 0, 0]);
    bomb.extend(crc32fast::hash(&bomb[12..]).to_be_bytes());
    let idat = {
        let mut chunk = b"IDAT\x78\x9c\x63\x00\x00\x00\x01\x00\x01".to_vec();
        let crc = crc32fast::hash(&chunk);
        chunk.extend(crc.to_be_bytes());
        chunk
    };
    bomb.extend(((idat.len() - 8) as u32).to_be_bytes());
    bomb.extend(&idat);
    cases.push(("bomb.png", bomb));
    let mut names = Vec::new();
    for (name, bytes) in cases {
        let file = uploaded(&ana, &wid, name, bytes).await;
        assert!(file["thumbnail_url"].is_null(), "{name}: no preview for {file}");
        let resp = fetch(&ben, file["url"].as_str().unwrap(), &[]).await;
        assert_eq!(resp.status(), StatusCode::OK, "{name}");
        safe_inline(&resp);
        assert!(header(&resp, "content-disposition").starts_with("attachment"), "{name} is a download");
        let resp = fetch(&ben, &format!("{}?inline=1", file["url"].as_str().unwrap()), &[]).await;
        safe_inline(&resp);
        names.push((name, file));
    }
    let judged = |name: &str| names.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    assert_eq!(judged("page.png")["mime_type"], "application/octet-stream");
    assert_eq!(judged("photo.jpg")["mime_type"], "application/octet-stream");
    assert_ne!(judged("logo.svg")["mime_type"], "image/svg+xml");
    assert_ne!(judged("polyglot.gif")["mime_type"], "image/gif", "image magic without an image is bytes");
    assert_eq!(judged("../../../../etc/passwd")["name"], "passwd");
    assert_eq!(judged("..\\..\\windows\\win.ini")["name"], "win.ini");
    // A NUL (or another control character) cannot be in a part's header at all: the request is
    // malformed, and nothing is kept. (Names are cleaned of them anyway: domain::files' tests.)
    let (status, body) = upload(&ana, &wid, "evil\u{0}.png", b"nul in the name".to_vec()).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid");
    assert_eq!(judged("invoice\u{202e}fdp.exe")["name"], "invoicefdp.exe");
    let bomb = judged("bomb.png");
    assert_eq!((bomb["mime_type"].as_str(), bomb["width"].as_i64()), (Some("image/png"), Some(50_000)));

    // One byte over the limit: 413, as is a declared length over it, before it is read.
    let (status, body) = upload(&ana, &wid, "big.bin", vec![7u8; 200_001]).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let (status, _) = upload(&ana, &wid, "just.bin", vec![7u8; 200_000]).await;
    assert_eq!(status, StatusCode::CREATED, "exactly the limit is fine");
    let boundary = "XyZ";
    let path = format!("/api/v1/workspaces/{wid}/files");
    let declared = format!(
        "POST {path} HTTP/1.1\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 900000000\r\n"
    );
    assert_eq!(raw_request(&server.base, &token, &declared, &[b"--XyZ\r\n"]).await, Some(413));
    // Chunked, with no length at all: read until the limit, then 413; small ones are stored.
    let chunked = format!(
        "POST {path} HTTP/1.1\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n"
    );
    let encode = |body: &[u8]| -> Vec<u8> {
        let mut out = Vec::new();
        for piece in body.chunks(16 * 1024) {
            out.extend(format!("{:x}\r\n", piece.len()).as_bytes());
            out.extend(piece);
            out.extend(b"\r\n");
        }
        out.extend(b"0\r\n\r\n");
        out
    };
    let small = encode(&multipart_body(boundary, "chunked.txt", b"sent in chunks"));
    assert_eq!(raw_request(&server.base, &token, &chunked, &[&small]).await, Some(201));
    let big = encode(&multipart_body(boundary, "chunked.bin", &vec![1u8; 300_000]));
    assert_eq!(raw_request(&server.base, &token, &chunked, &[&big]).await, Some(413));
    // Fields before the file count towards the limit together, and only a few may come first.
    let mut padded = Vec::new();
    for i in 0..3 {
        padded.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"pad{i}\"\r\n\r\n").as_bytes(),
        );
        padded.extend(vec![b'x'; 30_000]);
        padded.extend(b"\r\n");
    }
    padded.extend(multipart_body(boundary, "late.txt", b"after padding"));
    assert_eq!(raw_request(&server.base, &token, &chunked, &[&encode(&padded)]).await, Some(400));
    let mut many = Vec::new();
    for i in 0..10 {
        many.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nx\r\n").as_bytes(),
        );
    }
    many.extend(multipart_body(boundary, "late.txt", b"after many fields"));
    assert_eq!(raw_request(&server.base, &token, &chunked, &[&encode(&many)]).await, Some(400));

    // A client that stops mid-upload and hangs up: nothing is kept, the server carries on.
    let half = multipart_body(boundary, "half.bin", &vec![2u8; 150_000]);
    let cut = format!(
        "POST {path} HTTP/1.1\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n",
        half.len()
    );
    {
        let addr = server.base.trim_start_matches("http://").to_string();
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!("{cut}Host: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&half[..70_000]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let spool = server.data_dir.path().join("tmp");
    let mut emptied = false;
    for _ in 0..100 {
        if std::fs::read_dir(&spool).unwrap().next().is_none() {
            emptied = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(emptied, "the half upload was removed from the spool");
    let (status, _) = upload(&ana, &wid, "after.txt", b"still serving".to_vec()).await;
    assert_eq!(status, StatusCode::CREATED);

    // Nothing outside the files folder: the data dir holds the database, files/ and an empty tmp/.
    let root = server.data_dir.path();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let allowed = relative.starts_with("ocomms.db")
                || relative.starts_with("files/")
                    && relative.split('/').next_back().is_some_and(|n| {
                        n.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-' || b.is_ascii_lowercase())
                    });
            assert!(allowed, "unexpected file {relative}");
        }
    }
}
both!(hostile_uploads_are_answered_safely);
