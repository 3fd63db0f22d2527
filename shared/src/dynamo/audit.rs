use super::DynamoStore;
use super::attr::s;
use super::query::{Listing, ListingError};
use crate::audit::{AuditEntry, AuditError, AuditFilter, AuditLog, item};
use crate::domain::FieldError;
use crate::page::{Page, PageRequest};
use crate::store::Unexpected;
use aws_sdk_dynamodb::error::DisplayErrorContext;

#[async_trait::async_trait]
impl AuditLog for DynamoStore {
    async fn record(&self, entry: &AuditEntry) -> Result<(), Unexpected> {
        self.client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item::to_item(entry)))
            .send()
            .await
            .map_err(|e| Unexpected::new(DisplayErrorContext(e)))?;
        Ok(())
    }

    async fn entries(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>, AuditError> {
        let mut values = Vec::new();
        let mut names = Vec::new();
        let mut filter_expression = None;
        let (index, key_condition, key_attributes, key, partition): (_, _, &[&str], _, _) =
            match filter {
                AuditFilter::All => (
                    Some(super::index::GSI2),
                    "GSI2PK = :pk",
                    &["PK", "SK", "GSI2PK", "GSI2SK"],
                    "GSI2PK",
                    item::LOG.to_owned(),
                ),
                AuditFilter::Actor(a) => (
                    Some(super::index::GSI1),
                    "GSI1PK = :pk",
                    &["PK", "SK", "GSI1PK", "GSI1SK"],
                    "GSI1PK",
                    item::actor_pk(a),
                ),
                AuditFilter::Customer(c, actor) => {
                    values.push((":prefix", s(item::SK_PREFIX)));
                    if let Some(a) = actor {
                        values.push((":actor", s(a)));
                        names.push(("#actor", "actor_id"));
                        filter_expression = Some("#actor = :actor".to_owned());
                    }
                    (
                        None,
                        "PK = :pk AND begins_with(SK, :prefix)",
                        &["PK", "SK"],
                        "PK",
                        crate::customers::item::pk(c),
                    )
                }
            };
        values.push((":pk", s(&partition)));
        let query = Listing {
            index,
            key_condition,
            filter: filter_expression,
            names,
            values,
            key_attributes,
            forward: false,
        };
        let (items, next_cursor) = self
            .list_page(&query, page, |c| {
                c.0[key] == partition && c.0["SK"].starts_with(item::SK_PREFIX)
            })
            .await
            .map_err(|e| match e {
                ListingError::BadCursor => AuditError::Invalid(vec![FieldError::new(
                    "cursor",
                    "does not belong to this listing",
                )]),
                ListingError::Unexpected(u) => AuditError::Unexpected(u),
            })?;
        Ok(Page {
            items: items
                .iter()
                .map(item::from_item)
                .collect::<Result<_, _>>()?,
            next_cursor,
        })
    }
}
