//! Every id the API hands out, in one place. Each parses only the shape it is generated in,
//! so a path segment can never smuggle a key separator into a stored key.

use std::fmt;

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new id: the prefix and a time-ordered UUID, so ids sort by creation.
            pub fn generate() -> Self {
                Self(format!("{}{}", $prefix, uuid::Uuid::now_v7().simple()))
            }

            /// Accepts only the shape [`Self::generate`] makes.
            pub fn parse(raw: &str) -> Option<Self> {
                let rest = raw.strip_prefix($prefix)?;
                (rest.len() == 32 && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
                    .then(|| Self(raw.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).ok_or_else(|| {
                    serde::de::Error::custom(concat!("not a ", stringify!($name)))
                })
            }
        }
    };
}

prefixed_id!(
    /// A customer account: `cus_` and a time-ordered UUID.
    CustomerId,
    "cus_"
);
prefixed_id!(
    /// A login: `lgn_` and a time-ordered UUID.
    LoginId,
    "lgn_"
);
prefixed_id!(
    /// An invitation: `inv_` and a time-ordered UUID.
    InvitationId,
    "inv_"
);
prefixed_id!(
    /// An order: `ord_` and a time-ordered UUID.
    OrderId,
    "ord_"
);
prefixed_id!(
    /// An entry of an account's address book: `adr_` and a time-ordered UUID.
    AddressId,
    "adr_"
);
prefixed_id!(
    /// A team that fulfils orders: `team_` and a time-ordered UUID.
    TeamId,
    "team_"
);
prefixed_id!(
    /// A price tier: `tier_` and a time-ordered UUID.
    TierId,
    "tier_"
);
prefixed_id!(
    /// A saved order list of a customer account: `lst_` and a time-ordered UUID.
    ListId,
    "lst_"
);
prefixed_id!(
    /// A webhook of the seller's: `whk_` and a time-ordered UUID.
    WebhookId,
    "whk_"
);
prefixed_id!(
    /// An API client of the seller's systems: `cli_` and a time-ordered UUID.
    ClientId,
    "cli_"
);
prefixed_id!(
    /// One event's delivery to one webhook: `dlv_` and the event's own UUID, so that the same
    /// event is one delivery however often it is attempted.
    DeliveryId,
    "dlv_"
);

impl DeliveryId {
    /// The delivery of the event `event_id` (`evt_` and a UUID).
    pub fn of_event(event_id: &str) -> Option<Self> {
        Self::parse(&format!("dlv_{}", event_id.strip_prefix("evt_")?))
    }

    /// The id of the event this delivery carries.
    pub fn event_id(&self) -> String {
        format!("evt_{}", &self.0[4..])
    }
}

/// A stock-keeping unit, the product's id: 1 to 64 letters, digits and `-_.`, kept upper-case
/// because sellers type them both ways.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Sku(String);

impl Sku {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let t = raw.trim().to_ascii_uppercase();
        if t.is_empty()
            || t.len() > 64
            || !t
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err("must be 1 to 64 letters, digits, - _ or .".into());
        }
        Ok(Self(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Sku {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Sku::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back_and_foreign_shapes_do_not() {
        let id = CustomerId::generate();
        assert_eq!(CustomerId::parse(id.as_str()), Some(id));
        for bad in [
            "",
            "cus_",
            "cus_XYZ",
            "CUSTOMER#1",
            "cus_0190aaaa#SK",
            "cus_0190A5B3C7D94E7F8A1B2C3D4E5F6A7B",
        ] {
            assert_eq!(CustomerId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_id_parses_only_its_own_prefix() {
        let l = LoginId::generate();
        assert_eq!(LoginId::parse(l.as_str()), Some(l.clone()));
        assert_eq!(InvitationId::parse(l.as_str()), None);
        assert!(InvitationId::parse(InvitationId::generate().as_str()).is_some());
        assert!(OrderId::parse(OrderId::generate().as_str()).is_some());
        assert!(TierId::parse(TierId::generate().as_str()).is_some());
        assert_eq!(LoginId::parse("lgn_x"), None);
    }

    #[test]
    fn an_id_deserialises_only_from_its_own_shape() {
        let id = OrderId::generate();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<OrderId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<OrderId>(r#""cus_1""#).is_err());
    }

    #[test]
    fn skus_are_upper_cased_and_limited() {
        assert_eq!(Sku::parse(" flour-25kg ").unwrap().as_str(), "FLOUR-25KG");
        assert!(Sku::parse("").is_err());
        assert!(Sku::parse("A#B").is_err());
        assert!(Sku::parse(&"A".repeat(65)).is_err());
    }
}
