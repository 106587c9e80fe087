//! Extractors that answer in the API's error envelope: JSON bodies, query strings, and the
//! authenticated caller (Bearer token or session cookie, the latter with an Origin check).
//!
//! Input is checked here once, for every handler: a body must be a JSON object, and no string in
//! a body, a path or a query string may hold a NUL character (PostgreSQL cannot store one, and no
//! name, id or message needs one).

use std::net::IpAddr;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::service::auth;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "ocomms_session";

/// A JSON object body, deserialized with the path of a bad field kept for the 400: 413 over the
/// body limit, 415 without a JSON content type.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedType("send the body as Content-Type: application/json".into()));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge("the request body is too large".into())
            } else {
                ApiError::invalid("body", rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Deserializes a JSON object body: the first non-blank byte must open an object, no string may
/// hold an escaped NUL, and a field of the wrong type is named by its path (`user_ids[2]`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    if let Some(field) = nul_in_json(bytes) {
        return Err(ApiError::invalid(field, "must not contain NUL characters"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        invalid_from_serde(&path, &inner.to_string())
    })?;
    de.end().map_err(|e| ApiError::invalid("body", e.to_string()))?;
    Ok(value)
}

/// The path of the first string (or key) holding a NUL, when the body escapes one (`\u0000`
/// after an even number of backslashes: JSON can carry a NUL no other way).
fn nul_in_json(bytes: &[u8]) -> Option<String> {
    let escaped = memchr::memmem::find_iter(bytes, b"\\u0000").any(|at| {
        let backslashes = bytes[..=at].iter().rev().take_while(|b| **b == b'\\').count();
        backslashes % 2 == 1
    });
    if !escaped {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    Some(nul_path(&value, String::new()).unwrap_or_else(|| "body".into()))
}

fn nul_path(value: &serde_json::Value, at: String) -> Option<String> {
    let join = |key: &str| if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => {
            Some(if at.is_empty() { "body".into() } else { at })
        }
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| nul_path(item, format!("{at}[{i}]")))
        }
        serde_json::Value::Object(map) => map.iter().find_map(|(key, item)| {
            if key.contains('\0') { Some(join("key")) } else { nul_path(item, join(key)) }
        }),
        _ => None,
    }
}

/// A query string deserialized like a body: a bad parameter is named.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let path = e.path().to_string();
            invalid_from_serde(&path, &e.into_inner().to_string())
        })
    }
}

/// `axum::extract::Path` whose rejections are 400 `invalid` in the envelope (a path id that is
/// not UTF-8, say), like every other bad input.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(ApiError::invalid("path", rejection.body_text())),
        }
    }
}

/// A 400 naming the field: serde's path when it has one, else the field a `missing field` names.
fn invalid_from_serde(path: &str, message: &str) -> ApiError {
    if path != "." && !path.is_empty() {
        return ApiError::invalid(path, message.to_string());
    }
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
        .filter(|name| !name.is_empty());
    ApiError::invalid(missing.unwrap_or("body"), message.to_string())
}

/// Refuses a request whose path or query string holds a NUL (`%00`) before any handler reads
/// an id from it.
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let uri = request.uri();
    if uri.path().contains("%00") {
        return ApiError::invalid("path", "must not contain NUL characters").into_response();
    }
    if uri.query().is_some_and(|q| q.contains("%00")) {
        return ApiError::invalid("query", "must not contain NUL characters").into_response();
    }
    next.run(request).await
}

/// The client's IP address: the socket's peer, or, when that peer is a trusted proxy, the
/// nearest address in `X-Forwarded-For` that is not one (walking from the right, since a client
/// can write anything on the left).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = super::serve::peer_of(&parts.extensions).map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
        Ok(ClientIp(client_ip(peer, &parts.headers, &state.config.serve.trusted_proxy)))
    }
}

pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer.to_canonical();
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    // Walk from the nearest hop; stop at the first one that is not a trusted proxy. A hop that
    // does not parse ends the walk at the last trusted address: what lies left of it is the
    // client's own writing.
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// An `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:80`, `[::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    hop.parse::<std::net::SocketAddr>().ok().map(|a| a.ip().to_canonical())
}

/// The authenticated caller.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub user_id: String,
    /// Hash of the session token: what logout revokes.
    pub session: String,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(cached) = parts.extensions.get::<AuthUser>() {
            return Ok(cached.clone());
        }
        let token = match bearer_token(&parts.headers) {
            Some(token) => token,
            None => {
                let token = session_cookie(&parts.headers).ok_or(ApiError::Unauthenticated)?;
                check_origin(&parts.method, &parts.headers, &state.public_origin)?;
                token
            }
        };
        let (user_id, session) = auth::authenticate(state, &token).await?;
        let user = AuthUser { user_id, session };
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// `Option<AuthUser>`: None for a caller with no (or a dead) session, for routes that answer
/// anyone but tell members more.
impl axum::extract::OptionalFromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, ApiError> {
        match <AuthUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(ApiError::Unauthenticated) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string()).filter(|t| !t.is_empty())
}

pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    let jar = CookieJar::from_headers(headers);
    jar.get(SESSION_COOKIE).map(|c| c.value().to_string()).filter(|v| !v.is_empty())
}

