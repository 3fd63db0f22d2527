//! The logins' ports, one per aggregate: logins (with their email guards and `sub` pointers),
//! invitations (with their tokens), and email changes. What one use case writes together is
//! one value ([`Provisioning`], [`Acceptance`], [`LoginWrite`]) written in one transaction.

use super::{EmailChange, Invitation, LinkClaim, Login, SubLink};
use crate::audit::AuditEntry;
use crate::customers::Customer;
use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::{CustomerId, InvitationId, LoginId};
use crate::outbox::OutboxItem;

/// Everything one provisioning writes, in one transaction.
#[derive(Debug)]
pub struct Provisioning {
    pub login: Login,
    /// The customer as read, and as it becomes when its status moves on.
    pub customer: (Customer, Option<Customer>),
    /// A new invitation, with its token's hash.
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

/// One change to a login or an invitation and what rides with it, written in one transaction.
#[derive(Debug)]
pub struct LoginWrite {
    /// The login before and after; its sub link's status follows, and a deleted login frees
    /// its email.
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

impl LoginWrite {
    /// A write of `audit` alone, to fill in with what changes.
    pub fn audited(audit: AuditEntry) -> Self {
        Self {
            login: None,
            invitation: None,
            new_token: None,
            new_invitation: None,
            email_change: None,
            reserve_email: None,
            release_email: None,
            outbox: None,
            audit,
        }
    }
}

/// An invitation found by its link's token, with the login and account it is for.
#[derive(Debug, Clone)]
pub struct InvitationLink {
    pub invitation: Invitation,
    pub login: Option<Login>,
    pub customer: Option<Customer>,
}

/// Why a login write did not go through.
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

/// A login and its account, read together; either may be missing.
pub type LoginAndAccount = (Option<Login>, Option<Customer>);

/// An account's logins and invitations, oldest first.
pub type Members = (Vec<Login>, Vec<Invitation>);

/// Logins, their email guards and the pointers from Cognito users to them.
#[async_trait::async_trait]
pub trait LoginStore: Send + Sync {
    async fn login(&self, id: &LoginId) -> Result<Option<Login>, Unexpected>;
    async fn sub_link(&self, sub: &str) -> Result<Option<SubLink>, Unexpected>;
    async fn login_and_customer(
        &self,
        l: &LoginId,
        c: &CustomerId,
    ) -> Result<LoginAndAccount, Unexpected>;
    async fn members(&self, c: &CustomerId) -> Result<Members, Unexpected>;
    async fn login_email_taken(&self, email: &Email) -> Result<bool, Unexpected>;
    async fn provision(&self, p: &Provisioning) -> Result<(), LoginStoreError>;
    /// Writes one change to a login or an invitation with what rides along, all or none.
    async fn write(&self, w: &LoginWrite) -> Result<(), LoginStoreError>;
}

/// Invitations and their link tokens.
#[async_trait::async_trait]
pub trait InvitationStore: Send + Sync {
    async fn invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, Unexpected>;
    /// The invitation whose link has this token (by its hash), with its login and account.
    async fn invitation_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<InvitationLink>, Unexpected>;
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
    /// Invitations still in the expiry index (pending or accepting) that expire before `now`,
    /// or are being accepted.
    async fn open_invitations(&self, now: Timestamp) -> Result<Vec<Invitation>, Unexpected>;
    /// Marks a pending invitation expired; `false` if it changed meanwhile.
    async fn expire_invitation(&self, i: &Invitation) -> Result<bool, Unexpected>;
    /// The claim id and time of an `accepting` invitation.
    async fn claim_of(&self, i: &Invitation) -> Result<Option<(String, Timestamp)>, Unexpected>;
}

/// New sign-in addresses waiting for their confirmation.
#[async_trait::async_trait]
pub trait EmailChangeStore: Send + Sync {
    async fn email_change(&self, token_hash: &str) -> Result<Option<EmailChange>, Unexpected>;
    /// Takes a pending, unexpired change for one confirmation: `Stale` when it is confirmed,
    /// expired, or held by another confirmation whose claim is not abandoned.
    async fn claim_email_change(
        &self,
        change: &EmailChange,
        claim: &LinkClaim,
    ) -> Result<(), LoginStoreError>;
    /// Gives the change back after a failed confirmation, so that its link works again.
    async fn release_email_change(
        &self,
        change: &EmailChange,
        claim: &LinkClaim,
    ) -> Result<(), Unexpected>;
}
