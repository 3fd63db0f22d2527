//! An API client of the seller's: a name, the scopes it may use, and the hash of its secret.

use crate::domain::{Email, Timestamp};
use crate::idempotency::hex;
use crate::ids::ClientId;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// What an API client may be allowed to do, as API.md names it. A route no scope covers is
/// out of every client's reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Scope {
    #[serde(rename = "orders:read")]
    OrdersRead,
    #[serde(rename = "orders:write")]
    OrdersWrite,
    #[serde(rename = "catalog:write")]
    CatalogWrite,
    #[serde(rename = "customers:read")]
    CustomersRead,
    #[serde(rename = "customers:write")]
    CustomersWrite,
}

impl Scope {
    pub const ALL: [Scope; 5] = [
        Scope::OrdersRead,
        Scope::OrdersWrite,
        Scope::CatalogWrite,
        Scope::CustomersRead,
        Scope::CustomersWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OrdersRead => "orders:read",
            Scope::OrdersWrite => "orders:write",
            Scope::CatalogWrite => "catalog:write",
            Scope::CustomersRead => "customers:read",
            Scope::CustomersWrite => "customers:write",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// A set of scopes, in the one order they are always written in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    pub fn of(scopes: impl IntoIterator<Item = Scope>) -> Self {
        Self(scopes.into_iter().collect())
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// OAuth's form: the names separated by single spaces (RFC 6749 §3.3); also how a token
    /// carries them.
    pub fn to_space_separated(&self) -> String {
        self.0
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The scopes of a space-separated list; `None` when one of them is not a scope.
    pub fn parse_space_separated(raw: &str) -> Option<Self> {
        raw.split(' ')
            .filter(|s| !s.is_empty())
            .map(Scope::parse)
            .collect::<Option<BTreeSet<_>>>()
            .map(Self)
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

/// An API client's secret: 32 random bytes, URL-safe, shown once. Only its SHA-256 is kept in
/// the table; being random and long, a fast hash is enough. It also meets the user pool's
/// password policy, because the client's user in the pool signs in with it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(String);

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret(..)")
    }
}

impl ClientSecret {
    /// The prefix that tells a leaked secret for what it is (e.g. to a secret scanner).
    pub const PREFIX: &'static str = "ods_";

    pub fn generate() -> Self {
        loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
            let secret = format!("{}{}", Self::PREFIX, URL_SAFE_NO_PAD.encode(bytes));
            let has = |f: fn(&u8) -> bool| secret.as_bytes().iter().any(f);
            if has(u8::is_ascii_lowercase) && has(u8::is_ascii_uppercase) && has(u8::is_ascii_digit)
            {
                return Self(secret);
            }
        }
    }

    /// A secret as a caller sent it; nothing is checked but its length, so that a wrong one is
    /// told apart only by its hash.
    pub fn received(raw: &str) -> Option<Self> {
        (!raw.is_empty() && raw.len() <= 256).then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The form that is stored.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// Whether this is the secret whose hash is `stored`, compared in constant time.
    pub fn matches(&self, stored: &str) -> bool {
        let mine = self.hash();
        mine.len() == stored.len()
            && mine
                .bytes()
                .zip(stored.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// An API client as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub id: ClientId,
    pub name: String,
    pub scopes: Scopes,
    /// SHA-256 of the secret, hex.
    pub secret_hash: String,
    /// The `sub` of the client's user in the pool, whose tokens the client is given.
    pub sub: String,
    pub created_at: Timestamp,
    /// The admin who created it (`sub`).
    pub created_by: String,
}

impl ApiClient {
    /// The address of the client's user in the pool: never a mailbox, and never an address a
    /// person could be invited with (`.invalid` is reserved, RFC 2606).
    pub fn user_email(id: &ClientId) -> Email {
        Email::parse(&format!("{id}@api-clients.orderdesk.invalid"))
            .expect("a client id makes a valid address")
    }

    pub fn view(&self) -> ApiClientView {
        ApiClientView {
            client_id: self.id.clone(),
            name: self.name.clone(),
            scopes: self.scopes.clone(),
            created_at: self.created_at,
        }
    }
}

/// An API client as the API shows it: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct ApiClientView {
    pub client_id: ClientId,
    pub name: String,
    pub scopes: Scopes,
    pub created_at: Timestamp,
}

/// At most this many API clients: one per system, and a list an admin can read at a glance.
pub const MAX_CLIENTS: usize = 50;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_meets_the_pools_policy_and_only_its_hash_matches_it() {
        for _ in 0..200 {
            let secret = ClientSecret::generate();
            let s = secret.expose();
            assert!(s.starts_with("ods_") && s.len() == 47, "{s}");
            assert!(s.bytes().any(|b| b.is_ascii_uppercase()));
            assert!(s.bytes().any(|b| b.is_ascii_lowercase()));
            assert!(s.bytes().any(|b| b.is_ascii_digit()));
            assert!(secret.matches(&secret.hash()));
            assert!(!ClientSecret::generate().matches(&secret.hash()));
            assert!(!secret.matches(""));
        }
        assert_eq!(
            format!("{:?}", ClientSecret::generate()),
            "ClientSecret(..)"
        );
    }

    #[test]
    fn scopes_read_and_write_in_one_order_and_unknown_ones_are_refused() {
        let scopes = Scopes::parse_space_separated("customers:read  orders:read").unwrap();
        assert_eq!(scopes.to_space_separated(), "orders:read customers:read");
        assert_eq!(
            serde_json::to_value(&scopes).unwrap(),
            serde_json::json!(["orders:read", "customers:read"])
        );
        assert!(Scopes::parse_space_separated("orders:read admin").is_none());
        assert!(Scope::parse("Orders:Read").is_none());
    }
}
