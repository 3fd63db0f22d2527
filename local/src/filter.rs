//! Lambda event filtering (`FilterCriteria`), the subset the template uses: a pattern is a
//! JSON object whose leaves are lists of exact values, e.g.
//! `{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["outbox"]}}}}`.
//! A record matches when every leaf's field holds one of its values. Content filters
//! (`prefix`, `anything-but`, `numeric`, `exists`, ...) are refused when the template is read,
//! so the local stack never filters differently from AWS without saying so.

use anyhow::{anyhow, bail};
use serde_json::Value;

/// One parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// Every named field must match its own pattern.
    Fields(Vec<(String, Pattern)>),
    /// The field must equal one of these values (or, for a list, hold one of them).
    OneOf(Vec<Value>),
}

impl Pattern {
    /// Reads a pattern, refusing anything beyond exact-match lists.
    pub fn parse(json: &Value) -> anyhow::Result<Self> {
        let Value::Object(fields) = json else {
            bail!("a filter pattern must be a JSON object, not {json}");
        };
        let mut parsed = Vec::with_capacity(fields.len());
        for (name, value) in fields {
            let pattern = match value {
                Value::Object(_) => Self::parse(value)?,
                Value::Array(values) => {
                    if let Some(rule) = values.iter().find(|v| v.is_object() || v.is_array()) {
                        bail!(
                            "the filter on {name} uses {rule}: the local stack supports only \
                             lists of exact values"
                        );
                    }
                    Self::OneOf(values.clone())
                }
                other => {
                    return Err(anyhow!(
                        "the filter on {name} must be a list of values or an object, not {other}"
                    ));
                }
            };
            parsed.push((name.clone(), pattern));
        }
        Ok(Self::Fields(parsed))
    }

    /// Whether `event` (a record as the function would receive it) matches.
    pub fn matches(&self, event: &Value) -> bool {
        match self {
            Self::Fields(fields) => fields
                .iter()
                .all(|(name, pattern)| event.get(name).is_some_and(|v| pattern.matches(v))),
            Self::OneOf(allowed) => match event {
                Value::Array(items) => items.iter().any(|item| allowed.contains(item)),
                value => allowed.contains(value),
            },
        }
    }
}

/// Whether a record passes a function's filters: any one of them, or all records when none.
pub fn passes(filters: &[Pattern], record: &Value) -> bool {
    filters.is_empty() || filters.iter().any(|f| f.matches(record))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn outbox_filter() -> Pattern {
        Pattern::parse(&json!({
            "eventName": ["INSERT"],
            "dynamodb": {"NewImage": {"type": {"S": ["outbox"]}, "status": {"S": ["pending"]}}}
        }))
        .unwrap()
    }

    fn record(event_name: &str, kind: &str) -> Value {
        json!({
            "eventName": event_name,
            "dynamodb": {"NewImage": {"type": {"S": kind}, "status": {"S": "pending"}}}
        })
    }

    #[test]
    fn a_record_matches_when_every_nested_field_holds_a_listed_value() {
        let filter = outbox_filter();

        assert!(filter.matches(&record("INSERT", "outbox")));
        assert!(!filter.matches(&record("MODIFY", "outbox")));
        assert!(!filter.matches(&record("INSERT", "customer")));
        assert!(!filter.matches(&json!({"eventName": "REMOVE", "dynamodb": {"Keys": {}}})));
    }

    #[test]
    fn any_filter_lets_a_record_through_and_no_filter_lets_all_through() {
        let inserts = Pattern::parse(&json!({"eventName": ["INSERT"]})).unwrap();
        let removes = Pattern::parse(&json!({"eventName": ["REMOVE", "MODIFY"]})).unwrap();

        assert!(passes(
            &[inserts.clone(), removes.clone()],
            &record("MODIFY", "x")
        ));
        assert!(!passes(&[inserts], &record("MODIFY", "x")));
        assert!(passes(&[], &record("MODIFY", "x")));
    }

    #[test]
    fn a_list_field_matches_when_it_holds_a_listed_value() {
        let filter = Pattern::parse(&json!({"tags": ["vip"]})).unwrap();

        assert!(filter.matches(&json!({"tags": ["new", "vip"]})));
        assert!(!filter.matches(&json!({"tags": ["new"]})));
    }

    #[test]
    fn content_filters_are_refused_rather_than_misapplied() {
        let prefix = Pattern::parse(&json!({"eventName": [{"prefix": "INS"}]})).unwrap_err();
        let scalar = Pattern::parse(&json!({"eventName": "INSERT"})).unwrap_err();

        assert!(prefix.to_string().contains("exact values"), "{prefix}");
        assert!(scalar.to_string().contains("list of values"), "{scalar}");
    }
}
