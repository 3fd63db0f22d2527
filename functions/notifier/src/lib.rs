//! The `notifier` Lambda: the table's stream hands it new outbox items, and it sends each one's
//! email. It answers with the records that failed, so one failure does not resend the batch.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use futures::StreamExt as _;
use orderdesk::config;
use orderdesk::dynamo::DynamoStore;
use orderdesk::email::{self, Branding, Delivered, MailSettings, Mailer, SesMailer};
use orderdesk::outbox::item::pk;
use serde_json::Value;
use std::sync::Arc;

/// Records of one batch delivered at the same time.
const CONCURRENCY: usize = 8;

/// Everything the function builds once per cold start.
pub struct App {
    store: DynamoStore,
    mailer: Arc<dyn Mailer>,
    branding: Branding,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_runtime::Error> {
        let settings = MailSettings::from_env()?;
        let aws = config::aws().await;
        let mailer = SesMailer::new(
            aws_sdk_sesv2::Client::new(&aws),
            &settings.sender_email,
            &settings.branding.seller_name,
        );
        let dynamodb = orderdesk::dynamo::client(&aws);
        config::prewarm_dynamodb(&dynamodb, &settings.table_name).await;
        Ok(Self::new(
            DynamoStore::new(dynamodb, settings.table_name),
            Arc::new(mailer),
            settings.branding,
        ))
    }

    /// The function on these clients, e.g. a mailer that cannot reach SES in a test.
    pub fn new(store: DynamoStore, mailer: Arc<dyn Mailer>, branding: Branding) -> Self {
        Self {
            store,
            mailer,
            branding,
        }
    }

    /// Delivers the outbox item of every record and reports the records that failed by their
    /// sequence number, for Lambda to retry from there.
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        let records = &event.records;
        let outcomes: Vec<bool> = futures::stream::iter(0..records.len())
            .map(|i| self.record(&records[i]))
            .buffered(CONCURRENCY)
            .collect()
            .await;
        let mut response = DynamoDbEventResponse::default();
        for (record, delivered) in event.records.iter().zip(outcomes) {
            if !delivered {
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                response.batch_item_failures.push(failure);
            }
        }
        response
    }

    async fn record(&self, record: &EventRecord) -> bool {
        let Some(outbox_id) = pending_outbox_id(record) else {
            tracing::debug!(event_id = %record.event_id, "not a pending outbox item; skipped");
            return true;
        };
        match email::deliver(&self.store, &*self.mailer, &self.branding, &outbox_id).await {
            Ok(Delivered::Sent { message_id }) => {
                tracing::info!(%outbox_id, %message_id, "email sent");
                true
            }
            Ok(outcome) => {
                tracing::info!(%outbox_id, ?outcome, "nothing to send");
                true
            }
            Err(error) => {
                tracing::error!(%outbox_id, %error, "email not sent; the record is reported failed");
                false
            }
        }
    }
}

/// The outbox id of a record whose new image is an outbox item not yet sent.
fn pending_outbox_id(record: &EventRecord) -> Option<String> {
    let image = serde_json::to_value(&record.change.new_image).ok()?;
    let string = |name: &str| image.get(name)?.get("S").and_then(Value::as_str);
    if string("type")? != "outbox" || string("status") == Some("sent") {
        return None;
    }
    let outbox_id = string("outbox_id")?;
    (string("PK") == Some(pk(outbox_id).as_str())).then(|| outbox_id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(new_image: Value) -> EventRecord {
        serde_json::from_value(json!({
            "eventID": "1",
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "ApproximateCreationDateTime": 1_763_884_800,
                "Keys": {"PK": {"S": "OUTBOX#abc"}, "SK": {"S": "OUTBOX"}},
                "NewImage": new_image,
                "SequenceNumber": "100",
                "SizeBytes": 300,
                "StreamViewType": "NEW_IMAGE"
            }
        }))
        .unwrap()
    }

    #[test]
    fn only_pending_outbox_items_are_delivered() {
        let image = |kind: &str, status: &str| {
            json!({"PK": {"S": "OUTBOX#abc"}, "SK": {"S": "OUTBOX"}, "type": {"S": kind},
                   "status": {"S": status}, "outbox_id": {"S": "abc"}, "attempts": {"N": "0"}})
        };

        assert_eq!(
            pending_outbox_id(&record(image("outbox", "pending"))),
            Some("abc".into())
        );
        assert_eq!(pending_outbox_id(&record(image("outbox", "sent"))), None);
        assert_eq!(
            pending_outbox_id(&record(image("customer", "pending"))),
            None
        );
        assert_eq!(pending_outbox_id(&record(Value::Null)), None);
    }
}
