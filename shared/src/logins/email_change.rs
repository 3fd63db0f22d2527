//! Confirming a new sign-in address from the link sent to it.

use super::invitations::{Accepted, link_write_failed};
use super::manage::touched;
use super::{EmailChangeStore, LinkClaim, LoginStatus, LoginStore, LoginWrite};
use crate::audit::{AuditActor, AuditEntry};
use crate::domain::Timestamp;
use crate::error::{Unexpected, chain};
use crate::identity::{Identity, IdentityError};
use crate::secret::LinkToken;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum EmailChangeError {
    #[error("no such email change")]
    NotFound,
    #[error("this link was already used, replaced, or has expired")]
    Gone,
    #[error("another user of the pool signs in with the new address")]
    AddressTaken,
    /// The user pool refused the new address, stored before the address rule was as strict as
    /// the pool (its message is kept for the log).
    #[error("the user pool refused the new address: {0}")]
    EmailRefused(String),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Confirms a new sign-in address from the link sent to it: from now on the login signs in
/// with it. The link is claimed first, so of concurrent confirmations one changes Cognito and
/// the others are refused (410). Cognito changes next; if the table write after it fails,
/// Cognito is changed back and the claim released, so the link can be used again.
#[tracing::instrument(skip_all)]
pub async fn confirm_email_change<S: LoginStore + EmailChangeStore, I: Identity>(
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
    let claim = LinkClaim::new(now);
    if let Err(e) = store.claim_email_change(&change, &claim).await {
        return Err(link_write_failed(
            e,
            EmailChangeError::Gone,
            "claiming an email change failed",
        ));
    }
    let release = || async {
        if let Err(e) = store.release_email_change(&change, &claim).await {
            tracing::error!(error = %e.chain(), "could not release a claimed email change");
        }
    };
    if let Err(e) = identity
        .change_email(&before.email, &change.new_email)
        .await
    {
        release().await;
        return Err(match e {
            IdentityError::UserExists => EmailChangeError::AddressTaken,
            IdentityError::EmailRefused(m) => EmailChangeError::EmailRefused(m),
            IdentityError::InvalidPassword(_) | IdentityError::Unexpected(_) => {
                Unexpected::caused_by("changing the Cognito email failed", e).into()
            }
        });
    }
    let mut after = touched(&before, now);
    after.email = change.new_email.clone();
    after.pending_email = None;
    let mut confirmed = change.clone();
    confirmed.confirmed = true;
    confirmed.claim = Some(claim.clone());
    let mut write = LoginWrite::audited(AuditEntry::new(
        AuditActor::login(&before.login_id, change.new_email.as_str()),
        now,
        "login.email_changed",
        Some(&before.customer_id),
        json!({ "from": before.email, "to": change.new_email }),
    ));
    write.release_email = Some(before.email.clone());
    write.login = Some((before.clone(), after.clone()));
    write.email_change = Some(confirmed);
    if let Err(e) = store.write(&write).await {
        if let Err(undo) = identity
            .change_email(&change.new_email, &before.email)
            .await
        {
            tracing::error!(error = %chain(&undo), "could not restore the Cognito email of a failed email change");
        }
        release().await;
        let failed = "confirming an email change failed";
        return Err(link_write_failed(e, EmailChangeError::Gone, failed));
    }
    Ok(Accepted::from(after))
}
