//! Managing logins after they exist: disable/enable, delete, invitation revoke and resend,
//! password reset, and what deleting a customer does to its logins.

use orderdesk_tests::*;
use serde_json::{Value, json};

const PASSWORD: &str = "Chosen-passw0rd";

async fn customer(api: &Api) -> String {
    api.new_customer().await["customer_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A customer with one active login (admin-set password); returns (customer, login id, email).
async fn active_login(api: &Api) -> (String, String, String) {
    let cid = customer(api).await;
    let email = unique_email("login");
    let r = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "Lee Login", "email": email, "mode": "password", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    (cid, r.body["login_id"].as_str().unwrap().to_owned(), email)
}

async fn can_sign_in(email: &str, password: &str) -> bool {
    cognito()
        .await
        .initiate_auth()
        .client_id(&stack().user_pool_client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .is_ok()
}

#[tokio::test]
async fn disabling_a_login_refuses_its_still_valid_token_and_its_sign_in_until_enabled() {
    let api = Api::admin().await;
    let (_, login_id, email) = active_login(&api).await;
    let me = Api::with_token(sign_in(&email, PASSWORD).await);
    assert_eq!(me.get("/me").await.status, 200);

    let r = api
        .patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"enabled": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "disabled");
    me.get("/me").await.problem(403);
    assert!(
        !can_sign_in(&email, PASSWORD).await,
        "a disabled user cannot sign in"
    );

    let r = api
        .patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"enabled": true, "name": "Lee Renamed"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "active");
    assert_eq!(r.body["name"], "Lee Renamed");
    let again = me_of(&email, PASSWORD).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["login"]["name"], "Lee Renamed");
}

#[tokio::test]
async fn deleting_a_login_keeps_its_record_removes_the_user_and_frees_the_email() {
    let api = Api::admin().await;
    let (cid, login_id, email) = active_login(&api).await;
    let token = sign_in(&email, PASSWORD).await;
    assert_eq!(
        api.delete(&format!("/admin/logins/{login_id}"))
            .await
            .status,
        204
    );
    Api::with_token(token).get("/me").await.problem(403);
    assert!(!can_sign_in(&email, PASSWORD).await);
    let listed = api.get(&format!("/admin/customers/{cid}/logins")).await;
    assert_eq!(listed.body["items"][0]["status"], "deleted");
    api.delete(&format!("/admin/logins/{login_id}"))
        .await
        .problem(404);
    api.patch(
        &format!("/admin/logins/{login_id}"),
        &json!({"enabled": true}),
    )
    .await
    .problem(404);
    let again = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "Back", "email": email}),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.body);
}

