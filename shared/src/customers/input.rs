//! Customer input as clients send it, converted once into domain types with every field error
//! named at once.

use super::{Address, Customer, CustomerName, CustomerStatus, Phone, Reference, Tag};
use crate::domain::{Email, FieldError, Timestamp, Validator};
use crate::ids::{CustomerId, TeamId, TierId};
use serde::Deserialize;
use std::collections::BTreeSet;

/// Most customers one bulk-tag request may name: each needs an update and an audit entry in
/// one transaction of at most 100 actions.
pub const MAX_BULK_TAG: usize = 50;

/// Body of `POST /admin/customers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerBody {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<Address>,
    pub price_tier_id: Option<String>,
    pub ordering_enabled: Option<bool>,
    pub tags: Option<Vec<String>>,
    pub fulfillment_team: Option<String>,
    pub fulfillment_team_id: Option<String>,
}

/// Body of `PATCH /admin/customers/{id}`: absent leaves a field alone, `null` clears it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerBody {
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub address: Option<Option<Address>>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub price_tier_id: Option<Option<String>>,
    pub ordering_enabled: Option<bool>,
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub fulfillment_team: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub fulfillment_team_id: Option<Option<String>>,
    /// When given, the change applies only to this version (optimistic concurrency).
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
    pub price_tier_id: Option<TierId>,
    pub ordering_enabled: bool,
    pub tags: BTreeSet<Tag>,
    pub fulfillment_team: Option<Reference>,
    pub fulfillment_team_id: Option<TeamId>,
}

/// A price tier id, in the shape the catalogue makes them.
fn tier_id(raw: &str) -> Result<TierId, String> {
    TierId::parse(raw.trim()).ok_or_else(|| "is not a price tier id (tier_…)".to_owned())
}

/// A team id, in the shape teams are made with.
fn team_id(raw: &str) -> Result<TeamId, String> {
    TeamId::parse(raw.trim()).ok_or_else(|| "is not a team id (team_…)".to_owned())
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
        let phone = v.optional("phone", body.phone.as_deref(), Phone::parse);
        let address = body.address.and_then(|a| address(&mut v, a));
        let price_tier_id = v.optional("price_tier_id", body.price_tier_id.as_deref(), tier_id);
        let fulfillment_team = v.optional(
            "fulfillment_team",
            body.fulfillment_team.as_deref(),
            Reference::parse,
        );
        let fulfillment_team_id = v.optional(
            "fulfillment_team_id",
            body.fulfillment_team_id.as_deref(),
            team_id,
        );
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
            fulfillment_team_id,
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
    pub price_tier_id: Option<Option<TierId>>,
    pub ordering_enabled: Option<bool>,
    pub tags: Option<BTreeSet<Tag>>,
    pub fulfillment_team: Option<Option<Reference>>,
    pub fulfillment_team_id: Option<Option<TeamId>>,
    pub expected_version: Option<u64>,
}

impl TryFrom<UpdateCustomerBody> for CustomerChange {
    type Error = Vec<FieldError>;

    fn try_from(body: UpdateCustomerBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let name = v.optional("name", body.name.as_deref(), CustomerName::parse);
        let email = v.optional("email", body.email.as_deref(), Email::parse);
        let phone = v.nullable("phone", body.phone, Phone::parse);
        let address = body.address.map(|a| a.and_then(|a| address(&mut v, a)));
        let price_tier_id = v.nullable("price_tier_id", body.price_tier_id, tier_id);
        let fulfillment_team =
            v.nullable("fulfillment_team", body.fulfillment_team, Reference::parse);
        let fulfillment_team_id =
            v.nullable("fulfillment_team_id", body.fulfillment_team_id, team_id);
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
            fulfillment_team_id,
            expected_version: body.version,
        })
    }
}

impl CustomerChange {
    pub(super) fn apply(&self, c: &Customer, now: Timestamp) -> Customer {
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
        if let Some(v) = &self.fulfillment_team_id {
            next.fulfillment_team_id = v.clone();
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
