//! Hostile and broken peers (scripted TCP servers on loopback) and ICS feeds served over
//! HTTP with validators: every failure is a typed error within the deadline, never a hang
//! or a panic.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openslot_calendar::{caldav, feed, CalendarError, Endpoint, Fetch, Http};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a scripted peer does once it has read a request.
#[derive(Clone)]
enum Script {
    /// Writes these bytes and closes.
    Answer(Vec<u8>),
    /// Never answers (keeps the connection open).
    Hang,
    /// Writes the bytes one at a time, `Duration` apart.
    Drip(Vec<u8>, Duration),
}

/// Request heads the peer received.
type Seen = Arc<Mutex<Vec<String>>>;

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.ok()?;
    Some(head)
}

/// A peer on 127.0.0.1 answering every request with `script(head)`.
async fn peer(script: impl Fn(&str) -> Script + Send + Sync + 'static) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let script = Arc::new(script);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let script = script.clone();
            let log = log.clone();
            tokio::spawn(async move {
                // One request per connection (every answer says `connection: close`).
                if let Some(head) = read_head(&mut stream).await {
                    let action = script(&head);
                    log.lock().unwrap().push(head);
                    match action {
                        Script::Answer(bytes) => {
                            let _ = stream.write_all(&bytes).await;
                        }
                        Script::Hang => {
                            tokio::time::sleep(Duration::from_secs(60)).await;
                        }
                        Script::Drip(bytes, pause) => {
                            for byte in bytes {
                                if stream.write_all(&[byte]).await.is_err() {
                                    return;
                                }
                                tokio::time::sleep(pause).await;
                            }
                        }
                    }
                }
            });
        }
    });
    (url, seen)
}

fn answer(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    text.into_bytes()
}

fn endpoint(url: &str) -> Endpoint {
    Endpoint {
        url: format!("{url}/cal/"),
        username: Some("ada".into()),
        password: Some("pw".into()),
    }
}

const DEADLINE: Duration = Duration::from_millis(400);

async fn sync_against(script: Script) -> (Result<Fetch, CalendarError>, Duration) {
    let (url, _) = peer(move |_| script.clone()).await;
    let http = Http::new(DEADLINE).unwrap();
    let started = Instant::now();
    let result = caldav::sync(&http, &endpoint(&url), &serde_json::Value::Null, &[]).await;
    (result, started.elapsed())
}

