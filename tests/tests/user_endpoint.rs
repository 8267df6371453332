//! An `EndpointRequest` written outside the SDK — as a user writes one for an endpoint GLAIR
//! adds before the SDK models it — sent with `Client::call` (and the blocking client's) to
//! glair-emulator over loopback: described by a `const` `Endpoint`, built, authenticated, sent
//! and decoded like the SDK's own requests, and repeated only as its description allows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use glair::Error;
use glair::bytes::Bytes;
use glair::types::{
    DecodeBody, Encoding, Endpoint, EndpointRequest, FileField, HttpMethod, ImageFormat,
    InvalidInput, JsonPathError, MultipartForm, RequestBody, decode_json_body,
};
use glair_integration_tests::Harness;
use serde_json::json;

/// The user's description of KTP OCR (`POST /ocr/v1/ktp`), written as if the SDK had none.
const MY_KTP: Endpoint = Endpoint::new("U1", "my KTP reader", HttpMethod::Post, "ocr", "ktp")
    .with_encoding(Encoding::Multipart)
    .with_files(&[FileField::new(
        "image",
        &[ImageFormat::Jpeg, ImageFormat::Png],
    )])
    .with_response("MyKtpAnswer");

/// The user's request: a KTP photo, sent as the `image` part.
#[derive(Debug)]
struct MyKtpRead {
    image: Bytes,
}

/// The same call, declared by its (hypothetical) author as safe to repeat.
#[derive(Debug)]
struct MyRepeatableKtpRead(MyKtpRead);

/// The user's model of the answer: only what the user needs, the rest stays in the raw JSON.
#[derive(Debug)]
struct MyKtpAnswer {
    status: String,
    read: serde_json::Value,
}

impl DecodeBody for MyKtpAnswer {
    fn decode_body(body: &Bytes) -> Result<Self, JsonPathError> {
        let mut json: serde_json::Value = decode_json_body(body)?;
        let Some(status) = json["status"].as_str().map(str::to_owned) else {
            return Err(JsonPathError::new("status", "expected a string"));
        };
        Ok(Self {
            status,
            read: json["read"].take(),
        })
    }
}

impl MyKtpRead {
    fn form(&self) -> Result<RequestBody, InvalidInput> {
        if self.image.is_empty() {
            return Err(InvalidInput::new("image", "is empty"));
        }
        let form = MultipartForm::new().file("image", "ktp.jpg", "image/jpeg", self.image.clone());
        Ok(RequestBody::Multipart(form))
    }
}

impl EndpointRequest for MyKtpRead {
    const ENDPOINT: &'static Endpoint = &MY_KTP;
    type Response = MyKtpAnswer;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        self.form()
    }
}

impl EndpointRequest for MyRepeatableKtpRead {
    const ENDPOINT: &'static Endpoint = &MY_KTP.with_repeat(glair::types::Repeat::Safe);
    type Response = MyKtpAnswer;

    fn body(&self) -> Result<RequestBody, InvalidInput> {
        self.0.form()
    }
}

fn ktp() -> MyKtpRead {
    MyKtpRead {
        image: Bytes::from_static(glair_examples::SELFIE_JPEG),
    }
}

fn sent(h: &Harness) -> u64 {
    h.stats()
        .requests
        .get("POST /ocr/v1/ktp")
        .copied()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_request_made_outside_the_sdk_is_sent_once_and_decoded() {
    let h = Harness::start().await;
    let answer = h.client().call(&ktp()).await.unwrap();
    assert_eq!(answer.value().status, "SUCCESS");
    assert_eq!(answer.value().read["nama"]["value"], "BUDI SANTOSO");
    assert!(answer.request_id().is_some());
    assert_eq!(answer.raw_value().unwrap()["read"], answer.value().read);
    assert_eq!(sent(&h), 1);
    assert_eq!(h.stats().vision_answered.get("O1"), Some(&1));
}

#[tokio::test]
async fn its_input_is_refused_before_anything_is_sent() {
    let h = Harness::start().await;
    let empty = MyKtpRead {
        image: Bytes::new(),
    };
    let err = h.client().call(&empty).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("image"), "{err}");
    assert_eq!(sent(&h), 0);
}

#[tokio::test]
async fn it_is_repeated_only_as_its_description_allows() {
    let h = Harness::start().await;
    let client = h.client();
    // `Endpoint::new` makes a POST charged on receipt: processed, then the connection is
    // cut, and the SDK does not send it again.
    h.fault(json!({"kind": "reset", "phase": "after", "route": "vision"}))
        .await;
    let err = client.call(&ktp()).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(sent(&h), 1);
    // The same call described as safe to repeat is sent again, and answered.
    h.fault(json!({"kind": "reset", "phase": "after", "route": "vision"}))
        .await;
    let answer = client.call(&MyRepeatableKtpRead(ktp())).await.unwrap();
    assert_eq!(answer.value().status, "SUCCESS");
    assert_eq!(sent(&h), 3);
}

#[tokio::test]
async fn the_blocking_client_sends_it_too() {
    let h = Harness::start().await;
    let builder = h.blocking_client_builder();
    let status = tokio::task::spawn_blocking(move || {
        let client = builder.build().unwrap();
        client.call(&ktp()).unwrap().into_value().status
    })
    .await
    .unwrap();
    assert_eq!(status, "SUCCESS");
    assert_eq!(sent(&h), 1);
}
