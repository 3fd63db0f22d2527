//! The HTTP API's routes as `template.yaml` declares them, read the way the local gateway reads
//! them: for tests that must cover every route, so that a new route cannot go untested.

use serde_yaml::Value;
use std::path::Path;

/// One `HttpApi` event of a function in `template.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRoute {
    /// API Gateway's route key, e.g. `GET /orders/{order_id}`.
    pub key: String,
    /// `Auth: {Authorizer: NONE}`: API Gateway checks no token, and the function gets none.
    pub public: bool,
    /// The cargo binary of the function it invokes (`Metadata.BuildProperties.Binary`).
    pub function: String,
}

/// Every route of the HTTP API, in template order.
pub fn http_routes() -> Vec<TemplateRoute> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    let text = std::fs::read_to_string(&path).expect("template.yaml is readable");
    let doc: Value = serde_yaml::from_str(&text).expect("template.yaml is YAML");
    let resources = doc["Resources"].as_mapping().expect("Resources");
    let mut routes = Vec::new();
    for (id, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let events = resource["Properties"]["Events"].as_mapping();
        for event in events.into_iter().flat_map(|e| e.values()) {
            if event["Type"].as_str() != Some("HttpApi") {
                continue;
            }
            let p = &event["Properties"];
            let text = |v: &Value| {
                v.as_str()
                    .unwrap_or_else(|| panic!("{id:?}: an HttpApi event without Method or Path"))
                    .to_owned()
            };
            let function = resource["Metadata"]["BuildProperties"]["Binary"].as_str();
            routes.push(TemplateRoute {
                key: format!("{} {}", text(&p["Method"]).to_uppercase(), text(&p["Path"])),
                public: p["Auth"]["Authorizer"].as_str() == Some("NONE"),
                function: function
                    .unwrap_or_else(|| panic!("{id:?} names no binary"))
                    .to_owned(),
            });
        }
    }
    routes
}
