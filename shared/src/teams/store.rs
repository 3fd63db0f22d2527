//! The teams' port.

use super::{Member, Teams};
use crate::audit::{AuditEntry, Audited};
use crate::error::Unexpected;
use crate::ids::TeamId;

/// The most members a refused delete names; the rest are counted, not listed.
pub const MEMBERS_SHOWN: usize = 20;

/// Why the store refused a write of the teams.
#[derive(Debug, thiserror::Error)]
pub enum TeamStoreError {
    /// The teams changed since they were read, or a team being removed gained a member
    /// meanwhile: read again and decide again.
    #[error("the teams changed since they were read")]
    Stale,
    #[error("another write to the same item was under way")]
    Contention,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Which team a write of the record adds, changes or removes: the adapter keeps a count of
/// each team's customers beside the record, and a removal holds only while that is zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamChange {
    Added(TeamId),
    Changed(TeamId),
    Removed(TeamId),
}

/// A list of rules as it replaces the one in the teams' record.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleList {
    Routing(crate::rules::RoutingRules),
    AutoConfirm(crate::rules::AutoConfirmRules),
}

/// Where the teams are kept. Customers join and leave a team in their own writes (see
/// `CustomerStore::put`), which is what lets a removal refuse a team still named.
#[async_trait::async_trait]
pub trait TeamStore: Send + Sync {
    /// Every team (version 0 and none before the first).
    async fn teams(&self) -> Result<Teams, Unexpected>;
    /// Replaces the record if it is still at `before`'s version, with the audit entry.
    async fn put_teams(
        &self,
        w: Audited<'_, Teams>,
        change: &TeamChange,
    ) -> Result<(), TeamStoreError>;
    /// Replaces one list of rules if it is still at `before`'s version; routing rules only
    /// while every team they name still exists. With the audit entry.
    async fn put_rules(
        &self,
        before: &Teams,
        after: &RuleList,
        audit: &AuditEntry,
    ) -> Result<(), TeamStoreError>;
    /// Up to [`MEMBERS_SHOWN`] customers that name `team`, read by the team's key.
    async fn members(&self, team: &TeamId) -> Result<Vec<Member>, Unexpected>;
}
