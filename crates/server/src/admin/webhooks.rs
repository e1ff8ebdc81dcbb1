//! Webhook subscriptions for operators, shared by `/admin/webhooks` and `/api/v1/webhooks`:
//! validation, the target check (no internal addresses unless `[webhooks]
//! allow_private_targets`), secrets shown once and rotated with a grace period, the delivery
//! log and redelivery. Every change is audited; secrets never reach a log or the audit.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use openslot_store::{Job, JobState, NewJob, WebhookAttempt, WebhookSubscription};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

use super::{page, see_other, AdminForm, AdminSession};
use crate::{
    domain::Actor,
    http::{error::ApiError, state::AppState},
    validate::FieldErrors,
    webhooks::WebhookEvent,
};

/// Longest description accepted.
pub const MAX_DESCRIPTION: usize = 500;
/// Longest target URL accepted.
pub const MAX_URL: usize = 2000;
/// How long the previous secret keeps signing after a rotation when none is asked for.
pub const DEFAULT_GRACE_HOURS: u32 = 24;
/// The longest grace period a rotation may ask for (a week).
pub const MAX_GRACE_HOURS: u32 = 168;

/// A subscription as operators see it (never its secret).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WebhookView {
    #[schema(example = "01938a4e-7b8c-7d2e-9f10-2a3b4c5d6e7f")]
    pub id: String,
    #[schema(example = "https://crm.example.com/hooks/openslot")]
    pub url: String,
    /// The events delivered to this URL.
    #[schema(example = json!(["booking.confirmed", "booking.cancelled"]))]
    pub events: Vec<String>,
    /// An inactive subscription gets no deliveries (pending ones are skipped).
    pub active: bool,
    #[schema(example = "CRM sync")]
    pub description: String,
    /// RFC 3339.
    #[schema(example = "2027-03-01T09:00:00Z")]
    pub created_at: String,
    /// RFC 3339.
    #[schema(example = "2027-03-01T09:00:00Z")]
    pub updated_at: String,
    /// Until when the secret replaced by the last rotation still signs (RFC 3339); absent
    /// when only the current secret signs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2027-03-02T09:00:00Z")]
    pub previous_secret_expires_at: Option<String>,
}

/// A subscription with its signing secret: the only answer that ever shows it (creation
/// and rotation).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The Standard Webhooks signing secret; store it now, it is not shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// Every subscription.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookView>,
}

/// A new subscription (`POST`) or a whole replacement (`PUT`).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct WebhookInput {
    /// An `https://` or `http://` URL (at most 2000 characters, no user name, password or
    /// fragment).
    #[schema(
        example = "https://crm.example.com/hooks/openslot",
        pattern = "^https?://[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(\\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$",
        max_length = 2000
    )]
    pub url: String,
    /// One or more of the event names; duplicates are dropped.
    #[schema(example = json!(["booking.confirmed", "booking.cancelled"]), min_items = 1)]
    pub events: Vec<WebhookEventName>,
    /// Default `true`.
    #[serde(default)]
    pub active: Option<bool>,
    /// At most 500 characters, no control characters but tab and newline; default empty.
    #[serde(default)]
    #[schema(
        example = "CRM sync",
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$",
        max_length = 500
    )]
    pub description: Option<String>,
}

/// A partial change (`PATCH`): only the keys sent change.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct WebhookPatch {
    #[schema(
        example = "https://crm.example.com/hooks/openslot-v2",
        pattern = "^https?://[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(\\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$",
        max_length = 2000
    )]
    pub url: Option<String>,
    #[schema(min_items = 1)]
    pub events: Option<Vec<WebhookEventName>>,
    pub active: Option<bool>,
    #[schema(
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$",
        max_length = 500
    )]
    pub description: Option<String>,
}

/// The event names a subscription may ask for.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, ToSchema)]
pub enum WebhookEventName {
    #[serde(rename = "booking.requested")]
    BookingRequested,
    #[serde(rename = "booking.confirmed")]
    BookingConfirmed,
    #[serde(rename = "booking.declined")]
    BookingDeclined,
    #[serde(rename = "booking.cancelled")]
    BookingCancelled,
    #[serde(rename = "booking.rescheduled")]
    BookingRescheduled,
    #[serde(rename = "booking.expired")]
    BookingExpired,
    #[serde(rename = "contact.received")]
    ContactReceived,
}

