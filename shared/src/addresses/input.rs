//! Address input as clients send it, converted once into domain types with every field error
//! named at once, under the names the client sent (`line1`, `country`, ...).

use super::{AddressLabel, Recipient, ShipTo};
use crate::customers::{Address, Phone};
use crate::domain::{FieldError, Validator};
use serde::Deserialize;

/// Body of `POST /addresses` and `POST /admin/customers/{customer_id}/addresses`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    pub label: String,
    pub recipient: Option<String>,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    pub region: Option<String>,
    pub country: String,
    pub phone: Option<String>,
}

/// Body of `PATCH /addresses/{address_id}`: absent leaves a field alone, `null` clears an
/// optional one.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressPatchBody {
    pub label: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub recipient: Option<Option<String>>,
    pub line1: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub line2: Option<Option<String>>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub region: Option<Option<String>>,
    pub country: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub phone: Option<Option<String>>,
}

impl TryFrom<AddressBody> for ShipTo {
    type Error = Vec<FieldError>;

    fn try_from(body: AddressBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let label = v.check("label", AddressLabel::parse(&body.label));
        let recipient = v.optional("recipient", body.recipient.as_deref(), Recipient::parse);
        let phone = v.optional("phone", body.phone.as_deref(), Phone::parse);
        let address = Address {
            line1: body.line1,
            line2: body.line2,
            city: body.city,
            postal_code: body.postal_code,
            region: body.region,
            country: body.country,
        };
        let address = match address.validated_under("") {
            Ok(a) => Some(a),
            Err(errors) => {
                for (field, message) in errors {
                    v.push(field, message);
                }
                None
            }
        };
        v.finish(|| ShipTo {
            label: label.expect("checked"),
            recipient,
            address: address.expect("checked"),
            phone,
        })
    }
}

/// A validated change to an address book entry: each given part already meets its rule, so the
/// changed entry does too.
#[derive(Debug, Clone, Default)]
pub struct AddressChange {
    pub label: Option<AddressLabel>,
    pub recipient: Option<Option<Recipient>>,
    pub line1: Option<String>,
    pub line2: Option<Option<String>>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub region: Option<Option<String>>,
    pub country: Option<String>,
    pub phone: Option<Option<Phone>>,
}

impl TryFrom<AddressPatchBody> for AddressChange {
    type Error = Vec<FieldError>;

    fn try_from(body: AddressPatchBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let part = |name: &'static str| move |raw: &str| Address::part(name, raw);
        let change = AddressChange {
            label: v.optional("label", body.label.as_deref(), AddressLabel::parse),
            recipient: v.nullable("recipient", body.recipient, Recipient::parse),
            line1: v.optional("line1", body.line1.as_deref(), part("line1")),
            line2: v.nullable("line2", body.line2, part("line2")),
            city: v.optional("city", body.city.as_deref(), part("city")),
            postal_code: v.optional(
                "postal_code",
                body.postal_code.as_deref(),
                part("postal_code"),
            ),
            region: v.nullable("region", body.region, part("region")),
            country: v.optional("country", body.country.as_deref(), Address::country),
            phone: v.nullable("phone", body.phone, Phone::parse),
        };
        v.finish(|| change)
    }
}

impl AddressChange {
    /// `place` with the change applied.
    pub fn apply(&self, place: &ShipTo) -> ShipTo {
        let mut p = place.clone();
        let a = &mut p.address;
        let set = |slot: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                slot.clone_from(v);
            }
        };
        set(&mut a.line1, &self.line1);
        set(&mut a.city, &self.city);
        set(&mut a.postal_code, &self.postal_code);
        set(&mut a.country, &self.country);
        if let Some(v) = &self.line2 {
            a.line2.clone_from(v);
        }
        if let Some(v) = &self.region {
            a.region.clone_from(v);
        }
        if let Some(v) = &self.label {
            p.label = v.clone();
        }
        if let Some(v) = &self.recipient {
            p.recipient.clone_from(v);
        }
        if let Some(v) = &self.phone {
            p.phone.clone_from(v);
        }
        p
    }
}
