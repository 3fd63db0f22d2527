//! The teams in memory, with the table's rule that a team with customers cannot be removed.

use super::Memory;
use crate::audit::{AuditEntry, Audited};
use crate::customers::Customer;
use crate::error::Unexpected;
use crate::ids::TeamId;
use crate::reads::ItemRef;
use crate::teams::{MEMBERS_SHOWN, Member, RuleList, TeamChange, TeamStore, TeamStoreError, Teams};

impl Memory {
    /// Moves `after` into its team and out of `before`'s, as the account's write does in the
    /// table; `false` (and nothing changed) when the team it joins does not exist.
    pub(super) fn move_membership(
        s: &mut super::State,
        before: Option<&Customer>,
        after: &Customer,
    ) -> bool {
        let old = before.and_then(Customer::team_membership);
        let new = after.team_membership();
        if old != new && new.is_some_and(|t| s.teams.get(t).is_none()) {
            return false;
        }
        if let Some(t) = old {
            s.team_members
                .entry(t.clone())
                .or_default()
                .remove(&after.customer_id);
        }
        if let Some(t) = new {
            s.team_members
                .entry(t.clone())
                .or_default()
                .insert(after.customer_id.clone(), after.name.as_str().to_owned());
        }
        true
    }
}

#[async_trait::async_trait]
impl TeamStore for Memory {
    async fn teams(&self) -> Result<Teams, Unexpected> {
        self.read(ItemRef::Teams);
        Ok(self.state().teams.clone())
    }

    async fn put_teams(
        &self,
        w: Audited<'_, Teams>,
        change: &TeamChange,
    ) -> Result<(), TeamStoreError> {
        if self.contended() {
            return Err(TeamStoreError::Contention);
        }
        self.another_writer();
        let mut s = self.state();
        if s.teams.version != w.before.map_or(0, |b| b.version) {
            return Err(TeamStoreError::Stale);
        }
        if let TeamChange::Removed(id) = change
            && (s.team_members.get(id).is_some_and(|m| !m.is_empty())
                || w.before
                    .is_some_and(|b| b.routing.version != s.teams.routing.version))
        {
            return Err(TeamStoreError::Stale);
        }
        s.teams.teams = w.after.teams.clone();
        s.teams.version = w.after.version;
        s.audit.push(w.audit.clone());
        Ok(())
    }

    async fn put_rules(
        &self,
        before: &Teams,
        after: &RuleList,
        audit: &AuditEntry,
    ) -> Result<(), TeamStoreError> {
        if self.contended() {
            return Err(TeamStoreError::Contention);
        }
        self.another_writer();
        let mut s = self.state();
        match after {
            RuleList::Routing(r) => {
                let gone = r.rules.iter().any(|r| s.teams.get(&r.team_id).is_none());
                if s.teams.routing.version != before.routing.version || gone {
                    return Err(TeamStoreError::Stale);
                }
                s.teams.routing = r.clone();
            }
            RuleList::AutoConfirm(r) => {
                if s.teams.auto_confirm.version != before.auto_confirm.version {
                    return Err(TeamStoreError::Stale);
                }
                s.teams.auto_confirm = r.clone();
            }
        }
        s.audit.push(audit.clone());
        Ok(())
    }

    async fn members(&self, team: &TeamId) -> Result<Vec<Member>, Unexpected> {
        Ok(self
            .state()
            .team_members
            .get(team)
            .map(|m| {
                m.iter()
                    .take(MEMBERS_SHOWN)
                    .map(|(id, name)| Member {
                        customer_id: id.clone(),
                        name: name.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }
}
