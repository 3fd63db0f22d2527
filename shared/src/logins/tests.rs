//! The login use cases on the in-memory ports and user pool.

use super::*;
use crate::customers::{Customer, CustomerStatus};
use crate::idempotency::Written;
use crate::memory::fixtures::{admin, email};
use crate::memory::{Memory, MemorySealer, Users};
use crate::outbox::{EmailMessage, Mailroom};
use crate::portal::Portal;
use crate::seal::Secret;
use crate::secret::LinkToken;

mod credentials;
mod refused;
mod sealed;

const PASSWORD: &str = "Chosen-passw0rd";

fn portal() -> Portal {
    Portal::new("https://portal.example", 3600)
}

/// Where the use cases write emails with secrets: the portal's links, sealed in memory.
fn mailroom() -> Mailroom<MemorySealer> {
    Mailroom {
        portal: portal(),
        sealer: MemorySealer::default(),
    }
}

fn new_login(addr: &str, mode: ProvisionMode) -> NewLogin {
    NewLogin {
        name: LoginName::parse("Ivy").unwrap(),
        email: email(addr),
        mode,
    }
}

/// The messages of the outbox, oldest first, their secrets opened as the notifier opens them.
async fn opened_outbox(m: &Memory) -> Vec<EmailMessage<Secret>> {
    let items = m.state().outbox.clone();
    let mut opened = Vec::new();
    for o in items {
        opened.push(o.open(&MemorySealer::default()).await.unwrap().message);
    }
    opened
}

