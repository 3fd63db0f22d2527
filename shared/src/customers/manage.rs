//! The customer use cases: create, read, list, change, tag and delete an account.

use super::{
    Customer, CustomerChange, CustomerFilter, CustomerStatus, CustomerStore, CustomerStoreError,
    NewCustomer, TagAction, TagChange, Tagging,
};
use crate::actor::Principal;
use crate::audit::{AuditEntry, Audited};
use crate::catalog::CatalogStore;
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::idempotency::{
    self, Idempotency, IdempotencyStore, KeyReusedWithOtherRequest, Refused, Written,
};
use crate::ids::{CustomerId, TeamId, TierId};
use crate::page::{Page, PageRequest};
use crate::reads::{ItemRef, Reads};
use crate::retry::{self, Attempt};
use crate::teams::TeamStore;
use serde_json::json;

/// Whether `tier`, if one is named, exists.
async fn tier_exists<S: CatalogStore>(
    store: &S,
    tier: Option<&TierId>,
) -> Result<bool, Unexpected> {
    match tier {
        Some(id) => Ok(store.tier(id).await?.is_some()),
        None => Ok(true),
    }
}

/// Whether `team`, if one is named, exists.
async fn team_exists<S: TeamStore>(store: &S, team: Option<&TeamId>) -> Result<bool, Unexpected> {
    match team {
        Some(id) => Ok(store.teams().await?.get(id).is_some()),
        None => Ok(true),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateCustomerError {
    #[error("another customer has this email")]
    DuplicateEmail,
    #[error("no such price tier")]
    UnknownTier,
    #[error("no such team")]
    UnknownTeam,
    #[error(transparent)]
    KeyReused(#[from] KeyReusedWithOtherRequest),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Creates a customer account in status `pending`.
#[tracing::instrument(skip_all, fields(email = %input.email))]
pub async fn create_customer<S: CustomerStore + IdempotencyStore + CatalogStore + TeamStore>(
    store: &S,
    admin: &Principal,
    input: NewCustomer,
    idempotency: Option<&Idempotency>,
) -> Result<Written<Customer>, CreateCustomerError> {
    if let Some(first) =
        idempotency::replay_of::<_, CreateCustomerError>(store, idempotency).await?
    {
        return Ok(Written::Replayed(first));
    }
    if !tier_exists(store, input.price_tier_id.as_ref()).await? {
        return Err(CreateCustomerError::UnknownTier);
    }
    if !team_exists(store, input.fulfillment_team_id.as_ref()).await? {
        return Err(CreateCustomerError::UnknownTeam);
    }
    let now = Timestamp::now();
    let customer = Customer {
        customer_id: CustomerId::generate(),
        name: input.name,
        email: input.email,
        phone: input.phone,
        address: input.address,
        status: CustomerStatus::Pending,
        ordering_enabled: input.ordering_enabled,
        price_tier_id: input.price_tier_id,
        tags: input.tags,
        fulfillment_team: input.fulfillment_team,
        fulfillment_team_id: input.fulfillment_team_id,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let audit = AuditEntry::by_admin(
        admin,
        now,
        "customer.created",
        Some(&customer.customer_id),
        json!({ "name": customer.name, "email": customer.email }),
    );
    let record = idempotency.map(|i| i.created(&customer, now));
    let (customer, audit, record) = (&customer, &audit, record.as_ref());
    idempotency::write_once(store, idempotency, || async move {
        match store.put(Audited::new(customer, audit), record).await {
            Ok(()) => Ok(customer.clone()),
            Err(CustomerStoreError::DuplicateEmail) => {
                Err(Refused::Condition(CreateCustomerError::DuplicateEmail))
            }
            Err(CustomerStoreError::TeamGone) => {
                Err(Refused::Condition(CreateCustomerError::UnknownTeam))
            }
            Err(CustomerStoreError::KeyTaken) => Err(Refused::KeyTaken),
            Err(CustomerStoreError::Contention) => Err(Refused::Contended),
            Err(e) => Err(Refused::Failed(unexpected(e).into())),
        }
    })
    .await
}

fn unexpected(e: CustomerStoreError) -> Unexpected {
    match e {
        CustomerStoreError::Unexpected(u) => u,
        other => Unexpected::caused_by("the customer store refused a write", other),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GetCustomerError {
    #[error("no such customer")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// What [`get_customer`] reads by key.
pub fn customer_reads(id: &CustomerId) -> Reads {
    Reads::of([ItemRef::Customer(id.clone())])
}

/// Reads one customer, deleted ones included.
pub async fn get_customer<S: CustomerStore>(
    store: &S,
    id: &CustomerId,
) -> Result<Customer, GetCustomerError> {
    store.customer(id).await?.ok_or(GetCustomerError::NotFound)
}

/// Why nothing new can be added to an account: logins, carts and orders an admin adds on a
/// customer's behalf need one that exists and is not deleted.
#[derive(Debug, thiserror::Error)]
pub enum ClosedAccount {
    #[error("no such customer")]
    NotFound,
    #[error("the customer is deleted")]
    Deleted,
}

/// The account `id`, if it is open to new logins, carts and orders.
pub async fn open_account<S, E>(store: &S, id: &CustomerId) -> Result<Customer, E>
where
    S: CustomerStore,
    E: From<ClosedAccount> + From<Unexpected>,
{
    match store.customer(id).await? {
        None => Err(ClosedAccount::NotFound.into()),
        Some(c) if c.is_deleted() => Err(ClosedAccount::Deleted.into()),
        Some(c) => Ok(c),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ListCustomersError {
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// One page of customers in name order, filtered.
pub async fn list_customers<S: CustomerStore>(
    store: &S,
    filter: &CustomerFilter,
    page: &PageRequest,
) -> Result<Page<Customer>, ListCustomersError> {
    match store.list(filter, page).await {
        Ok(p) => Ok(p),
        Err(CustomerStoreError::BadCursor) => Err(ListCustomersError::BadCursor),
        Err(e) => Err(unexpected(e).into()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateCustomerError {
    #[error("no such customer")]
    NotFound,
    #[error("no such price tier")]
    UnknownTier,
    #[error("no such team")]
    UnknownTeam,
    #[error("a deleted customer cannot be changed")]
    Deleted,
    #[error("the customer was changed meanwhile (version {current})")]
    Stale { current: u64 },
    #[error("another customer has this email")]
    DuplicateEmail,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Applies a change. Without an expected version a concurrent write is retried on the fresh
/// state; with one, it is a conflict.
#[tracing::instrument(skip_all, fields(customer_id = %id))]
pub async fn update_customer<S: CustomerStore + CatalogStore + TeamStore>(
    store: &S,
    admin: &Principal,
    id: &CustomerId,
    change: &CustomerChange,
) -> Result<Customer, UpdateCustomerError> {
    if let Some(tier) = &change.price_tier_id
        && !tier_exists(store, tier.as_ref()).await?
    {
        return Err(UpdateCustomerError::UnknownTier);
    }
    if let Some(team) = &change.fulfillment_team_id
        && !team_exists(store, team.as_ref()).await?
    {
        return Err(UpdateCustomerError::UnknownTeam);
    }
    retry::on_contention("the customer update", |_| async move {
        let before = match store.customer(id).await {
            Ok(Some(c)) if c.is_deleted() => {
                return Attempt::Failed(UpdateCustomerError::Deleted);
            }
            Ok(Some(c)) => c,
            Ok(None) => return Attempt::Failed(UpdateCustomerError::NotFound),
            Err(e) => return Attempt::Failed(e.into()),
        };
        if let Some(expected) = change.expected_version
            && expected != before.version
        {
            return Attempt::Failed(UpdateCustomerError::Stale {
                current: before.version,
            });
        }
        let now = Timestamp::now();
        let after = change.apply(&before, now);
        let audit = AuditEntry::by_admin(
            admin,
            now,
            "customer.updated",
            Some(id),
            diff(&before, &after),
        );
        match store
            .put(Audited::replacing(&before, &after, &audit), None)
            .await
        {
            Ok(()) => Attempt::Done(after),
            Err(CustomerStoreError::DuplicateEmail) => {
                Attempt::Failed(UpdateCustomerError::DuplicateEmail)
            }
            Err(CustomerStoreError::TeamGone) => Attempt::Failed(UpdateCustomerError::UnknownTeam),
            Err(CustomerStoreError::Contention) => Attempt::Contended,
            Err(CustomerStoreError::Stale) if change.expected_version.is_none() => {
                Attempt::Contended
            }
            Err(CustomerStoreError::Stale) => Attempt::Failed(UpdateCustomerError::Stale {
                current: before.version + 1,
            }),
            Err(e) => Attempt::Failed(unexpected(e).into()),
        }
    })
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteCustomerError {
    #[error("no such customer")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Marks a customer deleted: it keeps its orders, leaves the live directory and frees its email.
/// Deleting a deleted customer changes nothing.
#[tracing::instrument(skip_all, fields(customer_id = %id))]
pub async fn delete_customer<S: CustomerStore>(
    store: &S,
    admin: &Principal,
    id: &CustomerId,
) -> Result<(), DeleteCustomerError> {
    retry::on_contention("the customer delete", |_| async move {
        let before = match store.customer(id).await {
            Ok(Some(c)) if c.is_deleted() => return Attempt::Done(()),
            Ok(Some(c)) => c,
            Ok(None) => return Attempt::Failed(DeleteCustomerError::NotFound),
            Err(e) => return Attempt::Failed(e.into()),
        };
        let now = Timestamp::now();
        let mut after = before.clone();
        after.status = CustomerStatus::Deleted;
        after.updated_at = now;
        after.version += 1;
        let audit = AuditEntry::by_admin(admin, now, "customer.deleted", Some(id), json!({}));
        match store
            .put(Audited::replacing(&before, &after, &audit), None)
            .await
        {
            Ok(()) => Attempt::Done(()),
            Err(CustomerStoreError::Stale | CustomerStoreError::Contention) => Attempt::Contended,
            Err(e) => Attempt::Failed(unexpected(e).into()),
        }
    })
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum BulkTagError {
    #[error("customers not found: {0:?}")]
    NotFound(Vec<CustomerId>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Adds or removes one tag on up to [`super::MAX_BULK_TAG`] customers at once, all or none.
#[tracing::instrument(skip_all, fields(tag = %change.tag.as_str(), n = change.customer_ids.len()))]
pub async fn bulk_tag<S: CustomerStore>(
    store: &S,
    admin: &Principal,
    change: &TagChange,
) -> Result<usize, BulkTagError> {
    let now = Timestamp::now();
    let action = match change.action {
        TagAction::Add => "customer.tag_added",
        TagAction::Remove => "customer.tag_removed",
    };
    let audits: Vec<AuditEntry> = change
        .customer_ids
        .iter()
        .map(|id| AuditEntry::by_admin(admin, now, action, Some(id), json!({ "tag": change.tag })))
        .collect();
    let audits = &audits;
    retry::on_contention("the tagging", |_| async move {
        let w = Tagging {
            change,
            at: now,
            audits,
        };
        match store.tag(w).await {
            Ok(()) => Attempt::Done(change.customer_ids.len()),
            Err(CustomerStoreError::Missing(ids)) => Attempt::Failed(BulkTagError::NotFound(ids)),
            Err(CustomerStoreError::Contention) => Attempt::Contended,
            Err(e) => Attempt::Failed(unexpected(e).into()),
        }
    })
    .await
}

/// The fields that differ, as `{field: {from, to}}`.
fn diff(before: &Customer, after: &Customer) -> serde_json::Value {
    let (b, a) = (
        serde_json::to_value(before).expect("serialises"),
        serde_json::to_value(after).expect("serialises"),
    );
    let mut out = serde_json::Map::new();
    for (k, v) in a.as_object().expect("an object") {
        if matches!(k.as_str(), "updated_at" | "version") {
            continue;
        }
        if b.get(k) != Some(v) {
            out.insert(k.clone(), json!({ "from": b.get(k), "to": v }));
        }
    }
    serde_json::Value::Object(out)
}
