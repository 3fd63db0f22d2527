//! The `deliverer` Lambda: takes one webhook delivery at a time from the webhooks' FIFO queue
//! (one message group per webhook, so each webhook's deliveries go in event order and a slow
//! endpoint holds up only its own), posts the event, signed, and records the attempt.

use orderdesk::app::Shell;
use orderdesk::queue::{QueueEvent, QueueResponse};

/// Everything the function builds once per cold start.
pub struct App {}

impl App {
    pub async fn from_env() -> Result<Self, lambda_runtime::Error> {
        let _shell = Shell::from_env().await?;
        Ok(Self {})
    }

    pub async fn handle(&self, _event: QueueEvent) -> QueueResponse {
        QueueResponse::default()
    }
}
