//! The `deliverer` Lambda: takes webhook attempts from the webhooks' FIFO queue (one message
//! group per webhook, so each webhook's deliveries go in event order and a slow endpoint holds
//! up only its own), posts each event, signed, and records the attempt. A message is handed
//! back to the queue only when the attempt could not be recorded; an endpoint's failure is
//! recorded and retried on the delivery's own schedule.

use orderdesk::app::{Courier, FromShell, Shell, Store, Vault};
use orderdesk::queue::{self, QueueEvent, QueueResponse};
use orderdesk::seal::Remembered;
use orderdesk::webhooks::{self, DeliveryJob, Endpoint, Notice, Outcome};
use std::sync::Arc;

/// Everything the function builds once per cold start.
pub struct App {
    store: Store,
    vault: Remembered<Vault>,
    endpoint: Arc<dyn Endpoint>,
    notice: Notice,
}

impl App {
    /// Reads configuration from the environment and builds the clients.
    pub async fn from_env() -> Result<Self, lambda_runtime::Error> {
        let shell = Shell::from_env().await?;
        let endpoint = Courier::from_shell(&shell)?;
        Ok(Self::new(
            shell.store.clone(),
            Vault::from_shell(&shell)?,
            Arc::new(endpoint),
            Notice::from_shell(&shell)?,
        ))
    }

    /// The function on these clients, e.g. an endpoint that answers as a test says.
    pub fn new(store: Store, vault: Vault, endpoint: Arc<dyn Endpoint>, notice: Notice) -> Self {
        Self {
            store,
            vault: Remembered::new(vault),
            endpoint,
            notice,
        }
    }

    /// Makes each message's attempt, in order, and names the messages whose attempts could
    /// not be recorded (in a FIFO queue, with those after them in the batch).
    pub async fn handle(&self, event: QueueEvent) -> QueueResponse {
        let mut failed = Vec::new();
        for message in &event.records {
            if !failed.is_empty() {
                failed.push(message);
                continue;
            }
            let Some(job) = message
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<DeliveryJob>(b).ok())
            else {
                tracing::error!(message_id = ?message.message_id, "a message that is no delivery job was dropped");
                continue;
            };
            let outcome = webhooks::deliver(
                &self.store,
                &self.vault,
                &*self.endpoint,
                &self.notice,
                &job,
            )
            .await;
            match outcome {
                Ok(Outcome::Attempted(d)) => tracing::info!(
                    webhook_id = %d.webhook_id, event_id = %d.event_id, attempts = d.attempts,
                    status = ?d.status, status_code = ?d.last_status_code, "delivery attempted"
                ),
                Ok(Outcome::Skipped(why)) => tracing::info!(
                    webhook_id = %job.webhook_id, event_id = %job.event_id, why, "delivery skipped"
                ),
                Err(error) => {
                    tracing::error!(error = %error.chain(), webhook_id = %job.webhook_id, event_id = %job.event_id, "a delivery attempt could not be recorded");
                    failed.push(message);
                }
            }
        }
        queue::failures(failed)
    }
}
