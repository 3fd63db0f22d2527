//! The `housekeeping` Lambda: scheduled upkeep. Each run is a list of jobs, run one after the
//! other; a job that fails does not stop the others, and the run reports every job's counts.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use orderdesk::app::{Queue, Shell, Store, UserPool, Vault};
use orderdesk::domain::Timestamp;
use orderdesk::email::{self, Branding, Mailer};
use orderdesk::events::{self, EventBus};
use orderdesk::portal::Portal;
use orderdesk::webhooks;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// How long an outbox item may stay unsent before housekeeping re-drives it.
pub const REDRIVE_AFTER: Duration = Duration::from_secs(5 * 60);

/// Outbox items re-driven per run at most; the next run takes the rest.
pub const REDRIVE_LIMIT: usize = 200;

/// A job's failure, in its own words.
pub type JobError = Box<dyn std::error::Error + Send + Sync>;

/// One piece of upkeep.
#[async_trait::async_trait]
pub trait Job: Send + Sync {
    /// The job's name in the run's summary and logs.
    fn name(&self) -> &'static str;

    /// Does the work due at `now` and returns what it counted.
    async fn run(&self, now: Timestamp) -> Result<Value, JobError>;
}

/// What one job did in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobSummary {
    pub job: &'static str,
    /// The job's counts, when it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<Value>,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a run did: the function's response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub jobs: Vec<JobSummary>,
}

impl Summary {
    /// The names of the jobs that failed.
    pub fn failed(&self) -> Vec<&'static str> {
        self.jobs
            .iter()
            .filter(|j| j.error.is_some())
            .map(|j| j.job)
            .collect()
    }
}

/// A run in which some job failed; the others ran, and every job runs again next time.
#[derive(Debug, thiserror::Error)]
pub enum HousekeepingError {
    #[error("housekeeping jobs failed: {}", .0.join(", "))]
    JobsFailed(Vec<&'static str>),
}

/// Tunables of the jobs, for tests and the local stack.
#[derive(Debug, Clone)]
pub struct Options {
    /// Outbox items and events written longer ago than this are re-driven.
    pub redrive_after: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            redrive_after: REDRIVE_AFTER,
        }
    }
}

/// Everything the function builds once per cold start: its jobs.
pub struct App {
    jobs: Vec<Box<dyn Job>>,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_runtime::Error> {
        Self::from_env_with(Options::default()).await
    }

    /// As [`App::from_env`], with other tunables.
    pub async fn from_env_with(options: Options) -> Result<Self, lambda_runtime::Error> {
        let shell = Shell::from_env().await?;
        let (mailer, branding) = shell.mailer()?;
        let identity = shell.user_pool()?;
        let vault = shell.vault()?;
        Ok(Self::new(vec![
            Box::new(RedriveOutbox {
                store: shell.store.clone(),
                mailer,
                vault,
                branding,
                older_than: options.redrive_after,
            }),
            Box::new(SweepInvitations {
                store: shell.store.clone(),
                identity,
            }),
            Box::new(RedriveEvents {
                store: shell.store.clone(),
                bus: Arc::new(shell.announcer()?),
                older_than: options.redrive_after,
            }),
            Box::new(RetryDeliveries {
                store: shell.store.clone(),
                queue: shell.delivery_queue()?,
            }),
            Box::new(RemindTeams {
                portal: shell.portal()?,
                store: shell.store,
            }),
        ]))
    }

    /// The function running these jobs, in order.
    pub fn new(jobs: Vec<Box<dyn Job>>) -> Self {
        Self { jobs }
    }

    /// Serves one scheduled event: runs every job and fails if any job failed.
    pub async fn handle(
        &self,
        event: EventBridgeEvent<Value>,
    ) -> Result<Summary, HousekeepingError> {
        tracing::info!(event_id = ?event.id, scheduled = ?event.time, "scheduled run");
        let summary = self.run(Timestamp::now()).await;
        match summary.failed() {
            failed if failed.is_empty() => Ok(summary),
            failed => Err(HousekeepingError::JobsFailed(failed)),
        }
    }

    /// Runs every job as of `now` and logs the summary.
    pub async fn run(&self, now: Timestamp) -> Summary {
        let mut jobs = Vec::with_capacity(self.jobs.len());
        for job in &self.jobs {
            let summary = match job.run(now).await {
                Ok(counts) => JobSummary {
                    job: job.name(),
                    counts: Some(counts),
                    error: None,
                },
                Err(error) => {
                    tracing::error!(job = job.name(), %error, "housekeeping job failed");
                    JobSummary {
                        job: job.name(),
                        counts: None,
                        error: Some(error.to_string()),
                    }
                }
            };
            jobs.push(summary);
        }
        let summary = Summary { jobs };
        tracing::info!(
            summary = %serde_json::to_string(&summary).unwrap_or_default(),
            "housekeeping run"
        );
        summary
    }
}

