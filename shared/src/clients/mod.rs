//! API clients: the seller's own systems (an ERP, a warehouse) calling the admin API with
//! credentials of their own. An admin creates a client with scopes and sees its secret once;
//! the client trades id and secret for a short-lived token (OAuth 2.0 client credentials);
//! the gate lets the token reach only the routes its scopes cover, refuses a deleted client's
//! token at once, and writes every call to the audit log.

mod access;
mod gate;
mod manage;
mod model;
mod ports;
#[cfg(test)]
mod tests;
mod token;

pub use access::scope_for;

/// The claim of a client's token that carries its scopes, space-separated.
pub const SCOPES_CLAIM: &str = "custom:scopes";
pub use gate::{GateError, admit};
pub use manage::{
    ClientError, CreateClientBody, CreatedClient, create_client, delete_client, list_clients,
};
pub use model::{ApiClient, ApiClientView, ClientSecret, MAX_CLIENTS, Scope, Scopes};
pub use ports::{ClientStore, ClientUser, ClientUsers, PoolToken};
pub use token::{IssuedToken, TOKEN_QUOTA, TokenError, TokenRequest, issue_token};
