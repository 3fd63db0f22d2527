//! Quick order end to end: a spreadsheet's CSV (or JSON lines) into the cart; good rows go in,
//! each bad row is named by its number and reason; nothing is written when no row is usable.

use orderdesk_tests::*;
use serde_json::{Value, json};

/// `POST /cart/import` (`query` appended) of `body` as `content_type`.
async fn import(api: &Api, query: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
    let rb = api
        .request(reqwest::Method::POST, &format!("/cart/import{query}"))
        .header("content-type", content_type)
        .body(body.into());
    Api::send(rb).await
}

async fn csv(api: &Api, body: &str) -> Reply {
    import(api, "", "text/csv", body).await
}

fn rejected(r: &Value) -> Vec<(u64, String, String)> {
    r["rejected"]
        .as_array()
        .expect("rejected rows")
        .iter()
        .map(|x| {
            (
                x["row"].as_u64().unwrap(),
                x["sku"].as_str().unwrap().to_owned(),
                x["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_spreadsheet_export_goes_into_the_cart_and_each_bad_row_is_named_by_number_and_reason() {
    let s = Shop::open(Some(10.0)).await;
    let gone = s.admin.fresh_product("GONE", 100).await;
    s.admin
        .update_product(&gone, &json!({"active": false}))
        .await
        .ok(200);
    s.buyer
        .put(
            "/cart",
            &json!({"lines": [{"sku": s.flour, "quantity": 1}], "notes": "Back door"}),
        )
        .await
        .ok(200);
    let file = format!(
        "\u{FEFF}SKU;Quantity\r\n\"{flour}\";2\r\n{sugar};3\r\n\r\nNO-SUCH-SKU;1\r\n{gone};1\r\n{sugar};x\r\n;4\r\n{flour};1;extra\r\n{sugar_lower};1,00\r\n",
        flour = s.flour,
        sugar = s.sugar,
        sugar_lower = s.sugar.to_lowercase(),
    );

    let r = csv(&s.buyer, &file).await.ok(200);

    assert_eq!(
        rejected(&r),
        [
            (
                5,
                "NO-SUCH-SKU".into(),
                "sku is not in the catalogue".into()
            ),
            (6, gone.clone(), "sku is no longer sold".into()),
            (
                7,
                s.sugar.clone(),
                "quantity must be a whole number from 1 to 10000".into()
            ),
            (8, "".into(), "sku is empty".into()),
            (
                9,
                s.flour.clone(),
                "row has 3 columns; send two: sku and quantity".into()
            ),
        ],
        "the header is row 1 and the blank line row 4, as a spreadsheet shows them"
    );
    let cart = &r["cart"];
    assert_eq!(
        pluck(&cart["lines"], "sku"),
        [s.flour.as_str(), s.sugar.as_str()]
    );
    assert_eq!(
        cart["lines"][0]["quantity"], 3,
        "one in the cart and two imported"
    );
    assert_eq!(cart["lines"][1]["quantity"], 4, "two rows of sugar add up");
    assert_eq!(cart["lines"][1]["unit_price"], eur(899));
    assert_eq!(cart["notes"], "Back door");
    assert_eq!(s.buyer.get("/cart").await.ok(200)["lines"], cart["lines"]);
}

#[tokio::test]
async fn a_headerless_comma_file_and_json_lines_import_too_and_replace_empties_the_cart_first() {
    let s = Shop::open(None).await;
    let r = csv(&s.buyer, &format!("{},2\n{},1", s.flour, s.sugar))
        .await
        .ok(200);
    assert_eq!(r["cart"]["lines"].as_array().unwrap().len(), 2);
    assert_eq!(r["rejected"], json!([]));

    let body =
        json!({"lines": [{"sku": s.sugar, "quantity": 5}, {"sku": "NOPE-X", "quantity": 1}]});
    let r = import(
        &s.buyer,
        "?mode=replace",
        "application/json",
        body.to_string(),
    )
    .await
    .ok(200);
    assert_eq!(pluck(&r["cart"]["lines"], "sku"), [s.sugar.as_str()]);
    assert_eq!(r["cart"]["lines"][0]["quantity"], 5, "replaced, not added");
    assert_eq!(
        rejected(&r),
        [(2, "NOPE-X".into(), "sku is not in the catalogue".into())]
    );
}

#[tokio::test]
async fn no_usable_row_is_400_naming_each_row_and_leaves_the_cart_as_it_was() {
    let s = Shop::open(None).await;
    s.buyer
        .put(
            "/cart",
            &json!({"lines": [{"sku": s.flour, "quantity": 1}]}),
        )
        .await
        .ok(200);
    let before = s.buyer.get("/cart").await.ok(200);

    let r = csv(&s.buyer, "sku,quantity\nNOPE-1,1\nNOPE-2,0\n").await;
    assert_eq!(r.invalid(), ["row[2].sku", "row[3].quantity"]);
    let r = csv(&s.buyer, "sku,quantity\n").await;
    assert_eq!(r.invalid(), ["body"]);
    let r = csv(&s.buyer, "").await;
    assert_eq!(r.invalid(), ["body"]);
    let body = json!({"lines": [{"sku": "", "quantity": 1}]}).to_string();
    let r = import(&s.buyer, "", "application/json", body).await;
    assert_eq!(r.invalid(), ["lines[0].sku"]);
    let r = import(&s.buyer, "?mode=all", "text/csv", format!("{},1", s.flour)).await;
    assert_eq!(r.invalid(), ["mode"]);
    let r = import(&s.buyer, "", "text/plain", format!("{},1", s.flour)).await;
    r.problem(415);

    assert_eq!(s.buyer.get("/cart").await.ok(200), before);
}

#[tokio::test]
async fn more_than_500_rows_is_400_and_a_body_over_256_kib_is_413() {
    let s = Shop::open(None).await;
    let rows = format!("{},1\n", s.flour).repeat(501);
    let r = csv(&s.buyer, &rows).await;
    assert_eq!(r.invalid(), ["body"]);
    assert!(r.detail(400).contains("501 rows"), "{}", r.body);

    let ok = format!("{},1\n", s.flour).repeat(500);
    let r = csv(&s.buyer, &ok).await.ok(200);
    assert_eq!(
        r["cart"]["lines"][0]["quantity"], 500,
        "500 rows of one SKU add up"
    );

    let big = format!("{},1\n", s.flour).repeat(300 * 1024 / 10);
    csv(&s.buyer, &big).await.problem(413);
}

#[tokio::test]
async fn rows_that_would_take_the_cart_over_200_lines_are_named_and_the_rest_go_in() {
    let s = Shop::open(None).await;
    let word = unique_word().to_uppercase();
    let skus: Vec<String> = (0..201).map(|i| format!("IMP{i}-{word}")).collect();
    for chunk in skus.chunks(20) {
        futures::future::join_all(chunk.iter().map(|sku| s.admin.new_product(sku, 100))).await;
    }
    let file: String = skus.iter().map(|sku| format!("{sku},1\n")).collect();

    let r = csv(&s.buyer, &file).await.ok(200);

    assert_eq!(r["cart"]["lines"].as_array().unwrap().len(), 200);
    let refused = rejected(&r);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, 201);
    assert!(refused[0].2.contains("does not fit"), "{}", refused[0].2);
}

#[tokio::test]
async fn another_account_imports_into_its_own_cart_only() {
    let s = Shop::open(None).await;
    let (_, stranger) = s.admin.customer_with_login(None).await;

    csv(&stranger, &format!("{},7", s.flour)).await.ok(200);

    assert_eq!(s.buyer.get("/cart").await.ok(200)["lines"], json!([]));
    assert_eq!(
        stranger.get("/cart").await.ok(200)["lines"][0]["quantity"],
        7
    );
}
