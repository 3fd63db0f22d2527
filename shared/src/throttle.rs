//! Request quotas counted in the table: a count per subject in fixed windows, charged in the
//! same transaction as the write it guards, so a refused request writes nothing and a counted
//! one cannot slip past the limit under concurrency.

use crate::domain::Timestamp;
use crate::idempotency::hex;
use sha2::{Digest, Sha256};

/// How many requests one subject may make in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// What is counted, e.g. `reset-address`; part of the counter's key.
    pub scope: &'static str,
    pub limit: u32,
    pub window_seconds: i64,
}

/// One request charged against a quota: the counter of its subject's current window must stay
/// at or below `limit` after it is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// The scope and a hash of the subject (an address or a source IP never sits in a key).
    pub counter: String,
    pub limit: u32,
    /// When the window ends, in Unix seconds: the counter is useless afterwards (TTL), and a
    /// refused caller may try again then.
    pub window_ends: i64,
}

impl Quota {
    /// The charge of one request by `subject` at `now`.
    pub fn charge(&self, subject: &str, now: Timestamp) -> Charge {
        let start = now.unix_seconds().div_euclid(self.window_seconds) * self.window_seconds;
        let subject = hex(&Sha256::digest(subject.as_bytes()));
        Charge {
            counter: format!("{}#{subject}#{start}", self.scope),
            limit: self.limit,
            window_ends: start + self.window_seconds,
        }
    }
}

impl Charge {
    /// Whole seconds from `now` until the window ends, at least one.
    pub fn retry_after(&self, now: Timestamp) -> u32 {
        let left = self.window_ends - now.unix_seconds();
        u32::try_from(left.max(1)).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: Quota = Quota {
        scope: "test",
        limit: 3,
        window_seconds: 3600,
    };

    #[test]
    fn one_subject_in_one_window_is_one_counter_and_the_next_window_another() {
        let at = |s| Timestamp::parse(s).unwrap();
        let a = Q.charge("ann@acme.example", at("2026-12-02T10:05:00Z"));
        let b = Q.charge("ann@acme.example", at("2026-12-02T10:59:59Z"));
        let c = Q.charge("ann@acme.example", at("2026-12-02T11:00:00Z"));
        assert_eq!(a, b);
        assert_ne!(a.counter, c.counter);
        assert!(!a.counter.contains("ann"), "{}", a.counter);
        assert_eq!(a.window_ends, at("2026-12-02T11:00:00Z").unix_seconds());
        assert_eq!(a.retry_after(at("2026-12-02T10:59:30Z")), 30);
        assert_eq!(a.retry_after(at("2026-12-02T11:00:30Z")), 1);
    }

    #[test]
    fn two_subjects_never_share_a_counter() {
        let now = Timestamp::now();
        assert_ne!(Q.charge("a", now).counter, Q.charge("b", now).counter);
    }
}
