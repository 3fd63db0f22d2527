//! Customer accounts: what admins create, search, tag, change and delete.

pub mod item;
mod model;

pub use model::*;

use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::domain::{Email, FieldError, Timestamp, Validator};
use crate::idempotency::{
    Idempotency, IdempotencyRecord, KeyReusedWithOtherRequest, StoredResponse,
};
use crate::page::{Page, PageRequest};
use crate::store::Unexpected;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeSet;

/// Most customers one bulk-tag request may name: each needs an update and an audit entry in
/// one transaction of at most 100 actions.
pub const MAX_BULK_TAG: usize = 50;

// ---------------------------------------------------------------------------------------------
// Input, as clients send it. Converted once into domain types.

/// Body of `POST /admin/customers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerBody {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<Address>,
    #[serde(default)]
    pub price_tier_id: Option<String>,
    #[serde(default)]
    pub ordering_enabled: Option<bool>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub fulfillment_team: Option<String>,
}

/// Body of `PATCH /admin/customers/{id}`: absent leaves a field alone, `null` clears it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub address: Option<Option<Address>>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub price_tier_id: Option<Option<String>>,
    #[serde(default)]
    pub ordering_enabled: Option<bool>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub fulfillment_team: Option<Option<String>>,
    /// When given, the change applies only to this version (optimistic concurrency).
    #[serde(default)]
    pub version: Option<u64>,
}

/// Body of `POST /admin/customers/tags`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkTagBody {
    pub tag: String,
    pub customer_ids: Vec<String>,
    pub action: String,
}

/// A validated new customer.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: CustomerName,
    pub email: Email,
    pub phone: Option<Phone>,
    pub address: Option<Address>,
    pub price_tier_id: Option<Reference>,
    pub ordering_enabled: bool,
    pub tags: BTreeSet<Tag>,
    pub fulfillment_team: Option<Reference>,
}

/// A price tier id, in the shape the catalogue makes them.
fn tier_reference(raw: &str) -> Result<Reference, String> {
    crate::catalog::TierId::parse(raw.trim())
        .and_then(|t| Reference::parse(t.as_str()).ok())
        .ok_or_else(|| "is not a price tier id (tier_…)".to_owned())
}

/// Whether the customer's tier, if it names one, exists.
async fn tier_exists<S: crate::catalog::CatalogStore>(
    store: &S,
    tier: Option<&Reference>,
) -> Result<bool, Unexpected> {
    match tier.and_then(|t| crate::catalog::TierId::parse(t.as_str())) {
        Some(id) => Ok(store.tier(&id).await?.is_some()),
        None => Ok(true),
    }
}

fn tags(v: &mut Validator, raw: &[String]) -> BTreeSet<Tag> {
    if raw.len() > 50 {
        v.push("tags", "must have at most 50 tags");
    }
    raw.iter()
        .enumerate()
        .filter_map(|(i, t)| v.check(&format!("tags[{i}]"), Tag::parse(t)))
        .collect()
}

fn address(v: &mut Validator, a: Address) -> Option<Address> {
    match a.validated() {
        Ok(a) => Some(a),
        Err(errors) => {
            for (field, message) in errors {
                v.push(field, message);
            }
            None
        }
    }
}

impl TryFrom<CreateCustomerBody> for NewCustomer {
    type Error = Vec<FieldError>;

    fn try_from(body: CreateCustomerBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let name = v.check("name", CustomerName::parse(&body.name));
        let email = v.check("email", Email::parse(&body.email));
        let phone = body
            .phone
            .as_deref()
            .and_then(|p| v.check("phone", Phone::parse(p)));
        let address = body.address.and_then(|a| address(&mut v, a));
        let price_tier_id = body
            .price_tier_id
            .as_deref()
            .and_then(|t| v.check("price_tier_id", tier_reference(t)));
        let fulfillment_team = body
            .fulfillment_team
            .as_deref()
            .and_then(|t| v.check("fulfillment_team", Reference::parse(t)));
        let tags = tags(&mut v, body.tags.as_deref().unwrap_or_default());
        v.finish(|| NewCustomer {
            name: name.expect("checked"),
            email: email.expect("checked"),
            phone,
            address,
            price_tier_id,
            ordering_enabled: body.ordering_enabled.unwrap_or(false),
            tags,
            fulfillment_team,
        })
    }
}

/// A validated change to a customer.
#[derive(Debug, Clone, Default)]
pub struct CustomerChange {
    pub name: Option<CustomerName>,
    pub email: Option<Email>,
    pub phone: Option<Option<Phone>>,
    pub address: Option<Option<Address>>,
    pub price_tier_id: Option<Option<Reference>>,
    pub ordering_enabled: Option<bool>,
    pub tags: Option<BTreeSet<Tag>>,
    pub fulfillment_team: Option<Option<Reference>>,
    pub expected_version: Option<u64>,
}

