//! An email address as the user pool signs in with it and SES sends to (README "What an email
//! address may be"). Anything the identity provider or the mail service would refuse is refused
//! here, before a customer, login or email is written, so that no address is stored that a
//! sign-in or a send then fails on.

use std::fmt;

/// An email address, trimmed and lower-cased: the form Cognito signs in with and the
/// form every uniqueness guard keys on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Cognito's `Username` is at most 128 characters, and a login's username is its email.
pub const MAX_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_LEN} characters")]
    TooLong,
    #[error("must be one address of the form name@example.com")]
    Invalid,
    #[error(
        "must be in plain ASCII before the @: accented and non-Latin letters are refused by the sign-in and mail services"
    )]
    NonAsciiLocal,
    #[error(
        "may contain before the @ only letters a-z, digits and . _ % + -, start with a letter, digit or _, and not have two dots in a row or a dot at the end"
    )]
    LocalPart,
    #[error(
        "must have an ASCII domain: write an internationalised domain in its xn-- form (bücher.example is xn--bcher-kva.example)"
    )]
    NonAsciiDomain,
    #[error(
        "must have a domain of labels of letters, digits and hyphens, separated by dots and ending in letters (example.com)"
    )]
    Domain,
}

/// The dot-atom that Cognito's email attribute and SES both take: RFC 5322 `atext` narrowed to
/// the set of moto's stand-in check, which agrees with every refusal seen from a real pool
/// (`' # /` among them).
fn local_part_ok(local: &str) -> bool {
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._%+-".contains(&b);
    let starts_well = local
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    local.len() <= 64
        && starts_well
        && local.bytes().all(allowed)
        && !local.ends_with('.')
        && !local.contains("..")
}

/// Host-name labels (letters, digits, inner hyphens), at least two, the last of letters only.
fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let tld = labels.last().copied().unwrap_or_default();
    labels.len() >= 2
        && labels.iter().all(label_ok)
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Invalid)?;
        if !local.is_ascii() {
            return Err(EmailError::NonAsciiLocal);
        }
        if !domain.is_ascii() {
            return Err(EmailError::NonAsciiDomain);
        }
        let s = s.to_ascii_lowercase();
        if s.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Invalid)?;
        if local.is_empty() || domain.is_empty() || domain.contains('@') {
            return Err(EmailError::Invalid);
        }
        if !local_part_ok(local) {
            return Err(EmailError::LocalPart);
        }
        if !domain_ok(domain) {
            return Err(EmailError::Domain);
        }
        Ok(Self(s))
    }

    /// An address as the table holds it: it met the rule in force when it was written, and a
    /// stricter rule since must not make the account that has it unreadable.
    pub(crate) fn stored(raw: &str) -> Result<Self, EmailError> {
        match raw.split_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
                Ok(Self(raw.to_owned()))
            }
            _ => Err(EmailError::Invalid),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
    }

    #[test]
    fn plus_addressing_subdomains_and_punycode_domains_are_accepted() {
        for ok in [
            "ann+orders@mail.example.co.uk",
            "ann.baker@example.com",
            "_ops-team%eu@example.com",
            "a1@x-y.example",
            "ann@xn--bcher-kva.example",
        ] {
            assert_eq!(Email::parse(ok).map(|e| e.0), Ok(ok.to_owned()), "{ok}");
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "ann@b@example.com",
            "ann @example.com",
            "ann@exa mple.com",
            "\"ann\"@example.com",
            "ann@[192.0.2.1]",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn what_the_identity_provider_refuses_before_the_at_is_refused() {
        for bad in [
            "o'brien@x.example",
            "a#x@x.example",
            "a/x@x.example",
            "a!b@x.example",
            "a=b@x.example",
            "a{b}@x.example",
            "a|b@x.example",
            "a~b@x.example",
            ".ann@example.com",
            "+ann@example.com",
            "-ann@example.com",
            "ann.@example.com",
            "a..b@example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::LocalPart), "{bad:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::LocalPart));
    }

    #[test]
    fn non_ascii_before_the_at_is_refused_before_lower_casing_could_hide_it() {
        assert_eq!(
            Email::parse("äbc@x.example"),
            Err(EmailError::NonAsciiLocal)
        );
        assert_eq!(
            Email::parse("\u{212A}im@x.example"),
            Err(EmailError::NonAsciiLocal),
            "the Kelvin sign lower-cases to an ASCII k"
        );
    }

    #[test]
    fn an_internationalised_domain_is_refused_with_its_ascii_form_suggested() {
        let e = Email::parse("a+tag@bücher.example").unwrap_err();
        assert_eq!(e, EmailError::NonAsciiDomain);
        assert!(e.to_string().contains("xn--"));
    }

    #[test]
    fn domains_that_are_not_host_names_are_refused() {
        for bad in [
            "ann@-example.com",
            "ann@example-.com",
            "ann@example..com",
            "ann@.example.com",
            "ann@example.com.",
            "ann@exa_mple.com",
            "ann@example.c",
            "ann@example.123",
            "ann@example.xn--p1ai",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Domain), "{bad:?}");
        }
    }

    #[test]
    fn an_address_over_cognitos_username_limit_is_refused() {
        let at_limit = format!("{}@{}.example", "a".repeat(64), "b".repeat(55));
        assert_eq!(at_limit.len(), MAX_LEN);
        assert!(Email::parse(&at_limit).is_ok());
        let over = format!("{}@{}.example", "a".repeat(64), "b".repeat(56));
        assert_eq!(Email::parse(&over), Err(EmailError::TooLong));
    }

    #[test]
    fn a_stored_address_reads_back_even_if_the_rule_has_tightened_since() {
        assert_eq!(
            Email::stored("o'brien@x.example").unwrap().as_str(),
            "o'brien@x.example"
        );
        assert_eq!(Email::stored("nobody"), Err(EmailError::Invalid));
    }
}
