//! How saved-list errors read over HTTP.

use super::Problem;
use crate::lists::{ListError, MAX_LISTS};

impl From<ListError> for Problem {
    fn from(e: ListError) -> Self {
        match e {
            ListError::Invalid(errors) => Problem::invalid(errors),
            ListError::NotFound => Problem::not_found("There is no such list."),
            ListError::TooMany => Problem::conflict(format!(
                "Your account has {MAX_LISTS} saved lists, the most it may have. Delete one to \
                 save another."
            ))
            .typed("list-limit"),
            ListError::Changed => Problem::conflict(
                "The list changed while you were saving it (another login of your account \
                 changed or deleted it). Nothing was saved: open the list again.",
            )
            .typed("list-changed"),
            ListError::Unexpected(e) => e.into(),
        }
    }
}
