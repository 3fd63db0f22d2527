//! Customer logins: provisioned by invitation, with an emailed temporary password, or with a
//! password the admin sets; resolved from the token's `sub` on every customer request.

pub mod item;
mod manage;
mod model;
pub mod secret;

pub use manage::*;

pub use model::*;

use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::customers::{Customer, CustomerId, CustomerStatus};
use crate::domain::{Email, FieldError, Timestamp, Validator};
use crate::idempotency::{Idempotency, IdempotencyRecord, KeyReusedWithOtherRequest};
use crate::identity::{Identity, IdentityError, InitialPassword};
use crate::outbox::{EmailMessage, OutboxItem};
use crate::store::Unexpected;
use secret::{LinkToken, POLICY};
use serde::Deserialize;
use serde_json::json;

/// How long an invitation link is valid unless configured otherwise.
pub const DEFAULT_INVITATION_TTL_SECONDS: i64 = 7 * 24 * 3600;

// ---------------------------------------------------------------------------------------------
// Input.

/// Body of `POST /admin/customers/{id}/logins`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateLoginBody {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

/// How a login gets its first password.
#[derive(Debug, Clone)]
pub enum ProvisionMode {
    /// Email a single-use link to choose one (the default: the secret never passes an admin).
    Invite,
    /// Email a generated temporary password, to change at first sign-in.
    TemporaryPassword,
    /// The admin sets it and tells the person; no email.
    Password(String),
}

/// A validated new login.
#[derive(Debug, Clone)]
pub struct NewLogin {
    pub name: LoginName,
    pub email: Email,
    pub mode: ProvisionMode,
}

impl TryFrom<CreateLoginBody> for NewLogin {
    type Error = Vec<FieldError>;

    fn try_from(body: CreateLoginBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let name = v.check("name", LoginName::parse(&body.name));
        let email = v.check("email", Email::parse(&body.email));
        let mode = match (body.mode.as_deref().unwrap_or("invite"), body.password) {
            ("invite", None) => Some(ProvisionMode::Invite),
            ("temporary_password", None) => Some(ProvisionMode::TemporaryPassword),
            ("password", Some(p)) => v
                .check("password", POLICY.check(&p))
                .map(|()| ProvisionMode::Password(p)),
            ("password", None) => {
                v.push("password", "is required when mode is password");
                None
            }
            ("invite" | "temporary_password", Some(_)) => {
                v.push("password", "is only accepted when mode is password");
                None
            }
            _ => {
                v.push("mode", "must be invite, temporary_password or password");
                None
            }
        };
        v.finish(|| NewLogin {
            name: name.expect("checked"),
            email: email.expect("checked"),
            mode: mode.expect("checked"),
        })
    }
}

/// Body of `POST /invitations/{token}/accept`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Ports.

/// Everything one provisioning writes, in one transaction.
#[derive(Debug)]
pub struct Provisioning {
    pub login: Login,
    /// The customer as read, and as it becomes when its status moves on.
    pub customer: (Customer, Option<Customer>),
    pub invitation: Option<(Invitation, String)>,
    pub sub_link: Option<SubLink>,
    pub outbox: Option<OutboxItem>,
    pub audit: AuditEntry,
    pub idempotency: Option<IdempotencyRecord>,
}

