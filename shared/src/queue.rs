//! The edge of the queue-triggered functions: SQS messages as Lambda hands them over, and the
//! answer that names the ones to hand over again.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsMessage};
pub use aws_lambda_events::event::sqs::{
    SqsBatchResponse as QueueResponse, SqsEvent as QueueEvent,
};

/// The answer that names the failed messages by their ids, for Lambda to hand them over again
/// (and, in a FIFO queue, the rest of their group after them).
pub fn failures<'a>(failed: impl IntoIterator<Item = &'a SqsMessage>) -> QueueResponse {
    let mut response = QueueResponse::default();
    for message in failed {
        let mut failure = BatchItemFailure::default();
        failure.item_identifier = message.message_id.clone().unwrap_or_default();
        response.batch_item_failures.push(failure);
    }
    response
}
