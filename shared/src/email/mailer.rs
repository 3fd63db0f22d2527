//! The port that sends one email (SES v2 in AWS: `crate::ses`).

use super::RenderedEmail;
use crate::domain::Email;

/// Sends one rendered email to one address.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// Sends `email` to `to` and returns the provider's message id.
    async fn send(&self, to: &Email, email: &RenderedEmail) -> Result<String, MailerError>;
}

/// The email did not leave: the provider refused it or could not be reached.
#[derive(Debug, thiserror::Error)]
#[error("the email was not sent: {0}")]
pub struct MailerError(pub String);
