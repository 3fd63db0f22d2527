//! The seller's rules for new requests, kept as data: which team a request goes to, and which
//! requests need no person to confirm them. They live here, below the use cases, because an
//! order's history and its `decided_by` name the rule that acted.

use crate::domain::{Money, Tag};
use crate::ids::{CustomerId, TeamId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most routing rules a seller keeps: every submission reads and tries them all.
pub const MAX_ROUTING_RULES: usize = 100;

/// The most auto-confirm rules a seller keeps.
pub const MAX_AUTO_CONFIRM_RULES: usize = 50;

/// What a new request is judged by: its account and its total.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub customer_id: &'a CustomerId,
    pub tags: &'a BTreeSet<Tag>,
    pub total: Money,
}

/// The conditions of a routing rule; every one it names must hold, and it names at least one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RuleMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_tag: Option<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    /// The request's total is at least this, in the same currency (another currency never
    /// matches: amounts of two currencies do not compare).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_total: Option<Money>,
}

impl RuleMatch {
    pub fn is_empty(&self) -> bool {
        self.customer_tag.is_none() && self.customer_id.is_none() && self.min_total.is_none()
    }

    pub fn matches(&self, r: &Request<'_>) -> bool {
        !self.is_empty()
            && self
                .customer_tag
                .as_ref()
                .is_none_or(|t| r.tags.contains(t))
            && self.customer_id.as_ref().is_none_or(|c| c == r.customer_id)
            && self.min_total.is_none_or(|min| {
                min.currency() == r.total.currency() && r.total.amount() >= min.amount()
            })
    }
}

/// Requests that match go to `team_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    #[serde(rename = "match")]
    pub when: RuleMatch,
    pub team_id: TeamId,
}

/// The ordered routing rules, versioned as one list: the first that matches wins.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RoutingRules {
    pub rules: Vec<RoutingRule>,
    /// 0 until the rules are first written.
    pub version: u64,
}

impl RoutingRules {
    /// The first rule that matches `r`, with its position counted from 1.
    pub fn first_match(&self, r: &Request<'_>) -> Option<(usize, &RoutingRule)> {
        self.rules
            .iter()
            .enumerate()
            .find(|(_, rule)| rule.when.matches(r))
            .map(|(i, rule)| (i + 1, rule))
    }

    /// The positions (from 1) of the rules that send requests to `team`.
    pub fn naming(&self, team: &TeamId) -> Vec<usize> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| &r.team_id == team)
            .map(|(i, _)| i + 1)
            .collect()
    }
}

/// Requests of accounts with the tag, up to the total when one is given, are confirmed at
/// submission without a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoConfirmRule {
    pub customer_tag: Tag,
    /// Above this (or in another currency) a request waits for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total: Option<Money>,
}

impl AutoConfirmRule {
    /// The rule in words, for emails: `customers tagged trusted, up to EUR 500.00`.
    pub fn describe(&self) -> String {
        match &self.max_total {
            Some(max) => format!(
                "customers tagged {}, up to {max}",
                self.customer_tag.as_str()
            ),
            None => format!("customers tagged {}, any total", self.customer_tag.as_str()),
        }
    }

    pub fn matches(&self, r: &Request<'_>) -> bool {
        r.tags.contains(&self.customer_tag)
            && self.max_total.is_none_or(|max| {
                max.currency() == r.total.currency() && r.total.amount() <= max.amount()
            })
    }
}

/// The auto-confirm rules, versioned as one list; any that matches confirms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AutoConfirmRules {
    pub rules: Vec<AutoConfirmRule>,
    /// 0 until the rules are first written.
    pub version: u64,
}

impl AutoConfirmRules {
    pub fn first_match(&self, r: &Request<'_>) -> Option<&AutoConfirmRule> {
        self.rules.iter().find(|rule| rule.matches(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn eur(cents: i64) -> Money {
        Money::new(cents, Currency::parse("EUR").unwrap()).unwrap()
    }

    fn tags(t: &[&str]) -> BTreeSet<Tag> {
        t.iter().map(|t| Tag::parse(t).unwrap()).collect()
    }

    fn team(n: u8) -> TeamId {
        TeamId::parse(&format!("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a{n:02x}")).unwrap()
    }

    #[test]
    fn the_first_rule_whose_every_condition_holds_wins() {
        let me = CustomerId::generate();
        let vip = tags(&["vip"]);
        let rules = RoutingRules {
            rules: vec![
                RoutingRule {
                    when: RuleMatch {
                        customer_tag: Some(Tag::parse("vip").unwrap()),
                        min_total: Some(eur(10000)),
                        ..RuleMatch::default()
                    },
                    team_id: team(1),
                },
                RoutingRule {
                    when: RuleMatch {
                        customer_id: Some(me.clone()),
                        ..RuleMatch::default()
                    },
                    team_id: team(2),
                },
                RoutingRule {
                    when: RuleMatch {
                        customer_tag: Some(Tag::parse("vip").unwrap()),
                        ..RuleMatch::default()
                    },
                    team_id: team(3),
                },
            ],
            version: 1,
        };
        let at = |total, tags| Request {
            customer_id: &me,
            tags,
            total,
        };

        assert_eq!(rules.first_match(&at(eur(10000), &vip)).unwrap().0, 1);
        assert_eq!(rules.first_match(&at(eur(9999), &vip)).unwrap().0, 2);
        let other = CustomerId::generate();
        let theirs = Request {
            customer_id: &other,
            tags: &vip,
            total: eur(1),
        };
        assert_eq!(rules.first_match(&theirs).unwrap().0, 3);
        assert!(
            rules
                .first_match(&Request {
                    customer_id: &other,
                    tags: &tags(&[]),
                    total: eur(100000)
                })
                .is_none()
        );
        assert_eq!(rules.naming(&team(3)), [3]);
    }

    #[test]
    fn a_total_in_another_currency_neither_reaches_a_minimum_nor_stays_under_a_maximum() {
        let me = CustomerId::generate();
        let vip = tags(&["vip"]);
        let usd = Money::new(1, Currency::parse("USD").unwrap()).unwrap();
        let r = Request {
            customer_id: &me,
            tags: &vip,
            total: usd,
        };
        let min = RuleMatch {
            min_total: Some(eur(0)),
            ..RuleMatch::default()
        };
        let max = AutoConfirmRule {
            customer_tag: Tag::parse("vip").unwrap(),
            max_total: Some(eur(100000)),
        };

        assert!(!min.matches(&r));
        assert!(!max.matches(&r));
        assert!(
            !RuleMatch::default().matches(&r),
            "an empty match is no rule"
        );
    }

    #[test]
    fn auto_confirmation_holds_up_to_and_including_the_maximum() {
        let me = CustomerId::generate();
        let trusted = tags(&["trusted"]);
        let rule = AutoConfirmRule {
            customer_tag: Tag::parse("Trusted").unwrap(),
            max_total: Some(eur(50000)),
        };
        let at = |total| Request {
            customer_id: &me,
            tags: &trusted,
            total,
        };

        assert!(rule.matches(&at(eur(50000))));
        assert!(!rule.matches(&at(eur(50001))));
        assert_eq!(
            serde_json::to_value(&rule).unwrap(),
            serde_json::json!({"customer_tag": "trusted",
                               "max_total": {"amount": 50000, "currency": "EUR"}})
        );
    }
}
