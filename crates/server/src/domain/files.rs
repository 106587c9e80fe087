//! What a file is and how it may be shown, decided from its bytes; no IO.
//!
//! The type comes from magic bytes (`infer`), never from the client's name or MIME: only a known
//! list of types keeps its type, anything else is `application/octet-stream`. Text is text when
//! it is valid UTF-8 without NULs. HTML and XML (SVG) are recognised and stored as octet
//! streams (downloads); markup that slips through as text is `text/plain`, inline only on
//! request, under `nosniff` and a sandbox, where it cannot run.

/// The type of bytes nothing claims: downloaded, never shown.
pub const OCTET_STREAM: &str = "application/octet-stream";
pub const TEXT: &str = "text/plain";

/// Images shown inline and given thumbnails (once they decode).
pub const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// How many leading bytes [`sniff`] wants.
pub const SNIFF_BYTES: usize = 8192;

/// Types kept as judged; the right side renames a few to their registered names.
const KEPT: &[(&str, &str)] = &[
    ("image/png", "image/png"),
    ("image/jpeg", "image/jpeg"),
    ("image/gif", "image/gif"),
    ("image/webp", "image/webp"),
    ("application/pdf", "application/pdf"),
    ("application/zip", "application/zip"),
    ("application/gzip", "application/gzip"),
    ("application/x-7z-compressed", "application/x-7z-compressed"),
    ("application/vnd.rar", "application/vnd.rar"),
    ("application/x-tar", "application/x-tar"),
    ("application/x-bzip2", "application/x-bzip2"),
    ("application/x-xz", "application/x-xz"),
    ("application/msword", "application/msword"),
    ("application/vnd.ms-excel", "application/vnd.ms-excel"),
    ("application/vnd.ms-powerpoint", "application/vnd.ms-powerpoint"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text"),
    ("application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    ("application/vnd.oasis.opendocument.presentation", "application/vnd.oasis.opendocument.presentation"),
    ("application/rtf", "application/rtf"),
    ("audio/mpeg", "audio/mpeg"),
    ("audio/ogg", "audio/ogg"),
    ("audio/x-wav", "audio/wav"),
    ("audio/x-flac", "audio/flac"),
    ("audio/m4a", "audio/mp4"),
    ("audio/aac", "audio/aac"),
    ("audio/opus", "audio/opus"),
    ("video/mp4", "video/mp4"),
    ("video/x-m4v", "video/mp4"),
    ("video/webm", "video/webm"),
    ("video/quicktime", "video/quicktime"),
    ("video/x-matroska", "video/x-matroska"),
];

/// The type of a file from its first bytes (up to [`SNIFF_BYTES`]); `complete` says the head is
/// the whole file (so text may not end in the middle of a character).
pub fn sniff(head: &[u8], complete: bool) -> &'static str {
    if let Some(kind) = infer::get(head) {
        return KEPT
            .iter()
            .find(|(judged, _)| *judged == kind.mime_type())
            .map_or(OCTET_STREAM, |(_, kept)| kept);
    }
    if is_text(head, complete) { TEXT } else { OCTET_STREAM }
}

fn is_text(head: &[u8], complete: bool) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        // Cut inside a character at the end of an incomplete head: still text.
        Err(e) => !complete && e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

pub fn is_image(mime: &str) -> bool {
    IMAGE_TYPES.contains(&mime)
}

/// Types the browser may show in its own viewer when asked (`?inline=1`): under `nosniff` and a
/// sandbox none of them runs script.
pub fn may_open_inline(mime: &str) -> bool {
    is_image(mime)
        || mime == "application/pdf"
        || mime == TEXT
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
}

/// The `Content-Type` a file is served with.
pub fn served_type(mime: &str) -> String {
    if mime == TEXT { "text/plain; charset=utf-8".to_string() } else { mime.to_string() }
}

/// Longest name kept, in bytes.
const MAX_NAME_BYTES: usize = 200;

/// A client's file name made safe to show and to offer for download: the last path part only,
/// no control characters, no bidirectional overrides or invisible joiners (which make
/// `invoice<U+202E>fdp.exe` look like a PDF), no leading dots, at most 200 bytes with the extension
/// kept; `file` when nothing is left.
pub fn sanitize_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control() && !is_invisible_format(*c)).collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return "file".to_string();
    }
    if trimmed.len() <= MAX_NAME_BYTES {
        return trimmed.to_string();
    }
    let (stem, ext) = match trimmed.rfind('.') {
        Some(dot) if trimmed.len() - dot <= 16 => trimmed.split_at(dot),
        _ => (trimmed, ""),
    };
    let mut end = MAX_NAME_BYTES - ext.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ext}", &stem[..end])
}

