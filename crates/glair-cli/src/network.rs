//! The transport the tool talks through: the proxy variables and the extra CA certificates.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use glair::net::HyperTransport;

use crate::run::Failure;

/// Extra CA certificate files when no `--ca-cert` is given: one path, or several separated
/// like `PATH` entries (`:`, `;` on Windows).
pub(crate) const CA_CERT_VAR: &str = "GLAIR_CA_CERT";

/// The hyper transport with the proxy variables read through `env` (as the library reads
/// them: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, either case) and the webpki
/// roots plus the certificates of `ca_certs` (or of `GLAIR_CA_CERT`).
pub(crate) fn transport(
    ca_certs: &[PathBuf],
    env: &impl Fn(&str) -> Result<Option<String>, Failure>,
) -> Result<HyperTransport, Failure> {
    let mut proxy_vars = HashMap::new();
    for name in HyperTransport::PROXY_ENV_VARS {
        if let Some(value) = env(name)? {
            proxy_vars.insert(name, value);
        }
    }
    let mut builder =
        HyperTransport::builder().proxy_env_source(move |name| proxy_vars.get(name).cloned());
    let from_env: Vec<PathBuf>;
    let paths = if ca_certs.is_empty() {
        from_env = env(CA_CERT_VAR)?
            .map(|v| {
                std::env::split_paths(&v)
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        &from_env[..]
    } else {
        ca_certs
    };
    for path in paths {
        builder = builder.add_root_certificates_pem(read_ca_cert(path)?);
    }
    builder.build().map_err(Failure::usage)
}

/// Reads one PEM file (a regular file of at most
/// [`MAX_CA_CERT_BYTES`](crate::cert_file::MAX_CA_CERT_BYTES)) and checks that it holds usable
/// certificates, naming the file if not.
fn read_ca_cert(path: &Path) -> Result<Vec<u8>, Failure> {
    let pem = crate::cert_file::read(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the CA certificate file {}: {e}",
            path.display()
        ))
    })?;
    HyperTransport::builder()
        .proxy_from_env(false)
        .webpki_roots(false)
        .add_root_certificates_pem(pem.clone())
        .build()
        .map_err(|e| {
            Failure::usage(format!(
                "the CA certificate file {} is not usable: {e}",
                path.display()
            ))
        })?;
    Ok(pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Result<Option<String>, Failure> {
        Ok(None)
    }

    #[test]
    fn unreadable_and_non_pem_files_are_usage_errors_naming_the_file() {
        let missing = PathBuf::from("/nonexistent/glair-ca.pem");
        let failure = transport(&[missing], &no_env).unwrap_err();
        assert_eq!(failure.exit, crate::run::EXIT_USAGE);
        assert!(
            failure.message.contains("/nonexistent/glair-ca.pem"),
            "{}",
            failure.message
        );

        let dir = std::env::temp_dir().join(format!("glair-cli-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let junk = dir.join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        let failure = transport(std::slice::from_ref(&junk), &no_env).unwrap_err();
        assert!(
            failure.message.contains("junk.pem is not usable"),
            "{}",
            failure.message
        );
        // The same file named by GLAIR_CA_CERT.
        let via_env =
            |name: &str| Ok((name == CA_CERT_VAR).then(|| junk.to_string_lossy().into_owned()));
        assert!(transport(&[], &via_env).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_bad_proxy_variable_is_a_usage_error_without_its_password() {
        let env = |name: &str| {
            Ok((name == "HTTPS_PROXY").then(|| "socks5://u:SECRET@127.0.0.1:1080".to_owned()))
        };
        let failure = transport(&[], &env).unwrap_err();
        assert_eq!(failure.exit, crate::run::EXIT_USAGE);
        assert!(
            failure.message.contains("HTTPS_PROXY"),
            "{}",
            failure.message
        );
        assert!(!failure.message.contains("SECRET"), "{}", failure.message);
    }
}
