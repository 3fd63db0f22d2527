//! Logins, invitations and email changes in memory, with the table's conditions.

use super::{Memory, State, keep_record, key_free, sorted};
use crate::customers::Customer;
use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::ids::{CustomerId, InvitationId, LoginId};
use crate::logins::{
    Acceptance, EmailChange, EmailChangeStore, Invitation, InvitationLink, InvitationStatus,
    InvitationStore, LinkClaim, Login, LoginAndAccount, LoginStatus, LoginStore, LoginStoreError,
    LoginWrite, Members, Provisioning, SubLink,
};
use crate::reads::ItemRef;

/// The customer's part of a login write: its status change at its version, or that it is open.
fn customer_holds(s: &State, (before, after): &(Customer, Option<Customer>)) -> bool {
    let stored = s.customers.get(&before.customer_id);
    match after {
        Some(_) => stored.is_some_and(|c| c.version == before.version),
        None => stored.is_some_and(|c| !c.is_deleted()),
    }
}

fn apply_customer(s: &mut State, (_, after): &(Customer, Option<Customer>)) {
    if let Some(after) = after {
        s.customers.insert(after.customer_id.clone(), after.clone());
    }
}

fn link_of(l: &Login) -> Option<SubLink> {
    l.cognito_sub.as_ref().map(|sub| SubLink {
        sub: sub.clone(),
        login_id: l.login_id.clone(),
        customer_id: l.customer_id.clone(),
        status: l.status,
    })
}

fn version_holds<T>(stored: Option<&T>, version: impl Fn(&T) -> u64, expected: u64) -> bool {
    stored.is_some_and(|t| version(t) == expected)
}

#[async_trait::async_trait]
impl LoginStore for Memory {
    async fn login(&self, id: &LoginId) -> Result<Option<Login>, Unexpected> {
        Ok(self.get(ItemRef::Login(id.clone()), |s| s.logins.get(id)))
    }

    async fn sub_link(&self, sub: &str) -> Result<Option<SubLink>, Unexpected> {
        Ok(self.get(ItemRef::SubLink(sub.to_owned()), |s| s.sub_links.get(sub)))
    }

    async fn login_and_customer(
        &self,
        l: &LoginId,
        c: &CustomerId,
    ) -> Result<LoginAndAccount, Unexpected> {
        self.read(ItemRef::Login(l.clone()));
        self.read(ItemRef::Customer(c.clone()));
        let s = self.state();
        Ok((s.logins.get(l).cloned(), s.customers.get(c).cloned()))
    }

    async fn members(&self, c: &CustomerId) -> Result<Members, Unexpected> {
        let s = self.state();
        let logins = sorted(s.logins.values().filter(|l| &l.customer_id == c), |l| {
            (l.created_at, l.login_id.clone())
        });
        let invitations = sorted(
            s.invitations.values().filter(|i| &i.customer_id == c),
            |i| (i.created_at, i.invitation_id.clone()),
        );
        Ok((logins, invitations))
    }

    async fn login_email_taken(&self, email: &Email) -> Result<bool, Unexpected> {
        Ok(self.state().login_emails.contains_key(email))
    }

    async fn provision(&self, p: &Provisioning) -> Result<(), LoginStoreError> {
        if self.contended() {
            return Err(LoginStoreError::Contention);
        }
        let mut s = self.state();
        if !key_free(&s, p.idempotency.as_ref()) {
            return Err(LoginStoreError::KeyTaken);
        }
        if s.login_emails.contains_key(&p.login.email) {
            return Err(LoginStoreError::DuplicateEmail);
        }
        if !customer_holds(&s, &p.customer) {
            return Err(LoginStoreError::Stale);
        }
        keep_record(&mut s, p.idempotency.as_ref());
        s.login_emails
            .insert(p.login.email.clone(), p.login.login_id.clone());
        s.logins.insert(p.login.login_id.clone(), p.login.clone());
        apply_customer(&mut s, &p.customer);
        s.audit.push(p.audit.clone());
        if let Some(link) = &p.sub_link {
            s.sub_links.insert(link.sub.clone(), link.clone());
        }
        if let Some((i, hash)) = &p.invitation {
            s.invitations.insert(i.invitation_id.clone(), i.clone());
            s.tokens.insert(hash.clone(), i.invitation_id.clone());
        }
        s.outbox.extend(p.outbox.clone());
        Ok(())
    }

