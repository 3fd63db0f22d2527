//! The seller's changes to its teams. Every change rewrites the one record of all teams,
//! conditioned on its version, audited in the same transaction, and made again on a fresh read
//! when another admin's change came first.

use super::{
    MAX_NOTIFY_EMAILS, MAX_TEAMS, Member, Team, TeamChange, TeamStore, TeamStoreError, Teams,
};
use crate::actor::Principal;
use crate::audit::{AuditEntry, Audited};
use crate::domain::{Email, FieldError, Timestamp, Validator, bounded_text, patch};
use crate::error::Unexpected;
use crate::ids::TeamId;
use crate::retry::{self, Attempt};
use serde::Deserialize;
use serde_json::json;

/// Body of `POST /admin/teams`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTeamBody {
    pub name: String,
    #[serde(default)]
    pub notify_emails: Vec<String>,
    pub respond_within_minutes: Option<i64>,
}

/// Body of `PATCH /admin/teams/{team_id}`: absent fields stay, `null` clears the time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeamBody {
    pub name: Option<String>,
    pub notify_emails: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub respond_within_minutes: Option<Option<i64>>,
    pub version: Option<u64>,
}

/// Why a team use case did not go through.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("no such team")]
    NotFound,
    #[error("another team has this name")]
    DuplicateName,
    #[error("the team was changed meanwhile")]
    Stale,
    #[error("the team has {} customers", .0.len())]
    InUse(Vec<Member>),
    /// Routing rules (their positions, from 1) send requests to the team.
    #[error("routing rules name the team")]
    InRules(Vec<usize>),
    #[error("there are {MAX_TEAMS} teams already")]
    TooMany,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

fn name(v: &mut Validator, raw: &str) -> Option<String> {
    v.check("name", bounded_text(raw, 1, 100))
}

