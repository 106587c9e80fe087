//! Coalesces concurrent message sends into shared transactions (group commit).
//!
//! A send is validated, rendered and authorized outside any transaction, then queued here. A
//! writer task takes whatever is queued (up to [`MAX_BATCH`]) and writes it in one transaction:
//! per channel its row lock, then who may still post, then the next seqs; per message the row,
//! its mentions, its `message.created` event, and for a thread reply its root's
//! `thread.updated` event with the new reply count, and its attachments. One commit then
//! acknowledges the whole batch.
//! SQLite has one writer anyway, so it gets one task; PostgreSQL gets [`POSTGRES_SHARDS`], each
//! owning the channels whose id hashes to it, so one channel's sends stay in order on a node.
//! If a batch fails as a whole (a duplicate idempotency key, a database error), its sends are
//! retried one by one, so one bad send never takes others down with it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::bus::Bus;
use crate::db::{self, Db, Tx, files::FileRow, messages::MessageRow};
use crate::domain::event::{Envelope, Event};
use crate::domain::models::Message;
use crate::domain::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::metrics::Metrics;
use crate::service::messages::{MAX_PARTICIPANTS, to_api};

/// Sends written in one transaction at most.
pub const MAX_BATCH: usize = 64;
/// Sends waiting per writer before senders wait for room.
pub const QUEUE_CAPACITY: usize = 1024;
/// Concurrent writers on PostgreSQL (each uses one pooled connection while writing).
pub const POSTGRES_SHARDS: usize = 4;

/// A message ready to be written: everything but its seq.
pub struct Draft {
    pub row: MessageRow,
    pub idempotency_key: Option<String>,
    pub mentions: Vec<String>,
    /// Files to attach, in order, checked as attachable when the send was accepted.
    pub attachments: Vec<FileRow>,
}

/// Why a queued send was not written.
#[derive(Debug)]
pub enum SendError {
    Api(ApiError),
    /// The author already used this idempotency key: the caller answers with the original.
    DuplicateKey,
}

impl From<ApiError> for SendError {
    fn from(e: ApiError) -> Self {
        SendError::Api(e)
    }
}

struct Job {
    draft: Draft,
    reply: oneshot::Sender<Result<Message, SendError>>,
}

#[derive(Clone)]
pub struct SendQueue {
    shards: Vec<mpsc::Sender<Job>>,
    /// Cancelled at shutdown, once no request can queue any more: writers write what is queued
    /// and stop.
    stop: CancellationToken,
}

