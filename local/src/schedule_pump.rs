//! The schedule pump: EventBridge's scheduled rules, locally. Every function with a `Schedule`
//! event is invoked in-process with a real "Scheduled Event" payload, every
//! `SCHEDULE_INTERVAL_SECONDS` (default 60) rather than the template's rate, so development
//! and tests need not wait for it.

use std::time::Duration;

use serde_json::{Value, json};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::{
    event::ACCOUNT_ID,
    invoke::{EventHandler, Invocation, Registry, invoke_event},
    mailbox::Mailbox,
    template::{ScheduleTrigger, Template},
};

/// The template's scheduled functions that this build has, each fired on one interval.
pub struct SchedulePump {
    jobs: Vec<(ScheduleTrigger, EventHandler)>,
    interval: Duration,
    region: String,
    mailbox: Option<Mailbox>,
}

impl SchedulePump {
    /// The pump for the template's schedules; `None` when there are none or `interval` is zero.
    pub fn new(
        template: &Template,
        registry: &Registry,
        interval: Duration,
        region: String,
        mailbox: Option<Mailbox>,
    ) -> Option<Self> {
        if interval.is_zero() {
            return None;
        }
        let jobs: Vec<_> = template
            .schedules
            .iter()
            .filter_map(|trigger| {
                let handler = registry.event(&trigger.function, "this schedule is not fired")?;
                Some((trigger.clone(), handler))
            })
            .collect();
        (!jobs.is_empty()).then_some(Self {
            jobs,
            interval,
            region,
            mailbox,
        })
    }

    /// Fires every schedule on its interval until the task is dropped; the first run comes one
    /// interval after start-up, as a new rule's would.
    pub async fn run(self) {
        let pump = &self;
        let runs = self.jobs.iter().map(|(trigger, handler)| async move {
            tracing::info!(
                function = %trigger.function.logical_id,
                schedule = %trigger.expression,
                every_seconds = pump.interval.as_secs(),
                "schedule pump started"
            );
            let mut ticks = tokio::time::interval_at(
                tokio::time::Instant::now() + pump.interval,
                pump.interval,
            );
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                pump.fire(trigger, handler).await;
            }
        });
        futures::future::join_all(runs).await;
    }

    async fn fire(&self, trigger: &ScheduleTrigger, handler: &EventHandler) {
        let event = scheduled_event(trigger, &self.region, OffsetDateTime::now_utc());
        let invocation = Invocation {
            function: &trigger.function,
            region: &self.region,
            trace_id: "",
        };
        match invoke_event(handler, event, &invocation).await {
            Ok(response) => tracing::info!(
                function = %trigger.function.logical_id,
                response = %response,
                "scheduled run done"
            ),
            Err(error) => tracing::error!(
                function = %trigger.function.logical_id,
                %error,
                "scheduled run failed"
            ),
        }
        if let Some(mailbox) = &self.mailbox {
            mailbox.observe().await;
        }
    }
}

/// EventBridge's "Scheduled Event" for `trigger`'s rule at `now`.
pub fn scheduled_event(trigger: &ScheduleTrigger, region: &str, now: OffsetDateTime) -> Value {
    let time = now
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(&Rfc3339)
        .unwrap_or_default();
    json!({
        "version": "0",
        "id": uuid::Uuid::new_v4().to_string(),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": time,
        "region": region,
        "resources": [format!(
            "arn:aws:events:{region}:{ACCOUNT_ID}:rule/orderdesk-local-{}{}",
            trigger.function.logical_id, trigger.name
        )],
        "detail": {},
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use aws_lambda_events::event::eventbridge::EventBridgeEvent;
    use time::macros::datetime;

    use super::*;
    use crate::{invoke::event_app, template::Function};

    fn trigger() -> ScheduleTrigger {
        ScheduleTrigger {
            function: Function {
                logical_id: "HousekeepingFunction".into(),
                binary: "housekeeping".into(),
                timeout: Duration::from_secs(3),
                memory_mb: 128,
                routes: Vec::new(),
                sends_email: true,
            },
            name: "EveryFiveMinutes".into(),
            expression: "rate(5 minutes)".into(),
        }
    }

    #[test]
    fn the_event_is_eventbridges_scheduled_event() {
        let event = scheduled_event(
            &trigger(),
            "us-east-1",
            datetime!(2026-11-23 08:05:00.250 UTC),
        );

        assert_eq!(event["detail-type"], "Scheduled Event");
        assert_eq!(event["source"], "aws.events");
        assert_eq!(event["time"], "2026-11-23T08:05:00Z");
        assert_eq!(
            event["resources"][0],
            "arn:aws:events:us-east-1:000000000000:rule/orderdesk-local-HousekeepingFunctionEveryFiveMinutes"
        );
        let parsed: EventBridgeEvent = serde_json::from_value(event).unwrap();
        assert_eq!(parsed.detail_type, "Scheduled Event");
    }

    #[tokio::test(start_paused = true)]
    async fn each_schedule_fires_once_per_interval() {
        let fired = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&fired);
        let mut registry = Registry::default();
        registry.add_event(
            "housekeeping",
            event_app((), move |_, _: EventBridgeEvent| {
                let count = Arc::clone(&count);
                async move {
                    count.fetch_add(1, Ordering::SeqCst);
                    Ok(json!({}))
                }
            }),
        );
        let template = Template {
            schedules: vec![trigger()],
            ..Template::default()
        };
        let pump = SchedulePump::new(
            &template,
            &registry,
            Duration::from_secs(60),
            "us-east-1".into(),
            None,
        )
        .unwrap();

        let task = tokio::spawn(pump.run());
        tokio::time::sleep(Duration::from_secs(59)).await;
        let before = fired.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(62)).await;
        task.abort();

        assert_eq!((before, fired.load(Ordering::SeqCst)), (0, 2));
    }

    #[test]
    fn no_pump_without_schedules_or_with_a_zero_interval() {
        let template = Template {
            schedules: vec![trigger()],
            ..Template::default()
        };
        let registry = Registry::default();

        assert!(
            SchedulePump::new(
                &template,
                &registry,
                Duration::from_secs(1),
                "r".into(),
                None
            )
            .is_none()
        );
        assert!(
            SchedulePump::new(&template, &registry, Duration::ZERO, "r".into(), None).is_none()
        );
    }
}
