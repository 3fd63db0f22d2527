//! Every team use-case error, mapped to its HTTP problem in one place.

use super::Problem;
use crate::teams::{MAX_TEAMS, RulesError, TeamError};
use serde_json::json;

impl From<TeamError> for Problem {
    fn from(e: TeamError) -> Self {
        match e {
            TeamError::Invalid(errors) => Problem::invalid(errors),
            TeamError::NotFound => Problem::not_found("There is no team with this id."),
            TeamError::DuplicateName => {
                Problem::conflict("Another team already has this name.").typed("duplicate-name")
            }
            TeamError::Stale => Problem::conflict(
                "The team was changed by someone else meanwhile. Reload it and try again.",
            )
            .typed("version-mismatch"),
            TeamError::TooMany => Problem::conflict(format!(
                "There are {MAX_TEAMS} teams already; delete one first."
            )),
            TeamError::InUse(members) => {
                let names: Vec<String> = members
                    .iter()
                    .map(|m| format!("{} ({})", m.name, m.customer_id))
                    .collect();
                Problem::conflict(format!(
                    "Customers still name this team as their fulfillment team: {}. Move them to another team first.",
                    names.join(", ")
                ))
                .typed("team-in-use")
                .with("customers", json!(members))
            }
            TeamError::InRules(positions) => Problem::conflict(format!(
                "Routing rules send requests to this team (rule {}). Change those rules first.",
                positions
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .typed("team-in-use")
            .with("routing_rules", json!(positions)),
            TeamError::Unexpected(e) => e.into(),
        }
    }
}

impl From<RulesError> for Problem {
    fn from(e: RulesError) -> Self {
        match e {
            RulesError::Invalid(errors) => Problem::invalid(errors),
            RulesError::Stale => Problem::conflict(
                "The rules were changed by someone else meanwhile. Reload them and try again.",
            )
            .typed("version-mismatch"),
            RulesError::Unexpected(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CustomerId;
    use crate::teams::Member;

    #[test]
    fn a_team_in_use_is_a_409_naming_its_customers_in_the_detail_and_a_member() {
        let id = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        let members = vec![Member {
            customer_id: id.clone(),
            name: "Acme".into(),
        }];

        let p = Problem::from(TeamError::InUse(members));

        assert_eq!(p.status, 409);
        assert!(
            p.detail
                .contains("Acme (cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b)")
        );
        let body = serde_json::to_value(&p).unwrap();
        assert_eq!(body["type"], "/problems/team-in-use");
        assert_eq!(
            body["customers"],
            json!([{"customer_id": id, "name": "Acme"}])
        );
    }
}
