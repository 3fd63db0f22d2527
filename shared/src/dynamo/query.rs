//! One page of a filtered `Query`, for every listing: reads at most a few 1 MB pages, stops at
//! `limit` matches, and resumes from a cursor that names the last item returned.

use super::DynamoStore;
use super::attr::{Item, s, string_of};
use crate::error::Unexpected;
use crate::page::{Cursor, Page, PageRequest};
use aws_sdk_dynamodb::types::AttributeValue;

/// Most DynamoDB pages one listing request reads before it answers with what it found.
const MAX_PAGES: usize = 4;

/// A listing's query.
pub(super) struct Listing<'a> {
    pub index: Option<&'a str>,
    pub key_condition: &'a str,
    pub filter: Option<String>,
    pub names: Vec<(&'a str, &'a str)>,
    pub values: Vec<(&'a str, AttributeValue)>,
    /// The attributes of the table's and the index's keys: what a cursor holds.
    pub key_attributes: &'a [&'a str],
    /// `false` reads newest (highest sort key) first.
    pub forward: bool,
}

/// Why a listing could not be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum ListingError {
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl ListingError {
    /// The port's error: `bad_cursor` for a cursor from elsewhere, else the unexpected failure.
    pub(super) fn or_bad_cursor<E: From<Unexpected>>(self, bad_cursor: impl FnOnce() -> E) -> E {
        match self {
            Self::BadCursor => bad_cursor(),
            Self::Unexpected(u) => u.into(),
        }
    }
}

impl DynamoStore {
    /// One page of `listing`, each item read by `read`. `fits` decides whether a client's
    /// cursor belongs to the listing.
    pub(super) async fn list_page<T>(
        &self,
        listing: &Listing<'_>,
        page: &PageRequest,
        fits: impl Fn(&Cursor) -> bool,
        read: impl Fn(&Item) -> Result<T, Unexpected>,
    ) -> Result<Page<T>, ListingError> {
        let (items, next_cursor) = self.list_items(listing, page, fits).await?;
        Ok(Page {
            items: items.iter().map(read).collect::<Result<_, _>>()?,
            next_cursor,
        })
    }

    async fn list_items(
        &self,
        listing: &Listing<'_>,
        page: &PageRequest,
        fits: impl Fn(&Cursor) -> bool,
    ) -> Result<(Vec<Item>, Option<String>), ListingError> {
        let mut start = match &page.cursor {
            Some(c)
                if c.0.len() == listing.key_attributes.len()
                    && listing.key_attributes.iter().all(|k| c.0.contains_key(*k))
                    && fits(c) =>
            {
                Some(c.0.iter().map(|(k, v)| (k.clone(), s(v))).collect::<Item>())
            }
            Some(_) => return Err(ListingError::BadCursor),
            None => None,
        };
        let filtered = listing.filter.is_some();
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let want = page.limit - items.len();
            let mut q = self
                .client()
                .query()
                .table_name(self.table())
                .set_index_name(listing.index.map(str::to_owned))
                .key_condition_expression(listing.key_condition)
                .set_filter_expression(listing.filter.clone())
                .set_exclusive_start_key(start.take())
                .scan_index_forward(listing.forward)
                .limit(if filtered {
                    1000
                } else {
                    i32::try_from(want).unwrap_or(i32::MAX)
                });
            for (k, v) in &listing.names {
                q = q.expression_attribute_names(*k, *v);
            }
            for (k, v) in &listing.values {
                q = q.expression_attribute_values(*k, v.clone());
            }
            let out = q
                .send()
                .await
                .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
            let mut consumed = 0;
            for raw in out.items() {
                if items.len() == page.limit {
                    break;
                }
                items.push(raw.clone());
                consumed += 1;
            }
            if items.len() == page.limit {
                let more = out.last_evaluated_key().is_some() || consumed < out.items().len();
                let cursor = more
                    .then(|| cursor_of(items.last().expect("a full page"), listing.key_attributes));
                return Ok((items, cursor));
            }
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok((items, None)),
            }
        }
        let next = start.map(|k| {
            Cursor(
                k.iter()
                    .filter_map(|(name, v)| v.as_s().ok().map(|v| (name.clone(), v.clone())))
                    .collect(),
            )
            .encode()
        });
        Ok((items, next))
    }
}

fn cursor_of(item: &Item, keys: &[&str]) -> String {
    Cursor(
        keys.iter()
            .filter_map(|k| string_of(item, k).map(|v| ((*k).to_owned(), v)))
            .collect(),
    )
    .encode()
}

impl DynamoStore {
    /// Every item whose index key `key` is `partition`, across all pages.
    pub(super) async fn query_all(
        &self,
        index: &str,
        key: &str,
        partition: &str,
    ) -> Result<Vec<Item>, Unexpected> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(index)
                .key_condition_expression(format!("{key} = :pk"))
                .expression_attribute_values(":pk", s(partition))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(items),
            }
        }
    }
}
