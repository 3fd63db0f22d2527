//! The items of logins, invitations and email changes. Keys: [`crate::dynamo::keys`].

use crate::domain::Email;
use crate::dynamo::attr::{Item, Reader, n, s};
use crate::dynamo::keys::{
    EMAIL_CHANGE_SK, INVITATION_SK, LOGIN_EMAIL_GUARD_SK, LOGIN_SK, PENDING_INVITATIONS, SUB_SK,
    TOKEN_SK, customer_members_pk, email_change_pk, invitation_pk, login_email_guard_pk, login_pk,
    sub_pk, token_pk,
};
use crate::dynamo::write::Guard;
use crate::error::Unexpected;
use crate::ids::{CustomerId, InvitationId, LoginId};
use crate::logins::{
    EmailChange, Invitation, InvitationStatus, LinkClaim, Login, LoginName, LoginStatus, SubLink,
};

/// The email change's item; removed by TTL a week after it expires.
pub fn email_change_to_item(c: &EmailChange) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(email_change_pk(&c.token_hash))),
        ("SK".into(), s(EMAIL_CHANGE_SK)),
        ("type".into(), s("email_change")),
        ("login_id".into(), s(c.login_id.as_str())),
        ("customer_id".into(), s(c.customer_id.as_str())),
        ("new_email".into(), s(c.new_email.as_str())),
        (
            "status".into(),
            s(if c.confirmed { "confirmed" } else { "pending" }),
        ),
        ("expires_at".into(), s(c.expires_at.to_string())),
        ("created_at".into(), s(c.created_at.to_string())),
        ("ttl".into(), n(c.expires_at.unix_seconds() + 7 * 24 * 3600)),
    ]);
    if let Some(claim) = &c.claim {
        item.insert("claim".into(), s(&claim.id));
        item.insert("claimed_at".into(), s(claim.at.to_string()));
    }
    item
}

pub fn email_change_from_item(item: &Item) -> Result<EmailChange, Unexpected> {
    let r = Reader(item);
    Ok(EmailChange {
        token_hash: r
            .s("PK")?
            .strip_prefix("EMAILCHANGE#")
            .ok_or_else(|| bad("PK"))?
            .to_owned(),
        login_id: LoginId::parse(r.s("login_id")?).ok_or_else(|| bad("login_id"))?,
        customer_id: CustomerId::parse(r.s("customer_id")?).ok_or_else(|| bad("customer_id"))?,
        new_email: Email::stored(r.s("new_email")?).map_err(|_| bad("new_email"))?,
        expires_at: r.time("expires_at")?,
        created_at: r.time("created_at")?,
        confirmed: r.s("status")? == "confirmed",
        claim: match r.opt_s("claim") {
            Some(id) => Some(LinkClaim {
                id: id.to_owned(),
                at: r.time("claimed_at")?,
            }),
            None => None,
        },
    })
}

fn bad(what: &str) -> Unexpected {
    crate::dynamo::attr::bad("login", what)
}

pub fn login_to_item(l: &Login) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(login_pk(&l.login_id))),
        ("SK".into(), s(LOGIN_SK)),
        ("GSI1PK".into(), s(customer_members_pk(&l.customer_id))),
        (
            "GSI1SK".into(),
            s(format!("LOGIN#{}#{}", l.created_at, l.login_id)),
        ),
        ("type".into(), s("login")),
        ("login_id".into(), s(l.login_id.as_str())),
        ("customer_id".into(), s(l.customer_id.as_str())),
        ("name".into(), s(l.name.as_str())),
        ("email".into(), s(l.email.as_str())),
        ("status".into(), s(l.status.as_str())),
        ("created_at".into(), s(l.created_at.to_string())),
        ("updated_at".into(), s(l.updated_at.to_string())),
        ("version".into(), n(l.version)),
    ]);
    if let Some(e) = &l.pending_email {
        item.insert("pending_email".into(), s(e.as_str()));
    }
    if let Some(t) = &l.last_sign_in_at {
        item.insert("last_sign_in_at".into(), s(t.to_string()));
    }
    if let Some(sub) = &l.cognito_sub {
        item.insert("cognito_sub".into(), s(sub));
    }
    item
}

pub fn login_from_item(item: &Item) -> Result<Login, Unexpected> {
    let r = Reader(item);
    let email = |v: &str| Email::stored(v).map_err(|_| bad("email"));
    Ok(Login {
        login_id: LoginId::parse(r.s("login_id")?).ok_or_else(|| bad("login_id"))?,
        customer_id: CustomerId::parse(r.s("customer_id")?).ok_or_else(|| bad("customer_id"))?,
        name: LoginName::stored(r.s("name")?),
        email: email(r.s("email")?)?,
        status: LoginStatus::parse(r.s("status")?).ok_or_else(|| bad("status"))?,
        pending_email: r.opt_s("pending_email").map(email).transpose()?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        last_sign_in_at: r.opt_time("last_sign_in_at")?,
        cognito_sub: r.opt_s("cognito_sub").map(str::to_owned),
        version: r.n("version")?,
    })
}

