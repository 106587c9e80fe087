//! Extractors that answer in the API's error envelope: JSON bodies, query strings, and the
//! authenticated caller (Bearer token or session cookie, the latter with an Origin check).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::service::auth;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "ocomms_session";

/// `axum::Json` whose rejections are API errors: 400 naming the field, 413, 415.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_error(rejection)),
        }
    }
}

fn json_error(rejection: JsonRejection) -> ApiError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge("the request body is too large".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::UnsupportedType("send the body as Content-Type: application/json".into())
        }
        _ => {
            let text = rejection.body_text();
            let detail = text.split_once("target type: ").map_or(text.as_str(), |(_, d)| d);
            invalid_from_serde(detail)
        }
    }
}

/// The field a serde error is about: `missing field `x``, or the path before `: `.
fn field_of(detail: &str) -> String {
    if let Some(rest) = detail.split("field `").nth(1)
        && let Some(name) = rest.split('`').next()
    {
        return name.to_string();
    }
    match detail.split_once(": ") {
        Some((path, _)) if !path.contains(' ') && !path.is_empty() && path != "." => path.to_string(),
        _ => "body".to_string(),
    }
}

/// `axum::extract::Query` whose rejections are 400 `invalid`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(query_error(rejection)),
        }
    }
}

fn query_error(rejection: QueryRejection) -> ApiError {
    let text = rejection.body_text();
    let detail = text.split_once("query string: ").map_or(text.as_str(), |(_, d)| d);
    invalid_from_serde(detail)
}

fn invalid_from_serde(detail: &str) -> ApiError {
    let field = field_of(detail);
    let message = detail.strip_prefix(&format!("{field}: ")).unwrap_or(detail);
    ApiError::invalid(field, message.to_string())
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

pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string()).filter(|t| !t.is_empty())
}

pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
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
    fn serde_errors_name_their_field() {
        assert_eq!(field_of("missing field `email` at line 1 column 2"), "email");
        assert_eq!(field_of("name: invalid type: integer `5`, expected a string"), "name");
        assert_eq!(field_of("expected value at line 1 column 1"), "body");
    }
}
