//! The queue pump: Lambda's SQS event source mapping, locally. For each `SQS` event of the
//! template it finds the queue in the local SQS (moto, `AWS_ENDPOINT_URL_SQS`) by the name the
//! template gives it in this stack (`ORDERDESK_STACK_NAME`), receives up to `BatchSize`
//! messages, invokes the function in-process with Lambda's SQS event, deletes what the function
//! handled and makes what failed visible again after [`RETRY_AFTER`] rather than after the
//! queue's whole visibility timeout. SQS moves a message received `maxReceiveCount` times to
//! the queue's dead-letter queue, moto as well.
//!
//! Like Lambda's poller, the pump receives up to [`RECEIVE_MAX`] messages at a time, whatever
//! the function's `BatchSize`, and hands them on in batches of that size: a FIFO queue's by
//! message group, one invocation at a time per group and in the order received (a run), a
//! standard queue's each batch on its own. Runs of one queue go at once (up to
//! [`CONCURRENCY`]). In a FIFO queue SQS withholds a message group's next messages while one of
//! its messages is in flight, so each group stays in order while a slow invocation for one
//! group holds up only that group. When an invocation fails, its failed messages come back
//! after [`RETRY_AFTER`] and the rest of their run, not yet tried, is handed back at once
//! (behind them, as their group is in flight); until the retry has been received and tried the
//! pump receives only a batch at a time, so a message that keeps failing does not take the
//! messages after it into the dead-letter queue. One receive at a time per queue: moto takes its view of the
//! groups in flight when a receive starts, so two overlapping receives could hand out two
//! messages of one group. For the same reason a receive only waits for messages (long polling)
//! while nothing is in flight; otherwise it asks and returns, and the next one follows as soon
//! as a run ends.

mod message;
#[cfg(test)]
mod tests;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use aws_sdk_sqs::{
    Client,
    types::{
        ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, Message,
        MessageSystemAttributeName, QueueAttributeName,
    },
};
use tokio::{
    sync::{Notify, Semaphore},
    time::Instant,
};

use crate::{
    invoke::{EventHandler, Invocation, Registry, invoke_event},
    mailbox::Mailbox,
    template::{QueueTrigger, Template},
};

/// The most messages one `ReceiveMessage` takes (SQS's most).
const RECEIVE_MAX: usize = 10;
/// Runs (see the module's doc) of one queue's function at once. Lambda scales with the queue,
/// for a FIFO queue up to its number of active message groups; eight lets groups run side by
/// side locally.
const CONCURRENCY: usize = 8;
/// How long a receive waits for a message when nothing is in flight (SQS allows 20 s).
const LONG_POLL_SECONDS: i32 = 10;
/// The pause between receives that found nothing while invocations are in flight, unless one
/// ends sooner.
const IDLE_PAUSE: Duration = Duration::from_millis(200);
/// When a failed message is received again, locally; in AWS, after the visibility timeout.
const RETRY_AFTER: Duration = Duration::from_secs(2);
/// How much longer than the function's timeout a received message stays invisible, so that
/// no second receive hands it out while an invocation still has it.
const VISIBILITY_MARGIN: Duration = Duration::from_secs(10);

/// One function fed by a queue.
pub struct QueueConsumer {
    trigger: QueueTrigger,
    handler: EventHandler,
}

/// Receives from every queue of the template's `SQS` events.
pub struct QueuePump {
    client: Client,
    stack_name: String,
    region: String,
    consumers: Vec<QueueConsumer>,
    mailbox: Option<Mailbox>,
}

impl QueuePump {
    /// The pump for the template's queue events whose functions this build has; `None` when
    /// there are none. Events whose binaries are missing are logged and skipped.
    pub fn new(
        client: Client,
        stack_name: String,
        region: String,
        template: &Template,
        registry: &Registry,
        mailbox: Option<Mailbox>,
    ) -> Option<Self> {
        let consumers: Vec<_> = template
            .queues
            .iter()
            .filter_map(|trigger| {
                let handler = registry.event(&trigger.function, "this queue is not pumped")?;
                Some(QueueConsumer {
                    trigger: trigger.clone(),
                    handler,
                })
            })
            .collect();
        (!consumers.is_empty()).then_some(Self {
            client,
            stack_name,
            region,
            consumers,
            mailbox,
        })
    }

