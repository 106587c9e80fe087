//! The state every request handler gets: shared handles, no globals.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::domain::markdown::Markdown;
use crate::service::auth::Passwords;
use crate::service::send_queue::SendQueue;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub markdown: Arc<Markdown>,
    pub passwords: Passwords,
    /// Where message sends are written, batched into shared transactions.
    pub send_queue: SendQueue,
    /// The Origin that cookie-authenticated browser requests must carry (CSRF defence).
    pub public_origin: Arc<str>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            send_queue: SendQueue::start(db.clone()),
            db,
            public_origin: config.public_origin().into(),
            config: Arc::new(config),
            markdown: Arc::new(Markdown::new()),
            passwords: Passwords::new(),
        }
    }
}
