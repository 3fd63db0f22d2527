//! Lines and answers as clients send them, checked once; and lines priced at a tier now.

use super::{Line, MAX_LINES, Priced, PricedLine, Quantity};
use crate::catalog::{CatalogStore, CheckoutQuestion, PriceTier, Product, QuestionKind};
use crate::domain::{FieldError, Money, Validator, bounded_text};
use crate::error::Unexpected;
use crate::ids::{Sku, TierId};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// A line as a client sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    pub sku: String,
    pub quantity: i64,
}

/// The SKUs of `lines` that are SKUs at all: what pricing them will read.
pub fn skus_of(lines: &[LineBody]) -> impl Iterator<Item = Sku> + '_ {
    lines.iter().filter_map(|l| Sku::parse(&l.sku).ok())
}

/// Checks a list of lines: 1 to [`MAX_LINES`] (or 0 when `allow_empty`), each SKU once,
/// quantities in range. Errors name `lines[i].field`.
pub fn parse_lines(v: &mut Validator, raw: &[LineBody], allow_empty: bool) -> Vec<Line> {
    if raw.len() > MAX_LINES || (!allow_empty && raw.is_empty()) {
        v.push(
            "lines",
            format!(
                "must have {} to {MAX_LINES} lines",
                if allow_empty { 0 } else { 1 }
            ),
        );
    }
    let mut seen = BTreeSet::new();
    let mut lines = Vec::with_capacity(raw.len());
    for (i, l) in raw.iter().enumerate() {
        let sku = v.check(&format!("lines[{i}].sku"), Sku::parse(&l.sku));
        let quantity = v.check(&format!("lines[{i}].quantity"), Quantity::new(l.quantity));
        let repeated = sku.as_ref().is_some_and(|s| !seen.insert(s.clone()));
        if repeated {
            v.push(
                format!("lines[{i}].sku"),
                "is on another line already; change that line's quantity",
            );
        }
        if let (Some(sku), Some(quantity), false) = (sku, quantity, repeated) {
            lines.push(Line { sku, quantity });
        }
    }
    lines
}

/// The answers to the checkout questions, checked: each answer fits its question, no answer
/// to a question not asked, and (when `enforce_required`) every required question answered.
pub fn check_answers(
    v: &mut Validator,
    questions: &[CheckoutQuestion],
    answers: &BTreeMap<String, String>,
    enforce_required: bool,
) -> BTreeMap<String, String> {
    let mut kept = BTreeMap::new();
    for q in questions {
        let field = format!("answers.{}", q.question_id);
        match answers
            .get(&q.question_id)
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            None if q.required && enforce_required => {
                v.push(field, format!("is required: {}", q.label))
            }
            None => {}
            Some(a) if q.kind == QuestionKind::Choice && !q.choices.iter().any(|c| c == a) => {
                v.push(field, format!("must be one of: {}", q.choices.join(", ")));
            }
            Some(a) => {
                if let Some(a) = v.check(&field, bounded_text(a, 1, 500)) {
                    kept.insert(q.question_id.clone(), a);
                }
            }
        }
    }
    for id in answers
        .keys()
        .filter(|id| !questions.iter().any(|q| &q.question_id == *id))
    {
        v.push(
            format!("answers.{id}"),
            "is not a question asked at checkout",
        );
    }
    kept
}

/// Lines priced now. Lines whose product cannot be ordered come back apart, with their place;
/// `errors` name the lines whose amount overflows or whose currency differs from the others'.
#[derive(Debug)]
pub struct Pricing {
    pub priced: Priced,
    pub unavailable: Vec<(usize, Line)>,
    pub errors: Vec<FieldError>,
}

impl Pricing {
    /// The errors for the lines that cannot be ordered.
    pub fn unavailable_errors(&self) -> Vec<FieldError> {
        self.unavailable
            .iter()
            .map(|(i, _)| {
                FieldError::new(format!("lines[{i}].sku"), "is not a product you can order")
            })
            .collect()
    }

    /// The lines and what they price to, unless an amount could not be priced.
    pub fn checked(self) -> Result<Self, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(self)
        } else {
            Err(self.errors)
        }
    }

    /// The priced lines and their total when every line can be priced and ordered and there
    /// is one; else the errors naming the lines.
    pub fn orderable(self) -> Result<(Vec<PricedLine>, Money), Vec<FieldError>> {
        let pricing = self.checked()?;
        if !pricing.unavailable.is_empty() {
            return Err(pricing.unavailable_errors());
        }
        match pricing.priced.total {
            Some(total) => Ok((pricing.priced.lines, total)),
            None => Err(vec![FieldError::new("lines", "must not be empty")]),
        }
    }
}

