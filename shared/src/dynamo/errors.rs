use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;

/// Why one action of a cancelled transaction failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelReason {
    None,
    ConditionalCheckFailed,
    /// Another transaction touched the same items at the same moment: retry.
    TransactionConflict,
    Other(String),
}

/// The per-action reasons of a cancelled `TransactWriteItems`, in the order of its actions;
/// `None` when the call failed for another cause.
pub fn cancellation_reasons<R>(
    err: &SdkError<TransactWriteItemsError, R>,
) -> Option<Vec<CancelReason>> {
    match err.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(e) => Some(
            e.cancellation_reasons()
                .iter()
                .map(|r| match r.code() {
                    None | Some("None") => CancelReason::None,
                    Some("ConditionalCheckFailed") => CancelReason::ConditionalCheckFailed,
                    Some("TransactionConflict") => CancelReason::TransactionConflict,
                    Some(other) => CancelReason::Other(other.to_owned()),
                })
                .collect(),
        ),
        _ => None,
    }
}
