//! Mail under faults and hostile input, against scripted SMTP peers on loopback: a peer that
//! stops answering at each point of the exchange holds one delivery until its deadline and
//! nothing else; hostile display names reach the recipient exactly as written (checked with
//! two independent parsers); SIGTERM stops the worker claiming while it finishes what it
//! holds.

mod common;

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use common::smtp::{Freeze, Received, SmtpPeer};
use common::{days_ahead, post_json, TestServer};
use mail_parser::MessageParser;
use serde_json::json;

/// Upper bound of every wait (polled, never slept through).
const WAIT: Duration = Duration::from_secs(30);

fn config(smtp_url: &str, mail_extra: &str, server_extra: &str) -> String {
    format!(
        r##"
[server]
public_url = "https://book.example.com"
{server_extra}

[limits]
booking_per_minute = 0

[mail]
smtp_url = "{smtp_url}"
from = "Acme Bookings <bookings@example.com>"
ops_inbox = "ops@example.com"
reminders = []
retry_base_seconds = 1
{mail_extra}

[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
min_lead_minutes = 0

[[event_types]]
slug = "quick"
title = "Quick call"
duration_minutes = 15
mode = "instant"
"##
    )
}

/// Books the `slot`-th quarter hour of the day `days` ahead; every booking makes two
/// messages (the ops message and the invitee's confirmation).
async fn book(server: &TestServer, days: i64, slot: usize, name: &str, email: &str) {
    let start = format!(
        "{}T{:02}:{:02}:00Z",
        days_ahead(days),
        slot / 4,
        (slot % 4) * 15
    );
    let (status, body) = post_json(
        server,
        "/booking",
        &json!({"event": "quick", "start": start, "name": name, "email": email}),
    )
    .await;
    assert_eq!(status, 201, "booking {slot} ({name:?}): {body}");
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn log_count(server: &TestServer, needle: &str) -> usize {
    server
        .logs()
        .iter()
        .filter(|line| line.contains(needle))
        .count()
}

fn message_id(raw: &Received) -> String {
    MessageParser::default()
        .parse(&raw.data)
        .and_then(|message| message.message_id().map(str::to_string))
        .expect("a Message-ID")
}

/// Each of `expected` messages arrived exactly once (by Message-ID), and nothing else.
fn assert_exactly_once(peer: &SmtpPeer, expected: usize) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for raw in peer.messages() {
        *seen.entry(message_id(&raw)).or_default() += 1;
    }
    let duplicates: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicates.is_empty(), "sent twice: {duplicates:?}");
    assert_eq!(seen.len(), expected, "distinct messages delivered");
}

/// One connection freezes at `point`; six messages are due. The frozen exchange holds one
/// delivery until the deadline while the other five go out over other connections; then
/// the attempt fails as transient, its connection is closed (never reused), the job is
/// retried with backoff, and after the peer recovers every message has arrived once.
async fn one_frozen_exchange_holds_nothing_else(point: Freeze) {
    let peer = SmtpPeer::start().await;
    peer.freeze_next(point, 1);
    let server = TestServer::start(&config(
        &peer.url(),
        "timeout_seconds = 2\nconcurrency = 4",
        "",
    ));
    for slot in 0..3 {
        book(
            &server,
            4,
            slot,
            &format!("Guest {slot}"),
            &format!("guest{slot}@example.com"),
        )
        .await;
    }
    wait_until(
        "one frozen exchange and five other messages delivered",
        || peer.frozen() == 1 && peer.count() >= 5,
    )
    .await;
    assert_eq!(
        peer.frozen_open(),
        1,
        "the five went out while the frozen exchange was still held ({point:?})"
    );
    wait_until("the held attempt failing at its deadline", || {
        log_count(&server, "did not finish within") >= 1
    })
    .await;
    wait_until("the client dropping the frozen connection", || {
        peer.frozen_open() == 0
    })
    .await;
    wait_until("the retried message", || peer.count() >= 6).await;
    peer.thaw();
    wait_until("every job done", || log_count(&server, "\"job done\"") >= 6).await;
    assert_exactly_once(&peer, 6);
    assert_eq!(peer.count(), 6);
    assert_eq!(peer.frozen(), 1);
    assert_eq!(
        peer.written_after_freeze(),
        0,
        "a connection abandoned at the deadline was used again ({point:?})"
    );
    assert_eq!(log_count(&server, "job failed; will retry"), 1);
    assert_eq!(log_count(&server, "job dead"), 0);
}

#[tokio::test]
async fn a_peer_that_never_greets_holds_one_delivery_not_the_queue() {
    one_frozen_exchange_holds_nothing_else(Freeze::NoGreeting).await;
}

#[tokio::test]
async fn a_peer_frozen_after_the_greeting_holds_one_delivery_not_the_queue() {
    one_frozen_exchange_holds_nothing_else(Freeze::AfterGreeting).await;
}

#[tokio::test]
async fn a_peer_frozen_at_data_holds_one_delivery_not_the_queue() {
    one_frozen_exchange_holds_nothing_else(Freeze::AfterDataCommand).await;
}

