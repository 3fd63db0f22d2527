use crate::domain::{Email, Timestamp};
use crate::ids::{CustomerId, InvitationId, LoginId};

crate::domain::bounded_text_type! {
    /// The name of the person a login belongs to.
    LoginName, 1..=100
}

/// A login's life: `invited` until its invitation is accepted, `active` while it may sign in,
/// `disabled` by an admin, `deleted` (kept for the order history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginStatus {
    Invited,
    Active,
    Disabled,
    Deleted,
}

impl LoginStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "invited" => Some(Self::Invited),
            "active" => Some(Self::Active),
            "disabled" => Some(Self::Disabled),
            "deleted" => Some(Self::Deleted),
            _ => None,
        }
    }
}

/// One person's sign-in to one customer account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Login {
    pub login_id: LoginId,
    pub customer_id: CustomerId,
    pub name: LoginName,
    pub email: Email,
    pub status: LoginStatus,
    /// A new address waiting for its confirmation.
    pub pending_email: Option<Email>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub last_sign_in_at: Option<Timestamp>,
    /// Cognito's `sub` once the user exists there.
    #[serde(skip)]
    pub cognito_sub: Option<String>,
    pub version: u64,
}

/// Where an invitation is: `accepting` while one accept holds it, briefly; `expired` once
/// housekeeping has seen it pass its expiry (it answers 410 from the moment it expires).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepting,
    Accepted,
    Revoked,
    /// Past its expiry, marked so by housekeeping.
    Expired,
}

impl InvitationStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepting => "accepting",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "accepting" => Some(Self::Accepting),
            "accepted" => Some(Self::Accepted),
            "revoked" => Some(Self::Revoked),
            "expired" => Some(Self::Expired),
            _ => None,
        }
    }
}

/// An emailed, single-use, expiring link that activates a login.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Invitation {
    pub invitation_id: InvitationId,
    pub login_id: LoginId,
    pub customer_id: CustomerId,
    pub email: Email,
    pub status: InvitationStatus,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    /// SHA-256 of the one token that is valid now; a resend replaces it.
    #[serde(skip)]
    pub token_hash: String,
    /// Who holds an `accepting` invitation.
    #[serde(skip)]
    pub claim: Option<String>,
    pub version: u64,
}

impl Invitation {
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now
    }

    /// This invitation revoked: its link answers 410 from now on.
    pub fn revoked(&self) -> Invitation {
        let mut next = self.clone();
        next.status = InvitationStatus::Revoked;
        next.version += 1;
        next
    }
}

/// A login's request to sign in with a new address, waiting for that address to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailChange {
    pub token_hash: String,
    pub login_id: LoginId,
    pub customer_id: CustomerId,
    pub new_email: Email,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    pub confirmed: bool,
    /// The confirmation that holds the link while it changes the identity provider.
    pub claim: Option<LinkClaim>,
}

/// One use of a link holding it while it works: another use of the same link finds it taken
/// and is refused, so the identity provider is changed once. A claim older than
/// [`LinkClaim::LEASE_SECONDS`] belongs to a confirmation that died and may be taken over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkClaim {
    pub id: String,
    pub at: Timestamp,
}

impl LinkClaim {
    /// Far longer than a function may run (10 s), so a live claim is never taken over.
    pub const LEASE_SECONDS: i64 = 300;

    pub fn new(at: Timestamp) -> Self {
        Self {
            id: uuid::Uuid::new_v4().simple().to_string(),
            at,
        }
    }

    /// Claims made before this are abandoned.
    pub fn abandoned_before(&self) -> Timestamp {
        self.at.plus_seconds(-Self::LEASE_SECONDS)
    }

    /// Whether this claim may take a single-use link: it is not spent, not expired, and no
    /// live claim (`held`, when not abandoned) holds it.
    pub fn may_take(&self, spent: bool, expires_at: Timestamp, held: Option<&LinkClaim>) -> bool {
        !spent && expires_at > self.at && held.is_none_or(|h| h.at < self.abandoned_before())
    }
}

/// The pointer from a Cognito `sub` to its login, read on every customer request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubLink {
    pub sub: String,
    pub login_id: LoginId,
    pub customer_id: CustomerId,
    pub status: LoginStatus,
}
