//! The login use cases on the in-memory ports and user pool.

use super::*;
use crate::customers::CustomerStatus;
use crate::idempotency::Written;
use crate::memory::fixtures::{admin, email};
use crate::memory::{Memory, Users};
use crate::outbox::EmailMessage;
use crate::portal::Portal;
use crate::secret::LinkToken;

const PASSWORD: &str = "Chosen-passw0rd";

fn portal() -> Portal {
    Portal::new("https://portal.example", 3600)
}

fn new_login(addr: &str, mode: ProvisionMode) -> NewLogin {
    NewLogin {
        name: LoginName::parse("Ivy").unwrap(),
        email: email(addr),
        mode,
    }
}

/// The token in the link of the last invitation email sent.
fn last_link_token(m: &Memory) -> LinkToken {
    let s = m.state();
    let url = s
        .outbox
        .iter()
        .rev()
        .find_map(|o| match &o.message {
            EmailMessage::Invitation { accept_url, .. } => Some(accept_url.clone()),
            _ => None,
        })
        .expect("an invitation email");
    LinkToken::parse(url.rsplit('/').next().unwrap()).expect("a token")
}

/// Invites `ivy@acme.example` to `c` and returns the link's token.
async fn invite(m: &Memory, users: &Users, c: &crate::customers::Customer) -> LinkToken {
    provision_login(
        m,
        users,
        &portal(),
        &admin(),
        &c.customer_id,
        new_login("ivy@acme.example", ProvisionMode::Invite),
        None,
    )
    .await
    .unwrap();
    last_link_token(m)
}

#[tokio::test]
async fn an_invited_login_gets_a_link_and_moves_its_account_on() {
    let m = Memory::new();
    let users = Users::default();
    let c = m.customer("Acme", |c| c.status = CustomerStatus::Pending);

    let Written::New(p) = provision_login(
        &m,
        &users,
        &portal(),
        &admin(),
        &c.customer_id,
        new_login("ivy@acme.example", ProvisionMode::Invite),
        None,
    )
    .await
    .unwrap() else {
        panic!("a new login")
    };

    assert_eq!(p.login.status, LoginStatus::Invited);
    assert!(p.invitation.is_some());
    assert!(
        users.user(&email("ivy@acme.example")).is_none(),
        "no user before the link is used"
    );
    assert_eq!(
        m.state().customers[&c.customer_id].status,
        CustomerStatus::Invited
    );
    let token = last_link_token(&m);
    let preview = preview_invitation(&m, &token).await.unwrap();
    assert_eq!(preview.login_name, "Ivy");
}

#[tokio::test]
async fn an_accepted_link_makes_the_user_activates_the_login_and_works_once() {
    let m = Memory::new();
    let users = Users::default();
    let c = m.customer("Acme", |c| c.status = CustomerStatus::Pending);
    let token = invite(&m, &users, &c).await;
    let body = || AcceptBody {
        password: PASSWORD.into(),
        name: None,
    };

    let accepted = accept_invitation(&m, &users, &token, body()).await.unwrap();
    let again = accept_invitation(&m, &users, &token, body()).await;

    let user = users.user(&email("ivy@acme.example")).expect("a user");
    assert!(!user.temporary);
    let s = m.state();
    assert_eq!(s.logins[&accepted.login_id].status, LoginStatus::Active);
    assert_eq!(s.customers[&c.customer_id].status, CustomerStatus::Active);
    assert!(s.sub_links.contains_key(&user.sub));
    assert!(matches!(again, Err(InvitationError::Gone)));
}

#[tokio::test]
async fn a_failed_accept_leaves_the_link_usable_and_no_user_behind() {
    let m = Memory::new();
    let users = Users::default();
    let c = m.customer("Acme", |_| {});
    let token = invite(&m, &users, &c).await;
    m.contend_next_writes(1);

    let failed = accept_invitation(
        &m,
        &users,
        &token,
        AcceptBody {
            password: PASSWORD.into(),
            name: None,
        },
    )
    .await;

    assert!(failed.is_err());
    assert!(users.user(&email("ivy@acme.example")).is_none());
    assert!(
        preview_invitation(&m, &token).await.is_ok(),
        "the link still works"
    );
}

#[tokio::test]
async fn a_temporary_password_is_emailed_and_a_taken_address_is_refused() {
    let m = Memory::new();
    let users = Users::default();
    let c = m.customer("Acme", |_| {});
    let (portal, admin) = (portal(), admin());
    let create = |addr: &str| {
        provision_login(
            &m,
            &users,
            &portal,
            &admin,
            &c.customer_id,
            new_login(addr, ProvisionMode::TemporaryPassword),
            None,
        )
    };

    create("ben@acme.example").await.unwrap();
    let twice = create("ben@acme.example").await;

    assert!(users.user(&email("ben@acme.example")).unwrap().temporary);
    assert_eq!(m.state().outbox[0].message.template(), "temporary_password");
    assert!(matches!(twice, Err(ProvisionError::DuplicateEmail)));
}

#[tokio::test]
async fn a_disabled_login_is_signed_out_and_an_email_change_waits_for_its_confirmation() {
    let m = Memory::new();
    let users = Users::default();
    let (c, l, _) = m.buyer();
    users.users.lock().unwrap().insert(
        l.email.clone(),
        crate::memory::identity_user(l.cognito_sub.clone().unwrap()),
    );
    let change = UpdateLoginBody {
        name: None,
        email: Some("new@acme.example".into()),
        enabled: Some(false),
    };

    let after = update_login(&m, &users, &portal(), &admin(), &l.login_id, change)
        .await
        .unwrap();

    assert_eq!(after.status, LoginStatus::Disabled);
    assert_eq!(
        after.email, l.email,
        "the sign-in email changes only once confirmed"
    );
    assert_eq!(after.pending_email, Some(email("new@acme.example")));
    assert!(!users.user(&l.email).unwrap().enabled);
    let s = m.state();
    assert!(
        s.login_emails.contains_key(&email("new@acme.example")),
        "reserved"
    );
    assert_eq!(
        s.sub_links[l.cognito_sub.as_ref().unwrap()].status,
        LoginStatus::Disabled
    );
    assert_eq!(s.outbox[0].message.template(), "email_change");
    assert_eq!(s.customers[&c.customer_id].status, CustomerStatus::Active);
}

#[tokio::test]
async fn closing_an_account_disables_its_logins_and_revokes_its_invitations() {
    let m = Memory::new();
    let users = Users::default();
    let (c, l, _) = m.buyer();
    users.users.lock().unwrap().insert(
        l.email.clone(),
        crate::memory::identity_user(l.cognito_sub.clone().unwrap()),
    );
    invite(&m, &users, &c).await;

    close_account(&m, &users, &admin(), &c.customer_id)
        .await
        .unwrap();

    let s = m.state();
    assert!(s.customers[&c.customer_id].is_deleted());
    assert_eq!(s.logins[&l.login_id].status, LoginStatus::Disabled);
    assert!(
        s.invitations
            .values()
            .all(|i| i.status == InvitationStatus::Revoked)
    );
    assert!(!users.user(&l.email).unwrap().enabled);
}

#[tokio::test]
async fn the_customer_page_lists_logins_and_invitations_oldest_first() {
    let m = Memory::new();
    let (c, l, _) = m.buyer();

    let page = customer_page(&m, &c.customer_id).await.unwrap();
    let none = customer_page(&m, &crate::ids::CustomerId::generate()).await;

    assert_eq!(page.logins[0].login_id, l.login_id);
    assert!(matches!(none, Err(ListLoginsError::CustomerNotFound)));
}
