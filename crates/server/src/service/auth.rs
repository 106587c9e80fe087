//! Accounts and sessions: sign-up, login, logout, and turning a token into a user.

use std::net::IpAddr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::Registration;
use crate::db::{self, users::UserRow};
use crate::domain::event::Envelope;
use crate::domain::models::User;
use crate::domain::{new_id, now_ms, validate};
use crate::error::{ApiError, ApiResult};
use crate::service::blocking::BlockingPool;
use crate::service::throttle::{Scope, ip_key};
use crate::service::workspaces;
use crate::state::AppState;

/// A session lives this long after its last extension.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// A session used with less than this left is extended back to the full TTL.
const SESSION_EXTEND_BELOW_MS: i64 = SESSION_TTL_MS - 24 * 3600 * 1000;
/// Argon2 hashes at once: each takes 19 MiB and a core for tens of milliseconds.
const MAX_CONCURRENT_HASHES: usize = 4;

/// Argon2id with OWASP's parameters (m=19 MiB, t=2, p=1), run off the async threads and bounded.
#[derive(Clone)]
pub struct Passwords {
    pool: BlockingPool,
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

impl Passwords {
    pub fn new() -> Passwords {
        Passwords { pool: BlockingPool::new(MAX_CONCURRENT_HASHES) }
    }

    fn argon2() -> Argon2<'static> {
        // The parameters are constants that Params::new accepts; DEFAULT is OWASP's too.
        let params = Params::new(19_456, 2, 1, None).unwrap_or(Params::DEFAULT);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    pub async fn hash(&self, password: String) -> ApiResult<String> {
        self.pool
            .run(move || {
                let mut salt = [0u8; 16];
                rand::rng().fill_bytes(&mut salt);
                let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
                Self::argon2()
                    .hash_password(password.as_bytes(), &salt)
                    .map(|h| h.to_string())
                    .map_err(|e| anyhow::anyhow!("hash: {e}"))
            })
            .await?
            .map_err(ApiError::Internal)
    }

    /// Checks `password` against a stored hash; with no hash, spends the same time and says no,
    /// so that unknown emails cannot be told from wrong passwords by timing.
    pub async fn verify(&self, password: String, stored: Option<String>) -> ApiResult<bool> {
        self.pool
            .run(move || {
                let argon2 = Self::argon2();
                match stored.as_deref().map(PasswordHash::new) {
                    Some(Ok(hash)) => argon2.verify_password(password.as_bytes(), &hash).is_ok(),
                    _ => {
                        let mut sink = [0u8; 32];
                        let _ =
                            argon2.hash_password_into(password.as_bytes(), b"no-such-user-salt", &mut sink);
                        false
                    }
                }
            })
            .await
    }
}

/// A new session token (256 random bits, hex) and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub struct SignUp {
    pub email: String,
    pub password: String,
    pub name: String,
    pub invite_code: Option<String>,
}

/// A logged-in answer: the user and the token of the new session.
pub struct LoggedIn {
    pub user: User,
    pub token: String,
}

/// Creates an account; sign-ups are counted per client IP (see [`crate::service::throttle`]).
pub async fn sign_up(state: &AppState, input: SignUp, ip: IpAddr) -> ApiResult<LoggedIn> {
    state.throttle.attempt(Scope::JoinIp, &ip_key(ip)).await?;
    let email = validate::email(&input.email).map_err(|m| ApiError::invalid("email", m))?;
    let name = validate::display_name(&input.name).map_err(|m| ApiError::invalid("name", m))?;
    validate::password(&input.password).map_err(|m| ApiError::invalid("password", m))?;
    let invite_code = input.invite_code.filter(|c| !c.trim().is_empty());

    // Invite-only servers still let the very first account in: someone has to create the invites.
    if state.config.serve.registration == Registration::Invite && invite_code.is_none() {
        let mut rd = state.db.read().await?;
        if db::users::any_exists(rd.c()).await? {
            return Err(ApiError::forbidden("registration needs an invite code"));
        }
    }
    let password_hash = state.passwords.hash(input.password).await?;
    let now = now_ms();
    let mut row = UserRow {
        id: new_id(),
        email,
        mention_key: validate::mention_key(&name),
        name,
        password_hash,
        is_admin: false,
        status_text: String::new(),
        created_at: now,
        status_emoji: String::new(),
        status_expires_at: None,
        dnd_until: None,
        avatar_id: None,
    };
    let (token, hash) = new_token();
    let mut tx = state.db.begin().await?;
    row.is_admin = match db::users::insert(tx.c(), &row, &validate::mention_key(&row.name), true).await {
        Ok(is_admin) => is_admin,
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ApiError::conflict("an account with this email already exists"));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(code) = &invite_code {
        workspaces::redeem_invite(&mut tx, &row.id, code, now).await?;
    }
    db::sessions::insert(tx.c(), &hash, &row.id, now, now + SESSION_TTL_MS).await?;
    state.commit(tx).await?;
    tracing::info!(user_id = %row.id, is_admin = row.is_admin, "account created");
    Ok(LoggedIn { user: row.to_api(&row.id), token })
}

