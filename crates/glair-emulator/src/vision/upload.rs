//! A Vision request checked against its endpoint's description: every file part present, of an
//! accepted format (read from the bytes, never from a file name or a declared type), every
//! required text field present, and the few text fields with a fixed vocabulary valid.
//!
//! Errors, in the order they are checked, each with its answer:
//! - a file part missing or empty → `400 {"status": "NO_FILE", "reason": "No file in request
//!   body …"}` (the documented OCR answer; the emulator gives it on every endpoint with a file);
//! - a file of a format the endpoint does not take → `415 {"status": "FILE_INVALID_FORMAT",
//!   "reason": …}` (the documented status; its reason text is cut off in the facts, so the
//!   emulator's names the field, what the bytes are and what is accepted);
//! - a required text field missing or blank, a field given twice, or an invalid
//!   `gesture-code` (not one of the 19 codes), BPKB `page` (not 1–4) or general-document
//!   `table` (not `true`/`false`) → `400 {"message": …}` (GLAIR documents only "missing
//!   required parameter" for 400; the body is the emulator's usual error shape).
//!
//! Values are otherwise not judged (a NIK need not have 16 digits): the answer comes from the
//! selected outcome, not from the data.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use glair_types::{Detected, Endpoint, GestureCode, sniff};
use serde_json::{Value, json};

use super::form::{FormPart, MAX_FILE_PART, MAX_TEXT_PART};
use crate::fixtures::ocr_docs::OcrOptions;

/// A request's files and text fields, by name, once checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Upload {
    endpoint: Option<&'static Endpoint>,
    files: Vec<(String, Bytes)>,
    texts: Vec<(String, String)>,
}

/// Why a request was refused: status and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refusal {
    pub(crate) status: http::StatusCode,
    pub(crate) body: Value,
}

impl Refusal {
    fn no_file(detail: &str) -> Self {
        Refusal {
            status: http::StatusCode::BAD_REQUEST,
            body: json!({"status": "NO_FILE", "reason": format!("No file in request body ({detail})")}),
        }
    }

    fn invalid_format(reason: &str) -> Self {
        Refusal {
            status: http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            body: json!({"status": "FILE_INVALID_FORMAT", "reason": reason}),
        }
    }

    pub(crate) fn bad_request(message: &str) -> Self {
        Refusal {
            status: http::StatusCode::BAD_REQUEST,
            body: json!({ "message": message }),
        }
    }
}

impl Upload {
    /// From the parts of a multipart form.
    pub(crate) fn from_form(
        endpoint: &'static Endpoint,
        parts: Vec<FormPart>,
    ) -> Result<Self, Refusal> {
        let mut upload = Upload {
            endpoint: Some(endpoint),
            ..Upload::default()
        };
        for part in parts {
            if endpoint.file(&part.name).is_some() {
                upload.add_file(part.name, part.body)?;
            } else if endpoint.text_fields.iter().any(|t| t.name == part.name) {
                // UTF-8 was checked by the parser for every text part.
                let text = String::from_utf8_lossy(&part.body).into_owned();
                upload.add_text(part.name, text)?;
            }
            // Other parts are ignored, as a lenient service would (the Postman collection
            // sends a stray `gesture-code` to passive liveness).
        }
        upload.check()?;
        Ok(upload)
    }

