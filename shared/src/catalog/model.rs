use super::pricing::Discount;
use crate::domain::{Money, Timestamp, bounded_text};
use crate::ids::{Sku, TierId};
use std::collections::BTreeMap;

/// Something the seller sells.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Product {
    pub sku: Sku,
    pub name: String,
    pub description: Option<String>,
    pub unit: String,
    /// The list price, before any tier.
    pub price: Money,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A pricing tier: a discount off list prices and/or fixed prices for some SKUs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceTier {
    pub tier_id: TierId,
    pub name: String,
    pub discount: Discount,
    pub prices: BTreeMap<Sku, Money>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl PriceTier {
    /// What a customer on this tier pays for `product`.
    pub fn price_of(&self, product: &Product) -> Money {
        self.prices
            .get(&product.sku)
            .copied()
            .unwrap_or_else(|| self.discount.apply(product.price))
    }
}

impl serde::Serialize for PriceTier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Wire<'a> {
            tier_id: &'a TierId,
            name: &'a str,
            discount_percent: f64,
            prices: &'a BTreeMap<Sku, Money>,
            created_at: Timestamp,
            updated_at: Timestamp,
            version: u64,
        }
        Wire {
            tier_id: &self.tier_id,
            name: &self.name,
            discount_percent: self.discount.percent(),
            prices: &self.prices,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
        .serialize(s)
    }
}

/// The kind of answer a checkout question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Text,
    Choice,
}

/// A question the seller asks on every order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckoutQuestion {
    pub question_id: String,
    pub label: String,
    pub required: bool,
    pub kind: QuestionKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

/// The questions asked at checkout, replaced as a whole; `version` is 0 before any were set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckoutQuestions {
    pub questions: Vec<CheckoutQuestion>,
    pub version: u64,
}

/// Most questions a seller may ask.
pub const MAX_QUESTIONS: usize = 20;

/// Checks a full set of questions; errors name `questions[i].field`.
pub fn validate_questions(
    questions: Vec<CheckoutQuestion>,
) -> Result<Vec<CheckoutQuestion>, Vec<(String, String)>> {
    let mut errors = Vec::new();
    if questions.len() > MAX_QUESTIONS {
        errors.push((
            "questions".into(),
            format!("must have at most {MAX_QUESTIONS} questions"),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(questions.len());
    for (i, q) in questions.into_iter().enumerate() {
        let at = |f: &str| format!("questions[{i}].{f}");
        let id_ok = !q.question_id.is_empty()
            && q.question_id.len() <= 40
            && q.question_id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !id_ok {
            errors.push((
                at("question_id"),
                "must be 1 to 40 lower-case letters, digits, _ or -".into(),
            ));
        } else if !seen.insert(q.question_id.clone()) {
            errors.push((at("question_id"), "is used by another question".into()));
        }
        let label = bounded_text(&q.label, 1, 200)
            .map_err(|e| errors.push((at("label"), e.to_string())))
            .ok();
        let mut choices = Vec::new();
        match q.kind {
            QuestionKind::Text if !q.choices.is_empty() => {
                errors.push((
                    at("choices"),
                    "are only for questions of kind choice".into(),
                ));
            }
            QuestionKind::Choice if q.choices.is_empty() || q.choices.len() > 50 => {
                errors.push((at("choices"), "must list 1 to 50 choices".into()));
            }
            _ => {
                for (j, c) in q.choices.iter().enumerate() {
                    match bounded_text(c, 1, 100) {
                        Ok(c) if !choices.contains(&c) => choices.push(c),
                        Ok(_) => errors.push((
                            format!("questions[{i}].choices[{j}]"),
                            "is listed twice".into(),
                        )),
                        Err(e) => {
                            errors.push((format!("questions[{i}].choices[{j}]"), e.to_string()))
                        }
                    }
                }
            }
        }
        if let Some(label) = label {
            out.push(CheckoutQuestion {
                label,
                choices,
                ..q
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Memory;
    use crate::memory::fixtures::eur;

    #[test]
    fn a_tier_override_beats_its_discount() {
        let m = Memory::new();
        let mut tier = m.tier("Gold", 10.0);
        tier.prices = BTreeMap::from([(Sku::parse("flour-25").unwrap(), eur(1999))]);
        assert_eq!(tier.price_of(&m.product("FLOUR-25", 2500)), eur(1999));
        assert_eq!(tier.price_of(&m.product("SUGAR-10", 1005)), eur(905));
    }

    #[test]
    fn questions_are_checked_field_by_field() {
        let q = |id: &str, kind, choices: &[&str]| CheckoutQuestion {
            question_id: id.into(),
            label: "Label".into(),
            required: true,
            kind,
            choices: choices.iter().map(|c| c.to_string()).collect(),
        };
        assert!(
            validate_questions(vec![
                q("po_number", QuestionKind::Text, &[]),
                q("slot", QuestionKind::Choice, &["am", "pm"])
            ])
            .is_ok()
        );
        let errors = validate_questions(vec![
            q("PO", QuestionKind::Text, &[]),
            q("slot", QuestionKind::Choice, &[]),
            q("slot", QuestionKind::Text, &["x"]),
        ])
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            fields,
            [
                "questions[0].question_id",
                "questions[1].choices",
                "questions[2].question_id",
                "questions[2].choices"
            ]
        );
    }
}
