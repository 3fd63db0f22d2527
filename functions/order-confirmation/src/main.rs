use lambda_http::{Error, service_fn};
use orderdesk_order_confirmation::App;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let app = App::from_env().await?;
    let app = &app;
    lambda_http::run(service_fn(move |req| async move {
        Ok::<_, std::convert::Infallible>(app.handle(req).await)
    }))
    .await
}
