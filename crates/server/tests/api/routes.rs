//! Every endpoint of the API once, with a concrete request and the status each kind of caller
//! gets. The authorization, bad-input and OpenAPI tests all walk this one table, so a new route
//! that is not added here fails the OpenAPI test.

/// The callers, in the order of `Route::expect`.
pub const PERSONAS: [&str; 5] = ["anonymous", "stranger", "outsider", "member", "admin"];

pub struct Route {
    /// Method and path as the OpenAPI document names them.
    pub route: &'static str,
    /// The concrete path; placeholders are filled by the fixture (`fresh_*` anew for each call).
    pub path: &'static str,
    /// The JSON body, if the route takes one; `{fresh_email}` is filled anew.
    pub body: Option<&'static str>,
    /// Status for anonymous, stranger (another workspace), outsider (in the workspace, not the
    /// private channel), member (of the channel, author of `{mid}`), admin (workspace admin in it).
    pub expect: [u16; 5],
}

const fn r(route: &'static str, path: &'static str, body: Option<&'static str>, expect: [u16; 5]) -> Route {
    Route { route, path, body, expect }
}

/// Ordered so that the calls that change who belongs where come last.
pub const ROUTES: &[Route] = &[
    r("GET /healthz", "/healthz", None, [200, 200, 200, 200, 200]),
    r("GET /readyz", "/readyz", None, [200, 200, 200, 200, 200]),
    r("GET /api/v1/openapi.json", "/api/v1/openapi.json", None, [200, 200, 200, 200, 200]),
    r(
        "POST /api/v1/auth/signup",
        "/api/v1/auth/signup",
        Some(r#"{"email": "{fresh_email}", "password": "correct horse battery", "name": "New"}"#),
        [201, 201, 201, 201, 201],
    ),
    r(
        "POST /api/v1/auth/login",
        "/api/v1/auth/login",
        Some(r#"{"email": "owner@example.com", "password": "correct horse battery"}"#),
        [200, 200, 200, 200, 200],
    ),
    r("GET /api/v1/auth/session", "/api/v1/auth/session", None, [200, 200, 200, 200, 200]),
    r("GET /api/v1/me", "/api/v1/me", None, [401, 200, 200, 200, 200]),
    r("PATCH /api/v1/me", "/api/v1/me", Some(r#"{"status_text": "here"}"#), [401, 200, 200, 200, 200]),
    r("GET /api/v1/users/{id}", "/api/v1/users/{owner}", None, [401, 404, 200, 200, 200]),
    // Without a multipart body a signed-in caller hears 415, once allowed to upload at all.
    r(
        "POST /api/v1/workspaces/{wid}/files",
        "/api/v1/workspaces/{wid}/files",
        None,
        [401, 404, 415, 415, 415],
    ),
    r("GET /api/v1/files/{fid}", "/api/v1/files/{fid}", None, [401, 404, 404, 200, 200]),
    r("GET /api/v1/files/{fid}/thumbnail", "/api/v1/files/{fid}/thumbnail", None, [401, 404, 404, 200, 200]),
    // The member's file is shared already: its uploader hears 409, anyone else who sees it 403.
    r("DELETE /api/v1/files/{fid}", "/api/v1/files/{fid}", None, [401, 404, 404, 409, 403]),
    r("PUT /api/v1/me/avatar", "/api/v1/me/avatar", None, [401, 415, 415, 415, 415]),
    r("GET /api/v1/avatars/{aid}", "/api/v1/avatars/{aid}", None, [401, 404, 200, 200, 200]),
    r("GET /api/v1/channels/{cid}/note", "/api/v1/channels/{cid}/note", None, [401, 404, 404, 200, 200]),
    // A fresh private channel per call (member and admin in it): each first save is version 1.
    r(
        "PUT /api/v1/channels/{cid}/note",
        "/api/v1/channels/{fresh_private}/note",
        Some(r#"{"content": "The plan", "expected_version": 0}"#),
        [401, 404, 404, 200, 200],
    ),
    r(
        "GET /api/v1/channels/{cid}/note/versions",
        "/api/v1/channels/{cid}/note/versions",
        None,
        [401, 404, 404, 200, 200],
    ),
    r(
        "GET /api/v1/channels/{cid}/note/versions/{n}",
        "/api/v1/channels/{cid}/note/versions/1",
        None,
        [401, 404, 404, 200, 200],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/notes/me",
        "/api/v1/workspaces/{wid}/notes/me",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "PUT /api/v1/workspaces/{wid}/notes/me",
        "/api/v1/workspaces/{wid}/notes/me",
        Some(r#"{"content": "mine", "expected_version": 0}"#),
        [401, 404, 200, 200, 200],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/notes/me/versions",
        "/api/v1/workspaces/{wid}/notes/me/versions",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/notes/me/versions/{n}",
        "/api/v1/workspaces/{wid}/notes/me/versions/1",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/search",
        "/api/v1/workspaces/{wid}/search?q=message",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "POST /api/v1/workspaces",
        "/api/v1/workspaces",
        Some(r#"{"name": "Another"}"#),
        [401, 201, 201, 201, 201],
    ),
    r("GET /api/v1/workspaces", "/api/v1/workspaces", None, [401, 200, 200, 200, 200]),
    r("GET /api/v1/workspaces/{wid}", "/api/v1/workspaces/{wid}", None, [401, 404, 200, 200, 200]),
    r(
        "GET /api/v1/workspaces/{wid}/members",
        "/api/v1/workspaces/{wid}/members",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/presence",
        "/api/v1/workspaces/{wid}/presence",
        None,
        [401, 404, 200, 200, 200],
    ),
    // A plain GET is no WebSocket handshake: authenticated callers get 400 (401 comes first).
    r("GET /api/v1/ws", "/api/v1/ws", None, [401, 400, 400, 400, 400]),
    r(
        "PATCH /api/v1/workspaces/{wid}/members/{uid}",
        "/api/v1/workspaces/{wid}/members/{target}",
        Some(r#"{"role": "member"}"#),
        [401, 404, 403, 403, 200],
    ),
    r(
        "DELETE /api/v1/workspaces/{wid}/members/{uid}",
        "/api/v1/workspaces/{wid}/members/{fresh_target}",
        None,
        [401, 404, 403, 403, 204],
    ),
    r(
        "POST /api/v1/workspaces/{wid}/invites",
        "/api/v1/workspaces/{wid}/invites",
        Some("{}"),
        [401, 404, 201, 201, 201],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/groups",
        "/api/v1/workspaces/{wid}/groups",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "POST /api/v1/workspaces/{wid}/groups",
        "/api/v1/workspaces/{wid}/groups",
        Some(r#"{"handle": "{fresh_name}", "name": "Team", "user_ids": ["{owner}"]}"#),
        [401, 404, 403, 403, 201],
    ),
    r(
        "PATCH /api/v1/groups/{gid}",
        "/api/v1/groups/{fresh_group}",
        Some(r#"{"name": "Renamed"}"#),
        [401, 404, 403, 403, 200],
    ),
    r("DELETE /api/v1/groups/{gid}", "/api/v1/groups/{fresh_group}", None, [401, 404, 403, 403, 204]),
    r(
        "GET /api/v1/workspaces/{wid}/channels",
        "/api/v1/workspaces/{wid}/channels",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "POST /api/v1/workspaces/{wid}/channels",
        "/api/v1/workspaces/{wid}/channels",
        Some(r#"{"name": "{fresh_name}", "kind": "private"}"#),
        [401, 404, 201, 201, 201],
    ),
    r(
        "POST /api/v1/workspaces/{wid}/dms",
        "/api/v1/workspaces/{wid}/dms",
        Some(r#"{"user_ids": ["{owner}"]}"#),
        [401, 404, 201, 201, 201],
    ),
    r("GET /api/v1/channels/{cid}", "/api/v1/channels/{cid}", None, [401, 404, 404, 200, 200]),
    r(
        "PATCH /api/v1/channels/{cid}",
        "/api/v1/channels/{cid}",
        Some(r#"{"topic": "Plans"}"#),
        [401, 404, 404, 200, 200],
    ),
    r("POST /api/v1/channels/{cid}/join", "/api/v1/channels/{public}/join", None, [401, 404, 200, 200, 200]),
    r(
        "POST /api/v1/channels/{cid}/leave",
        "/api/v1/channels/{fresh_private}/leave",
        None,
        [401, 404, 404, 204, 204],
    ),
    r(
        "GET /api/v1/channels/{cid}/members",
        "/api/v1/channels/{cid}/members",
        None,
        [401, 404, 404, 200, 200],
    ),
    r(
        "POST /api/v1/channels/{cid}/members",
        "/api/v1/channels/{cid}/members",
        Some(r#"{"user_id": "{fresh_target}"}"#),
        [401, 404, 404, 201, 201],
    ),
    r(
        "DELETE /api/v1/channels/{cid}/members/{uid}",
        "/api/v1/channels/{cid}/members/{fresh_member}",
        None,
        [401, 404, 404, 403, 204],
    ),
    r(
        "GET /api/v1/channels/{cid}/notifications",
        "/api/v1/channels/{cid}/notifications",
        None,
        [401, 404, 404, 200, 200],
    ),
    r(
        "PUT /api/v1/channels/{cid}/notifications",
        "/api/v1/channels/{cid}/notifications",
        Some(r#"{"level": "mentions", "muted": true}"#),
        [401, 404, 404, 200, 200],
    ),
    r(
        "POST /api/v1/channels/{cid}/read",
        "/api/v1/channels/{cid}/read",
        Some(r#"{"seq": 1}"#),
        [401, 404, 404, 204, 204],
    ),
    r(
        "GET /api/v1/channels/{cid}/events",
        "/api/v1/channels/{cid}/events?after=0",
        None,
        [401, 404, 404, 200, 200],
    ),
    r(
        "POST /api/v1/channels/{cid}/messages",
        "/api/v1/channels/{cid}/messages",
        Some(r#"{"content": "hello"}"#),
        [401, 404, 404, 201, 201],
    ),
    r(
        "GET /api/v1/channels/{cid}/messages",
        "/api/v1/channels/{cid}/messages",
        None,
        [401, 404, 404, 200, 200],
    ),
    r("GET /api/v1/messages/{mid}", "/api/v1/messages/{mid}", None, [401, 404, 404, 200, 200]),
    r(
        "PATCH /api/v1/messages/{mid}",
        "/api/v1/messages/{mid}",
        Some(r#"{"content": "edited"}"#),
        [401, 404, 404, 200, 403],
    ),
    r("DELETE /api/v1/messages/{mid}", "/api/v1/messages/{fresh_mid}", None, [401, 404, 404, 403, 204]),
    r(
        "PUT /api/v1/messages/{mid}/reactions/{emoji}",
        "/api/v1/messages/{mid}/reactions/%F0%9F%91%8D",
        None,
        [401, 404, 404, 204, 204],
    ),
    r(
        "DELETE /api/v1/messages/{mid}/reactions/{emoji}",
        "/api/v1/messages/{mid}/reactions/%F0%9F%91%8D",
        None,
        [401, 404, 404, 204, 204],
    ),
    r("PUT /api/v1/messages/{mid}/pin", "/api/v1/messages/{mid}/pin", None, [401, 404, 404, 204, 204]),
    r("DELETE /api/v1/messages/{mid}/pin", "/api/v1/messages/{mid}/pin", None, [401, 404, 404, 204, 204]),
    r("GET /api/v1/channels/{cid}/pins", "/api/v1/channels/{cid}/pins", None, [401, 404, 404, 200, 200]),
    r("PUT /api/v1/messages/{mid}/save", "/api/v1/messages/{mid}/save", None, [401, 404, 404, 204, 204]),
    r("DELETE /api/v1/messages/{mid}/save", "/api/v1/messages/{mid}/save", None, [401, 404, 404, 204, 204]),
    r("GET /api/v1/me/saved", "/api/v1/me/saved", None, [401, 200, 200, 200, 200]),
    r("PUT /api/v1/messages/{mid}/follow", "/api/v1/messages/{mid}/follow", None, [401, 404, 404, 204, 204]),
    r(
        "DELETE /api/v1/messages/{mid}/follow",
        "/api/v1/messages/{mid}/follow",
        None,
        [401, 404, 404, 204, 204],
    ),
    r(
        "POST /api/v1/messages/{mid}/read",
        "/api/v1/messages/{mid}/read",
        Some(r#"{"seq": 1}"#),
        [401, 404, 404, 204, 204],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/threads",
        "/api/v1/workspaces/{wid}/threads",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/mentions",
        "/api/v1/workspaces/{wid}/mentions",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "GET /api/v1/workspaces/{wid}/notifications",
        "/api/v1/workspaces/{wid}/notifications",
        None,
        [401, 404, 200, 200, 200],
    ),
    r(
        "PUT /api/v1/workspaces/{wid}/notifications",
        "/api/v1/workspaces/{wid}/notifications",
        Some(r#"{"level": "all"}"#),
        [401, 404, 200, 200, 200],
    ),
    r(
        "GET /api/v1/messages/{mid}/replies",
        "/api/v1/messages/{mid}/replies",
        None,
        [401, 404, 404, 200, 200],
    ),
    r(
        "GET /api/v1/messages/{mid}/history",
        "/api/v1/messages/{mid}/history",
        None,
        [401, 404, 404, 200, 200],
    ),
    r("GET /api/v1/invites/{code}", "/api/v1/invites/{fresh_code}", None, [200, 200, 200, 200, 200]),
    r(
        "POST /api/v1/invites/{code}/accept",
        "/api/v1/invites/{fresh_code}/accept",
        None,
        [401, 200, 200, 200, 200],
    ),
    // Late: it takes the member's avatar away.
    r("DELETE /api/v1/me/avatar", "/api/v1/me/avatar", None, [401, 200, 200, 200, 200]),
    r("POST /api/v1/auth/logout", "/api/v1/auth/logout", None, [401, 204, 204, 204, 204]),
];
