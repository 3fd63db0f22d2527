//! Building and reading DynamoDB attribute maps without ceremony.

use crate::domain::Timestamp;
use crate::error::Unexpected;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// A DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub fn b(v: bool) -> AttributeValue {
    AttributeValue::Bool(v)
}

/// Reads typed attributes out of an item, naming the attribute when it is missing or mistyped.
pub struct Reader<'a>(pub &'a Item);

impl Reader<'_> {
    fn missing(&self, k: &str) -> Unexpected {
        Unexpected::new(format!(
            "item attribute {k} is missing or of the wrong type"
        ))
    }

    pub fn s(&self, k: &str) -> Result<&str, Unexpected> {
        self.opt_s(k).ok_or_else(|| self.missing(k))
    }

    pub fn opt_s(&self, k: &str) -> Option<&str> {
        match self.0.get(k) {
            Some(AttributeValue::S(v)) => Some(v),
            _ => None,
        }
    }

    pub fn n<T: std::str::FromStr>(&self, k: &str) -> Result<T, Unexpected> {
        match self.0.get(k) {
            Some(AttributeValue::N(v)) => v.parse().map_err(|_| self.missing(k)),
            _ => Err(self.missing(k)),
        }
    }

    pub fn bool(&self, k: &str) -> Result<bool, Unexpected> {
        match self.0.get(k) {
            Some(AttributeValue::Bool(v)) => Ok(*v),
            _ => Err(self.missing(k)),
        }
    }

    /// A timestamp, kept as its RFC 3339 text so that keys and conditions compare it as a string.
    pub fn time(&self, k: &str) -> Result<Timestamp, Unexpected> {
        parse_time(k, self.s(k)?)
    }

    /// A timestamp that only some items carry: absent is `None`, unreadable is an error.
    pub fn opt_time(&self, k: &str) -> Result<Option<Timestamp>, Unexpected> {
        self.opt_s(k).map(|v| parse_time(k, v)).transpose()
    }

    /// A string set; an absent attribute is the empty set (DynamoDB stores no empty sets).
    pub fn ss(&self, k: &str) -> Result<Vec<String>, Unexpected> {
        match self.0.get(k) {
            None => Ok(Vec::new()),
            Some(AttributeValue::Ss(v)) => Ok(v.clone()),
            Some(_) => Err(self.missing(k)),
        }
    }

    /// A JSON document kept as a string attribute.
    pub fn json<T: serde::de::DeserializeOwned>(&self, k: &str) -> Result<Option<T>, Unexpected> {
        self.opt_s(k)
            .map(|v| serde_json::from_str(v).map_err(|_| self.missing(k)))
            .transpose()
    }
}

fn parse_time(k: &str, v: &str) -> Result<Timestamp, Unexpected> {
    Timestamp::parse(v)
        .map_err(|e| Unexpected::caused_by(format!("item attribute {k} is not a valid time"), e))
}

/// An item whose attribute `what` does not hold a valid value.
pub fn bad(item: &str, what: &str) -> Unexpected {
    Unexpected::new(format!("{item} item has an invalid {what}"))
}

/// The item's attribute `k` as a plain string, for tests and cursors.
pub fn string_of(item: &Item, k: &str) -> Option<String> {
    Reader(item).opt_s(k).map(str::to_owned)
}
