//! Bookings written into a host's CalDAV calendar, end to end: the real `openslot` binary
//! with a `write = true` connection to a real Radicale or Xandikos (started on loopback),
//! read back with a CalDAV client. Created, moved (same UID, higher SEQUENCE) and removed
//! with the booking; a request is written only once approved; the written event is never
//! extra busy time; a calendar that is down gets the write retried (and a dead write can be
//! retried from the API); two instances on one database sync a connection one at a time
//! and write each event once. SQLite, or PostgreSQL with `OPENSLOT_TEST_BACKEND=postgres`.
//!
//! The server reaches the calendar through a small proxy in this test, which can play
//! "down" (answers 503) and logs every request line it forwards.

mod common;

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use common::{
    admin::{create_token, Api},
    at, client, database_url_for, days_ahead, Launch, TestServer,
};
use openslot::config::Config;
use openslot_calendar::{
    caldav,
    testing::{require, CalDavServer, ServerKind},
    Endpoint, Fetch, Http,
};
use openslot_store::{CalendarDelta, JobState, Store};
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

const PUBLIC_HOST: &str = "book.example.com";
const METRICS_TOKEN: &str = "metrics-secret-for-tests";

/// Ada works around the clock in UTC. "meet" (an hour, every half hour) is booked at once,
/// "ask" waits for Ada's approval. Syncs run only when the test asks (refresh is long, below the stale limit).
fn config(calendar_url: &str, credentials: &str) -> String {
    format!(
        r#"
[server]
public_url = "https://{PUBLIC_HOST}"
[limits]
booking_per_minute = 0
[metrics]
token = "{METRICS_TOKEN}"
[mail]
retry_base_seconds = 1
max_attempts = 4
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
min_lead_minutes = 60
lookahead_days = 30

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
timezone = "UTC"
hours = ["00:00-24:00"]

[[hosts.calendars]]
kind = "caldav"
url = "{calendar_url}"
{credentials}
write = true
refresh_minutes = 100

[[event_types]]
slug = "meet"
title = "Meeting"
duration_minutes = 60
slot_step_minutes = 30
hosts = ["ada"]
mode = "instant"

[[event_types]]
slug = "ask"
title = "Request"
duration_minutes = 30
hosts = ["ada"]
mode = "request"
"#
    )
}

