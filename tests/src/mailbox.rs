//! The local SES mailbox: what moto's SES received (`<aws_endpoint>/moto-api/data.json`).

use serde_json::Value;
use std::time::{Duration, Instant};

/// One email moto's SES accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

/// Every email sent so far.
pub async fn all() -> Vec<Mail> {
    let url = format!("{}/moto-api/data.json", crate::stack().aws_endpoint);
    let data: Value = crate::http()
        .get(url)
        .send()
        .await
        .expect("moto answers")
        .json()
        .await
        .expect("JSON");
    data["ses"]["Message"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| Mail {
            to: m["destinations"]["ToAddresses"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_lowercase))
                .collect(),
            subject: m["subject"].as_str().unwrap_or_default().to_owned(),
            body: m["body"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// The emails sent to `address`.
pub async fn to(address: &str) -> Vec<Mail> {
    let address = address.to_lowercase();
    all()
        .await
        .into_iter()
        .filter(|m| m.to.contains(&address))
        .collect()
}

/// Waits (up to 20 s) for the first email to `address`.
pub async fn wait_for(address: &str) -> Mail {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(m) = to(address).await.into_iter().next() {
            return m;
        }
        assert!(
            Instant::now() < deadline,
            "no email reached {address} within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits (up to 20 s) for an email to `address` whose subject contains `needle`.
pub async fn wait_for_subject(address: &str, needle: &str) -> Mail {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(m) = to(address)
            .await
            .into_iter()
            .find(|m| m.subject.contains(needle))
        {
            return m;
        }
        assert!(
            Instant::now() < deadline,
            "no email about {needle:?} reached {address} within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// The invitation token in an email's accept link (`…/#/invite/<token>`).
pub fn invitation_token(mail: &Mail) -> String {
    link_token(mail, "/invite/")
}

/// The token that follows `marker` in a link of the email, e.g. `/email-change/`.
pub fn link_token(mail: &Mail, marker: &str) -> String {
    let at = mail
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("the email has a {marker} link: {}", mail.body))
        + marker.len();
    mail.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
