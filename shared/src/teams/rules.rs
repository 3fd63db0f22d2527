//! The seller's routing and auto-confirm rules: read and replaced as whole lists, each with
//! its own version, audited, and applied to a new request with the teams it names.

use super::{Assignment, RuleList, TeamStore, TeamStoreError, Teams};
use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::customers::Customer;
use crate::domain::{FieldError, Money, Tag, Timestamp, Validator};
use crate::error::Unexpected;
use crate::ids::{CustomerId, TeamId};
use crate::retry::{self, Attempt};
use crate::rules::{
    AutoConfirmRule, AutoConfirmRules, MAX_AUTO_CONFIRM_RULES, MAX_ROUTING_RULES, Request,
    RoutingRule, RoutingRules, RuleMatch,
};
use serde::Deserialize;
use serde_json::json;

/// Body of `PUT /admin/routing-rules`: the whole list, in order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRulesBody {
    pub rules: Vec<RoutingRuleBody>,
    /// The version the list was read at; without it the list replaces whatever is there.
    pub version: Option<u64>,
}

/// One routing rule as a client sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRuleBody {
    #[serde(rename = "match")]
    pub when: MatchBody,
    pub team_id: String,
}

/// A routing rule's conditions as a client sends them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchBody {
    pub customer_tag: Option<String>,
    pub customer_id: Option<String>,
    pub min_total: Option<Money>,
}

/// Body of `PUT /admin/auto-confirm`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoConfirmBody {
    pub rules: Vec<AutoConfirmRuleBody>,
    pub version: Option<u64>,
}

/// One auto-confirm rule as a client sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoConfirmRuleBody {
    pub customer_tag: String,
    pub max_total: Option<Money>,
}

/// Why a list of rules was not replaced.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("invalid rules")]
    Invalid(Vec<FieldError>),
    /// The list changed since the `version` the client read.
    #[error("the rules were changed meanwhile")]
    Stale,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Where a new request goes and whether it needs a person: what the seller's rules say.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub assignment: Option<Assignment>,
    /// The auto-confirm rule that confirms it at once, if any.
    pub confirmed_by: Option<AutoConfirmRule>,
}

impl Teams {
    /// Routes a new request of `customer` for `total`: the first routing rule that matches,
    /// else the customer's own team; and the first auto-confirm rule that matches.
    pub fn route(&self, customer: &Customer, total: Money) -> Routed {
        let request = Request {
            customer_id: &customer.customer_id,
            tags: &customer.tags,
            total,
        };
        let by_rule = self
            .routing
            .first_match(&request)
            .and_then(|(position, rule)| {
                let team = self.get(&rule.team_id)?;
                Some(Assignment {
                    rule: Some((position, rule.clone())),
                    ..Assignment::to_team(team)
                })
            });
        Routed {
            assignment: by_rule.or_else(|| Assignment::of(customer, self)),
            confirmed_by: self.auto_confirm.first_match(&request).cloned(),
        }
    }
}

fn routing_rules(v: &mut Validator, body: &[RoutingRuleBody]) -> Vec<RoutingRule> {
    if body.len() > MAX_ROUTING_RULES {
        v.push("rules", format!("at most {MAX_ROUTING_RULES} rules"));
        return Vec::new();
    }
    let mut rules = Vec::new();
    for (i, r) in body.iter().enumerate() {
        let at = |field: &str| format!("rules[{i}].{field}");
        let when = RuleMatch {
            customer_tag: v.optional(
                &at("match.customer_tag"),
                r.when.customer_tag.as_deref(),
                Tag::parse,
            ),
            customer_id: v.optional(
                &at("match.customer_id"),
                r.when.customer_id.as_deref(),
                |c| CustomerId::parse(c.trim()).ok_or("is not a customer id"),
            ),
            min_total: r.when.min_total,
        };
        let given =
            r.when.customer_tag.is_some() || r.when.customer_id.is_some() || !when.is_empty();
        if !given {
            v.push(
                at("match"),
                "must name at least one of customer_tag, customer_id and min_total",
            );
        }
        let team = v.check(
            &at("team_id"),
            TeamId::parse(r.team_id.trim()).ok_or("is not a team id"),
        );
        if let Some(team_id) = team.filter(|_| given) {
            rules.push(RoutingRule { when, team_id });
        }
    }
    rules
}

