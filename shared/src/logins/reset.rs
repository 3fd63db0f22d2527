//! A forgotten password, reset by the login itself from a link sent to its address.
//!
//! Asking is answered the same way and with the same work for every address: the request is
//! counted against its quotas and stored, nothing else. Whether the address belongs to a login
//! that may reset its password is decided later, off the request's path, when the table's
//! stream hands the request to the notifier ([`issue_password_reset`]); so neither the status
//! nor the time of the answer tells an address with a login from one without.

use super::invitations::{Accepted, link_write_failed};
use super::{LinkClaim, Login, LoginAndAccount, LoginStatus, LoginStoreError};
use crate::audit::{AuditActor, AuditEntry};
use crate::customers::Customer;
use crate::domain::{Email, FieldError, Timestamp, Validator};
use crate::error::Unexpected;
use crate::identity::{Identity, IdentityError, InitialPassword};
use crate::ids::{CustomerId, LoginId};
use crate::outbox::{EmailMessage, Mailroom, OutboxItem};
use crate::seal::{Sealer, Secret};
use crate::secret::{LinkToken, POLICY};
use crate::throttle::{Charge, Quota};
use serde::Deserialize;
use serde_json::json;

/// How long a reset link works.
pub const RESET_LINK_SECONDS: i64 = 3600;

/// Requests for one address: enough for a person who mistyped or lost the email, too few to
/// flood anyone's mailbox.
pub const PER_ADDRESS: Quota = Quota {
    scope: "reset-address",
    limit: 5,
    window_seconds: 3600,
};

/// Requests from one source address: an office behind one NAT, not a script trying addresses.
pub const PER_SOURCE: Quota = Quota {
    scope: "reset-source",
    limit: 50,
    window_seconds: 3600,
};

/// Body of `POST /password-resets`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequestBody {
    pub email: String,
}

/// Body of `POST /password-resets/{token}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPasswordBody {
    pub password: String,
}

/// A request for a reset link, kept until the notifier has looked at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetRequest {
    pub request_id: String,
    pub email: Email,
    pub requested_at: Timestamp,
}

/// A reset link's record, keyed by its token's hash; the token itself is only in the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    pub token_hash: String,
    pub login_id: LoginId,
    pub customer_id: CustomerId,
    /// The address the link was sent to; the link is void once the login signs in with another.
    pub email: Email,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    pub used: bool,
    /// The use that holds the link while it changes the password.
    pub claim: Option<LinkClaim>,
}

/// What looking at one request writes: the request marked handled, and for a login that may
/// reset its password, the link's record and its email.
#[derive(Debug)]
pub struct ResetIssue {
    pub request: ResetRequest,
    pub link: Option<(PasswordReset, OutboxItem)>,
}

/// What a used link writes: the link spent (if still held by this use) and the audit entry.
#[derive(Debug)]
pub struct ResetSpend {
    pub reset: PasswordReset,
    pub audit: AuditEntry,
}

