//! A team and the one record that holds every team.

use crate::domain::{Email, Timestamp};
use crate::ids::{CustomerId, TeamId};
use crate::rules::{AutoConfirmRules, RoutingRule, RoutingRules};

/// The most addresses one team is told at: a new request's email goes to each of them.
pub const MAX_NOTIFY_EMAILS: usize = 10;

/// The most teams a seller keeps: all of them live in one item that every submission reads.
pub const MAX_TEAMS: usize = 200;

/// A group of the seller's staff that fulfils orders: customers name it, orders are assigned
/// to it, and its addresses are told of new requests.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Team {
    pub team_id: TeamId,
    /// Unique among the teams, case-insensitively: the console and emails show teams by name.
    pub name: String,
    pub notify_emails: Vec<Email>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub respond_within_minutes: Option<u32>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// Every team, kept as one record with one version so that an order's submission reads them
/// all with its other items in one batch, and a change to any team is one conditional write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Teams {
    pub teams: Vec<Team>,
    /// 0 until the first team is created.
    pub version: u64,
    /// Kept in the same record so that a submission reads them in its one batch, and so that
    /// removing a team can be conditioned on no rule naming it.
    pub routing: RoutingRules,
    pub auto_confirm: AutoConfirmRules,
}

impl Teams {
    pub fn get(&self, id: &TeamId) -> Option<&Team> {
        self.teams.iter().find(|t| &t.team_id == id)
    }

    /// Whether another team than `except` has `name`, ignoring case.
    pub fn name_taken(&self, name: &str, except: Option<&TeamId>) -> bool {
        self.teams
            .iter()
            .any(|t| Some(&t.team_id) != except && t.name.to_lowercase() == name.to_lowercase())
    }
}

/// A customer account that names a team as its `fulfillment_team_id`: what a refused delete
/// shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Member {
    pub customer_id: CustomerId,
    pub name: String,
}

/// Who fulfils a new order: a team (its id, its name and the addresses told of it), or, for an
/// account that has only the older free-text `fulfillment_team`, that text alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub team_id: Option<TeamId>,
    pub name: String,
    pub notify_emails: Vec<Email>,
    /// How long the team has to answer, from assignment.
    pub respond_within_minutes: Option<u32>,
    /// The routing rule that chose the team, and its position in the list (from 1); `None`
    /// when the customer's own team did.
    pub rule: Option<(usize, RoutingRule)>,
}

impl Assignment {
    /// Assigned to `team`.
    pub fn to_team(team: &Team) -> Self {
        Self {
            team_id: Some(team.team_id.clone()),
            name: team.name.clone(),
            notify_emails: team.notify_emails.clone(),
            respond_within_minutes: team.respond_within_minutes,
            rule: None,
        }
    }

    /// Where `customer`'s new orders go: its team when it names one that exists, else its
    /// free-text team, else nowhere.
    pub fn of(customer: &crate::customers::Customer, teams: &Teams) -> Option<Self> {
        let team = customer
            .fulfillment_team_id
            .as_ref()
            .and_then(|id| teams.get(id));
        match (team, &customer.fulfillment_team) {
            (Some(team), _) => Some(Self::to_team(team)),
            (None, Some(text)) => Some(Self {
                team_id: None,
                name: text.as_str().to_owned(),
                notify_emails: Vec::new(),
                respond_within_minutes: None,
                rule: None,
            }),
            (None, None) => None,
        }
    }
}
