//! A saved list and how the API shows it.

use crate::domain::Timestamp;
use crate::ids::{CustomerId, ListId, LoginId};
use crate::orders::{Line, Priced};

/// Most lists an account keeps: enough for a buyer's standing orders, few enough that the
/// account's lists are one `Query` page and fit a screen.
pub const MAX_LISTS: usize = 50;

/// Most lines a list holds: as many as a cart or an order may have, so a full list fits one.
pub const MAX_LIST_LINES: usize = crate::orders::MAX_LINES;

/// Longest name of a list, in characters.
pub const MAX_LIST_NAME: usize = 100;

/// A saved order list of a customer account, shared by its logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedList {
    pub list_id: ListId,
    pub customer_id: CustomerId,
    pub name: String,
    pub lines: Vec<Line>,
    /// The login that made it.
    pub created_by: LoginId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped by every write; the condition of the next one.
    pub version: u64,
}

/// A list as the account's listing shows it: its lines as SKUs and quantities, unpriced, so
/// the listing stays one read of the account's partition.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListSummary {
    pub list_id: ListId,
    pub name: String,
    pub lines: Vec<Line>,
    pub line_count: usize,
    pub created_by: LoginId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl From<SavedList> for ListSummary {
    fn from(l: SavedList) -> Self {
        Self {
            list_id: l.list_id,
            name: l.name,
            line_count: l.lines.len(),
            lines: l.lines,
            created_by: l.created_by,
            created_at: l.created_at,
            updated_at: l.updated_at,
            version: l.version,
        }
    }
}

/// One list as its own page shows it: the summary, its lines priced at the account's tier
/// today with the products' names, and the lines whose product is no longer sold.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListView {
    #[serde(flatten)]
    pub list: ListSummary,
    pub priced: Priced,
    pub unavailable: Vec<Line>,
}