/// Why a request was not stored.
#[derive(Debug, thiserror::Error)]
pub enum ResetRequestStoreError {
    /// The charge at this position would go over its quota.
    #[error("over the quota")]
    OverQuota(usize),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Reset requests, their quotas and the links they lead to.
#[async_trait::async_trait]
pub trait PasswordResetStore: Send + Sync {
    /// Stores the request and counts every charge, all or none.
    async fn request_reset(
        &self,
        r: &ResetRequest,
        charges: &[Charge],
    ) -> Result<(), ResetRequestStoreError>;
    /// The request, while it is not handled yet.
    async fn reset_request(&self, id: &str) -> Result<Option<ResetRequest>, Unexpected>;
    /// The login that signs in with `email`, and its account.
    async fn login_by_email(&self, email: &Email) -> Result<LoginAndAccount, Unexpected>;
    /// Writes the request handled with its link, all or none; `Stale` when it was handled.
    async fn issue_reset(&self, i: &ResetIssue) -> Result<(), LoginStoreError>;
    async fn password_reset(&self, token_hash: &str) -> Result<Option<PasswordReset>, Unexpected>;
    /// Takes an unused, unexpired link for one use; `Stale` when it is used, expired or held
    /// by a use whose claim is not abandoned.
    async fn claim_reset(
        &self,
        r: &PasswordReset,
        claim: &LinkClaim,
    ) -> Result<(), LoginStoreError>;
    /// Gives the link back after a failed use.
    async fn release_reset(&self, r: &PasswordReset, claim: &LinkClaim) -> Result<(), Unexpected>;
    /// Spends the link, if this use still holds it.
    async fn spend_reset(&self, s: &ResetSpend) -> Result<(), LoginStoreError>;
}

#[derive(Debug, thiserror::Error)]
pub enum ResetRequestError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("too many requests; try again in {retry_after} s")]
    Throttled { retry_after: u32 },
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// `POST /password-resets`: counts the request against the address's and the source's quotas
/// and stores it for the notifier. The answer is the same whether or not a login signs in with
/// the address.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset<S: PasswordResetStore>(
    store: &S,
    body: ResetRequestBody,
    source: std::net::IpAddr,
) -> Result<(), ResetRequestError> {
    let email = Email::parse(&body.email)
        .map_err(|e| ResetRequestError::Invalid(vec![FieldError::new("email", e.to_string())]))?;
    let now = Timestamp::now();
    let charges = [
        PER_ADDRESS.charge(email.as_str(), now),
        PER_SOURCE.charge(&source.to_string(), now),
    ];
    let request = ResetRequest {
        request_id: uuid::Uuid::now_v7().simple().to_string(),
        email,
        requested_at: now,
    };
    match store.request_reset(&request, &charges).await {
        Ok(()) => Ok(()),
        Err(ResetRequestStoreError::OverQuota(at)) => Err(ResetRequestError::Throttled {
            retry_after: charges.get(at).map_or(60, |c| c.retry_after(now)),
        }),
        Err(ResetRequestStoreError::Unexpected(u)) => Err(u.into()),
    }
}

/// What the notifier did with a reset request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetOutcome {
    /// A link was written to the outbox.
    LinkSent,
    /// No login may reset its password with this address: nothing is sent.
    NoLogin,
    /// The request was handled before (the stream delivers at least once).
    AlreadyHandled,
}

/// Whether `login` of `customer` may reset its password by email: an active login with its
/// user, of an account that is not closed.
fn may_reset(login: &Login, customer: Option<&Customer>) -> bool {
    login.status == LoginStatus::Active
        && login.cognito_sub.is_some()
        && customer.is_some_and(|c| !c.is_deleted())
}

