//! Calendar connections end to end: the real `openslot` binary synced against real CalDAV
//! servers (Radicale, Xandikos) started on loopback, and against scripted loopback peers (an
//! ICS feed with ETags, a server that hangs, one that answers 500, a closed port). Busy time
//! created, moved or deleted in the calendar reaches `GET /availability` and `POST /booking`
//! after a sync; verify-on-book reads what a sync has not seen yet; faults show in the sync
//! metrics and never stop bookings. "Sync now" is the store's `request_calendar_sync` (what
//! the admin button calls), made from this process on the server's database. SQLite, or
//! PostgreSQL with `OPENSLOT_TEST_BACKEND=postgres`.

mod common;

use std::{
    future::Future,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use common::{
    admin::{create_token, Api},
    database_url_for, days_ahead, error_code, get_json, post_json, Launch, TestServer,
};
use jiff::{civil::Date, Timestamp, ToSpan};
use openslot::config::Config;
use openslot_calendar::{
    caldav,
    testing::{require, CalDavServer, ServerKind},
    Endpoint, Http, Written,
};
use openslot_store::{prelude::*, CalendarConnection};
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// Most a sync (or its effect) is waited for.
const PATIENCE: Duration = Duration::from_secs(30);

const METRICS_TOKEN: &str = "calendar-metrics-token";

/// Ada (and Grace, for the fault cases) work around the clock; `calendars` is the
/// `[[hosts.calendars]]` text for Ada, `grace_calendars` for Grace.
fn config(zone: &str, settings: &str, calendars: &str, grace_calendars: &str) -> String {
    format!(
        r#"
[limits]
booking_per_minute = 0
[metrics]
token = "{METRICS_TOKEN}"
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
min_lead_minutes = 60
lookahead_days = 200
mode = "instant"

[calendars]
{settings}

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
timezone = "{zone}"
hours = ["00:00-24:00"]
{calendars}

[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
timezone = "{zone}"
hours = ["00:00-24:00"]
{grace_calendars}

[[event_types]]
slug = "ada"
title = "With Ada"
duration_minutes = 30
hosts = ["ada"]

[[event_types]]
slug = "grace"
title = "With Grace"
duration_minutes = 30
hosts = ["grace"]
"#
    )
}

/// A `[[hosts.calendars]]` entry for a CalDAV calendar of `server`.
fn caldav_entry(server: &CalDavServer, url: &str) -> String {
    let endpoint = server.endpoint(url);
    let mut entry =
        format!("[[hosts.calendars]]\nkind = \"caldav\"\nurl = \"{url}\"\nrefresh_minutes = 1\n");
    if let (Some(username), Some(password)) = (endpoint.username, endpoint.password) {
        entry.push_str(&format!(
            "username = \"{username}\"\npassword = \"{password}\"\n"
        ));
    }
    entry
}

fn raw_entry(kind: &str, url: &str) -> String {
    format!("[[hosts.calendars]]\nkind = \"{kind}\"\nurl = \"{url}\"\nrefresh_minutes = 1\n")
}

/// The running binary and a handle on its database (for "sync now" and health).
struct Running {
    server: TestServer,
    store: Arc<dyn Store>,
    api: Api,
    _dir: tempfile::TempDir,
}

async fn launch(config_text: &str) -> Running {
    relaunch(tempfile::tempdir().unwrap(), config_text).await
}

/// Starts the binary in `dir` (a database already there is kept).
async fn relaunch(dir: tempfile::TempDir, config_text: &str) -> Running {
    let server = TestServer::launch(Launch {
        config: Some(config_text),
        dir: dir.path(),
        env: Vec::new(),
        use_config_database: false,
    });
    let mut config = Config::parse("", "test.toml").unwrap();
    config.database.url = database_url_for(dir.path());
    let store = openslot::serve::open_store(&config).await.unwrap();
    let api = Api::new(&server, &create_token(&server, "calendars-e2e"));
    Running {
        server,
        store,
        api,
        _dir: dir,
    }
}

impl Running {
    async fn connection(&self, host: &str) -> CalendarConnection {
        self.store
            .calendar_connections()
            .await
            .unwrap()
            .into_iter()
            .find(|connection| connection.settings.host_id == host)
            .unwrap_or_else(|| panic!("no calendar connection for {host}"))
    }

    /// "Sync now" for `host`'s connection; returns its last success before the request.
    async fn sync_now(&self, host: &str) -> Option<i64> {
        let connection = self.connection(host).await;
        // Sync times are whole seconds: a sync within the second of the last one would be
        // indistinguishable from it.
        while connection
            .last_success_at
            .is_some_and(|at| at >= Timestamp::now().as_second())
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (status, body) = self
            .api
            .send(
                reqwest::Method::POST,
                &format!("/api/v1/calendars/{}/sync", connection.settings.id),
                None,
            )
            .await;
        assert_eq!(status, 202, "{body}");
        connection.last_success_at
    }

    /// Waits for a successful sync of `host`'s connection that started after `after`
    /// (a sync at second `after` itself may have begun before the request).
    async fn synced_after(&self, host: &str, after: Option<i64>) {
        eventually(&format!("a sync of {host}'s calendar"), || async {
            let connection = self.connection(host).await;
            connection.last_success_at > after
                && connection.last_success_at.is_some()
                && connection.last_error.is_none()
        })
        .await;
    }

    async fn starts(&self, event: &str, day: Date) -> Vec<String> {
        let from = day.checked_sub(1.day()).unwrap();
        let to = day.checked_add(1.day()).unwrap();
        let (status, body) = get_json(
            &self.server,
            &format!("/availability?event={event}&from={from}&to={to}"),
        )
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

    /// Waits until `start` is (or is not) offered.
    async fn until_offered(&self, event: &str, start: &str, offered: bool) {
        if !poll(|| async { self.offered(event, start).await == offered }).await {
            let logs: Vec<String> = self
                .server
                .logs()
                .into_iter()
                .filter(|line| line.contains("calendar"))
                .collect();
            panic!(
                "waited {PATIENCE:?} for {start} {}offered; calendar logs: {logs:#?}",
                if offered { "" } else { "not " }
            );
        }
    }

    async fn book(&self, event: &str, start: &str) -> (u16, Value) {
        post_json(
            &self.server,
            "/booking",
            &json!({
                "event": event,
                "start": start,
                "name": "Invitee",
                "email": "invitee@example.com",
            }),
        )
        .await
    }

    async fn metrics(&self) -> String {
        let response = common::client()
            .get(self.server.url("/metrics"))
            .header("authorization", format!("Bearer {METRICS_TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }

    /// How many syncs of `host`'s calendars ended with `outcome`, per `/metrics`.
    async fn syncs(&self, host: &str, outcome: &str) -> u64 {
        let text = self.metrics().await;
        text.lines()
            .filter(|line| {
                line.starts_with("openslot_calendar_syncs_total{")
                    && line.contains(&format!("host=\"{host}\""))
                    && line.contains(&format!("outcome=\"{outcome}\""))
            })
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>() as u64
    }
}

/// Polls `check` until it holds, failing after [`PATIENCE`].
async fn eventually<F, Fut>(what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    assert!(poll(check).await, "waited {PATIENCE:?} for {what}");
}

/// Polls `check` until it holds (true) or [`PATIENCE`] passed (false).
async fn poll<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return true;
        }
        if started.elapsed() >= PATIENCE {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `hh:mm` UTC on `day` as the API writes instants.
fn at(day: Date, hour: i8, minute: i8) -> String {
    format!("{day}T{hour:02}:{minute:02}:00Z")
}

/// iCalendar basic UTC form of `day` `hh:mm`.
fn ical_utc(day: Date, hour: i8, minute: i8) -> String {
    format!("{}T{hour:02}{minute:02}00Z", day.strftime("%Y%m%d"))
}

/// One VEVENT in a VCALENDAR.
fn event_ics(uid: &str, lines: &[String]) -> String {
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openslot tests//EN\r\n");
    text.push_str(&format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Busy\r\n"
    ));
    for line in lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    text
}

fn http() -> Http {
    Http::new(Duration::from_secs(10)).unwrap()
}

async fn put(endpoint: &Endpoint, collection: &str, uid: &str, ics: &str) -> Written {
    caldav::put_event(&http(), endpoint, collection, uid, ics, None)
        .await
        .unwrap_or_else(|err| panic!("PUT {uid}: {err}"))
}

/// A server of `kind` with one calendar, or `None` when it is not installed (skipped).
async fn calendar_server(kind: ServerKind) -> Option<(CalDavServer, String)> {
    if !require(kind) {
        return None;
    }
    let server = CalDavServer::start(kind).await.unwrap();
    let calendar = server.create_calendar("work").await.unwrap();
    Some((server, calendar))
}

/// Events created in the server become busy after a sync (the first at start, later ones
/// through "sync now" and an incremental fetch): not offered and refused with 409; a deleted
/// event frees its time after the next sync.
async fn created_and_deleted_events(kind: ServerKind) {
    let Some((caldav_server, calendar)) = calendar_server(kind).await else {
        return;
    };
    let endpoint = caldav_server.endpoint(&calendar);
    let day = days_ahead(3);
    let early = put(
        &endpoint,
        &calendar,
        "early@test",
        &event_ics(
            "early@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 9, 0)),
                format!("DTEND:{}", ical_utc(day, 10, 0)),
            ],
        ),
    )
    .await;
    let running = launch(&config(
        "UTC",
        "verify_timeout_ms = 1500",
        &caldav_entry(&caldav_server, &calendar),
        "",
    ))
    .await;
    // Imported by the first sync, which a new connection gets at once.
    running.until_offered("ada", &at(day, 9, 0), false).await;
    assert!(!running.offered("ada", &at(day, 9, 30)).await);
    assert!(running.offered("ada", &at(day, 8, 30)).await);
    assert!(running.offered("ada", &at(day, 10, 0)).await);
    let (status, body) = running.book("ada", &at(day, 9, 30)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    // Grace has no calendar: her time is untouched.
    assert!(running.offered("grace", &at(day, 9, 0)).await);

    // An event added afterwards arrives with the next sync.
    let later = put(
        &endpoint,
        &calendar,
        "later@test",
        &event_ics(
            "later@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 14, 0)),
                format!("DTEND:{}", ical_utc(day, 14, 30)),
            ],
        ),
    )
    .await;
    let before = running.sync_now("ada").await;
    running.synced_after("ada", before).await;
    running.until_offered("ada", &at(day, 14, 0), false).await;
    assert!(!running.offered("ada", &at(day, 9, 0)).await, "kept");
    let (status, body) = running.book("ada", &at(day, 14, 0)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));

    // Moved in the server (same object, new time): the old time is free, the new one busy.
    caldav::put_event(
        &http(),
        &endpoint,
        &calendar,
        "later@test",
        &event_ics(
            "later@test",
            &[
                "SEQUENCE:1".to_string(),
                format!("DTSTART:{}", ical_utc(day, 15, 0)),
                format!("DTEND:{}", ical_utc(day, 15, 30)),
            ],
        ),
        Some(&later),
    )
    .await
    .unwrap();
    let before = running.sync_now("ada").await;
    running.synced_after("ada", before).await;
    running.until_offered("ada", &at(day, 14, 0), true).await;
    assert!(!running.offered("ada", &at(day, 15, 0)).await);
    assert!(running.offered("ada", &at(day, 15, 30)).await);
    assert_eq!(running.connection("ada").await.events_imported, 2);

    // Deleted in the server: free again after the next sync, and bookable.
    caldav::delete_event(&http(), &endpoint, &early)
        .await
        .unwrap();
    let before = running.sync_now("ada").await;
    running.synced_after("ada", before).await;
    running.until_offered("ada", &at(day, 9, 0), true).await;
    assert!(!running.offered("ada", &at(day, 15, 0)).await, "kept");
    let (status, body) = running.book("ada", &at(day, 9, 0)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(running.connection("ada").await.events_imported, 1);
    assert!(running.syncs("ada", "ok").await >= 3);
    let metrics = running.metrics().await;
    let age = metrics
        .lines()
        .find(|line| {
            line.starts_with("openslot_calendar_seconds_since_success{")
                && line.contains("host=\"ada\"")
        })
        .and_then(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no age for ada: {metrics}"));
    assert!((0.0..120.0).contains(&age), "{age}");
}

#[tokio::test]
async fn radicale_events_block_their_time_until_deleted() {
    created_and_deleted_events(ServerKind::Radicale).await;
}

#[tokio::test]
async fn xandikos_events_block_their_time_until_deleted() {
    created_and_deleted_events(ServerKind::Xandikos).await;
}

/// A weekly Monday 10:00–11:00 meeting in Europe/Berlin around the end of March (clocks go
/// forward on the last Sunday): one instance cancelled by EXDATE, one moved by a
/// RECURRENCE-ID override. The instances keep 10:00 Berlin time (09:00Z before, 08:00Z
/// after the change); exactly those are blocked.
async fn series_across_dst(kind: ServerKind) {
    let Some((caldav_server, calendar)) = calendar_server(kind).await else {
        return;
    };
    let endpoint = caldav_server.endpoint(&calendar);
    // The first Monday of March far enough ahead to lie within the lookahead.
    let today = days_ahead(0);
    let mut year = today.year();
    if Date::new(year, 3, 1).unwrap() <= today.checked_add(2.days()).unwrap() {
        year += 1;
    }
    // The last Sunday of March; the series starts on the Monday two weeks before.
    let mut change = Date::new(year, 3, 31).unwrap();
    while change.weekday() != jiff::civil::Weekday::Sunday {
        change = change.yesterday().unwrap();
    }
    let mondays: Vec<Date> = (0..4)
        .map(|week| change.checked_add((week * 7 - 13).days()).unwrap())
        .collect();
    let [first, exdate, moved, last] = [mondays[0], mondays[1], mondays[2], mondays[3]];
    let local = |day: Date| day.strftime("%Y%m%d").to_string();
    let master = [
        format!("DTSTART;TZID=Europe/Berlin:{}T100000", local(first)),
        format!("DTEND;TZID=Europe/Berlin:{}T110000", local(first)),
        "RRULE:FREQ=WEEKLY;COUNT=4".to_string(),
        format!("EXDATE;TZID=Europe/Berlin:{}T100000", local(exdate)),
    ];
    let mut ics = event_ics("series@test", &master);
    let override_event = format!(
        "BEGIN:VEVENT\r\nUID:series@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Moved\r\n\
RECURRENCE-ID;TZID=Europe/Berlin:{}T100000\r\nDTSTART;TZID=Europe/Berlin:{}T140000\r\n\
DTEND;TZID=Europe/Berlin:{}T150000\r\nEND:VEVENT\r\n",
        local(moved),
        local(moved),
        local(moved)
    );
    ics = ics.replace(
        "END:VCALENDAR\r\n",
        &format!("{override_event}END:VCALENDAR\r\n"),
    );
    put(&endpoint, &calendar, "series@test", &ics).await;

    let running = launch(&config(
        "Europe/Berlin",
        "verify_timeout_ms = 1500",
        &caldav_entry(&caldav_server, &calendar),
        "",
    ))
    .await;
    running.until_offered("ada", &at(first, 9, 0), false).await;
    // (UTC start, blocked?)
    let expected = [
        (at(first, 9, 0), false),
        (at(first, 9, 30), false),
        (at(first, 8, 30), true),
        (at(first, 10, 0), true),
        // Cancelled by EXDATE.
        (at(exdate, 9, 0), true),
        (at(exdate, 9, 30), true),
        // Moved to 14:00 Berlin (summer time: 12:00Z); its 10:00 is free.
        (at(moved, 8, 0), true),
        (at(moved, 12, 0), false),
        (at(moved, 12, 30), false),
        (at(moved, 11, 30), true),
        (at(moved, 13, 0), true),
        // After the change: 10:00 Berlin is 08:00Z, and 09:00Z is free.
        (at(last, 8, 0), false),
        (at(last, 8, 30), false),
        (at(last, 7, 30), true),
        (at(last, 9, 0), true),
    ];
    for (start, offered) in &expected {
        assert_eq!(
            running.offered("ada", start).await,
            *offered,
            "{start} on {}",
            kind.name()
        );
    }
    let (status, body) = running.book("ada", &at(last, 8, 0)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    let (status, body) = running.book("ada", &at(last, 9, 0)).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = running.book("ada", &at(exdate, 9, 0)).await;
    assert_eq!(status, 201, "{body}");
    // Three instances imported: the cancelled one is not.
    assert_eq!(running.connection("ada").await.events_imported, 3);
}

#[tokio::test]
async fn xandikos_series_with_exceptions_across_dst() {
    series_across_dst(ServerKind::Xandikos).await;
}

#[tokio::test]
async fn radicale_series_with_exceptions_across_dst() {
    series_across_dst(ServerKind::Radicale).await;
}

/// Verify-on-book: an event created after the last sync is not known to the stored busy
/// time (still offered), but the re-read just before the booking commits refuses it.
#[tokio::test]
async fn verify_on_book_sees_an_event_the_last_sync_did_not() {
    let Some((caldav_server, calendar)) = calendar_server(ServerKind::Radicale).await else {
        return;
    };
    let endpoint = caldav_server.endpoint(&calendar);
    let running = launch(&config(
        "UTC",
        "verify_timeout_ms = 3000",
        &caldav_entry(&caldav_server, &calendar),
        "",
    ))
    .await;
    running.synced_after("ada", None).await;
    let day = days_ahead(4);
    put(
        &endpoint,
        &calendar,
        "fresh@test",
        &event_ics(
            "fresh@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 11, 0)),
                format!("DTEND:{}", ical_utc(day, 12, 0)),
            ],
        ),
    )
    .await;
    // The next sync is a minute away: the stored busy time does not know yet.
    assert!(running.offered("ada", &at(day, 11, 30)).await);
    let (status, body) = running.book("ada", &at(day, 11, 30)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    // Touching is not overlapping.
    let (status, body) = running.book("ada", &at(day, 12, 0)).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = running.book("ada", &at(day, 10, 30)).await;
    assert_eq!(status, 201, "{body}");
}

/// A TCP peer that accepts and reads but never answers.
async fn hanging_peer() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (format!("http://{address}/dav/ada/work/"), accepted)
}

/// An HTTP peer answering every request with `status`.
async fn failing_peer(status: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = read_request(&mut socket).await;
                let _ = socket
                    .write_all(
                        format!("HTTP/1.1 {status}\r\ncontent-length: 4\r\nconnection: close\r\n\r\noops")
                            .as_bytes(),
                    )
                    .await;
            });
        }
    });
    format!("http://{address}/dav/ada/work/")
}

