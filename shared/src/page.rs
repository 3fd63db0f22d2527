//! Cursor pagination: `?limit=` (default 50, at most 200) and an opaque `?cursor=`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use std::collections::BTreeMap;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

/// Where a listing resumes: the key attributes of the last item returned. Opaque to clients;
/// the store checks that it belongs to the listing it is handed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor(pub BTreeMap<String, String>);

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&self.0).expect("a string map serialises"))
    }

    pub fn decode(raw: &str) -> Result<Self, String> {
        URL_SAFE_NO_PAD
            .decode(raw)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .map(Self)
            .ok_or_else(|| "is not a cursor this API returned".to_owned())
    }
}

/// A request for one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    pub cursor: Option<Cursor>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            cursor: None,
        }
    }
}

impl PageRequest {
    pub fn parse_limit(raw: &str) -> Result<usize, String> {
        match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(format!("must be a whole number from 1 to {MAX_LIMIT}")),
        }
    }
}

/// One page of a listing, in the API's shape.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let c = Cursor(BTreeMap::from([("PK".to_owned(), "CUSTOMER#1".to_owned())]));
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        assert!(Cursor::decode("not base64!").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode(b"[1,2]")).is_err());
    }

    #[test]
    fn limits_outside_1_to_200_are_refused() {
        assert_eq!(PageRequest::parse_limit("200"), Ok(200));
        assert!(PageRequest::parse_limit("0").is_err());
        assert!(PageRequest::parse_limit("201").is_err());
        assert!(PageRequest::parse_limit("ten").is_err());
    }
}
