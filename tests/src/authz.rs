//! The actors and the world of the authorisation matrix (`tests/tests/authz_matrix.rs`): who
//! calls, with which token, and the accounts, logins, orders and links the calls aim at.

use crate::{
    Api, Item, PASSWORD, admin_token, cognito, ensure_standard_questions, id_of, item, jwt_claims,
    mailbox, pluck, sign_in, sign_in_through, stack, standard_answers, token_signed_by_the_pool,
    unique_email, unique_word, user_token_in, user_token_of,
};
use aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Who calls a route: the matrix's columns, in [`ACTORS`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// No `Authorization` header.
    NoToken,
    /// Customer A's token with its `cognito:groups` rewritten to `admins`, signature kept.
    Forged,
    /// The admin's claims, signed with the pool's own key, expired an hour ago.
    Expired,
    /// A member of `admins` of another user pool: another issuer.
    OtherPool,
    /// The admin, signed in through another app client of the stack's pool: another audience.
    OtherClient,
    /// A login of customer account A, whose ids the paths name.
    CustomerA,
    /// A login of another account, B.
    CustomerB,
    /// A login disabled by an admin after it signed in: its token is still valid.
    Disabled,
    /// A login of an account deleted after the login signed in.
    DeletedCustomer,
    /// A user of the pool in no group.
    NoGroup,
    /// The seller's admin.
    Admin,
    /// The admin acting as A's login (`X-Act-As` and `X-Act-As-Reason`).
    AdminAsA,
    /// An API client with every scope: the admin routes a scope covers, 403 elsewhere.
    Client,
}

/// Every actor, in the order of the matrix's columns.
pub const ACTORS: [Actor; 13] = [
    Actor::NoToken,
    Actor::Forged,
    Actor::Expired,
    Actor::OtherPool,
    Actor::OtherClient,
    Actor::CustomerA,
    Actor::CustomerB,
    Actor::Disabled,
    Actor::DeletedCustomer,
    Actor::NoGroup,
    Actor::Admin,
    Actor::AdminAsA,
    Actor::Client,
];

/// Every scope an API client may have.
pub const ALL_SCOPES: [&str; 5] = [
    "orders:read",
    "orders:write",
    "catalog:write",
    "customers:read",
    "customers:write",
];

impl Actor {
    /// Whether API Gateway's JWT authorizer lets the token through to a function.
    pub fn passes_the_authorizer(self) -> bool {
        !matches!(
            self,
            Self::NoToken | Self::Forged | Self::Expired | Self::OtherPool | Self::OtherClient
        )
    }
}

/// What a row's path and body name, as `$placeholders`.
#[derive(Debug, Clone)]
pub struct Targets {
    /// `$customer`: an account (A's, unless a call may change it).
    pub customer: String,
    /// `$login`: a login (A's second one, unless a call may change it).
    pub login: String,
    /// `$invitation`: a pending invitation (to A, unless a call may change it).
    pub invitation: String,
    /// `$order`: a requested order of A.
    pub order: String,
    /// `$sku`: an active product.
    pub sku: String,
    /// `$tier`: a price tier.
    pub tier: String,
    /// `$link`: the link token of A's pending invitation.
    pub link: String,
    /// `$taken_email`: the sign-in address of A's second login, which no other may take.
    pub taken_email: String,
    /// `$list`: a saved list of A.
    pub list: String,
    /// `$address`: an address of A's address book.
    pub address: String,
    /// `$team`: a team that no customer names.
    pub team: String,
    /// `$webhook`: a webhook to [`MATRIX_HOOK`].
    pub webhook: String,
    /// `$delivery`: a delivery of `$webhook` (a test event's), attempted once.
    pub delivery: String,
    /// `$client`: an API client (not the one that calls as [`Actor::Client`]).
    pub client: String,
}

/// Where the matrix's webhooks point (`$hook`): loopback, which the local stack allows, where
/// nothing listens, so a delivery fails at once and waits for its retry; and the one URL by
/// which [`forget_webhooks`] finds them afterwards, since a seller keeps at most 20.
pub const MATRIX_HOOK: &str = "http://127.0.0.1:9/matrix";

