//! Events in the table: one item each, written in the transaction of the change it tells of
//! and listed on GSI2 until it is published. Keys: [`crate::dynamo::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, n, s};
use super::index;
use super::keys::{EVENT_SK, UNPUBLISHED_EVENTS, event_pk};
use super::write::UpdateIf;
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::events::{Event, EventStore};
use crate::outbox::KEEP_SENT_SECONDS;

/// A new event's item, unpublished.
pub fn to_item(e: &Event) -> Item {
    Item::from([
        ("PK".into(), s(event_pk(&e.id))),
        ("SK".into(), s(EVENT_SK)),
        ("GSI2PK".into(), s(UNPUBLISHED_EVENTS)),
        ("GSI2SK".into(), s(format!("{}#{}", e.occurred_at, e.id))),
        ("type".into(), s("event")),
        ("status".into(), s("pending")),
        ("event_type".into(), s(e.kind.as_str())),
        (
            "event".into(),
            s(serde_json::to_string(e).expect("an event serialises")),
        ),
    ])
}

pub fn from_item(item: &Item) -> Result<Event, Unexpected> {
    Reader(item)
        .json("event")?
        .ok_or_else(|| Unexpected::new("an event item without its event"))
}

/// The unpublished event of a stream record's new image (as the stream's JSON), if it is one.
pub fn unpublished_event(image: &serde_json::Value) -> Option<Event> {
    let attr = |name: &str| image.get(name)?.get("S")?.as_str();
    if attr("type")? != "event" || attr("status")? != "pending" {
        return None;
    }
    serde_json::from_str(attr("event")?).ok()
}

#[async_trait::async_trait]
impl EventStore for DynamoStore {
    async fn mark_published(&self, event: &Event) -> Result<(), Unexpected> {
        let expires = Timestamp::now().unix_seconds() + KEEP_SENT_SECONDS;
        self.update_if(UpdateIf {
            key: (event_pk(&event.id), EVENT_SK),
            update: "SET #status = :published, #ttl = :ttl REMOVE GSI2PK, GSI2SK",
            condition: "attribute_exists(PK)",
            names: &[("#status", "status"), ("#ttl", "ttl")],
            values: vec![(":published", s("published")), (":ttl", n(expires))],
        })
        .await
        .map(drop)
    }

    async fn unpublished(&self, before: Timestamp, limit: usize) -> Result<Vec<Event>, Unexpected> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(index::GSI2)
            .key_condition_expression("GSI2PK = :pk AND GSI2SK < :before")
            .expression_attribute_values(":pk", s(UNPUBLISHED_EVENTS))
            .expression_attribute_values(":before", s(before.to_string()))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
        out.items().iter().map(from_item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventType;

    #[test]
    fn an_event_is_one_item_listed_as_unpublished_on_gsi2_and_reads_back() {
        let order = crate::dynamo::orders::item::tests::order();
        let mut e = Event::new(EventType::OrderRequested, order.created_at, &order);
        e.id = "evt_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b".into();

        let item = to_item(&e);

        assert_eq!(item.len(), 8);
        assert_eq!(item["PK"], s("EVENT#evt_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(item["SK"], s("EVENT"));
        assert_eq!(item["GSI2PK"], s("EVENT#UNPUBLISHED"));
        assert_eq!(
            item["GSI2SK"],
            s("2026-11-23T08:00:00.000Z#evt_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["type"], s("event"));
        assert_eq!(item["status"], s("pending"));
        assert_eq!(item["event_type"], s("order.requested"));
        assert_eq!(from_item(&item).unwrap(), e);
        let image = serde_json::json!({
            "type": {"S": "event"}, "status": {"S": "pending"},
            "event": {"S": serde_json::to_string(&e).unwrap()}
        });
        assert_eq!(unpublished_event(&image), Some(e));
    }
}
