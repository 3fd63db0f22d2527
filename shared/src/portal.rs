//! Where the links in emails point: the portal's pages, built in one place so that a page that
//! moves moves everywhere at once.

use crate::ids::OrderId;
use crate::secret::LinkToken;

/// How long an invitation link is valid unless configured otherwise.
pub const DEFAULT_INVITATION_TTL_SECONDS: i64 = 7 * 24 * 3600;

/// The portal (`PORTAL_URL`) and how long the links it sends stay valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    url: String,
    pub invitation_ttl_seconds: i64,
}

impl Default for Portal {
    fn default() -> Self {
        Self::new("", DEFAULT_INVITATION_TTL_SECONDS)
    }
}

impl Portal {
    pub fn new(url: &str, invitation_ttl_seconds: i64) -> Self {
        Self {
            url: url.trim_end_matches('/').to_owned(),
            invitation_ttl_seconds,
        }
    }

    /// The portal's own address, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn page(&self, route: &str) -> String {
        format!("{}/#/{route}", self.url)
    }

    /// Where an invited person chooses a password.
    pub fn accept_url(&self, token: &LinkToken) -> String {
        self.page(&format!("invite/{}", token.as_str()))
    }

    /// Where a new address confirms itself.
    pub fn email_change_url(&self, token: &LinkToken) -> String {
        self.page(&format!("email-change/{}", token.as_str()))
    }

    /// Where a login that forgot its password chooses a new one.
    pub fn reset_url(&self, token: &LinkToken) -> String {
        self.page(&format!("reset/{}", token.as_str()))
    }

    pub fn sign_in_url(&self) -> String {
        self.page("sign-in")
    }

    /// An order as its customer sees it.
    pub fn order_url(&self, id: &OrderId) -> String {
        self.page(&format!("orders/{id}"))
    }

    /// An order in the seller's console.
    pub fn admin_order_url(&self, id: &OrderId) -> String {
        self.page(&format!("admin/orders/{id}"))
    }

    /// A webhook on the console's Integrations page.
    pub fn admin_webhook_url(&self, id: &crate::ids::WebhookId) -> String {
        self.page(&format!("admin/integrations/{id}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_point_at_the_portals_pages_whatever_its_trailing_slash() {
        let id = OrderId::parse("ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        for url in ["https://portal.example", "https://portal.example/"] {
            let p = Portal::new(url, 60);
            assert_eq!(p.sign_in_url(), "https://portal.example/#/sign-in");
            assert_eq!(
                p.order_url(&id),
                "https://portal.example/#/orders/ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"
            );
            assert_eq!(
                p.admin_order_url(&id),
                "https://portal.example/#/admin/orders/ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"
            );
        }
        let t = LinkToken::parse(&"a".repeat(43)).unwrap();
        assert_eq!(
            Portal::new("https://p.example", 60).accept_url(&t),
            format!("https://p.example/#/invite/{}", "a".repeat(43))
        );
    }
}