/// A TCP proxy in front of the calendar server: logs request lines, can answer 503 to
/// everything ("down"), and can delay each request (to make a sync last).
struct Proxy {
    port: u16,
    down: Arc<AtomicBool>,
    delay_ms: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

const METHODS: [&str; 9] = [
    "GET ",
    "PUT ",
    "DELETE ",
    "PROPFIND ",
    "REPORT ",
    "HEAD ",
    "OPTIONS ",
    "MKCALENDAR ",
    "POST ",
];

fn request_lines(chunk: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(chunk)
        .split("\r\n")
        .filter(|line| METHODS.iter().any(|m| line.starts_with(m)) && line.ends_with("HTTP/1.1"))
        .map(str::to_string)
        .collect()
}

impl Proxy {
    async fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Proxy {
            port: listener.local_addr().unwrap().port(),
            down: Arc::default(),
            delay_ms: Arc::default(),
            requests: Arc::default(),
            in_flight: Arc::default(),
            most_in_flight: Arc::default(),
        };
        let (down, delay, requests, in_flight, most) = (
            proxy.down.clone(),
            proxy.delay_ms.clone(),
            proxy.requests.clone(),
            proxy.in_flight.clone(),
            proxy.most_in_flight.clone(),
        );
        tokio::spawn(async move {
            loop {
                let Ok((inbound, _)) = listener.accept().await else {
                    return;
                };
                let (down, delay, requests, in_flight, most) = (
                    down.clone(),
                    delay.clone(),
                    requests.clone(),
                    in_flight.clone(),
                    most.clone(),
                );
                tokio::spawn(async move {
                    let _ = relay(inbound, target, down, delay, requests, in_flight, most).await;
                });
            }
        });
        proxy
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// One client connection: request bytes forwarded (or refused while down), the answer
/// copied back. A request is in flight from its request line until its answer starts.
async fn relay(
    mut inbound: TcpStream,
    target: u16,
    down: Arc<AtomicBool>,
    delay: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
    in_flight: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let outbound = TcpStream::connect(("127.0.0.1", target)).await?;
    let (mut from_server, mut to_server) = outbound.into_split();
    let (mut from_client, mut to_client) = inbound.split();
    let waiting = Arc::new(AtomicUsize::new(0));
    let mut buffer = vec![0u8; 64 * 1024];
    let mut answer = vec![0u8; 64 * 1024];
    loop {
        tokio::select! {
            read = from_client.read(&mut buffer) => {
                let n = read?;
                if n == 0 {
                    break;
                }
                if down.load(Ordering::SeqCst) {
                    let body = "calendar down (test proxy)";
                    let reply = format!("HTTP/1.1 503 Service Unavailable\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                    to_client.write_all(reply.as_bytes()).await?;
                    break;
                }
                let lines = request_lines(&buffer[..n]);
                if !lines.is_empty() {
                    let now = in_flight.fetch_add(lines.len(), Ordering::SeqCst) + lines.len();
                    most.fetch_max(now, Ordering::SeqCst);
                    waiting.fetch_add(lines.len(), Ordering::SeqCst);
                    requests.lock().unwrap().extend(lines);
                    let pause = delay.load(Ordering::SeqCst);
                    if pause > 0 {
                        tokio::time::sleep(Duration::from_millis(pause as u64)).await;
                    }
                }
                to_server.write_all(&buffer[..n]).await?;
            }
            read = from_server.read(&mut answer) => {
                let n = read?;
                if n == 0 {
                    break;
                }
                if answer[..n].starts_with(b"HTTP/1.1 ") {
                    let answered = waiting.swap(0, Ordering::SeqCst);
                    in_flight.fetch_sub(answered, Ordering::SeqCst);
                }
                to_client.write_all(&answer[..n]).await?;
            }
        }
    }
    let left = waiting.swap(0, Ordering::SeqCst);
    in_flight.fetch_sub(left, Ordering::SeqCst);
    Ok(())
}

/// The calendar server with one calendar ("work"), reached directly by the test and
/// through the proxy by openslot.
struct Calendar {
    server: CalDavServer,
    url: String,
    proxy: Proxy,
    http: Http,
}

impl Calendar {
    async fn start(kind: ServerKind) -> Calendar {
        let server = CalDavServer::start(kind).await.unwrap();
        let url = server.create_calendar("work").await.unwrap();
        let proxy = Proxy::start(server.port()).await;
        Calendar {
            server,
            url,
            proxy,
            http: Http::new(Duration::from_secs(10)).unwrap(),
        }
    }

    fn endpoint(&self) -> Endpoint {
        self.server.endpoint(&self.url)
    }

    /// The calendar URL as openslot is configured with it (through the proxy).
    fn proxied_url(&self) -> String {
        self.url.replace(
            &format!(":{}/", self.server.port()),
            &format!(":{}/", self.proxy.port),
        )
    }

    fn credentials(&self) -> &'static str {
        match self.server.kind() {
            ServerKind::Radicale => "username = \"ada\"\npassword = \"secret\"",
            ServerKind::Xandikos => "",
        }
    }

    /// Every calendar object: (href, unfolded iCalendar text).
    async fn objects(&self) -> Vec<(String, String)> {
        match caldav::sync(&self.http, &self.endpoint(), &Value::Null, &[])
            .await
            .unwrap()
        {
            Fetch::Changed { upserts, .. } => upserts
                .into_iter()
                .map(|resource| (resource.href, unfold(&resource.ics)))
                .collect(),
            // What a first read of an empty calendar answers.
            Fetch::Unchanged { .. } => Vec::new(),
        }
    }

    /// The objects holding an event with `uid`.
    async fn with_uid(&self, uid: &str) -> Vec<(String, String)> {
        self.objects()
            .await
            .into_iter()
            .filter(|(_, ics)| property(ics, "UID").as_deref() == Some(uid))
            .collect()
    }

    /// Waits until exactly one object has `uid` and `check` accepts it.
    async fn wait_for(&self, uid: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let found = self.with_uid(uid).await;
            if found.len() == 1 && check(&found[0].1) {
                return found[0].1.clone();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{what}: {uid} never showed as expected; found {found:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn wait_gone(&self, uid: &str) {
        let started = Instant::now();
        while !self.with_uid(uid).await.is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{uid} never left the calendar"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Someone else's meeting, put straight into the calendar.
    async fn put_foreign(&self, uid: &str, start: &str, end: &str) -> openslot_calendar::Written {
        let stamp = |instant: &str| {
            instant
                .parse::<jiff::Timestamp>()
                .unwrap()
                .strftime("%Y%m%dT%H%M%SZ")
                .to_string()
        };
        let ics = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            stamp(start),
            stamp(end)
        );
        caldav::put_event(&self.http, &self.endpoint(), &self.url, uid, &ics, None)
            .await
            .unwrap()
    }
}

fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "")
        .replace("\r\n\t", "")
        .replace("\n ", "")
}

/// The value of the first property `name` (parameters dropped), unescaped.
fn property(ics: &str, name: &str) -> Option<String> {
    ics.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        if !(rest.starts_with(':') || rest.starts_with(';')) {
            return None;
        }
        // The value starts after the first colon outside a quoted parameter value.
        let mut quoted = false;
        let colon = rest.char_indices().find(|&(_, c)| {
            if c == '"' {
                quoted = !quoted;
            }
            c == ':' && !quoted
        })?;
        let value = rest[colon.0 + 1..].trim_end_matches('\r');
        Some(
            value
                .replace("\\n", "\n")
                .replace("\\N", "\n")
                .replace("\\,", ",")
                .replace("\\;", ";")
                .replace("\\\\", "\\"),
        )
    })
}

/// The whole lines (with parameters) of property `name`.
fn property_lines<'a>(ics: &'a str, name: &str) -> Vec<&'a str> {
    ics.lines()
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(':') || rest.starts_with(';'))
        })
        .collect()
}