    /// Receives from every queue until the task is dropped. A queue that cannot be found is
    /// logged and left alone.
    pub async fn run(self) {
        let runs = self.consumers.into_iter().map(|consumer| {
            let client = self.client.clone();
            let stack_name = self.stack_name.clone();
            let region = self.region.clone();
            let mailbox = self.mailbox.clone();
            async move {
                let trigger = &consumer.trigger;
                match Queue::find(&client, trigger, &stack_name).await {
                    Ok(queue) => {
                        tracing::info!(
                            function = %trigger.function.logical_id,
                            event = %trigger.name,
                            queue = %queue.url,
                            "queue pump started"
                        );
                        let poller = Poller::new(client, queue, consumer, region, mailbox);
                        Arc::new(poller).run().await;
                    }
                    Err(error) => tracing::error!(
                        function = %trigger.function.logical_id,
                        event = %trigger.name,
                        "this queue is not pumped: {error:#}"
                    ),
                }
            }
        });
        futures::future::join_all(runs).await;
    }
}

/// A queue of the local SQS.
#[derive(Debug, Clone)]
pub struct Queue {
    url: String,
    arn: String,
}

impl Queue {
    /// The queue `trigger` reads, by its name in the stack `stack_name`.
    async fn find(
        client: &Client,
        trigger: &QueueTrigger,
        stack_name: &str,
    ) -> anyhow::Result<Self> {
        let name = trigger.queue_name_in(stack_name).ok_or_else(|| {
            anyhow::anyhow!(
                "the template gives the queue {} no QueueName the local stack can work out",
                trigger.queue
            )
        })?;
        let url = client
            .get_queue_url()
            .queue_name(&name)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("no queue {name} (local/stack.py makes it): {e}"))?
            .queue_url
            .unwrap_or_default();
        let arn = client
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("cannot read the attributes of {url}: {e}"))?
            .attributes
            .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
            .unwrap_or_default();
        Ok(Self { url, arn })
    }
}

/// Receives one queue's messages and hands them to its function, up to [`CONCURRENCY`]
/// invocations at once.
struct Poller {
    client: Client,
    queue: Queue,
    consumer: QueueConsumer,
    region: String,
    mailbox: Option<Mailbox>,
    slots: Arc<Semaphore>,
    finished: Notify,
    /// Until when a failed message is invisible: while it is, moto answers a long poll by
    /// spinning over the visible messages of its group, so the receives ask and return.
    retrying_until: Mutex<Instant>,
}

impl Poller {
    fn new(
        client: Client,
        queue: Queue,
        consumer: QueueConsumer,
        region: String,
        mailbox: Option<Mailbox>,
    ) -> Self {
        Self {
            client,
            queue,
            consumer,
            region,
            mailbox,
            slots: Arc::new(Semaphore::new(CONCURRENCY)),
            finished: Notify::new(),
            retrying_until: Mutex::new(Instant::now()),
        }
    }

    async fn run(self: Arc<Self>) {
        let mut failures = 0u32;
        loop {
            let Ok(slot) = Arc::clone(&self.slots).acquire_owned().await else {
                return;
            };
            let idle = self.slots.available_permits() == CONCURRENCY - 1 && !self.retrying();
            match self.receive(if idle { LONG_POLL_SECONDS } else { 0 }).await {
                Ok(messages) if !messages.is_empty() => {
                    failures = 0;
                    let batch_size = self.consumer.trigger.batch_size;
                    let mut first = Some(slot);
                    for run in message::runs(messages, batch_size) {
                        let slot = match first.take() {
                            Some(slot) => slot,
                            None => match Arc::clone(&self.slots).acquire_owned().await {
                                Ok(slot) => slot,
                                Err(_) => return,
                            },
                        };
                        let poller = Arc::clone(&self);
                        tokio::spawn(async move {
                            poller.deliver_run(run).await;
                            drop(slot);
                            poller.finished.notify_one();
                        });
                    }
                }
                Ok(_) => {
                    drop(slot);
                    if !idle {
                        tokio::select! {
                            () = tokio::time::sleep(IDLE_PAUSE) => {}
                            () = self.finished.notified() => {}
                        }
                    }
                }
                Err(error) => {
                    drop(slot);
                    failures += 1;
                    tracing::warn!(queue = %self.queue.url, %error, "cannot receive from the queue");
                    tokio::time::sleep(Duration::from_secs(u64::from(failures.min(5)))).await;
                }
            }
        }
    }

    /// Whether a failed message waits for its retry.
    fn retrying(&self) -> bool {
        *self
            .retrying_until
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            > Instant::now()
    }