    /// From the JSON-base64 body of a face match (the Java SDK's form): an object whose file
    /// fields are base64 strings without a `data:` prefix.
    pub(crate) fn from_json(endpoint: &'static Endpoint, body: &[u8]) -> Result<Self, Refusal> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| Refusal::bad_request(&format!("request body is not valid JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(Refusal::bad_request("request body must be a JSON object"));
        };
        let mut upload = Upload {
            endpoint: Some(endpoint),
            ..Upload::default()
        };
        for field in endpoint.files {
            match object.get(field.name) {
                None | Some(Value::Null) => {}
                Some(Value::String(b64)) => {
                    if b64.len() > MAX_FILE_PART.div_ceil(3) * 4 + 4 {
                        return Err(Refusal {
                            status: http::StatusCode::PAYLOAD_TOO_LARGE,
                            body: json!({"message": format!(
                                "{} is larger than {MAX_FILE_PART} bytes", field.name)}),
                        });
                    }
                    let bytes = STANDARD.decode(b64.trim()).map_err(|_| {
                        Refusal::bad_request(&format!(
                            "{} is not valid base64 (plain base64 without a \"data:\" prefix)",
                            field.name
                        ))
                    })?;
                    upload.add_file(field.name.to_owned(), Bytes::from(bytes))?;
                }
                Some(_) => {
                    return Err(Refusal::bad_request(&format!(
                        "{} must be a base64 string",
                        field.name
                    )));
                }
            }
        }
        for field in endpoint.text_fields {
            match object.get(field.name) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if s.len() <= MAX_TEXT_PART => {
                    upload.add_text(field.name.to_owned(), s.clone())?;
                }
                Some(_) => {
                    return Err(Refusal::bad_request(&format!(
                        "{} must be a string of at most {MAX_TEXT_PART} bytes",
                        field.name
                    )));
                }
            }
        }
        upload.check()?;
        Ok(upload)
    }

    fn add_file(&mut self, name: String, body: Bytes) -> Result<(), Refusal> {
        if self.files.iter().any(|(n, _)| *n == name) {
            return Err(Refusal::bad_request(&format!(
                "file field {name} given twice"
            )));
        }
        self.files.push((name, body));
        Ok(())
    }

    fn add_text(&mut self, name: String, text: String) -> Result<(), Refusal> {
        if self.texts.iter().any(|(n, _)| *n == name) {
            return Err(Refusal::bad_request(&format!("field {name} given twice")));
        }
        self.texts.push((name, text));
        Ok(())
    }

    /// The checks of the module docs, in their order.
    fn check(&self) -> Result<(), Refusal> {
        let Some(endpoint) = self.endpoint else {
            return Ok(());
        };
        for field in endpoint.files {
            match self.file(field.name) {
                None => return Err(Refusal::no_file(&format!("no {} part", field.name))),
                Some([]) => {
                    return Err(Refusal::no_file(&format!("{} is empty", field.name)));
                }
                Some(_) => {}
            }
        }
        for field in endpoint.files {
            let detected = sniff(self.file(field.name).unwrap_or_default());
            let accepted = matches!(detected, Detected::Known(f) if field.accepts.contains(&f));
            if !accepted {
                let names: Vec<&str> = field.accepts.iter().map(|f| f.name()).collect();
                return Err(Refusal::invalid_format(&format!(
                    "File format is not supported: {} is {detected}; {} accepts {}",
                    field.name,
                    endpoint.name,
                    names.join(", ")
                )));
            }
        }
        for field in endpoint.text_fields.iter().filter(|f| f.required) {
            if self.text(field.name).is_none_or(|t| t.trim().is_empty()) {
                return Err(Refusal::bad_request(&format!(
                    "missing required field {} ({} needs {})",
                    field.name,
                    endpoint.name,
                    required_list(endpoint)
                )));
            }
        }
        for (name, value) in &self.texts {
            check_value(name, value).map_err(|m| Refusal::bad_request(&m))?;
        }
        Ok(())
    }

    fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| &b[..])
    }

    /// The text field `name`, when sent.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }

    /// The endpoint's text fields that were sent (non-blank), in the catalog's order.
    pub(crate) fn sent_text_fields(&self) -> Vec<&'static str> {
        self.endpoint
            .map(|e| e.text_fields)
            .unwrap_or_default()
            .iter()
            .filter(|f| self.text(f.name).is_some_and(|t| !t.trim().is_empty()))
            .map(|f| f.name)
            .collect()
    }

    /// The OCR options sent (validated by [`check_value`]).
    pub(crate) fn ocr_options(&self) -> OcrOptions {
        OcrOptions {
            page: self.text("page").and_then(|p| p.trim().parse().ok()),
            table: self.text("table").is_some_and(|t| t.trim() == "true"),
        }
    }

    /// A request with the usual text fields, for the fixture tests.
    #[cfg(test)]
    pub(crate) fn sample() -> Self {
        Upload {
            endpoint: Some(&glair_types::endpoints::IDENTITY_VERIFICATION),
            files: Vec::new(),
            texts: vec![
                ("nik".into(), "3171011708900001".into()),
                ("name".into(), "BUDI SANTOSO".into()),
                ("date_of_birth".into(), "17-08-1990".into()),
                ("gesture-code".into(), "HAND_01100".into()),
            ],
        }
    }
}

fn required_list(endpoint: &Endpoint) -> String {
    let names: Vec<&str> = endpoint
        .text_fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    names.join(", ")
}

