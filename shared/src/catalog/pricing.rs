//! A customer's price for a product: its tier's override for the SKU if there is one, else the
//! list price less the tier's discount, rounded half-up to the minor unit.

use crate::domain::Money;

/// A discount in basis points (hundredths of a percent): 1250 is 12.5 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Discount(u32);

impl Discount {
    pub const NONE: Discount = Discount(0);

    /// From a percentage with at most two decimals, 0 to 100.
    pub fn from_percent(percent: f64) -> Result<Self, String> {
        let bp = (percent * 100.0).round();
        if !(0.0..=100.0).contains(&percent) || (percent * 100.0 - bp).abs() > 1e-6 {
            return Err("must be a percentage from 0 to 100 with at most two decimals".into());
        }
        Ok(Self(bp as u32))
    }

    pub fn basis_points(&self) -> u32 {
        self.0
    }

    pub fn from_basis_points(bp: u32) -> Option<Self> {
        (bp <= 10_000).then_some(Self(bp))
    }

    /// As the API shows it: a percentage.
    pub fn percent(&self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// `price` less this discount, rounded half-up to the minor unit.
    pub fn apply(&self, price: Money) -> Money {
        let kept = i128::from(price.amount()) * i128::from(10_000 - self.0);
        let amount = (kept + 5_000) / 10_000;
        Money::new(
            i64::try_from(amount).expect("never more than the list price"),
            price.currency(),
        )
        .expect("a discount never makes a price negative")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::fixtures::eur;

    #[test]
    fn discounts_round_half_up_to_the_minor_unit() {
        let d = Discount::from_percent(12.5).unwrap();
        assert_eq!(d.apply(eur(1250)), eur(1094));
        assert_eq!(d.apply(eur(999)), eur(874));
        assert_eq!(Discount::from_percent(10.0).unwrap().apply(eur(5)), eur(5));
        assert_eq!(
            Discount::from_percent(10.0).unwrap().apply(eur(15)),
            eur(14)
        );
        assert_eq!(Discount::from_percent(50.0).unwrap().apply(eur(1)), eur(1));
        assert_eq!(
            Discount::from_percent(33.33).unwrap().apply(eur(300)),
            eur(200)
        );
        assert_eq!(
            Discount::from_percent(100.0).unwrap().apply(eur(1234)),
            eur(0)
        );
        assert_eq!(Discount::NONE.apply(eur(1234)), eur(1234));
    }

    #[test]
    fn percentages_out_of_range_or_too_precise_are_refused() {
        assert!(Discount::from_percent(-1.0).is_err());
        assert!(Discount::from_percent(100.01).is_err());
        assert!(Discount::from_percent(12.345).is_err());
        assert_eq!(Discount::from_percent(12.34).unwrap().basis_points(), 1234);
        assert_eq!(Discount::from_percent(0.0).unwrap(), Discount::NONE);
    }

    #[test]
    fn large_amounts_do_not_overflow() {
        let d = Discount::from_percent(0.01).unwrap();
        assert_eq!(d.apply(eur(i64::MAX)).amount(), 9_222_449_699_651_090_329);
    }
}
