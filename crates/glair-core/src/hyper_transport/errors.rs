//! How a failed request becomes a [`TransportError`]: which side failed (proxy or origin),
//! which stage (connect, tunnel, TLS, after the request left) and the deepest cause's message.

use std::error::Error as StdError;

use super::connector::{ConnectError, ProxyProblem};
use crate::error::{TransportError, TransportErrorKind};

/// Maps the pooled client's error for a request to `host`, sent through the proxy `via`
/// (`host:port`) if any. Messages name hosts and proxies, never credentials.
pub(super) fn map_error(
    error: hyper_util::client::legacy::Error,
    host: &str,
    via: Option<&str>,
) -> TransportError {
    let detail = innermost_message(&error);
    let through = via.map_or_else(String::new, |p| format!(" through proxy {p}"));
    let mapped = match find_cause::<ConnectError>(&error) {
        Some(ConnectError::Timeout(limit)) => TransportError::connect_timeout(format!(
            "could not connect to {host}{through} within {limit:?}"
        )),
        Some(ConnectError::Proxy {
            proxy,
            problem: ProxyProblem::AuthRequired,
            ..
        }) => TransportError::new(
            TransportErrorKind::ProxyAuth,
            format!(
                "proxy {proxy} refused the tunnel to {host}: 407 Proxy Authentication Required (check the user and password in the proxy URL)"
            ),
        )
        .at_proxy(),
        Some(ConnectError::Proxy {
            proxy,
            problem: ProxyProblem::Unreachable,
            ..
        }) => TransportError::new(
            TransportErrorKind::Connect,
            format!("could not connect to proxy {proxy} (for {host}): {detail}"),
        )
        .at_proxy(),
        Some(e @ ConnectError::Proxy { .. }) => {
            let text = e.to_string();
            TransportError::new(
                TransportErrorKind::Connect,
                format!("{text} (destination {host})"),
            )
            .at_proxy()
        }
        _ if is_tls_error(&error) => TransportError::new(
            TransportErrorKind::Tls,
            format!("TLS with {host}{through} failed: {detail}"),
        ),
        _ if error.is_connect() => TransportError::new(
            TransportErrorKind::Connect,
            format!("could not connect to {host}{through}: {detail}"),
        ),
        _ => TransportError::new(
            TransportErrorKind::Io,
            format!("request to {host}{through} failed: {detail}"),
        ),
    };
    mapped.with_source(error)
}

#[cfg_attr(not(feature = "rustls"), allow(dead_code))]
/// Visits `error` and its causes (looking inside `io::Error`s, whose `source` skips the
/// wrapped error), at most 32 deep. Returns true as soon as `f` does.
fn any_cause(
    error: &(dyn StdError + 'static),
    mut f: impl FnMut(&(dyn StdError + 'static)) -> bool,
) -> bool {
    let mut current = Some(error);
    let mut depth = 0;
    while let Some(e) = current {
        if f(e) {
            return true;
        }
        depth += 1;
        if depth > 32 {
            break;
        }
        current = next_cause(e);
    }
    false
}

/// The first of `error` and its causes that is a `T` (at most 32 deep).
fn find_cause<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(error);
    for _ in 0..32 {
        let e = current?;
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = next_cause(e);
    }
    None
}

fn next_cause<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    if let Some(io) = error.downcast_ref::<std::io::Error>() {
        if let Some(inner) = io.get_ref() {
            return Some(inner as &(dyn StdError + 'static));
        }
    }
    error.source()
}

/// The message of the deepest cause (such as "Connection refused (os error 111)").
pub(super) fn innermost_message(error: &(dyn StdError + 'static)) -> String {
    let mut last = error;
    for _ in 0..32 {
        match next_cause(last) {
            Some(next) => last = next,
            None => break,
        }
    }
    last.to_string()
}

#[cfg(feature = "rustls")]
fn is_tls_error(error: &(dyn StdError + 'static)) -> bool {
    any_cause(error, |e| e.is::<rustls::Error>())
}

#[cfg(not(feature = "rustls"))]
fn is_tls_error(_error: &(dyn StdError + 'static)) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cause_walk_looks_inside_io_errors() {
        #[derive(Debug)]
        struct Leaf;
        impl std::fmt::Display for Leaf {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("leaf")
            }
        }
        impl StdError for Leaf {}
        let io = std::io::Error::other(Leaf);
        assert!(any_cause(&io, |e| e.is::<Leaf>()));
        assert_eq!(innermost_message(&io), "leaf");
    }
}