fn auto_confirm_rules(v: &mut Validator, body: &[AutoConfirmRuleBody]) -> Vec<AutoConfirmRule> {
    if body.len() > MAX_AUTO_CONFIRM_RULES {
        v.push("rules", format!("at most {MAX_AUTO_CONFIRM_RULES} rules"));
        return Vec::new();
    }
    body.iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let tag = v.check(
                &format!("rules[{i}].customer_tag"),
                Tag::parse(&r.customer_tag),
            )?;
            Some(AutoConfirmRule {
                customer_tag: tag,
                max_total: r.max_total,
            })
        })
        .collect()
}

/// Replaces a list of rules kept in the teams' record with the one `decide` answers from the
/// record as read (or why not), again on a fresh read while another write came first.
async fn replace<S: TeamStore>(
    store: &S,
    admin: &Principal,
    decide: impl Fn(&Teams) -> Result<RuleList, RulesError>,
) -> Result<RuleList, RulesError> {
    let decide = &decide;
    retry::on_contention("the rules", move |_| async move {
        let before = match store.teams().await {
            Ok(before) => before,
            Err(e) => return Attempt::Failed(e.into()),
        };
        let after = match decide(&before) {
            Ok(after) => after,
            Err(e) => return Attempt::Failed(e),
        };
        let (action, version, rules) = match &after {
            RuleList::Routing(r) => ("routing_rules.updated", r.version, json!(r.rules)),
            RuleList::AutoConfirm(r) => ("auto_confirm.updated", r.version, json!(r.rules)),
        };
        let details = json!({ "version": version, "rules": rules });
        let audit = AuditEntry::by_admin(admin, Timestamp::now(), action, None, details);
        match store.put_rules(&before, &after, &audit).await {
            Ok(()) => Attempt::Done(after),
            Err(TeamStoreError::Stale | TeamStoreError::Contention) => Attempt::Contended,
            Err(TeamStoreError::Unexpected(u)) => Attempt::Failed(u.into()),
        }
    })
    .await
}

/// The routing rules, in order.
pub async fn routing_rules_of<S: TeamStore>(store: &S) -> Result<RoutingRules, RulesError> {
    Ok(store.teams().await?.routing)
}

/// Replaces the routing rules. Every rule must name an existing team (a `400` naming the
/// rule's `team_id` otherwise), and the write holds only while those teams still exist.
pub async fn put_routing_rules<S: TeamStore>(
    store: &S,
    admin: &Principal,
    body: RoutingRulesBody,
) -> Result<RoutingRules, RulesError> {
    let mut v = Validator::default();
    let rules = routing_rules(&mut v, &body.rules);
    v.finish(|| ()).map_err(RulesError::Invalid)?;
    let decide = |before: &Teams| {
        if body
            .version
            .is_some_and(|seen| seen != before.routing.version)
        {
            return Err(RulesError::Stale);
        }
        let unknown: Vec<FieldError> = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| before.get(&r.team_id).is_none())
            .map(|(i, _)| FieldError::new(format!("rules[{i}].team_id"), "names no team"))
            .collect();
        if !unknown.is_empty() {
            return Err(RulesError::Invalid(unknown));
        }
        Ok(RuleList::Routing(RoutingRules {
            rules: rules.clone(),
            version: before.routing.version + 1,
        }))
    };
    match replace(store, admin, decide).await? {
        RuleList::Routing(r) => Ok(r),
        RuleList::AutoConfirm(_) => unreachable!("decide answers routing rules"),
    }
}

/// The auto-confirm rules.
pub async fn auto_confirm_rules_of<S: TeamStore>(
    store: &S,
) -> Result<AutoConfirmRules, RulesError> {
    Ok(store.teams().await?.auto_confirm)
}

/// Replaces the auto-confirm rules.
pub async fn put_auto_confirm_rules<S: TeamStore>(
    store: &S,
    admin: &Principal,
    body: AutoConfirmBody,
) -> Result<AutoConfirmRules, RulesError> {
    let mut v = Validator::default();
    let rules = auto_confirm_rules(&mut v, &body.rules);
    v.finish(|| ()).map_err(RulesError::Invalid)?;
    let decide = |before: &Teams| {
        if body
            .version
            .is_some_and(|seen| seen != before.auto_confirm.version)
        {
            return Err(RulesError::Stale);
        }
        Ok(RuleList::AutoConfirm(AutoConfirmRules {
            rules: rules.clone(),
            version: before.auto_confirm.version + 1,
        }))
    };
    match replace(store, admin, decide).await? {
        RuleList::AutoConfirm(r) => Ok(r),
        RuleList::Routing(_) => unreachable!("decide answers auto-confirm rules"),
    }
}
