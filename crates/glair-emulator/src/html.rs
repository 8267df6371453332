//! The hosted page: one template for every kind and state, with everything escaped.

use serde_json::json;

use crate::gestures::GesturePrompts;
use crate::kinds::Kind;

/// The page skeleton.
const PAGE: &str = include_str!("page.html");

/// The capture section of a pending session's page (camera, upload fallback, script).
const CAPTURE: &str = include_str!("capture.html");

/// Status text of an expired session's page.
pub(crate) const EXPIRED_STATUS: &str = "This session has expired";

/// Status text of a finished session's page.
pub(crate) const FINISHED_STATUS: &str = "This session is already complete";

/// Which page to render.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PageView<'a> {
    /// A pending, unexpired session: the capture page.
    Pending {
        kind: &'static Kind,
        sid: &'a str,
        cancel_url: Option<&'a str>,
        /// The gestures to ask for (active liveness only).
        gestures: Option<&'a GesturePrompts>,
    },
    /// A finished session.
    Finished(&'static Kind),
    /// An expired session.
    Expired(&'static Kind),
    /// No such session.
    NotFound,
}

/// Escape text for HTML element content and quoted attribute values.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Serialize `value` as JSON that is safe inside a `<script>` element: `<`, `>`, `&` and the
/// JavaScript line terminators U+2028/U+2029 are written as `\u` escapes (they can only occur
/// inside JSON strings, where the escapes mean the same).
pub(crate) fn json_for_script(value: &serde_json::Value) -> String {
    let raw = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Replace each `{{name}}` of `template` with its value, in one pass: values are never
/// re-scanned, so they cannot inject placeholders. Unknown placeholders are left as they are.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 1024);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = &after[..end];
                match vars.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The ordered list of gestures an active liveness page asks for, each by its GLAIR code.
fn gesture_list(prompts: &GesturePrompts) -> String {
    let mut out = String::from(
        "<ol class=\"gestures\" id=\"gestures\" data-testid=\"gestures\" \
         aria-label=\"Gestures to make, in order\">\n",
    );
    for (code, prompt) in &prompts.listed {
        out.push_str(&format!(
            "  <li data-gesture=\"{code}\"><strong>{}</strong> <code>{code}</code></li>\n",
            escape_html(prompt),
            code = escape_html(code),
        ));
    }
    out.push_str("</ol>\n");
    let more = prompts.not_listed();
    if more > 0 {
        out.push_str(&format!(
            "<p class=\"hint\" data-testid=\"gestures-more\">Then {more} more: the same \
             gestures again, from the top.</p>\n"
        ));
    }
    out
}

/// Render a hosted page.
pub(crate) fn render(view: PageView<'_>) -> String {
    let (title, status, body) = match view {
        PageView::Pending {
            kind,
            sid,
            cancel_url,
            gestures,
        } => {
            let w = &kind.wording;
            let cancel = cancel_url.map_or_else(String::new, |url| {
                format!(
                    "<a class=\"button secondary\" id=\"cancel\" data-testid=\"cancel\" \
                     href=\"{}\">Back</a>",
                    escape_html(url)
                )
            });
            let config = json_for_script(&json!({
                "submit": format!("/{}/{}/submit", kind.page, sid),
                "subject": w.subject,
                "verify_label": w.verify_label,
                "expired_status": EXPIRED_STATUS,
                "finished_status": FINISHED_STATUS,
            }));
            let camera_class = if kind.service == "ocr" {
                "card"
            } else {
                "face"
            };
            let body = fill(
                CAPTURE,
                &[
                    ("instructions", &escape_html(w.instructions)),
                    ("gestures", &gestures.map(gesture_list).unwrap_or_default()),
                    ("subject", &escape_html(w.subject)),
                    ("verify_label", &escape_html(w.verify_label)),
                    ("camera_class", camera_class),
                    ("cancel", &cancel),
                    ("config", &config),
                ],
            );
            (w.title, "Starting the camera…", body)
        }
        PageView::Finished(kind) => (
            kind.wording.title,
            FINISHED_STATUS,
            "<p class=\"hint\">Nothing more to do here: you can close this page.</p>".to_owned(),
        ),
        PageView::Expired(kind) => (
            kind.wording.title,
            EXPIRED_STATUS,
            "<p class=\"hint\">Ask for a new verification link to try again.</p>".to_owned(),
        ),
        PageView::NotFound => (
            "Session not found",
            "Session not found",
            "<p class=\"hint\">Check the link you were given.</p>".to_owned(),
        ),
    };
    fill(
        PAGE,
        &[
            ("title", &escape_html(title)),
            ("status", &escape_html(status)),
            ("body", &body),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::KINDS;

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("plain ünïcode"), "plain ünïcode");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = json!({"u": "</script><script>alert(1)</script>&\u{2028}"});
        let s = json_for_script(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn fill_does_not_rescan_values() {
        assert_eq!(
            fill("a{{x}}b{{y}}c{{z}}", &[("x", "{{y}}"), ("y", "Y")]),
            "a{{y}}bYc{{z}}"
        );
        assert_eq!(fill("open {{ only", &[]), "open {{ only");
    }

    #[test]
    fn pending_page_has_controls_and_escapes_cancel() {
        let html = render(PageView::Pending {
            kind: &KINDS[0],
            sid: "abc",
            cancel_url: Some("https://x.example/?a=1&b=\"><script>"),
            gestures: None,
        });
        for id in [
            "data-testid=\"status\"",
            "data-testid=\"verify\"",
            "data-testid=\"upload\"",
            "data-testid=\"error\"",
            "data-testid=\"cancel\"",
            "getUserMedia",
            "toBlob",
            "image/jpeg",
            "/passive-liveness/abc/submit",
        ] {
            assert!(html.contains(id), "{id}");
        }
        assert!(html.contains("href=\"https://x.example/?a=1&amp;b=&quot;&gt;&lt;script&gt;\""));
        assert!(!html.contains("{{"), "unfilled placeholder");
        let no_cancel = render(PageView::Pending {
            kind: &KINDS[0],
            sid: "abc",
            cancel_url: None,
            gestures: None,
        });
        assert!(!no_cancel.contains("data-testid=\"cancel\""));
    }

    #[test]
    fn an_active_liveness_page_lists_the_gestures_by_code() {
        let prompts = GesturePrompts::for_session("abc", 2);
        let html = render(PageView::Pending {
            kind: &KINDS[1],
            sid: "abc",
            cancel_url: None,
            gestures: Some(&prompts),
        });
        assert!(html.contains("data-testid=\"gestures\""));
        for (code, prompt) in &prompts.listed {
            assert!(html.contains(&format!("data-gesture=\"{code}\"")), "{code}");
            assert!(html.contains(prompt), "{prompt}");
        }
        assert_eq!(html.matches("<li data-gesture=").count(), 2);
        assert!(!html.contains("gestures-more"));
        assert!(!html.to_lowercase().contains("blink"));
        let many = GesturePrompts::for_session("abc", 25);
        let html = render(PageView::Pending {
            kind: &KINDS[1],
            sid: "abc",
            cancel_url: None,
            gestures: Some(&many),
        });
        assert_eq!(html.matches("<li data-gesture=").count(), 19);
        assert!(html.contains("Then 6 more"));
    }

    #[test]
    fn final_pages_have_no_controls() {
        for (view, text) in [
            (PageView::Expired(&KINDS[2]), EXPIRED_STATUS),
            (PageView::Finished(&KINDS[2]), FINISHED_STATUS),
            (PageView::NotFound, "Session not found"),
        ] {
            let html = render(view);
            assert!(html.contains(text));
            assert!(!html.contains("data-testid=\"verify\""));
            assert!(!html.contains("data-testid=\"upload\""));
            assert!(!html.contains("<script"));
        }
    }
}
