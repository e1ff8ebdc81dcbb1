//! Teams over HTTP: hosts in different zones with their own hours and time off, round
//! robin (atomic and fair), collective (all or nothing), pinning a host, the host in
//! booking bodies and rescheduling a collective booking. Runs on SQLite, or PostgreSQL with
//! `OPENSLOT_TEST_BACKEND=postgres`; the multi-instance test needs `OPENSLOT_TEST_POSTGRES_URL`.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{
    client, create_postgres_database, days_ahead, error_code, get_json, post_json,
    postgres_admin_url, with_database, Launch, TestServer,
};
use jiff::{civil::Date, tz::TimeZone};
use serde_json::{json, Value};

const LONDON: &str = "Europe/London";
const NEW_YORK: &str = "America/New_York";

/// Ada works 09:00-17:00 in London, Grace 09:00-17:00 in New York, Linus 09:00-17:00 in
/// Reykjavik; the event types are open all day, so the hosts' hours decide. Ada is off on
/// `ada_off`.
fn config(ada_off: Date) -> String {
    format!(
        r##"
[limits]
booking_per_minute = 0
[database]
busy_refresh_seconds = 1
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
timezone = "{LONDON}"
hours = ["09:00-17:00"]
[[hosts.time_off]]
from = "{ada_off}"
to = "{ada_off}"

[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
timezone = "{NEW_YORK}"
hours = ["09:00-17:00"]

[[hosts]]
id = "linus"
name = "Linus"
email = "linus@example.com"
timezone = "Atlantic/Reykjavik"
hours = ["09:00-17:00"]

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

[[event_types]]
slug = "grace-solo"
title = "With Grace"
duration_minutes = 30
hosts = ["grace"]

[[event_types]]
slug = "fair"
title = "Fair"
duration_minutes = 5
slot_step_minutes = 5
hosts = ["ada", "grace", "linus"]
weights = {{ ada = 2 }}
"##
    )
}

/// The day Ada is off in every test.
fn ada_off() -> Date {
    days_ahead(6)
}

fn start() -> TestServer {
    TestServer::start(&config(ada_off()))
}

/// `hour:minute` on `date` in `zone`, as the API writes instants.
fn local(date: Date, zone: &str, hour: i8, minute: i8) -> String {
    date.at(hour, minute, 0, 0)
        .to_zoned_datetime(TimeZone::get(zone).unwrap())
        .unwrap()
        .timestamp()
        .to_string()
}

async fn starts(server: &TestServer, event: &str, day: Date) -> Vec<String> {
    let (status, body) = get_json(
        server,
        &format!("/availability?event={event}&from={day}&to={day}"),
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

async fn offered(server: &TestServer, event: &str, start: &str) -> bool {
    let day: Date = start[..10].parse().unwrap();
    starts(server, event, day).await.iter().any(|s| s == start)
}

fn request(event: &str, start: &str, host: Option<&str>) -> Value {
    let mut body = json!({
        "event": event,
        "start": start,
        "name": "Invitee",
        "email": "invitee@example.com",
    });
    if let Some(host) = host {
        body["host"] = json!(host);
    }
    body
}

async fn book(server: &TestServer, event: &str, start: &str, host: Option<&str>) -> (u16, Value) {
    post_json(server, "/booking", &request(event, start, host)).await
}

/// Books and returns the assigned host's id (the booking must succeed).
async fn book_host(server: &TestServer, event: &str, start: &str) -> String {
    let (status, body) = book(server, event, start, None).await;
    assert_eq!(status, 201, "{event} at {start}: {body}");
    body["host"]["id"].as_str().unwrap().to_string()
}

fn manage_path(body: &Value) -> String {
    let url = body["manage_url"].as_str().unwrap();
    url[url.find("/manage/").unwrap()..].to_string()
}

/// Posts `bodies` to `/booking` on `servers` (round robin over them) all at once.
async fn concurrently(servers: &[&TestServer], bodies: Vec<Value>) -> Vec<(u16, Value)> {
    let http = client();
    let tasks: Vec<_> = bodies
        .into_iter()
        .enumerate()
        .map(|(index, body)| {
            let url = servers[index % servers.len()].url("/booking");
            let http = http.clone();
            tokio::spawn(async move {
                let response = http.post(url).json(&body).send().await.unwrap();
                let status = response.status().as_u16();
                (
                    status,
                    response.json::<Value>().await.unwrap_or(Value::Null),
                )
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

/// Two hosts free: of three concurrent bookings two succeed on different hosts and the
/// third gets 409 `slot_taken`.
async fn assert_two_of_three(servers: &[&TestServer], start: &str) {
    let bodies = (0..3).map(|_| request("intro", start, None)).collect();
    let results = concurrently(servers, bodies).await;
    let mut hosts = BTreeSet::new();
    let mut taken = 0;
    for (status, body) in &results {
        match status {
            201 => {
                hosts.insert(body["host"]["id"].as_str().unwrap().to_string());
            }
            409 => {
                assert_eq!(error_code(body), "slot_taken");
                taken += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(
        (hosts.len(), taken),
        (2, 1),
        "two bookings on different hosts and one 409 at {start}: {results:?}"
    );
}

#[tokio::test]
async fn round_robin_books_each_free_host_once_under_concurrency() {
    let server = start();
    let day = days_ahead(3);
    // 15:00 in London is 10:00 in New York: both work then.
    let both = local(day, LONDON, 15, 0);
    assert!(offered(&server, "intro", &both).await);
    assert_two_of_three(&[&server], &both).await;
    assert!(!offered(&server, "intro", &both).await);
    // Again at another time, one after the other: each host once.
    let next = local(day, LONDON, 15, 30);
    let first = book_host(&server, "intro", &next).await;
    assert!(
        offered(&server, "intro", &next).await,
        "the other host is free"
    );
    let second = book_host(&server, "intro", &next).await;
    assert_ne!(first, second);
    let (status, body) = book(&server, "intro", &next, None).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
}

#[tokio::test]
async fn a_booking_blocks_its_host_only_and_hosts_keep_their_own_hours() {
    let server = start();
    let day = days_ahead(4);
    let both = local(day, LONDON, 15, 0);

    // Pinned to Ada: the 201 body names her.
    let (status, body) = book(&server, "intro", &both, Some("ada")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["host"], json!({"id": "ada", "name": "Ada Lovelace"}));
    assert_eq!(
        body["hosts"],
        json!([{"id": "ada", "name": "Ada Lovelace"}])
    );
    // Ada is busy in every event type that includes her, Grace in none.
    assert!(
        offered(&server, "intro", &both).await,
        "Grace can still take it"
    );
    assert!(!offered(&server, "ada-solo", &both).await);
    assert!(offered(&server, "grace-solo", &both).await);
    assert!(!offered(&server, "demo", &both).await);
    let (status, body) = book(&server, "intro", &both, Some("ada")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "host_unavailable")
    );
    assert_eq!(book_host(&server, "intro", &both).await, "grace");
    assert!(!offered(&server, "intro", &both).await);

    // 10:00 in London is 05:00 in New York: Ada's alone. 15:00 in New York is 20:00 in
    // London: Grace's alone.
    let morning = local(day, LONDON, 10, 0);
    let evening = local(day, NEW_YORK, 15, 0);
    let (status, body) = book(&server, "intro", &morning, Some("grace")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "host_unavailable")
    );
    assert_eq!(book_host(&server, "intro", &morning).await, "ada");
    assert_eq!(book_host(&server, "intro", &evening).await, "grace");
    // Never before Ada's 09:00 or after Grace's 17:00.
    let listed = starts(&server, "intro", day).await;
    assert_eq!(listed.first(), Some(&local(day, LONDON, 9, 0)));
    assert_eq!(listed.last(), Some(&local(day, NEW_YORK, 16, 30)));

    // Pins that name nobody of this event type, and one that is not an id.
    for host in ["linus", "nobody"] {
        let (status, body) = book(&server, "intro", &local(day, LONDON, 16, 0), Some(host)).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (422, "host_unavailable"),
            "{host}"
        );
    }
    let (status, body) = book(&server, "intro", &local(day, LONDON, 16, 0), Some("Ada!")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "validation_failed")
    );

    // A day off removes Ada: her own event type offers nothing, round robin only Grace's
    // hours.
    let off = ada_off();
    assert!(starts(&server, "ada-solo", off).await.is_empty());
    let listed = starts(&server, "intro", off).await;
    assert_eq!(listed.first(), Some(&local(off, NEW_YORK, 9, 0)));
    let (status, body) = book(&server, "intro", &local(off, LONDON, 10, 0), None).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "slot_unavailable"),
        "nobody works then: {body}"
    );
    assert_eq!(
        book_host(&server, "intro", &local(off, LONDON, 15, 0)).await,
        "grace"
    );
}

#[tokio::test]
async fn round_robin_is_fair_by_weight_over_http() {
    let server = start();
    // 14:00-17:00 UTC every host works (Ada 14-17 London, Grace 09-12 New York, Linus
    // 14-17 Reykjavik in winter; the hours are read in each zone): 36 five-minute slots a
    // day, on days after Ada's day off.
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    let mut booked = 0;
    let mut day = ada_off().tomorrow().unwrap();
    'days: loop {
        let offered = starts(&server, "fair", day).await;
        for slot in offered {
            let ada = local(day, LONDON, 9, 0) <= slot && slot < local(day, LONDON, 17, 0);
            let grace = local(day, NEW_YORK, 9, 0) <= slot && slot < local(day, NEW_YORK, 16, 55);
            if !(ada && grace) {
                continue;
            }
            *counts
                .entry(book_host(&server, "fair", &slot).await)
                .or_default() += 1;
            booked += 1;
            if booked == 300 {
                break 'days;
            }
        }
        day = day.tomorrow().unwrap();
    }
    let expected = [("ada", 150), ("grace", 75), ("linus", 75)];
    for (host, share) in expected {
        let got = counts.get(host).copied().unwrap_or(0);
        assert!(
            (got - share).abs() <= 2,
            "{host}: {got} of {share}: {counts:?}"
        );
    }
}

#[tokio::test]
async fn a_host_often_busy_is_skipped_then_catches_up() {
    let server = start();
    let busy_days = [days_ahead(2), days_ahead(3)];
    let times = [(15, 0), (15, 30), (16, 0), (16, 30)];
    // Ada is busy with her own event type at eight times when both work.
    for day in busy_days {
        for (hour, minute) in times {
            let at = local(day, LONDON, hour, minute);
            assert_eq!(book_host(&server, "ada-solo", &at).await, "ada");
        }
    }
    // Round robin at those times: Grace, every time (Ada cannot).
    for day in busy_days {
        for (hour, minute) in times {
            let at = local(day, LONDON, hour, minute);
            assert_eq!(book_host(&server, "intro", &at).await, "grace");
        }
    }
    // (Bookings are stamped to the second: let the next ones be later than Grace's.)
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    // Free again, Ada is furthest below her share: she takes the next eight...
    for day in [days_ahead(4), days_ahead(5)] {
        for (hour, minute) in times {
            let at = local(day, LONDON, hour, minute);
            assert_eq!(book_host(&server, "intro", &at).await, "ada", "{at}");
        }
    }
    // ...and at eight each the tie goes to the least recently booked: Grace.
    let tie = local(days_ahead(7), LONDON, 15, 0);
    assert_eq!(book_host(&server, "intro", &tie).await, "grace");
}

#[tokio::test]
async fn collective_needs_every_host_and_holds_all_or_nothing() {
    let server = start();
    let day = days_ahead(5);
    let at = |hour, minute| local(day, LONDON, hour, minute);
    let (first, taken, raced, later) = (at(15, 0), at(15, 30), at(16, 0), at(16, 30));
    for start in [&first, &taken, &raced, &later] {
        assert!(offered(&server, "demo", start).await, "{start}");
    }
    // Outside Grace's hours: not offered even though Ada is free.
    assert!(!offered(&server, "demo", &at(10, 0)).await);
    let (status, body) = book(&server, "demo", &at(10, 0), None).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "slot_unavailable")
    );

    // Ada busy: not offered, refused, and Grace is not held by the refused booking.
    assert_eq!(book_host(&server, "ada-solo", &taken).await, "ada");
    assert!(!offered(&server, "demo", &taken).await);
    let (status, body) = book(&server, "demo", &taken, None).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    assert!(offered(&server, "grace-solo", &taken).await);

    // Both free: the booking holds both.
    let (status, booking) = book(&server, "demo", &first, None).await;
    assert_eq!(status, 201, "{booking}");
    assert_eq!(booking["host"]["id"], "ada");
    assert_eq!(
        booking["hosts"],
        json!([
            {"id": "ada", "name": "Ada Lovelace"},
            {"id": "grace", "name": "Grace Hopper"}
        ])
    );
    for event in ["ada-solo", "grace-solo", "intro", "demo"] {
        assert!(!offered(&server, event, &first).await, "{event}");
    }

    // A race between two collective bookings and one of Grace's: one wins, and a lost
    // collective booking holds nothing.
    let bodies = vec![
        request("demo", &raced, None),
        request("grace-solo", &raced, None),
        request("demo", &raced, None),
    ];
    let results = concurrently(&[&server], bodies).await;
    let won: Vec<&(u16, Value)> = results.iter().filter(|(s, _)| *s == 201).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    let grace_won = won[0].1["event"] == "grace-solo";
    assert_eq!(offered(&server, "ada-solo", &raced).await, grace_won);
    assert!(!offered(&server, "grace-solo", &raced).await);

    // Rescheduling moves both holds; onto Ada's busy time or outside Grace's hours it is
    // refused and nothing moves.
    let manage = manage_path(&booking);
    let reschedule = format!("{manage}/reschedule");
    let (status, body) = post_json(&server, &reschedule, &json!({"start": taken})).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    let (status, body) = post_json(&server, &reschedule, &json!({"start": at(10, 0)})).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "slot_unavailable")
    );
    let (status, moved) = post_json(&server, &reschedule, &json!({"start": later})).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["start"], later);
    assert_eq!(moved["hosts"].as_array().unwrap().len(), 2);
    for event in ["ada-solo", "grace-solo"] {
        assert!(offered(&server, event, &first).await, "{event} freed");
        assert!(!offered(&server, event, &later).await, "{event} held");
    }

    // Naming one of the hosts still holds them all; naming another host is refused.
    let (status, body) = book(&server, "demo", &at(14, 0), Some("linus")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "host_unavailable")
    );
    let (status, body) = book(&server, "demo", &at(14, 0), Some("grace")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["hosts"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn round_robin_is_atomic_across_instances_on_postgres() {
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    let name = format!("openslot_teams_{}", std::process::id());
    create_postgres_database(&admin, &name);
    let database = with_database(&admin, &name);
    let config = config(ada_off());
    let mut servers = Vec::new();
    let mut dirs = Vec::new();
    for _ in 0..2 {
        let dir = tempfile::tempdir().unwrap();
        servers.push(TestServer::launch(Launch {
            config: Some(&config),
            dir: dir.path(),
            env: vec![("OPENSLOT_DATABASE_URL", database.clone())],
            use_config_database: false,
        }));
        dirs.push(dir);
    }
    let both: Vec<&TestServer> = servers.iter().collect();
    for day in [days_ahead(2), days_ahead(3)] {
        for (hour, minute) in [(15, 0), (15, 30), (16, 0)] {
            assert_two_of_three(&both, &local(day, LONDON, hour, minute)).await;
        }
    }
}

/// Ada takes at most two meetings a day across every event type (in her zone); Grace has
/// no cap. Both are open around the clock in UTC.
fn capped_config() -> String {
    r##"
[limits]
booking_per_minute = 0
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
min_lead_minutes = 60
lookahead_days = 30
mode = "instant"

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
timezone = "UTC"
hours = ["00:00-24:00"]
max_per_day = 2

[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
timezone = "UTC"
hours = ["00:00-24:00"]

[[event_types]]
slug = "ada-solo"
title = "With Ada"
duration_minutes = 30
hosts = ["ada"]

[[event_types]]
slug = "rr"
title = "Round robin"
duration_minutes = 30
hosts = ["ada", "grace"]
assignment = "round_robin"
weights = { ada = 100 }
"##
    .to_string()
}

#[tokio::test]
async fn a_hosts_daily_cap_counts_every_event_type_and_round_robin_moves_on() {
    let server = TestServer::start(&capped_config());
    let day = days_ahead(3);
    let next = days_ahead(4);
    let at = |date: Date, hour: i8| local(date, "UTC", hour, 0);

    // Two meetings with Ada through her own event type fill her day.
    for hour in [9, 10] {
        let (status, body) = book(&server, "ada-solo", &at(day, hour), None).await;
        assert_eq!(status, 201, "{body}");
    }
    assert!(
        starts(&server, "ada-solo", day).await.is_empty(),
        "Ada's own event type offers nothing more that day"
    );
    let (status, body) = book(&server, "ada-solo", &at(day, 12), None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "slot_unavailable", "{body}");

    // The round robin still offers the day (Grace is free) and gives it to Grace, although
    // Ada's weight would rank her first.
    assert!(offered(&server, "rr", &at(day, 12)).await);
    assert_eq!(book_host(&server, "rr", &at(day, 12)).await, "grace");
    let (status, body) = book(&server, "rr", &at(day, 13), Some("ada")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "host_unavailable", "{body}");

    // The next day Ada is back, and her weight puts her first.
    assert!(offered(&server, "ada-solo", &at(next, 12)).await);
    assert_eq!(book_host(&server, "rr", &at(next, 12)).await, "ada");
}

#[tokio::test]
async fn a_pinned_hosts_page_and_availability_offer_only_that_hosts_times() {
    let server = start();
    let day = days_ahead(4);
    let both = local(day, LONDON, 15, 0);
    let (status, body) = book(&server, "ada-solo", &both, None).await;
    assert_eq!(status, 201, "{body}");

    // The round robin still offers 15:00 (Grace is free), but not to someone who asked
    // for Ada; Grace's own list keeps it.
    let pinned = |host: &str| format!("/availability?event=intro&from={day}&to={day}&host={host}");
    let listed = |body: &Value| {
        body["slots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|slot| slot["start"] == both.as_str())
    };
    assert!(offered(&server, "intro", &both).await);
    let (status, body) = get_json(&server, &pinned("ada")).await;
    assert_eq!(status, 200, "{body}");
    assert!(!listed(&body), "{body}");
    let (status, body) = get_json(&server, &pinned("grace")).await;
    assert_eq!(status, 200, "{body}");
    assert!(listed(&body), "{body}");
    // Linus is a host, but not of this event type.
    for host in ["linus", "nobody"] {
        let (status, body) = get_json(&server, &pinned(host)).await;
        assert_eq!((status, error_code(&body).as_str()), (400, "invalid_host"));
    }

    // The booking page pinned to Ada offers the same times as her availability.
    let page = |host: &str| {
        let url = format!("{}/book/intro?host={host}&date={day}&tz=UTC", server.base);
        async move {
            client()
                .get(url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let radio = format!("value=\"{both}\"");
    let ada_page = page("ada").await;
    let grace_page = page("grace").await;
    assert!(grace_page.contains(&radio), "Grace's page offers {both}");
    assert!(
        !ada_page.contains(&radio),
        "Ada's page does not offer {both}"
    );
}
