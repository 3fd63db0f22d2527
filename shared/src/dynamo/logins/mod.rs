//! Logins in the table: the login, its email guard, the pointer from its Cognito user, and an
//! account's members listed on GSI1. Invitations and email changes have their own modules.

mod email_changes;
mod invitations;
pub mod item;
mod links;
pub mod resets;

use super::DynamoStore;
use super::attr::{Reader, s};
use super::{customers, index};
use crate::customers::Customer;
use crate::domain::Email;
use crate::dynamo::keys::{
    CUSTOMER_SK, LOGIN_EMAIL_GUARD_SK, LOGIN_SK, SUB_SK, customer_members_pk, customer_pk,
    login_email_guard_pk, login_pk, sub_pk,
};
use crate::error::Unexpected;
use crate::ids::{CustomerId, LoginId};
use crate::logins::{
    Login, LoginAndAccount, LoginStatus, LoginStore, LoginStoreError, LoginWrite, Members,
    Provisioning, SubLink,
};
use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem};
use item::*;

super::write::tx_error_into!(LoginStoreError);

impl DynamoStore {
    /// The event items of a login's write (`crate::events::login_events`).
    fn login_events(&self, before: Option<&Login>, after: &Login) -> Vec<TransactWriteItem> {
        crate::events::login_events(before, after)
            .iter()
            .map(|e| self.put(super::events::to_item(e), None))
            .collect()
    }

    /// The events of the customer's part of a login transaction: its status change, if any.
    fn customer_events(
        &self,
        (before, after): &(Customer, Option<Customer>),
    ) -> Vec<TransactWriteItem> {
        after
            .iter()
            .flat_map(|after| crate::events::customer_events(Some(before), after))
            .map(|e| self.put(super::events::to_item(&e), None))
            .collect()
    }

    /// The customer's part of a login transaction: its status change, or a check that it is
    /// still not deleted.
    fn customer_action(&self, (before, after): &(Customer, Option<Customer>)) -> TransactWriteItem {
        match after {
            Some(after) => self.put_versioned(customers::item::to_item(after), before.version),
            None => {
                let check = ConditionCheck::builder()
                    .table_name(self.table())
                    .key("PK", s(customer_pk(&before.customer_id)))
                    .key("SK", s(CUSTOMER_SK))
                    .condition_expression("#status <> :deleted")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":deleted", s("deleted"))
                    .build()
                    .expect("table, key and condition are set");
                TransactWriteItem::builder().condition_check(check).build()
            }
        }
    }
}

#[async_trait::async_trait]
impl LoginStore for DynamoStore {
    async fn login(&self, id: &LoginId) -> Result<Option<Login>, Unexpected> {
        self.get_as((login_pk(id), LOGIN_SK), login_from_item).await
    }

    async fn sub_link(&self, sub: &str) -> Result<Option<SubLink>, Unexpected> {
        self.get_as((sub_pk(sub), SUB_SK), sub_link_from_item).await
    }

    async fn login_and_customer(
        &self,
        l: &LoginId,
        c: &CustomerId,
    ) -> Result<LoginAndAccount, Unexpected> {
        let login_key = (login_pk(l), LOGIN_SK.to_owned());
        let customer_key = (customer_pk(c), CUSTOMER_SK.to_owned());
        let found = self
            .batch_get(&[login_key.clone(), customer_key.clone()])
            .await?;
        Ok((
            found.get(&login_key).map(login_from_item).transpose()?,
            found
                .get(&customer_key)
                .map(customers::item::from_item)
                .transpose()?,
        ))
    }

    async fn members(&self, c: &CustomerId) -> Result<Members, Unexpected> {
        let mut logins = Vec::new();
        let mut invitations = Vec::new();
        let members = customer_members_pk(c);
        for item in &self.query_all(index::GSI1, "GSI1PK", &members).await? {
            match Reader(item).opt_s("type") {
                Some("login") => logins.push(login_from_item(item)?),
                Some("invitation") => invitations.push(invitation_from_item(item)?),
                _ => {}
            }
        }
        Ok((logins, invitations))
    }

    async fn login_email_taken(&self, email: &Email) -> Result<bool, Unexpected> {
        Ok(self
            .get_item(login_email_guard_pk(email), LOGIN_EMAIL_GUARD_SK)
            .await?
            .is_some())
    }

