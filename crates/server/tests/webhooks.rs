//! Webhook delivery end to end, in process: bookings and contact messages made through the
//! domain queue deliveries with the change, the worker (on a clock the test moves) POSTs
//! them to a loopback receiver that records what it gets and can fail, redirect or hang.
//! Signatures are checked here with the specification's construction (HMAC-SHA256 over
//! `{id}.{timestamp}.{body}` with the base64-decoded secret), independently of the code
//! under test. Runs on SQLite, or PostgreSQL with `OPENSLOT_TEST_BACKEND=postgres`.

mod common;

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use common::database_url_for;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use openslot::{
    clock::ManualClock,
    config::Config,
    domain::{Actor, NewBookingRequest},
    http::state::AppState,
    serve,
    webhooks::new_secret,
    worker::Worker,
};
use openslot_store::{JobState, WebhookSubscription};
use serde_json::{json, Map, Value};
use sha2::Sha256;

/// Monday 2030-01-07 00:00 UTC.
const MONDAY: i64 = 1_893_974_400;
/// The test's clock starts at Monday 08:00 UTC.
const START: i64 = MONDAY + 8 * 3600;

fn config(allow_private: bool, timeout_seconds: u64) -> String {
    format!(
        r#"
[security]
secret = "webhook-test-secret-0123456789abcdef"

[limits]
booking_per_minute = 0

[mail]
outbox_dir = "OUTBOX"

[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 0

[[event_types]]
slug = "request"
title = "Request call"
duration_minutes = 30
mode = "request"

[[event_types]]
slug = "instant"
title = "Instant call"
duration_minutes = 30
mode = "instant"

[webhooks]
allow_private_targets = {allow_private}
timeout_seconds = {timeout_seconds}
"#
    )
}

/// What the receiver answers next.
#[derive(Clone, Copy, Debug)]
enum Reply {
    Status(u16),
    /// 302 to another path of the receiver (which records whether it was followed).
    Redirect,
    /// Never answers.
    Hang,
}

#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
    at: Instant,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Default)]
struct Receiver {
    replies: Mutex<VecDeque<Reply>>,
    received: Mutex<Vec<Received>>,
}

struct Endpoint {
    url: String,
    receiver: Arc<Receiver>,
}

impl Endpoint {
    fn reply(&self, replies: &[Reply]) {
        self.receiver.replies.lock().unwrap().extend(replies);
    }

    fn received(&self) -> Vec<Received> {
        self.receiver.received.lock().unwrap().clone()
    }

    fn types(&self) -> Vec<String> {
        self.received()
            .iter()
            .map(|received| received.json()["type"].as_str().unwrap().to_string())
            .collect()
    }
}

async fn hook(
    State(receiver): State<Arc<Receiver>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    receiver.received.lock().unwrap().push(Received {
        path: uri.path().to_string(),
        headers,
        body: body.to_vec(),
        at: Instant::now(),
    });
    let reply = receiver.replies.lock().unwrap().pop_front();
    match reply.unwrap_or(Reply::Status(204)) {
        Reply::Status(status) => StatusCode::from_u16(status).unwrap().into_response(),
        Reply::Redirect => (StatusCode::FOUND, [("location", "/followed")]).into_response(),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            StatusCode::NO_CONTENT.into_response()
        }
    }
}

async fn receiver() -> Endpoint {
    let receiver = Arc::new(Receiver::default());
    let app = Router::new()
        .route("/hook", post(hook))
        .route("/followed", post(hook).get(hook))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Endpoint { url, receiver }
}

struct Instance {
    state: AppState,
    worker: Worker,
    clock: Arc<ManualClock>,
}

impl Instance {
    async fn start(dir: &std::path::Path, text: &str, now: i64) -> Instance {
        let text = text.replace("OUTBOX", &dir.join("outbox").display().to_string());
        let mut config = Config::parse(&text, "test.toml").unwrap();
        config.database.url = database_url_for(dir);
        let checked = serve::validate(&config, "test.toml").unwrap();
        let store = serve::open_store(&config).await.unwrap();
        store.migrate().await.unwrap();
        let clock = Arc::new(ManualClock::new(Timestamp::from_second(now).unwrap()));
        let mailer = serve::mailer(&config).unwrap();
        let state = serve::build_state(config, checked, store, clock.clone())
            .await
            .unwrap();
        let worker = Worker {
            store: state.store.clone(),
            mailer,
            notifier: state.notifier.clone(),
            catalog: state.catalog.clone(),
            clock: clock.clone(),
            id: format!("test-worker-{}", uuid::Uuid::new_v4()),
            retry_base_seconds: 60,
            lease_seconds: 300,
            wake: state.jobs_wake.clone(),
            signer: state.signer.clone(),
            busy_changed: state.busy_changed.clone(),
            metrics: state.metrics.clone(),
            concurrency: 4,
            calendars: None,
            webhooks: Some(Arc::new(serve::webhook_delivery(&state))),
        };
        Instance {
            state,
            worker,
            clock,
        }
    }

