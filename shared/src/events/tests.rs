use super::*;
use crate::logins::LoginStatus;
use crate::memory::Memory;
use crate::orders::{OrderEvent, OrderStatus};
use std::sync::Mutex;

fn placed() -> Order {
    crate::dynamo::orders::item::tests::order()
}

/// A bus that refuses the events at the given positions of each batch, or is down.
struct Bus {
    refuses: Vec<usize>,
    down: bool,
    put: Mutex<Vec<String>>,
}

impl Bus {
    fn new(refuses: &[usize], down: bool) -> Self {
        Self {
            refuses: refuses.to_vec(),
            down,
            put: Mutex::new(Vec::new()),
        }
    }
}

#[async_trait::async_trait]
impl EventBus for Bus {
    async fn put(&self, events: &[Event]) -> Result<Vec<usize>, crate::error::Unexpected> {
        if self.down {
            return Err(crate::error::Unexpected::new("the bus is down"));
        }
        let mut put = self.put.lock().unwrap();
        for (i, e) in events.iter().enumerate() {
            if !self.refuses.contains(&i) {
                put.push(e.id.clone());
            }
        }
        Ok(self.refuses.clone())
    }
}

#[test]
fn a_new_order_tells_of_its_placing_and_its_assignment_and_a_decision_of_itself() {
    let mut order = placed();
    let at = order.created_at;
    order.history.push(OrderEvent {
        event: OrderEventKind::Assigned,
        at,
        by: order.created_by.clone(),
        note: Some("North".into()),
        rule: None,
    });

    let new = order_events(None, &order);
    let confirmed = order.moved(
        OrderStatus::Confirmed,
        OrderEventKind::Confirmed,
        order.created_by.clone(),
    );
    let decided = order_events(Some(&order), &confirmed);

    let kinds: Vec<&str> = new.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["order.requested", "order.assigned"]);
    assert_ne!(new[0].id, new[1].id);
    assert!(new[0].id.starts_with("evt_"));
    assert_eq!(new[0].data["order_id"], order.order_id.as_str());
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0].kind, EventType::OrderConfirmed);
    assert_eq!(decided[0].data["status"], "confirmed");
    let wire = serde_json::to_value(&decided[0]).unwrap();
    assert_eq!(wire["type"], "order.confirmed");
    assert_eq!(
        serde_json::from_value::<Event>(wire).unwrap(),
        decided[0].clone()
    );
}

#[tokio::test]
async fn events_the_bus_took_are_marked_published_and_the_others_stay_for_the_redrive() {
    let m = Memory::new();
    let events = order_events(None, &placed());
    let more: Vec<Event> = (0..11)
        .map(|_| Event::new(EventType::OrderUpdated, Timestamp::now(), &placed()))
        .collect();
    let all: Vec<Event> = events.into_iter().chain(more).collect();
    m.state().events = all
        .iter()
        .map(|e| (e.id.clone(), (e.clone(), false)))
        .collect();

    let report = publish(&m, &Bus::new(&[1], false), &all).await;

    assert_eq!(
        report.published.len(),
        10,
        "one refused in each of two batches"
    );
    assert_eq!(report.failed, [all[1].id.clone(), all[11].id.clone()]);
    let later = Timestamp::now().plus_seconds(600);
    let left = redrive_pending(&m, &Bus::new(&[], true), 300, later)
        .await
        .unwrap();
    assert_eq!(left.failed.len(), 2, "the bus is down: nothing is marked");
    let again = redrive_pending(&m, &Bus::new(&[], false), 300, later)
        .await
        .unwrap();
    assert_eq!(again.published, [all[1].id.clone(), all[11].id.clone()]);
    assert!(m.state().events.values().all(|(_, published)| *published));
}

#[tokio::test]
async fn both_places_are_asked_and_an_event_either_refused_is_refused() {
    let events: Vec<Event> = (0..3)
        .map(|_| Event::new(EventType::OrderUpdated, Timestamp::now(), &placed()))
        .collect();
    let both = Both(Bus::new(&[2], false), Bus::new(&[0, 2], false));

    assert_eq!(both.put(&events).await.unwrap(), [0, 2]);
    assert_eq!(both.0.put.lock().unwrap().len(), 2);
    assert_eq!(*both.1.put.lock().unwrap(), [events[1].id.clone()]);
    let one_down = Both(Bus::new(&[], false), Bus::new(&[], true));
    assert!(one_down.put(&events).await.is_err());
    let other_down = Both(Bus::new(&[], true), Bus::new(&[], false));
    assert!(other_down.put(&events).await.is_err());
}

#[test]
fn a_customer_write_tells_of_its_creation_its_change_or_its_deletion_and_nothing_else() {
    let m = Memory::new();
    let created = m.customer("Acme", |_| {});
    let mut renamed = created.clone();
    renamed.name = crate::customers::CustomerName::parse("Acme Two").unwrap();
    let mut deleted = renamed.clone();
    deleted.status = crate::customers::CustomerStatus::Deleted;

    let kinds = |before: Option<&Customer>, after: &Customer| -> Vec<&'static str> {
        customer_events(before, after)
            .iter()
            .map(|e| e.kind.as_str())
            .collect()
    };

    assert_eq!(kinds(None, &created), ["customer.created"]);
    assert_eq!(kinds(Some(&created), &renamed), ["customer.updated"]);
    assert_eq!(kinds(Some(&renamed), &deleted), ["customer.deleted"]);
    assert!(
        kinds(Some(&created), &created).is_empty(),
        "no change, no event"
    );
    let e = &customer_events(None, &created)[0];
    assert_eq!(e.data["customer_id"], created.customer_id.as_str());
}

#[test]
fn a_login_tells_when_it_becomes_active_or_disabled_and_not_of_other_changes() {
    let m = Memory::new();
    let customer = m.customer("Acme", |_| {});
    let invited = Login {
        status: LoginStatus::Invited,
        ..m.login(&customer, "Ann")
    };
    let active = Login {
        status: LoginStatus::Active,
        ..invited.clone()
    };
    let disabled = Login {
        status: LoginStatus::Disabled,
        ..invited.clone()
    };
    let renamed = Login {
        name: crate::logins::LoginName::parse("Ann B").unwrap(),
        ..active.clone()
    };
    let kinds = |before: Option<&Login>, after: &Login| -> Vec<&'static str> {
        login_events(before, after)
            .iter()
            .map(|e| e.kind.as_str())
            .collect()
    };

    assert_eq!(kinds(Some(&invited), &active), ["login.activated"]);
    assert_eq!(kinds(None, &active), ["login.activated"]);
    assert!(
        kinds(None, &invited).is_empty(),
        "an invitation is not yet a login"
    );
    assert_eq!(kinds(Some(&active), &disabled), ["login.disabled"]);
    assert_eq!(kinds(Some(&disabled), &active), ["login.activated"]);
    assert!(kinds(Some(&active), &renamed).is_empty());
}
