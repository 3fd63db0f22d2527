//! The claim on a single-use link (an email change, a password reset): its item is claimed
//! (`claim`, `claimed_at`) before Cognito is changed, and its final write requires that claim.

use super::super::DynamoStore;
use super::super::attr::s;
use super::super::write::UpdateIf;
use crate::error::Unexpected;
use crate::logins::{LinkClaim, LoginStoreError};

impl DynamoStore {
    /// Claims the pending, unexpired link at `key` unless a live claim holds it: `Stale` then.
    pub(super) async fn claim_link(
        &self,
        key: (String, &str),
        claim: &LinkClaim,
    ) -> Result<(), LoginStoreError> {
        let claimed = self
            .update_if(UpdateIf {
                key,
                update: "SET claim = :claim, claimed_at = :now",
                condition: "#status = :pending AND expires_at > :now \
                            AND (attribute_not_exists(claim) OR claimed_at < :abandoned)",
                names: &[("#status", "status")],
                values: vec![
                    (":pending", s("pending")),
                    (":claim", s(&claim.id)),
                    (":now", s(claim.at.to_string())),
                    (":abandoned", s(claim.abandoned_before().to_string())),
                ],
            })
            .await?;
        if claimed {
            Ok(())
        } else {
            Err(LoginStoreError::Stale)
        }
    }

    /// Gives the link at `key` back, if `claim` still holds it.
    pub(super) async fn release_link(
        &self,
        key: (String, &str),
        claim: &LinkClaim,
    ) -> Result<(), Unexpected> {
        self.update_if(UpdateIf {
            key,
            update: "REMOVE claim, claimed_at",
            condition: "claim = :claim",
            names: &[],
            values: vec![(":claim", s(&claim.id))],
        })
        .await
        .map(drop)
    }
}