/// A rotation: how long the old secret keeps signing.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct RotateInput {
    /// Hours the previous secret keeps signing beside the new one (0 to 168, default 24).
    #[schema(example = 24, minimum = 0, maximum = 168)]
    pub grace_hours: Option<u32>,
}

/// One attempt to deliver a message.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub attempt: u32,
    /// RFC 3339.
    pub at: String,
    /// The receiver's HTTP status; absent when no answer came (refused, timed out).
    pub status_code: Option<u16>,
    pub latency_ms: u64,
    pub error: Option<String>,
    pub delivered: bool,
}

/// A message for one subscription and how its delivery went.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Delivery {
    /// The delivery job's id (what `redeliver` takes).
    pub id: String,
    /// The `webhook-id` header: the same on every attempt of the message.
    #[schema(example = "msg_01938a4e7b8c7d2e9f102a3b4c5d6e7f")]
    pub message_id: String,
    #[schema(example = "booking.confirmed")]
    pub event: String,
    /// `pending` (not tried yet), `retrying`, `sending`, `delivered`, `skipped` (the
    /// subscription was inactive), `dead` (gave up; redeliverable) or `cancelled`.
    #[schema(example = "delivered")]
    pub state: String,
    /// Attempts made.
    pub attempts: u32,
    pub max_attempts: u32,
    /// The last attempt's HTTP status.
    pub status_code: Option<u16>,
    /// The last attempt's latency.
    pub latency_ms: Option<u64>,
    /// The last failure.
    pub error: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// When the next attempt is due (RFC 3339), while one is.
    pub next_attempt_at: Option<String>,
    /// The booking the message is about.
    pub booking_id: Option<String>,
    /// Every recorded attempt, oldest first.
    pub attempt_log: Vec<AttemptView>,
}

/// The delivery log of a subscription, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<Delivery>,
}

/// A message queued again.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Redelivery {
    /// The job that will deliver it.
    pub id: String,
    pub message_id: String,
    #[schema(example = "queued")]
    pub state: String,
}

/// What a subscription should become, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub description: String,
}

fn rfc3339(second: i64) -> String {
    jiff::Timestamp::from_second(second)
        .map(|at| at.to_string())
        .unwrap_or_default()
}

pub fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "webhook_not_found",
        format!("there is no webhook subscription {id:?}"),
    )
}

/// A subscription as operators see it, at `now`.
pub fn view(subscription: &WebhookSubscription, now: i64) -> WebhookView {
    WebhookView {
        id: subscription.id.clone(),
        url: subscription.url.clone(),
        events: subscription.events.clone(),
        active: subscription.active,
        description: subscription.description.clone(),
        created_at: rfc3339(subscription.created_at),
        updated_at: rfc3339(subscription.updated_at),
        previous_secret_expires_at: subscription
            .previous_until
            .filter(|until| subscription.previous_secret_sealed.is_some() && *until > now)
            .map(rfc3339),
    }
}

/// What the audit log keeps of a subscription (never a secret).
fn snapshot(subscription: &WebhookSubscription) -> Value {
    json!({
        "url": subscription.url,
        "events": subscription.events,
        "active": subscription.active,
        "description": subscription.description,
    })
}

