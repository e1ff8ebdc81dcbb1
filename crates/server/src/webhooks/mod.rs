//! Webhooks after the Standard Webhooks specification: which events exist, subscription
//! secrets (`whsec_…`) and the signature over `{id}.{timestamp}.{body}`, and the delivery
//! jobs a change queues in its own transaction (one per active subscription that wants
//! the event, ordered per subscription and booking). Delivery itself is in [`delivery`].

pub mod delivery;

use base64::{engine::general_purpose::STANDARD, Engine as _};
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use openslot_store::{NewJob, Store, StoreError, WebhookSubscription};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::domain::JobKind;

pub use delivery::{check_target, BookingView, Delivered, Delivery, DeliveryError, TargetError};

/// Something a subscriber can be told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    BookingRequested,
    BookingConfirmed,
    BookingDeclined,
    BookingCancelled,
    BookingRescheduled,
    BookingExpired,
    ContactReceived,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 7] = [
        WebhookEvent::BookingRequested,
        WebhookEvent::BookingConfirmed,
        WebhookEvent::BookingDeclined,
        WebhookEvent::BookingCancelled,
        WebhookEvent::BookingRescheduled,
        WebhookEvent::BookingExpired,
        WebhookEvent::ContactReceived,
    ];

    /// The name subscribers see (`type` in the body) and subscribe to.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::BookingRequested => "booking.requested",
            WebhookEvent::BookingConfirmed => "booking.confirmed",
            WebhookEvent::BookingDeclined => "booking.declined",
            WebhookEvent::BookingCancelled => "booking.cancelled",
            WebhookEvent::BookingRescheduled => "booking.rescheduled",
            WebhookEvent::BookingExpired => "booking.expired",
            WebhookEvent::ContactReceived => "contact.received",
        }
    }

    pub fn parse(name: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL
            .into_iter()
            .find(|event| event.as_str() == name)
    }

    /// Whether its data is a booking (carried in the job as the change left it).
    pub fn is_booking(self) -> bool {
        self != WebhookEvent::ContactReceived
    }
}

/// Seconds to wait after each failed attempt, in order; after the last one the delivery
/// is dead. Together about three days.
pub const RETRY_SCHEDULE: [i64; 12] = [
    5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 86400,
];

/// Attempts of one delivery: the first and one after each wait of [`RETRY_SCHEDULE`].
pub const MAX_ATTEMPTS: u32 = RETRY_SCHEDULE.len() as u32 + 1;

/// The wait after the `attempts`-th attempt failed.
pub fn retry_delay(attempts: u32) -> i64 {
    let index = (attempts.max(1) as usize - 1).min(RETRY_SCHEDULE.len() - 1);
    RETRY_SCHEDULE[index]
}

/// The prefix of a signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and the base64 of 24 random bytes.
pub fn new_secret() -> String {
    use aes_gcm::aead::{rand_core::RngCore, OsRng};
    let mut bytes = [0u8; 24];
    OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The HMAC key of a secret: the bytes its base64 part stands for (as every Standard
/// Webhooks library reads it), or the text itself if it is not base64.
fn secret_key(secret: &str) -> Vec<u8> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| encoded.as_bytes().to_vec())
}

