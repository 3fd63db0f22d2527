//! What every HTTP function builds once per cold start.

use crate::config::{self, Config};
use crate::dynamo::DynamoStore;
use crate::identity::CognitoIdentity;
use crate::logins::{DEFAULT_INVITATION_TTL_SECONDS, Portal};

/// The clients and settings a function serves requests with. Only DynamoDB's client is built
/// here; a function that manages Cognito users asks for [`Deps::cognito`], so the others
/// neither build nor link the Cognito client.
pub struct Deps {
    pub config: Config,
    pub store: DynamoStore,
    pub portal: Portal,
    aws: aws_config::SdkConfig,
}

impl Deps {
    /// Reads the environment (failing fast on anything missing) and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_http::Error> {
        let config = Config::from_env()?;
        let invitation_ttl_seconds = match std::env::var("INVITATION_TTL_SECONDS") {
            Ok(v) => v.parse().map_err(|_| {
                format!("INVITATION_TTL_SECONDS must be a number of seconds, not {v:?}")
            })?,
            Err(_) => DEFAULT_INVITATION_TTL_SECONDS,
        };
        let aws = config::aws().await;
        let dynamodb = crate::dynamo::client(&aws);
        config::prewarm_dynamodb(&dynamodb, &config.table_name).await;
        Ok(Self {
            store: DynamoStore::new(dynamodb, &config.table_name),
            portal: Portal {
                url: config.portal_url.clone(),
                invitation_ttl_seconds,
            },
            config,
            aws,
        })
    }

    /// The user pool's identity port, built from the same SDK configuration.
    pub fn cognito(&self) -> CognitoIdentity {
        CognitoIdentity::new(
            aws_sdk_cognitoidentityprovider::Client::new(&self.aws),
            &self.config.user_pool_id,
        )
    }
}
