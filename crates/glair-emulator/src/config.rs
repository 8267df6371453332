//! Configuration of an emulator: address, credentials, outcome, public URL.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;

use crate::{DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME};

/// How a session ends when it is completed without an explicit outcome (by the hosted page's
/// submit, or by the control endpoint without a body).
///
/// Parses from (and displays as) `"live"`, `"spoof"`, `"no-face"`, `"moderate"` or
/// `"many-faces"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Outcome {
    /// A live person (passive liveness: spoof level `LOW`; active liveness: `MATCH`; OCR
    /// kinds: a readable card).
    #[default]
    Live,
    /// A spoof attempt (passive liveness: spoof level `HIGH`; active liveness: `NOT_MATCH`; OCR
    /// kinds: a picture of something else, read with every field empty).
    Spoof,
    /// Nothing usable in the picture (liveness: `face not detected`; OCR kinds: `FAILED`).
    NoFace,
    /// An uncertain check (passive liveness: `MODERATE`, the documentation's 0.5678; active
    /// liveness: `hand not detected`; OCR kinds: a readable card read with low confidence).
    Moderate,
    /// More than one face in the picture (liveness: `too many faces detected`; OCR kinds:
    /// `FAILED`).
    ManyFaces,
}

impl Outcome {
    /// Every outcome, in the order the docs list them.
    pub const ALL: [Outcome; 5] = [
        Outcome::Live,
        Outcome::Spoof,
        Outcome::NoFace,
        Outcome::Moderate,
        Outcome::ManyFaces,
    ];

    /// The wire name: `"live"`, `"spoof"`, `"no-face"`, `"moderate"` or `"many-faces"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Live => "live",
            Outcome::Spoof => "spoof",
            Outcome::NoFace => "no-face",
            Outcome::Moderate => "moderate",
            Outcome::ManyFaces => "many-faces",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Outcome {
    type Err = ParseOutcomeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "live" => Ok(Outcome::Live),
            "spoof" => Ok(Outcome::Spoof),
            "no-face" => Ok(Outcome::NoFace),
            "moderate" => Ok(Outcome::Moderate),
            "many-faces" => Ok(Outcome::ManyFaces),
            _ => Err(ParseOutcomeError(())),
        }
    }
}

/// The error of parsing an [`Outcome`] from anything but its five names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOutcomeError(());

impl fmt::Display for ParseOutcomeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown outcome: expected one of live, spoof, no-face, moderate, many-faces")
    }
}

impl std::error::Error for ParseOutcomeError {}

/// Whether and how an [`Emulator`](crate::Emulator) serves HTTPS (see [`EmulatorConfig::tls`]).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmulatorTls {
    /// A self-signed certificate for `localhost`, `127.0.0.1` and `::1`, generated at start
    /// (rcgen, ECDSA P-256). Clients trust it through
    /// [`Emulator::certificate_pem`](crate::Emulator::certificate_pem).
    SelfSigned,
    /// A given certificate chain (PEM, leaf first) and its private key (PEM: PKCS#8, PKCS#1
    /// or SEC1).
    Pem {
        /// The certificate chain, PEM.
        certificate_chain: Vec<u8>,
        /// The private key, PEM. Never shown in `Debug` or errors.
        private_key: Vec<u8>,
    },
}

impl fmt::Debug for EmulatorTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SelfSigned => f.write_str("SelfSigned"),
            Self::Pem { .. } => f.write_str("Pem { private_key: <redacted>, .. }"),
        }
    }
}

/// How to start an [`Emulator`](crate::Emulator): a builder.
///
/// [`EmulatorConfig::new`] (also [`Default`]) binds `127.0.0.1:0` (a free port), accepts the
/// default credentials ([`DEFAULT_API_KEY`], [`DEFAULT_USERNAME`], [`DEFAULT_PASSWORD`]) and
/// completes sessions as [`Outcome::Live`]. The `Debug` output redacts the secrets.
#[derive(Clone)]
pub struct EmulatorConfig {
    pub(crate) addr: SocketAddr,
    pub(crate) api_key: String,
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) outcome: Outcome,
    pub(crate) public_url: Option<String>,
    pub(crate) session_lifetime_ms: u64,
    pub(crate) tls: Option<EmulatorTls>,
    pub(crate) limits: crate::limits::Limits,
}

impl EmulatorConfig {
    /// The defaults: `127.0.0.1:0`, the default credentials, [`Outcome::Live`], and a public URL
    /// equal to the bound address.
    pub fn new() -> Self {
        EmulatorConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            api_key: DEFAULT_API_KEY.to_owned(),
            username: DEFAULT_USERNAME.to_owned(),
            password: DEFAULT_PASSWORD.to_owned(),
            outcome: Outcome::Live,
            public_url: None,
            session_lifetime_ms: crate::store::SESSION_LIFETIME_MS,
            tls: None,
            limits: crate::limits::Limits::default(),
        }
    }

    /// The address to bind. Port 0 picks a free port.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Accept only these credentials instead of the defaults.
    pub fn credentials(
        mut self,
        api_key: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.api_key = api_key.into();
        self.username = username.into();
        self.password = password.into();
        self
    }

    /// The outcome sessions get when completed without an explicit one.
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    /// The base of the sessions' `url` field (default `http://HOST:PORT` of the bound address).
    /// A trailing `/` is ignored. It must be an absolute `http` or `https` URL, otherwise
    /// [`Emulator::start`](crate::Emulator::start) fails with [`std::io::ErrorKind::InvalidInput`].
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// How long new sessions live (default 24 hours, as GLAIR's). Shorter lifetimes let a
    /// client see a session expire by its own clock without waiting a day.
    pub fn session_lifetime(mut self, lifetime: std::time::Duration) -> Self {
        self.session_lifetime_ms = u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX);
        self
    }
}

impl EmulatorConfig {
    /// Serve HTTPS instead of plain HTTP: HTTP/2 or HTTP/1.1 as the client's ALPN chooses
    /// (HTTP/1.1 without ALPN). [`Emulator::base_url`](crate::Emulator::base_url) is then
    /// `https://HOST:PORT`. A certificate or key that cannot be used makes
    /// [`Emulator::start`](crate::Emulator::start) fail with
    /// [`std::io::ErrorKind::InvalidInput`].
    pub fn tls(mut self, tls: EmulatorTls) -> Self {
        self.tls = Some(tls);
        self
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("addr", &self.addr)
            .field("api_key", &"<redacted>")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("outcome", &self.outcome)
            .field("public_url", &self.public_url)
            .field("tls", &self.tls)
            .field("limits", &self.limits)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_round_trips() {
        for o in Outcome::ALL {
            assert_eq!(o.as_str().parse::<Outcome>(), Ok(o));
            assert_eq!(o.to_string(), o.as_str());
        }
        assert!("LIVE".parse::<Outcome>().is_err());
        assert!("no_face".parse::<Outcome>().is_err());
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = EmulatorConfig::new().credentials("k-secret", "u", "p-secret");
        let s = format!("{c:?}");
        assert!(!s.contains("k-secret"));
        assert!(!s.contains("p-secret"));
    }
}
