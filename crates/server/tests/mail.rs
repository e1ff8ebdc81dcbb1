//! Notifications against a real SMTP server on loopback: every message parsed as MIME, the
//! calendar parts parsed by an independent iCalendar parser, outages and restarts that lose
//! nothing and send nothing twice, reminders at their instants on a driven clock.

mod common;

use std::{sync::Arc, time::Duration};

use common::smtp::{Received, SmtpPeer};
use common::{days_ahead, post_json, Launch, TestServer};
use jiff::{Timestamp, ToSpan};
use mail_parser::{MessageParser, MimeHeaders};
use openslot::{clock::ManualClock, config::Config, serve, worker::Worker};
use openslot_store::prelude::*;
use openslot_store::{BookingStatus, JobState, NewBooking, SqliteOptions, SqliteStore};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn config(smtp_url: &str, extra_mail: &str) -> String {
    format!(
        r##"
[server]
public_url = "https://book.example.com"

[limits]
booking_per_minute = 0

[mail]
smtp_url = "{smtp_url}"
from = "Acme Bookings <bookings@example.com>"
ops_inbox = ["ops@example.com", "owner@example.com"]
reply_to = "hello@example.com"
reminders = ["24h", "1h"]
retry_base_seconds = 1
{extra_mail}

[branding]
organisation = "Acme Consulting"

[defaults]
timezone = "Europe/London"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 60

[[event_types]]
slug = "discovery-call"
title = "Discovery call"
duration_minutes = 30
[[event_types.questions]]
label = "Company"

[[event_types]]
slug = "consult"
title = "Consultation"
duration_minutes = 60
mode = "instant"
"##
    )
}

fn parse(raw: &Received) -> mail_parser::Message<'_> {
    MessageParser::default()
        .parse(&raw.data)
        .expect("a parseable MIME message")
}

fn text_of(message: &mail_parser::Message<'_>) -> String {
    message.body_text(0).expect("a text part").to_string()
}

fn html_of(message: &mail_parser::Message<'_>) -> String {
    message.body_html(0).expect("an html part").to_string()
}

/// The `text/calendar` part of a message, if any, with its `method` parameter.
fn calendar_part(message: &mail_parser::Message<'_>) -> Option<(String, String)> {
    message.parts.iter().find_map(|part| {
        let content_type = part.content_type()?;
        if content_type.ctype() == "text" && content_type.subtype() == Some("calendar") {
            let method = content_type.attribute("method").unwrap_or("").to_string();
            Some((method, part.text_contents()?.to_string()))
        } else {
            None
        }
    })
}

struct ParsedEvent {
    method: String,
    uid: String,
    sequence: String,
    start: String,
    end: String,
    organizer: String,
    attendee: String,
}

/// Reads the iCalendar text with the `icalendar` crate's parser (independent of ours).
fn parse_ics(ics: &str) -> ParsedEvent {
    let unfolded = icalendar::parser::unfold(ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
    let method = calendar
        .properties
        .iter()
        .find(|p| p.name == "METHOD")
        .map(|p| p.val.to_string())
        .unwrap_or_default();
    let event = calendar
        .components
        .iter()
        .find(|c| c.name == "VEVENT")
        .expect("a VEVENT");
    let property = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.to_string())
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    ParsedEvent {
        method,
        uid: property("UID"),
        sequence: property("SEQUENCE"),
        start: property("DTSTART"),
        end: property("DTEND"),
        organizer: property("ORGANIZER"),
        attendee: property("ATTENDEE"),
    }
}

