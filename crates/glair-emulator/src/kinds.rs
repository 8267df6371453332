//! The table of hosted session kinds. Adding a kind means adding one entry to [`KINDS`].

use serde_json::{Map, Value};

use crate::config::Outcome;
use crate::fixtures::{self, ocr::Reading};

/// The only API version served.
pub(crate) const API_VERSION: &str = "v1";

/// One hosted session kind: its paths, extra create fields, result fixtures and page wording.
#[derive(Debug)]
pub(crate) struct Kind {
    /// First API path segment, e.g. `face`.
    pub(crate) service: &'static str,
    /// API resource name, e.g. `passive-liveness-sessions` (also used by the control endpoints
    /// and as the stats key).
    pub(crate) resource: &'static str,
    /// First segment of the hosted page path, e.g. `passive-liveness`.
    pub(crate) page: &'static str,
    /// Extra create fields, echoed in the session object when given.
    pub(crate) extras: &'static [Extra],
    /// The finished `result` for an outcome, given the session's (validated) extras.
    pub(crate) fixture: fn(Outcome, &Map<String, Value>) -> Value,
    /// How the hosted page talks about this kind.
    pub(crate) wording: Wording,
}

/// Kinds are identified by their (unique) resource name.
impl PartialEq for Kind {
    fn eq(&self, other: &Self) -> bool {
        self.resource == other.resource
    }
}

impl Eq for Kind {}

/// An extra create field of a kind.
#[derive(Debug)]
pub(crate) struct Extra {
    pub(crate) name: &'static str,
    pub(crate) ty: ExtraType,
}

/// What an extra create field must be, and its default. Every extra is echoed in the
/// session object, with its default when it was not sent (GLAIR does: the vendor's Java tests
/// read `number_of_gestures` 1 and `qualities_detector` false from sessions created without).
#[derive(Debug, Clone, Copy)]
pub(crate) enum ExtraType {
    /// An integer from 1 to `max`; a JSON number or a string of decimal digits (the Java SDK
    /// sends `"3"`).
    PositiveInteger { default: u64, max: u64 },
    /// A boolean; `true`/`false` or the strings `"true"`/`"false"` (the Java SDK's form).
    Boolean { default: bool },
}

impl ExtraType {
    /// The value in its documented JSON type, or `None` when it is not acceptable.
    fn normalize(self, value: &Value) -> Option<Value> {
        match self {
            ExtraType::PositiveInteger { max, .. } => {
                let n = match value {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s)
                        if !s.is_empty()
                            && s.len() <= 19
                            && s.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        s.parse::<u64>().ok()
                    }
                    _ => None,
                };
                n.filter(|n| (1..=max).contains(n)).map(Value::from)
            }
            ExtraType::Boolean { .. } => match value {
                Value::Bool(b) => Some(Value::Bool(*b)),
                Value::String(s) if s == "true" => Some(Value::Bool(true)),
                Value::String(s) if s == "false" => Some(Value::Bool(false)),
                _ => None,
            },
        }
    }

    fn default_value(self) -> Value {
        match self {
            ExtraType::PositiveInteger { default, .. } => Value::from(default),
            ExtraType::Boolean { default } => Value::Bool(default),
        }
    }

    fn expected(self) -> String {
        match self {
            ExtraType::PositiveInteger { max, .. } => {
                format!("an integer from 1 to {max} (a JSON number or a string of digits)")
            }
            ExtraType::Boolean { .. } => {
                "a boolean (true or false, or the string \"true\" or \"false\")".to_owned()
            }
        }
    }
}

/// Page wording for a kind.
#[derive(Debug)]
pub(crate) struct Wording {
    /// Document title and page heading.
    pub(crate) title: &'static str,
    /// The instructions shown above the camera.
    pub(crate) instructions: &'static str,
    /// What the picture must show, e.g. `your face`.
    pub(crate) subject: &'static str,
    /// Label of the capture button.
    pub(crate) verify_label: &'static str,
}

/// The most gestures an active-liveness session may ask for: one of each of GLAIR's 19
/// gesture codes. GLAIR's docs give no bound (they say only that the default is 1); without
/// one, a session could ask for billions of gestures that no page can show.
pub const MAX_GESTURES: u64 = 19;

/// All session kinds.
pub(crate) static KINDS: &[Kind] = &[
    Kind {
        service: "face",
        resource: "passive-liveness-sessions",
        page: "passive-liveness",
        extras: &[],
        fixture: passive_liveness_result,
        wording: Wording {
            title: "Passive liveness check",
            instructions: "Look straight at the camera with your face well lit and fully in the \
                           frame, then press Verify.",
            subject: "your face",
            verify_label: "Verify",
        },
    },
    Kind {
        service: "face",
        resource: "active-liveness-sessions",
        page: "active-liveness",
        extras: &[Extra {
            name: "number_of_gestures",
            ty: ExtraType::PositiveInteger {
                default: 1,
                max: MAX_GESTURES,
            },
        }],
        fixture: active_liveness_result,
        wording: Wording {
            title: "Active liveness check",
            instructions: "Look at the camera and make the gestures listed below, in order, \
                           then press Verify.",
            subject: "your face",
            verify_label: "Verify",
        },
    },
    Kind {
        service: "ocr",
        resource: "ktp-sessions",
        page: "ktp",
        extras: &[Extra {
            name: "qualities_detector",
            ty: ExtraType::Boolean { default: false },
        }],
        fixture: ktp_result,
        wording: Wording {
            title: "KTP photo",
            instructions: "Hold your KTP (Indonesian identity card) flat inside the frame so \
                           that all of the card is sharp and readable, then press Capture.",
            subject: "your KTP card",
            verify_label: "Capture",
        },
    },
    Kind {
        service: "ocr",
        resource: "npwp-sessions",
        page: "npwp",
        extras: &[],
        fixture: npwp_result,
        wording: Wording {
            title: "NPWP photo",
            instructions: "Hold your NPWP (Indonesian tax ID card) flat inside the frame so \
                           that all of the card is sharp and readable, then press Capture.",
            subject: "your NPWP card",
            verify_label: "Capture",
        },
    },
];

