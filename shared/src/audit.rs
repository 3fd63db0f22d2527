//! The audit log: who changed what, and when. Written in the same transaction as the change.

use crate::actor::Principal;
use crate::customers::CustomerId;
use crate::domain::Timestamp;

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
    pub acting_as: Option<String>,
    /// What changed, as the API would show it.
    pub details: serde_json::Value,
}

/// The admin who acted, and the login an admin acted as, if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditActor {
    pub kind: &'static str,
    pub id: String,
    pub email: Option<String>,
}

impl AuditEntry {
    fn new(
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

    /// An entry made by a customer's login acting for itself, e.g. accepting its invitation.
    pub fn by_login(
        login_id: &str,
        email: &str,
        at: Timestamp,
        action: &str,
        customer_id: Option<&CustomerId>,
        details: serde_json::Value,
    ) -> Self {
        let actor = AuditActor {
            kind: "login",
            id: login_id.to_owned(),
            email: Some(email.to_owned()),
        };
        Self::new(actor, at, action, customer_id, details)
    }

    /// An entry made by one of the seller's admins.
    pub fn by_admin(
        admin: &Principal,
        at: Timestamp,
        action: &str,
        customer_id: Option<&CustomerId>,
        details: serde_json::Value,
    ) -> Self {
        let actor = AuditActor {
            kind: "admin",
            id: admin.sub.clone(),
            email: admin.email.clone(),
        };
        Self::new(actor, at, action, customer_id, details)
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
    async fn record(&self, entry: &AuditEntry) -> Result<(), crate::store::Unexpected>;
    /// A page of entries, newest first.
    async fn entries(
        &self,
        filter: &AuditFilter,
        page: &crate::page::PageRequest,
    ) -> Result<crate::page::Page<AuditEntry>, AuditError>;
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("invalid input")]
    Invalid(Vec<crate::domain::FieldError>),
    #[error(transparent)]
    Unexpected(#[from] crate::store::Unexpected),
}

/// `GET /admin/audit`: `?customer_id=` and `?actor=` checked, then one page, newest first.
pub async fn list_audit<S: AuditLog>(
    store: &S,
    customer_id: Option<&str>,
    actor: Option<&str>,
    page: &crate::page::PageRequest,
) -> Result<crate::page::Page<AuditEntry>, AuditError> {
    use crate::domain::FieldError;
    let mut errors = Vec::new();
    let customer = customer_id.and_then(|raw| {
        let parsed = CustomerId::parse(raw);
        if parsed.is_none() {
            errors.push(FieldError::new("customer_id", "is not a customer id"));
        }
        parsed
    });
    let actor = actor.map(str::trim).and_then(|a| {
        let ok = !a.is_empty()
            && a.len() <= 128
            && a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            errors.push(FieldError::new(
                "actor",
                "is not an admin's or a login's id",
            ));
        }
        ok.then(|| a.to_owned())
    });
    if !errors.is_empty() {
        return Err(AuditError::Invalid(errors));
    }
    let filter = match (customer, actor) {
        (Some(c), actor) => AuditFilter::Customer(c, actor),
        (None, Some(a)) => AuditFilter::Actor(a),
        (None, None) => AuditFilter::All,
    };
    store.entries(&filter, page).await
}

/// The audit entry's item and key formats.
///
/// | PK | SK | GSI1PK | GSI1SK | GSI2PK | GSI2SK |
/// |---|---|---|---|---|---|
/// | `CUSTOMER#<id>` (or `AUDIT#<audit id>`) | `AUDIT#<at>#<audit id>` | `AUDITACTOR#<actor id>` | `<at>#<audit id>` | `AUDITLOG` | `<at>#<audit id>` |
pub mod item {
    use super::{AuditActor, AuditEntry};
    use crate::customers::CustomerId;
    use crate::domain::Timestamp;
    use crate::dynamo::attr::{Item, Reader, s};
    use crate::store::Unexpected;

    pub const LOG: &str = "AUDITLOG";
    pub const SK_PREFIX: &str = "AUDIT#";

    pub fn actor_pk(actor_id: &str) -> String {
        format!("AUDITACTOR#{actor_id}")
    }

    pub fn from_item(item: &Item) -> Result<AuditEntry, Unexpected> {
        let r = Reader(item);
        let kind = match r.s("actor_kind")? {
            "admin" => "admin",
            "login" => "login",
            _ => "system",
        };
        let details = r
            .opt_s("details")
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or(serde_json::Value::Null);
        Ok(AuditEntry {
            audit_id: r.s("audit_id")?.to_owned(),
            at: Timestamp::parse(r.s("at")?)
                .map_err(|_| Unexpected::new("audit entry with a bad time"))?,
            actor: AuditActor {
                kind,
                id: r.s("actor_id")?.to_owned(),
                email: r.opt_s("actor_email").map(str::to_owned),
            },
            action: r.s("action")?.to_owned(),
            customer_id: r.opt_s("customer_id").and_then(CustomerId::parse),
            acting_as: r.opt_s("acting_as").map(str::to_owned),
            details,
        })
    }

    pub fn to_item(e: &AuditEntry) -> Item {
        let when = format!("{}#{}", e.at, e.audit_id);
        let pk = match &e.customer_id {
            Some(c) => crate::customers::item::pk(c),
            None => format!("AUDIT#{}", e.audit_id),
        };
        let mut item = Item::from([
            ("PK".into(), s(pk)),
            ("SK".into(), s(format!("AUDIT#{when}"))),
            ("GSI1PK".into(), s(actor_pk(&e.actor.id))),
            ("GSI1SK".into(), s(when.clone())),
            ("GSI2PK".into(), s(LOG)),
            ("GSI2SK".into(), s(when)),
            ("type".into(), s("audit")),
            ("audit_id".into(), s(&e.audit_id)),
            ("at".into(), s(e.at.to_string())),
            ("actor_kind".into(), s(e.actor.kind)),
            ("actor_id".into(), s(&e.actor.id)),
            ("action".into(), s(&e.action)),
            ("details".into(), s(e.details.to_string())),
        ]);
        if let Some(email) = &e.actor.email {
            item.insert("actor_email".into(), s(email));
        }
        if let Some(c) = &e.customer_id {
            item.insert("customer_id".into(), s(c.as_str()));
        }
        if let Some(l) = &e.acting_as {
            item.insert("acting_as".into(), s(l));
        }
        item
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::actor::Principal;
        use crate::customers::CustomerId;
        use crate::domain::Timestamp;

        #[test]
        fn an_audit_item_is_keyed_by_customer_actor_and_time() {
            let admin = Principal {
                sub: "admin-1".into(),
                email: Some("a@x.example".into()),
                ..Default::default()
            };
            let c = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
            let at = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
            let mut e = AuditEntry::by_admin(
                &admin,
                at,
                "customer.created",
                Some(&c),
                serde_json::json!({"a": 1}),
            );
            e.audit_id = "0001".into();
            let item = to_item(&e);
            assert_eq!(item.len(), 15);
            assert_eq!(
                item["PK"],
                s("CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
            );
            assert_eq!(item["SK"], s("AUDIT#2026-11-23T08:00:00.000Z#0001"));
            assert_eq!(item["GSI1PK"], s("AUDITACTOR#admin-1"));
            assert_eq!(item["GSI2PK"], s("AUDITLOG"));
            assert_eq!(item["GSI2SK"], s("2026-11-23T08:00:00.000Z#0001"));
            assert_eq!(item["details"], s(r#"{"a":1}"#));
            assert_eq!(from_item(&item).unwrap(), e);
        }
    }
}
