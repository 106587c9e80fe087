//! `ocomms admin seed-messages`: a workspace full of generated messages for the search
//! benchmark. Text is drawn from a fixed vocabulary with a Zipf-like spread (a few words very
//! common, most rare) plus a handful of known phrases, so that queries of known frequency can be
//! timed. Each batch is written like the send queue writes: the channel's row lock, its seqs,
//! the messages and their `message.created` events in one transaction (the search index follows
//! by trigger or generated column).

use std::collections::HashMap;
use std::time::Instant;

use crate::db::{self, Db, messages::MessageRow, users::UserRow};
use crate::domain::event::Event;
use crate::domain::markdown::Markdown;
use crate::domain::{new_id, now_ms, validate};
use crate::service::messages::to_api;

const BATCH: usize = 1000;
/// Words the benchmark asks for, with how often they are mixed in (per message).
pub const KNOWN: &[(&str, f64)] =
    &[("deployment", 0.01), ("kubernetes", 0.002), ("invoice", 0.0005), ("release notes", 0.003)];

/// A deterministic generator (xorshift), so every seeding writes the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 5,000 pronounceable words from syllables.
fn vocabulary() -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "ren", "to", "sa", "vi", "nor", "el", "qua", "di", "ber", "an", "po", "lu", "tes",
        "gra", "mon", "fi", "zu", "wen", "ox", "ly", "ter",
    ];
    let mut words = Vec::with_capacity(5000);
    let mut rng = Rng(0x5eed);
    while words.len() < 5000 {
        let n = 2 + (rng.next() % 3) as usize;
        let word: String =
            (0..n).map(|_| SYLLABLES[(rng.next() % SYLLABLES.len() as u64) as usize]).collect();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// What was seeded: the workspace, the accounts and their (random) password.
pub struct Seeded {
    pub workspace_id: String,
    pub emails: Vec<String>,
    pub password: String,
}

/// Seeds a database that has no messages yet (a scratch database: it refuses any other).
pub async fn run(
    db: &Db,
    messages: u64,
    channels: u32,
    without_search_index: bool,
) -> anyhow::Result<Seeded> {
    let existing: i64 = {
        let mut rd = db.read().await?;
        crate::on!(rd.c(), |e| sqlx::query_scalar("SELECT COUNT(*) FROM messages").fetch_one(e).await)?
    };
    if existing > 0 {
        anyhow::bail!(
            "this database has {existing} messages: seed-messages only fills an empty scratch database"
        );
    }
    if without_search_index {
        drop_search_index(db).await?;
    }
    let now = now_ms();
    let stamp = now.to_string();
    let plain: String = {
        use rand::Rng;
        rand::rng().sample_iter(rand::distr::Alphanumeric).take(20).map(char::from).collect()
    };
    let password = crate::service::auth::Passwords::new()
        .hash(plain.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = db.begin().await?;
    let mut people = Vec::new();
    for i in 0..10 {
        let name = format!("Seed {i} {stamp}");
        let row = UserRow {
            id: new_id(),
            email: format!("seed{i}-{stamp}@bench.invalid"),
            mention_key: validate::mention_key(&name),
            name,
            password_hash: password.clone(),
            is_admin: false,
            status_text: String::new(),
            created_at: now,
            status_emoji: String::new(),
            status_expires_at: None,
            dnd_until: None,
            avatar_id: None,
        };
        db::users::insert(tx.c(), &row, &row.mention_key, false).await?;
        people.push(row);
    }
    let workspace_id = new_id();
    db::workspaces::insert(tx.c(), &workspace_id, &format!("Search bench {stamp}"), &people[0].id, now)
        .await?;
    for (i, person) in people.iter().enumerate() {
        db::workspaces::add_member(
            tx.c(),
            &workspace_id,
            &person.id,
            if i == 0 { "owner" } else { "member" },
            now,
        )
        .await?;
    }
    let mut channel_ids = Vec::new();
    for c in 0..channels.max(1) {
        let id = new_id();
        let name = format!("bench-{c}");
        db::channels::insert(
            tx.c(),
            &db::channels::NewChannel {
                id: &id,
                workspace_id: &workspace_id,
                name: &name,
                kind: "public",
                topic: "",
                dm_key: None,
                is_default: c == 0,
                created_by: &people[0].id,
                now,
            },
        )
        .await?;
        for person in &people {
            db::channels::add_member(tx.c(), &id, &person.id, 0, now).await?;
        }
        channel_ids.push(id);
    }
    tx.commit().await?;

    let words = vocabulary();
    let markdown = Markdown::new();
    let mut rng = Rng(0x0c0ffee);
    let started = Instant::now();
    let mut written = 0u64;
    // Messages spread over the last year, oldest first.
    let span = 365 * 24 * 3600 * 1000i64;
    while written < messages {
        let count = BATCH.min((messages - written) as usize);
        let channel_id = &channel_ids[(written / BATCH as u64) as usize % channel_ids.len()];
        let mut rows = Vec::with_capacity(count);
        for k in 0..count {
            let n = 5 + (rng.next() % 25) as usize;
            let mut text: Vec<&str> = (0..n)
                .map(|_| {
                    // Zipf-like: rank = 5000^u, so low ranks are far more common.
                    let rank = (5000f64.powf(rng.unit()) as usize).saturating_sub(1).min(words.len() - 1);
                    words[rank].as_str()
                })
                .collect();
            for (known, rate) in KNOWN {
                if rng.unit() < *rate {
                    let at = (rng.next() % text.len() as u64) as usize;
                    text.insert(at, known);
                }
            }
            let content = text.join(" ");
            let html = markdown.render(&content, &HashMap::new());
            let at = now - span + (span * (written as i64 + k as i64) / messages as i64);
            rows.push(MessageRow {
                id: new_id(),
                channel_id: channel_id.clone(),
                seq: 0,
                author_id: people[(rng.next() % people.len() as u64) as usize].id.clone(),
                content,
                html,
                thread_root_id: None,
                reply_count: 0,
                last_reply_at: None,
                also_in_channel: false,
                created_at: at,
                edited_at: None,
                deleted: false,
                idempotency_key: None,
            });
        }
        let mut tx = db.begin().await?;
        db::events::lock_channel(tx.c(), channel_id).await?;
        let last = db::events::take_seqs(tx.c(), channel_id, count as i64)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the channel is archived"))?;
        let mut events = Vec::with_capacity(count);
        for (k, row) in rows.iter_mut().enumerate() {
            row.seq = last - count as i64 + 1 + k as i64;
            let event = Event::MessageCreated { message: to_api(row.clone(), Vec::new()) };
            events.push((
                channel_id.clone(),
                row.seq,
                event.kind(),
                event.data().to_string(),
                row.created_at,
            ));
        }
        let refs: Vec<(&MessageRow, Option<&str>)> = rows.iter().map(|r| (r, None)).collect();
        db::messages::insert_many(tx.c(), &refs).await?;
        db::events::append_many(tx.c(), &events).await?;
        tx.commit().await?;
        written += count as u64;
        if written.is_multiple_of(100_000) || written == messages {
            let rate = written as f64 / started.elapsed().as_secs_f64();
            eprintln!("  {written} messages, {rate:.0} per second");
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("workspace {workspace_id}");
    println!("channels {}", channel_ids.join(","));
    println!(
        "accounts {} (password {plain}), handles {}",
        people.iter().map(|p| p.email.as_str()).collect::<Vec<_>>().join(","),
        people.iter().map(|p| p.mention_key.as_str()).collect::<Vec<_>>().join(",")
    );
    println!(
        "wrote {written} messages in {seconds:.1} s: {:.0} per second{}",
        written as f64 / seconds,
        if without_search_index { " (without the search index)" } else { "" }
    );
    Ok(Seeded { workspace_id, emails: people.iter().map(|p| p.email.clone()).collect(), password: plain })
}

async fn drop_search_index(db: &Db) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    match tx.c() {
        db::Conn::Sqlite(e) => {
            for sql in [
                "DROP TRIGGER IF EXISTS search_messages_insert",
                "DROP TRIGGER IF EXISTS search_messages_update",
                "DROP TRIGGER IF EXISTS search_messages_delete",
            ] {
                sqlx::query(sql).execute(&mut *e).await?;
            }
        }
        db::Conn::Postgres(e) => {
            sqlx::query("ALTER TABLE messages DROP COLUMN IF EXISTS search").execute(&mut *e).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
