//! Customer logins, end to end: provisioning in its three modes, invitation links, sign-in
//! with real moto tokens, `GET /me`, and that a failure half-way leaves nothing behind.

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use aws_sdk_dynamodb::types::AttributeValue;
use orderdesk::actor::Principal;
use orderdesk::audit::Audited;
use orderdesk::cognito::CognitoIdentity;
use orderdesk::customers::{Customer, CustomerFilter, CustomerStore, CustomerStoreError, Tagging};
use orderdesk::domain::{Email, Timestamp};
use orderdesk::dynamo::DynamoStore;
use orderdesk::error::Unexpected;
use orderdesk::idempotency::{IdempotencyRecord, IdempotencyStore};
use orderdesk::identity::{Identity, IdentityError, InitialPassword, NewUser};
use orderdesk::ids::{CustomerId, InvitationId, LoginId};
use orderdesk::logins::*;
use orderdesk::page::{Page, PageRequest};
use orderdesk::portal::Portal;
use orderdesk::secret::LinkToken;
use orderdesk_tests::*;
use serde_json::{Value, json};

const PASSWORD: &str = "Chosen-passw0rd";

async fn customer(api: &Api) -> Value {
    api.new_customer().await
}

fn id(v: &Value, k: &str) -> String {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} in {v}"))
        .to_owned()
}

async fn create_login(api: &Api, customer_id: &str, body: Value) -> Reply {
    api.post(&format!("/admin/customers/{customer_id}/logins"), &body)
        .await
}

async fn cognito_user_exists(email: &str) -> bool {
    let out = cognito()
        .await
        .admin_get_user()
        .user_pool_id(&stack().user_pool_id)
        .username(email)
        .send()
        .await;
    match out {
        Ok(_) => true,
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_user_not_found_exception()) =>
        {
            false
        }
        Err(e) => panic!("AdminGetUser: {e:?}"),
    }
}

