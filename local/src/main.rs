//! `orderdesk-local serve`: the local stack's API gateway. It reads the routes
//! from `template.yaml` and runs each function's handler in-process, the way
//! API Gateway (HTTP API, payload 2.0) and Lambda would.

mod auth;
mod config;
mod console;
mod event;
mod filter;
mod invoke;
mod mailbox;
mod routes;
mod schedule_pump;
mod server;
mod stream_pump;
mod template;
#[cfg(test)]
mod testing;

use std::{net::Ipv4Addr, process::ExitCode};

use anyhow::Context as _;
use tokio::{
    net::TcpListener,
    signal::unix::{SignalKind, signal},
};
use tracing_subscriber::EnvFilter;

use crate::{
    auth::{JwtAuthorizer, KeySet},
    config::Config,
    invoke::Registry,
    mailbox::Mailbox,
    routes::RouteTable,
    schedule_pump::SchedulePump,
    server::Gateway,
    stream_pump::StreamPump,
    template::Template,
};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let result = match std::env::args().nth(1).as_deref() {
        Some("serve") => serve().await,
        _ => {
            eprintln!("usage: orderdesk-local serve");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("orderdesk-local: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let template = Template::load(&config.template)?;
    let routes = RouteTable::from_template(&template)?;
    let registry = Registry::from_env().await?;
    let keys = KeySet::new(config.jwks_url())?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", config.port))?;
    let mailbox = config.dev_mailbox.as_deref().map(Mailbox::new);
    let pumps = start_pumps(&config, &template, &registry, mailbox.clone()).await;
    let gateway = Gateway {
        routes,
        registry,
        authorizer: JwtAuthorizer::new(config.issuer(), config.user_pool_client_id.clone(), keys),
        console: config
            .console_dir
            .is_dir()
            .then(|| config.console_dir.clone()),
        region: config.region.clone(),
        port: config.port,
        mailbox,
    };
    server::serve(listener, gateway, shutdown_signal()).await?;
    for pump in pumps {
        pump.abort();
    }
    Ok(())
}

/// Starts the stream and schedule pumps the template calls for.
async fn start_pumps(
    config: &Config,
    template: &Template,
    registry: &Registry,
    mailbox: Option<Mailbox>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut pumps = Vec::new();
    if !template.streams.is_empty() {
        match &config.table_name {
            Some(table) => {
                let aws = aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .load()
                    .await;
                if let Some(pump) = StreamPump::new(
                    aws_sdk_dynamodbstreams::Client::new(&aws),
                    table.clone(),
                    config.region.clone(),
                    template,
                    registry,
                    mailbox.clone(),
                ) {
                    pumps.push(tokio::spawn(pump.run()));
                }
            }
            None => tracing::warn!("no TABLE_NAME: the stream pump is off"),
        }
    }
    if let Some(pump) = SchedulePump::new(
        template,
        registry,
        config.schedule_interval,
        config.region.clone(),
        mailbox,
    ) {
        pumps.push(tokio::spawn(pump.run()));
    }
    pumps
}

async fn shutdown_signal() {
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
