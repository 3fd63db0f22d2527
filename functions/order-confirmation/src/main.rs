use lambda_http::{Error, service_fn};
use orderdesk_order_confirmation::App;

/// Lambda hands a function one invocation at a time: a single-threaded runtime starts sooner
/// and holds less memory than one worker thread per CPU.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    orderdesk::telemetry::init();
    let app = App::from_env().await?;
    let app = &app;
    lambda_http::run(service_fn(move |req| async move {
        Ok::<_, std::convert::Infallible>(app.handle(req).await)
    }))
    .await
}
