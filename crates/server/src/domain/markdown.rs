//! Markdown → safe HTML: pulldown-cmark (GFM tables, strikethrough, task lists) then ammonia.
//!
//! Raw HTML in a message is shown as text, not interpreted. Bare `http(s)://` URLs become links and
//! resolved `@mentions` become `<span class="mention">`, both outside code only. ammonia has the last
//! word: whatever the first pass emits, only the allowed tags and attributes survive.

use std::borrow::Cow;
use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, TextMergeStream};
use pulldown_cmark_escape::{escape_href, escape_html};

/// What a handle maps to for `@channel` / `@here`: rendered as a broadcast pill.
pub const BROADCAST: &str = "!broadcast";
/// The prefix of a group's id where a handle maps to a group.
pub const GROUP: &str = "!group:";
/// At most this many distinct `@handles` are looked up per message.
pub const MAX_MENTION_HANDLES: usize = 20;
/// Block quotes and lists nest at most this deep; deeper ones render as their contents. Deep
/// nesting is what makes HTML sanitizers slow (each element is checked against its open
/// ancestors) and HTML large (27 × the input for 40,000 `>`).
pub const MAX_NESTING: usize = 16;
/// Rendered HTML at most this large; a message whose HTML would be larger is shown as plain
/// text (escaped, its lines kept), which is never more than a few times its own size.
pub const MAX_HTML_BYTES: usize = 256 * 1024;

/// The Markdown renderer; build once and share, ammonia's builder is not free to make.
pub struct Markdown {
    sanitizer: ammonia::Builder<'static>,
}

impl Default for Markdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Markdown {
    pub fn new() -> Self {
        let mut sanitizer = ammonia::Builder::default();
        sanitizer
            // Remote images in Markdown would let a sender track who read a message.
            .rm_tags(["img"])
            .add_tags(["input", "span"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("span", ["data-user-id", "data-group-id"])
            .add_allowed_classes("span", ["mention", "mention--group", "mention--broadcast"])
            .add_tag_attributes("code", ["class"])
            .link_rel(Some("noopener noreferrer nofollow"))
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("input", "type") if value != "checkbox" => None,
                ("code", "class") if !is_language_class(value) => None,
                _ => Some(Cow::Borrowed(value)),
            });
        Self { sanitizer }
    }

    /// Renders `content`; `mentions` maps a handle (see [`mention_handles`]) to a user id, to
    /// [`BROADCAST`] (`@channel`, `@here`) or to [`GROUP`] and a group's id. Bounded
    /// in time and output for any input: nesting is capped at [`MAX_NESTING`] and the HTML at
    /// [`MAX_HTML_BYTES`].
    pub fn render(&self, content: &str, mentions: &HashMap<String, String>) -> String {
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
        let mut out = Vec::new();
        let mut plain_depth = 0usize; // inside a link or code block: leave text alone
        // For each open container (quote, list, item): whether its tags are written. An item
        // follows its list; quotes and lists count towards the depth.
        let mut containers: Vec<bool> = Vec::new();
        let mut kept_depth = 0usize;
        for event in TextMergeStream::new(Parser::new_ext(content, options)) {
            match event {
                Event::Start(Tag::Item) => {
                    let keep = containers.last().copied().unwrap_or(true);
                    containers.push(keep);
                    if keep {
                        out.push(Event::Start(Tag::Item));
                    }
                }
                Event::End(TagEnd::Item) => {
                    if containers.pop().unwrap_or(false) {
                        out.push(Event::End(TagEnd::Item));
                    }
                }
                Event::Start(tag @ (Tag::BlockQuote(_) | Tag::List(_))) => {
                    let keep = kept_depth < MAX_NESTING;
                    containers.push(keep);
                    if keep {
                        kept_depth += 1;
                        out.push(Event::Start(tag));
                    }
                }
                Event::End(end @ (TagEnd::BlockQuote(_) | TagEnd::List(_))) => {
                    if containers.pop().unwrap_or(false) {
                        kept_depth -= 1;
                        out.push(Event::End(end));
                    }
                }
                Event::Start(tag @ (Tag::Link { .. } | Tag::CodeBlock(_))) => {
                    plain_depth += 1;
                    out.push(Event::Start(tag));
                }
                Event::End(end @ (TagEnd::Link | TagEnd::CodeBlock)) => {
                    plain_depth = plain_depth.saturating_sub(1);
                    out.push(Event::End(end));
                }
                Event::Html(raw) | Event::InlineHtml(raw) => out.push(Event::Text(raw)),
                Event::Text(text) if plain_depth == 0 => decorate(&text, mentions, &mut out),
                other => out.push(other),
            }
        }
        let mut html = String::with_capacity(content.len() + content.len() / 4);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        if html.len() > MAX_HTML_BYTES {
            return plain(content);
        }
        let clean = self.sanitizer.clean(&html).to_string();
        if clean.len() > MAX_HTML_BYTES { plain(content) } else { clean }
    }
}

