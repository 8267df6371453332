//! The table of hosted session kinds. Adding a kind means adding one entry to [`KINDS`].

use serde_json::{Map, Value, json};

use crate::config::Outcome;

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
    /// An integer ≥ 1; a JSON number or a string of decimal digits (the Java SDK sends `"3"`).
    PositiveInteger { default: u64 },
    /// A boolean; `true`/`false` or the strings `"true"`/`"false"` (the Java SDK's form).
    Boolean { default: bool },
}

impl ExtraType {
    /// The value in its documented JSON type, or `None` when it is not acceptable.
    fn normalize(self, value: &Value) -> Option<Value> {
        match self {
            ExtraType::PositiveInteger { .. } => {
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
                n.filter(|n| *n >= 1).map(Value::from)
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
            ExtraType::PositiveInteger { default } => Value::from(default),
            ExtraType::Boolean { default } => Value::Bool(default),
        }
    }

    fn expected(self) -> &'static str {
        match self {
            ExtraType::PositiveInteger { .. } => {
                "a positive integer (a JSON number or a string of digits)"
            }
            ExtraType::Boolean { .. } => {
                "a boolean (true or false, or the string \"true\" or \"false\")"
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
            ty: ExtraType::PositiveInteger { default: 1 },
        }],
        fixture: active_liveness_result,
        wording: Wording {
            title: "Active liveness check",
            instructions: "Look at the camera and follow the gesture prompts (for example turn \
                           your head or blink), then press Verify.",
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

// The finished results, in the shapes GLAIR documents (the facts file's §3.2, §3.3, §7.1 and
// §7.2: the vendor's live-tested key names and its documentation samples), with fixed data per
// outcome so tests can assert exact values. Where GLAIR documents no wording (the reason of a
// failed OCR read), the text is the emulator's own choice.

/// `{confidence, value}`, the OCR field object.
fn field(value: &str, confidence: u8) -> Value {
    json!({ "confidence": confidence, "value": value })
}

/// The reason GLAIR gives for a readable document.
const READ_OK: &str = "File Successfully Read";
/// The reason GLAIR gives for a picture of another kind of document (the plate docs' text).
const READ_INVALID: &str = "File successfully read. Some fields are invalid.";
/// The emulator's reason for a failed read (GLAIR documents no text for `FAILED`).
const READ_FAILED: &str = "File could not be read";

fn passive_liveness_result(outcome: Outcome, _extras: &Map<String, Value>) -> Value {
    match outcome {
        Outcome::Live => {
            json!({"status": "success", "result": {"spoof_percentage": 0.02611, "status": "LOW"}})
        }
        Outcome::Spoof => {
            json!({"status": "success", "result": {"spoof_percentage": 0.99768, "status": "HIGH"}})
        }
        Outcome::NoFace => {
            json!({"status": "failed", "result": {"spoof_percentage": 0, "status": "face not detected"}})
        }
        // The documentation's moderate sample.
        Outcome::Moderate => {
            json!({"status": "success", "result": {"spoof_percentage": 0.5678, "status": "MODERATE"}})
        }
        Outcome::ManyFaces => {
            json!({"status": "failed", "result": {"spoof_percentage": 0, "status": "too many faces detected"}})
        }
    }
}

fn active_liveness_result(outcome: Outcome, _extras: &Map<String, Value>) -> Value {
    match outcome {
        Outcome::Live => json!({"status": "success",
            "result": {"gesture_status": "MATCH", "detected_gesture": "HEAD_LEFT"}}),
        Outcome::Spoof => json!({"status": "success",
            "result": {"gesture_status": "NOT_MATCH", "detected_gesture": "HEAD_RIGHT"}}),
        Outcome::NoFace => json!({"status": "failed",
            "result": {"gesture_status": "face not detected", "detected_gesture": null}}),
        Outcome::Moderate => json!({"status": "success",
            "result": {"gesture_status": "hand not detected", "detected_gesture": null}}),
        Outcome::ManyFaces => json!({"status": "failed",
            "result": {"gesture_status": "too many faces detected", "detected_gesture": null}}),
    }
}

/// How well a document was read, by outcome.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Every field read with high confidence.
    Full,
    /// Every field read, each with confidence 60 (an uncertain read).
    Low,
    /// Every field empty with confidence 0: a picture of something else.
    Empty,
}

impl Reading {
    fn of(outcome: Outcome) -> Option<Self> {
        match outcome {
            Outcome::Live => Some(Reading::Full),
            Outcome::Moderate => Some(Reading::Low),
            Outcome::Spoof => Some(Reading::Empty),
            Outcome::NoFace | Outcome::ManyFaces => None,
        }
    }

    /// The `read` object of `fields` (key, value, confidence) read this well.
    fn read(self, fields: &[(&str, &str, u8)]) -> Value {
        let mut read = Map::new();
        for &(key, value, confidence) in fields {
            let field = match self {
                Reading::Full => field(value, confidence),
                Reading::Low => field(value, 60),
                Reading::Empty => field("", 0),
            };
            read.insert(key.to_owned(), field);
        }
        Value::Object(read)
    }

    fn reason(self) -> &'static str {
        match self {
            Reading::Full | Reading::Low => READ_OK,
            Reading::Empty => READ_INVALID,
        }
    }
}

/// The 17 fields of the emulator's KTP.
const KTP_FIELDS: [(&str, &str, u8); 17] = [
    ("nik", "3171011708900001", 99),
    ("nama", "BUDI SANTOSO", 99),
    ("tempatLahir", "JAKARTA", 98),
    ("tanggalLahir", "17-08-1990", 98),
    ("jenisKelamin", "LAKI-LAKI", 99),
    ("golonganDarah", "O", 95),
    ("alamat", "JL. MERDEKA BARAT NO. 1", 97),
    ("rtRw", "001/002", 96),
    ("kelurahanDesa", "GAMBIR", 97),
    ("kecamatan", "GAMBIR", 98),
    ("kotaKabupaten", "JAKARTA PUSAT", 98),
    ("provinsi", "DKI JAKARTA", 99),
    ("agama", "ISLAM", 98),
    ("statusPerkawinan", "KAWIN", 97),
    ("pekerjaan", "KARYAWAN SWASTA", 96),
    ("kewarganegaraan", "WNI", 99),
    ("berlakuHingga", "SEUMUR HIDUP", 99),
];

/// The vendor documentation's NPWP sample, its data verbatim.
const NPWP_FIELDS: [(&str, &str, u8); 4] = [
    (
        "alamat",
        "JL. PELELANGAN IKAN NO. RT.002 RW.002\nKEL.MA,JAKERTA KEC.BALONGAN\nINDRAMAYU, JAWA BARAT",
        97,
    ),
    ("nama", "BERSATU", 99),
    ("nik", "", 0),
    ("noNpwp", "70.943.997.0-437.000", 99),
];

/// A 1×1 JPEG and PNG, base64: the cropped photo and signature.
const PHOTO_B64: &str = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==";
const SIGN_B64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";

fn ktp_result(outcome: Outcome, extras: &Map<String, Value>) -> Value {
    let Some(reading) = Reading::of(outcome) else {
        return json!({"status": "FAILED", "reason": READ_FAILED});
    };
    let images = match reading {
        Reading::Empty => json!({"photo": "", "sign": ""}),
        Reading::Full | Reading::Low => json!({"photo": PHOTO_B64, "sign": SIGN_B64}),
    };
    let mut result = json!({"status": "SUCCESS", "reason": reading.reason(),
        "read": reading.read(&KTP_FIELDS), "images": images});
    if extras.get("qualities_detector") == Some(&Value::Bool(true)) {
        let is_ktp = reading != Reading::Empty;
        if let Some(obj) = result.as_object_mut() {
            obj.insert(
                "qualities".to_owned(),
                json!({"is_blurred": reading == Reading::Low, "is_bright": false,
                       "is_copy": !is_ktp, "is_cropped": false, "is_dark": false,
                       "is_flash": false, "is_ktp": is_ktp, "is_rotated": false}),
            );
        }
    }
    result
}

fn npwp_result(outcome: Outcome, _extras: &Map<String, Value>) -> Value {
    match Reading::of(outcome) {
        Some(reading) => json!({"status": "SUCCESS", "reason": reading.reason(),
            "read": reading.read(&NPWP_FIELDS)}),
        None => json!({"status": "FAILED", "reason": READ_FAILED}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
