//! The session object every hosted session kind shares.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::kind::{PassiveLiveness, SessionKind};
use crate::session_id::SessionId;
use crate::string_enum::string_enum;
use crate::tolerant::{Tolerant, UnreadableField};

string_enum! {
    /// Where a session stands.
    ///
    /// There is no `EXPIRED` status: expiry is read from [`Session::expired`] — see
    /// [`Session::is_expired`].
    pub enum SessionStatus {
        /// The user has not finished the check.
        Pending => "PENDING",
        /// The user finished the check; `result` holds the outcome.
        Finished => "FINISHED",
    }
}

/// The longest a session lives: GLAIR's docs say a session expires 24 hours after it is
/// created ("By default, a session will automatically expire after 24 hours"; no way to ask
/// for longer is documented). [`Session::expires_in`] never reports more.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// An instant as the service sends it: milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EpochMillis(pub i64);

impl EpochMillis {
    /// The milliseconds since the Unix epoch.
    pub fn as_millis(self) -> i64 {
        self.0
    }

    /// The instant as a [`SystemTime`]; `None` if it cannot be represented on this platform.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let magnitude = Duration::from_millis(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
    }

    /// The instant of `time`, saturating at the ends of the range.
    pub fn from_system_time(time: SystemTime) -> Self {
        let millis = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        Self(millis)
    }
}

/// A hosted session of kind `K`, as the service returns it.
///
/// The service sends no `sid` field. A session knows its sid all the same
/// ([`Session::sid`]): a created one reads it from the last segment of [`url`](Session::url)
/// while decoding (a `url` without a valid sid is a decode error), a retrieved one keeps the
/// sid it was fetched by. Fields the SDK does not know are tolerated and kept in
/// [`raw_json`](Session::raw_json). Decoding is tolerant ([`Tolerant`](crate::Tolerant)): a member of a
/// plausible but undocumented type (`expired` as `1678247333160.0`, a score as text) is read
/// or, failing that, left out and listed in [`unreadable_fields`](crate::Tolerant::unreadable_fields),
/// and the verdict is then never positive.
///
/// ```
/// use glair_types::{LivenessVerdict, PassiveLivenessSession, SessionStatus, SpoofLevel};
///
/// let body = br#"{"status":"FINISHED","expired":1678247333160,
///   "url":"https://vision.glair.ai/passive-liveness/eyJhbgc9asdalkja",
///   "success_url":"https://yourdomain.com?success=true",
///   "result":{"status":"success","result":{"spoof_percentage":0.99768,"status":"HIGH"}}}"#;
/// let session = PassiveLivenessSession::from_json(&body[..]).unwrap();
/// assert_eq!(session.status, SessionStatus::Finished);
/// assert_eq!(session.sid().as_str(), "eyJhbgc9asdalkja");
/// assert_eq!(session.verdict(), Some(LivenessVerdict::Spoof));
/// let result = session.result.as_ref().unwrap();
/// assert_eq!(result.spoof_level(), Some(SpoofLevel::High));
/// assert_eq!(result.spoof_probability().unwrap().to_string(), "99.77 %");
/// ```
#[derive(Clone, Serialize)]
#[serde(bound = "")]
#[non_exhaustive]
pub struct Session<K: SessionKind> {
    /// `PENDING` until the user finishes, then `FINISHED`.
    pub status: SessionStatus,
    /// When the session expires (24 hours after creation by default). The vendor's samples
    /// omit it from create responses, hence optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired: Option<EpochMillis>,
    /// The hosted page to send the user to.
    pub url: String,
    /// Where the hosted page sends the user after the check, with `sid` appended.
    pub success_url: String,
    /// Where the hosted page's back button leads, when one was set.
    pub cancel_url: Option<String>,
    /// The outcome: `None` until the session is finished (the service sends `null`, and
    /// sometimes `{}`, for a pending session).
    pub result: Option<K::Result>,
    #[serde(skip)]
    sid: SessionId,
    #[serde(skip)]
    service_date: Option<SystemTime>,
    #[serde(skip)]
    raw: Bytes,
    #[serde(skip)]
    unreadable: Vec<UnreadableField>,
}

