//! The sample events in `events/` are real API Gateway v2 payloads: each one, pointed at fresh
//! data, goes through the customers function's entry point and gets the documented status.

use orderdesk_tests::*;
use serde_json::json;

const SAMPLE_ID: &str = "cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
const SAMPLE_ID_2: &str = "cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5c";
const SAMPLE_EMAIL: &str = "orders@acme-bakery.example";

async fn fresh_customer(api: &Api) -> String {
    let r = api
        .post(
            "/admin/customers",
            &json!({"name": "Event Fixture", "email": unique_email("evt")}),
        )
        .await;
    assert_eq!(r.status, 201);
    r.body["customer_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_sample_event_is_served_by_the_customers_function_with_its_documented_status() {
    stack();
    let app = orderdesk_customers::App::from_env()
        .await
        .expect("configured by the stack");
    let api = Api::admin().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let cases = [
        ("customers-create.json", 201),
        ("customers-list.json", 200),
        ("customers-get.json", 200),
        ("customers-update.json", 200),
        ("customers-bulk-tag.json", 200),
        ("customers-delete.json", 204),
    ];
    for (file, status) in cases {
        let text = std::fs::read_to_string(dir.join(file)).expect("the sample exists");
        let text = text
            .replace(SAMPLE_ID, &fresh_customer(&api).await)
            .replace(SAMPLE_ID_2, &fresh_customer(&api).await)
            .replace(SAMPLE_EMAIL, &unique_email("evt"));
        let req = lambda_http::request::from_str(&text).expect("a valid API Gateway v2 event");
        let res = app.handle(req).await;
        assert_eq!(res.status().as_u16(), status, "{file}: {:?}", res.body());
    }
}
