//! Verification tickets: a signed binding of one hosted session to one of the app's users.
//!
//! GLAIR sends the user back to `success_url` with `?sid=…` and nothing else: no signature and
//! no reference to the app's user. A backend that retrieves whatever sid arrives lets one user
//! present another user's sid. A ticket closes that: right after the create, the app asks
//! [`TicketKeys::issue`] for a ticket that binds *its* user reference, the session kind, the
//! sid and an expiry, authenticated with HMAC-SHA256 under the app's secret; it keeps the
//! ticket in the user's server-side session or an `HttpOnly` cookie. When the user comes back,
//! [`TicketKeys::check_return`] accepts the redirect only if the ticket is authentic, belongs
//! to the user now logged in, has not expired, is for this kind, and names the very sid in the
//! redirect. Nothing else is read from the redirect.
//!
//! Sans-IO: no clock is read (the caller passes `now`), nothing is sent; it builds for
//! `wasm32-unknown-unknown` too. The format and its reasons are in SECURITY.md.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use glair_types::{PassiveLiveness, PassiveLivenessSession, SessionId, SessionStatus};
//! use glair_types::ticket::{TicketError, TicketKeys, TicketSecret};
//!
//! let keys = TicketKeys::new(TicketSecret::new(*b"a 32-byte secret from your vault")?);
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
//! let sid = SessionId::new("Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z")?;
//! let session = PassiveLivenessSession::new(
//!     sid.clone(), SessionStatus::Pending, "https://vision.glair.ai/passive-liveness/x", "https://app.example/done");
//!
//! // After the create: keep `ticket.as_str()` with the user's server-side session.
//! let ticket = keys.issue(&session, "user-42", now)?;
//!
//! // When the user comes back to https://app.example/done?sid=…:
//! let back = "https://app.example/done?sid=Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";
//! let checked = keys.check_return::<PassiveLiveness>(ticket.as_str(), back, "user-42", now)?;
//! assert_eq!(checked.sid(), &sid);
//! // Another user presenting the same redirect and ticket is refused.
//! assert_eq!(
//!     keys.check_return::<PassiveLiveness>(ticket.as_str(), back, "user-7", now).unwrap_err(),
//!     TicketError::OtherUser
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::InvalidInput;
use crate::kind::SessionKind;
use crate::session::Session;
use crate::session_id::SessionId;

type HmacSha256 = Hmac<Sha256>;

/// The first field of every ticket: the format's name and version.
pub const TICKET_FORMAT: &str = "gt1";
/// The shortest secret accepted, in bytes (256 bits, HMAC-SHA256's own strength).
pub const MIN_TICKET_SECRET_LEN: usize = 32;
/// The longest secret accepted, in bytes.
pub const MAX_TICKET_SECRET_LEN: usize = 1024;
/// The most keys a [`TicketKeys`] holds (the signing key and the older ones still verified).
pub const MAX_TICKET_KEYS: usize = 8;
/// The longest user reference accepted, in bytes.
pub const MAX_USER_REF_LEN: usize = 256;
/// The longest ticket string accepted by verification, in bytes (a real one is about 150).
pub const MAX_TICKET_LEN: usize = 512;
/// How long a ticket is valid by default: one hour, and never longer than its session.
pub const DEFAULT_TICKET_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The longest lifetime accepted: a session's own default lifetime, 24 hours.
pub const MAX_TICKET_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Domain separation: these prefixes make a ticket MAC useless for anything else computed with
/// the same secret, and a user tag useless as a ticket MAC.
const MAC_CONTEXT: &[u8] = b"glair-rs ticket gt1 mac\0";
const USER_CONTEXT: &[u8] = b"glair-rs ticket gt1 user\0";
/// The user tag is the first 16 bytes (128 bits) of an HMAC: enough that no two users of one
/// app collide, and it reveals nothing about the reference without the secret.
const USER_TAG_LEN: usize = 16;
const MAC_LEN: usize = 32;

/// A secret that signs and verifies tickets: at least [`MIN_TICKET_SECRET_LEN`] random bytes,
/// kept out of source code (a vault, an environment variable). Its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct TicketSecret(Box<[u8]>);

