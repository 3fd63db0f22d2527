//! A login changing its own name, password and sign-in address (`/me`). Credentials are the
//! login's alone: an admin acting as it may correct its name, never its password or address
//! (the admin's own login routes do that, audited as the admin). It sits above `session` and
//! `logins`: it changes a login of a session with the logins' own rules.

use crate::audit::{AuditActor, AuditEntry, AuditLog};
use crate::catalog::CatalogStore;
use crate::domain::{Email, FieldError, Timestamp, Validator};
use crate::error::Unexpected;
use crate::identity::{Identity, IdentityError, InitialPassword};
use crate::logins::{Change, Login, LoginName, LoginStore, ManageLoginError, NoMail, change_login};
use crate::outbox::Mailroom;
use crate::seal::Sealer;
use crate::secret::POLICY;
use crate::session::{self, Me, Session, SignedIn};
use serde::Deserialize;
use serde_json::json;

/// Body of `PATCH /me`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeBody {
    pub name: Option<String>,
}

/// Body of `POST /me/password`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordBody {
    pub current_password: String,
    pub new_password: String,
}

/// Body of `POST /me/email`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeEmailBody {
    pub email: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OwnLoginError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// An admin acting as the login asked to change its credentials.
    #[error("credentials cannot be changed while acting as a login")]
    ActingAs,
    #[error("{0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<ManageLoginError> for OwnLoginError {
    fn from(e: ManageLoginError) -> Self {
        match e {
            ManageLoginError::Invalid(errors) => Self::Invalid(errors),
            ManageLoginError::Conflict(why) => Self::Conflict(why),
            ManageLoginError::NotFound => Self::Conflict("This login was deleted meanwhile."),
            ManageLoginError::Unexpected(u) => Self::Unexpected(u),
        }
    }
}

/// The audit entry of a change the session makes to its own login: by the login, or by the
/// admin acting as it.
fn audit_of(
    session: &Session,
    now: Timestamp,
    action: &str,
    details: serde_json::Value,
) -> AuditEntry {
    let login = &session.me.login;
    let account = Some(&login.customer_id);
    match &session.acting {
        None => AuditEntry::new(
            AuditActor::login(&login.login_id, login.email.as_str()),
            now,
            action,
            account,
            details,
        ),
        Some(a) => {
            let mut entry = AuditEntry::by_admin(&a.admin, now, action, account, details);
            entry.acting_as = Some(login.login_id.clone());
            entry
        }
    }
}

/// `PATCH /me`: the login's name as its orders and emails show it. Answers `GET /me`.
#[tracing::instrument(skip_all)]
pub async fn update_me<S: LoginStore + CatalogStore, I: Identity>(
    store: &S,
    identity: &I,
    session: &Session,
    body: UpdateMeBody,
) -> Result<Me, OwnLoginError> {
    let mut v = Validator::default();
    let name = v.optional("name", body.name.as_deref(), LoginName::parse);
    v.finish(|| ()).map_err(OwnLoginError::Invalid)?;
    let login = match name {
        Some(name) if name != session.me.login.name => {
            let change: Change<'_, NoMail> = Change {
                name: Some(name),
                enabled: None,
                new_email: None,
            };
            let by = |now, details| audit_of(session, now, "login.updated", details);
            change_login(store, identity, by, &session.me.login.login_id, change).await?
        }
        _ => session.me.login.clone(),
    };
    let changed = Session {
        me: SignedIn {
            login,
            customer: session.me.customer.clone(),
        },
        acting: session.acting.clone(),
    };
    Ok(session::me(store, &changed)
        .await
        .map_err(|e| Unexpected::caused_by("reading the account's tier failed", e))?)
}

/// `POST /me/password`: the current password is checked by the user pool (its lockout after
/// repeated failures applies) before anything changes; then the new one is set and every
/// session of the login ends, this one's refresh token included.
#[tracing::instrument(skip_all)]
pub async fn change_my_password<S: AuditLog, I: Identity>(
    store: &S,
    identity: &I,
    session: &Session,
    body: ChangePasswordBody,
) -> Result<(), OwnLoginError> {
    if session.acting.is_some() {
        return Err(OwnLoginError::ActingAs);
    }
    let mut v = Validator::default();
    if body.current_password.is_empty() {
        v.push("current_password", "is required");
    } else if body.current_password.chars().count() > 256 {
        v.push("current_password", "is not this login's password");
    }
    v.check("new_password", POLICY.check(&body.new_password));
    if body.new_password == body.current_password {
        v.push("new_password", "must differ from the current password");
    }
    v.finish(|| ()).map_err(OwnLoginError::Invalid)?;
    let email = &session.me.login.email;
    if !identity
        .password_matches(email, &body.current_password)
        .await?
    {
        return Err(OwnLoginError::Invalid(vec![FieldError::new(
            "current_password",
            "is not this login's password",
        )]));
    }
    match identity
        .set_password(email, InitialPassword::Permanent(body.new_password))
        .await
    {
        Ok(()) => {}
        Err(IdentityError::InvalidPassword(_)) => {
            return Err(OwnLoginError::Invalid(vec![FieldError::new(
                "new_password",
                POLICY.describe(),
            )]));
        }
        Err(e) => return Err(Unexpected::caused_by("setting a login's password failed", e).into()),
    }
    identity.sign_out_everywhere(email).await?;
    let details = json!({ "login_id": session.me.login.login_id });
    let now = Timestamp::now();
    store
        .record(&audit_of(session, now, "login.password_changed", details))
        .await?;
    Ok(())
}

/// `POST /me/email`: a confirmation link goes to the new address, which must be free; the
/// login signs in with its current address until the link is used.
#[tracing::instrument(skip_all)]
pub async fn change_my_email<S: LoginStore, I: Identity, K: Sealer>(
    store: &S,
    identity: &I,
    mailroom: &Mailroom<K>,
    session: &Session,
    body: ChangeEmailBody,
) -> Result<Login, OwnLoginError> {
    if session.acting.is_some() {
        return Err(OwnLoginError::ActingAs);
    }
    let email = Email::parse(&body.email)
        .map_err(|e| OwnLoginError::Invalid(vec![FieldError::new("email", e.to_string())]))?;
    if email == session.me.login.email {
        return Err(OwnLoginError::Conflict(
            "This is already your sign-in address.",
        ));
    }
    let change = Change {
        name: None,
        enabled: None,
        new_email: Some((email, mailroom)),
    };
    let by = |now, details| audit_of(session, now, "login.email_change_requested", details);
    Ok(change_login(store, identity, by, &session.me.login.login_id, change).await?)
}

#[cfg(test)]
mod tests;