    async fn write(&self, w: &LoginWrite) -> Result<(), LoginStoreError> {
        if self.contended() {
            return Err(LoginStoreError::Contention);
        }
        let mut s = self.state();
        let fresh = w.login.as_ref().is_none_or(|(before, _)| {
            version_holds(
                s.logins.get(&before.login_id),
                |l| l.version,
                before.version,
            )
        }) && w.invitation.as_ref().is_none_or(|(before, _)| {
            version_holds(
                s.invitations.get(&before.invitation_id),
                |i| i.version,
                before.version,
            )
        }) && w.email_change.as_ref().is_none_or(|c| {
            let stored = s.email_changes.get(&c.token_hash);
            if c.confirmed {
                stored.is_some_and(|old| {
                    !old.confirmed && old.claim.is_some() && old.claim == c.claim
                })
            } else {
                stored.is_none()
            }
        });
        if !fresh {
            return Err(LoginStoreError::Stale);
        }
        let login_id = w.login.as_ref().map(|(l, _)| l.login_id.clone());
        if let (Some(email), Some(_)) = (&w.reserve_email, &login_id)
            && s.login_emails.contains_key(email)
        {
            return Err(LoginStoreError::DuplicateEmail);
        }
        if let Some((before, after)) = &w.login {
            s.logins.insert(after.login_id.clone(), after.clone());
            if let Some(link) = link_of(after) {
                s.sub_links.insert(link.sub.clone(), link);
            }
            if after.status == LoginStatus::Deleted
                && s.login_emails.get(&before.email) == Some(&before.login_id)
            {
                s.login_emails.remove(&before.email);
            }
        }
        if let Some(i) = &w.new_invitation {
            s.invitations.insert(i.invitation_id.clone(), i.clone());
            s.tokens
                .insert(i.token_hash.clone(), i.invitation_id.clone());
        }
        if let Some((_, after)) = &w.invitation {
            s.invitations
                .insert(after.invitation_id.clone(), after.clone());
            if let Some(hash) = &w.new_token {
                s.tokens.insert(hash.clone(), after.invitation_id.clone());
            }
        }
        if let Some(c) = &w.email_change {
            s.email_changes.insert(c.token_hash.clone(), c.clone());
        }
        if let (Some(email), Some(id)) = (&w.reserve_email, &login_id) {
            s.login_emails.insert(email.clone(), id.clone());
        }
        if let (Some(email), Some(id)) = (&w.release_email, &login_id)
            && s.login_emails.get(email) == Some(id)
        {
            s.login_emails.remove(email);
        }
        s.outbox.extend(w.outbox.clone());
        s.audit.push(w.audit.clone());
        Ok(())
    }
}

#[async_trait::async_trait]
impl InvitationStore for Memory {
    async fn invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, Unexpected> {
        Ok(self.state().invitations.get(id).cloned())
    }

    async fn invitation_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<InvitationLink>, Unexpected> {
        let s = self.state();
        let Some(invitation) = s
            .tokens
            .get(token_hash)
            .and_then(|id| s.invitations.get(id))
            .cloned()
        else {
            return Ok(None);
        };
        Ok(Some(InvitationLink {
            login: s.logins.get(&invitation.login_id).cloned(),
            customer: s.customers.get(&invitation.customer_id).cloned(),
            invitation,
        }))
    }

    async fn claim_invitation(
        &self,
        i: &Invitation,
        claim: &str,
        now: Timestamp,
    ) -> Result<(), LoginStoreError> {
        let mut s = self.state();
        let Some(stored) = s.invitations.get_mut(&i.invitation_id) else {
            return Err(LoginStoreError::Stale);
        };
        if stored.status != InvitationStatus::Pending
            || stored.token_hash != i.token_hash
            || stored.expires_at <= now
        {
            return Err(LoginStoreError::Stale);
        }
        stored.status = InvitationStatus::Accepting;
        stored.claim = Some(claim.to_owned());
        s.claims
            .insert(i.invitation_id.clone(), (claim.to_owned(), now));
        Ok(())
    }

