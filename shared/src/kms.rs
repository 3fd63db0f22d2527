//! [`Sealer`] on AWS KMS: `Encrypt` and `Decrypt` with the stack's symmetric key.
//!
//! The secrets sealed here are a few dozen bytes, far under `Encrypt`'s 4 KB, so the key
//! encrypts them itself: no data key to generate, wrap and keep beside the ciphertext, one
//! call to seal and one to open. The binding is the request's encryption context, which KMS
//! authenticates with the ciphertext and records in CloudTrail.

use crate::error::Unexpected;
use crate::seal::{Binding, OpenError, Sealed, Sealer, Secret};
use aws_sdk_kms::error::DisplayErrorContext;
use aws_sdk_kms::operation::decrypt::DecryptError;
use aws_sdk_kms::primitives::Blob;

/// [`Sealer`] on one KMS key (`SECRETS_KEY_ID`, its id or ARN).
#[derive(Debug, Clone)]
pub struct KmsSealer {
    client: aws_sdk_kms::Client,
    key_id: String,
}

impl KmsSealer {
    pub fn new(client: aws_sdk_kms::Client, key_id: &str) -> Self {
        Self {
            client,
            key_id: key_id.to_owned(),
        }
    }
}

#[async_trait::async_trait]
impl Sealer for KmsSealer {
    async fn seal(&self, secret: &Secret, binding: Binding<'_>) -> Result<Sealed, Unexpected> {
        let mut request = self
            .client
            .encrypt()
            .key_id(&self.key_id)
            .plaintext(Blob::new(secret.expose().as_bytes()));
        for (name, value) in binding.pairs() {
            request = request.encryption_context(name, value);
        }
        let out = request
            .send()
            .await
            .map_err(|e| crate::sdk::failure("KMS Encrypt failed", e))?;
        out.ciphertext_blob
            .map(|blob| Sealed::from_ciphertext(blob.into_inner()))
            .ok_or_else(|| Unexpected::new("KMS Encrypt answered without a ciphertext"))
    }

    async fn open(&self, sealed: &Sealed, binding: Binding<'_>) -> Result<Secret, OpenError> {
        // The key is named so that a ciphertext of another key is refused, not opened with it.
        let mut request = self
            .client
            .decrypt()
            .key_id(&self.key_id)
            .ciphertext_blob(Blob::new(sealed.ciphertext()));
        for (name, value) in binding.pairs() {
            request = request.encryption_context(name, value);
        }
        let out = request
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(
                    DecryptError::InvalidCiphertextException(_)
                    | DecryptError::IncorrectKeyException(_),
                ) => OpenError::Refused(DisplayErrorContext(&e).to_string()),
                _ => crate::sdk::failure("KMS Decrypt failed", e).into(),
            })?;
        let plain = out
            .plaintext
            .ok_or_else(|| Unexpected::new("KMS Decrypt answered without a plaintext"))?;
        String::from_utf8(plain.into_inner())
            .map(Secret::new)
            .map_err(|_| OpenError::Refused("the sealed secret is not text".into()))
    }
}
