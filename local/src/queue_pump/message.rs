//! SQS messages as Lambda hands them to a function, and what becomes of them after the
//! invocation: deleted, or back on the queue for another receive.

use aws_sdk_sqs::types::{Message, MessageAttributeValue, MessageSystemAttributeName};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde_json::{Map, Value, json};

use crate::invoke::InvokeError;

/// Lambda's SQS event for `messages` of the queue `queue_arn`.
pub fn event(messages: &[Message], queue_arn: &str, region: &str) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| record(m, queue_arn, region))
        .collect();
    json!({ "Records": records })
}

/// One record of the event, field for field as Lambda writes it: system attributes as
/// strings, message attributes in camel case with binary values in base64.
fn record(message: &Message, queue_arn: &str, region: &str) -> Value {
    let attributes: Map<String, Value> = message
        .attributes()
        .into_iter()
        .flatten()
        .map(|(name, value)| (name.as_str().to_owned(), Value::from(value.as_str())))
        .collect();
    let message_attributes: Map<String, Value> = message
        .message_attributes()
        .into_iter()
        .flatten()
        .map(|(name, value)| (name.clone(), message_attribute(value)))
        .collect();
    let mut record = json!({
        "messageId": message.message_id(),
        "receiptHandle": message.receipt_handle(),
        "body": message.body(),
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.md5_of_body(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    });
    if let Some(md5) = message.md5_of_message_attributes() {
        record["md5OfMessageAttributes"] = Value::from(md5);
    }
    record
}

fn message_attribute(value: &MessageAttributeValue) -> Value {
    let mut attribute = json!({
        "stringListValues": value.string_list_values(),
        "binaryListValues": value
            .binary_list_values()
            .iter()
            .map(|b| STANDARD.encode(b.as_ref()))
            .collect::<Vec<_>>(),
        "dataType": value.data_type(),
    });
    if let Some(text) = value.string_value() {
        attribute["stringValue"] = Value::from(text);
    }
    if let Some(binary) = value.binary_value() {
        attribute["binaryValue"] = Value::from(STANDARD.encode(binary.as_ref()));
    }
    attribute
}

/// The message group of a FIFO queue's message; `None` in a standard queue.
fn group_of(message: &Message) -> Option<&str> {
    message
        .attributes()
        .and_then(|a| a.get(&MessageSystemAttributeName::MessageGroupId))
        .map(String::as_str)
}

/// The invocations one receive's `messages` make, as Lambda's poller makes them: a FIFO
/// queue's messages by message group, each group's in the order received and `batch_size` to
/// an invocation, to be invoked one after another (a run); a standard queue's `batch_size` to
/// an invocation, each a run of its own. Runs go side by side.
pub fn runs(messages: Vec<Message>, batch_size: usize) -> Vec<Vec<Vec<Message>>> {
    let size = batch_size.max(1);
    let mut groups: Vec<(String, Vec<Message>)> = Vec::new();
    let mut loose = Vec::new();
    for message in messages {
        let Some(group) = group_of(&message).map(str::to_owned) else {
            loose.push(message);
            continue;
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push(message),
            None => groups.push((group, vec![message])),
        }
    }
    let mut runs: Vec<Vec<Vec<Message>>> = groups
        .into_iter()
        .map(|(_, members)| members.chunks(size).map(<[Message]>::to_vec).collect())
        .collect();
    runs.extend(loose.chunks(size).map(|batch| vec![batch.to_vec()]));
    runs
}

/// What the pump does with each message of a batch once the function has answered.
#[derive(Debug, Default, PartialEq)]
pub struct Settlement<'a> {
    /// Handled: deleted from the queue.
    pub delete: Vec<&'a Message>,
    /// Failed: made visible again for another receive (and, past the queue's
    /// `maxReceiveCount`, moved to its dead-letter queue by SQS).
    pub retry: Vec<&'a Message>,
}

