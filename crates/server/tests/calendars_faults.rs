//! Calendar health over time, driven by a settable clock: the service runs in this process
//! (the binary has no test clock, and `alert_after_minutes` and `stale_after_minutes` are
//! at least a minute) with its real store, sync code, job worker and a loopback SMTP peer,
//! against a real Radicale behind a loopback proxy that can answer 500 instead. A calendar
//! failing past `alert_after_minutes` sends exactly one ops e-mail, and one on recovery;
//! with `on_stale = "close"` a host whose calendar never synced offers nothing once
//! `stale_after_minutes` passed, with "keep" it still does. Syncs run when the test says
//! (claimed under the store's lease as the loop does). SQLite, or PostgreSQL with
//! `OPENSLOT_TEST_BACKEND=postgres`.

mod common;

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use common::{client, database_url_for, days_ahead, error_code, smtp::SmtpPeer};
use jiff::{civil::Date, Timestamp, ToSpan};
use openslot::{
    clock::{Clock, ManualClock},
    config::Config,
    http::state::AppState,
    serve,
    worker::Worker,
};
use openslot_calendar::testing::{require, CalDavServer, ServerKind};
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    sync::watch,
};

fn config(smtp_url: &str, settings: &str, url: &str, credentials: &str) -> String {
    format!(
        r#"
[limits]
booking_per_minute = 0
[mail]
smtp_url = "{smtp_url}"
ops_inbox = ["ops@example.com"]
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
min_lead_minutes = 60
lookahead_days = 30
mode = "instant"

[calendars]
{settings}

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
timezone = "UTC"
hours = ["00:00-24:00"]
[[hosts.calendars]]
kind = "caldav"
url = "{url}"
refresh_minutes = 1
{credentials}

[[event_types]]
slug = "ada"
title = "With Ada"
duration_minutes = 30
hosts = ["ada"]
"#
    )
}

/// One instance in this process on a manual clock; its HTTP side on 127.0.0.1:0.
struct App {
    base: String,
    state: AppState,
    clock: Arc<ManualClock>,
    worker: Worker,
    _stop: watch::Sender<bool>,
}

async fn start_in(dir: &std::path::Path, text: &str, now: Timestamp) -> App {
    let mut config = Config::parse(text, "test.toml").unwrap();
    config.database.url = database_url_for(dir);
    let checked = serve::validate(&config, "test.toml").unwrap();
    let store = serve::open_store(&config).await.unwrap();
    store.migrate().await.unwrap();
    let clock = Arc::new(ManualClock::new(now));
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
        id: "test-worker".into(),
        retry_base_seconds: 30,
        lease_seconds: 60,
        wake: state.jobs_wake.clone(),
        signer: state.signer.clone(),
        busy_changed: state.busy_changed.clone(),
        metrics: state.metrics.clone(),
        concurrency: 1,
        calendars: Some(state.calendars.clone()),
        webhooks: None,
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
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
        clock,
        worker,
        _stop: stop,
    }
}

impl App {
    fn advance(&self, seconds: i64) {
        self.clock
            .set(self.clock.now().checked_add(seconds.seconds()).unwrap());
    }

    /// Runs every due sync (claimed under the lease, as the loop does), then reloads busy
    /// time and staleness as the periodic refresh does; returns how many ran.
    async fn sync_due(&self) -> usize {
        let calendars = &self.state.calendars;
        let mut ran = 0;
        while let Some(connection) = self
            .state
            .store
            .claim_calendar_sync(&calendars.worker_id, self.clock.now().as_second(), 60)
            .await
            .unwrap()
        {
            calendars.sync_claimed(connection).await.unwrap();
            ran += 1;
        }
        calendars.load_busy().await.unwrap();
        ran
    }

    async fn connection(&self) -> openslot_store::CalendarConnection {
        self.state.store.calendar_connections().await.unwrap()[0].clone()
    }