impl TicketSecret {
    /// Wraps `secret`; refused if it is shorter than [`MIN_TICKET_SECRET_LEN`] or longer than
    /// [`MAX_TICKET_SECRET_LEN`] bytes (the error says which, never the secret).
    pub fn new(secret: impl Into<Vec<u8>>) -> Result<Self, InvalidInput> {
        let secret = secret.into();
        if secret.len() < MIN_TICKET_SECRET_LEN {
            return Err(InvalidInput::new(
                "ticket secret",
                format!(
                    "is {} bytes long; at least {MIN_TICKET_SECRET_LEN} random bytes are needed",
                    secret.len()
                ),
            ));
        }
        if secret.len() > MAX_TICKET_SECRET_LEN {
            return Err(InvalidInput::new(
                "ticket secret",
                format!(
                    "is {} bytes long; at most {MAX_TICKET_SECRET_LEN} are allowed",
                    secret.len()
                ),
            ));
        }
        Ok(Self(secret.into_boxed_slice()))
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; the length is also bounded above.
        #[allow(clippy::expect_used)]
        HmacSha256::new_from_slice(&self.0).expect("HMAC accepts keys of any length")
    }
}

impl fmt::Debug for TicketSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TicketSecret(<redacted>)")
    }
}

/// The keys that sign and verify tickets, and how long a new ticket lives.
///
/// The newest key signs; every key verifies. To rotate a secret: deploy
/// `TicketKeys::new(new).with_previous(old)?`, and drop `old` once the longest ticket lifetime
/// has passed. Its `Debug` shows how many keys there are, never a key.
#[derive(Clone)]
pub struct TicketKeys {
    /// The signing key first, then the older keys that still verify.
    keys: Vec<TicketSecret>,
    lifetime: Duration,
}

impl TicketKeys {
    /// Keys that sign with `signing` (and verify with it), with the default lifetime of
    /// [`DEFAULT_TICKET_LIFETIME`].
    pub fn new(signing: TicketSecret) -> Self {
        Self {
            keys: vec![signing],
            lifetime: DEFAULT_TICKET_LIFETIME,
        }
    }

    /// Also verifies tickets signed with `older` (a secret being rotated out); never signs
    /// with it. At most [`MAX_TICKET_KEYS`] keys in all.
    pub fn with_previous(mut self, older: TicketSecret) -> Result<Self, InvalidInput> {
        if self.keys.len() >= MAX_TICKET_KEYS {
            return Err(InvalidInput::new(
                "ticket keys",
                format!("at most {MAX_TICKET_KEYS} keys can be held at once"),
            ));
        }
        self.keys.push(older);
        Ok(self)
    }

    /// How long a new ticket is valid (default [`DEFAULT_TICKET_LIFETIME`]); never longer than
    /// its session in any case. Must be between one second and [`MAX_TICKET_LIFETIME`].
    pub fn lifetime(mut self, lifetime: Duration) -> Result<Self, InvalidInput> {
        if lifetime < Duration::from_secs(1) || lifetime > MAX_TICKET_LIFETIME {
            return Err(InvalidInput::new(
                "ticket lifetime",
                "must be between 1 second and 24 hours",
            ));
        }
        self.lifetime = lifetime;
        Ok(self)
    }