/// Prices `lines` at `tier` now, in one read of the products beside one read of the tier.
pub async fn price_lines<S: CatalogStore>(
    store: &S,
    tier: Option<&TierId>,
    lines: &[Line],
) -> Result<Pricing, Unexpected> {
    let skus: Vec<Sku> = lines.iter().map(|l| l.sku.clone()).collect();
    let (tier, products) = catalogue_for(store, tier, &skus).await?;
    Ok(price_at(tier.as_ref(), &products, lines))
}

/// The tier and the products of `skus` that exist, read side by side: what pricing lines reads.
pub async fn catalogue_for<S: CatalogStore>(
    store: &S,
    tier: Option<&TierId>,
    skus: &[Sku],
) -> Result<(Option<PriceTier>, BTreeMap<Sku, Product>), Unexpected> {
    let (tier, products) = futures::future::join(
        async {
            match tier {
                Some(id) => store.tier(id).await,
                None => Ok(None),
            }
        },
        async {
            if skus.is_empty() {
                Ok(Vec::new())
            } else {
                store.products_by_sku(skus).await
            }
        },
    )
    .await;
    let products = products?.into_iter().map(|p| (p.sku.clone(), p)).collect();
    Ok((tier?, products))
}

/// `lines` priced at `tier` from `products`, the catalogue as it was read.
pub fn price_at(
    tier: Option<&PriceTier>,
    products: &BTreeMap<Sku, Product>,
    lines: &[Line],
) -> Pricing {
    let mut errors = Vec::new();
    let mut unavailable = Vec::new();
    let mut priced = Vec::with_capacity(lines.len());
    let mut total: Option<Money> = None;
    for (i, line) in lines.iter().enumerate() {
        let Some(p) = products.get(&line.sku).filter(|p| p.active) else {
            unavailable.push((i, line.clone()));
            continue;
        };
        let unit_price = tier.map_or(p.price, |t| t.price_of(p));
        let Ok(line_total) = unit_price.checked_mul(line.quantity.get()) else {
            errors.push(FieldError::new(
                format!("lines[{i}].quantity"),
                "makes the amount too large",
            ));
            continue;
        };
        match total.map(|t| t.checked_add(line_total)) {
            None => total = Some(line_total),
            Some(Ok(t)) => total = Some(t),
            Some(Err(e)) => errors.push(FieldError::new(
                format!("lines[{i}].sku"),
                format!("cannot be on this order: {e}"),
            )),
        }
        priced.push(PricedLine {
            sku: line.sku.clone(),
            name: p.name.clone(),
            unit: p.unit.clone(),
            quantity: line.quantity,
            unit_price,
            line_total,
        });
    }
    Pricing {
        priced: Priced {
            lines: priced,
            total,
        },
        unavailable,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields a validation named, in order.
    fn fields_of(v: Validator) -> Vec<String> {
        v.finish(|| ())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }
    use crate::catalog::QuestionKind;

    #[test]
    fn lines_name_each_bad_field_and_refuse_a_repeated_sku() {
        let raw = vec![
            LineBody {
                sku: "flour".into(),
                quantity: 2,
            },
            LineBody {
                sku: "FLOUR".into(),
                quantity: 1,
            },
            LineBody {
                sku: "bad sku".into(),
                quantity: 0,
            },
        ];
        let mut v = Validator::default();
        let lines = parse_lines(&mut v, &raw, false);
        assert_eq!(lines.len(), 1);
        let fields = fields_of(v);
        assert_eq!(
            fields,
            ["lines[1].sku", "lines[2].sku", "lines[2].quantity"]
        );
    }

    #[test]
    fn an_empty_order_is_refused_but_an_empty_cart_is_fine() {
        let mut v = Validator::default();
        parse_lines(&mut v, &[], false);
        assert_eq!(v.finish(|| ()).unwrap_err()[0].field, "lines");
        let mut v = Validator::default();
        parse_lines(&mut v, &[], true);
        assert!(v.finish(|| ()).is_ok());
    }

    #[test]
    fn answers_must_cover_required_questions_and_match_choices() {
        let q = |id: &str, required, kind, choices: &[&str]| CheckoutQuestion {
            question_id: id.into(),
            label: id.into(),
            required,
            kind,
            choices: choices.iter().map(|c| c.to_string()).collect(),
        };
        let questions = vec![
            q("po", true, QuestionKind::Text, &[]),
            q("slot", false, QuestionKind::Choice, &["am", "pm"]),
        ];
        let mut v = Validator::default();
        let answers = BTreeMap::from([
            ("slot".to_owned(), "noon".to_owned()),
            ("extra".to_owned(), "x".to_owned()),
        ]);
        check_answers(&mut v, &questions, &answers, true);
        let fields = fields_of(v);
        assert_eq!(fields, ["answers.po", "answers.slot", "answers.extra"]);
    }
}
