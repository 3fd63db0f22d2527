//! Configuration, from the environment only. A function refuses to start without what it uses.

use crate::actor::Seller;
use crate::domain::Email;
use crate::email::Branding;
use crate::portal::{DEFAULT_INVITATION_TTL_SECONDS, Portal};
use std::collections::BTreeMap;

/// Every variable a function may read. Which of them a function needs is its own business: it
/// asks for what it uses, and only that must be set.
pub const VARIABLES: [&str; 13] = [
    "TABLE_NAME",
    "USER_POOL_ID",
    "USER_POOL_CLIENT_ID",
    "SENDER_EMAIL",
    "SELLER_NOTIFY_EMAIL",
    "PORTAL_URL",
    "SELLER_NAME",
    "INVITATION_TTL_SECONDS",
    "SECRETS_KEY_ID",
    "SELLER_TIME_ZONE",
    "EVENT_BUS_NAME",
    "WEBHOOK_QUEUE_URL",
    "ORDERDESK_WEBHOOKS_ALLOW_LOOPBACK",
];

/// The seller's name when `SELLER_NAME` is not set.
pub const DEFAULT_SELLER_NAME: &str = "Orderdesk";

/// Why a function cannot start.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("missing configuration: set the environment variable(s) {}", .0.join(", "))]
    Missing(Vec<&'static str>),
    #[error("{name} {why}")]
    Invalid { name: &'static str, why: String },
}

/// What a function that sends email needs: the sender, and the branding of every email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub sender_email: String,
    pub branding: Branding,
}

impl MailSettings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Settings::from_env().mail()
    }
}

/// The deployment's settings, read from the environment once per cold start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    values: BTreeMap<&'static str, String>,
}

impl Settings {
    pub fn from_env() -> Self {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads through `get`, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            values: VARIABLES
                .iter()
                .filter_map(|k| {
                    get(k)
                        .map(|v| v.trim().to_owned())
                        .filter(|v| !v.is_empty())
                        .map(|v| (*k, v))
                })
                .collect(),
        }
    }

    /// The values of `names`, or an error naming every one that is missing.
    pub fn require<const N: usize>(
        &self,
        names: [&'static str; N],
    ) -> Result<[&str; N], ConfigError> {
        let missing: Vec<&'static str> = names
            .iter()
            .copied()
            .filter(|n| !self.values.contains_key(n))
            .collect();
        if !missing.is_empty() {
            return Err(ConfigError::Missing(missing));
        }
        Ok(names.map(|n| self.values[n].as_str()))
    }

    fn optional(&self, name: &'static str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// `TABLE_NAME`: every function's.
    pub fn table_name(&self) -> Result<&str, ConfigError> {
        let [table] = self.require(["TABLE_NAME"])?;
        Ok(table)
    }

    /// `USER_POOL_ID`: for the functions that manage Cognito users.
    pub fn user_pool_id(&self) -> Result<&str, ConfigError> {
        let [pool] = self.require(["USER_POOL_ID"])?;
        Ok(pool)
    }

    /// Where links point (`PORTAL_URL`) and how long invitation links live
    /// (`INVITATION_TTL_SECONDS`, default a week).
    pub fn portal(&self) -> Result<Portal, ConfigError> {
        let [url] = self.require(["PORTAL_URL"])?;
        let ttl = match self.optional("INVITATION_TTL_SECONDS") {
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                name: "INVITATION_TTL_SECONDS",
                why: format!("must be a number of seconds, not {v:?}"),
            })?,
            None => DEFAULT_INVITATION_TTL_SECONDS,
        };
        Ok(Portal::new(url, ttl))
    }

    /// `SECRETS_KEY_ID`: the KMS key (id or ARN) that seals secrets at rest, for the functions
    /// that write emails with a secret or send them.
    pub fn secrets_key_id(&self) -> Result<&str, ConfigError> {
        let [key] = self.require(["SECRETS_KEY_ID"])?;
        Ok(key)
    }

    /// `SELLER_TIME_ZONE` (an IANA name, default `UTC`): the seller's day, which a requested
    /// delivery date must not be before.
    pub fn seller_clock(&self) -> Result<crate::orders::SellerClock, ConfigError> {
        match self
            .optional("SELLER_TIME_ZONE")
            .filter(|v| !v.trim().is_empty())
        {
            None => Ok(crate::orders::SellerClock::utc()),
            Some(name) => {
                crate::orders::SellerClock::parse(name).map_err(|why| ConfigError::Invalid {
                    name: "SELLER_TIME_ZONE",
                    why,
                })
            }
        }
    }

    /// `SELLER_NOTIFY_EMAIL`: where new order requests are announced.
    pub fn seller_inbox(&self) -> Result<Email, ConfigError> {
        let [inbox] = self.require(["SELLER_NOTIFY_EMAIL"])?;
        Email::parse(inbox).map_err(|e| ConfigError::Invalid {
            name: "SELLER_NOTIFY_EMAIL",
            why: e.to_string(),
        })
    }

    /// `ORDERDESK_WEBHOOKS_ALLOW_LOOPBACK`: set by the local stack alone, so that tests can
    /// receive webhooks on loopback; unset, webhooks reach public addresses only.
    pub fn webhook_reach(&self) -> crate::webhooks::Reach {
        crate::webhooks::Reach::from_setting(
            self.values
                .get("ORDERDESK_WEBHOOKS_ALLOW_LOOPBACK")
                .map(String::as_str),
        )
    }

    /// `SELLER_NAME` (default "Orderdesk"): who customers deal with, in emails and on orders
    /// the seller's staff placed or changed.
    pub fn seller(&self) -> Seller {
        Seller {
            name: self
                .optional("SELLER_NAME")
                .unwrap_or(DEFAULT_SELLER_NAME)
                .to_owned(),
        }
    }

    /// What sending email needs: `SENDER_EMAIL` and `PORTAL_URL`, and `SELLER_NAME` (default
    /// "Orderdesk").
    pub fn mail(&self) -> Result<MailSettings, ConfigError> {
        let [sender, portal] = self.require(["SENDER_EMAIL", "PORTAL_URL"])?;
        Ok(MailSettings {
            sender_email: sender.to_owned(),
            branding: Branding {
                portal_url: portal.to_owned(),
                seller_name: self.seller().name,
            },
        })
    }
}

