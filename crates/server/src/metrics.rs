//! Prometheus metrics through the `prometheus-client` crate: request counts and latency by
//! route, availability queries and slots offered, booking attempts by outcome, contact
//! messages and mail outcomes, the time-zone database in use; bookings by status and jobs by
//! state come from the database at scrape time.
//!
//! Every label value comes from a fixed set — known HTTP methods or `other`, a matched route
//! template or `unmatched`, configured event slugs or `unknown` — so no request can add a
//! series.

use openslot_store::Stats;
use prometheus_client::{
    encoding::{text, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The route label of a request that matched no route.
pub const UNMATCHED: &str = "unmatched";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    event: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AttemptLabels {
    event: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CalendarLabels {
    connection: String,
    host: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CalendarSyncLabels {
    connection: String,
    host: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TzdbLabels {
    source: String,
    version: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    state: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The method label: the standard methods by name, anything else `other` (so invented
/// methods cannot grow the label set).
pub fn method_label(method: &str) -> &'static str {
    const STANDARD: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ];
    STANDARD
        .into_iter()
        .find(|standard| *standard == method)
        .unwrap_or("other")
}

/// Every counter the service keeps, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<RouteLabels>,
    availability: Family<EventLabels, Counter>,
    slots: Family<EventLabels, Counter>,
    attempts: Family<AttemptLabels, Counter>,
    page_views: Family<EventLabels, Counter>,
    mail: Family<OutcomeLabels, Counter>,
    webhooks: Family<OutcomeLabels, Counter>,
    contact_messages: Counter,
    tzdb: Family<TzdbLabels, Gauge>,
    calendar_syncs: Family<CalendarSyncLabels, Counter>,
    calendar_age: Family<CalendarLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "openslot_http_requests",
            "HTTP requests by route, method and status",
            requests.clone(),
        );
        let latency: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register(
            "openslot_http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        let availability = Family::<EventLabels, Counter>::default();
        registry.register(
            "openslot_availability_queries",
            "Availability queries by event type",
            availability.clone(),
        );
        let slots = Family::<EventLabels, Counter>::default();
        registry.register(
            "openslot_slots_offered",
            "Slots listed in availability answers by event type",
            slots.clone(),
        );
        let page_views = Family::<EventLabels, Counter>::default();
        registry.register(
            "openslot_booking_page_views",
            "Booking page views by event type",
            page_views.clone(),
        );
        let attempts = Family::<AttemptLabels, Counter>::default();
        registry.register(
            "openslot_booking_attempts",
            "Booking attempts by event type and outcome",
            attempts.clone(),
        );
        let contact_messages = Counter::default();
        registry.register(
            "openslot_contact_messages",
            "Contact-form messages received",
            contact_messages.clone(),
        );
        let mail = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "openslot_mail",
            "Mail job outcomes (sent, retry, dead, skipped)",
            mail.clone(),
        );
        let webhooks = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "openslot_webhook_deliveries",
            "Webhook delivery attempts by outcome (delivered, failed, refused, skipped, dead)",
            webhooks.clone(),
        );
        let tzdb = Family::<TzdbLabels, Gauge>::default();
        registry.register(
            "openslot_tzdb_info",
            "The time-zone database in use (source: system or bundled) and its version",
            tzdb.clone(),
        );
        let calendar_syncs = Family::<CalendarSyncLabels, Counter>::default();
        registry.register(
            "openslot_calendar_syncs",
            "Calendar syncs by connection, host and outcome (ok, timeout, unreachable, auth, error, data, store)",
            calendar_syncs.clone(),
        );
        let calendar_age = Family::<CalendarLabels, Gauge>::default();
        registry.register(
            "openslot_calendar_seconds_since_success",
            "Seconds since each calendar connection last synced successfully (absent until it has)",
            calendar_age.clone(),
        );
        let active = crate::tzdb::active();
        tzdb.get_or_create(&TzdbLabels {
            source: active.source.to_string(),
            version: active.version.clone(),
        })
        .set(1);
        Metrics {
            registry,
            requests,
            latency,
            availability,
            slots,
            attempts,
            page_views,
            mail,
            webhooks,
            contact_messages,
            tzdb,
            calendar_syncs,
            calendar_age,
        }
    }
}

impl Metrics {
    /// Counts one sync of a calendar connection.
    pub fn record_calendar_sync(&self, connection: &str, host: &str, outcome: &'static str) {
        self.calendar_syncs
            .get_or_create(&CalendarSyncLabels {
                connection: connection.to_string(),
                host: host.to_string(),
                outcome,
            })
            .inc();
    }

    /// How long ago a connection last synced successfully (`None`: never, so no sample).
    pub fn set_calendar_age(&self, connection: &str, host: &str, seconds: Option<i64>) {
        let labels = CalendarLabels {
            connection: connection.to_string(),
            host: host.to_string(),
        };
        match seconds {
            Some(seconds) => {
                self.calendar_age.get_or_create(&labels).set(seconds.max(0));
            }
            None => {
                self.calendar_age.remove(&labels);
            }
        }
    }

    /// `route` must be a matched route template or [`UNMATCHED`]; `method` is the
    /// request's method name.
    pub fn record_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                method: method_label(method),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// `event`: a configured event slug.
    pub fn record_availability(&self, event: &str, slots: usize) {
        let labels = EventLabels {
            event: event.to_string(),
        };
        self.availability.get_or_create(&labels).inc();
        self.slots.get_or_create(&labels).inc_by(slots as u64);
    }

    /// `event`: a configured slug or `unknown`; `outcome`: created, replayed, slot_taken,
    /// slot_unavailable, invalid, rate_limited.
    pub fn record_attempt(&self, event: &str, outcome: &'static str) {
        self.attempts
            .get_or_create(&AttemptLabels {
                event: event.to_string(),
                outcome,
            })
            .inc();
    }

    /// `event`: a configured event slug.
    pub fn record_page_view(&self, event: &str) {
        self.page_views
            .get_or_create(&EventLabels {
                event: event.to_string(),
            })
            .inc();
    }

    /// `outcome`: sent, retry, dead, skipped.
    pub fn record_mail(&self, outcome: &'static str) {
        self.mail.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// `outcome`: delivered, failed (the receiver did not take it), refused (the target
    /// is internal), skipped (subscription gone or inactive), dead.
    pub fn record_webhook(&self, outcome: &'static str) {
        self.webhooks
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    pub fn record_contact(&self) {
        self.contact_messages.inc();
    }

    /// Replaces the time-zone database series (one series at a time).
    pub fn set_tzdb(&self, source: &str, version: &str) {
        self.tzdb.clear();
        self.tzdb
            .get_or_create(&TzdbLabels {
                source: source.to_string(),
                version: version.to_string(),
            })
            .set(1);
    }

    /// The exposition text (OpenMetrics, which Prometheus also reads as text format 0.0.4),
    /// with database numbers from `stats` taken at `now`.
    pub fn render(&self, stats: &Stats, now: i64) -> String {
        let mut scraped = Registry::default();
        let bookings = Family::<StatusLabels, Gauge>::default();
        for (status, count) in &stats.bookings {
            bookings
                .get_or_create(&StatusLabels {
                    status: status.clone(),
                })
                .set(*count);
        }
        scraped.register(
            "openslot_bookings",
            "Bookings by status (from the database)",
            bookings,
        );
        let jobs = Family::<JobLabels, Gauge>::default();
        for (kind, state, count) in &stats.jobs {
            jobs.get_or_create(&JobLabels {
                kind: kind.clone(),
                state: state.clone(),
            })
            .set(*count);
        }
        scraped.register(
            "openslot_jobs",
            "Background jobs by kind and state (from the database)",
            jobs,
        );
        let lag = Gauge::<i64>::default();
        lag.set(stats.oldest_due.map_or(0, |oldest| (now - oldest).max(0)));
        scraped.register(
            "openslot_job_queue_lag_seconds",
            "Age of the oldest due, unfinished job",
            lag,
        );
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = text::encode_registry(&mut out, &self.registry);
        let _ = text::encode_registry(&mut out, &scraped);
        let _ = text::encode_eof(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        let metrics = Metrics::default();
        for index in 0..500 {
            let method = format!("INVENTED{index}");
            metrics.record_request(UNMATCHED, &method, 404, 0.001);
        }
        let text = metrics.render(&Stats::default(), 0);
        assert!(!text.contains("INVENTED"), "{text}");
        assert!(text.contains(
            "openslot_http_requests_total{route=\"unmatched\",method=\"other\",status=\"404\"} 500"
        ));
    }
}
