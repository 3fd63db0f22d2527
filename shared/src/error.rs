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

    /// This failure and every cause under it, outermost first, for the log.
    pub fn chain(&self) -> String {
        chain(self)
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
    }
}
