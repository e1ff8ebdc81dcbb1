//! Google Calendar and Microsoft 365 connections end to end: the real `openslot` binary
//! against the providers' stand-ins (crates/calendar testing) on loopback. Accounts and
//! their calendars are seeded through the store (tokens sealed with the configured secret),
//! so these tests do not depend on the connect pages: busy time imported (freeBusy,
//! getSchedule, calendarView with a Windows zone), verify-on-book, bookings written,
//! moved and deleted with the right bodies, Meet / Teams links reaching the booking, the
//! API and the invitee's e-mail, token refresh, `invalid_grant` → needs reconnecting with
//! one ops e-mail, `429` + `Retry-After`, `500` and slow answers; and two instances on one
//! database refreshing a token once at a time and writing each event once. SQLite, or
//! PostgreSQL with `OPENSLOT_TEST_BACKEND=postgres`.

mod common;

use std::{
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use common::{
    admin::{create_token, Api},
    at, client, database_url_for, days_ahead, error_code, Launch, TestServer,
};
use jiff::Timestamp;
use mail_parser::MessageParser;
use openslot::{config::Config, credentials::Credentials};
use openslot_calendar::testing::{
    CalendarSpec, EventSpec, Fault, GoogleStandIn, MicrosoftStandIn, ShowAs,
};
use openslot_store::{AuditEntry, CalendarConnection, CalendarSettings, OAuthAccount, Store};
use serde_json::{json, Value};

const SECRET: &str = "a-test-secret-of-at-least-thirty-two-characters";
const METRICS_TOKEN: &str = "metrics-secret-for-tests";
const ADA: &str = "ada@example.com";
const INVITEE: &str = "invitee@example.org";

/// Ada works around the clock in UTC; "meet" is an hour every half hour, booked at once.
/// `providers` are the `[google]` / `[microsoft]` sections.
fn config(providers: &str) -> String {
    format!(
        r#"
[server]
public_url = "https://book.example.com"
[security]
secret = "{SECRET}"
[limits]
booking_per_minute = 0
[metrics]
token = "{METRICS_TOKEN}"
[mail]
retry_base_seconds = 1
max_attempts = 6
[calendars]
verify_timeout_ms = 4000
timeout_seconds = 5
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
min_lead_minutes = 60
lookahead_days = 30

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "{ADA}"
timezone = "UTC"
hours = ["00:00-24:00"]

[[event_types]]
slug = "meet"
title = "Meeting"
duration_minutes = 60
slot_step_minutes = 30
hosts = ["ada"]
mode = "instant"
{providers}
"#
    )
}

fn google_section(google: &GoogleStandIn, meet_links: bool) -> String {
    let (id, secret) = google.client();
    format!(
        "\n[google]\nclient_id = \"{id}\"\nclient_secret = \"{secret}\"\nauth_url = \"{}\"\n\
         token_url = \"{}\"\nrevoke_url = \"{}\"\napi_base = \"{}\"\nmeet_links = {meet_links}\n",
        google.auth_url(),
        google.token_url(),
        google.revoke_url(),
        google.api_base()
    )
}

async fn open_store(dir: &Path) -> Arc<dyn Store> {
    let mut config = Config::parse("", "test.toml").unwrap();
    config.database.url = database_url_for(dir);
    openslot::serve::open_store(&config).await.unwrap()
}

fn launch(dir: &Path, config: &str) -> TestServer {
    TestServer::launch(Launch {
        config: Some(config),
        dir,
        env: Vec::new(),
        use_config_database: false,
    })
}

/// A test's service: the binaries sharing one database, the store (to seed accounts and
/// look at sync state and jobs), an API client, and the sealing the server uses.
struct Service {
    servers: Vec<TestServer>,
    store: Arc<dyn Store>,
    api: Api,
    credentials: Credentials,
    dir: tempfile::TempDir,
}

impl Service {
    async fn start(config: &str, instances: usize) -> Service {
        let dir = tempfile::tempdir().unwrap();
        let servers: Vec<TestServer> = (0..instances).map(|_| launch(dir.path(), config)).collect();
        let api = Api::new(&servers[0], &create_token(&servers[0], "oauth-e2e"));
        let store = open_store(dir.path()).await;
        Service {
            servers,
            store,
            api,
            credentials: Credentials::new(SECRET, &[]),
            dir,
        }
    }

    fn server(&self) -> &TestServer {
        &self.servers[0]
    }

    /// A connected account with `refresh` as its refresh token and, when given, a current
    /// access token valid for `access_for` seconds (negative: expired).
    async fn seed_account(
        &self,
        provider: &str,
        email: &str,
        refresh: &str,
        access: Option<(&str, i64)>,
    ) -> String {
        let now = Timestamp::now().as_second();
        let id = format!("acct-{provider}-{}", email.replace(['@', '.'], "-"));
        self.store
            .save_oauth_account(&OAuthAccount {
                id: id.clone(),
                host_id: "ada".into(),
                provider: provider.into(),
                email: email.into(),
                refresh_token_enc: self.credentials.seal(refresh),
                access_token_enc: access.map(|(token, _)| self.credentials.seal(token)),
                access_expires_at: access.map(|(_, valid)| now + valid),
                status: OAuthAccount::OK.into(),
                status_detail: None,
                refresh_locked_by: None,
                refresh_lease_until: None,
                created_at: now,
                updated_at: now,
            })
            .await
            .unwrap();
        id
    }

    /// A calendar of `account` connected as the host would pick it; syncs only when asked.
    async fn connect(
        &self,
        account: &str,
        kind: &str,
        calendar_id: &str,
        busy: bool,
        write: bool,
    ) -> String {
        let id = openslot::calendars::connection_id("ada", &format!("{kind}:{calendar_id}"));
        let settings = CalendarSettings {
            id: id.clone(),
            host_id: "ada".into(),
            kind: kind.into(),
            url: calendar_id.into(),
            username: None,
            password_env: None,
            password_enc: None,
            busy,
            write,
            refresh_minutes: 100,
            all_day_busy: true,
            origin: "admin".into(),
            account_id: Some(account.into()),
        };
        let audit = AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            at: Timestamp::now().as_second(),
            actor: "system".into(),
            action: "calendar.create".into(),
            target: format!("calendar:{id}"),
            before: None,
            after: None,
        };
        self.store
            .save_calendar_connection(&settings, &audit, Timestamp::now().as_second())
            .await
            .unwrap();
        id
    }

    async fn connection(&self, id: &str) -> CalendarConnection {
        self.store.calendar_connection(id).await.unwrap().unwrap()
    }

    /// Syncs of connection `id` by any instance, whatever their outcome.
    async fn syncs(&self, id: &str) -> u64 {
        let mut total = 0.0;
        for server in &self.servers {
            let text = client()
                .get(server.url("/metrics"))
                .bearer_auth(METRICS_TOKEN)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            total += text
                .lines()
                .filter(|line| {
                    line.starts_with("openslot_calendar_syncs_total{")
                        && line.contains(&format!("connection=\"{id}\""))
                })
                .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
                .sum::<f64>();
        }
        total as u64
    }

    /// "Sync now", then waits for the sync to end; the connection as it is after it.
    async fn sync(&self, id: &str) -> CalendarConnection {
        let before = self.syncs(id).await;
        let now = Timestamp::now().as_second();
        assert!(self.store.request_calendar_sync(id, now).await.unwrap());
        self.wait_syncs(id, before + 1).await
    }

    async fn wait_syncs(&self, id: &str, count: u64) -> CalendarConnection {
        let started = Instant::now();
        while self.syncs(id).await < count {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no sync of {id}; logs: {:#?}",
                self.server().logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.connection(id).await
    }

    async fn offered(&self, start: &str) -> bool {
        let day = &start[..10];
        let response = client()
            .get(
                self.server()
                    .url(&format!("/availability?event=meet&from={day}&to={day}")),
            )
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        body["slots"]
            .as_array()
            .unwrap_or_else(|| panic!("slots in {body}"))
            .iter()
            .any(|slot| slot["start"] == start)
    }

    async fn book_on(&self, server: &TestServer, start: &str) -> (u16, Value) {
        let body =
            json!({"event": "meet", "start": start, "name": "Ivy Invitee", "email": INVITEE});
        let response = client()
            .post(server.url("/booking"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn book(&self, start: &str) -> String {
        let (status, body) = self.book_on(self.server(), start).await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    async fn act(&self, id: &str, action: &str, body: Value) {
        let (status, body) = self
            .api
            .post(&format!("/api/v1/bookings/{id}/{action}"), &body)
            .await;
        assert_eq!(status, 200, "{action}: {body}");
    }

    /// Waits until every calendar write job of `booking` is done.
    async fn writes_done(&self, booking: &str) {
        let started = Instant::now();
        loop {
            let jobs = self.store.jobs(1000).await.unwrap();
            let writes: Vec<_> = jobs
                .iter()
                .filter(|job| {
                    job.kind == "calendar_write" && job.booking_id.as_deref() == Some(booking)
                })
                .collect();
            if !writes.is_empty()
                && writes
                    .iter()
                    .all(|job| job.state == openslot_store::JobState::Done)
            {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "calendar writes of {booking} not done: {writes:#?}\n{:#?}",
                self.server().logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The mail in the outbox so far: (to, subject, text body).
    fn outbox(&self) -> Vec<(String, String, String)> {
        let Ok(entries) = std::fs::read_dir(self.dir.path().join("outbox")) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|x| x == "eml"))
            .filter_map(|entry| {
                let bytes = std::fs::read(entry.path()).ok()?;
                let message = MessageParser::default().parse(&bytes)?;
                let to = message
                    .to()
                    .and_then(|to| to.first())
                    .and_then(|to| to.address())
                    .unwrap_or("")
                    .to_string();
                Some((
                    to,
                    message.subject().unwrap_or("").to_string(),
                    message
                        .body_text(0)
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// Waits for a message to `to` (anyone: empty) whose subject starts with `subject`.
    async fn mail(&self, to: &str, subject: &str) -> (String, String, String) {
        let started = Instant::now();
        loop {
            if let Some(found) = self.outbox().into_iter().find(|(address, title, _)| {
                (to.is_empty() || address == to) && title.starts_with(subject)
            }) {
                return found;
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "no {subject:?} mail to {to}: {:#?}",
                self.outbox()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

fn instant(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// The event the service wrote for `booking` in a Google calendar (its id is ours).
fn google_event(google: &GoogleStandIn, calendar: &str, booking: &str) -> Option<Value> {
    let id = openslot_calendar::google::event_id(booking);
    google
        .events(calendar)
        .into_iter()
        .find(|event| event["id"] == id.as_str())
}

async fn wait_google_event(
    google: &GoogleStandIn,
    calendar: &str,
    booking: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        if let Some(event) = google_event(google, calendar, booking).filter(|event| check(event)) {
            return event;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what}: {:#?}",
            google_event(google, calendar, booking)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn same_instant(value: &Value, expected: &str) -> bool {
    value
        .as_str()
        .and_then(|text| text.parse::<Timestamp>().ok())
        .is_some_and(|at| at == instant(expected))
}

/// Busy time from Google's freeBusy is imported (own events left out), a meeting added
/// after the sync is caught when booking, and a booking is written with a Meet link that
/// reaches the booking, the API, the pages and the invitee's confirmation; it is moved
/// with a PATCH and deleted with the booking. The first call renewed the expired token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_busy_time_verify_and_write_back_with_meet_links() {
    let google = GoogleStandIn::start();
    google.add_account(
        ADA,
        &[
            CalendarSpec::primary(ADA, "Ada"),
            CalendarSpec::new("team@group.example.com", "Team"),
        ],
    );
    let day = days_ahead(3);
    google.add_busy(ADA, instant(&at(day, 9, 0)), instant(&at(day, 10, 0)));
    google.add_busy(
        "team@group.example.com",
        instant(&at(day, 13, 0)),
        instant(&at(day, 14, 0)),
    );
    let (_, refresh) = google.issue_tokens(ADA);
    let service = Service::start(&config(&google_section(&google, true)), 1).await;
    // The stored access token has expired: the first call renews it.
    let account = service
        .seed_account("google", ADA, &refresh, Some(("stale-token", -60)))
        .await;
    let primary = service.connect(&account, "google", ADA, true, true).await;
    let team = service
        .connect(&account, "google", "team@group.example.com", true, false)
        .await;
    let synced = service.sync(&primary).await;
    assert!(synced.last_error.is_none(), "{:?}", synced.last_error);
    let synced = service.sync(&team).await;
    assert!(synced.last_error.is_none(), "{:?}", synced.last_error);
    assert!(google.refreshes() >= 1);
    assert!(!service.offered(&at(day, 9, 0)).await);
    assert!(!service.offered(&at(day, 13, 0)).await);
    assert!(service.offered(&at(day, 11, 0)).await);
    let free_busy: Vec<_> = google
        .requests()
        .into_iter()
        .filter(|r| r.path == "/calendar/v3/freeBusy")
        .collect();
    assert!(!free_busy.is_empty());
    assert!(free_busy.iter().all(|r| r
        .header("authorization")
        .is_some_and(|h| h.starts_with("Bearer "))
        && r.header("authorization") != Some("Bearer stale-token")));

    // Verify-on-book: added after the sync, still refused.
    google.add_busy(ADA, instant(&at(day, 15, 0)), instant(&at(day, 16, 0)));
    assert!(service.offered(&at(day, 15, 0)).await);
    let (status, body) = service.book_on(service.server(), &at(day, 15, 0)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));

    // Written with a Meet link.
    let booking = service.book(&at(day, 11, 0)).await;
    let event = wait_google_event(&google, ADA, &booking, "written", |_| true).await;
    assert!(
        same_instant(&event["start"]["dateTime"], &at(day, 11, 0)),
        "{event}"
    );
    assert!(
        same_instant(&event["end"]["dateTime"], &at(day, 12, 0)),
        "{event}"
    );
    assert_eq!(event["summary"], "Meeting with Ivy Invitee");
    assert!(event["attendees"]
        .as_array()
        .is_some_and(|people| people.iter().any(|p| p["email"] == INVITEE)));
    let insert = google
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/events"))
        .unwrap();
    assert_eq!(
        insert.query_param("conferenceDataVersion").as_deref(),
        Some("1")
    );
    assert!(insert.json()["conferenceData"]["createRequest"]["requestId"].is_string());
    let link = event["hangoutLink"]
        .as_str()
        .expect("a Meet link")
        .to_string();
    service.writes_done(&booking).await;
    let (status, body) = service
        .api
        .get(&format!("/api/v1/bookings/{booking}"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["location"], link.as_str(), "{body}");
    let (_, subject, text) = service.mail(INVITEE, "Confirmed").await;
    assert!(text.contains(&link), "{subject}\n{text}");
    // The invitee's manage page shows it too.
    let manage = body["manage_url"].as_str().unwrap();
    let manage = manage.replace("https://book.example.com", &service.server().base);
    let page = client()
        .get(&manage)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        // Templates escape slashes.
        .replace("&#x2f;", "/");
    assert!(page.contains(&format!("href=\"{link}\"")), "{page}");

    // Our own event is not busy time: after a sync the booking moves half an hour on
    // (overlapping where its event still is) and its event is patched.
    service.sync(&primary).await;
    service
        .act(&booking, "reschedule", json!({"start": at(day, 11, 30)}))
        .await;
    wait_google_event(&google, ADA, &booking, "moved", |event| {
        same_instant(&event["start"]["dateTime"], &at(day, 11, 30))
    })
    .await;
    let patches = google
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert!(patches >= 1);
    let (_, body) = service
        .api
        .get(&format!("/api/v1/bookings/{booking}"))
        .await;
    assert_eq!(
        body["location"],
        link.as_str(),
        "the link stays with a move: {body}"
    );

    // Cancelled: the event goes.
    service.act(&booking, "cancel", json!({})).await;
    wait_google_event(&google, ADA, &booking, "deleted", |event| {
        event["status"] == "cancelled"
    })
    .await;
    assert!(google.requests().iter().any(|r| r.method == "DELETE"
        && r.path
            .contains(&openslot_calendar::google::event_id(&booking))));
}

/// A refused refresh token marks the account "needs reconnecting": the sync fails with
/// that (stale policy applies), the ops inbox gets exactly one e-mail however often it is
/// tried, and bookings are still taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_refresh_token_needs_reconnecting_and_mails_once() {
    let google = GoogleStandIn::start();
    google.add_account(ADA, &[CalendarSpec::primary(ADA, "Ada")]);
    let (_, refresh) = google.issue_tokens(ADA);
    google.revoke_grants(ADA);
    let service = Service::start(&config(&google_section(&google, false)), 1).await;
    let account = service.seed_account("google", ADA, &refresh, None).await;
    let primary = service.connect(&account, "google", ADA, true, true).await;
    for _ in 0..3 {
        let synced = service.sync(&primary).await;
        let error = synced.last_error.unwrap_or_default();
        assert!(error.contains("needs reconnecting"), "{error}");
    }
    let stored = service
        .store
        .oauth_account(&account)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OAuthAccount::NEEDS_RECONNECT);
    let day = days_ahead(2);
    let booking = service.book(&at(day, 10, 0)).await;
    assert!(!booking.is_empty());
    service.mail("", "Calendar needs reconnecting").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let reconnect_mails = service
        .outbox()
        .into_iter()
        .filter(|(_, subject, _)| subject.starts_with("Calendar needs reconnecting"))
        .count();
    assert_eq!(reconnect_mails, 1, "{:#?}", service.outbox());
    assert_eq!(
        google.refreshes(),
        1,
        "a reconnect-needing account is not refreshed again"
    );

    // Reconnected (a new sign-in stored, as the connect pages do): syncs work again, and
    // the booking taken meanwhile is written into the calendar.
    let (_, fresh) = google.issue_tokens(ADA);
    let mut reconnected = stored;
    reconnected.refresh_token_enc = service.credentials.seal(&fresh);
    reconnected.access_token_enc = None;
    reconnected.access_expires_at = None;
    reconnected.status = OAuthAccount::OK.into();
    reconnected.status_detail = None;
    service
        .store
        .save_oauth_account(&reconnected)
        .await
        .unwrap();
    let synced = service.sync(&primary).await;
    assert!(synced.last_error.is_none(), "{:?}", synced.last_error);
    wait_google_event(&google, ADA, &booking, "written after reconnecting", |_| {
        true
    })
    .await;
}

/// The provider misbehaving: a `500` and an answer slower than the sync's deadline are
/// recorded as failures; an answer slower than verify's deadline leaves the booking to the
/// stored busy time; a write refused with `429` + `Retry-After` is retried no sooner; a
/// sync refused with `429` + `Retry-After: 120` is not tried again before. Bookings are
/// taken throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_faults_are_recorded_and_retry_after_is_honoured() {
    let google = GoogleStandIn::start();
    google.add_account(ADA, &[CalendarSpec::primary(ADA, "Ada")]);
    let (access, refresh) = google.issue_tokens(ADA);
    let service = Service::start(&config(&google_section(&google, false)), 1).await;
    let account = service
        .seed_account("google", ADA, &refresh, Some((&access, 3000)))
        .await;
    let primary = service.connect(&account, "google", ADA, true, true).await;
    let synced = service.sync(&primary).await;
    assert!(synced.last_error.is_none(), "{:?}", synced.last_error);
    let day = days_ahead(4);

    // Access tokens refused before their recorded expiry: renewed, and the read made again.
    let refreshes = google.refreshes();
    google.expire_access_tokens();
    let synced = service.sync(&primary).await;
    assert!(synced.last_error.is_none(), "{:?}", synced.last_error);
    assert_eq!(google.refreshes(), refreshes + 1);
    google.expire_access_tokens();
    let booking = service.book(&at(day, 6, 0)).await;
    wait_google_event(
        &google,
        ADA,
        &booking,
        "written with a renewed token",
        |_| true,
    )
    .await;

    google.fault("freeBusy", Fault::Status(500, None), 1);
    let failed = service.sync(&primary).await;
    let error = failed.last_error.clone().unwrap_or_default();
    assert!(error.contains("500"), "{error}");
    assert!(failed.failing_since.is_some());
    service.book(&at(day, 8, 0)).await;

    // Slower than the sync's 5 s deadline.
    google.fault("freeBusy", Fault::Delay(Duration::from_secs(8)), 1);
    let failed = service.sync(&primary).await;
    let error = failed.last_error.clone().unwrap_or_default();
    assert!(error.contains("no answer within"), "{error}");

    // Slower than verify's 4 s: booked on the stored busy time, without waiting it out.
    google.fault("freeBusy", Fault::Delay(Duration::from_secs(12)), 1);
    let started = Instant::now();
    service.book(&at(day, 10, 0)).await;
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );

    // A write told to wait 4 s is retried no sooner (the job's own back-off would be 1 s;
    // run times are whole seconds), and lands once.
    google.fault("/events", Fault::Status(429, Some(4)), 1);
    let started = Instant::now();
    let booking = service.book(&at(day, 12, 0)).await;
    wait_google_event(&google, ADA, &booking, "written after the wait", |_| true).await;
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    service.writes_done(&booking).await;
    let inserts = google
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/events") && r.status < 300)
        .filter(|r| r.json()["id"] == openslot_calendar::google::event_id(&booking).as_str())
        .collect::<Vec<_>>();
    // Lands once: the refused attempt (429) may be in the log with the same id.
    assert_eq!(inserts.len(), 1, "written once");
    assert!(
        google
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with("/events") && r.status == 429),
        "the first attempt was refused"
    );
    assert_eq!(
        google
            .events(ADA)
            .iter()
            .filter(|e| e["id"] == openslot_calendar::google::event_id(&booking).as_str())
            .count(),
        1
    );

    // A sync told to wait two minutes is next due no sooner.
    google.fault("freeBusy", Fault::Status(429, Some(120)), 1);
    let now = Timestamp::now().as_second();
    let limited = service.sync(&primary).await;
    let error = limited.last_error.clone().unwrap_or_default();
    assert!(error.contains("rate limited"), "{error}");
    assert!(
        limited.next_run_at >= now + 119,
        "{} vs {now}",
        limited.next_run_at
    );
    // Meanwhile bookings are still taken (verify does not call a held-back account).
    let free_busy_before = google
        .requests()
        .iter()
        .filter(|r| r.path == "/calendar/v3/freeBusy")
        .count();
    service.book(&at(day, 15, 0)).await;
    let free_busy_after = google
        .requests()
        .iter()
        .filter(|r| r.path == "/calendar/v3/freeBusy")
        .count();
    assert_eq!(free_busy_before, free_busy_after);
}

/// Two instances on one database: while both need the account's expired token at once
/// (syncs and bookings on each), the provider sees one refresh at a time, and every
/// booking's event is inserted once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_refresh_once_and_write_each_event_once() {
    let google = GoogleStandIn::start();
    google.add_account(ADA, &[CalendarSpec::primary(ADA, "Ada")]);
    google.set_refresh_delay(Duration::from_millis(500));
    let (_, refresh) = google.issue_tokens(ADA);
    let service = Service::start(&config(&google_section(&google, true)), 2).await;
    let account = service
        .seed_account("google", ADA, &refresh, Some(("expired", -10)))
        .await;
    let primary = service.connect(&account, "google", ADA, true, true).await;
    let day = days_ahead(5);
    let now = Timestamp::now().as_second();
    assert!(service
        .store
        .request_calendar_sync(&primary, now)
        .await
        .unwrap());
    let bookings = futures_util::future::join_all((0..6).map(|index| {
        let server = &service.servers[index % 2];
        let start = at(day, 8 + index as i8 * 2, 0);
        let service = &service;
        async move {
            let (status, body) = service.book_on(server, &start).await;
            assert_eq!(status, 201, "{body}");
            body["id"].as_str().unwrap().to_string()
        }
    }))
    .await;
    for booking in &bookings {
        wait_google_event(&google, ADA, booking, "written", |_| true).await;
        service.writes_done(booking).await;
    }
    service.wait_syncs(&primary, 1).await;
    assert_eq!(google.max_concurrent_refreshes(), 1);
    assert_eq!(google.refreshes(), 1, "one renewal served both instances");
    let requests = google.requests();
    for booking in &bookings {
        let id = openslot_calendar::google::event_id(booking);
        let inserts = requests
            .iter()
            .filter(|r| r.method == "POST" && r.json()["id"] == id.as_str())
            .count();
        assert_eq!(inserts, 1, "booking {booking} inserted {inserts} times");
        let events = google
            .events(ADA)
            .into_iter()
            .filter(|event| event["id"] == id.as_str())
            .count();
        assert_eq!(events, 1);
    }
}

fn microsoft_section(microsoft: &MicrosoftStandIn, teams_links: bool) -> String {
    let (id, secret) = microsoft.client();
    format!(
        "\n[microsoft]\nclient_id = \"{id}\"\nclient_secret = \"{secret}\"\ntenant = \"common\"\n\
         auth_url = \"{}\"\ntoken_url = \"{}\"\ngraph_base = \"{}\"\nteams_links = {teams_links}\n",
        microsoft.auth_url(),
        microsoft.token_url(),
        microsoft.graph_base()
    )
}

const ADA_MS: &str = "ada@contoso.example";
const DEFAULT_CALENDAR: &str = "AAMkADefault=";
const TEAM_CALENDAR: &str = "AAMkATeam=";

/// Our event in a Microsoft calendar: the one created with the booking's id as its
/// transaction id.
fn microsoft_event(microsoft: &MicrosoftStandIn, booking: &str) -> Option<Value> {
    microsoft
        .events(DEFAULT_CALENDAR)
        .into_iter()
        .find(|event| event["transactionId"] == booking)
}

async fn wait_microsoft_event(
    microsoft: &MicrosoftStandIn,
    booking: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        if let Some(event) = microsoft_event(microsoft, booking).filter(|event| check(event)) {
            return event;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what}: {:#?}",
            microsoft_event(microsoft, booking)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn starts_at(event: &Value, expected: &str) -> bool {
    openslot_calendar::microsoft::parse_date_time_zone(&event["start"])
        .is_ok_and(|start| start == instant(expected))
}

/// Microsoft 365: the default calendar's busy time from getSchedule, another calendar's
/// (in a Windows-named zone, with an all-day event and a "free" one) from calendarView;
/// verify-on-book; a booking written with a Teams meeting whose link arrives only on a
/// read-back, reaching the API and the invitee's e-mail; moved with a PATCH, deleted with
/// the booking. The rotated refresh token is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn microsoft_busy_time_verify_and_write_back_with_teams_links() {
    let microsoft = MicrosoftStandIn::start();
    microsoft.add_account(
        ADA_MS,
        &[
            CalendarSpec::primary(DEFAULT_CALENDAR, "Calendar"),
            CalendarSpec::new(TEAM_CALENDAR, "Team").in_zone("W. Europe Standard Time"),
        ],
    );
    let day = days_ahead(3);
    let holiday = days_ahead(6);
    microsoft.add_busy(
        DEFAULT_CALENDAR,
        instant(&at(day, 9, 0)),
        instant(&at(day, 10, 0)),
    );
    microsoft.add_event(
        TEAM_CALENDAR,
        EventSpec::all_day(holiday, holiday.tomorrow().unwrap()),
    );
    microsoft.add_event(
        TEAM_CALENDAR,
        EventSpec::busy(instant(&at(day, 13, 0)), instant(&at(day, 14, 0))).show_as(ShowAs::Free),
    );
    microsoft.add_busy(
        TEAM_CALENDAR,
        instant(&at(day, 16, 0)),
        instant(&at(day, 17, 0)),
    );
    let (_, refresh) = microsoft.issue_tokens(ADA_MS);
    let service = Service::start(&config(&microsoft_section(&microsoft, true)), 1).await;
    let account = service
        .seed_account("microsoft", ADA_MS, &refresh, None)
        .await;
    let default = service
        .connect(&account, "microsoft", DEFAULT_CALENDAR, true, true)
        .await;
    let team = service
        .connect(&account, "microsoft", TEAM_CALENDAR, true, false)
        .await;
    for id in [&default, &team] {
        let synced = service.sync(id).await;
        assert!(synced.last_error.is_none(), "{:?}", synced.last_error);
    }
    let requests = microsoft.requests();
    assert!(requests
        .iter()
        .any(|r| r.method == "POST" && r.path == "/v1.0/me/calendar/getSchedule"));
    assert!(requests
        .iter()
        .any(|r| r.method == "GET" && r.path.contains("/calendarView")));
    // The rotated refresh token replaced the one seeded.
    let stored = service
        .store
        .oauth_account(&account)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        service.credentials.open(&stored.refresh_token_enc).unwrap(),
        refresh
    );
    assert!(!service.offered(&at(day, 9, 0)).await);
    assert!(!service.offered(&at(day, 16, 0)).await);
    assert!(
        service.offered(&at(day, 13, 0)).await,
        "a free event blocks nothing"
    );
    // The all-day event is a day in Berlin: from 23:00 UTC the evening before (winter).
    let eve = holiday.yesterday().unwrap();
    assert!(service.offered(&at(eve, 21, 30)).await);
    assert!(!service.offered(&at(eve, 23, 0)).await);
    assert!(!service.offered(&at(holiday, 12, 0)).await);

    // Verify-on-book on the default calendar.
    microsoft.add_busy(
        DEFAULT_CALENDAR,
        instant(&at(day, 18, 0)),
        instant(&at(day, 19, 0)),
    );
    let (status, body) = service.book_on(service.server(), &at(day, 18, 0)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));

    // Written with a Teams meeting whose link is only there on a second look.
    microsoft.set_meetings_pending(1);
    let booking = service.book(&at(day, 11, 0)).await;
    let event = wait_microsoft_event(&microsoft, &booking, "written", |_| true).await;
    assert!(starts_at(&event, &at(day, 11, 0)), "{event}");
    assert_eq!(event["isOnlineMeeting"], true, "{event}");
    assert_eq!(
        event["onlineMeetingProvider"], "teamsForBusiness",
        "{event}"
    );
    let create = microsoft
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/events"))
        .unwrap();
    assert_eq!(create.json()["transactionId"], booking.as_str());
    assert!(
        create.path.contains("/v1.0/me/calendars/"),
        "{}",
        create.path
    );
    service.writes_done(&booking).await;
    let (_, body) = service
        .api
        .get(&format!("/api/v1/bookings/{booking}"))
        .await;
    let link = body["location"]
        .as_str()
        .unwrap_or_else(|| panic!("a Teams link on {body}"))
        .to_string();
    assert!(link.starts_with("https://teams.microsoft.com/"), "{link}");
    let (_, _, text) = service.mail(INVITEE, "Confirmed").await;
    assert!(text.replace("=\r\n", "").contains(&link), "{text}");

    // Its own event is no busy time: moved half an hour on after a sync, then cancelled.
    service.sync(&default).await;
    service
        .act(&booking, "reschedule", json!({"start": at(day, 11, 30)}))
        .await;
    wait_microsoft_event(&microsoft, &booking, "moved", |event| {
        starts_at(event, &at(day, 11, 30))
    })
    .await;
    let event_id = event["id"].as_str().unwrap().to_string();
    assert!(microsoft
        .requests()
        .iter()
        .any(|r| r.method == "PATCH" && r.path.starts_with("/v1.0/me/events/")));
    service.act(&booking, "cancel", json!({})).await;
    let started = Instant::now();
    while microsoft_event(&microsoft, &booking).is_some() {
        assert!(started.elapsed() < Duration::from_secs(30), "never deleted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(microsoft
        .requests()
        .iter()
        .any(|r| r.method == "DELETE" && r.path.contains(&event_id[..8])));
}

/// Calls of one account are spaced to its budget: a burst of bookings (a verify and a
/// write each) never meets the provider's quota of 10 calls a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_stays_within_its_call_budget() {
    let google = GoogleStandIn::start();
    google.add_account(ADA, &[CalendarSpec::primary(ADA, "Ada")]);
    let (access, refresh) = google.issue_tokens(ADA);
    let service = Service::start(&config(&google_section(&google, false)), 1).await;
    let account = service
        .seed_account("google", ADA, &refresh, Some((&access, 3000)))
        .await;
    let primary = service.connect(&account, "google", ADA, true, true).await;
    service.sync(&primary).await;
    google.set_quota(10, Duration::from_secs(1));
    let day = days_ahead(6);
    let mut bookings = Vec::new();
    for hour in 6..20 {
        bookings.push(service.book(&at(day, hour, 0)).await);
    }
    for booking in &bookings {
        wait_google_event(&google, ADA, booking, "written", |_| true).await;
    }
    assert_eq!(google.throttled(), 0, "the provider's quota was hit");
}

/// The same with Microsoft, whose refresh tokens rotate: a second refresh with the old
/// token would be refused, so one at a time is what keeps the account connected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_a_rotating_microsoft_token() {
    let microsoft = MicrosoftStandIn::start();
    microsoft.add_account(
        ADA_MS,
        &[CalendarSpec::primary(DEFAULT_CALENDAR, "Calendar")],
    );
    microsoft.set_refresh_delay(Duration::from_millis(500));
    let (_, refresh) = microsoft.issue_tokens(ADA_MS);
    let service = Service::start(&config(&microsoft_section(&microsoft, false)), 2).await;
    let account = service
        .seed_account("microsoft", ADA_MS, &refresh, Some(("expired", -10)))
        .await;
    let default = service
        .connect(&account, "microsoft", DEFAULT_CALENDAR, true, true)
        .await;
    let day = days_ahead(5);
    let now = Timestamp::now().as_second();
    assert!(service
        .store
        .request_calendar_sync(&default, now)
        .await
        .unwrap());
    let bookings = futures_util::future::join_all((0..6).map(|index| {
        let server = &service.servers[index % 2];
        let start = at(day, 8 + index as i8 * 2, 0);
        let service = &service;
        async move {
            let (status, body) = service.book_on(server, &start).await;
            assert_eq!(status, 201, "{body}");
            body["id"].as_str().unwrap().to_string()
        }
    }))
    .await;
    for booking in &bookings {
        wait_microsoft_event(&microsoft, booking, "written", |_| true).await;
        service.writes_done(booking).await;
    }
    let synced = service.wait_syncs(&default, 1).await;
    assert!(synced.last_error.is_none(), "{:?}", synced.last_error);
    assert_eq!(microsoft.max_concurrent_refreshes(), 1);
    assert_eq!(
        microsoft.refreshes(),
        1,
        "one renewal served both instances"
    );
    let stored = service
        .store
        .oauth_account(&account)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OAuthAccount::OK);
    let requests = microsoft.requests();
    for booking in &bookings {
        let creates = requests
            .iter()
            .filter(|r| r.method == "POST" && r.json()["transactionId"] == booking.as_str())
            .count();
        assert_eq!(creates, 1, "booking {booking} created {creates} times");
        let events = microsoft
            .events(DEFAULT_CALENDAR)
            .into_iter()
            .filter(|event| event["transactionId"] == booking.as_str())
            .count();
        assert_eq!(events, 1);
    }
}
