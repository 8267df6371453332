//! The upload commands — `face`, `identity`, `ocr` — and what they share: reading an image
//! option, sending through the SDK, and printing the answer with its verdict.
//!
//! Every command checks its input before credentials are read or anything is sent (a file
//! that is missing, too large, empty or of a format the endpoint does not take; a bad NIK or
//! date), so a mistake costs nothing: these calls are billed on receipt.

pub(crate) mod face;
pub(crate) mod identity;
pub(crate) mod ocr;
pub(crate) mod person;

use std::future::Future;
use std::path::PathBuf;

use clap::Args;
use glair::ocr::{KtpOcr, OcrResult, OcrVerdict, SimOcr};
use glair::types::{Endpoint, EndpointRequest};
use glair::{
    ActiveLivenessResult, Client, Decoded, Error, FaceMatchResponse, FaceVerificationResponse,
    IdentityVerificationResponse, ImageInput, PassiveLivenessResult, Verdict,
};
use serde_json::{Map, Value};

use crate::cli::Globals;
use crate::run::{EXIT_OK, Failure, Success, build_client, insert_verdict, read_env};

/// The output keys the CLI adds to an answer; the service's own keys of those names are
/// dropped, so they cannot pass for the CLI's judgement.
pub(crate) const VERDICT_KEYS: &[&str] = &["verdict", "verdict_reason"];

/// `--image FILE`, the one file of most upload commands.
#[derive(Debug, Args)]
pub(crate) struct ImageArg {
    /// The image to upload: JPEG or PNG (PDF or TIFF too where the command's description
    /// says so), at most 10 MiB. The format is read from the bytes, not the file name
    #[arg(long, value_name = "FILE")]
    pub(crate) image: PathBuf,
}

/// Reads the file given to option `flag` and checks it for `field` of `endpoint`; the
/// refusal names the option, the path and the problem.
pub(crate) fn read_image_for(
    flag: &str,
    path: &std::path::Path,
    endpoint: &Endpoint,
    field: &str,
) -> Result<ImageInput, Failure> {
    let image = glair::read_image(path).map_err(|e| match e {
        Error::File(e) => Failure::usage(format!("{flag} {e}")),
        other => Failure::from(other),
    })?;
    if let Some(field) = endpoint.file(field) {
        image
            .check_for(endpoint, field)
            .map_err(|e| Failure::usage(format!("{flag} {}: {}", path.display(), e.problem())))?;
    }
    Ok(image)
}

/// Checks every field of `request` (nothing is sent yet), then builds the client, runs `call`
/// with it and prints the answer. A verdict that is "no" (not matched, not read, …) is still
/// exit 0: the call succeeded, and the verdict in the JSON says what it found.
pub(crate) async fn send<R, T, F>(
    globals: &Globals,
    request: R,
    call: impl FnOnce(Client, R) -> F,
) -> Result<Success, Failure>
where
    R: EndpointRequest,
    T: Judged,
    F: Future<Output = Result<Decoded<T>, Error>>,
{
    // Building the body is the requests' one full check (the builders' `validate` is the same).
    request.body().map_err(Failure::usage)?;
    let client = build_client(globals, read_env)?;
    let answer = call(client, request).await?;
    Ok(Success {
        json: answer_json(&answer),
        exit: EXIT_OK,
        warnings: Vec::new(),
    })
}

/// The answer as GLAIR sent it (every field kept), plus `"verdict"` and, when there is one,
/// `"verdict_reason"`.
pub(crate) fn answer_json<T: Judged>(answer: &Decoded<T>) -> Map<String, Value> {
    let mut json = match answer.raw_value() {
        Ok(Value::Object(map)) => map,
        // A decoded answer is a JSON object; anything else is kept whole all the same.
        Ok(other) => Map::from_iter([("response".to_owned(), other)]),
        Err(_) => Map::new(),
    };
    for key in VERDICT_KEYS {
        json.remove(*key);
    }
    insert_verdict(&mut json, &answer.value().judge());
    json
}

/// An answer with a yes/no verdict, by the SDK's default policy for it.
pub(crate) trait Judged {
    /// The verdict type.
    type Verdict: Verdict;
    /// The verdict.
    fn judge(&self) -> Self::Verdict;
}

macro_rules! judged {
    ($($model:ty => $verdict:ty),+ $(,)?) => {
        $(
            impl Judged for $model {
                type Verdict = $verdict;
                fn judge(&self) -> $verdict {
                    self.verdict()
                }
            }
        )+
    };
}

judged! {
    FaceMatchResponse => glair::FaceMatchVerdict,
    PassiveLivenessResult => glair::LivenessVerdict,
    ActiveLivenessResult => glair::GestureVerdict,
    IdentityVerificationResponse => glair::IdentityVerdict,
    FaceVerificationResponse => glair::IdentityVerdict,
    KtpOcr => OcrVerdict,
    SimOcr => OcrVerdict,
}

impl<R: serde::Serialize> Judged for OcrResult<R> {
    type Verdict = OcrVerdict;
    fn judge(&self) -> OcrVerdict {
        self.verdict()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use glair::http::Response;
    use glair::ocr::KtpOcr;

    use super::*;

    fn decoded<T: glair::types::DecodeBody>(body: &str) -> Decoded<T> {
        let response = Response::builder()
            .status(200)
            .body(glair::bytes::Bytes::from(body.to_owned()))
            .unwrap();
        Decoded::from_response(&response).unwrap()
    }

    #[test]
    fn answers_keep_every_field_and_add_the_verdict() {
        let body = r#"{"status":"success","result":{"match_percentage":0.2,"match_status":"not match","match_status_code":"NOT_MATCH"},"extra":[1]}"#;
        let json = answer_json(&decoded::<FaceMatchResponse>(body));
        assert_eq!(json["verdict"], "not_matched");
        assert_eq!(json["extra"][0], 1);
        assert_eq!(json["result"]["match_percentage"], 0.2);

        let body = r#"{"status":"failed","result":{"match_status_code":"NO_FACE_CAPTURED_IMG"}}"#;
        let json = answer_json(&decoded::<FaceMatchResponse>(body));
        assert_eq!(json["verdict"], "inconclusive");
        assert!(json["verdict_reason"].is_string(), "{json:?}");
    }

    #[test]
    fn verdict_keys_sent_by_the_service_are_replaced() {
        let body = r#"{"status":"SUCCESS","reason":"File successfully read. Some fields are invalid.","read":{"nama":{"value":""}},"verdict":"read","verdict_reason":"trust me"}"#;
        let json = answer_json(&decoded::<KtpOcr>(body));
        assert_eq!(json["verdict"], "not_read");
        assert_ne!(json["verdict_reason"], "trust me");
        let body = r#"{"verification_status":true,"result":{"nik":true,"name":true,"date_of_birth":true},"verdict_reason":"x"}"#;
        let json = answer_json(&decoded::<IdentityVerificationResponse>(body));
        assert_eq!(json["verdict"], "verified");
        assert!(!json.contains_key("verdict_reason"));
    }
}
