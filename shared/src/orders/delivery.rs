//! What a buyer asks about delivery: where (`ship_to`, a copy of one address of the account's
//! book, so a later edit of the book does not move an order) and when (`requested_delivery_date`,
//! a day that is not in the past where the seller is).

use crate::addresses::{AddressStore, ShipTo};
use crate::domain::Validator;
use crate::error::Unexpected;
use crate::ids::{AddressId, CustomerId};
use std::fmt;

/// The seller's time zone (`SELLER_TIME_ZONE`, an IANA name such as `Europe/Paris`; `UTC` when
/// unset): it decides which day "today" is for a requested delivery date, daylight saving
/// included. The zone database is compiled in, so a Lambda runtime without `tzdata` knows it.
#[derive(Debug, Clone)]
pub struct SellerClock {
    zone: jiff::tz::TimeZone,
}

impl SellerClock {
    pub fn utc() -> Self {
        Self {
            zone: jiff::tz::TimeZone::UTC,
        }
    }

    /// The clock of an IANA time zone name.
    pub fn parse(name: &str) -> Result<Self, String> {
        jiff::tz::TimeZone::get(name.trim())
            .map(|zone| Self { zone })
            .map_err(|_| format!("is not an IANA time zone name (such as Europe/Paris): {name:?}"))
    }

    /// The seller's date now.
    pub fn today(&self) -> jiff::civil::Date {
        self.date_at(jiff::Timestamp::now())
    }

    /// The seller's date at the instant `at`.
    pub fn date_at(&self, at: jiff::Timestamp) -> jiff::civil::Date {
        at.to_zoned_datetime(self.zone.clone()).date()
    }
}

/// A day the buyer asks the order to arrive, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeliveryDate(jiff::civil::Date);

impl DeliveryDate {
    /// `raw` as a calendar date, refused when it is before `today` (the seller's).
    pub fn parse(raw: &str, today: jiff::civil::Date) -> Result<Self, String> {
        let date = Self::calendar(raw.trim())
            .ok_or_else(|| "must be a date written YYYY-MM-DD, such as 2026-12-24".to_owned())?;
        if date < today {
            return Err(format!(
                "must not be in the past: the seller's date today is {today}"
            ));
        }
        Ok(Self(date))
    }

    fn calendar(raw: &str) -> Option<jiff::civil::Date> {
        let b = raw.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
            return None;
        }
        if !digits(5..7) || !digits(8..10) {
            return None;
        }
        let year: i16 = raw[0..4].parse().ok()?;
        let month: i8 = raw[5..7].parse().ok()?;
        let day: i8 = raw[8..10].parse().ok()?;
        jiff::civil::Date::new(year, month, day).ok()
    }
}

impl fmt::Display for DeliveryDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl serde::Serialize for DeliveryDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A stored date met the rule when the order was placed; it is read back as it is.
impl<'de> serde::Deserialize<'de> for DeliveryDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::calendar(&raw)
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom("not a YYYY-MM-DD date"))
    }
}

/// The delivery fields of an order body, as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliveryRequest<'a> {
    pub ship_to_address_id: Option<&'a str>,
    pub requested_delivery_date: Option<&'a str>,
}

/// Where and when the order goes, checked: the address must be in `customer`'s own book
/// (another account's id, an unknown or a malformed one is an error naming
/// `ship_to_address_id`), the date not before the seller's today.
pub async fn delivery<S: AddressStore>(
    v: &mut Validator,
    store: &S,
    customer: &CustomerId,
    request: DeliveryRequest<'_>,
    clock: &SellerClock,
) -> Result<(Option<ShipTo>, Option<DeliveryDate>), Unexpected> {
    let date = v.optional(
        "requested_delivery_date",
        request.requested_delivery_date,
        |raw| DeliveryDate::parse(raw, clock.today()),
    );
    let Some(raw) = request.ship_to_address_id else {
        return Ok((None, date));
    };
    let found = match AddressId::parse(raw.trim()) {
        Some(id) => store.address_book(customer).await?.find(&id).cloned(),
        None => None,
    };
    if found.is_none() {
        v.push(
            "ship_to_address_id",
            "is not an address of this account's address book",
        );
    }
    Ok((found.map(|a| a.place), date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> jiff::civil::Date {
        raw.parse().unwrap()
    }

    #[test]
    fn a_delivery_date_is_a_calendar_day_from_the_sellers_today_on() {
        let today = date("2026-12-02");
        assert_eq!(
            DeliveryDate::parse("2026-12-02", today)
                .unwrap()
                .to_string(),
            "2026-12-02"
        );
        assert!(DeliveryDate::parse(" 2027-01-31 ", today).is_ok());
        for bad in [
            "2026-12-01",
            "2026-02-30",
            "2026-13-01",
            "26-12-03",
            "2026-12-3",
            "+2026-12-03",
            "2026-12-03T00:00:00Z",
            "",
        ] {
            assert!(DeliveryDate::parse(bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn today_is_the_sellers_day_in_its_own_time_zone() {
        let late_evening_utc: jiff::Timestamp = "2026-12-02T23:30:00Z".parse().unwrap();
        let auckland = SellerClock::parse("Pacific/Auckland").unwrap();
        let new_york = SellerClock::parse("America/New_York").unwrap();
        assert_eq!(
            SellerClock::utc().date_at(late_evening_utc),
            date("2026-12-02")
        );
        assert_eq!(auckland.date_at(late_evening_utc), date("2026-12-03"));
        assert_eq!(new_york.date_at(late_evening_utc), date("2026-12-02"));
        let early_utc: jiff::Timestamp = "2026-07-03T03:30:00Z".parse().unwrap();
        assert_eq!(
            new_york.date_at(early_utc),
            date("2026-07-02"),
            "daylight saving time"
        );
        assert!(SellerClock::parse("Mars/Olympus").is_err());
    }
}