fn ics_time(rfc3339: &str) -> String {
    let instant: Timestamp = rfc3339.parse().unwrap();
    instant.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn recipients(raw: &Received) -> Vec<String> {
    let mut to = raw.rcpt_to.clone();
    to.sort();
    to
}

#[tokio::test]
async fn every_message_is_proper_mime_with_calendar_invites() {
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(&peer.url(), ""));
    let day = days_ahead(3);
    let (status, request) = post_json(
        &server,
        "/booking",
        &json!({"event": "discovery-call", "start": format!("{day}T10:00:00Z"), "name": "Ada Lovelace",
                "email": "ada@example.com", "timezone": "Asia/Kolkata", "notes": "About the engine",
                "answers": {"company": "Analytical"}}),
    )
    .await;
    assert_eq!(status, 201, "{request}");
    let (status, confirmed) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": format!("{day}T13:00:00Z"), "name": "Bo Brown",
                "email": "bo@example.com", "timezone": "America/New_York"}),
    )
    .await;
    assert_eq!(status, 201, "{confirmed}");
    let (status, _) = post_json(
        &server,
        "/contact",
        &json!({"name": "Cy", "email": "cy@example.com", "message": "Any time in January?",
                "preferred_times": "Mornings"}),
    )
    .await;
    assert_eq!(status, 202);

    // ops + invitee for each booking, ops for the contact message.
    let messages = peer.wait_for_count(5, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(peer.count(), 5, "nothing more (reminders are days away)");
    let find = |subject_start: &str| {
        messages
            .iter()
            .find(|raw| {
                parse(raw)
                    .subject()
                    .unwrap_or("")
                    .starts_with(subject_start)
            })
            .unwrap_or_else(|| panic!("no message with subject {subject_start:?}"))
    };

    for raw in &messages {
        let message = parse(raw);
        assert!(message
            .message_id()
            .is_some_and(|id| id.ends_with("@book.example.com")));
        assert!(message.date().is_some());
        assert_eq!(
            message.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-generated")
        );
        assert_eq!(raw.mail_from, "bookings@example.com");
        assert!(!text_of(&message).is_empty() && html_of(&message).contains("<html"));
    }

    // Ops: a request, who/what/when, notes and answers, reply goes to the invitee.
    let ops = find("New booking request: Discovery call");
    assert_eq!(recipients(ops), ["ops@example.com", "owner@example.com"]);
    let message = parse(ops);
    let text = text_of(&message);
    for expected in [
        "Ada Lovelace",
        "ada@example.com",
        "About the engine",
        "Company: Analytical",
        // English (CLDR): a 12-hour clock, a narrow no-break space before AM/PM.
        "10:00\u{202f}AM (Europe/London)",
        "Asia/Kolkata",
    ] {
        assert!(text.contains(expected), "{expected:?} in ops text:\n{text}");
    }
    let reply_to = message
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap();
    assert_eq!(reply_to, "ada@example.com");

    // Invitee, request mode: "request received", in the invitee's zone, no invite yet.
    let received = find("Request received: Discovery call");
    assert_eq!(recipients(received), ["ada@example.com"]);
    let message = parse(received);
    let text = text_of(&message);
    assert!(
        text.contains("3:30\u{202f}PM (Asia/Kolkata)"),
        "invitee's zone:\n{text}"
    );
    assert!(
        text.contains("10:00\u{202f}AM (Europe/London)"),
        "host zone noted:\n{text}"
    );
    assert!(calendar_part(&message).is_none());
    assert_eq!(
        message
            .reply_to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some("hello@example.com")
    );

    // Invitee, instant mode: confirmed with METHOD:REQUEST, parsed independently.
    let confirmation = find("Confirmed: Consultation");
    let message = parse(confirmation);
    let text = text_of(&message);
    assert!(text.contains("8:00\u{202f}AM (America/New_York)"), "{text}");
    let (method, ics) = calendar_part(&message).expect("a text/calendar part");
    assert_eq!(method.to_ascii_uppercase(), "REQUEST");
    let event = parse_ics(&ics);
    assert_eq!(event.method, "REQUEST");
    assert_eq!(
        event.uid,
        format!(
            "booking-{}@book.example.com",
            confirmed["id"].as_str().unwrap()
        )
    );
    assert_eq!(event.sequence, "0");
    assert_eq!(event.start, ics_time(confirmed["start"].as_str().unwrap()));
    assert_eq!(event.end, ics_time(confirmed["end"].as_str().unwrap()));
    assert_eq!(event.organizer, "mailto:bookings@example.com");
    assert_eq!(event.attendee, "mailto:bo@example.com");
    assert!(message
        .attachments()
        .any(|part| part.attachment_name() == Some("invite.ics")));

    // Ops, contact form.
    let contact = find("Contact form: message from Cy");
    let message = parse(contact);
    assert!(
        text_of(&message).contains("Any time in January?")
            && text_of(&message).contains("Mornings")
    );
    assert_eq!(
        message
            .reply_to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some("cy@example.com")
    );
}