async fn invite(api: &Api) -> (Value, String, String) {
    let c = customer(api).await;
    let email = unique_email("invitee");
    let r = create_login(
        api,
        &id(&c, "customer_id"),
        json!({"name": "Ivy Invitee", "email": email}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let token = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    (c, email, token)
}

#[tokio::test]
async fn an_invited_login_accepts_its_emailed_link_signs_in_and_reads_me() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let cid = id(&c, "customer_id");
    let email = unique_email("Ivy.Invitee");
    let r = create_login(
        &api,
        &cid,
        json!({"name": "Ivy Invitee", "email": email, "mode": "invite"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "invited");
    assert_eq!(r.body["customer_id"], cid.as_str());
    assert_eq!(r.body["invitation"]["status"], "pending");
    let login_id = id(&r.body, "login_id");
    assert!(
        !cognito_user_exists(&email).await,
        "no Cognito user before the invitation is accepted"
    );
    assert_eq!(
        api.get(&format!("/admin/customers/{cid}")).await.body["status"],
        "invited"
    );

    let mail = mailbox::wait_for(&email).await;
    assert!(
        mail.body.contains(&format!(
            "{}/#/invite/",
            stack().api_url.trim_end_matches('/')
        )) || mail.body.contains("/#/invite/")
    );
    let token = mailbox::invitation_token(&mail);
    assert_eq!(token.len(), 43);
    let stored = item(
        &format!("INVTOKEN#{}", LinkToken::parse(&token).unwrap().hash()),
        "INVTOKEN",
    )
    .await;
    assert!(stored.is_some(), "only the token's hash is stored");

    let preview = Api::anonymous().get(&format!("/invitations/{token}")).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.body["email"], email.to_lowercase());
    assert_eq!(preview.body["customer_name"], c["name"]);
    assert!(preview.body["expires_at"].is_string());

    let accepted = accept_link(&token, PASSWORD).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(
        accepted.body,
        json!({"login_id": login_id, "email": email.to_lowercase()})
    );

    // Orderdesk stores emails lower-cased; real pools are case-insensitive, moto is not.
    let me = me_of(&email.to_lowercase(), PASSWORD).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["login"]["login_id"], login_id.as_str());
    assert_eq!(me.body["login"]["status"], "active");
    assert_eq!(me.body["customer"]["customer_id"], cid.as_str());
    assert_eq!(me.body["customer"]["name"], c["name"]);
    assert_eq!(me.body["customer"]["ordering_enabled"], false);
    assert_eq!(
        api.get(&format!("/admin/customers/{cid}")).await.body["status"],
        "active"
    );

    Api::anonymous()
        .get(&format!("/invitations/{token}"))
        .await
        .problem(410);
    accept_link(&token, PASSWORD).await.problem(410);
}

#[tokio::test]
async fn a_temporary_password_login_must_choose_a_new_password_at_first_sign_in() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let email = unique_email("temp");
    let r = create_login(
        &api,
        &id(&c, "customer_id"),
        json!({"name": "Tom Temp", "email": email, "mode": "temporary_password"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "active");
    assert!(r.body.get("invitation").is_none());
    assert!(
        r.body.get("password").is_none() && !r.body.to_string().contains("temporary_password\":\"")
    );

    let mail = mailbox::wait_for(&email).await;
    let words: Vec<&str> = mail
        .body
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 16)
        .collect();
    let client = cognito().await;
    let mut session = None;
    for word in words {
        let out = client
            .initiate_auth()
            .client_id(&stack().user_pool_client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", &email)
            .auth_parameters("PASSWORD", word)
            .send()
            .await;
        if let Ok(out) = out {
            assert_eq!(
                out.challenge_name(),
                Some(&ChallengeNameType::NewPasswordRequired)
            );
            session = out.session().map(str::to_owned);
            break;
        }
    }
    let session = session.expect("the emailed temporary password signs in and asks for a new one");
    let out = client
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
    assert_eq!(
        api.get(&format!("/admin/customers/{}", id(&c, "customer_id")))
            .await
            .body["status"],
        "active"
    );

    let outbox = dynamodb()
        .await
        .query()
        .table_name(&stack().table_name)
        .index_name("GSI2")
        .key_condition_expression("GSI2PK = :p")
        .expression_attribute_values(":p", AttributeValue::S("OUTBOX#PENDING".into()))
        .send()
        .await
        .unwrap();
    assert!(
        outbox
            .items()
            .iter()
            .all(|i| i["to"].as_s().unwrap() != &email.to_lowercase()),
        "the email left the outbox"
    );
}

#[tokio::test]
async fn an_admin_set_password_login_signs_in_at_once_and_gets_no_email() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let email = unique_email("set");
    let r = create_login(
        &api,
        &id(&c, "customer_id"),
        json!({"name": "Sam Set", "email": email, "mode": "password", "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let me = me_of(&email, PASSWORD).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["login"]["name"], "Sam Set");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(mailbox::to(&email).await.is_empty());
}

#[tokio::test]
async fn a_weak_password_is_400_naming_the_policy_and_creates_nobody() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let email = unique_email("weak");
    let r = create_login(
        &api,
        &id(&c, "customer_id"),
        json!({"name": "W", "email": email, "mode": "password", "password": "password"}),
    )
    .await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "password");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at least 10 characters")
    );
    assert!(!cognito_user_exists(&email).await);

    let (_, invitee, token) = invite(&api).await;
    let r = accept_link(&token, "short").await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "password");
    assert!(!cognito_user_exists(&invitee).await);
    assert_eq!(
        Api::anonymous()
            .get(&format!("/invitations/{token}"))
            .await
            .status,
        200,
        "the link still works"
    );
}

#[tokio::test]
async fn an_email_belongs_to_at_most_one_login() {
    let api = Api::admin().await;
    let a = customer(&api).await;
    let b = customer(&api).await;
    let email = unique_email("shared");
    assert_eq!(
        create_login(
            &api,
            &id(&a, "customer_id"),
            json!({"name": "One", "email": email})
        )
        .await
        .status,
        201
    );
    let r = create_login(&api, &id(&b, "customer_id"), json!({"name": "Two", "email": email.to_uppercase(), "mode": "password", "password": PASSWORD})).await;
    assert!(
        r.problem(409)["detail"]
            .as_str()
            .unwrap()
            .contains("already uses this email")
    );
    assert!(!cognito_user_exists(&email).await);
    let listed = api
        .get(&format!(
            "/admin/customers/{}/logins",
            id(&b, "customer_id")
        ))
        .await;
    assert_eq!(listed.body["items"], json!([]));
}

