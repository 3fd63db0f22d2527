//! The order emails: a new request to the seller, the buyer's acknowledgement, an order placed
//! for a customer, the seller's edit, the decision, and a buyer's cancellation. Each shows the
//! order ([`Shown`]) and says which login or which seller did what.

use super::render::{Email, human_time};
use super::summary::Shown;
use crate::outbox::{EmailMessage, OrderSummary};
use crate::seal::Secret;

/// An email about an order: what happened, then the order, then a link to it.
fn about<'a>(
    subject: String,
    greeting: &'a str,
    paragraphs: Vec<String>,
    summary: &'a OrderSummary,
    seller: &'a str,
    link: (&'a str, &'a str),
) -> Email<'a> {
    Email {
        subject,
        greeting,
        paragraphs,
        order: Some(Shown {
            summary,
            changed_by: seller,
        }),
        secret: None,
        action: Some(link),
        after: Vec::new(),
    }
}

/// The email of an order message; `seller` is the seller's name.
pub(super) fn order_email<'a>(message: &'a EmailMessage<Secret>, seller: &'a str) -> Email<'a> {
    match message {
        EmailMessage::OrderRequested {
            customer_name,
            login_name,
            order_number,
            total,
            line_count,
            order_url,
            summary,
            confirmed_by_rule: None,
        } => about(
            format!("New order request {order_number} from {customer_name}"),
            "team",
            vec![format!(
                "{login_name} of {customer_name} has submitted order request {order_number}: \
             {line_count} line(s), {total}. It waits for your confirmation."
            )],
            summary,
            seller,
            ("Review the order", order_url),
        ),
        EmailMessage::OrderRequested {
            customer_name,
            login_name,
            order_number,
            total,
            line_count,
            order_url,
            summary,
            confirmed_by_rule: Some(rule),
        } => about(
            format!("New order {order_number} from {customer_name}, confirmed automatically"),
            "team",
            vec![format!(
                "{login_name} of {customer_name} has submitted order {order_number}: \
                 {line_count} line(s), {total}. Your automatic confirmation rule for \
                 {rule} confirmed it, and the customer has been told. Nothing waits for your \
                 decision; fulfil it as usual."
            )],
            summary,
            seller,
            ("See the order", order_url),
        ),
        EmailMessage::OrderPlacedForYou {
            customer_name,
            subject,
            message,
            order_number,
            total,
            line_count,
            confirmed,
            order_url,
            summary,
        } => {
            let mut paragraphs: Vec<String> = message
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
            paragraphs.push(format!(
                "Order {order_number}: {line_count} line(s), {total}, {}.",
                if *confirmed {
                    "confirmed"
                } else {
                    "waiting for confirmation"
                }
            ));
            about(
                subject.clone(),
                customer_name,
                paragraphs,
                summary,
                seller,
                ("See the order", order_url),
            )
        }
        EmailMessage::OrderDecided {
            login_name,
            order_number,
            confirmed,
            reason,
            order_url,
            summary,
        } => {
            let (subject, paragraph) = if *confirmed {
                (
                    format!("{seller}: order {order_number} is confirmed"),
                    format!("{seller} has confirmed your order request {order_number}."),
                )
            } else {
                (
                    format!("{seller}: order {order_number} was not accepted"),
                    match reason {
                        Some(r) => format!(
                            "{seller} could not accept your order request {order_number}: {r}"
                        ),
                        None => {
                            format!("{seller} could not accept your order request {order_number}.")
                        }
                    },
                )
            };
            about(
                subject,
                login_name,
                vec![paragraph],
                summary,
                seller,
                ("See the order", order_url),
            )
        }
        EmailMessage::OrderAcknowledged {
            login_name,
            customer_name,
            order_number,
            by_seller,
            order_url,
            summary,
        } => about(
            format!("{seller}: order request {order_number} received"),
            login_name,
            vec![if *by_seller {
                format!(
                    "{seller} has submitted order request {order_number} for {customer_name} \
                     on your behalf, signed in as you. {seller} will confirm it; you will get \
                     an email then."
                )
            } else {
                format!(
                    "You have submitted order request {order_number} for {customer_name}. \
                     {seller} will confirm it; you will get an email then."
                )
            }],
            summary,
            seller,
            ("See the order", order_url),
        ),
        EmailMessage::OrderEdited {
            login_name,
            order_number,
            order_url,
            summary,
        } => about(
            format!("{seller}: order {order_number} was changed"),
            login_name,
            vec![format!(
                "{seller} has changed your order request {order_number}. It still waits for \
                 confirmation; this is the order now."
            )],
            summary,
            seller,
            ("See the order", order_url),
        ),
        EmailMessage::OrderCancelled {
            customer_name,
            login_name,
            by_seller,
            order_number,
            order_url,
            summary,
        } => about(
            format!("Order request {order_number} from {customer_name} was cancelled"),
            "team",
            vec![if *by_seller {
                format!(
                    "An admin acting as {login_name} of {customer_name} has cancelled order \
                     request {order_number}. Nothing is left to confirm."
                )
            } else {
                format!(
                    "{login_name} of {customer_name} has cancelled order request \
                     {order_number}. Nothing is left to confirm."
                )
            }],
            summary,
            seller,
            ("See the order", order_url),
        ),
        EmailMessage::ResponseReminder {
            team_name,
            customer_name,
            order_number,
            overdue,
            respond_by,
            order_url,
        } => Email {
            subject: if *overdue {
                format!("Overdue: order request {order_number} from {customer_name}")
            } else {
                format!("Reminder: order request {order_number} from {customer_name} waits")
            },
            greeting: "team",
            paragraphs: vec![if *overdue {
                let respond_by = human_time(respond_by);
                format!(
                    "Order request {order_number} from {customer_name}, assigned to \
                     {team_name}, was due for an answer by {respond_by} and is still waiting. \
                     Please confirm or reject it now."
                )
            } else {
                let respond_by = human_time(respond_by);
                format!(
                    "Order request {order_number} from {customer_name}, assigned to \
                     {team_name}, is halfway through its response time: please confirm or \
                     reject it by {respond_by}."
                )
            }],
            order: None,
            secret: None,
            action: Some(("Review the order", order_url)),
            after: Vec::new(),
        },
        other => unreachable!("{} is not an order email", other.template()),
    }
}

