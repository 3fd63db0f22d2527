//! Orderdesk's domain crate: value types, use cases, ports, and the AWS adapters they run on.

pub mod actor;
pub mod app;
pub mod audit;
pub mod catalog;
pub mod config;
pub mod customers;
pub mod domain;
pub mod dynamo;
pub mod email;
pub mod http;
pub mod idempotency;
pub mod identity;
pub mod logins;
pub mod orders;
pub mod outbox;
pub mod page;
pub mod session;
pub mod store;
pub mod telemetry;
