//! Writes that meet another write to the same items mid-flight are tried again: DynamoDB
//! cancels a transaction on contention without concluding anything, so a fresh attempt is the
//! only honest answer. Each use case decides what counts as contention for its writes.

use crate::error::Unexpected;
use std::future::Future;
use std::time::Duration;

/// How often a write that keeps meeting contention is tried before the use case gives up.
pub const ATTEMPTS: u32 = 5;

/// The wait before attempt `attempt + 1`: short and growing, well inside a request's time.
pub async fn back_off(attempt: u32) {
    tokio::time::sleep(Duration::from_millis(u64::from(10 + attempt * 25))).await;
}

/// What one attempt came to.
#[derive(Debug)]
pub enum Attempt<T, E> {
    Done(T),
    /// Met another write in flight: wait and try again.
    Contended,
    Failed(E),
}

/// Runs `attempt` until it is done or fails, at most [`ATTEMPTS`] times, backing off after
/// each contention. When every attempt met contention the write (`what`) gives up as
/// unexpected: the client may try again, nothing was written.
pub async fn on_contention<T, E, F, Fut>(what: &'static str, mut attempt: F) -> Result<T, E>
where
    E: From<Unexpected>,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Attempt<T, E>>,
{
    for n in 0..ATTEMPTS {
        match attempt(n).await {
            Attempt::Done(t) => return Ok(t),
            Attempt::Failed(e) => return Err(e),
            Attempt::Contended => back_off(n).await,
        }
    }
    Err(Unexpected::new(format!("{what} kept meeting concurrent writes")).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// How a test write ends when it is not done: given up, or refused by the write itself.
    #[derive(Debug, PartialEq)]
    enum NotDone {
        GaveUp(String),
        Refused,
    }

    impl From<Unexpected> for NotDone {
        fn from(e: Unexpected) -> Self {
            Self::GaveUp(e.to_string())
        }
    }

    #[tokio::test]
    async fn a_contended_write_is_tried_again_until_it_is_done() {
        let tries = AtomicU32::new(0);
        let done: Result<u32, NotDone> = on_contention("the test write", |n| {
            tries.fetch_add(1, Ordering::SeqCst);
            async move {
                if n < 2 {
                    Attempt::Contended
                } else {
                    Attempt::Done(n)
                }
            }
        })
        .await;
        assert_eq!(done, Ok(2));
        assert_eq!(tries.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn endless_contention_gives_up_naming_the_write_and_a_failure_is_not_retried() {
        let gave_up: Result<(), NotDone> =
            on_contention("the test write", |_| async { Attempt::Contended }).await;
        assert_eq!(
            gave_up,
            Err(NotDone::GaveUp(
                "the test write kept meeting concurrent writes".into()
            ))
        );
        let tries = AtomicU32::new(0);
        let failed: Result<(), NotDone> = on_contention("the test write", |_| {
            tries.fetch_add(1, Ordering::SeqCst);
            async { Attempt::Failed(NotDone::Refused) }
        })
        .await;
        assert_eq!(failed, Err(NotDone::Refused));
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    }
}