/// CSRF defence for cookie-authenticated requests that change something: the browser's `Origin`
/// must be the public URL's, or the very host the request was sent to (same-origin).
pub fn check_origin(method: &Method, headers: &HeaderMap, public_origin: &str) -> Result<(), ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let refused = || ApiError::forbidden("cross-site request refused: Origin does not match this server");
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).ok_or_else(refused)?;
    if origin == public_origin {
        return Ok(());
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    match (origin_host, host) {
        (Some(o), Some(h)) if o.eq_ignore_ascii_case(h) => Ok(()),
        _ => Err(refused()),
    }
}

/// Login CSRF defence for the sign-up and login forms: a browser's request (it always sends
/// `Origin` on a cross-site POST) must come from this server's pages; API clients send none.
pub fn check_login_origin(headers: &HeaderMap, public_origin: &str) -> Result<(), ApiError> {
    if headers.contains_key(header::ORIGIN) {
        check_origin(&Method::POST, headers, public_origin)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn reads_bearer_and_cookie() {
        let h = headers(&[(header::AUTHORIZATION, "Bearer abc")]);
        assert_eq!(bearer_token(&h).as_deref(), Some("abc"));
        let h = headers(&[(header::COOKIE, "a=1; ocomms_session=tok; b=2")]);
        assert_eq!(session_cookie(&h).as_deref(), Some("tok"));
        assert_eq!(session_cookie(&headers(&[(header::COOKIE, "a=1")])), None);
    }

    #[test]
    fn origin_check_refuses_cross_site_writes() {
        let public = "https://chat.example.com";
        let ok = headers(&[(header::ORIGIN, "https://chat.example.com")]);
        assert!(check_origin(&Method::POST, &ok, public).is_ok());
        let evil = headers(&[(header::ORIGIN, "https://evil.example"), (header::HOST, "chat.example.com")]);
        assert!(check_origin(&Method::POST, &evil, public).is_err());
        assert!(check_origin(&Method::GET, &evil, public).is_ok());
        assert!(check_origin(&Method::DELETE, &HeaderMap::new(), public).is_err());
        let same_host =
            headers(&[(header::ORIGIN, "http://localhost:3000"), (header::HOST, "localhost:3000")]);
        assert!(check_origin(&Method::PATCH, &same_host, public).is_ok());
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy: ipnet::IpNet = "10.0.0.0/8".parse().unwrap_or_else(|e| panic!("{e}"));
        let h =
            headers(&[(header::HeaderName::from_static("x-forwarded-for"), "6.6.6.6, 1.2.3.4, 10.0.0.7")]);
        let from_proxy = IpAddr::from([10, 0, 0, 2]);
        assert_eq!(client_ip(from_proxy, &h, &[proxy]), IpAddr::from([1, 2, 3, 4]), "nearest untrusted hop");
        let direct = IpAddr::from([8, 8, 8, 8]);
        assert_eq!(client_ip(direct, &h, &[proxy]), direct, "anyone else's header is ignored");
        assert_eq!(client_ip(from_proxy, &h, &[]), from_proxy, "no trusted proxies: the socket");
        let garbled =
            headers(&[(header::HeaderName::from_static("x-forwarded-for"), "6.6.6.6, unknown, 10.0.0.7")]);
        assert_eq!(
            client_ip(from_proxy, &garbled, &[proxy]),
            IpAddr::from([10, 0, 0, 7]),
            "no walking past junk"
        );
        let ported = headers(&[(header::HeaderName::from_static("x-forwarded-for"), "1.2.3.4:5678")]);
        assert_eq!(client_ip(from_proxy, &ported, &[proxy]), IpAddr::from([1, 2, 3, 4]));
        let mapped: IpAddr = "::ffff:10.0.0.2".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(
            client_ip(mapped, &h, &[proxy]),
            IpAddr::from([1, 2, 3, 4]),
            "an IPv4 peer on a [::] listener"
        );
    }

    #[derive(serde::Deserialize, Debug)]
    struct Body {
        #[allow(dead_code)]
        name: String,
        #[allow(dead_code)]
        ids: Option<Vec<String>>,
    }

    fn field(result: Result<Body, ApiError>) -> String {
        match result {
            Err(ApiError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn json_bodies_are_objects_without_nul_and_errors_name_their_field() {
        assert!(parse_json::<Body>(br#" {"name": "a", "ids": ["x"]}"#).is_ok());
        assert_eq!(field(parse_json(br#"["name"]"#)), "body", "an array is not an object");
        assert_eq!(field(parse_json(br#"{"ids": []}"#)), "name");
        assert_eq!(field(parse_json(br#"{"name": 5}"#)), "name");
        assert_eq!(field(parse_json(br#"{"name": "a", "ids": ["x", 3]}"#)), "ids[1]");
        assert_eq!(field(parse_json(br#"{"name": "a\u0000b"}"#)), "name");
        assert_eq!(field(parse_json(br#"{"name": "a", "ids": ["x", "\u0000"]}"#)), "ids[1]");
        assert_eq!(field(parse_json(br#"{"name": "a"} x"#)), "body", "trailing bytes");
        let text = parse_json::<Body>(br#"{"name": "a\\u0000b"}"#);
        assert!(text.is_ok(), "an escaped backslash before u0000 is text, not NUL");
    }
}
