//! [`DeliveryQueue`] on an SQS FIFO queue: each webhook is a message group, so its attempts
//! are handed to the deliverer one at a time and in order while other webhooks' go on; each
//! attempt is deduplicated by its own id, so a job queued twice within five minutes is
//! delivered once.

use crate::error::Unexpected;
use crate::webhooks::{DeliveryJob, DeliveryQueue};
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

/// The most messages one `SendMessageBatch` takes.
const BATCH: usize = 10;

/// The webhooks' queue (`WEBHOOK_QUEUE_URL`).
#[derive(Debug, Clone)]
pub struct SqsDeliveryQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl SqsDeliveryQueue {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: &str) -> Self {
        Self {
            client,
            queue_url: queue_url.to_owned(),
        }
    }
}

#[async_trait::async_trait]
impl DeliveryQueue for SqsDeliveryQueue {
    async fn enqueue(&self, jobs: &[DeliveryJob]) -> Result<Vec<usize>, Unexpected> {
        let mut refused = Vec::new();
        for (b, batch) in jobs.chunks(BATCH).enumerate() {
            let entries = batch
                .iter()
                .enumerate()
                .map(|(i, job)| {
                    SendMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .message_body(serde_json::to_string(job).expect("a job serialises"))
                        .message_group_id(job.webhook_id.as_str())
                        .message_deduplication_id(job.dedup_id())
                        .build()
                        .expect("id and body are set")
                })
                .collect();
            let out = self
                .client
                .send_message_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| crate::sdk::failure("SQS SendMessageBatch failed", e))?;
            for failed in out.failed() {
                if let Ok(i) = failed.id().parse::<usize>() {
                    refused.push(b * BATCH + i);
                }
            }
        }
        refused.sort_unstable();
        Ok(refused)
    }
}
