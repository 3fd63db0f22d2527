//! Password resets in the table: the requests (which the stream hands to the notifier), the
//! quota counters they are charged against, and the links keyed by their token's hash.

use super::super::DynamoStore;
use super::super::attr::{Item, Reader, bad, n, s};
use super::super::write::TxError;
use super::item::login_from_item;
use crate::domain::Email;
use crate::dynamo::customers;
use crate::dynamo::keys::{
    CUSTOMER_SK, LOGIN_EMAIL_GUARD_SK, LOGIN_SK, QUOTA_SK, RESET_REQUEST_SK, RESET_SK, customer_pk,
    login_email_guard_pk, login_pk, quota_pk, reset_pk, reset_request_pk,
};
use crate::error::Unexpected;
use crate::ids::{CustomerId, LoginId};
use crate::logins::{
    LinkClaim, LoginAndAccount, LoginStoreError, PasswordReset, PasswordResetStore, ResetIssue,
    ResetRequest, ResetRequestStoreError, ResetSpend,
};
use crate::throttle::Charge;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};

/// How long a request is kept after it is made: the notifier looks at it within seconds.
const KEEP_REQUEST_SECONDS: i64 = 24 * 3600;

/// The request's item, marked `pending` until the notifier has looked at it.
pub fn request_to_item(r: &ResetRequest, handled: bool) -> Item {
    Item::from([
        ("PK".into(), s(reset_request_pk(&r.request_id))),
        ("SK".into(), s(RESET_REQUEST_SK)),
        ("type".into(), s("reset_request")),
        ("request_id".into(), s(&r.request_id)),
        ("email".into(), s(r.email.as_str())),
        ("requested_at".into(), s(r.requested_at.to_string())),
        (
            "status".into(),
            s(if handled { "handled" } else { "pending" }),
        ),
        (
            "ttl".into(),
            n(r.requested_at.unix_seconds() + KEEP_REQUEST_SECONDS),
        ),
    ])
}

pub fn request_from_item(item: &Item) -> Result<ResetRequest, Unexpected> {
    let r = Reader(item);
    Ok(ResetRequest {
        request_id: r.s("request_id")?.to_owned(),
        email: Email::stored(r.s("email")?).map_err(|_| bad("reset request", "email"))?,
        requested_at: r.time("requested_at")?,
    })
}

/// The id of the pending reset request a stream record's new image is, if it is one.
pub fn pending_reset_request_id(image: &serde_json::Value) -> Option<String> {
    let string = |name: &str| image.get(name)?.get("S")?.as_str();
    if string("type")? != "reset_request" || string("status")? != "pending" {
        return None;
    }
    let id = string("request_id")?;
    (string("PK") == Some(reset_request_pk(id).as_str())).then(|| id.to_owned())
}

/// The link's item; removed by TTL a week after it expires.
pub fn reset_to_item(r: &PasswordReset) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(reset_pk(&r.token_hash))),
        ("SK".into(), s(RESET_SK)),
        ("type".into(), s("password_reset")),
        ("login_id".into(), s(r.login_id.as_str())),
        ("customer_id".into(), s(r.customer_id.as_str())),
        ("email".into(), s(r.email.as_str())),
        ("status".into(), s(if r.used { "used" } else { "pending" })),
        ("expires_at".into(), s(r.expires_at.to_string())),
        ("created_at".into(), s(r.created_at.to_string())),
        ("ttl".into(), n(r.expires_at.unix_seconds() + 7 * 24 * 3600)),
    ]);
    if let Some(claim) = &r.claim {
        item.insert("claim".into(), s(&claim.id));
        item.insert("claimed_at".into(), s(claim.at.to_string()));
    }
    item
}

