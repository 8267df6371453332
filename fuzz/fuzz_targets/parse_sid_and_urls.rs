//! Session ids and URLs from untrusted text: parsing never panics, and every accepted sid
//! stays one path segment.
#![no_main]

use glair_types::{
    ApiConfig, CreatePassiveLivenessSession, Credentials, RetrievePassiveLivenessSession, SessionId,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = ApiConfig::new(text);
    let _ = CreatePassiveLivenessSession::new(text).validate();
    for sid in [
        SessionId::new(text).ok(),
        SessionId::from_redirect_url(text).ok(),
        SessionId::from_session_url(text).ok(),
    ]
    .into_iter()
    .flatten()
    {
        let Ok(creds) = Credentials::new("k", "u", "p") else {
            return;
        };
        let Ok(request) =
            RetrievePassiveLivenessSession::new(sid).to_http_request(&ApiConfig::default(), &creds)
        else {
            return;
        };
        assert_eq!(request.uri().path().split('/').count(), 5);
        assert!(request.uri().query().is_none());
    }
});
