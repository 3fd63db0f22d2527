//! `orderdesk-local serve`: the local stack's API gateway. It reads the routes
//! from `template.yaml` and runs each function's handler in-process, the way
//! API Gateway (HTTP API, payload 2.0) and Lambda would; it feeds the stream, queue and
//! scheduled functions as their event sources would.
//!
//! `orderdesk-local describe-template [--template PATH]`: prints as JSON the requests that
//! create the template's table, user pool, app client and groups (see
//! [`template::Provisioning`]), which `local/stack.py` sends to the local servers, so that
//! the template has one reader.

mod auth;
mod config;
mod console;
mod event;
mod filter;
mod http_client;
mod invoke;
mod mailbox;
mod queue_pump;
mod routes;
mod schedule_pump;
mod server;
mod stream_pump;
mod template;
#[cfg(test)]
mod testing;

use std::{io::Write as _, net::Ipv4Addr, path::PathBuf, process::ExitCode};

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
    queue_pump::QueuePump,
    routes::RouteTable,
    schedule_pump::SchedulePump,
    server::Gateway,
    stream_pump::StreamPump,
    template::{Provisioning, Template},
};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["serve"] => serve().await,
        ["describe-template"] => describe_template(config::template_path()),
        ["describe-template", "--template", path] => describe_template(PathBuf::from(path)),
        _ => {
            eprintln!(
                "usage: orderdesk-local serve\n       orderdesk-local describe-template [--template PATH]"
            );
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

fn describe_template(path: PathBuf) -> anyhow::Result<()> {
    let provisioning = Provisioning::load(&path)?;
    let json = serde_json::to_string_pretty(&provisioning)?;
    writeln!(std::io::stdout().lock(), "{json}").context("cannot write to stdout")
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
        cors: server::Cors {
            rules: template.cors.clone(),
            origins: config.cors_origins.clone(),
        },
    };
    server::serve(listener, gateway, shutdown_signal()).await?;
    for pump in pumps {
        pump.abort();
    }
    Ok(())
}

/// Starts the stream, queue and schedule pumps the template calls for.
async fn start_pumps(
    config: &Config,
    template: &Template,
    registry: &Registry,
    mailbox: Option<Mailbox>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut pumps = Vec::new();
    let aws = if template.streams.is_empty() && template.queues.is_empty() {
        None
    } else {
        Some(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .load()
                .await,
        )
    };
    if let Some(aws) = aws.as_ref().filter(|_| !template.streams.is_empty()) {
        match &config.table_name {
            Some(table) => {
                if let Some(pump) = StreamPump::new(
                    aws_sdk_dynamodbstreams::Client::new(aws),
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
    if let Some(aws) = aws.as_ref().filter(|_| !template.queues.is_empty()) {
        match &config.stack_name {
            Some(stack_name) => {
                if let Some(pump) = QueuePump::new(
                    aws_sdk_sqs::Client::new(aws),
                    stack_name.clone(),
                    config.region.clone(),
                    template,
                    registry,
                    mailbox.clone(),
                ) {
                    pumps.push(tokio::spawn(pump.run()));
                }
            }
            None => tracing::warn!("no ORDERDESK_STACK_NAME: the queue pump is off"),
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