    fn now(&self) -> i64 {
        use openslot::clock::Clock;
        self.clock.now().as_second()
    }

    fn advance(&self, seconds: i64) {
        self.clock
            .set(Timestamp::from_second(self.now() + seconds).unwrap());
    }

    /// Stores a subscription to every event; returns it with its plain secret.
    async fn subscribe(&self, id: &str, url: &str) -> (WebhookSubscription, String) {
        let secret = new_secret();
        let subscription = WebhookSubscription {
            id: id.into(),
            url: url.into(),
            events: openslot::webhooks::WebhookEvent::ALL
                .iter()
                .map(|event| event.as_str().to_string())
                .collect(),
            active: true,
            description: "test".into(),
            secret_sealed: self.state.credentials.seal(&secret),
            previous_secret_sealed: None,
            previous_until: None,
            created_at: self.now(),
            updated_at: self.now(),
        };
        self.state.store.save_webhook(&subscription).await.unwrap();
        (subscription, secret)
    }

    /// Books `event` on Tuesday 2030-01-08 at `hour`:00 UTC.
    async fn book(&self, event: &str, hour: i64) -> openslot_store::Booking {
        self.state
            .domain
            .create(NewBookingRequest {
                event: Some(event.into()),
                start: Timestamp::from_second(MONDAY + 86400 + hour * 3600).unwrap(),
                name: "Ada Lovelace".into(),
                email: "ada@example.com".into(),
                timezone: Some("Europe/London".into()),
                locale: openslot::i18n::Locale::En,
                notes: None,
                answers: Map::new(),
                host: None,
                idempotency: None,
            })
            .await
            .unwrap()
            .booking
    }

    async fn run_due(&self) {
        self.worker.run_due().await.unwrap();
    }

    async fn webhook_jobs(&self, subscription: &str) -> Vec<openslot_store::Job> {
        self.state
            .store
            .webhook_jobs(subscription, 100)
            .await
            .unwrap()
    }
}

