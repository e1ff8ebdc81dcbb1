//! Webhook subscriptions and the log of delivery attempts. Secrets arrive sealed by the
//! server: the store keeps opaque strings and no crypto. Deliveries themselves are jobs
//! (kind `webhook`, `payload.subscription_id`); instants are Unix seconds.

use async_trait::async_trait;

use crate::{Job, StoreError};

/// Where events of some kinds are sent.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSubscription {
    pub id: String,
    pub url: String,
    /// Event names (`booking.confirmed`, …) it wants.
    pub events: Vec<String>,
    /// An inactive subscription gets no new deliveries; queued ones are skipped.
    pub active: bool,
    pub description: String,
    /// The signing secret (`whsec_…`) as sealed by the server.
    pub secret_sealed: String,
    /// The secret before the last rotation, still signing until `previous_until`.
    pub previous_secret_sealed: Option<String>,
    pub previous_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl WebhookSubscription {
    /// Whether it is active and wants `event`.
    pub fn wants(&self, event: &str) -> bool {
        self.active && self.events.iter().any(|wanted| wanted == event)
    }
}

impl std::fmt::Debug for WebhookSubscription {
    // Even sealed, secrets stay out of logs.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("WebhookSubscription")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("active", &self.active)
            .field("description", &self.description)
            .field("secret_sealed", &"<redacted>")
            .field(
                "previous_secret_sealed",
                &self.previous_secret_sealed.as_ref().map(|_| "<redacted>"),
            )
            .field("previous_until", &self.previous_until)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// One attempt at delivering one message to one subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookAttempt {
    pub id: String,
    pub subscription_id: String,
    /// The delivery job.
    pub job_id: String,
    /// The Standard Webhooks message id (`webhook-id`), the same on every attempt.
    pub message_id: String,
    pub event: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    pub at: i64,
    /// The receiver's HTTP status, if it answered.
    pub status_code: Option<u16>,
    pub latency_ms: u64,
    /// Why it failed (refused target, timeout, connection error, non-2xx answer).
    pub error: Option<String>,
    pub delivered: bool,
}

/// Webhook subscriptions and their delivery log.
#[async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    /// Inserts or replaces the subscription `subscription.id` (keeping its `created_at`).
    async fn save_webhook(&self, subscription: &WebhookSubscription) -> Result<(), StoreError>;

    /// One subscription by id.
    async fn webhook(&self, id: &str) -> Result<Option<WebhookSubscription>, StoreError>;

    /// Every subscription, oldest first.
    async fn webhooks(&self) -> Result<Vec<WebhookSubscription>, StoreError>;

    /// Deletes a subscription with its attempt log, cancelling its queued deliveries, in one
    /// transaction. Whether it existed.
    async fn delete_webhook(&self, id: &str) -> Result<bool, StoreError>;

    /// Appends an attempt to a subscription's log.
    async fn record_webhook_attempt(&self, attempt: &WebhookAttempt) -> Result<(), StoreError>;

    /// The latest `limit` attempts of a subscription, newest first.
    async fn webhook_attempts(
        &self,
        subscription_id: &str,
        limit: u32,
    ) -> Result<Vec<WebhookAttempt>, StoreError>;

    /// The latest `limit` delivery jobs of a subscription (any state), newest first.
    async fn webhook_jobs(&self, subscription_id: &str, limit: u32)
        -> Result<Vec<Job>, StoreError>;
}

/// `events` as stored: space-separated.
pub(crate) fn join_events(events: &[String]) -> String {
    events.join(" ")
}

pub(crate) fn split_events(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(String::from).collect()
}
