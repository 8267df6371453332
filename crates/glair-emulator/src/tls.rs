//! HTTPS serving: the certificate (generated at start, or given), the rustls acceptor, and
//! one connection served as HTTP/2 or HTTP/1.1 by what ALPN chose.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http2;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use crate::config::EmulatorTls;
use crate::idle::Activity;
use crate::state::State;

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Concurrent HTTP/2 streams per connection.
const MAX_H2_STREAMS: u32 = 256;

/// The names the generated certificate is valid for.
const GENERATED_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A ready TLS acceptor and the PEM of the certificate chain it presents.
pub(crate) struct Tls {
    pub(crate) acceptor: TlsAcceptor,
    pub(crate) certificate_pem: String,
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

impl Tls {
    /// Builds the acceptor for `mode`: a fresh self-signed certificate for `localhost`,
    /// `127.0.0.1` and `::1`, or the given PEM chain and key.
    pub(crate) fn new(mode: &EmulatorTls) -> io::Result<Self> {
        let (certificate_pem, key_pem) = match mode {
            EmulatorTls::SelfSigned => {
                let names: Vec<String> = GENERATED_NAMES.iter().map(|n| (*n).to_owned()).collect();
                let generated = rcgen::generate_simple_self_signed(names).map_err(|e| {
                    io::Error::other(format!("cannot generate a TLS certificate: {e}"))
                })?;
                (generated.cert.pem(), generated.key_pair.serialize_pem())
            }
            EmulatorTls::Pem {
                certificate_chain,
                private_key,
            } => (
                String::from_utf8(certificate_chain.clone())
                    .map_err(|_| invalid("the TLS certificate is not UTF-8 PEM".to_owned()))?,
                String::from_utf8(private_key.clone())
                    .map_err(|_| invalid("the TLS private key is not UTF-8 PEM".to_owned()))?,
            ),
        };
        let chain = CertificateDer::pem_slice_iter(certificate_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(format!("the TLS certificate is not valid PEM: {e}")))?;
        if chain.is_empty() {
            return Err(invalid(
                "the TLS certificate file holds no -----BEGIN CERTIFICATE----- block".to_owned(),
            ));
        }
        // Never echo the key material in an error.
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|_| {
            invalid(
                "the TLS private key holds no usable PEM private key (PKCS#8, PKCS#1 or SEC1)"
                    .to_owned(),
            )
        })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| io::Error::other(format!("TLS setup failed: {e}")))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| invalid(format!("the TLS certificate and key do not fit: {e}")))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate_pem,
        })
    }
}

/// Serves one TLS connection: handshake (bounded), then HTTP/2 if ALPN chose `h2`, else
/// HTTP/1.1 exactly as on plain connections.
pub(crate) async fn serve_connection(stream: TcpStream, acceptor: TlsAcceptor, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "TLS handshake failed");
            return;
        }
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            return;
        }
    };
    let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
    if !h2 {
        crate::server::serve_http1(TokioIo::new(tls), state).await;
        return;
    }
    let mut stop = state.shutdown.clone();
    // hyper's HTTP/2 server has no idle timeout: the connection task closes the connection
    // once no stream has been in flight for the idle timeout (see `crate::idle`).
    let idle_timeout = state.limits.idle_timeout;
    let activity = Activity::new();
    let service = crate::server::counted_service(Arc::clone(&state), Arc::clone(&activity));
    let mut builder = http2::Builder::new(TokioExecutor::new());
    builder
        .timer(TokioTimer::new())
        .max_concurrent_streams(MAX_H2_STREAMS);
    let connection = builder.serve_connection(TokioIo::new(tls), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                tracing::trace!(error = %e, "HTTP/2 connection ended with an error");
            }
        }
        () = crate::server::stopped(&mut stop) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
        () = activity.idle_for_at_least(idle_timeout) => {
            tracing::trace!("closing an idle HTTP/2 connection");
            connection.as_mut().graceful_shutdown();
            // GOAWAY sent; a client that never reads it must not hold the slot either.
            let _ = tokio::time::timeout(idle_timeout, connection).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certificate_is_pem() {
        let tls = Tls::new(&EmulatorTls::SelfSigned).unwrap();
        assert!(
            tls.certificate_pem
                .starts_with("-----BEGIN CERTIFICATE-----")
        );
    }

    #[test]
    fn bad_material_is_a_clear_error() {
        let err = Tls::new(&EmulatorTls::Pem {
            certificate_chain: b"nope".to_vec(),
            private_key: b"-----BEGIN PRIVATE KEY-----\nSECRET\n-----END PRIVATE KEY-----\n"
                .to_vec(),
        })
        .err()
        .unwrap();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(
            err.to_string().contains("no -----BEGIN CERTIFICATE-----"),
            "{err}"
        );

        let good = Tls::new(&EmulatorTls::SelfSigned).unwrap();
        let err = Tls::new(&EmulatorTls::Pem {
            certificate_chain: good.certificate_pem.into_bytes(),
            private_key: b"-----BEGIN PRIVATE KEY-----\nSECRET\n-----END PRIVATE KEY-----\n"
                .to_vec(),
        })
        .err()
        .unwrap();
        assert!(err.to_string().contains("private key"), "{err}");
        assert!(!err.to_string().contains("SECRET"), "{err}");
    }
}