/// `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under `secret`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&secret_key(secret)).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The `webhook-signature` header: one signature per secret, space-separated, the
/// current secret's first (during a rotation's grace period the previous one follows).
pub fn signature_header(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|secret| sign(secret, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One delivery job per active subscription that wants `event`. The payload holds the
/// subscription, the message id (`msg_` and a UUIDv7, the same on every attempt), the
/// event and its time and, when not null, `data` (a contact message). A booking event's
/// job carries the booking as the change's transaction writes it, and the jobs of one
/// subscription about one booking are delivered one at a time, in order.
pub fn jobs_for(
    event: WebhookEvent,
    subscriptions: &[WebhookSubscription],
    booking_id: Option<&str>,
    data: Value,
    now: Timestamp,
) -> Vec<NewJob> {
    subscriptions
        .iter()
        .filter(|subscription| subscription.wants(event.as_str()))
        .map(|subscription| {
            let mut payload = json!({
                "subscription_id": subscription.id,
                "message_id": format!("msg_{}", uuid::Uuid::now_v7().simple()),
                "type": event.as_str(),
                "timestamp": now.to_string(),
            });
            if let Some(booking_id) = booking_id {
                payload["booking_id"] = json!(booking_id);
            }
            if !data.is_null() {
                payload["data"] = data.clone();
            }
            NewJob {
                id: uuid::Uuid::now_v7().to_string(),
                kind: JobKind::Webhook.as_str().to_string(),
                payload,
                run_at: now.as_second(),
                max_attempts: MAX_ATTEMPTS,
                booking_id: booking_id.map(String::from),
                order_key: booking_id
                    .map(|booking_id| format!("webhook:{}:{booking_id}", subscription.id)),
                embed_booking: booking_id.is_some() && event.is_booking(),
            }
        })
        .collect()
}

/// [`jobs_for`] the subscriptions stored now: what a change appends to its own jobs, so
/// the deliveries commit (or not) with it.
pub async fn jobs_for_event(
    store: &dyn Store,
    event: WebhookEvent,
    booking_id: Option<&str>,
    data: Value,
    now: Timestamp,
) -> Result<Vec<NewJob>, StoreError> {
    let subscriptions = store.webhooks().await?;
    Ok(jobs_for(event, &subscriptions, booking_id, data, now))
}

/// What a `contact.received` message carries.
#[allow(clippy::too_many_arguments)]
pub fn contact_data(
    id: &str,
    host_id: &str,
    name: &str,
    email: &str,
    message: &str,
    preferred_times: Option<&str>,
    event: Option<&str>,
    created_at: Timestamp,
) -> Value {
    json!({
        "id": id,
        "host": host_id,
        "name": name,
        "email": email,
        "message": message,
        "preferred_times": preferred_times,
        "event": event,
        "created_at": created_at.to_string(),
    })
}

/// The event a new booking in `status` is.
pub fn created(status: openslot_store::BookingStatus) -> Option<WebhookEvent> {
    use openslot_store::BookingStatus;
    match status {
        BookingStatus::Requested => Some(WebhookEvent::BookingRequested),
        BookingStatus::Confirmed => Some(WebhookEvent::BookingConfirmed),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription(id: &str, events: &[&str], active: bool) -> WebhookSubscription {
        WebhookSubscription {
            id: id.into(),
            url: "https://example.com/hook".into(),
            events: events.iter().map(|event| event.to_string()).collect(),
            active,
            description: String::new(),
            secret_sealed: "sealed".into(),
            previous_secret_sealed: None,
            previous_until: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn event_names_read_back() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
        assert_eq!(WebhookEvent::parse("booking.created"), None);
    }

    #[test]
    fn the_schedule_spans_about_three_days_then_ends() {
        let total: i64 = (1..MAX_ATTEMPTS).map(retry_delay).sum();
        assert!((3 * 86400..4 * 86400).contains(&total), "{total}");
        assert_eq!(retry_delay(1), 5);
        assert_eq!(retry_delay(12), 86400);
    }

    #[test]
    fn the_signature_matches_the_specification_example() {
        // The example of the Standard Webhooks specification (and its libraries' tests).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let header = signature_header(&[secret, &new_secret()], id, 1614265330, body);
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], sign(secret, id, 1614265330, body));
        assert_ne!(parts[0], parts[1]);
    }

    #[test]
    fn secrets_are_random_base64_of_24_bytes() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        let key = STANDARD.decode(a.strip_prefix("whsec_").unwrap()).unwrap();
        assert_eq!(key.len(), 24);
    }

    #[test]
    fn one_job_per_active_subscription_that_wants_the_event() {
        let subscriptions = [
            subscription("a", &["booking.confirmed", "booking.cancelled"], true),
            subscription("b", &["booking.confirmed"], false),
            subscription("c", &["contact.received"], true),
        ];
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let jobs = jobs_for(
            WebhookEvent::BookingConfirmed,
            &subscriptions,
            Some("bk"),
            Value::Null,
            now,
        );
        assert_eq!(jobs.len(), 1);
        let job = &jobs[0];
        assert_eq!(job.kind, "webhook");
        assert_eq!(job.payload["subscription_id"], "a");
        assert_eq!(job.payload["type"], "booking.confirmed");
        assert!(job.payload["message_id"]
            .as_str()
            .unwrap()
            .starts_with("msg_"));
        assert!(job.payload.get("data").is_none());
        assert_eq!(job.order_key.as_deref(), Some("webhook:a:bk"));
        assert!(job.embed_booking);
        assert_eq!(job.max_attempts, 13);
        assert_eq!(job.run_at, now.as_second());

        let contact = jobs_for(
            WebhookEvent::ContactReceived,
            &subscriptions,
            None,
            json!({"id": "c1"}),
            now,
        );
        assert_eq!(contact.len(), 1);
        assert_eq!(contact[0].payload["data"]["id"], "c1");
        assert_eq!(contact[0].order_key, None);
        assert!(!contact[0].embed_booking);
    }
}