/// The Standard Webhooks signature, computed here from the specification.
fn expected_signature(secret: &str, id: &str, timestamp: &str, body: &[u8]) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_are_signed_per_the_specification_and_carry_the_booking() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = receiver().await;
    let instance = Instance::start(dir.path(), &config(true, 5), START).await;
    let (_, secret) = instance.subscribe("wh1", &endpoint.url).await;
    let booking = instance.book("instant", 10).await;
    instance.run_due().await;

    let received = endpoint.received();
    assert_eq!(received.len(), 1, "{:?}", endpoint.types());
    let message = &received[0];
    let id = message.header("webhook-id");
    let timestamp = message.header("webhook-timestamp");
    assert!(id.starts_with("msg_"), "{id}");
    assert_eq!(timestamp, START.to_string());
    assert_eq!(message.header("content-type"), "application/json");
    assert!(message
        .header("user-agent")
        .starts_with("openslot-webhooks/"));
    assert_eq!(
        message.header("webhook-signature"),
        expected_signature(&secret, id, timestamp, &message.body)
    );
    let body = message.json();
    assert_eq!(body["type"], "booking.confirmed");
    assert_eq!(
        body["timestamp"],
        Timestamp::from_second(START).unwrap().to_string()
    );
    assert_eq!(body["data"]["id"], booking.id.as_str());
    assert_eq!(body["data"]["status"], "confirmed");
    assert_eq!(body["data"]["event"], "instant");
    assert_eq!(body["data"]["event_title"], "Instant call");
    assert_eq!(body["data"]["email"], "ada@example.com");

    // The log has the attempt; the job is done.
    let log = instance
        .state
        .store
        .webhook_attempts("wh1", 10)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert!(log[0].delivered);
    assert_eq!(log[0].status_code, Some(204));
    assert_eq!(log[0].message_id, id);
    assert_eq!(log[0].event, "booking.confirmed");
    let jobs = instance.webhook_jobs("wh1").await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobState::Done);

    // A contact message reaches subscribers of contact.received.
    let contact = openslot::http::contact::store_contact(
        &instance.state,
        json!({"name": "Bob", "email": "bob@example.com", "message": "Call me"})
            .as_object()
            .unwrap(),
    )
    .await
    .unwrap();
    instance.run_due().await;
    let received = endpoint.received();
    assert_eq!(received.len(), 2);
    let body = received[1].json();
    assert_eq!(body["type"], "contact.received");
    assert_eq!(body["data"]["id"], contact.as_str());
    assert_eq!(body["data"]["message"], "Call me");
    assert_eq!(
        received[1].header("webhook-signature"),
        expected_signature(
            &secret,
            received[1].header("webhook-id"),
            received[1].header("webhook-timestamp"),
            &received[1].body
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_about_one_booking_arrive_in_order_under_failures() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = receiver().await;
    let instance = Instance::start(dir.path(), &config(true, 5), START).await;
    instance.subscribe("wh1", &endpoint.url).await;
    // The first message fails twice; everything after it about the booking waits.
    endpoint.reply(&[Reply::Status(500), Reply::Status(503)]);
    let booking = instance.book("request", 11).await;
    let actor = Actor::Admin("ops@example.com".into());
    let booking = instance
        .state
        .domain
        .approve(booking, &actor)
        .await
        .unwrap()
        .booking;
    let moved = instance
        .state
        .domain
        .reschedule(
            booking,
            Timestamp::from_second(MONDAY + 86400 + 14 * 3600).unwrap(),
            &actor,
        )
        .await
        .unwrap();
    instance
        .state
        .domain
        .cancel(moved, Some("ill".into()), &actor)
        .await
        .unwrap();

    instance.run_due().await;
    assert_eq!(endpoint.types(), ["booking.requested"]);
    // Retried 5 s later (the schedule's first step), failing again: still alone.
    instance.advance(4);
    instance.run_due().await;
    assert_eq!(endpoint.received().len(), 1);
    instance.advance(1);
    instance.run_due().await;
    assert_eq!(endpoint.types(), ["booking.requested", "booking.requested"]);
    // Then 30 s: it goes through and the rest follow, in order.
    instance.advance(30);
    instance.run_due().await;
    assert_eq!(
        endpoint.types(),
        [
            "booking.requested",
            "booking.requested",
            "booking.requested",
            "booking.confirmed",
            "booking.rescheduled",
            "booking.cancelled"
        ]
    );
    let received = endpoint.received();
    // Every attempt of a message has its id and the very same body.
    assert_eq!(
        received[0].header("webhook-id"),
        received[2].header("webhook-id")
    );
    assert_eq!(received[0].body, received[2].body);
    assert_ne!(
        received[0].header("webhook-timestamp"),
        received[2].header("webhook-timestamp")
    );
    // Each carries the booking as that change left it.
    let statuses: Vec<Value> = received[2..]
        .iter()
        .map(|received| received.json()["data"]["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [
            json!("requested"),
            json!("confirmed"),
            json!("confirmed"),
            json!("cancelled")
        ]
    );
    assert_eq!(received[4].json()["data"]["start"], "2030-01-08T14:00:00Z");
    assert_eq!(received[5].json()["data"]["reason"], "ill");

    // The log: two failures with their codes, then the deliveries.
    let mut log = instance
        .state
        .store
        .webhook_attempts("wh1", 100)
        .await
        .unwrap();
    log.reverse();
    let summary: Vec<(u32, Option<u16>, bool)> = log
        .iter()
        .map(|attempt| (attempt.attempt, attempt.status_code, attempt.delivered))
        .collect();
    assert_eq!(
        summary[..3],
        [
            (1, Some(500), false),
            (2, Some(503), false),
            (3, Some(204), true)
        ]
    );
    assert_eq!(log[0].error.as_deref(), Some("HTTP 500"));
    assert!(instance
        .webhook_jobs("wh1")
        .await
        .iter()
        .all(|job| job.state == JobState::Done));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_not_followed_and_a_hanging_receiver_times_out_alone() {
    let dir = tempfile::tempdir().unwrap();
    let slow = receiver().await;
    let fast = receiver().await;
    let instance = Instance::start(dir.path(), &config(true, 1), START).await;
    // Stored first, so its delivery is queued (and claimed) first.
    instance.subscribe("a-slow", &slow.url).await;
    instance.subscribe("b-fast", &fast.url).await;
    slow.reply(&[Reply::Hang]);
    fast.reply(&[Reply::Redirect]);
    let started = Instant::now();
    instance.book("instant", 10).await;
    instance.run_due().await;
    let took = started.elapsed();

    // The redirect was answered at once, while the other receiver hung, and not followed.
    let fast_received = fast.received();
    assert_eq!(fast_received.len(), 1);
    assert_eq!(fast_received[0].path, "/hook");
    let slow_received = slow.received();
    assert_eq!(slow_received.len(), 1);
    assert!(
        fast_received[0].at < slow_received[0].at + Duration::from_millis(900),
        "the hanging receiver held the other delivery back"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    let fast_log = instance
        .state
        .store
        .webhook_attempts("b-fast", 10)
        .await
        .unwrap();
    assert_eq!(fast_log[0].status_code, Some(302));
    assert!(!fast_log[0].delivered);
    assert!(fast_log[0]
        .error
        .as_deref()
        .unwrap()
        .contains("redirects are not followed"));
    let slow_log = instance
        .state
        .store
        .webhook_attempts("a-slow", 10)
        .await
        .unwrap();
    assert_eq!(slow_log[0].status_code, None);
    assert!(
        slow_log[0].error.as_deref().unwrap().contains("timed out"),
        "{slow_log:?}"
    );
    assert!(slow_log[0].latency_ms >= 900, "{slow_log:?}");
    // Both wait for their retry.
    for subscription in ["a-slow", "b-fast"] {
        let jobs = instance.webhook_jobs(subscription).await;
        assert_eq!(jobs[0].state, JobState::Queued);
        assert_eq!(jobs[0].run_at, START + 5);
        assert_eq!(jobs[0].attempts, 1);
    }
    instance.advance(5);
    instance.run_due().await;
    assert_eq!(fast.received().len(), 2);
    assert_eq!(slow.received().len(), 2);
    assert!(fast
        .received()
        .iter()
        .all(|received| received.path == "/hook"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_targets_are_refused_at_every_attempt_without_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = receiver().await;
    let instance = Instance::start(dir.path(), &config(false, 5), START).await;
    instance.subscribe("wh1", &endpoint.url).await;
    let localhost = endpoint.url.replace("127.0.0.1", "localhost");
    instance.subscribe("wh2", &localhost).await;
    instance.book("instant", 10).await;
    instance.run_due().await;
    instance.advance(5);
    instance.run_due().await;
    assert!(endpoint.received().is_empty());
    for subscription in ["wh1", "wh2"] {
        let log = instance
            .state
            .store
            .webhook_attempts(subscription, 10)
            .await
            .unwrap();
        assert_eq!(log.len(), 2, "checked at every attempt: {log:?}");
        for attempt in &log {
            let error = attempt.error.as_deref().unwrap();
            assert!(
                error.starts_with("refused") && error.contains("internal address"),
                "{error}"
            );
            assert!(!attempt.delivered);
        }
        let jobs = instance.webhook_jobs(subscription).await;
        assert_eq!(jobs[0].state, JobState::Queued);
        assert_eq!(jobs[0].attempts, 2);
    }
    assert!(matches!(
        openslot::webhooks::check_target(&endpoint.url, &instance.state.config.webhooks).await,
        Err(openslot::webhooks::TargetError::Internal { .. })
    ));
    let mut allowed = instance.state.config.webhooks.clone();
    allowed.allow_private_targets = true;
    assert!(openslot::webhooks::check_target(&endpoint.url, &allowed)
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_a_rotation_both_secrets_sign_until_the_grace_period_ends() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = receiver().await;
    let instance = Instance::start(dir.path(), &config(true, 5), START).await;
    let (mut subscription, old) = instance.subscribe("wh1", &endpoint.url).await;
    let new = new_secret();
    subscription.previous_secret_sealed = Some(subscription.secret_sealed.clone());
    subscription.previous_until = Some(START + 3600);
    subscription.secret_sealed = instance.state.credentials.seal(&new);
    instance
        .state
        .store
        .save_webhook(&subscription)
        .await
        .unwrap();

    instance.book("instant", 10).await;
    instance.run_due().await;
    let message = &endpoint.received()[0];
    let (id, timestamp) = (
        message.header("webhook-id"),
        message.header("webhook-timestamp"),
    );
    assert_eq!(
        message.header("webhook-signature"),
        format!(
            "{} {}",
            expected_signature(&new, id, timestamp, &message.body),
            expected_signature(&old, id, timestamp, &message.body)
        )
    );

    // After the grace period only the new secret signs.
    instance.advance(3600);
    instance.book("instant", 12).await;
    instance.run_due().await;
    let message = &endpoint.received()[1];
    assert_eq!(
        message.header("webhook-signature"),
        expected_signature(
            &new,
            message.header("webhook-id"),
            message.header("webhook-timestamp"),
            &message.body
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_delivery_survives_a_restart_and_inactive_subscriptions_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = receiver().await;
    let booking_id = {
        let instance = Instance::start(dir.path(), &config(true, 5), START).await;
        instance.subscribe("wh1", &endpoint.url).await;
        let (mut paused, _) = instance.subscribe("paused", &endpoint.url).await;
        paused.active = false;
        instance.state.store.save_webhook(&paused).await.unwrap();
        // Queued with the booking; the process goes away before any worker runs.
        instance.book("instant", 10).await.id
    };
    let instance = Instance::start(dir.path(), &config(true, 5), START + 60).await;
    instance.run_due().await;
    assert_eq!(endpoint.types(), ["booking.confirmed"]);
    assert_eq!(endpoint.received()[0].json()["data"]["id"], booking_id);
    // An inactive subscription gets nothing queued.
    assert!(instance.webhook_jobs("paused").await.is_empty());

    // A subscription switched off after its delivery was queued: skipped, not sent.
    let mut subscription = instance.state.store.webhook("wh1").await.unwrap().unwrap();
    instance.book("instant", 12).await;
    subscription.active = false;
    instance
        .state
        .store
        .save_webhook(&subscription)
        .await
        .unwrap();
    instance.run_due().await;
    assert_eq!(endpoint.received().len(), 1);
    let jobs = instance.webhook_jobs("wh1").await;
    assert_eq!(jobs.len(), 2);
    assert!(jobs.iter().all(|job| job.state == JobState::Done));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_about_three_days_of_failures_a_delivery_is_dead_and_can_be_redelivered() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = receiver().await;
    let instance = Instance::start(dir.path(), &config(true, 5), START).await;
    instance.subscribe("wh1", &endpoint.url).await;
    endpoint.reply(&[Reply::Status(500); 13]);
    instance.book("instant", 10).await;
    instance.run_due().await;
    let mut waited = 0;
    for attempt in 1..openslot::webhooks::MAX_ATTEMPTS {
        let delay = openslot::webhooks::retry_delay(attempt);
        // Not a second early.
        instance.advance(delay - 1);
        instance.run_due().await;
        assert_eq!(endpoint.received().len(), attempt as usize);
        instance.advance(1);
        instance.run_due().await;
        waited += delay;
    }
    assert_eq!(endpoint.received().len(), 13);
    assert!((3 * 86400..4 * 86400).contains(&waited), "{waited}");
    let jobs = instance.webhook_jobs("wh1").await;
    assert_eq!(jobs[0].state, JobState::Dead);
    assert_eq!(jobs[0].last_error.as_deref(), Some("HTTP 500"));
    let failed = instance.state.store.failed_jobs(10).await.unwrap();
    assert!(failed.iter().any(|job| job.id == jobs[0].id));
    // Nothing more happens on its own.
    instance.advance(7 * 86400);
    instance.run_due().await;
    assert_eq!(endpoint.received().len(), 13);

    // Redelivered by an operator: the same message, now taken.
    assert!(instance
        .state
        .store
        .retry_dead_job(&jobs[0].id, instance.now())
        .await
        .unwrap());
    instance.run_due().await;
    let received = endpoint.received();
    assert_eq!(received.len(), 14);
    assert_eq!(
        received[13].header("webhook-id"),
        received[0].header("webhook-id")
    );
    assert_eq!(received[13].body, received[0].body);
    assert_eq!(instance.webhook_jobs("wh1").await[0].state, JobState::Done);
}
