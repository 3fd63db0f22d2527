//! The gateway's settings, all from the environment.

use std::{env, path::PathBuf, time::Duration};

use anyhow::{Context as _, anyhow};

/// What `orderdesk-local serve` needs to know, read once at start-up.
#[derive(Debug, Clone)]
pub struct Config {
    /// Port on 127.0.0.1 (`PORT`, default 3000).
    pub port: u16,
    /// The SAM template (`ORDERDESK_TEMPLATE`, default `./template.yaml`).
    pub template: PathBuf,
    /// Static files served beside the API (`CONSOLE_DIR`, default `./console`).
    pub console_dir: PathBuf,
    /// `AWS_REGION`.
    pub region: String,
    /// `USER_POOL_ID`.
    pub user_pool_id: String,
    /// `USER_POOL_CLIENT_ID`: the one audience the authorizer accepts.
    pub user_pool_client_id: String,
    /// `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`: the local Cognito (moto), if any.
    pub cognito_endpoint: Option<String>,
    /// `TABLE_NAME`: the table whose stream the stream pump reads.
    pub table_name: Option<String>,
    /// `ORDERDESK_STACK_NAME`: the stack's name, `${AWS::StackName}` in the template's queue
    /// names, by which the queue pump finds its queues.
    pub stack_name: Option<String>,
    /// `SCHEDULE_INTERVAL_SECONDS` (default 60; 0 turns the schedule pump off): how often
    /// scheduled functions run locally, whatever their rate in the template.
    pub schedule_interval: Duration,
    /// The local SES endpoint (`AWS_ENDPOINT_URL_SESV2`) when `ORDERDESK_DEV_MAILBOX=1`:
    /// the development mailbox reads moto's store there.
    pub dev_mailbox: Option<String>,
    /// `ORDERDESK_CORS_ORIGINS`: exact origins (comma-separated) allowed to call the API from
    /// another origin, e.g. a console dev server. None by default: the console is served
    /// from the gateway's own origin.
    pub cors_origins: Vec<String>,
}

impl Config {
    /// Reads the environment; names every missing or malformed variable at once.
    pub fn from_env() -> anyhow::Result<Self> {
        let mut missing = Vec::new();
        let mut required = |name: &'static str| {
            let value = optional(name);
            if value.is_none() {
                missing.push(name);
            }
            value.unwrap_or_default()
        };
        let region = required("AWS_REGION");
        let user_pool_id = required("USER_POOL_ID");
        let user_pool_client_id = required("USER_POOL_CLIENT_ID");
        if !missing.is_empty() {
            return Err(anyhow!(
                "missing environment variables: {} (local/stack.py sets them)",
                missing.join(", ")
            ));
        }
        let dev_mailbox = match optional("ORDERDESK_DEV_MAILBOX").as_deref() {
            Some("1" | "true") => Some(optional("AWS_ENDPOINT_URL_SESV2").ok_or_else(|| {
                anyhow!("ORDERDESK_DEV_MAILBOX=1 needs AWS_ENDPOINT_URL_SESV2 (the local SES)")
            })?),
            _ => None,
        };
        let schedule_interval = match optional("SCHEDULE_INTERVAL_SECONDS") {
            Some(secs) => Duration::from_secs(secs.parse().with_context(|| {
                format!("SCHEDULE_INTERVAL_SECONDS={secs:?} is not a number of seconds")
            })?),
            None => Duration::from_secs(60),
        };
        let port = match optional("PORT") {
            Some(port) => port
                .parse()
                .with_context(|| format!("PORT={port:?} is not a port number"))?,
            None => 3000,
        };

        Ok(Self {
            port,
            template: template_path(),
            console_dir: optional("CONSOLE_DIR")
                .unwrap_or_else(|| "./console".into())
                .into(),
            region,
            user_pool_id,
            user_pool_client_id,
            cognito_endpoint: optional("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"),
            table_name: optional("TABLE_NAME"),
            stack_name: optional("ORDERDESK_STACK_NAME"),
            schedule_interval,
            dev_mailbox,
            cors_origins: optional("ORDERDESK_CORS_ORIGINS")
                .map(|list| {
                    list.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// The `iss` every token of the pool carries.
    pub fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.region, self.user_pool_id
        )
    }

    /// Where the pool publishes its signing keys: moto's path when a local
    /// endpoint is set, Cognito's otherwise.
    pub fn jwks_url(&self) -> String {
        match &self.cognito_endpoint {
            Some(endpoint) => format!(
                "{}/{}/.well-known/jwks.json",
                endpoint.trim_end_matches('/'),
                self.user_pool_id
            ),
            None => format!("{}/.well-known/jwks.json", self.issuer()),
        }
    }
}

/// The SAM template: `ORDERDESK_TEMPLATE`, else `./template.yaml`.
pub fn template_path() -> PathBuf {
    optional("ORDERDESK_TEMPLATE")
        .unwrap_or_else(|| "./template.yaml".into())
        .into()
}

fn optional(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}
