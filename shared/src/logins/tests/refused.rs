//! What a user pool's refusal of an address becomes: a 4xx that names what to change, with
//! nothing written and nothing left in the pool, never a 500.

use super::*;
use crate::http::Problem;
use std::collections::BTreeSet;

/// A user pool that refuses `address`, as Cognito refuses some addresses that pass our rule.
fn pool_refusing(address: &str) -> Users {
    Users {
        refuses: BTreeSet::from([email(address)]),
        ..Users::default()
    }
}

fn accept_body() -> AcceptBody {
    AcceptBody {
        password: PASSWORD.into(),
        name: None,
    }
}

/// Asserts that `refused` reaches the client as a 409 `email-refused` problem.
fn assert_email_refused(refused: impl Into<Problem>) {
    let problem = refused.into();
    assert_eq!(
        (problem.status, problem.kind.as_str()),
        (409, "/problems/email-refused")
    );
}

#[tokio::test]
async fn an_address_the_pool_refuses_is_a_400_naming_email_and_nothing_is_written() {
    for mode in [
        ProvisionMode::Password(PASSWORD.into()),
        ProvisionMode::TemporaryPassword,
    ] {
        let (m, _, c) = acme(|c| c.status = CustomerStatus::Pending);
        let users = pool_refusing("ivy@acme.example");

        let refused = provision_login(
            &m,
            &users,
            &mailroom(),
            &admin(),
            &c.customer_id,
            new_login("ivy@acme.example", mode.clone()),
            None,
        )
        .await
        .unwrap_err();

        assert!(
            matches!(refused, ProvisionError::EmailRefused(_)),
            "{mode:?}"
        );
        let problem = Problem::from(refused);
        assert_eq!(problem.status, 400);
        assert_eq!(problem.errors[0].field, "email");
        assert!(
            !problem.errors[0]
                .message
                .contains("Invalid email address format")
        );
        let s = m.state();
        assert!(s.logins.is_empty() && s.login_emails.is_empty() && s.invitations.is_empty());
        assert!(s.outbox.is_empty() && s.audit.is_empty(), "{mode:?}");
        assert_eq!(s.customers[&c.customer_id].status, CustomerStatus::Pending);
        assert!(users.users.lock().unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_invited_address_the_pool_refuses_is_a_409_at_accept_and_the_link_stays_usable() {
    let (m, users, c) = acme(|_| {});
    let token = invite(&m, &users, &c).await;
    let refusing = pool_refusing("ivy@acme.example");

    let refused = accept_invitation(&m, &refusing, &token, accept_body())
        .await
        .unwrap_err();

    assert!(matches!(refused, InvitationError::EmailRefused(_)));
    assert_email_refused(refused);
    assert!(
        m.state()
            .logins
            .values()
            .all(|l| l.status == LoginStatus::Invited)
    );
    assert!(refusing.users.lock().unwrap().is_empty());
    assert!(
        accept_invitation(&m, &users, &token, accept_body())
            .await
            .is_ok(),
        "the claim was given back, so a pool that takes the address can still use the link"
    );
}

#[tokio::test]
async fn a_new_address_the_pool_refuses_is_a_409_at_confirmation_and_the_sign_in_email_stays() {
    let (m, mut users, _, l) = login_with_user();
    change_email(&m, &users, &l, None).await;
    users.refuses.insert(email("new@acme.example"));

    let refused = confirm_email_change(&m, &users, &last_email_change_token(&m).await)
        .await
        .unwrap_err();

    assert!(matches!(refused, EmailChangeError::EmailRefused(_)));
    assert_email_refused(refused);
    assert_eq!(m.state().logins[&l.login_id].email, l.email);
    assert!(users.user(&l.email).is_some(), "the user keeps its address");
}
