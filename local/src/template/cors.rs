//! The HTTP API's `CorsConfiguration`: which headers and methods a cross-origin caller may
//! use, what it may read, and how long a preflight holds. The allowed origins in the template
//! are the stack's CloudFront and portal addresses, which do not exist locally; the gateway
//! takes its origins from its own settings instead ([`crate::config::Config::cors_origins`]).

use serde_yaml::{Mapping, Value};

/// The CORS rules API Gateway applies to every response of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsRules {
    /// `AllowHeaders`, lower-cased, comma-separated as the header carries them.
    pub allow_headers: String,
    /// `AllowMethods`, comma-separated.
    pub allow_methods: String,
    /// `ExposeHeaders`, lower-cased, comma-separated.
    pub expose_headers: String,
    /// `MaxAge` in seconds.
    pub max_age: u64,
}

/// The `CorsConfiguration` of the template's `AWS::Serverless::HttpApi`, if it has one.
pub fn of(resources: &Mapping) -> Option<CorsRules> {
    let config = resources
        .values()
        .filter(|r| r.get("Type").and_then(Value::as_str) == Some("AWS::Serverless::HttpApi"))
        .find_map(|r| r.get("Properties")?.get("CorsConfiguration"))?;
    let list = |key: &str, lower: bool| {
        let items = config.get(key).and_then(Value::as_sequence);
        items
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|s| {
                if lower {
                    s.to_ascii_lowercase()
                } else {
                    s.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(CorsRules {
        allow_headers: list("AllowHeaders", true),
        allow_methods: list("AllowMethods", false),
        expose_headers: list("ExposeHeaders", true),
        max_age: config.get("MaxAge").and_then(Value::as_u64).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_http_apis_cors_configuration_is_read_without_its_origins() {
        let doc: Value = serde_yaml::from_str(
            r#"
Resources:
  HttpApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [!Sub "https://${Distribution.DomainName}"]
        AllowHeaders: [Authorization, Idempotency-Key]
        AllowMethods: [GET, POST]
        ExposeHeaders: [Idempotent-Replayed]
        MaxAge: 600
"#,
        )
        .unwrap();
        let rules = of(doc["Resources"].as_mapping().unwrap()).unwrap();
        assert_eq!(
            rules,
            CorsRules {
                allow_headers: "authorization, idempotency-key".into(),
                allow_methods: "GET, POST".into(),
                expose_headers: "idempotent-replayed".into(),
                max_age: 600,
            }
        );
    }

    #[test]
    fn the_projects_template_has_cors_rules_for_the_consoles_headers() {
        let yaml = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"),
        )
        .unwrap();
        let doc: Value = serde_yaml::from_str(&yaml).unwrap();
        let rules = of(doc["Resources"].as_mapping().unwrap()).unwrap();
        for header in [
            "authorization",
            "idempotency-key",
            "x-act-as",
            "x-act-as-reason",
        ] {
            assert!(rules.allow_headers.contains(header), "{header}");
        }
    }
}
