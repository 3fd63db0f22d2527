//! A forgotten password, reset from an emailed link.

use super::*;
use crate::domain::Timestamp;
use std::net::{IpAddr, Ipv4Addr};

const SOURCE: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));

/// Asks for a reset of `address` and lets the notifier handle the request.
async fn ask_reset(m: &Memory, address: &str) -> ResetOutcome {
    let body = ResetRequestBody {
        email: address.into(),
    };
    request_password_reset(m, body, SOURCE).await.unwrap();
    let id = m
        .state()
        .reset_requests
        .values()
        .filter(|(_, handled)| !handled)
        .map(|(r, _)| r.request_id.clone())
        .next()
        .expect("a pending request");
    issue_password_reset(m, &mailroom(), &id).await.unwrap()
}

/// The token of the last reset link sent.
async fn last_reset_token(m: &Memory) -> LinkToken {
    let url = opened_outbox(m)
        .await
        .into_iter()
        .rev()
        .find_map(|message| match message {
            EmailMessage::PasswordResetLink { reset_url, .. } => Some(reset_url),
            _ => None,
        })
        .expect("a reset email");
    assert!(url.expose().starts_with("https://portal.example/#/reset/"));
    LinkToken::parse(url.expose().rsplit('/').next().unwrap()).expect("a token")
}

fn new_password(p: &str) -> NewPasswordBody {
    NewPasswordBody { password: p.into() }
}

#[tokio::test]
async fn an_active_login_gets_one_link_and_an_unknown_address_gets_nothing() {
    let (m, _users, _c, l) = login_with_user();

    assert_eq!(
        ask_reset(&m, "nobody@acme.example").await,
        ResetOutcome::NoLogin
    );
    assert!(m.state().outbox.is_empty());

    assert_eq!(
        ask_reset(&m, l.email.as_str()).await,
        ResetOutcome::LinkSent
    );
    assert_eq!(m.state().outbox.len(), 1);
    let id = m.state().reset_requests.keys().last().unwrap().clone();
    assert_eq!(
        issue_password_reset(&m, &mailroom(), &id).await.unwrap(),
        ResetOutcome::AlreadyHandled,
        "a redelivered record sends nothing twice"
    );
    assert_eq!(m.state().outbox.len(), 1);
    let preview = preview_password_reset(&m, &last_reset_token(&m).await)
        .await
        .unwrap();
    assert_eq!(preview.email, l.email);
}

#[tokio::test]
async fn a_disabled_login_or_a_closed_account_is_sent_no_link() {
    let (m, _users, c, l) = login_with_user();
    m.state().logins.get_mut(&l.login_id).unwrap().status = LoginStatus::Disabled;
    assert_eq!(ask_reset(&m, l.email.as_str()).await, ResetOutcome::NoLogin);

    m.state().logins.get_mut(&l.login_id).unwrap().status = LoginStatus::Active;
    m.state().customers.get_mut(&c.customer_id).unwrap().status = CustomerStatus::Deleted;
    assert_eq!(ask_reset(&m, l.email.as_str()).await, ResetOutcome::NoLogin);
    assert!(m.state().outbox.is_empty());
}

#[tokio::test]
async fn an_address_over_its_quota_is_refused_and_nothing_is_stored() {
    let m = Memory::new();
    for _ in 0..PER_ADDRESS.limit {
        let body = ResetRequestBody {
            email: "ann@acme.example".into(),
        };
        request_password_reset(&m, body, SOURCE).await.unwrap();
    }
    let body = ResetRequestBody {
        email: "ANN@acme.example".into(),
    };
    let refused = request_password_reset(&m, body, SOURCE).await;
    assert!(
        matches!(refused, Err(ResetRequestError::Throttled { retry_after }) if (1..=3600).contains(&retry_after)),
        "{refused:?}"
    );
    assert_eq!(m.state().reset_requests.len(), PER_ADDRESS.limit as usize);

    let other = ResetRequestBody {
        email: "bo@acme.example".into(),
    };
    request_password_reset(&m, other, SOURCE)
        .await
        .expect("another address from the same source is still within its quota");
}

#[tokio::test]
async fn a_malformed_address_is_refused_by_name_and_stores_nothing() {
    let m = Memory::new();
    let body = ResetRequestBody {
        email: "not an address".into(),
    };
    let Err(ResetRequestError::Invalid(errors)) = request_password_reset(&m, body, SOURCE).await
    else {
        panic!("invalid")
    };
    assert_eq!(errors[0].field, "email");
    assert!(m.state().reset_requests.is_empty() && m.state().quotas.is_empty());
}

#[tokio::test]
async fn the_link_sets_the_password_ends_every_session_and_works_once() {
    let (m, users, _c, l) = login_with_user();
    ask_reset(&m, l.email.as_str()).await;
    let token = last_reset_token(&m).await;

    let done = complete_password_reset(&m, &users, &token, new_password("Brand-new-passw0rd"))
        .await
        .unwrap();

    assert_eq!(done.login_id, l.login_id);
    let user = users.user(&l.email).unwrap();
    assert_eq!(user.password, "Brand-new-passw0rd");
    assert_eq!(user.sign_outs, 1);
    assert_eq!(
        m.state().audit.last().unwrap().action,
        "login.password_reset_by_link"
    );
    let again = complete_password_reset(&m, &users, &token, new_password("Other-passw0rd1")).await;
    assert!(matches!(again, Err(PasswordResetError::Gone)), "{again:?}");
    assert!(matches!(
        preview_password_reset(&m, &token).await,
        Err(PasswordResetError::Gone)
    ));
    assert_eq!(users.user(&l.email).unwrap().password, "Brand-new-passw0rd");
}

#[tokio::test]
async fn a_weak_password_is_refused_by_name_and_the_link_still_works() {
    let (m, users, _c, l) = login_with_user();
    ask_reset(&m, l.email.as_str()).await;
    let token = last_reset_token(&m).await;

    let weak = complete_password_reset(&m, &users, &token, new_password("short")).await;
    let Err(PasswordResetError::Invalid(errors)) = weak else {
        panic!("{weak:?}")
    };
    assert_eq!(errors[0].field, "password");
    assert_eq!(users.user(&l.email).unwrap().sign_outs, 0);
    complete_password_reset(&m, &users, &token, new_password("Brand-new-passw0rd"))
        .await
        .expect("the link was not spent");
}

#[tokio::test]
async fn an_expired_link_or_one_for_a_disabled_login_is_gone_and_changes_nothing() {
    let (m, users, _c, l) = login_with_user();
    ask_reset(&m, l.email.as_str()).await;
    let token = last_reset_token(&m).await;
    m.state().logins.get_mut(&l.login_id).unwrap().status = LoginStatus::Disabled;
    let refused =
        complete_password_reset(&m, &users, &token, new_password("Brand-new-passw0rd")).await;
    assert!(
        matches!(refused, Err(PasswordResetError::Gone)),
        "{refused:?}"
    );

    m.state().logins.get_mut(&l.login_id).unwrap().status = LoginStatus::Active;
    for r in m.state().resets.values_mut() {
        r.expires_at = Timestamp::now().plus_seconds(-1);
    }
    let expired =
        complete_password_reset(&m, &users, &token, new_password("Brand-new-passw0rd")).await;
    assert!(
        matches!(expired, Err(PasswordResetError::Gone)),
        "{expired:?}"
    );
    assert_eq!(users.user(&l.email).unwrap().password, PASSWORD);
    let unknown = LinkToken::generate();
    assert!(matches!(
        preview_password_reset(&m, &unknown).await,
        Err(PasswordResetError::NotFound)
    ));
}
