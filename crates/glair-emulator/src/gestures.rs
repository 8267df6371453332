//! The gestures an active liveness session's hosted page asks for, by their GLAIR codes.
//!
//! GLAIR's page picks the gestures itself (`number_of_gestures` says only how many) and does
//! not document how. The emulator picks them from the sid, so the same page always asks for
//! the same gestures: first `HEAD_LEFT` (the gesture a finished session's result reports as
//! detected), then the other 18 codes in an order that starts at an offset taken from the
//! sid (at most 19 are asked for: see `MAX_GESTURES`).

/// Every gesture code with the prompt the page shows for it (GLAIR's own descriptions,
/// addressed to the user), in the order of `glair_types::GestureCode::ALL`.
pub(crate) const GESTURES: [(&str, &str); 19] = [
    ("HAND_00000", "Close all fingers"),
    ("HAND_01000", "Show your index finger"),
    ("HAND_01100", "Show your index and middle fingers"),
    ("HAND_01110", "Show your index, middle and ring fingers"),
    (
        "HAND_01111",
        "Show your index, middle, ring and little fingers",
    ),
    ("HAND_10000", "Raise only your thumb"),
    ("HAND_11000", "Show your thumb and index finger"),
    ("HAND_11001", "Show your thumb, index and little fingers"),
    ("HAND_11111", "Show all your fingers"),
    ("HEAD_00", "Close both eyes"),
    ("HEAD_01", "Close your right eye"),
    ("HEAD_10", "Close your left eye"),
    ("HEAD_11", "Open both eyes"),
    ("HEAD_LEFT", "Turn your head left"),
    ("HEAD_RIGHT", "Turn your head right"),
    ("HEAD_UP", "Look up"),
    ("HEAD_DOWN", "Look down"),
    ("HEAD_OPEN_MOUTH", "Open your mouth"),
    ("HEAD_CLOSE_MOUTH", "Close your mouth"),
];

/// The gesture every sequence starts with: the one the session fixtures report as detected.
const FIRST: usize = 13; // HEAD_LEFT

/// The most prompts a page lists: one of each code. The API accepts at most
/// [`MAX_GESTURES`](crate::MAX_GESTURES) (also 19), so every page lists all it asks for; the
/// "how many more" line only guards a session built with more by hand.
pub(crate) const MAX_LISTED: usize = GESTURES.len();

/// The gestures a page asks for: the first [`MAX_LISTED`] of them, and how many in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GesturePrompts {
    /// `(code, prompt)` pairs, in order; at most [`MAX_LISTED`].
    pub(crate) listed: Vec<(&'static str, &'static str)>,
    /// How many gestures the session asked for (`number_of_gestures`).
    pub(crate) total: u64,
}

impl GesturePrompts {
    /// The prompts for session `sid` asking for `count` gestures.
    pub(crate) fn for_session(sid: &str, count: u64) -> Self {
        let others: Vec<usize> = (0..GESTURES.len()).filter(|&i| i != FIRST).collect();
        // Any mixing of the sid's bytes does: it only has to differ between sessions.
        let offset = sid.bytes().fold(0usize, |acc, b| {
            acc.wrapping_mul(31).wrapping_add(usize::from(b))
        }) % others.len();
        let order = std::iter::once(FIRST).chain(
            others
                .iter()
                .cycle()
                .skip(offset)
                .take(others.len())
                .copied(),
        );
        let listed_count = usize::try_from(count).map_or(MAX_LISTED, |c| c.min(MAX_LISTED));
        GesturePrompts {
            listed: order.take(listed_count).map(|i| GESTURES[i]).collect(),
            total: count,
        }
    }

    /// How many asked-for gestures are not listed (the sequence again, from the top).
    pub(crate) fn not_listed(&self) -> u64 {
        self.total.saturating_sub(self.listed.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glair_types::GestureCode;

    #[test]
    fn the_table_holds_glairs_nineteen_codes_in_order() {
        let codes: Vec<&str> = GESTURES.iter().map(|(code, _)| *code).collect();
        let glair: Vec<String> = GestureCode::ALL
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        assert_eq!(codes, glair);
        assert_eq!(GESTURES[FIRST].0, "HEAD_LEFT");
        assert!(
            GESTURES
                .iter()
                .all(|(_, prompt)| !prompt.to_lowercase().contains("blink"))
        );
    }

    #[test]
    fn a_session_gets_as_many_distinct_gestures_as_it_asks_for_up_to_nineteen() {
        for count in 1..=19u64 {
            let p = GesturePrompts::for_session("Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z", count);
            assert_eq!(p.listed.len() as u64, count);
            assert_eq!(p.listed[0].0, "HEAD_LEFT");
            let mut codes: Vec<&str> = p.listed.iter().map(|(c, _)| *c).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len() as u64, count, "no gesture twice");
            assert_eq!(p.not_listed(), 0);
        }
        let many = GesturePrompts::for_session("x", u64::MAX);
        assert_eq!(many.listed.len(), MAX_LISTED);
        assert_eq!(many.not_listed(), u64::MAX - 19);
    }

    #[test]
    fn the_same_sid_always_gets_the_same_gestures_and_sids_differ() {
        let a = GesturePrompts::for_session("sidA", 3);
        assert_eq!(a, GesturePrompts::for_session("sidA", 3));
        let seconds: std::collections::BTreeSet<&str> = (0..40)
            .map(|i| GesturePrompts::for_session(&format!("sid{i}"), 2).listed[1].0)
            .collect();
        assert!(seconds.len() > 5, "{seconds:?}");
    }
}
