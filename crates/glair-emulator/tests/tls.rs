//! The binary's HTTPS mode: `--tls` (a certificate generated at start, written with
//! `--tls-cert-out`) and `--tls-cert`/`--tls-key`, announced as `listening on https://…`,
//! HTTP/2 or HTTP/1.1 by ALPN, verified by a real rustls client trusting only that root.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("glair-emulator-tls-{}-{name}", std::process::id()))
}

/// Starts the binary and returns it with the address from its `listening on https://` line.
fn start(args: &[&str]) -> (Guard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_glair-emulator"))
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("GLAIR_EMULATOR_ADDR")
        .env_remove("GLAIR_EMULATOR_TLS_CERT")
        .env_remove("GLAIR_EMULATOR_TLS_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let guard = Guard(child);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim_end()
        .strip_prefix("listening on https://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(
        addr.starts_with("127.0.0.1:") && addr != "127.0.0.1:0",
        "{addr}"
    );
    (guard, addr)
}

fn client(root_pem: &Path, alpn: &[&[u8]]) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(root_pem).unwrap();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// Handshakes as `name`; returns the negotiated ALPN protocol and, over HTTP/1.1, the status
/// line of `GET /` (unauthenticated: 401).
async fn probe(
    addr: &str,
    name: &str,
    root_pem: &Path,
    alpn: &[&[u8]],
) -> Result<(Option<Vec<u8>>, Option<String>), std::io::Error> {
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let server_name = ServerName::try_from(name.to_owned()).unwrap();
    let mut tls = client(root_pem, alpn).connect(server_name, tcp).await?;
    let negotiated = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
    if negotiated.as_deref() == Some(b"h2") {
        return Ok((negotiated, None));
    }
    tls.write_all(b"GET /face/v1/passive-liveness-sessions/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let mut response = String::new();
    tls.read_to_string(&mut response).await?;
    Ok((negotiated, response.lines().next().map(str::to_owned)))
}

#[tokio::test]
async fn generated_certificate_serves_h2_and_http1_by_alpn() {
    let cert = temp("generated.pem");
    let (_guard, addr) = start(&["--tls", "--tls-cert-out", cert.to_str().unwrap()]);
    let h2 = probe(&addr, "localhost", &cert, &[b"h2", b"http/1.1"])
        .await
        .unwrap();
    assert_eq!(h2.0.as_deref(), Some(&b"h2"[..]));
    let h1 = probe(&addr, "127.0.0.1", &cert, &[b"http/1.1"])
        .await
        .unwrap();
    assert_eq!(h1.0.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(h1.1.as_deref(), Some("HTTP/1.1 401 Unauthorized"));
    let no_alpn = probe(&addr, "127.0.0.1", &cert, &[]).await.unwrap();
    assert_eq!(no_alpn.0, None);
    assert_eq!(no_alpn.1.as_deref(), Some("HTTP/1.1 401 Unauthorized"));
    // The certificate names localhost and 127.0.0.1 only.
    let err = probe(&addr, "example.com", &cert, &[b"h2"])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not valid for name"), "{err}");
    let _ = std::fs::remove_file(cert);
}

#[tokio::test]
async fn a_given_certificate_and_key_are_served() {
    let generated = rcgen::generate_simple_self_signed(vec!["glair.test".to_owned()]).unwrap();
    let (cert, key) = (temp("given.pem"), temp("given.key"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.key_pair.serialize_pem()).unwrap();
    let (_guard, addr) = start(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let ok = probe(&addr, "glair.test", &cert, &[b"h2", b"http/1.1"])
        .await
        .unwrap();
    assert_eq!(ok.0.as_deref(), Some(&b"h2"[..]));
    let err = probe(&addr, "localhost", &cert, &[b"h2"])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not valid for name"), "{err}");
    let _ = std::fs::remove_file(cert);
    let _ = std::fs::remove_file(key);
}

#[test]
fn bad_tls_flags_fail_clearly() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_glair-emulator"))
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .env_remove("GLAIR_EMULATOR_TLS_CERT")
            .env_remove("GLAIR_EMULATOR_TLS_KEY")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.stdout,
        )
    };
    // --tls-cert-out needs --tls; --tls-cert needs --tls-key.
    let (code, stderr, _) = run(&["--tls-cert-out", "/tmp/x.pem"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, stderr, _) = run(&["--tls-cert", "/tmp/x.pem"]);
    assert_eq!(code, Some(2), "{stderr}");
    // A missing file, and a file that is no certificate: a message, no listening line.
    let (code, stderr, stdout) = run(&[
        "--tls-cert",
        "/nonexistent.pem",
        "--tls-key",
        "/nonexistent.key",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("cannot read the TLS certificate /nonexistent.pem"),
        "{stderr}"
    );
    assert!(stdout.is_empty());
    let junk = temp("junk.pem");
    std::fs::write(&junk, "junk").unwrap();
    let (code, stderr, _) = run(&[
        "--tls-cert",
        junk.to_str().unwrap(),
        "--tls-key",
        junk.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("no -----BEGIN CERTIFICATE-----"),
        "{stderr}"
    );
    let _ = std::fs::remove_file(junk);
}