/// The notifier's part: looks the request's address up and, for an active login of an open
/// account, writes a single-use link valid [`RESET_LINK_SECONDS`] and its email; the request
/// is marked handled in the same transaction, so a redelivered record sends nothing twice.
#[tracing::instrument(skip_all, fields(request_id = %request_id))]
pub async fn issue_password_reset<S: PasswordResetStore, K: Sealer>(
    store: &S,
    mailroom: &Mailroom<K>,
    request_id: &str,
) -> Result<ResetOutcome, Unexpected> {
    let Some(request) = store.reset_request(request_id).await? else {
        return Ok(ResetOutcome::AlreadyHandled);
    };
    let now = Timestamp::now();
    let (login, customer) = store.login_by_email(&request.email).await?;
    let found = login
        .zip(customer)
        .filter(|(l, c)| may_reset(l, Some(c)) && l.email == request.email);
    let link = match found {
        Some((login, customer)) => {
            let token = LinkToken::generate();
            let reset = PasswordReset {
                token_hash: token.hash(),
                login_id: login.login_id.clone(),
                customer_id: customer.customer_id.clone(),
                email: login.email.clone(),
                expires_at: now.plus_seconds(RESET_LINK_SECONDS),
                created_at: now,
                used: false,
                claim: None,
            };
            let message = EmailMessage::PasswordResetLink {
                login_name: login.name.as_str().to_owned(),
                customer_name: customer.name.as_str().to_owned(),
                reset_url: Secret::new(mailroom.portal.reset_url(&token)),
                expires_at: reset.expires_at.to_string(),
            };
            let mail = mailroom.letter(login.email.clone(), message, now).await?;
            Some((reset, mail))
        }
        None => None,
    };
    let outcome = if link.is_some() {
        ResetOutcome::LinkSent
    } else {
        ResetOutcome::NoLogin
    };
    match store.issue_reset(&ResetIssue { request, link }).await {
        Ok(()) => Ok(outcome),
        Err(LoginStoreError::Stale) => Ok(ResetOutcome::AlreadyHandled),
        Err(e) => Err(Unexpected::caused_by("issuing a reset link failed", e)),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordResetError {
    #[error("no such reset link")]
    NotFound,
    #[error("this reset link was already used or has expired")]
    Gone,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// What the reset page shows before the new password is chosen.
#[derive(Debug, serde::Serialize)]
pub struct ResetPreview {
    pub email: Email,
    pub expires_at: Timestamp,
}

/// The link of `token`, if it can still be used at `now`.
async fn usable_reset<S: PasswordResetStore>(
    store: &S,
    token: &LinkToken,
    now: Timestamp,
) -> Result<PasswordReset, PasswordResetError> {
    let reset = store
        .password_reset(&token.hash())
        .await?
        .ok_or(PasswordResetError::NotFound)?;
    if reset.used || reset.expires_at <= now {
        return Err(PasswordResetError::Gone);
    }
    Ok(reset)
}

/// `GET /password-resets/{token}`: which address the link is for and until when it works.
pub async fn preview_password_reset<S: PasswordResetStore>(
    store: &S,
    token: &LinkToken,
) -> Result<ResetPreview, PasswordResetError> {
    let reset = usable_reset(store, token, Timestamp::now()).await?;
    Ok(ResetPreview {
        email: reset.email,
        expires_at: reset.expires_at,
    })
}

/// `POST /password-resets/{token}`: sets the new password and ends every session of the login
/// (its refresh tokens stop working); the link is spent. The link is claimed first, so of
/// concurrent uses one sets the password; a failure before the link is spent gives it back.
#[tracing::instrument(skip_all)]
pub async fn complete_password_reset<S, I>(
    store: &S,
    identity: &I,
    token: &LinkToken,
    body: NewPasswordBody,
) -> Result<Accepted, PasswordResetError>
where
    S: PasswordResetStore + super::LoginStore,
    I: Identity,
{
    let mut v = Validator::default();
    v.check("password", POLICY.check(&body.password));
    v.finish(|| ()).map_err(PasswordResetError::Invalid)?;
    let now = Timestamp::now();
    let reset = usable_reset(store, token, now).await?;
    let (login, customer) = store
        .login_and_customer(&reset.login_id, &reset.customer_id)
        .await?;
    let login = login
        .filter(|l| may_reset(l, customer.as_ref()) && l.email == reset.email)
        .ok_or(PasswordResetError::Gone)?;
    let claim = LinkClaim::new(now);
    if let Err(e) = store.claim_reset(&reset, &claim).await {
        return Err(link_write_failed(
            e,
            PasswordResetError::Gone,
            "claiming a reset link failed",
        ));
    }
    let release = || async {
        if let Err(e) = store.release_reset(&reset, &claim).await {
            tracing::error!(error = %e.chain(), "could not release a claimed reset link");
        }
    };
    let changed = identity
        .set_password(&login.email, InitialPassword::Permanent(body.password))
        .await;
    let signed_out = match changed {
        Ok(()) => identity
            .sign_out_everywhere(&login.email)
            .await
            .map_err(PasswordResetError::from),
        Err(IdentityError::InvalidPassword(_)) => {
            Err(PasswordResetError::Invalid(vec![FieldError::new(
                "password",
                POLICY.describe(),
            )]))
        }
        Err(e) => {
            Err(Unexpected::caused_by("setting a password from a reset link failed", e).into())
        }
    };
    if let Err(e) = signed_out {
        release().await;
        return Err(e);
    }
    let mut spent = reset.clone();
    spent.used = true;
    spent.claim = Some(claim.clone());
    let spend = ResetSpend {
        reset: spent,
        audit: AuditEntry::new(
            AuditActor::login(&login.login_id, login.email.as_str()),
            now,
            "login.password_reset_by_link",
            Some(&login.customer_id),
            json!({ "login_id": login.login_id }),
        ),
    };
    if let Err(e) = store.spend_reset(&spend).await {
        tracing::warn!("a reset link set the new password, but could not be marked used");
        release().await;
        return Err(link_write_failed(
            e,
            PasswordResetError::Gone,
            "spending a reset link failed",
        ));
    }
    Ok(Accepted::from(login))
}