/// Bidi embeddings, overrides and isolates, directional marks, zero-width characters and the
/// byte-order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

/// The `Content-Disposition` header: `inline` or `attachment`, with the name as a quoted ASCII
/// fallback and in full as RFC 8187 `filename*`.
pub fn content_disposition(inline: bool, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn types_come_from_bytes_and_unknown_ones_are_octet_streams() {
        assert_eq!(sniff(PNG, false), "image/png");
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0", false), "image/jpeg");
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0<html><script>alert(1)</script>", false), "image/gif");
        assert_eq!(sniff(b"%PDF-1.7\n", false), "application/pdf");
        // An executable named photo.jpg, and an ELF binary: downloads only.
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff", false), OCTET_STREAM);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", false), OCTET_STREAM);
        // HTML and SVG never get a type a browser would run: a download, or at most plain text.
        for markup in [
            &b"<!doctype html><script>alert(1)</script>"[..],
            b"<html><body onload=alert(1)>",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        ] {
            let judged = sniff(markup, true);
            assert!(
                judged == OCTET_STREAM || judged == TEXT,
                "{judged} for {:?}",
                String::from_utf8_lossy(markup)
            );
        }
        assert_eq!(sniff("na\u{ef}ve caf\u{e9}".as_bytes(), true), TEXT);
        assert_eq!(sniff(b"text\0with a NUL", true), OCTET_STREAM);
        assert_eq!(sniff(b"\xc3\x28 invalid", true), OCTET_STREAM);
        // A head cut inside a character is still text; a whole file ending so is not.
        assert_eq!(sniff("caf\u{e9}".as_bytes().split_at(4).0, false), TEXT);
        assert_eq!(sniff("caf\u{e9}".as_bytes().split_at(4).0, true), OCTET_STREAM);
    }

    #[test]
    fn names_lose_paths_controls_and_bidi_overrides() {
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("C:\\Users\\ana\\report.pdf"), "report.pdf");
        assert_eq!(sanitize_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(sanitize_name("a\0b\r\n.txt"), "ab.txt");
        assert_eq!(sanitize_name("  .bashrc "), "bashrc");
        assert_eq!(sanitize_name("../"), "file");
        assert_eq!(sanitize_name("\u{2066}\u{2069}"), "file");
        assert_eq!(sanitize_name("Zoë's photo (1).jpeg"), "Zoë's photo (1).jpeg");
        let long = format!("{}.png", "é".repeat(300));
        let kept = sanitize_name(&long);
        assert!(kept.len() <= MAX_NAME_BYTES && kept.ends_with(".png"), "{kept}");
    }

    #[test]
    fn dispositions_quote_safely_and_carry_the_full_name() {
        assert_eq!(
            content_disposition(false, "a \"b\".pdf"),
            "attachment; filename=\"a _b_.pdf\"; filename*=UTF-8''a%20%22b%22.pdf"
        );
        assert_eq!(
            content_disposition(true, "Zoë.png"),
            "inline; filename=\"Zo_.png\"; filename*=UTF-8''Zo%C3%AB.png"
        );
    }

    #[test]
    fn only_images_media_pdf_and_text_open_inline() {
        assert!(may_open_inline("application/pdf") && may_open_inline("video/mp4") && may_open_inline(TEXT));
        assert!(!may_open_inline(OCTET_STREAM) && !may_open_inline("application/zip"));
        assert_eq!(served_type(TEXT), "text/plain; charset=utf-8");
    }
}
