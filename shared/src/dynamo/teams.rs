//! The teams in the table: one item holding every team (read in a submission's one batch) and
//! each team's count of customers, and one item per customer of a team so that a refused
//! removal can name them without a scan. Keys: [`crate::dynamo::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, n, s};
use super::keys::{CATALOG_PK, MEMBER_PREFIX, TEAMS_SK, member_sk, team_pk};
use super::write::tx_error_into;
use crate::audit::{AuditEntry, Audited};
use crate::customers::Customer;
use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::ids::{CustomerId, TeamId};
use crate::rules::{AutoConfirmRules, RoutingRules};
use crate::teams::{
    MEMBERS_SHOWN, Member, RuleList, Team, TeamChange, TeamStore, TeamStoreError, Teams,
};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem, Update};
use std::collections::HashMap;

tx_error_into!(TeamStoreError);

/// One team as the item's `teams` JSON holds it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    team_id: TeamId,
    name: String,
    notify_emails: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    respond_within_minutes: Option<u32>,
    created_at: Timestamp,
    updated_at: Timestamp,
    version: u64,
}

fn teams_json(teams: &Teams) -> String {
    let stored: Vec<Stored> = teams
        .teams
        .iter()
        .map(|t| Stored {
            team_id: t.team_id.clone(),
            name: t.name.clone(),
            notify_emails: t.notify_emails.iter().map(|e| e.as_str().into()).collect(),
            respond_within_minutes: t.respond_within_minutes,
            created_at: t.created_at,
            updated_at: t.updated_at,
            version: t.version,
        })
        .collect();
    serde_json::to_string(&stored).expect("teams serialise")
}

/// The attribute of the teams item that counts `team`'s customers: one top-level number per
/// team, not a map of them, because DynamoDB Local writes an empty map into the stream in a
/// shape the SDK cannot read, which would stop the local stream (and so every email).
fn counter(team: &TeamId) -> String {
    format!("members_{team}")
}

fn json<T: serde::Serialize>(rules: &T) -> String {
    serde_json::to_string(rules).expect("rules serialise")
}

pub fn from_item(item: &Item) -> Result<Teams, Unexpected> {
    let r = Reader(item);
    let stored: Vec<Stored> = r.json("teams")?.unwrap_or_default();
    let teams = stored
        .into_iter()
        .map(|t| {
            Ok(Team {
                team_id: t.team_id,
                name: t.name,
                notify_emails: t
                    .notify_emails
                    .iter()
                    .map(|e| Email::stored(e).map_err(|_| super::attr::bad("teams", "email")))
                    .collect::<Result<_, Unexpected>>()?,
                respond_within_minutes: t.respond_within_minutes,
                created_at: t.created_at,
                updated_at: t.updated_at,
                version: t.version,
            })
        })
        .collect::<Result<_, Unexpected>>()?;
    let version = |name| item.contains_key(name).then(|| r.n(name)).transpose();
    Ok(Teams {
        teams,
        version: version("version")?.unwrap_or(0),
        routing: RoutingRules {
            rules: r.json("routing_rules")?.unwrap_or_default(),
            version: version("routing_version")?.unwrap_or(0),
        },
        auto_confirm: AutoConfirmRules {
            rules: r.json("auto_confirm")?.unwrap_or_default(),
            version: version("auto_confirm_version")?.unwrap_or(0),
        },
    })
}

/// The item that records `c` as a customer of its team.
pub fn member_item(team: &TeamId, c: &Customer) -> Item {
    Item::from([
        ("PK".into(), s(team_pk(team))),
        ("SK".into(), s(member_sk(&c.customer_id))),
        ("type".into(), s("team_member")),
        ("customer_id".into(), s(c.customer_id.as_str())),
        ("name".into(), s(c.name.as_str())),
    ])
}

fn member_from_item(item: &Item) -> Result<Member, Unexpected> {
    let r = Reader(item);
    Ok(Member {
        customer_id: CustomerId::parse(r.s("customer_id")?)
            .ok_or_else(|| super::attr::bad("team_member", "customer_id"))?,
        name: r.s("name")?.to_owned(),
    })
}

/// A condition that the version attribute `name` is still `was` (absent while 0).
fn version_is(
    values: &mut HashMap<String, AttributeValue>,
    name: &str,
    placeholder: &str,
    was: u64,
) -> String {
    if was == 0 {
        format!("attribute_not_exists({name})")
    } else {
        values.insert(placeholder.to_owned(), n(was));
        format!("{name} = {placeholder}")
    }
}

