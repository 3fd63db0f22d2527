//! The edge of the stream-triggered functions: the table's stream records as Lambda hands
//! them over, read as what the notifier acts on.

pub use aws_lambda_events::event::dynamodb::{Event as StreamEvent, EventRecord as StreamRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};

/// What a stream function answers: the records that failed, for Lambda to retry from there.
pub type StreamResponse = DynamoDbEventResponse;

/// The outbox id of a record whose new image is an outbox item not yet sent.
pub fn pending_outbox_id(record: &StreamRecord) -> Option<String> {
    let image = serde_json::to_value(&record.change.new_image).ok()?;
    crate::dynamo::pending_outbox_id(&image)
}

/// The request id of a record whose new image is a password reset request not yet handled.
pub fn pending_reset_request_id(record: &StreamRecord) -> Option<String> {
    let image = serde_json::to_value(&record.change.new_image).ok()?;
    crate::dynamo::pending_reset_request_id(&image)
}

/// The event of a record whose new image is an event not yet published.
pub fn unpublished_event(record: &StreamRecord) -> Option<crate::events::Event> {
    let image = serde_json::to_value(&record.change.new_image).ok()?;
    crate::dynamo::unpublished_event(&image)
}

/// The response that names the records that failed by their sequence numbers, for Lambda to
/// retry from there.
pub fn failures<'a>(failed: impl IntoIterator<Item = &'a StreamRecord>) -> StreamResponse {
    let mut response = StreamResponse::default();
    for record in failed {
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = record.change.sequence_number.clone();
        response.batch_item_failures.push(failure);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn record(new_image: Value) -> StreamRecord {
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

    #[test]
    fn failed_records_are_named_by_their_sequence_numbers() {
        let r = record(Value::Null);
        let response = failures([&r]);
        assert_eq!(response.batch_item_failures.len(), 1);
        assert_eq!(
            response.batch_item_failures[0].item_identifier.as_deref(),
            Some("100")
        );
    }
}
