//! Reads the SAM template: the functions and their HTTP API routes, stream, queue and schedule
//! triggers for the gateway, and (in [`resources`]) the table, user pool, app client and groups
//! that the local stack provisions.
//!
//! CloudFormation tags (`!Ref`, `!Sub`, ...) survive parsing as tagged values;
//! they only ever appear in properties the local stack has no use for.

mod cors;
mod mail;
mod provisioning;
mod queues;
mod resources;

use std::{collections::HashSet, path::Path, time::Duration};

use anyhow::{Context as _, anyhow, bail};
use serde_yaml::{Mapping, Value};

pub use cors::CorsRules;
pub use provisioning::Provisioning;
pub use queues::QueueTrigger;

/// Lambda's own default when neither the function nor `Globals` sets a timeout.
const DEFAULT_TIMEOUT_SECS: u64 = 3;
/// Lambda's own default memory size.
const DEFAULT_MEMORY_MB: u32 = 128;

/// One `AWS::Serverless::Function` of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The resource's logical id, e.g. `CustomersFunction`.
    pub logical_id: String,
    /// `Metadata.BuildProperties.Binary`: the cargo binary, e.g. `customers`.
    pub binary: String,
    /// The function's timeout (its own, else `Globals`, else Lambda's default).
    pub timeout: Duration,
    /// The function's memory size in MB.
    pub memory_mb: u32,
    /// Its `HttpApi` events.
    pub routes: Vec<Route>,
    /// Whether its policies, or its role's, allow `ses:SendEmail`: the pumps ask the
    /// development mailbox to look at moto's store only after such a function ran, since each
    /// look reads moto's whole store.
    pub sends_email: bool,
}

/// One `HttpApi` event: a route of the HTTP API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The event's name in the template, e.g. `CreateCustomer`.
    pub name: String,
    /// Upper-case HTTP method, or `ANY`.
    pub method: String,
    /// The path as written, e.g. `/admin/customers/{customer_id}`; `None` for `$default`.
    pub path: Option<String>,
    /// `Auth.Authorizer: NONE`: the route skips the API's JWT authorizer.
    pub public: bool,
}

impl Route {
    /// API Gateway's route key, e.g. `POST /admin/customers` or `$default`.
    pub fn key(&self) -> String {
        match &self.path {
            Some(path) => format!("{} {}", self.method, path),
            None => "$default".to_owned(),
        }
    }
}

/// The parts of `template.yaml` the local stack runs.
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// Every serverless function, in template order.
    pub functions: Vec<Function>,
    /// Every `DynamoDB` stream event, in template order.
    pub streams: Vec<StreamTrigger>,
    /// Every `Schedule` event, in template order.
    pub schedules: Vec<ScheduleTrigger>,
    /// Every `SQS` event, in template order.
    pub queues: Vec<QueueTrigger>,
    /// The HTTP API's CORS rules, when it has them.
    pub cors: Option<CorsRules>,
}

/// One `DynamoDB` event: a function fed by a table's stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamTrigger {
    /// The function the records go to.
    pub function: Function,
    /// The event's name in the template, e.g. `OutboxStream`.
    pub name: String,
    /// The logical id of the table whose stream it reads (`!GetAtt Table.StreamArn`).
    pub table: String,
    /// Most records per invocation (`BatchSize`, default 100).
    pub batch_size: usize,
    /// Retries of a failed batch (`MaximumRetryAttempts`; -1 or absent is "until the record
    /// expires", which the local stack caps).
    pub maximum_retry_attempts: Option<u32>,
    /// `FunctionResponseTypes: [ReportBatchItemFailures]`.
    pub reports_batch_item_failures: bool,
    /// `FilterCriteria.Filters[].Pattern`, parsed; a record passes if any matches.
    pub filters: Vec<crate::filter::Pattern>,
}

/// One `Schedule` event: a function fired by EventBridge on a timer.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleTrigger {
    /// The function fired.
    pub function: Function,
    /// The event's name in the template, e.g. `EveryFiveMinutes`.
    pub name: String,
    /// The schedule expression as written, e.g. `rate(5 minutes)`.
    pub expression: String,
}