impl DynamoStore {
    fn update_teams(
        &self,
        expression: String,
        condition: &str,
        names: HashMap<String, String>,
        values: HashMap<String, AttributeValue>,
    ) -> TransactWriteItem {
        let update = Update::builder()
            .table_name(self.table())
            .key("PK", s(CATALOG_PK))
            .key("SK", s(TEAMS_SK))
            .update_expression(expression)
            .condition_expression(condition)
            .set_expression_attribute_names((!names.is_empty()).then_some(names))
            .set_expression_attribute_values(Some(values))
            .build()
            .expect("table, key and expression are set");
        TransactWriteItem::builder().update(update).build()
    }

    /// The actions that move `after` into its team and out of `before`'s, in the account's own
    /// transaction, and the position (among them) of the one whose condition is that the
    /// joined team still exists.
    pub(super) fn membership_actions(
        &self,
        before: Option<&Customer>,
        after: &Customer,
    ) -> (Vec<TransactWriteItem>, Option<usize>) {
        let old = before.and_then(Customer::team_membership);
        let new = after.team_membership();
        let mut actions = Vec::new();
        let mut joins = None;
        if old != new {
            let mut sets = Vec::new();
            let mut names = HashMap::new();
            let values = HashMap::from([(":one".to_owned(), n(1))]);
            if let Some(t) = new {
                sets.push("#new = #new + :one");
                names.insert("#new".to_owned(), counter(t));
            }
            if let Some(t) = old {
                sets.push("#old = #old - :one");
                names.insert("#old".to_owned(), counter(t));
            }
            let condition = if new.is_some() {
                "attribute_exists(#new)"
            } else {
                "attribute_exists(PK)"
            };
            joins = new.map(|_| 0);
            actions.push(self.update_teams(
                format!("SET {}", sets.join(", ")),
                condition,
                names,
                values,
            ));
            if let Some(t) = old {
                let delete = Delete::builder()
                    .table_name(self.table())
                    .key("PK", s(team_pk(t)))
                    .key("SK", s(member_sk(&after.customer_id)))
                    .build()
                    .expect("table and key are set");
                actions.push(TransactWriteItem::builder().delete(delete).build());
            }
        }
        if let Some(t) = new
            && (old != new || before.is_some_and(|b| b.name != after.name))
        {
            actions.push(self.put(member_item(t, after), None));
        }
        (actions, joins)
    }
}

#[async_trait::async_trait]
impl TeamStore for DynamoStore {
    async fn teams(&self) -> Result<Teams, Unexpected> {
        Ok(self
            .get_as((CATALOG_PK.to_owned(), TEAMS_SK), from_item)
            .await?
            .unwrap_or_default())
    }

    async fn put_teams(
        &self,
        w: Audited<'_, Teams>,
        change: &TeamChange,
    ) -> Result<(), TeamStoreError> {
        let was = w.before.map_or(0, |b| b.version);
        let mut values = HashMap::from([
            (":teams".to_owned(), s(teams_json(w.after))),
            (":next".to_owned(), n(w.after.version)),
            (":type".to_owned(), s("teams")),
        ]);
        let mut condition = if was == 0 {
            "attribute_not_exists(version)".to_owned()
        } else {
            values.insert(":v".to_owned(), n(was));
            "version = :v".to_owned()
        };
        let set = "SET teams = :teams, version = :next, #type = :type";
        let mut names = HashMap::from([("#type".to_owned(), "type".to_owned())]);
        let expression = match change {
            TeamChange::Added(id) => {
                names.insert("#id".to_owned(), counter(id));
                values.insert(":zero".to_owned(), n(0));
                format!("{set}, #id = :zero")
            }
            TeamChange::Changed(_) => set.to_owned(),
            TeamChange::Removed(id) => {
                names.insert("#id".to_owned(), counter(id));
                values.insert(":zero".to_owned(), n(0));
                let rules = w.before.map_or(0, |b| b.routing.version);
                condition.push_str(" AND #id = :zero AND ");
                condition.push_str(&version_is(&mut values, "routing_version", ":rules", rules));
                format!("{set} REMOVE #id")
            }
        };
        let record = self.update_teams(expression, &condition, names, values);
        Ok(self.transact(vec![record, self.put_audit(w.audit)]).await?)
    }

