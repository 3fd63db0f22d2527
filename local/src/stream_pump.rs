//! The stream pump: Lambda's DynamoDB event source mapping, locally. It reads the table's
//! stream from DynamoDB Local (`AWS_ENDPOINT_URL_DYNAMODB_STREAMS`), turns its records into the
//! event Lambda sends, applies the event's `FilterCriteria`, and invokes the function
//! in-process. Records a function reports failed (`batchItemFailures`) are retried from the
//! first failed one, a few times with back-off, then logged and dropped: the log line stands
//! in for the dead-letter queue.

mod record;
mod shards;

use std::time::Duration;

use aws_sdk_dynamodbstreams::Client;
use serde_json::{Value, json};

use crate::{
    filter,
    invoke::{EventHandler, Invocation, Registry, invoke_event},
    mailbox::Mailbox,
    template::{StreamTrigger, Template},
};
use shards::ShardReader;

/// Most retries of a failed batch locally, whatever the template allows.
const MAX_LOCAL_RETRIES: u32 = 3;

/// One function fed by the table's stream.
pub struct StreamConsumer {
    trigger: StreamTrigger,
    handler: EventHandler,
}

/// Reads the table's stream for every `DynamoDB` event of the template.
pub struct StreamPump {
    client: Client,
    table_name: String,
    region: String,
    consumers: Vec<StreamConsumer>,
    mailbox: Option<Mailbox>,
    backoff: Duration,
}

impl StreamPump {
    /// The pump for the template's stream events whose functions this build has; `None` when
    /// there are none. Events whose binaries are missing are logged and skipped.
    pub fn new(
        client: Client,
        table_name: String,
        region: String,
        template: &Template,
        registry: &Registry,
        mailbox: Option<Mailbox>,
    ) -> Option<Self> {
        let consumers: Vec<_> = template
            .streams
            .iter()
            .filter_map(|trigger| {
                let handler =
                    registry.event(&trigger.function, "this stream event is not pumped")?;
                Some(StreamConsumer {
                    trigger: trigger.clone(),
                    handler,
                })
            })
            .collect();
        (!consumers.is_empty()).then_some(Self {
            client,
            table_name,
            region,
            consumers,
            mailbox,
            backoff: Duration::from_millis(500),
        })
    }

    /// Runs every consumer until the task is dropped.
    pub async fn run(self) {
        let Self {
            client,
            table_name,
            region,
            consumers,
            mailbox,
            backoff,
        } = self;
        let runs = consumers.into_iter().map(|consumer| {
            let reader = ShardReader::new(client.clone(), table_name.clone(), region.clone());
            let delivery = Delivery {
                consumer,
                region: region.clone(),
                mailbox: mailbox.clone(),
                backoff,
            };
            tracing::info!(
                function = %delivery.consumer.trigger.function.logical_id,
                event = %delivery.consumer.trigger.name,
                table = %table_name,
                "stream pump started (from the stream's latest record)"
            );
            reader.run(delivery)
        });
        futures::future::join_all(runs).await;
    }
}

/// Hands one consumer's records to its function the way Lambda does.
struct Delivery {
    consumer: StreamConsumer,
    region: String,
    mailbox: Option<Mailbox>,
    backoff: Duration,
}

impl Delivery {
    fn batch_size(&self) -> usize {
        self.consumer.trigger.batch_size.max(1)
    }

    /// Filters `records`, invokes the function with them in batches, retries failures.
    async fn deliver(&self, records: Vec<Value>) {
        let trigger = &self.consumer.trigger;
        let records: Vec<Value> = records
            .into_iter()
            .filter(|r| filter::passes(&trigger.filters, r))
            .collect();
        for batch in records.chunks(self.batch_size()) {
            self.deliver_batch(batch.to_vec()).await;
        }
    }

    async fn deliver_batch(&self, mut batch: Vec<Value>) {
        let trigger = &self.consumer.trigger;
        let retries = trigger
            .maximum_retry_attempts
            .unwrap_or(MAX_LOCAL_RETRIES)
            .min(MAX_LOCAL_RETRIES);
        let invocation = Invocation {
            function: &trigger.function,
            region: &self.region,
            trace_id: "",
        };
        for attempt in 0..=retries {
            if attempt > 0 {
                tokio::time::sleep(self.backoff * 2u32.pow(attempt - 1)).await;
            }
            let event = json!({ "Records": batch });
            let outcome = invoke_event(&self.consumer.handler, event, &invocation).await;
            if let Some(mailbox) = self
                .mailbox
                .as_ref()
                .filter(|_| trigger.function.sends_email)
            {
                mailbox.observe().await;
            }
            let first_failed = match outcome {
                Ok(response) if trigger.reports_batch_item_failures => {
                    first_failed(&batch, &response)
                }
                Ok(_) => None,
                Err(error) => {
                    tracing::warn!(function = %trigger.function.logical_id, %error, "stream batch failed");
                    Some(0)
                }
            };
            match first_failed {
                None => return,
                Some(index) => {
                    batch.drain(..index);
                    tracing::warn!(
                        function = %trigger.function.logical_id,
                        records = batch.len(),
                        attempt = attempt + 1,
                        "stream records reported failed; retrying from the first failed one"
                    );
                }
            }
        }
        let dropped: Vec<&Value> = batch.iter().map(|r| &r["dynamodb"]["Keys"]).collect();
        tracing::error!(
            function = %trigger.function.logical_id,
            keys = %serde_json::to_string(&dropped).unwrap_or_default(),
            "stream records dropped after {retries} retries (in AWS: the on-failure destination)"
        );
    }
}

