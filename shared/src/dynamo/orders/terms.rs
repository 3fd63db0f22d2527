//! An order's search terms: for each term ([`crate::orders::terms`]) a copy of the order's
//! item under the term, in its account's partition and on GSI1 for the seller, so that a
//! search is one `Query` that returns the orders themselves. The copies are rewritten with the
//! order in the same transaction, so they never tell another status than the order's.

use crate::dynamo::attr::{Item, s};
use crate::dynamo::keys::{ORDER_TERMS, order_term_sk, order_terms_pk};
use crate::ids::CustomerId;
use crate::orders::{Order, SearchText};

/// Every search term's partition key starts so.
pub const PREFIX: &str = ORDER_TERMS;

/// The GSI1 partition of every account's terms.
pub const EVERY_ACCOUNT: &str = ORDER_TERMS;

/// The partition of one account's terms.
pub fn account_pk(c: &CustomerId) -> String {
    order_terms_pk(c)
}

/// `order_item` (the order's own item, [`super::item::to_item`]) filed under `term`.
pub fn to_item(order_item: &Item, order: &Order, term: &SearchText) -> Item {
    let sk = order_term_sk(term.as_str(), &order.order_id);
    let mut item = order_item.clone();
    item.insert("PK".into(), s(order_terms_pk(&order.customer_id)));
    item.insert("SK".into(), s(&sk));
    item.insert("GSI1PK".into(), s(ORDER_TERMS));
    item.insert("GSI1SK".into(), s(sk));
    item.remove("GSI2PK");
    item.remove("GSI2SK");
    item.insert("type".into(), s("order_term"));
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamo::attr::Reader;

    #[test]
    fn a_term_copy_is_keyed_by_account_and_term_and_reads_back_as_the_order() {
        let order = super::super::item::tests::order();
        let own = super::super::item::to_item(&order);
        let term = SearchText::parse("PO 4711").unwrap();
        let item = to_item(&own, &order, &term);
        assert_eq!(
            item["PK"],
            s("ORDERFIND#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(
            item["SK"],
            s("po 4711#ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["GSI1PK"], s("ORDERFIND"));
        assert_eq!(item["GSI1SK"], item["SK"]);
        assert!(!item.contains_key("GSI2PK") && !item.contains_key("GSI2SK"));
        assert_eq!(Reader(&item).s("type").unwrap(), "order_term");
        assert_eq!(item.len(), own.len() - 2);
        assert_eq!(super::super::item::from_item(&item).unwrap(), order);
    }
}
