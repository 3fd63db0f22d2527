//! The audit log: who changed what, and when. Written in the same transaction as the change.

use crate::actor::Principal;
use crate::domain::{FieldError, Timestamp, Validator};
use crate::error::Unexpected;
use crate::ids::{CustomerId, LoginId};
use crate::page::{Page, PageRequest};

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    pub audit_id: String,
    pub at: Timestamp,
    pub actor: AuditActor,
    /// A dotted verb such as `customer.created`.
    pub action: String,
    pub customer_id: Option<CustomerId>,
    /// The customer login an admin acted as (`X-Act-As`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acting_as: Option<LoginId>,
    /// What changed, as the API would show it.
    pub details: serde_json::Value,
}

/// The admin who acted, and the login an admin acted as, if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditActor {
    pub kind: &'static str,
    pub id: String,
    pub email: Option<String>,
    /// An API client's name: the id says which client, the name what it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl AuditActor {
    /// The seller's own rules acting with no person, e.g. confirming a request at submission.
    pub fn system() -> Self {
        Self {
            kind: "system",
            id: "system".to_owned(),
            email: None,
            name: None,
        }
    }

    /// A customer's login acting for itself, e.g. accepting its invitation.
    pub fn login(login_id: &LoginId, email: &str) -> Self {
        Self {
            kind: "login",
            id: login_id.as_str().to_owned(),
            email: Some(email.to_owned()),
            name: None,
        }
    }
}

impl AuditEntry {
    pub fn new(
        actor: AuditActor,
        at: Timestamp,
        action: &str,
        customer_id: Option<&CustomerId>,
        details: serde_json::Value,
    ) -> Self {
        Self {
            audit_id: uuid::Uuid::now_v7().simple().to_string(),
            at,
            actor,
            action: action.to_owned(),
            customer_id: customer_id.cloned(),
            acting_as: None,
            details,
        }
    }

    /// An entry made by one of the seller's admins.
    pub fn by_admin(
        admin: &Principal,
        at: Timestamp,
        action: &str,
        customer_id: Option<&CustomerId>,
        details: serde_json::Value,
    ) -> Self {
        let actor = match &admin.client {
            Some(client) => AuditActor {
                kind: "client",
                id: client.id.as_str().to_owned(),
                email: None,
                name: Some(client.name.clone()),
            },
            None => AuditActor {
                kind: "admin",
                id: admin.sub.clone(),
                email: admin.email.clone(),
                name: None,
            },
        };
        Self::new(actor, at, action, customer_id, details)
    }
}

/// A write of one item with its audit entry, all or none: `before` is the version it replaces
/// (the write is conditional on it), or `None` for an item that must not exist yet.
#[derive(Debug, Clone, Copy)]
pub struct Audited<'a, T> {
    pub before: Option<&'a T>,
    pub after: &'a T,
    pub audit: &'a AuditEntry,
}

impl<'a, T> Audited<'a, T> {
    /// A new item.
    pub fn new(after: &'a T, audit: &'a AuditEntry) -> Self {
        Self {
            before: None,
            after,
            audit,
        }
    }

    /// `after` in place of `before`.
    pub fn replacing(before: &'a T, after: &'a T, audit: &'a AuditEntry) -> Self {
        Self {
            before: Some(before),
            after,
            audit,
        }
    }
}

/// Which part of the audit log to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditFilter {
    /// Everything, newest first.
    All,
    /// One customer's entries, and of those only one actor's when given.
    Customer(CustomerId, Option<String>),
    /// One actor's entries: an admin's `sub` or a login's id.
    Actor(String),
}

/// Where the audit log is kept.
#[async_trait::async_trait]
pub trait AuditLog: Send + Sync {
    /// Writes one entry on its own, for events that change nothing else (acting as a login).
    async fn record(&self, entry: &AuditEntry) -> Result<(), Unexpected>;
    /// A page of entries, newest first.
    async fn entries(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>, AuditError>;
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl AuditFilter {
    /// `?customer_id=` and `?actor=` (an admin's `sub` or a login's id), with every bad one
    /// named.
    pub fn parse(customer_id: Option<&str>, actor: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let customer = v.optional("customer_id", customer_id, |raw| {
            CustomerId::parse(raw).ok_or("is not a customer id")
        });
        let actor = v.optional("actor", actor.map(str::trim), |a| {
            let ok = !a.is_empty()
                && a.len() <= 128
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            ok.then(|| a.to_owned())
                .ok_or("is not an admin's or a login's id")
        });
        v.finish(|| match (customer, actor) {
            (Some(c), actor) => AuditFilter::Customer(c, actor),
            (None, Some(a)) => AuditFilter::Actor(a),
            (None, None) => AuditFilter::All,
        })
    }
}

/// `GET /admin/audit`: one page of the filtered log, newest first.
pub async fn list_audit<S: AuditLog>(
    store: &S,
    filter: &AuditFilter,
    page: &PageRequest,
) -> Result<Page<AuditEntry>, AuditError> {
    store.entries(filter, page).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Memory;
    use crate::memory::fixtures::admin;

    #[tokio::test]
    async fn the_log_is_filtered_by_account_and_actor_and_bad_filters_are_named() {
        let m = Memory::new();
        let a = CustomerId::generate();
        let at = Timestamp::now();
        for (customer, action) in [(Some(&a), "customer.created"), (None, "product.created")] {
            m.record(&AuditEntry::by_admin(
                &admin(),
                at,
                action,
                customer,
                serde_json::json!({}),
            ))
            .await
            .unwrap();
        }

        let store = &m;
        let list = |customer, actor| {
            let filter = AuditFilter::parse(customer, actor).unwrap();
            async move { list_audit(store, &filter, &PageRequest::default()).await }
        };
        let all = list(None, None).await.unwrap();
        let theirs = list(Some(a.as_str()), Some("admin-sub")).await.unwrap();
        let bad = AuditFilter::parse(Some("cus_x"), Some("a b"));

        assert_eq!(all.items.len(), 2);
        assert_eq!(theirs.items.len(), 1);
        assert_eq!(theirs.items[0].action, "customer.created");
        let errors = bad.unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["customer_id", "actor"]);
    }
}
