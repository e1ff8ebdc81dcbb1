//! One attempt at delivering a webhook message: the body is rendered from the job alone
//! (the booking as the change left it), signed with the subscription's secrets, and
//! POSTed under one deadline without following redirects; only a 2xx counts. Unless the
//! operator allows private targets, the name is resolved first, every address must be
//! public, and the connection is pinned to those addresses, so a name that changes its
//! answer between the check and the connection cannot lead inside. Every attempt is
//! written to the subscription's log.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Duration, Instant},
};

use openslot_store::{Booking, Job, Store, WebhookAttempt, WebhookSubscription};
use serde_json::{json, Value};

use super::{signature_header, WebhookEvent};
use crate::{clock::Clock, config::WebhooksConfig, credentials::Credentials, metrics::Metrics};

/// How a booking is shown to subscribers (the `/api/v1` view), given by the edge.
pub type BookingView = Arc<dyn Fn(&Booking) -> Value + Send + Sync>;

/// What became of a delivery job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The receiver answered 2xx.
    Sent,
    /// The subscription is gone or inactive: nothing to deliver.
    Skipped,
}

/// Why a delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Worth another attempt later (the receiver failed, timed out, redirected, or the
    /// target was refused: an operator may fix the name or the setting).
    Transient(String),
    /// No later attempt can succeed (the job or the stored secret is unreadable).
    Permanent(String),
}

/// Why a target URL may not be called.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("the URL cannot be read")]
    BadUrl,
    #[error("only http and https URLs can receive webhooks")]
    Scheme,
    #[error("{host} cannot be resolved")]
    Unresolved { host: String },
    #[error("{host} did not resolve in time")]
    Timeout { host: String },
    #[error(
        "{host} points to an internal address ({ip}); set [webhooks] allow_private_targets = true to allow it"
    )]
    Internal { host: String, ip: IpAddr },
}

/// A URL checked for calling: the host and the addresses the connection is pinned to
/// (`None`: private targets are allowed, the client resolves as usual).
#[derive(Debug)]
struct Target {
    url: reqwest::Url,
    pinned: Option<(String, Vec<SocketAddr>)>,
}

async fn resolve_target(
    url: &str,
    allow_private: bool,
    deadline: Duration,
) -> Result<Target, TargetError> {
    let url = reqwest::Url::parse(url).map_err(|_| TargetError::BadUrl)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::Scheme);
    }
    let host = url.host_str().ok_or(TargetError::BadUrl)?.to_string();
    if allow_private {
        return Ok(Target { url, pinned: None });
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::time::timeout(deadline, tokio::net::lookup_host((bare, port)))
            .await
            .map_err(|_| TargetError::Timeout { host: host.clone() })?
            .map_err(|_| TargetError::Unresolved { host: host.clone() })?
            .collect(),
    };
    if addresses.is_empty() {
        return Err(TargetError::Unresolved { host });
    }
    if let Some(address) = addresses
        .iter()
        .find(|address| crate::egress::is_internal(address.ip()))
    {
        return Err(TargetError::Internal {
            ip: address.ip(),
            host,
        });
    }
    Ok(Target {
        url,
        pinned: Some((bare.to_string(), addresses)),
    })
}

/// Whether `url` may receive webhooks now (for checking a subscription as it is made; the
/// same check runs again at every delivery).
pub async fn check_target(url: &str, config: &WebhooksConfig) -> Result<(), TargetError> {
    resolve_target(url, config.allow_private_targets, timeout_of(config))
        .await
        .map(|_| ())
}

fn timeout_of(config: &WebhooksConfig) -> Duration {
    Duration::from_secs(config.timeout_seconds.max(1))
}

/// Delivers webhook jobs.
#[derive(Clone)]
pub struct Delivery {
    pub store: Arc<dyn Store>,
    pub credentials: Arc<Credentials>,
    pub config: WebhooksConfig,
    pub view: BookingView,
    pub metrics: Arc<Metrics>,
    pub clock: Arc<dyn Clock>,
}

/// The failure of one attempt, as logged and returned.
struct Attempted {
    status_code: Option<u16>,
    error: Option<String>,
}

impl Delivery {
    /// The body of a job's message: the same bytes on every attempt.
    fn body(&self, job: &Job, event: WebhookEvent) -> Result<Vec<u8>, DeliveryError> {
        let payload = &job.payload;
        let data = if event.is_booking() {
            let booking: Booking =
                serde_json::from_value(payload["booking"].clone()).map_err(|err| {
                    DeliveryError::Permanent(format!("the job carries no readable booking: {err}"))
                })?;
            (self.view)(&booking)
        } else {
            payload.get("data").cloned().unwrap_or(Value::Null)
        };
        let body = json!({
            "type": event.as_str(),
            "timestamp": payload["timestamp"],
            "data": data,
        });
        serde_json::to_vec(&body).map_err(|err| DeliveryError::Permanent(err.to_string()))
    }

