//! `/auth/*`: sign-up, login, logout. A session is answered both as a token (API clients) and
//! as the `ocomms_session` cookie (browsers).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, ClientIp, Json, SESSION_COOKIE, bearer_token, check_login_origin};
use crate::domain::models::User;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::service::auth::{self, LoggedIn, SESSION_TTL_MS, SignUp};
use crate::service::users;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(session))
}

#[derive(Deserialize, ToSchema)]
pub struct SignupBody {
    email: String,
    password: String,
    name: String,
    /// Needed when the server's registration is `invite`; joins its workspace too.
    invite_code: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuthAnswer {
    user: User,
    /// The session token, for `Authorization: Bearer`.
    token: String,
}

fn session_cookie(state: &AppState, value: String, max_age_s: i64) -> CookieJar {
    let cookie = Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::seconds(max_age_s))
        .secure(state.config.secure_cookies());
    CookieJar::new().add(cookie)
}

fn logged_in(state: &AppState, status: StatusCode, answer: LoggedIn) -> Response {
    let jar = session_cookie(state, answer.token.clone(), SESSION_TTL_MS / 1000);
    (status, jar, axum::Json(AuthAnswer { user: answer.user, token: answer.token })).into_response()
}

/// Creates an account and logs it in. The first account of a server is its admin.
#[utoipa::path(post, path = "/auth/signup", tag = "auth", request_body = SignupBody,
    responses((status = 201, body = AuthAnswer), (status = "4XX", body = ErrorBody)))]
async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(body): Json<SignupBody>,
) -> ApiResult<Response> {
    check_login_origin(&headers, &state.public_origin)?;
    let input =
        SignUp { email: body.email, password: body.password, name: body.name, invite_code: body.invite_code };
    let answer = auth::sign_up(&state, input, ip).await?;
    Ok(logged_in(&state, StatusCode::CREATED, answer))
}

/// Logs in; a wrong password and an unknown email get the same 401. After 5 failures in 15
/// minutes for one account or from one client IP, 429 with Retry-After.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = AuthAnswer), (status = "4XX", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(body): Json<LoginBody>,
) -> ApiResult<Response> {
    check_login_origin(&headers, &state.public_origin)?;
    let answer = auth::log_in(&state, &body.email, body.password, ip).await?;
    Ok(logged_in(&state, StatusCode::OK, answer))
}

/// Ends this session everywhere at once and clears the cookie.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn logout(State(state): State<AppState>, user: AuthUser) -> ApiResult<impl IntoResponse> {
    auth::log_out(&state, &user.user_id, &user.session).await?;
    Ok((StatusCode::NO_CONTENT, session_cookie(&state, String::new(), 0)))
}

#[derive(Serialize, ToSchema)]
pub struct SessionAnswer {
    /// The logged-in user, or null.
    user: Option<User>,
    /// How this server is set up, as far as a client needs to know.
    settings: ClientSettings,
}

#[derive(Serialize, ToSchema)]
pub struct ClientSettings {
    /// `@channel`, `@everyone` or `@here` in a channel with more members than this asks first.
    broadcast_warn_members: u32,
    /// Largest file one upload may be, in bytes.
    max_upload_bytes: u64,
    /// Files one message may carry.
    max_attachments: usize,
}

/// Who the caller is, if anyone: 200 with `user: null` when not logged in, so that a page can
/// ask on load without an error (the session cookie is HttpOnly: scripts cannot look for it).
#[utoipa::path(get, path = "/auth/session", tag = "auth", security(()),
    responses((status = 200, body = SessionAnswer), (status = "4XX", body = ErrorBody)))]
async fn session(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<axum::Json<SessionAnswer>> {
    let settings = ClientSettings {
        broadcast_warn_members: state.config.serve.broadcast_warn_members,
        max_upload_bytes: state.config.serve.max_upload_bytes,
        max_attachments: crate::service::files::MAX_ATTACHMENTS,
    };
    let Some(token) = bearer_token(&headers).or_else(|| super::extract::session_cookie(&headers)) else {
        return Ok(axum::Json(SessionAnswer { user: None, settings }));
    };
    let user = match auth::authenticate(&state, &token).await {
        Ok((user_id, _)) => match users::me(&state, &user_id).await {
            Ok(user) => Some(user),
            Err(ApiError::Unauthenticated) => None,
            Err(e) => return Err(e),
        },
        Err(ApiError::Unauthenticated) => None,
        Err(e) => return Err(e),
    };
    Ok(axum::Json(SessionAnswer { user, settings }))
}
