//! Who is asking: read only from the authorizer's claims, never from a header a client sets.

use crate::ids::{ClientId, LoginId};
use crate::rules::AutoConfirmRule;
use std::collections::HashMap;

/// The Cognito user behind a request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principal {
    /// Cognito's `sub`: stable for the life of the user.
    pub sub: String,
    pub email: Option<String>,
    /// What a customer login's token says about it: hints that let the first read of a request
    /// fetch the login, its account and what the route needs at once. Checked against the
    /// stored login before anything is served; never trusted on their own.
    pub hints: Hints,
    /// The API client behind the request, when the caller is one of the seller's systems and
    /// not a person: its changes are recorded under the client's id and name.
    pub client: Option<ClientRef>,
}

/// An API client as its changes name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRef {
    pub id: ClientId,
    pub name: String,
}

/// An API client's token, as the authorizer vouched for it: the pool's user of the client and
/// the client it says it is. Worth nothing until the gate (`clients::admit`) finds the client
/// and its user agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCaller {
    pub sub: String,
    /// `custom:client_id`.
    pub client_id: Option<String>,
}

/// The custom attributes a customer login's Cognito user carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hints {
    /// `custom:login_id`, set once when the user is created.
    pub login_id: Option<String>,
    /// `custom:customer_id`, set once when the user is created.
    pub customer_id: Option<String>,
    /// `custom:tier_id`: the account's price tier when the user was created (may be stale).
    pub tier_id: Option<String>,
}

impl Hints {
    pub const LOGIN_ID: &'static str = "custom:login_id";
    pub const CUSTOMER_ID: &'static str = "custom:customer_id";
    pub const TIER_ID: &'static str = "custom:tier_id";
}

/// The caller of a request, as the API Gateway JWT authorizer vouched for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A member of the Cognito group `admins`: the seller's staff.
    Admin(Principal),
    /// A member of the group `customers`: a login of some customer account.
    Customer(Principal),
    /// A member of the group `api-clients`: one of the seller's systems, by its API client.
    /// Checked first, so that no client's token ever counts as an admin's.
    Client(ClientCaller),
    /// A user of the pool in neither group: signed in, so refused with 403, not 401.
    Ungrouped(Principal),
    /// No token: only public, token-guarded routes serve it.
    Anonymous,
}

impl Actor {
    pub const ADMINS: &'static str = "admins";
    pub const CUSTOMERS: &'static str = "customers";
    pub const API_CLIENTS: &'static str = "api-clients";
    /// The claim naming an API client's id.
    pub const CLIENT_ID: &'static str = "custom:client_id";

    /// Reads the authorizer's claims. A token without a `sub` vouches for no one; a user in
    /// neither `admins` nor `customers` is [`Actor::Ungrouped`]. Groups are read as
    /// [`groups`] reads them.
    pub fn from_claims(claims: &HashMap<String, String>) -> Self {
        let Some(sub) = claims.get("sub").filter(|s| !s.is_empty()) else {
            return Self::Anonymous;
        };
        let hint = |k: &str| claims.get(k).filter(|v| !v.is_empty()).cloned();
        let principal = Principal {
            sub: sub.clone(),
            email: claims.get("email").cloned(),
            hints: Hints {
                login_id: hint(Hints::LOGIN_ID),
                customer_id: hint(Hints::CUSTOMER_ID),
                tier_id: hint(Hints::TIER_ID),
            },
            client: None,
        };
        let groups = claims.get(GROUPS).map(|g| groups(g)).unwrap_or_default();
        if groups.contains(&Self::API_CLIENTS) {
            Self::Client(ClientCaller {
                sub: principal.sub,
                client_id: hint(Self::CLIENT_ID),
            })
        } else if groups.contains(&Self::ADMINS) {
            Self::Admin(principal)
        } else if groups.contains(&Self::CUSTOMERS) {
            Self::Customer(principal)
        } else {
            Self::Ungrouped(principal)
        }
    }
}

/// The claim that lists the user's Cognito groups.
pub const GROUPS: &str = "cognito:groups";

/// The group names of a `cognito:groups` claim as the HTTP API's JWT authorizer hands it on:
/// the token's array, rendered `[admins customers]` (every claim becomes a string). Cognito
/// group names are letters, marks, symbols, digits and punctuation only
/// (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`), never white space, so one space separates them exactly,
/// and a comma, a quote or a bracket is part of a name: `support,admins` is one group, not
/// `admins`. A claim not in this form names no group.
pub fn groups(claim: &str) -> Vec<&str> {
    claim
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .map(|inner| inner.split(' ').filter(|g| !g.is_empty()).collect())
        .unwrap_or_default()
}