fn uid(booking_id: &str) -> String {
    format!("booking-{booking_id}@{PUBLIC_HOST}")
}

fn ical_utc(instant: &str) -> String {
    instant
        .parse::<jiff::Timestamp>()
        .unwrap()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// Whether `ics` starts at `instant` (written in UTC, or with a TZID in UTC).
fn starts_at(ics: &str, instant: &str) -> bool {
    property(ics, "DTSTART")
        .is_some_and(|value| value.trim_end_matches('Z') == ical_utc(instant).trim_end_matches('Z'))
}

/// A test's service: the binary, an API token, and the store it uses (opened here too,
/// to ask for a sync as "sync now" does and to look at jobs).
struct Service {
    server: TestServer,
    api: Api,
    store: Arc<dyn Store>,
}

async fn open_store(dir: &std::path::Path) -> Arc<dyn Store> {
    let mut config = Config::parse("", "test.toml").unwrap();
    config.database.url = database_url_for(dir);
    openslot::serve::open_store(&config).await.unwrap()
}

impl Service {
    async fn start(calendar: &Calendar, dir: &std::path::Path) -> Service {
        let server = launch(calendar, dir);
        let api = Api::new(&server, &create_token(&server, "calendar-e2e"));
        let store = open_store(dir).await;
        Service { server, api, store }
    }

    async fn book(&self, event: &str, start: &str) -> Value {
        let body = json!({"event": event, "start": start, "name": "Invitee Person", "email": "invitee@example.com"});
        let response = client()
            .post(self.server.url("/booking"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        body
    }

    async fn act(&self, id: &str, action: &str, body: Value) -> (u16, Value) {
        self.api
            .post(&format!("/api/v1/bookings/{id}/{action}"), &body)
            .await
    }

    async fn offered(&self, event: &str, start: &str) -> bool {
        let day = &start[..10];
        let response = client()
            .get(
                self.server
                    .url(&format!("/availability?event={event}&from={day}&to={day}")),
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

    /// "Sync now" (what the admin button does: the connection becomes due), then waits
    /// until some instance in `all` has synced once more.
    async fn sync(&self, all: &[&TestServer]) {
        let before = syncs_ok(all).await;
        let connections = self.store.calendar_connections().await.unwrap();
        assert_eq!(connections.len(), 1);
        let now = jiff::Timestamp::now().as_second();
        self.store
            .request_calendar_sync(&connections[0].settings.id, now)
            .await
            .unwrap();
        let started = Instant::now();
        while syncs_ok(all).await <= before {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no sync after asking; logs: {:?}",
                all[0].logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until every `calendar_write` job of `booking_id` is done.
    async fn writes_done(&self, booking_id: &str) {
        let started = Instant::now();
        loop {
            let jobs = self.store.jobs(500).await.unwrap();
            let writes: Vec<_> = jobs
                .iter()
                .filter(|job| {
                    job.kind == "calendar_write" && job.booking_id.as_deref() == Some(booking_id)
                })
                .collect();
            if !writes.is_empty() && writes.iter().all(|job| job.state == JobState::Done) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "calendar writes of {booking_id} not done: {writes:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn launch(calendar: &Calendar, dir: &std::path::Path) -> TestServer {
    TestServer::launch(Launch {
        config: Some(&config(&calendar.proxied_url(), calendar.credentials())),
        dir,
        env: Vec::new(),
        use_config_database: false,
    })
}

/// Successful syncs counted by `/metrics`, summed over instances.
async fn syncs_ok(servers: &[&TestServer]) -> u64 {
    let mut total = 0;
    for server in servers {
        total += sync_count(server, "ok").await;
    }
    total
}

async fn sync_count(server: &TestServer, outcome: &str) -> u64 {
    let text = client()
        .get(server.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|line| {
            line.starts_with("openslot_calendar_syncs_total{")
                && line.contains(&format!("outcome=\"{outcome}\""))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

async fn calendar_for(kind: ServerKind) -> Option<Calendar> {
    if !require(kind) {
        return None;
    }
    Some(Calendar::start(kind).await)
}

/// Create, move, cancel; approval; the written event never blocks its own booking.
async fn bookings_are_written_moved_and_removed(kind: ServerKind) {
    let Some(calendar) = calendar_for(kind).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start(&calendar, dir.path()).await;
    let all = [&service.server];
    service.sync(&all).await;
    let day = days_ahead(3);

    // Created: the booking's invite UID, organizer, attendee, a description with links.
    let booking = service.book("meet", &at(day, 10, 0)).await;
    let id = booking["id"].as_str().unwrap().to_string();
    let uid = uid(&id);
    let written = calendar
        .wait_for(&uid, "created", |ics| starts_at(ics, &at(day, 10, 0)))
        .await;
    assert!(
        property_lines(&written, "ORGANIZER")
            .iter()
            .any(|line| line.contains("mailto:ada@example.com")),
        "{written}"
    );
    assert!(
        property_lines(&written, "ATTENDEE")
            .iter()
            .any(|line| line.contains("mailto:invitee@example.com")),
        "{written}"
    );
    let description = property(&written, "DESCRIPTION").unwrap();
    assert!(
        description.contains(&format!("Reference: {id}")),
        "{description}"
    );
    assert!(
        description.contains(&format!("https://{PUBLIC_HOST}/admin/bookings/{id}")),
        "{description}"
    );
    assert!(property_lines(&written, "METHOD").is_empty(), "{written}");
    let first_sequence: u32 = property(&written, "SEQUENCE").map_or(0, |s| s.parse().unwrap());
    let href = calendar.with_uid(&uid).await[0].0.clone();

    // Moved: same UID and resource, higher SEQUENCE, new start.
    let (status, body) = service
        .act(&id, "reschedule", json!({"start": at(day, 11, 0)}))
        .await;
    assert_eq!(status, 200, "{body}");
    let moved = calendar
        .wait_for(&uid, "moved", |ics| starts_at(ics, &at(day, 11, 0)))
        .await;
    let moved_sequence: u32 = property(&moved, "SEQUENCE").unwrap().parse().unwrap();
    assert!(moved_sequence > first_sequence, "{moved}");
    assert_eq!(calendar.with_uid(&uid).await[0].0, href);

    // The sync sees the host's other meetings, and our event, which is not busy time:
    // moving the booking onto a time overlapping its own event is allowed (the stored
    // busy time and the check just before booking both leave it out).
    calendar
        .put_foreign("dentist-1", &at(day, 15, 0), &at(day, 16, 0))
        .await;
    assert!(service.offered("meet", &at(day, 15, 0)).await);
    service.sync(&all).await;
    assert!(
        !service.offered("meet", &at(day, 15, 0)).await,
        "the dentist is busy time after a sync"
    );
    assert!(!service.offered("meet", &at(day, 14, 30)).await);
    let (status, body) = service
        .act(&id, "reschedule", json!({"start": at(day, 11, 30)}))
        .await;
    assert_eq!(status, 200, "moving onto its own event: {body}");
    calendar
        .wait_for(&uid, "moved again", |ics| starts_at(ics, &at(day, 11, 30)))
        .await;
    service.sync(&all).await;
    assert!(
        !service.offered("meet", &at(day, 11, 30)).await,
        "the booking itself holds its time"
    );

    // Cancelled: the event goes, and the time is offered again (after a sync as well).
    let (status, body) = service.act(&id, "cancel", json!({})).await;
    assert_eq!(status, 200, "{body}");
    calendar.wait_gone(&uid).await;
    assert!(service.offered("meet", &at(day, 11, 30)).await);
    service.sync(&all).await;
    assert!(service.offered("meet", &at(day, 11, 30)).await);
    assert!(service.offered("meet", &at(day, 11, 0)).await);

    // A request is written only once approved; a declined one never.
    let request = service.book("ask", &at(day, 8, 0)).await;
    assert_eq!(request["status"], "requested", "{request}");
    let request_id = request["id"].as_str().unwrap().to_string();
    let declined = service.book("ask", &at(day, 7, 0)).await;
    let declined_id = declined["id"].as_str().unwrap().to_string();
    let jobs = service.store.jobs(500).await.unwrap();
    assert!(
        !jobs.iter().any(|job| job.kind == "calendar_write"
            && (job.booking_id.as_deref() == Some(&request_id)
                || job.booking_id.as_deref() == Some(&declined_id))),
        "a request has nothing to write: {jobs:?}"
    );
    assert!(calendar.with_uid(&uid_of(&request_id)).await.is_empty());
    let (status, body) = service.act(&declined_id, "decline", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = service.act(&request_id, "approve", json!({})).await;
    assert_eq!(status, 200, "{body}");
    calendar
        .wait_for(&uid_of(&request_id), "approved", |ics| {
            starts_at(ics, &at(day, 8, 0))
        })
        .await;
    service.writes_done(&declined_id).await;
    assert!(calendar.with_uid(&uid_of(&declined_id)).await.is_empty());
    let (status, body) = service.act(&request_id, "cancel", json!({})).await;
    assert_eq!(status, 200, "{body}");
    calendar.wait_gone(&uid_of(&request_id)).await;

    // Only the dentist is left.
    let left: Vec<_> = calendar
        .objects()
        .await
        .into_iter()
        .filter_map(|(_, ics)| property(&ics, "UID"))
        .collect();
    assert_eq!(left, vec!["dentist-1".to_string()]);
}

fn uid_of(booking_id: &str) -> String {
    uid(booking_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn radicale_bookings_are_written_moved_and_removed() {
    bookings_are_written_moved_and_removed(ServerKind::Radicale).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xandikos_bookings_are_written_moved_and_removed() {
    bookings_are_written_moved_and_removed(ServerKind::Xandikos).await;
}

/// The `calendar_write` jobs of `booking_id` as `/api/v1/jobs/failed` shows them.
async fn failed_writes(service: &Service, booking_id: &str) -> Vec<Value> {
    let (status, body) = service.api.get("/api/v1/jobs/failed").await;
    assert_eq!(status, 200, "{body}");
    body["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|job| job["kind"] == "calendar_write" && job["booking_id"] == booking_id)
        .cloned()
        .collect()
}

async fn wait_failed(service: &Service, booking_id: &str, check: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        if let Some(job) = failed_writes(service, booking_id)
            .await
            .into_iter()
            .find(&check)
        {
            return job;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "job of {booking_id} never as expected: {:?}",
            failed_writes(service, booking_id).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A calendar down while a booking is written: the job is retried (shown as retrying
/// with the error) and the event written once the server is back; a write that ran out
/// of attempts is dead, listed, and written when retried from the API.
async fn writes_are_retried_while_the_calendar_is_down(kind: ServerKind) {
    let Some(calendar) = calendar_for(kind).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start(&calendar, dir.path()).await;
    service.sync(&[&service.server]).await;
    let day = days_ahead(4);

    calendar.proxy.down.store(true, Ordering::SeqCst);
    let booking = service.book("meet", &at(day, 10, 0)).await;
    let id = booking["id"].as_str().unwrap().to_string();
    let job = wait_failed(&service, &id, |job| {
        job["state"] == "retrying" && job["attempts"].as_u64() >= Some(2)
    })
    .await;
    assert!(
        job["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("503")),
        "{job}"
    );
    assert!(calendar.with_uid(&uid(&id)).await.is_empty());
    calendar.proxy.down.store(false, Ordering::SeqCst);
    calendar
        .wait_for(&uid(&id), "written after the outage", |ics| {
            starts_at(ics, &at(day, 10, 0))
        })
        .await;
    service.writes_done(&id).await;
    assert!(failed_writes(&service, &id).await.is_empty());

    // Down through every attempt: dead, listed, retried by hand.
    calendar.proxy.down.store(true, Ordering::SeqCst);
    let booking = service.book("meet", &at(day, 13, 0)).await;
    let dead_id = booking["id"].as_str().unwrap().to_string();
    let dead = wait_failed(&service, &dead_id, |job| job["state"] == "dead").await;
    assert_eq!(dead["attempts"], 4, "{dead}");
    calendar.proxy.down.store(false, Ordering::SeqCst);
    assert!(calendar.with_uid(&uid(&dead_id)).await.is_empty());
    let (status, body) = service
        .api
        .post(
            &format!("/api/v1/jobs/{}/retry", dead["id"].as_str().unwrap()),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    calendar
        .wait_for(&uid(&dead_id), "written after a retry", |ics| {
            starts_at(ics, &at(day, 13, 0))
        })
        .await;
    service.writes_done(&dead_id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn radicale_writes_are_retried_while_the_calendar_is_down() {
    writes_are_retried_while_the_calendar_is_down(ServerKind::Radicale).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xandikos_writes_are_retried_while_the_calendar_is_down() {
    writes_are_retried_while_the_calendar_is_down(ServerKind::Xandikos).await;
}

/// Two instances on one database (the same SQLite file, or one PostgreSQL database): a
/// connection is synced by one of them at a time, and each booking's event is PUT once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sync_one_at_a_time_and_write_each_event_once() {
    let Some(calendar) = calendar_for(ServerKind::Radicale).await else {
        return;
    };
    calendar
        .put_foreign(
            "standup",
            &at(days_ahead(2), 9, 0),
            &at(days_ahead(2), 9, 30),
        )
        .await;
    // Each request takes a while, so a sync lasts long enough for the other instance to
    // try to claim the same connection meanwhile.
    calendar.proxy.delay_ms.store(150, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let first = Service::start(&calendar, dir.path()).await;
    let second = launch(&calendar, dir.path());
    let both = [&first.server, &second];
    // The first sync (a new connection is due at once) is left to finish: a "sync now"
    // asked while a sync runs rightly runs once more afterwards.
    let started = Instant::now();
    while syncs_ok(&both).await == 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "no first sync");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for _ in 0..6 {
        let before = syncs_ok(&both).await;
        first.sync(&both).await;
        // Another sync of the same request would have finished by now.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let calendar_logs = |server: &TestServer| -> Vec<String> {
            server
                .logs()
                .into_iter()
                .filter(|line| line.contains("calendar"))
                .collect()
        };
        assert_eq!(
            syncs_ok(&both).await,
            before + 1,
            "one sync per request; logs {:?} {:?}",
            calendar_logs(&first.server),
            calendar_logs(&second)
        );
    }
    assert_eq!(
        calendar.proxy.most_in_flight.load(Ordering::SeqCst),
        1,
        "two syncs of one connection overlapped: {:?}",
        calendar.proxy.requests()
    );
    let per_instance = [
        sync_count(&first.server, "ok").await,
        sync_count(&second, "ok").await,
    ];
    eprintln!("syncs per instance: {per_instance:?}");

    calendar.proxy.delay_ms.store(0, Ordering::SeqCst);
    let day = days_ahead(5);
    let mut ids = Vec::new();
    for (index, hour) in [9, 11, 13, 15].into_iter().enumerate() {
        let server = both[index % 2];
        let response = client()
            .post(server.url("/booking"))
            .json(&json!({"event": "meet", "start": at(day, hour, 0), "name": "Invitee", "email": "invitee@example.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let body: Value = response.json().await.unwrap();
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    for id in &ids {
        calendar.wait_for(&uid(id), "written", |_| true).await;
        first.writes_done(id).await;
    }
    let puts = calendar
        .proxy
        .requests()
        .into_iter()
        .filter(|line| line.starts_with("PUT "))
        .collect::<Vec<_>>();
    for id in &ids {
        let written = puts
            .iter()
            .filter(|line| line.contains(id.as_str()))
            .count();
        assert_eq!(written, 1, "booking {id} PUT {written} times: {puts:?}");
        assert_eq!(calendar.with_uid(&uid(id)).await.len(), 1);
    }
}

/// A restart (every deploy, every instance) leaves a configured connection's schedule and
/// stored password alone: the password written in the file is not sealed anew and taken
/// for a changed one, which would make the connection due at once on every start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_does_not_make_a_synced_connection_due() {
    let Some(calendar) = calendar_for(ServerKind::Radicale).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut service = Service::start(&calendar, dir.path()).await;
    service.sync(&[&service.server]).await;
    let before = service
        .store
        .calendar_connections()
        .await
        .unwrap()
        .remove(0);
    assert!(before.settings.password_enc.is_some());
    assert!(before.next_run_at > jiff::Timestamp::now().as_second() + 3600);
    assert!(service.server.stop().success());
    let restarted = launch(&calendar, dir.path());
    let after = service
        .store
        .calendar_connections()
        .await
        .unwrap()
        .remove(0);
    assert_eq!(after.next_run_at, before.next_run_at);
    assert_eq!(after.settings.password_enc, before.settings.password_enc);
    assert_eq!(sync_count(&restarted, "ok").await, 0);
    service.server = restarted;
}

/// The daily full re-read of a calendar that has meanwhile become empty drops the busy
/// time of the events that were in it (an empty calendar read from scratch is not
/// "unchanged").
async fn a_full_read_of_an_emptied_calendar_frees_its_time(kind: ServerKind) {
    let Some(calendar) = calendar_for(kind).await else {
        return;
    };
    let day = days_ahead(3);
    let written = calendar
        .put_foreign("dentist-2", &at(day, 15, 0), &at(day, 16, 0))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let mut service = Service::start(&calendar, dir.path()).await;
    service.sync(&[&service.server]).await;
    assert!(!service.offered("meet", &at(day, 15, 0)).await);
    assert!(service.server.stop().success());

    // The last full read was two days ago (the engine's cursor records when), and the
    // event is deleted while no instance runs.
    let store = &service.store;
    let now = jiff::Timestamp::now().as_second();
    let id = store.calendar_connections().await.unwrap()[0]
        .settings
        .id
        .clone();
    assert!(store.request_calendar_sync(&id, now).await.unwrap());
    // Claimed as if an hour later: a sync the stopped instance still held a lease on when
    // it stopped would otherwise keep the connection from being claimed here.
    let connection = store
        .claim_calendar_sync("test", now + 3600, 60)
        .await
        .unwrap()
        .expect("due after request");
    let mut cursor = connection.cursor.clone();
    cursor["full_at"] = json!(now - 2 * 86_400);
    let delta = CalendarDelta {
        full: false,
        upserts: Vec::new(),
        removed: Vec::new(),
        cursor,
    };
    assert!(store
        .apply_calendar_sync(&connection.settings.id, "test", &delta, now, now)
        .await
        .unwrap());
    caldav::delete_event(&calendar.http, &calendar.endpoint(), &written)
        .await
        .unwrap();

    service.server = launch(&calendar, dir.path());
    let started = Instant::now();
    while sync_count(&service.server, "ok").await == 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "no sync");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started = Instant::now();
    while !service.offered("meet", &at(day, 15, 0)).await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the deleted event still blocks its time: {:?}",
            service.server.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn radicale_a_full_read_of_an_emptied_calendar_frees_its_time() {
    a_full_read_of_an_emptied_calendar_frees_its_time(ServerKind::Radicale).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xandikos_a_full_read_of_an_emptied_calendar_frees_its_time() {
    a_full_read_of_an_emptied_calendar_frees_its_time(ServerKind::Xandikos).await;
}

/// A calendar connected after bookings were confirmed gets them too: its first successful
/// sync queues the host's upcoming confirmed bookings for writing (a request and a
/// cancelled booking are not written).
#[tokio::test]
async fn a_newly_connected_calendar_receives_the_upcoming_bookings() {
    let Some(calendar) = calendar_for(ServerKind::Radicale).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let with_calendar = config(&calendar.proxied_url(), calendar.credentials());
    let start = with_calendar.find("[[hosts.calendars]]").unwrap();
    let end = with_calendar[start..].find("[[event_types]]").unwrap() + start;
    let without_calendar = format!("{}{}", &with_calendar[..start], &with_calendar[end..]);
    let mut before = TestServer::launch(Launch {
        config: Some(&without_calendar),
        dir: dir.path(),
        env: Vec::new(),
        use_config_database: false,
    });
    let day = days_ahead(4);
    let book = |event: &'static str, start: String| {
        let url = before.url("/booking");
        async move {
            let body = json!({"event": event, "start": start, "name": "Early Bird", "email": "early@example.com"});
            let response = client().post(url).json(&body).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 201);
            let body: Value = response.json().await.unwrap();
            body["id"].as_str().unwrap().to_string()
        }
    };
    let kept = book("meet", at(day, 9, 0)).await;
    let requested = book("ask", at(day, 13, 0)).await;
    let cancelled = book("meet", at(day, 15, 0)).await;
    let api = Api::new(&before, &create_token(&before, "before"));
    let (status, body) = api
        .post(&format!("/api/v1/bookings/{cancelled}/cancel"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(before.stop().success());

    let service = Service::start(&calendar, dir.path()).await;
    calendar
        .wait_for(&uid(&kept), "written after connecting", |ics| {
            starts_at(ics, &at(day, 9, 0))
        })
        .await;
    service.writes_done(&kept).await;
    assert!(calendar.with_uid(&uid(&requested)).await.is_empty());
    assert!(calendar.with_uid(&uid(&cancelled)).await.is_empty());
}
