//! The teams in the table: one item holding every team (read in a submission's one batch) and
//! each team's count of customers, and one item per customer of a team so that a refused
//! removal can name them without a scan. Keys: [`crate::dynamo::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, n, s};
use super::keys::{CATALOG_PK, MEMBER_PREFIX, TEAMS_SK, member_sk, team_pk};
use super::write::tx_error_into;
use crate::audit::Audited;
use crate::customers::Customer;
use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::ids::{CustomerId, TeamId};
use crate::teams::{MEMBERS_SHOWN, Member, Team, TeamChange, TeamStore, TeamStoreError, Teams};
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

/// The first write of the record: its teams, and a count of customers for each, all zero.
pub fn to_item(teams: &Teams) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(CATALOG_PK)),
        ("SK".into(), s(TEAMS_SK)),
        ("type".into(), s("teams")),
        ("teams".into(), s(teams_json(teams))),
        ("version".into(), n(teams.version)),
    ]);
    for t in &teams.teams {
        item.insert(counter(&t.team_id), n(0));
    }
    item
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
    Ok(Teams {
        teams,
        version: r.n("version")?,
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
        let record = match w.before {
            None => self.put_new(to_item(w.after)),
            Some(before) => {
                let mut values = HashMap::from([
                    (":teams".to_owned(), s(teams_json(w.after))),
                    (":v".to_owned(), n(before.version)),
                    (":next".to_owned(), n(w.after.version)),
                ]);
                let set = "SET teams = :teams, version = :next";
                let (expression, condition, id) = match change {
                    TeamChange::Added(id) => {
                        (format!("{set}, #id = :zero"), "version = :v", Some(id))
                    }
                    TeamChange::Changed(_) => (set.to_owned(), "version = :v", None),
                    TeamChange::Removed(id) => (
                        format!("{set} REMOVE #id"),
                        "version = :v AND #id = :zero",
                        Some(id),
                    ),
                };
                if id.is_some() {
                    values.insert(":zero".to_owned(), n(0));
                }
                let names = id
                    .map(|id| HashMap::from([("#id".to_owned(), counter(id))]))
                    .unwrap_or_default();
                self.update_teams(expression, condition, names, values)
            }
        };
        Ok(self.transact(vec![record, self.put_audit(w.audit)]).await?)
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
        }
    }

    #[test]
    fn every_team_is_one_item_with_a_count_of_customers_per_team_and_reads_back() {
        let it = to_item(&teams());

        assert_eq!(it.len(), 6);
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
