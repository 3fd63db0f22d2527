//! Secrets at rest, end to end (issue 11, item 11): the temporary passwords and the link tokens
//! that emails carry are nowhere in the clear in the table or in its stream, while the emails
//! carry them working; and a key service that cannot be reached makes no login and resets no
//! password.

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use aws_sdk_dynamodbstreams::types::OperationType;
use orderdesk::actor::Principal;
use orderdesk::cognito::CognitoIdentity;
use orderdesk::config::Settings;
use orderdesk::domain::Email;
use orderdesk::dynamo::DynamoStore;
use orderdesk::ids::{CustomerId, LoginId};
use orderdesk::kms::KmsSealer;
use orderdesk::logins::{
    LoginName, ManageLoginError, NewLogin, PasswordResetBody, ProvisionError, ProvisionMode,
    provision_login, reset_password,
};
use orderdesk::outbox::Mailroom;
use orderdesk::portal::Portal;
use orderdesk_tests::*;
use serde_json::json;
use std::time::{Duration, Instant};

/// The temporary password `mail` carries: the one word of it that signs `email` in and asks
/// for a new password.
async fn emailed_password(email: &str, mail: &mailbox::Mail) -> String {
    let words = mail
        .body
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 16);
    for word in words {
        if let Ok(out) = password_auth(email, word).await {
            assert_eq!(
                out.challenge_name(),
                Some(&ChallengeNameType::NewPasswordRequired)
            );
            return word.to_owned();
        }
    }
    panic!("no word of the email signs {email} in: {}", mail.body)
}

/// Waits (up to 20 s) until no outbox item to one of `addresses` is pending any more, so that
/// every write of their delivery (claim, sent) is in the table and its stream.
async fn wait_until_delivered(addresses: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pending = pending_outbox()
            .await
            .iter()
            .filter(|i| {
                i.get("to")
                    .and_then(|t| t.as_s().ok())
                    .is_some_and(|to| addresses.contains(&to.as_str()))
            })
            .count();
        if pending == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} email(s) still pending after 20 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The first of `secrets` that `text` shows.
fn shown<'a>(text: &str, secrets: &'a [String]) -> Option<&'a String> {
    secrets.iter().find(|s| text.contains(s.as_str()))
}