/// The guard that keeps `email` to one login, `login`.
pub fn email_guard<'a>(email: &Email, login: &'a LoginId) -> Guard<'a> {
    Guard {
        key: (login_email_guard_pk(email), LOGIN_EMAIL_GUARD_SK),
        kind: "login_email",
        attribute: "login_id",
        owner: login.as_str(),
    }
}

pub fn sub_link_to_item(link: &SubLink) -> Item {
    Item::from([
        ("PK".into(), s(sub_pk(&link.sub))),
        ("SK".into(), s(SUB_SK)),
        ("type".into(), s("login_sub")),
        ("login_id".into(), s(link.login_id.as_str())),
        ("customer_id".into(), s(link.customer_id.as_str())),
        ("status".into(), s(link.status.as_str())),
    ])
}

pub fn sub_link_from_item(item: &Item) -> Result<SubLink, Unexpected> {
    let r = Reader(item);
    let sub = r
        .s("PK")?
        .strip_prefix("LOGINSUB#")
        .ok_or_else(|| bad("PK"))?;
    Ok(SubLink {
        sub: sub.to_owned(),
        login_id: LoginId::parse(r.s("login_id")?).ok_or_else(|| bad("login_id"))?,
        customer_id: CustomerId::parse(r.s("customer_id")?).ok_or_else(|| bad("customer_id"))?,
        status: LoginStatus::parse(r.s("status")?).ok_or_else(|| bad("status"))?,
    })
}

pub fn invitation_to_item(i: &Invitation) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(invitation_pk(&i.invitation_id))),
        ("SK".into(), s(INVITATION_SK)),
        ("GSI1PK".into(), s(customer_members_pk(&i.customer_id))),
        (
            "GSI1SK".into(),
            s(format!("INVITATION#{}#{}", i.created_at, i.invitation_id)),
        ),
        ("type".into(), s("invitation")),
        ("invitation_id".into(), s(i.invitation_id.as_str())),
        ("login_id".into(), s(i.login_id.as_str())),
        ("customer_id".into(), s(i.customer_id.as_str())),
        ("email".into(), s(i.email.as_str())),
        ("status".into(), s(i.status.as_str())),
        ("token_hash".into(), s(&i.token_hash)),
        ("expires_at".into(), s(i.expires_at.to_string())),
        ("created_at".into(), s(i.created_at.to_string())),
        ("version".into(), n(i.version)),
    ]);
    if i.status == InvitationStatus::Pending {
        item.insert("GSI2PK".into(), s(PENDING_INVITATIONS));
        item.insert(
            "GSI2SK".into(),
            s(format!("{}#{}", i.expires_at, i.invitation_id)),
        );
    }
    if let Some(c) = &i.claim {
        item.insert("claim".into(), s(c));
    }
    item
}

pub fn invitation_from_item(item: &Item) -> Result<Invitation, Unexpected> {
    let r = Reader(item);
    Ok(Invitation {
        invitation_id: InvitationId::parse(r.s("invitation_id")?)
            .ok_or_else(|| bad("invitation_id"))?,
        login_id: LoginId::parse(r.s("login_id")?).ok_or_else(|| bad("login_id"))?,
        customer_id: CustomerId::parse(r.s("customer_id")?).ok_or_else(|| bad("customer_id"))?,
        email: Email::stored(r.s("email")?).map_err(|_| bad("email"))?,
        status: InvitationStatus::parse(r.s("status")?).ok_or_else(|| bad("status"))?,
        expires_at: r.time("expires_at")?,
        created_at: r.time("created_at")?,
        token_hash: r.s("token_hash")?.to_owned(),
        claim: r.opt_s("claim").map(str::to_owned),
        version: r.n("version")?,
    })
}

