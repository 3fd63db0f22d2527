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

/// The audit entry's item and key formats.
///
/// | PK | SK | GSI1PK | GSI1SK | GSI2PK | GSI2SK |
/// |---|---|---|---|---|---|
/// | `CUSTOMER#<id>` (or `AUDIT#<audit id>`) | `AUDIT#<at>#<audit id>` | `AUDITACTOR#<actor id>` | `<at>#<audit id>` | `AUDITLOG` | `<at>#<audit id>` |
pub mod item {
    use super::AuditEntry;
    use crate::dynamo::attr::{Item, s};

    pub const LOG: &str = "AUDITLOG";

    pub fn to_item(e: &AuditEntry) -> Item {
        let when = format!("{}#{}", e.at, e.audit_id);
        let pk = match &e.customer_id {
            Some(c) => crate::customers::item::pk(c),
            None => format!("AUDIT#{}", e.audit_id),
        };
        let mut item = Item::from([
            ("PK".into(), s(pk)),
            ("SK".into(), s(format!("AUDIT#{when}"))),
            ("GSI1PK".into(), s(format!("AUDITACTOR#{}", e.actor.id))),
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
        }
    }
}