#[tokio::test]
async fn an_admin_lists_a_customers_logins_and_bad_input_is_refused() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let cid = id(&c, "customer_id");
    for (name, mode) in [("First", "invite"), ("Second", "temporary_password")] {
        let r = create_login(
            &api,
            &cid,
            json!({"name": name, "email": unique_email("list"), "mode": mode}),
        )
        .await;
        assert_eq!(r.status, 201);
    }
    let listed = api.get(&format!("/admin/customers/{cid}/logins")).await;
    assert_eq!(listed.status, 200);
    let names: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["First", "Second"]);

    let r = create_login(
        &api,
        &cid,
        json!({"name": "", "email": "nope", "mode": "carrier-pigeon"}),
    )
    .await;
    r.problem(400);
    assert_eq!(r.error_fields(), ["name", "email", "mode"]);
    let r = create_login(
        &api,
        &cid,
        json!({"name": "X", "email": unique_email("x"), "role": "boss"}),
    )
    .await;
    assert_eq!(r.error_fields(), ["role"]);
    create_login(
        &api,
        "cus_0000000000007000800000000000beef",
        json!({"name": "X", "email": unique_email("x")}),
    )
    .await
    .problem(404);
    api.get("/admin/customers/nope/logins").await.problem(404);
}

#[tokio::test]
async fn a_deleted_customer_gets_no_new_logins() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let cid = id(&c, "customer_id");
    assert_eq!(
        api.delete(&format!("/admin/customers/{cid}")).await.status,
        204
    );
    create_login(
        &api,
        &cid,
        json!({"name": "Late", "email": unique_email("late")}),
    )
    .await
    .problem(409);
}

#[tokio::test]
async fn unknown_and_malformed_tokens_are_404_and_an_expired_one_is_410() {
    let anon = Api::anonymous();
    anon.get(&format!("/invitations/{}", LinkToken::generate().as_str()))
        .await
        .problem(404);
    anon.get("/invitations/short").await.problem(404);
    anon.post(
        &format!("/invitations/{}/accept", LinkToken::generate().as_str()),
        &json!({"password": PASSWORD}),
    )
    .await
    .problem(404);

    let api = Api::admin().await;
    let (_, email, token) = invite(&api).await;
    let token_item = item(
        &format!("INVTOKEN#{}", LinkToken::parse(&token).unwrap().hash()),
        "INVTOKEN",
    )
    .await
    .unwrap();
    let invitation_id = token_item["invitation_id"].as_s().unwrap().clone();
    update_invitation(
        &invitation_id,
        "SET expires_at = :past",
        &[(":past", "2020-01-01T00:00:00.000Z")],
    )
    .await;
    anon.get(&format!("/invitations/{token}"))
        .await
        .problem(410);
    anon.post(
        &format!("/invitations/{token}/accept"),
        &json!({"password": PASSWORD}),
    )
    .await
    .problem(410);
    assert!(!cognito_user_exists(&email).await);
}

#[tokio::test]
async fn twenty_concurrent_accepts_of_one_token_create_exactly_one_user() {
    let api = Api::admin().await;
    let (_, email, token) = invite(&api).await;
    let path = format!("/invitations/{token}/accept");
    let replies = futures::future::join_all((0..20).map(|_| async {
        Api::anonymous()
            .post(&path, &json!({"password": PASSWORD}))
            .await
    }))
    .await;
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
        let c = customer(&api).await;
        let email = unique_email("own");
        create_login(
            &api,
            &id(&c, "customer_id"),
            json!({"name": "Own", "email": email, "mode": "password", "password": PASSWORD}),
        )
        .await;
        let me = me_of(&email, PASSWORD).await;
        assert_eq!(me.body["customer"]["customer_id"], c["customer_id"]);
        seen.push(me.body["customer"]["customer_id"].clone());
    }
    assert_ne!(seen[0], seen[1]);
}

#[tokio::test]
async fn a_disabled_login_is_refused_while_its_token_is_still_valid() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let email = unique_email("dis");
    create_login(
        &api,
        &id(&c, "customer_id"),
        json!({"name": "D", "email": email, "mode": "password", "password": PASSWORD}),
    )
    .await;
    let token = sign_in(&email, PASSWORD).await;
    let me = Api::with_token(&token);
    assert_eq!(me.get("/me").await.status, 200);
    let sub = jwt_claims(&token)["sub"].as_str().unwrap().to_owned();
    dynamodb()
        .await
        .update_item()
        .table_name(&stack().table_name)
        .key("PK", AttributeValue::S(format!("LOGINSUB#{sub}")))
        .key("SK", AttributeValue::S("LOGINSUB".into()))
        .update_expression("SET #s = :d")
        .expression_attribute_names("#s", "status")
        .expression_attribute_values(":d", AttributeValue::S("disabled".into()))
        .send()
        .await
        .unwrap();
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
    let cid = "cus_0000000000007000800000000000beef";
    customer_api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "x", "email": unique_email("x")}),
        )
        .await
        .problem(403);
    customer_api
        .get(&format!("/admin/customers/{cid}/logins"))
        .await
        .problem(403);
    Api::admin().await.get("/me").await.problem(403);
    assert_eq!(Api::anonymous().get("/me").await.status, 401);
}

