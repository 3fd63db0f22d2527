//! Managing logins after they exist: enable, disable, rename, delete, password resets, and
//! the invitation's resend and revoke.

use super::secret::{LinkToken, POLICY};
use super::*;

/// One change to a login and what rides with it, written in one transaction.
#[derive(Debug)]
pub struct LoginWrite {
    /// The login before and after; its sub link's status follows, and a deleted login frees its email.
    pub login: Option<(Login, Login)>,
    /// An invitation before and after.
    pub invitation: Option<(Invitation, Invitation)>,
    /// A token to create for the invitation (its hash).
    pub new_token: Option<String>,
    /// A brand-new invitation (and its token) to create.
    pub new_invitation: Option<Invitation>,
    /// An email change to write: a new one, or one being confirmed (then only if still pending).
    pub email_change: Option<EmailChange>,
    /// An address to reserve for the login (its email guard), failing if taken.
    pub reserve_email: Option<Email>,
    /// An address whose guard the login gives up.
    pub release_email: Option<Email>,
    pub outbox: Option<OutboxItem>,
    pub audit: AuditEntry,
}

/// Body of `PATCH /admin/logins/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateLoginBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
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
            other => Self::Unexpected(Unexpected::new(other)),
        }
    }
}

fn touched(l: &Login, now: Timestamp) -> Login {
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
pub async fn update_login<S: LoginStore, I: Identity>(
    store: &S,
    identity: &I,
    portal: &Portal,
    admin: &Principal,
    id: &LoginId,
    body: UpdateLoginBody,
) -> Result<Login, ManageLoginError> {
    let mut v = Validator::default();
    let name = body
        .name
        .as_deref()
        .and_then(|n| v.check("name", LoginName::parse(n)));
    let new_email = body
        .email
        .as_deref()
        .and_then(|e| v.check("email", Email::parse(e)));
    v.finish(|| ()).map_err(ManageLoginError::Invalid)?;

    let before = existing_login(store, id).await?;
    let now = Timestamp::now();
    let mut after = touched(&before, now);
    if let Some(n) = name {
        after.name = n;
    }
    let mut cognito_step = None;
    match (body.enabled, before.status) {
        (Some(false), LoginStatus::Active) => {
            identity.disable_user(&before.email).await?;
            after.status = LoginStatus::Disabled;
            cognito_step = Some(false);
        }
        (Some(true), LoginStatus::Disabled) => {
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
    let mut email_change = None;
    let mut outbox = None;
    let mut reserve_email = None;
    let mut release_email = None;
    if let Some(new) =
        new_email.filter(|e| *e != before.email && Some(e) != before.pending_email.as_ref())
    {
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
        };
        outbox = Some(OutboxItem::new(
            new.clone(),
            EmailMessage::EmailChange {
                login_name: after.name.as_str().to_owned(),
                confirm_url: portal.email_change_url(&token),
                expires_at: change.expires_at.to_string(),
            },
            now,
        ));
        release_email = before.pending_email.clone();
        reserve_email = Some(new.clone());
        after.pending_email = Some(new);
        email_change = Some(change);
    }
    let write = LoginWrite {
        email_change,
        outbox,
        reserve_email,
        release_email,
        audit: AuditEntry::by_admin(
            admin,
            now,
            "login.updated",
            Some(&before.customer_id),
            json!({ "login_id": id, "name": after.name, "status": after.status }),
        ),
        login: Some((before.clone(), after.clone())),
        invitation: None,
        new_token: None,
        new_invitation: None,
    };
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
            tracing::error!(error = %undo, "could not undo a Cognito step of a failed login update");
        }
        return Err(e.into());
    }
    Ok(after)
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
    let write = LoginWrite {
        audit: AuditEntry::by_admin(
            admin,
            now,
            "login.deleted",
            Some(&before.customer_id),
            json!({ "login_id": id }),
        ),
        invitation: open.as_ref().map(|i| (i.clone(), revoked(i))),
        release_email: before.pending_email.clone(),
        login: Some((before.clone(), after)),
        new_token: None,
        new_invitation: None,
        email_change: None,
        reserve_email: None,
        outbox: None,
    };
    if let Err(e) = store.write(&write).await {
        if has_user && let Err(undo) = identity.enable_user(&before.email).await {
            tracing::error!(error = %undo, "could not re-enable the user of a failed login deletion");
        }
        return Err(e.into());
    }
    if has_user && let Err(e) = identity.delete_user(&before.email).await {
        tracing::error!(error = %e, "the login is deleted but its disabled Cognito user remains");
    }
    Ok(())
}

fn revoked(i: &Invitation) -> Invitation {
    let mut next = i.clone();
    next.status = InvitationStatus::Revoked;
    next.version += 1;
    next
}

/// Sends a login a new temporary password, which it must change at its next sign-in.
#[tracing::instrument(skip_all, fields(login_id = %id))]
pub async fn reset_password<S: LoginStore, I: Identity>(
    store: &S,
    identity: &I,
    portal: &Portal,
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
    if body.mode == "invite" {
        let now = Timestamp::now();
        let (invitation, mail) = new_invitation(&login, &customer, portal, now);
        let write = LoginWrite {
            audit: AuditEntry::by_admin(
                admin,
                now,
                "login.password_reset",
                Some(&login.customer_id),
                json!({ "login_id": id, "mode": "invite", "invitation_id": invitation.invitation_id }),
            ),
            new_invitation: Some(invitation),
            outbox: Some(mail),
            login: None,
            invitation: None,
            new_token: None,
            email_change: None,
            reserve_email: None,
            release_email: None,
        };
        store.write(&write).await?;
        return Ok(());
    }
    let password = POLICY.generate();
    identity
        .set_password(&login.email, InitialPassword::Temporary(password.clone()))
        .await
        .map_err(Unexpected::new)?;
    let now = Timestamp::now();
    let write = LoginWrite {
        outbox: Some(OutboxItem::new(
            login.email.clone(),
            EmailMessage::PasswordReset {
                login_name: login.name.as_str().to_owned(),
                customer_name: customer.name.as_str().to_owned(),
                temporary_password: password,
                sign_in_url: portal.sign_in_url(),
            },
            now,
        )),
        audit: AuditEntry::by_admin(
            admin,
            now,
            "login.password_reset",
            Some(&login.customer_id),
            json!({ "login_id": id }),
        ),
        login: None,
        invitation: None,
        new_token: None,
        new_invitation: None,
        email_change: None,
        reserve_email: None,
        release_email: None,
    };
    store.write(&write).await?;
    Ok(())
}