/// The kind whose API resource name is `resource`.
pub(crate) fn by_resource(resource: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.resource == resource)
}

/// The kind whose hosted page path starts with `/{page}/`.
pub(crate) fn by_page(page: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.page == page)
}

/// The kind served at `/{service}/{version}/{resource}`, whatever the version.
pub(crate) fn by_service_resource(service: &str, resource: &str) -> Option<&'static Kind> {
    KINDS
        .iter()
        .find(|k| k.service == service && k.resource == resource)
}

impl Kind {
    /// `/{service}/v1/{resource}`.
    pub(crate) fn api_path(&self) -> String {
        format!("/{}/{}/{}", self.service, API_VERSION, self.resource)
    }

    /// Validates the kind's extras in a create body and returns every extra in its documented
    /// type, defaults filled in (to echo). A JSON `null` counts as absent.
    pub(crate) fn validate_extras(
        &self,
        body: &Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        for extra in self.extras {
            let value = match body.get(extra.name) {
                None | Some(Value::Null) => extra.ty.default_value(),
                Some(given) => extra
                    .ty
                    .normalize(given)
                    .ok_or_else(|| format!("{} must be {}", extra.name, extra.ty.expected()))?,
            };
            out.insert(extra.name.to_owned(), value);
        }
        Ok(out)
    }
}

// The finished results: the same objects the direct endpoints answer (see `fixtures`).

fn passive_liveness_result(outcome: Outcome, _extras: &Map<String, Value>) -> Value {
    fixtures::face::passive_liveness(outcome)
}

fn active_liveness_result(outcome: Outcome, _extras: &Map<String, Value>) -> Value {
    fixtures::face::active_liveness(outcome, None)
}

fn ktp_result(outcome: Outcome, extras: &Map<String, Value>) -> Value {
    let qualities = extras.get("qualities_detector") == Some(&Value::Bool(true));
    fixtures::ocr::ktp(Reading::of(outcome), qualities)
}

fn npwp_result(outcome: Outcome, _extras: &Map<String, Value>) -> Value {
    fixtures::ocr::npwp(Reading::of(outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_unique_and_path_safe() {
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
                assert_ne!(a.resource, b.resource);
                assert_ne!(a.page, b.page);
            }
            assert!(a.page != "_emulator" && !a.page.contains('/'));
            assert!(by_resource(a.resource).is_some());
            assert!(by_page(a.page).is_some());
        }
    }

    #[test]
    fn extras_validation() {
        let active = by_resource("active-liveness-sessions").unwrap();
        let ok = |v: Value| active.validate_extras(v.as_object().unwrap());
        // Absent or null: the default, echoed.
        assert_eq!(ok(json!({})).unwrap()["number_of_gestures"], 1);
        assert_eq!(
            ok(json!({"number_of_gestures": null})).unwrap()["number_of_gestures"],
            1
        );
        // A number or a decimal string (the Java SDK's form), echoed as a number.
        assert_eq!(
            ok(json!({ "number_of_gestures": MAX_GESTURES })).unwrap()["number_of_gestures"],
            MAX_GESTURES
        );
        for given in [json!(3), json!("3")] {
            assert_eq!(
                ok(json!({ "number_of_gestures": given })).unwrap()["number_of_gestures"],
                3
            );
        }
        for bad in [
            json!(0),
            json!(-1),
            json!(1.5),
            json!("0"),
            json!("2.0"),
            json!(" 2"),
            json!("-1"),
            json!("99999999999999999999"),
            json!(MAX_GESTURES + 1),
            json!("20"),
            json!(u64::MAX),
            json!(""),
            json!(true),
            json!([1]),
        ] {
            let err = ok(json!({ "number_of_gestures": bad })).unwrap_err();
            assert!(err.contains("number_of_gestures"), "{err}");
        }
        let ktp = by_resource("ktp-sessions").unwrap();
        let ok = |v: Value| ktp.validate_extras(v.as_object().unwrap());
        assert_eq!(ok(json!({})).unwrap()["qualities_detector"], false);
        for (given, echoed) in [
            (json!(true), true),
            (json!("true"), true),
            (json!(false), false),
            (json!("false"), false),
        ] {
            assert_eq!(
                ok(json!({ "qualities_detector": given })).unwrap()["qualities_detector"],
                echoed
            );
        }
        for bad in [json!("TRUE"), json!("yes"), json!(1), json!("1")] {
            assert!(ok(json!({ "qualities_detector": bad })).is_err());
        }
    }

    #[test]
    fn fixtures_are_deterministic() {
        for kind in KINDS {
            for o in Outcome::ALL {
                let a = (kind.fixture)(o, &Map::new());
                assert_eq!(a, (kind.fixture)(o, &Map::new()));
                let status = a["status"].as_str().unwrap();
                assert!(
                    ["success", "failed", "SUCCESS", "FAILED"].contains(&status),
                    "{a}"
                );
            }
        }
    }
}