impl TryFrom<UpdateCustomerBody> for CustomerChange {
    type Error = Vec<FieldError>;

    fn try_from(body: UpdateCustomerBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let name = body
            .name
            .as_deref()
            .and_then(|n| v.check("name", CustomerName::parse(n)));
        let email = body
            .email
            .as_deref()
            .and_then(|e| v.check("email", Email::parse(e)));
        let phone = body
            .phone
            .map(|p| p.and_then(|p| v.check("phone", Phone::parse(&p))));
        let address = body.address.map(|a| a.and_then(|a| address(&mut v, a)));
        let price_tier_id = body
            .price_tier_id
            .map(|t| t.and_then(|t| v.check("price_tier_id", tier_reference(&t))));
        let fulfillment_team = body
            .fulfillment_team
            .map(|t| t.and_then(|t| v.check("fulfillment_team", Reference::parse(&t))));
        let tags = body.tags.map(|t| tags(&mut v, &t));
        v.finish(|| CustomerChange {
            name,
            email,
            phone,
            address,
            price_tier_id,
            ordering_enabled: body.ordering_enabled,
            tags,
            fulfillment_team,
            expected_version: body.version,
        })
    }
}

impl CustomerChange {
    fn apply(&self, c: &Customer, now: Timestamp) -> Customer {
        let mut next = c.clone();
        if let Some(v) = &self.name {
            next.name = v.clone();
        }
        if let Some(v) = &self.email {
            next.email = v.clone();
        }
        if let Some(v) = &self.phone {
            next.phone = v.clone();
        }
        if let Some(v) = &self.address {
            next.address = v.clone();
        }
        if let Some(v) = &self.price_tier_id {
            next.price_tier_id = v.clone();
        }
        if let Some(v) = self.ordering_enabled {
            next.ordering_enabled = v;
        }
        if let Some(v) = &self.tags {
            next.tags = v.clone();
        }
        if let Some(v) = &self.fulfillment_team {
            next.fulfillment_team = v.clone();
        }
        next.updated_at = now;
        next.version = c.version + 1;
        next
    }
}

/// Adding or removing a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagAction {
    Add,
    Remove,
}

/// A validated bulk tag request.
#[derive(Debug, Clone)]
pub struct TagChange {
    pub tag: Tag,
    pub action: TagAction,
    pub customer_ids: Vec<CustomerId>,
}

impl TryFrom<BulkTagBody> for TagChange {
    type Error = Vec<FieldError>;

    fn try_from(body: BulkTagBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let tag = v.check("tag", Tag::parse(&body.tag));
        let action = match body.action.as_str() {
            "add" => Some(TagAction::Add),
            "remove" => Some(TagAction::Remove),
            _ => {
                v.push("action", "must be add or remove");
                None
            }
        };
        if body.customer_ids.is_empty() || body.customer_ids.len() > MAX_BULK_TAG {
            v.push(
                "customer_ids",
                format!("must name 1 to {MAX_BULK_TAG} customers"),
            );
        }
        let mut seen = BTreeSet::new();
        let mut customer_ids = Vec::new();
        for (i, raw) in body.customer_ids.iter().enumerate() {
            match CustomerId::parse(raw) {
                Some(id) if seen.insert(id.clone()) => customer_ids.push(id),
                Some(_) => v.push(format!("customer_ids[{i}]"), "is named twice"),
                None => v.push(format!("customer_ids[{i}]"), "is not a customer id"),
            }
        }
        v.finish(|| TagChange {
            tag: tag.expect("checked"),
            action: action.expect("checked"),
            customer_ids,
        })
    }
}

/// What a listing selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// Case-folded text that the name or the email must contain.
    pub q: Option<String>,
    pub tag: Option<Tag>,
    /// `None` lists every customer that is not deleted.
    pub status: Option<CustomerStatus>,
}

impl CustomerFilter {
    /// Builds a filter from the query string's raw values.
    pub fn parse(
        q: Option<&str>,
        tag: Option<&str>,
        status: Option<&str>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let q = q.map(str::trim).filter(|q| !q.is_empty()).and_then(|q| {
            if q.chars().count() > 100 {
                v.push("q", "must be at most 100 characters");
                None
            } else {
                Some(q.to_lowercase())
            }
        });
        let tag = tag.and_then(|t| v.check("tag", Tag::parse(t)));
        let status = status.and_then(|s| v.check("status", CustomerStatus::parse(s)));
        v.finish(|| CustomerFilter { q, tag, status })
    }
}

// ---------------------------------------------------------------------------------------------
// Ports.

