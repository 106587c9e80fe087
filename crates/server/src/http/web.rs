//! The web client: the files under `web/`, embedded in the binary and served with caching that
//! lets browsers keep them: everything under `/v/<version>/` is immutable (the version is a hash
//! of every file), and `index.html`, served for every client route, is never cached.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
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
}

impl Web {
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
        Web { version: version.into(), index: index.into() }
    }

    /// The page for every client route.
    pub fn index(&self) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        (headers, self.index.to_string()).into_response()
    }
}

pub fn router(web: Web) -> Router {
    Router::new()
        .route("/v/{version}/{*path}", get(asset))
        .route("/manifest.webmanifest", get(manifest))
        .layer(CompressionLayer::new().gzip(true).br(true))
        .with_state(web)
}

async fn asset(State(web): State<Web>, Path((version, path)): Path<(String, String)>) -> Response {
    let Some(file) = Assets::get(&path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let cache = if *version == *web.version {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache" // an old page asking for an old version gets today's file, uncached
    };
    let mime = file.metadata.mimetype().to_string();
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache.to_string())], file.data.into_owned())
        .into_response()
}

async fn manifest(State(web): State<Web>) -> Response {
    let Some(file) = Assets::get("manifest.webmanifest") else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let body = String::from_utf8_lossy(&file.data).replace("/__V__/", &format!("/v/{}/", web.version));
    ([(header::CONTENT_TYPE, "application/manifest+json"), (header::CACHE_CONTROL, "no-cache")], body)
        .into_response()
}