#[tokio::test]
async fn a_peer_frozen_after_the_data_holds_one_delivery_not_the_queue() {
    one_frozen_exchange_holds_nothing_else(Freeze::AfterDataEnd).await;
}

/// Pooled connections go silent between two messages (a NAT forgetting them sends no
/// reset): the check of a reused connection is bounded, the dead one is dropped, and the
/// next messages go out over fresh connections within the same attempt.
#[tokio::test]
async fn a_frozen_pooled_connection_is_dropped_and_mail_keeps_flowing() {
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(
        &peer.url(),
        "timeout_seconds = 2\nconcurrency = 2",
        "",
    ));
    book(&server, 5, 0, "First", "first@example.com").await;
    wait_until("the first two messages", || {
        peer.count() >= 2 && log_count(&server, "\"job done\"") >= 2
    })
    .await;
    let opened = peer.connections();
    peer.freeze_open();
    book(&server, 5, 1, "Second", "second@example.com").await;
    book(&server, 5, 2, "Third", "third@example.com").await;
    wait_until("four more messages", || peer.count() >= 6).await;
    assert!(
        peer.frozen() >= 1,
        "a pooled connection was reused, checked and found frozen"
    );
    assert!(peer.connections() > opened, "fresh connections replaced it");
    wait_until("the frozen connections dropped", || peer.frozen_open() == 0).await;
    peer.thaw();
    wait_until("every job done", || log_count(&server, "\"job done\"") >= 6).await;
    assert_exactly_once(&peer, 6);
    assert_eq!(
        peer.written_after_freeze(),
        0,
        "nothing was written on a frozen connection after its check"
    );
    assert_eq!(
        log_count(&server, "job failed"),
        0,
        "the stale connection cost no attempt"
    );
}

/// Display names that passed the booking's validation, chosen to break naive encoders.
fn hostile_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "Smith, John",
        "O'Brien (Pat)",
        "ada@example.com",
        "semi;colon",
        "co:lon",
        "back\\slash",
        "\"Quoted\" Name",
        "<angle> bracket",
        "a,b;c:d(e)f@g\\h\"i<j>k",
        "Zoë Ærøskøbing",
        "😀 Emoji 🎉",
        "👩‍👩‍👧‍👦 Family",
        "שלום עליכם",
        "مرحبا بك",
        "e\u{301}le\u{300}ve",
        "Z\u{335}a\u{336}l\u{337}g\u{338}o",
        "a\u{2028}b",
        "x\u{2029}y",
        "=?utf-8?q?fake?=",
        "=?utf-8?b?ZmFrZQ==?= Name",
        "two  spaces",
        "Dr. J. Smith-Jones",
        ".leading dot",
        "trailing dot.",
        "-dash",
        "_under",
        "\u{202e}evil\u{202c}",
        "zero\u{200b}width",
        "中文名字",
        "Ελληνικά",
        "Ñoño",
        "日本語の名前, 株式会社",
        "Backslash at end \\",
        "\"",
        "\\",
        "'single'",
        "[brackets]",
        "{braces}",
        "a % b & c",
        "#hash !bang",
        "$dollar ^caret",
        "~tilde `tick`",
        "pipe | bar",
        "plus+equals=",
        "question? mark",
        "ends with =?",
        "?=",
        "Ǆemal Đurić",
        "İstanbul ılık",
        "ß Straße",
        "\u{feff}bom",
        "nb\u{a0}sp",
        "( comment )",
        "very (nested (comment))",
        "mixed Zoë, \"Q\" <x@y> \u{2028} 😀",
    ]
    .iter()
    .map(|name| name.to_string())
    .collect();
    names.push("x".repeat(200));
    names.push("é".repeat(200));
    names.push("Smith, John ".repeat(16).trim().to_string());
    names.push("\\\"".repeat(100));
    names.push("ab ".repeat(66) + "ab");
    names.push("😀".repeat(200));
    names
}