/// The JSON of a session, before the SDK adds what it knows besides (the sid, the `Date`).
/// `Session` itself has no `Deserialize`: a session can only come from a decoder that also
/// sets its sid.
#[derive(Deserialize)]
#[serde(bound = "")]
struct WireSession<K: SessionKind> {
    /// Absent or unreadable: empty and unknown (the session is then not finished).
    #[serde(default = "crate::tolerant::absent")]
    status: SessionStatus,
    #[serde(default, deserialize_with = "deserialize_expiry")]
    expired: Option<EpochMillis>,
    /// Absent or unreadable: empty (a created session then fails: its sid is read from here).
    #[serde(default)]
    url: String,
    #[serde(default)]
    success_url: String,
    #[serde(default)]
    cancel_url: Option<String>,
    #[serde(default, deserialize_with = "deserialize_result::<_, K>")]
    result: Option<K::Result>,
}

impl<K: SessionKind> WireSession<K> {
    /// The session, with what could not be read: the session's own list holds every member
    /// (paths from the session), its result's the members under `result` (paths from there).
    fn into_session(
        self,
        sid: SessionId,
        raw: Bytes,
        unreadable: Vec<UnreadableField>,
        service_date: Option<SystemTime>,
    ) -> Session<K> {
        let result = self.result.map(|result| {
            let inner = unreadable
                .iter()
                .filter_map(|field| field.strip_prefix("result"))
                .collect();
            result.with_unreadable_fields(inner)
        });
        Session {
            status: self.status,
            expired: self.expired,
            url: self.url,
            success_url: self.success_url,
            cancel_url: self.cancel_url,
            result,
            sid,
            service_date,
            raw,
            unreadable,
        }
    }
}

/// `expired`: milliseconds since the epoch, as a JSON integer in the docs. A whole number
/// written as a float (`1678247333160.0`) or as plain digits in text is the same instant and
/// is read; a fraction, a number beyond the `i64` range or any other text is an error, which
/// tolerant decoding lists as unreadable (the expiry is then unknown).
fn deserialize_expiry<'de, D: Deserializer<'de>>(d: D) -> Result<Option<EpochMillis>, D::Error> {
    // A visitor rather than a `serde_json::Value` in between: the tree cost about 250
    // instructions per decoded session (glair-types' codec bench under callgrind).
    struct ExpiryVisitor;

    /// `f` as whole milliseconds, when it is a whole number in the range of `i64`.
    fn whole(f: f64) -> Option<i64> {
        // ±2^63 as f64: the range of i64 (its upper end is the first value past i64::MAX).
        const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
        #[allow(clippy::cast_possible_truncation)] // whole and in range: exact
        (f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f)).then_some(f as i64)
    }

    fn unreadable<E: serde::de::Error>() -> E {
        E::custom("expected whole milliseconds since the epoch")
    }

    impl<'de> Visitor<'de> for ExpiryVisitor {
        type Value = EpochMillis;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("whole milliseconds since the epoch")
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(EpochMillis(v))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v).map(EpochMillis).map_err(|_| unreadable())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            whole(v).map(EpochMillis).ok_or_else(unreadable)
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            let text = text.trim();
            text.parse::<i64>()
                .ok()
                .or_else(|| {
                    text.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                        .then(|| text.parse::<f64>().ok().and_then(whole))
                        .flatten()
                })
                .map(EpochMillis)
                .ok_or_else(unreadable)
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(unreadable())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(unreadable())
        }
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(unreadable())
        }
    }

    crate::tolerant::nullable(d, ExpiryVisitor)
}

/// A passive liveness session.
pub type PassiveLivenessSession = Session<PassiveLiveness>;

impl<K: SessionKind> Session<K> {
    /// Decodes a session from a JSON body, naming the JSON path on failure.
    ///
    /// Most callers decode whole responses with [`decode_session`](crate::decode_session),
    /// which also turns error statuses into [`ApiError`](crate::ApiError)s.
    ///
    /// The sid is read from the last segment of `url`; a `url` that carries none is an error
    /// at `url`. For a session fetched by sid, use [`Session::from_json_with_sid`].
    pub fn from_json(body: impl Into<Bytes>) -> Result<Self, JsonPathError> {
        Self::decode(body.into(), None, None)
    }

    /// Decodes a session fetched by `sid`, which it keeps as its sid whatever its `url` ends
    /// in.
    pub fn from_json_with_sid(
        body: impl Into<Bytes>,
        sid: SessionId,
    ) -> Result<Self, JsonPathError> {
        Self::decode(body.into(), Some(sid), None)
    }

