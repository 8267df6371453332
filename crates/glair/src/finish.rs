//! The safe way through a hosted session: create it with a verification ticket bound to the
//! app's user, and finish it from the redirect only with that ticket.
//!
//! Built on the facade's public session calls (create, retrieve with its `Request-Id` and
//! `Date`, the verdict) and the sans-IO [`glair_types::ticket`] and [`glair_types::receipt`];
//! the async and the blocking clients share everything here but the sending.

use std::fmt;
use std::time::SystemTime;

use glair_types::receipt::{ReceiptKind, VerdictReceipt};
use glair_types::ticket::{Ticket, TicketError, TicketKeys, VerifiedTicket, check_user_ref};
use glair_types::{
    CreateSession, Decoded, LivenessPolicy, PassiveLiveness, RetrieveSession, Session,
};

use crate::error::Error;
use crate::sessions::Sessions;

/// A session just created, and the ticket that binds it to the app's user.
///
/// Send the user to `session.url`; keep `ticket.as_str()` in the user's server-side session or
/// an `HttpOnly` cookie, and hand it to `finish` when the user comes back.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Started<K: ReceiptKind> {
    /// The session created.
    pub session: Session<K>,
    /// Its ticket (its `Debug` shows the sid and the expiry only).
    pub ticket: Ticket,
}

/// A check finished by its rightful user: the session as GLAIR gave it, the verdict, and the
/// receipt to keep for an audit.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Finished<K: ReceiptKind> {
    /// The session, retrieved from GLAIR after the ticket was checked.
    pub session: Session<K>,
    /// The decision: the kind's default verdict (for passive liveness see
    /// [`Finished::judged_with`]).
    pub verdict: K::Verdict,
    /// What was decided and why, for the audit trail (see [`VerdictReceipt`]).
    pub receipt: VerdictReceipt,
    request_id: Option<String>,
}

impl<K: ReceiptKind> Finished<K> {
    fn new(decoded: Decoded<Session<K>>, verdict: K::Verdict) -> Self {
        let request_id = decoded.request_id().map(str::to_owned);
        let session = decoded.into_value();
        let receipt = VerdictReceipt::for_session(&session, request_id.as_deref());
        Self {
            session,
            verdict,
            receipt,
            request_id,
        }
    }

    /// GLAIR's `Request-Id` for the retrieve the verdict was decided on.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl Finished<PassiveLiveness> {
    /// The same decision taken by `policy` instead of the default one: verdict and receipt
    /// both follow it.
    pub fn judged_with(mut self, policy: &LivenessPolicy) -> Self {
        self.verdict = match &self.session.result {
            Some(result) => result.verdict_with(policy),
            None => <PassiveLiveness as glair_types::SessionKind>::verdict(None),
        };
        self.receipt =
            VerdictReceipt::for_passive_liveness(&self.session, self.request_id.as_deref(), policy);
        self
    }
}

/// Why `finish` gave no verdict. Every refusal is its own case, and none carries a secret, the
/// ticket or the user reference.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FinishError {
    /// The ticket or the redirect was refused, before anything was sent to GLAIR: forged or
    /// corrupted, another user's, expired, for another kind, or naming another sid (see
    /// [`TicketError`]; [`TicketError::label`] names the case).
    #[error(transparent)]
    Refused(#[from] TicketError),
    /// The user has not finished the check yet (GLAIR says `PENDING`): send them back to the
    /// hosted page, or wait.
    #[error("the check is not finished yet")]
    NotFinished,
    /// The session expired at GLAIR before the user finished it: start a new check.
    #[error("the session expired at GLAIR before the check was finished; start a new check")]
    ExpiredAtGlair,
    /// Retrieving the session failed (see [`Error`]; [`Error::is_retryable`] says whether
    /// finishing again later may succeed).
    #[error(transparent)]
    Call(#[from] Error),
}

impl FinishError {
    /// A short stable label for logs and metrics: the ticket's refusal
    /// ([`TicketError::label`]), `not_finished`, `expired_at_glair`, or `call_failed`.
    pub fn label(&self) -> &'static str {
        match self {
            FinishError::Refused(e) => e.label(),
            FinishError::NotFinished => "not_finished",
            FinishError::ExpiredAtGlair => "expired_at_glair",
            FinishError::Call(_) => "call_failed",
        }
    }
}

