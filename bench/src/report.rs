//! The one table the benchmark prints: a row per measure, with its target and whether it is met.

use std::fmt::Write as _;
use std::time::Duration;

#[derive(Default)]
pub struct Table {
    rows: Vec<[String; 4]>,
}

impl Table {
    pub fn section(&mut self, title: &str) {
        self.rows.push([
            format!("**{title}**"),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }

    pub fn row(
        &mut self,
        measure: impl Into<String>,
        value: impl Into<String>,
        target: &str,
        met: Option<bool>,
    ) {
        let met = match met {
            Some(true) => "✅",
            Some(false) => "❌",
            None => "",
        };
        self.rows.push([
            measure.into(),
            value.into(),
            target.to_owned(),
            met.to_owned(),
        ]);
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from("| measure | value | target | met |\n|---|---|---|---|\n");
        for [a, b, c, d] in &self.rows {
            let cell = |s: &str| s.replace('|', "\\|");
            let _ = writeln!(out, "| {} | {} | {} | {} |", cell(a), cell(b), cell(c), d);
        }
        out
    }
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

pub fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

pub fn ratio(a: Duration, b: Duration) -> f64 {
    if b.is_zero() {
        f64::INFINITY
    } else {
        a.as_secs_f64() / b.as_secs_f64()
    }
}

pub fn mib(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The median of some durations.
pub fn median(samples: &[Duration]) -> Duration {
    crate::latency::percentile(samples, 50.0)
}
