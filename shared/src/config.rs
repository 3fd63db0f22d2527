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
/// chain. TLS trusts [`AMAZON_ROOTS`] only, unless `ORDERDESK_TLS_ROOTS=system`. Elsewhere
/// (tests, the local gateway) the SDK's default chains and the system's roots apply.
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

/// The roots every AWS service endpoint chains to: Amazon Root CA 1 to 4 (Amazon Trust
/// Services) and the Starfield Services root that cross-signs them. Trusting these five, not
/// the system's ~150, takes ~5 ms of certificate parsing out of every cold start (README
/// "Benchmark"); `ORDERDESK_TLS_ROOTS=system` is the way back, e.g. behind a TLS-inspecting proxy.
pub const AMAZON_ROOTS: &str = include_str!("amazon-roots.pem");

/// An HTTPS client (rustls on aws-lc, as the SDK's default) that trusts [`AMAZON_ROOTS`] only.
pub fn amazon_https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
    let roots = TrustStore::empty().with_pem_certificate(AMAZON_ROOTS.as_bytes());
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(
            TlsContext::builder()
                .with_trust_store(roots)
                .build()
                .expect("a trust store of PEM certificates"),
        )
        .build_https()
}

#[allow(deprecated)] // `ProfileFiles` is aws-config's own name for aws-runtime's `EnvConfigFiles`.
fn in_lambda(loader: aws_config::ConfigLoader, region: String) -> aws_config::ConfigLoader {
    use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
    let loader = match std::env::var("ORDERDESK_TLS_ROOTS").as_deref() {
        Ok("system") => loader,
        _ => loader.http_client(amazon_https_client()),
    };
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
    fn the_amazon_roots_are_the_five_ders_aws_endpoints_chain_to() {
        use base64::Engine;
        use sha2::Digest;
        let fingerprints: Vec<String> = AMAZON_ROOTS
            .split("-----BEGIN CERTIFICATE-----")
            .skip(1)
            .map(|block| {
                let body: String = block
                    .split("-----END CERTIFICATE-----")
                    .next()
                    .unwrap()
                    .split_whitespace()
                    .collect();
                let der = base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .expect("base64");
                hex(&sha2::Sha256::digest(&der))
            })
            .collect();
        assert_eq!(
            fingerprints,
            [
                "8ecde6884f3d87b1125ba31ac3fcb13d7016de7f57cc904fe1cb97c6ae98196e",
                "1ba5b2aa8c65401a82960118f80bec4f62304d83cec4713a19c39c011ea46db4",
                "18ce6cfe7bf14e60b2e347b8dfe868cb31d02ebb3ada271569f50343b46db3a4",
                "e35d28419ed02025cfa69038cd623962458da5c695fbdea3c22b0bfb25897092",
                "568d6905a2c88708a4b3025190edcfedb1974a606a13c6e5290fcb2ae63edab5",
            ]
        );
        let _client = amazon_https_client();
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

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
