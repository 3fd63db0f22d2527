//! Importing rows into the cart: good rows in, bad rows named, nothing written without a good
//! row.

use super::*;

fn csv(text: &str, mode: ImportMode) -> CartImport {
    CartImport::from_csv(text.as_bytes(), mode).expect("rows")
}

fn cart_of(m: &Memory, c: &Customer) -> Vec<(String, u32)> {
    m.state()
        .carts
        .get(&c.customer_id)
        .map(|c| {
            c.lines
                .iter()
                .map(|l| (l.sku.to_string(), l.quantity.get()))
                .collect()
        })
        .unwrap_or_default()
}

fn rows_of(imported: &Imported) -> Vec<(usize, &str, &str)> {
    imported
        .rejected
        .iter()
        .map(|r| (r.row, r.sku.as_str(), r.message.as_str()))
        .collect()
}

#[tokio::test]
async fn good_rows_merge_into_the_cart_adding_up_and_bad_rows_are_named_by_number() {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    m.product("SUGAR", 300);
    m.product("GONE", 100);
    m.state()
        .products
        .get_mut(&Sku::parse("GONE").unwrap())
        .unwrap()
        .active = false;
    let body = CartBody {
        lines: lines(json!([{"sku": "FLOUR", "quantity": 1}])),
        notes: Some("Back door".into()),
    };
    put_cart(&m, &c, body, None).await.unwrap();
    let import = csv(
        "sku;qty\nflour;2\nSUGAR;1\nSUGAR;9999\nNOPE;1\nGONE;1\n;1\nSUGAR;0\nSUGAR;1;x\n",
        ImportMode::Merge,
    );
    let declared = import_reads(&session.ids(), &import);
    m.forget_reads();

    let imported = import_to_cart(&m, &c, import).await.unwrap();

    assert!(
        m.undeclared(&declared)
            .iter()
            .all(|r| matches!(r, ItemRef::Product(_)))
    );
    assert_eq!(
        cart_of(&m, &c),
        [("FLOUR".into(), 3), ("SUGAR".into(), 10_000)]
    );
    assert_eq!(imported.cart.notes.as_deref(), Some("Back door"));
    assert_eq!(
        rows_of(&imported),
        [
            (5, "NOPE", "sku is not in the catalogue"),
            (6, "GONE", "sku is no longer sold"),
            (7, "", "sku is empty"),
            (
                8,
                "SUGAR",
                "quantity must be a whole number from 1 to 10000"
            ),
            (9, "SUGAR", "row has 3 columns; send two: sku and quantity"),
        ]
    );
}

#[tokio::test]
async fn without_a_usable_row_nothing_is_written_and_each_row_is_named() {
    let m = Memory::new();
    let (c, _, _) = m.buyer();
    m.product("FLOUR", 2500);

    let refused = import_to_cart(&m, &c, csv("NOPE,1\nFLOUR,x\nFLOUR\n", ImportMode::Merge)).await;

    let Err(ImportError::Invalid(errors)) = refused else {
        panic!("a 400: {refused:?}")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["row[1].sku", "row[2].quantity", "row[3].quantity"]);
    assert_eq!(errors[0].message, "is not in the catalogue");
    assert!(m.state().carts.is_empty());
}

#[tokio::test]
async fn replace_empties_the_carts_lines_first_and_json_rows_count_from_one() {
    let m = Memory::new();
    let (c, _, _) = m.buyer();
    m.product("FLOUR", 2500);
    m.product("SUGAR", 300);
    let body = CartBody {
        lines: lines(json!([{"sku": "FLOUR", "quantity": 4}])),
        notes: None,
    };
    put_cart(&m, &c, body, None).await.unwrap();
    let rows = ImportLines {
        lines: lines(json!([{"sku": "SUGAR", "quantity": 2}, {"sku": "x y", "quantity": 1}])),
    };
    let import = CartImport::from_json(rows, ImportMode::Replace).unwrap();

    let imported = import_to_cart(&m, &c, import).await.unwrap();

    assert_eq!(cart_of(&m, &c), [("SUGAR".into(), 2)]);
    assert_eq!(imported.rejected[0].row, 2);
    assert_eq!(imported.rejected[0].field, "lines[1].sku");
}

#[tokio::test]
async fn rows_past_a_full_cart_are_named_and_the_rest_go_in() {
    let m = Memory::new();
    let (c, _, _) = m.buyer();
    let mut file = String::new();
    for i in 0..=MAX_LINES {
        m.product(&format!("P{i}"), 100);
        file.push_str(&format!("P{i},1\n"));
    }
    file.push_str("P0,1\n");

    let imported = import_to_cart(&m, &c, csv(&file, ImportMode::Merge))
        .await
        .unwrap();

    assert_eq!(cart_of(&m, &c).len(), MAX_LINES);
    assert_eq!(
        cart_of(&m, &c)[0],
        ("P0".into(), 2),
        "a SKU in the cart still merges"
    );
    assert_eq!(imported.rejected.len(), 1);
    assert_eq!(imported.rejected[0].row, MAX_LINES + 1);
    assert!(imported.rejected[0].message.starts_with("row does not fit"));
}