    async fn starts(&self, day: Date) -> Vec<String> {
        let response = client()
            .get(format!(
                "{}/availability?event=ada&from={day}&to={day}",
                self.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["slots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|slot| slot["start"].as_str().unwrap().to_string())
            .collect()
    }

    async fn book(&self, start: &str) -> (u16, Value) {
        let response = client()
            .post(format!("{}/booking", self.base))
            .json(&json!({
                "event": "ada",
                "start": start,
                "name": "Invitee",
                "email": "invitee@example.com",
            }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// A loopback proxy to `upstream` that answers 500 itself while `down` is set.
async fn switchable_proxy(upstream: u16, down: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let down = down.clone();
            tokio::spawn(async move {
                if down.load(Ordering::SeqCst) {
                    let mut chunk = [0u8; 4096];
                    let _ = socket.read(&mut chunk).await;
                    let _ = socket
                        .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await;
                    return;
                }
                if let Ok(mut server) =
                    tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await
                {
                    let _ = tokio::io::copy_bidirectional(&mut socket, &mut server).await;
                }
            });
        }
    });
    port
}

fn subjects(peer: &SmtpPeer) -> Vec<String> {
    peer.messages()
        .iter()
        .filter_map(|message| message.header_decoded("subject"))
        .collect()
}

#[tokio::test]
async fn a_failing_calendar_alerts_once_and_once_more_on_recovery() {
    if !require(ServerKind::Radicale) {
        return;
    }
    let radicale = CalDavServer::start(ServerKind::Radicale).await.unwrap();
    let calendar = radicale.create_calendar("work").await.unwrap();
    let down = Arc::new(AtomicBool::new(true));
    let proxy = switchable_proxy(radicale.port(), down.clone()).await;
    let url = calendar.replace(&format!(":{}/", radicale.port()), &format!(":{proxy}/"));
    let peer = SmtpPeer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let now = Timestamp::now();
    let app = start_in(
        dir.path(),
        &config(
            &peer.url(),
            "alert_after_minutes = 1\nverify_timeout_ms = 500\ntimeout_seconds = 2",
            &url,
            "username = \"ada\"\npassword = \"secret\"",
        ),
        now,
    )
    .await;

    // Failing, but not yet for a minute: recorded, no e-mail.
    assert_eq!(app.sync_due().await, 1);
    let connection = app.connection().await;
    assert_eq!(connection.failing_since, Some(now.as_second()));
    assert!(connection.last_error.is_some());
    assert_eq!(app.worker.run_due().await.unwrap(), 0);
    // Not due again until its back-off passed.
    assert_eq!(app.sync_due().await, 0);
    app.advance(30);
    assert_eq!(app.sync_due().await, 1);
    assert_eq!(app.worker.run_due().await.unwrap(), 0);

    // Past a minute: one e-mail.
    app.advance(31);
    assert_eq!(app.sync_due().await, 1);
    assert!(app.connection().await.alerted);
    assert_eq!(app.worker.run_due().await.unwrap(), 1);
    let messages = peer.wait_for_count(1, Duration::from_secs(10)).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].rcpt_to, ["ops@example.com"]);
    let subject = messages[0].header_decoded("subject").unwrap();
    assert!(subject.starts_with("Calendar failing"), "{subject}");
    // The proxied URL is shown without credentials; the password never travels.
    assert!(!String::from_utf8_lossy(&messages[0].data).contains("secret"));

    // Still failing: no second e-mail, however long; bookings go on.
    for _ in 0..3 {
        app.advance(300);
        app.sync_due().await;
        assert_eq!(app.worker.run_due().await.unwrap(), 0);
    }
    let day = days_ahead(2);
    let start = format!("{day}T10:00:00Z");
    let (status, body) = app.book(&start).await;
    assert_eq!(status, 201, "{body}");

    // Back: one recovery e-mail, then quiet.
    down.store(false, Ordering::SeqCst);
    app.advance(600);
    assert_eq!(app.sync_due().await, 1);
    let connection = app.connection().await;
    assert_eq!(connection.last_error, None);
    assert_eq!(connection.failing_since, None);
    assert!(!connection.alerted);
    app.worker.run_due().await.unwrap();
    wait_for_subject(&peer, "Calendar working again").await;
    app.advance(120);
    assert_eq!(app.sync_due().await, 1);
    app.worker.run_due().await.unwrap();
    let subjects = subjects(&peer);
    let count = |prefix: &str| subjects.iter().filter(|s| s.starts_with(prefix)).count();
    assert_eq!(count("Calendar failing"), 1, "{subjects:?}");
    assert_eq!(count("Calendar working again"), 1, "{subjects:?}");
}

async fn wait_for_subject(peer: &SmtpPeer, prefix: &str) {
    for _ in 0..100 {
        if subjects(peer).iter().any(|s| s.starts_with(prefix)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no e-mail {prefix:?}: {:?}", subjects(peer));
}

/// A calendar that never answers: under `on_stale = "close"` its host offers nothing once
/// `stale_after_minutes` passed since the connection was added (and bookings are refused);
/// under "keep" the host still offers its hours.
async fn never_synced(policy: &str) -> (Vec<String>, Vec<String>, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap().port();
    drop(listener);
    let peer = SmtpPeer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = start_in(
        dir.path(),
        &config(
            &peer.url(),
            &format!("on_stale = \"{policy}\"\nstale_after_minutes = 2\nverify_timeout_ms = 300"),
            &format!("http://127.0.0.1:{closed}/ada/work/"),
            "",
        ),
        Timestamp::now(),
    )
    .await;
    let day = days_ahead(2);
    app.sync_due().await;
    // A new connection does not close its host before its first sync could run.
    let fresh = app.starts(day).await;
    assert!(!fresh.is_empty());
    // Retried, failing, until the data (none) is older than two minutes.
    for _ in 0..5 {
        app.advance(30);
        app.sync_due().await;
    }
    assert!(app.connection().await.last_success_at.is_none());
    let stale = app.starts(day).await;
    let (status, body) = app.book(&format!("{day}T10:00:00Z")).await;
    if status != 201 {
        assert_eq!(error_code(&body), "slot_taken");
    }
    (fresh, stale, status)
}

#[tokio::test]
async fn a_stale_calendar_closes_its_host_only_under_close() {
    let (fresh, stale, status) = never_synced("close").await;
    assert!(fresh.len() > 10);
    assert!(stale.is_empty(), "{stale:?}");
    assert_eq!(status, 409);

    let (fresh, stale, status) = never_synced("keep").await;
    assert_eq!(stale, fresh);
    assert_eq!(status, 201);
}

/// The daily full re-read starts from scratch (no cursor, nothing known): when it finds the
/// calendar empty, whatever was stored goes, as with any full read. (Radicale reports the
/// deleted object even to a token-less sync-collection; Xandikos reports nothing, which
/// the client calls "unchanged".)
async fn full_read_of_an_emptied_calendar(kind: ServerKind) {
    if !require(kind) {
        return;
    }
    let radicale = CalDavServer::start(kind).await.unwrap();
    let calendar = radicale.create_calendar("work").await.unwrap();
    let endpoint = radicale.endpoint(&calendar);
    let day = days_ahead(4);
    let ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openslot tests//EN\r\nBEGIN:VEVENT\r\n\
UID:only@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{}T100000Z\r\nDTEND:{}T110000Z\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n",
        day.strftime("%Y%m%d"),
        day.strftime("%Y%m%d")
    );
    let http = openslot_calendar::Http::new(Duration::from_secs(10)).unwrap();
    let written =
        openslot_calendar::caldav::put_event(&http, &endpoint, &calendar, "only@test", &ics, None)
            .await
            .unwrap();
    let peer = SmtpPeer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = start_in(
        dir.path(),
        &config(
            &peer.url(),
            "",
            &calendar,
            if kind == ServerKind::Radicale {
                "username = \"ada\"\npassword = \"secret\""
            } else {
                ""
            },
        ),
        Timestamp::now(),
    )
    .await;
    assert_eq!(app.sync_due().await, 1);
    let ten = format!("{day}T10:00:00Z");
    assert!(!app.starts(day).await.contains(&ten));
    assert_eq!(app.connection().await.events_imported, 1);

    openslot_calendar::caldav::delete_event(&http, &endpoint, &written)
        .await
        .unwrap();
    // A day on: this sync is the full re-read.
    app.advance(25 * 3600);
    assert_eq!(app.sync_due().await, 1);
    let connection = app.connection().await;
    assert!(
        connection.last_error.is_none(),
        "{:?}",
        connection.last_error
    );
    assert_eq!(connection.events_imported, 0);
    assert!(app.starts(day).await.contains(&ten));
}

#[tokio::test]
async fn the_daily_full_read_of_an_emptied_radicale_calendar_drops_its_busy_time() {
    full_read_of_an_emptied_calendar(ServerKind::Radicale).await;
}

#[tokio::test]
async fn the_daily_full_read_of_an_emptied_xandikos_calendar_drops_its_busy_time() {
    full_read_of_an_emptied_calendar(ServerKind::Xandikos).await;
}

/// Closed while stale, open again with the first successful sync (and its busy time in).
#[tokio::test]
async fn a_stale_host_reopens_when_its_calendar_syncs_again() {
    if !require(ServerKind::Radicale) {
        return;
    }
    let radicale = CalDavServer::start(ServerKind::Radicale).await.unwrap();
    let calendar = radicale.create_calendar("work").await.unwrap();
    let day = days_ahead(3);
    let ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openslot tests//EN\r\nBEGIN:VEVENT\r\n\
UID:busy@test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{0}T100000Z\r\nDTEND:{0}T110000Z\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n",
        day.strftime("%Y%m%d")
    );
    let http = openslot_calendar::Http::new(Duration::from_secs(10)).unwrap();
    openslot_calendar::caldav::put_event(
        &http,
        &radicale.endpoint(&calendar),
        &calendar,
        "busy@test",
        &ics,
        None,
    )
    .await
    .unwrap();
    let down = Arc::new(AtomicBool::new(true));
    let proxy = switchable_proxy(radicale.port(), down.clone()).await;
    let url = calendar.replace(&format!(":{}/", radicale.port()), &format!(":{proxy}/"));
    let peer = SmtpPeer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = start_in(
        dir.path(),
        &config(
            &peer.url(),
            "on_stale = \"close\"\nstale_after_minutes = 2\nverify_timeout_ms = 300",
            &url,
            "username = \"ada\"\npassword = \"secret\"",
        ),
        Timestamp::now(),
    )
    .await;
    for _ in 0..5 {
        app.sync_due().await;
        app.advance(30);
    }
    app.sync_due().await;
    assert!(app.connection().await.last_success_at.is_none());
    assert!(app.starts(day).await.is_empty());

    down.store(false, Ordering::SeqCst);
    app.advance(300);
    assert_eq!(app.sync_due().await, 1);
    assert!(app.connection().await.last_success_at.is_some());
    let starts = app.starts(day).await;
    assert!(starts.contains(&format!("{day}T09:30:00Z")), "{starts:?}");
    assert!(!starts.contains(&format!("{day}T10:00:00Z")));
    assert!(!starts.contains(&format!("{day}T10:30:00Z")));
    assert!(starts.contains(&format!("{day}T11:00:00Z")));
    let (status, body) = app.book(&format!("{day}T11:00:00Z")).await;
    assert_eq!(status, 201, "{body}");
}
