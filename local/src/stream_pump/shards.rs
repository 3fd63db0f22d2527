//! Reading the table's stream: the stream found by the table's name, an iterator per shard, new
//! shards found as the stream is described again, expired iterators renewed.

use std::{
    collections::{BTreeMap, HashSet},
    time::{Duration, Instant},
};

use aws_sdk_dynamodbstreams::{
    Client,
    error::DisplayErrorContext,
    operation::get_records::GetRecordsError,
    types::{Record, ShardIteratorType},
};

use super::{Delivery, record::lambda_record};
use crate::event::ACCOUNT_ID;

/// How often each shard is polled, as Lambda polls about four times a second.
const POLL_EVERY: Duration = Duration::from_millis(200);
/// Records read from a shard per poll: `GetRecords`' most. Lambda reads, then filters, then
/// batches, so a consumer whose filter passes few records is not held to its batch size of
/// every record in the table.
const READ_LIMIT: usize = 1000;
/// How often the stream is described again, to find new shards.
const DESCRIBE_EVERY: Duration = Duration::from_secs(2);

/// One consumer's position in the stream: an iterator per open shard.
pub(super) struct ShardReader {
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
    pub(super) fn new(client: Client, table_name: String, region: String) -> Self {
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

    pub(super) async fn run(mut self, delivery: Delivery) {
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
                if let Some(records) = self.poll(&shard, READ_LIMIT).await {
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
