//! A login's own credentials over the gateway: a forgotten password reset from the emailed
//! link (no enumeration, quotas, single use, every session ended), and `/me`'s name, password
//! and sign-in address.

use orderdesk_tests::*;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// Asks for a reset link for `email`, anonymously.
async fn ask_reset(email: &str) -> Reply {
    Api::anonymous()
        .post("/password-resets", &json!({"email": email}))
        .await
}

/// The token of the reset link emailed to `email`.
async fn reset_token(email: &str) -> String {
    let mail = mailbox::wait_for_subject(email, "choose a new password").await;
    assert!(mail.body.contains("works once"), "{}", mail.body);
    mailbox::link_token(&mail, "/reset/")
}

/// A refresh token of a fresh sign-in of `email`.
async fn refresh_token(email: &str, password: &str) -> String {
    password_auth(email, password)
        .await
        .expect("sign-in succeeds")
        .authentication_result()
        .and_then(|r| r.refresh_token())
        .expect("a refresh token")
        .to_owned()
}

/// Whether `refresh` still gets new tokens.
async fn refresh_works(refresh: &str) -> bool {
    cognito()
        .await
        .initiate_auth()
        .client_id(&stack().user_pool_client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh)
        .send()
        .await
        .is_ok()
}

#[tokio::test]
async fn a_forgotten_password_is_reset_from_the_emailed_link_once_and_every_session_ends() {
    let admin = Api::admin().await;
    let (_, login_id, email) = admin.active_login("Reset Rae").await;
    let refresh = refresh_token(&email, PASSWORD).await;

    let asked = ask_reset(&email.to_uppercase()).await.ok(202);
    assert_eq!(asked, json!({"status": "requested"}));
    let token = reset_token(&email).await;

    let page = Api::anonymous()
        .get(&format!("/password-resets/{token}"))
        .await
        .ok(200);
    assert_eq!(page["email"], email.to_lowercase());
    assert!(page["expires_at"].is_string());

    let path = format!("/password-resets/{token}");
    let weak = Api::anonymous()
        .post(&path, &json!({"password": "short"}))
        .await;
    assert_eq!(weak.invalid(), ["password"]);
    let done = Api::anonymous()
        .post(&path, &json!({"password": "Brand-new-passw0rd"}))
        .await
        .ok(200);
    assert_eq!(done["login_id"], login_id.as_str());

    sign_in(&email, "Brand-new-passw0rd").await;
    assert!(
        password_auth(&email, PASSWORD).await.is_err(),
        "the old password no longer signs in"
    );
    assert!(
        !refresh_works(&refresh).await,
        "the old session's refresh token was revoked"
    );
    let again = Api::anonymous()
        .post(&path, &json!({"password": "Another-passw0rd"}))
        .await;
    assert_eq!(
        again.problem(410)["type"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next(),
        Some("reset-gone")
    );
    Api::anonymous().get(&path).await.problem(410);
    Api::anonymous()
        .get(&format!("/password-resets/{}", "x".repeat(43)))
        .await
        .problem(404);
    let audit = admin
        .get(&format!("/admin/audit?actor={login_id}"))
        .await
        .ok(200);
    assert!(
        pluck(&audit["items"], "action").contains(&"login.password_reset_by_link"),
        "{audit}"
    );
}

#[tokio::test]
async fn an_unknown_disabled_or_closed_address_gets_the_same_answer_and_no_email() {
    let admin = Api::admin().await;
    let (_, disabled_id, disabled) = admin.active_login("Disabled Dee").await;
    admin
        .update_login(&disabled_id, &json!({"enabled": false}))
        .await
        .ok(200);
    let (closed_customer, _, closed) = admin.active_login("Closed Cleo").await;
    admin
        .delete(&format!("/admin/customers/{closed_customer}"))
        .await;
    let unknown = unique_email("nobody");

    let answers: Vec<_> = [&unknown, &disabled, &closed]
        .into_iter()
        .map(|e| async move { ask_reset(e).await })
        .collect();
    for answer in futures::future::join_all(answers).await {
        assert_eq!(answer.status, 202);
        assert_eq!(answer.body, json!({"status": "requested"}));
    }

    let (_, _, known) = admin.active_login("Known Kim").await;
    ask_reset(&known).await.ok(202);
    reset_token(&known).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for address in [&unknown, &disabled, &closed] {
        let sent: Vec<String> = mailbox::to(address)
            .await
            .into_iter()
            .map(|m| m.subject)
            .filter(|s| s.contains("password"))
            .collect();
        assert!(sent.is_empty(), "{address} was sent {sent:?}");
    }
}

#[tokio::test]
async fn an_address_asked_for_too_often_is_throttled_with_retry_after_and_no_more_links() {
    let address = unique_email("often");
    for _ in 0..5 {
        ask_reset(&address).await.ok(202);
    }
    let refused = ask_reset(&address).await;
    let problem = refused.problem(429);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Try again later")
    );
    let wait: u32 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
}

#[tokio::test]
async fn one_source_asking_for_many_addresses_is_throttled_and_others_are_not() {
    let flooding = Api::anonymous_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 77)));
    let mut statuses = Vec::new();
    for _ in 0..51 {
        let address = unique_email("flood");
        statuses.push(
            flooding
                .post("/password-resets", &json!({"email": address}))
                .await
                .status,
        );
    }
    assert!(statuses[..50].iter().all(|s| *s == 202), "{statuses:?}");
    assert_eq!(statuses[50], 429);
    let elsewhere = Api::anonymous_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 78)));
    let address = unique_email("elsewhere");
    elsewhere
        .post("/password-resets", &json!({"email": address}))
        .await
        .ok(202);
}