    /// The lifetime of new tickets.
    pub fn ticket_lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Issues a ticket for `session`, just created for the app's user `user` (an opaque
    /// reference of the app's choosing: an account id, not a secret; 1 to
    /// [`MAX_USER_REF_LEN`] bytes).
    ///
    /// The ticket expires after the lifetime or when the session does, whichever is first:
    /// the session's remaining time is read by GLAIR's clock where the create response said
    /// what time it was ([`Session::expires_in`]), else from its `expired` against `now`, else
    /// assumed to be GLAIR's documented 24 hours. Refused if the session has already expired.
    pub fn issue<K: SessionKind>(
        &self,
        session: &Session<K>,
        user: &str,
        now: SystemTime,
    ) -> Result<Ticket, InvalidInput> {
        check_user_ref(user)?;
        let remaining = match (session.expires_in(), session.expires_at()) {
            (Some(left), _) => left,
            (None, Some(at)) => at.duration_since(now).unwrap_or(Duration::ZERO),
            (None, None) => MAX_TICKET_LIFETIME,
        };
        let valid_for = self.lifetime.min(remaining);
        let now_secs = unix_secs(now);
        // Whole seconds, rounded down: never later than the session.
        let expires = now_secs.saturating_add(valid_for.as_secs());
        if expires <= now_secs {
            return Err(InvalidInput::new(
                "session",
                "has expired (or expires within a second): create a new one",
            ));
        }
        let signing = &self.keys[0];
        let user_tag = URL_SAFE_NO_PAD.encode(user_tag(signing, user));
        let signed = format!(
            "{TICKET_FORMAT}.{}.{}.{expires}.{user_tag}",
            K::RESOURCE,
            session.sid().as_str()
        );
        let mac = URL_SAFE_NO_PAD.encode(mac_of(signing, &signed).finalize().into_bytes());
        Ok(Ticket {
            text: format!("{signed}.{mac}"),
            kind: K::RESOURCE,
            sid: session.sid().clone(),
            expires,
        })
    }

    /// Verifies `ticket` for a session of kind `K` and the user `user` at `now`.
    ///
    /// Checked in this order, each with its own error: the ticket is well formed and its MAC
    /// verifies under one of the keys ([`TicketError::Forged`] — nothing in it is believed
    /// before this), it is for kind `K` ([`TicketError::OtherKind`]), for this user
    /// ([`TicketError::OtherUser`]), and not expired ([`TicketError::Expired`]).
    pub fn verify<K: SessionKind>(
        &self,
        ticket: &str,
        user: &str,
        now: SystemTime,
    ) -> Result<VerifiedTicket, TicketError> {
        if ticket.len() > MAX_TICKET_LEN {
            return Err(TicketError::Forged);
        }
        let (signed, mac_text) = ticket.rsplit_once('.').ok_or(TicketError::Forged)?;
        let mac = URL_SAFE_NO_PAD
            .decode(mac_text)
            .map_err(|_| TicketError::Forged)?;
        if mac.len() != MAC_LEN {
            return Err(TicketError::Forged);
        }
        // Constant-time comparison (`verify_slice`) against each key in turn.
        let key = self
            .keys
            .iter()
            .find(|key| mac_of(key, signed).verify_slice(&mac).is_ok())
            .ok_or(TicketError::Forged)?;

        // Authentic from here on: the fields are what this app signed.
        let mut fields = signed.split('.');
        let (Some(format), Some(kind), Some(sid), Some(expires), Some(tag), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(TicketError::Forged);
        };
        if format != TICKET_FORMAT {
            return Err(TicketError::Forged);
        }
        if kind != K::RESOURCE {
            return Err(TicketError::OtherKind);
        }
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| TicketError::Forged)?;
        if check_user_ref(user).is_err() || !constant_time_eq(&tag, &user_tag(key, user)) {
            return Err(TicketError::OtherUser);
        }
        let expires: u64 = expires.parse().map_err(|_| TicketError::Forged)?;
        if unix_secs(now) >= expires {
            return Err(TicketError::Expired {
                expired_at: UNIX_EPOCH + Duration::from_secs(expires),
            });
        }
        let sid = SessionId::new(sid).map_err(|_| TicketError::Forged)?;
        Ok(VerifiedTicket {
            kind: K::RESOURCE,
            sid,
            expires,
        })
    }

    /// Verifies `ticket` ([`verify`](Self::verify)) and checks that `redirect_url` — the URL
    /// GLAIR sent the user back to, absolute or path and query — carries exactly the ticket's
    /// sid ([`TicketError::NoSid`], [`TicketError::SidMismatch`]). Only the `sid` is read
    /// from the redirect; a `state` or anything else in it is ignored.
    pub fn check_return<K: SessionKind>(
        &self,
        ticket: &str,
        redirect_url: &str,
        user: &str,
        now: SystemTime,
    ) -> Result<VerifiedTicket, TicketError> {
        let verified = self.verify::<K>(ticket, user, now)?;
        let sid = SessionId::from_redirect_url(redirect_url).map_err(TicketError::NoSid)?;
        if sid != verified.sid {
            return Err(TicketError::SidMismatch);
        }
        Ok(verified)
    }
}

