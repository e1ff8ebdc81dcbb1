//! Prometheus metrics in the text exposition format, kept in process (no exporter crate):
//! request counts and latency by route, availability queries and slots offered, booking
//! attempts by outcome, contact messages and mail outcomes; bookings by status and jobs by
//! state come from the database at scrape time.

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
};

use openslot_store::Stats;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (index, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.counts[index] += 1;
            }
        }
        self.sum += seconds;
        self.count += 1;
    }
}

/// Every counter the service keeps.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    availability: Mutex<BTreeMap<String, (u64, u64)>>,
    attempts: Mutex<BTreeMap<(String, &'static str), u64>>,
    page_views: Mutex<BTreeMap<String, u64>>,
    mail: Mutex<BTreeMap<&'static str, u64>>,
    contact_messages: AtomicU64,
}

/// Escapes a label value.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    pub fn record_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .expect("metrics lock")
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
        self.latency
            .lock()
            .expect("metrics lock")
            .entry(route.to_string())
            .or_default()
            .observe(seconds);
    }

    pub fn record_availability(&self, event: &str, slots: usize) {
        let mut map = self.availability.lock().expect("metrics lock");
        let entry = map.entry(event.to_string()).or_default();
        entry.0 += 1;
        entry.1 += slots as u64;
    }

    /// `outcome`: created, replayed, slot_taken, slot_unavailable, invalid, rate_limited.
    pub fn record_attempt(&self, event: &str, outcome: &'static str) {
        *self
            .attempts
            .lock()
            .expect("metrics lock")
            .entry((event.to_string(), outcome))
            .or_default() += 1;
    }

    pub fn record_page_view(&self, event: &str) {
        *self
            .page_views
            .lock()
            .expect("metrics lock")
            .entry(event.to_string())
            .or_default() += 1;
    }

    /// `outcome`: sent, retry, dead, skipped.
    pub fn record_mail(&self, outcome: &'static str) {
        *self
            .mail
            .lock()
            .expect("metrics lock")
            .entry(outcome)
            .or_default() += 1;
    }

    pub fn record_contact(&self) {
        self.contact_messages.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text, with database numbers from `stats` taken at `now`.
    pub fn render(&self, stats: &Stats, now: i64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP openslot_http_requests_total HTTP requests by route, method and status."
        );
        let _ = writeln!(out, "# TYPE openslot_http_requests_total counter");
        for ((route, method, status), count) in self.requests.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "openslot_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {count}",
                label(route),
                label(method)
            );
        }
        let _ = writeln!(
            out,
            "# HELP openslot_http_request_duration_seconds HTTP request latency by route."
        );
        let _ = writeln!(
            out,
            "# TYPE openslot_http_request_duration_seconds histogram"
        );
        for (route, histogram) in self.latency.lock().expect("metrics lock").iter() {
            let route = label(route);
            for (index, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "openslot_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                    histogram.counts[index]
                );
            }
            let _ = writeln!(
                out,
                "openslot_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "openslot_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "openslot_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.count
            );
        }
        let availability = self.availability.lock().expect("metrics lock").clone();
        let _ = writeln!(
            out,
            "# HELP openslot_availability_queries_total Availability queries by event type."
        );
        let _ = writeln!(out, "# TYPE openslot_availability_queries_total counter");
        for (event, (queries, _)) in &availability {
            let _ = writeln!(
                out,
                "openslot_availability_queries_total{{event=\"{}\"}} {queries}",
                label(event)
            );
        }
        let _ = writeln!(out, "# HELP openslot_slots_offered_total Slots listed in availability answers by event type.");
        let _ = writeln!(out, "# TYPE openslot_slots_offered_total counter");
        for (event, (_, slots)) in &availability {
            let _ = writeln!(
                out,
                "openslot_slots_offered_total{{event=\"{}\"}} {slots}",
                label(event)
            );
        }
        let _ = writeln!(
            out,
            "# HELP openslot_booking_page_views_total Booking page views by event type."
        );
        let _ = writeln!(out, "# TYPE openslot_booking_page_views_total counter");
        for (event, count) in self.page_views.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "openslot_booking_page_views_total{{event=\"{}\"}} {count}",
                label(event)
            );
        }
        let _ = writeln!(
            out,
            "# HELP openslot_booking_attempts_total Booking attempts by event type and outcome."
        );
        let _ = writeln!(out, "# TYPE openslot_booking_attempts_total counter");
        for ((event, outcome), count) in self.attempts.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "openslot_booking_attempts_total{{event=\"{}\",outcome=\"{outcome}\"}} {count}",
                label(event)
            );
        }
        let _ = writeln!(
            out,
            "# HELP openslot_contact_messages_total Contact-form messages received."
        );
        let _ = writeln!(out, "# TYPE openslot_contact_messages_total counter");
        let _ = writeln!(
            out,
            "openslot_contact_messages_total {}",
            self.contact_messages.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP openslot_mail_total Mail job outcomes (sent, retry, dead, skipped)."
        );
        let _ = writeln!(out, "# TYPE openslot_mail_total counter");
        for (outcome, count) in self.mail.lock().expect("metrics lock").iter() {
            let _ = writeln!(out, "openslot_mail_total{{outcome=\"{outcome}\"}} {count}");
        }
        let _ = writeln!(
            out,
            "# HELP openslot_bookings Bookings by status (from the database)."
        );
        let _ = writeln!(out, "# TYPE openslot_bookings gauge");
        for (status, count) in &stats.bookings {
            let _ = writeln!(
                out,
                "openslot_bookings{{status=\"{}\"}} {count}",
                label(status)
            );
        }
        let _ = writeln!(
            out,
            "# HELP openslot_jobs Background jobs by kind and state (from the database)."
        );
        let _ = writeln!(out, "# TYPE openslot_jobs gauge");
        for (kind, state, count) in &stats.jobs {
            let _ = writeln!(
                out,
                "openslot_jobs{{kind=\"{}\",state=\"{}\"}} {count}",
                label(kind),
                label(state)
            );
        }
        let lag = stats.oldest_due.map_or(0, |oldest| (now - oldest).max(0));
        let _ = writeln!(
            out,
            "# HELP openslot_job_queue_lag_seconds Age of the oldest due, unfinished job."
        );
        let _ = writeln!(out, "# TYPE openslot_job_queue_lag_seconds gauge");
        let _ = writeln!(out, "openslot_job_queue_lag_seconds {lag}");
        out
    }
}