impl Template {
    /// Reads and parses the template at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        Self::parse(&read(path)?).with_context(|| format!("in the template {}", path.display()))
    }

    /// Parses a template's YAML text.
    pub fn parse(yaml: &str) -> anyhow::Result<Self> {
        let doc = document(yaml)?;
        let globals = doc.get("Globals").and_then(|g| g.get("Function"));
        let resources = resources_of(&doc)?;

        let mut functions = Vec::new();
        let mut streams = Vec::new();
        let mut schedules = Vec::new();
        let mut queues = Vec::new();
        for (id, resource) in resources {
            let logical_id = id
                .as_str()
                .ok_or_else(|| anyhow!("a resource id is not a string"))?;
            if resource.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
                continue;
            }
            let mut function = function(logical_id, resource, globals)
                .with_context(|| format!("in the function {logical_id}"))?;
            function.sends_email = mail::sends_email(resource, resources);
            triggers(&function, resource, &mut streams, &mut schedules)
                .with_context(|| format!("in the function {logical_id}"))?;
            queues.extend(
                queues::triggers(&function, resource, resources)
                    .with_context(|| format!("in the function {logical_id}"))?,
            );
            functions.push(function);
        }

        let mut keys = HashSet::new();
        for route in functions.iter().flat_map(|f| &f.routes) {
            if !keys.insert(route.key()) {
                bail!("the route {} is declared twice", route.key());
            }
        }
        Ok(Self {
            functions,
            streams,
            schedules,
            queues,
            cors: cors::of(resources),
        })
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the template {}", path.display()))
}

fn document(yaml: &str) -> anyhow::Result<Value> {
    serde_yaml::from_str(yaml).context("not valid YAML")
}

fn resources_of(doc: &Value) -> anyhow::Result<&Mapping> {
    doc.get("Resources")
        .and_then(Value::as_mapping)
        .ok_or_else(|| anyhow!("no Resources section"))
}

fn events(resource: &Value, kind: &str) -> Vec<(String, Value)> {
    resource
        .get("Properties")
        .and_then(|p| p.get("Events"))
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter(|(_, event)| event.get("Type").and_then(Value::as_str) == Some(kind))
        .filter_map(|(name, event)| {
            Some((
                name.as_str()?.to_owned(),
                event.get("Properties").cloned().unwrap_or(Value::Null),
            ))
        })
        .collect()
}

fn triggers(
    function: &Function,
    resource: &Value,
    streams: &mut Vec<StreamTrigger>,
    schedules: &mut Vec<ScheduleTrigger>,
) -> anyhow::Result<()> {
    for (name, properties) in events(resource, "DynamoDB") {
        streams.push(
            stream_trigger(function, &name, &properties)
                .with_context(|| format!("in the event {name}"))?,
        );
    }
    for (name, properties) in events(resource, "Schedule") {
        if properties.get("Enabled").and_then(Value::as_bool) == Some(false)
            || properties.get("State").and_then(Value::as_str) == Some("DISABLED")
        {
            continue;
        }
        let expression = properties
            .get("Schedule")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("the event {name} has no Schedule expression"))?;
        schedules.push(ScheduleTrigger {
            function: function.clone(),
            name,
            expression: expression.to_owned(),
        });
    }
    Ok(())
}

