//! Text from a server, made safe for a terminal: the one place every message, progress line
//! and output line passes through before the CLI writes it.
//!
//! A server (or anything between it and us) controls much of what the CLI prints: a session's
//! `status`, error messages and body excerpts. Written raw, `\x1b]0;TITLE\x07` retitles the
//! user's terminal and `\x1b[2J` clears it; the 8-bit forms (U+009B CSI, U+009D OSC) do the
//! same on terminals that honour C1 controls. So:
//!
//! - [`printable`] drops whole escape sequences (ESC or C1 CSI/OSC/DCS/SOS/PM/APC with their
//!   parameters and string bodies) and turns every other control character (C0, DEL, C1:
//!   Unicode's `Cc`) into a space, so that words split by a line break stay apart;
//! - [`one_line`] is that, trimmed at the end: messages are one line each;
//! - [`escape_json_controls`] writes the DEL and C1 characters of a JSON text as `\u00XX`
//!   (serde_json escapes only U+0000–U+001F), so the JSON printed on stdout holds no control
//!   character either and still decodes to the same value.

/// `text` without escape sequences, its other control characters replaced by spaces.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars);
                }
                // A two-character sequence (ESC c, ESC 7, …): drop the second one too.
                Some(next) if (' '..='~').contains(&next) => {
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Skips a control sequence's parameters and intermediates up to its final byte (`@`–`~`);
/// stops early (dropping nothing more) at anything that cannot be part of one.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{20}'..='\u{3f}' => {
                chars.next();
            }
            '\u{40}'..='\u{7e}' => {
                chars.next();
                return;
            }
            _ => return,
        }
    }
}

/// Skips a string sequence's body (OSC, DCS, …) through its terminator: BEL, ESC `\` or ST
/// (U+009C). An unterminated one runs to the end of the text, as a terminal would take it.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

/// The message on one line, safe for a terminal: [`printable`], trimmed at the end.
pub(crate) fn one_line(message: &str) -> String {
    let mut line = printable(message);
    line.truncate(line.trim_end().len());
    line
}

/// A serialised JSON text with DEL and the C1 controls written as `\u00XX` escapes. Outside
/// strings JSON holds only ASCII, so every such character is inside a string, where the escape
/// means the same character.
pub(crate) fn escape_json_controls(json: &str) -> String {
    if !json.chars().any(|c| c.is_control()) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | ' ') {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_dropped_whole() {
        let hostile = "\x1b]0;TITLE\x07PEND\x1b[2JING\x1b[38;5;1m!\x1b\\";
        assert_eq!(printable(hostile), "PENDING!");
        assert_eq!(printable("a\u{9b}2Jb\u{9d}0;T\u{9c}c"), "abc");
        assert_eq!(printable("x\x1b]2;unterminated"), "x");
        assert_eq!(printable("\x1bcreset"), "reset");
        assert_eq!(printable("lone\x1b"), "lone");
    }

    #[test]
    fn other_controls_become_spaces() {
        assert_eq!(printable("a\nb\r\x00c\u{85}d\u{7f}e"), "a b  c d e");
        assert_eq!(one_line("a\nb\r\nc\t\n"), "a b  c");
        assert_eq!(
            printable("non-ASCII stays: é ü 日本"),
            "non-ASCII stays: é ü 日本"
        );
        for text in ["\x1b]0;T\x07", "\u{9b}31m", "\x07\x08\x0b\x0c\u{80}\u{9f}"] {
            assert!(!printable(text).chars().any(char::is_control), "{text:?}");
        }
    }

    #[test]
    fn json_keeps_its_value_and_loses_its_controls() {
        let value = serde_json::json!({"status": "A\u{9b}2J\u{85}\u{7f}\x1b", "n": 1});
        let text = serde_json::to_string(&value).unwrap();
        let escaped = escape_json_controls(&text);
        assert!(!escaped.chars().any(char::is_control), "{escaped}");
        assert!(escaped.contains("\\u009b"), "{escaped}");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