/// Who created or changed an order: a customer login, or an admin (acting as a login when
/// `acting_as` names it). The wire form is `{"kind", "id", "name"?, "acting_as"?}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "CreatedByWire", try_from = "CreatedByWire")]
pub enum CreatedBy {
    Customer {
        id: LoginId,
        /// The login's name when it acted, for the people who read the order; absent in
        /// orders placed before names were kept.
        name: Option<String>,
    },
    Admin {
        /// The admin's Cognito `sub`.
        sub: String,
        acting_as: Option<LoginId>,
    },
    /// The seller's own rule, with no person acting: a request confirmed at submission by an
    /// auto-confirm rule.
    System { rule: AutoConfirmRule },
}

impl CreatedBy {
    pub fn admin(admin: &Principal) -> Self {
        Self::Admin {
            sub: admin.sub.clone(),
            acting_as: None,
        }
    }

    /// An admin working in the seller's own name, not acting as a login.
    pub fn is_admin_in_own_name(&self) -> bool {
        matches!(
            self,
            Self::Admin {
                acting_as: None,
                ..
            }
        )
    }
}

/// The seller as its customers know it: by its name (`SELLER_NAME`), whichever of its staff
/// acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    pub name: String,
}

/// Who created or changed an order, as its customer sees it: one of the account's own logins,
/// or the seller by name. An admin's Cognito `sub` is how the seller tells its staff apart;
/// a customer has no use for it, and it names a user of the seller's pool, so it stays with
/// the seller. The wire form is `{"kind", "id", "name"?, "acting_as"?}`, as [`CreatedBy`]'s
/// with the seller's `id` always [`SeenByCustomer::SELLER_ID`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SeenByCustomer {
    Customer {
        id: LoginId,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    Admin {
        id: &'static str,
        /// The seller's name.
        name: String,
        /// The account's own login the seller's admin acted as.
        #[serde(skip_serializing_if = "Option::is_none")]
        acting_as: Option<LoginId>,
    },
}

impl SeenByCustomer {
    /// The `id` of every change the seller's staff made: the same for each of them.
    pub const SELLER_ID: &'static str = "seller";
}