fn stream_trigger(function: &Function, name: &str, p: &Value) -> anyhow::Result<StreamTrigger> {
    let table = match p.get("Stream") {
        Some(Value::Tagged(tagged)) if tagged.tag == "GetAtt" => tagged
            .value
            .as_str()
            .and_then(|v| v.strip_suffix(".StreamArn"))
            .map(str::to_owned),
        Some(Value::Tagged(tagged)) if tagged.tag == "Ref" => {
            tagged.value.as_str().map(str::to_owned)
        }
        _ => None,
    }
    .ok_or_else(|| anyhow!("Stream must be !GetAtt <Table>.StreamArn"))?;
    let filters = p
        .get("FilterCriteria")
        .and_then(|f| f.get("Filters"))
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("Pattern"))
        .map(|pattern| {
            let json = match pattern {
                Value::String(text) => serde_json::from_str(text)
                    .with_context(|| format!("the filter pattern {text} is not JSON"))?,
                other => serde_json::to_value(other).context("a filter pattern")?,
            };
            crate::filter::Pattern::parse(&json)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(StreamTrigger {
        function: function.clone(),
        name: name.to_owned(),
        table,
        batch_size: p
            .get("BatchSize")
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(100),
        maximum_retry_attempts: p
            .get("MaximumRetryAttempts")
            .and_then(Value::as_i64)
            .and_then(|n| u32::try_from(n).ok()),
        reports_batch_item_failures: reports_batch_item_failures(p),
        filters,
    })
}

fn function(
    logical_id: &str,
    resource: &Value,
    globals: Option<&Value>,
) -> anyhow::Result<Function> {
    let properties = resource.get("Properties");
    let setting = |name: &str| {
        properties
            .and_then(|p| p.get(name))
            .or_else(|| globals.and_then(|g| g.get(name)))
            .and_then(Value::as_u64)
    };
    let routes = properties
        .and_then(|p| p.get("Events"))
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter(|(_, event)| event.get("Type").and_then(Value::as_str) == Some("HttpApi"))
        .map(|(name, event)| http_route(name, event))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let binary = resource
        .get("Metadata")
        .and_then(|m| m.get("BuildProperties"))
        .and_then(|b| b.get("Binary"))
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("no Metadata.BuildProperties.Binary"))?;

    Ok(Function {
        logical_id: logical_id.to_owned(),
        binary: binary.to_owned(),
        timeout: Duration::from_secs(setting("Timeout").unwrap_or(DEFAULT_TIMEOUT_SECS)),
        memory_mb: setting("MemorySize")
            .and_then(|m| u32::try_from(m).ok())
            .unwrap_or(DEFAULT_MEMORY_MB),
        routes,
        sends_email: false,
    })
}

/// Whether an event source's `FunctionResponseTypes` names `ReportBatchItemFailures`.
fn reports_batch_item_failures(properties: &Value) -> bool {
    properties
        .get("FunctionResponseTypes")
        .and_then(Value::as_sequence)
        .is_some_and(|types| {
            types
                .iter()
                .any(|t| t.as_str() == Some("ReportBatchItemFailures"))
        })
}

