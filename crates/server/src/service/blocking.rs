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

    /// Runs `work` on a blocking thread once a place is free.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
        let _permit = self.permits.acquire().await.map_err(|e| ApiError::Internal(e.into()))?;
        tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::Internal(e.into()))
    }
}
