//! Reading sids from session URLs: never a panic, and a sid read is always a valid sid that
//! round-trips through a URL built from it.

use glair_types::SessionId;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_is_read_or_refused_without_panicking(url in "\\PC{0,80}") {
        if let Ok(sid) = SessionId::from_session_url(&url) {
            prop_assert!(SessionId::new(sid.as_str()).is_ok());
        }
    }

    #[test]
    fn url_shaped_text_is_read_or_refused_without_panicking(
        scheme in "(?i)(https?|ftp)",
        rest in "[a-zA-Z0-9./?#%+:@_-]{0,60}",
    ) {
        let url = format!("{scheme}://{rest}");
        if let Ok(sid) = SessionId::from_session_url(&url) {
            prop_assert!(SessionId::new(sid.as_str()).is_ok());
        }
    }

    #[test]
    fn the_last_segment_is_the_sid(
        host in "[a-z]{1,10}\\.[a-z]{2,5}",
        kind in "[a-z-]{1,20}",
        sid in "[A-Za-z0-9_-]{1,64}",
        query in proptest::option::of("[a-z=&]{0,20}"),
    ) {
        let mut url = format!("https://{host}/{kind}/{sid}");
        if let Some(q) = query {
            url.push('?');
            url.push_str(&q);
        }
        let read = SessionId::from_session_url(&url).unwrap();
        prop_assert_eq!(read.as_str(), sid.as_str());
        prop_assert_eq!(read.to_path_segment(), sid);
    }
}