#[tokio::test]
async fn a_revoked_invitation_link_is_410_and_a_resent_one_replaces_it() {
    let api = Api::admin().await;
    let cid = customer(&api).await;
    let email = unique_email("inv");
    let r = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "Ina", "email": email}),
        )
        .await;
    let invitation_id = r.body["invitation"]["invitation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    assert_eq!(
        Api::anonymous()
            .get(&format!("/invitations/{first}"))
            .await
            .status,
        200
    );

    assert_eq!(
        api.delete(&format!("/admin/invitations/{invitation_id}"))
            .await
            .status,
        204
    );
    Api::anonymous()
        .get(&format!("/invitations/{first}"))
        .await
        .problem(410);

    let r = api
        .post(
            &format!("/admin/invitations/{invitation_id}/resend"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
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
    Api::anonymous()
        .get(&format!("/invitations/{first}"))
        .await
        .problem(410);
    let accepted = Api::anonymous()
        .post(
            &format!("/invitations/{second}/accept"),
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    api.post(
        &format!("/admin/invitations/{invitation_id}/resend"),
        &json!({}),
    )
    .await
    .problem(409);
    api.delete(&format!("/admin/invitations/{invitation_id}"))
        .await
        .problem(409);
}

#[tokio::test]
async fn a_password_reset_emails_a_temporary_password_that_must_be_changed() {
    let api = Api::admin().await;
    let (_, login_id, email) = active_login(&api).await;
    let r = api
        .post(
            &format!("/admin/logins/{login_id}/password-reset"),
            &json!({"mode": "temporary_password"}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert!(
        !can_sign_in(&email, PASSWORD).await,
        "the old password no longer works"
    );
    let mail = mailbox::wait_for(&email).await;
    let candidates: Vec<&str> = mail
        .body
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 16)
        .collect();
    let mut found = false;
    for word in candidates {
        let out = cognito()
            .await
            .initiate_auth()
            .client_id(&stack().user_pool_client_id)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", &email)
            .auth_parameters("PASSWORD", word)
            .send()
            .await;
        if let Ok(out) = out {
            assert_eq!(
                out.challenge_name(),
                Some(
                    &aws_sdk_cognitoidentityprovider::types::ChallengeNameType::NewPasswordRequired
                )
            );
            found = true;
        }
    }
    assert!(
        found,
        "the emailed temporary password signs in: {}",
        mail.body
    );
    let r = api
        .post(
            &format!("/admin/logins/{login_id}/password-reset"),
            &json!({"mode": "sms"}),
        )
        .await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "mode");
}

#[tokio::test]
async fn deleting_a_customer_disables_every_login_and_revokes_open_invitations() {
    let api = Api::admin().await;
    let (cid, login_id, email) = active_login(&api).await;
    let invitee = unique_email("open");
    let r = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "Open", "email": invitee}),
        )
        .await;
    assert_eq!(r.status, 201);
    let token = mailbox::invitation_token(&mailbox::wait_for(&invitee).await);
    let me = Api::with_token(sign_in(&email, PASSWORD).await);

    assert_eq!(
        api.delete(&format!("/admin/customers/{cid}")).await.status,
        204
    );
    me.get("/me").await.problem(403);
    assert!(!can_sign_in(&email, PASSWORD).await);
    Api::anonymous()
        .get(&format!("/invitations/{token}"))
        .await
        .problem(410);

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
    let api = Api::admin().await;
    let (cid, login_id, _) = active_login(&api).await;
    let r = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "Later", "email": unique_email("later")}),
        )
        .await;
    assert_eq!(r.status, 201);
    let detail = api.get(&format!("/admin/customers/{cid}")).await;
    assert_eq!(detail.body["logins"].as_array().unwrap().len(), 2);
    assert_eq!(detail.body["logins"][0]["login_id"], login_id.as_str());
    assert_eq!(detail.body["invitations"].as_array().unwrap().len(), 1);
    assert_eq!(detail.body["invitations"][0]["status"], "pending");
    assert!(detail.body["invitations"][0].get("token_hash").is_none());
}

#[tokio::test]
async fn login_management_refuses_customers_unknown_ids_and_bad_input() {
    let api = Api::admin().await;
    let (_, login_id, _) = active_login(&api).await;
    let customer = Api::with_token(user_token("customers").await);
    customer
        .patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"enabled": false}),
        )
        .await
        .problem(403);
    customer
        .delete(&format!("/admin/logins/{login_id}"))
        .await
        .problem(403);
    customer
        .post(
            &format!("/admin/logins/{login_id}/password-reset"),
            &json!({"mode": "temporary_password"}),
        )
        .await
        .problem(403);
    let inv = "inv_0000000000007000800000000000beef";
    customer
        .post(&format!("/admin/invitations/{inv}/resend"), &json!({}))
        .await
        .problem(403);
    customer
        .delete(&format!("/admin/invitations/{inv}"))
        .await
        .problem(403);
    api.patch(
        "/admin/logins/lgn_0000000000007000800000000000beef",
        &json!({"enabled": false}),
    )
    .await
    .problem(404);
    api.delete("/admin/invitations/nope").await.problem(404);
    let r = api
        .patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"email": "not-an-email"}),
        )
        .await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "email");
}

async fn email_change_link(address: &str) -> String {
    mailbox::link_token(&mailbox::wait_for(address).await, "/email-change/")
}

