//! Orders and the cart that becomes one: lines of SKUs and quantities, priced at the customer's
//! tier when an order is placed and kept at those prices from then on.

use super::DeliveryDate;
use crate::actor::{CreatedBy, SeenByCustomer, Seller};
use crate::addresses::ShipTo;
use crate::domain::{Money, Timestamp};
use crate::ids::{CustomerId, OrderId, Sku, TeamId};
use crate::rules::RoutingRule;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// How many of a SKU a line asks for: 1 to 10,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Quantity(u32);

impl Quantity {
    pub const MAX: u32 = 10_000;

    pub fn new(n: i64) -> Result<Self, String> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(Self)
            .ok_or_else(|| format!("must be a whole number from 1 to {}", Self::MAX))
    }

    pub fn get(&self) -> u32 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Quantity::new(i64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Most lines an order or a cart may have.
pub const MAX_LINES: usize = 200;

/// A line: a SKU and how many.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Line {
    pub sku: Sku,
    pub quantity: Quantity,
}

/// A line priced at a customer's tier.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct PricedLine {
    pub sku: Sku,
    pub name: String,
    pub unit: String,
    pub quantity: Quantity,
    pub unit_price: Money,
    pub line_total: Money,
}

/// Lines priced now, with their total.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Priced {
    pub lines: Vec<PricedLine>,
    pub total: Option<Money>,
}

/// A customer account's draft order, shared by its logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cart {
    pub customer_id: CustomerId,
    pub lines: Vec<Line>,
    pub notes: Option<String>,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// The human-readable order number, `SO-000123`, from an atomic counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderNumber(pub u64);

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SO-{:06}", self.0)
    }
}

impl serde::Serialize for OrderNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OrderNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.strip_prefix("SO-")
            .and_then(|n| n.parse().ok())
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom("not an order number"))
    }
}

/// Where an order is: `requested` when submitted, then `confirmed` or `rejected` by the seller,
/// or `cancelled` by the customer while still requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Requested,
    Confirmed,
    Rejected,
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "requested" => Some(Self::Requested),
            "confirmed" => Some(Self::Confirmed),
            "rejected" => Some(Self::Rejected),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// What happened to an order in one step of its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEventKind {
    /// Placed by a customer login (or an admin acting as one).
    Submitted,
    /// Placed into the account by an admin in the seller's own name.
    Created,
    Edited,
    Confirmed,
    Rejected,
    Cancelled,
    /// Given to a team, at submission or by an admin later; the note names the team.
    Assigned,
}

impl OrderEventKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Created => "created",
            Self::Edited => "edited",
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
            Self::Assigned => "assigned",
        }
    }
}

/// One step in an order's life: what, when and by whom (`By`: as stored and as the seller
/// sees it, or as its customer does).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct OrderEvent<By = CreatedBy> {
    pub event: OrderEventKind,
    pub at: Timestamp,
    pub by: By,
    /// What an `edited` event changed, or why a `rejected` one happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The routing rule that chose the team of an `assigned` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RoutingRule>,
}

/// When a requested order's team should have answered it, if its team has a response time.
/// It is shown as `respond_by`, with `overdue` worked out when the order is shown: an order
/// read now may have become overdue since it was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseDue(pub Option<Timestamp>);

impl ResponseDue {
    /// Past its time, as of `now`.
    pub fn overdue_at(&self, now: Timestamp) -> bool {
        self.0.is_some_and(|by| now >= by)
    }
}

impl serde::Serialize for ResponseDue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        if let Some(by) = &self.0 {
            m.serialize_entry("respond_by", by)?;
        }
        m.serialize_entry("overdue", &self.overdue_at(Timestamp::now()))?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for ResponseDue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            #[serde(default)]
            respond_by: Option<Timestamp>,
        }
        Wire::deserialize(d).map(|w| Self(w.respond_by))
    }
}