/// Settles `batch` after an invocation that ended in `outcome`, by Lambda's rules: a failed
/// invocation fails every message; with `ReportBatchItemFailures`, the messages the response
/// names fail and the rest are deleted, and a response naming something not in the batch fails
/// it all; without it, a response at all deletes every message.
pub fn settle<'a>(
    batch: &'a [Message],
    outcome: &Result<Value, InvokeError>,
    reports_batch_item_failures: bool,
) -> Settlement<'a> {
    let everything = |failed: bool| {
        let all = batch.iter().collect();
        if failed {
            Settlement {
                delete: Vec::new(),
                retry: all,
            }
        } else {
            Settlement {
                delete: all,
                retry: Vec::new(),
            }
        }
    };
    let response = match outcome {
        Err(_) => return everything(true),
        Ok(_) if !reports_batch_item_failures => return everything(false),
        Ok(response) => response,
    };
    let failures = match response.get("batchItemFailures") {
        None | Some(Value::Null) => return everything(false),
        Some(Value::Array(failures)) => failures,
        Some(_) => return everything(true),
    };
    let mut failed = Vec::with_capacity(failures.len());
    for failure in failures {
        let id = failure.get("itemIdentifier").and_then(Value::as_str);
        match id.filter(|id| batch.iter().any(|m| m.message_id() == Some(*id))) {
            Some(id) => failed.push(id),
            None => return everything(true),
        }
    }
    let (retry, delete) = batch
        .iter()
        .partition(|m| m.message_id().is_some_and(|id| failed.contains(&id)));
    Settlement { delete, retry }
}

#[cfg(test)]
pub mod tests {
    use std::time::Duration;

    use aws_lambda_events::event::sqs::SqsEvent;
    use aws_sdk_sqs::{primitives::Blob, types::MessageSystemAttributeName as Name};

    use super::*;

    /// A FIFO message as ReceiveMessage returns it with every attribute asked for.
    pub fn message(id: &str, group: &str) -> Message {
        Message::builder()
            .message_id(id)
            .receipt_handle(format!("receipt-{id}"))
            .body(format!("{{\"delivery\":\"{id}\"}}"))
            .md5_of_body("0123456789abcdef0123456789abcdef")
            .attributes(Name::ApproximateReceiveCount, "1")
            .attributes(Name::SentTimestamp, "1764668400000")
            .attributes(Name::SenderId, "AIDAIT2UOQQY3AUEKVGXU")
            .attributes(Name::ApproximateFirstReceiveTimestamp, "1764668400100")
            .attributes(Name::MessageGroupId, group)
            .attributes(Name::MessageDeduplicationId, format!("dedup-{id}"))
            .attributes(Name::SequenceNumber, "18878871237129420800")
            .build()
    }

    #[test]
    fn the_event_is_lambdas_sqs_event_with_the_message_group() {
        let mut with_attributes = message("m-2", "webhook-b");
        with_attributes.md5_of_message_attributes = Some("fedcba".into());
        with_attributes.message_attributes = Some(
            [
                (
                    "kind".to_owned(),
                    MessageAttributeValue::builder()
                        .data_type("String")
                        .string_value("retry")
                        .build()
                        .unwrap(),
                ),
                (
                    "raw".to_owned(),
                    MessageAttributeValue::builder()
                        .data_type("Binary")
                        .binary_value(Blob::new(b"hi".to_vec()))
                        .build()
                        .unwrap(),
                ),
            ]
            .into(),
        );
        let arn = "arn:aws:sqs:eu-west-1:123456789012:orderdesk-test-webhooks.fifo";

        let json = event(
            &[message("m-1", "webhook-a"), with_attributes],
            arn,
            "eu-west-1",
        );
        let parsed: SqsEvent = serde_json::from_value(json.clone()).unwrap();

        let first = &json["Records"][0];
        assert_eq!(first["eventSource"], "aws:sqs");
        assert_eq!(first["eventSourceARN"], arn);
        assert_eq!(first["awsRegion"], "eu-west-1");
        assert_eq!(first["receiptHandle"], "receipt-m-1");
        assert_eq!(first["messageAttributes"], json!({}));
        assert_eq!(first["attributes"]["ApproximateReceiveCount"], "1");
        assert_eq!(
            first["attributes"]["SequenceNumber"],
            "18878871237129420800"
        );
        assert_eq!(first["attributes"].as_object().unwrap().len(), 7);
        let [a, b] = &parsed.records[..] else {
            panic!("{parsed:?}")
        };
        assert_eq!(a.message_id.as_deref(), Some("m-1"));
        assert_eq!(a.body.as_deref(), Some("{\"delivery\":\"m-1\"}"));
        assert_eq!(a.attributes["MessageGroupId"], "webhook-a");
        assert_eq!(b.attributes["MessageGroupId"], "webhook-b");
        assert_eq!(b.md5_of_message_attributes.as_deref(), Some("fedcba"));
        assert_eq!(
            b.message_attributes["kind"].string_value.as_deref(),
            Some("retry")
        );
        assert_eq!(
            json["Records"][1]["messageAttributes"]["raw"]["binaryValue"],
            "aGk="
        );
    }

