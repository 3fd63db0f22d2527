//! Handler latency and CPU in this process against DynamoDB Local, and the raw `PutItem`
//! baseline every latency is divided by.

use lambda_http::{Body, Request, Response};
use std::future::Future;
use std::time::{Duration, Instant};

/// User + system CPU time of this process so far.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Nearest-rank percentile of unsorted samples.
pub fn percentile(samples: &[Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// One operation run `n` times in a row.
pub struct Run {
    pub label: &'static str,
    pub wall: Vec<Duration>,
    /// CPU of the whole process over the run, per request.
    pub cpu_per_request: Duration,
    pub errors: usize,
    pub responses: Vec<Response<Body>>,
}

impl Run {
    pub fn p50(&self) -> Duration {
        percentile(&self.wall, 50.0)
    }
    pub fn p99(&self) -> Duration {
        percentile(&self.wall, 99.0)
    }
}

/// Sends every request through `handle`, one after the other, timing each; the requests are
/// built before the clock starts.
pub async fn run<F, Fut>(
    label: &'static str,
    requests: Vec<Request>,
    expected: u16,
    handle: F,
) -> Run
where
    F: Fn(Request) -> Fut,
    Fut: Future<Output = Response<Body>>,
{
    let n = requests.len().max(1);
    let mut wall = Vec::with_capacity(requests.len());
    let mut responses = Vec::with_capacity(requests.len());
    let cpu = cpu_time();
    for req in requests {
        let started = Instant::now();
        let res = handle(req).await;
        wall.push(started.elapsed());
        responses.push(res);
    }
    let cpu_per_request = (cpu_time() - cpu) / n as u32;
    let errors = responses.iter().filter(|r| r.status() != expected).count();
    if errors > 0 {
        let first = responses.iter().find(|r| r.status() != expected);
        if let Some(r) = first {
            eprintln!(
                "[bench] {label}: {errors} unexpected answers, e.g. HTTP {} {}",
                r.status(),
                String::from_utf8_lossy(r.body().as_ref())
            );
        }
    }
    Run {
        label,
        wall,
        cpu_per_request,
        errors,
        responses,
    }
}

/// `n` raw `PutItem`s of a small item on the functions' own client set-up, timed one by one.
pub async fn put_items(client: &aws_sdk_dynamodb::Client, table: &str, n: usize) -> Vec<Duration> {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    let mut wall = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        client
            .put_item()
            .table_name(table)
            .item("PK", A::S(format!("BENCH#PUT#{}", i % 64)))
            .item("SK", A::S("BENCH".into()))
            .item("n", A::N(i.to_string()))
            .send()
            .await
            .expect("PutItem on DynamoDB Local");
        wall.push(started.elapsed());
    }
    wall
}