fn http_route(name: &Value, event: &Value) -> anyhow::Result<Route> {
    let name = name
        .as_str()
        .ok_or_else(|| anyhow!("an event name is not a string"))?;
    let properties = event.get("Properties");
    let text = |key: &str| properties.and_then(|p| p.get(key)).and_then(Value::as_str);

    let path = text("Path").map(str::to_owned);
    if let Some(path) = path.as_deref().filter(|p| !p.starts_with('/')) {
        bail!("the event {name} has the path {path:?}, which does not start with /");
    }
    let method = match (text("Method"), &path) {
        (Some(method), _) => method.to_ascii_uppercase(),
        (None, Some(_)) => "ANY".to_owned(),
        (None, None) => String::new(),
    };
    let authorizer = properties
        .and_then(|p| p.get("Auth"))
        .and_then(|a| a.get("Authorizer"))
        .and_then(Value::as_str);

    Ok(Route {
        name: name.to_owned(),
        method,
        path,
        public: authorizer == Some("NONE"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 10
    MemorySize: 256
    Environment:
      Variables:
        TABLE_NAME: !Ref Table
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  InvitationsFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: rust-cargolambda
      BuildProperties:
        Binary: invitations
    Properties:
      Timeout: 20
      Policies:
        - Statement:
            - Resource: !GetAtt Table.Arn
      Events:
        PreviewInvitation:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /invitations/{token}
            Method: get
            Auth:
              Authorizer: NONE
        ResendInvitation:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /admin/invitations/{invitation_id}/resend
            Method: POST
        Files:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /files/{proxy+}
            Method: ANY
            Auth:
              Authorizer: CognitoAuthorizer
        Stream:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
"#;

    #[test]
    fn functions_and_their_http_routes_are_read_from_the_template() {
        let template = Template::parse(TEMPLATE).unwrap();

        assert_eq!(template.functions.len(), 1);
        let function = &template.functions[0];
        assert_eq!(function.logical_id, "InvitationsFunction");
        assert_eq!(function.binary, "invitations");
        assert_eq!(function.timeout, Duration::from_secs(20));
        assert_eq!(function.memory_mb, 256);
        let keys: Vec<_> = function
            .routes
            .iter()
            .map(|r| (r.key(), r.public))
            .collect();
        assert_eq!(
            keys,
            [
                ("GET /invitations/{token}".to_owned(), true),
                (
                    "POST /admin/invitations/{invitation_id}/resend".to_owned(),
                    false
                ),
                ("ANY /files/{proxy+}".to_owned(), false),
            ]
        );
    }

    #[test]
    fn a_function_without_a_binary_is_refused() {
        let yaml = "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {}\n";

        let error = format!("{:#}", Template::parse(yaml).unwrap_err());

        assert!(error.contains("BuildProperties.Binary"), "{error}");
    }

    /// A template of functions `(logical id, binary, events)`: the events are YAML as it stands
    /// under `Events:`, each function's only property.
    fn functions(functions: &[(&str, &str, &str)]) -> String {
        let mut yaml = String::from("Resources:\n");
        for (logical_id, binary, events) in functions {
            yaml.push_str(&format!(
                "  {logical_id}:\n    Type: AWS::Serverless::Function\n    \
                 Metadata: {{ BuildProperties: {{ Binary: {binary} }} }}\n    Properties:\n      Events:\n"
            ));
            for line in events.lines().filter(|line| !line.trim().is_empty()) {
                yaml.push_str(&format!("        {line}\n"));
            }
        }
        yaml
    }

    #[test]
    fn a_route_declared_twice_is_refused() {
        let yaml = functions(&[
            (
                "A",
                "a",
                "One: { Type: HttpApi, Properties: { Path: /x, Method: GET } }",
            ),
            (
                "B",
                "b",
                "Two: { Type: HttpApi, Properties: { Path: /x, Method: get } }",
            ),
        ]);

        let error = format!("{:#}", Template::parse(&yaml).unwrap_err());

        assert!(error.contains("GET /x"), "{error}");
    }

    #[test]
    fn stream_and_schedule_events_are_read_with_their_filters() {
        let outbox_stream = r#"
OutboxStream:
  Type: DynamoDB
  Properties:
    Stream: !GetAtt Table.StreamArn
    StartingPosition: LATEST
    BatchSize: 25
    MaximumRetryAttempts: 5
    FunctionResponseTypes: [ReportBatchItemFailures]
    FilterCriteria:
      Filters:
        - Pattern: '{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["outbox"]}}}}'
"#;
        let schedules = r#"
Every: { Type: Schedule, Properties: { Schedule: rate(5 minutes) } }
Off: { Type: Schedule, Properties: { Schedule: rate(1 hour), Enabled: false } }
"#;
        let yaml = functions(&[
            ("NotifierFunction", "notifier", outbox_stream),
            ("HousekeepingFunction", "housekeeping", schedules),
        ]);

        let template = Template::parse(&yaml).unwrap();

        let stream = &template.streams[0];
        assert_eq!(
            (stream.function.binary.as_str(), stream.table.as_str()),
            ("notifier", "Table")
        );
        assert_eq!(stream.batch_size, 25);
        assert_eq!(stream.maximum_retry_attempts, Some(5));
        assert!(stream.reports_batch_item_failures);
        let record = |kind: &str| serde_json::json!({"eventName": "INSERT", "dynamodb": {"NewImage": {"type": {"S": kind}}}});
        assert!(crate::filter::passes(&stream.filters, &record("outbox")));
        assert!(!crate::filter::passes(&stream.filters, &record("customer")));
        let schedules: Vec<_> = template
            .schedules
            .iter()
            .map(|s| (s.function.binary.as_str(), s.expression.as_str()))
            .collect();
        assert_eq!(schedules, [("housekeeping", "rate(5 minutes)")]);
    }

    #[test]
    fn a_filter_the_local_stack_cannot_apply_is_refused() {
        let stream = r#"
S:
  Type: DynamoDB
  Properties:
    Stream: !GetAtt Table.StreamArn
    FilterCriteria: { Filters: [ { Pattern: '{"eventName": [{"prefix": "IN"}]}' } ] }
"#;

        let error = format!(
            "{:#}",
            Template::parse(&functions(&[("F", "f", stream)])).unwrap_err()
        );

        assert!(error.contains("exact values"), "{error}");
    }

    #[test]
    fn the_project_template_feeds_the_notifier_and_schedules_housekeeping() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let template = Template::load(&path).unwrap();

        assert!(
            template
                .streams
                .iter()
                .any(|s| s.function.binary == "notifier")
        );
        assert!(
            template
                .schedules
                .iter()
                .any(|s| s.function.binary == "housekeeping")
        );
    }

    #[test]
    fn the_project_template_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        if path.exists() {
            let template = Template::load(&path).unwrap();
            assert!(template.functions.iter().any(|f| !f.routes.is_empty()));
        }
    }
}
