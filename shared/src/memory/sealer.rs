//! [`Sealer`] in memory: a keyed stand-in for KMS with the properties the use cases rely on.
//! A sealed value holds nothing of the secret in the clear, opens only under the binding it
//! was sealed for, and any instance opens what another sealed, as any caller with the key
//! can. It counts its calls, so a test can show a path that asks no key service.

use crate::error::Unexpected;
use crate::seal::{Binding, OpenError, Sealed, Sealer, Secret};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The test key: a stand-in, not a cipher to rely on.
const KEY: &[u8] = b"orderdesk in-memory sealer";

/// Bytes of the integrity tag in front of the masked secret.
const TAG: usize = 16;

/// The in-memory sealer. Clones share their counters and their switch.
#[derive(Debug, Clone, Default)]
pub struct MemorySealer {
    seals: Arc<AtomicUsize>,
    opens: Arc<AtomicUsize>,
    down: Arc<AtomicBool>,
}

impl MemorySealer {
    /// Calls to `seal` so far.
    pub fn seals(&self) -> usize {
        self.seals.load(Ordering::SeqCst)
    }

    /// Calls to `open` so far.
    pub fn opens(&self) -> usize {
        self.opens.load(Ordering::SeqCst)
    }

    /// From now on every call fails as an unreachable key service would (or, `false`, works).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn reachable(&self) -> Result<(), Unexpected> {
        if self.down.load(Ordering::SeqCst) {
            Err(Unexpected::new("the key service cannot be reached"))
        } else {
            Ok(())
        }
    }
}

fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(KEY);
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

fn context(binding: &Binding<'_>) -> Vec<u8> {
    binding
        .pairs()
        .iter()
        .flat_map(|(name, value)| [name.as_bytes(), b"=", value.as_bytes(), b"\0"].concat())
        .collect()
}

/// `data` masked (or unmasked) with a keystream of the binding.
fn masked(data: &[u8], context: &[u8]) -> Vec<u8> {
    data.chunks(32)
        .enumerate()
        .flat_map(|(block, chunk)| {
            let stream = digest(&[context, &(block as u64).to_be_bytes()]);
            chunk
                .iter()
                .zip(stream)
                .map(|(b, s)| b ^ s)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn tag(context: &[u8], secret: &[u8]) -> Vec<u8> {
    digest(&[b"tag", context, secret])[..TAG].to_vec()
}

#[async_trait::async_trait]
impl Sealer for MemorySealer {
    async fn seal(&self, secret: &Secret, binding: Binding<'_>) -> Result<Sealed, Unexpected> {
        self.seals.fetch_add(1, Ordering::SeqCst);
        self.reachable()?;
        let context = context(&binding);
        let plain = secret.expose().as_bytes();
        let mut bytes = tag(&context, plain);
        bytes.extend(masked(plain, &context));
        Ok(Sealed::from_ciphertext(bytes))
    }

    async fn open(&self, sealed: &Sealed, binding: Binding<'_>) -> Result<Secret, OpenError> {
        self.opens.fetch_add(1, Ordering::SeqCst);
        self.reachable()?;
        let context = context(&binding);
        let bytes = sealed.ciphertext();
        let refused = || OpenError::Refused("not sealed for this binding".into());
        if bytes.len() < TAG {
            return Err(refused());
        }
        let plain = masked(&bytes[TAG..], &context);
        if tag(&context, &plain) != bytes[..TAG] {
            return Err(refused());
        }
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(item: &'a str, field: &'static str) -> Binding<'a> {
        Binding {
            purpose: "outbox",
            item,
            field,
        }
    }

    #[tokio::test]
    async fn a_sealed_secret_opens_only_where_it_was_sealed_for() {
        let sealer = MemorySealer::default();
        let secret = Secret::new("Tmp-Pass-1234567890-long-enough-for-two-blocks");

        let sealed = sealer
            .seal(&secret, at("a", "temporary_password"))
            .await
            .unwrap();

        let bytes = sealed.ciphertext();
        assert!(
            !bytes
                .windows(8)
                .any(|w| secret.expose().as_bytes().windows(8).any(|s| s == w))
        );
        let other = MemorySealer::default();
        let opened = other.open(&sealed, at("a", "temporary_password")).await;
        assert_eq!(opened.unwrap(), secret);
        for elsewhere in [at("b", "temporary_password"), at("a", "accept_url")] {
            let refused = other.open(&sealed, elsewhere).await;
            assert!(
                matches!(refused, Err(OpenError::Refused(_))),
                "{elsewhere:?}"
            );
        }
        assert_eq!((sealer.seals(), other.opens()), (1, 3));
    }

    #[tokio::test]
    async fn a_sealer_that_is_down_fails_unexpectedly() {
        let sealer = MemorySealer::default();
        sealer.set_down(true);

        let sealed = sealer.seal(&Secret::new("x"), at("a", "f")).await;

        assert!(sealed.is_err());
    }
}