/// `content` as escaped text in one paragraph, its line breaks kept.
fn plain(content: &str) -> String {
    let mut html = String::with_capacity(content.len() + 16);
    html.push_str("<p>");
    for (i, line) in content.lines().enumerate() {
        if i > 0 {
            html.push_str("<br>\n");
        }
        let _ = escape_html(&mut html, line);
    }
    html.push_str("</p>\n");
    html
}

fn is_language_class(value: &str) -> bool {
    value.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty()
            && lang.len() <= 32
            && lang.chars().all(|c| c.is_ascii_alphanumeric() || "+#-_.".contains(c))
    })
}

/// The lower-cased `@handles` of `content` outside code, in order of first use, deduplicated.
pub fn mention_handles(content: &str) -> Vec<String> {
    let mut handles: Vec<String> = Vec::new();
    let mut in_code = false;
    for event in TextMergeStream::new(Parser::new(content)) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) if !in_code => {
                for piece in split_text(&text) {
                    if let Piece::Mention(handle) = piece {
                        let handle = handle.to_lowercase();
                        if !handles.contains(&handle) && handles.len() < MAX_MENTION_HANDLES {
                            handles.push(handle);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    handles
}

/// Turns one run of text into text, links and mention spans.
fn decorate<'a>(text: &CowStr<'a>, mentions: &HashMap<String, String>, out: &mut Vec<Event<'a>>) {
    for piece in split_text(text) {
        match piece {
            Piece::Text(t) => out.push(Event::Text(CowStr::from(t.to_string()))),
            Piece::Url(url) => {
                let mut html = String::from("<a href=\"");
                let _ = escape_href(&mut html, url);
                html.push_str("\">");
                let _ = escape_html(&mut html, url);
                html.push_str("</a>");
                out.push(Event::InlineHtml(CowStr::from(html)));
            }
            Piece::Mention(handle) => match mentions.get(&handle.to_lowercase()) {
                Some(target) => {
                    let mut html = if target == BROADCAST {
                        String::from("<span class=\"mention mention--broadcast")
                    } else if let Some(group_id) = target.strip_prefix(GROUP) {
                        let mut html =
                            String::from("<span class=\"mention mention--group\" data-group-id=\"");
                        let _ = escape_html(&mut html, group_id);
                        html
                    } else {
                        let mut html = String::from("<span class=\"mention\" data-user-id=\"");
                        let _ = escape_html(&mut html, target);
                        html
                    };
                    html.push_str("\">@");
                    let _ = escape_html(&mut html, handle);
                    html.push_str("</span>");
                    out.push(Event::InlineHtml(CowStr::from(html)));
                }
                None => out.push(Event::Text(CowStr::from(format!("@{handle}")))),
            },
        }
    }
}

#[derive(Debug, PartialEq)]
enum Piece<'t> {
    Text(&'t str),
    Url(&'t str),
    /// The handle without its `@`.
    Mention(&'t str),
}

/// Splits text at bare URLs and `@handles`.
fn split_text(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut start = 0; // start of the pending plain text
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let at_boundary = i == 0 || !is_word_byte(bytes[i - 1]);
        let found = if bytes[i] == b'@' && at_boundary {
            let end = i + 1 + handle_len(&text[i + 1..]);
            (end > i + 1).then(|| (end, Piece::Mention(&text[i + 1..end])))
        } else if bytes[i] == b'h'
            && at_boundary
            && (text[i..].starts_with("https://") || text[i..].starts_with("http://"))
        {
            let end = i + url_len(&text[i..]);
            let scheme_len = if text[i..].starts_with("https://") { 8 } else { 7 };
            (end > i + scheme_len).then(|| (end, Piece::Url(&text[i..end])))
        } else {
            None
        };
        match found {
            Some((end, piece)) => {
                if start < i {
                    pieces.push(Piece::Text(&text[start..i]));
                }
                pieces.push(piece);
                i = end;
                start = end;
            }
            None => i += 1,
        }
    }
    if start < text.len() {
        pieces.push(Piece::Text(&text[start..]));
    }
    pieces
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Length of the handle at the start of `s`: word characters, `.`, `-`, without trailing `.`/`-`.
fn handle_len(s: &str) -> usize {
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .map_or(s.len(), |(i, _)| i);
    s[..end].trim_end_matches(['.', '-']).len()
}

/// Length of the URL at the start of `s`: up to white space or `<`, without trailing punctuation.
fn url_len(s: &str) -> usize {
    let end = s
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
        .map_or(s.len(), |(i, _)| i);
    s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'']).len()
}

/// The worst inputs known for the renderer, each at the message limit (40,000 characters): what
/// the bound test checks and `examples/render_worst.rs` measures.
pub fn worst_cases() -> Vec<(&'static str, String)> {
    let n = crate::domain::validate::MAX_MESSAGE_CHARS;
    let fill = |unit: &str| unit.repeat(n / unit.chars().count());
    let columns = 2_000;
    let mut table = format!("{}|\n{}|\n", "|a".repeat(columns), "|-".repeat(columns));
    while table.len() + 2 <= n {
        table.push_str("|\n");
    }
    let mut nested_list = String::new();
    for depth in 0.. {
        let line = format!("{}- x\n", "  ".repeat(depth));
        if nested_list.len() + line.len() > n {
            break;
        }
        nested_list.push_str(&line);
    }
    vec![
        ("deep quotes", fill(">")),
        ("deep quotes with spaces", fill("> ")),
        ("deep lists", fill("- ")),
        ("deep ordered lists", fill("1. ")),
        ("indented nested list", nested_list),
        ("quotes in lists", fill("- > ")),
        ("emphasis openers", fill("*a")),
        ("emphasis runs", fill("**_")),
        ("unclosed links", fill("[")),
        ("many links", fill("[a](b) ")),
        ("many bare urls", fill("http://a ")),
        ("link reference soup", fill("[a]: b\n[a]")),
        ("wide table", table),
        ("backtick line", fill("`")),
        ("alternating backticks", fill("`a")),
        ("fences", fill("```\n")),
        ("html-like", fill("<a ")),
        ("escapes", fill("&\"<")),
        ("mentions", fill("@ana ")),
        ("one long word", fill("x")),
        ("emoji", fill("😀")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every worst case renders within a time and size bound. The time bound is loose for debug
    /// builds on a shared machine; a release build renders each in a few milliseconds
    /// (`cargo run --release --example render_worst`), where deep quotes took 4.4 s before.
    #[test]
    fn worst_cases_render_in_bounded_time_and_size() {
        let markdown = Markdown::new();
        let mentions = HashMap::from([("ana".to_string(), "u1".to_string())]);
        for (name, input) in worst_cases() {
            assert!(input.chars().count() <= crate::domain::validate::MAX_MESSAGE_CHARS, "{name}");
            let started = std::time::Instant::now();
            let html = markdown.render(&input, &mentions);
            let took = started.elapsed();
            assert!(took < std::time::Duration::from_millis(1500), "{name}: {took:?}");
            assert!(html.len() <= MAX_HTML_BYTES, "{name}: {} bytes", html.len());
            assert!(!html.is_empty(), "{name}");
        }
    }

    #[test]
    fn nesting_is_capped_but_content_kept() {
        let deep = format!("{}hello", "> ".repeat(100));
        let html = render(&deep);
        assert_eq!(html.matches("<blockquote>").count(), MAX_NESTING, "{html}");
        assert!(html.contains("hello"));
        let shallow = render("> > quoted twice");
        assert_eq!(shallow.matches("<blockquote>").count(), 2);
        let list = render("- a\n  - b\n    - c");
        assert_eq!(list.matches("<ul>").count(), 3, "{list}");
    }

    #[test]
    fn output_over_the_cap_falls_back_to_escaped_text() {
        let links = "http://a ".repeat(4_000);
        let html = render(&links);
        assert!(html.len() <= MAX_HTML_BYTES);
        assert!(html.starts_with("<p>") && !html.contains("<a "), "plain text: {}", &html[..80]);
        assert_eq!(plain("a <b>\nc"), "<p>a &lt;b&gt;<br>\nc</p>\n");
    }

    fn render(s: &str) -> String {
        Markdown::new().render(s, &HashMap::new())
    }

    #[test]
    fn renders_gfm() {
        assert_eq!(render("**hi** ~~no~~"), "<p><strong>hi</strong> <del>no</del></p>\n");
        let table = render("| a | b |\n|---|---|\n| 1 | 2 |");
        assert!(table.contains("<table>") && table.contains("<td>2</td>"), "{table}");
        let tasks = render("- [x] done\n- [ ] todo");
        assert!(
            tasks.contains(r#"<input type="checkbox" checked="" disabled="">"#) || tasks.contains("checkbox"),
            "{tasks}"
        );
        let code = render("```rust\nlet x = 1;\n```");
        assert!(code.contains(r#"<code class="language-rust">"#), "{code}");
    }

    /// The tags of an HTML fragment, as written (`<a href=...>`).
    fn tags(html: &str) -> Vec<&str> {
        html.match_indices('<')
            .filter_map(|(i, _)| html[i..].find('>').map(|end| &html[i..=i + end]))
            .collect()
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        for evil in [
            "<script>alert(1)</script>",
            "hi <img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[x](JaVaScRiPt:alert(1)) <svg onload=alert(1)>",
            "```\" onmouseover=alert(1) x=\"\nx\n```",
        ] {
            let html = render(evil);
            for tag in tags(&html) {
                let lower = tag.to_lowercase();
                assert!(
                    !lower.starts_with("<script") && !lower.starts_with("<img") && !lower.starts_with("<svg"),
                    "{evil:?} gave {html:?}"
                );
                assert!(!lower.contains(" on") && !lower.contains("javascript:"), "{evil:?} gave {html:?}");
            }
        }
        assert_eq!(render("<b>raw</b>"), "<p>&lt;b&gt;raw&lt;/b&gt;</p>\n");
    }

    #[test]
    fn links_get_safe_rel_and_bare_urls_are_linked() {
        let html = render("see https://example.com/a?b=1.");
        assert_eq!(
            html,
            "<p>see <a href=\"https://example.com/a?b=1\" rel=\"noopener noreferrer nofollow\">https://example.com/a?b=1</a>.</p>\n"
        );
        let inline = render("[docs](https://example.com)");
        assert!(inline.contains(r#"rel="noopener noreferrer nofollow""#), "{inline}");
        assert!(render("`https://x.io`").contains("<code>https://x.io</code>"));
    }

    #[test]
    fn mentions_are_found_outside_code_and_rendered_when_resolved() {
        let text = "hi @Ana and @ben.k, mail a@b.io; `@code` @ana again\n```\n@block\n```";
        assert_eq!(mention_handles(text), vec!["ana", "ben.k"]);
        let map = HashMap::from([("ana".to_string(), "u1".to_string())]);
        let html = Markdown::new().render("hi @Ana and @bob", &map);
        assert_eq!(html, "<p>hi <span class=\"mention\" data-user-id=\"u1\">@Ana</span> and @bob</p>\n");
    }
}
