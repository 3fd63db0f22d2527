//! Customer logins, end to end: provisioning in its three modes, invitation links, sign-in
//! with real moto tokens, `GET /me`, and that a failure half-way leaves nothing behind.

use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use orderdesk::actor::Principal;
use orderdesk::app::Shell;
use orderdesk::cognito::CognitoIdentity;
use orderdesk::domain::Email;
use orderdesk::dynamo::DynamoStore;
use orderdesk::idempotency::Written;
use orderdesk::ids::CustomerId;
use orderdesk::logins::*;
use orderdesk::outbox::Mailroom;
use orderdesk::portal::Portal;
use orderdesk::secret::LinkToken;
use orderdesk_tests::*;
use serde_json::{Value, json};

/// A new customer with a login invited to it: (customer, the invitee's email, link token).
async fn invite(api: &Api) -> (Value, String, String) {
    let c = api.new_customer().await;
    let email = unique_email("invitee");
    api.invite(&id_of(&c, "customer_id"), "Ivy Invitee", &email)
        .await;
    let token = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    (c, email, token)
}

/// The customer's status, as the admin reads it.
async fn status_of(api: &Api, customer_id: &str) -> Value {
    api.get(&format!("/admin/customers/{customer_id}"))
        .await
        .body["status"]
        .clone()
}

/// The guard item that reserves `email` for one login.
async fn email_guard(email: &str) -> Option<Item> {
    item(&format!("LOGINEMAIL#{email}"), "LOGINEMAIL").await
}

/// The stored item of link `token`, found by its hash.
async fn token_item(token: &str) -> Option<Item> {
    let hash = LinkToken::parse(token).unwrap().hash();
    item(&format!("INVTOKEN#{hash}"), "INVTOKEN").await
}

#[tokio::test]
async fn an_invited_login_accepts_its_emailed_link_signs_in_and_reads_me() {
    let api = Api::admin().await;
    let c = api.new_customer().await;
    let cid = id_of(&c, "customer_id");
    let email = unique_email("Ivy.Invitee");
    let invite = json!({"name": "Ivy Invitee", "email": email, "mode": "invite"});
    let r = api.create_login(&cid, &invite).await.ok(201);
    assert_eq!(r["status"], "invited");
    assert_eq!(r["customer_id"], cid.as_str());
    assert_eq!(r["invitation"]["status"], "pending");
    let login_id = id_of(&r, "login_id");
    assert!(
        !cognito_user_exists(&email).await,
        "no Cognito user before the invitation is accepted"
    );
    assert_eq!(status_of(&api, &cid).await, "invited");

    let mail = mailbox::wait_for(&email).await;
    assert!(
        mail.body.contains(&format!(
            "{}/#/invite/",
            stack().api_url.trim_end_matches('/')
        )) || mail.body.contains("/#/invite/")
    );
    let token = mailbox::invitation_token(&mail);
    assert_eq!(token.len(), 43);
    assert!(
        token_item(&token).await.is_some(),
        "only the token's hash is stored"
    );

    let preview = preview_link(&token).await.ok(200);
    assert_eq!(preview["email"], email.to_lowercase());
    assert_eq!(preview["customer_name"], c["name"]);
    assert!(preview["expires_at"].is_string());

    let accepted = accept_link(&token, PASSWORD).await.ok(200);
    assert_eq!(
        accepted,
        json!({"login_id": login_id, "email": email.to_lowercase()})
    );

    // Orderdesk stores emails lower-cased; real pools are case-insensitive, moto is not.
    let me = me_of(&email.to_lowercase(), PASSWORD).await.ok(200);
    assert_eq!(me["login"]["login_id"], login_id.as_str());
    assert_eq!(me["login"]["status"], "active");
    assert_eq!(me["customer"]["customer_id"], cid.as_str());
    assert_eq!(me["customer"]["name"], c["name"]);
    assert_eq!(me["customer"]["ordering_enabled"], false);
    assert_eq!(status_of(&api, &cid).await, "active");

    preview_link(&token).await.problem(410);
    accept_link(&token, PASSWORD).await.problem(410);
}

