use lambda_runtime::{Error, LambdaEvent, service_fn};
use orderdesk::queue::QueueEvent as Event;
use orderdesk_deliverer::App;

/// Lambda hands a function one invocation at a time: a single-threaded runtime starts sooner
/// and holds less memory than one worker thread per CPU.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    orderdesk::telemetry::init();
    let app = App::from_env().await?;
    let app = &app;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        Ok::<_, Error>(app.handle(event.payload).await)
    }))
    .await
}
