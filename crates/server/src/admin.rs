//! `ocomms admin …`: account chores done from the server's shell, with no HTTP involved.

use std::io::{BufRead, IsTerminal};

use crate::config::{AdminCommand, GlobalArgs};
use crate::db::{self, Db, users::UserRow};
use crate::domain::{new_id, now_ms, validate};
use crate::service::auth::Passwords;

pub async fn run(global: &GlobalArgs, command: AdminCommand) -> anyhow::Result<()> {
    let db = Db::connect(global.database_url.as_deref(), &global.data_dir, 2).await?;
    db.migrate().await?;
    let result = match command {
        AdminCommand::CreateUser { email, name, admin } => create_user(&db, &email, &name, admin).await,
        AdminCommand::ResetPassword { email } => reset_password(&db, &email).await,
        AdminCommand::SeedMessages { messages, channels, without_search_index } => {
            crate::seed::run(&db, messages, channels, without_search_index).await.map(drop)
        }
    };
    db.close().await;
    result
}

/// Reads a password from a prompt on a terminal, else the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ")?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    validate::password(&password).map_err(|m| anyhow::anyhow!("password {m}"))?;
    Ok(password)
}

async fn create_user(db: &Db, email: &str, name: &str, admin: bool) -> anyhow::Result<()> {
    let email = validate::email(email).map_err(|m| anyhow::anyhow!("email {m}"))?;
    let name = validate::display_name(name).map_err(|m| anyhow::anyhow!("name {m}"))?;
    let password = read_password()?;
    let password_hash = Passwords::new().hash(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let row = UserRow {
        id: new_id(),
        email,
        mention_key: validate::mention_key(&name),
        name,
        password_hash,
        is_admin: admin,
        status_text: String::new(),
        created_at: now_ms(),
        status_emoji: String::new(),
        status_expires_at: None,
        dnd_until: None,
        avatar_id: None,
    };
    let mut tx = db.begin().await?;
    let is_admin = match db::users::insert(tx.c(), &row, &validate::mention_key(&row.name), true).await {
        Err(e) if db::is_unique_violation(&e) => {
            anyhow::bail!("an account with email {} already exists", row.email)
        }
        other => other?,
    };
    tx.commit().await?;
    println!("created user {} <{}>{}", row.id, row.email, if is_admin { " (server admin)" } else { "" });
    Ok(())
}

async fn reset_password(db: &Db, email: &str) -> anyhow::Result<()> {
    let email = email.trim().to_lowercase();
    let user = {
        let mut rd = db.read().await?;
        db::users::by_email(rd.c(), &email).await?
    };
    let Some(user) = user else {
        anyhow::bail!("no account with email {email}");
    };
    let password = read_password()?;
    let hash = Passwords::new().hash(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = db.begin().await?;
    db::users::set_password(tx.c(), &user.id, &hash).await?;
    let ended = db::sessions::delete_all_of(tx.c(), &user.id, now_ms()).await?;
    tx.commit().await?;
    println!("password reset for {email}; {ended} session(s) ended");
    Ok(())
}