/// The token's item: points at its invitation, and at the login and account it is for (ids
/// never change, so a link's page reads all three in one go); removed by TTL a week after expiry.
pub fn token_item(token_hash: &str, i: &Invitation) -> Item {
    Item::from([
        ("PK".into(), s(token_pk(token_hash))),
        ("SK".into(), s(TOKEN_SK)),
        ("type".into(), s("invitation_token")),
        ("invitation_id".into(), s(i.invitation_id.as_str())),
        ("login_id".into(), s(i.login_id.as_str())),
        ("customer_id".into(), s(i.customer_id.as_str())),
        ("ttl".into(), n(i.expires_at.unix_seconds() + 7 * 24 * 3600)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn login() -> Login {
        Login {
            login_id: LoginId::parse("lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            customer_id: CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            name: LoginName::parse("Ann Baker").unwrap(),
            email: Email::parse("ann@acme.example").unwrap(),
            status: LoginStatus::Invited,
            pending_email: None,
            created_at: at("2026-11-23T08:00:00Z"),
            updated_at: at("2026-11-23T08:00:00Z"),
            last_sign_in_at: None,
            cognito_sub: None,
            version: 1,
        }
    }

    #[test]
    fn a_login_item_is_listed_under_its_customer_and_reads_back() {
        let l = login();
        let item = login_to_item(&l);
        assert_eq!(item.len(), 13);
        assert_eq!(item["PK"], s("LOGIN#lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(
            item["GSI1PK"],
            s("CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(
            item["GSI1SK"],
            s("LOGIN#2026-11-23T08:00:00.000Z#lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(login_from_item(&item).unwrap(), l);
    }

    #[test]
    fn guard_and_sub_link_items_have_exactly_their_keys_and_pointers() {
        let l = login();
        let guard = email_guard(&l.email, &l.login_id).item();
        assert_eq!(guard.len(), 4);
        assert_eq!(guard["PK"], s("LOGINEMAIL#ann@acme.example"));
        let link = SubLink {
            sub: "abc-123".into(),
            login_id: l.login_id.clone(),
            customer_id: l.customer_id.clone(),
            status: LoginStatus::Active,
        };
        let item = sub_link_to_item(&link);
        assert_eq!(item.len(), 6);
        assert_eq!(item["PK"], s("LOGINSUB#abc-123"));
        assert_eq!(sub_link_from_item(&item).unwrap(), link);
    }

    #[test]
    fn an_email_change_is_keyed_by_its_token_hash_and_reads_back() {
        let l = login();
        let c = EmailChange {
            token_hash: "cd".repeat(32),
            login_id: l.login_id,
            customer_id: l.customer_id,
            new_email: Email::parse("new@acme.example").unwrap(),
            expires_at: at("2026-11-24T08:00:00Z"),
            created_at: at("2026-11-23T08:00:00Z"),
            confirmed: false,
            claim: None,
        };
        let item = email_change_to_item(&c);
        assert_eq!(item.len(), 10);
        assert_eq!(item["PK"], s(format!("EMAILCHANGE#{}", "cd".repeat(32))));
        assert_eq!(item["status"], s("pending"));
        assert_eq!(email_change_from_item(&item).unwrap(), c);

        let claimed = EmailChange {
            claim: Some(LinkClaim {
                id: "c1".into(),
                at: at("2026-11-23T09:00:00Z"),
            }),
            ..c
        };
        let item = email_change_to_item(&claimed);
        assert_eq!(item.len(), 12);
        assert_eq!(item["claim"], s("c1"));
        assert_eq!(item["claimed_at"], s("2026-11-23T09:00:00.000Z"));
        assert_eq!(email_change_from_item(&item).unwrap(), claimed);
    }

    #[test]
    fn only_a_pending_invitation_is_in_the_expiry_index() {
        let l = login();
        let mut i = Invitation {
            invitation_id: InvitationId::parse("inv_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            login_id: l.login_id,
            customer_id: l.customer_id,
            email: l.email,
            status: InvitationStatus::Pending,
            expires_at: at("2026-11-30T08:00:00Z"),
            created_at: at("2026-11-23T08:00:00Z"),
            token_hash: "ab".repeat(32),
            claim: None,
            version: 1,
        };
        let item = invitation_to_item(&i);
        assert_eq!(item["GSI2PK"], s("INVITATION#PENDING"));
        assert_eq!(
            item["GSI2SK"],
            s("2026-11-30T08:00:00.000Z#inv_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(invitation_from_item(&item).unwrap(), i);
        i.status = InvitationStatus::Accepted;
        assert!(!invitation_to_item(&i).contains_key("GSI2PK"));
        let token = token_item(&"ab".repeat(32), &i);
        assert_eq!(token.len(), 7);
        assert_eq!(token["PK"], s(format!("INVTOKEN#{}", "ab".repeat(32))));
        assert_eq!(token["SK"], s("INVTOKEN"));
        assert_eq!(token["invitation_id"], s(i.invitation_id.as_str()));
        assert_eq!(token["login_id"], s(i.login_id.as_str()));
        assert_eq!(token["customer_id"], s(i.customer_id.as_str()));
        assert_eq!(token["ttl"], n(i.expires_at.unix_seconds() + 604_800));
    }
}