/// Why the store refused a write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the customer changed since it was read, or does not exist")]
    Stale,
    #[error("another customer has this email")]
    DuplicateEmail,
    #[error("the idempotency key was taken meanwhile")]
    KeyTaken,
    #[error("customers not found: {0:?}")]
    Missing(Vec<CustomerId>),
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error("another write to the same items was under way; try again")]
    Contention,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// How often a use case retries a write that met contention, and how long it waits.
const ATTEMPTS: u32 = 5;

async fn back_off(attempt: u32) {
    tokio::time::sleep(std::time::Duration::from_millis(u64::from(
        10 + attempt * 25,
    )))
    .await;
}

/// Where customers are kept.
#[async_trait::async_trait]
pub trait CustomerStore: Send + Sync {
    /// Writes a new customer, its email guard, the audit entry and the idempotency record, all or none.
    async fn insert(
        &self,
        customer: &Customer,
        audit: &AuditEntry,
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError>;

    async fn get(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected>;

    /// Replaces `before` by `after` if `before` is still the stored version, moving the email
    /// guard when the email changed and releasing it when the customer is deleted.
    async fn replace(
        &self,
        before: &Customer,
        after: &Customer,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// One page of the directory, in name order.
    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, StoreError>;

    /// Adds or removes a tag on every named customer that is not deleted, all or none.
    async fn tag(
        &self,
        change: &TagChange,
        now: Timestamp,
        audits: &[AuditEntry],
    ) -> Result<(), StoreError>;
}

/// Where idempotency records are kept.
#[async_trait::async_trait]
pub trait IdempotencyStore: Send + Sync {
    async fn find_idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, Unexpected>;
}

// ---------------------------------------------------------------------------------------------
// Use cases.

/// A create that either made something new or replayed the first answer to the same key.
#[derive(Debug)]
pub enum Created<T> {
    New(T),
    Replayed(StoredResponse),
}

#[derive(Debug, thiserror::Error)]
pub enum CreateCustomerError {
    #[error("another customer has this email")]
    DuplicateEmail,
    #[error("no such price tier")]
    UnknownTier,
    #[error(transparent)]
    KeyReused(#[from] KeyReusedWithOtherRequest),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Creates a customer account in status `pending`.
#[tracing::instrument(skip_all, fields(email = %input.email))]
pub async fn create_customer<S: CustomerStore + IdempotencyStore + crate::catalog::CatalogStore>(
    store: &S,
    admin: &Principal,
    input: NewCustomer,
    idempotency: Option<&Idempotency>,
) -> Result<Created<Customer>, CreateCustomerError> {
    if !tier_exists(store, input.price_tier_id.as_ref()).await? {
        return Err(CreateCustomerError::UnknownTier);
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
    let record = idempotency.map(|i| {
        i.record(
            201,
            serde_json::to_string(&customer).expect("serialises"),
            now,
        )
    });
    for attempt in 0..ATTEMPTS {
        if let Some(idem) = idempotency
            && let Some(earlier) = store.find_idempotency(idem.scope()).await?
        {
            return Ok(Created::Replayed(idem.replay(&earlier)?));
        }
        match store.insert(&customer, &audit, record.as_ref()).await {
            Ok(()) => return Ok(Created::New(customer)),
            // DynamoDB may report only the first failed condition, so a twin request that
            // won with the same key can look like a duplicate email: the record decides.
            Err(StoreError::DuplicateEmail) => {
                if let Some(idem) = idempotency
                    && let Some(earlier) = store.find_idempotency(idem.scope()).await?
                {
                    return Ok(Created::Replayed(idem.replay(&earlier)?));
                }
                return Err(CreateCustomerError::DuplicateEmail);
            }
            Err(StoreError::KeyTaken | StoreError::Contention) => back_off(attempt).await,
            Err(e) => return Err(Unexpected::new(e).into()),
        }
    }
    Err(Unexpected::new("the create kept meeting concurrent writes").into())
}

#[derive(Debug, thiserror::Error)]
pub enum GetCustomerError {
    #[error("no such customer")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Reads one customer, deleted ones included.
pub async fn get_customer<S: CustomerStore>(
    store: &S,
    id: &CustomerId,
) -> Result<Customer, GetCustomerError> {
    store.get(id).await?.ok_or(GetCustomerError::NotFound)
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
        Err(StoreError::BadCursor) => Err(ListCustomersError::BadCursor),
        Err(e) => Err(Unexpected::new(e).into()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateCustomerError {
    #[error("no such customer")]
    NotFound,
    #[error("no such price tier")]
    UnknownTier,
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
pub async fn update_customer<S: CustomerStore + crate::catalog::CatalogStore>(
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
    for attempt in 0..ATTEMPTS {
        let before = store.get(id).await?.ok_or(UpdateCustomerError::NotFound)?;
        if before.is_deleted() {
            return Err(UpdateCustomerError::Deleted);
        }
        if let Some(expected) = change.expected_version
            && expected != before.version
        {
            return Err(UpdateCustomerError::Stale {
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
        match store.replace(&before, &after, &audit).await {
            Ok(()) => return Ok(after),
            Err(StoreError::DuplicateEmail) => return Err(UpdateCustomerError::DuplicateEmail),
            Err(StoreError::Contention) => back_off(attempt).await,
            Err(StoreError::Stale) if change.expected_version.is_none() => back_off(attempt).await,
            Err(StoreError::Stale) => {
                return Err(UpdateCustomerError::Stale {
                    current: before.version + 1,
                });
            }
            Err(e) => return Err(Unexpected::new(e).into()),
        }
    }
    Err(Unexpected::new("the customer kept changing during the update").into())
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
    for attempt in 0..ATTEMPTS {
        let before = store.get(id).await?.ok_or(DeleteCustomerError::NotFound)?;
        if before.is_deleted() {
            return Ok(());
        }
        let now = Timestamp::now();
        let mut after = before.clone();
        after.status = CustomerStatus::Deleted;
        after.updated_at = now;
        after.version += 1;
        let audit = AuditEntry::by_admin(admin, now, "customer.deleted", Some(id), json!({}));
        match store.replace(&before, &after, &audit).await {
            Ok(()) => return Ok(()),
            Err(StoreError::Stale | StoreError::Contention) => back_off(attempt).await,
            Err(e) => return Err(Unexpected::new(e).into()),
        }
    }
    Err(Unexpected::new("the customer kept changing during the delete").into())
}

#[derive(Debug, thiserror::Error)]
pub enum BulkTagError {
    #[error("customers not found: {0:?}")]
    NotFound(Vec<CustomerId>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Adds or removes one tag on up to [`MAX_BULK_TAG`] customers at once, all or none.
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
    for attempt in 0..ATTEMPTS {
        match store.tag(change, now, &audits).await {
            Ok(()) => return Ok(change.customer_ids.len()),
            Err(StoreError::Missing(ids)) => return Err(BulkTagError::NotFound(ids)),
            Err(StoreError::Contention) => back_off(attempt).await,
            Err(e) => return Err(Unexpected::new(e).into()),
        }
    }
    Err(Unexpected::new("the tagging kept meeting concurrent writes").into())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: serde_json::Value) -> Result<NewCustomer, Vec<FieldError>> {
        NewCustomer::try_from(serde_json::from_value::<CreateCustomerBody>(json).unwrap())
    }

    #[test]
    fn a_new_customer_gets_defaults_and_normalised_fields() {
        let c = body(json!({"name": " Acme ", "email": "A@B.example", "tags": ["VIP", "vip"]}))
            .unwrap();
        assert_eq!(c.name.as_str(), "Acme");
        assert_eq!(c.email.as_str(), "a@b.example");
        assert!(!c.ordering_enabled);
        assert_eq!(c.tags.len(), 1);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let errors =
            body(json!({"name": "", "email": "x", "phone": "abc", "tags": [""]})).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "phone", "tags[0]"]);
    }

    #[test]
    fn a_patch_tells_absent_from_null() {
        let b: UpdateCustomerBody = serde_json::from_value(json!({"phone": null})).unwrap();
        let c = CustomerChange::try_from(b).unwrap();
        assert_eq!(c.phone, Some(None));
        assert_eq!(c.fulfillment_team, None);
    }

    #[test]
    fn bulk_tag_refuses_duplicates_foreign_ids_and_too_many() {
        let id = CustomerId::generate().to_string();
        let b = BulkTagBody {
            tag: "vip".into(),
            customer_ids: vec![id.clone(), id, "nope".into()],
            action: "toggle".into(),
        };
        let fields: Vec<String> = TagChange::try_from(b)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["action", "customer_ids[1]", "customer_ids[2]"]);
        let many = BulkTagBody {
            tag: "vip".into(),
            customer_ids: (0..=MAX_BULK_TAG)
                .map(|_| CustomerId::generate().to_string())
                .collect(),
            action: "add".into(),
        };
        assert_eq!(
            TagChange::try_from(many).unwrap_err()[0].field,
            "customer_ids"
        );
    }

    #[test]
    fn a_filter_folds_its_query_and_checks_status() {
        let f = CustomerFilter::parse(Some(" ACME "), Some("VIP"), None).unwrap();
        assert_eq!(f.q.as_deref(), Some("acme"));
        assert_eq!(f.tag.unwrap().as_str(), "vip");
        assert_eq!(
            CustomerFilter::parse(None, None, Some("gone")).unwrap_err()[0].field,
            "status"
        );
    }
}
