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

/// What an extra create field must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ExtraType {
    /// An integer ≥ 1.
    PositiveInteger,
    /// `true` or `false`.
    Boolean,
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
            ty: ExtraType::PositiveInteger,
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
            ty: ExtraType::Boolean,
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

    /// Validate the kind's extras in a create body; returns the ones given (to echo).
    /// A JSON `null` counts as absent.
    pub(crate) fn validate_extras(
        &self,
        body: &Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        for extra in self.extras {
            let Some(value) = body.get(extra.name) else {
                continue;
            };
            if value.is_null() {
                continue;
            }
            let ok = match extra.ty {
                ExtraType::PositiveInteger => value.as_u64().is_some_and(|n| n >= 1),
                ExtraType::Boolean => value.is_boolean(),
            };
            if !ok {
                let expected = match extra.ty {
                    ExtraType::PositiveInteger => "a positive integer",
                    ExtraType::Boolean => "a boolean",
                };
                return Err(format!("{} must be {expected}", extra.name));
            }
            out.insert(extra.name.to_owned(), value.clone());
        }
        Ok(out)
    }
}

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
    }
}

fn active_liveness_result(outcome: Outcome, extras: &Map<String, Value>) -> Value {
    let total = extras
        .get("number_of_gestures")
        .and_then(Value::as_u64)
        .unwrap_or(1);
    match outcome {
        Outcome::Live => {
            json!({"status": "success", "result": {"gestures_passed": total, "gestures_total": total, "status": "PASSED"}})
        }
        Outcome::Spoof => {
            json!({"status": "success", "result": {"gestures_passed": 0, "gestures_total": total, "status": "FAILED"}})
        }
        Outcome::NoFace => {
            json!({"status": "failed", "result": {"gestures_passed": 0, "gestures_total": total, "status": "face not detected"}})
        }
    }
}

fn ktp_result(outcome: Outcome, extras: &Map<String, Value>) -> Value {
    match outcome {
        Outcome::Live => {
            let mut result = json!({
                "nik": "3171011708900001",
                "nama": "BUDI SANTOSO",
                "tempat_lahir": "JAKARTA",
                "tanggal_lahir": "17-08-1990",
                "jenis_kelamin": "LAKI-LAKI",
                "golongan_darah": "O",
                "alamat": "JL. MERDEKA BARAT NO. 1",
                "rt_rw": "001/002",
                "kelurahan_desa": "GAMBIR",
                "kecamatan": "GAMBIR",
                "kota": "JAKARTA PUSAT",
                "provinsi": "DKI JAKARTA",
                "agama": "ISLAM",
                "status_perkawinan": "KAWIN",
                "pekerjaan": "KARYAWAN SWASTA",
                "kewarganegaraan": "WNI",
                "berlaku_hingga": "SEUMUR HIDUP"
            });
            if extras.get("qualities_detector") == Some(&Value::Bool(true)) {
                if let Some(obj) = result.as_object_mut() {
                    obj.insert(
                        "qualities".to_owned(),
                        json!({"is_blurred": false, "is_cropped": false, "is_dark": false,
                               "is_flash": false, "is_photocopy": false, "is_screen": false}),
                    );
                }
            }
            json!({"status": "success", "result": result})
        }
        Outcome::Spoof => json!({"status": "failed", "result": {"status": "document not genuine"}}),
        Outcome::NoFace => {
            json!({"status": "failed", "result": {"status": "document not detected"}})
        }
    }
}

fn npwp_result(outcome: Outcome, _extras: &Map<String, Value>) -> Value {
    match outcome {
        Outcome::Live => json!({"status": "success", "result": {
            "npwp": "01.234.567.8-901.000",
            "nama": "BUDI SANTOSO",
            "nik": "3171011708900001",
            "alamat": "JL. MERDEKA BARAT NO. 1 GAMBIR JAKARTA PUSAT DKI JAKARTA",
            "kpp": "KPP PRATAMA JAKARTA GAMBIR SATU",
            "tanggal_terdaftar": "01-02-2015"
        }}),
        Outcome::Spoof => json!({"status": "failed", "result": {"status": "document not genuine"}}),
        Outcome::NoFace => {
            json!({"status": "failed", "result": {"status": "document not detected"}})
        }
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
        assert_eq!(ok(json!({})).unwrap().len(), 0);
        assert_eq!(ok(json!({"number_of_gestures": null})).unwrap().len(), 0);
        assert_eq!(
            ok(json!({"number_of_gestures": 3})).unwrap()["number_of_gestures"],
            3
        );
        for bad in [json!(0), json!(-1), json!(1.5), json!("2"), json!(true)] {
            assert!(ok(json!({ "number_of_gestures": bad })).is_err());
        }
        let ktp = by_resource("ktp-sessions").unwrap();
        let ok = |v: Value| ktp.validate_extras(v.as_object().unwrap());
        assert!(ok(json!({"qualities_detector": true})).is_ok());
        assert!(ok(json!({"qualities_detector": "true"})).is_err());
    }

    #[test]
    fn fixtures_are_deterministic() {
        for kind in KINDS {
            for o in [Outcome::Live, Outcome::Spoof, Outcome::NoFace] {
                let a = (kind.fixture)(o, &Map::new());
                assert_eq!(a, (kind.fixture)(o, &Map::new()));
                assert!(a["status"] == "success" || a["status"] == "failed");
            }
        }
    }
}
