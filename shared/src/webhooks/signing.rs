//! Signing deliveries as Standard Webhooks does: `webhook-signature` holds `v1,` and the
//! base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the bytes of the
//! secret after `whsec_`; several signatures (during a rotation) are separated by spaces, and
//! a receiver accepts the request when any of them matches a secret it knows.

use crate::seal::Secret;
use aws_lc_rs::hmac;
use base64::{Engine, engine::general_purpose::STANDARD};

/// The prefix of every signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// Random bytes in a new secret: 32, the HMAC-SHA256 block's worth of key.
const SECRET_BYTES: usize = 32;

/// A webhook's signing secret, `whsec_` and base64. It exists in the clear only while it is
/// shown once at creation or rotation and while a delivery is signed; at rest it is sealed.
#[derive(Clone)]
pub struct SigningSecret {
    key: hmac::Key,
    text: Secret,
}

impl SigningSecret {
    pub fn generate() -> Self {
        let mut bytes = [0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, bytes),
            text: Secret::new(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))),
        }
    }

    /// A secret as it was shown (an opened one, or one in a test).
    pub fn parse(secret: &Secret) -> Option<Self> {
        let encoded = secret.expose().strip_prefix(SECRET_PREFIX)?;
        let bytes = STANDARD.decode(encoded).ok()?;
        (!bytes.is_empty()).then(|| Self::from_bytes(&bytes))
    }

    /// The secret as it is shown and sealed.
    pub fn as_secret(&self) -> &Secret {
        &self.text
    }

    /// `v1,` and the signature of one delivery.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut context = hmac::Context::with_key(&self.key);
        context.update(message_id.as_bytes());
        context.update(b".");
        context.update(timestamp.to_string().as_bytes());
        context.update(b".");
        context.update(body);
        format!("v1,{}", STANDARD.encode(context.sign().as_ref()))
    }
}

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(..)")
    }
}

/// The `webhook-signature` header of one delivery: one signature per secret, newest first.
pub fn signature_header(
    secrets: &[SigningSecret],
    message_id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .iter()
        .map(|s| s.sign(message_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_matches_the_standard_webhooks_reference_example() {
        // The example of the Standard Webhooks specification and its reference libraries.
        let secret =
            SigningSecret::parse(&Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).unwrap();
        let body = br#"{"test": 2432232314}"#;

        let signature = secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);

        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_new_secret_reads_back_and_two_secrets_give_two_signatures() {
        let a = SigningSecret::generate();
        let b = SigningSecret::generate();
        assert!(a.as_secret().expose().starts_with("whsec_"));
        let again = SigningSecret::parse(a.as_secret()).unwrap();
        assert_eq!(again.sign("evt_1", 1, b"{}"), a.sign("evt_1", 1, b"{}"));
        assert_ne!(a.sign("evt_1", 1, b"{}"), b.sign("evt_1", 1, b"{}"));

        let header = signature_header(&[a.clone(), b.clone()], "evt_1", 1, b"{}");

        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(
            parts,
            [a.sign("evt_1", 1, b"{}"), b.sign("evt_1", 1, b"{}")]
        );
        assert!(SigningSecret::parse(&Secret::new("sk_live_x")).is_none());
        assert!(SigningSecret::parse(&Secret::new("whsec_")).is_none());
    }
}