#[tokio::test]
async fn a_temporary_password_login_must_choose_a_new_password_at_first_sign_in() {
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    let email = unique_email("temp");
    let login = json!({"name": "Tom Temp", "email": email, "mode": "temporary_password"});
    let r = api.create_login(&cid, &login).await.ok(201);
    assert_eq!(r["status"], "active");
    assert!(r.get("invitation").is_none());
    assert!(r.get("password").is_none() && !r.to_string().contains("temporary_password\":\""));

    let mail = mailbox::wait_for(&email).await;
    let session = temporary_password_session(&email, &mail)
        .await
        .expect("the emailed temporary password signs in and asks for a new one");
    let out = cognito()
        .await
        .respond_to_auth_challenge()
        .client_id(&stack().user_pool_client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", &email)
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .expect("the new password is accepted");
    let token = out
        .authentication_result()
        .and_then(|a| a.id_token())
        .expect("tokens")
        .to_owned();
    assert_eq!(Api::with_token(token).get("/me").await.status, 200);
    assert_eq!(status_of(&api, &cid).await, "active");

    assert!(
        pending_outbox()
            .await
            .iter()
            .all(|i| i["to"].as_s().unwrap() != &email.to_lowercase()),
        "the email left the outbox"
    );
}

#[tokio::test]
async fn an_admin_set_password_login_signs_in_at_once_and_gets_no_email() {
    let (_, _, email) = Api::admin().await.active_login("Sam Set").await;
    let me = me_of(&email, PASSWORD).await.ok(200);
    assert_eq!(me["login"]["name"], "Sam Set");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(mailbox::to(&email).await.is_empty());
}

#[tokio::test]
async fn a_weak_password_is_400_naming_the_policy_and_creates_nobody() {
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    let email = unique_email("weak");
    let weak = json!({"name": "W", "email": email, "mode": "password", "password": "password"});
    let r = api.create_login(&cid, &weak).await;
    assert_eq!(r.invalid()[0], "password");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at least 10 characters")
    );
    assert!(!cognito_user_exists(&email).await);

    let (_, invitee, token) = invite(&api).await;
    assert_eq!(accept_link(&token, "short").await.invalid()[0], "password");
    assert!(!cognito_user_exists(&invitee).await);
    assert_eq!(
        preview_link(&token).await.status,
        200,
        "the link still works"
    );
}

#[tokio::test]
async fn an_email_belongs_to_at_most_one_login() {
    let api = Api::admin().await;
    let a = api.new_customer_id().await;
    let b = api.new_customer_id().await;
    let email = unique_email("shared");
    api.invite(&a, "One", &email).await;
    let r = api.create_login(&b, &json!({"name": "Two", "email": email.to_uppercase(), "mode": "password", "password": PASSWORD})).await;
    assert!(r.detail(409).contains("already uses this email"));
    assert!(!cognito_user_exists(&email).await);
    let listed = api.get(&format!("/admin/customers/{b}/logins")).await;
    assert_eq!(listed.body["items"], json!([]));
}

#[tokio::test]
async fn an_admin_lists_a_customers_logins_and_bad_input_is_refused() {
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    for (name, mode) in [("First", "invite"), ("Second", "temporary_password")] {
        let login = json!({"name": name, "email": unique_email("list"), "mode": mode});
        api.create_login(&cid, &login).await.ok(201);
    }
    let listed = api
        .get(&format!("/admin/customers/{cid}/logins"))
        .await
        .ok(200);
    assert_eq!(pluck(&listed["items"], "name"), ["First", "Second"]);

    let bad = json!({"name": "", "email": "nope", "mode": "carrier-pigeon"});
    assert_eq!(
        api.create_login(&cid, &bad).await.invalid(),
        ["name", "email", "mode"]
    );
    let r = api
        .create_login(
            &cid,
            &json!({"name": "X", "email": unique_email("x"), "role": "boss"}),
        )
        .await;
    assert_eq!(r.error_fields(), ["role"]);
    let unknown = "cus_0000000000007000800000000000beef";
    api.create_login(unknown, &json!({"name": "X", "email": unique_email("x")}))
        .await
        .problem(404);
    api.get("/admin/customers/nope/logins").await.problem(404);
}

#[tokio::test]
async fn a_deleted_customer_gets_no_new_logins() {
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    assert_eq!(
        api.delete(&format!("/admin/customers/{cid}")).await.status,
        204
    );
    api.create_login(
        &cid,
        &json!({"name": "Late", "email": unique_email("late")}),
    )
    .await
    .problem(409);
}