    /// The one decoder behind the constructors: the sid is `sid`, or else read from `url`;
    /// the service's `Date` is set here rather than on the finished session, which saved a
    /// move of the whole session per decode.
    pub(crate) fn decode(
        body: Bytes,
        sid: Option<SessionId>,
        service_date: Option<SystemTime>,
    ) -> Result<Self, JsonPathError> {
        let (wire, unreadable) = crate::tolerant::decode::<WireSession<K>>(&body)?;
        let sid = match sid {
            Some(sid) => sid,
            None => SessionId::from_session_url(&wire.url).map_err(|e| JsonPathError {
                path: "url".into(),
                message: format!(
                    "the session URL carries no valid session id in its last path segment ({})",
                    e.problem()
                ),
            })?,
        };
        Ok(wire.into_session(sid, body, unreadable, service_date))
    }

    /// A session built by hand, e.g. for a test (no raw JSON, no service date).
    pub fn new(
        sid: SessionId,
        status: SessionStatus,
        url: impl Into<String>,
        success_url: impl Into<String>,
    ) -> Self {
        Self {
            status,
            expired: None,
            url: url.into(),
            success_url: success_url.into(),
            cancel_url: None,
            result: None,
            sid,
            service_date: None,
            raw: Bytes::new(),
            unreadable: Vec::new(),
        }
    }

    /// The same session with this result and status `FINISHED` (for tests and fixtures).
    pub fn with_result(mut self, result: K::Result) -> Self {
        self.status = SessionStatus::Finished;
        self.result = Some(result);
        self
    }

    /// The same session expiring at `expired` (for tests and fixtures).
    pub fn with_expiry(mut self, expired: EpochMillis) -> Self {
        self.expired = Some(expired);
        self
    }

    /// The same session with a `cancel_url` (for tests and fixtures).
    pub fn with_cancel_url(mut self, cancel_url: impl Into<String>) -> Self {
        self.cancel_url = Some(cancel_url.into());
        self
    }

    /// The session as the service would send it: its JSON body (the fields GLAIR sends; the
    /// sid is in `url`). For serving a session from a mock transport.
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing plain strings, numbers and the result model cannot fail; an empty
        // object is the total fallback.
        serde_json::to_vec(self).unwrap_or_else(|_| b"{}".to_vec())
    }

    /// The session id: the one it was retrieved by, or for a created session the last path
    /// segment of [`url`](Session::url).
    pub fn sid(&self) -> &SessionId {
        &self.sid
    }

    /// The verdict of a finished session (live? gesture matched? card read?); `None` while it
    /// is pending. A finished session without a result gets the kind's "no result" verdict,
    /// never a positive one.
    pub fn verdict(&self) -> Option<K::Verdict> {
        self.is_finished().then(|| K::verdict(self.result.as_ref()))
    }

    /// The time on the service's clock when it answered: its `Date` header (whole seconds),
    /// when the response carried one.
    pub fn service_date(&self) -> Option<SystemTime> {
        self.service_date
    }

    /// How long until the session expires, by the service's own clock (`expired` minus the
    /// `Date` of the response), so a client whose clock is off still gets it right. `None` when
    /// either is missing; zero once expired; never more than [`SESSION_LIFETIME`].
    ///
    /// The bound matters twice: the `Date` header has whole seconds, so right after a create
    /// the difference reads up to a second over 24 hours; and a service clock that is wildly
    /// behind (a `Date` in 1970) would otherwise promise decades. A clock that is ahead can
    /// only make a session look expired sooner, never valid longer. The bound is relative to
    /// the service's own two instants, so an emulator whose clock was advanced by years still
    /// reads right.
    pub fn expires_in(&self) -> Option<Duration> {
        let expires = self.expires_at()?;
        let now = self.service_date?;
        Some(
            expires
                .duration_since(now)
                .unwrap_or(Duration::ZERO)
                .min(SESSION_LIFETIME),
        )
    }

    /// Whether the session has expired by the service's own clock (its `Date` header against
    /// `expired`); `None` when either is missing. See [`Session::is_expired`].
    pub fn is_expired_by_service_clock(&self) -> Option<bool> {
        let expired = self.expired?;
        let now = self.service_date?;
        Some(EpochMillis::from_system_time(now) >= expired)
    }

    /// Whether the session has expired — the question to ask before sending a user to its
    /// `url` or waiting on it: by the service's clock when the response said what time it was
    /// ([`is_expired_by_service_clock`](Self::is_expired_by_service_clock)), otherwise by
    /// `now`, the caller's clock ([`is_expired_at`](Self::is_expired_at)). The service's clock
    /// is the one that decides when a session stops working; a client clock that is off by
    /// minutes must not declare a live session dead, or wait on a dead one.
    ///
    /// One name, one meaning: this is the decision (it was `has_expired` before 0.1, when
    /// `is_expired` meant the local-clock comparison that is now
    /// [`is_expired_at`](Self::is_expired_at)). A session whose expiry is unknown is reported
    /// as not expired.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.is_expired_by_service_clock()
            .unwrap_or_else(|| self.is_expired_at(now))
    }

    /// When the session expires, if the service said.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expired.and_then(EpochMillis::to_system_time)
    }

    /// Whether the session was expired at the instant `at`, by the clock that reads `at`
    /// (`expired` against `at`, ignoring the service's `Date`): for "had it expired by then?"
    /// questions and for sessions built by hand. To decide whether a session still works, ask
    /// [`is_expired`](Self::is_expired). This crate reads no clock; the caller passes the
    /// time. A session whose expiry is unknown is reported as not expired.
    pub fn is_expired_at(&self, at: SystemTime) -> bool {
        self.expired
            .is_some_and(|expired| EpochMillis::from_system_time(at) >= expired)
    }

    /// Whether the user has finished the check.
    pub fn is_finished(&self) -> bool {
        self.status == SessionStatus::Finished
    }

    /// The exact JSON the service sent (empty for a session built by hand), as the shared
    /// buffer it arrived in: it dereferences to `&[u8]`, and a clone costs no copy. (One
    /// accessor for both uses: there is no separate `raw_bytes`.)
    pub fn raw_json(&self) -> &Bytes {
        &self.raw
    }
}

