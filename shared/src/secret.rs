//! Secrets handed out by email: single-use link tokens and generated temporary passwords.

use crate::idempotency::hex;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// A link token: 32 random bytes, URL-safe. Only its SHA-256 is ever stored.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkToken(..)")
    }
}

impl LinkToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the OS has randomness");
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token as received in a URL: 43 URL-safe base64 characters, else `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == 43
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form that is stored and looked up.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

/// The user pool's password policy, as `template.yaml` sets it (a test keeps them equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}

pub const POLICY: PasswordPolicy = PasswordPolicy {
    min_length: 10,
    require_lowercase: true,
    require_uppercase: true,
    require_numbers: true,
    require_symbols: false,
};

impl PasswordPolicy {
    /// The policy in words, for error messages.
    pub fn describe(&self) -> String {
        let mut needs = Vec::new();
        if self.require_uppercase {
            needs.push("an upper-case letter");
        }
        if self.require_lowercase {
            needs.push("a lower-case letter");
        }
        if self.require_numbers {
            needs.push("a digit");
        }
        if self.require_symbols {
            needs.push("a symbol");
        }
        format!(
            "must be at least {} characters long, contain {}, and not start or end with a space",
            self.min_length,
            needs.join(", ")
        )
    }

    pub fn check(&self, password: &str) -> Result<(), String> {
        let ok = password.chars().count() >= self.min_length
            && password.chars().count() <= 256
            && (!self.require_lowercase || password.chars().any(|c| c.is_ascii_lowercase()))
            && (!self.require_uppercase || password.chars().any(|c| c.is_ascii_uppercase()))
            && (!self.require_numbers || password.chars().any(|c| c.is_ascii_digit()))
            && (!self.require_symbols || password.chars().any(|c| c.is_ascii_punctuation()))
            && !password.starts_with(char::is_whitespace)
            && !password.ends_with(char::is_whitespace);
        if ok { Ok(()) } else { Err(self.describe()) }
    }

    /// A random password that meets the policy: 16 characters without look-alikes.
    pub fn generate(&self) -> String {
        const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const DIGITS: &[u8] = b"23456789";
        loop {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes).expect("the OS has randomness");
            let all: Vec<u8> = [LOWER, UPPER, DIGITS].concat();
            let candidate: String = bytes
                .iter()
                .map(|b| all[usize::from(*b) % all.len()] as char)
                .collect();
            if self.check(&candidate).is_ok() {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_43_url_safe_characters_and_is_stored_only_as_its_hash() {
        let t = LinkToken::generate();
        assert_eq!(t.as_str().len(), 43);
        assert_eq!(LinkToken::parse(t.as_str()), Some(t.clone()));
        assert_eq!(t.hash().len(), 64);
        assert_ne!(t.hash(), t.as_str());
        assert_ne!(LinkToken::generate(), t);
        assert_eq!(LinkToken::parse("short"), None);
        assert_eq!(LinkToken::parse(&"a".repeat(42).replace('a', "+")), None);
    }

    #[test]
    fn weak_passwords_are_refused_with_the_policy_in_words() {
        assert!(POLICY.check("Short1").is_err());
        assert!(POLICY.check("alllowercase1").is_err());
        assert!(POLICY.check("NoDigitsHere").is_err());
        assert!(POLICY.check("Good-enough-1").is_ok());
        for padded in [" Good-enough-1", "Good-enough-1\t", "\u{a0}Good-enough-1"] {
            let e = POLICY.check(padded).unwrap_err();
            assert!(e.contains("not start or end with a space"), "{padded:?}");
        }
        assert!(
            POLICY
                .check("abc")
                .unwrap_err()
                .contains("at least 10 characters")
        );
    }

    #[test]
    fn generated_passwords_meet_the_policy() {
        for _ in 0..200 {
            assert!(POLICY.check(&POLICY.generate()).is_ok());
        }
    }

    #[test]
    fn the_policy_matches_the_user_pool_in_template_yaml() {
        let template =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
                .unwrap();
        let section = template.split("PasswordPolicy:").nth(1).unwrap();
        let value = |key: &str| {
            section
                .lines()
                .find(|l| l.trim_start().starts_with(key))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_owned())
                .unwrap()
        };
        assert_eq!(
            value("MinimumLength").parse::<usize>().unwrap(),
            POLICY.min_length
        );
        assert_eq!(
            value("RequireLowercase") == "true",
            POLICY.require_lowercase
        );
        assert_eq!(
            value("RequireUppercase") == "true",
            POLICY.require_uppercase
        );
        assert_eq!(value("RequireNumbers") == "true", POLICY.require_numbers);
        assert_eq!(value("RequireSymbols") == "true", POLICY.require_symbols);
    }
}