#[cfg(test)]
mod tests {
    use crate::email::render;
    use crate::email::render::tests::branding;
    use crate::outbox::{EmailMessage, OrderSummary, SummaryLine};
    use crate::seal::Secret;

    fn confirmed(summary: OrderSummary) -> EmailMessage<Secret> {
        EmailMessage::OrderDecided {
            login_name: "Ann".into(),
            order_number: "SO-000042".into(),
            confirmed: true,
            reason: None,
            order_url: "https://portal.example/#/orders/ord_1".into(),
            summary,
        }
    }

    #[test]
    fn an_order_email_lists_the_lines_total_answers_notes_and_the_sellers_changes() {
        let mut summary = summary(&["Butter <5 kg>: 3 → 2; total EUR 30.00 → EUR 20.00"]);
        summary.lines[0].name = "Butter <5 kg>".into();
        summary.notes = Some("Back door".into());
        let e = render(&confirmed(summary), &branding());
        for part in [
            "2 × Butter <5 kg> (BUTTER) at EUR 10.00: EUR 20.00",
            "Total: EUR 20.00",
            "PO number: PO-42",
            "Notes: Back door",
            "Changed by Acme & Sons since it was sent:\n  - Butter <5 kg>: 3 → 2; total EUR 30.00 → EUR 20.00",
        ] {
            assert!(e.text.contains(part), "text has {part:?}\n{}", e.text);
        }
        for part in [
            "Butter &lt;5 kg&gt;",
            "<strong>PO-42</strong>",
            "Changed by Acme &amp; Sons",
            "<li>Butter &lt;5 kg&gt;: 3 → 2; total EUR 30.00 → EUR 20.00</li>",
        ] {
            assert!(e.html.contains(part), "HTML has {part:?}\n{}", e.html);
        }
        assert!(!e.html.contains("<5 kg>"), "{}", e.html);
    }

    #[test]
    fn an_order_email_of_an_item_written_before_it_carried_the_order_says_what_it_knew() {
        let e = render(&confirmed(OrderSummary::default()), &branding());
        assert!(
            e.text
                .contains("has confirmed your order request SO-000042.")
        );
        assert!(!e.text.contains("Total:"), "{}", e.text);
    }

    fn summary(changes: &[&str]) -> OrderSummary {
        OrderSummary {
            lines: vec![SummaryLine {
                name: "Butter, 5 kg".into(),
                sku: "BUTTER".into(),
                quantity: 2,
                unit_price: "EUR 10.00".into(),
                line_total: "EUR 20.00".into(),
            }],
            total: "EUR 20.00".into(),
            answers: vec![("PO number".into(), "PO-42".into())],
            notes: None,
            changes: changes.iter().map(|c| (*c).to_owned()).collect(),
            ship_to: vec![
                "Bakery <back>".into(),
                "12 Rue des Fleurs".into(),
                "69001 Lyon".into(),
                "FR".into(),
            ],
            requested_delivery_date: Some("2026-12-24".into()),
        }
    }

