//! Configuration, from the environment only. A function refuses to start without it.

/// Everything a function needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    pub sender_email: String,
    pub seller_notify_email: String,
    pub portal_url: String,
}

#[derive(Debug, thiserror::Error)]
#[error("missing configuration: set the environment variable(s) {}", .0.join(", "))]
pub struct ConfigError(pub Vec<&'static str>);

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads through `get`, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut missing = Vec::new();
        let mut var = |k: &'static str| match get(k).filter(|v| !v.trim().is_empty()) {
            Some(v) => v,
            None => {
                missing.push(k);
                String::new()
            }
        };
        let config = Self {
            table_name: var("TABLE_NAME"),
            user_pool_id: var("USER_POOL_ID"),
            user_pool_client_id: var("USER_POOL_CLIENT_ID"),
            sender_email: var("SENDER_EMAIL"),
            seller_notify_email: var("SELLER_NOTIFY_EMAIL"),
            portal_url: var("PORTAL_URL"),
        };
        if missing.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError(missing))
        }
    }
}

/// The AWS SDK configuration. Credentials and region come from the environment as Lambda sets
/// them; local endpoints from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables.
///
/// In Lambda (`AWS_LAMBDA_FUNCTION_NAME` is set) nothing else is looked for: the region is
/// `AWS_REGION`, the credentials are the environment's, and the profile files are an empty
/// in-memory set, so a cold start reads no `~/.aws` file and never asks IMDS or a credentials
/// chain. Elsewhere (tests, the local gateway) the SDK's default chains apply.
pub async fn aws() -> aws_config::SdkConfig {
    let loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    match lambda_region(|k| std::env::var(k).ok()) {
        Some(region) => in_lambda(loader, region).load().await,
        None => loader.load().await,
    }
}

/// `AWS_REGION` when running in Lambda, which always sets both.
fn lambda_region(get: impl Fn(&str) -> Option<String>) -> Option<String> {
    get("AWS_LAMBDA_FUNCTION_NAME")?;
    get("AWS_REGION").filter(|r| !r.is_empty())
}

#[allow(deprecated)] // `ProfileFiles` is aws-config's own name for aws-runtime's `EnvConfigFiles`.
fn in_lambda(loader: aws_config::ConfigLoader, region: String) -> aws_config::ConfigLoader {
    use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
    loader
        .region(aws_config::Region::new(region))
        .credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        )
        .profile_files(
            ProfileFiles::builder()
                .with_contents(ProfileFileKind::Config, "")
                .build(),
        )
}

/// `ORDERDESK_PREWARM_DYNAMODB=1`: open the DynamoDB connection during init with one read of a
/// key that never exists. In AWS the first call otherwise pays the TLS handshake inside the
/// first request (published: 912 ms at 128 MB, 21 ms once the connection is opened at init);
/// the read also resolves and caches the credentials and the endpoint. A failure is logged and
/// ignored: the first request will simply open the connection itself.
pub async fn prewarm_dynamodb(client: &aws_sdk_dynamodb::Client, table: &str) {
    if !matches!(
        std::env::var("ORDERDESK_PREWARM_DYNAMODB").as_deref(),
        Ok("1" | "true")
    ) {
        return;
    }
    use aws_sdk_dynamodb::types::AttributeValue;
    let read = client
        .get_item()
        .table_name(table)
        .key("PK", AttributeValue::S("PREWARM".into()))
        .key("SK", AttributeValue::S("PREWARM".into()))
        .projection_expression("PK")
        .send()
        .await;
    if let Err(e) = read {
        tracing::warn!(
            error = %aws_sdk_dynamodb::error::DisplayErrorContext(e),
            "prewarming the DynamoDB connection failed"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = Config::from_lookup(|k| (k == "TABLE_NAME").then(|| "t".to_owned())).unwrap_err();
        assert_eq!(err.0.len(), 5);
        assert!(err.to_string().contains("USER_POOL_ID"));
        assert!(!err.to_string().contains("TABLE_NAME"));
    }

    #[test]
    fn only_lambda_skips_the_default_chains() {
        fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        }
        let lambda = env(&[
            ("AWS_LAMBDA_FUNCTION_NAME", "orders"),
            ("AWS_REGION", "eu-west-1"),
        ]);
        assert_eq!(lambda_region(lambda).as_deref(), Some("eu-west-1"));
        assert_eq!(lambda_region(env(&[("AWS_REGION", "eu-west-1")])), None);
        assert_eq!(
            lambda_region(env(&[("AWS_LAMBDA_FUNCTION_NAME", "orders")])),
            None
        );
    }
}
