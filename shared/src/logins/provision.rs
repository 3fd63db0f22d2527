//! Giving a customer account a new login: by invitation, with an emailed temporary password,
//! or with a password the admin sets.

use super::{
    Invitation, InvitationStatus, Login, LoginName, LoginStatus, LoginStore, LoginStoreError,
    Provisioning, SubLink,
};
use crate::actor::{Hints, Principal};
use crate::audit::AuditEntry;
use crate::customers::{ClosedAccount, Customer, CustomerStatus, CustomerStore, open_account};
use crate::domain::{Email, FieldError, Timestamp, Validator};
use crate::error::Unexpected;
use crate::idempotency::{
    self, Idempotency, IdempotencyStore, KeyReusedWithOtherRequest, Refused, Written,
};
use crate::identity::{Identity, IdentityError, InitialPassword, NewUser};
use crate::ids::{CustomerId, InvitationId, LoginId};
use crate::outbox::{EmailMessage, Mailroom, OutboxItem};
use crate::seal::{Sealer, Secret};
use crate::secret::{LinkToken, POLICY};
use serde::Deserialize;
use serde_json::json;

/// Body of `POST /admin/customers/{id}/logins`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateLoginBody {
    pub name: String,
    pub email: String,
    pub mode: Option<String>,
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

impl ProvisionMode {
    fn as_str(&self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::TemporaryPassword => "temporary_password",
            Self::Password(_) => "password",
        }
    }
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
    #[error(transparent)]
    Account(#[from] ClosedAccount),
    #[error("another login has this email")]
    DuplicateEmail,
    #[error("the password does not meet the policy: {0}")]
    InvalidPassword(String),
    /// The user pool refused the address (its message is kept for the log).
    #[error("the user pool refused the address: {0}")]
    EmailRefused(String),
    #[error(transparent)]
    KeyReused(#[from] KeyReusedWithOtherRequest),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// The customer's next status when it gains a login in `status`.
pub(super) fn advance(c: &Customer, login: LoginStatus, now: Timestamp) -> Option<Customer> {
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

/// Creates `login`'s user in the pool. Its tokens carry the login, the account and its tier
/// as hints, so that a request can be served on one read.
pub(super) async fn create_user<I: Identity>(
    identity: &I,
    login: &Login,
    customer: &Customer,
    password: InitialPassword,
) -> Result<String, IdentityError> {
    let hints = Hints {
        login_id: Some(login.login_id.as_str().to_owned()),
        customer_id: Some(customer.customer_id.as_str().to_owned()),
        tier_id: customer
            .price_tier_id
            .as_ref()
            .map(|t| t.as_str().to_owned()),
    };
    identity
        .create_customer_user(NewUser {
            email: &login.email,
            name: login.name.as_str(),
            password,
            hints: &hints,
        })
        .await
}

/// A fresh invitation for `login`, and the email that carries its link (sealed).
pub(super) async fn new_invitation<K: Sealer>(
    login: &Login,
    customer: &Customer,
    mailroom: &Mailroom<K>,
    now: Timestamp,
) -> Result<(Invitation, OutboxItem), Unexpected> {
    let token = LinkToken::generate();
    let i = Invitation {
        invitation_id: InvitationId::generate(),
        login_id: login.login_id.clone(),
        customer_id: customer.customer_id.clone(),
        email: login.email.clone(),
        status: InvitationStatus::Pending,
        expires_at: now.plus_seconds(mailroom.portal.invitation_ttl_seconds),
        created_at: now,
        token_hash: token.hash(),
        claim: None,
        version: 1,
    };
    let mail = invitation_mail(&i, &token, login, customer, mailroom, now).await?;
    Ok((i, mail))
}

/// The email that carries the link of invitation `i` to its login, the link sealed.
pub(super) async fn invitation_mail<K: Sealer>(
    i: &Invitation,
    token: &LinkToken,
    login: &Login,
    customer: &Customer,
    mailroom: &Mailroom<K>,
    now: Timestamp,
) -> Result<OutboxItem, Unexpected> {
    mailroom
        .letter(
            i.email.clone(),
            EmailMessage::Invitation {
                login_name: login.name.as_str().to_owned(),
                customer_name: customer.name.as_str().to_owned(),
                accept_url: Secret::new(mailroom.portal.accept_url(token)),
                expires_at: i.expires_at.to_string(),
            },
            now,
        )
        .await
}

/// Gives a customer account a new login, in one of the three modes. A Cognito user made for a
/// login whose write then fails is removed again; an emailed secret is sealed before the user
/// is made, so a key service that fails leaves no user behind.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn provision_login<S, I, K>(
    store: &S,
    identity: &I,
    mailroom: &Mailroom<K>,
    admin: &Principal,
    customer_id: &CustomerId,
    input: NewLogin,
    idempotency: Option<&Idempotency>,
) -> Result<Written<Provisioned>, ProvisionError>
where
    S: LoginStore + CustomerStore + IdempotencyStore,
    I: Identity,
    K: Sealer,
{
    if let Some(first) = idempotency::replay_of::<_, ProvisionError>(store, idempotency).await? {
        return Ok(Written::Replayed(first));
    }
    let customer = open_account::<_, ProvisionError>(store, customer_id).await?;
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
    let mode = input.mode.as_str();
    let mut invitation = None;
    let mut outbox = None;
    let mut created_user = false;
    match input.mode {
        ProvisionMode::Invite => {
            let (i, mail) = new_invitation(&login, &customer, mailroom, now).await?;
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
                let message = EmailMessage::TemporaryPassword {
                    login_name: login.name.as_str().to_owned(),
                    customer_name: customer.name.as_str().to_owned(),
                    temporary_password: Secret::new(p.as_str()),
                    sign_in_url: mailroom.portal.sign_in_url(),
                };
                outbox = Some(mailroom.letter(login.email.clone(), message, now).await?);
            }
            let sub = create_user(identity, &login, &customer, password)
                .await
                .map_err(|e| match e {
                    IdentityError::UserExists => ProvisionError::DuplicateEmail,
                    IdentityError::InvalidPassword(m) => ProvisionError::InvalidPassword(m),
                    IdentityError::EmailRefused(m) => ProvisionError::EmailRefused(m),
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
        idempotency: idempotency.map(|i| i.created(&view, now)),
    };
    let written = &provisioning;
    let result = idempotency::write_once(store, idempotency, || async move {
        match store.provision(written).await {
            Ok(()) => Ok(()),
            Err(LoginStoreError::DuplicateEmail) => {
                Err(Refused::Condition(ProvisionError::DuplicateEmail))
            }
            Err(LoginStoreError::KeyTaken) => Err(Refused::KeyTaken),
            Err(LoginStoreError::Contention) => Err(Refused::Contended),
            Err(e) => Err(Refused::Failed(unexpected(e).into())),
        }
    })
    .await;
    if created_user && !matches!(result, Ok(Written::New(()))) {
        if let Err(undo) = identity.delete_user(&provisioning.login.email).await {
            tracing::error!(error = %undo.chain(), "could not undo the Cognito user of a failed provisioning");
        }
    }
    Ok(match result? {
        Written::New(()) => Written::New(view),
        Written::Replayed(first) => Written::Replayed(first),
    })
}

/// A login store's refusal that the use case did not expect.
pub(super) fn unexpected(e: LoginStoreError) -> Unexpected {
    match e {
        LoginStoreError::Unexpected(u) => u,
        other => Unexpected::caused_by("the login store refused a write", other),
    }
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