pub fn reset_from_item(item: &Item) -> Result<PasswordReset, Unexpected> {
    let r = Reader(item);
    let wrong = |what| bad("password reset", what);
    Ok(PasswordReset {
        token_hash: r
            .s("PK")?
            .strip_prefix("PWRESET#")
            .ok_or_else(|| wrong("PK"))?
            .to_owned(),
        login_id: LoginId::parse(r.s("login_id")?).ok_or_else(|| wrong("login_id"))?,
        customer_id: CustomerId::parse(r.s("customer_id")?).ok_or_else(|| wrong("customer_id"))?,
        email: Email::stored(r.s("email")?).map_err(|_| wrong("email"))?,
        expires_at: r.time("expires_at")?,
        created_at: r.time("created_at")?,
        used: r.s("status")? == "used",
        claim: match r.opt_s("claim") {
            Some(id) => Some(LinkClaim {
                id: id.to_owned(),
                at: r.time("claimed_at")?,
            }),
            None => None,
        },
    })
}

/// A quota's charge: one more on the counter (names `#type`, `#ttl`, `#n`; values `:type`,
/// `:ttl`, `:one`), only while it stays within `:limit`.
pub(in crate::dynamo) const CHARGE_UPDATE: &str = "SET #type = :type, #ttl = :ttl ADD #n :one";
pub(in crate::dynamo) const CHARGE_CONDITION: &str = "attribute_not_exists(#n) OR #n < :limit";

impl DynamoStore {
    /// Counts one request on `c`'s counter, unless that would take it over its limit.
    fn charge(&self, c: &Charge) -> TransactWriteItem {
        let update = Update::builder()
            .table_name(self.table())
            .key("PK", s(quota_pk(&c.counter)))
            .key("SK", s(QUOTA_SK))
            .update_expression(CHARGE_UPDATE)
            .condition_expression(CHARGE_CONDITION)
            .expression_attribute_names("#type", "type")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_names("#n", "n")
            .expression_attribute_values(":type", s("quota"))
            .expression_attribute_values(":ttl", n(c.window_ends + 3600))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(c.limit))
            .build()
            .expect("table, key and expression are set");
        TransactWriteItem::builder().update(update).build()
    }

    /// `item`, put only if the item there is still `pending` (and, with a claim, held by it).
    fn put_if_pending(&self, item: Item, claim: Option<&LinkClaim>) -> TransactWriteItem {
        let mut put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression(if claim.is_some() {
                "#status = :pending AND claim = :claim"
            } else {
                "#status = :pending"
            })
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s("pending"));
        if let Some(c) = claim {
            put = put.expression_attribute_values(":claim", s(&c.id));
        }
        TransactWriteItem::builder()
            .put(put.build().expect("table and item are set"))
            .build()
    }
}

#[async_trait::async_trait]
impl PasswordResetStore for DynamoStore {
    async fn request_reset(
        &self,
        r: &ResetRequest,
        charges: &[Charge],
    ) -> Result<(), ResetRequestStoreError> {
        let mut actions: Vec<_> = charges.iter().map(|c| self.charge(c)).collect();
        actions.push(self.put_new(request_to_item(r, false)));
        match self.transact(actions).await {
            Ok(()) => Ok(()),
            Err(TxError::Condition(failed)) if failed[0] < charges.len() => {
                Err(ResetRequestStoreError::OverQuota(failed[0]))
            }
            Err(e) => Err(Unexpected::from(e).into()),
        }
    }

    async fn reset_request(&self, id: &str) -> Result<Option<ResetRequest>, Unexpected> {
        let item = self
            .get_item(reset_request_pk(id), RESET_REQUEST_SK)
            .await?;
        item.filter(|i| Reader(i).opt_s("status") == Some("pending"))
            .as_ref()
            .map(request_from_item)
            .transpose()
    }

    async fn login_by_email(&self, email: &Email) -> Result<LoginAndAccount, Unexpected> {
        let guard = self
            .get_item(login_email_guard_pk(email), LOGIN_EMAIL_GUARD_SK)
            .await?;
        let Some(id) = guard
            .as_ref()
            .and_then(|g| super::super::attr::string_of(g, "login_id"))
        else {
            return Ok((None, None));
        };
        let id = LoginId::parse(&id).ok_or_else(|| bad("login email guard", "login_id"))?;
        let Some(login) = self
            .get_as((login_pk(&id), LOGIN_SK), login_from_item)
            .await?
        else {
            return Ok((None, None));
        };
        let customer = self
            .get_as(
                (customer_pk(&login.customer_id), CUSTOMER_SK),
                customers::item::from_item,
            )
            .await?;
        Ok((Some(login), customer))
    }

