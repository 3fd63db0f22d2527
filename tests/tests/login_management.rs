//! Managing logins after they exist: disable/enable, delete, invitation revoke and resend,
//! password reset, and what deleting a customer does to its logins.

use orderdesk::secret::LinkToken;
use orderdesk_tests::*;
use serde_json::{Value, json};

/// The admin's client and a new customer with one active login, Lee (see
/// [`Api::active_login`]): (client, customer id, login id, email).
async fn admin_with_lee() -> (Api, String, String, String) {
    let api = Api::admin().await;
    let (customer_id, login_id, email) = api.active_login("Lee Login").await;
    (api, customer_id, login_id, email)
}

async fn can_sign_in(email: &str, password: &str) -> bool {
    password_auth(email, password).await.is_ok()
}

/// `POST /admin/logins/{login_id}/password-reset` in `mode`.
async fn reset_password(api: &Api, login_id: &str, mode: &str) -> Reply {
    api.post(
        &format!("/admin/logins/{login_id}/password-reset"),
        &json!({"mode": mode}),
    )
    .await
}

/// `POST /admin/invitations/{invitation_id}/resend`.
async fn resend(api: &Api, invitation_id: &str) -> Reply {
    api.post(
        &format!("/admin/invitations/{invitation_id}/resend"),
        &json!({}),
    )
    .await
}

/// Asks to change the login's sign-in email to `email`; the change is pending.
async fn change_email(api: &Api, login_id: &str, email: &str) {
    api.update_login(login_id, &json!({"email": email}))
        .await
        .ok(200);
}

async fn email_change_link(address: &str) -> String {
    mailbox::link_token(&mailbox::wait_for(address).await, "/email-change/")
}

/// Asserts that a new login of the customer may use `email`: it is free, as `why` says.
async fn login_may_use(api: &Api, customer_id: &str, email: &str, why: &str) {
    let r = api
        .create_login(customer_id, &json!({"name": "Next", "email": email}))
        .await;
    assert_eq!(r.status, 201, "{why}: {}", r.body);
}

/// Asserts that a login of a new customer may use `email` (see [`login_may_use`]).
async fn email_is_free(api: &Api, email: &str, why: &str) {
    login_may_use(api, &api.new_customer_id().await, email, why).await;
}

#[tokio::test]
async fn disabling_a_login_refuses_its_still_valid_token_and_its_sign_in_until_enabled() {
    let (api, _, login_id, email) = admin_with_lee().await;
    let me = Api::with_token(sign_in(&email, PASSWORD).await);
    assert_eq!(me.get("/me").await.status, 200);

    let disable = json!({"enabled": false});
    let r = api.update_login(&login_id, &disable).await.ok(200);
    assert_eq!(r["status"], "disabled");
    me.get("/me").await.problem(403);
    assert!(
        !can_sign_in(&email, PASSWORD).await,
        "a disabled user cannot sign in"
    );

    let enable = json!({"enabled": true, "name": "Lee Renamed"});
    let r = api.update_login(&login_id, &enable).await.ok(200);
    assert_eq!(r["status"], "active");
    assert_eq!(r["name"], "Lee Renamed");
    let again = me_of(&email, PASSWORD).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["login"]["name"], "Lee Renamed");
}

#[tokio::test]
async fn deleting_a_login_keeps_its_record_removes_the_user_and_frees_the_email() {
    let (api, cid, login_id, email) = admin_with_lee().await;
    let token = sign_in(&email, PASSWORD).await;
    let path = format!("/admin/logins/{login_id}");
    assert_eq!(api.delete(&path).await.status, 204);
    Api::with_token(token).get("/me").await.problem(403);
    assert!(!can_sign_in(&email, PASSWORD).await);
    let listed = api.get(&format!("/admin/customers/{cid}/logins")).await;
    assert_eq!(listed.body["items"][0]["status"], "deleted");
    api.delete(&path).await.problem(404);
    api.update_login(&login_id, &json!({"enabled": true}))
        .await
        .problem(404);
    login_may_use(
        &api,
        &cid,
        &email,
        "the deleted login's email is free again",
    )
    .await;
}

#[tokio::test]
async fn a_revoked_invitation_link_is_410_and_a_resent_one_replaces_it() {
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    let email = unique_email("inv");
    let login = api.invite(&cid, "Ina", &email).await;
    let invitation_id = id_of(&login["invitation"], "invitation_id");
    let first = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    assert_eq!(preview_link(&first).await.status, 200);

    let path = format!("/admin/invitations/{invitation_id}");
    assert_eq!(api.delete(&path).await.status, 204);
    preview_link(&first).await.problem(410);

    resend(&api, &invitation_id).await.ok(202);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let second = loop {
        let mails = mailbox::to(&email).await;
        if mails.len() >= 2 {
            break mailbox::invitation_token(&mails[1]);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the resent invitation never arrived"
        );
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    };
    assert_ne!(first, second);
    preview_link(&first).await.problem(410);
    accept_link(&second, PASSWORD).await.ok(200);
    resend(&api, &invitation_id).await.problem(409);
    api.delete(&path).await.problem(409);
}

