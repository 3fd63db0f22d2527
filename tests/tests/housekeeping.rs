//! Housekeeping's invitation sweep against the real table and user pool.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use orderdesk::cognito::CognitoIdentity;
use orderdesk::domain::Timestamp;
use orderdesk::dynamo::DynamoStore;
use orderdesk::logins::sweep_invitations;
use orderdesk_tests::*;

/// A new customer's open invitation: (invitation id, the invitee's email, link token).
async fn invitation_of(api: &Api) -> (String, String, String) {
    let cid = api.new_customer_id().await;
    let email = unique_email("sweep");
    let login = api.invite(&cid, "Sweep", &email).await;
    let token = mailbox::invitation_token(&mailbox::wait_for(&email).await);
    (id_of(&login["invitation"], "invitation_id"), email, token)
}

/// The invitation's stored item.
async fn stored(invitation_id: &str) -> Item {
    item(&format!("INVITATION#{invitation_id}"), "INVITATION")
        .await
        .expect("the invitation")
}

/// Marks the invitation as being accepted under `claim` since `at`, as an accept under way
/// does.
async fn claim(invitation_id: &str, claim: &str, at: &str) {
    update_invitation(
        invitation_id,
        "SET #s = :accepting, claim = :claim, claimed_at = :at",
        &[(":accepting", "accepting"), (":claim", claim), (":at", at)],
    )
    .await;
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
    let stored = stored(&invitation_id).await;
    assert_eq!(stored["status"].as_s().unwrap(), "expired");
    assert!(!stored.contains_key("GSI2PK"), "it left the expiry index");
    preview_link(&token).await.problem(410);
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
    claim(&invitation_id, "crashed", &stale).await;

    sweep().await;
    let orphan = c
        .admin_get_user()
        .user_pool_id(&stack().user_pool_id)
        .username(email.to_lowercase())
        .send()
        .await;
    assert!(orphan.is_err(), "the orphan Cognito user was removed");
    let accepted = accept_link(&token, PASSWORD).await;
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
    claim(&invitation_id, "live", &now).await;
    sweep().await;
    let stored = stored(&invitation_id).await;
    assert_eq!(stored["status"].as_s().unwrap(), "accepting");
    assert_eq!(stored["claim"].as_s().unwrap(), "live");
}
