//! The cold-start, size and memory baseline: a `lambda_http` function that does nothing, built
//! with the same profile as the real ones.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|_req: Request| async {
        Ok::<_, Error>(
            Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(Body::from(r#"{"hello":"world"}"#))
                .expect("a static response"),
        )
    }))
    .await
}
