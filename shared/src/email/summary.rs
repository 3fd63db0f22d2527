//! An order inside an email: its lines, total, answers, notes, where and when it is to be
//! delivered and the seller's changes, in the plain-text part and the HTML part alike, every
//! value escaped in the HTML.

use super::render::escape_html;
use crate::outbox::OrderSummary;
use std::fmt::Write as _;

/// The order, and who made the changes the reader is told about (the seller's name).
pub struct Shown<'a> {
    pub summary: &'a OrderSummary,
    pub changed_by: &'a str,
}

impl Shown<'_> {
    /// Nothing to show for an item written before emails carried the order.
    pub fn is_empty(&self) -> bool {
        self.summary.lines.is_empty()
    }

    pub fn text(&self) -> String {
        let s = self.summary;
        let mut out = String::new();
        for l in &s.lines {
            let _ = writeln!(
                out,
                "  {} × {} ({}) at {}: {}",
                l.quantity, l.name, l.sku, l.unit_price, l.line_total
            );
        }
        let _ = writeln!(out, "Total: {}", s.total);
        for (label, answer) in &s.answers {
            let _ = writeln!(out, "{label}: {answer}");
        }
        if let Some(notes) = &s.notes {
            let _ = writeln!(out, "Notes: {notes}");
        }
        if let Some(date) = &s.requested_delivery_date {
            let _ = writeln!(out, "Requested delivery date: {date}");
        }
        if !s.ship_to.is_empty() {
            let _ = writeln!(out, "Ship to:");
            for line in &s.ship_to {
                let _ = writeln!(out, "  {line}");
            }
        }
        if !s.changes.is_empty() {
            let _ = writeln!(out, "\nChanged by {} since it was sent:", self.changed_by);
            for c in &s.changes {
                let _ = writeln!(out, "  - {c}");
            }
        }
        out.push('\n');
        out
    }

    pub fn html(&self) -> String {
        let s = self.summary;
        let cell = "padding:4px 8px;border-bottom:1px solid #eee;";
        let num = format!("{cell}text-align:right;white-space:nowrap;");
        let mut out =
            String::from("<table style=\"border-collapse:collapse;width:100%;font-size:14px;\">\n");
        for l in &s.lines {
            let _ = writeln!(
                out,
                "<tr><td style=\"{num}\">{} ×</td><td style=\"{cell}\">{}<br>\
                 <span style=\"color:#777;font-size:12px;\">{} · {} each</span></td>\
                 <td style=\"{num}\">{}</td></tr>",
                l.quantity,
                escape_html(&l.name),
                escape_html(&l.sku),
                escape_html(&l.unit_price),
                escape_html(&l.line_total),
            );
        }
        let _ = writeln!(
            out,
            "<tr><th colspan=\"2\" style=\"{cell}text-align:left;\">Total</th>\
             <th style=\"{num}\">{}</th></tr>\n</table>",
            escape_html(&s.total)
        );
        for (label, answer) in &s.answers {
            let _ = writeln!(
                out,
                "<p style=\"margin:4px 0;\">{}: <strong>{}</strong></p>",
                escape_html(label),
                escape_html(answer)
            );
        }
        if let Some(notes) = &s.notes {
            let _ = writeln!(
                out,
                "<p style=\"margin:4px 0;\">Notes: {}</p>",
                escape_html(notes)
            );
        }
        if let Some(date) = &s.requested_delivery_date {
            let _ = writeln!(
                out,
                "<p style=\"margin:4px 0;\">Requested delivery date: <strong>{}</strong></p>",
                escape_html(date)
            );
        }
        if !s.ship_to.is_empty() {
            let lines: Vec<String> = s.ship_to.iter().map(|l| escape_html(l)).collect();
            let _ = writeln!(
                out,
                "<p style=\"margin:4px 0;\">Ship to:<br>{}</p>",
                lines.join("<br>")
            );
        }
        if !s.changes.is_empty() {
            let _ = writeln!(
                out,
                "<p>Changed by {} since it was sent:</p>\n<ul>",
                escape_html(self.changed_by)
            );
            for c in &s.changes {
                let _ = writeln!(out, "<li>{}</li>", escape_html(c));
            }
            out.push_str("</ul>\n");
        }
        out
    }
}
