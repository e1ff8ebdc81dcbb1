//! Several `openslot` instances on one PostgreSQL database: no double booking under
//! concurrent load, and background jobs shared between instances, surviving a crash.
//! Runs when `OPENSLOT_TEST_POSTGRES_URL` names a server (always in CI).

mod common;

use std::{collections::HashMap, time::Duration};

use common::smtp::SmtpPeer;
use common::{
    at, client, create_postgres_database, days_ahead, postgres_admin_url, with_database, Launch,
    TestServer,
};
use serde_json::json;
use sqlx::Connection;

fn config(mail: &str) -> String {
    format!(
        r##"
[limits]
booking_per_minute = 0
[database]
busy_refresh_seconds = 1
[mail]
{mail}
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 60
mode = "instant"
[[event_types]]
slug = "short"
title = "Short"
duration_minutes = 30
[[event_types]]
slug = "long"
title = "Long"
duration_minutes = 60
slot_step_minutes = 30
buffer_after_minutes = 15
[[event_types]]
slug = "double"
title = "Double"
duration_minutes = 90
slot_step_minutes = 30
"##
    )
}

fn fresh_database(admin: &str, label: &str) -> String {
    let name = format!("openslot_multi_{label}_{}", std::process::id());
    create_postgres_database(admin, &name);
    with_database(admin, &name)
}

fn start_instances(
    count: usize,
    config: &str,
    database: &str,
) -> (Vec<TestServer>, Vec<tempfile::TempDir>) {
    let mut servers = Vec::new();
    let mut dirs = Vec::new();
    for _ in 0..count {
        let dir = tempfile::tempdir().unwrap();
        servers.push(TestServer::launch(Launch {
            config: Some(config),
            dir: dir.path(),
            env: vec![("OPENSLOT_DATABASE_URL", database.to_string())],
            use_config_database: false,
        }));
        dirs.push(dir);
    }
    (servers, dirs)
}

#[tokio::test]
async fn three_instances_never_double_book_under_concurrent_load() {
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    let database = fresh_database(&admin, "book");
    let (servers, _dirs) = start_instances(3, &config(""), &database);
    let day = days_ahead(3);
    let http = client();
    let mut tasks = Vec::new();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for attempt in 0..300 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let (event, last_half_hour) = match seed % 3 {
            0 => ("short", 15),
            1 => ("long", 14),
            _ => ("double", 13),
        };
        let half_hours = (seed >> 8) % (last_half_hour + 1); // 09:00 + n * 30 min, ending by 17:00
        let minutes = 9 * 60 + half_hours * 30;
        let start = at(day, (minutes / 60) as i8, (minutes % 60) as i8);
        let url = servers[attempt % 3].url("/booking");
        let request = http.post(url).json(&json!({
            "event": event, "start": start, "name": format!("Guest {attempt}"),
            "email": format!("guest{attempt}@example.com"),
        }));
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.expect("request");
            response.status().as_u16()
        }));
    }
    let mut statuses: HashMap<u16, usize> = HashMap::new();
    for task in tasks {
        *statuses.entry(task.await.unwrap()).or_default() += 1;
    }
    assert!(
        statuses
            .keys()
            .all(|status| *status == 201 || *status == 409),
        "{statuses:?}"
    );
    let created = statuses.get(&201).copied().unwrap_or(0);
    assert!(created > 0, "{statuses:?}");

    let mut connection = sqlx::PgConnection::connect(&database).await.unwrap();
    let overlapping: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bookings a JOIN bookings b
           ON a.id < b.id AND a.host_id = b.host_id
         WHERE a.status IN ('requested', 'confirmed') AND b.status IN ('requested', 'confirmed')
           AND a.blocked_start < b.blocked_end AND b.blocked_start < a.blocked_end",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert_eq!(overlapping, 0, "no two active bookings overlap");
    let active: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bookings WHERE status IN ('requested', 'confirmed')",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert_eq!(active as usize, created, "every 201 is a stored booking");
}

