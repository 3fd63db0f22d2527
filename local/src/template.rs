//! Reads the functions and their HTTP API routes from the SAM template.
//!
//! CloudFormation tags (`!Ref`, `!Sub`, ...) survive parsing as tagged values;
//! they only ever appear in properties the local stack has no use for.

use std::{collections::HashSet, path::Path, time::Duration};

use anyhow::{Context as _, anyhow, bail};
use serde_yaml::Value;

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
}

impl Template {
    /// Reads and parses the template at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the template {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in the template {}", path.display()))
    }

    /// Parses a template's YAML text.
    pub fn parse(yaml: &str) -> anyhow::Result<Self> {
        let doc: Value = serde_yaml::from_str(yaml).context("not valid YAML")?;
        let globals = doc.get("Globals").and_then(|g| g.get("Function"));
        let resources = doc
            .get("Resources")
            .and_then(Value::as_mapping)
            .ok_or_else(|| anyhow!("no Resources section"))?;

        let mut functions = Vec::new();
        for (id, resource) in resources {
            let logical_id = id
                .as_str()
                .ok_or_else(|| anyhow!("a resource id is not a string"))?;
            if resource.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
                continue;
            }
            functions.push(
                function(logical_id, resource, globals)
                    .with_context(|| format!("in the function {logical_id}"))?,
            );
        }

        let mut keys = HashSet::new();
        for route in functions.iter().flat_map(|f| &f.routes) {
            if !keys.insert(route.key()) {
                bail!("the route {} is declared twice", route.key());
            }
        }
        Ok(Self { functions })
    }
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

    #[test]
    fn a_route_declared_twice_is_refused() {
        let yaml = r#"
Resources:
  A:
    Type: AWS::Serverless::Function
    Metadata: { BuildProperties: { Binary: a } }
    Properties:
      Events:
        One: { Type: HttpApi, Properties: { Path: /x, Method: GET } }
  B:
    Type: AWS::Serverless::Function
    Metadata: { BuildProperties: { Binary: b } }
    Properties:
      Events:
        Two: { Type: HttpApi, Properties: { Path: /x, Method: get } }
"#;

        let error = format!("{:#}", Template::parse(yaml).unwrap_err());

        assert!(error.contains("GET /x"), "{error}");
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