    #[test]
    fn the_acknowledgement_says_who_submitted_and_lists_the_order() {
        let by = |by_seller| EmailMessage::OrderAcknowledged {
            login_name: "Ann".into(),
            customer_name: "Bakery".into(),
            order_number: "SO-000042".into(),
            by_seller,
            order_url: "https://portal.example/#/orders/ord_1".into(),
            summary: summary(&[]),
        };
        let own = render(&by(false), &branding());
        let acted = render(&by(true), &branding());

        assert_eq!(own.subject, "Acme & Sons: order request SO-000042 received");
        assert!(own.text.contains("Hello Ann,"), "{}", own.text);
        assert!(
            own.text
                .contains("You have submitted order request SO-000042 for Bakery.")
        );
        assert!(
            own.text
                .contains("2 × Butter, 5 kg (BUTTER) at EUR 10.00: EUR 20.00")
        );
        assert!(own.text.contains("PO number: PO-42"));
        assert!(
            own.text.contains(
                "Requested delivery date: 2026-12-24\nShip to:\n  Bakery <back>\n  \
                 12 Rue des Fleurs\n  69001 Lyon\n  FR\n"
            ),
            "{}",
            own.text
        );
        assert!(
            own.html
                .contains("Ship to:<br>Bakery &lt;back&gt;<br>12 Rue des Fleurs"),
            "{}",
            own.html
        );
        assert!(own.html.contains("<strong>2026-12-24</strong>"));
        assert!(acted.text.contains(
            "Acme & Sons has submitted order request SO-000042 for Bakery on your behalf"
        ));
    }

    #[test]
    fn the_edit_email_lists_each_change_then_the_order_as_it_is_now() {
        let message = EmailMessage::OrderEdited {
            login_name: "Ann".into(),
            order_number: "SO-000042".into(),
            order_url: "https://portal.example/#/orders/ord_1".into(),
            summary: summary(&["Butter, 5 kg: 3 → 2", "total EUR 30.00 → EUR 20.00"]),
        };
        let e = render(&message, &branding());
        assert_eq!(e.subject, "Acme & Sons: order SO-000042 was changed");
        assert!(
            e.text
                .contains("  - Butter, 5 kg: 3 → 2\n  - total EUR 30.00 → EUR 20.00"),
            "{}",
            e.text
        );
        assert!(
            e.html.contains("<li>Butter, 5 kg: 3 → 2</li>"),
            "{}",
            e.html
        );
    }

    #[test]
    fn a_team_is_reminded_at_half_time_and_told_when_a_request_is_overdue() {
        let at = |overdue| EmailMessage::ResponseReminder {
            team_name: "North".into(),
            customer_name: "Bakery".into(),
            order_number: "SO-000042".into(),
            overdue,
            respond_by: "2026-12-02T10:00:00.000Z".into(),
            order_url: "https://portal.example/#/admin/orders/ord_1".into(),
        };
        let half = render(&at(false), &branding());
        let late = render(&at(true), &branding());

        assert_eq!(
            half.subject,
            "Reminder: order request SO-000042 from Bakery waits"
        );
        assert!(
            half.text.contains("reject it by 2 December 2026"),
            "{}",
            half.text
        );
        assert_eq!(late.subject, "Overdue: order request SO-000042 from Bakery");
        assert!(late.text.contains("is still waiting"));
        assert!(
            late.html
                .contains("https://portal.example/#/admin/orders/ord_1")
        );
    }

    #[test]
    fn the_seller_hears_which_login_cancelled_or_that_an_admin_did_as_it() {
        let by = |by_seller| EmailMessage::OrderCancelled {
            customer_name: "Bakery".into(),
            login_name: "Ann".into(),
            by_seller,
            order_number: "SO-000042".into(),
            order_url: "https://portal.example/#/admin/orders/ord_1".into(),
            summary: summary(&[]),
        };
        let own = render(&by(false), &branding());
        let acted = render(&by(true), &branding());

        assert_eq!(
            own.subject,
            "Order request SO-000042 from Bakery was cancelled"
        );
        assert!(
            own.text
                .contains("Ann of Bakery has cancelled order request SO-000042.")
        );
        assert!(
            acted
                .text
                .contains("An admin acting as Ann of Bakery has cancelled")
        );
        assert!(own.text.contains("Total: EUR 20.00"));
    }
}