/// The index of the first record a partial batch response names failed; `None` when it names
/// none. A response that names a record not in the batch fails the whole batch, as in Lambda.
fn first_failed(batch: &[Value], response: &Value) -> Option<usize> {
    let failures = response
        .get("batchItemFailures")
        .and_then(Value::as_array)?;
    failures
        .iter()
        .map(|f| {
            let id = f.get("itemIdentifier").and_then(Value::as_str);
            id.and_then(|id| {
                batch
                    .iter()
                    .position(|r| r["dynamodb"]["SequenceNumber"].as_str() == Some(id))
            })
            .unwrap_or(0)
        })
        .min()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::{invoke::event_app, template::Function};
    use record::{lambda_record, tests::record};

    #[test]
    fn the_first_failed_record_is_where_a_retry_starts() {
        let batch: Vec<Value> = ["1", "2", "3"]
            .iter()
            .map(|s| lambda_record(&record(s, "outbox"), "arn", "r"))
            .collect();
        let failed = |ids: &[&str]| json!({ "batchItemFailures": ids.iter().map(|i| json!({"itemIdentifier": i})).collect::<Vec<_>>() });

        assert_eq!(first_failed(&batch, &failed(&[])), None);
        assert_eq!(first_failed(&batch, &failed(&["3", "2"])), Some(1));
        assert_eq!(first_failed(&batch, &failed(&["unknown"])), Some(0));
        assert_eq!(first_failed(&batch, &json!(null)), None);
    }

    fn trigger(filters: Vec<filter::Pattern>) -> StreamTrigger {
        StreamTrigger {
            function: Function {
                logical_id: "NotifierFunction".into(),
                binary: "notifier".into(),
                timeout: Duration::from_secs(3),
                memory_mb: 128,
                routes: Vec::new(),
                sends_email: true,
            },
            name: "OutboxStream".into(),
            table: "Table".into(),
            batch_size: 10,
            maximum_retry_attempts: Some(5),
            reports_batch_item_failures: true,
            filters,
        }
    }

    /// A function that records each batch's sequence numbers and fails record "2" until it
    /// has seen it `fail_times` times.
    fn recording(fail_times: usize) -> (EventHandler, Arc<Mutex<Vec<Vec<String>>>>) {
        let seen = Arc::new(Mutex::new(Vec::<Vec<String>>::new()));
        let log = Arc::clone(&seen);
        let handler = event_app(
            (),
            move |_, event: aws_lambda_events::event::dynamodb::Event| {
                let log = Arc::clone(&log);
                async move {
                    let sequences: Vec<String> = event
                        .records
                        .iter()
                        .filter_map(|r| r.change.sequence_number.clone())
                        .collect();
                    let mut log = log.lock().unwrap();
                    log.push(sequences.clone());
                    let twos = log.iter().flatten().filter(|s| *s == "2").count();
                    let failures: Vec<Value> = sequences
                        .iter()
                        .filter(|s| *s == "2" && twos <= fail_times)
                        .map(|s| json!({ "itemIdentifier": s }))
                        .collect();
                    Ok(json!({ "batchItemFailures": failures }))
                }
            },
        );
        (handler, seen)
    }

    fn delivery(handler: EventHandler, filters: Vec<filter::Pattern>) -> Delivery {
        Delivery {
            consumer: StreamConsumer {
                trigger: trigger(filters),
                handler,
            },
            region: "us-east-1".into(),
            mailbox: None,
            backoff: Duration::from_millis(1),
        }
    }

    fn records(kinds: &[(&str, &str)]) -> Vec<Value> {
        kinds
            .iter()
            .map(|(s, kind)| lambda_record(&record(s, kind), "arn", "us-east-1"))
            .collect()
    }

    #[tokio::test]
    async fn filtered_records_reach_the_function_and_failed_ones_are_retried_from_there() {
        let (handler, seen) = recording(1);
        let outbox =
            filter::Pattern::parse(&json!({"dynamodb": {"NewImage": {"type": {"S": ["outbox"]}}}}))
                .unwrap();

        delivery(handler, vec![outbox])
            .deliver(records(&[
                ("1", "outbox"),
                ("2", "outbox"),
                ("3", "customer"),
                ("4", "outbox"),
            ]))
            .await;

        assert_eq!(*seen.lock().unwrap(), [vec!["1", "2", "4"], vec!["2", "4"]]);
    }

    #[tokio::test]
    async fn a_record_that_keeps_failing_is_dropped_after_the_retries() {
        let (handler, seen) = recording(usize::MAX);

        delivery(handler, Vec::new())
            .deliver(records(&[("1", "outbox"), ("2", "outbox")]))
            .await;

        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1 + MAX_LOCAL_RETRIES as usize);
        assert!(seen[1..].iter().all(|batch| batch == &["2"]));
    }
}
