//! Recording persistent channel events in the channel's log, inside the caller's transaction;
//! each is also put in the transaction's outbox, published on the bus once it commits.

use crate::db::{self, Tx};
use crate::domain::event::{Envelope, Event};
use crate::error::ApiResult;

/// Locks the channel's row until commit without taking a seq: what a transaction decides about
/// the channel or its messages after this cannot be undone by a concurrent one (PostgreSQL runs
/// READ COMMITTED; SQLite's writer lock serializes anyway). Every writer of a channel takes this
/// lock (or [`next_seq`], which takes the same) before reading what it decides on.
pub async fn lock_channel(tx: &mut Tx, channel_id: &str) -> ApiResult<()> {
    if db::events::lock_channel(tx.c(), channel_id).await? {
        Ok(())
    } else {
        Err(crate::error::ApiError::NotFound("channel"))
    }
}

/// Takes the channel's next seq; the caller writes its change with it, then calls [`append`].
pub async fn next_seq(tx: &mut Tx, channel_id: &str) -> ApiResult<i64> {
    Ok(db::events::next_seq(tx.c(), channel_id).await?)
}

pub async fn append(tx: &mut Tx, channel_id: &str, seq: i64, event: &Event, now: i64) -> ApiResult<()> {
    let data = event.data().to_string();
    db::events::append(tx.c(), channel_id, seq, event.kind(), &data, now).await?;
    tx.outbox.push(Envelope::Persistent { channel_id: channel_id.to_string(), seq, event: event.clone() });
    Ok(())
}

/// Records an event that needs nothing of its seq: takes the next seq and appends.
pub async fn record(tx: &mut Tx, channel_id: &str, event: &Event, now: i64) -> ApiResult<i64> {
    let seq = next_seq(tx, channel_id).await?;
    append(tx, channel_id, seq, event, now).await?;
    Ok(seq)
}