/// A URL on a port nothing listens on.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/dav/ada/work/")
}

/// Reads one request's head (and any body by content-length); returns the head.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(index) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break index + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Some(head)
}

/// A calendar that hangs: verify-on-book gives up after `verify_timeout_ms` and the
/// booking is made on the stored busy time.
#[tokio::test]
async fn verify_against_a_hanging_server_books_anyway() {
    let (url, accepted) = hanging_peer().await;
    let running = launch(&config(
        "UTC",
        "verify_timeout_ms = 500\ntimeout_seconds = 2",
        &raw_entry("caldav", &url),
        "",
    ))
    .await;
    let day = days_ahead(4);
    assert!(running.offered("ada", &at(day, 11, 0)).await);
    let before = accepted.load(Ordering::SeqCst);
    let started = Instant::now();
    let (status, body) = running.book("ada", &at(day, 11, 0)).await;
    assert_eq!(status, 201, "{body}");
    // The calendar was asked (a connection made for the verify), and did not hold the
    // booking anywhere near as long as a sync's deadline several times over.
    assert!(
        accepted.load(Ordering::SeqCst) > before,
        "verify never asked"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(running
        .server
        .logs()
        .iter()
        .any(|line| line.contains("calendar verify timed out")
            || line.contains("calendar verify failed")));
}

/// What the scripted feed serves.
struct Feed {
    body: Mutex<(String, String)>,
    requests: AtomicUsize,
    not_modified: AtomicUsize,
}

/// An ICS feed over HTTP with an ETag, answering 304 to a matching `If-None-Match`.
async fn feed_peer(feed: Arc<Feed>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let feed = feed.clone();
            tokio::spawn(async move {
                let Some(head) = read_request(&mut socket).await else {
                    return;
                };
                feed.requests.fetch_add(1, Ordering::SeqCst);
                let (etag, body) = feed.body.lock().unwrap().clone();
                let matches = head.lines().any(|line| {
                    line.split_once(':').is_some_and(|(name, value)| {
                        name.eq_ignore_ascii_case("if-none-match") && value.trim() == etag
                    })
                });
                let reply = if matches {
                    feed.not_modified.fetch_add(1, Ordering::SeqCst);
                    format!(
                        "HTTP/1.1 304 Not Modified\r\netag: {etag}\r\nconnection: close\r\n\r\n"
                    )
                } else {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/calendar\r\netag: {etag}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/ada/basic.ics")
}

#[tokio::test]
async fn an_ics_feed_is_imported_and_re_read_only_when_changed() {
    let day = days_ahead(5);
    let first = event_ics(
        "feed-1@test",
        &[
            format!("DTSTART:{}", ical_utc(day, 13, 0)),
            format!("DTEND:{}", ical_utc(day, 14, 0)),
        ],
    );
    let feed = Arc::new(Feed {
        body: Mutex::new(("\"v1\"".into(), first)),
        requests: AtomicUsize::new(0),
        not_modified: AtomicUsize::new(0),
    });
    let url = feed_peer(feed.clone()).await;
    let running = launch(&config("UTC", "", &raw_entry("ics", &url), "")).await;
    running.until_offered("ada", &at(day, 13, 0), false).await;
    assert!(!running.offered("ada", &at(day, 13, 30)).await);
    assert!(running.offered("ada", &at(day, 14, 0)).await);
    assert_eq!(feed.not_modified.load(Ordering::SeqCst), 0);

    // Unchanged: a conditional request answered 304, busy time kept.
    let before = running.sync_now("ada").await;
    running.synced_after("ada", before).await;
    assert_eq!(feed.not_modified.load(Ordering::SeqCst), 1);
    assert!(feed.requests.load(Ordering::SeqCst) >= 2);
    assert!(!running.offered("ada", &at(day, 13, 0)).await);
    let (status, body) = running.book("ada", &at(day, 13, 30)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    assert_eq!(running.connection("ada").await.events_imported, 1);

    // Changed (new ETag): the new event replaces the old one.
    *feed.body.lock().unwrap() = (
        "\"v2\"".into(),
        event_ics(
            "feed-2@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 16, 0)),
                format!("DTEND:{}", ical_utc(day, 16, 30)),
            ],
        ),
    );
    let before = running.sync_now("ada").await;
    running.synced_after("ada", before).await;
    running.until_offered("ada", &at(day, 13, 0), true).await;
    assert!(!running.offered("ada", &at(day, 16, 0)).await);
    assert_eq!(feed.not_modified.load(Ordering::SeqCst), 1);

    // A login page served with 200 is a failed sync, not an empty calendar: the busy
    // time read before stays.
    *feed.body.lock().unwrap() = (
        "\"v3\"".into(),
        "<!doctype html><title>Sign in</title>".into(),
    );
    let errors = running.syncs("ada", "error").await;
    running.sync_now("ada").await;
    eventually("the failed sync", || async {
        running.syncs("ada", "error").await > errors
    })
    .await;
    let connection = running.connection("ada").await;
    assert!(connection.last_error.is_some());
    assert_eq!(connection.events_imported, 1);
    assert!(!running.offered("ada", &at(day, 16, 0)).await);
    let (status, body) = running.book("ada", &at(day, 16, 0)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
}

/// A calendar server that is down (closed port), slow past the deadline, or answering
/// 500: the failure is recorded on the connection and counted in `/metrics` by outcome,
/// and the host's bookings go on.
#[tokio::test]
async fn failing_calendars_show_in_health_and_bookings_still_work() {
    let (hanging, _) = hanging_peer().await;
    let failing = failing_peer("500 Internal Server Error").await;
    let refusing = failing_peer("401 Unauthorized").await;
    let closed = closed_url();
    // Ada's calendar is down; Grace has a slow one, one answering 500 and one refusing
    // her credentials.
    let grace = format!(
        "{}{}{}username = \"grace\"\npassword = \"wrong\"\n",
        raw_entry("caldav", &hanging),
        raw_entry("caldav", &failing),
        raw_entry("caldav", &refusing),
    );
    let running = launch(&config(
        "UTC",
        "verify_timeout_ms = 300\ntimeout_seconds = 1",
        &raw_entry("caldav", &closed),
        &grace,
    ))
    .await;
    eventually("each failure counted by outcome", || async {
        running.syncs("ada", "unreachable").await >= 1
            && running.syncs("grace", "timeout").await >= 1
            && running.syncs("grace", "error").await >= 1
            && running.syncs("grace", "auth").await >= 1
    })
    .await;
    assert_eq!(running.syncs("ada", "ok").await, 0);
    assert_eq!(running.syncs("grace", "ok").await, 0);
    let metrics = running.metrics().await;
    // Never synced: no age yet.
    assert!(!metrics.lines().any(|line| line
        .starts_with("openslot_calendar_seconds_since_success{")
        && line.contains("host=\"ada\"")
        && !line.ends_with("NaN")));
    for connection in running.store.calendar_connections().await.unwrap() {
        assert!(connection.last_success_at.is_none());
        assert!(
            connection.failing_since.is_some(),
            "{}",
            connection.settings.url
        );
        let error = connection.last_error.as_deref().unwrap_or_default();
        assert!(!error.is_empty(), "{}", connection.settings.url);
        // Retried later, not in a tight loop.
        assert!(connection.next_run_at > connection.last_attempt_at.unwrap());
    }
    // The API shows each failure (and never the password).
    for host in ["ada", "grace"] {
        let (status, body) = running
            .api
            .get(&format!("/api/v1/hosts/{host}/calendars"))
            .await;
        assert_eq!(status, 200, "{body}");
        let listed = body
            .as_array()
            .or_else(|| body["calendars"].as_array())
            .unwrap_or_else(|| panic!("{body}"))
            .clone();
        assert_eq!(listed.len(), if host == "ada" { 1 } else { 3 }, "{body}");
        for connection in &listed {
            assert!(connection["last_error"].is_string(), "{connection}");
            assert!(!connection["failing_since"].is_null(), "{connection}");
            assert!(connection["last_success_at"].is_null(), "{connection}");
        }
        assert!(!body.to_string().contains("wrong"), "{body}");
    }
    let day = days_ahead(2);
    for (event, start) in [("ada", at(day, 10, 0)), ("grace", at(day, 10, 0))] {
        assert!(running.offered(event, &start).await);
        let (status, body) = running.book(event, &start).await;
        assert_eq!(status, 201, "{event}: {body}");
    }
}

/// A principal URL (not a calendar): every event calendar of the user is read.
async fn principal_reads_every_calendar(kind: ServerKind) {
    let Some((caldav_server, work)) = calendar_server(kind).await else {
        return;
    };
    let home = caldav_server.create_calendar("home").await.unwrap();
    let day = days_ahead(6);
    for (calendar, uid, hour) in [(&work, "work@test", 9), (&home, "home@test", 13)] {
        put(
            &caldav_server.endpoint(calendar),
            calendar,
            uid,
            &event_ics(
                uid,
                &[
                    format!("DTSTART:{}", ical_utc(day, hour, 0)),
                    format!("DTEND:{}", ical_utc(day, hour, 30)),
                ],
            ),
        )
        .await;
    }
    let principal = caldav_server.principal_url();
    let running = launch(&config(
        "UTC",
        "",
        &caldav_entry(&caldav_server, &principal),
        "",
    ))
    .await;
    running.until_offered("ada", &at(day, 9, 0), false).await;
    running.until_offered("ada", &at(day, 13, 0), false).await;
    assert!(running.offered("ada", &at(day, 9, 30)).await);
    assert!(running.offered("ada", &at(day, 13, 30)).await);
    assert_eq!(running.connection("ada").await.events_imported, 2);

    // Verify-on-book reads both calendars too.
    let verify_day = days_ahead(7);
    put(
        &caldav_server.endpoint(&home),
        &home,
        "home-later@test",
        &event_ics(
            "home-later@test",
            &[
                format!("DTSTART:{}", ical_utc(verify_day, 10, 0)),
                format!("DTEND:{}", ical_utc(verify_day, 11, 0)),
            ],
        ),
    )
    .await;
    let (status, body) = running.book("ada", &at(verify_day, 10, 30)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
}

#[tokio::test]
async fn radicale_principal_reads_every_calendar() {
    principal_reads_every_calendar(ServerKind::Radicale).await;
}

#[tokio::test]
async fn xandikos_principal_reads_every_calendar() {
    principal_reads_every_calendar(ServerKind::Xandikos).await;
}

/// Verify-on-book over a recurring series created after the last sync: the server's
/// time-range answer is the whole series, expanded for the booked range.
async fn verify_expands_a_new_series(kind: ServerKind) {
    let Some((caldav_server, calendar)) = calendar_server(kind).await else {
        return;
    };
    let running = launch(&config(
        "UTC",
        "verify_timeout_ms = 3000",
        &caldav_entry(&caldav_server, &calendar),
        "",
    ))
    .await;
    running.synced_after("ada", None).await;
    let first = days_ahead(3);
    put(
        &caldav_server.endpoint(&calendar),
        &calendar,
        "daily@test",
        &event_ics(
            "daily@test",
            &[
                format!("DTSTART:{}", ical_utc(first, 16, 0)),
                format!("DTEND:{}", ical_utc(first, 17, 0)),
                "RRULE:FREQ=WEEKLY;INTERVAL=1".to_string(),
            ],
        ),
    )
    .await;
    let third = first.checked_add(14.days()).unwrap();
    assert!(running.offered("ada", &at(third, 16, 0)).await);
    let (status, body) = running.book("ada", &at(third, 16, 30)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "slot_taken"),
        "{}",
        kind.name()
    );
    // Not an instance: the day after.
    let next = third.checked_add(1.day()).unwrap();
    let (status, body) = running.book("ada", &at(next, 16, 0)).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn radicale_verify_expands_a_new_series() {
    verify_expands_a_new_series(ServerKind::Radicale).await;
}

#[tokio::test]
async fn xandikos_verify_expands_a_new_series() {
    verify_expands_a_new_series(ServerKind::Xandikos).await;
}

/// What kind of event blocks what, read in the host's zone (America/New_York): an
/// all-day event blocks the host's whole day (unless `all_day_busy = false`), a floating
/// time is the host's wall-clock time, transparent and cancelled events block nothing.
#[tokio::test]
async fn event_kinds_are_read_in_the_hosts_zone() {
    let Some((caldav_server, calendar)) = calendar_server(ServerKind::Radicale).await else {
        return;
    };
    let endpoint = caldav_server.endpoint(&calendar);
    let all_day = days_ahead(8);
    let other = days_ahead(9);
    let next = |day: Date| day.tomorrow().unwrap().strftime("%Y%m%d").to_string();
    let local = |day: Date| day.strftime("%Y%m%d").to_string();
    let events = [
        (
            "all-day@test",
            vec![
                format!("DTSTART;VALUE=DATE:{}", local(all_day)),
                format!("DTEND;VALUE=DATE:{}", next(all_day)),
            ],
        ),
        (
            "floating@test",
            vec![
                format!("DTSTART:{}T100000", local(other)),
                format!("DTEND:{}T110000", local(other)),
            ],
        ),
        (
            "transparent@test",
            vec![
                format!("DTSTART:{}", ical_utc(other, 18, 0)),
                format!("DTEND:{}", ical_utc(other, 19, 0)),
                "TRANSP:TRANSPARENT".to_string(),
            ],
        ),
        (
            "cancelled@test",
            vec![
                format!("DTSTART:{}", ical_utc(other, 20, 0)),
                format!("DTEND:{}", ical_utc(other, 21, 0)),
                "STATUS:CANCELLED".to_string(),
            ],
        ),
    ];
    for (uid, lines) in &events {
        put(&endpoint, &calendar, uid, &event_ics(uid, lines)).await;
    }
    // Grace reads the same calendar with all-day events free.
    let grace = format!(
        "{}all_day_busy = false\n",
        caldav_entry(&caldav_server, &calendar)
    );
    let running = launch(&config(
        "America/New_York",
        "",
        &caldav_entry(&caldav_server, &calendar),
        &grace,
    ))
    .await;
    // 10:00-11:00 New York is 15:00Z-16:00Z (EST: December through early March; the
    // days are at most nine days ahead of a run in any month but the transition
    // weeks, so compute the offset instead of assuming it).
    let zone = jiff::tz::TimeZone::get("America/New_York").unwrap();
    let floating_start = other
        .at(10, 0, 0, 0)
        .to_zoned_datetime(zone.clone())
        .unwrap()
        .timestamp()
        .to_string();
    running.until_offered("ada", &floating_start, false).await;
    running.until_offered("grace", &floating_start, false).await;
    // The whole New York day of the all-day event: from its midnight to the next.
    let midnight = all_day
        .at(0, 0, 0, 0)
        .to_zoned_datetime(zone.clone())
        .unwrap()
        .timestamp();
    let day_end = all_day
        .tomorrow()
        .unwrap()
        .at(0, 0, 0, 0)
        .to_zoned_datetime(zone)
        .unwrap()
        .timestamp();
    let before_midnight = midnight - jiff::SignedDuration::from_mins(30);
    let ada: Vec<String> = running.starts("ada", all_day).await;
    let grace: Vec<String> = running.starts("grace", all_day).await;
    let within = |start: &String| {
        let instant: Timestamp = start.parse().unwrap();
        instant >= midnight && instant < day_end
    };
    assert!(!ada.iter().any(within), "{ada:?}");
    assert!(ada.contains(&before_midnight.to_string()));
    assert!(ada.contains(&day_end.to_string()));
    for offset in [0, 12 * 60, 23 * 60 + 30] {
        let start = midnight + jiff::SignedDuration::from_mins(offset);
        assert!(grace.contains(&start.to_string()), "{start} {grace:?}");
    }
    for host in ["ada", "grace"] {
        for hour in [18, 20] {
            assert!(
                running.offered(host, &at(other, hour, 0)).await,
                "{host} {hour}"
            );
            assert!(
                running.offered(host, &at(other, hour, 30)).await,
                "{host} {hour}"
            );
        }
    }
}

/// Imported busy time lives in the database: a restart while the calendar server is down
/// still knows it (the failing sync keeps it), and a configuration naming another
/// calendar drops the old calendar's busy time for the new one's.
#[tokio::test]
async fn imported_busy_time_survives_a_restart_and_follows_the_configuration() {
    let Some((caldav_server, work)) = calendar_server(ServerKind::Radicale).await else {
        return;
    };
    let day = days_ahead(5);
    put(
        &caldav_server.endpoint(&work),
        &work,
        "work@test",
        &event_ics(
            "work@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 9, 0)),
                format!("DTEND:{}", ical_utc(day, 9, 30)),
            ],
        ),
    )
    .await;
    let mut running = launch(&config("UTC", "", &caldav_entry(&caldav_server, &work), "")).await;
    running.until_offered("ada", &at(day, 9, 0), false).await;
    assert!(running.offered("ada", &at(day, 13, 0)).await);
    running.server.stop();

    // The calendar server goes away; after a restart the sync fails, the busy time stays.
    let port = caldav_server.port();
    let work_entry = caldav_entry(&caldav_server, &work);
    drop(caldav_server);
    let Running {
        server,
        store,
        _dir,
        ..
    } = running;
    drop((server, store));
    let mut running = relaunch(_dir, &config("UTC", "", &work_entry, "")).await;
    assert!(!running.offered("ada", &at(day, 9, 0)).await);
    let before = running.sync_now("ada").await;
    eventually("a failed sync", || async {
        let connection = running.connection("ada").await;
        connection.last_error.is_some() && connection.last_success_at == before
    })
    .await;
    assert!(!running.offered("ada", &at(day, 9, 0)).await);
    let (status, body) = running.book("ada", &at(day, 9, 0)).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    running.server.stop();

    // Another calendar in the configuration: the old one's busy time goes at once (even
    // before the new one could be read), the new one's comes with its first sync.
    let Running {
        server,
        store,
        _dir,
        ..
    } = running;
    drop((server, store));
    let caldav_server = CalDavServer::start(ServerKind::Radicale).await.unwrap();
    assert_ne!(caldav_server.port(), port);
    let calendar = caldav_server.create_calendar("other").await.unwrap();
    put(
        &caldav_server.endpoint(&calendar),
        &calendar,
        "other@test",
        &event_ics(
            "other@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 13, 0)),
                format!("DTEND:{}", ical_utc(day, 13, 30)),
            ],
        ),
    )
    .await;
    let running = relaunch(
        _dir,
        &config("UTC", "", &caldav_entry(&caldav_server, &calendar), ""),
    )
    .await;
    assert!(running.offered("ada", &at(day, 9, 0)).await);
    running.until_offered("ada", &at(day, 13, 0), false).await;
    assert_eq!(running.store.calendar_connections().await.unwrap().len(), 1);
}

/// Two instances on one database: a calendar is synced by one of them at a time (one sync
/// at start between them, one per "sync now"), and both offer what it imported.
#[tokio::test]
async fn two_instances_share_one_sync_and_its_busy_time() {
    let Some((caldav_server, calendar)) = calendar_server(ServerKind::Xandikos).await else {
        return;
    };
    let endpoint = caldav_server.endpoint(&calendar);
    let day = days_ahead(3);
    put(
        &endpoint,
        &calendar,
        "first@test",
        &event_ics(
            "first@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 9, 0)),
                format!("DTEND:{}", ical_utc(day, 9, 30)),
            ],
        ),
    )
    .await;
    let text = config("UTC", "", &caldav_entry(&caldav_server, &calendar), "");
    let first = launch(&text).await;
    let second_server = TestServer::launch(Launch {
        config: Some(&text),
        dir: first._dir.path(),
        env: Vec::new(),
        use_config_database: false,
    });
    let second = Running {
        api: Api::new(&second_server, &first.api.token),
        server: second_server,
        store: first.store.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    let total = || async { first.syncs("ada", "ok").await + second.syncs("ada", "ok").await };
    eventually("the first sync", || async { total().await >= 1 }).await;
    for running in [&first, &second] {
        running.until_offered("ada", &at(day, 9, 0), false).await;
    }
    // Both loops look for due work at least every two seconds.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(total().await, 1);

    put(
        &endpoint,
        &calendar,
        "second@test",
        &event_ics(
            "second@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 11, 0)),
                format!("DTEND:{}", ical_utc(day, 11, 30)),
            ],
        ),
    )
    .await;
    let before = first.sync_now("ada").await;
    first.synced_after("ada", before).await;
    for running in [&first, &second] {
        running.until_offered("ada", &at(day, 11, 0), false).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(total().await, 2);
}

/// `busy = false`: a calendar only written to is neither imported nor asked before a
/// booking.
#[tokio::test]
async fn a_calendar_not_read_for_busy_time_blocks_nothing() {
    let Some((caldav_server, calendar)) = calendar_server(ServerKind::Xandikos).await else {
        return;
    };
    let day = days_ahead(3);
    put(
        &caldav_server.endpoint(&calendar),
        &calendar,
        "ignored@test",
        &event_ics(
            "ignored@test",
            &[
                format!("DTSTART:{}", ical_utc(day, 9, 0)),
                format!("DTEND:{}", ical_utc(day, 10, 0)),
            ],
        ),
    )
    .await;
    let entry = format!("{}busy = false\n", caldav_entry(&caldav_server, &calendar));
    // Grace reads the same calendar for busy time: the sync did run.
    let grace = caldav_entry(&caldav_server, &calendar);
    let running = launch(&config("UTC", "", &entry, &grace)).await;
    running.until_offered("grace", &at(day, 9, 0), false).await;
    assert!(running.offered("ada", &at(day, 9, 0)).await);
    let (status, body) = running.book("ada", &at(day, 9, 30)).await;
    assert_eq!(status, 201, "{body}");
}