impl fmt::Debug for TicketKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketKeys")
            .field("keys", &self.keys.len())
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

/// A ticket just issued: keep [`as_str`](Ticket::as_str) in the user's server-side session
/// or an `HttpOnly`, `Secure`, `SameSite=Lax` cookie.
///
/// Its form is `gt1.<kind>.<sid>.<expiry>.<user tag>.<mac>` (see SECURITY.md): no secret and no
/// user reference in the clear. Its `Debug` shows the kind, the sid and the expiry only, and it
/// has no `Display`, so it is not logged by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Ticket {
    text: String,
    kind: &'static str,
    sid: SessionId,
    expires: u64,
}

impl Ticket {
    /// The compact string to keep.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The compact string, by value.
    pub fn into_string(self) -> String {
        self.text
    }

    /// The session it is for.
    pub fn sid(&self) -> &SessionId {
        &self.sid
    }

    /// When it stops being accepted.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.expires)
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("kind", &self.kind)
            .field("sid", &self.sid)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// What a ticket that passed verification says: the session it is for and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTicket {
    kind: &'static str,
    sid: SessionId,
    expires: u64,
}

impl VerifiedTicket {
    /// The session the ticket was issued for.
    pub fn sid(&self) -> &SessionId {
        &self.sid
    }

    /// The kind's API resource, e.g. `passive-liveness-sessions`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// When the ticket stops being accepted.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.expires)
    }
}

/// Why a ticket, or the redirect it was presented with, was refused. None of them carries the
/// ticket, a secret or the user reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TicketError {
    /// Not a ticket this app signed with any of its keys: malformed, corrupted, forged, or
    /// signed with a key no longer held.
    #[error(
        "the verification ticket is not authentic (forged, corrupted, or signed with a key no longer held)"
    )]
    Forged,
    /// An authentic ticket for another session kind.
    #[error("the verification ticket is for another kind of session")]
    OtherKind,
    /// An authentic ticket issued to another user of the app.
    #[error("the verification ticket belongs to another user")]
    OtherUser,
    /// An authentic ticket past its expiry: start a new check.
    #[error("the verification ticket has expired; start a new check")]
    Expired {
        /// When it expired.
        expired_at: SystemTime,
    },
    /// The redirect carries no valid `sid`.
    #[error("the redirect URL carries no valid session id: {0}")]
    NoSid(InvalidInput),
    /// The redirect names another session than the ticket.
    #[error("the session id in the redirect is not the one this ticket was issued for")]
    SidMismatch,
}

impl TicketError {
    /// A short stable label for logs and metrics: `forged`, `other_kind`, `other_user`,
    /// `expired`, `no_sid`, `sid_mismatch`.
    pub fn label(&self) -> &'static str {
        match self {
            TicketError::Forged => "forged",
            TicketError::OtherKind => "other_kind",
            TicketError::OtherUser => "other_user",
            TicketError::Expired { .. } => "expired",
            TicketError::NoSid(_) => "no_sid",
            TicketError::SidMismatch => "sid_mismatch",
        }
    }
}

/// The longest `state` value accepted, in bytes.
pub const MAX_STATE_LEN: usize = 128;

/// `success_url` with `state=<state>` added to its query, for an app without cookies that
/// needs to find the ticket again when the user comes back (read it back with
/// [`state_from_redirect`]).
///
/// **The state alone proves nothing**: the user's browser carries it, and anyone can copy it.
/// Use it only to *look up* the ticket; [`TicketKeys::check_return`] then decides. `state` is
/// 1 to [`MAX_STATE_LEN`] ASCII letters, digits, `-` and `_` (a random id of yours, never the
/// ticket or personal data); `success_url` must not have a fragment or a `state` already.
pub fn success_url_with_state(success_url: &str, state: &str) -> Result<String, InvalidInput> {
    check_state(state)?;
    if success_url.contains('#') {
        return Err(InvalidInput::new(
            "success_url",
            "must not have a fragment (#…) when a state is added",
        ));
    }
    if query_value(success_url, "state").is_some() {
        return Err(InvalidInput::new(
            "success_url",
            "already has a state parameter",
        ));
    }
    let separator = match success_url.split_once('?') {
        None => '?',
        Some((_, "")) => '\0',
        Some(_) => '&',
    };
    Ok(if separator == '\0' {
        format!("{success_url}state={state}")
    } else {
        format!("{success_url}{separator}state={state}")
    })
}

