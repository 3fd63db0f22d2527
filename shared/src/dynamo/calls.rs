//! Counting the DynamoDB calls an operation makes: an SDK interceptor installed on every
//! DynamoDB client, recording only inside [`record`]. Outside it the interceptor does nothing
//! but one task-local lookup per call.
//!
//! Inside [`record`] every request also asks for `ReturnConsumedCapacity: TOTAL`, so the
//! capacity units an operation consumes are read off DynamoDB's own answers.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One DynamoDB call: its operation name, when it ran, and the capacity it consumed.
#[derive(Debug, Clone)]
pub struct Call {
    pub operation: String,
    pub started: Instant,
    pub finished: Option<Instant>,
    pub read_units: f64,
    pub write_units: f64,
}

/// The calls made inside one [`record`].
#[derive(Debug, Clone, Default)]
pub struct Calls(pub Vec<Call>);

impl Calls {
    /// How many calls were made.
    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// The operations, in the order they started.
    pub fn operations(&self) -> Vec<&str> {
        self.0.iter().map(|c| c.operation.as_str()).collect()
    }

    /// Sequential round trips: calls that overlap in time count once, so a call started
    /// while another was still in flight adds none.
    pub fn round_trips(&self) -> usize {
        let mut calls: Vec<&Call> = self.0.iter().collect();
        calls.sort_by_key(|c| c.started);
        let mut trips = 0;
        let mut busy_until: Option<Instant> = None;
        for c in calls {
            let end = c.finished.unwrap_or(c.started);
            match busy_until {
                Some(b) if c.started < b => busy_until = Some(b.max(end)),
                _ => {
                    trips += 1;
                    busy_until = Some(end);
                }
            }
        }
        trips
    }

    /// Read capacity units consumed, as DynamoDB reported them.
    pub fn read_units(&self) -> f64 {
        self.0.iter().map(|c| c.read_units).sum()
    }

    /// Write capacity units consumed, as DynamoDB reported them.
    pub fn write_units(&self) -> f64 {
        self.0.iter().map(|c| c.write_units).sum()
    }

    /// Whether any call was a `Scan`.
    pub fn scanned(&self) -> bool {
        self.0.iter().any(|c| c.operation == "Scan")
    }
}

tokio::task_local! {
    static LOG: Arc<Mutex<Vec<Call>>>;
}

/// Runs `f` and returns what it returned with every DynamoDB call it made on this task.
pub async fn record<F: Future>(f: F) -> (F::Output, Calls) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let out = LOG.scope(log.clone(), f).await;
    let calls = log.lock().map(|l| l.clone()).unwrap_or_default();
    (out, Calls(calls))
}

fn with_log<R>(f: impl FnOnce(&mut Vec<Call>) -> R) -> Option<R> {
    LOG.try_with(|log| log.lock().ok().map(|mut l| f(&mut l)))
        .ok()
        .flatten()
}

#[derive(Debug, Clone, Copy)]
struct CallIndex(usize);

impl Storable for CallIndex {
    type Storer = StoreReplace<Self>;
}

/// The interceptor every DynamoDB client carries; see the module documentation.
#[derive(Debug, Default)]
pub struct CallCounter;

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "OrderdeskCallCounter"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_else(|| "unknown".to_owned());
        if let Some(i) = with_log(|log| {
            log.push(Call {
                operation,
                started: Instant::now(),
                finished: None,
                read_units: 0.0,
                write_units: 0.0,
            });
            log.len() - 1
        }) {
            cfg.interceptor_state().store_put(CallIndex(i));
        }
        Ok(())
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(CallIndex(i)) = cfg.load::<CallIndex>().copied() else {
            return Ok(());
        };
        let request = context.request_mut();
        if let Some(target) = request.headers().get("x-amz-target") {
            let operation = target.rsplit('.').next().unwrap_or(target).to_owned();
            with_log(|log| {
                if let Some(call) = log.get_mut(i) {
                    call.operation = operation;
                }
            });
        }
        let Some(bytes) = request.body().bytes() else {
            return Ok(());
        };
        let Ok(serde_json::Value::Object(mut body)) = serde_json::from_slice(bytes) else {
            return Ok(());
        };
        body.insert("ReturnConsumedCapacity".into(), "TOTAL".into());
        let bytes = serde_json::to_vec(&body)?;
        request
            .headers_mut()
            .insert("content-length", bytes.len().to_string());
        *request.body_mut() = SdkBody::from(bytes);
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(CallIndex(i)) = cfg.load::<CallIndex>().copied() else {
            return Ok(());
        };
        let units = context
            .response()
            .and_then(|r| r.body().bytes())
            .map(consumed)
            .unwrap_or_default();
        with_log(|log| {
            if let Some(call) = log.get_mut(i) {
                call.finished = Some(Instant::now());
                if is_read(&call.operation) {
                    call.read_units = units;
                } else {
                    call.write_units = units;
                }
            }
        });
        Ok(())
    }
}

/// The capacity units a response's `ConsumedCapacity` reports (one object, or one per table).
fn consumed(body: &[u8]) -> f64 {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return 0.0;
    };
    let units = |e: &serde_json::Value| e.get("CapacityUnits").and_then(|x| x.as_f64());
    match v.get("ConsumedCapacity") {
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(units).sum(),
        Some(o) => units(o).unwrap_or(0.0),
        None => 0.0,
    }
}

fn is_read(operation: &str) -> bool {
    matches!(
        operation,
        "GetItem" | "BatchGetItem" | "Query" | "Scan" | "TransactGetItems"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn call(op: &str, start_ms: u64, end_ms: u64, base: Instant) -> Call {
        Call {
            operation: op.into(),
            started: base + Duration::from_millis(start_ms),
            finished: Some(base + Duration::from_millis(end_ms)),
            read_units: 0.5,
            write_units: 0.0,
        }
    }

    #[test]
    fn overlapping_calls_are_one_round_trip() {
        let t = Instant::now();
        let calls = Calls(vec![
            call("BatchGetItem", 0, 10, t),
            call("UpdateItem", 1, 8, t),
            call("TransactWriteItems", 11, 20, t),
        ]);
        assert_eq!(calls.count(), 3);
        assert_eq!(calls.round_trips(), 2);
        assert!((calls.read_units() - 1.5).abs() < 1e-9);
        assert!(!calls.scanned());
    }

    #[test]
    fn consumed_capacity_is_read_from_single_and_per_table_answers() {
        assert_eq!(
            consumed(br#"{"ConsumedCapacity":{"TableName":"t","CapacityUnits":1.0}}"#),
            1.0
        );
        assert_eq!(
            consumed(br#"{"ConsumedCapacity":[{"CapacityUnits":3.0},{"CapacityUnits":0.5}]}"#),
            3.5
        );
        assert_eq!(consumed(b"{}"), 0.0);
        assert!(is_read("BatchGetItem") && !is_read("TransactWriteItems"));
    }
}
