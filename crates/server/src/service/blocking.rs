//! CPU-heavy work (password hashing, Markdown rendering) off the async threads, on tokio's
//! blocking pool, with a bound on how many run at once so a flood queues instead of taking
//! every thread.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct BlockingPool {
    permits: Arc<Semaphore>,
}

impl BlockingPool {
    pub fn new(at_once: usize) -> BlockingPool {
        BlockingPool { permits: Arc::new(Semaphore::new(at_once.max(1))) }
    }

    /// Runs `work` on a blocking thread once a place is free. The place is held by the work
    /// itself, so a caller that gives up (a client that hangs up) does not free it early.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
        let permit =
            Arc::clone(&self.permits).acquire_owned().await.map_err(|e| ApiError::Internal(e.into()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))
    }
}