/// Reads a subscription sent as JSON (or a form turned into JSON). With `base` (the stored
/// subscription) keys left out keep their stored value; without, `url` and `events` are
/// required. Every problem is reported at once, per field.
pub fn read_draft(
    object: &Map<String, Value>,
    base: Option<&WebhookSubscription>,
) -> Result<Draft, ApiError> {
    let mut errors = FieldErrors::new();
    let url = match object.get("url") {
        None | Some(Value::Null) => match base {
            Some(stored) => Some(stored.url.clone()),
            None => {
                errors.insert("url".into(), "the URL to deliver to is required".into());
                None
            }
        },
        Some(Value::String(text)) => match check_url(text.trim()) {
            Ok(url) => Some(url),
            Err(message) => {
                errors.insert("url".into(), message.into());
                None
            }
        },
        Some(_) => {
            errors.insert("url".into(), "must be a string".into());
            None
        }
    };
    let events = match object.get("events") {
        None | Some(Value::Null) => match base {
            Some(stored) => Some(stored.events.clone()),
            None => {
                errors.insert("events".into(), "choose at least one event".into());
                None
            }
        },
        Some(Value::Array(items)) => match read_events(items) {
            Ok(events) => Some(events),
            Err(message) => {
                errors.insert("events".into(), message);
                None
            }
        },
        Some(_) => {
            errors.insert("events".into(), "must be a list of event names".into());
            None
        }
    };
    let active = match object.get("active") {
        None | Some(Value::Null) => base.is_none_or(|stored| stored.active),
        Some(Value::Bool(active)) => *active,
        Some(_) => {
            errors.insert("active".into(), "must be true or false".into());
            true
        }
    };
    let description = match object.get("description") {
        None | Some(Value::Null) => base
            .map(|stored| stored.description.clone())
            .unwrap_or_default(),
        Some(Value::String(text)) => {
            let text = text.trim();
            if text.chars().count() > MAX_DESCRIPTION {
                errors.insert(
                    "description".into(),
                    format!("at most {MAX_DESCRIPTION} characters"),
                );
            } else if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
            {
                errors.insert(
                    "description".into(),
                    "must not contain control characters".into(),
                );
            }
            text.to_string()
        }
        Some(_) => {
            errors.insert("description".into(), "must be a string".into());
            String::new()
        }
    };
    match (url, events) {
        (Some(url), Some(events)) if errors.is_empty() => Ok(Draft {
            url,
            events,
            active,
            description,
        }),
        _ => Err(ApiError::validation(errors)),
    }
}

/// The URL as it will be stored, or why it cannot be used.
fn check_url(text: &str) -> Result<String, &'static str> {
    if text.is_empty() {
        return Err("the URL to deliver to is required");
    }
    if text.len() > MAX_URL {
        return Err("at most 2000 characters");
    }
    let parsed = url::Url::parse(text).map_err(|_| "not a valid URL")?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err("must start with https:// or http://");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("must name a host");
    }
    // WHATWG URL parsing lets characters such as `*` into a host name; DNS names (and
    // the documented pattern) have letters, digits, hyphens and dots only.
    if let Some(url::Host::Domain(name)) = parsed.host() {
        if !name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'.')
        {
            return Err("the host name may contain only letters, digits, hyphens and dots");
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // They would be sent in clear to whoever reads logs of the URL; receivers verify
        // the signature instead.
        return Err("must not contain a user name or password");
    }
    if parsed.fragment().is_some() {
        return Err("must not contain a #fragment");
    }
    Ok(parsed.to_string())
}