/// The `state` that [`success_url_with_state`] put into the URL the user came back to, if it
/// is there exactly once and well formed. It only says which ticket to look up.
pub fn state_from_redirect(redirect_url: &str) -> Option<&str> {
    let state = query_value(redirect_url, "state")?;
    check_state(state).ok().map(|()| state)
}

fn check_state(state: &str) -> Result<(), InvalidInput> {
    let ok = !state.is_empty()
        && state.len() <= MAX_STATE_LEN
        && state
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(InvalidInput::new(
            "state",
            format!("must be 1 to {MAX_STATE_LEN} ASCII letters, digits, '-' or '_'"),
        ))
    }
}

/// The value of `name` in the URL's query when it appears exactly once (raw, not decoded: a
/// state has nothing to decode).
fn query_value<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    let mut found = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| *key == name)
        .map(|(_, value)| value);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// Checks a user reference as [`TicketKeys::issue`] will: 1 to [`MAX_USER_REF_LEN`] bytes.
/// (For checking before a session is created, so no session is made for a ticket that cannot
/// be issued.)
pub fn check_user_ref(user: &str) -> Result<(), InvalidInput> {
    if user.is_empty() || user.len() > MAX_USER_REF_LEN {
        return Err(InvalidInput::new(
            "user reference",
            format!("must be 1 to {MAX_USER_REF_LEN} bytes long"),
        ));
    }
    Ok(())
}

fn mac_of(key: &TicketSecret, signed: &str) -> HmacSha256 {
    let mut mac = key.mac();
    mac.update(MAC_CONTEXT);
    mac.update(signed.as_bytes());
    mac
}

fn user_tag(key: &TicketSecret, user: &str) -> [u8; USER_TAG_LEN] {
    let mut mac = key.mac();
    mac.update(USER_CONTEXT);
    mac.update(user.as_bytes());
    let full = mac.finalize().into_bytes();
    let mut tag = [0_u8; USER_TAG_LEN];
    tag.copy_from_slice(&full[..USER_TAG_LEN]);
    tag
}