#[tokio::test]
async fn instances_share_the_job_queue_and_take_over_a_crashed_one() {
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    let peer = SmtpPeer::start().await;
    let database = fresh_database(&admin, "jobs");
    let mail = format!(
        "smtp_url = \"{}\"\nops_inbox = \"ops@example.com\"\nfrom = \"Bookings <bookings@example.com>\"\nlease_seconds = 2\nretry_base_seconds = 1\nconcurrency = 1",
        peer.url()
    );
    let text = config(&mail);
    // Hold the mail back while the queue fills, so all three instances find work waiting.
    peer.set_down(true);
    let (mut servers, _dirs) = start_instances(3, &text, &database);
    let http = client();
    let day = days_ahead(5);
    let mut created = 0;
    for index in 0..100u32 {
        let day = day
            .checked_add(jiff::ToSpan::days(i64::from(index / 16)))
            .unwrap();
        let minutes = 9 * 60 + (index % 16) * 30;
        let response = http
            .post(servers[(index % 3) as usize].url("/booking"))
            .json(&json!({"event": "short", "start": at(day, (minutes / 60) as i8, (minutes % 60) as i8),
                          "name": format!("Guest {index}"), "email": format!("guest{index}@example.com")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        created += 1;
    }
    assert_eq!(created, 100, "200 messages queued (ops + invitee each)");
    peer.set_down(false);
    // Let delivery get going, then crash one instance mid-way.
    peer.wait_for_count(30, Duration::from_secs(60)).await;
    servers[0].kill();
    let messages = peer.wait_for_count(200, Duration::from_secs(90)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let messages = if peer.count() > messages.len() {
        peer.messages()
    } else {
        messages
    };
    let mut ids: Vec<String> = messages
        .iter()
        .map(|raw| common::smtp::header(&raw.data, "Message-ID").expect("Message-ID"))
        .collect();
    ids.sort();
    let total = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), 200, "every queued message was delivered");
    // A message the crashed instance had handed to SMTP but not yet marked done is sent
    // again by its successor (at-least-once): at most one per delivery it had in flight,
    // so one with `concurrency = 1`; nothing else is ever sent twice.
    assert!(total - ids.len() <= 1, "{} duplicates", total - ids.len());
    let mut connection = sqlx::PgConnection::connect(&database).await.unwrap();
    let pending: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'mail' AND state <> 'done'
           AND payload->>'message' <> 'invitee_reminder'",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert_eq!(pending, 0);
    let busy_instances = servers[1..]
        .iter()
        .filter(|server| {
            server
                .logs()
                .iter()
                .any(|line| line.contains("\"job done\""))
        })
        .count();
    assert_eq!(busy_instances, 2, "both surviving instances delivered mail");
}

/// `openslot admin create-token` against a shared database.
fn token_for(database: &str) -> String {
    let output = std::process::Command::new(common::binary())
        .args(["admin", "create-token", "multi"])
        .env_remove("OPENSLOT_CONFIG")
        .env("OPENSLOT_DATABASE_URL", database)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[tokio::test]
async fn an_event_type_edited_on_one_instance_applies_on_the_others_and_sessions_are_shared() {
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    let database = fresh_database(&admin, "catalog");
    let (servers, _dirs) = start_instances(2, &config("outbox_dir = \"outbox\""), &database);
    let token = token_for(&database);
    let day = days_ahead(2);
    let path = format!("/availability?event=short&from={day}&to={day}");
    let edited = client()
        .put(servers[0].url("/api/v1/event-types/short"))
        .bearer_auth(&token)
        .json(
            &json!({"title": "Short", "duration_minutes": 30, "hours": ["13:00-14:00"],
                      "timezone": "UTC", "min_lead_minutes": 60,
                      "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status().as_u16(), 200);
    let starts = |body: &serde_json::Value| -> Vec<String> {
        body["slots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|slot| slot["start"].as_str().unwrap().to_string())
            .collect()
    };
    let expected = vec![at(day, 13, 0), at(day, 13, 30)];
    let (_, body) = common::get_json(&servers[0], &path).await;
    assert_eq!(
        starts(&body),
        expected,
        "at once on the instance that saved it"
    );
    // The other instance reloads event types on its refresh tick (1 s here).
    let mut seen = Vec::new();
    for _ in 0..100 {
        let (_, body) = common::get_json(&servers[1], &path).await;
        seen = starts(&body);
        if seen == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen, expected, "the second instance picked up the edit");

    // A session started on one instance is valid on the other (sessions live in the database).
    let output = {
        use std::io::Write;
        let mut child = std::process::Command::new(common::binary())
            .args(["admin", "add-user", "ops@example.com"])
            .env_remove("OPENSLOT_CONFIG")
            .env("OPENSLOT_DATABASE_URL", &database)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"shared password 1\n")
            .unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(output.status.success());
    let mut first = common::admin::Admin::new(&servers[0]);
    assert_eq!(
        first
            .sign_in("ops@example.com", "shared password 1")
            .await
            .0,
        303
    );
    let mut second = common::admin::Admin::new(&servers[1]);
    second.cookie = first.cookie.clone();
    let (status, page) = second.get("/admin/event-types").await;
    assert_eq!(status, 200);
    assert!(page.contains("Short"));
}
