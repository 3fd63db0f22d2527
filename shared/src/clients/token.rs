//! The client-credentials grant (RFC 6749 §4.4): a client's id and secret for a short-lived
//! token that carries its scopes.

use super::model::{ApiClient, ClientSecret, Scopes};
use super::ports::{ClientStore, ClientUsers};
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::ids::ClientId;
use crate::throttle::Quota;
use serde::Serialize;

/// Token requests one client id may make: ample for a system that asks once an hour and
/// retries, far too few to guess a secret; a refused request writes nothing but its count.
pub const TOKEN_QUOTA: Quota = Quota {
    scope: "client-token",
    limit: 20,
    window_seconds: 600,
};

/// A token request as the edge read it, before anything is checked.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    /// From HTTP Basic, decoded; `None` when the header is missing or malformed.
    pub credentials: Option<(String, String)>,
    pub grant_type: Option<String>,
    /// The scopes asked for, space-separated; all of the client's when absent.
    pub scope: Option<String>,
}

/// Why no token was issued, as RFC 6749 §5.2 names it.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the request is malformed: {0}")]
    InvalidRequest(&'static str),
    #[error("only grant_type=client_credentials is supported")]
    UnsupportedGrantType,
    #[error("the client is unknown or its secret is wrong")]
    InvalidClient,
    #[error("a scope asked for is not the client's")]
    InvalidScope,
    #[error("too many token requests for this client")]
    Throttled { retry_after: u32 },
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// `200` of the token endpoint (RFC 6749 §5.1).
#[derive(Debug, Serialize)]
pub struct IssuedToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub scope: String,
}

/// Issues a token: the grant and the credentials are checked, the client id's quota charged,
/// then the secret compared with the stored hash before the pool is asked for the token.
pub async fn issue_token<S: ClientStore, U: ClientUsers>(
    store: &S,
    users: &U,
    request: TokenRequest,
    now: Timestamp,
) -> Result<IssuedToken, TokenError> {
    let (id, secret) = request.credentials.ok_or(TokenError::InvalidClient)?;
    match request.grant_type.as_deref() {
        None => return Err(TokenError::InvalidRequest("grant_type is required")),
        Some("client_credentials") => {}
        Some(_) => return Err(TokenError::UnsupportedGrantType),
    }
    let id = ClientId::parse(&id).ok_or(TokenError::InvalidClient)?;
    let secret = ClientSecret::received(&secret).ok_or(TokenError::InvalidClient)?;
    let charge = TOKEN_QUOTA.charge(id.as_str(), now);
    if !store.charge_token(&charge).await? {
        return Err(TokenError::Throttled {
            retry_after: charge.retry_after(now),
        });
    }
    let client = store
        .client(&id)
        .await?
        .filter(|c| secret.matches(&c.secret_hash))
        .ok_or(TokenError::InvalidClient)?;
    if let Some(asked) = request.scope.as_deref() {
        let asked = Scopes::parse_space_separated(asked).ok_or(TokenError::InvalidScope)?;
        if !asked.iter().all(|s| client.scopes.contains(s)) {
            return Err(TokenError::InvalidScope);
        }
    }
    let token = users
        .client_token(&ApiClient::user_email(&client.id), &secret)
        .await?
        .ok_or(TokenError::InvalidClient)?;
    Ok(IssuedToken {
        access_token: token.token,
        token_type: "Bearer",
        expires_in: token.expires_in,
        scope: client.scopes.to_space_separated(),
    })
}
