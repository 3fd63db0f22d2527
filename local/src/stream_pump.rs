//! The stream pump: Lambda's DynamoDB event source mapping, locally. It reads the table's
//! stream from DynamoDB Local (`AWS_ENDPOINT_URL_DYNAMODB_STREAMS`), turns its records into the
//! event Lambda sends, applies the event's `FilterCriteria`, and invokes the function
//! in-process. Records a function reports failed (`batchItemFailures`) are retried from the
//! first failed one, a few times with back-off, then logged and dropped: the log line stands
//! in for the dead-letter queue.

use std::{
    collections::{BTreeMap, HashSet},
    time::{Duration, Instant},
};

use aws_sdk_dynamodbstreams::{
    Client,
    error::DisplayErrorContext,
    operation::get_records::GetRecordsError,
    types::{AttributeValue, Record, ShardIteratorType},
};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde_json::{Map, Value, json};

use crate::{
    event::ACCOUNT_ID,
    filter,
    invoke::{EventHandler, Invocation, Registry, invoke_event},
    mailbox::Mailbox,
    template::{StreamTrigger, Template},
};

/// How often each shard is polled, as Lambda polls about four times a second.
const POLL_EVERY: Duration = Duration::from_millis(200);
/// How often the stream is described again, to find new shards.
const DESCRIBE_EVERY: Duration = Duration::from_secs(2);
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
            .filter_map(|trigger| match registry.event(&trigger.function.binary) {
                Some(handler) => Some(StreamConsumer {
                    trigger: trigger.clone(),
                    handler: handler.clone(),
                }),
                None => {
                    tracing::warn!(
                        function = %trigger.function.logical_id,
                        binary = %trigger.function.binary,
                        "this stream event is not pumped: its binary is not in this build"
                    );
                    None
                }
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

/// One consumer's position in the stream: an iterator per open shard.
struct ShardReader {
    client: Client,
    table_name: String,
    region: String,
    stream: Option<(String, String)>,
    iterators: BTreeMap<String, ShardPosition>,
    seen: HashSet<String>,
    started: bool,
}

struct ShardPosition {
    iterator: String,
    last_sequence: Option<String>,
}

impl ShardReader {
    fn new(client: Client, table_name: String, region: String) -> Self {
        Self {
            client,
            table_name,
            region,
            stream: None,
            iterators: BTreeMap::new(),
            seen: HashSet::new(),
            started: false,
        }
    }

    async fn run(mut self, delivery: Delivery) {
        let mut next_describe = Instant::now();
        let mut warned = false;
        loop {
            if Instant::now() >= next_describe {
                next_describe = Instant::now() + DESCRIBE_EVERY;
                if let Err(error) = self.discover().await {
                    if !warned {
                        tracing::warn!(table = %self.table_name, %error, "cannot read the table's stream yet");
                        warned = true;
                    }
                } else {
                    warned = false;
                }
            }
            let shards: Vec<String> = self.iterators.keys().cloned().collect();
            for shard in shards {
                if let Some(records) = self.poll(&shard, delivery.batch_size()).await {
                    if !records.is_empty() {
                        let arn = self.event_source_arn();
                        let records = records
                            .iter()
                            .map(|r| lambda_record(r, &arn, &self.region))
                            .collect();
                        delivery.deliver(records).await;
                    }
                }
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// The stream's ARN as Lambda names it: this region and account, the table, the label.
    fn event_source_arn(&self) -> String {
        let label = self.stream.as_ref().map_or("", |(_, label)| label.as_str());
        format!(
            "arn:aws:dynamodb:{}:{ACCOUNT_ID}:table/{}/stream/{label}",
            self.region, self.table_name
        )
    }

    /// Finds the stream and its shards: at start-up every open shard is read from its latest
    /// record; a shard that appears later is read from its beginning.
    async fn discover(&mut self) -> Result<(), String> {
        if self.stream.is_none() {
            let out = self
                .client
                .list_streams()
                .table_name(&self.table_name)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
            let stream = out
                .streams()
                .last()
                .and_then(|s| Some((s.stream_arn()?.to_owned(), s.stream_label()?.to_owned())))
                .ok_or("the table has no stream")?;
            self.stream = Some(stream);
        }
        let arn = self
            .stream
            .as_ref()
            .map(|(arn, _)| arn.clone())
            .unwrap_or_default();
        let mut shards = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .describe_stream()
                .stream_arn(&arn)
                .set_exclusive_start_shard_id(start)
                .send()
                .await
                .map_err(|e| {
                    self.forget_stream();
                    DisplayErrorContext(e).to_string()
                })?;
            let description = out.stream_description();
            for shard in description.map(|d| d.shards()).unwrap_or_default() {
                let open = shard
                    .sequence_number_range()
                    .is_none_or(|r| r.ending_sequence_number().is_none());
                if let Some(id) = shard.shard_id() {
                    shards.push((id.to_owned(), open));
                }
            }
            start = description
                .and_then(|d| d.last_evaluated_shard_id())
                .map(str::to_owned);
            if start.is_none() {
                break;
            }
        }
        for (shard, open) in shards {
            if !self.seen.insert(shard.clone()) {
                continue;
            }
            let position = match (self.started, open) {
                (false, false) => continue,
                (false, true) => ShardIteratorType::Latest,
                (true, _) => ShardIteratorType::TrimHorizon,
            };
            if let Some(iterator) = self.iterator(&arn, &shard, position, None).await? {
                self.iterators.insert(
                    shard,
                    ShardPosition {
                        iterator,
                        last_sequence: None,
                    },
                );
            }
        }
        self.started = true;
        Ok(())
    }

    fn forget_stream(&mut self) {
        self.stream = None;
        self.iterators.clear();
        self.seen.clear();
        self.started = false;
    }

    async fn iterator(
        &self,
        arn: &str,
        shard: &str,
        position: ShardIteratorType,
        after: Option<String>,
    ) -> Result<Option<String>, String> {
        let out = self
            .client
            .get_shard_iterator()
            .stream_arn(arn)
            .shard_id(shard)
            .shard_iterator_type(position)
            .set_sequence_number(after)
            .send()
            .await
            .map_err(|e| DisplayErrorContext(e).to_string())?;
        Ok(out.shard_iterator().map(str::to_owned))
    }

    /// The next records of `shard`, following its iterator; a closed shard is dropped once read.
    async fn poll(&mut self, shard: &str, limit: usize) -> Option<Vec<Record>> {
        let position = self.iterators.get(shard)?;
        let result = self
            .client
            .get_records()
            .shard_iterator(&position.iterator)
            .limit(i32::try_from(limit).unwrap_or(1000))
            .send()
            .await;
        match result {
            Ok(out) => {
                let records = out.records().to_vec();
                match out.next_shard_iterator() {
                    Some(next) => {
                        let position = self.iterators.get_mut(shard)?;
                        position.iterator = next.to_owned();
                        if let Some(last) =
                            records.last().and_then(|r| r.dynamodb()?.sequence_number())
                        {
                            position.last_sequence = Some(last.to_owned());
                        }
                    }
                    None => {
                        tracing::debug!(%shard, "shard closed and read to its end");
                        self.iterators.remove(shard);
                    }
                }
                Some(records)
            }
            Err(e)
                if e.as_service_error().is_some_and(|s| {
                    matches!(
                        s,
                        GetRecordsError::ExpiredIteratorException(_)
                            | GetRecordsError::TrimmedDataAccessException(_)
                    )
                }) =>
            {
                let after = self.iterators.get(shard)?.last_sequence.clone();
                let arn = self.stream.as_ref()?.0.clone();
                let position = if after.is_some() {
                    ShardIteratorType::AfterSequenceNumber
                } else {
                    ShardIteratorType::TrimHorizon
                };
                match self.iterator(&arn, shard, position, after).await {
                    Ok(Some(iterator)) => {
                        if let Some(p) = self.iterators.get_mut(shard) {
                            p.iterator = iterator;
                        }
                    }
                    _ => {
                        self.iterators.remove(shard);
                    }
                }
                None
            }
            Err(e) => {
                tracing::warn!(%shard, error = %DisplayErrorContext(&e), "GetRecords failed");
                if e.as_service_error()
                    .is_some_and(GetRecordsError::is_resource_not_found_exception)
                {
                    self.forget_stream();
                }
                None
            }
        }
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
            if let Some(mailbox) = &self.mailbox {
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
mod tests {
    use std::sync::{Arc, Mutex};

    use aws_sdk_dynamodbstreams::types::{OperationType, StreamRecord, StreamViewType};

    use super::*;
    use crate::{invoke::event_app, template::Function};

    fn record(sequence: &str, kind: &str) -> Record {
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
