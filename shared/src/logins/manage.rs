//! Managing logins after they exist: rename, enable, disable, change the email, delete, reset
//! the password; resending and revoking invitations; and closing a whole account.

use super::provision::{invitation_mail, new_invitation};
use super::{
    EmailChange, Invitation, InvitationStatus, InvitationStore, Login, LoginName, LoginStatus,
    LoginStore, LoginStoreError, LoginWrite,
};
use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::customers::{self, CustomerStore, DeleteCustomerError};
use crate::domain::{Email, FieldError, Timestamp, Validator};
use crate::error::Unexpected;
use crate::identity::{Identity, InitialPassword};
use crate::ids::{CustomerId, InvitationId, LoginId};
use crate::outbox::{EmailMessage, Mailroom, OutboxItem};
use crate::seal::{Binding, OpenError, Sealed, Sealer, Secret};
use crate::secret::{LinkToken, POLICY};
use serde::Deserialize;
use serde_json::json;

/// Body of `PATCH /admin/logins/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateLoginBody {
    pub name: Option<String>,
    pub email: Option<String>,
    pub enabled: Option<bool>,
}

/// Body of `POST /admin/logins/{id}/password-reset`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetBody {
    pub mode: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ManageLoginError {
    #[error("no such login")]
    NotFound,
    #[error("{0}")]
    Conflict(&'static str),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<LoginStoreError> for ManageLoginError {
    fn from(e: LoginStoreError) -> Self {
        match e {
            LoginStoreError::Stale | LoginStoreError::Contention => {
                Self::Conflict("The login was changed meanwhile. Reload it and try again.")
            }
            LoginStoreError::Unexpected(u) => Self::Unexpected(u),
            other => Unexpected::caused_by("the login store refused a write", other).into(),
        }
    }
}

pub(super) fn touched(l: &Login, now: Timestamp) -> Login {
    let mut next = l.clone();
    next.updated_at = now;
    next.version += 1;
    next
}

async fn existing_login<S: LoginStore>(store: &S, id: &LoginId) -> Result<Login, ManageLoginError> {
    match store.login(id).await? {
        Some(l) if l.status != LoginStatus::Deleted => Ok(l),
        _ => Err(ManageLoginError::NotFound),
    }
}

/// How long an email change link is valid.
pub const EMAIL_CHANGE_TTL_SECONDS: i64 = 24 * 3600;

/// Renames, disables or enables a login, or starts a change of its email: the new address
/// gets a confirmation link and is reserved meanwhile; the sign-in email changes only once it
/// is confirmed. Disabling signs the person out everywhere at once.
#[tracing::instrument(skip_all, fields(login_id = %id))]
pub async fn update_login<S: LoginStore, I: Identity, K: Sealer>(
    store: &S,
    identity: &I,
    mailroom: &Mailroom<K>,
    admin: &Principal,
    id: &LoginId,
    body: UpdateLoginBody,
) -> Result<Login, ManageLoginError> {
    let mut v = Validator::default();
    let name = v.optional("name", body.name.as_deref(), LoginName::parse);
    let new_email = v.optional("email", body.email.as_deref(), Email::parse);
    v.finish(|| ()).map_err(ManageLoginError::Invalid)?;
    let change = Change {
        name,
        enabled: body.enabled,
        new_email: new_email.map(|email| (email, mailroom)),
    };
    let by = |now, details| AuditEntry::by_admin(admin, now, "login.updated", None, details);
    change_login(store, identity, by, id, change).await
}

/// What changes of a login; a new email comes with the mailroom that sends its link.
pub struct Change<'a, K> {
    pub name: Option<LoginName>,
    pub enabled: Option<bool>,
    pub new_email: Option<(Email, &'a Mailroom<K>)>,
}

/// The sealer of a change that sends no email: there is none, so nothing can call it.
pub enum NoMail {}

#[async_trait::async_trait]
impl Sealer for NoMail {
    async fn seal(&self, _: &Secret, _: Binding<'_>) -> Result<Sealed, Unexpected> {
        match *self {}
    }

    async fn open(&self, _: &Sealed, _: Binding<'_>) -> Result<Secret, OpenError> {
        match *self {}
    }
}

/// Applies `change`, audited by `by` (given the time and the details; the account is filled
/// in). Everything that can refuse it (the new address's checks, sealing its link) comes before
/// Cognito is touched; a Cognito step whose write then fails is undone.
pub async fn change_login<S: LoginStore, I: Identity, K: Sealer>(
    store: &S,
    identity: &I,
    by: impl FnOnce(Timestamp, serde_json::Value) -> AuditEntry,
    id: &LoginId,
    change: Change<'_, K>,
) -> Result<Login, ManageLoginError> {
    let before = existing_login(store, id).await?;
    let now = Timestamp::now();
    let mut after = touched(&before, now);
    if let Some(n) = change.name {
        after.name = n;
    }
    let new_email = change
        .new_email
        .filter(|(e, _)| *e != before.email && Some(e) != before.pending_email.as_ref());
    let email_change = match new_email {
        Some((new, mailroom)) => {
            Some(email_change(store, &before, &after.name, new, mailroom, now).await?)
        }
        None => None,
    };
    let mut cognito_step = None;
    match (change.enabled, before.status) {
        (Some(false), LoginStatus::Active) => {
            identity.disable_user(&before.email).await?;
            after.status = LoginStatus::Disabled;
            cognito_step = Some(false);
        }
        (Some(true), LoginStatus::Disabled) => {
            let (_, customer) = store.login_and_customer(id, &before.customer_id).await?;
            if customer.is_none_or(|c| c.is_deleted()) {
                return Err(ManageLoginError::Conflict(
                    "This login's customer account is closed: its logins cannot be enabled.",
                ));
            }
            identity.enable_user(&before.email).await?;
            after.status = LoginStatus::Active;
            cognito_step = Some(true);
        }
        (Some(_), LoginStatus::Invited) => {
            return Err(ManageLoginError::Conflict(
                "This login has not accepted its invitation yet: revoke the invitation instead.",
            ));
        }
        _ => {}
    }
    let mut audit = by(
        now,
        json!({ "login_id": id, "name": after.name, "status": after.status }),
    );
    audit.customer_id = Some(before.customer_id.clone());
    let mut write = LoginWrite::audited(audit);
    if let Some((change, mail)) = email_change {
        write.outbox = Some(mail);
        write.release_email = before.pending_email.clone();
        write.reserve_email = Some(change.new_email.clone());
        after.pending_email = Some(change.new_email.clone());
        write.email_change = Some(change);
    }
    write.login = Some((before.clone(), after.clone()));
    if let Err(e) = store.write(&write).await {
        if matches!(e, LoginStoreError::DuplicateEmail) {
            return Err(ManageLoginError::Conflict(
                "Another login already uses this email address.",
            ));
        }
        let undo = match cognito_step {
            Some(false) => identity.enable_user(&before.email).await,
            Some(true) => identity.disable_user(&before.email).await,
            None => Ok(()),
        };
        if let Err(undo) = undo {
            tracing::error!(error = %undo.chain(), "could not undo a Cognito step of a failed login update");
        }
        return Err(e.into());
    }
    Ok(after)
}

/// A change of `before`'s email to `new`, and the email that carries its link (sealed).
async fn email_change<S: LoginStore, K: Sealer>(
    store: &S,
    before: &Login,
    name: &LoginName,
    new: Email,
    mailroom: &Mailroom<K>,
    now: Timestamp,
) -> Result<(EmailChange, OutboxItem), ManageLoginError> {
    if before.cognito_sub.is_none() {
        return Err(ManageLoginError::Conflict(
            "This login has not accepted its invitation yet: revoke it and invite the new address instead.",
        ));
    }
    if store.login_email_taken(&new).await? {
        return Err(ManageLoginError::Conflict(
            "Another login already uses this email address.",
        ));
    }
    let token = LinkToken::generate();
    let change = EmailChange {
        token_hash: token.hash(),
        login_id: before.login_id.clone(),
        customer_id: before.customer_id.clone(),
        new_email: new.clone(),
        expires_at: now.plus_seconds(EMAIL_CHANGE_TTL_SECONDS),
        created_at: now,
        confirmed: false,
        claim: None,
    };
    let message = EmailMessage::EmailChange {
        login_name: name.as_str().to_owned(),
        confirm_url: Secret::new(mailroom.portal.email_change_url(&token)),
        expires_at: change.expires_at.to_string(),
    };
    let mail = mailroom.letter(new, message, now).await?;
    Ok((change, mail))
}

/// Deletes a login: it can never sign in again; its record stays, as `deleted`, for the
/// order history, and its email is free for a new login.
#[tracing::instrument(skip_all, fields(login_id = %id))]
pub async fn delete_login<S: LoginStore, I: Identity>(
    store: &S,
    identity: &I,
    admin: &Principal,
    id: &LoginId,
) -> Result<(), ManageLoginError> {
    let before = existing_login(store, id).await?;
    let has_user = before.cognito_sub.is_some();
    if has_user {
        identity.disable_user(&before.email).await?;
    }
    let now = Timestamp::now();
    let mut after = touched(&before, now);
    after.status = LoginStatus::Deleted;
    after.pending_email = None;
    let (_, invitations) = store.members(&before.customer_id).await?;
    let open = invitations
        .into_iter()
        .find(|i| i.login_id == before.login_id && i.status == InvitationStatus::Pending);
    let mut write = LoginWrite::audited(AuditEntry::by_admin(
        admin,
        now,
        "login.deleted",
        Some(&before.customer_id),
        json!({ "login_id": id }),
    ));
    write.invitation = open.as_ref().map(|i| (i.clone(), i.revoked()));
    write.release_email = before.pending_email.clone();
    write.login = Some((before.clone(), after));
    if let Err(e) = store.write(&write).await {
        if has_user && let Err(undo) = identity.enable_user(&before.email).await {
            tracing::error!(error = %undo.chain(), "could not re-enable the user of a failed login deletion");
        }
        return Err(e.into());
    }
    if has_user && let Err(e) = identity.delete_user(&before.email).await {
        tracing::error!(error = %e.chain(), "the login is deleted but its disabled Cognito user remains");
    }
    Ok(())
}

/// Sends a login a new temporary password, which it must change at its next sign-in, or (mode
/// `invite`) a link to choose a new one. The password is sealed into its email before Cognito
/// gets it, so a key service that fails leaves the old password working.
#[tracing::instrument(skip_all, fields(login_id = %id))]
pub async fn reset_password<S: LoginStore + CustomerStore, I: Identity, K: Sealer>(
    store: &S,
    identity: &I,
    mailroom: &Mailroom<K>,
    admin: &Principal,
    id: &LoginId,
    body: PasswordResetBody,
) -> Result<(), ManageLoginError> {
    if body.mode != "temporary_password" && body.mode != "invite" {
        return Err(ManageLoginError::Invalid(vec![FieldError::new(
            "mode",
            "must be temporary_password or invite",
        )]));
    }
    let login = existing_login(store, id).await?;
    if login.status != LoginStatus::Active {
        return Err(ManageLoginError::Conflict(
            "Only an active login can get a new password; enable it or resend its invitation.",
        ));
    }
    let customer = store
        .customer(&login.customer_id)
        .await?
        .ok_or(ManageLoginError::NotFound)?;
    let now = Timestamp::now();
    if body.mode == "invite" {
        let (invitation, mail) = new_invitation(&login, &customer, mailroom, now).await?;
        let mut write = LoginWrite::audited(AuditEntry::by_admin(
            admin,
            now,
            "login.password_reset",
            Some(&login.customer_id),
            json!({ "login_id": id, "mode": "invite", "invitation_id": invitation.invitation_id }),
        ));
        write.new_invitation = Some(invitation);
        write.outbox = Some(mail);
        store.write(&write).await?;
        return Ok(());
    }
    let password = POLICY.generate();
    let message = EmailMessage::PasswordReset {
        login_name: login.name.as_str().to_owned(),
        customer_name: customer.name.as_str().to_owned(),
        temporary_password: Secret::new(password.as_str()),
        sign_in_url: mailroom.portal.sign_in_url(),
    };
    let mail = mailroom.letter(login.email.clone(), message, now).await?;
    identity
        .set_password(&login.email, InitialPassword::Temporary(password.clone()))
        .await
        .map_err(|e| Unexpected::caused_by("setting a temporary password failed", e))?;
    let mut write = LoginWrite::audited(AuditEntry::by_admin(
        admin,
        now,
        "login.password_reset",
        Some(&login.customer_id),
        json!({ "login_id": id }),
    ));
    write.outbox = Some(mail);
    store.write(&write).await?;
    Ok(())
}

async fn existing_invitation<S: InvitationStore>(
    store: &S,
    id: &InvitationId,
) -> Result<Invitation, ManageLoginError> {
    store
        .invitation(id)
        .await?
        .ok_or(ManageLoginError::NotFound)
}

/// Revokes an open invitation: its link stops working at once (and answers 410 from then on;
/// token items stay until their TTL so a dead link is told apart from an unknown one).
#[tracing::instrument(skip_all, fields(invitation_id = %id))]
pub async fn revoke_invitation<S: LoginStore + InvitationStore>(
    store: &S,
    admin: &Principal,
    id: &InvitationId,
) -> Result<(), ManageLoginError> {
    let i = existing_invitation(store, id).await?;
    match i.status {
        InvitationStatus::Revoked | InvitationStatus::Expired => return Ok(()),
        InvitationStatus::Accepted | InvitationStatus::Accepting => {
            return Err(ManageLoginError::Conflict(
                "This invitation was already accepted.",
            ));
        }
        InvitationStatus::Pending => {}
    }
    let mut write = LoginWrite::audited(AuditEntry::by_admin(
        admin,
        Timestamp::now(),
        "invitation.revoked",
        Some(&i.customer_id),
        json!({ "invitation_id": id }),
    ));
    write.invitation = Some((i.clone(), i.revoked()));
    store.write(&write).await?;
    Ok(())
}

/// Sends an invitation again with a new link and a new expiry; the old link dies. Also reopens
/// a revoked or expired invitation of a login that is still waiting for one.
#[tracing::instrument(skip_all, fields(invitation_id = %id))]
pub async fn resend_invitation<S: LoginStore + InvitationStore, K: Sealer>(
    store: &S,
    mailroom: &Mailroom<K>,
    admin: &Principal,
    id: &InvitationId,
) -> Result<(), ManageLoginError> {
    let i = existing_invitation(store, id).await?;
    if matches!(
        i.status,
        InvitationStatus::Accepted | InvitationStatus::Accepting
    ) {
        return Err(ManageLoginError::Conflict(
            "This invitation was already accepted.",
        ));
    }
    let (login, customer) = store
        .login_and_customer(&i.login_id, &i.customer_id)
        .await?;
    let (login, customer) = login.zip(customer).ok_or(ManageLoginError::NotFound)?;
    if login.status != LoginStatus::Invited || customer.is_deleted() {
        return Err(ManageLoginError::Conflict(
            "This login no longer waits for an invitation.",
        ));
    }
    let now = Timestamp::now();
    let token = LinkToken::generate();
    let mut next = i.clone();
    next.status = InvitationStatus::Pending;
    next.token_hash = token.hash();
    next.expires_at = now.plus_seconds(mailroom.portal.invitation_ttl_seconds);
    next.claim = None;
    next.version += 1;
    let mut write = LoginWrite::audited(AuditEntry::by_admin(
        admin,
        now,
        "invitation.resent",
        Some(&i.customer_id),
        json!({ "invitation_id": id }),
    ));
    write.outbox = Some(invitation_mail(&next, &token, &login, &customer, mailroom, now).await?);
    write.new_token = Some(token.hash());
    write.invitation = Some((i, next));
    store.write(&write).await?;
    Ok(())
}

/// Disables every login of a deleted customer, in Cognito and in the table. The customer's
/// deletion already refuses its logins; this ends their sessions and sign-ins too.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn disable_all_logins<S: LoginStore + InvitationStore, I: Identity>(
    store: &S,
    identity: &I,
    admin: &Principal,
    customer_id: &CustomerId,
) -> Result<usize, ManageLoginError> {
    let (logins, invitations) = store.members(customer_id).await?;
    for i in invitations
        .iter()
        .filter(|i| i.status == InvitationStatus::Pending)
    {
        revoke_invitation(store, admin, &i.invitation_id).await?;
    }
    let mut disabled = 0;
    for l in logins.iter().filter(|l| l.status == LoginStatus::Active) {
        let disable: Change<'_, NoMail> = Change {
            name: None,
            enabled: Some(false),
            new_email: None,
        };
        let by = |now, details| AuditEntry::by_admin(admin, now, "login.updated", None, details);
        change_login(store, identity, by, &l.login_id, disable).await?;
        disabled += 1;
    }
    Ok(disabled)
}

#[derive(Debug, thiserror::Error)]
pub enum CloseAccountError {
    #[error(transparent)]
    Delete(#[from] DeleteCustomerError),
    #[error(transparent)]
    Logins(#[from] ManageLoginError),
}

/// Deletes a customer account and ends every one of its logins: the account keeps its orders,
/// its logins can never sign in again, and its open invitations die.
pub async fn close_account<S, I>(
    store: &S,
    identity: &I,
    admin: &Principal,
    id: &CustomerId,
) -> Result<(), CloseAccountError>
where
    S: CustomerStore + LoginStore + InvitationStore,
    I: Identity,
{
    customers::delete_customer(store, admin, id).await?;
    disable_all_logins(store, identity, admin, id).await?;
    Ok(())
}
