use super::DynamoStore;
use super::attr::{Item, n, s};
use crate::customers::{
    Customer, CustomerId, CustomerStore, IdempotencyStore, StoreError, item as customer_item,
};
use crate::domain::{Email, Timestamp};
use crate::idempotency::IdempotencyRecord;
use crate::logins::item::*;
use crate::logins::{
    Acceptance, Invitation, InvitationStatus, Login, LoginId, LoginStore, LoginStoreError,
    Provisioning, SubLink,
};
use crate::logins::{EmailChange, InvitationId, LoginStatus, LoginWrite};
use crate::store::Unexpected;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};

impl DynamoStore {
    fn put_versioned(&self, item: Item, expected_version: u64) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", n(expected_version))
            .build()
            .expect("table and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    /// The customer's part of a login transaction: its status change, or a check that it is
    /// still not deleted.
    fn customer_action(&self, (before, after): &(Customer, Option<Customer>)) -> TransactWriteItem {
        match after {
            Some(after) => self.put_versioned(customer_item::to_item(after), before.version),
            None => {
                let check = aws_sdk_dynamodb::types::ConditionCheck::builder()
                    .table_name(self.table())
                    .key("PK", s(customer_item::pk(&before.customer_id)))
                    .key("SK", s(customer_item::SK))
                    .condition_expression("#status <> :deleted")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":deleted", s("deleted"))
                    .build()
                    .expect("table, key and condition are set");
                TransactWriteItem::builder().condition_check(check).build()
            }
        }
    }

    async fn transact(
        &self,
        actions: Vec<TransactWriteItem>,
        on_condition: impl FnOnce(&[usize]) -> Option<StoreError>,
    ) -> Result<(), LoginStoreError> {
        self.transact_write(actions, on_condition)
            .await
            .map_err(|e| match e {
                StoreError::DuplicateEmail => LoginStoreError::DuplicateEmail,
                StoreError::KeyTaken => LoginStoreError::KeyTaken,
                StoreError::Contention => LoginStoreError::Contention,
                StoreError::Unexpected(u) => LoginStoreError::Unexpected(u),
                _ => LoginStoreError::Stale,
            })
    }
}

#[async_trait::async_trait]
impl LoginStore for DynamoStore {
    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected> {
        CustomerStore::get(self, id).await
    }

    async fn login_email_taken(&self, email: &Email) -> Result<bool, Unexpected> {
        Ok(self
            .get_item(email_guard_pk(email), EMAIL_GUARD_SK)
            .await?
            .is_some())
    }

    async fn provision(&self, p: &Provisioning) -> Result<(), LoginStoreError> {
        let mut actions = Vec::new();
        let key_at = p.idempotency.as_ref().map(|r| {
            actions.push(self.put_idempotency(r));
            actions.len() - 1
        });
        let guard_at = actions.len();
        actions.push(self.put_new(email_guard_item(&p.login)));
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
        self.transact(actions, |failed| {
            if key_at.is_some_and(|k| failed.contains(&k)) {
                Some(StoreError::KeyTaken)
            } else if failed.contains(&guard_at) {
                Some(StoreError::DuplicateEmail)
            } else {
                Some(StoreError::Stale)
            }
        })
        .await
    }

    async fn invitation_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<Invitation>, Unexpected> {
        let Some(token) = self.get_item(token_pk(token_hash), TOKEN_SK).await? else {
            return Ok(None);
        };
        let token = super::attr::Reader(&token);
        let invitation_id = InvitationId::parse(token.s("invitation_id")?)
            .ok_or_else(|| Unexpected::new("an invitation token item names no invitation id"))?;
        let invitation_key = (invitation_pk(&invitation_id), INVITATION_SK.to_owned());
        let ids = token
            .opt_s("login_id")
            .and_then(LoginId::parse)
            .zip(token.opt_s("customer_id").and_then(CustomerId::parse));
        let Some((login, customer)) = ids else {
            let Some(item) = self.get_item(invitation_key.0, INVITATION_SK).await? else {
                return Ok(None);
            };
            return invitation_from_item(&item).map(Some);
        };
        let login_key = (login_pk(&login), LOGIN_SK.to_owned());
        let customer_key = (customer_item::pk(&customer), customer_item::SK.to_owned());
        let mut found = self
            .batch_get(&[
                invitation_key.clone(),
                login_key.clone(),
                customer_key.clone(),
            ])
            .await?;
        let invitation = found.remove(&invitation_key);
        super::read_ahead::stash([
            (login_key.clone(), found.remove(&login_key)),
            (customer_key.clone(), found.remove(&customer_key)),
        ]);
        invitation.as_ref().map(invitation_from_item).transpose()
    }

