//! API clients in the table: one item each, listed on GSI1 under `APICLIENTS`; their token
//! quotas are counters like every quota's. Keys: [`crate::dynamo::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, bad, n, s};
use super::index;
use super::keys::{API_CLIENT_SK, API_CLIENTS, QUOTA_SK, api_client_pk, quota_pk};
use super::logins::resets::{CHARGE_CONDITION, CHARGE_UPDATE};
use super::write::UpdateIf;
use crate::audit::AuditEntry;
use crate::clients::{ApiClient, ClientStore, Scopes};
use crate::error::Unexpected;
use crate::ids::ClientId;
use crate::throttle::Charge;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};

pub fn client_item(c: &ApiClient) -> Item {
    Item::from([
        ("PK".into(), s(api_client_pk(&c.id))),
        ("SK".into(), s(API_CLIENT_SK)),
        ("GSI1PK".into(), s(API_CLIENTS)),
        ("GSI1SK".into(), s(format!("{}#{}", c.created_at, c.id))),
        ("type".into(), s("api_client")),
        ("client_id".into(), s(c.id.as_str())),
        ("name".into(), s(&c.name)),
        ("scopes".into(), s(c.scopes.to_space_separated())),
        ("secret_hash".into(), s(&c.secret_hash)),
        ("sub".into(), s(&c.sub)),
        ("created_at".into(), s(c.created_at.to_string())),
        ("created_by".into(), s(&c.created_by)),
    ])
}

pub fn client_from_item(item: &Item) -> Result<ApiClient, Unexpected> {
    let r = Reader(item);
    Ok(ApiClient {
        id: ClientId::parse(r.s("client_id")?).ok_or_else(|| bad("api_client", "client_id"))?,
        name: r.s("name")?.to_owned(),
        scopes: Scopes::parse_space_separated(r.s("scopes")?)
            .ok_or_else(|| bad("api_client", "scopes"))?,
        secret_hash: r.s("secret_hash")?.to_owned(),
        sub: r.s("sub")?.to_owned(),
        created_at: r.time("created_at")?,
        created_by: r.s("created_by")?.to_owned(),
    })
}

#[async_trait::async_trait]
impl ClientStore for DynamoStore {
    async fn clients(&self) -> Result<Vec<ApiClient>, Unexpected> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(index::GSI1)
            .key_condition_expression("GSI1PK = :pk")
            .expression_attribute_values(":pk", s(API_CLIENTS))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
        out.items().iter().map(client_from_item).collect()
    }

    async fn client(&self, id: &ClientId) -> Result<Option<ApiClient>, Unexpected> {
        self.get_as((api_client_pk(id), API_CLIENT_SK), client_from_item)
            .await
    }

    async fn put_client(&self, client: &ApiClient, audit: &AuditEntry) -> Result<(), Unexpected> {
        let put = self.put_new(client_item(client));
        Ok(self.transact(vec![put, self.put_audit(audit)]).await?)
    }

    async fn delete_client(
        &self,
        client: &ApiClient,
        audit: &AuditEntry,
    ) -> Result<bool, Unexpected> {
        let delete = Delete::builder()
            .table_name(self.table())
            .key("PK", s(api_client_pk(&client.id)))
            .key("SK", s(API_CLIENT_SK))
            .condition_expression("attribute_exists(PK)")
            .build()
            .expect("table and key are set");
        let actions = vec![
            TransactWriteItem::builder().delete(delete).build(),
            self.put_audit(audit),
        ];
        match self.transact(actions).await {
            Ok(()) => Ok(true),
            Err(e) if e.failed(0) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    async fn charge_token(&self, c: &Charge) -> Result<bool, Unexpected> {
        self.update_if(UpdateIf {
            key: (quota_pk(&c.counter), QUOTA_SK),
            update: CHARGE_UPDATE,
            condition: CHARGE_CONDITION,
            names: &[("#type", "type"), ("#ttl", "ttl"), ("#n", "n")],
            values: vec![
                (":type", s("quota")),
                (":ttl", n(c.window_ends + 3600)),
                (":one", n(1)),
                (":limit", n(c.limit)),
            ],
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::Scope;
    use crate::domain::Timestamp;

    #[test]
    fn an_api_client_is_one_item_listed_on_gsi1_with_only_its_secrets_hash_and_reads_back() {
        let at = Timestamp::parse("2026-12-02T08:00:00.000Z").unwrap();
        let c = ApiClient {
            id: ClientId::parse("cli_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            name: "ERP".into(),
            scopes: Scopes::of([Scope::CustomersRead, Scope::OrdersRead]),
            secret_hash: "ab".repeat(32),
            sub: "sub-1".into(),
            created_at: at,
            created_by: "admin-sub".into(),
        };

        let item = client_item(&c);

        assert_eq!(
            item["PK"],
            s("APICLIENT#cli_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["SK"], s("APICLIENT"));
        assert_eq!(item["GSI1PK"], s("APICLIENTS"));
        assert_eq!(
            item["GSI1SK"],
            s("2026-12-02T08:00:00.000Z#cli_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["type"], s("api_client"));
        assert_eq!(item["scopes"], s("orders:read customers:read"));
        assert_eq!(item["secret_hash"], s("ab".repeat(32)));
        assert_eq!(item.len(), 12);
        assert_eq!(client_from_item(&item).unwrap(), c);
    }
}
