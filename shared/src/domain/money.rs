use std::fmt;

/// An ISO 4217 currency code: three upper-case ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, MoneyError> {
        match raw.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_uppercase()) => Ok(Self([*a, *b, *c])),
            _ => Err(MoneyError::Currency),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII by construction")
    }

    /// How many digits its minor unit has (ISO 4217's exponent): 2 for most, 0 for the yen,
    /// 3 for the dinars; a code ISO 4217 lists without an exponent counts as 2.
    pub fn minor_digits(&self) -> u32 {
        match self.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money in integer minor units (cents) of one currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: i64,
    currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("currency must be an ISO 4217 code such as EUR")]
    Currency,
    #[error("amount must not be negative")]
    Negative,
    #[error("currencies differ")]
    CurrencyMismatch,
    #[error("amount is too large")]
    Overflow,
}

impl Money {
    /// A non-negative amount: prices and totals in Orderdesk are never below zero.
    pub fn new(amount: i64, currency: Currency) -> Result<Self, MoneyError> {
        if amount < 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Self { amount, currency })
    }

    pub fn amount(&self) -> i64 {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, ..self })
    }

    pub fn checked_mul(self, factor: u32) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(i64::from(factor))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, ..self })
    }
}

/// For people: the code and the amount in major units, e.g. `EUR 1234.50`, `JPY 1234`,
/// `KWD 1.234`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits();
        let scale = 10i64.pow(digits);
        let (major, minor) = (self.amount / scale, self.amount % scale);
        if digits == 0 {
            write!(f, "{} {major}", self.currency)
        } else {
            write!(
                f,
                "{} {major}.{minor:0width$}",
                self.currency,
                width = digits as usize
            )
        }
    }
}

/// The wire form: `{"amount": 1250, "currency": "EUR"}`.
#[derive(serde::Serialize)]
struct MoneyWire {
    amount: i64,
    currency: String,
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MoneyWire {
            amount: self.amount,
            currency: self.currency.to_string(),
        }
        .serialize(s)
    }
}

/// The wire form as read: each member checked on its own, so that a refusal names
/// `price.amount` or `price.currency`, not the price as a whole.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyIn {
    amount: Amount,
    currency: Currency,
}

/// A non-negative amount, as read.
struct Amount(i64);

impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match i64::deserialize(d)? {
            a if a < 0 => Err(serde::de::Error::custom("must not be negative")),
            a => Ok(Self(a)),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Currency::parse(&raw)
            .map_err(|_| serde::de::Error::custom("must be an ISO 4217 code such as EUR"))
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = MoneyIn::deserialize(d)?;
        Ok(Money {
            amount: w.amount.0,
            currency: w.currency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::fixtures::eur;

    #[test]
    fn money_round_trips_as_minor_units_and_a_code() {
        let json = serde_json::to_string(&eur(1250)).unwrap();
        assert_eq!(json, r#"{"amount":1250,"currency":"EUR"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), eur(1250));
    }

    #[test]
    fn floats_lowercase_codes_and_negative_amounts_are_refused() {
        assert!(serde_json::from_str::<Money>(r#"{"amount":12.5,"currency":"EUR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":1,"currency":"eur"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":-1,"currency":"EUR"}"#).is_err());
    }

    #[test]
    fn amounts_read_in_their_currencys_own_minor_unit() {
        let m = |amount, code| Money::new(amount, Currency::parse(code).unwrap()).unwrap();
        assert_eq!(m(123_450, "EUR").to_string(), "EUR 1234.50");
        assert_eq!(m(5, "EUR").to_string(), "EUR 0.05");
        assert_eq!(m(1234, "JPY").to_string(), "JPY 1234");
        assert_eq!(m(1234, "KWD").to_string(), "KWD 1.234");
        assert_eq!(m(7, "BHD").to_string(), "BHD 0.007");
    }

    #[test]
    fn adding_different_currencies_is_an_error() {
        let usd = Money::new(1, Currency::parse("USD").unwrap()).unwrap();
        assert_eq!(eur(1).checked_add(usd), Err(MoneyError::CurrencyMismatch));
        assert_eq!(eur(1).checked_add(eur(2)).unwrap(), eur(3));
        assert_eq!(eur(i64::MAX).checked_mul(2), Err(MoneyError::Overflow));
    }
}