    /// The secrets signing now: the current one, and the previous one until its grace
    /// period ends.
    fn secrets(
        &self,
        subscription: &WebhookSubscription,
        now: i64,
    ) -> Result<Vec<String>, DeliveryError> {
        let open = |sealed: &str| {
            self.credentials.open(sealed).map_err(|err| {
                DeliveryError::Permanent(format!("the signing secret cannot be opened: {err}"))
            })
        };
        let mut secrets = vec![open(&subscription.secret_sealed)?];
        if let (Some(previous), Some(until)) = (
            &subscription.previous_secret_sealed,
            subscription.previous_until,
        ) {
            if now < until {
                secrets.push(open(previous)?);
            }
        }
        Ok(secrets)
    }

    /// Runs one attempt of a `webhook` job.
    pub async fn deliver(&self, job: &Job) -> Result<Delivered, DeliveryError> {
        let payload = &job.payload;
        let text = |key: &str| {
            payload[key]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| DeliveryError::Permanent(format!("webhook job without {key}")))
        };
        let subscription_id = text("subscription_id")?;
        let message_id = text("message_id")?;
        let event_name = text("type")?;
        let event = WebhookEvent::parse(&event_name).ok_or_else(|| {
            DeliveryError::Permanent(format!("unknown webhook event {event_name:?}"))
        })?;
        let subscription = self
            .store
            .webhook(&subscription_id)
            .await
            .map_err(|err| DeliveryError::Transient(format!("store: {err}")))?;
        let Some(subscription) = subscription.filter(|subscription| subscription.active) else {
            self.metrics.record_webhook("skipped");
            return Ok(Delivered::Skipped);
        };
        let body = self.body(job, event)?;
        let now = self.clock.now().as_second();
        let secrets = self.secrets(&subscription, now)?;
        let started = Instant::now();
        let outcome = self
            .post(&subscription.url, &message_id, now, &body, &secrets)
            .await;
        let latency_ms = started.elapsed().as_millis() as u64;
        let (delivered, attempted) = match outcome {
            Ok(status) if (200..300).contains(&status) => (
                true,
                Attempted {
                    status_code: Some(status),
                    error: None,
                },
            ),
            Ok(status) => (
                false,
                Attempted {
                    status_code: Some(status),
                    error: Some(if (300..400).contains(&status) {
                        format!("HTTP {status} (redirects are not followed)")
                    } else {
                        format!("HTTP {status}")
                    }),
                },
            ),
            Err(error) => (
                false,
                Attempted {
                    status_code: None,
                    error: Some(error),
                },
            ),
        };
        let attempt = WebhookAttempt {
            id: uuid::Uuid::now_v7().to_string(),
            subscription_id: subscription.id.clone(),
            job_id: job.id.clone(),
            message_id,
            event: event_name,
            attempt: job.attempts,
            at: now,
            status_code: attempted.status_code,
            latency_ms,
            error: attempted.error.clone(),
            delivered,
        };
        if let Err(err) = self.store.record_webhook_attempt(&attempt).await {
            // The delivery itself happened (or failed) as reported; only the log misses it.
            tracing::warn!(job_id = %job.id, error = %err, "webhook attempt not logged");
        }
        if delivered {
            self.metrics.record_webhook("delivered");
            tracing::info!(job_id = %job.id, subscription_id = %subscription.id,
                event = event.as_str(), latency_ms, "webhook delivered");
            return Ok(Delivered::Sent);
        }
        let error = attempted.error.unwrap_or_default();
        self.metrics
            .record_webhook(if error.starts_with("refused") {
                "refused"
            } else {
                "failed"
            });
        Err(DeliveryError::Transient(error))
    }

    /// POSTs `body` to `url` under the deadline; the answer's status, or why there was
    /// none.
    async fn post(
        &self,
        url: &str,
        message_id: &str,
        timestamp: i64,
        body: &[u8],
        secrets: &[String],
    ) -> Result<u16, String> {
        let deadline = timeout_of(&self.config);
        let started = Instant::now();
        let target = resolve_target(url, self.config.allow_private_targets, deadline)
            .await
            .map_err(|err| match err {
                TargetError::Internal { .. } | TargetError::Scheme | TargetError::BadUrl => {
                    format!("refused: {err}")
                }
                other => other.to_string(),
            })?;
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(deadline.saturating_sub(started.elapsed()))
            .user_agent(concat!("openslot-webhooks/", env!("CARGO_PKG_VERSION")));
        if let Some((host, addresses)) = &target.pinned {
            builder = builder.resolve_to_addrs(host, addresses);
        }
        let client = builder
            .build()
            .map_err(|err| format!("HTTP client: {err}"))?;
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let response = client
            .post(target.url)
            .header("content-type", "application/json")
            .header("webhook-id", message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                signature_header(&secrets, message_id, timestamp, body),
            )
            .body(body.to_vec())
            .send()
            .await
            .map_err(|err| {
                if err.is_timeout() {
                    format!("timed out after {} s", deadline.as_secs())
                } else if err.is_connect() {
                    "cannot connect".to_string()
                } else {
                    // Without the URL, which may carry a token of the subscriber's.
                    format!("request failed: {}", err.without_url())
                }
            })?;
        Ok(response.status().as_u16())
    }
}