async fn wait_for_log(server: &TestServer, needle: &str) {
    for _ in 0..(WAIT.as_millis() / 20) {
        if server.logs().iter().any(|line| line.contains(needle)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("log line {needle:?} never appeared: {:#?}", server.logs());
}

#[tokio::test]
async fn smtp_outage_then_recovery_delivers_exactly_one_copy() {
    let peer = SmtpPeer::start().await;
    peer.set_down(true);
    let server = TestServer::start(&config(&peer.url(), ""));
    let started = std::time::Instant::now();
    let (status, body) = post_json(
        &server,
        "/booking",
        &json!({"event": "discovery-call", "start": format!("{}T11:00:00Z", days_ahead(2)),
                "name": "Ada", "email": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 201, "booking succeeds while SMTP is down: {body}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the request did not wait on SMTP"
    );
    wait_for_log(&server, "job failed; will retry").await;
    assert_eq!(peer.count(), 0);
    peer.set_down(false);
    let messages = peer.wait_for_count(2, WAIT).await;
    // Give any duplicate a chance to show up, then check there is none.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(peer.count(), 2, "exactly one copy of each message");
    let mut ids: Vec<String> = messages
        .iter()
        .map(|raw| parse(raw).message_id().unwrap().to_string())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 2);
}

#[tokio::test]
async fn pending_mail_is_sent_after_a_restart() {
    // An SMTP server that is not there at all: nothing listens on its port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("smtp://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let text = config(&url, "");
    let launch = || {
        TestServer::launch(Launch {
            config: Some(&text),
            dir: dir.path(),
            env: Vec::new(),
            use_config_database: false,
        })
    };
    let mut first = launch();
    let (status, _) = post_json(
        &first,
        "/booking",
        &json!({"event": "consult", "start": format!("{}T12:00:00Z", days_ahead(4)),
                "name": "Ada", "email": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 201);
    wait_for_log(&first, "job failed; will retry").await;
    assert!(first.stop().success());

    let peer = SmtpPeer::start_on(port).await;
    let _second = launch();
    let messages = peer.wait_for_count(2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(peer.count(), 2);
    let subjects: Vec<String> = messages
        .iter()
        .map(|raw| parse(raw).subject().unwrap_or("").to_string())
        .collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("New booking: Consultation")),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("Confirmed: Consultation")),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn without_smtp_mail_goes_to_the_outbox_folder() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::launch(Launch {
        config: None,
        dir: dir.path(),
        env: Vec::new(),
        use_config_database: false,
    });
    let (_, body) = common::get_json(&server, "/availability?event=30min").await;
    let start = body["slots"][0]["start"].as_str().unwrap().to_string();
    let (status, _) = post_json(
        &server,
        "/booking",
        &json!({"event": "30min", "start": start, "name": "Ada", "email": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 201);
    let outbox = dir.path().join("outbox");
    for _ in 0..500 {
        let count = std::fs::read_dir(&outbox)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .count()
            })
            .unwrap_or(0);
        if count == 2 {
            let first = std::fs::read_dir(&outbox)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path();
            let bytes = std::fs::read(first).unwrap();
            assert!(MessageParser::default()
                .parse(&bytes)
                .is_some_and(|m| m.subject().is_some()));
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("two .eml files never appeared in {}", outbox.display());
}

#[tokio::test]
async fn templates_can_be_overridden_from_a_folder() {
    let peer = SmtpPeer::start().await;
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("ops_booking.subject"),
        "[Bookings] {{ name }} wants {{ event_title }}",
    )
    .unwrap();
    let extra = format!("templates_dir = \"{}\"", templates.path().display());
    let server = TestServer::start(&config(&peer.url(), &extra));
    let (status, _) = post_json(
        &server,
        "/booking",
        &json!({"event": "discovery-call", "start": format!("{}T14:00:00Z", days_ahead(2)),
                "name": "Ada", "email": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 201);
    let messages = peer.wait_for_count(2, WAIT).await;
    let subjects: Vec<String> = messages
        .iter()
        .map(|raw| parse(raw).subject().unwrap_or("").to_string())
        .collect();
    assert!(
        subjects.contains(&"[Bookings] Ada wants Discovery call".to_string()),
        "{subjects:?}"
    );
}

/// A worker driven by a manual clock, against the real SMTP peer and a real database.
struct Driven {
    store: Arc<SqliteStore>,
    worker: Worker,
    clock: Arc<ManualClock>,
    checked_notifier: Arc<openslot::notify::Notifier>,
    _dir: tempfile::TempDir,
}

async fn driven(peer: &SmtpPeer, now: Timestamp, max_attempts: u32) -> Driven {
    driven_with(
        &config(&peer.url(), &format!("max_attempts = {max_attempts}")),
        now,
    )
    .await
}

/// [`driven`] with the configuration `text`.
async fn driven_with(text: &str, now: Timestamp) -> Driven {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::parse(text, "test.toml").unwrap();
    let checked = serve::validate(&config, "test.toml").unwrap();
    let store = Arc::new(
        SqliteStore::open(&SqliteOptions::new(format!(
            "sqlite://{}",
            dir.path().join("d.db").display()
        )))
        .await
        .unwrap(),
    );
    store.migrate().await.unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let notifier = Arc::new(checked.notifier);
    let worker = Worker {
        store: store.clone(),
        mailer: serve::mailer(&config).unwrap(),
        notifier: notifier.clone(),
        catalog: Arc::new(openslot::event_types::CatalogHandle::new(
            checked.catalog,
            Vec::new(),
        )),
        clock: clock.clone(),
        id: "test-worker".into(),
        retry_base_seconds: 60,
        lease_seconds: 300,
        wake: Arc::new(tokio::sync::Notify::new()),
        signer: Arc::new(openslot::signing::Signer::new(
            "driven-test-secret-0123456789abcdef",
            &[],
        )),
        busy_changed: Arc::new(tokio::sync::Notify::new()),
        metrics: Arc::new(openslot::metrics::Metrics::default()),
        calendars: None,
        webhooks: None,
        concurrency: 4,
    };
    Driven {
        store,
        worker,
        clock,
        checked_notifier: notifier,
        _dir: dir,
    }
}

fn confirmed_booking(
    id: &str,
    start: Timestamp,
    now: Timestamp,
    notifier: &openslot::notify::Notifier,
) -> NewBooking {
    NewBooking {
        id: id.into(),
        assign: openslot_store::Assign::single("default"),
        event_slug: "consult".into(),
        status: BookingStatus::Confirmed,
        start,
        end: start.checked_add(60.minutes()).unwrap(),
        blocked_start: start.as_second(),
        blocked_end: start.as_second() + 3600,
        name: "Ada".into(),
        email: "ada@example.com".into(),
        timezone: Some("Europe/Paris".into()),
        locale: None,
        notes: None,
        answers: json!({}),
        created_at: now,
        day_cap: None,
        jobs: notifier.jobs_for_new_booking(id, BookingStatus::Confirmed, start, now, &[]),
    }
}

#[tokio::test]
async fn reminders_fire_at_their_instants_and_past_ones_are_skipped() {
    let peer = SmtpPeer::start().await;
    let start: Timestamp = "2027-03-10T14:00:00Z".parse().unwrap();
    let booked_at = start
        .checked_sub(jiff::SignedDuration::from_hours(72))
        .unwrap();
    let run = driven(&peer, booked_at, 10).await;
    run.store
        .create_booking(
            confirmed_booking("r1", start, booked_at, &run.checked_notifier),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        run.worker.run_due().await.unwrap(),
        2,
        "ops + confirmation now"
    );
    peer.wait_for_count(2, WAIT).await;

    let at = |hours_before: i64, seconds: i64| {
        start
            .checked_sub(jiff::SignedDuration::from_hours(hours_before))
            .unwrap()
            .checked_add(jiff::SignedDuration::from_secs(seconds))
            .unwrap()
    };
    run.clock.set(at(24, -1));
    assert_eq!(run.worker.run_due().await.unwrap(), 0, "not a second early");
    run.clock.set(at(24, 0));
    assert_eq!(run.worker.run_due().await.unwrap(), 1, "the 24h reminder");
    let messages = peer.wait_for_count(3, WAIT).await;
    let reminder = parse(messages.last().unwrap());
    assert!(reminder
        .subject()
        .unwrap()
        .starts_with("Reminder: Consultation"));
    assert!(text_of(&reminder).contains("in 24 hours") || text_of(&reminder).contains("in 1 day"));
    assert!(text_of(&reminder).contains("3:00\u{202f}PM (Europe/Paris)"));
    run.clock.set(at(1, 0));
    assert_eq!(run.worker.run_due().await.unwrap(), 1, "the 1h reminder");
    peer.wait_for_count(4, WAIT).await;
    run.clock.set(start);
    assert_eq!(run.worker.run_due().await.unwrap(), 0);

    // Booked 30 minutes before the start: both reminder times have passed, none is queued.
    let late_start: Timestamp = "2027-03-12T10:00:00Z".parse().unwrap();
    let late_now = late_start.checked_sub(30.minutes()).unwrap();
    run.clock.set(late_now);
    run.store
        .create_booking(
            confirmed_booking("r2", late_start, late_now, &run.checked_notifier),
            None,
        )
        .await
        .unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 2);
    run.clock.set(late_start);
    assert_eq!(
        run.worker.run_due().await.unwrap(),
        0,
        "no reminder for a late booking"
    );
    peer.wait_for_count(6, WAIT).await;
    assert_eq!(peer.count(), 6);
}

#[tokio::test]
async fn failing_mail_is_retried_with_backoff_then_marked_dead() {
    let peer = SmtpPeer::start().await;
    let now: Timestamp = "2027-03-01T09:00:00Z".parse().unwrap();
    let run = driven(&peer, now, 3).await;
    peer.set_down(true);
    let start: Timestamp = "2027-03-20T14:00:00Z".parse().unwrap();
    let mut booking = confirmed_booking("d1", start, now, &run.checked_notifier);
    booking.jobs.truncate(1); // just the ops message
    run.store.create_booking(booking, None).await.unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 1);
    let job = run.store.jobs(10).await.unwrap().remove(0);
    assert_eq!((job.state, job.attempts), (JobState::Queued, 1));
    assert_eq!(
        job.run_at,
        now.as_second() + 60,
        "first retry after the base delay"
    );
    assert!(job.last_error.is_some());
    run.clock.set(now.checked_add(59.seconds()).unwrap());
    assert_eq!(run.worker.run_due().await.unwrap(), 0);
    run.clock.set(now.checked_add(60.seconds()).unwrap());
    assert_eq!(run.worker.run_due().await.unwrap(), 1);
    let job = run.store.jobs(10).await.unwrap().remove(0);
    assert_eq!(job.run_at, now.as_second() + 60 + 120, "the delay doubles");
    run.clock.set(now.checked_add(180.seconds()).unwrap());
    assert_eq!(run.worker.run_due().await.unwrap(), 1);
    let job = run.store.jobs(10).await.unwrap().remove(0);
    assert_eq!(
        (job.state, job.attempts),
        (JobState::Dead, 3),
        "dead after max_attempts, and kept"
    );
    peer.set_down(false);
    run.clock.set(now.checked_add(10_000.seconds()).unwrap());
    assert_eq!(
        run.worker.run_due().await.unwrap(),
        0,
        "dead jobs are not retried"
    );
    assert_eq!(peer.count(), 0);
}

#[tokio::test]
async fn unanswered_requests_expire_and_free_the_slot() {
    let peer = SmtpPeer::start().await;
    let now: Timestamp = "2027-04-01T09:00:00Z".parse().unwrap();
    let run = driven(&peer, now, 5).await;
    let start: Timestamp = "2027-04-05T10:00:00Z".parse().unwrap();
    let mut booking = confirmed_booking("e1", start, now, &run.checked_notifier);
    booking.status = BookingStatus::Requested;
    booking.event_slug = "discovery-call".into();
    booking.jobs = run.checked_notifier.jobs_for_new_booking_expiring(
        "e1",
        BookingStatus::Requested,
        start,
        now,
        Some(now.as_second() + 3600),
        &[],
    );
    run.store.create_booking(booking, None).await.unwrap();
    assert_eq!(
        run.worker.run_due().await.unwrap(),
        2,
        "ops + request received"
    );
    run.clock.set(now.checked_add(3599.seconds()).unwrap());
    assert_eq!(run.worker.run_due().await.unwrap(), 0);
    run.clock.set(now.checked_add(3600.seconds()).unwrap());
    assert_eq!(
        run.worker.run_due().await.unwrap(),
        3,
        "the expiry, then its two messages"
    );
    let stored = run.store.booking("e1").await.unwrap().unwrap();
    assert_eq!(stored.status, BookingStatus::Expired);
    let audit = run
        .store
        .audit_entries(Some("booking:e1"), 10)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "the expiry is in the booking's history");
    assert_eq!(
        (audit[0].actor.as_str(), audit[0].action.as_str()),
        ("system", "booking.expire")
    );
    assert_eq!(audit[0].before.as_ref().unwrap()["status"], "requested");
    assert_eq!(audit[0].after.as_ref().unwrap()["status"], "expired");
    assert!(
        run.store
            .active_bookings("default", 0)
            .await
            .unwrap()
            .is_empty(),
        "the time is free"
    );
    let messages = peer.wait_for_count(4, WAIT).await;
    let subjects: Vec<String> = messages
        .iter()
        .map(|raw| parse(raw).subject().unwrap_or("").to_string())
        .collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("Request expired: Discovery call,")),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("Request expired: Discovery call with Ada")),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn reminders_move_with_a_reschedule_and_vanish_with_a_cancel() {
    use openslot_store::{BookingChange, ChangeOutcome};
    let peer = SmtpPeer::start().await;
    let now: Timestamp = "2027-05-01T09:00:00Z".parse().unwrap();
    let run = driven(&peer, now, 5).await;
    let start: Timestamp = "2027-05-05T10:00:00Z".parse().unwrap();
    run.store
        .create_booking(
            confirmed_booking("v1", start, now, &run.checked_notifier),
            None,
        )
        .await
        .unwrap();
    run.store
        .create_booking(
            confirmed_booking(
                "v2",
                "2027-05-06T10:00:00Z".parse().unwrap(),
                now,
                &run.checked_notifier,
            ),
            None,
        )
        .await
        .unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 4);
    // v1 moves a day later; v2 is cancelled.
    let new_start: Timestamp = "2027-05-07T12:00:00Z".parse().unwrap();
    let mut moved = run.store.booking("v1").await.unwrap().unwrap();
    moved.start = new_start;
    moved.end = new_start.checked_add(60.minutes()).unwrap();
    let jobs = run.checked_notifier.jobs_for_move(&moved, now);
    let change = BookingChange::Move {
        start: moved.start,
        end: moved.end,
        blocked_start: moved.start.as_second(),
        blocked_end: moved.end.as_second(),
        day_cap: None,
        host_caps: Vec::new(),
    };
    assert!(matches!(
        run.store
            .change_booking("v1", change, jobs, now)
            .await
            .unwrap(),
        Some(ChangeOutcome::Changed(_))
    ));
    let cancel = BookingChange::End {
        status: BookingStatus::Cancelled,
        reason: None,
    };
    let jobs = run
        .checked_notifier
        .jobs_for_end("v2", BookingStatus::Cancelled, now, &[]);
    run.store
        .change_booking("v2", cancel, jobs, now)
        .await
        .unwrap();
    assert_eq!(
        run.worker.run_due().await.unwrap(),
        4,
        "two rescheduled + two cancelled notices"
    );
    peer.wait_for_count(8, WAIT).await;
    // The old reminder times pass quietly.
    run.clock.set("2027-05-06T10:00:00Z".parse().unwrap());
    assert_eq!(run.worker.run_due().await.unwrap(), 0);
    // The new ones fire.
    run.clock.set("2027-05-06T12:00:00Z".parse().unwrap());
    assert_eq!(run.worker.run_due().await.unwrap(), 1);
    run.clock.set("2027-05-07T11:00:00Z".parse().unwrap());
    assert_eq!(run.worker.run_due().await.unwrap(), 1);
    let messages = peer.wait_for_count(10, WAIT).await;
    for raw in &messages[8..] {
        let message = parse(raw);
        assert!(
            message
                .subject()
                .unwrap()
                .starts_with("Reminder: Consultation, Fri, May 7,"),
            "{:?}",
            message.subject()
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(peer.count(), 10);
}

#[tokio::test]
async fn an_unusable_invitee_address_fails_only_the_invitees_own_message() {
    // The address never passed the mail library (stored before validation matched it, say):
    // the ops message still goes out, without Reply-To; only the invitee's message dies.
    let peer = SmtpPeer::start().await;
    let now: Timestamp = "2027-03-01T09:00:00Z".parse().unwrap();
    let run = driven(&peer, now, 3).await;
    let start: Timestamp = "2027-03-20T14:00:00Z".parse().unwrap();
    let mut booking = confirmed_booking("u1", start, now, &run.checked_notifier);
    booking.name = "Smith, John".into();
    booking.email = "not an address".into();
    run.store.create_booking(booking, None).await.unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 2, "ops + confirmation");
    let messages = peer.wait_for_count(1, WAIT).await;
    assert_eq!(
        recipients(&messages[0]),
        ["ops@example.com", "owner@example.com"]
    );
    let ops = parse(&messages[0]);
    assert!(ops.subject().unwrap().contains("Smith, John"));
    assert!(ops.reply_to().is_none());
    let jobs = run.store.jobs(10).await.unwrap();
    let dead: Vec<_> = jobs
        .iter()
        .filter(|job| job.state == JobState::Dead)
        .collect();
    assert_eq!(dead.len(), 1, "{jobs:?}");
    assert_eq!(dead[0].payload["message"], "invitee_confirmed");
    assert_eq!(peer.count(), 1);
}

/// Three hosts: Ada and Grace, and Olive whose address is also an ops inbox.
const HOSTS: &str = r#"
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@hosts.example.com"

[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@hosts.example.com"

[[hosts]]
id = "olive"
name = "Olive Owner"
email = "OWNER@example.com"

[[event_types]]
slug = "grace-call"
title = "Call with Grace"
duration_minutes = 30
mode = "instant"
hosts = ["grace"]

[[event_types]]
slug = "demo"
title = "Demo"
duration_minutes = 30
mode = "request"
hosts = ["ada", "grace"]
assignment = "collective"

[[event_types]]
slug = "olive-call"
title = "Call with Olive"
duration_minutes = 30
mode = "instant"
hosts = ["olive"]
"#;

fn team_booking(
    id: &str,
    event: &str,
    assign: openslot_store::Assign,
    status: BookingStatus,
    start: Timestamp,
    now: Timestamp,
    notifier: &openslot::notify::Notifier,
) -> NewBooking {
    NewBooking {
        id: id.into(),
        assign,
        event_slug: event.into(),
        status,
        start,
        end: start.checked_add(30.minutes()).unwrap(),
        blocked_start: start.as_second(),
        blocked_end: start.as_second() + 1800,
        name: "Bo Brown".into(),
        email: "bo@example.com".into(),
        timezone: Some("Europe/London".into()),
        locale: None,
        notes: None,
        answers: json!({}),
        created_at: now,
        day_cap: None,
        jobs: notifier.jobs_for_new_booking(id, status, start, now, &[]),
    }
}

/// Every `ATTENDEE` of an invite as `(CN, address)`, read by the `icalendar` parser.
fn attendees(ics: &str) -> (String, Vec<(String, String)>) {
    let unfolded = icalendar::parser::unfold(ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
    let event = calendar
        .components
        .iter()
        .find(|c| c.name == "VEVENT")
        .expect("a VEVENT");
    let cn = |property: &icalendar::parser::Property<'_>| {
        property
            .params
            .iter()
            .find(|param| param.key == "CN")
            .and_then(|param| param.val.as_ref())
            .map(|val| val.to_string())
            .unwrap_or_default()
    };
    let organizer = event
        .properties
        .iter()
        .find(|p| p.name == "ORGANIZER")
        .map(|p| format!("{} {}", cn(p), p.val))
        .expect("an ORGANIZER");
    let attendees = event
        .properties
        .iter()
        .filter(|p| p.name == "ATTENDEE")
        .map(|p| (cn(p), p.val.to_string()))
        .collect();
    (organizer, attendees)
}

#[tokio::test]
async fn booking_mail_goes_to_the_bookings_hosts_and_invites_name_them() {
    use openslot_store::{Assign, BookingChange, HostHold};
    let peer = SmtpPeer::start().await;
    let now: Timestamp = "2027-05-01T09:00:00Z".parse().unwrap();
    let text = format!("{}\n{HOSTS}", config(&peer.url(), ""));
    let run = driven_with(&text, now).await;
    let start: Timestamp = "2027-05-05T10:00:00Z".parse().unwrap();
    let notifier = &run.checked_notifier;

    // One host: the ops inbox and Grace, nobody else.
    run.store
        .create_booking(
            team_booking(
                "g1",
                "grace-call",
                Assign::single("grace"),
                BookingStatus::Confirmed,
                start,
                now,
                notifier,
            ),
            None,
        )
        .await
        .unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 2);
    let messages = peer.wait_for_count(2, WAIT).await;
    let find = |messages: &[Received], subject: &str| -> Received {
        messages
            .iter()
            .find(|raw| parse(raw).subject().unwrap_or("").starts_with(subject))
            .unwrap_or_else(|| panic!("no message {subject:?}"))
            .clone()
    };
    let ops = find(&messages, "New booking: Call with Grace");
    assert_eq!(
        recipients(&ops),
        [
            "grace@hosts.example.com",
            "ops@example.com",
            "owner@example.com"
        ]
    );
    assert!(text_of(&parse(&ops)).contains("With:       Grace Hopper"));
    let confirmed = find(&messages, "Confirmed: Call with Grace");
    assert_eq!(recipients(&confirmed), ["bo@example.com"]);
    let message = parse(&confirmed);
    let text = text_of(&message);
    assert!(
        text.contains("Your booking with Grace Hopper (Acme Consulting) is confirmed")
            && text.contains("With:       Grace Hopper"),
        "{text}"
    );
    let (_, ics) = calendar_part(&message).expect("an invite");
    let (organizer, people) = attendees(&ics);
    assert_eq!(organizer, "Grace Hopper mailto:grace@hosts.example.com");
    assert!(
        ics.replace("\r\n ", "")
            .contains("SENT-BY=\"mailto:bookings@example.com\""),
        "{ics}"
    );
    let pair = |name: &str, address: &str| (name.to_string(), format!("mailto:{address}"));
    assert_eq!(
        people,
        [
            pair("Bo Brown", "bo@example.com"),
            pair("Grace Hopper", "grace@hosts.example.com")
        ]
    );

    // A host whose address is also an ops inbox gets one copy.
    peer.clear();
    run.store
        .create_booking(
            team_booking(
                "o1",
                "olive-call",
                Assign::single("olive"),
                BookingStatus::Confirmed,
                start,
                now,
                notifier,
            ),
            None,
        )
        .await
        .unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 2);
    let messages = peer.wait_for_count(2, WAIT).await;
    let ops = find(&messages, "New booking: Call with Olive");
    assert_eq!(recipients(&ops), ["ops@example.com", "owner@example.com"]);

    // Collective request: both hosts get the request, and the approve link in it names
    // the booking, not a recipient, so either host's copy approves it.
    peer.clear();
    let later: Timestamp = "2027-05-06T10:00:00Z".parse().unwrap();
    run.store
        .create_booking(
            team_booking(
                "d1",
                "demo",
                Assign::All(vec![HostHold::uncapped("ada"), HostHold::uncapped("grace")]),
                BookingStatus::Requested,
                later,
                now,
                notifier,
            ),
            None,
        )
        .await
        .unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 2);
    let messages = peer.wait_for_count(2, WAIT).await;
    let ops = find(&messages, "New booking request: Demo");
    assert_eq!(
        recipients(&ops),
        [
            "ada@hosts.example.com",
            "grace@hosts.example.com",
            "ops@example.com",
            "owner@example.com"
        ]
    );
    let text = text_of(&parse(&ops));
    assert!(
        text.contains("With:       Ada Lovelace and Grace Hopper"),
        "{text}"
    );
    let approve = text
        .lines()
        .find_map(|line| line.strip_prefix("Approve: "))
        .expect("an approve link");
    let token = approve
        .strip_prefix("https://book.example.com/host/")
        .and_then(|rest| rest.strip_suffix("/approve"))
        .expect("a host link");
    assert_eq!(
        openslot::links::verify(&run.worker.signer, token, openslot::links::HOST, now).unwrap(),
        "d1"
    );

    // Confirmed: the invitee's invite names both hosts; a cancellation reaches both too.
    peer.clear();
    let booking = run.store.booking("d1").await.unwrap().unwrap();
    let jobs = notifier.jobs_for_confirm(&booking, now);
    run.store
        .change_booking("d1", BookingChange::Confirm, jobs, now)
        .await
        .unwrap();
    assert!(run.worker.run_due().await.unwrap() >= 1);
    let messages = peer.wait_for_count(1, WAIT).await;
    let confirmed = find(&messages, "Confirmed: Demo");
    let message = parse(&confirmed);
    let (_, ics) = calendar_part(&message).expect("an invite");
    let (organizer, people) = attendees(&ics);
    assert_eq!(organizer, "Ada Lovelace mailto:ada@hosts.example.com");
    assert_eq!(
        people,
        [
            pair("Bo Brown", "bo@example.com"),
            pair("Ada Lovelace", "ada@hosts.example.com"),
            pair("Grace Hopper", "grace@hosts.example.com")
        ]
    );
    assert!(text_of(&message).contains("with Ada Lovelace and Grace Hopper (Acme Consulting)"));

    peer.clear();
    let jobs = notifier.jobs_for_end("d1", BookingStatus::Cancelled, now, &[]);
    run.store
        .change_booking(
            "d1",
            BookingChange::End {
                status: BookingStatus::Cancelled,
                reason: None,
            },
            jobs,
            now,
        )
        .await
        .unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 2);
    let messages = peer.wait_for_count(2, WAIT).await;
    let ops = messages
        .iter()
        .find(|raw| recipients(raw).contains(&"ops@example.com".to_string()))
        .expect("the ops notice");
    assert_eq!(
        recipients(ops),
        [
            "ada@hosts.example.com",
            "grace@hosts.example.com",
            "ops@example.com",
            "owner@example.com"
        ]
    );
    let invitee = messages
        .iter()
        .find(|raw| recipients(raw) == ["bo@example.com"])
        .expect("the invitee's notice");
    let (method, ics) = calendar_part(&parse(invitee)).expect("a cancellation");
    assert_eq!(method.to_ascii_uppercase(), "CANCEL");
    assert_eq!(attendees(&ics).1.len(), 3);
}