/// Logs in, throttled per account and per client IP (see [`crate::service::throttle`]).
pub async fn log_in(state: &AppState, email: &str, password: String, ip: IpAddr) -> ApiResult<LoggedIn> {
    let email = email.trim().to_lowercase();
    // Counted before the hash, as failures until proven otherwise: parallel guesses cannot all
    // pass a check made while none had failed yet.
    let ip = ip_key(ip);
    state.throttle.attempt(Scope::LoginIp, &ip).await?;
    if let Err(locked) = state.throttle.attempt(Scope::LoginAccount, &email).await {
        state.throttle.refund(Scope::LoginIp, &ip).await;
        return Err(locked);
    }
    let user = {
        let mut rd = state.db.read().await?;
        db::users::by_email(rd.c(), &email).await?
    };
    let ok = state.passwords.verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let Some(user) = user.filter(|_| ok) else {
        tracing::info!(%ip, "login failed");
        return Err(ApiError::Unauthenticated);
    };
    state.throttle.refund(Scope::LoginIp, &ip).await;
    state.throttle.clear(Scope::LoginAccount, &email).await;
    let (token, hash) = new_token();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    db::sessions::insert(tx.c(), &hash, &user.id, now, now + SESSION_TTL_MS).await?;
    state.commit(tx).await?;
    Ok(LoggedIn { user: user.to_api(&user.id), token })
}

pub async fn log_out(state: &AppState, user_id: &str, token_hash: &str) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    db::sessions::delete(tx.c(), token_hash, now_ms()).await?;
    tx.outbox.push(Envelope::SessionRevoked { user_id: user_id.into(), session: token_hash.into() });
    tx.outbox.push(Envelope::SessionsEnded { sessions: vec![token_hash.into()] });
    state.commit(tx).await?;
    state.sessions.forget([&token_hash.to_string()]);
    Ok(())
}

/// The user a session token belongs to; sliding expiry is extended at most once a day.
/// A session seen live within the last seconds is taken from this node's cache (see
/// [`crate::service::session_cache`]).
pub async fn authenticate(state: &AppState, token: &str) -> ApiResult<(String, String)> {
    let hash = token_hash(token);
    let now = now_ms();
    if let Some((user_id, expires_at)) = state.sessions.get(&hash, now)
        && expires_at - now >= SESSION_EXTEND_BELOW_MS
    {
        return Ok((user_id, hash));
    }
    let epoch = state.sessions.epoch();
    let session = {
        let mut rd = state.db.read().await?;
        db::sessions::find(rd.c(), &hash, now).await?
    };
    let session = session.ok_or(ApiError::Unauthenticated)?;
    let mut expires_at = session.expires_at;
    if expires_at - now < SESSION_EXTEND_BELOW_MS {
        expires_at = now + SESSION_TTL_MS;
        let mut tx = state.db.begin().await?;
        db::sessions::extend(tx.c(), &hash, expires_at).await?;
        state.commit(tx).await?;
    }
    state.sessions.fill(epoch, &hash, &session.user_id, expires_at);
    Ok((session.user_id, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_users_fail() {
        let passwords = Passwords::new();
        let hash = passwords.hash("correct horse".into()).await.unwrap_or_default();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(passwords.verify("correct horse".into(), Some(hash.clone())).await.unwrap_or(false));
        assert!(!passwords.verify("wrong horse".into(), Some(hash)).await.unwrap_or(true));
        assert!(!passwords.verify("anything".into(), None).await.unwrap_or(true));
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let (token, hash) = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, hash);
        assert_eq!(token_hash(&token), hash);
        assert_ne!(new_token().0, token);
    }
}
