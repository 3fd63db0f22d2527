//! Each release binary run as Lambda runs it: exec'd with Lambda's environment, pointed at the
//! fake Runtime API, timed from exec to its first request for work (init), then through its
//! first and later invocations; its memory read from /proc.

use crate::runtime_api::RuntimeApi;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// What one binary is fed, and how its answers are checked.
pub trait Workload {
    /// The event of invocation `i` (0 is the first after a cold start).
    fn event(&mut self, i: usize) -> String;
    /// Whether the answer is the expected one (e.g. the right HTTP status).
    fn check(&mut self, answer: &[u8]) -> bool;
}

/// One process's life: init, first invocation, the rest, and memory at checkpoints.
#[derive(Debug, Default)]
pub struct Life {
    pub init: Duration,
    pub first: Duration,
    pub warm: Vec<Duration>,
    pub errors: usize,
    /// (invocations done, VmRSS KiB, VmHWM KiB)
    pub memory: Vec<(usize, u64, u64)>,
}

/// The variables Lambda sets for a function, plus the application's, from this process's
/// environment (which `local/stack.py test` points at the local stack).
pub fn lambda_env(
    function: &str,
    runtime_api: &str,
    extra: &[(String, String)],
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api),
        ("AWS_LAMBDA_FUNCTION_NAME", function),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench"),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/23/[$LATEST]bench"),
        ("AWS_SESSION_TOKEN", "bench"),
        ("_HANDLER", "bootstrap"),
        ("LAMBDA_TASK_ROOT", "/var/task"),
        ("LANG", "en_US.UTF-8"),
        ("TZ", ":UTC"),
        ("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for key in [
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        "AWS_ENDPOINT_URL_SESV2",
        "AWS_ENDPOINT_URL_KMS",
        "AWS_ENDPOINT_URL_EVENTBRIDGE",
    ]
    .into_iter()
    .chain(orderdesk::config::VARIABLES)
    {
        if let Ok(v) = std::env::var(key) {
            env.push((key.to_owned(), v));
        }
    }
    env.extend(extra.iter().cloned());
    env
}

/// `/proc/<pid>/status`: (VmRSS, VmHWM) in KiB.
pub fn memory(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Where a binary's stdout and stderr go.
pub fn log_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("orderdesk-bench");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Starts `binary` as function `name` (with `extra` environment), serves it `invocations`
/// events, then stops it.
pub async fn run(
    binary: &Path,
    name: &str,
    extra: &[(String, String)],
    invocations: usize,
    checkpoints: &[usize],
    work: &mut dyn Workload,
) -> Result<Life, String> {
    let mut api = RuntimeApi::start(name)
        .await
        .map_err(|e| format!("runtime API: {e}"))?;
    let log = std::fs::File::create(log_dir().join(format!("{name}.log")))
        .map_err(|e| format!("log file: {e}"))?;
    let log2 = log.try_clone().map_err(|e| e.to_string())?;
    let mut command = tokio::process::Command::new(binary);
    command
        .env_clear()
        .envs(lambda_env(name, &api.addr.to_string(), extra))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .kill_on_drop(true);
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let pid = child.id().unwrap_or_default();
    let asked = tokio::select! {
        asked = api.first_ask() => asked,
        exited = child.wait() => Err(format!("exited during init: {exited:?}")),
        _ = tokio::time::sleep(Duration::from_secs(30)) => Err("never asked for work within 30 s".into()),
    };
    let result = match asked {
        Ok(asked) => {
            serve(
                &mut api,
                asked - started,
                pid,
                invocations,
                checkpoints,
                work,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let _ = child.start_kill();
    let _ = child.wait().await;
    result.map_err(|e| {
        format!(
            "{name}: {e} (log: {})",
            log_dir().join(format!("{name}.log")).display()
        )
    })
}

async fn serve(
    api: &mut RuntimeApi,
    init: Duration,
    pid: u32,
    invocations: usize,
    checkpoints: &[usize],
    work: &mut dyn Workload,
) -> Result<Life, String> {
    let limit = Duration::from_secs(30);
    let mut life = Life {
        init,
        ..Life::default()
    };
    for i in 0..invocations {
        let (took, answer) = api
            .invoke(work.event(i), limit)
            .await
            .ok_or_else(|| format!("no answer to invocation {i}"))?;
        if !answer.ok || !work.check(&answer.body) {
            life.errors += 1;
            if life.errors == 1 {
                eprintln!(
                    "[bench] unexpected answer to invocation {i}: {}",
                    String::from_utf8_lossy(&answer.body)
                );
            }
        }
        if i == 0 {
            life.first = took;
        } else {
            life.warm.push(took);
        }
        if checkpoints.contains(&(i + 1)) {
            if let Some((rss, hwm)) = memory(pid) {
                life.memory.push((i + 1, rss, hwm));
            }
        }
    }
    Ok(life)
}
