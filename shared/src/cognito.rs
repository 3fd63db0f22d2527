//! [`Identity`] on a Cognito user pool.

use crate::actor::Hints;
use crate::domain::Email;
use crate::error::Unexpected;
use crate::identity::{Identity, IdentityError, InitialPassword, NewUser};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::operation::admin_create_user::AdminCreateUserOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::{
    AdminInitiateAuthError, AdminInitiateAuthOutput,
};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, MessageActionType};
use aws_smithy_runtime_api::http::Response as HttpResponse;
use std::future::Future;

/// [`Identity`] on a Cognito user pool.
#[derive(Clone, Debug)]
pub struct CognitoIdentity {
    client: Client,
    pool_id: String,
    /// The app client a password is checked through (`ADMIN_USER_PASSWORD_AUTH`).
    app_client_id: Option<String>,
}

pub const CUSTOMERS_GROUP: &str = "customers";

fn unexpected<E, R>(e: SdkError<E, R>) -> Unexpected
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    crate::sdk::failure("a Cognito call failed", e)
}

/// What Cognito said when it refused input: for the log, never for the client.
fn message(e: &impl ProvideErrorMetadata) -> String {
    e.message().unwrap_or_default().to_owned()
}

/// The `sub` of the user `AdminCreateUser` made.
fn sub_of(out: &AdminCreateUserOutput) -> Result<String, Unexpected> {
    out.user()
        .and_then(|u| u.attributes().iter().find(|a| a.name() == "sub"))
        .and_then(|a| a.value())
        .map(str::to_owned)
        .ok_or_else(|| Unexpected::new("Cognito returned a user without a sub"))
}

/// A user attribute.
fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("name is set")
}

impl CognitoIdentity {
    pub fn new(client: Client, pool_id: impl Into<String>) -> Self {
        Self {
            client,
            pool_id: pool_id.into(),
            app_client_id: None,
        }
    }

    /// The identity that can also check a password, through this app client.
    pub fn with_app_client(mut self, id: impl Into<String>) -> Self {
        self.app_client_id = Some(id.into());
        self
    }

