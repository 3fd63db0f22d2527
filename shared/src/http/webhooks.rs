//! Every webhook use-case error, mapped to its HTTP problem in one place.

use super::Problem;
use crate::webhooks::{MAX_WEBHOOKS, WebhookError};

impl From<WebhookError> for Problem {
    fn from(e: WebhookError) -> Self {
        match e {
            WebhookError::Invalid(errors) => Problem::invalid(errors),
            WebhookError::NotFound => Problem::not_found("There is no webhook with this id."),
            WebhookError::DeliveryNotFound => {
                Problem::not_found("There is no such delivery of this webhook.")
            }
            WebhookError::Stale => Problem::conflict(
                "The webhook was changed by someone else meanwhile. Reload it and try again.",
            )
            .typed("version-mismatch"),
            WebhookError::TooMany => Problem::conflict(format!(
                "There are {MAX_WEBHOOKS} webhooks already; delete one first."
            )),
            WebhookError::BadCursor => Problem::bad_cursor(),
            WebhookError::Unexpected(e) => e.into(),
        }
    }
}