/// Compares without an early exit, so the time taken says nothing about where two tags differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whole seconds since the Unix epoch, 0 before it.
fn unix_secs(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::kind::{ActiveLiveness, PassiveLiveness};
    use crate::session::{EpochMillis, SessionStatus};

    const SID: &str = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn keys(seed: u8) -> TicketKeys {
        TicketKeys::new(TicketSecret::new(vec![seed; 32]).unwrap())
    }

    fn session(sid: &str) -> Session<PassiveLiveness> {
        Session::new(
            SessionId::new(sid).unwrap(),
            SessionStatus::Pending,
            format!("https://vision.glair.ai/passive-liveness/{sid}"),
            "https://app.example/done",
        )
    }

    fn back(sid: &str) -> String {
        format!("https://app.example/done?sid={sid}")
    }

    #[test]
    fn a_fresh_ticket_is_accepted_for_its_user_and_sid() {
        let keys = keys(1);
        let ticket = keys.issue(&session(SID), "u1", at(1000)).unwrap();
        let ok = keys
            .check_return::<PassiveLiveness>(ticket.as_str(), &back(SID), "u1", at(1000))
            .unwrap();
        assert_eq!(ok.sid().as_str(), SID);
        assert_eq!(ok.expires_at(), at(1000 + 3600));
        assert!(
            ticket
                .as_str()
                .starts_with("gt1.passive-liveness-sessions.")
        );
        assert!(
            !ticket.as_str().contains("u1"),
            "no user reference in the clear"
        );
    }

    #[test]
    fn each_refusal_has_its_own_error() {
        let keys = keys(1);
        let t = keys.issue(&session(SID), "u1", at(1000)).unwrap();
        let t = t.as_str();
        let check = |ticket: &str, url: &str, user: &str, now| {
            keys.check_return::<PassiveLiveness>(ticket, url, user, now)
                .unwrap_err()
        };
        assert_eq!(check("", &back(SID), "u1", at(1000)), TicketError::Forged);
        assert_eq!(
            check(&format!("{t}x"), &back(SID), "u1", at(1000)),
            TicketError::Forged
        );
        assert_eq!(check(t, &back(SID), "u2", at(1000)), TicketError::OtherUser);
        assert_eq!(
            check(t, &back(SID), "u1", at(1000 + 3600)),
            TicketError::Expired {
                expired_at: at(4600)
            }
        );
        assert_eq!(
            check(t, &back("other"), "u1", at(1000)),
            TicketError::SidMismatch
        );
        assert!(matches!(
            check(t, "https://app.example/done", "u1", at(1000)),
            TicketError::NoSid(_)
        ));
        assert_eq!(
            keys.verify::<ActiveLiveness>(t, "u1", at(1000))
                .unwrap_err(),
            TicketError::OtherKind
        );
        assert_eq!(
            super::tests::keys(2)
                .verify::<PassiveLiveness>(t, "u1", at(1000))
                .unwrap_err(),
            TicketError::Forged
        );
    }

    #[test]
    fn the_expiry_is_never_later_than_the_session() {
        let keys = keys(1);
        // `expired` 10 minutes ahead, no service date: 600 s from now.
        let s = session(SID).with_expiry(EpochMillis(1_600_999));
        let t = keys.issue(&s, "u1", at(1000)).unwrap();
        assert_eq!(t.expires_at(), at(1600));
        // Already expired: no ticket.
        let s = session(SID).with_expiry(EpochMillis(999_000));
        assert!(keys.issue(&s, "u1", at(1000)).is_err());
        // A longer lifetime is capped by the session too.
        let long = keys.lifetime(MAX_TICKET_LIFETIME).unwrap();
        let s = session(SID).with_expiry(EpochMillis(2_000_000));
        assert_eq!(
            long.issue(&s, "u1", at(1000)).unwrap().expires_at(),
            at(2000)
        );
    }

    #[test]
    fn bad_configuration_is_refused_without_echoing_secrets() {
        let short = TicketSecret::new(*b"short secret").unwrap_err();
        assert!(!short.to_string().contains("short secret"), "{short}");
        let mut k = keys(1);
        for i in 0..MAX_TICKET_KEYS - 1 {
            k = k
                .with_previous(TicketSecret::new(vec![i as u8 + 10; 32]).unwrap())
                .unwrap();
        }
        assert!(
            k.with_previous(TicketSecret::new(vec![9; 32]).unwrap())
                .is_err()
        );
        assert!(keys(1).lifetime(Duration::ZERO).is_err());
        assert!(keys(1).issue(&session(SID), "", at(0)).is_err());
        let secret = TicketSecret::new(*b"0123456789abcdef0123456789abcdef").unwrap();
        let debug = format!("{:?} {:?}", secret, TicketKeys::new(secret.clone()));
        assert!(!debug.contains("0123456789"), "{debug}");
        let ticket = keys(1).issue(&session(SID), "u1", at(0)).unwrap();
        let debug = format!("{ticket:?}");
        assert!(!debug.contains(ticket.as_str()), "{debug}");
    }

    #[test]
    fn state_is_added_and_read_back() {
        let url = success_url_with_state("https://app.example/done", "abc_1").unwrap();
        assert_eq!(url, "https://app.example/done?state=abc_1");
        let url = success_url_with_state("https://app.example/done?x=1", "abc").unwrap();
        assert_eq!(url, "https://app.example/done?x=1&state=abc");
        assert_eq!(
            state_from_redirect(&format!("{url}&sid={SID}")),
            Some("abc")
        );
        assert_eq!(state_from_redirect("https://a/?state=a&state=b"), None);
        assert_eq!(state_from_redirect("https://a/?state=%2F"), None);
        assert!(success_url_with_state("https://a/done", "a b").is_err());
        assert!(success_url_with_state("https://a/done#x", "ab").is_err());
        assert!(success_url_with_state("https://a/done?state=1", "ab").is_err());
    }
}
