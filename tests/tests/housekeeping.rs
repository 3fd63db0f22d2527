//! Housekeeping's invitation sweep against the real table and user pool.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use orderdesk::cognito::CognitoIdentity;
use orderdesk::domain::Timestamp;
use orderdesk::dynamo::DynamoStore;
use orderdesk::logins::sweep_invitations;
use orderdesk_tests::*;
use serde_json::json;

async fn invitation_of(api: &Api) -> (String, String, String) {
    let cid = api.new_customer().await["customer_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let email = unique_email("sweep");
    let r = api
        .post(
            &format!("/admin/customers/{cid}/logins"),
            &json!({"name": "Sweep", "email": email}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let token = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    (
        r.body["invitation"]["invitation_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        email,
        token,
    )
}

async fn sweep() -> orderdesk::logins::InvitationSweep {
    let store = DynamoStore::new(dynamodb().await, &stack().table_name);
    let identity = CognitoIdentity::new(cognito().await, &stack().user_pool_id);
    sweep_invitations(&store, &identity, Timestamp::now())
        .await
        .expect("the sweep runs")
}

#[tokio::test]
async fn the_sweep_marks_an_invitation_past_its_expiry_expired() {
    let api = Api::admin().await;
    let (invitation_id, _, token) = invitation_of(&api).await;
    update_invitation(
        &invitation_id,
        "SET expires_at = :past, GSI2SK = :sk",
        &[
            (":past", "2020-01-01T00:00:00.000Z"),
            (":sk", "2020-01-01T00:00:00.000Z#x"),
        ],
    )
    .await;
    // Other sweeps (parallel tests, the gateway's schedule pump) may get there first: what
    // counts is the invitation's state afterwards, not which sweep changed it.
    sweep().await;
    let stored = item(&format!("INVITATION#{invitation_id}"), "INVITATION")
        .await
        .unwrap();
    assert_eq!(stored["status"].as_s().unwrap(), "expired");
    assert!(!stored.contains_key("GSI2PK"), "it left the expiry index");
    Api::anonymous()
        .get(&format!("/invitations/{token}"))
        .await
        .problem(410);
}

#[tokio::test]
async fn the_sweep_recovers_an_accept_that_crashed_between_cognito_and_the_table() {
    let api = Api::admin().await;
    let (invitation_id, email, token) = invitation_of(&api).await;
    let c = cognito().await;
    c.admin_create_user()
        .user_pool_id(&stack().user_pool_id)
        .username(email.to_lowercase())
        .message_action(MessageActionType::Suppress)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(email.to_lowercase())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("the orphan user");
    let stale = Timestamp::now().plus_seconds(-600).to_string();
    update_invitation(
        &invitation_id,
        "SET #s = :accepting, claim = :claim, claimed_at = :at",
        &[
            (":accepting", "accepting"),
            (":claim", "crashed"),
            (":at", &stale),
        ],
    )
    .await;

    sweep().await;
    let orphan = c
        .admin_get_user()
        .user_pool_id(&stack().user_pool_id)
        .username(email.to_lowercase())
        .send()
        .await;
    assert!(orphan.is_err(), "the orphan Cognito user was removed");
    let accepted = accept_link(&token, "Chosen-passw0rd").await;
    assert_eq!(
        accepted.status, 200,
        "the link works again: {}",
        accepted.body
    );
}

#[tokio::test]
async fn a_fresh_accepting_claim_is_left_alone() {
    let api = Api::admin().await;
    let (invitation_id, _, _) = invitation_of(&api).await;
    let now = Timestamp::now().to_string();
    update_invitation(
        &invitation_id,
        "SET #s = :accepting, claim = :claim, claimed_at = :at",
        &[
            (":accepting", "accepting"),
            (":claim", "live"),
            (":at", &now),
        ],
    )
    .await;
    sweep().await;
    let stored = item(&format!("INVITATION#{invitation_id}"), "INVITATION")
        .await
        .unwrap();
    assert_eq!(stored["status"].as_s().unwrap(), "accepting");
    assert_eq!(stored["claim"].as_s().unwrap(), "live");
}