#[tokio::test]
async fn a_password_reset_emails_a_temporary_password_that_must_be_changed() {
    let (api, _, login_id, email) = admin_with_lee().await;
    reset_password(&api, &login_id, "temporary_password")
        .await
        .ok(202);
    assert!(
        !can_sign_in(&email, PASSWORD).await,
        "the old password no longer works"
    );
    let mail = mailbox::wait_for(&email).await;
    assert!(
        temporary_password_session(&email, &mail).await.is_some(),
        "the emailed temporary password signs in: {}",
        mail.body
    );
    let r = reset_password(&api, &login_id, "sms").await;
    assert_eq!(r.invalid()[0], "mode");
}

#[tokio::test]
async fn deleting_a_customer_disables_every_login_and_revokes_open_invitations() {
    let (api, cid, login_id, email) = admin_with_lee().await;
    let invitee = unique_email("open");
    api.invite(&cid, "Open", &invitee).await;
    let token = mailbox::invitation_token(&mailbox::wait_for(&invitee).await);
    let me = Api::with_token(sign_in(&email, PASSWORD).await);

    assert_eq!(
        api.delete(&format!("/admin/customers/{cid}")).await.status,
        204
    );
    me.get("/me").await.problem(403);
    assert!(!can_sign_in(&email, PASSWORD).await);
    preview_link(&token).await.problem(410);

    let detail = api.get(&format!("/admin/customers/{cid}")).await;
    assert_eq!(detail.body["status"], "deleted");
    let logins: &Vec<Value> = detail.body["logins"].as_array().unwrap();
    let lee = logins
        .iter()
        .find(|l| l["login_id"] == login_id.as_str())
        .unwrap();
    assert_eq!(lee["status"], "disabled");
    assert_eq!(detail.body["invitations"][0]["status"], "revoked");
}

#[tokio::test]
async fn the_customer_detail_shows_its_logins_and_invitations() {
    let (api, cid, login_id, _) = admin_with_lee().await;
    api.invite(&cid, "Later", &unique_email("later")).await;
    let detail = api.get(&format!("/admin/customers/{cid}")).await;
    assert_eq!(detail.body["logins"].as_array().unwrap().len(), 2);
    assert_eq!(detail.body["logins"][0]["login_id"], login_id.as_str());
    assert_eq!(detail.body["invitations"].as_array().unwrap().len(), 1);
    assert_eq!(detail.body["invitations"][0]["status"], "pending");
    assert!(detail.body["invitations"][0].get("token_hash").is_none());
}

#[tokio::test]
async fn login_management_refuses_customers_unknown_ids_and_bad_input() {
    let (api, _, login_id, _) = admin_with_lee().await;
    let customer = Api::with_token(user_token("customers").await);
    let inv = "inv_0000000000007000800000000000beef";
    let reset = json!({"mode": "temporary_password"});
    customer
        .refused(
            403,
            &[
                (
                    format!("PATCH /admin/logins/{login_id}"),
                    json!({"enabled": false}),
                ),
                (format!("DELETE /admin/logins/{login_id}"), Value::Null),
                (
                    format!("POST /admin/logins/{login_id}/password-reset"),
                    reset,
                ),
                (format!("POST /admin/invitations/{inv}/resend"), json!({})),
                (format!("DELETE /admin/invitations/{inv}"), Value::Null),
            ],
        )
        .await;
    api.update_login(
        "lgn_0000000000007000800000000000beef",
        &json!({"enabled": false}),
    )
    .await
    .problem(404);
    api.delete("/admin/invitations/nope").await.problem(404);
    let r = api
        .update_login(&login_id, &json!({"email": "not-an-email"}))
        .await;
    assert_eq!(r.invalid()[0], "email");
}

#[tokio::test]
async fn a_new_email_becomes_the_sign_in_email_only_once_the_new_address_confirms() {
    let (api, _, login_id, old) = admin_with_lee().await;
    let new = unique_email("moved");
    let r = api
        .update_login(&login_id, &json!({"email": new}))
        .await
        .ok(200);
    assert_eq!(r["email"], old.to_lowercase());
    assert_eq!(r["pending_email"], new.to_lowercase());
    assert!(
        can_sign_in(&old.to_lowercase(), PASSWORD).await,
        "nothing changes before the confirmation"
    );

    let token = email_change_link(&new).await;
    let r = confirm_email_change(&token).await.ok(200);
    assert_eq!(
        r,
        json!({"login_id": login_id, "email": new.to_lowercase()})
    );

    let me = me_of(&new.to_lowercase(), PASSWORD).await.ok(200);
    assert_eq!(me["login"]["email"], new.to_lowercase());
    assert_eq!(me["login"]["pending_email"], Value::Null);
    confirm_email_change(&token).await.problem(410);
    email_is_free(&api, &old, "the old address is free again").await;
}