#[tokio::test]
async fn a_new_email_becomes_the_sign_in_email_only_once_the_new_address_confirms() {
    let api = Api::admin().await;
    let (_, login_id, old) = active_login(&api).await;
    let new = unique_email("moved");
    let r = api
        .patch(&format!("/admin/logins/{login_id}"), &json!({"email": new}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["email"], old.to_lowercase());
    assert_eq!(r.body["pending_email"], new.to_lowercase());
    assert!(
        can_sign_in(&old.to_lowercase(), PASSWORD).await,
        "nothing changes before the confirmation"
    );

    let token = email_change_link(&new).await;
    let r = Api::anonymous()
        .post(&format!("/email-changes/{token}/confirm"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        json!({"login_id": login_id, "email": new.to_lowercase()})
    );

    let me = me_of(&new.to_lowercase(), PASSWORD).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["login"]["email"], new.to_lowercase());
    assert_eq!(me.body["login"]["pending_email"], Value::Null);
    Api::anonymous()
        .post(&format!("/email-changes/{token}/confirm"), &json!({}))
        .await
        .problem(410);

    let cid = customer(&api).await;
    let reuse = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "Old Address", "email": old}),
        )
        .await;
    assert_eq!(
        reuse.status, 201,
        "the old address is free again: {}",
        reuse.body
    );
}

#[tokio::test]
async fn an_email_change_to_an_address_in_use_is_409_and_a_newer_change_replaces_the_older_link() {
    let api = Api::admin().await;
    let (_, login_id, _) = active_login(&api).await;
    let (_, _, taken) = active_login(&api).await;
    let r = api
        .patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"email": taken}),
        )
        .await;
    r.problem(409);

    let first = unique_email("first");
    let second = unique_email("second");
    assert_eq!(
        api.patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"email": first})
        )
        .await
        .status,
        200
    );
    let first_link = email_change_link(&first).await;
    assert_eq!(
        api.patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"email": second})
        )
        .await
        .status,
        200
    );
    let second_link = email_change_link(&second).await;
    Api::anonymous()
        .post(&format!("/email-changes/{first_link}/confirm"), &json!({}))
        .await
        .problem(410);
    let r = Api::anonymous()
        .post(&format!("/email-changes/{second_link}/confirm"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cid = customer(&api).await;
    let r = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "F", "email": first}),
        )
        .await;
    assert_eq!(
        r.status, 201,
        "the abandoned address was released: {}",
        r.body
    );
    Api::anonymous()
        .post(
            &format!(
                "/email-changes/{}/confirm",
                orderdesk::secret::LinkToken::generate().as_str()
            ),
            &json!({}),
        )
        .await
        .problem(404);
}

#[tokio::test]
async fn an_invite_mode_reset_emails_a_link_that_sets_a_new_password_on_the_same_user() {
    let api = Api::admin().await;
    let (_, login_id, email) = active_login(&api).await;
    let sub_before = jwt_claims(&sign_in(&email.to_lowercase(), PASSWORD).await)["sub"].clone();
    let r = api
        .post(
            &format!("/admin/logins/{login_id}/password-reset"),
            &json!({"mode": "invite"}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let token = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    let preview = Api::anonymous().get(&format!("/invitations/{token}")).await;
    assert_eq!(preview.status, 200, "{}", preview.body);

    let renewed = "Renewed-passw0rd";
    let r = Api::anonymous()
        .post(
            &format!("/invitations/{token}/accept"),
            &json!({"password": renewed}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["login_id"], login_id.as_str());
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
    Api::anonymous()
        .get(&format!("/invitations/{token}"))
        .await
        .problem(410);
}

#[tokio::test]
async fn deleting_a_login_with_a_pending_email_change_frees_the_reserved_address() {
    let api = Api::admin().await;
    let (_, login_id, _) = active_login(&api).await;
    let reserved = unique_email("reserved");
    assert_eq!(
        api.patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"email": reserved})
        )
        .await
        .status,
        200
    );
    let link = email_change_link(&reserved).await;
    assert_eq!(
        api.delete(&format!("/admin/logins/{login_id}"))
            .await
            .status,
        204
    );
    Api::anonymous()
        .post(&format!("/email-changes/{link}/confirm"), &json!({}))
        .await
        .problem(410);
    let cid = customer(&api).await;
    let r = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "R", "email": reserved}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}

#[tokio::test]
async fn a_login_whose_cognito_user_is_gone_can_still_be_deleted() {
    let api = Api::admin().await;
    let (_, login, email) = active_login(&api).await;
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
