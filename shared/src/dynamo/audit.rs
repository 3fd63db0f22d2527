//! The audit entry's item, and the audit log's listings. Keys: [`crate::dynamo::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, s};
use super::query::Listing;
use crate::audit::{AuditActor, AuditEntry, AuditError, AuditFilter, AuditLog};
use crate::dynamo::keys::{AUDIT_LOG, AUDIT_SK_PREFIX, audit_actor_pk, customer_pk};
use crate::error::Unexpected;
use crate::ids::{CustomerId, LoginId};
use crate::page::{Cursor, Page, PageRequest};
use aws_sdk_dynamodb::types::TransactWriteItem;

pub fn from_item(item: &Item) -> Result<AuditEntry, Unexpected> {
    let r = Reader(item);
    let kind = match r.s("actor_kind")? {
        "admin" => "admin",
        "login" => "login",
        "client" => "client",
        _ => "system",
    };
    let details = r
        .opt_s("details")
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(serde_json::Value::Null);
    Ok(AuditEntry {
        audit_id: r.s("audit_id")?.to_owned(),
        at: r.time("at")?,
        actor: AuditActor {
            kind,
            id: r.s("actor_id")?.to_owned(),
            email: r.opt_s("actor_email").map(str::to_owned),
            name: r.opt_s("actor_name").map(str::to_owned),
        },
        action: r.s("action")?.to_owned(),
        customer_id: r.opt_s("customer_id").and_then(CustomerId::parse),
        acting_as: r.opt_s("acting_as").and_then(LoginId::parse),
        details,
    })
}

pub fn to_item(e: &AuditEntry) -> Item {
    let when = format!("{}#{}", e.at, e.audit_id);
    let pk = match &e.customer_id {
        Some(c) => customer_pk(c),
        None => format!("AUDIT#{}", e.audit_id),
    };
    let mut item = Item::from([
        ("PK".into(), s(pk)),
        ("SK".into(), s(format!("AUDIT#{when}"))),
        ("GSI1PK".into(), s(audit_actor_pk(&e.actor.id))),
        ("GSI1SK".into(), s(when.clone())),
        ("GSI2PK".into(), s(AUDIT_LOG)),
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
    if let Some(name) = &e.actor.name {
        item.insert("actor_name".into(), s(name));
    }
    if let Some(c) = &e.customer_id {
        item.insert("customer_id".into(), s(c.as_str()));
    }
    if let Some(l) = &e.acting_as {
        item.insert("acting_as".into(), s(l.as_str()));
    }
    item
}

impl DynamoStore {
    /// The entry's put, to ride in the transaction of the change it records.
    pub(super) fn put_audit(&self, entry: &AuditEntry) -> TransactWriteItem {
        self.put(to_item(entry), None)
    }
}

#[async_trait::async_trait]
impl AuditLog for DynamoStore {
    async fn record(&self, entry: &AuditEntry) -> Result<(), Unexpected> {
        self.client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(to_item(entry)))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB PutItem failed", e))?;
        Ok(())
    }

    async fn entries(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>, AuditError> {
        let mut values = Vec::new();
        let mut names = Vec::new();
        let mut filter_expression = None;
        let (index, key_condition, key_attributes, key, partition): (_, _, &[&str], _, _) =
            match filter {
                AuditFilter::All => (
                    Some(super::index::GSI2),
                    "GSI2PK = :pk",
                    &["PK", "SK", "GSI2PK", "GSI2SK"],
                    "GSI2PK",
                    AUDIT_LOG.to_owned(),
                ),
                AuditFilter::Actor(a) => (
                    Some(super::index::GSI1),
                    "GSI1PK = :pk",
                    &["PK", "SK", "GSI1PK", "GSI1SK"],
                    "GSI1PK",
                    audit_actor_pk(a),
                ),
                AuditFilter::Customer(c, actor) => {
                    values.push((":prefix", s(AUDIT_SK_PREFIX)));
                    if let Some(a) = actor {
                        values.push((":actor", s(a)));
                        names.push(("#actor", "actor_id"));
                        filter_expression = Some("#actor = :actor".to_owned());
                    }
                    (
                        None,
                        "PK = :pk AND begins_with(SK, :prefix)",
                        &["PK", "SK"],
                        "PK",
                        customer_pk(c),
                    )
                }
            };
        values.push((":pk", s(&partition)));
        let query = Listing {
            index,
            key_condition,
            filter: filter_expression,
            names,
            values,
            key_attributes,
            forward: false,
        };
        let fits = |c: &Cursor| c.0[key] == partition && c.0["SK"].starts_with(AUDIT_SK_PREFIX);
        self.list_page(&query, page, fits, from_item)
            .await
            .map_err(|e| e.or_bad_cursor(|| AuditError::BadCursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Principal;
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
