//! The composition root: what every function builds once per cold start, from its settings.
//! Functions name the adapters only through the aliases here, so a function knows the ports it
//! calls and not the services behind them.

use crate::actor::Seller;
use crate::cognito::CognitoIdentity;
use crate::config::{self, ConfigError, Settings};
use crate::email::{Branding, Mailer};
use crate::kms::KmsSealer;
use crate::orders::SellerDesk;
use crate::outbox::Mailroom;
use crate::portal::Portal;
use crate::ses::SesMailer;
use std::sync::Arc;

/// The store every function runs on: one DynamoDB table.
pub type Store = crate::dynamo::DynamoStore;

/// The identity provider customer logins live in: a Cognito user pool.
pub type UserPool = CognitoIdentity;

/// The key that seals secrets at rest: a KMS key of the stack.
pub type Vault = KmsSealer;

/// Where webhook attempts wait their turn: an SQS FIFO queue, one group per webhook.
pub type Queue = crate::sqs::SqsDeliveryQueue;

/// Where events are announced: the EventBridge bus and the webhooks.
pub type Announcer = crate::events::Both<
    crate::eventbridge::EventBridgeBus,
    crate::webhooks::WebhookFanOut<Store, Queue>,
>;

/// The HTTP client that posts webhook deliveries.
pub type Courier = crate::outbound::HttpEndpoint;

/// The deployment's settings, the AWS SDK's configuration and the table's store, built once.
/// Every other client is built from here on request, so a function that does not use Cognito,
/// SES or KMS neither builds nor needs their settings.
pub struct Shell {
    pub settings: Settings,
    pub store: Store,
    aws: aws_config::SdkConfig,
}

impl Shell {
    /// Reads the environment once, builds the DynamoDB client (and opens its connection when
    /// `ORDERDESK_PREWARM_DYNAMODB` asks), failing fast without `TABLE_NAME`.
    pub async fn from_env() -> Result<Self, ConfigError> {
        let settings = Settings::from_env();
        let table = settings.table_name()?.to_owned();
        let aws = config::aws().await;
        let dynamodb = crate::dynamo::client(&aws);
        crate::dynamo::prewarm(&dynamodb, &table).await;
        Ok(Self {
            store: Store::new(dynamodb, table),
            settings,
            aws,
        })
    }

    /// The user pool, for the functions that manage Cognito users (`USER_POOL_ID`), checking
    /// passwords through the app client (`USER_POOL_CLIENT_ID`).
    pub fn user_pool(&self) -> Result<UserPool, ConfigError> {
        let [pool, app_client] = self
            .settings
            .require(["USER_POOL_ID", "USER_POOL_CLIENT_ID"])?;
        Ok(CognitoIdentity::new(
            aws_sdk_cognitoidentityprovider::Client::new(&self.aws),
            pool,
        )
        .with_app_client(app_client))
    }

    /// The stack's event bus (`EVENT_BUS_NAME`), for the functions that publish events.
    pub fn event_bus(&self) -> Result<crate::eventbridge::EventBridgeBus, ConfigError> {
        let [name] = self.settings.require(["EVENT_BUS_NAME"])?;
        Ok(crate::eventbridge::EventBridgeBus::new(
            aws_sdk_eventbridge::Client::new(&self.aws),
            name,
        ))
    }

    /// The webhooks' delivery queue (`WEBHOOK_QUEUE_URL`).
    pub fn delivery_queue(&self) -> Result<Queue, ConfigError> {
        let [url] = self.settings.require(["WEBHOOK_QUEUE_URL"])?;
        Ok(Queue::new(aws_sdk_sqs::Client::new(&self.aws), url))
    }

    /// Where events are announced: the stack's bus (`EVENT_BUS_NAME`) and the webhooks
    /// subscribed to them, through the delivery queue (`WEBHOOK_QUEUE_URL`).
    pub fn announcer(&self) -> Result<Announcer, ConfigError> {
        Ok(crate::events::Both(
            self.event_bus()?,
            crate::webhooks::WebhookFanOut {
                store: self.store.clone(),
                queue: self.delivery_queue()?,
            },
        ))
    }

    /// Where the emails' links point (`PORTAL_URL`).
    pub fn portal(&self) -> Result<crate::portal::Portal, ConfigError> {
        self.settings.portal()
    }

    /// The mailer and the emails' branding, for the functions that send email.
    pub fn mailer(&self) -> Result<(Arc<dyn Mailer>, Branding), ConfigError> {
        let mail = self.settings.mail()?;
        let mailer = SesMailer::new(
            aws_sdk_sesv2::Client::new(&self.aws),
            &mail.sender_email,
            &mail.branding.seller_name,
        );
        Ok((Arc::new(mailer), mail.branding))
    }

    /// The sealer of secrets at rest, for the functions that seal or open them
    /// (`SECRETS_KEY_ID`).
    pub fn vault(&self) -> Result<Vault, ConfigError> {
        Ok(KmsSealer::new(
            aws_sdk_kms::Client::new(&self.aws),
            self.settings.secrets_key_id()?,
        ))
    }
}

/// A part of a function built from the shell once per cold start; a setting the part needs and
/// the deployment lacks stops the function before it serves a request.
pub trait FromShell: Sized {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError>;
}

impl FromShell for Store {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok(shell.store.clone())
    }
}

impl FromShell for UserPool {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        shell.user_pool()
    }
}

impl FromShell for Portal {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        shell.settings.portal()
    }
}

impl FromShell for Vault {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        shell.vault()
    }
}

impl FromShell for Mailroom<Vault> {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok(Mailroom {
            portal: shell.settings.portal()?,
            sealer: shell.vault()?,
        })
    }
}

impl FromShell for SellerDesk {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok(SellerDesk {
            inbox: shell.settings.seller_inbox()?,
            portal: shell.settings.portal()?,
            seller: shell.settings.seller(),
            clock: shell.settings.seller_clock()?,
        })
    }
}

impl FromShell for Seller {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok(shell.settings.seller())
    }
}

impl<A: FromShell, B: FromShell> FromShell for (A, B) {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok((A::from_shell(shell)?, B::from_shell(shell)?))
    }
}

impl<A: FromShell, B: FromShell, C: FromShell> FromShell for (A, B, C) {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok((
            A::from_shell(shell)?,
            B::from_shell(shell)?,
            C::from_shell(shell)?,
        ))
    }
}

impl FromShell for Queue {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        shell.delivery_queue()
    }
}

impl FromShell for crate::webhooks::Reachability {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok(Self {
            reach: shell.settings.webhook_reach(),
            resolver: Arc::new(crate::outbound::SystemDns),
        })
    }
}

impl FromShell for Courier {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Courier::new(shell.settings.webhook_reach()).map_err(|why| ConfigError::Invalid {
            name: "ORDERDESK_WEBHOOKS_ALLOW_LOOPBACK",
            why: format!("leaves no HTTP client for webhooks: {why}"),
        })
    }
}

impl FromShell for crate::webhooks::Notice {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok(Self {
            inbox: shell.settings.seller_inbox()?,
            portal: shell.settings.portal()?,
        })
    }
}

impl<A: FromShell, B: FromShell, C: FromShell, D: FromShell> FromShell for (A, B, C, D) {
    fn from_shell(shell: &Shell) -> Result<Self, ConfigError> {
        Ok((
            A::from_shell(shell)?,
            B::from_shell(shell)?,
            C::from_shell(shell)?,
            D::from_shell(shell)?,
        ))
    }
}