    async fn receive(&self, wait_seconds: i32) -> anyhow::Result<Vec<Message>> {
        let trigger = &self.consumer.trigger;
        let batch_size = trigger.batch_size.clamp(1, RECEIVE_MAX);
        let count = if self.retrying() {
            batch_size
        } else {
            RECEIVE_MAX
        };
        // A run makes its invocations one after another; none of its messages may be handed
        // out again meanwhile.
        let invocations = u32::try_from(count.div_ceil(batch_size)).unwrap_or(1);
        let invisible = trigger.function.timeout * invocations + VISIBILITY_MARGIN;
        let output = self
            .client
            .receive_message()
            .queue_url(&self.queue.url)
            .max_number_of_messages(i32::try_from(count).unwrap_or(10))
            .wait_time_seconds(wait_seconds)
            .visibility_timeout(i32::try_from(invisible.as_secs()).unwrap_or(i32::MAX))
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await?;
        Ok(output.messages.unwrap_or_default())
    }

    /// Invokes the function with each batch of `run` in turn. After a batch with failed
    /// messages, the rest of the run is handed back untried.
    async fn deliver_run(&self, run: Vec<Vec<Message>>) {
        let mut batches = run.into_iter();
        while let Some(batch) = batches.next() {
            if !self.deliver(batch).await {
                let untried: Vec<Message> = batches.flatten().collect();
                let untried: Vec<&Message> = untried.iter().collect();
                if let Err(error) = self.make_visible(&untried, Duration::ZERO).await {
                    tracing::warn!(queue = %self.queue.url, %error, "cannot hand back the rest of a failed run");
                }
                return;
            }
        }
    }

    /// Invokes the function with `batch`, then deletes or returns each message; whether every
    /// message was handled.
    async fn deliver(&self, batch: Vec<Message>) -> bool {
        let trigger = &self.consumer.trigger;
        let event = message::event(&batch, &self.queue.arn, &self.region);
        let invocation = Invocation {
            function: &trigger.function,
            region: &self.region,
            trace_id: "",
        };
        let outcome = invoke_event(&self.consumer.handler, event, &invocation).await;
        if let Some(mailbox) = self
            .mailbox
            .as_ref()
            .filter(|_| trigger.function.sends_email)
        {
            mailbox.observe().await;
        }
        if let Err(error) = &outcome {
            tracing::warn!(function = %trigger.function.logical_id, %error, "queue batch failed");
        }
        let settlement = message::settle(&batch, &outcome, trigger.reports_batch_item_failures);
        if let Err(error) = self.delete(&settlement.delete).await {
            tracing::error!(queue = %self.queue.url, %error, "cannot delete handled messages");
        }
        if settlement.retry.is_empty() {
            return true;
        }
        {
            let mut until = self
                .retrying_until
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            // Past the retry's own receive and invocation: were the pump to receive ten at once
            // when the retry comes, a message failing again would hand back the untried ones
            // behind it once more, each hand-back a receive that counts towards the
            // dead-letter queue.
            let retried = RETRY_AFTER + trigger.function.timeout + VISIBILITY_MARGIN;
            *until = (*until).max(Instant::now() + retried);
        }
        for message in &settlement.retry {
            tracing::warn!(
                function = %trigger.function.logical_id,
                message_id = message.message_id().unwrap_or_default(),
                "message failed; it is received again in {RETRY_AFTER:?}"
            );
        }
        if let Err(error) = self.make_visible(&settlement.retry, RETRY_AFTER).await {
            tracing::warn!(queue = %self.queue.url, %error, "cannot make a failed message visible again");
        }
        false
    }

    /// Makes `messages` visible again `after` from now.
    async fn make_visible(&self, messages: &[&Message], after: Duration) -> anyhow::Result<()> {
        let seconds = i32::try_from(after.as_secs()).unwrap_or(i32::MAX);
        for chunk in messages.chunks(RECEIVE_MAX) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    ChangeMessageVisibilityBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(m.receipt_handle().unwrap_or_default())
                        .visibility_timeout(seconds)
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()?;
            let output = self
                .client
                .change_message_visibility_batch()
                .queue_url(&self.queue.url)
                .set_entries(Some(entries))
                .send()
                .await?;
            if let Some(failed) = output.failed.first() {
                anyhow::bail!(
                    "{} of the batch not changed: {}",
                    output.failed.len(),
                    failed.message().unwrap_or_default()
                );
            }
        }
        Ok(())
    }

    async fn delete(&self, handled: &[&Message]) -> anyhow::Result<()> {
        if handled.is_empty() {
            return Ok(());
        }
        let entries = handled
            .iter()
            .enumerate()
            .map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(m.receipt_handle().unwrap_or_default())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let output = self
            .client
            .delete_message_batch()
            .queue_url(&self.queue.url)
            .set_entries(Some(entries))
            .send()
            .await?;
        if let Some(failed) = output.failed.first() {
            anyhow::bail!(
                "{} of the batch not deleted: {}",
                output.failed.len(),
                failed.message().unwrap_or_default()
            );
        }
        Ok(())
    }
}
