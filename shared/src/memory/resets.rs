//! Password reset requests, their quotas and links in memory, with the table's conditions.

use super::Memory;
use crate::domain::Email;
use crate::error::Unexpected;
use crate::logins::{
    LinkClaim, LoginAndAccount, LoginStoreError, PasswordReset, PasswordResetStore, ResetIssue,
    ResetRequest, ResetRequestStoreError, ResetSpend,
};
use crate::throttle::Charge;

#[async_trait::async_trait]
impl PasswordResetStore for Memory {
    async fn request_reset(
        &self,
        r: &ResetRequest,
        charges: &[Charge],
    ) -> Result<(), ResetRequestStoreError> {
        let mut s = self.state();
        if let Some(at) = charges
            .iter()
            .position(|c| s.quotas.get(&c.counter).copied().unwrap_or(0) >= c.limit)
        {
            return Err(ResetRequestStoreError::OverQuota(at));
        }
        for c in charges {
            *s.quotas.entry(c.counter.clone()).or_default() += 1;
        }
        s.reset_requests
            .insert(r.request_id.clone(), (r.clone(), false));
        Ok(())
    }

    async fn reset_request(&self, id: &str) -> Result<Option<ResetRequest>, Unexpected> {
        Ok(self
            .state()
            .reset_requests
            .get(id)
            .filter(|(_, handled)| !handled)
            .map(|(r, _)| r.clone()))
    }

    async fn login_by_email(&self, email: &Email) -> Result<LoginAndAccount, Unexpected> {
        let s = self.state();
        let login = s
            .login_emails
            .get(email)
            .and_then(|id| s.logins.get(id))
            .cloned();
        let customer = login
            .as_ref()
            .and_then(|l| s.customers.get(&l.customer_id))
            .cloned();
        Ok((login, customer))
    }

    async fn issue_reset(&self, i: &ResetIssue) -> Result<(), LoginStoreError> {
        let mut s = self.state();
        match s.reset_requests.get_mut(&i.request.request_id) {
            Some((_, handled)) if !*handled => *handled = true,
            _ => return Err(LoginStoreError::Stale),
        }
        if let Some((reset, mail)) = &i.link {
            s.resets.insert(reset.token_hash.clone(), reset.clone());
            s.outbox.push(mail.clone());
        }
        Ok(())
    }

    async fn password_reset(&self, token_hash: &str) -> Result<Option<PasswordReset>, Unexpected> {
        Ok(self.state().resets.get(token_hash).cloned())
    }

    async fn claim_reset(
        &self,
        r: &PasswordReset,
        claim: &LinkClaim,
    ) -> Result<(), LoginStoreError> {
        let mut s = self.state();
        match s.resets.get_mut(&r.token_hash) {
            Some(stored)
                if claim.may_take(stored.used, stored.expires_at, stored.claim.as_ref()) =>
            {
                stored.claim = Some(claim.clone());
                Ok(())
            }
            _ => Err(LoginStoreError::Stale),
        }
    }

    async fn release_reset(&self, r: &PasswordReset, claim: &LinkClaim) -> Result<(), Unexpected> {
        if let Some(stored) = self.state().resets.get_mut(&r.token_hash)
            && stored.claim.as_ref() == Some(claim)
        {
            stored.claim = None;
        }
        Ok(())
    }

    async fn spend_reset(&self, spend: &ResetSpend) -> Result<(), LoginStoreError> {
        let mut s = self.state();
        let reset = &spend.reset;
        match s.resets.get(&reset.token_hash) {
            Some(stored) if !stored.used && stored.claim == reset.claim => {}
            _ => return Err(LoginStoreError::Stale),
        }
        s.resets.insert(reset.token_hash.clone(), reset.clone());
        s.audit.push(spend.audit.clone());
        Ok(())
    }
}
