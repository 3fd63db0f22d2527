//! The tests' plain HTTP clients.

/// A builder of the tests' HTTP clients, rustls' crypto provider installed first.
pub fn http_builder() -> reqwest::ClientBuilder {
    orderdesk::outbound::install_tls_provider();
    reqwest::Client::builder()
}

/// A plain HTTP client of the tests.
pub fn http() -> reqwest::Client {
    http_builder().build().expect("a client")
}
