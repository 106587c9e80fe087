//! Search queries as people type them, parsed into terms and filters, and written out as each
//! backend's full-text query; snippets made safe to show. No IO.
//!
//! `q` holds words (each matched as a prefix, so `depl` finds "deployment" while it is typed;
//! `deploy*` says so explicitly), `"quoted phrases"` (exact, in order), `-word` or `-"phrase"`
//! to exclude, and operators: `from:@handle` (or `from:me`), `in:#channel`, `has:file`,
//! `has:link`, `before:`, `after:`, `on:` (`YYYY-MM-DD`, UTC), `is:thread`, `is:pinned`.
//! Words are split the way both indexes split text (on anything that is not a letter or digit),
//! so what the query asks for is what the index holds.

/// Terms at most, so a pasted essay does not become a giant query.
pub const MAX_TERMS: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// A word, lower-cased: matched as a prefix.
    Word(String),
    /// Words that must appear together, in order.
    Phrase(Vec<String>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub excluded: Vec<Term>,
    /// `from:` handles (`me` for the caller), lower-cased, without `@`.
    pub from: Vec<String>,
    /// `in:` channel names, without `#`.
    pub channels: Vec<String>,
    pub has_file: bool,
    pub has_link: bool,
    pub is_thread: bool,
    pub is_pinned: bool,
    /// Unix milliseconds, UTC: created before (exclusive) / at or after (inclusive).
    pub before: Option<i64>,
    pub after: Option<i64>,
}

impl Query {
    /// True when the query has words or phrases to match (else only filters apply).
    pub fn has_text(&self) -> bool {
        !self.terms.is_empty()
    }

    pub fn has_filters(&self) -> bool {
        !self.from.is_empty()
            || !self.channels.is_empty()
            || self.has_file
            || self.has_link
            || self.is_thread
            || self.is_pinned
            || self.before.is_some()
            || self.after.is_some()
    }
}

