//! Busy time from calendars over HTTP: imported calendar busy time narrows
//! `GET /availability` and refuses bookings like bookings do, a stale host closes only under
//! `on_stale = "close"`, and the check just before a booking commits (verify on book) refuses
//! a busy host, books when calendars cannot be read, and moves a round robin to the next
//! host. The service runs in this process (so the test can install calendar busy time and
//! its own verifier) on 127.0.0.1:0, on SQLite or, with `OPENSLOT_TEST_BACKEND=postgres`,
//! PostgreSQL.

mod common;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{client, database_url_for, days_ahead, error_code};
use jiff::{civil::Date, Timestamp};
use openslot::{
    busy_cache::StalePolicy,
    clock::SystemClock,
    config::Config,
    domain::{BusyVerifier, HostId, Verified},
    http::state::AppState,
    serve,
};
use serde_json::{json, Value};
use tokio::sync::{watch, Barrier};

/// Ada and Grace work around the clock in UTC; "intro" is a round robin of both, "demo"
/// needs both, "ada-solo" is Ada's own.
const CONFIG: &str = r#"
[limits]
booking_per_minute = 0
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
min_lead_minutes = 60
lookahead_days = 60
mode = "instant"

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
timezone = "UTC"
hours = ["00:00-24:00"]

[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
timezone = "UTC"
hours = ["00:00-24:00"]

[[event_types]]
slug = "intro"
title = "Intro"
duration_minutes = 30
hosts = ["ada", "grace"]
assignment = "round_robin"

[[event_types]]
slug = "demo"
title = "Demo"
duration_minutes = 30
hosts = ["ada", "grace"]
assignment = "collective"

[[event_types]]
slug = "ada-solo"
title = "With Ada"
duration_minutes = 30
hosts = ["ada"]
"#;

/// What each host's calendars answer when asked just before a booking commits (free unless
/// told otherwise), and every question asked.
#[derive(Default)]
struct Scripted {
    answers: Mutex<HashMap<String, Verified>>,
    asked: Mutex<Vec<(String, (i64, i64))>>,
    /// When set, every call waits here first: calls that are not made together time out.
    together: Mutex<Option<Arc<Barrier>>>,
}

impl Scripted {
    fn answer(&self, host: &str, answer: Verified) {
        self.answers
            .lock()
            .unwrap()
            .insert(host.to_string(), answer);
    }

    fn asked(&self) -> Vec<(String, (i64, i64))> {
        std::mem::take(&mut *self.asked.lock().unwrap())
    }
}

#[async_trait::async_trait]
impl BusyVerifier for Scripted {
    async fn verify(&self, host: &HostId, span: (i64, i64)) -> Verified {
        self.asked.lock().unwrap().push((host.to_string(), span));
        let barrier = self.together.lock().unwrap().clone();
        if let Some(barrier) = barrier {
            // Asked one after the other, the first call would wait here alone and answer
            // busy, refusing a booking that needs every host.
            if tokio::time::timeout(Duration::from_secs(5), barrier.wait())
                .await
                .is_err()
            {
                return Verified::Busy;
            }
        }
        let answers = self.answers.lock().unwrap();
        answers
            .get(host.as_str())
            .copied()
            .unwrap_or(Verified::Free)
    }
}

/// One instance of the service, running in this process.
struct App {
    base: String,
    state: AppState,
    verifier: Arc<Scripted>,
    _stop: watch::Sender<bool>,
}

/// Starts an instance on the database in `dir` (two instances in one directory share it).
async fn start_in(dir: &std::path::Path) -> App {
    let mut config = Config::parse(CONFIG, "test.toml").unwrap();
    config.database.url = database_url_for(dir);
    let checked = serve::validate(&config, "test.toml").unwrap();
    let store = serve::open_store(&config).await.unwrap();
    store.migrate().await.unwrap();
    let mut state = serve::build_state(config, checked, store, Arc::new(SystemClock))
        .await
        .unwrap();
    let verifier = Arc::new(Scripted::default());
    state.domain.verifier = verifier.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let limits = openslot::http::listener::Limits::from_config(&state.config.server);
    let app = openslot::http::router(state.clone());
    let (stop, mut stopped) = watch::channel(false);
    tokio::spawn(async move {
        let until = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        openslot::http::listener::serve(listener, app, limits, until)
            .await
            .unwrap();
    });
    App {
        base,
        state,
        verifier,
        _stop: stop,
    }
}

impl App {
    async fn get(&self, path: &str) -> (u16, Value) {
        let response = client()
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = client()
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The starts `event` offers on `day`.
    async fn starts(&self, event: &str, day: Date) -> Vec<String> {
        let (status, body) = self
            .get(&format!("/availability?event={event}&from={day}&to={day}"))
            .await;
        assert_eq!(status, 200, "{body}");
        body["slots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|slot| slot["start"].as_str().unwrap().to_string())
            .collect()
    }

    async fn offered(&self, event: &str, start: &str) -> bool {
        let day: Date = start[..10].parse().unwrap();
        self.starts(event, day).await.iter().any(|s| s == start)
    }

    async fn book(&self, event: &str, start: &str, host: Option<&str>) -> (u16, Value) {
        let mut body = json!({
            "event": event,
            "start": start,
            "name": "Invitee",
            "email": "invitee@example.com",
        });
        if let Some(host) = host {
            body["host"] = json!(host);
        }
        self.post("/booking", &body).await
    }

    /// Installs `host`'s calendar busy time as `(from, to)` instants.
    fn calendar(&self, host: &str, spans: &[(&str, &str)]) {
        self.state.busy.cache.install_calendar(
            host,
            spans.iter().map(|(from, to)| (seconds(from), seconds(to))),
        );
    }
}

fn seconds(instant: &str) -> i64 {
    instant.parse::<Timestamp>().unwrap().as_second()
}

/// `hour:minute` UTC on `day`, as the API writes instants.
fn at(day: Date, hour: i8, minute: i8) -> String {
    format!("{day}T{hour:02}:{minute:02}:00Z")
}

#[tokio::test]
async fn calendar_busy_time_narrows_availability_and_refuses_bookings() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_in(dir.path()).await;
    let day = days_ahead(3);
    for start in [
        at(day, 9, 30),
        at(day, 10, 0),
        at(day, 10, 30),
        at(day, 11, 0),
    ] {
        assert!(app.offered("ada-solo", &start).await, "{start}");
    }
    app.calendar("ada", &[(&at(day, 10, 0), &at(day, 11, 0))]);
    // Reloading bookings (as the periodic refresh does) keeps calendar busy time.
    app.state.reload_busy().await.unwrap();
    let ada = app.starts("ada-solo", day).await;
    assert!(!ada.contains(&at(day, 10, 0)) && !ada.contains(&at(day, 10, 30)));
    // Touching is not overlapping.
    assert!(ada.contains(&at(day, 9, 30)) && ada.contains(&at(day, 11, 0)));
    // The round robin still offers 10:00 (Grace is free); the collective does not.
    assert!(app.offered("intro", &at(day, 10, 0)).await);
    assert!(!app.offered("demo", &at(day, 10, 0)).await);

    let (status, body) = app.book("ada-solo", &at(day, 10, 0), None).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    let (status, body) = app.book("demo", &at(day, 10, 30), None).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    let (status, body) = app.book("intro", &at(day, 10, 0), Some("ada")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "host_unavailable")
    );
    let (status, body) = app.book("intro", &at(day, 10, 0), None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["host"]["id"], "grace");

    // Replaced as a whole: the old event is gone, the new one counts.
    app.calendar("ada", &[(&at(day, 14, 0), &at(day, 14, 30))]);
    assert!(app.offered("ada-solo", &at(day, 10, 0)).await);
    assert!(!app.offered("ada-solo", &at(day, 14, 0)).await);
    let (status, body) = app.book("ada-solo", &at(day, 10, 0), None).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn a_stale_host_offers_nothing_only_under_close() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_in(dir.path()).await;
    let day = days_ahead(4);
    let busy = app.state.busy.clone();
    app.calendar("ada", &[(&at(day, 10, 0), &at(day, 11, 0))]);
    let as_read = app.starts("ada-solo", day).await;
    assert!(!as_read.is_empty());

    // Keep (the default): the last busy time read still decides.
    busy.cache.set_calendar_stale("ada", true);
    assert_eq!(app.starts("ada-solo", day).await, as_read);

    // Close: nothing for Ada, her times in a round robin go to Grace, a collective
    // needing her offers nothing, and a booking she would hold is refused.
    busy.cache.set_stale_policy(StalePolicy::Close);
    assert!(app.starts("ada-solo", day).await.is_empty());
    assert!(app.starts("demo", day).await.is_empty());
    let grace = app.starts("intro", day).await;
    assert!(grace.contains(&at(day, 12, 0)));
    let (status, body) = app.book("ada-solo", &at(day, 12, 0), None).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    let (status, body) = app.book("intro", &at(day, 12, 0), None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["host"]["id"], "grace");

    // Fresh again: as read.
    busy.cache.set_calendar_stale("ada", false);
    assert_eq!(app.starts("ada-solo", day).await, as_read);
}

#[tokio::test]
async fn verify_on_book_refuses_a_busy_host_and_books_when_calendars_are_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_in(dir.path()).await;
    let day = days_ahead(5);
    let start = at(day, 10, 0);

    // Busy in the calendar just now (the imported busy time does not know yet).
    app.verifier.answer("ada", Verified::Busy);
    assert!(app.offered("ada-solo", &start).await);
    let (status, body) = app.book("ada-solo", &start, None).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    // Asked about the held range of the meeting.
    assert_eq!(
        app.verifier.asked(),
        [(
            "ada".to_string(),
            (seconds(&start), seconds(&start) + 30 * 60)
        )]
    );
    assert!(app.offered("ada-solo", &start).await, "nothing held");
    // Asked for by name, a host busy in her calendar is unavailable.
    let (status, body) = app.book("intro", &start, Some("ada")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "host_unavailable")
    );

    // The calendar cannot be read in time: booked on the busy time imported.
    app.verifier.answer("ada", Verified::Unknown);
    app.verifier.asked();
    let (status, body) = app.book("ada-solo", &start, None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(app.verifier.asked().len(), 1);
    assert!(!app.offered("ada-solo", &start).await);

    // Moving a booking asks about its new time.
    app.verifier.answer("ada", Verified::Busy);
    let manage = body["manage_url"].as_str().unwrap();
    let manage = &manage[manage.find("/manage/").unwrap()..];
    let later = at(day, 15, 0);
    let (status, body) = app
        .post(&format!("{manage}/reschedule"), &json!({"start": later}))
        .await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    assert_eq!(
        app.verifier.asked(),
        [(
            "ada".to_string(),
            (seconds(&later), seconds(&later) + 30 * 60)
        )]
    );
    app.verifier.answer("ada", Verified::Free);
    let (status, body) = app
        .post(&format!("{manage}/reschedule"), &json!({"start": later}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["start"], later.as_str(), "{body}");
}

#[tokio::test]
async fn round_robin_moves_to_the_next_host_when_one_is_busy_in_its_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_in(dir.path()).await;
    let day = days_ahead(6);
    app.verifier.answer("ada", Verified::Busy);
    // Every booking goes to Grace, however fairness would rank Ada.
    for hour in [9, 10, 11] {
        let (status, body) = app.book("intro", &at(day, hour, 0), None).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["host"]["id"], "grace", "{body}");
    }
    // Both busy: taken.
    app.verifier.answer("grace", Verified::Busy);
    let (status, body) = app.book("intro", &at(day, 12, 0), None).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    // Grace's calendar unreachable, Ada busy: Grace, on the imported busy time.
    app.verifier.answer("grace", Verified::Unknown);
    let (status, body) = app.book("intro", &at(day, 12, 0), None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["host"]["id"], "grace", "{body}");
    // Ada free again, Grace busy: Ada.
    app.verifier.answer("ada", Verified::Free);
    app.verifier.answer("grace", Verified::Busy);
    let (status, body) = app.book("intro", &at(day, 13, 0), None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["host"]["id"], "ada", "{body}");
}