    async fn claim_invitation(
        &self,
        i: &Invitation,
        claim: &str,
        now: Timestamp,
    ) -> Result<(), LoginStoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(invitation_pk(&i.invitation_id)))
            .key("SK", s(INVITATION_SK))
            .update_expression("SET #status = :accepting, claim = :claim, claimed_at = :now")
            .condition_expression("#status = :pending AND token_hash = :hash AND expires_at > :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":accepting", s(InvitationStatus::Accepting.as_str()))
            .expression_attribute_values(":pending", s(InvitationStatus::Pending.as_str()))
            .expression_attribute_values(":claim", s(claim))
            .expression_attribute_values(":hash", s(&i.token_hash))
            .expression_attribute_values(":now", s(now.to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Err(LoginStoreError::Stale)
            }
            Err(e) => Err(Unexpected::new(DisplayErrorContext(e)).into()),
        }
    }

    async fn release_invitation(&self, i: &Invitation, claim: &str) -> Result<(), Unexpected> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(invitation_pk(&i.invitation_id)))
            .key("SK", s(INVITATION_SK))
            .update_expression("SET #status = :pending REMOVE claim, claimed_at")
            .condition_expression("#status = :accepting AND claim = :claim")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":accepting", s(InvitationStatus::Accepting.as_str()))
            .expression_attribute_values(":pending", s(InvitationStatus::Pending.as_str()))
            .expression_attribute_values(":claim", s(claim))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(Unexpected::new(DisplayErrorContext(e))),
        }
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
        self.transact(actions, |_| Some(StoreError::Stale)).await
    }

    async fn login(&self, id: &LoginId) -> Result<Option<Login>, Unexpected> {
        self.get_item(login_pk(id), LOGIN_SK)
            .await?
            .as_ref()
            .map(login_from_item)
            .transpose()
    }

    async fn sub_link(&self, sub: &str) -> Result<Option<SubLink>, Unexpected> {
        self.get_item(sub_pk(sub), SUB_SK)
            .await?
            .as_ref()
            .map(sub_link_from_item)
            .transpose()
    }

    async fn login_and_customer(
        &self,
        l: &LoginId,
        c: &CustomerId,
    ) -> Result<(Option<Login>, Option<Customer>), Unexpected> {
        let login_key = (login_pk(l), LOGIN_SK.to_owned());
        let customer_key = (customer_item::pk(c), customer_item::SK.to_owned());
        let found = self
            .batch_get(&[login_key.clone(), customer_key.clone()])
            .await?;
        Ok((
            found.get(&login_key).map(login_from_item).transpose()?,
            found
                .get(&customer_key)
                .map(customer_item::from_item)
                .transpose()?,
        ))
    }

    async fn members(&self, c: &CustomerId) -> Result<(Vec<Login>, Vec<Invitation>), Unexpected> {
        let mut logins = Vec::new();
        let mut invitations = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(super::index::GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(":pk", s(customer_members_pk(c)))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| Unexpected::new(DisplayErrorContext(e)))?;
            for item in out.items() {
                match super::attr::Reader(item).opt_s("type") {
                    Some("login") => logins.push(login_from_item(item)?),
                    Some("invitation") => invitations.push(invitation_from_item(item)?),
                    _ => {}
                }
            }
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok((logins, invitations)),
            }
        }
    }

    async fn invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, Unexpected> {
        self.get_item(invitation_pk(id), INVITATION_SK)
            .await?
            .as_ref()
            .map(invitation_from_item)
            .transpose()
    }

    async fn open_invitations(&self, now: Timestamp) -> Result<Vec<Invitation>, Unexpected> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(super::index::GSI2)
                .key_condition_expression("GSI2PK = :p")
                .expression_attribute_values(":p", s(PENDING_INVITATIONS))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| Unexpected::new(DisplayErrorContext(e)))?;
            for item in out.items() {
                let i = invitation_from_item(item)?;
                if i.status == InvitationStatus::Accepting || i.is_expired(now) {
                    found.push(i);
                }
            }
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(found),
            }
        }
    }

    async fn expire_invitation(&self, i: &Invitation) -> Result<bool, Unexpected> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(invitation_pk(&i.invitation_id)))
            .key("SK", s(INVITATION_SK))
            .update_expression(
                "SET #status = :expired, version = version + :one REMOVE GSI2PK, GSI2SK",
            )
            .condition_expression("#status = :pending AND version = :v")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":expired", s(InvitationStatus::Expired.as_str()))
            .expression_attribute_values(":pending", s(InvitationStatus::Pending.as_str()))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":v", n(i.version))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(Unexpected::new(DisplayErrorContext(e))),
        }
    }

    async fn claim_of(&self, i: &Invitation) -> Result<Option<(String, Timestamp)>, Unexpected> {
        let Some(item) = self
            .get_item(invitation_pk(&i.invitation_id), INVITATION_SK)
            .await?
        else {
            return Ok(None);
        };
        let r = super::attr::Reader(&item);
        match (r.opt_s("status"), r.opt_s("claim"), r.opt_s("claimed_at")) {
            (Some("accepting"), Some(claim), Some(at)) => Ok(Some((
                claim.to_owned(),
                Timestamp::parse(at).map_err(Unexpected::new)?,
            ))),
            _ => Ok(None),
        }
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
                let guard = Delete::builder()
                    .table_name(self.table())
                    .key("PK", s(email_guard_pk(&before.email)))
                    .key("SK", s(EMAIL_GUARD_SK))
                    .condition_expression("login_id = :id")
                    .expression_attribute_values(":id", s(before.login_id.as_str()))
                    .build()
                    .expect("table and key are set");
                actions.push(TransactWriteItem::builder().delete(guard).build());
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
            let condition = if c.confirmed {
                "#status = :pending"
            } else {
                "attribute_not_exists(PK)"
            };
            let mut put = Put::builder()
                .table_name(self.table())
                .set_item(Some(email_change_to_item(c)))
                .condition_expression(condition);
            if c.confirmed {
                put = put
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":pending", s("pending"));
            }
            actions.push(
                TransactWriteItem::builder()
                    .put(put.build().expect("table and item are set"))
                    .build(),
            );
        }
        let login_id = w.login.as_ref().map(|(l, _)| l.login_id.clone());
        let mut reserve_at = None;
        if let (Some(email), Some(id)) = (&w.reserve_email, &login_id) {
            reserve_at = Some(actions.len());
            actions.push(self.put_new(Item::from([
                ("PK".to_owned(), s(email_guard_pk(email))),
                ("SK".to_owned(), s(EMAIL_GUARD_SK)),
                ("type".to_owned(), s("login_email")),
                ("login_id".to_owned(), s(id.as_str())),
            ])));
        }
        if let (Some(email), Some(id)) = (&w.release_email, &login_id) {
            let guard = Delete::builder()
                .table_name(self.table())
                .key("PK", s(email_guard_pk(email)))
                .key("SK", s(EMAIL_GUARD_SK))
                .condition_expression("login_id = :id")
                .expression_attribute_values(":id", s(id.as_str()))
                .build()
                .expect("table and key are set");
            actions.push(TransactWriteItem::builder().delete(guard).build());
        }
        if let Some(o) = &w.outbox {
            actions.push(self.put_outbox(o));
        }
        actions.push(self.put_audit(&w.audit));
        self.transact(actions, |failed| {
            if reserve_at.is_some_and(|r| failed.contains(&r)) {
                Some(StoreError::DuplicateEmail)
            } else {
                Some(StoreError::Stale)
            }
        })
        .await
    }

    async fn email_change(&self, token_hash: &str) -> Result<Option<EmailChange>, Unexpected> {
        self.get_item(email_change_pk(token_hash), EMAIL_CHANGE_SK)
            .await?
            .as_ref()
            .map(email_change_from_item)
            .transpose()
    }

    async fn find_idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, Unexpected> {
        IdempotencyStore::find_idempotency(self, scope).await
    }
}