    async fn provision(&self, p: &Provisioning) -> Result<(), LoginStoreError> {
        let (mut actions, key_at) = self.keyed_actions(p.idempotency.as_ref());
        let guard_at = actions.len();
        actions.push(self.put_guard(email_guard(&p.login.email, &p.login.login_id)));
        actions.push(self.put_new(login_to_item(&p.login)));
        actions.push(self.customer_action(&p.customer));
        actions.push(self.put_audit(&p.audit));
        if let Some(link) = &p.sub_link {
            actions.push(self.put_new(sub_link_to_item(link)));
        }
        if let Some((i, token_hash)) = &p.invitation {
            actions.push(self.put_new(invitation_to_item(i)));
            actions.push(self.put_new(token_item(token_hash, i)));
        }
        if let Some(o) = &p.outbox {
            actions.push(self.put_outbox(o));
        }
        actions.extend(self.customer_events(&p.customer));
        actions.extend(self.login_events(None, &p.login));
        self.transact(actions).await.map_err(|e| match e {
            e if key_at.is_some_and(|k| e.failed(k)) => LoginStoreError::KeyTaken,
            e if e.failed(guard_at) => LoginStoreError::DuplicateEmail,
            e => e.into(),
        })
    }

    async fn write(&self, w: &LoginWrite) -> Result<(), LoginStoreError> {
        let mut actions = Vec::new();
        if let Some((before, after)) = &w.login {
            actions.push(self.put_versioned(login_to_item(after), before.version));
            if let Some(sub) = &after.cognito_sub {
                actions.push(self.put(
                    sub_link_to_item(&SubLink {
                        sub: sub.clone(),
                        login_id: after.login_id.clone(),
                        customer_id: after.customer_id.clone(),
                        status: after.status,
                    }),
                    None,
                ));
            }
            if after.status == LoginStatus::Deleted {
                actions.push(self.delete_guard(email_guard(&before.email, &before.login_id)));
            }
        }
        if let Some(i) = &w.new_invitation {
            actions.push(self.put_new(invitation_to_item(i)));
            actions.push(self.put_new(token_item(&i.token_hash, i)));
        }
        if let Some((before, after)) = &w.invitation {
            actions.push(self.put_versioned(invitation_to_item(after), before.version));
            if let Some(hash) = &w.new_token {
                actions.push(self.put_new(token_item(hash, after)));
            }
        }
        if let Some(c) = &w.email_change {
            actions.push(self.put_email_change(c));
        }
        let login_id = w.login.as_ref().map(|(l, _)| l.login_id.clone());
        let mut reserve_at = None;
        if let (Some(email), Some(id)) = (&w.reserve_email, &login_id) {
            reserve_at = Some(actions.len());
            actions.push(self.put_guard(email_guard(email, id)));
        }
        if let (Some(email), Some(id)) = (&w.release_email, &login_id) {
            actions.push(self.delete_guard(email_guard(email, id)));
        }
        if let Some(o) = &w.outbox {
            actions.push(self.put_outbox(o));
        }
        actions.push(self.put_audit(&w.audit));
        if let Some((before, after)) = &w.login {
            actions.extend(self.login_events(Some(before), after));
        }
        self.transact(actions).await.map_err(|e| match e {
            e if reserve_at.is_some_and(|r| e.failed(r)) => LoginStoreError::DuplicateEmail,
            e => e.into(),
        })
    }
}

impl DynamoStore {
    /// An email change's put: a new one must not exist; a confirmed one only if still pending
    /// and claimed by this confirmation.
    fn put_email_change(&self, c: &crate::logins::EmailChange) -> TransactWriteItem {
        let mut put = Put::builder()
            .table_name(self.table())
            .set_item(Some(email_change_to_item(c)));
        put = match (&c.claim, c.confirmed) {
            (Some(claim), true) => put
                .condition_expression("#status = :pending AND claim = :claim")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":pending", s("pending"))
                .expression_attribute_values(":claim", s(&claim.id)),
            _ => put.condition_expression("attribute_not_exists(PK)"),
        };
        TransactWriteItem::builder()
            .put(put.build().expect("table and item are set"))
            .build()
    }
}