impl CreatedBy {
    /// This as the order's customer sees it (see [`SeenByCustomer`]).
    pub fn seen_by_customer(self, seller: &Seller) -> SeenByCustomer {
        match self {
            Self::Customer { id, name } => SeenByCustomer::Customer { id, name },
            Self::Admin { acting_as, .. } => SeenByCustomer::Admin {
                id: SeenByCustomer::SELLER_ID,
                name: seller.name.clone(),
                acting_as,
            },
            Self::System { .. } => SeenByCustomer::Admin {
                id: SeenByCustomer::SELLER_ID,
                name: seller.name.clone(),
                acting_as: None,
            },
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CreatedByWire {
    kind: String,
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    acting_as: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rule: Option<AutoConfirmRule>,
}

impl From<CreatedBy> for CreatedByWire {
    fn from(by: CreatedBy) -> Self {
        match by {
            CreatedBy::Customer { id, name } => Self {
                kind: "customer".into(),
                id: id.as_str().to_owned(),
                name,
                acting_as: None,
                rule: None,
            },
            CreatedBy::Admin { sub, acting_as } => Self {
                kind: "admin".into(),
                id: sub,
                name: None,
                acting_as: acting_as.map(|l| l.as_str().to_owned()),
                rule: None,
            },
            CreatedBy::System { rule } => Self {
                kind: "system".into(),
                id: "system".into(),
                name: None,
                acting_as: None,
                rule: Some(rule),
            },
        }
    }
}

impl TryFrom<CreatedByWire> for CreatedBy {
    type Error = String;

    fn try_from(w: CreatedByWire) -> Result<Self, String> {
        let login =
            |raw: &str| LoginId::parse(raw).ok_or_else(|| format!("{raw} is not a login id"));
        match (w.kind.as_str(), w.acting_as) {
            ("customer", None) => Ok(Self::Customer {
                id: login(&w.id)?,
                name: w.name,
            }),
            ("admin", acting_as) => Ok(Self::Admin {
                sub: w.id,
                acting_as: acting_as.as_deref().map(login).transpose()?,
            }),
            ("system", None) => Ok(Self::System {
                rule: w.rule.ok_or("a system change names its rule")?,
            }),
            (kind, _) => Err(format!("{kind} is not who can create an order")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn api_gateway_rendered_groups_make_an_admin() {
        let a = Actor::from_claims(&claims(&[("sub", "u1"), ("cognito:groups", "[admins]")]));
        assert!(matches!(a, Actor::Admin(p) if p.sub == "u1"));
    }

    #[test]
    fn several_groups_are_separated_by_single_spaces() {
        let a = Actor::from_claims(&claims(&[
            ("sub", "u1"),
            ("cognito:groups", "[staff customers]"),
        ]));
        assert!(matches!(a, Actor::Customer(_)));
        let a = Actor::from_claims(&claims(&[
            ("sub", "u1"),
            ("cognito:groups", "[customers admins]"),
        ]));
        assert!(matches!(a, Actor::Admin(_)));
        assert_eq!(groups("[a,b c]"), ["a,b", "c"]);
        assert_eq!(groups("[]"), Vec::<&str>::new());
    }

    #[test]
    fn only_whole_group_names_count() {
        for claim in [
            "[support,admins]",
            "[admins,support]",
            "[[admins]",
            "[admins]]",
            r#"["admins"]"#,
            "[admins-x]",
            "[Admins]",
            "admins",
            "admins,customers",
            r#"["customers","admins"]"#,
        ] {
            let a = Actor::from_claims(&claims(&[("sub", "u1"), ("cognito:groups", claim)]));
            assert!(matches!(a, Actor::Ungrouped(_)), "{claim}: {a:?}");
        }
        let a = Actor::from_claims(&claims(&[
            ("sub", "u1"),
            ("cognito:groups", "[support,admins customers]"),
        ]));
        assert!(matches!(a, Actor::Customer(_)), "{a:?}");
    }

    #[test]
    fn a_customer_tokens_custom_attributes_become_hints() {
        let a = Actor::from_claims(&claims(&[
            ("sub", "u1"),
            ("cognito:groups", "[customers]"),
            ("custom:login_id", "lgn_1"),
            ("custom:customer_id", "cus_1"),
            ("custom:tier_id", ""),
        ]));
        let Actor::Customer(p) = a else {
            panic!("a customer")
        };
        assert_eq!(p.hints.login_id.as_deref(), Some("lgn_1"));
        assert_eq!(p.hints.customer_id.as_deref(), Some("cus_1"));
        assert_eq!(p.hints.tier_id, None);
    }

    #[test]
    fn who_created_an_order_keeps_its_wire_shape() {
        let login = LoginId::generate();
        let by = CreatedBy::Admin {
            sub: "s-1".into(),
            acting_as: Some(login.clone()),
        };
        let json = serde_json::to_value(&by).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "admin", "id": "s-1", "acting_as": login.as_str()})
        );
        assert_eq!(serde_json::from_value::<CreatedBy>(json).unwrap(), by);
        let customer = serde_json::json!({"kind": "customer", "id": login.as_str()});
        assert_eq!(
            serde_json::from_value::<CreatedBy>(customer).unwrap(),
            CreatedBy::Customer {
                id: login.clone(),
                name: None
            }
        );
        let named = CreatedBy::Customer {
            id: login.clone(),
            name: Some("Ann".into()),
        };
        let json = serde_json::to_value(&named).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "customer", "id": login.as_str(), "name": "Ann"})
        );
        assert_eq!(serde_json::from_value::<CreatedBy>(json).unwrap(), named);
        assert!(
            serde_json::from_value::<CreatedBy>(serde_json::json!({"kind": "robot", "id": "x"}))
                .is_err()
        );
    }

    #[test]
    fn a_customer_sees_the_seller_by_name_and_never_an_admins_sub() {
        let login = LoginId::generate();
        let seller = Seller {
            name: "Acme Mills".into(),
        };
        let seen = |by: CreatedBy| serde_json::to_value(by.seen_by_customer(&seller)).unwrap();

        let acting = seen(CreatedBy::Admin {
            sub: "s-1".into(),
            acting_as: Some(login.clone()),
        });
        let own_name = seen(CreatedBy::Admin {
            sub: "s-1".into(),
            acting_as: None,
        });
        let customer = seen(CreatedBy::Customer {
            id: login.clone(),
            name: Some("Ann".into()),
        });

        assert_eq!(
            acting,
            serde_json::json!({"kind": "admin", "id": "seller", "name": "Acme Mills",
                               "acting_as": login.as_str()})
        );
        assert_eq!(
            own_name,
            serde_json::json!({"kind": "admin", "id": "seller", "name": "Acme Mills"})
        );
        assert_eq!(
            customer,
            serde_json::json!({"kind": "customer", "id": login.as_str(), "name": "Ann"})
        );
    }

    #[test]
    fn a_user_in_no_known_group_is_ungrouped_and_a_token_without_sub_anonymous() {
        let ungrouped = |claims: HashMap<String, String>| matches!(Actor::from_claims(&claims), Actor::Ungrouped(p) if p.sub == "u1");
        assert!(ungrouped(claims(&[("sub", "u1")])));
        assert!(ungrouped(claims(&[
            ("sub", "u1"),
            ("cognito:groups", "[administrators]")
        ])));
        assert_eq!(
            Actor::from_claims(&claims(&[("cognito:groups", "[admins]")])),
            Actor::Anonymous
        );
        assert_eq!(
            Actor::from_claims(&claims(&[("sub", ""), ("cognito:groups", "[admins]")])),
            Actor::Anonymous
        );
    }
}
