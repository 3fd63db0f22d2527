//! A login's own name, password and sign-in address (`/me`), on the in-memory ports.

use super::*;
use crate::customers::Customer;
use crate::logins::{Login, confirm_email_change};
use crate::memory::fixtures::{admin, email};
use crate::memory::{Memory, MemorySealer, Users};
use crate::outbox::EmailMessage;
use crate::portal::Portal;
use crate::secret::LinkToken;
use crate::session::{ActingAs, Session};

const PASSWORD: &str = "Chosen-passw0rd";

fn mailroom() -> Mailroom<MemorySealer> {
    Mailroom {
        portal: Portal::new("https://portal.example", 3600),
        sealer: MemorySealer::default(),
    }
}

/// An account's login whose user signs in with [`PASSWORD`].
fn login_with_user() -> (Memory, Users, Customer, Login) {
    let (m, users) = (Memory::new(), Users::default());
    let (c, l, _) = m.buyer();
    users.users.lock().unwrap().insert(
        l.email.clone(),
        crate::memory::identity_user(l.cognito_sub.clone().unwrap()),
    );
    (m, users, c, l)
}

/// The token of the last email-change link sent.
async fn last_email_change_token(m: &Memory) -> LinkToken {
    let items = m.state().outbox.clone();
    for o in items.into_iter().rev() {
        if let EmailMessage::EmailChange { confirm_url, .. } =
            o.open(&MemorySealer::default()).await.unwrap().message
        {
            return LinkToken::parse(confirm_url.expose().rsplit('/').next().unwrap())
                .expect("a token");
        }
    }
    panic!("an email change email")
}

fn own(m: &Memory, c: &Customer, l: &Login) -> Session {
    m.session(c, l)
}

fn acting(m: &Memory, c: &Customer, l: &Login) -> Session {
    let mut s = m.session(c, l);
    s.acting = Some(ActingAs {
        admin: admin(),
        reason: "Phoned in".into(),
    });
    s
}

fn password_change(current: &str, new: &str) -> ChangePasswordBody {
    ChangePasswordBody {
        current_password: current.into(),
        new_password: new.into(),
    }
}

#[tokio::test]
async fn a_wrong_current_password_is_refused_by_name_and_changes_nothing() {
    let (m, users, c, l) = login_with_user();
    let wrong = change_my_password(
        &m,
        &users,
        &own(&m, &c, &l),
        password_change("Guess-passw0rd1", "Brand-new-passw0rd"),
    )
    .await;
    let Err(OwnLoginError::Invalid(errors)) = wrong else {
        panic!("{wrong:?}")
    };
    assert_eq!(errors[0].field, "current_password");
    let user = users.user(&l.email).unwrap();
    assert_eq!((user.password.as_str(), user.sign_outs), (PASSWORD, 0));
    assert!(m.state().audit.is_empty());
}

#[tokio::test]
async fn the_right_current_password_sets_the_new_one_and_ends_every_session() {
    let (m, users, c, l) = login_with_user();
    change_my_password(
        &m,
        &users,
        &own(&m, &c, &l),
        password_change(PASSWORD, "Brand-new-passw0rd"),
    )
    .await
    .unwrap();
    let user = users.user(&l.email).unwrap();
    assert_eq!(
        (user.password.as_str(), user.sign_outs),
        ("Brand-new-passw0rd", 1)
    );
    let entry = m.state().audit.last().unwrap().clone();
    assert_eq!(
        (entry.action.as_str(), entry.actor.kind),
        ("login.password_changed", "login")
    );
}

#[tokio::test]
async fn a_weak_or_unchanged_new_password_is_refused_before_the_pool_is_asked() {
    let (m, users, c, l) = login_with_user();
    for (new, why) in [("short", "at least"), (PASSWORD, "differ")] {
        let refused =
            change_my_password(&m, &users, &own(&m, &c, &l), password_change(PASSWORD, new)).await;
        let Err(OwnLoginError::Invalid(errors)) = refused else {
            panic!("{refused:?}")
        };
        assert_eq!(errors[0].field, "new_password");
        assert!(errors[0].message.contains(why), "{}", errors[0].message);
    }
}

#[tokio::test]
async fn an_admin_acting_as_a_login_cannot_change_its_password_or_address() {
    let (m, users, c, l) = login_with_user();
    let session = acting(&m, &c, &l);
    let password = change_my_password(
        &m,
        &users,
        &session,
        password_change(PASSWORD, "Brand-new-passw0rd"),
    )
    .await;
    assert!(
        matches!(password, Err(OwnLoginError::ActingAs)),
        "{password:?}"
    );
    let body = ChangeEmailBody {
        email: "new@acme.example".into(),
    };
    let address = change_my_email(&m, &users, &mailroom(), &session, body).await;
    assert!(
        matches!(address, Err(OwnLoginError::ActingAs)),
        "{address:?}"
    );
    assert!(m.state().outbox.is_empty() && m.state().audit.is_empty());
}

#[tokio::test]
async fn a_login_renames_itself_and_an_admin_acting_as_it_is_audited_as_the_admin() {
    let (m, users, c, l) = login_with_user();
    let body = UpdateMeBody {
        name: Some("Ann B. Baker".into()),
    };
    let me = update_me(&m, &users, &own(&m, &c, &l), body).await.unwrap();
    assert_eq!(me.login.name.as_str(), "Ann B. Baker");
    assert_eq!(m.state().logins[&l.login_id].name.as_str(), "Ann B. Baker");
    assert_eq!(m.state().audit.last().unwrap().actor.kind, "login");

    let renamed = m.state().logins[&l.login_id].clone();
    let body = UpdateMeBody {
        name: Some("Ann Baker".into()),
    };
    update_me(&m, &users, &acting(&m, &c, &renamed), body)
        .await
        .unwrap();
    let entry = m.state().audit.last().unwrap().clone();
    assert_eq!(entry.actor.kind, "admin");
    assert_eq!(entry.acting_as.as_ref(), Some(&l.login_id));
}

#[tokio::test]
async fn a_new_address_is_sent_a_confirmation_link_and_a_taken_one_is_refused() {
    let (m, users, c, l) = login_with_user();
    let other = m.login(&c, "Bo Baker");
    let taken = ChangeEmailBody {
        email: other.email.to_string(),
    };
    let refused = change_my_email(&m, &users, &mailroom(), &own(&m, &c, &l), taken).await;
    assert!(
        matches!(refused, Err(OwnLoginError::Conflict(_))),
        "{refused:?}"
    );
    assert!(m.state().outbox.is_empty());

    let body = ChangeEmailBody {
        email: "ann.new@acme.example".into(),
    };
    let login = change_my_email(&m, &users, &mailroom(), &own(&m, &c, &l), body)
        .await
        .unwrap();
    assert_eq!(login.pending_email, Some(email("ann.new@acme.example")));
    let token = last_email_change_token(&m).await;
    confirm_email_change(&m, &users, &token).await.unwrap();
    assert!(users.user(&email("ann.new@acme.example")).is_some());
}