/// The token in the link of the last email of `template` sent.
async fn last_token_of(m: &Memory, template: &str) -> LinkToken {
    let url = opened_outbox(m)
        .await
        .into_iter()
        .rev()
        .find_map(|message| match message {
            EmailMessage::Invitation { accept_url, .. } if template == "invitation" => {
                Some(accept_url)
            }
            EmailMessage::EmailChange { confirm_url, .. } if template == "email_change" => {
                Some(confirm_url)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("an {template} email"));
    LinkToken::parse(url.expose().rsplit('/').next().unwrap()).expect("a token")
}

/// The token in the link of the last invitation email sent.
async fn last_link_token(m: &Memory) -> LinkToken {
    last_token_of(m, "invitation").await
}

/// The token of the last email-change link sent.
async fn last_email_change_token(m: &Memory) -> LinkToken {
    last_token_of(m, "email_change").await
}

/// A fresh store and user pool with the account Acme, changed by `f` first.
fn acme(f: impl FnOnce(&mut Customer)) -> (Memory, Users, Customer) {
    let m = Memory::new();
    let c = m.customer("Acme", f);
    (m, Users::default(), c)
}

/// Invites `ivy@acme.example` to `c` and returns the link's token.
async fn invite(m: &Memory, users: &Users, c: &Customer) -> LinkToken {
    invite_as(m, users, c, "ivy@acme.example").await
}

/// Invites `address` to `c` and returns the link's token.
async fn invite_as(m: &Memory, users: &Users, c: &Customer, address: &str) -> LinkToken {
    provision_login(
        m,
        users,
        &mailroom(),
        &admin(),
        &c.customer_id,
        new_login(address, ProvisionMode::Invite),
        None,
    )
    .await
    .unwrap();
    last_link_token(m).await
}

#[tokio::test]
async fn an_invited_login_gets_a_link_and_moves_its_account_on() {
    let (m, users, c) = acme(|c| c.status = CustomerStatus::Pending);

    let Written::New(p) = provision_login(
        &m,
        &users,
        &mailroom(),
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
    let token = last_link_token(&m).await;
    let preview = preview_invitation(&m, &token).await.unwrap();
    assert_eq!(preview.login_name, "Ivy");
}

#[tokio::test]
async fn an_accepted_link_makes_the_user_activates_the_login_and_works_once() {
    let (m, users, c) = acme(|c| c.status = CustomerStatus::Pending);
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
    let (m, users, c) = acme(|_| {});
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
    let (m, users, c) = acme(|_| {});
    let (mailroom, admin) = (mailroom(), admin());
    let create = |addr: &str| {
        provision_login(
            &m,
            &users,
            &mailroom,
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

/// A fresh store and user pool holding one active login, with its user in the pool.
fn login_with_user() -> (Memory, Users, Customer, Login) {
    let (m, users) = (Memory::new(), Users::default());
    let (c, l, _) = m.buyer();
    users.users.lock().unwrap().insert(
        l.email.clone(),
        crate::memory::identity_user(l.cognito_sub.clone().unwrap()),
    );
    (m, users, c, l)
}

/// An admin changes `l`'s email to `new@acme.example`, and its `enabled` flag if given.
async fn change_email(m: &Memory, users: &Users, l: &Login, enabled: Option<bool>) -> Login {
    let change = UpdateLoginBody {
        name: None,
        email: Some("new@acme.example".into()),
        enabled,
    };
    update_login(m, users, &mailroom(), &admin(), &l.login_id, change)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_disabled_login_is_signed_out_and_an_email_change_waits_for_its_confirmation() {
    let (m, users, c, l) = login_with_user();

    let after = change_email(&m, &users, &l, Some(false)).await;

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
    let (m, users, c, l) = login_with_user();
    invite(&m, &users, &c).await;

    close_account(&m, &users, &admin(), &c.customer_id)
        .await
        .unwrap();

    {
        let s = m.state();
        assert!(s.customers[&c.customer_id].is_deleted());
        assert_eq!(s.logins[&l.login_id].status, LoginStatus::Disabled);
        assert!(
            s.invitations
                .values()
                .all(|i| i.status == InvitationStatus::Revoked)
        );
    }
    assert!(!users.user(&l.email).unwrap().enabled);

    let enable = UpdateLoginBody {
        name: None,
        email: None,
        enabled: Some(true),
    };
    let refused = update_login(&m, &users, &mailroom(), &admin(), &l.login_id, enable).await;
    assert!(
        matches!(refused, Err(ManageLoginError::Conflict(_))),
        "{refused:?}"
    );
    assert!(!users.user(&l.email).unwrap().enabled, "Cognito untouched");
    assert_eq!(m.state().logins[&l.login_id].status, LoginStatus::Disabled);
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

#[tokio::test]
async fn a_deleted_login_frees_its_email_and_loses_its_user() {
    let (m, users, _, l) = login_with_user();

    delete_login(&m, &users, &admin(), &l.login_id)
        .await
        .unwrap();
    let again = delete_login(&m, &users, &admin(), &l.login_id).await;

    assert_eq!(m.state().logins[&l.login_id].status, LoginStatus::Deleted);
    assert!(!m.state().login_emails.contains_key(&l.email));
    assert!(users.user(&l.email).is_none());
    assert!(matches!(again, Err(ManageLoginError::NotFound)));
}

#[tokio::test]
async fn a_password_reset_sends_a_temporary_password_or_a_new_link() {
    let (m, users, _, l) = login_with_user();
    let (mailroom, admin) = (mailroom(), admin());
    let reset = |mode: &str| {
        let body = PasswordResetBody { mode: mode.into() };
        reset_password(&m, &users, &mailroom, &admin, &l.login_id, body)
    };

    reset("temporary_password").await.unwrap();
    reset("invite").await.unwrap();
    let bad = reset("sms").await;

    assert!(users.user(&l.email).unwrap().temporary);
    let templates: Vec<_> = m
        .state()
        .outbox
        .iter()
        .map(|o| o.message.template())
        .collect();
    assert_eq!(templates, ["password_reset", "invitation"]);
    assert!(
        preview_invitation(&m, &last_link_token(&m).await)
            .await
            .is_ok()
    );
    assert!(matches!(bad, Err(ManageLoginError::Invalid(e)) if e[0].field == "mode"));
}

#[tokio::test]
async fn a_resent_invitation_replaces_its_link_and_a_revoked_one_is_gone() {
    let (m, users, c) = acme(|_| {});
    let first = invite(&m, &users, &c).await;
    let id = m.state().invitations.keys().next().unwrap().clone();

    resend_invitation(&m, &mailroom(), &admin(), &id)
        .await
        .unwrap();
    let second = last_link_token(&m).await;
    let old = preview_invitation(&m, &first).await;
    revoke_invitation(&m, &admin(), &id).await.unwrap();
    let revoked = preview_invitation(&m, &second).await;

    assert_ne!(first, second);
    assert!(matches!(old, Err(InvitationError::Gone)));
    assert!(matches!(revoked, Err(InvitationError::Gone)));
}

#[tokio::test]
async fn a_confirmed_email_change_becomes_the_sign_in_address_once() {
    let (m, users, _, l) = login_with_user();
    change_email(&m, &users, &l, None).await;
    let token = last_email_change_token(&m).await;

    let confirmed = confirm_email_change(&m, &users, &token).await.unwrap();
    let again = confirm_email_change(&m, &users, &token).await;

    assert_eq!(confirmed.email, email("new@acme.example"));
    assert!(users.user(&email("new@acme.example")).is_some());
    assert!(users.user(&l.email).is_none());
    let s = m.state();
    assert_eq!(s.logins[&l.login_id].pending_email, None);
    assert!(
        !s.login_emails.contains_key(&l.email),
        "the old address is free"
    );
    assert!(matches!(again, Err(EmailChangeError::Gone)));
}

#[tokio::test]
async fn a_link_held_by_another_confirmation_is_gone_until_that_claim_is_abandoned() {
    let (m, users, _, l) = login_with_user();
    change_email(&m, &users, &l, None).await;
    let token = last_email_change_token(&m).await;
    let hold = |at| {
        m.state()
            .email_changes
            .get_mut(&token.hash())
            .unwrap()
            .claim = Some(LinkClaim::new(at));
    };

    hold(crate::domain::Timestamp::now());
    let meanwhile = confirm_email_change(&m, &users, &token).await;
    assert!(matches!(meanwhile, Err(EmailChangeError::Gone)));
    assert!(
        users.user(&l.email).is_some(),
        "the identity provider is not touched"
    );

    hold(crate::domain::Timestamp::now().plus_seconds(-LinkClaim::LEASE_SECONDS - 1));
    let taken_over = confirm_email_change(&m, &users, &token).await.unwrap();
    assert_eq!(taken_over.email, email("new@acme.example"));
    assert!(m.state().email_changes[&token.hash()].confirmed);
}

#[tokio::test]
async fn housekeeping_expires_old_links_and_frees_an_accept_that_crashed() {
    let m = Memory::new();
    let users = Users::default();
    let (stale, crashed) = (
        m.customer("Stale Co", |_| {}),
        m.customer("Crashed Co", |_| {}),
    );
    invite_as(&m, &users, &stale, "ivy@stale.example").await;
    let token = invite_as(&m, &users, &crashed, "ivy@crashed.example").await;
    let now = crate::domain::Timestamp::now();
    let (stale_id, crashed_id) = {
        let s = m.state();
        let id_of = |c: &Customer| {
            s.invitations
                .values()
                .find(|i| i.customer_id == c.customer_id)
                .unwrap()
                .invitation_id
                .clone()
        };
        (id_of(&stale), id_of(&crashed))
    };
    m.state().invitations.get_mut(&stale_id).unwrap().expires_at = now.plus_seconds(-1);
    let crashed_invitation = m.state().invitations[&crashed_id].clone();
    m.claim_invitation(&crashed_invitation, "claim-1", now.plus_seconds(-3600))
        .await
        .unwrap();

    let sweep = sweep_invitations(&m, &users, now).await.unwrap();

    assert_eq!(
        sweep,
        InvitationSweep {
            expired: 1,
            released: 1
        }
    );
    assert_eq!(
        m.state().invitations[&stale_id].status,
        InvitationStatus::Expired
    );
    assert!(
        preview_invitation(&m, &token).await.is_ok(),
        "the crashed link works again"
    );
}
