//! Finding orders by what a person remembers of them: the order number, or the text of a
//! checkout answer (a purchase order number). Each order is filed under a few search terms
//! when it is written; a search reads the orders whose terms begin with the text typed.

use super::Order;
use crate::domain::bounded_text;

/// At most this many answers of an order are searchable: one order writes at most this many
/// terms beside its number.
pub const MAX_ANSWER_TERMS: usize = 5;

/// The longest term kept, in characters: longer answers are found by their first 100.
pub const MAX_TERM_CHARS: usize = 100;

/// Text folded for searching: trimmed, lower-case, each run of white space one space.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SearchText(String);

fn fold(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .chars()
        .take(MAX_TERM_CHARS)
        .collect()
}

impl SearchText {
    /// What a person typed to search (`?q=`). An order number is searched by its digits, so
    /// `SO-000123`, `so-123` and `123` find the same order.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let text = bounded_text(raw, 1, MAX_TERM_CHARS)
            .map_err(|_| "must be 1 to 100 characters of text")?;
        let folded = fold(&text);
        Ok(Self(number_digits(&folded).unwrap_or(folded)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The digits of an order number as typed (`so-000123`, `so000123`), without the zeros in
/// front; `None` for anything else.
fn number_digits(folded: &str) -> Option<String> {
    let rest = folded.strip_prefix("so")?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())).then(|| {
        let digits = rest.trim_start_matches('0');
        if digits.is_empty() { "0" } else { digits }.to_owned()
    })
}

/// The terms `order` is found by: its number's digits and the text of its first
/// [`MAX_ANSWER_TERMS`] non-empty answers, each once. They never change after the order is
/// placed (an edit changes lines and notes, not answers).
pub fn terms(order: &Order) -> Vec<SearchText> {
    let mut terms = vec![SearchText(order.order_number.0.to_string())];
    let answers = order
        .answers
        .values()
        .map(|a| fold(a))
        .filter(|a| !a.is_empty())
        .take(MAX_ANSWER_TERMS);
    for a in answers {
        let term = SearchText(a);
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_number_is_searched_by_its_digits_however_it_is_typed() {
        for typed in ["SO-000123", "so-123", " so000123 ", "123", "000123"] {
            let expected = if typed.trim().starts_with('0') {
                "000123"
            } else {
                "123"
            };
            assert_eq!(
                SearchText::parse(typed).unwrap().as_str(),
                expected,
                "{typed}"
            );
        }
        assert_eq!(SearchText::parse("SO-0").unwrap().as_str(), "0");
        assert_eq!(SearchText::parse("Solar").unwrap().as_str(), "solar");
    }

    #[test]
    fn text_is_folded_and_blank_or_control_text_is_refused() {
        assert_eq!(
            SearchText::parse("  PO   4711-A ").unwrap().as_str(),
            "po 4711-a"
        );
        for bad in ["", "   ", "a\u{0}b", "\u{202E}x"] {
            assert!(SearchText::parse(bad).is_err(), "{bad:?}");
        }
        assert!(SearchText::parse(&"x".repeat(101)).is_err());
    }
}
