//! What an order's emails and history tell: what an edit changed, in the words the buyer reads
//! (one entry per line that differs, "Butter, 5 kg: 3 → 2", then the notes and the total; an
//! edit that changes nothing has no entries, and is not an edit), and the order as its emails
//! show it.

use super::{Order, OrderEventKind, PricedLine};
use crate::catalog::CheckoutQuestion;
use crate::domain::Money;
use crate::outbox::{OrderSummary, SummaryLine};

/// The order as its emails show it. `questions` give the answers their labels (an answer to a
/// question asked no more keeps its id); each edit in the history is one entry of `changes`.
pub fn summary(order: &Order, questions: &[CheckoutQuestion]) -> OrderSummary {
    let lines = order
        .lines
        .iter()
        .map(|l| SummaryLine {
            name: l.name.clone(),
            sku: l.sku.to_string(),
            quantity: l.quantity.get(),
            unit_price: l.unit_price.to_string(),
            line_total: l.line_total.to_string(),
        })
        .collect();
    let asked = questions.iter().filter_map(|q| {
        let answer = order.answers.get(&q.question_id)?;
        Some((q.label.clone(), answer.clone()))
    });
    let unasked = order
        .answers
        .iter()
        .filter(|(id, _)| !questions.iter().any(|q| &q.question_id == *id))
        .map(|(id, answer)| (id.clone(), answer.clone()));
    let changes = order
        .history
        .iter()
        .filter(|e| e.event == OrderEventKind::Edited)
        .filter_map(|e| e.note.clone())
        .collect();
    OrderSummary {
        lines,
        total: order.total.to_string(),
        answers: asked.chain(unasked).collect(),
        notes: order.notes.clone(),
        changes,
        ship_to: order
            .ship_to
            .as_ref()
            .map(|a| a.lines())
            .unwrap_or_default(),
        requested_delivery_date: order.requested_delivery_date.map(|d| d.to_string()),
    }
}

/// The changes from `before` to `after`, lines in the order the buyer last saw them, then
/// lines the edit added.
pub fn changes(before: &Order, after: &Order) -> Vec<String> {
    describe(&Terms::of(before), &Terms::of(after))
}

/// What an edit can change of an order.
struct Terms<'o> {
    lines: &'o [PricedLine],
    notes: Option<&'o str>,
    total: Money,
}

impl<'o> Terms<'o> {
    fn of(o: &'o Order) -> Self {
        Self {
            lines: &o.lines,
            notes: o.notes.as_deref(),
            total: o.total,
        }
    }
}

fn describe(before: &Terms<'_>, after: &Terms<'_>) -> Vec<String> {
    let find =
        |lines: &[PricedLine], line: &PricedLine| lines.iter().find(|l| l.sku == line.sku).cloned();
    let mut changes = Vec::new();
    for was in before.lines {
        match find(after.lines, was) {
            None => changes.push(format!(
                "{}: removed (was {})",
                was.name,
                was.quantity.get()
            )),
            Some(now) if now.quantity != was.quantity => changes.push(format!(
                "{}: {} → {}",
                was.name,
                was.quantity.get(),
                now.quantity.get()
            )),
            Some(now) if now.unit_price != was.unit_price => changes.push(format!(
                "{}: unit price {} → {}",
                was.name, was.unit_price, now.unit_price
            )),
            Some(_) => {}
        }
    }
    for now in after.lines {
        if find(before.lines, now).is_none() {
            changes.push(format!("{}: added ({})", now.name, now.quantity.get()));
        }
    }
    if before.notes != after.notes {
        changes.push("notes changed".to_owned());
    }
    if before.total != after.total {
        changes.push(format!("total {} → {}", before.total, after.total));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::fixtures::eur;
    use crate::orders::Quantity;

    fn line(sku: &str, name: &str, quantity: i64, unit: i64) -> PricedLine {
        let quantity = Quantity::new(quantity).unwrap();
        PricedLine {
            sku: crate::ids::Sku::parse(sku).unwrap(),
            name: name.to_owned(),
            unit: "each".to_owned(),
            quantity,
            unit_price: eur(unit),
            line_total: eur(unit * i64::from(quantity.get())),
        }
    }

    fn terms<'a>(lines: &'a [PricedLine], notes: Option<&'a str>) -> Terms<'a> {
        let total = eur(lines.iter().map(|l| l.line_total.amount()).sum());
        Terms {
            lines,
            notes,
            total,
        }
    }

    #[test]
    fn each_line_that_differs_is_named_with_its_quantities_then_notes_and_total() {
        let before = [
            line("BUTTER", "Butter, 5 kg", 3, 1000),
            line("SUGAR", "Sugar, 1 kg", 2, 200),
            line("SALT", "Salt", 1, 100),
        ];
        let after = [
            line("SALT", "Salt", 1, 150),
            line("BUTTER", "Butter, 5 kg", 2, 1000),
            line("FLOUR", "Flour, 25 kg", 4, 500),
        ];
        assert_eq!(
            describe(&terms(&before, Some("Back door")), &terms(&after, None)),
            [
                "Butter, 5 kg: 3 → 2",
                "Sugar, 1 kg: removed (was 2)",
                "Salt: unit price EUR 1.00 → EUR 1.50",
                "Flour, 25 kg: added (4)",
                "notes changed",
                "total EUR 35.00 → EUR 41.50",
            ]
        );
    }

    #[test]
    fn the_same_lines_and_notes_are_no_change() {
        let lines = [line("SALT", "Salt", 1, 100)];
        assert!(describe(&terms(&lines, Some("x")), &terms(&lines, Some("x"))).is_empty());
    }
}
