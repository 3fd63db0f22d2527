//! [`Identity`] on a Cognito user pool.

use crate::actor::Hints;
use crate::domain::Email;
use crate::error::Unexpected;
use crate::identity::{Identity, IdentityError, InitialPassword, NewUser};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::{
    admin_delete_user::AdminDeleteUserError, admin_disable_user::AdminDisableUserError,
    admin_user_global_sign_out::AdminUserGlobalSignOutError,
};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};

/// [`Identity`] on a Cognito user pool.
#[derive(Clone, Debug)]
pub struct CognitoIdentity {
    client: Client,
    pool_id: String,
}

pub const CUSTOMERS_GROUP: &str = "customers";

fn unexpected<E, R>(e: SdkError<E, R>) -> Unexpected
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    Unexpected::caused_by("a Cognito call failed", e)
}

/// The output of a call on one user, or `None` when that user does not exist: for the calls
/// whose purpose a missing user already meets (delete, disable, sign out).
fn unless_gone<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    not_found: impl Fn(&E) -> bool,
) -> Result<Option<O>, Unexpected>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(output) => Ok(Some(output)),
        Err(e) if e.as_service_error().is_some_and(&not_found) => Ok(None),
        Err(e) => Err(unexpected(e)),
    }
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
        }
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
                IdentityError::InvalidPassword(se.meta().message().unwrap_or_default().to_owned())
            }
            _ => unexpected(e).into(),
        })?;
        let sub = out
            .user()
            .and_then(|u| u.attributes().iter().find(|a| a.name() == "sub"))
            .and_then(|a| a.value())
            .map(str::to_owned)
            .ok_or_else(|| Unexpected::new("Cognito returned a user without a sub"))?;
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
            .client
            .admin_disable_user()
            .user_pool_id(&self.pool_id)
            .username(email.as_str())
            .send()
            .await;
        if unless_gone(disabled, AdminDisableUserError::is_user_not_found_exception)?.is_none() {
            return Ok(());
        }
        let signed_out = self
            .client
            .admin_user_global_sign_out()
            .user_pool_id(&self.pool_id)
            .username(email.as_str())
            .send()
            .await;
        unless_gone(
            signed_out,
            AdminUserGlobalSignOutError::is_user_not_found_exception,
        )?;
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
    async fn change_email(&self, current: &Email, new: &Email) -> Result<(), Unexpected> {
        self.client
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(current.as_str())
            .user_attributes(attr("email", new.as_str()))
            .user_attributes(attr("email_verified", "true"))
            .send()
            .await
            .map(drop)
            .map_err(unexpected)
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
                Some(se) if se.is_invalid_password_exception() => IdentityError::InvalidPassword(
                    se.meta().message().unwrap_or_default().to_owned(),
                ),
                _ => unexpected(e).into(),
            })
    }

    #[tracing::instrument(skip_all)]
    async fn delete_user(&self, email: &Email) -> Result<(), Unexpected> {
        let deleted = self
            .client
            .admin_delete_user()
            .user_pool_id(&self.pool_id)
            .username(email.as_str())
            .send()
            .await;
        unless_gone(deleted, AdminDeleteUserError::is_user_not_found_exception)?;
        Ok(())
    }
}