/// The AWS SDK configuration. Credentials and region come from the environment as Lambda sets
/// them; local endpoints from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables.
///
/// In Lambda (`AWS_LAMBDA_FUNCTION_NAME` is set) nothing else is looked for: the region is
/// `AWS_REGION`, the credentials are the environment's, and the profile files are an empty
/// in-memory set, so a cold start reads no `~/.aws` file and never asks IMDS or a credentials
/// chain. TLS trusts [`AMAZON_ROOTS`] only, unless `ORDERDESK_TLS_ROOTS=system`. Elsewhere
/// (tests, the local gateway) the SDK's default chains and the system's roots apply. Every call
/// is bounded in time and attempts everywhere ([`crate::sdk`]).
pub async fn aws() -> aws_config::SdkConfig {
    let loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .timeout_config(crate::sdk::timeouts())
        .retry_config(crate::sdk::retries());
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
        let s = Settings::from_lookup(|k| (k == "TABLE_NAME").then(|| "t".to_owned()));
        let err = s
            .require(["TABLE_NAME", "USER_POOL_ID", "PORTAL_URL"])
            .unwrap_err();
        assert_eq!(
            err,
            ConfigError::Missing(vec!["USER_POOL_ID", "PORTAL_URL"])
        );
        assert!(err.to_string().contains("USER_POOL_ID"));
        assert!(!err.to_string().contains("TABLE_NAME"));
        assert_eq!(s.table_name(), Ok("t"));
    }

    #[test]
    fn a_function_needs_only_the_variables_it_uses() {
        let s = Settings::from_lookup(|k| {
            ["TABLE_NAME", "PORTAL_URL", "SENDER_EMAIL"]
                .contains(&k)
                .then(|| format!(" {k} "))
        });
        assert!(s.portal().is_ok());
        assert_eq!(
            s.secrets_key_id(),
            Err(ConfigError::Missing(vec!["SECRETS_KEY_ID"]))
        );
        let mail = s.mail().unwrap();
        assert_eq!(mail.branding.seller_name, "Orderdesk");
        assert_eq!(mail.sender_email, "SENDER_EMAIL");
        assert_eq!(
            s.seller_inbox().unwrap_err(),
            ConfigError::Missing(vec!["SELLER_NOTIFY_EMAIL"])
        );
        let bad = Settings::from_lookup(|k| {
            Some(if k == "INVITATION_TTL_SECONDS" {
                "a week".into()
            } else {
                "x".into()
            })
        });
        assert!(matches!(
            bad.portal(),
            Err(ConfigError::Invalid {
                name: "INVITATION_TTL_SECONDS",
                ..
            })
        ));
    }

    #[test]
    fn the_sellers_time_zone_is_utc_unless_named_and_a_wrong_name_stops_the_start() {
        let of = |zone: Option<&'static str>| {
            Settings::from_lookup(move |k| {
                zone.filter(|_| k == "SELLER_TIME_ZONE").map(str::to_owned)
            })
        };
        let instant: jiff::Timestamp = "2026-12-02T23:30:00Z".parse().unwrap();
        let utc = of(None).seller_clock().unwrap();
        let auckland = of(Some("Pacific/Auckland")).seller_clock().unwrap();
        assert_eq!(utc.date_at(instant).to_string(), "2026-12-02");
        assert_eq!(auckland.date_at(instant).to_string(), "2026-12-03");
        assert!(matches!(
            of(Some("Paris")).seller_clock(),
            Err(ConfigError::Invalid {
                name: "SELLER_TIME_ZONE",
                ..
            })
        ));
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