    async fn release_invitation(&self, i: &Invitation, claim: &str) -> Result<(), Unexpected> {
        let mut s = self.state();
        if let Some(stored) = s.invitations.get_mut(&i.invitation_id)
            && stored.status == InvitationStatus::Accepting
            && stored.claim.as_deref() == Some(claim)
        {
            stored.status = InvitationStatus::Pending;
            stored.claim = None;
            s.claims.remove(&i.invitation_id);
        }
        Ok(())
    }

    async fn accept(&self, a: &Acceptance) -> Result<(), LoginStoreError> {
        if self.contended() {
            return Err(LoginStoreError::Contention);
        }
        let mut s = self.state();
        let claimed = s
            .invitations
            .get(&a.invitation.invitation_id)
            .is_some_and(|i| {
                i.status == InvitationStatus::Accepting && i.claim.as_deref() == Some(&a.claim)
            });
        let fresh = version_holds(
            s.logins.get(&a.login_before.login_id),
            |l| l.version,
            a.login_before.version,
        );
        let new_link = a
            .sub_link
            .as_ref()
            .is_none_or(|l| !s.sub_links.contains_key(&l.sub));
        if !(claimed && fresh && new_link && customer_holds(&s, &a.customer)) {
            return Err(LoginStoreError::Stale);
        }
        let mut accepted = a.invitation.clone();
        accepted.status = InvitationStatus::Accepted;
        accepted.claim = None;
        accepted.version += 1;
        s.invitations
            .insert(accepted.invitation_id.clone(), accepted);
        s.claims.remove(&a.invitation.invitation_id);
        s.logins
            .insert(a.login_after.login_id.clone(), a.login_after.clone());
        apply_customer(&mut s, &a.customer);
        s.audit.push(a.audit.clone());
        if let Some(link) = &a.sub_link {
            s.sub_links.insert(link.sub.clone(), link.clone());
        }
        Ok(())
    }

    async fn open_invitations(&self, now: Timestamp) -> Result<Vec<Invitation>, Unexpected> {
        Ok(self
            .state()
            .invitations
            .values()
            .filter(|i| {
                i.status == InvitationStatus::Accepting
                    || (i.status == InvitationStatus::Pending && i.is_expired(now))
            })
            .cloned()
            .collect())
    }

    async fn expire_invitation(&self, i: &Invitation) -> Result<bool, Unexpected> {
        let mut s = self.state();
        match s.invitations.get_mut(&i.invitation_id) {
            Some(stored)
                if stored.status == InvitationStatus::Pending && stored.version == i.version =>
            {
                stored.status = InvitationStatus::Expired;
                stored.version += 1;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn claim_of(&self, i: &Invitation) -> Result<Option<(String, Timestamp)>, Unexpected> {
        Ok(self.state().claims.get(&i.invitation_id).cloned())
    }
}

#[async_trait::async_trait]
impl EmailChangeStore for Memory {
    async fn email_change(&self, token_hash: &str) -> Result<Option<EmailChange>, Unexpected> {
        Ok(self.state().email_changes.get(token_hash).cloned())
    }

    async fn claim_email_change(
        &self,
        change: &EmailChange,
        claim: &LinkClaim,
    ) -> Result<(), LoginStoreError> {
        let mut s = self.state();
        match s.email_changes.get_mut(&change.token_hash) {
            Some(stored)
                if claim.may_take(stored.confirmed, stored.expires_at, stored.claim.as_ref()) =>
            {
                stored.claim = Some(claim.clone());
                Ok(())
            }
            _ => Err(LoginStoreError::Stale),
        }
    }

    async fn release_email_change(
        &self,
        change: &EmailChange,
        claim: &LinkClaim,
    ) -> Result<(), Unexpected> {
        let mut s = self.state();
        if let Some(stored) = s.email_changes.get_mut(&change.token_hash)
            && stored
                .claim
                .as_ref()
                .is_some_and(|held| held.id == claim.id)
        {
            stored.claim = None;
        }
        Ok(())
    }
}
