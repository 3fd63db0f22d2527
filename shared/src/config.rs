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
pub async fn aws() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await
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
}