    /// Makes `call` (given the client, the pool id and the username) on the user of `email`,
    /// for the calls whose purpose a missing user already meets (delete, disable, sign out):
    /// `false` when that user does not exist.
    async fn unless_gone<O, E, R, F>(
        &self,
        email: &Email,
        call: impl FnOnce(&Client, &str, &str) -> F,
    ) -> Result<bool, Unexpected>
    where
        F: Future<Output = Result<O, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        match call(&self.client, &self.pool_id, email.as_str()).await {
            Ok(_) => Ok(true),
            Err(e) if e.code() == Some("UserNotFoundException") => Ok(false),
            Err(e) => Err(unexpected(e)),
        }
    }

    /// Signs `email` in with `password` through the app client (`ADMIN_USER_PASSWORD_AUTH`):
    /// the pool's own answer, for the caller to read; only a missing app client is an error.
    async fn sign_in(
        &self,
        email: &Email,
        password: &str,
    ) -> Result<
        Result<AdminInitiateAuthOutput, SdkError<AdminInitiateAuthError, HttpResponse>>,
        Unexpected,
    > {
        let Some(app_client) = &self.app_client_id else {
            return Err(Unexpected::new(
                "signing a user in needs the user pool's app client",
            ));
        };
        Ok(self
            .client
            .admin_initiate_auth()
            .user_pool_id(&self.pool_id)
            .client_id(app_client)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", email.as_str())
            .auth_parameters("PASSWORD", password)
            .send()
            .await)
    }

    async fn finish_user(
        &self,
        email: &Email,
        password: &InitialPassword,
    ) -> Result<(), IdentityError> {
        if let InitialPassword::Permanent(_) = password {
            self.set_password(email, password.clone()).await?;
        }
        self.client
            .admin_add_user_to_group()
            .user_pool_id(&self.pool_id)
            .username(email.as_str())
            .group_name(CUSTOMERS_GROUP)
            .send()
            .await
            .map_err(unexpected)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Identity for CognitoIdentity {
    #[tracing::instrument(skip_all)]
    async fn create_customer_user(&self, user: NewUser<'_>) -> Result<String, IdentityError> {
        let NewUser {
            email,
            name,
            password,
            hints,
        } = user;
        let mut req = self
            .client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(email.as_str())
            .message_action(MessageActionType::Suppress)
            .user_attributes(attr("email", email.as_str()))
            .user_attributes(attr("email_verified", "true"))
            .user_attributes(attr("name", name));
        for (key, value) in [
            (Hints::LOGIN_ID, &hints.login_id),
            (Hints::CUSTOMER_ID, &hints.customer_id),
            (Hints::TIER_ID, &hints.tier_id),
        ] {
            if let Some(v) = value {
                req = req.user_attributes(attr(key, v));
            }
        }
        if let InitialPassword::Temporary(p) = &password {
            req = req.temporary_password(p);
        }
        let out = req.send().await.map_err(|e| match e.as_service_error() {
            Some(se) if se.is_username_exists_exception() => IdentityError::UserExists,
            Some(se) if se.is_invalid_password_exception() => {
                IdentityError::InvalidPassword(message(se))
            }
            Some(se) if se.is_invalid_parameter_exception() => {
                IdentityError::EmailRefused(message(se))
            }
            _ => unexpected(e).into(),
        })?;
        let sub = sub_of(&out)?;
        if let Err(e) = self.finish_user(email, &password).await {
            if let Err(undo) = self.delete_user(email).await {
                tracing::error!(error = %undo.chain(), "could not remove a half-created Cognito user");
            }
            return Err(e);
        }
        Ok(sub)
    }

    #[tracing::instrument(skip_all)]
    async fn disable_user(&self, email: &Email) -> Result<(), Unexpected> {
        let disabled = self
            .unless_gone(email, |c, pool, user| {
                c.admin_disable_user()
                    .user_pool_id(pool)
                    .username(user)
                    .send()
            })
            .await?;
        if disabled {
            self.unless_gone(email, |c, pool, user| {
                c.admin_user_global_sign_out()
                    .user_pool_id(pool)
                    .username(user)
                    .send()
            })
            .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn enable_user(&self, email: &Email) -> Result<(), Unexpected> {
        self.client
            .admin_enable_user()
            .user_pool_id(&self.pool_id)
            .username(email.as_str())
            .send()
            .await
            .map(drop)
            .map_err(unexpected)
    }

    #[tracing::instrument(skip_all)]
    async fn change_email(&self, current: &Email, new: &Email) -> Result<(), IdentityError> {
        self.client
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(current.as_str())
            .user_attributes(attr("email", new.as_str()))
            .user_attributes(attr("email_verified", "true"))
            .send()
            .await
            .map(drop)
            .map_err(|e| match e.as_service_error() {
                Some(se) if se.is_alias_exists_exception() => IdentityError::UserExists,
                Some(se) if se.is_invalid_parameter_exception() => {
                    IdentityError::EmailRefused(message(se))
                }
                _ => unexpected(e).into(),
            })
    }

    #[tracing::instrument(skip_all)]
    async fn set_password(
        &self,
        email: &Email,
        password: InitialPassword,
    ) -> Result<(), IdentityError> {
        let (p, permanent) = match &password {
            InitialPassword::Temporary(p) => (p, false),
            InitialPassword::Permanent(p) => (p, true),
        };
        self.client
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(email.as_str())
            .password(p)
            .permanent(permanent)
            .send()
            .await
            .map(drop)
            .map_err(|e| match e.as_service_error() {
                Some(se)
                    if se.is_invalid_password_exception()
                        || se.is_invalid_parameter_exception() =>
                {
                    IdentityError::InvalidPassword(message(se))
                }
                _ => unexpected(e).into(),
            })
    }

    #[tracing::instrument(skip_all)]
    async fn password_matches(&self, email: &Email, password: &str) -> Result<bool, Unexpected> {
        match self.sign_in(email, password).await? {
            // Tokens or a challenge (a new password, MFA): either way the password was right.
            // The tokens are dropped; the caller ends every session next.
            Ok(_) => Ok(true),
            Err(e)
                if matches!(
                    e.code(),
                    Some(
                        "NotAuthorizedException"
                            | "UserNotFoundException"
                            | "PasswordResetRequiredException"
                            | "InvalidParameterException"
                    )
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(unexpected(e)),
        }
    }

    #[tracing::instrument(skip_all)]
    async fn sign_out_everywhere(&self, email: &Email) -> Result<(), Unexpected> {
        self.unless_gone(email, |c, pool, user| {
            c.admin_user_global_sign_out()
                .user_pool_id(pool)
                .username(user)
                .send()
        })
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn delete_user(&self, email: &Email) -> Result<(), Unexpected> {
        self.unless_gone(email, |c, pool, user| {
            c.admin_delete_user()
                .user_pool_id(pool)
                .username(user)
                .send()
        })
        .await?;
        Ok(())
    }
}

/// API clients as users of the pool: the pool signs their tokens, so the HTTP API's one JWT
/// authorizer checks a client's token as it checks a person's (README, "API clients").
#[async_trait::async_trait]
impl crate::clients::ClientUsers for CognitoIdentity {
    #[tracing::instrument(skip_all)]
    async fn create_client_user(
        &self,
        user: crate::clients::ClientUser<'_>,
    ) -> Result<String, Unexpected> {
        use crate::actor::Actor;
        let out = self
            .client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(user.email.as_str())
            .message_action(MessageActionType::Suppress)
            .user_attributes(attr("email", user.email.as_str()))
            .user_attributes(attr("email_verified", "true"))
            .user_attributes(attr(Actor::CLIENT_ID, user.client_id.as_str()))
            .user_attributes(attr(
                crate::clients::SCOPES_CLAIM,
                &user.scopes.to_space_separated(),
            ))
            .send()
            .await
            .map_err(unexpected)?;
        let sub = sub_of(&out)?;
        let finished = async {
            self.client
                .admin_set_user_password()
                .user_pool_id(&self.pool_id)
                .username(user.email.as_str())
                .password(user.secret.expose())
                .permanent(true)
                .send()
                .await
                .map_err(unexpected)?;
            self.client
                .admin_add_user_to_group()
                .user_pool_id(&self.pool_id)
                .username(user.email.as_str())
                .group_name(Actor::API_CLIENTS)
                .send()
                .await
                .map_err(unexpected)
        };
        if let Err(e) = finished.await {
            if let Err(undo) = self.delete_user(user.email).await {
                tracing::error!(error = %undo.chain(), "could not remove a half-created client user");
            }
            return Err(e);
        }
        Ok(sub)
    }

    async fn delete_client_user(&self, email: &Email) -> Result<(), Unexpected> {
        self.delete_user(email).await
    }

    #[tracing::instrument(skip_all)]
    async fn client_token(
        &self,
        email: &Email,
        secret: &crate::clients::ClientSecret,
    ) -> Result<Option<crate::clients::PoolToken>, Unexpected> {
        match self.sign_in(email, secret.expose()).await? {
            Ok(out) => {
                let result = out.authentication_result().ok_or_else(|| {
                    Unexpected::new("Cognito asked a client's user to meet a challenge")
                })?;
                let token = result
                    .id_token()
                    .ok_or_else(|| Unexpected::new("Cognito issued no ID token"))?;
                Ok(Some(crate::clients::PoolToken {
                    token: token.to_owned(),
                    expires_in: u64::try_from(result.expires_in()).unwrap_or(0),
                }))
            }
            Err(e)
                if matches!(
                    e.code(),
                    Some("NotAuthorizedException" | "UserNotFoundException")
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(unexpected(e)),
        }
    }
}