    async fn put_rules(
        &self,
        before: &Teams,
        after: &RuleList,
        audit: &AuditEntry,
    ) -> Result<(), TeamStoreError> {
        let mut values = HashMap::new();
        let mut names = HashMap::new();
        let (list, version, was, next, teams) = match after {
            RuleList::Routing(r) => (
                "routing_rules",
                "routing_version",
                before.routing.version,
                (json(&r.rules), r.version),
                r.rules.iter().map(|r| &r.team_id).collect(),
            ),
            RuleList::AutoConfirm(r) => (
                "auto_confirm",
                "auto_confirm_version",
                before.auto_confirm.version,
                (json(&r.rules), r.version),
                Vec::new(),
            ),
        };
        values.insert(":rules".to_owned(), s(next.0));
        values.insert(":next".to_owned(), n(next.1));
        values.insert(":type".to_owned(), s("teams"));
        names.insert("#type".to_owned(), "type".to_owned());
        let mut condition = version_is(&mut values, version, ":was", was);
        for (i, team) in teams.into_iter().enumerate() {
            let name = format!("#team{i}");
            condition.push_str(&format!(" AND attribute_exists({name})"));
            names.insert(name, counter(team));
        }
        let expression = format!("SET {list} = :rules, {version} = :next, #type = :type");
        let record = self.update_teams(expression, &condition, names, values);
        Ok(self.transact(vec![record, self.put_audit(audit)]).await?)
    }

    async fn members(&self, team: &TeamId) -> Result<Vec<Member>, Unexpected> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", s(team_pk(team)))
            .expression_attribute_values(":prefix", s(MEMBER_PREFIX))
            .consistent_read(true)
            .limit(MEMBERS_SHOWN as i32)
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
        out.items().iter().map(member_from_item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record as the table holds it once its attributes are written: its teams, a count
    /// of customers for each (all zero here), and the rules.
    fn to_item(teams: &Teams) -> Item {
        let mut item = Item::from([
            ("PK".into(), s(CATALOG_PK)),
            ("SK".into(), s(TEAMS_SK)),
            ("type".into(), s("teams")),
            ("teams".into(), s(teams_json(teams))),
            ("version".into(), n(teams.version)),
            ("routing_rules".into(), s(json(&teams.routing.rules))),
            ("routing_version".into(), n(teams.routing.version)),
            ("auto_confirm".into(), s(json(&teams.auto_confirm.rules))),
            ("auto_confirm_version".into(), n(teams.auto_confirm.version)),
        ]);
        for t in &teams.teams {
            item.insert(counter(&t.team_id), n(0));
        }
        item
    }

    fn teams() -> Teams {
        let at = Timestamp::parse("2026-12-02T08:00:00Z").unwrap();
        Teams {
            teams: vec![Team {
                team_id: TeamId::parse("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
                name: "North".into(),
                notify_emails: vec![Email::parse("north@seller.example").unwrap()],
                respond_within_minutes: Some(60),
                created_at: at,
                updated_at: at,
                version: 1,
            }],
            version: 1,
            ..Teams::default()
        }
    }

    #[test]
    fn every_team_is_one_item_with_a_count_of_customers_per_team_and_reads_back() {
        let it = to_item(&teams());

        assert_eq!(it.len(), 10);
        assert_eq!(it["routing_rules"], s("[]"));
        assert_eq!(it["routing_version"], n(0));
        assert_eq!(it["auto_confirm"], s("[]"));
        assert_eq!(it["auto_confirm_version"], n(0));
        assert_eq!(it["members_team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"], n(0));
        assert_eq!(it["PK"], s("CATALOG"));
        assert_eq!(it["SK"], s("TEAMS"));
        assert_eq!(it["type"], s("teams"));
        assert_eq!(it["version"], n(1));
        assert_eq!(
            it["teams"],
            s(concat!(
                r#"[{"team_id":"team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b","name":"North","#,
                r#""notify_emails":["north@seller.example"],"respond_within_minutes":60,"#,
                r#""created_at":"2026-12-02T08:00:00.000Z","updated_at":"2026-12-02T08:00:00.000Z","#,
                r#""version":1}]"#
            ))
        );
        assert_eq!(from_item(&it).unwrap(), teams());
    }

    #[test]
    fn a_customer_of_a_team_is_one_item_in_the_teams_partition() {
        let m = crate::memory::Memory::new();
        let c = m.customer("Acme", |_| {});
        let team = &teams().teams[0].team_id;

        let it = member_item(team, &c);

        assert_eq!(it.len(), 5);
        assert_eq!(it["PK"], s("TEAM#team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(it["SK"], s(format!("MEMBER#{}", c.customer_id)));
        assert_eq!(it["type"], s("team_member"));
        assert_eq!(it["customer_id"], s(c.customer_id.as_str()));
        assert_eq!(it["name"], s("Acme"));
        let m = member_from_item(&it).unwrap();
        assert_eq!((m.customer_id, m.name.as_str()), (c.customer_id, "Acme"));
    }
}