/// An order as stored and as the seller's admins see it; with `By` = [`SeenByCustomer`], as
/// its customer sees it ([`CustomerOrder`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(bound(deserialize = "By: Deserialize<'de>"))]
pub struct Order<By = CreatedBy> {
    pub order_id: OrderId,
    pub order_number: OrderNumber,
    pub customer_id: CustomerId,
    /// The account's name when the order was placed, for lists that show many accounts.
    pub customer_name: Option<String>,
    pub status: OrderStatus,
    pub lines: Vec<PricedLine>,
    pub total: Money,
    pub notes: Option<String>,
    pub answers: BTreeMap<String, String>,
    /// A copy of the address the buyer chose from the account's book when it ordered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<ShipTo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_delivery_date: Option<DeliveryDate>,
    pub created_by: By,
    pub assigned_team: Option<String>,
    /// The team the order is assigned to; absent for an account with only a free-text team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_team_id: Option<TeamId>,
    pub created_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub decided_at: Option<Timestamp>,
    /// Who confirmed, rejected or cancelled it: a person, or the seller's auto-confirm rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<By>,
    /// While it is requested of a team with a response time: `respond_by` and `overdue`.
    #[serde(flatten)]
    pub response: ResponseDue,
    pub reject_reason: Option<String>,
    /// What happened to it, oldest first.
    #[serde(default)]
    pub history: Vec<OrderEvent<By>>,
    pub version: u64,
}

/// An order as its customer sees it: the seller's staff appear as the seller, by name.
pub type CustomerOrder = Order<SeenByCustomer>;

impl<By> Order<By> {
    /// What happened to it last.
    pub fn last_event(&self) -> Option<OrderEventKind> {
        self.history.last().map(|e| e.event)
    }
}

impl Order {
    /// This order as its customer sees it, in `created_by` and in every step of its history.
    pub fn seen_by_customer(self, seller: &Seller) -> CustomerOrder {
        let by = |by: CreatedBy| by.seen_by_customer(seller);
        Order {
            order_id: self.order_id,
            order_number: self.order_number,
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            status: self.status,
            lines: self.lines,
            total: self.total,
            notes: self.notes,
            answers: self.answers,
            ship_to: self.ship_to,
            requested_delivery_date: self.requested_delivery_date,
            created_by: by(self.created_by),
            assigned_team: self.assigned_team,
            assigned_team_id: None,
            created_at: self.created_at,
            submitted_at: self.submitted_at,
            decided_at: self.decided_at,
            decided_by: self.decided_by.map(by),
            response: ResponseDue::default(),
            reject_reason: self.reject_reason,
            history: self
                .history
                .into_iter()
                .map(|e| OrderEvent {
                    event: e.event,
                    at: e.at,
                    by: by(e.by),
                    note: e.note,
                    rule: None,
                })
                .collect(),
            version: self.version,
        }
    }

    /// This order moved to `status` now by `by`, one version on.
    pub fn moved(&self, status: OrderStatus, event: OrderEventKind, by: CreatedBy) -> Order {
        let now = Timestamp::now();
        let mut after = self.clone();
        after.status = status;
        after.decided_at = Some(now);
        after.decided_by = Some(by.clone());
        after.response = ResponseDue::default();
        after.history.push(OrderEvent {
            event,
            at: now,
            by,
            note: None,
            rule: None,
        });
        after.version += 1;
        after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_read_as_so_and_six_digits_and_parse_back() {
        assert_eq!(OrderNumber(123).to_string(), "SO-000123");
        assert_eq!(OrderNumber(1_234_567).to_string(), "SO-1234567");
        let json = serde_json::to_string(&OrderNumber(42)).unwrap();
        assert_eq!(json, r#""SO-000042""#);
        assert_eq!(
            serde_json::from_str::<OrderNumber>(&json).unwrap(),
            OrderNumber(42)
        );
    }

    #[test]
    fn quantities_are_whole_numbers_from_1_to_10000() {
        assert!(Quantity::new(1).is_ok());
        assert!(Quantity::new(10_000).is_ok());
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(10_001).is_err());
        assert!(Quantity::new(-3).is_err());
        assert!(serde_json::from_str::<Quantity>("2.5").is_err());
    }
}
