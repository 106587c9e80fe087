//! Users: accounts and profiles.

use super::Conn;
use crate::domain::models::User;
use crate::domain::rfc3339;
use crate::on;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub status_text: String,
    pub created_at: i64,
    /// The key `@mentions` find the user by: the name lower-cased, without spaces.
    pub mention_key: String,
    pub status_emoji: String,
    pub status_expires_at: Option<i64>,
    pub dnd_until: Option<i64>,
    /// The current avatar's id (its stored images are named by it), if any.
    pub avatar_id: Option<String>,
}

impl UserRow {
    /// The user as `viewer_id` sees them: the email and admin flag only for themselves.
    /// An expired status reads as none; a past do-not-disturb as off.
    pub fn to_api(&self, viewer_id: &str) -> User {
        let is_self = self.id == viewer_id;
        let now = crate::domain::now_ms();
        let status_live = self.status_expires_at.is_none_or(|at| at > now);
        User {
            id: self.id.clone(),
            email: is_self.then(|| self.email.clone()),
            name: self.name.clone(),
            handle: self.mention_key.clone(),
            avatar_url: self.avatar_id.as_deref().map(avatar_url),
            status_text: if status_live { self.status_text.clone() } else { String::new() },
            status_emoji: if status_live { self.status_emoji.clone() } else { String::new() },
            status_expires_at: self.status_expires_at.filter(|_| status_live).map(rfc3339),
            dnd_until: self.dnd_until.filter(|at| *at > now).map(rfc3339),
            is_admin: is_self.then_some(self.is_admin),
            created_at: rfc3339(self.created_at),
        }
    }
}

/// Where an avatar is served: its large size, `?size=128` for the small one.
pub fn avatar_url(avatar_id: &str) -> String {
    format!("/api/v1/avatars/{avatar_id}")
}

macro_rules! user_columns {
    () => {
        "id, email, name, password_hash, is_admin, status_text, created_at, mention_key, status_emoji, status_expires_at, dnd_until, avatar_id"
    };
}

/// Inserts a user; the first user of the server becomes its admin when `admin_if_first`.
/// Fails with a unique violation when the email is taken.
pub async fn insert(
    c: Conn<'_>,
    user: &UserRow,
    mention_key: &str,
    admin_if_first: bool,
) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query_scalar(
            "INSERT INTO users (id, email, name, mention_key, password_hash, is_admin, status_text, created_at)
             SELECT $1, $2, $3, $4, $5, $6 OR ($7 AND NOT EXISTS (SELECT 1 FROM users)), $8, $9
             RETURNING is_admin",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.name)
        .bind(mention_key)
        .bind(&user.password_hash)
        .bind(user.is_admin)
        .bind(admin_if_first)
        .bind(&user.status_text)
        .bind(user.created_at)
        .fetch_one(e)
        .await
    })
}

pub async fn by_id(c: Conn<'_>, id: &str) -> sqlx::Result<Option<UserRow>> {
    on!(c, |e| {
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(e)
            .await
    })
}

pub async fn by_email(c: Conn<'_>, email: &str) -> sqlx::Result<Option<UserRow>> {
    on!(c, |e| {
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE email = $1"))
            .bind(email)
            .fetch_optional(e)
            .await
    })
}

pub async fn any_exists(c: Conn<'_>) -> sqlx::Result<bool> {
    on!(c, |e| { sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)").fetch_one(e).await })
}

/// Writes the profile fields of `user` (name, mention key, status, do-not-disturb).
pub async fn update_profile(c: Conn<'_>, user: &UserRow) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query(
            "UPDATE users SET name = $2, mention_key = $3, status_text = $4, status_emoji = $5,
                              status_expires_at = $6, dnd_until = $7 WHERE id = $1",
        )
        .bind(&user.id)
        .bind(&user.name)
        .bind(&user.mention_key)
        .bind(&user.status_text)
        .bind(&user.status_emoji)
        .bind(user.status_expires_at)
        .bind(user.dnd_until)
        .execute(e)
        .await
        .map(drop)
    })
}

pub async fn set_password(c: Conn<'_>, id: &str, password_hash: &str) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(password_hash)
            .execute(e)
            .await
            .map(drop)
    })
}

/// True when the two users are in at least one workspace together.
pub async fn share_a_workspace(c: Conn<'_>, a: &str, b: &str) -> sqlx::Result<bool> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM workspace_members x
                JOIN workspace_members y ON y.workspace_id = x.workspace_id
                WHERE x.user_id = $1 AND y.user_id = $2)",
        )
        .bind(a)
        .bind(b)
        .fetch_one(e)
        .await
    })
}

/// Members of `workspace_id` whose mention key is `key`.
pub async fn ids_by_mention_key(c: Conn<'_>, workspace_id: &str, key: &str) -> sqlx::Result<Vec<String>> {
    on!(c, |e| {
        sqlx::query_scalar(
            "SELECT u.id FROM users u
             JOIN workspace_members wm ON wm.user_id = u.id AND wm.workspace_id = $1
             WHERE u.mention_key = $2",
        )
        .bind(workspace_id)
        .bind(key)
        .fetch_all(e)
        .await
    })
}

/// Sets (or clears) a user's avatar.
pub async fn set_avatar(c: Conn<'_>, user_id: &str, avatar_id: Option<&str>) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE users SET avatar_id = $2 WHERE id = $1")
            .bind(user_id)
            .bind(avatar_id)
            .execute(e)
            .await
            .map(drop)
    })
}

/// Whose current avatar `avatar_id` is.
pub async fn by_avatar(c: Conn<'_>, avatar_id: &str) -> sqlx::Result<Option<String>> {
    on!(c, |e| {
        sqlx::query_scalar("SELECT id FROM users WHERE avatar_id = $1")
            .bind(avatar_id)
            .fetch_optional(e)
            .await
    })
}

/// Locks a user's row for the rest of the transaction (PostgreSQL; SQLite's writer is one at a
/// time anyway): decisions about their quota and avatar are made under it.
pub async fn lock(c: Conn<'_>, user_id: &str) -> sqlx::Result<()> {
    on!(c, |e| {
        sqlx::query("UPDATE users SET id = id WHERE id = $1").bind(user_id).execute(e).await.map(drop)
    })
}