async fn existing_invitation<S: LoginStore>(
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
pub async fn revoke_invitation<S: LoginStore>(
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
    let now = Timestamp::now();
    let write = LoginWrite {
        audit: AuditEntry::by_admin(
            admin,
            now,
            "invitation.revoked",
            Some(&i.customer_id),
            json!({ "invitation_id": id }),
        ),
        invitation: Some((i.clone(), revoked(&i))),
        login: None,
        new_token: None,
        new_invitation: None,
        email_change: None,
        reserve_email: None,
        release_email: None,
        outbox: None,
    };
    store.write(&write).await?;
    Ok(())
}

/// Sends an invitation again with a new link and a new expiry; the old link dies. Also reopens
/// a revoked or expired invitation of a login that is still waiting for one.
#[tracing::instrument(skip_all, fields(invitation_id = %id))]
pub async fn resend_invitation<S: LoginStore>(
    store: &S,
    portal: &Portal,
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
    next.expires_at = now.plus_seconds(portal.invitation_ttl_seconds);
    next.claim = None;
    next.version += 1;
    let write = LoginWrite {
        outbox: Some(OutboxItem::new(
            i.email.clone(),
            EmailMessage::Invitation {
                login_name: login.name.as_str().to_owned(),
                customer_name: customer.name.as_str().to_owned(),
                accept_url: portal.accept_url(&token),
                expires_at: next.expires_at.to_string(),
            },
            now,
        )),
        audit: AuditEntry::by_admin(
            admin,
            now,
            "invitation.resent",
            Some(&i.customer_id),
            json!({ "invitation_id": id }),
        ),
        new_token: Some(token.hash()),
        new_invitation: None,
        email_change: None,
        reserve_email: None,
        release_email: None,
        invitation: Some((i, next)),
        login: None,
    };
    store.write(&write).await?;
    Ok(())
}

/// Disables every login of a deleted customer, in Cognito and in the table. The customer's
/// deletion already refuses its logins; this ends their sessions and sign-ins too.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn disable_all_logins<S: LoginStore, I: Identity>(
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
        update_login(
            store,
            identity,
            &Portal::default(),
            admin,
            &l.login_id,
            UpdateLoginBody {
                name: None,
                email: None,
                enabled: Some(false),
            },
        )
        .await?;
        disabled += 1;
    }
    Ok(disabled)
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
pub async fn sweep_invitations<S: LoginStore, I: Identity>(
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

#[derive(Debug, thiserror::Error)]
pub enum EmailChangeError {
    #[error("no such email change")]
    NotFound,
    #[error("this link was already used, replaced, or has expired")]
    Gone,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Confirms a new sign-in address from the link sent to it: from now on the login signs in
/// with it. Cognito changes first; if the table write after it fails, Cognito is changed back.
#[tracing::instrument(skip_all)]
pub async fn confirm_email_change<S: LoginStore, I: Identity>(
    store: &S,
    identity: &I,
    token: &LinkToken,
) -> Result<Accepted, EmailChangeError> {
    let now = Timestamp::now();
    let change = store
        .email_change(&token.hash())
        .await?
        .ok_or(EmailChangeError::NotFound)?;
    if change.confirmed || change.expires_at <= now {
        return Err(EmailChangeError::Gone);
    }
    let before = store
        .login(&change.login_id)
        .await?
        .ok_or(EmailChangeError::Gone)?;
    if before.status == LoginStatus::Deleted
        || before.pending_email.as_ref() != Some(&change.new_email)
    {
        return Err(EmailChangeError::Gone);
    }
    identity
        .change_email(&before.email, &change.new_email)
        .await?;
    let mut after = touched(&before, now);
    after.email = change.new_email.clone();
    after.pending_email = None;
    let mut confirmed = change.clone();
    confirmed.confirmed = true;
    let write = LoginWrite {
        audit: AuditEntry::by_login(
            before.login_id.as_str(),
            change.new_email.as_str(),
            now,
            "login.email_changed",
            Some(&before.customer_id),
            json!({ "from": before.email, "to": change.new_email }),
        ),
        release_email: Some(before.email.clone()),
        login: Some((before.clone(), after.clone())),
        email_change: Some(confirmed),
        invitation: None,
        new_token: None,
        new_invitation: None,
        outbox: None,
        reserve_email: None,
    };
    if let Err(e) = store.write(&write).await {
        if let Err(undo) = identity
            .change_email(&change.new_email, &before.email)
            .await
        {
            tracing::error!(error = %undo, "could not restore the Cognito email of a failed email change");
        }
        return Err(match e {
            LoginStoreError::Stale => EmailChangeError::Gone,
            other => Unexpected::new(other).into(),
        });
    }
    Ok(Accepted {
        login_id: after.login_id,
        email: after.email,
    })
}