/// Every hostile name yields a delivered message whose display name reads back exactly,
/// in the invitee's `To` and in the ops message's `Reply-To`.
#[tokio::test]
async fn hostile_display_names_round_trip_through_independent_parsers() {
    let names = hostile_names();
    assert!(names.len() >= 50);
    for name in &names {
        assert!(name.chars().count() <= 200, "{name:?} is over the limit");
    }
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(&peer.url(), "concurrency = 4", ""));
    for (index, name) in names.iter().enumerate() {
        book(
            &server,
            3,
            index,
            name,
            &format!("guest{index}@example.com"),
        )
        .await;
    }
    let messages = peer.wait_for_count(2 * names.len(), WAIT).await;
    let python_dir = tempfile::tempdir().unwrap();
    let mut checked = HashMap::<&str, usize>::new();
    for (number, raw) in messages.iter().enumerate() {
        let message = MessageParser::default().parse(&raw.data).expect("MIME");
        let (header, address) = if raw.rcpt_to == ["ops@example.com"] {
            ("Reply-To", message.reply_to())
        } else {
            ("To", message.to())
        };
        let mailbox = address
            .and_then(|address| address.first())
            .unwrap_or_else(|| panic!("no {header} in {}", raw.raw_text()));
        let email = mailbox.address().expect("an address").to_string();
        let index: usize = email
            .strip_prefix("guest")
            .and_then(|rest| rest.strip_suffix("@example.com"))
            .and_then(|index| index.parse().ok())
            .unwrap_or_else(|| panic!("unexpected address {email}"));
        let expected = &names[index];
        assert_eq!(
            mailbox.name().unwrap_or(""),
            expected,
            "mail-parser read the {header} name back differently:\n{}",
            raw.raw_text()
        );
        for line in raw.raw_text().split("\r\n") {
            assert!(line.len() <= 998, "header line over 998 octets: {line:?}");
        }
        *checked.entry(header).or_default() += 1;
        let path = python_dir.path().join(format!("{number}"));
        std::fs::write(path.with_extension("eml"), &raw.data).unwrap();
        std::fs::write(
            path.with_extension("json"),
            json!({"header": header, "name": expected, "address": email}).to_string(),
        )
        .unwrap();
    }
    assert_eq!(checked.get("To"), Some(&names.len()));
    assert_eq!(checked.get("Reply-To"), Some(&names.len()));
    assert_eq!(log_count(&server, "job dead"), 0);

    // A second, independent reader: Python's email package.
    let script = r#"
import email, email.header, email.policy, glob, json, re, sys
WORD = re.compile(r'=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=')
bad = []
for path in sorted(glob.glob(sys.argv[1] + '/*.eml')):
    want = json.load(open(path[:-4] + '.json', encoding='utf-8'))
    raw = open(path, 'rb').read()
    header = email.message_from_bytes(raw, policy=email.policy.default)[want['header']]
    if header is None or header.defects or len(header.addresses) != 1:
        bad.append([path, 'unparsed', str(getattr(header, 'defects', None))])
        continue
    address = header.addresses[0]
    name = address.display_name
    # CPython's address parser puts a space between adjacent encoded-words (against
    # RFC 2047 section 6.2) and folds white space inside decoded text (" \u2028 " becomes
    # " "): a phrase made of encoded-words is decoded with the module's own RFC 2047
    # decoder instead. Quoted-strings are read by the address parser itself.
    phrase = re.sub(r'\r?\n', '', email.message_from_bytes(raw, policy=email.policy.compat32)[want['header']])
    phrase = phrase.rsplit('<', 1)[0].strip()
    words = WORD.findall(phrase)
    if words and WORD.sub('', phrase).strip() == '':
        name = str(email.header.make_header(email.header.decode_header(phrase)))
    if address.addr_spec != want['address'] or name != want['name']:
        bad.append([path, want['name'], name, address.addr_spec])
print(json.dumps(bad, ensure_ascii=False))
sys.exit(1 if bad else 0)
"#;
    match std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(python_dir.path())
        .output()
    {
        Ok(output) => assert!(
            output.status.success(),
            "Python's email package read names differently: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(err) => eprintln!("python3 not available ({err}); second parser skipped"),
    }
}

/// SIGTERM while two deliveries are held by a frozen peer and more jobs are due: the
/// worker claims nothing more, lets the two run to their deadline (they are put back for a
/// retry), and the process exits within the grace period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_claiming_and_finishes_the_held_deliveries() {
    let peer = SmtpPeer::start().await;
    peer.freeze_next(Freeze::AfterGreeting, usize::MAX);
    let server = TestServer::start(&config(
        &peer.url(),
        "timeout_seconds = 2\nconcurrency = 2",
        "shutdown_grace_seconds = 20",
    ));
    for slot in 0..3 {
        book(
            &server,
            6,
            slot,
            &format!("Guest {slot}"),
            &format!("guest{slot}@example.com"),
        )
        .await;
    }
    wait_until("two deliveries held by the frozen peer", || {
        peer.frozen() == 2
    })
    .await;
    // (Should the machine be slow enough for a deadline to pass already, more jobs were
    // claimed before the signal: what is held at the signal is what counts.)
    let connections = peer.connections();
    let held = peer.frozen_open();
    let failed_before = log_count(&server, "job failed; will retry");
    assert!(
        (1..=2).contains(&held),
        "concurrency bounds what is held: {held}"
    );
    let signalled = Instant::now();
    let (server, status) = tokio::task::spawn_blocking(move || {
        let mut server = server;
        let status = server.stop();
        (server, status)
    })
    .await
    .unwrap();
    let took = signalled.elapsed();
    assert!(status.success(), "{:#?}", server.logs());
    assert!(
        took < Duration::from_secs(20),
        "exited within the grace period (took {took:?})"
    );
    assert_eq!(
        peer.connections(),
        connections,
        "no job was claimed after SIGTERM: {:#?}",
        server.logs()
    );
    assert_eq!(
        log_count(&server, "job failed; will retry"),
        failed_before + held,
        "the held deliveries ran to their deadline and were put back"
    );
    assert_eq!(log_count(&server, "worker stopped"), 1);
    assert_eq!(
        log_count(&server, "did not finish its deliveries in time"),
        0
    );
    assert_eq!(peer.count(), 0);
}
