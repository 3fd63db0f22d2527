//! The `notifier` Lambda: the table's stream hands it new outbox items, and it sends each one's
//! email; and new password reset requests, for each of which it writes the link's email when
//! the address belongs to a login that may reset its password. It answers with the records
//! that failed, so one failure does not redo the batch.

use futures::StreamExt as _;
use orderdesk::app::{FromShell, Shell, Store, Vault};
use orderdesk::email::{self, Branding, Delivered, Mailer};
use orderdesk::logins;
use orderdesk::outbox::Mailroom;
use orderdesk::stream::{self, StreamEvent, StreamRecord, StreamResponse};
use std::sync::Arc;

/// Records of one batch delivered at the same time.
const CONCURRENCY: usize = 8;

/// Everything the function builds once per cold start.
pub struct App {
    store: Store,
    mailer: Arc<dyn Mailer>,
    /// Opens the secrets of a message just before it is rendered, and seals a new reset
    /// link's.
    mailroom: Mailroom<Vault>,
    branding: Branding,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_runtime::Error> {
        let shell = Shell::from_env().await?;
        let (mailer, branding) = shell.mailer()?;
        let mailroom = Mailroom::from_shell(&shell)?;
        Ok(Self::new(shell.store, mailer, mailroom, branding))
    }

    /// The function on these clients, e.g. a mailer that cannot reach SES in a test.
    pub fn new(
        store: Store,
        mailer: Arc<dyn Mailer>,
        mailroom: Mailroom<Vault>,
        branding: Branding,
    ) -> Self {
        Self {
            store,
            mailer,
            mailroom,
            branding,
        }
    }

    /// Delivers the outbox item of every record and reports the records that failed by their
    /// sequence number, for Lambda to retry from there.
    pub async fn handle(&self, event: StreamEvent) -> StreamResponse {
        let records = &event.records;
        let outcomes: Vec<bool> = futures::stream::iter(0..records.len())
            .map(|i| self.record(&records[i]))
            .buffered(CONCURRENCY)
            .collect()
            .await;
        stream::failures(
            records
                .iter()
                .zip(outcomes)
                .filter(|(_, delivered)| !delivered)
                .map(|(record, _)| record),
        )
    }

    async fn record(&self, record: &StreamRecord) -> bool {
        if let Some(request_id) = stream::pending_reset_request_id(record) {
            return self.reset_request(&request_id).await;
        }
        let Some(outbox_id) = stream::pending_outbox_id(record) else {
            tracing::debug!(event_id = %record.event_id, "not a pending outbox item; skipped");
            return true;
        };
        let delivered = email::deliver(
            &self.store,
            &*self.mailer,
            &self.mailroom.sealer,
            &self.branding,
            &outbox_id,
        )
        .await;
        match delivered {
            Ok(Delivered::Sent { message_id }) => {
                tracing::info!(%outbox_id, %message_id, "email sent");
                true
            }
            Ok(outcome) => {
                tracing::info!(%outbox_id, ?outcome, "nothing to send");
                true
            }
            Err(error) => {
                tracing::error!(%outbox_id, error = %orderdesk::error::chain(&error), "email not sent; the record is reported failed");
                false
            }
        }
    }

    async fn reset_request(&self, request_id: &str) -> bool {
        match logins::issue_password_reset(&self.store, &self.mailroom, request_id).await {
            Ok(outcome) => {
                tracing::info!(%request_id, ?outcome, "password reset request handled");
                true
            }
            Err(error) => {
                tracing::error!(%request_id, error = %error.chain(), "password reset request not handled; the record is reported failed");
                false
            }
        }
    }
}
