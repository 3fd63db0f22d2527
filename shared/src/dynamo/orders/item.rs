//! The order's item. Keys: [`crate::dynamo::keys`].
//!
//! The order itself is one JSON `document` (the API's shape); the keys and the attributes that
//! conditions and filters read (`status`, `version`, `customer_id`, `team_id`, `respond_by`)
//! stand beside it.

use crate::dynamo::attr::{Item, Reader, n, s};
use crate::dynamo::keys::{ORDER_SK, customer_orders_pk, order_pk, order_status_pk};
use crate::error::Unexpected;
use crate::orders::Order;

pub fn to_item(o: &Order) -> Item {
    let listed_at = o.submitted_at.unwrap_or(o.created_at);
    let mut item = Item::from([
        ("PK".into(), s(order_pk(&o.order_id))),
        ("SK".into(), s(ORDER_SK)),
        ("GSI1PK".into(), s(customer_orders_pk(&o.customer_id))),
        (
            "GSI1SK".into(),
            s(format!("{}#{}", o.created_at, o.order_id)),
        ),
        ("GSI2PK".into(), s(order_status_pk(o.status))),
        ("GSI2SK".into(), s(format!("{listed_at}#{}", o.order_id))),
        ("type".into(), s("order")),
        ("order_id".into(), s(o.order_id.as_str())),
        ("status".into(), s(o.status.as_str())),
        ("customer_id".into(), s(o.customer_id.as_str())),
        (
            "document".into(),
            s(serde_json::to_string(o).expect("an order serialises")),
        ),
        ("version".into(), n(o.version)),
    ]);
    if let Some(team) = &o.assigned_team_id {
        item.insert("team_id".into(), s(team.as_str()));
    }
    if let Some(by) = o.response.0 {
        item.insert("respond_by".into(), s(by.to_string()));
    }
    item
}

pub fn from_item(item: &Item) -> Result<Order, Unexpected> {
    Reader(item)
        .json("document")?
        .ok_or_else(|| Unexpected::new("an order item without its document"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::actor::CreatedBy;
    use crate::domain::{Currency, Money, Timestamp};
    use crate::ids::{CustomerId, LoginId, OrderId, Sku};
    use crate::orders::OrderStatus;
    use crate::orders::{OrderEvent, OrderEventKind, OrderNumber, PricedLine, Quantity};
    use std::collections::BTreeMap;

    pub(crate) fn order() -> Order {
        let at = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let eur = |a| Money::new(a, Currency::parse("EUR").unwrap()).unwrap();
        let by = CreatedBy::Customer {
            id: LoginId::parse("lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            name: Some("Ann Baker".into()),
        };
        Order {
            order_id: OrderId::parse("ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            order_number: OrderNumber(42),
            customer_id: CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            customer_name: Some("Acme Bakery".into()),
            status: OrderStatus::Requested,
            lines: vec![PricedLine {
                sku: Sku::parse("FLOUR-25").unwrap(),
                name: "Flour".into(),
                unit: "bag".into(),
                quantity: Quantity::new(2).unwrap(),
                unit_price: eur(2500),
                line_total: eur(5000),
            }],
            total: eur(5000),
            notes: Some("Back door".into()),
            answers: BTreeMap::from([("po".to_owned(), "PO-1".to_owned())]),
            ship_to: None,
            requested_delivery_date: None,
            created_by: by.clone(),
            assigned_team: None,
            assigned_team_id: None,
            created_at: at,
            submitted_at: Some(at.plus_seconds(1)),
            decided_at: None,
            decided_by: None,
            response: crate::orders::ResponseDue::default(),
            reject_reason: None,
            history: vec![OrderEvent {
                event: OrderEventKind::Submitted,
                at,
                by,
                note: None,
                rule: None,
            }],
            version: 1,
        }
    }

    #[test]
    fn an_order_item_is_listed_by_customer_and_by_status_and_reads_back() {
        let o = order();
        let item = to_item(&o);
        assert_eq!(item.len(), 12);
        assert_eq!(item["PK"], s("ORDER#ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(item["SK"], s("ORDER"));
        assert_eq!(
            item["GSI1PK"],
            s("CUSTORDERS#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(
            item["GSI1SK"],
            s("2026-11-23T08:00:00.000Z#ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["GSI2PK"], s("ORDERSTATUS#requested"));
        assert_eq!(
            item["GSI2SK"],
            s("2026-11-23T08:00:01.000Z#ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["status"], s("requested"));
        assert_eq!(item["version"], n(1));
        assert_eq!(from_item(&item).unwrap(), o);
    }

    #[test]
    fn an_assigned_order_carries_its_team_beside_the_document_for_the_queue_filter() {
        let mut o = order();
        o.assigned_team = Some("North".into());
        o.assigned_team_id = crate::ids::TeamId::parse("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b");

        let item = to_item(&o);

        assert_eq!(item.len(), 13);
        assert_eq!(item["team_id"], s("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(from_item(&item).unwrap(), o);
    }

    #[test]
    fn an_orders_document_keeps_the_apis_shape() {
        let item = to_item(&order());
        let doc: serde_json::Value =
            serde_json::from_str(Reader(&item).s("document").unwrap()).unwrap();
        assert_eq!(doc["order_number"], "SO-000042");
        assert_eq!(doc["created_at"], "2026-11-23T08:00:00.000Z");
        assert_eq!(doc["decided_at"], serde_json::Value::Null);
        assert_eq!(
            doc["created_by"],
            serde_json::json!({"kind": "customer", "id": "lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b",
                               "name": "Ann Baker"})
        );
        assert_eq!(doc["history"][0]["event"], "submitted");
        assert_eq!(doc["lines"][0]["unit_price"]["amount"], 2500);
    }
}