#[tokio::test]
async fn a_collective_booking_asks_every_host_at_once_and_any_busy_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_in(dir.path()).await;
    let day = days_ahead(7);
    app.verifier.answer("grace", Verified::Busy);
    let (status, body) = app.book("demo", &at(day, 10, 0), None).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    let mut asked: Vec<String> = app.verifier.asked().into_iter().map(|a| a.0).collect();
    asked.sort();
    assert_eq!(asked, ["ada", "grace"]);
    assert!(app.offered("demo", &at(day, 10, 0)).await, "nothing held");

    // Both asked together: slow calendars cost one wait, not one each.
    app.verifier.answer("grace", Verified::Free);
    app.verifier.answer("ada", Verified::Unknown);
    *app.verifier.together.lock().unwrap() = Some(Arc::new(Barrier::new(2)));
    let (status, body) = app.book("demo", &at(day, 10, 0), None).await;
    assert_eq!(status, 201, "{body}");
    let hosts: Vec<&str> = body["hosts"]
        .as_array()
        .map(|hosts| hosts.iter().filter_map(|h| h["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(hosts, ["ada", "grace"], "{body}");
}

/// Busy in Ada's calendar as imported, while Grace's booking made on another instance is
/// not yet known here: the database would find Ada free (it knows only bookings), so she
/// must not be tried — the booking is refused, not given to a host busy in her calendar.
#[tokio::test]
async fn a_host_busy_in_its_calendar_is_not_tried_when_the_cache_is_behind() {
    let dir = tempfile::tempdir().unwrap();
    let here = start_in(dir.path()).await;
    let elsewhere = start_in(dir.path()).await;
    let day = days_ahead(8);
    let start = at(day, 10, 0);
    here.calendar("ada", &[(&start, &at(day, 11, 0))]);
    let (status, body) = elsewhere.book("intro", &start, Some("grace")).await;
    assert_eq!(status, 201, "{body}");
    // This instance still offers 10:00 through Grace.
    assert!(here.offered("intro", &start).await);
    let (status, body) = here.book("intro", &start, None).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "slot_taken"),
        "{body}"
    );
    // Without calendar busy time Ada takes it.
    here.calendar("ada", &[]);
    let (status, body) = here.book("intro", &start, None).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["host"]["id"], "ada");
}
