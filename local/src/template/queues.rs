//! The template's `SQS` events: a function fed by a queue that the template declares, found by
//! the queue's name, which the queue pump asks the local SQS (moto) for.

use anyhow::{Context as _, anyhow, bail};
use serde_yaml::{Mapping, Value};

use super::{Function, events};

/// Lambda's default `BatchSize` for an SQS event source.
const DEFAULT_BATCH_SIZE: usize = 10;

/// The placeholder of the stack's name in a `!Sub` string.
const STACK_NAME: &str = "${AWS::StackName}";

/// One `SQS` event: a function fed by one of the template's queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueTrigger {
    /// The function the messages go to.
    pub function: Function,
    /// The event's name in the template, e.g. `WebhookQueue`.
    pub name: String,
    /// The queue's logical id (`Queue: !GetAtt <Queue>.Arn`).
    pub queue: String,
    /// The queue's `QueueName` as written, e.g. `${AWS::StackName}-webhooks.fifo`; `None`
    /// when CloudFormation names it, which the local stack cannot predict.
    pub queue_name: Option<String>,
    /// Most messages per invocation (`BatchSize`, default 10; SQS hands out at most 10).
    pub batch_size: usize,
    /// `FunctionResponseTypes: [ReportBatchItemFailures]`.
    pub reports_batch_item_failures: bool,
}

impl QueueTrigger {
    /// The queue's name in the stack `stack_name`; `None` when the template leaves it to
    /// CloudFormation or builds it from more than the stack's name.
    pub fn queue_name_in(&self, stack_name: &str) -> Option<String> {
        let name = self.queue_name.as_deref()?.replace(STACK_NAME, stack_name);
        (!name.contains("${")).then_some(name)
    }
}

/// The function's `SQS` events, their queues looked up among `resources`.
pub fn triggers(
    function: &Function,
    resource: &Value,
    resources: &Mapping,
) -> anyhow::Result<Vec<QueueTrigger>> {
    events(resource, "SQS")
        .into_iter()
        .map(|(name, properties)| {
            trigger(function, &name, &properties, resources)
                .with_context(|| format!("in the event {name}"))
        })
        .collect()
}

fn trigger(
    function: &Function,
    name: &str,
    p: &Value,
    resources: &Mapping,
) -> anyhow::Result<QueueTrigger> {
    let queue = match p.get("Queue") {
        Some(Value::Tagged(tagged)) if tagged.tag == "GetAtt" => tagged
            .value
            .as_str()
            .and_then(|v| v.strip_suffix(".Arn"))
            .map(str::to_owned),
        _ => None,
    }
    .ok_or_else(|| anyhow!("Queue must be !GetAtt <Queue>.Arn"))?;
    let resource = resources
        .get(queue.as_str())
        .filter(|r| r.get("Type").and_then(Value::as_str) == Some("AWS::SQS::Queue"))
        .ok_or_else(|| anyhow!("{queue} is not an AWS::SQS::Queue of the template"))?;
    let queue_name = match resource.get("Properties").and_then(|p| p.get("QueueName")) {
        None => None,
        Some(Value::String(name)) => Some(name.clone()),
        Some(Value::Tagged(tagged)) if tagged.tag == "Sub" => match tagged.value.as_str() {
            Some(name) => Some(name.to_owned()),
            None => bail!("the QueueName of {queue} must be a string or a !Sub of one"),
        },
        Some(_) => bail!("the QueueName of {queue} must be a string or a !Sub of one"),
    };
    let batch_size = p
        .get("BatchSize")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_BATCH_SIZE);
    if !(1..=10).contains(&batch_size) {
        bail!("BatchSize {batch_size} is outside the 1 to 10 messages SQS hands out at once");
    }
    Ok(QueueTrigger {
        function: function.clone(),
        name: name.to_owned(),
        queue,
        queue_name,
        batch_size,
        reports_batch_item_failures: super::reports_batch_item_failures(p),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::template::Template;

    const TEMPLATE: &str = r#"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub ${AWS::StackName}-jobs.fifo
      FifoQueue: true
  Plain:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Metadata: { BuildProperties: { Binary: worker } }
    Properties:
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 1
            FunctionResponseTypes: [ReportBatchItemFailures]
        Unnamed:
          Type: SQS
          Properties:
            Queue: !GetAtt Plain.Arn
"#;

    #[test]
    fn sqs_events_are_read_with_their_queue_names_and_batch_sizes() {
        let template = Template::parse(TEMPLATE).unwrap();

        let [jobs, unnamed] = &template.queues[..] else {
            panic!("{:?}", template.queues);
        };
        assert_eq!(
            (jobs.function.binary.as_str(), jobs.queue.as_str()),
            ("worker", "Jobs")
        );
        assert_eq!(jobs.batch_size, 1);
        assert!(jobs.reports_batch_item_failures);
        assert_eq!(
            jobs.queue_name_in("orderdesk-dev").as_deref(),
            Some("orderdesk-dev-jobs.fifo")
        );
        assert_eq!(unnamed.batch_size, 10);
        assert!(!unnamed.reports_batch_item_failures);
        assert_eq!(unnamed.queue_name_in("orderdesk-dev"), None);
    }

    #[test]
    fn an_sqs_event_on_something_other_than_a_queue_of_the_template_is_refused() {
        let yaml = TEMPLATE.replace("!GetAtt Plain.Arn", "!GetAtt Elsewhere.Arn");

        let error = format!("{:#}", Template::parse(&yaml).unwrap_err());

        assert!(
            error.contains("Elsewhere is not an AWS::SQS::Queue"),
            "{error}"
        );
    }

    #[test]
    fn the_project_template_feeds_the_deliverer_from_the_webhook_queue() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let template = Template::load(&path).unwrap();

        let deliverer = template
            .queues
            .iter()
            .find(|q| q.function.binary == "deliverer")
            .expect("the deliverer's SQS event");
        assert_eq!(
            deliverer.queue_name_in("orderdesk-test").as_deref(),
            Some("orderdesk-test-webhooks.fifo")
        );
        assert_eq!(deliverer.batch_size, 1);
        assert!(deliverer.reports_batch_item_failures);
    }
}