    async fn issue_reset(&self, i: &ResetIssue) -> Result<(), LoginStoreError> {
        let mut actions = vec![self.put_if_pending(request_to_item(&i.request, true), None)];
        if let Some((reset, mail)) = &i.link {
            actions.push(self.put_new(reset_to_item(reset)));
            actions.push(self.put_outbox(mail));
        }
        Ok(self.transact(actions).await?)
    }

    async fn password_reset(&self, token_hash: &str) -> Result<Option<PasswordReset>, Unexpected> {
        self.get_as((reset_pk(token_hash), RESET_SK), reset_from_item)
            .await
    }

    async fn claim_reset(
        &self,
        r: &PasswordReset,
        claim: &LinkClaim,
    ) -> Result<(), LoginStoreError> {
        self.claim_link((reset_pk(&r.token_hash), RESET_SK), claim)
            .await
    }

    async fn release_reset(&self, r: &PasswordReset, claim: &LinkClaim) -> Result<(), Unexpected> {
        self.release_link((reset_pk(&r.token_hash), RESET_SK), claim)
            .await
    }

    async fn spend_reset(&self, spend: &ResetSpend) -> Result<(), LoginStoreError> {
        let actions = vec![
            self.put_if_pending(reset_to_item(&spend.reset), spend.reset.claim.as_ref()),
            self.put_audit(&spend.audit),
        ];
        Ok(self.transact(actions).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn a_reset_request_is_found_on_the_stream_while_pending_and_reads_back() {
        let r = ResetRequest {
            request_id: "0196b7a0c1d27e3f8a9b0c1d2e3f4a5b".into(),
            email: Email::parse("ann@acme.example").unwrap(),
            requested_at: at("2026-12-02T08:00:00Z"),
        };
        let item = request_to_item(&r, false);
        assert_eq!(item.len(), 8);
        assert_eq!(item["PK"], s("RESETREQ#0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(item["ttl"], n(at("2026-12-03T08:00:00Z").unix_seconds()));
        assert_eq!(request_from_item(&item).unwrap(), r);
        let image = |item: &Item| {
            serde_json::json!({
                "PK": {"S": Reader(item).s("PK").unwrap()},
                "type": {"S": "reset_request"},
                "status": {"S": Reader(item).s("status").unwrap()},
                "request_id": {"S": r.request_id},
            })
        };
        assert_eq!(
            pending_reset_request_id(&image(&item)),
            Some(r.request_id.clone())
        );
        assert_eq!(
            pending_reset_request_id(&image(&request_to_item(&r, true))),
            None
        );
    }

    #[test]
    fn a_reset_link_is_keyed_by_its_token_hash_and_reads_back() {
        let reset = PasswordReset {
            token_hash: "ef".repeat(32),
            login_id: LoginId::parse("lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            customer_id: CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            email: Email::parse("ann@acme.example").unwrap(),
            expires_at: at("2026-12-02T09:00:00Z"),
            created_at: at("2026-12-02T08:00:00Z"),
            used: false,
            claim: None,
        };
        let item = reset_to_item(&reset);
        assert_eq!(item.len(), 10);
        assert_eq!(item["PK"], s(format!("PWRESET#{}", "ef".repeat(32))));
        assert_eq!(item["status"], s("pending"));
        assert_eq!(reset_from_item(&item).unwrap(), reset);
        let spent = PasswordReset {
            used: true,
            claim: Some(LinkClaim {
                id: "c1".into(),
                at: at("2026-12-02T08:30:00Z"),
            }),
            ..reset
        };
        let item = reset_to_item(&spent);
        assert_eq!(item.len(), 12);
        assert_eq!(item["status"], s("used"));
        assert_eq!(reset_from_item(&item).unwrap(), spent);
    }
}
