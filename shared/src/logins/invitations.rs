//! An invitation's public link, previewed and accepted (the person chooses a password), and
//! housekeeping's pass that expires invitations and recovers an accept that crashed half-way.
//! An admin's resend and revoke are in `manage`.

use super::provision::{advance, create_user};
use super::{
    Acceptance, InvitationLink, InvitationStatus, InvitationStore, Login, LoginName, LoginStatus,
    LoginStore, LoginStoreError, SubLink,
};
use crate::audit::{AuditActor, AuditEntry};
use crate::domain::{Email, FieldError, Timestamp, Validator};
use crate::error::Unexpected;
use crate::identity::{Identity, IdentityError, InitialPassword};
use crate::ids::LoginId;
use crate::secret::{LinkToken, POLICY};
use serde::Deserialize;
use serde_json::json;

/// Body of `POST /invitations/{token}/accept`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    pub password: String,
    pub name: Option<String>,
}

/// What the public invitation page shows.
#[derive(Debug, serde::Serialize)]
pub struct InvitationPreview {
    pub customer_name: String,
    pub email: Email,
    pub login_name: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum InvitationError {
    #[error("no such invitation")]
    NotFound,
    #[error("this invitation was already used, revoked, or has expired")]
    Gone,
    #[error("the password does not meet the policy: {0}")]
    InvalidPassword(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("a login with this email already exists")]
    UserExists,
    /// The user pool refused the login's address, stored before the address rule was as strict
    /// as the pool (its message is kept for the log).
    #[error("the user pool refused the login's address: {0}")]
    EmailRefused(String),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// The invitation of `token` with its login and account, if the link can still be used.
async fn usable_invitation<S: InvitationStore>(
    store: &S,
    token: &LinkToken,
    now: Timestamp,
) -> Result<InvitationLink, InvitationError> {
    let link = store
        .invitation_by_token(&token.hash())
        .await?
        .ok_or(InvitationError::NotFound)?;
    let i = &link.invitation;
    if i.status != InvitationStatus::Pending || i.token_hash != token.hash() || i.is_expired(now) {
        return Err(InvitationError::Gone);
    }
    Ok(link)
}

/// What an invitation link is for, before the person chooses a password.
pub async fn preview_invitation<S: InvitationStore>(
    store: &S,
    token: &LinkToken,
) -> Result<InvitationPreview, InvitationError> {
    let link = usable_invitation(store, token, Timestamp::now()).await?;
    let (login, customer) = link
        .login
        .zip(link.customer)
        .ok_or(InvitationError::NotFound)?;
    if customer.is_deleted() {
        return Err(InvitationError::Gone);
    }
    Ok(InvitationPreview {
        customer_name: customer.name.as_str().to_owned(),
        email: link.invitation.email,
        login_name: login.name.as_str().to_owned(),
        expires_at: link.invitation.expires_at,
    })
}

/// The login a link activated, or whose address it confirmed.
#[derive(Debug, serde::Serialize)]
pub struct Accepted {
    pub login_id: LoginId,
    pub email: Email,
}

impl From<Login> for Accepted {
    fn from(l: Login) -> Self {
        Self {
            login_id: l.login_id,
            email: l.email,
        }
    }
}

/// A link's last write failed. `Stale` means another use of the same link won the race, so
/// for this one the link is `gone`; anything else is unexpected.
pub(super) fn link_write_failed<E: From<Unexpected>>(
    e: LoginStoreError,
    gone: E,
    what: &'static str,
) -> E {
    match e {
        LoginStoreError::Stale => gone,
        other => Unexpected::caused_by(what, other).into(),
    }
}

/// Spends an invitation: creates the Cognito user with the chosen password and activates the
/// login. Of concurrent accepts of one token exactly one wins; a failure at any step leaves
/// the invitation usable and no Cognito user behind.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation<S: InvitationStore, I: Identity>(
    store: &S,
    identity: &I,
    token: &LinkToken,
    body: AcceptBody,
) -> Result<Accepted, InvitationError> {
    let mut v = Validator::default();
    let name = v.optional("name", body.name.as_deref(), LoginName::parse);
    v.check("password", POLICY.check(&body.password));
    v.finish(|| ()).map_err(InvitationError::Invalid)?;

    let now = Timestamp::now();
    let link = usable_invitation(store, token, now).await?;
    let invitation = link.invitation;
    let (login, customer) = link
        .login
        .zip(link.customer)
        .ok_or(InvitationError::NotFound)?;
    let resetting = login.status == LoginStatus::Active && login.cognito_sub.is_some();
    if customer.is_deleted() || !(login.status == LoginStatus::Invited || resetting) {
        return Err(InvitationError::Gone);
    }
    let claim = uuid::Uuid::new_v4().simple().to_string();
    match store.claim_invitation(&invitation, &claim, now).await {
        Ok(()) => {}
        Err(LoginStoreError::Stale | LoginStoreError::Contention) => {
            return Err(InvitationError::Gone);
        }
        Err(e) => return Err(Unexpected::caused_by("claiming an invitation failed", e).into()),
    }
    let release = || async {
        if let Err(e) = store.release_invitation(&invitation, &claim).await {
            tracing::error!(error = %e.chain(), "could not release a claimed invitation");
        }
    };
    let mut login_after = login.clone();
    if let Some(n) = name {
        login_after.name = n;
    }
    let password = InitialPassword::Permanent(body.password);
    let created = match &login.cognito_sub {
        Some(sub) if resetting => identity
            .set_password(&login.email, password)
            .await
            .map(|()| sub.clone()),
        _ => create_user(identity, &login_after, &customer, password).await,
    };
    let sub = match created {
        Ok(sub) => sub,
        Err(e) => {
            release().await;
            return Err(match e {
                IdentityError::UserExists => InvitationError::UserExists,
                IdentityError::InvalidPassword(m) => InvitationError::InvalidPassword(m),
                IdentityError::EmailRefused(m) => InvitationError::EmailRefused(m),
                IdentityError::Unexpected(u) => InvitationError::Unexpected(u),
            });
        }
    };
    login_after.status = LoginStatus::Active;
    login_after.cognito_sub = Some(sub.clone());
    login_after.updated_at = now;
    login_after.version += 1;
    let acceptance = Acceptance {
        sub_link: (!resetting).then(|| SubLink {
            sub,
            login_id: login.login_id.clone(),
            customer_id: customer.customer_id.clone(),
            status: LoginStatus::Active,
        }),
        customer: (
            customer.clone(),
            advance(&customer, LoginStatus::Active, now),
        ),
        audit: AuditEntry::new(
            AuditActor::login(&login.login_id, login.email.as_str()),
            now,
            "invitation.accepted",
            Some(&customer.customer_id),
            json!({ "invitation_id": invitation.invitation_id }),
        ),
        invitation: invitation.clone(),
        claim: claim.clone(),
        login_before: login.clone(),
        login_after,
    };
    if let Err(e) = store.accept(&acceptance).await {
        if resetting {
            tracing::warn!(
                "a reset link set the new password, but its invitation could not be marked used"
            );
        } else if let Err(undo) = identity.delete_user(&login.email).await {
            tracing::error!(error = %undo.chain(), "could not undo the Cognito user of a failed acceptance");
        }
        release().await;
        let failed = "accepting an invitation failed";
        return Err(link_write_failed(e, InvitationError::Gone, failed));
    }
    Ok(Accepted::from(login))
}

/// What one housekeeping pass over invitations did.
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct InvitationSweep {
    pub expired: usize,
    pub released: usize,
}

/// How long an accept may hold an invitation before housekeeping assumes it crashed.
pub const CLAIM_LEASE_SECONDS: i64 = 5 * 60;

/// Marks invitations past their expiry `expired`, and gives back invitations an accept claimed
/// but never finished (it crashed between Cognito and the table): the orphan Cognito user of
/// the still-invited login is removed first, so the link works again.
#[tracing::instrument(skip_all)]
pub async fn sweep_invitations<S: LoginStore + InvitationStore, I: Identity>(
    store: &S,
    identity: &I,
    now: Timestamp,
) -> Result<InvitationSweep, Unexpected> {
    let mut sweep = InvitationSweep::default();
    for i in store.open_invitations(now).await? {
        match i.status {
            InvitationStatus::Pending if i.is_expired(now) => {
                sweep.expired += usize::from(store.expire_invitation(&i).await?);
            }
            InvitationStatus::Accepting => {
                let Some((claim, claimed_at)) = store.claim_of(&i).await? else {
                    continue;
                };
                if claimed_at.plus_seconds(CLAIM_LEASE_SECONDS) > now {
                    continue;
                }
                let login = store.login(&i.login_id).await?;
                if login.is_some_and(|l| l.status == LoginStatus::Invited) {
                    identity.delete_user(&i.email).await?;
                }
                store.release_invitation(&i, &claim).await?;
                sweep.released += 1;
            }
            _ => {}
        }
    }
    Ok(sweep)
}