#[tokio::test]
async fn a_malformed_reset_request_or_password_is_refused_by_name() {
    let bad = ask_reset("not an address").await;
    assert_eq!(bad.invalid(), ["email"]);
    let missing = Api::anonymous().post("/password-resets", &json!({})).await;
    assert_eq!(missing.status, 400);
    let token = "y".repeat(43);
    let weak = Api::anonymous()
        .post(
            &format!("/password-resets/{token}"),
            &json!({"password": "x"}),
        )
        .await;
    assert_eq!(weak.invalid(), ["password"]);
}

#[tokio::test]
async fn a_login_changes_its_own_name_and_reads_it_back_and_a_blank_one_is_refused() {
    let admin = Api::admin().await;
    let (customer, buyer) = admin.customer_with_login(None).await;
    let me = buyer
        .patch("/me", &json!({"name": "  Bea Buyer  "}))
        .await
        .ok(200);
    assert_eq!(me["login"]["name"], "Bea Buyer");
    assert_eq!(me["customer"]["name"], customer["name"]);
    assert_eq!(buyer.get("/me").await.ok(200)["login"]["name"], "Bea Buyer");
    let blank = buyer.patch("/me", &json!({"name": " "})).await;
    assert_eq!(blank.invalid(), ["name"]);
    let unknown = buyer.patch("/me", &json!({"email": "x@y.example"})).await;
    assert_eq!(unknown.status, 400);
}

#[tokio::test]
async fn a_login_changes_its_password_only_with_the_current_one_and_its_sessions_end() {
    let admin = Api::admin().await;
    let (_, login_id, email) = admin.active_login("Pass Pat").await;
    let buyer = Api::with_token(sign_in(&email, PASSWORD).await);
    let refresh = refresh_token(&email, PASSWORD).await;

    let wrong = buyer
        .post(
            "/me/password",
            &json!({"current_password": "Wrong-passw0rd", "new_password": "Brand-new-passw0rd"}),
        )
        .await;
    assert_eq!(wrong.invalid(), ["current_password"]);
    sign_in(&email, PASSWORD).await;
    assert!(
        refresh_works(&refresh).await,
        "a refused change ends no session"
    );

    let weak = buyer
        .post(
            "/me/password",
            &json!({"current_password": PASSWORD, "new_password": "weak"}),
        )
        .await;
    assert_eq!(weak.invalid(), ["new_password"]);

    let changed = buyer
        .post(
            "/me/password",
            &json!({"current_password": PASSWORD, "new_password": "Brand-new-passw0rd"}),
        )
        .await;
    assert_eq!(changed.status, 204, "{:?}", changed.body);
    sign_in(&email, "Brand-new-passw0rd").await;
    assert!(password_auth(&email, PASSWORD).await.is_err());
    assert!(!refresh_works(&refresh).await);
    let audit = admin
        .get(&format!("/admin/audit?actor={login_id}"))
        .await
        .ok(200);
    assert!(pluck(&audit["items"], "action").contains(&"login.password_changed"));
}

#[tokio::test]
async fn a_login_moves_to_a_free_address_once_the_new_address_confirms() {
    let admin = Api::admin().await;
    let (customer_id, _, email) = admin.active_login("Moving Mo").await;
    let buyer = Api::with_token(sign_in(&email, PASSWORD).await);
    let taken = unique_email("taken");
    admin.password_login(&customer_id, "Other", &taken).await;

    let refused = buyer.post("/me/email", &json!({"email": taken})).await;
    refused.problem(409);
    let same = buyer.post("/me/email", &json!({"email": email})).await;
    assert_eq!(same.detail(409), "This is already your sign-in address.");
    let malformed = buyer.post("/me/email", &json!({"email": "nope"})).await;
    assert_eq!(malformed.invalid(), ["email"]);

    let new = unique_email("moved");
    let login = buyer
        .post("/me/email", &json!({"email": new}))
        .await
        .ok(202);
    assert_eq!(login["pending_email"], new.to_lowercase());
    let token = mailbox::link_token(&mailbox::wait_for(&new).await, "/email-change/");
    confirm_email_change(&token).await.ok(200);
    sign_in(&new, PASSWORD).await;
    assert!(password_auth(&email, PASSWORD).await.is_err());
}

#[tokio::test]
async fn an_admin_acting_as_a_login_may_rename_it_but_not_change_its_credentials() {
    let admin = Api::admin().await;
    let (_, login_id, email) = admin.active_login("Acted Ada").await;
    let acting = |rb: reqwest::RequestBuilder| {
        rb.header("X-Act-As", &login_id)
            .header("X-Act-As-Reason", "Phoned in")
    };
    let renamed = Api::send(
        acting(admin.request(reqwest::Method::PATCH, "/me")).json(&json!({"name": "Ada A."})),
    )
    .await
    .ok(200);
    assert_eq!(renamed["login"]["name"], "Ada A.");
    let password = Api::send(
        acting(admin.request(reqwest::Method::POST, "/me/password"))
            .json(&json!({"current_password": PASSWORD, "new_password": "Brand-new-passw0rd"})),
    )
    .await;
    password.problem(403);
    let address = Api::send(
        acting(admin.request(reqwest::Method::POST, "/me/email"))
            .json(&json!({"email": unique_email("acted")})),
    )
    .await;
    address.problem(403);
    sign_in(&email, PASSWORD).await;
}