/// Calendar alerts go to the ops inbox only, naming the calendar without its credentials;
/// a calendar write job reaching a worker without a calendar service (only a test builds
/// one) dies at once rather than being retried.
#[tokio::test]
async fn calendar_alerts_reach_the_ops_inbox_and_calendar_writes_wait_for_their_handler() {
    use openslot::{domain::MailKind, notify::CalendarAlert};
    let peer = SmtpPeer::start().await;
    let now: Timestamp = "2027-03-01T09:00:00Z".parse().unwrap();
    let run = driven(&peer, now, 5).await;
    let notifier = &run.checked_notifier;
    let alert = CalendarAlert {
        connection_id: "cal-ada-work".into(),
        host: "default".into(),
        url: "https://ada:app-password@caldav.example.com/dav/calendars/ada/work/".into(),
        error: Some("timed out after 10s".into()),
        since: now.as_second() - 90 * 60,
    };
    notifier.set_calendar_writers(["default".to_string()]);
    let start: Timestamp = "2027-03-20T14:00:00Z".parse().unwrap();
    let mut booking = confirmed_booking("w1", start, now, notifier);
    booking.jobs =
        notifier.jobs_for_new_booking("w1", BookingStatus::Confirmed, start, now, &["default"]);
    booking
        .jobs
        .retain(|job| job.kind != "mail" || job.payload["message"] == "ops_booking");
    booking.jobs.extend(notifier.jobs_for_calendar_alert(
        MailKind::OpsCalendarFailing,
        &alert,
        now,
    ));
    let kinds: Vec<&str> = booking.jobs.iter().map(|job| job.kind.as_str()).collect();
    assert_eq!(kinds, ["mail", "calendar_write", "mail"]);
    run.store.create_booking(booking, None).await.unwrap();
    assert_eq!(run.worker.run_due().await.unwrap(), 3);
    let messages = peer.wait_for_count(2, WAIT).await;
    let alert_mail = messages
        .iter()
        .find(|raw| {
            parse(raw)
                .subject()
                .is_some_and(|s| s.starts_with("Calendar failing"))
        })
        .expect("the alert was sent");
    assert_eq!(alert_mail.rcpt_to, ["ops@example.com", "owner@example.com"]);
    let message = parse(alert_mail);
    let text = text_of(&message);
    assert!(
        text.contains("https://caldav.example.com/dav/calendars/ada/work/"),
        "{text}"
    );
    assert!(text.contains("timed out after 10s") && text.contains("1 hour 30 minutes"));
    let raw = String::from_utf8_lossy(&alert_mail.data);
    assert!(!raw.contains("app-password"), "credentials never mailed");
    let jobs = run.store.jobs(10).await.unwrap();
    let write = jobs
        .iter()
        .find(|job| job.kind == "calendar_write")
        .unwrap();
    assert_eq!((write.state, write.attempts), (JobState::Dead, 1));
    assert_eq!(write.payload, json!({"booking_id": "w1"}));
    run.clock.set(now.checked_add(10_000.seconds()).unwrap());
    assert_eq!(run.worker.run_due().await.unwrap(), 0);
}