impl Targets {
    /// `text` with every placeholder filled: the targets', and per call a fresh `$word`
    /// (`$WORD` upper-case), `$email`, `$questions` (the standard checkout questions), and
    /// `$hook` ([`MATRIX_HOOK`]).
    pub fn fill(&self, text: &str) -> String {
        let word = unique_word();
        let questions = crate::standard_questions()["questions"].to_string();
        [
            ("$customer", self.customer.as_str()),
            ("$login", &self.login),
            ("$invitation", &self.invitation),
            ("$order", &self.order),
            ("$sku", &self.sku),
            ("$tier", &self.tier),
            ("$unknown_link", &"A".repeat(43)),
            ("$link", &self.link),
            ("$taken_email", &self.taken_email),
            ("$address", &self.address),
            ("$word", &word),
            ("$WORD", &word.to_uppercase()),
            ("$email", &unique_email("matrix")),
            ("$questions", &questions),
            ("$list", &self.list),
            ("$team", &self.team),
            ("$webhook", &self.webhook),
            ("$delivery", &self.delivery),
            ("$client", &self.client),
            ("$hook", MATRIX_HOOK),
        ]
        .iter()
        .fold(text.to_owned(), |t, (k, v)| t.replace(k, v))
    }
}

/// A customer account with one active login that may order: (account, login, signed in).
async fn account(admin: &Api) -> (String, String, Api) {
    let (customer, login, email) = admin.active_login("Matrix Buyer").await;
    let open = json!({"ordering_enabled": true});
    admin.update_customer(&customer, &open).await.ok(200);
    (
        customer,
        login,
        Api::with_token(sign_in(&email, PASSWORD).await),
    )
}

/// The id of a new address in the book of `login`'s account.
async fn new_address(login: &Api) -> String {
    let place = json!({"label": format!("Matrix {}", unique_word()), "line1": "1 Rue",
                       "city": "Lyon", "postal_code": "69001", "country": "FR"});
    id_of(
        &login.post("/addresses", &place).await.ok(201),
        "address_id",
    )
}

/// The id of a new team that no customer names.
async fn new_team(admin: &Api) -> String {
    let team = json!({"name": format!("Matrix {}", unique_word())});
    id_of(&admin.post("/admin/teams", &team).await.ok(201), "team_id")
}

/// The id of a new webhook to [`MATRIX_HOOK`], for an event type the matrix's calls seldom
/// cause, so that few deliveries fan out to it.
async fn new_webhook(admin: &Api) -> String {
    let hook = json!({"url": MATRIX_HOOK, "events": ["login.disabled"]});
    id_of(
        &admin.post("/admin/webhooks", &hook).await.ok(201),
        "webhook_id",
    )
}