/// Everything an accepted invitation writes, in one transaction.
#[derive(Debug)]
pub struct Acceptance {
    pub invitation: Invitation,
    pub claim: String,
    pub login_before: Login,
    pub login_after: Login,
    /// The new `sub` pointer; `None` when the login already had its user (a password reset).
    pub sub_link: Option<SubLink>,
    pub customer: (Customer, Option<Customer>),
    pub audit: AuditEntry,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginStoreError {
    #[error("another login has this email")]
    DuplicateEmail,
    #[error("the idempotency key was taken meanwhile")]
    KeyTaken,
    #[error("something changed meanwhile")]
    Stale,
    #[error("another write to the same items was under way")]
    Contention,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Where logins, invitations and their pointers are kept.
#[async_trait::async_trait]
pub trait LoginStore: Send + Sync {
    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected>;
    async fn login_email_taken(&self, email: &Email) -> Result<bool, Unexpected>;
    async fn provision(&self, p: &Provisioning) -> Result<(), LoginStoreError>;
    async fn invitation_by_token(&self, token_hash: &str)
    -> Result<Option<Invitation>, Unexpected>;
    /// Moves a pending invitation with this token to `accepting` under `claim`; `Stale` if it
    /// is not pending with this token and unexpired any more.
    async fn claim_invitation(
        &self,
        i: &Invitation,
        claim: &str,
        now: Timestamp,
    ) -> Result<(), LoginStoreError>;
    /// Gives a claimed invitation back to `pending`.
    async fn release_invitation(&self, i: &Invitation, claim: &str) -> Result<(), Unexpected>;
    async fn accept(&self, a: &Acceptance) -> Result<(), LoginStoreError>;
    async fn login(&self, id: &LoginId) -> Result<Option<Login>, Unexpected>;
    async fn sub_link(&self, sub: &str) -> Result<Option<SubLink>, Unexpected>;
    /// A login and its customer, read together.
    async fn login_and_customer(
        &self,
        l: &LoginId,
        c: &CustomerId,
    ) -> Result<(Option<Login>, Option<Customer>), Unexpected>;
    async fn members(&self, c: &CustomerId) -> Result<(Vec<Login>, Vec<Invitation>), Unexpected>;
    async fn invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, Unexpected>;
    async fn email_change(&self, token_hash: &str) -> Result<Option<EmailChange>, Unexpected>;
    /// Invitations still in the expiry index (pending or accepting) that expire before
    /// `now`, or are being accepted.
    async fn open_invitations(&self, now: Timestamp) -> Result<Vec<Invitation>, Unexpected>;
    /// Marks a pending invitation expired; `false` if it changed meanwhile.
    async fn expire_invitation(&self, i: &Invitation) -> Result<bool, Unexpected>;
    /// The claim id and time of an `accepting` invitation.
    async fn claim_of(&self, i: &Invitation) -> Result<Option<(String, Timestamp)>, Unexpected>;
    /// Writes one change to a login or an invitation with what rides along, all or none.
    async fn write(&self, w: &LoginWrite) -> Result<(), LoginStoreError>;
    async fn find_idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, Unexpected>;
}

// ---------------------------------------------------------------------------------------------
// Use cases.

/// Where links in emails point.
#[derive(Debug, Clone, Default)]
pub struct Portal {
    pub url: String,
    pub invitation_ttl_seconds: i64,
}

impl Portal {
    pub fn accept_url(&self, token: &LinkToken) -> String {
        format!(
            "{}/#/invite/{}",
            self.url.trim_end_matches('/'),
            token.as_str()
        )
    }

    pub fn email_change_url(&self, token: &LinkToken) -> String {
        format!(
            "{}/#/email-change/{}",
            self.url.trim_end_matches('/'),
            token.as_str()
        )
    }

    pub fn sign_in_url(&self) -> String {
        format!("{}/#/sign-in", self.url.trim_end_matches('/'))
    }
}

/// A fresh invitation for `login`, and the email that carries its link.
pub(crate) fn new_invitation(
    login: &Login,
    customer: &Customer,
    portal: &Portal,
    now: Timestamp,
) -> (Invitation, OutboxItem) {
    let token = LinkToken::generate();
    let i = Invitation {
        invitation_id: InvitationId::generate(),
        login_id: login.login_id.clone(),
        customer_id: customer.customer_id.clone(),
        email: login.email.clone(),
        status: InvitationStatus::Pending,
        expires_at: now.plus_seconds(portal.invitation_ttl_seconds),
        created_at: now,
        token_hash: token.hash(),
        claim: None,
        version: 1,
    };
    let mail = OutboxItem::new(
        login.email.clone(),
        EmailMessage::Invitation {
            login_name: login.name.as_str().to_owned(),
            customer_name: customer.name.as_str().to_owned(),
            accept_url: portal.accept_url(&token),
            expires_at: i.expires_at.to_string(),
        },
        now,
    );
    (i, mail)
}

/// A login as the API shows it, with its open invitation if it has one.
#[derive(Debug, serde::Serialize)]
pub struct Provisioned {
    #[serde(flatten)]
    pub login: Login,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation: Option<Invitation>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("no such customer")]
    CustomerNotFound,
    #[error("the customer is deleted")]
    CustomerDeleted,
    #[error("another login has this email")]
    DuplicateEmail,
    #[error("the password does not meet the policy: {0}")]
    InvalidPassword(String),
    #[error(transparent)]
    KeyReused(#[from] KeyReusedWithOtherRequest),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// The customer's next status when it gains a login in `status`.
fn advance(c: &Customer, login: LoginStatus, now: Timestamp) -> Option<Customer> {
    let next = match (c.status, login) {
        (CustomerStatus::Pending, LoginStatus::Invited) => CustomerStatus::Invited,
        (CustomerStatus::Pending | CustomerStatus::Invited, LoginStatus::Active) => {
            CustomerStatus::Active
        }
        _ => return None,
    };
    let mut after = c.clone();
    after.status = next;
    after.updated_at = now;
    after.version += 1;
    Some(after)
}

/// Gives a customer account a new login, in one of the three modes.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn provision_login<S: LoginStore, I: Identity>(
    store: &S,
    identity: &I,
    portal: &Portal,
    admin: &Principal,
    customer_id: &CustomerId,
    input: NewLogin,
    idempotency: Option<&Idempotency>,
) -> Result<crate::customers::Created<Provisioned>, ProvisionError> {
    use crate::customers::Created;
    if let Some(idem) = idempotency
        && let Some(earlier) = store.find_idempotency(idem.scope()).await?
    {
        return Ok(Created::Replayed(idem.replay(&earlier)?));
    }
    let customer = store
        .customer(customer_id)
        .await?
        .ok_or(ProvisionError::CustomerNotFound)?;
    if customer.is_deleted() {
        return Err(ProvisionError::CustomerDeleted);
    }
    if store.login_email_taken(&input.email).await? {
        return Err(ProvisionError::DuplicateEmail);
    }
    let now = Timestamp::now();
    let mut login = Login {
        login_id: LoginId::generate(),
        customer_id: customer_id.clone(),
        name: input.name,
        email: input.email,
        status: LoginStatus::Invited,
        pending_email: None,
        created_at: now,
        updated_at: now,
        last_sign_in_at: None,
        cognito_sub: None,
        version: 1,
    };
    let mode = match &input.mode {
        ProvisionMode::Invite => "invite",
        ProvisionMode::TemporaryPassword => "temporary_password",
        ProvisionMode::Password(_) => "password",
    };
    let mut invitation = None;
    let mut outbox = None;
    let mut created_user = false;
    match input.mode {
        ProvisionMode::Invite => {
            let (i, mail) = new_invitation(&login, &customer, portal, now);
            outbox = Some(mail);
            let hash = i.token_hash.clone();
            invitation = Some((i, hash));
        }
        ProvisionMode::TemporaryPassword | ProvisionMode::Password(_) => {
            let password = match input.mode {
                ProvisionMode::Password(p) => InitialPassword::Permanent(p),
                _ => InitialPassword::Temporary(POLICY.generate()),
            };
            if let InitialPassword::Temporary(p) = &password {
                outbox = Some(OutboxItem::new(
                    login.email.clone(),
                    EmailMessage::TemporaryPassword {
                        login_name: login.name.as_str().to_owned(),
                        customer_name: customer.name.as_str().to_owned(),
                        temporary_password: p.clone(),
                        sign_in_url: portal.sign_in_url(),
                    },
                    now,
                ));
            }
            let sub = identity
                .create_customer_user(
                    &login.email,
                    login.name.as_str(),
                    password,
                    &hints_of(&login, &customer),
                )
                .await
                .map_err(|e| match e {
                    IdentityError::UserExists => ProvisionError::DuplicateEmail,
                    IdentityError::InvalidPassword(m) => ProvisionError::InvalidPassword(m),
                    IdentityError::Unexpected(u) => ProvisionError::Unexpected(u),
                })?;
            created_user = true;
            login.status = LoginStatus::Active;
            login.cognito_sub = Some(sub);
        }
    }
    let sub_link = login.cognito_sub.as_ref().map(|sub| SubLink {
        sub: sub.clone(),
        login_id: login.login_id.clone(),
        customer_id: customer_id.clone(),
        status: login.status,
    });
    let view = Provisioned {
        login: login.clone(),
        invitation: invitation.as_ref().map(|(i, _)| i.clone()),
    };
    let provisioning = Provisioning {
        customer: (customer.clone(), advance(&customer, login.status, now)),
        audit: AuditEntry::by_admin(
            admin,
            now,
            "login.created",
            Some(customer_id),
            json!({ "login_id": login.login_id, "email": login.email, "mode": mode }),
        ),
        login,
        invitation,
        sub_link,
        outbox,
        idempotency: idempotency
            .map(|i| i.record(201, serde_json::to_string(&view).expect("serialises"), now)),
    };
    let result = store.provision(&provisioning).await;
    if result.is_err() && created_user {
        if let Err(undo) = identity.delete_user(&provisioning.login.email).await {
            tracing::error!(error = %undo, "could not undo the Cognito user of a failed provisioning");
        }
    }
    match result {
        Ok(()) => Ok(Created::New(view)),
        Err(LoginStoreError::DuplicateEmail) => Err(ProvisionError::DuplicateEmail),
        Err(LoginStoreError::KeyTaken) => {
            let idem = idempotency.expect("a key was taken only if one was given");
            match store.find_idempotency(idem.scope()).await? {
                Some(earlier) => Ok(Created::Replayed(idem.replay(&earlier)?)),
                None => Err(Unexpected::new("idempotency record vanished").into()),
            }
        }
        Err(e) => Err(Unexpected::new(e).into()),
    }
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
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

async fn usable_invitation<S: LoginStore>(
    store: &S,
    token: &LinkToken,
    now: Timestamp,
) -> Result<Invitation, InvitationError> {
    let i = store
        .invitation_by_token(&token.hash())
        .await?
        .ok_or(InvitationError::NotFound)?;
    if i.status != InvitationStatus::Pending || i.token_hash != token.hash() || i.is_expired(now) {
        return Err(InvitationError::Gone);
    }
    Ok(i)
}

/// What an invitation link is for, before the person chooses a password.
pub async fn preview_invitation<S: LoginStore>(
    store: &S,
    token: &LinkToken,
) -> Result<InvitationPreview, InvitationError> {
    let i = usable_invitation(store, token, Timestamp::now()).await?;
    let (login, customer) = store
        .login_and_customer(&i.login_id, &i.customer_id)
        .await?;
    let (login, customer) = login.zip(customer).ok_or(InvitationError::NotFound)?;
    if customer.is_deleted() {
        return Err(InvitationError::Gone);
    }
    Ok(InvitationPreview {
        customer_name: customer.name.as_str().to_owned(),
        email: i.email,
        login_name: login.name.as_str().to_owned(),
        expires_at: i.expires_at,
    })
}

/// What a login's Cognito user carries so its requests can read everything in one go.
fn hints_of(login: &Login, customer: &Customer) -> crate::actor::Hints {
    crate::actor::Hints {
        login_id: Some(login.login_id.as_str().to_owned()),
        customer_id: Some(customer.customer_id.as_str().to_owned()),
        tier_id: customer
            .price_tier_id
            .as_ref()
            .map(|t| t.as_str().to_owned()),
    }
}

/// The login an invitation activated.
#[derive(Debug, serde::Serialize)]
pub struct Accepted {
    pub login_id: LoginId,
    pub email: Email,
}

/// Spends an invitation: creates the Cognito user with the chosen password and activates the
/// login. Of concurrent accepts of one token exactly one wins; a failure at any step leaves
/// the invitation usable and no Cognito user behind.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation<S: LoginStore, I: Identity>(
    store: &S,
    identity: &I,
    token: &LinkToken,
    body: AcceptBody,
) -> Result<Accepted, InvitationError> {
    let mut v = Validator::default();
    let name = body
        .name
        .as_deref()
        .and_then(|n| v.check("name", LoginName::parse(n)));
    v.check("password", POLICY.check(&body.password));
    v.finish(|| ()).map_err(InvitationError::Invalid)?;

    let now = Timestamp::now();
    let invitation = usable_invitation(store, token, now).await?;
    let (login, customer) = store
        .login_and_customer(&invitation.login_id, &invitation.customer_id)
        .await?;
    let (login, customer) = login.zip(customer).ok_or(InvitationError::NotFound)?;
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
        Err(e) => return Err(Unexpected::new(e).into()),
    }
    let release = || async {
        if let Err(e) = store.release_invitation(&invitation, &claim).await {
            tracing::error!(error = %e, "could not release a claimed invitation");
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
        _ => {
            identity
                .create_customer_user(
                    &login.email,
                    login_after.name.as_str(),
                    password,
                    &hints_of(&login, &customer),
                )
                .await
        }
    };
    let sub = match created {
        Ok(sub) => sub,
        Err(e) => {
            release().await;
            return Err(match e {
                IdentityError::UserExists => InvitationError::UserExists,
                IdentityError::InvalidPassword(m) => InvitationError::InvalidPassword(m),
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
        audit: AuditEntry::by_login(
            login.login_id.as_str(),
            login.email.as_str(),
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
            tracing::error!(error = %undo, "could not undo the Cognito user of a failed acceptance");
        }
        release().await;
        return Err(match e {
            LoginStoreError::Stale => InvitationError::Gone,
            other => Unexpected::new(other).into(),
        });
    }
    Ok(Accepted {
        login_id: login.login_id,
        email: login.email,
    })
}

/// A customer request's caller, resolved and checked.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub login: Login,
    pub customer: Customer,
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("this login is not known")]
    UnknownLogin,
    #[error("this login is disabled")]
    Disabled,
    #[error("this customer account is deleted")]
    CustomerDeleted,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// The login behind a customer token, refused if it is disabled or deleted or its customer is
/// deleted — even while the token itself is still valid.
pub async fn resolve_login<S: LoginStore>(
    store: &S,
    principal: &Principal,
) -> Result<SignedIn, ResolveError> {
    let link = store
        .sub_link(&principal.sub)
        .await?
        .ok_or(ResolveError::UnknownLogin)?;
    if link.status != LoginStatus::Active {
        return Err(ResolveError::Disabled);
    }
    let (login, customer) = store
        .login_and_customer(&link.login_id, &link.customer_id)
        .await?;
    let (login, customer) = login.zip(customer).ok_or(ResolveError::UnknownLogin)?;
    if login.status != LoginStatus::Active {
        return Err(ResolveError::Disabled);
    }
    if customer.is_deleted() {
        return Err(ResolveError::CustomerDeleted);
    }
    Ok(SignedIn { login, customer })
}

#[derive(Debug, thiserror::Error)]
pub enum ListLoginsError {
    #[error("no such customer")]
    CustomerNotFound,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// A customer's logins and invitations, oldest first.
pub async fn list_logins<S: LoginStore>(
    store: &S,
    customer_id: &CustomerId,
) -> Result<(Vec<Login>, Vec<Invitation>), ListLoginsError> {
    let (_, logins, invitations) = customer_with_logins(store, customer_id).await?;
    Ok((logins, invitations))
}

/// A customer with its logins and invitations (oldest first): the admin's customer page.
pub async fn customer_with_logins<S: LoginStore>(
    store: &S,
    customer_id: &CustomerId,
) -> Result<(Customer, Vec<Login>, Vec<Invitation>), ListLoginsError> {
    let customer = store
        .customer(customer_id)
        .await?
        .ok_or(ListLoginsError::CustomerNotFound)?;
    let (logins, invitations) = store.members(customer_id).await?;
    Ok((customer, logins, invitations))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: serde_json::Value) -> Result<NewLogin, Vec<FieldError>> {
        NewLogin::try_from(serde_json::from_value::<CreateLoginBody>(v).unwrap())
    }

    #[test]
    fn invite_is_the_default_mode() {
        let l = body(json!({"name": "Ann", "email": "ann@x.example"})).unwrap();
        assert!(matches!(l.mode, ProvisionMode::Invite));
    }

    #[test]
    fn a_password_goes_only_with_mode_password_and_must_meet_the_policy() {
        let e = body(json!({"name": "Ann", "email": "ann@x.example", "mode": "password", "password": "weak"})).unwrap_err();
        assert_eq!(e[0].field, "password");
        assert!(e[0].message.contains("at least 10"));
        let e = body(json!({"name": "Ann", "email": "ann@x.example", "mode": "invite", "password": "Strong-pass-1"})).unwrap_err();
        assert_eq!(e[0].field, "password");
        let e =
            body(json!({"name": "Ann", "email": "ann@x.example", "mode": "password"})).unwrap_err();
        assert_eq!(e[0].field, "password");
        let e = body(json!({"name": "", "email": "x", "mode": "magic"})).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "mode"]);
    }
}
