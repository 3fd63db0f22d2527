//! The templates: each message becomes a subject, a plain-text part and an HTML part. Every
//! value that reaches the HTML is escaped here, and a link is only a link when it is http(s).

use super::order_mail::order_email;
use super::summary::Shown;
use crate::outbox::EmailMessage;
use crate::seal::Secret;
use std::fmt::Write as _;
use time::{OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description};

/// Who the emails come from, as the recipient sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branding {
    /// The seller's name, in subjects, greetings and the signature.
    pub seller_name: String,
    /// The portal's address, linked from every email's footer.
    pub portal_url: String,
}

/// One email ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders `message`, its secrets opened, with the seller's branding.
pub fn render(message: &EmailMessage<Secret>, branding: &Branding) -> RenderedEmail {
    let seller = branding.seller_name.as_str();
    let email = match message {
        EmailMessage::Invitation {
            login_name,
            customer_name,
            accept_url,
            expires_at,
        } => Email {
            subject: format!("{seller}: your invitation to order online"),
            greeting: login_name,
            order: None,
            paragraphs: vec![format!(
                "{seller} invites you to place orders online for {customer_name}. \
                 Choose your password to activate your login."
            )],
            action: Some(("Choose my password", accept_url.expose())),
            after: vec![
                format!(
                    "The link works once and expires on {}.",
                    human_time(expires_at)
                ),
                "If you did not expect this invitation, you can ignore this email.".to_owned(),
            ],
            secret: None,
        },
        EmailMessage::TemporaryPassword {
            login_name,
            customer_name,
            temporary_password,
            sign_in_url,
        } => Email {
            subject: format!("{seller}: your login to the ordering portal"),
            greeting: login_name,
            paragraphs: vec![format!(
                "{seller} has created a login for you to place orders online for \
                 {customer_name}. Sign in with this email address and the temporary \
                 password below; you will choose your own password at once."
            )],
            order: None,
            secret: Some(("Temporary password", temporary_password.expose())),
            action: Some(("Sign in", sign_in_url)),
            after: vec![
                "The temporary password is valid for a few days and can be used only to set \
                 your own."
                    .to_owned(),
            ],
        },
        EmailMessage::PasswordReset {
            login_name,
            customer_name,
            temporary_password,
            sign_in_url,
        } => Email {
            subject: format!("{seller}: your password has been reset"),
            greeting: login_name,
            paragraphs: vec![format!(
                "{seller} has reset the password of your login for {customer_name}. Sign in \
                 with this email address and the temporary password below; you will choose \
                 a new password at once."
            )],
            order: None,
            secret: Some(("Temporary password", temporary_password.expose())),
            action: Some(("Sign in", sign_in_url)),
            after: vec![
                "If you did not ask for a new password, tell us: your old one no longer works."
                    .to_owned(),
            ],
        },
        EmailMessage::PasswordResetLink {
            login_name,
            customer_name,
            reset_url,
            expires_at,
        } => Email {
            subject: format!("{seller}: choose a new password"),
            greeting: login_name,
            paragraphs: vec![format!(
                "Someone, hopefully you, asked for a new password for your login to \
                 {seller}'s ordering portal for {customer_name}. Choose it with the link \
                 below; it works once."
            )],
            order: None,
            secret: None,
            action: Some(("Choose a new password", reset_url.expose())),
            after: vec![
                format!("The link expires on {}.", human_time(expires_at)),
                "If you did not ask for a new password, ignore this email: your password \
                 stays as it is."
                    .to_owned(),
            ],
        },
        EmailMessage::EmailChange {
            login_name,
            confirm_url,
            expires_at,
        } => Email {
            subject: format!("{seller}: confirm your new email address"),
            greeting: login_name,
            paragraphs: vec![format!(
                "Please confirm that this is the address you will sign in with to {seller}'s \
                 ordering portal. Until you do, you keep signing in with your current address."
            )],
            order: None,
            secret: None,
            action: Some(("Confirm this address", confirm_url.expose())),
            after: vec![
                format!("The link expires on {}.", human_time(expires_at)),
                "If you did not ask for this change, you can ignore this email.".to_owned(),
            ],
        },
        EmailMessage::WebhookDisabled {
            url,
            failing_since,
            webhook_url,
        } => Email {
            subject: format!("Webhook disabled: {url}"),
            greeting: "team",
            paragraphs: vec![format!(
                "Every delivery to the webhook {url} has failed since {}, so it has been \
                 disabled and receives no more events. Once the receiving system answers \
                 again, enable the webhook and retry the failed deliveries from its log.",
                human_time(failing_since)
            )],
            order: None,
            secret: None,
            action: Some(("See the webhook", webhook_url)),
            after: Vec::new(),
        },
        order => order_email(order, seller),
    };
    email.render(branding)
}

/// The parts every template is made of, in the order they are shown.
pub(super) struct Email<'a> {
    pub subject: String,
    pub greeting: &'a str,
    pub paragraphs: Vec<String>,
    /// The order the email is about, shown after the paragraphs.
    pub order: Option<Shown<'a>>,
    pub secret: Option<(&'a str, &'a str)>,
    pub action: Option<(&'a str, &'a str)>,
    pub after: Vec<String>,
}

