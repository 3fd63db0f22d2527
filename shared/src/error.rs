//! The failure every port can report besides its own refusals.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;

/// A failure that is not the caller's doing: the SDK, the network, a malformed item. It keeps
/// its cause chain for the log; a client only ever hears that something went wrong.
#[derive(Debug)]
pub struct Unexpected {
    what: Cow<'static, str>,
    source: Option<Box<dyn Error + Send + Sync + 'static>>,
}

impl Unexpected {
    /// A failure described in words alone.
    pub fn new(what: impl Into<Cow<'static, str>>) -> Self {
        Self {
            what: what.into(),
            source: None,
        }
    }

    /// A failure of `what`, caused by `source`.
    pub fn caused_by(
        what: impl Into<Cow<'static, str>>,
        source: impl Into<Box<dyn Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            what: what.into(),
            source: Some(source.into()),
        }
    }

    /// A failure of `what` because a service it needs did not answer in time or could not be
    /// reached: [`Outage`] joins the causes, so it is still found when this failure is wrapped.
    pub fn outage(
        what: impl Into<Cow<'static, str>>,
        source: impl Into<Box<dyn Error + Send + Sync + 'static>>,
    ) -> Self {
        Self::caused_by(what, Outage(source.into()))
    }

    /// Whether an [`Outage`] is among the causes: the request may succeed later, so the client
    /// hears "try again", not "something is broken".
    pub fn is_outage(&self) -> bool {
        std::iter::successors(self.source(), |e| (*e).source()).any(|e| e.is::<Outage>())
    }

    /// This failure and every cause under it, outermost first, for the log.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// The cause that makes a failure an outage rather than a bug: a service that did not answer in
/// time or could not be reached. It sits in the cause chain, not in a field, because use cases
/// wrap failures in their own errors (some `transparent`, which skip the wrapped failure itself
/// but keep its causes).
#[derive(Debug)]
pub struct Outage(Box<dyn Error + Send + Sync + 'static>);

impl fmt::Display for Outage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the service did not answer in time or could not be reached")
    }
}

impl Error for Outage {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.0.as_ref())
    }
}

impl fmt::Display for Unexpected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

impl Error for Unexpected {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

/// An error and its causes, joined with `: ` (skipping a cause its parent already printed).
pub fn chain(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let line = cause.to_string();
        if !text.ends_with(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unexpected_failure_keeps_its_causes_for_the_log() {
        let io = std::io::Error::other("connection reset");
        let e = Unexpected::caused_by("DynamoDB GetItem failed", io);
        assert_eq!(e.to_string(), "DynamoDB GetItem failed");
        assert_eq!(e.chain(), "DynamoDB GetItem failed: connection reset");
        let outer = Unexpected::caused_by("submitting an order", e);
        assert_eq!(
            outer.chain(),
            "submitting an order: DynamoDB GetItem failed: connection reset"
        );
        assert!(!outer.is_outage());
    }

    /// A use-case error that wraps a port's failure as `thiserror`'s `transparent` does: its
    /// causes are the wrapped failure's causes, the failure itself is skipped.
    #[derive(Debug, thiserror::Error)]
    #[error(transparent)]
    struct Transparent(Unexpected);

    #[test]
    fn an_outage_is_still_an_outage_when_a_use_case_wraps_it() {
        let stalled = std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 3s");
        let e = Unexpected::outage("DynamoDB GetItem failed", stalled);
        assert!(e.is_outage());
        assert_eq!(
            e.chain(),
            "DynamoDB GetItem failed: the service did not answer in time or could not be reached: no answer in 3s"
        );
        let wrapped = Unexpected::caused_by("provisioning failed", Transparent(e));
        assert!(wrapped.is_outage());
    }
}