/// The words of `text` as the indexes see them: split on anything not a letter or digit,
/// lower-cased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// A day `YYYY-MM-DD` as the Unix milliseconds of its start (UTC).
pub fn day_start(raw: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(raw, &format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() * 1000)
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Splits `q` into pieces: quoted phrases stay whole (with a leading `-` kept), the rest on spaces.
fn pieces(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => {
                current.push(c);
                if quoted {
                    out.push(std::mem::take(&mut current));
                }
                quoted = !quoted;
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Parses `q`; the error names what is wrong, for a 400 on the `q` field.
pub fn parse(q: &str) -> Result<Query, String> {
    let mut query = Query::default();
    for piece in pieces(q) {
        let (negated, body) = match piece.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, piece.as_str()),
        };
        if let Some(phrase) = body.strip_prefix('"') {
            let inner = phrase.strip_suffix('"').unwrap_or(phrase);
            let words = words(inner);
            if words.is_empty() {
                continue;
            }
            // Quoted, even one word is matched exactly, not as a prefix.
            let term = Term::Phrase(words);
            if negated {
                query.excluded.push(term)
            } else {
                query.terms.push(term)
            }
            continue;
        }
        if !negated && let Some((op, value)) = body.split_once(':') {
            let value = value.trim();
            let op = op.to_lowercase();
            let known = match op.as_str() {
                "from" => {
                    let handle = value.trim_start_matches('@').to_lowercase();
                    if handle.is_empty() {
                        return Err("from: needs a person, e.g. from:@ana".into());
                    }
                    query.from.push(handle);
                    true
                }
                "in" => {
                    let name = value.trim_start_matches('#').to_lowercase();
                    if name.is_empty() {
                        return Err("in: needs a channel, e.g. in:#general".into());
                    }
                    query.channels.push(name);
                    true
                }
                "has" => match value.to_lowercase().as_str() {
                    "file" | "files" | "attachment" => {
                        query.has_file = true;
                        true
                    }
                    "link" | "links" => {
                        query.has_link = true;
                        true
                    }
                    other => return Err(format!("has:{other} is not a filter; try has:file or has:link")),
                },
                "is" => match value.to_lowercase().as_str() {
                    "thread" => {
                        query.is_thread = true;
                        true
                    }
                    "pinned" => {
                        query.is_pinned = true;
                        true
                    }
                    other => return Err(format!("is:{other} is not a filter; try is:thread or is:pinned")),
                },
                "before" | "after" | "on" | "during" => {
                    let day = day_start(value).ok_or_else(|| {
                        format!("{op}: needs a date written YYYY-MM-DD, e.g. {op}:2026-12-01")
                    })?;
                    // Days are whole: after a day is from the next one; several bounds intersect.
                    let (from, until) = match op.as_str() {
                        "before" => (None, Some(day)),
                        "after" => (Some(day + DAY_MS), None),
                        _ => (Some(day), Some(day + DAY_MS)),
                    };
                    if let Some(from) = from {
                        query.after = Some(query.after.map_or(from, |a| a.max(from)));
                    }
                    if let Some(until) = until {
                        query.before = Some(query.before.map_or(until, |b| b.min(until)));
                    }
                    true
                }
                // Not an operator (a time "12:30", a URL): plain words.
                _ => false,
            };
            if known {
                continue;
            }
        }
        let split = words(body.trim_end_matches('*'));
        let term = match split.len() {
            0 => continue,
            1 => Term::Word(split.into_iter().next().unwrap_or_default()),
            // "deploy-prod" or "v1.2": the index holds its words next to each other.
            _ => Term::Phrase(split),
        };
        if negated { query.excluded.push(term) } else { query.terms.push(term) }
    }
    if query.terms.len() + query.excluded.len() > MAX_TERMS {
        return Err(format!("at most {MAX_TERMS} words and phrases"));
    }
    if query.from.len() + query.channels.len() > MAX_TERMS {
        return Err(format!("at most {MAX_TERMS} from: and in: filters"));
    }
    if !query.has_text() && !query.has_filters() {
        return Err("type something to search for".into());
    }
    Ok(query)
}

/// A quoted FTS5 string: double quotes doubled.
fn fts5_string(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

fn fts5_term(term: &Term) -> String {
    match term {
        Term::Word(w) => format!("{}*", fts5_string(w)),
        Term::Phrase(words) => fts5_string(&words.join(" ")),
    }
}

/// What an exclusion leaves out: the word itself, not every word it begins (`-t` is not `-t*`).
fn exact(term: &Term) -> Term {
    match term {
        Term::Word(w) => Term::Phrase(vec![w.clone()]),
        phrase => phrase.clone(),
    }
}

/// The FTS5 MATCH expression of the query's text: terms ANDed, exclusions with NOT. None when
/// there is no positive term (FTS5 cannot match on exclusions alone).
pub fn fts5(query: &Query) -> Option<String> {
    if query.terms.is_empty() {
        return None;
    }
    let mut out = query.terms.iter().map(fts5_term).collect::<Vec<_>>().join(" AND ");
    for term in &query.excluded {
        out = format!("({out}) NOT {}", fts5_term(&exact(term)));
    }
    Some(out)
}

/// A tsquery lexeme: quoted, quotes and backslashes escaped.
fn ts_lexeme(word: &str) -> String {
    format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
}

fn ts_term(term: &Term) -> String {
    match term {
        Term::Word(w) => format!("{}:*", ts_lexeme(w)),
        Term::Phrase(words) => {
            format!("({})", words.iter().map(|w| ts_lexeme(w)).collect::<Vec<_>>().join(" <-> "))
        }
    }
}

/// The PostgreSQL tsquery text (for `to_tsquery('simple', …)`); None without a positive term.
pub fn tsquery(query: &Query) -> Option<String> {
    if query.terms.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = query.terms.iter().map(ts_term).collect();
    parts.extend(query.excluded.iter().map(|t| format!("!{}", ts_term(&exact(t)))));
    Some(parts.join(" & "))
}

/// Marks the backends put around matches in snippets: control characters no text contains
/// after [`escape_snippet`]'s cleaning.
pub const MARK_START: char = '\u{1}';
pub const MARK_END: char = '\u{2}';

/// A snippet with [`MARK_START`]/[`MARK_END`] around matches, as safe HTML: everything escaped,
/// the marks turned into `<mark>`…`</mark>` (balanced), other control characters dropped.
pub fn escape_snippet(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    let mut open = false;
    for c in raw.chars() {
        match c {
            MARK_START if !open => {
                out.push_str("<mark>");
                open = true;
            }
            MARK_END if open => {
                out.push_str("</mark>");
                open = false;
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Term {
        Term::Word(w.into())
    }

    #[test]
    fn words_phrases_exclusions_and_operators() {
        let q =
            parse(r#"Deploy "release notes" -draft from:@Ana in:#ops has:file is:thread after:2026-11-30"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q.terms, vec![word("deploy"), Term::Phrase(vec!["release".into(), "notes".into()])]);
        assert_eq!(q.excluded, vec![word("draft")]);
        assert_eq!(
            (q.from.as_slice(), q.channels.as_slice()),
            (&["ana".to_string()][..], &["ops".to_string()][..])
        );
        assert!(q.has_file && q.is_thread && !q.has_link && !q.is_pinned);
        assert_eq!(q.after, day_start("2026-12-01"));
        assert_eq!(
            parse("x Before:2026-12-01").map(|q| (q.before, q.after)),
            Ok((day_start("2026-12-01"), None))
        );
        let both = parse("x after:2026-11-01 on:2026-11-15").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (both.after, both.before),
            (day_start("2026-11-15"), day_start("2026-11-16")),
            "bounds intersect"
        );
        assert_eq!(
            parse("\"deploy\"").map(|q| q.terms),
            Ok(vec![Term::Phrase(vec!["deploy".into()])]),
            "quoted: exact"
        );
        let on = parse("on:2026-12-01").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((on.after, on.before), (day_start("2026-12-01"), day_start("2026-12-02")));
        // Not operators: a time, a URL, an unknown word with a colon.
        let plain = parse("meet at 12:30 https://example.com/x note:this").unwrap_or_else(|e| panic!("{e}"));
        assert!(plain.from.is_empty() && plain.terms.len() == 5, "{plain:?}");
        assert_eq!(plain.terms[2], Term::Phrase(vec!["12".into(), "30".into()]));
        assert_eq!(parse("deploy*").map(|q| q.terms), Ok(vec![word("deploy")]));
        assert_eq!(
            parse("deploy-prod").map(|q| q.terms),
            Ok(vec![Term::Phrase(vec!["deploy".into(), "prod".into()])])
        );
    }

    #[test]
    fn bad_queries_say_what_is_wrong() {
        for bad in ["", "   ", "has:cats", "is:nice", "before:yesterday", "from:@", "in:#", "\"\""] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(parse(&"word ".repeat(20)).is_err());
        assert!(parse(&"from:@a ".repeat(20)).is_err());
        assert!(parse("has:link").is_ok(), "filters alone are a query");
    }

    #[test]
    fn backend_queries_quote_everything() {
        let q = parse(r#"it's "say hi" -x NEAR"#).unwrap_or_else(|e| panic!("{e}"));
        // FTS5's own syntax (NEAR, AND, quotes, *) never leaks in: every word is a quoted string.
        assert_eq!(fts5(&q).as_deref(), Some(r#"("it s" AND "say hi" AND "near"*) NOT "x""#));
        let ts = tsquery(&parse("o'neil \"big deal\" -nope").unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_default();
        // "o'neil" is two words side by side, as both indexes split it.
        assert_eq!(ts, "('o' <-> 'neil') & ('big' <-> 'deal') & !('nope')");
        assert_eq!(fts5(&parse("has:file").unwrap_or_else(|e| panic!("{e}"))), None);
    }

    #[test]
    fn snippets_are_escaped_and_marks_balanced() {
        let raw = format!("a <script>x</script> {MARK_START}deploy{MARK_END} & {MARK_START}more");
        assert_eq!(
            escape_snippet(&raw),
            "a &lt;script&gt;x&lt;/script&gt; <mark>deploy</mark> &amp; <mark>more</mark>"
        );
        assert_eq!(escape_snippet("x\u{1b}[31my"), "x[31my");
    }
}