impl Email<'_> {
    fn render(self, branding: &Branding) -> RenderedEmail {
        let seller = &branding.seller_name;
        let portal = &branding.portal_url;

        let mut text = format!("Hello {},\n\n", self.greeting);
        for p in &self.paragraphs {
            let _ = write!(text, "{p}\n\n");
        }
        let order = self.order.as_ref().filter(|o| !o.is_empty());
        if let Some(o) = order {
            text.push_str(&o.text());
        }
        if let Some((label, value)) = self.secret {
            let _ = write!(text, "{label}: {value}\n\n");
        }
        if let Some((label, url)) = self.action {
            let _ = write!(text, "{label}:\n{url}\n\n");
        }
        for p in &self.after {
            let _ = write!(text, "{p}\n\n");
        }
        let _ = write!(text, "{seller}\n{portal}\n");

        let mut body = format!("<p>Hello {},</p>\n", escape_html(self.greeting));
        for p in &self.paragraphs {
            let _ = writeln!(body, "<p>{}</p>", escape_html(p));
        }
        if let Some(o) = order {
            body.push_str(&o.html());
        }
        if let Some((label, value)) = self.secret {
            let _ = writeln!(
                body,
                "<p>{}:<br><code style=\"font-size:18px;letter-spacing:1px;\">{}</code></p>",
                escape_html(label),
                escape_html(value)
            );
        }
        if let Some((label, url)) = self.action {
            let _ = writeln!(body, "{}", button(label, url));
        }
        for p in &self.after {
            let _ = writeln!(body, "<p style=\"color:#555;\">{}</p>", escape_html(p));
        }
        let html = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
             <body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;\
             color:#222;max-width:560px;margin:0 auto;padding:16px;\">\n{body}\
             <hr style=\"border:none;border-top:1px solid #ddd;\">\n\
             <p style=\"color:#777;font-size:13px;\">{seller}<br>{portal}</p>\n</body></html>\n",
            title = escape_html(&self.subject),
            seller = escape_html(seller),
            portal = link(portal, portal),
        );
        RenderedEmail {
            subject: one_line(&self.subject),
            text,
            html,
        }
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// An anchor for an http(s) URL; any other scheme is shown as text, never linked.
fn link(url: &str, label: &str) -> String {
    if is_web_url(url) {
        format!(
            "<a href=\"{}\">{}</a>",
            escape_html(url),
            escape_html(label)
        )
    } else {
        escape_html(label)
    }
}

fn button(label: &str, url: &str) -> String {
    if !is_web_url(url) {
        return format!("<p>{}: {}</p>", escape_html(label), escape_html(url));
    }
    let href = escape_html(url);
    format!(
        "<p><a href=\"{href}\" style=\"display:inline-block;padding:10px 18px;background:#1f5fbf;\
         color:#fff;text-decoration:none;border-radius:4px;\">{}</a></p>\n\
         <p style=\"color:#555;font-size:13px;\">Or copy this link into your browser:<br>\
         <a href=\"{href}\">{href}</a></p>",
        escape_html(label)
    )
}

