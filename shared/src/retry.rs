//! Writes that meet another write to the same items mid-flight are tried again: DynamoDB
//! cancels a transaction on contention without concluding anything, so a fresh attempt is the
//! only honest answer. Each use case decides what counts as contention for its writes.

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
/// each contention; `exhausted` is the error when every attempt met contention.
pub async fn on_contention<T, E, F, Fut>(
    mut attempt: F,
    exhausted: impl FnOnce() -> E,
) -> Result<T, E>
where
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
    Err(exhausted())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn a_contended_write_is_tried_again_until_it_is_done() {
        let tries = AtomicU32::new(0);
        let done: Result<u32, &str> = on_contention(
            |n| {
                tries.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n < 2 {
                        Attempt::Contended
                    } else {
                        Attempt::Done(n)
                    }
                }
            },
            || "gave up",
        )
        .await;
        assert_eq!(done, Ok(2));
        assert_eq!(tries.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn endless_contention_gives_up_and_a_failure_is_not_retried() {
        let gave_up: Result<(), &str> =
            on_contention(|_| async { Attempt::Contended }, || "gave up").await;
        assert_eq!(gave_up, Err("gave up"));
        let tries = AtomicU32::new(0);
        let failed: Result<(), &str> = on_contention(
            |_| {
                tries.fetch_add(1, Ordering::SeqCst);
                async { Attempt::Failed("refused") }
            },
            || "gave up",
        )
        .await;
        assert_eq!(failed, Err("refused"));
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    }
}
