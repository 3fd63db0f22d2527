//! Invitations in the table, with their link tokens: a token's item names its invitation,
//! login and account, so a link's page reads all three in one batch after it.

use super::super::attr::{Reader, n, s};
use super::super::write::UpdateIf;
use super::super::{DynamoStore, customers, index};
use super::item::*;
use crate::domain::Timestamp;
use crate::dynamo::keys::{
    CUSTOMER_SK, INVITATION_SK, LOGIN_SK, PENDING_INVITATIONS, TOKEN_SK, customer_pk,
    invitation_pk, login_pk, token_pk,
};
use crate::error::Unexpected;
use crate::ids::{CustomerId, InvitationId, LoginId};
use crate::logins::{
    Acceptance, Invitation, InvitationLink, InvitationStatus, InvitationStore, LoginStoreError,
};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

/// An update of the invitation between pending and accepting under `claim`: claiming and
/// releasing name the same statuses and claim, and differ only in their direction.
fn claim_update<'a>(
    i: &Invitation,
    claim: &str,
    update: &'a str,
    condition: &'a str,
) -> UpdateIf<'a> {
    UpdateIf {
        key: (invitation_pk(&i.invitation_id), INVITATION_SK),
        update,
        condition,
        names: &[("#status", "status")],
        values: vec![
            (":accepting", s(InvitationStatus::Accepting.as_str())),
            (":pending", s(InvitationStatus::Pending.as_str())),
            (":claim", s(claim)),
        ],
    }
}

#[async_trait::async_trait]
impl InvitationStore for DynamoStore {
    async fn invitation_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<InvitationLink>, Unexpected> {
        let Some(token) = self.get_item(token_pk(token_hash), TOKEN_SK).await? else {
            return Ok(None);
        };
        let token = Reader(&token);
        let invitation_id = InvitationId::parse(token.s("invitation_id")?)
            .ok_or_else(|| Unexpected::new("an invitation token item names no invitation id"))?;
        let invitation_key = (invitation_pk(&invitation_id), INVITATION_SK.to_owned());
        let parties = token
            .opt_s("login_id")
            .and_then(LoginId::parse)
            .zip(token.opt_s("customer_id").and_then(CustomerId::parse));
        let Some((login, customer)) = parties else {
            let Some(item) = self.get_item(invitation_key.0, INVITATION_SK).await? else {
                return Ok(None);
            };
            let invitation = invitation_from_item(&item)?;
            let (login, customer) = crate::logins::LoginStore::login_and_customer(
                self,
                &invitation.login_id,
                &invitation.customer_id,
            )
            .await?;
            return Ok(Some(InvitationLink {
                invitation,
                login,
                customer,
            }));
        };
        let login_key = (login_pk(&login), LOGIN_SK.to_owned());
        let customer_key = (customer_pk(&customer), CUSTOMER_SK.to_owned());
        let found = self
            .batch_get(&[
                invitation_key.clone(),
                login_key.clone(),
                customer_key.clone(),
            ])
            .await?;
        let Some(invitation) = found.get(&invitation_key) else {
            return Ok(None);
        };
        Ok(Some(InvitationLink {
            invitation: invitation_from_item(invitation)?,
            login: found.get(&login_key).map(login_from_item).transpose()?,
            customer: found
                .get(&customer_key)
                .map(customers::item::from_item)
                .transpose()?,
        }))
    }

    async fn claim_invitation(
        &self,
        i: &Invitation,
        claim: &str,
        now: Timestamp,
    ) -> Result<(), LoginStoreError> {
        let mut update = claim_update(
            i,
            claim,
            "SET #status = :accepting, claim = :claim, claimed_at = :now",
            "#status = :pending AND token_hash = :hash AND expires_at > :now",
        );
        update
            .values
            .extend([(":hash", s(&i.token_hash)), (":now", s(now.to_string()))]);
        let claimed = self.update_if(update).await?;
        if claimed {
            Ok(())
        } else {
            Err(LoginStoreError::Stale)
        }
    }
    async fn release_invitation(&self, i: &Invitation, claim: &str) -> Result<(), Unexpected> {
        let update = claim_update(
            i,
            claim,
            "SET #status = :pending REMOVE claim, claimed_at",
            "#status = :accepting AND claim = :claim",
        );
        self.update_if(update).await.map(drop)
    }
    async fn accept(&self, a: &Acceptance) -> Result<(), LoginStoreError> {
        let mut accepted = a.invitation.clone();
        accepted.status = InvitationStatus::Accepted;
        accepted.claim = None;
        accepted.version += 1;
        let invitation = Put::builder()
            .table_name(self.table())
            .set_item(Some(invitation_to_item(&accepted)))
            .condition_expression("#status = :accepting AND claim = :claim")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":accepting", s(InvitationStatus::Accepting.as_str()))
            .expression_attribute_values(":claim", s(&a.claim))
            .build()
            .expect("table and item are set");
        let mut actions = vec![
            TransactWriteItem::builder().put(invitation).build(),
            self.put_versioned(login_to_item(&a.login_after), a.login_before.version),
            self.customer_action(&a.customer),
            self.put_audit(&a.audit),
        ];
        if let Some(link) = &a.sub_link {
            actions.push(self.put_new(sub_link_to_item(link)));
        }
        actions.extend(self.customer_events(&a.customer));
        actions.extend(self.login_events(Some(&a.login_before), &a.login_after));
        Ok(self.transact(actions).await?)
    }

    async fn invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, Unexpected> {
        self.get_as((invitation_pk(id), INVITATION_SK), invitation_from_item)
            .await
    }

    async fn open_invitations(&self, now: Timestamp) -> Result<Vec<Invitation>, Unexpected> {
        let items = self
            .query_all(index::GSI2, "GSI2PK", PENDING_INVITATIONS)
            .await?;
        let mut found = Vec::new();
        for item in &items {
            let i = invitation_from_item(item)?;
            if i.status == InvitationStatus::Accepting || i.is_expired(now) {
                found.push(i);
            }
        }
        Ok(found)
    }
    async fn expire_invitation(&self, i: &Invitation) -> Result<bool, Unexpected> {
        self.update_if(UpdateIf {
            key: (invitation_pk(&i.invitation_id), INVITATION_SK),
            update: "SET #status = :expired, version = version + :one REMOVE GSI2PK, GSI2SK",
            condition: "#status = :pending AND version = :v",
            names: &[("#status", "status")],
            values: vec![
                (":expired", s(InvitationStatus::Expired.as_str())),
                (":pending", s(InvitationStatus::Pending.as_str())),
                (":one", n(1)),
                (":v", n(i.version)),
            ],
        })
        .await
    }
    async fn claim_of(&self, i: &Invitation) -> Result<Option<(String, Timestamp)>, Unexpected> {
        let Some(item) = self
            .get_item(invitation_pk(&i.invitation_id), INVITATION_SK)
            .await?
        else {
            return Ok(None);
        };
        let r = Reader(&item);
        match (r.opt_s("status"), r.opt_s("claim")) {
            (Some("accepting"), Some(claim)) => {
                Ok(r.opt_time("claimed_at")?.map(|at| (claim.to_owned(), at)))
            }
            _ => Ok(None),
        }
    }
}
