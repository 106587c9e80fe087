//! The web client: the files under `web/`, embedded in the binary and served with caching that
//! lets browsers keep them: everything under `/v/<version>/` is immutable (the version is a hash
//! of every file), and `index.html`, served for every client route, is never cached.

use std::sync::Arc;

use axum::Router;
use std::path::Path;

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use tower_http::compression::CompressionLayer;

#[derive(RustEmbed)]
#[folder = "../../web/"]
#[exclude = "node_modules/*"]
#[exclude = "tests/*"]
#[exclude = "e2e/*"]
#[exclude = "*.json"]
#[include = "*.html"]
#[include = "*.js"]
#[include = "*.css"]
#[include = "*.svg"]
#[include = "*.png"]
#[include = "*.webmanifest"]
#[include = "vendor/*"]
struct Assets;

/// The page's policy: only this server's own scripts, styles and sockets.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

#[derive(Clone)]
pub struct Web {
    /// A hash of every embedded file: a new build with any change gets new asset URLs.
    version: Arc<str>,
    index: Arc<str>,
    /// `--web-dir`: serve the client from this folder, read on every request (development).
    dir: Option<Arc<Path>>,
}

impl Web {
    /// The client from a folder instead of the embedded copy: every request reads the file
    /// anew and nothing is cached, so edits to `web/` show on reload without a rebuild.
    pub fn from_dir(dir: &Path) -> Web {
        Web { version: "dev".into(), index: "".into(), dir: Some(dir.into()) }
    }

    pub fn load() -> Web {
        let mut names: Vec<_> = Assets::iter().collect();
        names.sort();
        let mut hasher = Sha256::new();
        for name in &names {
            if let Some(file) = Assets::get(name) {
                hasher.update(name.as_bytes());
                hasher.update(file.metadata.sha256_hash());
            }
        }
        let version: String = hex::encode(hasher.finalize())[..12].to_string();
        let index = Assets::get("index.html")
            .map(|f| String::from_utf8_lossy(&f.data).replace("/__V__/", &format!("/v/{version}/")))
            .unwrap_or_else(|| "OComms: the web client was not built into this binary".into());
        Web { version: version.into(), index: index.into(), dir: None }
    }

    /// A file of the client: embedded, or from `--web-dir` (never outside it).
    fn file(&self, path: &str) -> Option<(Vec<u8>, String)> {
        match &self.dir {
            Some(dir) => {
                if path.split('/').any(|part| part == ".." || part.is_empty()) {
                    return None;
                }
                let data = std::fs::read(dir.join(path)).ok()?;
                Some((data, mime_guess::from_path(path).first_or_octet_stream().to_string()))
            }
            None => Assets::get(path).map(|f| (f.data.into_owned(), f.metadata.mimetype().to_string())),
        }
    }

    /// The page for every client route.
    pub fn index(&self) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        let index = match &self.dir {
            Some(_) => self
                .file("index.html")
                .map(|(data, _)| String::from_utf8_lossy(&data).replace("/__V__/", "/v/dev/"))
                .unwrap_or_else(|| "OComms: no index.html in --web-dir".into()),
            None => self.index.to_string(),
        };
        (headers, index).into_response()
    }
}

pub fn router(web: Web) -> Router {
    Router::new()
        .route("/v/{version}/{*path}", get(asset))
        .route("/manifest.webmanifest", get(manifest))
        .layer(CompressionLayer::new().gzip(true).br(true))
        .with_state(web)
}

async fn asset(State(web): State<Web>, UrlPath((version, path)): UrlPath<(String, String)>) -> Response {
    let Some((data, mime)) = web.file(&path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let cache = if web.dir.is_none() && *version == *web.version {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache" // an old page asking for an old version gets today's file, uncached
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache.to_string())], data).into_response()
}

async fn manifest(State(web): State<Web>) -> Response {
    let Some((data, _)) = web.file("manifest.webmanifest") else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let body = String::from_utf8_lossy(&data).replace("/__V__/", &format!("/v/{}/", web.version));
    ([(header::CONTENT_TYPE, "application/manifest+json"), (header::CACHE_CONTROL, "no-cache")], body)
        .into_response()
}