/// The fields with a fixed vocabulary; others are free text.
fn check_value(name: &str, value: &str) -> Result<(), String> {
    let value = value.trim();
    match name {
        "gesture-code" if !GestureCode::ALL.iter().any(|c| c.as_str() == value) => Err(format!(
            "gesture-code must be one of the 19 gesture codes ({})",
            GestureCode::ALL
                .iter()
                .map(GestureCode::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        "page" if !matches!(value, "1" | "2" | "3" | "4") => {
            Err("page must be 1, 2, 3 or 4 (the BPKB's pages)".to_owned())
        }
        "table" if !matches!(value, "true" | "false") => {
            Err("table must be true or false".to_owned())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glair_types::endpoints;

    fn part(name: &str, body: &[u8]) -> FormPart {
        FormPart {
            name: name.into(),
            filename: Some("blob".into()),
            body: Bytes::copy_from_slice(body),
        }
    }

    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0 jpeg";

    #[test]
    fn checks_in_order() {
        let e = &endpoints::ACTIVE_LIVENESS;
        let no_file = Upload::from_form(e, vec![part("gesture-code", b"HEAD_UP")]).unwrap_err();
        assert_eq!(no_file.status, 400);
        assert_eq!(no_file.body["status"], "NO_FILE");
        let empty = Upload::from_form(e, vec![part("image", b"")]).unwrap_err();
        assert_eq!(empty.body["status"], "NO_FILE");
        let gif = Upload::from_form(e, vec![part("image", b"GIF89a...")]).unwrap_err();
        assert_eq!(gif.status, 415);
        assert!(
            gif.body["reason"].as_str().unwrap().contains("GIF"),
            "{}",
            gif.body
        );
        let missing = Upload::from_form(e, vec![part("image", JPEG)]).unwrap_err();
        assert!(
            missing.body["message"]
                .as_str()
                .unwrap()
                .contains("gesture-code")
        );
        let bad = Upload::from_form(e, vec![part("image", JPEG), part("gesture-code", b"WAVE")])
            .unwrap_err();
        assert!(
            bad.body["message"]
                .as_str()
                .unwrap()
                .contains("19 gesture codes")
        );
        let twice =
            Upload::from_form(e, vec![part("image", JPEG), part("image", JPEG)]).unwrap_err();
        assert!(twice.body["message"].as_str().unwrap().contains("twice"));
        let ok = Upload::from_form(
            e,
            vec![
                part("image", JPEG),
                part("gesture-code", b"HEAD_UP"),
                part("other", b"x"),
            ],
        )
        .unwrap();
        assert_eq!(ok.text("gesture-code"), Some("HEAD_UP"));
    }

    #[test]
    fn formats_follow_the_catalog() {
        let pdf = b"%PDF-1.7";
        assert!(Upload::from_form(&endpoints::OCR_NPWP, vec![part("image", pdf)]).is_ok());
        let ktp = Upload::from_form(&endpoints::OCR_KTP, vec![part("image", pdf)]).unwrap_err();
        assert_eq!(ktp.status, 415);
        assert!(
            Upload::from_form(
                &endpoints::OCR_BPKB,
                vec![part("image", pdf), part("page", b"5")]
            )
            .is_err()
        );
        let page = Upload::from_form(
            &endpoints::OCR_BPKB,
            vec![part("image", pdf), part("page", b"2")],
        )
        .unwrap();
        assert_eq!(page.ocr_options().page, Some(2));
    }

    #[test]
    fn json_base64_face_match() {
        let e = &endpoints::FACE_MATCH;
        let b64 = STANDARD.encode(JPEG);
        let body = json!({"captured_image": b64, "stored_image": b64}).to_string();
        assert!(Upload::from_json(e, body.as_bytes()).is_ok());
        let prefixed =
            json!({"captured_image": format!("data:image/jpeg;base64,{b64}"), "stored_image": b64});
        let err = Upload::from_json(e, prefixed.to_string().as_bytes()).unwrap_err();
        assert!(err.body["message"].as_str().unwrap().contains("data:"));
        let missing = json!({"captured_image": b64}).to_string();
        assert_eq!(
            Upload::from_json(e, missing.as_bytes()).unwrap_err().body["status"],
            "NO_FILE"
        );
        for bad in ["[]", "{", "{\"captured_image\": 1, \"stored_image\": \"\"}"] {
            assert_eq!(
                Upload::from_json(e, bad.as_bytes()).unwrap_err().status,
                400,
                "{bad}"
            );
        }
    }
}