/// The decision on a retrieved session, shared by both clients.
fn decide<K: ReceiptKind>(
    decoded: Decoded<Session<K>>,
    now: SystemTime,
) -> Result<Finished<K>, FinishError> {
    let session = decoded.value();
    if let Some(verdict) = session.verdict() {
        return Ok(Finished::new(decoded, verdict));
    }
    if session.is_expired(now) {
        Err(FinishError::ExpiredAtGlair)
    } else {
        Err(FinishError::NotFinished)
    }
}

impl<K: ReceiptKind> Sessions<K> {
    /// Creates a session and issues its [`Ticket`] for the app's user `user` (an opaque
    /// reference of the app's choosing, such as the account id: 1 to
    /// [`MAX_USER_REF_LEN`](glair_types::ticket::MAX_USER_REF_LEN) bytes, checked before
    /// anything is sent). Never creates two sessions (see [`Sessions::create`]).
    pub async fn create_with_ticket(
        &self,
        request: CreateSession<K>,
        keys: &TicketKeys,
        user: &str,
    ) -> Result<Started<K>, Error> {
        check_user_ref(user)?;
        let session = self.create(request).await?;
        let ticket = keys.issue(&session, user, self.system_now())?;
        Ok(Started { session, ticket })
    }

    /// Finishes a check when the user comes back to `success_url`: `ticket` is the one kept
    /// from [`create_with_ticket`](Sessions::create_with_ticket), `redirect_url` the URL the
    /// user came back to (absolute, or the path and query your framework gives), `user` the
    /// user logged in *now*.
    ///
    /// First, with nothing sent, the ticket must be authentic, this user's, unexpired, for
    /// this kind, and name the redirect's sid (the only thing read from the redirect); then
    /// the session is retrieved from GLAIR and decided on. Each refusal is its own
    /// [`FinishError`]. Idempotent: finishing the same ticket again (a reload) retrieves the
    /// same session and gives the same verdict.
    pub async fn finish(
        &self,
        keys: &TicketKeys,
        ticket: &str,
        redirect_url: &str,
        user: &str,
    ) -> Result<Finished<K>, FinishError> {
        let verified = keys.check_return::<K>(ticket, redirect_url, user, self.system_now())?;
        let decoded = self.retrieve_verified(&verified).await?;
        decide(decoded, self.system_now())
    }

    fn system_now(&self) -> SystemTime {
        self.handle().system_now()
    }

    async fn retrieve_verified(
        &self,
        verified: &VerifiedTicket,
    ) -> Result<Decoded<Session<K>>, Error> {
        let request = RetrieveSession::<K>::new(verified.sid().clone());
        self.handle()
            .call(&request, Some(request.sid().as_str()))
            .await
    }
}

#[cfg(feature = "blocking")]
impl<K: ReceiptKind> crate::blocking::Sessions<K> {
    /// Creates a session and issues its ticket; the blocking twin of
    /// [`Sessions::create_with_ticket`].
    // By value, like `create`.
    #[allow(clippy::needless_pass_by_value)]
    pub fn create_with_ticket(
        &self,
        request: CreateSession<K>,
        keys: &TicketKeys,
        user: &str,
    ) -> Result<Started<K>, Error> {
        check_user_ref(user)?;
        let session = self.create(request)?;
        let ticket = keys.issue(&session, user, self.system_now())?;
        Ok(Started { session, ticket })
    }

    fn system_now(&self) -> SystemTime {
        self.handle().system_now()
    }

    /// Finishes a check from the redirect with its ticket; the blocking twin of
    /// [`Sessions::finish`], with the same checks and refusals.
    pub fn finish(
        &self,
        keys: &TicketKeys,
        ticket: &str,
        redirect_url: &str,
        user: &str,
    ) -> Result<Finished<K>, FinishError> {
        let verified = keys.check_return::<K>(ticket, redirect_url, user, self.system_now())?;
        let request = RetrieveSession::<K>::new(verified.sid().clone());
        let decoded = self.handle().call(&request, Some(request.sid().as_str()))?;
        decide(decoded, self.system_now())
    }
}

impl<K: ReceiptKind> fmt::Display for Finished<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", K::NAME, self.session.sid(), self.verdict)
    }
}