/// Sends the outbox items still unsent after a while, through the notifier's own delivery.
pub struct RedriveOutbox {
    pub store: Store,
    pub mailer: Arc<dyn Mailer>,
    /// Opens the secrets of a message just before it is rendered.
    pub vault: Vault,
    pub branding: Branding,
    /// Items created longer ago than this are re-driven.
    pub older_than: Duration,
}

#[async_trait::async_trait]
impl Job for RedriveOutbox {
    fn name(&self) -> &'static str {
        "redrive_outbox"
    }

    async fn run(&self, now: Timestamp) -> Result<Value, JobError> {
        let report = email::redrive_pending(
            &self.store,
            &*self.mailer,
            &self.vault,
            &self.branding,
            i64::try_from(self.older_than.as_secs()).unwrap_or(i64::MAX),
            now,
            REDRIVE_LIMIT,
        )
        .await?;
        Ok(serde_json::to_value(report)?)
    }
}

/// Marks expired invitations and recovers invitations whose accept crashed half-way.
pub struct SweepInvitations {
    pub store: Store,
    pub identity: UserPool,
}

#[async_trait::async_trait]
impl Job for SweepInvitations {
    fn name(&self) -> &'static str {
        "sweep_invitations"
    }

    async fn run(&self, now: Timestamp) -> Result<Value, JobError> {
        let sweep = orderdesk::logins::sweep_invitations(&self.store, &self.identity, now).await?;
        Ok(serde_json::to_value(sweep)?)
    }
}

/// Publishes the events still unpublished after a while, under the ids they were written with.
pub struct RedriveEvents {
    pub store: Store,
    pub bus: Arc<dyn EventBus>,
    /// Events written longer ago than this are re-driven.
    pub older_than: Duration,
}

#[async_trait::async_trait]
impl Job for RedriveEvents {
    fn name(&self) -> &'static str {
        "redrive_events"
    }

    async fn run(&self, now: Timestamp) -> Result<Value, JobError> {
        let older_than = i64::try_from(self.older_than.as_secs()).unwrap_or(i64::MAX);
        let report = events::redrive_pending(&self.store, &*self.bus, older_than, now).await?;
        Ok(serde_json::json!({
            "published": report.published.len(),
            "failed": report.failed.len(),
        }))
    }
}

/// Queues the webhook deliveries whose next attempt is due.
pub struct RetryDeliveries {
    pub store: Store,
    pub queue: Queue,
}

#[async_trait::async_trait]
impl Job for RetryDeliveries {
    fn name(&self) -> &'static str {
        "retry_deliveries"
    }

    async fn run(&self, now: Timestamp) -> Result<Value, JobError> {
        let (queued, failed) = webhooks::queue_due(&self.store, &self.queue, now).await?;
        Ok(serde_json::json!({ "queued": queued, "failed": failed }))
    }
}

/// Reminds teams of the requests they have not answered: at half their response time and
/// when it is up, each reminder once.
pub struct RemindTeams {
    pub store: Store,
    pub portal: Portal,
}

#[async_trait::async_trait]
impl Job for RemindTeams {
    fn name(&self) -> &'static str {
        "remind_teams"
    }

    async fn run(&self, now: Timestamp) -> Result<Value, JobError> {
        let report = orderdesk::orders::send_due_reminders(&self.store, &self.portal, now).await?;
        Ok(serde_json::to_value(report)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(&'static str, Result<u32, &'static str>);

    #[async_trait::async_trait]
    impl Job for Fixed {
        fn name(&self) -> &'static str {
            self.0
        }

        async fn run(&self, _: Timestamp) -> Result<Value, JobError> {
            self.1
                .map(|n| serde_json::json!({ "done": n }))
                .map_err(Into::into)
        }
    }

    fn scheduled_event() -> EventBridgeEvent<Value> {
        serde_json::from_value(serde_json::json!({
            "version": "0", "id": "1", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "000000000000", "time": "2026-11-23T08:00:00Z", "region": "us-east-1",
            "resources": ["arn:aws:events:us-east-1:000000000000:rule/housekeeping"], "detail": {}
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn every_job_runs_and_a_failed_one_fails_the_run() {
        let app = App::new(vec![
            Box::new(Fixed("first", Err("boom"))),
            Box::new(Fixed("second", Ok(2))),
        ]);

        let summary = app.run(Timestamp::now()).await;
        let error = app.handle(scheduled_event()).await.unwrap_err();

        assert_eq!(summary.jobs[0].error.as_deref(), Some("boom"));
        assert_eq!(summary.jobs[1].counts, Some(serde_json::json!({"done": 2})));
        assert_eq!(error.to_string(), "housekeeping jobs failed: first");
    }

    #[tokio::test]
    async fn a_run_of_healthy_jobs_answers_with_their_counts() {
        let app = App::new(vec![Box::new(Fixed("only", Ok(1)))]);

        let summary = app.handle(scheduled_event()).await.unwrap();

        assert_eq!(
            serde_json::to_value(&summary).unwrap(),
            serde_json::json!({"jobs": [{"job": "only", "counts": {"done": 1}}]})
        );
    }
}