impl SendQueue {
    /// Starts the writer tasks on `tasks`; they end after [`SendQueue::stop`].
    pub fn start(db: Db, bus: Arc<Bus>, metrics: Arc<Metrics>, tasks: &TaskTracker) -> SendQueue {
        let count = match db {
            Db::Sqlite { .. } => 1,
            Db::Postgres(_) => POSTGRES_SHARDS,
        };
        let stop = CancellationToken::new();
        let shards = (0..count)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
                let writer = Writer { db: db.clone(), bus: Arc::clone(&bus), metrics: Arc::clone(&metrics) };
                tasks.spawn(writer.run(rx, stop.clone()));
                tx
            })
            .collect();
        SendQueue { shards, stop }
    }

    /// Refuses new sends; the writers write what is already queued, then end.
    pub fn stop(&self) {
        self.stop.cancel();
    }

    /// Queues a message and waits until it is committed (or refused).
    pub async fn send(&self, draft: Draft) -> Result<Message, SendError> {
        let mut hasher = DefaultHasher::new();
        draft.row.channel_id.hash(&mut hasher);
        let shard = &self.shards[hasher.finish() as usize % self.shards.len()];
        let (reply, answer) = oneshot::channel();
        let stopped = || SendError::Api(ApiError::Unavailable("the server is shutting down".into()));
        shard.send(Job { draft, reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// One writer task: its database, where committed sends are published, and its counters.
struct Writer {
    db: Db,
    bus: Arc<Bus>,
    metrics: Arc<Metrics>,
}

impl Writer {
    async fn run(self, mut queue: mpsc::Receiver<Job>, stop: CancellationToken) {
        let mut jobs = Vec::with_capacity(MAX_BATCH);
        loop {
            let taken = tokio::select! {
                taken = queue.recv_many(&mut jobs, MAX_BATCH) => taken,
                _ = stop.cancelled() => {
                    // Senders now fail (503); what is queued is still received below.
                    queue.close();
                    queue.recv_many(&mut jobs, MAX_BATCH).await
                }
            };
            if taken == 0 {
                return;
            }
            let drafts: Vec<&Draft> = jobs.iter().map(|j| &j.draft).collect();
            match self.write_batch(&drafts).await {
                Ok(outcomes) => {
                    for (job, outcome) in jobs.drain(..).zip(outcomes) {
                        let _ = job.reply.send(outcome.map_err(SendError::Api));
                    }
                }
                Err(e) if jobs.len() == 1 => {
                    if let Some(job) = jobs.pop() {
                        let _ = job.reply.send(Err(e));
                    }
                }
                Err(_) => {
                    for job in jobs.drain(..) {
                        let outcome = match self.write_batch(&[&job.draft]).await {
                            Ok(mut one) => one
                                .pop()
                                .unwrap_or(Err(ApiError::NotFound("message")))
                                .map_err(SendError::Api),
                            Err(e) => Err(e),
                        };
                        let _ = job.reply.send(outcome);
                    }
                }
            }
        }
    }

    /// [`write_batch`], counted.
    async fn write_batch(&self, drafts: &[&Draft]) -> Result<Vec<ApiResult<Message>>, SendError> {
        let outcomes = write_batch(&self.db, &self.bus, drafts).await?;
        let written = outcomes.iter().filter(|o| o.is_ok()).count() as u64;
        if written > 0 {
            self.metrics.send_batches.inc();
            self.metrics.sends_written.inc_by(written);
        }
        Ok(outcomes)
    }
}

/// Writes the drafts in one transaction with a constant number of statements per channel. The
/// outer error aborts the whole batch; the inner ones are refusals found before anything of that
/// send was written, which the other sends do not share.
async fn write_batch(db: &Db, bus: &Bus, drafts: &[&Draft]) -> Result<Vec<ApiResult<Message>>, SendError> {
    let mut outcomes: Vec<Option<ApiResult<Message>>> = drafts.iter().map(|_| None).collect();
    // Channels in id order, so that batches on several nodes lock channel rows in one order.
    let mut channels: Vec<&str> = drafts.iter().map(|d| d.row.channel_id.as_str()).collect();
    channels.sort_unstable();
    channels.dedup();
    let mut written: Vec<(MessageRow, usize)> = Vec::with_capacity(drafts.len());
    let mut events = Vec::with_capacity(drafts.len());
    let mut published = Vec::with_capacity(drafts.len());
    let mut tx = db.begin().await.map_err(ApiError::from)?;
    for channel_id in channels {
        // The lock first: who may post and whether a thread root lives are decided under it.
        // (SQLite's write transaction already excludes every other writer.)
        if !tx.locks_database() {
            db::events::lock_channel(tx.c(), channel_id).await.map_err(ApiError::from)?;
        }
        let accepted = accept(&mut tx, channel_id, drafts, &mut outcomes).await?;
        if accepted.is_empty() {
            continue;
        }
        // A reply takes two seqs: its message, then its root's `thread.updated`.
        let replies = accepted.iter().filter(|&&i| drafts[i].row.thread_root_id.is_some()).count();
        let count = (accepted.len() + replies) as i64;
        let Some(last) = db::events::take_seqs(tx.c(), channel_id, count).await.map_err(ApiError::from)?
        else {
            for i in accepted {
                outcomes[i] = Some(Err(ApiError::forbidden("the channel is archived")));
            }
            continue;
        };
        let mut seq = last - count + 1;
        for &i in &accepted {
            let draft = drafts[i];
            let row = MessageRow { seq, ..draft.row.clone() };
            seq += 1;
            let mut message = to_api(row.clone(), draft.mentions.clone());
            message.attachments = draft.attachments.iter().map(FileRow::to_api).collect();
            let event = Event::MessageCreated { message: message.clone() };
            events.push((
                row.channel_id.clone(),
                row.seq,
                event.kind(),
                event.data().to_string(),
                row.created_at,
            ));
            published.push(Envelope::Persistent { channel_id: row.channel_id.clone(), seq: row.seq, event });
            if let Some(root_id) = &row.thread_root_id {
                let (reply_count, root_author) =
                    db::messages::bump_reply_count(tx.c(), root_id, row.created_at)
                        .await
                        .map_err(ApiError::from)?;
                // Whoever replies follows the thread; its starter and the people a reply
                // mentions do too, unless they unfollowed it.
                db::threads::replied(tx.c(), root_id, &row.author_id, row.created_at, row.seq)
                    .await
                    .map_err(ApiError::from)?;
                let mut followers: Vec<&str> = vec![root_author.as_str()];
                followers.extend(draft.mentions.iter().map(String::as_str));
                db::threads::follow_by_default(tx.c(), root_id, &followers).await.map_err(ApiError::from)?;
                let reply_user_ids = db::threads::participants_of(tx.c(), root_id, MAX_PARTICIPANTS)
                    .await
                    .map_err(ApiError::from)?;
                let event = Event::ThreadUpdated {
                    root_id: root_id.clone(),
                    reply_count,
                    last_reply_at: rfc3339(row.created_at),
                    reply_user_ids,
                };
                events.push((
                    row.channel_id.clone(),
                    seq,
                    event.kind(),
                    event.data().to_string(),
                    row.created_at,
                ));
                published.push(Envelope::Persistent { channel_id: row.channel_id.clone(), seq, event });
                seq += 1;
            }
            written.push((row, i));
            outcomes[i] = Some(Ok(message));
        }
    }
    let rows: Vec<(&MessageRow, Option<&str>)> =
        written.iter().map(|(row, i)| (row, drafts[*i].idempotency_key.as_deref())).collect();
    match db::messages::insert_many(tx.c(), &rows).await {
        Err(e) if db::is_unique_violation(&e) => return Err(SendError::DuplicateKey),
        other => other.map_err(ApiError::from)?,
    }
    let mentions: Vec<(&MessageRow, &str)> = written
        .iter()
        .flat_map(|(row, i)| drafts[*i].mentions.iter().map(move |user| (row, user.as_str())))
        .collect();
    db::messages::insert_mentions(tx.c(), &mentions).await.map_err(ApiError::from)?;
    for (row, i) in &written {
        for (position, file) in drafts[*i].attachments.iter().enumerate() {
            let attached = db::files::attach(
                tx.c(),
                &file.id,
                &row.author_id,
                &row.id,
                &row.channel_id,
                position as i64,
            )
            .await
            .map_err(ApiError::from)?;
            // Shared by a concurrent send meanwhile: this batch is retried send by send, and
            // only the late one hears it.
            if !attached {
                return Err(SendError::Api(ApiError::invalid(
                    "file_ids",
                    format!("{} was already shared", file.id),
                )));
            }
        }
    }
    db::events::append_many(tx.c(), &events).await.map_err(ApiError::from)?;
    tx.commit().await.map_err(ApiError::from)?;
    bus.publish_all(published);
    let missing = || Err(ApiError::Internal(anyhow::anyhow!("a queued send got no outcome")));
    Ok(outcomes.into_iter().map(|o| o.unwrap_or_else(missing)).collect())
}

/// The indices of the drafts for `channel_id` that may be written: their author is still a
/// member and their thread root is a live top-level message of the channel. The others get their
/// refusal in `outcomes`.
async fn accept(
    tx: &mut Tx,
    channel_id: &str,
    drafts: &[&Draft],
    outcomes: &mut [Option<ApiResult<Message>>],
) -> Result<Vec<usize>, SendError> {
    let mine: Vec<usize> = (0..drafts.len()).filter(|&i| drafts[i].row.channel_id == channel_id).collect();
    let mut authors: Vec<&str> = mine.iter().map(|&i| drafts[i].row.author_id.as_str()).collect();
    authors.sort_unstable();
    authors.dedup();
    let members = db::channels::members_among(tx.c(), channel_id, &authors).await.map_err(ApiError::from)?;
    let mut accepted = Vec::with_capacity(mine.len());
    for i in mine {
        let row = &drafts[i].row;
        if !members.contains(&row.author_id) {
            outcomes[i] = Some(Err(ApiError::forbidden("you can no longer post in this channel")));
            continue;
        }
        if let Some(root_id) = &row.thread_root_id {
            let root = db::messages::by_id(tx.c(), root_id).await.map_err(ApiError::from)?;
            if !root
                .is_some_and(|r| r.channel_id == row.channel_id && r.thread_root_id.is_none() && !r.deleted)
            {
                outcomes[i] = Some(Err(ApiError::invalid(
                    "thread_root_id",
                    "must be a live top-level message of this channel",
                )));
                continue;
            }
        }
        accepted.push(i);
    }
    Ok(accepted)
}