/// Valid, lower-cased, deduplicated in the order given.
fn notify_emails(v: &mut Validator, raw: &[String]) -> Option<Vec<Email>> {
    if raw.len() > MAX_NOTIFY_EMAILS {
        v.push(
            "notify_emails",
            format!("at most {MAX_NOTIFY_EMAILS} addresses"),
        );
        return None;
    }
    let mut out: Vec<Email> = Vec::new();
    let mut ok = true;
    for (i, e) in raw.iter().enumerate() {
        match v.check(&format!("notify_emails[{i}]"), Email::parse(e)) {
            Some(e) if !out.contains(&e) => out.push(e),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn minutes(v: &mut Validator, raw: i64) -> Option<u32> {
    match u32::try_from(raw) {
        Ok(m) if (1..=525_600).contains(&m) => Some(m),
        _ => {
            v.push(
                "respond_within_minutes",
                "must be a whole number of minutes from 1 to 525600",
            );
            None
        }
    }
}

/// Writes `after` in place of `before` for `change`, again on a fresh read while another
/// write came first. `decide` answers the record to write, or why not.
async fn rewrite<S, T>(
    store: &S,
    admin: &Principal,
    action: &str,
    decide: impl Fn(&Teams, Timestamp) -> Result<(Teams, TeamChange, T), TeamError>,
) -> Result<T, TeamError>
where
    S: TeamStore,
{
    let decide = &decide;
    retry::on_contention("the teams", move |_| {
        let decided = async move {
            let before = store.teams().await?;
            let now = Timestamp::now();
            let (after, change, answer) = decide(&before, now)?;
            if let TeamChange::Removed(id) = &change {
                let members = store.members(id).await?;
                if !members.is_empty() {
                    return Err(TeamError::InUse(members));
                }
            }
            let id = match &change {
                TeamChange::Added(id) | TeamChange::Changed(id) | TeamChange::Removed(id) => id,
            };
            let details = json!({ "team_id": id, "name": after.get(id).map(|t| &t.name) });
            let audit = AuditEntry::by_admin(admin, now, action, None, details);
            let w = Audited {
                before: (before.version > 0).then_some(&before),
                after: &after,
                audit: &audit,
            };
            Ok((answer, store.put_teams(w, &change).await))
        };
        async move {
            match decided.await {
                Ok((answer, Ok(()))) => Attempt::Done(answer),
                Ok((_, Err(TeamStoreError::Stale | TeamStoreError::Contention))) => {
                    Attempt::Contended
                }
                Ok((_, Err(TeamStoreError::Unexpected(u)))) => Attempt::Failed(u.into()),
                Err(e) => Attempt::Failed(e),
            }
        }
    })
    .await
}

/// Creates a team.
pub async fn create_team<S: TeamStore>(
    store: &S,
    admin: &Principal,
    body: CreateTeamBody,
) -> Result<Team, TeamError> {
    let mut v = Validator::default();
    let name = name(&mut v, &body.name);
    let emails = notify_emails(&mut v, &body.notify_emails);
    let within = body.respond_within_minutes.map(|m| minutes(&mut v, m));
    v.finish(|| ()).map_err(TeamError::Invalid)?;
    let (name, emails) = (name.expect("checked"), emails.expect("checked"));
    let within = within.flatten();
    let team_id = TeamId::generate();
    rewrite(store, admin, "team.created", |before, now| {
        if before.name_taken(&name, None) {
            return Err(TeamError::DuplicateName);
        }
        if before.teams.len() >= MAX_TEAMS {
            return Err(TeamError::TooMany);
        }
        let team = Team {
            team_id: team_id.clone(),
            name: name.clone(),
            notify_emails: emails.clone(),
            respond_within_minutes: within,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let mut after = before.clone();
        after.teams.push(team.clone());
        after.version += 1;
        Ok((after, TeamChange::Added(team_id.clone()), team))
    })
    .await
}

/// Every team, in the order they were created.
pub async fn list_teams<S: TeamStore>(store: &S) -> Result<Vec<Team>, TeamError> {
    Ok(store.teams().await?.teams)
}

/// Changes a team's name, addresses or response time.
pub async fn update_team<S: TeamStore>(
    store: &S,
    admin: &Principal,
    id: &TeamId,
    body: UpdateTeamBody,
) -> Result<Team, TeamError> {
    let mut v = Validator::default();
    let new_name = body.name.as_deref().and_then(|n| name(&mut v, n));
    let emails = body
        .notify_emails
        .as_deref()
        .and_then(|e| notify_emails(&mut v, e));
    let within = body
        .respond_within_minutes
        .map(|m| m.and_then(|m| minutes(&mut v, m)));
    v.finish(|| ()).map_err(TeamError::Invalid)?;
    rewrite(store, admin, "team.updated", |before, now| {
        let old = before.get(id).ok_or(TeamError::NotFound)?;
        if body.version.is_some_and(|seen| seen != old.version) {
            return Err(TeamError::Stale);
        }
        if new_name
            .as_deref()
            .is_some_and(|n| before.name_taken(n, Some(id)))
        {
            return Err(TeamError::DuplicateName);
        }
        let mut team = old.clone();
        patch(&mut team.name, new_name.clone());
        patch(&mut team.notify_emails, emails.clone());
        patch(&mut team.respond_within_minutes, within);
        team.updated_at = now;
        team.version += 1;
        let mut after = before.clone();
        after.version += 1;
        for t in &mut after.teams {
            if &t.team_id == id {
                *t = team.clone();
            }
        }
        Ok((after, TeamChange::Changed(id.clone()), team))
    })
    .await
}

/// Removes a team no customer names; one that customers name is refused, naming them.
pub async fn delete_team<S: TeamStore>(
    store: &S,
    admin: &Principal,
    id: &TeamId,
) -> Result<(), TeamError> {
    rewrite(store, admin, "team.deleted", |before, _| {
        before.get(id).ok_or(TeamError::NotFound)?;
        let rules = before.routing.naming(id);
        if !rules.is_empty() {
            return Err(TeamError::InRules(rules));
        }
        let mut after = before.clone();
        after.teams.retain(|t| &t.team_id != id);
        after.version += 1;
        Ok((after, TeamChange::Removed(id.clone()), ()))
    })
    .await
}
