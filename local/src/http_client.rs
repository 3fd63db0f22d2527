//! The gateway's own HTTP clients: the JWKS fetch and the mailbox's reads of moto.

/// A reqwest client builder, with aws-lc-rs (the AWS SDK's) installed first as rustls' process
/// default: the workspace builds reqwest on rustls without a crypto provider, which the
/// deliverer chooses for itself, and building a client without one panics.
pub fn builder() -> reqwest::ClientBuilder {
    // An error only says that a provider is installed already, which serves as well.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
}
