//! Orderdesk's domain crate, in layers: the edge (`http`, `stream`) parses requests and calls
//! one use case; the use cases (`customers`, `catalog`, `orders`, `logins`, `session`,
//! `email`) speak in domain types and call ports; the adapters (`dynamo`, `cognito`, `ses`,
//! `kms`) implement the ports; `app` wires them together once per cold start.

pub mod actor;
pub mod addresses;
pub mod app;
pub mod audit;
pub mod catalog;
pub mod clients;
pub mod cognito;
pub mod config;
pub mod customers;
pub mod domain;
pub mod dynamo;
pub mod email;
pub mod error;
pub mod eventbridge;
pub mod events;
pub mod http;
pub mod idempotency;
pub mod identity;
pub mod ids;
pub mod kms;
pub mod lists;
pub mod logins;
pub mod me;
#[cfg(test)]
mod memory;
pub mod orders;
pub mod outbound;
pub mod outbox;
pub mod page;
pub mod portal;
pub mod queue;
pub mod reads;
pub mod retry;
pub mod rules;
pub mod sdk;
pub mod seal;
pub mod secret;
pub mod ses;
pub mod session;
pub mod sqs;
pub mod stream;
pub mod teams;
pub mod telemetry;
pub mod throttle;
pub mod webhooks;