/// A subject is one line: control characters (a header break among them) become spaces.
fn one_line(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `2026-11-30T00:00:00.000Z` as `30 November 2026, 00:00 UTC`; anything else as given.
pub(super) fn human_time(raw: &str) -> String {
    OffsetDateTime::parse(raw, &Rfc3339)
        .ok()
        .and_then(|t| {
            t.to_offset(time::UtcOffset::UTC)
                .format(format_description!(
                    "[day padding:none] [month repr:long] [year], [hour]:[minute] UTC"
                ))
                .ok()
        })
        .unwrap_or_else(|| raw.to_owned())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A seller whose name needs escaping in HTML.
    pub(in crate::email) fn branding() -> Branding {
        Branding {
            seller_name: "Acme & Sons".into(),
            portal_url: "https://portal.example/".into(),
        }
    }

    fn invitation(login_name: &str, accept_url: &str) -> EmailMessage<Secret> {
        EmailMessage::Invitation {
            login_name: login_name.into(),
            customer_name: "Bakery <Ltd>".into(),
            accept_url: accept_url.into(),
            expires_at: "2026-11-30T09:05:00.000Z".into(),
        }
    }

    #[test]
    fn every_value_in_the_html_is_escaped() {
        let e = render(
            &invitation(
                "<script>alert('x')</script>",
                "https://portal.example/#/invite/t?a=1&b=\"2\"",
            ),
            &branding(),
        );

        assert!(!e.html.contains("<script>"), "{}", e.html);
        assert!(
            e.html
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        );
        assert!(e.html.contains("Bakery &lt;Ltd&gt;"));
        assert!(e.html.contains("Acme &amp; Sons"));
        assert!(
            e.html
                .contains("href=\"https://portal.example/#/invite/t?a=1&amp;b=&quot;2&quot;\"")
        );
        assert!(e.text.contains("Hello <script>alert('x')</script>,"));
    }

    #[test]
    fn a_link_that_is_not_http_is_never_an_anchor() {
        let e = render(&invitation("Ann", "javascript:alert(1)"), &branding());

        assert!(!e.html.contains("href=\"javascript"), "{}", e.html);
        assert!(e.html.contains("javascript:alert(1)"));
    }

    /// What one kind of email must say: its subject, and what its text and HTML parts hold.
    struct Expected {
        what: &'static str,
        message: EmailMessage<Secret>,
        subject: &'static str,
        text: &'static [&'static str],
        html: &'static [&'static str],
    }

    #[test]
    fn each_email_has_its_subject_and_carries_its_values_in_both_parts() {
        let sign_in = "https://portal.example/#/sign-in";
        let cases = [
            Expected {
                what: "an order placed for a customer carries the admin's subject and words",
                message: EmailMessage::OrderPlacedForYou {
                    customer_name: "Acme <Bakery>".into(),
                    subject: "Your phone order".into(),
                    message: "Thanks for calling.\n\nWe deliver on Monday.".into(),
                    order_number: "SO-000042".into(),
                    total: "EUR 12.50".into(),
                    line_count: 2,
                    confirmed: true,
                    order_url: "https://portal.example/#/orders/ord_1".into(),
                    summary: Default::default(),
                },
                subject: "Your phone order",
                text: &[
                    "We deliver on Monday.",
                    "SO-000042: 2 line(s), EUR 12.50, confirmed.",
                ],
                html: &[
                    "Acme &lt;Bakery&gt;",
                    "href=\"https://portal.example/#/orders/ord_1\"",
                ],
            },
            Expected {
                what: "the invitation links to its accept page and says when it expires",
                message: invitation("Ann", "https://portal.example/#/invite/abc"),
                subject: "Acme & Sons: your invitation to order online",
                text: &[
                    "https://portal.example/#/invite/abc",
                    "30 November 2026, 09:05 UTC",
                    "Bakery <Ltd>",
                ],
                html: &[
                    "href=\"https://portal.example/#/invite/abc\"",
                    "href=\"https://portal.example/\"",
                ],
            },
            Expected {
                what: "the temporary password email carries the password and the sign-in link",
                message: EmailMessage::TemporaryPassword {
                    login_name: "Ann".into(),
                    customer_name: "Bakery".into(),
                    temporary_password: "Tmp-Pass<1>".into(),
                    sign_in_url: sign_in.into(),
                },
                subject: "Acme & Sons: your login to the ordering portal",
                text: &["Temporary password: Tmp-Pass<1>"],
                html: &[
                    "Tmp-Pass&lt;1&gt;",
                    "href=\"https://portal.example/#/sign-in\"",
                ],
            },
            Expected {
                what: "the password reset email carries the new password and the sign-in link",
                message: EmailMessage::PasswordReset {
                    login_name: "Ann".into(),
                    customer_name: "Bakery".into(),
                    temporary_password: "New-Pass-42".into(),
                    sign_in_url: sign_in.into(),
                },
                subject: "Acme & Sons: your password has been reset",
                text: &["New-Pass-42", "https://portal.example/#/sign-in"],
                html: &["New-Pass-42"],
            },
            Expected {
                what: "the reset link email links to its reset page, works once and expires",
                message: EmailMessage::PasswordResetLink {
                    login_name: "Ann".into(),
                    customer_name: "Bakery <Ltd>".into(),
                    reset_url: "https://portal.example/#/reset/abc".into(),
                    expires_at: "2026-11-30T09:05:00.000Z".into(),
                },
                subject: "Acme & Sons: choose a new password",
                text: &[
                    "https://portal.example/#/reset/abc",
                    "it works once",
                    "30 November 2026, 09:05 UTC",
                    "Bakery <Ltd>",
                ],
                html: &[
                    "href=\"https://portal.example/#/reset/abc\"",
                    "Bakery &lt;Ltd&gt;",
                ],
            },
            Expected {
                what: "the email change links to its confirmation",
                message: EmailMessage::EmailChange {
                    login_name: "Ann".into(),
                    confirm_url: "https://portal.example/#/email-change/tok".into(),
                    expires_at: "not a time".into(),
                },
                subject: "Acme & Sons: confirm your new email address",
                text: &["expires on not a time."],
                html: &["href=\"https://portal.example/#/email-change/tok\""],
            },
        ];

        for case in cases {
            let e = render(&case.message, &branding());
            let what = case.what;
            assert_eq!(e.subject, case.subject, "{what}: its subject");
            for part in case.text {
                assert!(
                    e.text.contains(part),
                    "{what}: text has {part:?}\n{}",
                    e.text
                );
            }
            for part in case.html {
                assert!(
                    e.html.contains(part),
                    "{what}: HTML has {part:?}\n{}",
                    e.html
                );
            }
        }
    }

    #[test]
    fn a_subject_never_breaks_a_header_line() {
        let b = Branding {
            seller_name: "Acme\r\nBcc: x@evil.example".into(),
            ..branding()
        };
        let e = render(&invitation("Ann", "https://p/"), &b);

        assert!(!e.subject.contains('\n') && !e.subject.contains('\r'));
    }
}
