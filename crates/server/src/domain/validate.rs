//! Input rules shared by the services: names, emails, passwords, lengths.
//! Each returns the cleaned value or the message for a 400 naming the field.

/// Message content limit in characters (API.md: 40,000 → 413).
pub const MAX_MESSAGE_CHARS: usize = 40_000;
pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_TOPIC_CHARS: usize = 250;
pub const MAX_STATUS_CHARS: usize = 100;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Argon2 takes any length, but hashing megabytes on request is a denial of service.
pub const MAX_PASSWORD_CHARS: usize = 256;
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 100;

/// A display name: trimmed, 1–80 characters, no control characters.
pub fn display_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let len = name.chars().count();
    if len == 0 || len > MAX_NAME_CHARS {
        return Err(format!("must be 1 to {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(name.to_string())
}

/// An email address, trimmed and lower-cased: one `@` with text on both sides and a dot after it.
pub fn email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    let ok = email.len() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
                && !domain.ends_with('.') && !domain.contains('@'));
    if ok { Ok(email) } else { Err("must be a valid email address".into()) }
}

pub fn password(raw: &str) -> Result<(), String> {
    let len = raw.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&len) {
        return Err(format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"));
    }
    Ok(())
}

/// A channel name: lower-case letters, digits, `-` and `_`, 1–80 characters.
pub fn channel_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(name.to_string())
    } else {
        Err("must be 1 to 80 lower-case letters, digits, '-' or '_'".into())
    }
}

/// Free text with a length cap (topics, status): trimmed, no control characters but newlines.
pub fn short_text(raw: &str, max: usize) -> Result<String, String> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err("must not contain control characters".into());
    }
    Ok(text.to_string())
}

/// The key a name is found under by `@mention`: lower-cased, without white space.
pub fn mention_key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(email("  Ana@Example.COM ").as_deref(), Ok("ana@example.com"));
        for bad in ["", "ana", "@example.com", "ana@", "ana@com", "a b@x.io", "a@b@c.io", "a@.io"] {
            assert!(email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn channel_names_follow_the_rules() {
        assert_eq!(channel_name("dev-ops_2").as_deref(), Ok("dev-ops_2"));
        for bad in ["", "Dev", "with space", "émile", &"x".repeat(81)] {
            assert!(channel_name(bad).is_err(), "{bad:?} accepted");
        }
        assert!(channel_name(&"x".repeat(80)).is_ok());
    }

    #[test]
    fn names_and_passwords_have_bounds() {
        assert!(display_name("  ").is_err());
        assert!(display_name("a\u{0}b").is_err());
        assert_eq!(display_name(" Ana ").as_deref(), Ok("Ana"));
        assert!(password("short").is_err());
        assert!(password(&"p".repeat(257)).is_err());
        assert!(password("long enough").is_ok());
    }

    #[test]
    fn mention_keys_fold_case_and_spaces() {
        assert_eq!(mention_key("Ana María López"), "anamaríalópez");
    }
}