/// The id of a delivery of `webhook`: a test event's, once its first attempt is recorded
/// (the deliverer takes it off the queue asynchronously; until then a retry is a 404).
pub async fn new_delivery(admin: &Api, webhook: &str) -> String {
    let queued = admin
        .post(&format!("/admin/webhooks/{webhook}/test"), &json!({}))
        .await
        .ok(202);
    let delivery = id_of(&queued, "delivery_id");
    let log = format!("/admin/webhooks/{webhook}/deliveries?limit=200");
    for _ in 0..150 {
        let page = admin.get(&log).await.ok(200);
        if pluck(&page["items"], "delivery_id").contains(&delivery.as_str()) {
            return delivery;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the test delivery {delivery} of {webhook} was never attempted");
}

/// Deletes every webhook to [`MATRIX_HOOK`]: the matrix and the bad-input corpus make up to a
/// dozen, and a seller keeps at most 20 for every suite of the stack.
pub async fn forget_webhooks(admin: &Api) {
    let all = admin.get("/admin/webhooks").await.ok(200);
    let ours = all["items"]
        .as_array()
        .expect("a list of webhooks")
        .iter()
        .filter(|w| w["url"] == MATRIX_HOOK);
    for webhook in ours {
        let path = format!("/admin/webhooks/{}", id_of(webhook, "webhook_id"));
        admin.delete(&path).await.ok(204);
    }
}

/// The matrix's world: a token per actor and the targets of its calls, made once.
pub struct World {
    pub admin: Api,
    apis: HashMap<Actor, Api>,
    /// A's login, which the admin acts as.
    pub a_login: String,
    /// The targets of a call that must change nothing.
    pub shared: Targets,
    /// The items that no refused call may change, as they were before the matrix ran.
    watched: Vec<(String, String, Option<Item>)>,
    /// The accounts of the disabled login and of the deleted customer: no order may appear.
    pub idle_accounts: [String; 2],
}

impl World {
    pub async fn make() -> World {
        ensure_standard_questions().await;
        let admin = Api::admin().await;
        let tier = json!({"name": format!("Matrix {}", unique_word())});
        let (sku, tier) = tokio::join!(admin.fresh_product("MX", 1000), admin.new_tier(&tier));
        let (a, b, d, e) = tokio::join!(
            account(&admin),
            account(&admin),
            account(&admin),
            account(&admin)
        );
        let (invitee, spare) = (unique_email("matrix-invitee"), unique_email("matrix-spare"));
        let taken_email = spare.to_lowercase();
        let order = json!({"lines": [{"sku": sku, "quantity": 1}], "answers": standard_answers()});
        let (spare, invited, order) = tokio::join!(
            admin.password_login(&a.0, "Spare Login", &spare),
            admin.invite(&a.0, "Invitee", &invitee),
            a.2.submit(&order),
        );
        admin
            .update_login(&d.1, &json!({"enabled": false}))
            .await
            .ok(200);
        admin
            .delete(&format!("/admin/customers/{}", e.0))
            .await
            .ok(204);
        let link = mailbox::invitation_token(&mailbox::wait_for(&invitee).await);
        let list = saved_list(&a.2, &sku).await;
        let address = new_address(&a.2).await;
        let team = new_team(&admin).await;
        // Disabled, so that no event of the run fans out to it; a test is delivered anyway.
        let webhook = new_webhook(&admin).await;
        let off = json!({"enabled": false});
        let path = format!("/admin/webhooks/{webhook}");
        admin.patch(&path, &off).await.ok(200);
        let delivery = new_delivery(&admin, &webhook).await;
        let (target_client, caller) = tokio::join!(
            crate::new_api_client(&admin, &["orders:read"]),
            crate::new_api_client(&admin, &ALL_SCOPES),
        );
        let shared = Targets {
            customer: a.0.clone(),
            login: id_of(&spare, "login_id"),
            invitation: id_of(&invited["invitation"], "invitation_id"),
            order: id_of(&order.ok(201), "order_id"),
            sku,
            tier,
            link,
            taken_email,
            list,
            address,
            team,
            webhook,
            delivery,
            client: target_client.id,
        };
        let (no_group, other_pool, other_client) =
            tokio::join!(user_token_in(&[]), other_pool_token(), other_client_token());
        let admin_token = admin_token().await;
        let tokens = [
            (Actor::Forged, forged(a.2.token())),
            (Actor::Expired, expired(&admin_token).await),
            (Actor::OtherPool, other_pool),
            (Actor::OtherClient, other_client),
            (Actor::CustomerA, a.2.token().to_owned()),
            (Actor::CustomerB, b.2.token().to_owned()),
            (Actor::Disabled, d.2.token().to_owned()),
            (Actor::DeletedCustomer, e.2.token().to_owned()),
            (Actor::NoGroup, no_group),
            (Actor::Admin, admin_token.clone()),
            (Actor::AdminAsA, admin_token),
            (Actor::Client, caller.token().await),
        ];
        let mut apis: HashMap<Actor, Api> = tokens
            .into_iter()
            .map(|(actor, token)| (actor, Api::with_token(token)))
            .collect();
        apis.insert(Actor::NoToken, Api::anonymous());
        let keys = [
            (format!("CUSTOMER#{}", a.0), "CUSTOMER".to_owned()),
            (format!("CUSTOMER#{}", b.0), "CUSTOMER".into()),
            (format!("CUSTOMER#{}", d.0), "CUSTOMER".into()),
            (format!("CUSTOMER#{}", e.0), "CUSTOMER".into()),
            (format!("CUSTOMER#{}", d.0), "CART".into()),
            (format!("CUSTOMER#{}", e.0), "CART".into()),
            (format!("CUSTOMER#{}", d.0), "ADDRESSES".into()),
            (format!("CUSTOMER#{}", e.0), "ADDRESSES".into()),
            (format!("LOGIN#{}", a.1), "LOGIN".into()),
            (format!("LOGIN#{}", d.1), "LOGIN".into()),
            (format!("LOGIN#{}", e.1), "LOGIN".into()),
            (format!("LOGIN#{}", shared.login), "LOGIN".into()),
            (
                format!("INVITATION#{}", shared.invitation),
                "INVITATION".into(),
            ),
            (format!("ORDER#{}", shared.order), "ORDER".into()),
            ("CATALOG".into(), format!("PRODUCT#{}", shared.sku)),
            ("CATALOG".into(), format!("TIER#{}", shared.tier)),
            (format!("CUSTOMER#{}", a.0), format!("LIST#{}", shared.list)),
            (format!("WEBHOOK#{}", shared.webhook), "WEBHOOK".into()),
        ];
        let mut watched = Vec::new();
        for (pk, sk) in keys {
            let before = item(&pk, &sk).await;
            watched.push((pk, sk, before));
        }
        World {
            admin,
            apis,
            a_login: a.1,
            shared,
            watched,
            idle_accounts: [d.0, e.0],
        }
    }

    /// The client `actor` calls with.
    pub fn api(&self, actor: Actor) -> &Api {
        &self.apis[&actor]
    }

    /// The headers `actor` adds to every call: acting as A's login for [`Actor::AdminAsA`].
    pub fn headers(&self, actor: Actor) -> Vec<(&'static str, String)> {
        match actor {
            Actor::AdminAsA => vec![
                ("X-Act-As", self.a_login.clone()),
                ("X-Act-As-Reason", "Authorisation matrix".into()),
            ],
            _ => Vec::new(),
        }
    }

    /// Targets for a call that may change them: a fresh one for each placeholder in `text`
    /// that a call could change, the shared ones for the rest.
    pub async fn fresh(&self, text: &str) -> Targets {
        let mut t = self.shared.clone();
        let admin = &self.admin;
        if text.contains("$customer") {
            t.customer = admin.new_customer_id().await;
        }
        if text.contains("$login") {
            t.login = admin.active_login("Matrix Fresh").await.1;
        }
        if text.contains("$invitation") {
            let customer = admin.new_customer_id().await;
            let login = admin
                .invite(&customer, "Fresh Invitee", &unique_email("matrix-fresh"))
                .await;
            t.invitation = id_of(&login["invitation"], "invitation_id");
        }
        if text.contains("$order") {
            let place = json!({"status": "requested",
                               "lines": [{"sku": self.shared.sku, "quantity": 1}]});
            let path = format!("/admin/customers/{}/orders", self.shared.customer);
            t.order = id_of(&admin.post(&path, &place).await.ok(201), "order_id");
        }
        if text.contains("$sku") {
            t.sku = admin.fresh_product("MX", 1000).await;
        }
        if text.contains("$list") {
            t.list = saved_list(&self.apis[&Actor::CustomerA], &self.shared.sku).await;
        }
        if text.contains("$address") {
            t.address = new_address(self.api(Actor::CustomerA)).await;
        }
        if text.contains("$team") {
            t.team = new_team(admin).await;
        }
        if text.contains("$delivery") {
            t.webhook = new_webhook(admin).await;
            t.delivery = new_delivery(admin, &t.webhook).await;
        } else if text.contains("$webhook") {
            t.webhook = new_webhook(admin).await;
        }
        if text.contains("$client") {
            t.client = crate::new_api_client(admin, &["orders:read"]).await.id;
        }
        if text.contains("$tier") {
            let name = format!("Matrix {}", unique_word());
            t.tier = admin.new_tier(&json!({ "name": name })).await;
        }
        t
    }

    /// Each watched item that is not as it was before the matrix ran, named by its key.
    pub async fn changed_items(&self) -> Vec<String> {
        let mut changed = Vec::new();
        for (pk, sk, before) in &self.watched {
            if &item(pk, sk).await != before {
                changed.push(format!("{pk} / {sk}"));
            }
        }
        changed
    }
}

/// A new saved list of the login `api`, of one line of `sku`: its id.
async fn saved_list(api: &Api, sku: &str) -> String {
    let body = json!({"name": format!("Matrix {}", unique_word()), "lines": [{"sku": sku, "quantity": 1}]});
    id_of(&api.post("/lists", &body).await.ok(201), "list_id")
}

/// `token` with its groups rewritten to `admins` and its signature kept: a forgery.
fn forged(token: &str) -> String {
    use base64::Engine;
    let mut claims = jwt_claims(token);
    claims["cognito:groups"] = json!(["admins"]);
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&claims).expect("claims serialise"));
    let parts: Vec<&str> = token.split('.').collect();
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// The claims of `token`, expired an hour ago, signed with the pool's own key.
async fn expired(token: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let mut claims: Value = jwt_claims(token);
    claims["iat"] = json!(now - 7200);
    claims["auth_time"] = json!(now - 7200);
    claims["exp"] = json!(now - 3600);
    token_signed_by_the_pool(&claims).await
}

/// A new app client of the user pool `pool` that signs in with a password.
async fn app_client(pool: &str) -> String {
    let client = cognito()
        .await
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name(format!("matrix-{}", unique_word()))
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("an app client");
    let client = client.user_pool_client.expect("the client");
    client.client_id.expect("its id")
}

/// The token of a member of `admins` in another user pool of the same Cognito.
async fn other_pool_token() -> String {
    let pool = cognito()
        .await
        .create_user_pool()
        .pool_name(format!("matrix-other-{}", unique_word()))
        .send()
        .await
        .expect("another pool");
    let pool = pool.user_pool.and_then(|p| p.id).expect("its id");
    let client = app_client(&pool).await;
    user_token_of(&pool, &client, &["admins"]).await
}

/// The admin's token from another app client of the stack's own pool.
async fn other_client_token() -> String {
    let s = stack();
    let client = app_client(&s.user_pool_id).await;
    sign_in_through(&client, &s.admin_email, &s.admin_password).await
}
