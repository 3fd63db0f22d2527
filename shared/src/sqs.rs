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

impl SqsDeliveryQueue {
    /// Sends one webhook's jobs, `BATCH` to a call and in order (its message group's order);
    /// the positions in `jobs` of those the queue refused.
    async fn enqueue_group(
        &self,
        jobs: &[DeliveryJob],
        positions: &[usize],
    ) -> Result<Vec<usize>, Unexpected> {
        let mut refused = Vec::new();
        for batch in positions.chunks(BATCH) {
            let entries = batch
                .iter()
                .enumerate()
                .map(|(i, &p)| {
                    let job = &jobs[p];
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
                if let Some(&p) = failed.id().parse::<usize>().ok().and_then(|i| batch.get(i)) {
                    refused.push(p);
                }
            }
        }
        Ok(refused)
    }
}

/// The positions of `jobs` by webhook, each webhook's in order, the webhooks in the order of
/// their first job.
fn by_webhook(jobs: &[DeliveryJob]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (p, job) in jobs.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|g| jobs[g[0]].webhook_id == job.webhook_id)
        {
            Some(group) => group.push(p),
            None => groups.push(vec![p]),
        }
    }
    groups
}

#[async_trait::async_trait]
impl DeliveryQueue for SqsDeliveryQueue {
    /// Each webhook's jobs go in calls of their own, in order, and the webhooks' calls at once:
    /// a batch of events for three webhooks is three calls side by side, not one after another,
    /// and a message group's order is the order of its calls.
    async fn enqueue(&self, jobs: &[DeliveryJob]) -> Result<Vec<usize>, Unexpected> {
        let groups = by_webhook(jobs);
        let sent = futures::future::join_all(
            groups
                .iter()
                .map(|positions| self.enqueue_group(jobs, positions)),
        )
        .await;
        let mut refused = Vec::new();
        for group in sent {
            refused.extend(group?);
        }
        refused.sort_unstable();
        Ok(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::WebhookId;

    fn job(webhook: &WebhookId, event: &str) -> DeliveryJob {
        DeliveryJob {
            webhook_id: webhook.clone(),
            event_id: event.into(),
            attempt: 0,
            manual: false,
        }
    }

    #[test]
    fn jobs_are_grouped_by_webhook_each_in_the_order_given() {
        let (a, b, c) = (
            WebhookId::generate(),
            WebhookId::generate(),
            WebhookId::generate(),
        );
        let jobs = [
            job(&a, "evt_1"),
            job(&b, "evt_1"),
            job(&a, "evt_2"),
            job(&c, "evt_2"),
            job(&b, "evt_3"),
        ];

        assert_eq!(by_webhook(&jobs), [vec![0, 2], vec![1, 4], vec![3]]);
        assert!(by_webhook(&[]).is_empty());
    }
}