#[tokio::test]
async fn twelve_concurrent_confirmations_of_one_email_change_link_change_the_address_once() {
    let (api, _, login_id, old) = admin_with_lee().await;
    let new = unique_email("raced");
    change_email(&api, &login_id, &new).await;
    let token = email_change_link(&new).await;

    let replies = futures::future::join_all((0..12).map(|_| confirm_email_change(&token))).await;

    exactly_one(&replies, 200, 410);
    assert!(can_sign_in(&new.to_lowercase(), PASSWORD).await);
    assert!(!can_sign_in(&old.to_lowercase(), PASSWORD).await);
    let me = me_of(&new.to_lowercase(), PASSWORD).await.ok(200);
    assert_eq!(me["login"]["email"], new.to_lowercase());
    confirm_email_change(&token).await.problem(410);
}

#[tokio::test]
async fn an_email_change_to_an_address_in_use_is_409_and_a_newer_change_replaces_the_older_link() {
    let (api, _, login_id, _) = admin_with_lee().await;
    let (_, _, taken) = api.active_login("Lee Login").await;
    api.update_login(&login_id, &json!({"email": taken}))
        .await
        .problem(409);

    let first = unique_email("first");
    let second = unique_email("second");
    change_email(&api, &login_id, &first).await;
    let first_link = email_change_link(&first).await;
    change_email(&api, &login_id, &second).await;
    let second_link = email_change_link(&second).await;
    confirm_email_change(&first_link).await.problem(410);
    confirm_email_change(&second_link).await.ok(200);
    email_is_free(&api, &first, "the abandoned address was released").await;
    confirm_email_change(LinkToken::generate().as_str())
        .await
        .problem(404);
}

#[tokio::test]
async fn an_invite_mode_reset_emails_a_link_that_sets_a_new_password_on_the_same_user() {
    let (api, _, login_id, email) = admin_with_lee().await;
    let sub_before = jwt_claims(&sign_in(&email.to_lowercase(), PASSWORD).await)["sub"].clone();
    reset_password(&api, &login_id, "invite").await.ok(202);
    let token = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    preview_link(&token).await.ok(200);

    let renewed = "Renewed-passw0rd";
    let r = accept_link(&token, renewed).await.ok(200);
    assert_eq!(r["login_id"], login_id.as_str());
    assert!(
        !can_sign_in(&email.to_lowercase(), PASSWORD).await,
        "the old password is gone"
    );
    let token_after = sign_in(&email.to_lowercase(), renewed).await;
    assert_eq!(
        jwt_claims(&token_after)["sub"],
        sub_before,
        "the same Cognito user"
    );
    assert_eq!(Api::with_token(token_after).get("/me").await.status, 200);
    preview_link(&token).await.problem(410);
}

#[tokio::test]
async fn deleting_a_login_with_a_pending_email_change_frees_the_reserved_address() {
    let (api, _, login_id, _) = admin_with_lee().await;
    let reserved = unique_email("reserved");
    change_email(&api, &login_id, &reserved).await;
    let link = email_change_link(&reserved).await;
    assert_eq!(
        api.delete(&format!("/admin/logins/{login_id}"))
            .await
            .status,
        204
    );
    confirm_email_change(&link).await.problem(410);
    email_is_free(&api, &reserved, "the reserved address was freed").await;
}

#[tokio::test]
async fn a_login_whose_cognito_user_is_gone_can_still_be_deleted() {
    let (api, _, login, email) = admin_with_lee().await;
    cognito()
        .await
        .admin_delete_user()
        .user_pool_id(&stack().user_pool_id)
        .username(&email)
        .send()
        .await
        .expect("the user is removed behind the API's back");
    let r = api.delete(&format!("/admin/logins/{login}")).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let item = item(&format!("LOGIN#{login}"), "LOGIN").await.unwrap();
    assert_eq!(item["status"].as_s().unwrap(), "deleted");
}

#[tokio::test]
async fn a_closed_accounts_login_is_told_the_account_is_closed_and_cannot_be_enabled_again() {
    let admin = Api::admin().await;
    let (customer, buyer) = admin.customer_with_login(None).await;
    let cid = id_of(&customer, "customer_id");
    let login = id_of(&buyer.get("/me").await.ok(200)["login"], "login_id");

    admin
        .delete(&format!("/admin/customers/{cid}"))
        .await
        .ok(204);

    let closed = buyer.get("/me").await;
    assert_eq!(closed.problem(403)["type"], "/problems/customer-deleted");
    let enable = admin.update_login(&login, &json!({"enabled": true})).await;
    enable.problem(409);
    assert_eq!(
        buyer.get("/me").await.problem(403)["type"],
        "/problems/customer-deleted"
    );
}