// ---------------------------------------------------------------------------------------------
// Half-way failures, injected through the ports.

/// A store that fails the provisioning or acceptance transaction, and passes the rest through.
struct FailingWrites(DynamoStore);

fn down() -> Unexpected {
    Unexpected::new("injected: DynamoDB is down")
}

#[async_trait::async_trait]
impl LoginStore for FailingWrites {
    async fn login(&self, id: &LoginId) -> Result<Option<Login>, Unexpected> {
        self.0.login(id).await
    }
    async fn sub_link(&self, sub: &str) -> Result<Option<SubLink>, Unexpected> {
        self.0.sub_link(sub).await
    }
    async fn login_and_customer(
        &self,
        l: &LoginId,
        c: &CustomerId,
    ) -> Result<LoginAndAccount, Unexpected> {
        self.0.login_and_customer(l, c).await
    }
    async fn members(&self, c: &CustomerId) -> Result<Members, Unexpected> {
        self.0.members(c).await
    }
    async fn login_email_taken(&self, email: &Email) -> Result<bool, Unexpected> {
        self.0.login_email_taken(email).await
    }
    async fn provision(&self, _: &Provisioning) -> Result<(), LoginStoreError> {
        Err(down().into())
    }
    async fn write(&self, _: &LoginWrite) -> Result<(), LoginStoreError> {
        Err(down().into())
    }
}

#[async_trait::async_trait]
impl InvitationStore for FailingWrites {
    async fn invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, Unexpected> {
        self.0.invitation(id).await
    }
    async fn invitation_by_token(&self, h: &str) -> Result<Option<InvitationLink>, Unexpected> {
        self.0.invitation_by_token(h).await
    }
    async fn claim_invitation(
        &self,
        i: &Invitation,
        c: &str,
        now: Timestamp,
    ) -> Result<(), LoginStoreError> {
        self.0.claim_invitation(i, c, now).await
    }
    async fn release_invitation(&self, i: &Invitation, c: &str) -> Result<(), Unexpected> {
        self.0.release_invitation(i, c).await
    }
    async fn accept(&self, _: &Acceptance) -> Result<(), LoginStoreError> {
        Err(down().into())
    }
    async fn open_invitations(&self, now: Timestamp) -> Result<Vec<Invitation>, Unexpected> {
        self.0.open_invitations(now).await
    }
    async fn expire_invitation(&self, i: &Invitation) -> Result<bool, Unexpected> {
        self.0.expire_invitation(i).await
    }
    async fn claim_of(&self, i: &Invitation) -> Result<Option<(String, Timestamp)>, Unexpected> {
        self.0.claim_of(i).await
    }
}

#[async_trait::async_trait]
impl CustomerStore for FailingWrites {
    async fn put(
        &self,
        _: Audited<'_, Customer>,
        _: Option<&IdempotencyRecord>,
    ) -> Result<(), CustomerStoreError> {
        Err(down().into())
    }
    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected> {
        self.0.customer(id).await
    }
    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, CustomerStoreError> {
        self.0.list(filter, page).await
    }
    async fn tag(&self, _: Tagging<'_>) -> Result<(), CustomerStoreError> {
        Err(down().into())
    }
}

#[async_trait::async_trait]
impl IdempotencyStore for FailingWrites {
    async fn find_idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, Unexpected> {
        self.0.find_idempotency(scope).await
    }
}

/// Cognito that is down.
struct IdentityDown;

