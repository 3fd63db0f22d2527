//! [`Mailer`] on SES v2.

use crate::domain::Email;
use crate::email::{Mailer, MailerError, RenderedEmail};
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use base64::Engine as _;

/// [`Mailer`] on SES v2 `SendEmail`, simple content with a text and an HTML part.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: String,
}

impl SesMailer {
    /// Sends from `sender_email` (a verified SES identity), shown with `sender_name`.
    pub fn new(client: aws_sdk_sesv2::Client, sender_email: &str, sender_name: &str) -> Self {
        Self {
            client,
            from: from_address(sender_name, sender_email),
        }
    }

    /// The `From` header this mailer sends with.
    pub fn from(&self) -> &str {
        &self.from
    }
}

#[async_trait::async_trait]
impl Mailer for SesMailer {
    async fn send(&self, to: &Email, email: &RenderedEmail) -> Result<String, MailerError> {
        let content = |data: &str| {
            Content::builder()
                .data(data)
                .charset("UTF-8")
                .build()
                .expect("data is set")
        };
        let message = Message::builder()
            .subject(content(&email.subject))
            .body(
                Body::builder()
                    .text(content(&email.text))
                    .html(content(&email.html))
                    .build(),
            )
            .build();
        let out = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(to.as_str()).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|e| MailerError(DisplayErrorContext(&e).to_string()))?;
        out.message_id()
            .map(str::to_owned)
            .ok_or_else(|| MailerError("SES answered without a message id".into()))
    }
}

/// `"Acme Ltd" <orders@acme.example>`; a name beyond printable ASCII is RFC 2047 encoded.
fn from_address(name: &str, email: &str) -> String {
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    if name.is_empty() {
        email.to_owned()
    } else if name.is_ascii() {
        let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{quoted}\" <{email}>")
    } else {
        let encoded = base64::engine::general_purpose::STANDARD.encode(name);
        format!("=?UTF-8?B?{encoded}?= <{email}>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_is_shown_with_the_sellers_name() {
        assert_eq!(
            from_address("Acme \"Best\" Ltd", "o@acme.example"),
            "\"Acme \\\"Best\\\" Ltd\" <o@acme.example>"
        );
        assert_eq!(
            from_address("Bäckerei", "o@b.example"),
            "=?UTF-8?B?QsOkY2tlcmVp?= <o@b.example>"
        );
        assert_eq!(from_address(" \r\n", "o@b.example"), "o@b.example");
    }
}
