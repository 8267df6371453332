//! Hostile and broken server responses, served raw over loopback: the SDK returns a clear
//! error (or a tolerant decode) and never panics, overflows its stack, or hangs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use glair::{Client, Error, RetryConfig, Tolerant as _, Verdict as _};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SID: &str = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";

/// Serves every connection with `head` then `body`; with `trickle`, the body goes one byte
/// every 50 ms and never ends.
async fn serve(head: String, body: Vec<u8>, trickle: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let (head, body) = (head.clone(), body.clone());
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(head.as_bytes()).await;
                if trickle {
                    loop {
                        if socket.write_all(b" ").await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                let _ = socket.write_all(&body).await;
            });
        }
    });
    format!("http://{addr}")
}

async fn respond_with(status: u16, body: Vec<u8>) -> String {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nrequest-id: hostile-1\r\nconnection: close\r\n\r\n",
        body.len()
    );
    serve(head, body, false).await
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_key("k")
        .username("u")
        .password("p")
        .attempt_timeout(Duration::from_millis(500))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

async fn retrieve(status: u16, body: Vec<u8>) -> Result<glair::PassiveLivenessSession, Error> {
    let base = respond_with(status, body).await;
    client(&base)
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
}

fn session(result: &str) -> Vec<u8> {
    format!(r#"{{"status":"FINISHED","expired":1,"url":"http://127.0.0.1/passive-liveness/{SID}","success_url":"https://a.example/","result":{result}}}"#).into_bytes()
}

#[tokio::test]
async fn non_utf8_bodies_are_errors_with_a_readable_excerpt() {
    let err = retrieve(200, vec![0xff, 0xfe, b'{', 0x80])
        .await
        .unwrap_err();
    let Error::Decode(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.body_excerpt().contains('\u{fffd}'));
    let err = retrieve(500, vec![0xff, 0xfe, 0x00, 0x07])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(!err.to_string().contains('\u{7}'));
}

#[tokio::test]
async fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let err = retrieve(200, session(&deep)).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    let err = retrieve(400, deep.into_bytes()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}

/// #22: out-of-range and wrong-typed values no longer fail the call. A score outside [0, 1]
/// is kept and leads to inconclusive; a member of the wrong type is listed by its path and
/// the verdict is never "live" on it.
#[tokio::test]
async fn out_of_range_and_wrong_typed_values_decode_and_are_never_live() {
    for score in ["1.0001", "-0.1"] {
        let result = format!(
            r#"{{"status":"success","result":{{"spoof_percentage":{score},"status":"LOW"}}}}"#
        );
        let s = retrieve(200, session(&result)).await.unwrap();
        assert!(s.unreadable_fields().is_empty(), "{result}: {s:?}");
        let verdict = s.verdict().expect("finished");
        assert_eq!(verdict.label(), "inconclusive", "{result}");
    }
    // A number sent as plain number text is read as that number.
    let s = retrieve(
        200,
        session(r#"{"status":"success","result":{"spoof_percentage":"0.02","status":"LOW"}}"#),
    )
    .await
    .unwrap();
    assert!(s.unreadable_fields().is_empty(), "{s:?}");
    assert!(s.verdict().expect("finished").is_live());
    for (result, path) in [
        (r#"{"status":7,"result":null}"#, "result.status"),
        (r#"[1,2,3]"#, "result"),
    ] {
        let s = retrieve(200, session(result)).await.unwrap();
        let paths: Vec<&str> = s.unreadable_fields().iter().map(|f| f.path()).collect();
        assert_eq!(paths, [path], "{result}");
        if let Some(verdict) = s.verdict() {
            assert!(!verdict.is_live(), "{result}: {verdict:?}");
        }
    }
    let body = format!(
        r#"{{"status":"PENDING","expired":-5,"url":"http://127.0.0.1/p/{SID}","success_url":"https://a.example/"}}"#
    );
    let s = retrieve(200, body.into_bytes()).await.unwrap();
    assert!(s.is_expired_at(std::time::SystemTime::now()));
    let body = format!(
        r#"{{"status":"PENDING","expired":1e40,"url":"http://127.0.0.1/p/{SID}","success_url":"https://a.example/"}}"#
    );
    let s = retrieve(200, body.into_bytes()).await.unwrap();
    let paths: Vec<&str> = s.unreadable_fields().iter().map(|f| f.path()).collect();
    assert_eq!(paths, ["expired"]);
}

#[tokio::test]
async fn duplicate_keys_are_refused() {
    let body = format!(
        r#"{{"status":"PENDING","status":"FINISHED","url":"http://127.0.0.1/p/{SID}","success_url":"https://a.example/"}}"#
    );
    let err = retrieve(200, body.into_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("duplicate field"), "{err}");
}

#[tokio::test]
async fn a_trickling_body_is_ended_by_the_attempt_timeout() {
    // Promises a megabyte, then sends one byte every 50 ms, forever.
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n"
            .to_owned();
    let base = serve(head, Vec::new(), true).await;
    let err = client(&base)
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}