#[async_trait::async_trait]
impl Identity for IdentityDown {
    async fn create_customer_user(&self, _: NewUser<'_>) -> Result<String, IdentityError> {
        Err(Unexpected::new("injected: Cognito is down").into())
    }
    async fn delete_user(&self, _: &Email) -> Result<(), Unexpected> {
        Err(Unexpected::new("injected: Cognito is down"))
    }
    async fn disable_user(&self, _: &Email) -> Result<(), Unexpected> {
        Err(Unexpected::new("injected: Cognito is down"))
    }
    async fn enable_user(&self, _: &Email) -> Result<(), Unexpected> {
        Err(Unexpected::new("injected: Cognito is down"))
    }
    async fn change_email(&self, _: &Email, _: &Email) -> Result<(), Unexpected> {
        Err(Unexpected::new("injected: Cognito is down"))
    }
    async fn set_password(&self, _: &Email, _: InitialPassword) -> Result<(), IdentityError> {
        Err(Unexpected::new("injected: Cognito is down").into())
    }
}

async fn real_ports() -> (DynamoStore, CognitoIdentity) {
    (
        DynamoStore::new(dynamodb().await, &stack().table_name),
        CognitoIdentity::new(cognito().await, &stack().user_pool_id),
    )
}

fn portal() -> Portal {
    Portal::new("http://portal.test", 3600)
}

fn admin() -> Principal {
    Principal {
        sub: "test-admin".into(),
        email: None,
        ..Default::default()
    }
}

#[tokio::test]
async fn when_dynamodb_fails_after_cognito_the_new_cognito_user_is_removed() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let (store, identity) = real_ports().await;
    let email = unique_email("undo");
    let input = NewLogin {
        name: LoginName::parse("Undone").unwrap(),
        email: Email::parse(&email).unwrap(),
        mode: ProvisionMode::Password(PASSWORD.into()),
    };
    let cid = CustomerId::parse(&id(&c, "customer_id")).unwrap();
    let r = provision_login(
        &FailingWrites(store),
        &identity,
        &portal(),
        &admin(),
        &cid,
        input,
        None,
    )
    .await;
    assert!(matches!(r, Err(ProvisionError::Unexpected(_))), "{r:?}");
    assert!(
        !cognito_user_exists(&email).await,
        "the Cognito user was undone"
    );
    assert!(
        item(&format!("LOGINEMAIL#{email}"), "LOGINEMAIL")
            .await
            .is_none()
    );
}

#[tokio::test]
async fn when_cognito_fails_nothing_is_written() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let (store, _) = real_ports().await;
    let email = unique_email("nocognito");
    let input = NewLogin {
        name: LoginName::parse("Nobody").unwrap(),
        email: Email::parse(&email).unwrap(),
        mode: ProvisionMode::TemporaryPassword,
    };
    let cid = CustomerId::parse(&id(&c, "customer_id")).unwrap();
    let r = provision_login(
        &store,
        &IdentityDown,
        &portal(),
        &admin(),
        &cid,
        input,
        None,
    )
    .await;
    assert!(matches!(r, Err(ProvisionError::Unexpected(_))), "{r:?}");
    assert!(
        item(&format!("LOGINEMAIL#{email}"), "LOGINEMAIL")
            .await
            .is_none()
    );
    assert_eq!(
        api.get(&format!("/admin/customers/{}/logins", cid))
            .await
            .body["items"],
        json!([])
    );
    assert_eq!(
        api.get(&format!("/admin/customers/{}", cid)).await.body["status"],
        "pending"
    );
}

#[tokio::test]
async fn when_the_acceptance_cannot_be_stored_the_user_is_removed_and_the_link_still_works() {
    let api = Api::admin().await;
    let (_, email, token) = invite(&api).await;
    let (store, identity) = real_ports().await;
    let link = LinkToken::parse(&token).unwrap();
    let body = AcceptBody {
        password: PASSWORD.into(),
        name: None,
    };
    let r = accept_invitation(&FailingWrites(store), &identity, &link, body).await;
    assert!(matches!(r, Err(InvitationError::Unexpected(_))), "{r:?}");
    assert!(!cognito_user_exists(&email).await);
    let accepted = accept_link(&token, PASSWORD).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_first_login() {
    let api = Api::admin().await;
    let c = customer(&api).await;
    let path = format!("/admin/customers/{}/logins", id(&c, "customer_id"));
    let body = json!({"name": "Once", "email": unique_email("once"), "mode": "password", "password": PASSWORD});
    let key = uuid::Uuid::new_v4().to_string();
    let send = || {
        Api::send(
            api.request(reqwest::Method::POST, &path)
                .header("Idempotency-Key", &key)
                .json(&body),
        )
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = send().await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first.body);
}
