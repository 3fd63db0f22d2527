//! The gateway's own HTTP clients: the JWKS fetch and the mailbox's reads of moto.

/// A reqwest client builder, rustls' crypto provider installed first
/// ([`orderdesk::outbound::install_tls_provider`]).
pub fn builder() -> reqwest::ClientBuilder {
    orderdesk::outbound::install_tls_provider();
    reqwest::Client::builder()
}