#[tokio::test]
async fn a_peer_that_never_answers_hits_the_deadline() {
    let (result, took) = sync_against(Script::Hang).await;
    assert_eq!(result, Err(CalendarError::Timeout(400)));
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn a_peer_that_drips_its_answer_hits_the_deadline_for_the_whole_exchange() {
    // One byte per 5 ms, over a second in all: the deadline covers the body too, not only
    // the wait for headers.
    let bytes = answer("207 Multi-Status", &[], &"x".repeat(200));
    let (result, took) = sync_against(Script::Drip(bytes, Duration::from_millis(5))).await;
    assert_eq!(result, Err(CalendarError::Timeout(400)));
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn server_errors_and_refusals_are_typed() {
    let (result, _) = sync_against(Script::Answer(answer(
        "500 Internal Server Error",
        &[],
        "boom",
    )))
    .await;
    assert!(
        matches!(result, Err(CalendarError::Status { status: 500, .. })),
        "{result:?}"
    );
    assert!(result.unwrap_err().transient());
    let (result, _) = sync_against(Script::Answer(answer("401 Unauthorized", &[], ""))).await;
    assert_eq!(result, Err(CalendarError::Auth(401)));
    let (result, _) = sync_against(Script::Answer(answer("404 Not Found", &[], ""))).await;
    assert!(
        matches!(result, Err(CalendarError::Status { status: 404, .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_unreachable() {
    let mut bytes =
        b"HTTP/1.1 207 Multi-Status\r\ncontent-length: 5000\r\n\r\n<multistatus xmlns=\"DAV:\">"
            .to_vec();
    bytes.truncate(bytes.len() - 3);
    let (result, took) = sync_against(Script::Answer(bytes)).await;
    assert!(
        matches!(result, Err(CalendarError::Unreachable(_))),
        "{result:?}"
    );
    assert!(took < DEADLINE, "{took:?}");
}

#[tokio::test]
async fn nobody_listening_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let http = Http::new(DEADLINE).unwrap();
    let result = caldav::sync(
        &http,
        &endpoint(&format!("http://127.0.0.1:{port}")),
        &serde_json::Value::Null,
        &[],
    )
    .await;
    assert!(
        matches!(result, Err(CalendarError::Unreachable(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn bad_xml_and_oversized_answers_are_protocol_errors() {
    for body in [
        "<multistatus xmlns=\"DAV:\"><response>",
        "<html><body>Sign in</body></html>",
        "not xml at all",
        "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/cal/</d:href></d:response></d:multistatus>",
    ] {
        let (result, _) =
            sync_against(Script::Answer(answer("207 Multi-Status", &[], body))).await;
        assert!(matches!(result, Err(CalendarError::Protocol(_))), "{body}: {result:?}");
    }
    let (url, _) =
        peer(|_| Script::Answer(answer("207 Multi-Status", &[], &"<a>".repeat(10_000)))).await;
    let http = Http::new(DEADLINE).unwrap().with_max_body(4096);
    let result = caldav::sync(&http, &endpoint(&url), &serde_json::Value::Null, &[]).await;
    assert!(
        matches!(&result, Err(CalendarError::Protocol(text)) if text.contains("larger")),
        "{result:?}"
    );
    // No Content-Length (body until the connection closes): the cap applies while reading.
    let (url, _) = peer(|_| {
        let mut bytes = b"HTTP/1.1 207 Multi-Status\r\nconnection: close\r\n\r\n".to_vec();
        bytes.extend("<a>".repeat(10_000).bytes());
        Script::Answer(bytes)
    })
    .await;
    let result = caldav::sync(&http, &endpoint(&url), &serde_json::Value::Null, &[]).await;
    assert!(
        matches!(&result, Err(CalendarError::Protocol(text)) if text.contains("larger")),
        "{result:?}"
    );
}

#[tokio::test]
async fn redirects_keep_the_method_are_bounded_and_do_not_leak_credentials() {
    let (other, other_seen) =
        peer(|_| Script::Answer(answer("500 Internal Server Error", &[], ""))).await;
    let target = format!("{other}/elsewhere/");
    let (url, seen) = peer(move |_| {
        Script::Answer(answer(
            "301 Moved Permanently",
            &[("location", &target)],
            "",
        ))
    })
    .await;
    let http = Http::new(DEADLINE).unwrap();
    let result = caldav::sync(&http, &endpoint(&url), &serde_json::Value::Null, &[]).await;
    assert!(
        matches!(result, Err(CalendarError::Status { status: 500, .. })),
        "{result:?}"
    );
    let first = seen.lock().unwrap()[0].to_ascii_lowercase();
    assert!(first.starts_with("propfind /cal/ "), "{first}");
    assert!(first.contains("authorization: basic"), "{first}");
    let followed = other_seen.lock().unwrap()[0].to_ascii_lowercase();
    assert!(followed.starts_with("propfind /elsewhere/ "), "{followed}");
    assert!(!followed.contains("authorization"), "{followed}");

    let (url, _) =
        peer(|_| Script::Answer(answer("302 Found", &[("location", "/again")], ""))).await;
    let result = caldav::sync(&http, &endpoint(&url), &serde_json::Value::Null, &[]).await;
    assert!(
        matches!(&result, Err(CalendarError::Protocol(text)) if text.contains("redirects")),
        "{result:?}"
    );
}

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:f@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// A feed server whose content is `version` (shared, so the test can change it).
async fn feed_server(validators: &'static str, version: Arc<Mutex<u32>>) -> (String, Seen) {
    peer(move |head| {
        let version = *version.lock().unwrap();
        let etag = format!("\"v{version}\"");
        let modified = format!("Tue, 0{version} Dec 2026 10:00:00 GMT");
        let unchanged = match validators {
            "etag" => header(head, "if-none-match") == Some(etag.as_str()),
            _ => header(head, "if-modified-since") == Some(modified.as_str()),
        };
        let headers: Vec<(&str, &str)> = match validators {
            "etag" => vec![("etag", etag.as_str()), ("content-type", "text/calendar")],
            _ => vec![("last-modified", modified.as_str())],
        };
        if unchanged {
            Script::Answer(answer("304 Not Modified", &headers, ""))
        } else {
            let body = ICS.replace("UID:f@t", &format!("UID:f{version}@t"));
            Script::Answer(answer("200 OK", &headers, &body))
        }
    })
    .await
}

async fn feed_round_trip(validators: &'static str) {
    let version = Arc::new(Mutex::new(1));
    let (url, seen) = feed_server(validators, version.clone()).await;
    let endpoint = Endpoint {
        url: format!("{url}/ada/basic.ics"),
        username: None,
        password: None,
    };
    let http = Http::new(DEADLINE).unwrap();
    let first = feed::fetch(&http, &endpoint, &serde_json::Value::Null)
        .await
        .unwrap();
    let Fetch::Changed {
        cursor,
        full: true,
        upserts,
        removed,
    } = first
    else {
        panic!("{first:?}");
    };
    assert!(removed.is_empty());
    assert_eq!(upserts.len(), 1);
    assert_eq!(upserts[0].href, endpoint.url);
    assert!(upserts[0].ics.contains("UID:f1@t"));

    let second = feed::fetch(&http, &endpoint, &cursor).await.unwrap();
    assert_eq!(
        second,
        Fetch::Unchanged {
            cursor: cursor.clone()
        },
        "{validators}"
    );
    let conditional = seen.lock().unwrap()[1].clone();
    match validators {
        "etag" => assert_eq!(header(&conditional, "if-none-match"), Some("\"v1\"")),
        _ => assert_eq!(
            header(&conditional, "if-modified-since"),
            Some("Tue, 01 Dec 2026 10:00:00 GMT")
        ),
    }

    *version.lock().unwrap() = 2;
    let third = feed::fetch(&http, &endpoint, &cursor).await.unwrap();
    let Fetch::Changed {
        upserts,
        cursor: next,
        ..
    } = third
    else {
        panic!("{third:?}");
    };
    assert!(upserts[0].ics.contains("UID:f2@t"));
    assert_ne!(next, cursor);
}

#[tokio::test]
async fn an_ics_feed_with_an_etag_answers_304_as_unchanged() {
    feed_round_trip("etag").await;
}

#[tokio::test]
async fn an_ics_feed_with_last_modified_answers_304_as_unchanged() {
    feed_round_trip("last-modified").await;
}

#[tokio::test]
async fn a_feed_that_is_not_icalendar_is_an_error_not_an_empty_calendar() {
    let (url, _) =
        peer(|_| Script::Answer(answer("200 OK", &[], "<html>Please sign in</html>"))).await;
    let http = Http::new(DEADLINE).unwrap();
    let endpoint = Endpoint {
        url: format!("{url}/x.ics"),
        username: None,
        password: None,
    };
    let result = feed::fetch(&http, &endpoint, &serde_json::Value::Null).await;
    assert!(
        matches!(result, Err(CalendarError::Protocol(_))),
        "{result:?}"
    );
    let (url, _) = peer(|_| Script::Hang).await;
    let endpoint = Endpoint {
        url: format!("{url}/x.ics"),
        ..endpoint
    };
    let result = feed::fetch(&http, &endpoint, &serde_json::Value::Null).await;
    assert_eq!(result, Err(CalendarError::Timeout(400)));
}

#[test]
fn webcal_urls_are_https() {
    assert_eq!(
        feed::feed_url("webcal://example.com/a.ics")
            .unwrap()
            .as_str(),
        "https://example.com/a.ics"
    );
    assert_eq!(
        feed::feed_url("webcals://example.com/a.ics")
            .unwrap()
            .as_str(),
        "https://example.com/a.ics"
    );
    assert!(feed::feed_url("ftp://example.com/a.ics").is_err());
    assert!(feed::feed_url("not a url").is_err());
}

fn multistatus(inner: &str) -> Script {
    let body = format!(
        "<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\" \
         xmlns:c=\"urn:ietf:params:xml:ns:caldav\" xmlns:cs=\"http://calendarserver.org/ns/\">\
         {inner}</d:multistatus>"
    );
    Script::Answer(answer(
        "207 Multi-Status",
        &[("content-type", "application/xml")],
        &body,
    ))
}

fn ok_props(href: &str, props: &str) -> String {
    format!(
        "<d:response><d:href>{href}</d:href><d:propstat><d:prop>{props}</d:prop>\
         <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
    )
}

/// A CalDAV server without sync-collection (no sync-token, no supported report): only
/// getctag and ETags tell what changed.
fn ctag_only_server(head: &str) -> Script {
    let depth = header(head, "depth").unwrap_or("");
    if head.starts_with("PROPFIND") && depth == "0" {
        multistatus(&ok_props(
            "/cal/",
            "<d:resourcetype><d:collection/><c:calendar/></d:resourcetype><cs:getctag>c1</cs:getctag>",
        ))
    } else if head.starts_with("PROPFIND") {
        // Absolute href on an internal host name: still keyed on the configured origin.
        multistatus(&format!(
            "{}{}",
            ok_props("/cal/", "<d:resourcetype><d:collection/></d:resourcetype>"),
            ok_props(
                "http://internal:9999/cal/a%40x.ics",
                "<d:resourcetype/><d:getetag>\"e1\"</d:getetag>"
            )
        ))
    } else {
        multistatus(&ok_props(
            "/cal/a@x.ics",
            &format!("<d:getetag>\"e1\"</d:getetag><c:calendar-data>{ICS}</c:calendar-data>"),
        ))
    }
}

#[tokio::test]
async fn without_sync_collection_the_ctag_and_etags_decide_what_is_fetched() {
    let (url, seen) = peer(ctag_only_server).await;
    let http = Http::new(DEADLINE).unwrap();
    let endpoint = endpoint(&url);
    let first = caldav::sync(&http, &endpoint, &serde_json::Value::Null, &[])
        .await
        .unwrap();
    let Fetch::Changed {
        cursor, upserts, ..
    } = first
    else {
        panic!("{first:?}");
    };
    let href = format!("{url}/cal/a@x.ics");
    assert_eq!(upserts.len(), 1);
    assert_eq!(upserts[0].href, href);
    assert_eq!(upserts[0].etag.as_deref(), Some("\"e1\""));
    assert_eq!(
        cursor,
        serde_json::json!({"home": null, "collections": [
            {"href": format!("{url}/cal/"), "sync_token": null, "ctag": "c1"}]})
    );
    let methods = |seen: &Seen| -> Vec<String> {
        seen.lock()
            .unwrap()
            .iter()
            .map(|head| {
                let method = head.split(' ').next().unwrap_or("").to_owned();
                format!("{method} {}", header(head, "depth").unwrap_or("-"))
            })
            .collect()
    };
    assert_eq!(methods(&seen), ["PROPFIND 0", "PROPFIND 1", "REPORT 1"]);

    // Same ctag: one PROPFIND, nothing listed or fetched.
    seen.lock().unwrap().clear();
    let known = vec![(href.clone(), Some("\"e1\"".to_owned()))];
    let again = caldav::sync(&http, &endpoint, &cursor, &known)
        .await
        .unwrap();
    assert_eq!(
        again,
        Fetch::Unchanged {
            cursor: cursor.clone()
        }
    );
    assert_eq!(methods(&seen), ["PROPFIND 0"]);

    // Another ctag but the same ETags: listed, nothing downloaded.
    seen.lock().unwrap().clear();
    let older = serde_json::json!({"collections": [{"href": format!("{url}/cal/"), "ctag": "c0"}]});
    let listed = caldav::sync(&http, &endpoint, &older, &known)
        .await
        .unwrap();
    assert_eq!(listed, Fetch::Unchanged { cursor });
    assert_eq!(methods(&seen), ["PROPFIND 0", "PROPFIND 1"]);

    // A stored object missing from the listing is removed.
    let stale = vec![
        known[0].clone(),
        (format!("{url}/cal/gone.ics"), Some("\"g\"".to_owned())),
    ];
    let removed = caldav::sync(&http, &endpoint, &older, &stale)
        .await
        .unwrap();
    assert!(
        matches!(&removed, Fetch::Changed { full: false, upserts, removed, .. }
            if upserts.is_empty() && removed == &vec![format!("{url}/cal/gone.ics")]),
        "{removed:?}"
    );
}
