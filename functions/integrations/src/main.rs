//! The `integrations` function's entry point.

/// Lambda hands a function one invocation at a time: a single-threaded runtime starts sooner
/// and holds less memory than one worker thread per CPU.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    orderdesk::http::serve::<orderdesk_integrations::App>().await
}