    fn run_ids(runs: &[Vec<Vec<Message>>]) -> Vec<Vec<Vec<&str>>> {
        runs.iter()
            .map(|run| {
                run.iter()
                    .map(|batch| batch.iter().filter_map(Message::message_id).collect())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_receive_is_split_into_one_run_per_message_group_each_in_the_order_received() {
        let received = vec![
            message("a1", "a"),
            message("b1", "b"),
            message("a2", "a"),
            message("a3", "a"),
            message("b2", "b"),
        ];

        assert_eq!(
            run_ids(&runs(received.clone(), 1)),
            [
                vec![vec!["a1"], vec!["a2"], vec!["a3"]],
                vec![vec!["b1"], vec!["b2"]]
            ]
        );
        assert_eq!(
            run_ids(&runs(received, 2)),
            [vec![vec!["a1", "a2"], vec!["a3"]], vec![vec!["b1", "b2"]]]
        );
    }

    #[test]
    fn a_standard_queues_messages_are_batched_and_each_batch_runs_on_its_own() {
        let loose = |id: &str| Message::builder().message_id(id).build();
        let received = vec![loose("1"), loose("2"), loose("3")];

        assert_eq!(
            run_ids(&runs(received.clone(), 2)),
            [vec![vec!["1", "2"]], vec![vec!["3"]]]
        );
        assert_eq!(run_ids(&runs(received, 0)).len(), 3);
        assert!(runs(Vec::new(), 1).is_empty());
    }

    fn ids(messages: &[&Message]) -> Vec<String> {
        messages
            .iter()
            .map(|m| m.message_id().unwrap_or_default().to_owned())
            .collect()
    }

    fn settled(outcome: Result<Value, InvokeError>, reports: bool) -> (Vec<String>, Vec<String>) {
        let batch = [message("1", "a"), message("2", "b"), message("3", "c")];
        let settlement = settle(&batch, &outcome, reports);
        (ids(&settlement.delete), ids(&settlement.retry))
    }

    fn failed(ids: &[&str]) -> Result<Value, InvokeError> {
        let failures: Vec<Value> = ids.iter().map(|i| json!({"itemIdentifier": i})).collect();
        Ok(json!({ "batchItemFailures": failures }))
    }

    #[test]
    fn the_messages_a_partial_batch_response_names_stay_and_the_rest_are_deleted() {
        assert_eq!(
            settled(failed(&["2"]), true),
            (vec!["1".into(), "3".into()], vec!["2".into()])
        );
        assert_eq!(
            settled(failed(&[]), true),
            (vec!["1".into(), "2".into(), "3".into()], vec![])
        );
        assert_eq!(settled(Ok(json!(null)), true).1, Vec::<String>::new());
    }

    #[test]
    fn a_response_naming_an_unknown_message_fails_the_whole_batch_as_in_lambda() {
        let (deleted, retried) = settled(failed(&["2", "nope"]), true);

        assert!(deleted.is_empty());
        assert_eq!(retried, ["1", "2", "3"]);
        assert_eq!(settled(failed(&[""]), true).1.len(), 3);
    }

    #[test]
    fn a_failed_invocation_deletes_nothing_and_without_partial_responses_failures_are_ignored() {
        let error = Err(InvokeError::Timeout(Duration::from_secs(30)));

        assert_eq!(settled(error, true).0, Vec::<String>::new());
        assert_eq!(settled(failed(&["2"]), false).0, ["1", "2", "3"]);
        let error = Err(InvokeError::Panic("boom".into()));
        assert_eq!(settled(error, false).1, ["1", "2", "3"]);
    }
}
