//! A DynamoDB stream record as Lambda hands it to a function: the record's change with every
//! attribute in DynamoDB's JSON, under the event's source, version and region.

use aws_sdk_dynamodbstreams::types::{AttributeValue, Record};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde_json::{Map, Value, json};

/// A stream record as Lambda hands it to a function.
pub fn lambda_record(record: &Record, event_source_arn: &str, region: &str) -> Value {
    let mut change = Map::new();
    if let Some(stream) = record.dynamodb() {
        if let Some(at) = stream.approximate_creation_date_time() {
            change.insert("ApproximateCreationDateTime".into(), json!(at.secs()));
        }
        for (name, image) in [
            ("Keys", stream.keys()),
            ("NewImage", stream.new_image()),
            ("OldImage", stream.old_image()),
        ] {
            if let Some(image) = image {
                change.insert(name.into(), item(image));
            }
        }
        if let Some(sequence) = stream.sequence_number() {
            change.insert("SequenceNumber".into(), json!(sequence));
        }
        if let Some(size) = stream.size_bytes() {
            change.insert("SizeBytes".into(), json!(size));
        }
        if let Some(view) = stream.stream_view_type() {
            change.insert("StreamViewType".into(), json!(view.as_str()));
        }
    }
    json!({
        "eventID": record.event_id(),
        "eventName": record.event_name().map(|n| n.as_str()),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": event_source_arn,
    })
}

fn item(attributes: &std::collections::HashMap<String, AttributeValue>) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|(name, value)| (name.clone(), attribute(value)))
            .collect(),
    )
}

fn attribute(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": STANDARD.encode(b.as_ref()) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(b) => json!({ "NULL": b }),
        AttributeValue::Ss(v) => json!({ "SS": v }),
        AttributeValue::Ns(v) => json!({ "NS": v }),
        AttributeValue::Bs(v) => {
            json!({ "BS": v.iter().map(|b| STANDARD.encode(b.as_ref())).collect::<Vec<_>>() })
        }
        AttributeValue::L(v) => json!({ "L": v.iter().map(attribute).collect::<Vec<_>>() }),
        AttributeValue::M(m) => json!({ "M": item(m) }),
        _ => Value::Null,
    }
}

#[cfg(test)]
pub mod tests {
    use aws_sdk_dynamodbstreams::types::{OperationType, StreamRecord, StreamViewType};

    use super::*;

    /// An insert of item `X#<sequence>` of type `kind`, as DynamoDB Local's stream has it.
    pub fn record(sequence: &str, kind: &str) -> Record {
        Record::builder()
            .event_id(format!("e{sequence}"))
            .event_name(OperationType::Insert)
            .event_version("1.1")
            .event_source("aws:dynamodb")
            .aws_region("ddblocal")
            .dynamodb(
                StreamRecord::builder()
                    .approximate_creation_date_time(
                        aws_sdk_dynamodbstreams::primitives::DateTime::from_secs(1_763_884_800),
                    )
                    .keys("PK", AttributeValue::S(format!("X#{sequence}")))
                    .new_image("PK", AttributeValue::S(format!("X#{sequence}")))
                    .new_image("type", AttributeValue::S(kind.into()))
                    .new_image("attempts", AttributeValue::N("0".into()))
                    .new_image(
                        "tags",
                        AttributeValue::L(vec![
                            AttributeValue::Bool(true),
                            AttributeValue::Null(true),
                        ]),
                    )
                    .sequence_number(sequence)
                    .size_bytes(120)
                    .stream_view_type(StreamViewType::NewImage)
                    .build(),
            )
            .build()
    }

    #[test]
    fn a_stream_record_becomes_the_record_lambda_sends() {
        let json = lambda_record(&record("100", "outbox"), "arn:stream", "us-east-1");

        assert_eq!(
            json,
            json!({
                "eventID": "e100",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "eventSourceARN": "arn:stream",
                "dynamodb": {
                    "ApproximateCreationDateTime": 1_763_884_800,
                    "Keys": {"PK": {"S": "X#100"}},
                    "NewImage": {
                        "PK": {"S": "X#100"}, "type": {"S": "outbox"}, "attempts": {"N": "0"},
                        "tags": {"L": [{"BOOL": true}, {"NULL": true}]}
                    },
                    "SequenceNumber": "100",
                    "SizeBytes": 120,
                    "StreamViewType": "NEW_IMAGE"
                }
            })
        );
        let event: aws_lambda_events::event::dynamodb::Event =
            serde_json::from_value(json!({ "Records": [json] })).unwrap();
        assert_eq!(
            event.records[0].change.sequence_number.as_deref(),
            Some("100")
        );
    }
}
