//! Secrets at rest. A secret that has to wait in the table (a temporary password, a link with
//! its single-use token, inside an outbox item until its email leaves) is sealed with the
//! stack's key before it is written and opened only where it is used. The table, its backups
//! and its stream, which keeps every image for 24 hours, hold ciphertext only.
//!
//! The port is [`Sealer`]; in AWS it is a KMS key (`crate::kms`), in unit tests an in-memory
//! fake. A sealed secret is bound to the place it was sealed for ([`Binding`]), so a
//! ciphertext copied into another item or another field does not open.

use crate::error::Unexpected;
use base64::{Engine, engine::general_purpose::STANDARD};

/// A secret in the clear. It lives in memory only: it cannot be serialised, so it cannot be
/// written, and its `Debug` hides it, so it does not reach a log.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that uses it (an email's text, an SDK call).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// A secret sealed under the stack's key for one [`Binding`]. Its bytes are the key
/// service's ciphertext and show nothing of the secret.
///
/// Stored as `{"sealed": "<base64>"}`: an object, so that an item written before secrets were
/// sealed (a plain string in the same field) is never taken for a sealed one.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(Vec<u8>);

impl Sealed {
    /// A ciphertext as a sealer produced it; for the sealers only.
    pub fn from_ciphertext(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn ciphertext(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedForm {
    sealed: String,
}

impl serde::Serialize for Sealed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SealedForm {
            sealed: STANDARD.encode(&self.0),
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Sealed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let form = SealedForm::deserialize(deserializer)?;
        STANDARD
            .decode(form.sealed)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

/// Where a sealed secret belongs. The key service binds the ciphertext to it (KMS's encryption
/// context, logged in CloudTrail with every use), so it opens only for the same binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding<'a> {
    /// What kind of item holds the secret, e.g. `outbox`.
    pub purpose: &'static str,
    /// The id of that item.
    pub item: &'a str,
    /// The field of the item that holds the secret.
    pub field: &'static str,
}

impl<'a> Binding<'a> {
    /// The binding as the key service's context: names and values, nothing secret.
    pub fn pairs(&self) -> [(&'static str, &'a str); 3] {
        [
            ("purpose", self.purpose),
            ("item", self.item),
            ("field", self.field),
        ]
    }
}

/// Why a sealed secret did not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The key service refused the ciphertext: sealed under another key or for another
    /// binding, or altered. Trying again does not help.
    #[error("the sealed secret does not open here: {0}")]
    Refused(String),
    /// The key service could not be asked; a later try may succeed.
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Seals secrets before they are written and opens them where they are used.
#[async_trait::async_trait]
pub trait Sealer: Send + Sync {
    async fn seal(&self, secret: &Secret, binding: Binding<'_>) -> Result<Sealed, Unexpected>;

    async fn open(&self, sealed: &Sealed, binding: Binding<'_>) -> Result<Secret, OpenError>;
}

/// Secrets a warm function opened, at most this many kept.
const REMEMBERED: usize = 64;

/// A sealer that remembers the secrets it opened, by ciphertext and binding, for as long as
/// the function stays warm: a webhook's secret opens once per cold start, not once per
/// delivery. Only a ciphertext the key service opened is remembered, so a refused one is asked
/// about again.
pub struct Remembered<S> {
    inner: S,
    opened: std::sync::Mutex<Vec<(Vec<u8>, String, Secret)>>,
}

impl<S> Remembered<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            opened: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn recall(&self, sealed: &Sealed, binding: &str) -> Option<Secret> {
        let opened = self.opened.lock().ok()?;
        opened
            .iter()
            .find(|(c, b, _)| c == sealed.ciphertext() && b == binding)
            .map(|(_, _, s)| s.clone())
    }
}

#[async_trait::async_trait]
impl<S: Sealer> Sealer for Remembered<S> {
    async fn seal(&self, secret: &Secret, binding: Binding<'_>) -> Result<Sealed, Unexpected> {
        self.inner.seal(secret, binding).await
    }

    async fn open(&self, sealed: &Sealed, binding: Binding<'_>) -> Result<Secret, OpenError> {
        let key = format!("{binding:?}");
        if let Some(secret) = self.recall(sealed, &key) {
            return Ok(secret);
        }
        let secret = self.inner.open(sealed, binding).await?;
        if let Ok(mut opened) = self.opened.lock() {
            if opened.len() >= REMEMBERED {
                opened.remove(0);
            }
            opened.push((sealed.ciphertext().to_vec(), key, secret.clone()));
        }
        Ok(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let s = Secret::new("Tmp-Pass-123");
        assert_eq!(format!("{s:?}"), "Secret(..)");
        assert_eq!(s.expose(), "Tmp-Pass-123");
        let sealed = Sealed::from_ciphertext(vec![1, 2, 3]);
        assert_eq!(format!("{sealed:?}"), "Sealed(3 bytes)");
    }

    #[test]
    fn a_sealed_secret_is_stored_as_an_object_and_a_plain_string_is_not_one() {
        let sealed = Sealed::from_ciphertext(vec![0xde, 0xad, 0xbe, 0xef]);

        let json = serde_json::to_value(&sealed).unwrap();

        assert_eq!(json, serde_json::json!({"sealed": "3q2+7w=="}));
        assert_eq!(serde_json::from_value::<Sealed>(json).unwrap(), sealed);
        assert!(serde_json::from_value::<Sealed>(serde_json::json!("3q2+7w==")).is_err());
        assert!(serde_json::from_value::<Sealed>(serde_json::json!({"sealed": "%%"})).is_err());
    }

    #[test]
    fn a_binding_is_the_context_of_purpose_item_and_field() {
        let b = Binding {
            purpose: "outbox",
            item: "0001",
            field: "temporary_password",
        };
        assert_eq!(
            b.pairs(),
            [
                ("purpose", "outbox"),
                ("item", "0001"),
                ("field", "temporary_password")
            ]
        );
    }
}
