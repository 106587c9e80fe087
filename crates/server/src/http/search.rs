//! `GET /workspaces/{wid}/search`.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{AuthUser, Path, Query};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::service::search::{self, Request, Results};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_workspace))
}

#[derive(Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Words (prefix-matched), "quoted phrases", -excluded, and operators: from:@handle, in:#channel,
    /// has:file, has:link, before:/after:/on:YYYY-MM-DD, is:thread, is:pinned.
    q: Option<String>,
    channel_id: Option<String>,
    author_id: Option<String>,
    /// A day (YYYY-MM-DD) or an RFC 3339 time.
    before: Option<String>,
    after: Option<String>,
    /// `true` or `1`: only messages with files.
    has_file: Option<String>,
    /// `relevance` (the default) or `date` (newest first).
    sort: Option<String>,
    /// 1 to 50; 20 by default.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Messages (and, on the first page, notes and shared files) the caller may read that match.
#[utoipa::path(get, path = "/workspaces/{wid}/search", tag = "search", params(("wid" = String, Path), SearchQuery),
    responses((status = 200, body = Results), (status = "4XX", body = ErrorBody)))]
async fn search_workspace(
    State(state): State<AppState>,
    user: AuthUser,
    Path(wid): Path<String>,
    Query(q): Query<SearchQuery>,
) -> ApiResult<axum::Json<Results>> {
    let by_date = match q.sort.as_deref() {
        None | Some("") | Some("relevance") => false,
        Some("date") => true,
        Some(_) => return Err(ApiError::invalid("sort", "must be relevance or date")),
    };
    let has_file = match q.has_file.as_deref() {
        None | Some("") | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => return Err(ApiError::invalid("has_file", "must be true or false")),
    };
    let request = Request {
        q: q.q.unwrap_or_default(),
        channel_id: q.channel_id.filter(|c| !c.is_empty()),
        author_id: q.author_id.filter(|a| !a.is_empty()),
        before: q
            .before
            .as_deref()
            .filter(|b| !b.is_empty())
            .map(|b| search::parse_time("before", b))
            .transpose()?,
        after: q
            .after
            .as_deref()
            .filter(|a| !a.is_empty())
            .map(|a| search::parse_time("after", a))
            .transpose()?,
        has_file,
        by_date,
        limit: q.limit,
        cursor: q.cursor,
    };
    Ok(axum::Json(search::search(&state, &user.user_id, &wid, request).await?))
}
