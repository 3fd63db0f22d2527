//! The `notifier` Lambda: the table's stream hands it new outbox items, and it sends each one's
//! email. It answers with the records that failed, so one failure does not resend the batch.

use futures::StreamExt as _;
use orderdesk::app::{Shell, Store, Vault};
use orderdesk::email::{self, Branding, Delivered, Mailer};
use orderdesk::stream::{self, StreamEvent, StreamRecord, StreamResponse};
use std::sync::Arc;

/// Records of one batch delivered at the same time.
const CONCURRENCY: usize = 8;

/// Everything the function builds once per cold start.
pub struct App {
    store: Store,
    mailer: Arc<dyn Mailer>,
    /// Opens the secrets of a message just before it is rendered.
    vault: Vault,
    branding: Branding,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_runtime::Error> {
        let shell = Shell::from_env().await?;
        let (mailer, branding) = shell.mailer()?;
        let vault = shell.vault()?;
        Ok(Self::new(shell.store, mailer, vault, branding))
    }

    /// The function on these clients, e.g. a mailer that cannot reach SES in a test.
    pub fn new(store: Store, mailer: Arc<dyn Mailer>, vault: Vault, branding: Branding) -> Self {
        Self {
            store,
            mailer,
            vault,
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
        let Some(outbox_id) = stream::pending_outbox_id(record) else {
            tracing::debug!(event_id = %record.event_id, "not a pending outbox item; skipped");
            return true;
        };
        let delivered = email::deliver(
            &self.store,
            &*self.mailer,
            &self.vault,
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
}
