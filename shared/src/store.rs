//! What the stores can report besides success.

/// A store failure that is not the caller's doing: the SDK, the network, a malformed item.
#[derive(Debug, thiserror::Error)]
#[error("store failure: {0}")]
pub struct Unexpected(pub String);

impl Unexpected {
    pub fn new(e: impl std::fmt::Display) -> Self {
        Self(e.to_string())
    }
}