#[tokio::test]
async fn passwords_and_link_tokens_are_sealed_in_the_table_and_its_stream_and_work_from_the_email()
{
    let api = Api::admin().await;
    let cid = api.new_customer_id().await;
    let temp = unique_email("sealed-temp").to_lowercase();
    let login = json!({"name": "Tess Temp", "email": temp, "mode": "temporary_password"});
    let login_id = id_of(&api.create_login(&cid, &login).await.ok(201), "login_id");
    let first = emailed_password(&temp, &mailbox::wait_for(&temp).await).await;
    api.post(
        &format!("/admin/logins/{login_id}/password-reset"),
        &json!({"mode": "temporary_password"}),
    )
    .await
    .ok(202);
    let reset = mailbox::wait_for_subject(&temp, "has been reset").await;
    let second = emailed_password(&temp, &reset).await;
    let invitee = unique_email("sealed-invite").to_lowercase();
    api.invite(&cid, "Ivy Invitee", &invitee).await;
    let invitation = mailbox::invitation_token(&mailbox::wait_for(&invitee).await);
    let moved = unique_email("sealed-moved").to_lowercase();
    api.update_login(&login_id, &json!({"email": moved}))
        .await
        .ok(200);
    let change = mailbox::link_token(&mailbox::wait_for(&moved).await, "/email-change/");

    accept_link(&invitation, PASSWORD).await.ok(200);
    confirm_email_change(&change).await.ok(200);
    me_of(&invitee, PASSWORD).await.ok(200);
    wait_until_delivered(&[&temp, &invitee, &moved]).await;

    let secrets = [first, second, invitation, change];
    assert_ne!(secrets[0], secrets[1], "the reset made a new password");
    for item in every_item().await {
        let text = format!("{item:?}");
        assert_eq!(shown(&text, &secrets), None, "in the table: {text}");
    }
    let ours = |item: &Item, to: &str| {
        item.get("type")
            .and_then(|t| t.as_s().ok())
            .map(String::as_str)
            == Some("outbox")
            && item
                .get("to")
                .and_then(|t| t.as_s().ok())
                .map(String::as_str)
                == Some(to)
    };
    let links: Vec<Item> = every_item()
        .await
        .into_iter()
        .filter(|i| ours(i, &invitee) || ours(i, &moved))
        .collect();
    assert_eq!(links.len(), 2, "the invitation and the email change");
    for item in &links {
        let message = item["message"].as_s().unwrap();
        assert!(message.contains(r#"{"sealed":""#), "{message}");
    }

    let mut password_inserts = 0;
    for record in stream_records().await {
        let text = format!("{record:?}");
        assert_eq!(shown(&text, &secrets), None, "in the stream: {text}");
        let image = record.dynamodb().and_then(|d| d.new_image());
        let attr = |name: &str| {
            image
                .and_then(|i| i.get(name))
                .and_then(|v| v.as_s().ok())
                .cloned()
        };
        if record.event_name() == Some(&OperationType::Insert)
            && attr("type").as_deref() == Some("outbox")
            && attr("to").as_deref() == Some(temp.as_str())
        {
            assert!(attr("message").unwrap().contains(r#"{"sealed":""#));
            password_inserts += 1;
        }
    }
    assert_eq!(
        password_inserts, 2,
        "the stream holds both password emails, sealed"
    );
}

/// A sealer whose KMS is a loopback port nobody listens on, with the stack's key.
async fn kms_down() -> KmsSealer {
    stack();
    let aws = orderdesk::config::aws().await;
    let conf = aws_sdk_kms::config::Builder::from(&aws)
        .endpoint_url(closed_port_url())
        .retry_config(aws_sdk_kms::config::retry::RetryConfig::disabled())
        .build();
    let key = Settings::from_env();
    let key = key.secrets_key_id().expect("the stack sets SECRETS_KEY_ID");
    KmsSealer::new(aws_sdk_kms::Client::from_conf(conf), key)
}

fn test_admin() -> Principal {
    Principal {
        sub: "test-admin".into(),
        email: None,
        ..Default::default()
    }
}

#[tokio::test]
async fn with_the_key_service_down_no_login_is_made_and_no_password_is_reset() {
    let api = Api::admin().await;
    let (cid, login_id, email) = api.active_login("Kim Keyless").await;
    let store = DynamoStore::new(dynamodb().await, &stack().table_name);
    let identity = CognitoIdentity::new(cognito().await, &stack().user_pool_id);
    let mailroom = Mailroom {
        portal: Portal::new("http://portal.test", 3600),
        sealer: kms_down().await,
    };
    let newcomer = unique_email("keyless").to_lowercase();
    let input = NewLogin {
        name: LoginName::parse("Nia New").unwrap(),
        email: Email::parse(&newcomer).unwrap(),
        mode: ProvisionMode::TemporaryPassword,
    };
    let customer = CustomerId::parse(&cid).unwrap();
    let login = LoginId::parse(&login_id).unwrap();
    let reset = PasswordResetBody {
        mode: "temporary_password".into(),
    };

    let made = provision_login(
        &store,
        &identity,
        &mailroom,
        &test_admin(),
        &customer,
        input,
        None,
    )
    .await;
    let reset = reset_password(&store, &identity, &mailroom, &test_admin(), &login, reset).await;

    assert!(
        matches!(&made, Err(ProvisionError::Unexpected(u)) if u.is_outage()),
        "an unreachable key service is an outage (503, retry), not a bug: {made:?}"
    );
    assert!(
        matches!(&reset, Err(ManageLoginError::Unexpected(u)) if u.is_outage()),
        "{reset:?}"
    );
    assert!(password_auth(&newcomer, PASSWORD).await.is_err());
    let logins = api
        .get(&format!("/admin/customers/{cid}/logins"))
        .await
        .ok(200);
    assert_eq!(pluck(&logins["items"], "email"), [email.as_str()]);
    me_of(&email, PASSWORD).await.ok(200);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(mailbox::to(&newcomer).await.is_empty() && mailbox::to(&email).await.is_empty());
}
