pub use crate::domain::Tag;
use crate::domain::{Email, Timestamp, bounded_text};
use crate::ids::{CustomerId, TeamId, TierId};

crate::domain::bounded_text_type! {
    /// The trading name of a customer account.
    CustomerName, 1..=200
}

impl CustomerName {
    /// The case-folded form that listing sorts and searches on.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A free-form phone number as the seller writes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let t = bounded_text(raw, 1, 40).map_err(|e| e.to_string())?;
        if t.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            && t.chars().any(|c| c.is_ascii_digit())
        {
            Ok(Self(t))
        } else {
            Err("may contain only digits, spaces and + - ( ) .".into())
        }
    }

    /// A number as the table holds it (see [`CustomerName::stored`]).
    pub(crate) fn stored(raw: &str) -> Self {
        Self(raw.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::domain::bounded_text_type! {
    /// A short free-text reference, such as a fulfilment team's name.
    Reference, 1..=64
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub country: String,
}

impl Address {
    /// Trims every part and checks its length; returns the errors under `address.<part>`.
    pub fn validated(self) -> Result<Self, Vec<(String, String)>> {
        self.validated_under("address.")
    }

    /// As [`Address::validated`], naming each part `<prefix><part>`, so that an address that is
    /// the whole body (an address book entry) names its parts at the top level.
    pub fn validated_under(self, prefix: &str) -> Result<Self, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let mut part = |name: &str, v: &str| match Self::part(name, v) {
            Ok(t) => t,
            Err(e) => {
                errors.push((format!("{prefix}{name}"), e));
                String::new()
            }
        };
        let line1 = part("line1", &self.line1);
        let city = part("city", &self.city);
        let postal_code = part("postal_code", &self.postal_code);
        let line2 = self.line2.as_deref().map(|v| part("line2", v));
        let region = self.region.as_deref().map(|v| part("region", v));
        let country = match Self::country(&self.country) {
            Ok(c) => c,
            Err(e) => {
                errors.push((format!("{prefix}country"), e));
                String::new()
            }
        };
        if errors.is_empty() {
            Ok(Self {
                line1,
                line2: line2.filter(|s| !s.is_empty()),
                city,
                postal_code,
                region: region.filter(|s| !s.is_empty()),
                country,
            })
        } else {
            Err(errors)
        }
    }

    /// One text part (`line1`, `line2`, `city`, `postal_code`, `region`), trimmed and checked
    /// against its length.
    pub fn part(name: &str, raw: &str) -> Result<String, String> {
        let max = match name {
            "postal_code" => 20,
            "city" | "region" => 100,
            _ => 200,
        };
        bounded_text(raw, 1, max).map_err(|e| e.to_string())
    }

    /// An ISO 3166-1 alpha-2 code in either case, kept upper-case.
    pub fn country(raw: &str) -> Result<String, String> {
        let code = raw.trim().to_ascii_uppercase();
        if super::country::is_assigned(&code) {
            Ok(code)
        } else {
            Err("must be an ISO 3166-1 alpha-2 country code, such as FR or DE".into())
        }
    }
}

/// Where a customer account is in its life: `pending` until a login is invited, `invited`
/// until one is activated, `active` after that; `deleted` keeps its orders but signs nobody in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    Pending,
    Invited,
    Active,
    Deleted,
}

impl CustomerStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "pending" => Ok(Self::Pending),
            "invited" => Ok(Self::Invited),
            "active" => Ok(Self::Active),
            "deleted" => Ok(Self::Deleted),
            _ => Err("must be one of pending, invited, active, deleted".into()),
        }
    }
}

/// A customer account as stored and as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Customer {
    pub customer_id: CustomerId,
    pub name: CustomerName,
    pub email: Email,
    pub phone: Option<Phone>,
    pub address: Option<Address>,
    pub status: CustomerStatus,
    pub ordering_enabled: bool,
    pub price_tier_id: Option<TierId>,
    pub tags: std::collections::BTreeSet<Tag>,
    pub fulfillment_team: Option<Reference>,
    /// The team that fulfils the account's orders; the older free text above stays for
    /// accounts that have only it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fulfillment_team_id: Option<TeamId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped by every write; the condition of the next one.
    pub version: u64,
}

impl Customer {
    pub fn is_deleted(&self) -> bool {
        self.status == CustomerStatus::Deleted
    }

    /// The team this account counts as a member of: none once deleted, so that a deleted
    /// account does not keep its team from being removed.
    pub fn team_membership(&self) -> Option<&TeamId> {
        self.fulfillment_team_id
            .as_ref()
            .filter(|_| !self.is_deleted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_lowercased_and_limited() {
        assert_eq!(Tag::parse(" VIP ").unwrap().as_str(), "vip");
        assert!(Tag::parse("").is_err());
        assert!(Tag::parse(&"x".repeat(41)).is_err());
        assert!(Tag::parse("a#b").is_err());
    }

    #[test]
    fn phone_numbers_need_digits() {
        assert!(Phone::parse("+44 (20) 7946-0958").is_ok());
        assert!(Phone::parse("call me").is_err());
        assert!(Phone::parse("--").is_err());
    }

    #[test]
    fn an_address_reports_each_missing_part_by_its_path() {
        let a = Address {
            line1: " ".into(),
            line2: Some("".into()),
            city: "Lyon".into(),
            postal_code: "".into(),
            region: None,
            country: "FR".into(),
        };
        let fields: Vec<String> = a
            .validated()
            .unwrap_err()
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(
            fields,
            ["address.line1", "address.postal_code", "address.line2"]
        );
        let mut a2 = Address {
            line1: "1 Rue".into(),
            line2: None,
            city: "Lyon".into(),
            postal_code: "69001".into(),
            region: None,
            country: "France".into(),
        };
        assert_eq!(a2.clone().validated().unwrap_err()[0].0, "address.country");
        a2.country = "fr".into();
        assert_eq!(a2.validated().unwrap().country, "FR");
    }

    #[test]
    fn statuses_use_their_api_names() {
        for s in ["pending", "invited", "active", "deleted"] {
            assert_eq!(CustomerStatus::parse(s).unwrap().as_str(), s);
        }
        assert!(CustomerStatus::parse("Active").is_err());
    }
}