impl<K: SessionKind> PartialEq for Session<K> {
    /// Compares the decoded fields; the raw bytes are not compared.
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.expired == other.expired
            && self.url == other.url
            && self.success_url == other.success_url
            && self.cancel_url == other.cancel_url
            && self.result == other.result
            && self.sid == other.sid
            && self.unreadable == other.unreadable
    }
}

/// A session's list holds every member that could not be read, its result's included (with
/// paths from the session: `result.result.spoof_percentage`).
impl<K: SessionKind> Tolerant for Session<K> {
    fn unreadable_fields(&self) -> &[UnreadableField] {
        &self.unreadable
    }

    fn with_unreadable_fields(mut self, fields: Vec<UnreadableField>) -> Self {
        self.unreadable = fields;
        self
    }
}

impl<K: SessionKind> fmt::Debug for Session<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("kind", &K::NAME)
            .field("sid", &self.sid)
            .field("status", &self.status)
            .field("expired", &self.expired)
            .field("url", &self.url)
            .field("success_url", &self.success_url)
            .field("cancel_url", &self.cancel_url)
            .field("result", &self.result)
            .field("unreadable", &self.unreadable)
            .finish_non_exhaustive()
    }
}

/// A JSON body that did not decode, with the path where it failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at `{path}`: {message}")]
pub struct JsonPathError {
    pub(crate) path: String,
    pub(crate) message: String,
}

impl JsonPathError {
    /// A decoding failure at `path` (`.` for the document itself), for a
    /// [`DecodeBody`](crate::DecodeBody) of your own. Both are cut to a bounded length.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: crate::error::bounded_owned(path.into()),
            message: crate::error::bounded_owned(message.into()),
        }
    }

    /// The JSON path where decoding failed; `.` for the document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `result` is `null` or `{}` for a pending session and an object once finished. Decoding it
/// in one pass, without buffering: the result's own deserializer reads the object through
/// [`KeyWatch`], and an object that ended before any key is read as `None` whatever that
/// deserializer made of it (a result with a required member would call `{}` incomplete).
/// Where the first key was read into a `String` and handed back, that cost an allocation
/// per decoded session (about 200 instructions, glair-types' codec bench under callgrind).
fn deserialize_result<'de, D, K>(deserializer: D) -> Result<Option<K::Result>, D::Error>
where
    D: Deserializer<'de>,
    K: SessionKind,
{
    struct ResultVisitor<K>(std::marker::PhantomData<K>);

    impl<'de, K: SessionKind> Visitor<'de> for ResultVisitor<K> {
        type Value = Option<K::Result>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a result object")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let mut watch = KeyWatch {
                map,
                seen: Seen::Nothing,
            };
            let result =
                K::Result::deserialize(serde::de::value::MapAccessDeserializer::new(&mut watch));
            match watch.seen {
                // `{}`: cleanly ended with no key. A syntax error inside the braces is not
                // this case (`next_key` failed, so the end was never seen).
                Seen::EndFirst => Ok(None),
                Seen::Nothing | Seen::Key => result.map(Some),
            }
        }
    }

    crate::tolerant::nullable(deserializer, ResultVisitor::<K>(std::marker::PhantomData))
        .map(Option::flatten)
}