#[tokio::test]
async fn unknown_and_malformed_tokens_are_404_and_an_expired_one_is_410() {
    preview_link(LinkToken::generate().as_str())
        .await
        .problem(404);
    preview_link("short").await.problem(404);
    accept_link(LinkToken::generate().as_str(), PASSWORD)
        .await
        .problem(404);

    let api = Api::admin().await;
    let (_, email, token) = invite(&api).await;
    let token_item = token_item(&token).await.unwrap();
    let invitation_id = token_item["invitation_id"].as_s().unwrap().clone();
    update_invitation(
        &invitation_id,
        "SET expires_at = :past",
        &[(":past", "2020-01-01T00:00:00.000Z")],
    )
    .await;
    preview_link(&token).await.problem(410);
    accept_link(&token, PASSWORD).await.problem(410);
    assert!(!cognito_user_exists(&email).await);
}

#[tokio::test]
async fn twenty_concurrent_accepts_of_one_token_create_exactly_one_user() {
    let api = Api::admin().await;
    let (_, email, token) = invite(&api).await;
    let replies = futures::future::join_all((0..20).map(|_| accept_link(&token, PASSWORD))).await;
    exactly_one(&replies, 200, 410);
    let users = cognito()
        .await
        .list_users()
        .user_pool_id(&stack().user_pool_id)
        .filter(format!("email = \"{}\"", email.to_lowercase()))
        .send()
        .await
        .unwrap();
    assert_eq!(users.users().len(), 1);
    assert_eq!(me_of(&email, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn logins_of_two_customers_each_see_only_their_own_account() {
    let api = Api::admin().await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (cid, _, email) = api.active_login("Own").await;
        let me = me_of(&email, PASSWORD).await;
        assert_eq!(me.body["customer"]["customer_id"], cid.as_str());
        seen.push(me.body["customer"]["customer_id"].clone());
    }
    assert_ne!(seen[0], seen[1]);
}

#[tokio::test]
async fn a_disabled_login_is_refused_while_its_token_is_still_valid() {
    let (_, _, email) = Api::admin().await.active_login("D").await;
    let token = sign_in(&email, PASSWORD).await;
    let me = Api::with_token(&token);
    assert_eq!(me.get("/me").await.status, 200);
    let sub = id_of(&jwt_claims(&token), "sub");
    let disabled = [(":d", "disabled")];
    update_item(
        &format!("LOGINSUB#{sub}"),
        "LOGINSUB",
        "SET #s = :d",
        &disabled,
    )
    .await;
    assert_eq!(
        me.get("/me").await.problem(403)["type"],
        "/problems/login-disabled"
    );
}

#[tokio::test]
async fn a_customer_group_user_without_a_login_record_is_403_on_me() {
    Api::with_token(user_token("customers").await)
        .get("/me")
        .await
        .problem(403);
}

#[tokio::test]
async fn customer_tokens_are_403_on_admin_login_routes_and_admins_on_me() {
    let customer_api = Api::with_token(user_token("customers").await);
    let logins = "/admin/customers/cus_0000000000007000800000000000beef/logins";
    let login = json!({"name": "x", "email": unique_email("x")});
    customer_api
        .refused(
            403,
            &[
                (format!("POST {logins}"), login),
                (format!("GET {logins}"), Value::Null),
            ],
        )
        .await;
    Api::admin().await.get("/me").await.problem(403);
    assert_eq!(Api::anonymous().get("/me").await.status, 401);
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_first_login() {
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    let path = format!("/admin/customers/{cid}/logins");
    let body = json!({"name": "Once", "email": unique_email("once"), "mode": "password", "password": PASSWORD});
    let key = uuid::Uuid::new_v4().to_string();
    let first = api.post_keyed(&path, &key, &body).await.ok(201);
    let again = api.post_keyed(&path, &key, &body).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first);
}

// ---------------------------------------------------------------------------------------------
// Half-way failures, injected into the real ports' clients.

/// Fails every DynamoDB `TransactWriteItems` before it is sent, as if the table went down
/// between an operation's reads and its write; reads and single-item updates go through.
#[derive(Debug)]
struct TransactionsFail;

impl Intercept for TransactionsFail {
    fn name(&self) -> &'static str {
        "TransactionsFail"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        match context.input().downcast_ref::<TransactWriteItemsInput>() {
            Some(_) => Err("injected: DynamoDB is down".into()),
            None => Ok(()),
        }
    }
}

/// The real store, on a client whose transactions fail (see [`TransactionsFail`]).
async fn store_whose_writes_fail() -> DynamoStore {
    let config = dynamodb().await.config().to_builder();
    let client = aws_sdk_dynamodb::Client::from_conf(config.interceptor(TransactionsFail).build());
    DynamoStore::new(client, &stack().table_name)
}

async fn store() -> DynamoStore {
    DynamoStore::new(dynamodb().await, &stack().table_name)
}

async fn identity() -> CognitoIdentity {
    CognitoIdentity::new(cognito().await, &stack().user_pool_id)
}

/// Cognito that is down: a client of a port nobody listens on, that does not retry.
async fn identity_down() -> CognitoIdentity {
    let config = cognito()
        .await
        .config()
        .to_builder()
        .endpoint_url(closed_port_url())
        .retry_config(RetryConfig::disabled())
        .build();
    let client = aws_sdk_cognitoidentityprovider::Client::from_conf(config);
    CognitoIdentity::new(client, &stack().user_pool_id)
}

/// Provisions the login `email` of customer `customer_id` through the use case itself, as a
/// test admin, on the given ports.
async fn provision(
    store: &DynamoStore,
    identity: &CognitoIdentity,
    customer_id: &str,
    email: &str,
    mode: ProvisionMode,
) -> Result<Written<Provisioned>, ProvisionError> {
    let input = NewLogin {
        name: LoginName::parse("Half Way").unwrap(),
        email: Email::parse(email).unwrap(),
        mode,
    };
    let admin = Principal {
        sub: "test-admin".into(),
        email: None,
        ..Default::default()
    };
    let mailroom = Mailroom {
        portal: Portal::new("http://portal.test", 3600),
        sealer: Shell::from_env()
            .await
            .and_then(|shell| shell.vault())
            .expect("the stack sets SECRETS_KEY_ID"),
    };
    let cid = CustomerId::parse(customer_id).unwrap();
    provision_login(store, identity, &mailroom, &admin, &cid, input, None).await
}

#[tokio::test]
async fn when_dynamodb_fails_after_cognito_the_new_cognito_user_is_removed() {
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    let email = unique_email("undo");
    let mode = ProvisionMode::Password(PASSWORD.into());
    let r = provision(
        &store_whose_writes_fail().await,
        &identity().await,
        &cid,
        &email,
        mode,
    )
    .await;
    assert!(matches!(r, Err(ProvisionError::Unexpected(_))), "{r:?}");
    assert!(
        !cognito_user_exists(&email).await,
        "the Cognito user was undone"
    );
    assert!(email_guard(&email).await.is_none());
}

#[tokio::test]
async fn when_cognito_fails_nothing_is_written() {
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    let email = unique_email("nocognito");
    let mode = ProvisionMode::TemporaryPassword;
    let r = provision(&store().await, &identity_down().await, &cid, &email, mode).await;
    assert!(matches!(r, Err(ProvisionError::Unexpected(_))), "{r:?}");
    assert!(email_guard(&email).await.is_none());
    assert_eq!(
        api.get(&format!("/admin/customers/{cid}/logins"))
            .await
            .body["items"],
        json!([])
    );
    assert_eq!(status_of(&api, &cid).await, "pending");
}

#[tokio::test]
async fn when_the_acceptance_cannot_be_stored_the_user_is_removed_and_the_link_still_works() {
    let api = Api::admin().await;
    let (_, email, token) = invite(&api).await;
    let link = LinkToken::parse(&token).unwrap();
    let body = AcceptBody {
        password: PASSWORD.into(),
        name: None,
    };
    let r = accept_invitation(
        &store_whose_writes_fail().await,
        &identity().await,
        &link,
        body,
    )
    .await;
    assert!(matches!(r, Err(InvitationError::Unexpected(_))), "{r:?}");
    assert!(!cognito_user_exists(&email).await);
    accept_link(&token, PASSWORD).await.ok(200);
}