fn read_events(items: &[Value]) -> Result<Vec<String>, String> {
    let mut events: Vec<String> = Vec::new();
    for item in items {
        let name = item.as_str().unwrap_or_default();
        match WebhookEvent::parse(name) {
            Some(event) => {
                let name = event.as_str().to_string();
                if !events.contains(&name) {
                    events.push(name);
                }
            }
            None => {
                return Err(format!(
                    "unknown event {}; the events are {}",
                    item,
                    WebhookEvent::ALL
                        .iter()
                        .map(|event| event.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
    }
    if events.is_empty() {
        return Err("choose at least one event".into());
    }
    Ok(events)
}

/// 422 `target_not_allowed` when the URL's host resolves to an internal address and
/// `[webhooks] allow_private_targets` is off. A name that does not resolve now is accepted:
/// every delivery checks again, and refuses it then if it points inside.
async fn check_target(state: &AppState, url: &str) -> Result<(), ApiError> {
    if state.config.webhooks.allow_private_targets {
        return Ok(());
    }
    match crate::egress::check_public(url).await {
        Err(crate::egress::EgressError::Internal { host, ip }) => {
            let mut fields = FieldErrors::new();
            let message = format!(
                "{host} points to an internal address ({ip}); webhooks may only go to public addresses"
            );
            fields.insert("url".into(), message.clone());
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "target_not_allowed",
                message,
            )
            .with_fields(fields))
        }
        Err(crate::egress::EgressError::BadUrl) => {
            let mut fields = FieldErrors::new();
            fields.insert("url".into(), "not a valid URL".into());
            Err(ApiError::validation(fields))
        }
        Err(crate::egress::EgressError::Unresolved { .. }) | Ok(()) => Ok(()),
    }
}

/// The subscription `id`.
pub async fn stored(state: &AppState, id: &str) -> Result<WebhookSubscription, ApiError> {
    state.store.webhook(id).await?.ok_or_else(|| not_found(id))
}

/// Every subscription, oldest first.
pub async fn listing(state: &AppState) -> Result<Vec<WebhookSubscription>, ApiError> {
    let mut all = state.store.webhooks().await?;
    all.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(all)
}

/// Creates a subscription; returns it with its secret (shown this once).
pub async fn create(
    state: &AppState,
    draft: Draft,
    actor: &Actor,
) -> Result<(WebhookSubscription, String), ApiError> {
    check_target(state, &draft.url).await?;
    let now = state.clock.now().as_second();
    let secret = crate::webhooks::new_secret();
    let subscription = WebhookSubscription {
        id: uuid::Uuid::now_v7().to_string(),
        url: draft.url,
        events: draft.events,
        active: draft.active,
        description: draft.description,
        secret_sealed: state.credentials.seal(&secret),
        previous_secret_sealed: None,
        previous_until: None,
        created_at: now,
        updated_at: now,
    };
    state.store.save_webhook(&subscription).await?;
    state
        .domain
        .audit(
            actor,
            "webhook.create",
            format!("webhook:{}", subscription.id),
            None,
            Some(snapshot(&subscription)),
        )
        .await;
    tracing::info!(webhook = %subscription.id, by = actor.kind(), "webhook created");
    Ok((subscription, secret))
}

/// Changes a subscription's URL, events, state or description (its secret stays).
pub async fn update(
    state: &AppState,
    id: &str,
    object: &Map<String, Value>,
    replace: bool,
    actor: &Actor,
) -> Result<WebhookSubscription, ApiError> {
    let before = stored(state, id).await?;
    let draft = read_draft(object, (!replace).then_some(&before))?;
    if draft.url != before.url {
        check_target(state, &draft.url).await?;
    }
    let after = WebhookSubscription {
        url: draft.url,
        events: draft.events,
        active: draft.active,
        description: draft.description,
        updated_at: state.clock.now().as_second(),
        ..before.clone()
    };
    state.store.save_webhook(&after).await?;
    state
        .domain
        .audit(
            actor,
            "webhook.update",
            format!("webhook:{id}"),
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await;
    Ok(after)
}

/// Deletes a subscription; messages still queued for it are skipped by the worker.
pub async fn remove(state: &AppState, id: &str, actor: &Actor) -> Result<(), ApiError> {
    let before = stored(state, id).await?;
    if !state.store.delete_webhook(id).await? {
        return Err(not_found(id));
    }
    state
        .domain
        .audit(
            actor,
            "webhook.delete",
            format!("webhook:{id}"),
            Some(snapshot(&before)),
            None,
        )
        .await;
    Ok(())
}

/// Reads the grace period of a rotation (JSON `grace_hours`).
pub fn grace_hours(object: &Map<String, Value>) -> Result<u32, ApiError> {
    match object.get("grace_hours") {
        None | Some(Value::Null) => Ok(DEFAULT_GRACE_HOURS),
        // JSON does not tell 24 from 24.0; both are the integer 24.
        Some(value) => match value.as_f64().filter(|hours| hours.fract() == 0.0) {
            Some(hours) if (0.0..=f64::from(MAX_GRACE_HOURS)).contains(&hours) => Ok(hours as u32),
            _ => {
                let mut fields = FieldErrors::new();
                fields.insert(
                    "grace_hours".into(),
                    format!("a whole number of hours from 0 to {MAX_GRACE_HOURS}"),
                );
                Err(ApiError::validation(fields))
            }
        },
    }
}

/// Gives a subscription a new secret; the one it replaces keeps signing beside it for
/// `grace_hours` (none: it stops at once). Returns the subscription and the new secret.
pub async fn rotate(
    state: &AppState,
    id: &str,
    grace_hours: u32,
    actor: &Actor,
) -> Result<(WebhookSubscription, String), ApiError> {
    let before = stored(state, id).await?;
    let now = state.clock.now().as_second();
    let secret = crate::webhooks::new_secret();
    let (previous, until) = if grace_hours == 0 {
        (None, None)
    } else {
        (
            Some(before.secret_sealed.clone()),
            Some(now + i64::from(grace_hours) * 3600),
        )
    };
    let after = WebhookSubscription {
        secret_sealed: state.credentials.seal(&secret),
        previous_secret_sealed: previous,
        previous_until: until,
        updated_at: now,
        ..before
    };
    state.store.save_webhook(&after).await?;
    state
        .domain
        .audit(
            actor,
            "webhook.rotate",
            format!("webhook:{id}"),
            None,
            Some(json!({"grace_hours": grace_hours, "previous_secret_expires_at": until.map(rfc3339)})),
        )
        .await;
    Ok((after, secret))
}

/// Where a delivery stands, from its job and attempts.
fn delivery_state(job: &Job, attempts: &[&WebhookAttempt]) -> &'static str {
    match job.state {
        JobState::Queued if job.attempts == 0 => "pending",
        JobState::Queued => "retrying",
        JobState::Running => "sending",
        JobState::Done if attempts.iter().any(|attempt| attempt.delivered) => "delivered",
        JobState::Done => "skipped",
        JobState::Dead => "dead",
        JobState::Cancelled => "cancelled",
    }
}

/// The delivery log of subscription `id`: its latest `limit` messages, newest first.
pub async fn deliveries(state: &AppState, id: &str, limit: u32) -> Result<Vec<Delivery>, ApiError> {
    stored(state, id).await?;
    let limit = limit.clamp(1, 200);
    let jobs = state.store.webhook_jobs(id, limit).await?;
    // Enough attempts to cover the jobs shown even when each took the whole schedule.
    let attempts = state.store.webhook_attempts(id, limit * 13).await?;
    Ok(jobs
        .iter()
        .map(|job| {
            let mut mine: Vec<&WebhookAttempt> = attempts
                .iter()
                .filter(|attempt| attempt.job_id == job.id)
                .collect();
            mine.sort_by_key(|attempt| (attempt.at, attempt.attempt));
            let last = mine.last();
            Delivery {
                id: job.id.clone(),
                message_id: job.payload["message_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                event: job.payload["type"].as_str().unwrap_or_default().to_string(),
                state: delivery_state(job, &mine).to_string(),
                attempts: job.attempts,
                max_attempts: job.max_attempts,
                status_code: last.and_then(|attempt| attempt.status_code),
                latency_ms: last.map(|attempt| attempt.latency_ms),
                error: last
                    .and_then(|attempt| attempt.error.clone())
                    .or_else(|| job.last_error.clone()),
                created_at: rfc3339(job.created_at),
                next_attempt_at: (job.state == JobState::Queued).then(|| rfc3339(job.run_at)),
                booking_id: job.booking_id.clone(),
                attempt_log: mine
                    .iter()
                    .map(|attempt| AttemptView {
                        attempt: attempt.attempt,
                        at: rfc3339(attempt.at),
                        status_code: attempt.status_code,
                        latency_ms: attempt.latency_ms,
                        error: attempt.error.clone(),
                        delivered: attempt.delivered,
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Sends a message of subscription `id` again: a dead one goes back in the queue with its
/// attempts reset; a delivered (or skipped, or cancelled) one is queued anew with the same
/// body and `webhook-id`, so a receiver that keeps ids can tell it is the same message.
pub async fn redeliver(
    state: &AppState,
    id: &str,
    job_id: &str,
    actor: &Actor,
) -> Result<Redelivery, ApiError> {
    stored(state, id).await?;
    let job = state
        .store
        .webhook_jobs(id, 1000)
        .await?
        .into_iter()
        .find(|job| job.id == job_id)
        .ok_or_else(|| {
            ApiError::not_found(
                "delivery_not_found",
                format!("subscription {id:?} has no delivery {job_id:?}"),
            )
        })?;
    let message_id = job.payload["message_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let now = state.clock.now().as_second();
    let queued_id = match job.state {
        JobState::Queued | JobState::Running => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "delivery_pending",
                "this message is still being delivered; wait for it to succeed or die",
            ))
        }
        JobState::Dead => {
            if !state.store.retry_dead_job(&job.id, now).await? {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "delivery_pending",
                    "this message was queued again meanwhile",
                ));
            }
            job.id.clone()
        }
        JobState::Done | JobState::Cancelled => {
            let again = NewJob {
                id: uuid::Uuid::now_v7().to_string(),
                kind: job.kind.clone(),
                // The payload holds the booking as it was at the event: the body stays
                // what the first delivery sent.
                payload: job.payload.clone(),
                run_at: now,
                max_attempts: job.max_attempts,
                booking_id: job.booking_id.clone(),
                // A manual resend of an old message is not part of the ordered stream;
                // it must not hold back newer messages of the booking.
                order_key: None,
                embed_booking: false,
            };
            state
                .store
                .enqueue_jobs(std::slice::from_ref(&again), now)
                .await?;
            again.id
        }
    };
    state.jobs_wake.notify_one();
    state
        .domain
        .audit(
            actor,
            "webhook.redeliver",
            format!("webhook:{id}"),
            None,
            Some(json!({"message_id": message_id, "job": queued_id})),
        )
        .await;
    Ok(Redelivery {
        id: queued_id,
        message_id,
        state: "queued".into(),
    })
}

// ---- /admin/webhooks pages ----

/// The event names with whether each is chosen, for the form's checkboxes.
fn event_choices(chosen: &[String]) -> Vec<Value> {
    WebhookEvent::ALL
        .iter()
        .map(|event| json!({"name": event.as_str(), "checked": chosen.iter().any(|name| name == event.as_str())}))
        .collect()
}

/// A posted form as the JSON the API takes (checkbox `active`, repeated `events`).
fn form_object(form: &super::Form) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("url".into(), json!(form.get("url").unwrap_or_default()));
    object.insert("events".into(), json!(form.all("events")));
    object.insert("active".into(), json!(form.get("active").is_some()));
    object.insert(
        "description".into(),
        json!(form.get("description").unwrap_or_default()),
    );
    object
}

fn form_values(object: &Map<String, Value>) -> Value {
    let chosen: Vec<String> = object["events"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "url": object["url"],
        "description": object["description"],
        "active": object["active"],
        "events": event_choices(&chosen),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    pub done: Option<String>,
    pub limit: Option<u32>,
}

/// `GET /admin/webhooks`.
pub async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    query: Result<Query<DetailQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let done = query.ok().and_then(|Query(query)| query.done);
    let now = state.clock.now().as_second();
    match listing(&state).await {
        Ok(all) => page(
            &state,
            &session,
            "admin_webhooks.html",
            "webhooks",
            json!({
                "webhooks": all.iter().map(|s| view(s, now)).collect::<Vec<_>>(),
                "done": done,
                "allow_private_targets": state.config.webhooks.allow_private_targets,
            }),
        ),
        Err(err) => super::error(&state, &session, err),
    }
}

fn new_page(
    state: &AppState,
    session: &AdminSession,
    values: Value,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let mut response = page(
        state,
        session,
        "admin_webhook_new.html",
        "webhooks",
        json!({"values": values, "errors": errors}),
    );
    *response.status_mut() = status;
    response
}

/// `GET /admin/webhooks/new`.
pub async fn new_form(State(state): State<AppState>, session: AdminSession) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let values =
        json!({"url": "", "description": "", "active": true, "events": event_choices(&[])});
    new_page(&state, &session, values, FieldErrors::new(), StatusCode::OK)
}

/// The fields of an error for a form: its field errors, else its message under `form`.
fn form_errors(err: &ApiError) -> FieldErrors {
    let mut errors = err.fields.clone().unwrap_or_default();
    if errors.is_empty() {
        errors.insert("form".into(), err.message.clone());
    }
    errors
}

/// `POST /admin/webhooks`: creates a subscription and shows its secret once.
pub async fn create_submit(
    State(state): State<AppState>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let object = form_object(&form);
    let created = match read_draft(&object, None) {
        Ok(draft) => create(&state, draft, &session.actor()).await,
        Err(err) => Err(err),
    };
    match created {
        Ok((subscription, secret)) => {
            detail_page(&state, &session, &subscription, Some(secret), None, 50).await
        }
        Err(err) if err.status.is_server_error() => super::error(&state, &session, err),
        Err(err) => new_page(
            &state,
            &session,
            form_values(&object),
            form_errors(&err),
            err.status,
        ),
    }
}

async fn detail_page(
    state: &AppState,
    session: &AdminSession,
    subscription: &WebhookSubscription,
    secret: Option<String>,
    done: Option<String>,
    limit: u32,
) -> Response {
    let now = state.clock.now().as_second();
    let log = match deliveries(state, &subscription.id, limit).await {
        Ok(log) => log,
        Err(err) => return super::error(state, session, err),
    };
    let values = json!({
        "url": subscription.url,
        "description": subscription.description,
        "active": subscription.active,
        "events": event_choices(&subscription.events),
    });
    page(
        state,
        session,
        "admin_webhook.html",
        "webhooks",
        json!({
            "webhook": view(subscription, now),
            "values": values,
            "errors": {},
            "secret": secret,
            "done": done,
            "deliveries": log,
            "default_grace_hours": DEFAULT_GRACE_HOURS,
            "max_grace_hours": MAX_GRACE_HOURS,
        }),
    )
}

/// `GET /admin/webhooks/{id}`: the subscription, its form and its delivery log.
pub async fn detail(
    State(state): State<AppState>,
    Path(id): Path<String>,
    session: AdminSession,
    query: Result<Query<DetailQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let query = query.map(|Query(query)| query).unwrap_or_default();
    match stored(&state, &id).await {
        Ok(subscription) => {
            detail_page(
                &state,
                &session,
                &subscription,
                None,
                query.done,
                query.limit.unwrap_or(50),
            )
            .await
        }
        Err(err) => super::error(&state, &session, err),
    }
}

/// `POST /admin/webhooks/{id}`: saves the form.
pub async fn update_submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let object = form_object(&form);
    match update(&state, &id, &object, true, &session.actor()).await {
        Ok(_) => see_other(&format!("/admin/webhooks/{id}?done=saved")),
        Err(err) if err.status.is_client_error() && err.status != StatusCode::NOT_FOUND => {
            let subscription = match stored(&state, &id).await {
                Ok(subscription) => subscription,
                Err(err) => return super::error(&state, &session, err),
            };
            let now = state.clock.now().as_second();
            let log = deliveries(&state, &id, 50).await.unwrap_or_default();
            let mut response = page(
                &state,
                &session,
                "admin_webhook.html",
                "webhooks",
                json!({
                    "webhook": view(&subscription, now),
                    "values": form_values(&object),
                    "errors": form_errors(&err),
                    "deliveries": log,
                    "default_grace_hours": DEFAULT_GRACE_HOURS,
                    "max_grace_hours": MAX_GRACE_HOURS,
                }),
            );
            *response.status_mut() = err.status;
            response
        }
        Err(err) => super::error(&state, &session, err),
    }
}

/// `POST /admin/webhooks/{id}/rotate`: a new secret, shown once; the old one signs on for
/// the grace period asked for.
pub async fn rotate_submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { session, form }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    let mut object = Map::new();
    if let Some(hours) = form.text("grace_hours") {
        object.insert(
            "grace_hours".into(),
            hours
                .parse::<u64>()
                .map(Value::from)
                .unwrap_or(json!(hours)),
        );
    }
    let rotated = match grace_hours(&object) {
        Ok(hours) => rotate(&state, &id, hours, &session.actor()).await,
        Err(err) => Err(err),
    };
    match rotated {
        Ok((subscription, secret)) => {
            detail_page(
                &state,
                &session,
                &subscription,
                Some(secret),
                Some("rotated".into()),
                50,
            )
            .await
        }
        Err(err) => super::error(&state, &session, err),
    }
}

/// `POST /admin/webhooks/{id}/delete`.
pub async fn delete_submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    match remove(&state, &id, &session.actor()).await {
        Ok(()) => see_other("/admin/webhooks?done=deleted"),
        Err(err) => super::error(&state, &session, err),
    }
}

/// `POST /admin/webhooks/{id}/deliveries/{job_id}/redeliver`.
pub async fn redeliver_submit(
    State(state): State<AppState>,
    Path((id, job_id)): Path<(String, String)>,
    AdminForm { session, .. }: AdminForm,
) -> Response {
    if let Err(err) = session.role.require_admin() {
        return super::error(&state, &session, err);
    }
    match redeliver(&state, &id, &job_id, &session.actor()).await {
        Ok(_) => see_other(&format!("/admin/webhooks/{id}?done=redelivered#deliveries")),
        Err(err) => super::error(&state, &session, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn host_names_are_dns_names() {
        // Found by schemathesis: the URL parser keeps `*` in a host name.
        assert!(check_url("http://hooks.example.com*/").is_err());
        assert!(check_url("https://hooks.example.com:8443/in?x=1").is_ok());
        assert!(check_url("http://192.0.2.7/in").is_ok());
    }

    #[test]
    fn drafts_are_validated_field_by_field() {
        let draft = read_draft(
            &object(json!({"url": " https://example.com/hook ", "events": ["booking.confirmed", "booking.confirmed", "contact.received"]})),
            None,
        )
        .unwrap();
        assert_eq!(draft.url, "https://example.com/hook");
        assert_eq!(draft.events, ["booking.confirmed", "contact.received"]);
        assert!(draft.active);
        assert_eq!(draft.description, "");

        let err = read_draft(
            &object(json!({"url": "ftp://example.com", "events": [], "active": "yes", "description": "x".repeat(501)})),
            None,
        )
        .unwrap_err();
        assert_eq!(err.code, "validation_failed");
        let fields = err.fields.unwrap();
        for field in ["url", "events", "active", "description"] {
            assert!(fields.contains_key(field), "{field}: {fields:?}");
        }
        let err = read_draft(&object(json!({"events": ["booking.moved"]})), None).unwrap_err();
        let fields = err.fields.unwrap();
        assert!(fields["url"].contains("required"));
        assert!(fields["events"].contains("booking.moved"), "{fields:?}");
        for bad in [
            "https://user:pw@example.com/",
            "https://example.com/#x",
            "not a url",
            "https://",
            "mailto:ops@example.com",
        ] {
            assert!(
                read_draft(
                    &object(json!({"url": bad, "events": ["booking.expired"]})),
                    None
                )
                .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_partial_draft_keeps_what_was_stored() {
        let stored = WebhookSubscription {
            id: "w".into(),
            url: "https://example.com/a".into(),
            events: vec!["booking.cancelled".into()],
            active: false,
            description: "kept".into(),
            secret_sealed: "v1:x".into(),
            previous_secret_sealed: None,
            previous_until: None,
            created_at: 0,
            updated_at: 0,
        };
        let draft = read_draft(
            &object(json!({"url": "http://example.org/b"})),
            Some(&stored),
        )
        .unwrap();
        assert_eq!(draft.url, "http://example.org/b");
        assert_eq!(draft.events, ["booking.cancelled"]);
        assert!(!draft.active);
        assert_eq!(draft.description, "kept");
    }

    #[test]
    fn grace_hours_are_bounded() {
        assert_eq!(grace_hours(&Map::new()).unwrap(), DEFAULT_GRACE_HOURS);
        assert_eq!(grace_hours(&object(json!({"grace_hours": 0}))).unwrap(), 0);
        assert_eq!(
            grace_hours(&object(json!({"grace_hours": 168}))).unwrap(),
            168
        );
        assert_eq!(
            grace_hours(&object(json!({"grace_hours": 25.0}))).unwrap(),
            25
        );
        for bad in [json!(169), json!(-1), json!(1.5), json!("24")] {
            assert!(grace_hours(&object(json!({"grace_hours": bad}))).is_err());
        }
    }

    #[test]
    fn every_event_name_is_in_the_schema_enum() {
        for event in WebhookEvent::ALL {
            let name: WebhookEventName = serde_json::from_value(json!(event.as_str())).unwrap();
            assert_eq!(serde_json::to_value(name).unwrap(), json!(event.as_str()));
        }
    }
}
