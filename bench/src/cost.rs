//! What 1,000,000 orders cost in DynamoDB and Lambda at on-demand prices. Capacity units are
//! measured; Lambda's billed duration is estimated (see [`Assumptions`]).

/// On-demand prices, us-east-1, as published when this was written (stated in the README).
pub const USD_PER_MILLION_WRITE_UNITS: f64 = 0.625;
pub const USD_PER_MILLION_READ_UNITS: f64 = 0.125;
/// Lambda on arm64 (Graviton): per GB-second, and per million requests.
pub const USD_PER_GB_SECOND_ARM64: f64 = 0.000_013_333_4;
pub const USD_PER_MILLION_REQUESTS: f64 = 0.20;
/// `MemorySize` of every function in template.yaml.
pub const MEMORY_GB: f64 = 256.0 / 1024.0;

/// What the local stack cannot measure: AWS latencies.
pub struct Assumptions {
    /// One sequential DynamoDB round trip in the same region.
    pub dynamodb_round_trip_ms: f64,
    /// One SES `SendEmail`.
    pub ses_call_ms: f64,
}

pub const ASSUMED: Assumptions = Assumptions {
    dynamodb_round_trip_ms: 5.0,
    ses_call_ms: 40.0,
};

/// One Lambda invocation on an order's path.
pub struct Invocation {
    /// Handler CPU per request, measured in this process.
    pub cpu_ms: f64,
    pub round_trips: usize,
    pub ses_calls: usize,
    pub read_units: f64,
    pub write_units: f64,
}

impl Invocation {
    /// Billed milliseconds: CPU plus waiting, rounded up to Lambda's 1 ms.
    pub fn billed_ms(&self) -> f64 {
        (self.cpu_ms
            + self.round_trips as f64 * ASSUMED.dynamodb_round_trip_ms
            + self.ses_calls as f64 * ASSUMED.ses_call_ms)
            .ceil()
    }
}

/// Per 1,000,000 orders, in USD: (DynamoDB, Lambda).
pub fn per_million(path: &[Invocation]) -> (f64, f64) {
    let wru: f64 = path.iter().map(|i| i.write_units).sum();
    let rru: f64 = path.iter().map(|i| i.read_units).sum();
    let dynamodb = wru * USD_PER_MILLION_WRITE_UNITS + rru * USD_PER_MILLION_READ_UNITS;
    let gb_seconds: f64 = path
        .iter()
        .map(|i| i.billed_ms() / 1000.0 * MEMORY_GB)
        .sum();
    let lambda = path.len() as f64 * USD_PER_MILLION_REQUESTS
        + gb_seconds * 1_000_000.0 * USD_PER_GB_SECOND_ARM64;
    (dynamodb, lambda)
}
