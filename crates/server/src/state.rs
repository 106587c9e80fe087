//! The state every request handler gets: shared handles, no globals.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::domain::markdown::Markdown;
use crate::service::auth::Passwords;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub markdown: Arc<Markdown>,
    pub passwords: Passwords,
    /// The Origin that cookie-authenticated browser requests must carry (CSRF defence).
    pub public_origin: Arc<str>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            public_origin: config.public_origin().into(),
            config: Arc::new(config),
            markdown: Arc::new(Markdown::new()),
            passwords: Passwords::new(),
        }
    }
}