/// What a [`KeyWatch`] saw first.
#[derive(Clone, Copy)]
enum Seen {
    /// No key asked for yet.
    Nothing,
    /// A key.
    Key,
    /// The end of the object, before any key.
    EndFirst,
}

/// A map that notes whether it ended before its first key.
struct KeyWatch<A> {
    map: A,
    seen: Seen,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for &mut KeyWatch<A> {
    type Error = A::Error;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let key = self.map.next_key_seed(seed)?;
        if matches!(self.seen, Seen::Nothing) {
            self.seen = if key.is_some() {
                Seen::Key
            } else {
                Seen::EndFirst
            };
        }
        Ok(key)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(result: &str, expired: &str) -> Vec<u8> {
        format!(
            r#"{{"status":"PENDING","expired":{expired},"url":"https://x.example/p/abc","success_url":"https://x.example/ok","result":{result}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn an_empty_result_object_is_no_result_for_every_kind() {
        fn empty<K: SessionKind>() {
            let session = Session::<K>::from_json(body("{}", "1")).unwrap();
            assert!(session.result.is_none(), "{}", K::NAME);
            assert!(session.unreadable_fields().is_empty(), "{}", K::NAME);
            let session = Session::<K>::from_json(body(" { } ", "1")).unwrap();
            assert!(session.result.is_none(), "{}", K::NAME);
        }
        empty::<PassiveLiveness>();
        empty::<crate::kind::ActiveLiveness>();
        empty::<crate::kind::Ktp>();
        empty::<crate::kind::Npwp>();
    }

    #[test]
    fn a_malformed_result_object_is_a_decode_error_not_no_result() {
        for result in ["{,}", "{\"status\"}", "{\"status\":}"] {
            let error = PassiveLivenessSession::from_json(body(result, "1"));
            assert!(error.is_err(), "{result}");
        }
    }

    #[test]
    fn expiry_reads_every_whole_form_and_lists_the_rest() {
        for (expired, millis) in [
            ("1678247333160", Some(1_678_247_333_160)),
            ("-5", Some(-5)),
            ("1678247333160.0", Some(1_678_247_333_160)),
            ("\" 1678247333160 \"", Some(1_678_247_333_160)),
            ("\"12.0\"", Some(12)),
            ("null", None),
        ] {
            let session = PassiveLivenessSession::from_json(body("null", expired)).unwrap();
            assert_eq!(
                session.expired.map(EpochMillis::as_millis),
                millis,
                "{expired}"
            );
            assert!(session.unreadable_fields().is_empty(), "{expired}");
        }
        for expired in [
            "1.5",
            "9223372036854775808",
            "1e300",
            "true",
            "\"soon\"",
            "[1]",
            "{\"ms\":1}",
        ] {
            let session = PassiveLivenessSession::from_json(body("null", expired)).unwrap();
            assert_eq!(session.expired, None, "{expired}");
            let unreadable = session.unreadable_fields();
            assert_eq!(unreadable.len(), 1, "{expired}");
            assert_eq!(unreadable[0].path(), "expired");
            assert_eq!(
                unreadable[0].problem(),
                "expected whole milliseconds since the epoch"
            );
        }
    }

    #[test]
    fn expiry_is_judged_against_the_callers_clock() {
        let session = PassiveLivenessSession::from_json(
            &br#"{"status":"PENDING","expired":1000,"url":"https://x.example/p/a","success_url":"https://x.example/ok","result":null}"#[..],
        )
        .unwrap();
        let at = |ms: u64| UNIX_EPOCH + Duration::from_millis(ms);
        assert!(!session.is_expired_at(at(999)));
        assert!(session.is_expired_at(at(1000)));
        // Without a `Date`, the decision is the caller's clock too.
        assert!(!session.is_expired(at(999)));
        assert!(session.is_expired(at(1000)));
        assert_eq!(session.expires_at(), Some(at(1000)));
    }

    #[test]
    fn epoch_millis_handles_extremes() {
        assert_eq!(
            EpochMillis(-5).to_system_time(),
            UNIX_EPOCH.checked_sub(Duration::from_millis(5))
        );
        let _ = EpochMillis(i64::MAX).to_system_time();
        let _ = EpochMillis(i64::MIN).to_system_time();
        let t = UNIX_EPOCH + Duration::from_millis(1_678_247_333_160);
        assert_eq!(
            EpochMillis::from_system_time(t),
            EpochMillis(1_678_247_333_160)
        );
    }
}
