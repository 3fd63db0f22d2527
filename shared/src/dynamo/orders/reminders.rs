//! A request's reminders: beside the order, and on GSI1 in one partition sorted by due time,
//! so that housekeeping finds the due ones by a key. Keys: [`crate::dynamo::keys`].

use crate::domain::Timestamp;
use crate::dynamo::DynamoStore;
use crate::dynamo::attr::{Item, Reader, bad, n, s};
use crate::dynamo::index;
use crate::dynamo::keys::{ORDER_SK, REMINDERS_DUE, order_pk, reminder_sk};
use crate::dynamo::write::TxError;
use crate::error::Unexpected;
use crate::ids::{OrderId, TeamId};
use crate::orders::{
    OrderNumber, OrderStatus, Reminder, ReminderOutcome, ReminderStore, Threshold,
};
use crate::outbox::OutboxItem;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, TransactWriteItem};

pub fn to_item(r: &Reminder) -> Item {
    Item::from([
        ("PK".into(), s(order_pk(&r.order_id))),
        ("SK".into(), s(reminder_sk(r.threshold))),
        ("GSI1PK".into(), s(REMINDERS_DUE)),
        (
            "GSI1SK".into(),
            s(format!("{}#{}#{}", r.at, r.order_id, r.threshold.as_str())),
        ),
        ("type".into(), s("reminder")),
        ("order_id".into(), s(r.order_id.as_str())),
        ("order_number".into(), n(r.order_number.0)),
        ("customer_name".into(), s(&r.customer_name)),
        ("team_id".into(), s(r.team_id.as_str())),
        ("threshold".into(), s(r.threshold.as_str())),
        ("at".into(), s(r.at.to_string())),
        ("respond_by".into(), s(r.respond_by.to_string())),
    ])
}

pub fn from_item(item: &Item) -> Result<Reminder, Unexpected> {
    let r = Reader(item);
    Ok(Reminder {
        order_id: OrderId::parse(r.s("order_id")?).ok_or_else(|| bad("reminder", "order_id"))?,
        order_number: OrderNumber(r.n("order_number")?),
        customer_name: r.s("customer_name")?.to_owned(),
        team_id: TeamId::parse(r.s("team_id")?).ok_or_else(|| bad("reminder", "team_id"))?,
        threshold: Threshold::parse(r.s("threshold")?)
            .ok_or_else(|| bad("reminder", "threshold"))?,
        at: r.time("at")?,
        respond_by: r.time("respond_by")?,
    })
}

impl DynamoStore {
    /// Removes `r` only while it is the reminder that was read (a reassignment replaces it).
    fn delete_reminder(&self, r: &Reminder) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(self.table())
            .key("PK", s(order_pk(&r.order_id)))
            .key("SK", s(reminder_sk(r.threshold)))
            .condition_expression("#at = :at AND team_id = :team")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":at", s(r.at.to_string()))
            .expression_attribute_values(":team", s(r.team_id.as_str()))
            .build()
            .expect("table, key and condition are set");
        TransactWriteItem::builder().delete(delete).build()
    }

    /// Holds while `r`'s order is still requested of `r`'s team.
    fn order_waits_for(&self, r: &Reminder) -> TransactWriteItem {
        let check = ConditionCheck::builder()
            .table_name(self.table())
            .key("PK", s(order_pk(&r.order_id)))
            .key("SK", s(ORDER_SK))
            .condition_expression("#status = :requested AND team_id = :team")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":requested", s(OrderStatus::Requested.as_str()))
            .expression_attribute_values(":team", s(r.team_id.as_str()))
            .build()
            .expect("table, key and condition are set");
        TransactWriteItem::builder().condition_check(check).build()
    }
}

#[async_trait::async_trait]
impl ReminderStore for DynamoStore {
    async fn due_reminders(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reminder>, Unexpected> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(index::GSI1)
            .key_condition_expression("GSI1PK = :pk AND GSI1SK <= :due")
            .expression_attribute_values(":pk", s(REMINDERS_DUE))
            .expression_attribute_values(":due", s(format!("{now}#~")))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
        out.items().iter().map(from_item).collect()
    }

    async fn send_reminder(
        &self,
        r: &Reminder,
        outbox: &[OutboxItem],
    ) -> Result<ReminderOutcome, Unexpected> {
        let mut actions = vec![self.delete_reminder(r), self.order_waits_for(r)];
        actions.extend(outbox.iter().map(|o| self.put_outbox(o)));
        match self.transact(actions).await {
            Ok(()) => Ok(ReminderOutcome::Sent),
            Err(e) if e.failed(0) => Ok(ReminderOutcome::Taken),
            Err(TxError::Contention) => Ok(ReminderOutcome::Taken),
            Err(e) if e.failed(1) => match self.transact(vec![self.delete_reminder(r)]).await {
                Ok(()) => Ok(ReminderOutcome::Moot),
                Err(TxError::Condition(_) | TxError::Contention) => Ok(ReminderOutcome::Taken),
                Err(TxError::Unexpected(u)) => Err(u),
            },
            Err(TxError::Condition(_)) => Err(Unexpected::new("a reminder's write failed")),
            Err(TxError::Unexpected(u)) => Err(u),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_sits_beside_its_order_and_is_found_on_gsi1_by_when_it_is_due() {
        let at = Timestamp::parse("2026-12-02T09:30:00Z").unwrap();
        let r = Reminder {
            order_id: OrderId::parse("ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            order_number: OrderNumber(42),
            customer_name: "Acme".into(),
            team_id: TeamId::parse("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            threshold: Threshold::Half,
            at,
            respond_by: at.plus_seconds(1800),
        };

        let item = to_item(&r);

        assert_eq!(item.len(), 12);
        assert_eq!(item["PK"], s("ORDER#ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(item["SK"], s("REMINDER#half"));
        assert_eq!(item["GSI1PK"], s("REMINDERS"));
        assert_eq!(
            item["GSI1SK"],
            s("2026-12-02T09:30:00.000Z#ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b#half")
        );
        assert_eq!(item["type"], s("reminder"));
        assert_eq!(item["order_number"], n(42));
        assert_eq!(item["team_id"], s("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(item["at"], s("2026-12-02T09:30:00.000Z"));
        assert_eq!(item["respond_by"], s("2026-12-02T10:00:00.000Z"));
        assert_eq!(from_item(&item).unwrap(), r);
    }
}
