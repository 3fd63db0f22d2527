//! The secrets of login emails (temporary passwords, invitation and email-change links) are
//! sealed before they are written, for their item alone, and a key service that cannot be
//! reached leaves nothing half-done.

use super::*;
use crate::seal::OpenError;

/// The outbox as it would be stored: each message as its JSON.
fn stored_messages(m: &Memory) -> Vec<String> {
    m.state()
        .outbox
        .iter()
        .map(|o| serde_json::to_string(&o.message).unwrap())
        .collect()
}

#[tokio::test]
async fn every_password_and_link_token_is_stored_sealed_and_opens_to_the_working_secret() {
    let (m, users, c, l) = login_with_user();
    let mailroom = mailroom();
    let reset = PasswordResetBody {
        mode: "temporary_password".into(),
    };
    let temp = new_login("tess@acme.example", ProvisionMode::TemporaryPassword);

    provision_login(&m, &users, &mailroom, &admin(), &c.customer_id, temp, None)
        .await
        .unwrap();
    let first = users.user(&email("tess@acme.example")).unwrap().password;
    reset_password(&m, &users, &mailroom, &admin(), &l.login_id, reset)
        .await
        .unwrap();
    let second = users.user(&l.email).unwrap().password;
    let invitation = invite(&m, &users, &c).await;
    change_email(&m, &users, &l, None).await;
    let change = last_email_change_token(&m).await;

    let secrets = [
        first.clone(),
        second.clone(),
        invitation.as_str().to_owned(),
        change.as_str().to_owned(),
    ];
    for stored in stored_messages(&m) {
        assert!(stored.contains(r#"{"sealed":""#), "{stored}");
        for secret in &secrets {
            assert!(!stored.contains(secret.as_str()), "{secret} in {stored}");
        }
    }
    let opened = opened_outbox(&m).await;
    let passwords: Vec<&str> = opened
        .iter()
        .filter_map(|message| match message {
            EmailMessage::TemporaryPassword {
                temporary_password, ..
            }
            | EmailMessage::PasswordReset {
                temporary_password, ..
            } => Some(temporary_password.expose()),
            _ => None,
        })
        .collect();
    assert_eq!(passwords, [first.as_str(), second.as_str()]);
    assert!(preview_invitation(&m, &invitation).await.is_ok());
    assert!(confirm_email_change(&m, &users, &change).await.is_ok());
    assert_eq!(mailroom.sealer.seals(), 2, "the mailroom's own two emails");
}

#[tokio::test]
async fn a_sealed_secret_moved_into_another_item_does_not_open() {
    let (m, users, c) = acme(|_| {});
    invite(&m, &users, &c).await;
    invite_as(&m, &users, &c, "ian@acme.example").await;
    let (ivy, mut ian) = {
        let s = m.state();
        (s.outbox[0].clone(), s.outbox[1].clone())
    };
    ian.message = ivy.message;

    let moved = ian.open(&MemorySealer::default()).await;

    assert!(matches!(moved, Err(OpenError::Refused(_))), "{moved:?}");
}

#[tokio::test]
async fn a_login_made_with_a_password_the_admin_sets_asks_no_key() {
    let (m, users, c) = acme(|_| {});
    let mailroom = mailroom();
    let set = new_login("sam@acme.example", ProvisionMode::Password(PASSWORD.into()));

    provision_login(&m, &users, &mailroom, &admin(), &c.customer_id, set, None)
        .await
        .unwrap();

    assert_eq!(mailroom.sealer.seals(), 0);
    assert!(m.state().outbox.is_empty());
}

#[tokio::test]
async fn with_the_key_service_down_no_user_is_made_no_password_is_reset_and_no_email_changes() {
    let (m, users, c, l) = login_with_user();
    let mailroom = mailroom();
    mailroom.sealer.set_down(true);
    let before = users.user(&l.email).unwrap();
    let temp = new_login("tess@acme.example", ProvisionMode::TemporaryPassword);
    let reset = PasswordResetBody {
        mode: "temporary_password".into(),
    };
    let change = UpdateLoginBody {
        name: None,
        email: Some("new@acme.example".into()),
        enabled: Some(false),
    };

    let made = provision_login(&m, &users, &mailroom, &admin(), &c.customer_id, temp, None).await;
    let reset = reset_password(&m, &users, &mailroom, &admin(), &l.login_id, reset).await;
    let changed = update_login(&m, &users, &mailroom, &admin(), &l.login_id, change).await;

    assert!(matches!(made, Err(ProvisionError::Unexpected(_))));
    assert!(matches!(reset, Err(ManageLoginError::Unexpected(_))));
    assert!(matches!(changed, Err(ManageLoginError::Unexpected(_))));
    assert!(users.user(&email("tess@acme.example")).is_none());
    assert_eq!(
        users.user(&l.email).unwrap(),
        before,
        "not reset, not disabled"
    );
    let s = m.state();
    assert!(s.outbox.is_empty() && s.audit.is_empty());
    assert_eq!(s.logins[&l.login_id], l);
}
