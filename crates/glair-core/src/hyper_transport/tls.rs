//! The rustls client configuration: which roots are trusted, and ALPN.
//!
//! Certificate verification is always rustls' webpki verifier over the chosen roots; nothing
//! here can turn it off. A caller who passes a whole [`rustls::ClientConfig`] decides its
//! verifier themselves (rustls keeps its own switch-off behind `dangerous()`).

use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::BuildError;

/// What the builder was told about TLS.
#[derive(Clone, Debug)]
pub(crate) struct TlsSettings {
    /// Trust the bundled Mozilla roots (webpki-roots). Default true.
    pub(crate) webpki_roots: bool,
    /// Trust the operating system's store (feature `native-roots`). Default true with the
    /// feature.
    #[cfg(feature = "native-roots")]
    pub(crate) native_roots: bool,
    /// Extra PEM bundles, each with one or more certificates.
    pub(crate) extra_pem: Vec<Vec<u8>>,
    /// A whole configuration that replaces all of the above.
    pub(crate) config: Option<Arc<rustls::ClientConfig>>,
}

impl Default for TlsSettings {
    fn default() -> Self {
        Self {
            webpki_roots: true,
            #[cfg(feature = "native-roots")]
            native_roots: true,
            extra_pem: Vec::new(),
            config: None,
        }
    }
}

fn tls_error(message: impl Into<String>) -> BuildError {
    BuildError::Tls {
        message: message.into(),
    }
}

/// Builds the client configuration (without ALPN: see below).
pub(crate) fn client_config(settings: &TlsSettings) -> Result<rustls::ClientConfig, BuildError> {
    let mut config = match &settings.config {
        Some(given) => {
            let customised = !settings.extra_pem.is_empty() || !settings.webpki_roots;
            #[cfg(feature = "native-roots")]
            let customised = customised || !settings.native_roots;
            if customised {
                return Err(tls_error(
                    "tls_config() replaces the root store: do not combine it with \
                     add_root_certificates_pem() or the built-in root switches",
                ));
            }
            (**given).clone()
        }
        None => {
            let roots = root_store(settings)?;
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| tls_error(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth()
        }
    };
    // hyper-rustls sets ALPN itself from the enabled HTTP versions (and refuses a config that
    // already has some), so a given config's own list is dropped here.
    config.alpn_protocols.clear();
    Ok(config)
}

fn root_store(settings: &TlsSettings) -> Result<RootCertStore, BuildError> {
    let mut roots = RootCertStore::empty();
    if settings.webpki_roots {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    #[cfg(feature = "native-roots")]
    if settings.native_roots {
        add_native_roots(&mut roots);
    }
    for (index, pem) in settings.extra_pem.iter().enumerate() {
        let which = index + 1;
        let mut found = 0usize;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| {
                tls_error(format!(
                    "root certificate bundle #{which} is not valid PEM: {e}"
                ))
            })?;
            roots.add(cert).map_err(|e| {
                tls_error(format!(
                    "root certificate bundle #{which} has a certificate that cannot be a trust anchor: {e}"
                ))
            })?;
            found += 1;
        }
        if found == 0 {
            return Err(tls_error(format!(
                "root certificate bundle #{which} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)"
            )));
        }
    }
    if roots.is_empty() {
        return Err(tls_error(
            "no trusted root certificates: the built-in roots are off and none were added",
        ));
    }
    Ok(roots)
}

/// Adds the operating system's roots. Unreadable individual certificates are skipped (a
/// store often holds a few that webpki cannot parse); the count is logged at DEBUG.
#[cfg(feature = "native-roots")]
fn add_native_roots(roots: &mut RootCertStore) {
    let loaded = rustls_native_certs::load_native_certs();
    for error in &loaded.errors {
        tracing::debug!(%error, "could not read part of the system certificate store");
    }
    let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
    tracing::debug!(added, ignored, "system root certificates");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_config_loses_its_alpn() {
        let mut given = client_config(&TlsSettings::default()).unwrap();
        given.alpn_protocols = vec![b"h2".to_vec()];
        let settings = TlsSettings {
            config: Some(Arc::new(given)),
            ..TlsSettings::default()
        };
        assert!(client_config(&settings).unwrap().alpn_protocols.is_empty());
        let mixed = TlsSettings {
            extra_pem: vec![b"x".to_vec()],
            ..settings
        };
        let err = client_config(&mixed).unwrap_err().to_string();
        assert!(err.contains("do not combine"), "{err}");
    }

    #[test]
    fn bad_pem_is_a_clear_error() {
        let settings = TlsSettings {
            extra_pem: vec![b"not a certificate".to_vec()],
            ..TlsSettings::default()
        };
        let err = client_config(&settings).unwrap_err().to_string();
        assert!(err.contains("bundle #1 holds no PEM certificate"), "{err}");

        let settings = TlsSettings {
            extra_pem: vec![
                b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".to_vec(),
            ],
            ..TlsSettings::default()
        };
        let err = client_config(&settings).unwrap_err().to_string();
        assert!(err.contains("bundle #1"), "{err}");
    }

    #[test]
    fn no_roots_at_all_is_refused() {
        let settings = TlsSettings {
            webpki_roots: false,
            #[cfg(feature = "native-roots")]
            native_roots: false,
            ..TlsSettings::default()
        };
        let err = client_config(&settings).unwrap_err().to_string();
        assert!(err.contains("no trusted root certificates"), "{err}");
    }

    #[cfg(feature = "native-roots")]
    #[test]
    fn the_system_store_alone_builds_or_says_it_is_empty() {
        let settings = TlsSettings {
            webpki_roots: false,
            ..TlsSettings::default()
        };
        // Whatever the machine's store holds, the outcome is a config or a clear error.
        match client_config(&settings) {
            Ok(_) => {}
            Err(e) => assert!(
                e.to_string().contains("no trusted root certificates"),
                "{e}"
            ),
        }
    }
}
