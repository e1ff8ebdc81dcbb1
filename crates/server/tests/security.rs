//! Abuse and privacy over HTTP against the real binary: the confirmation page needs its
//! signed view token, sign-in answers do not tell accounts apart and an attacker cannot
//! keep the owner out, a new password ends other sessions, data files are private,
//! `check-config` with an SMTP URL, and no name or e-mail address ever reaches the logs.

mod common;

use std::{
    net::SocketAddr,
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use common::{
    admin::{add_user, input_value, Admin},
    binary, client, days_ahead, get_json, post_json, postgres_backend, TestServer,
};
use openslot::signing::Signer;
use serde_json::{json, Value};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

const SECRET: &str = "security-test-secret-0123456789-abcdefghijklmnop";
const PASSWORD: &str = "correct horse battery";

fn config(extra: &str) -> String {
    format!(
        r#"
[server]
trusted_proxies = ["127.0.0.1"]
[limits]
booking_per_minute = 0
[security]
secret = "{SECRET}"
[defaults]
mode = "instant"
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 0
[[event_types]]
slug = "consult"
title = "Consultation"
duration_minutes = 30
[[event_types.questions]]
id = "company"
label = "Company"
{extra}
"#
    )
}

async fn free_starts(server: &TestServer, day: i64) -> Vec<String> {
    let day = days_ahead(day);
    let (status, body) = get_json(
        server,
        &format!("/availability?event=consult&from={day}&to={day}"),
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

async fn book(server: &TestServer, start: &str, name: &str, email: &str) -> Value {
    let (status, body) = post_json(
        server,
        "/booking",
        &json!({"event": "consult", "start": start, "name": name, "email": email,
                "answers": {"company": "Secret Widgets Ltd"}}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

async fn page(server: &TestServer, path: &str) -> (u16, String) {
    let response = client().get(server.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn path_of(url: &str) -> String {
    let scheme = url.find("://").map_or(0, |i| i + 3);
    url[scheme..]
        .find('/')
        .map_or(url.to_string(), |i| url[scheme + i..].to_string())
}

// ----- 5: the confirmation page -----

#[tokio::test]
async fn the_confirmation_page_shows_a_booking_only_with_its_view_token() {
    let server = TestServer::start(&config(""));
    let starts = free_starts(&server, 3).await;
    let booking = book(&server, &starts[0], "Ada Lovelace", "ada@example.com").await;
    let other = book(&server, &starts[2], "Bo Other", "bo@example.com").await;
    let id = booking["id"].as_str().unwrap();
    // Every earlier field is still there, and the new link.
    for field in [
        "id",
        "status",
        "event",
        "start",
        "end",
        "manage_url",
        "name",
        "email",
    ] {
        assert!(!booking[field].is_null(), "{field} in {booking}");
    }
    let confirmation = booking["confirmation_url"].as_str().unwrap();
    assert!(
        confirmation.contains(&format!("/booking/{id}?t=")),
        "{confirmation}"
    );

    let private = [
        "Ada Lovelace",
        "ada@example.com",
        "Secret Widgets",
        "manage-link",
        "&#x2f;manage&#x2f;",
    ];
    let assert_neutral = |status: u16, html: &str, what: &str| {
        assert_eq!(status, 200, "{what}");
        for text in private {
            assert!(!html.contains(text), "{what}: {text} in {html}");
        }
        assert!(
            !html.contains("data-booking-id") && !html.contains("/manage/"),
            "{what}: {html}"
        );
        assert!(html.contains("confirmation e-mail"), "{what}: {html}");
    };
    let (status, html) = page(&server, &format!("/booking/{id}")).await;
    assert_neutral(status, &html, "bare id");

    let (status, html) = page(&server, &path_of(confirmation)).await;
    assert_eq!(status, 200);
    for text in private {
        assert!(html.contains(text), "{text} with the token: {html}");
    }
    assert!(html.contains("Consultation"));

    let token = confirmation.split("?t=").nth(1).unwrap();
    let signer = Signer::new(SECRET, &[]);
    let now = jiff::Timestamp::now().as_second();
    let mut forged = token.to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    let other_id = other["id"].as_str().unwrap();
    for (what, token) in [
        ("forged", forged),
        ("expired", signer.sign("view", id, now - 1)),
        (
            "another booking's",
            signer.sign("view", other_id, now + 3600),
        ),
        ("wrong scope", signer.sign("manage", id, now + 3600)),
        (
            "other key",
            Signer::new(&"x".repeat(40), &[]).sign("view", id, now + 3600),
        ),
        ("empty", String::new()),
    ] {
        let (status, html) = page(&server, &format!("/booking/{id}?t={token}")).await;
        assert_neutral(status, &html, what);
    }
    assert_eq!(page(&server, "/booking/no-such-id").await.0, 404);
}

// ----- 6: sign-in -----

struct SignIn {
    status: u16,
    retry_after: Option<u64>,
    /// The page with the e-mail address typed and the form token blanked.
    body: String,
}

async fn sign_in_from(server: &TestServer, client_ip: &str, email: &str, password: &str) -> SignIn {
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http
        .get(server.url("/admin/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = input_value(&form, "csrf").expect("csrf");
    let response = http
        .post(server.url("/admin/login"))
        .header("x-forwarded-for", client_ip)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("next", "/admin"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok());
    let body = response.text().await.unwrap();
    let token = input_value(&body, "csrf").unwrap_or_default();
    let body = body.replace(&token, "CSRF").replace(email, "EMAIL");
    SignIn {
        status,
        retry_after,
        body,
    }
}

#[tokio::test]
async fn sign_in_answers_are_the_same_for_every_account_and_the_owner_still_gets_in() {
    let server = TestServer::start(&config(
        "[admin]\nmax_failed_logins = 3\nlockout_minutes = 15\nlogin_per_minute = 40\n",
    ));
    assert!(add_user(&server, "owner@example.com", PASSWORD)
        .status
        .success());
    let attacker = "203.0.113.7";
    let mut seen = Vec::new();
    for attempt in 0..8 {
        let known = sign_in_from(&server, attacker, "owner@example.com", "wrong password!").await;
        let unknown = sign_in_from(&server, attacker, "ghost@example.com", "wrong password!").await;
        assert_eq!(known.status, unknown.status, "attempt {attempt}");
        assert_eq!(known.body, unknown.body, "attempt {attempt}");
        let (a, b) = (known.retry_after, unknown.retry_after);
        assert_eq!(a.is_some(), b.is_some(), "attempt {attempt}");
        assert!(a.unwrap_or(0).abs_diff(b.unwrap_or(0)) <= 1, "{a:?} {b:?}");
        seen.push(known.status);
    }
    assert_eq!(
        &seen[..3],
        [401, 401, 429],
        "waits start at the third failure"
    );
    assert!(seen[3..].iter().all(|status| *status == 429), "{seen:?}");
    // The right password from the attacker's address waits too: it tells nothing.
    let right = sign_in_from(&server, attacker, "owner@example.com", PASSWORD).await;
    let ghost = sign_in_from(&server, attacker, "ghost@example.com", PASSWORD).await;
    assert_eq!((right.status, &right.body), (ghost.status, &ghost.body));
    assert_eq!(right.status, 429);
    assert!(
        right.body.contains("Too many failed sign-ins"),
        "{}",
        right.body
    );

    // Meanwhile the owner signs in from home.
    let owner = sign_in_from(&server, "198.51.100.2", "owner@example.com", PASSWORD).await;
    assert_eq!(owner.status, 303, "{}", owner.body);

    // The attacker keeps hammering until the per-address limit answers; the owner still
    // gets in from elsewhere, and the limit's answer is the same for every account.
    let mut limited = None;
    for _ in 0..60 {
        let attempt = sign_in_from(&server, attacker, "owner@example.com", "guess").await;
        if attempt.body.contains("Too many sign-in attempts") {
            limited = Some(attempt);
            break;
        }
    }
    let limited = limited.expect("the per-address limit answers");
    assert_eq!(limited.status, 429);
    assert!(limited.retry_after.is_some());
    let unknown = sign_in_from(&server, attacker, "ghost@example.com", "guess").await;
    assert_eq!(
        (unknown.status, &unknown.body),
        (limited.status, &limited.body)
    );
    let owner = sign_in_from(&server, "198.51.100.3", "owner@example.com", PASSWORD).await;
    assert_eq!(owner.status, 303, "{}", owner.body);
}

// ----- 7: a new password ends other sessions -----

#[tokio::test]
async fn a_new_password_from_the_command_line_ends_every_session() {
    let server = TestServer::start(&config(""));
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let mut first = Admin::new(&server);
    assert_eq!(first.sign_in("ops@example.com", PASSWORD).await.0, 303);
    assert!(add_user(&server, "other@example.com", PASSWORD)
        .status
        .success());
    let mut bystander = Admin::new(&server);
    assert_eq!(
        bystander.sign_in("other@example.com", PASSWORD).await.0,
        303
    );
    assert_eq!(first.get("/admin").await.0, 200);
    let output = add_user(&server, "ops@example.com", "a brand new password");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(first.get("/admin").await.0, 303, "signed out");
    assert_eq!(bystander.get("/admin").await.0, 200, "another user is not");
    assert_eq!(
        first
            .sign_in("ops@example.com", "a brand new password")
            .await
            .0,
        303
    );
}

// ----- 8: file modes -----

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_and_the_outbox_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    // Files an older version left world-readable are tightened on start.
    let outbox = dir.join("outbox");
    std::fs::create_dir(&outbox).unwrap();
    std::fs::set_permissions(&outbox, std::fs::Permissions::from_mode(0o755)).unwrap();
    let old = outbox.join("old.eml");
    std::fs::write(&old, "Subject: old\r\n\r\nhello").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = TestServer::launch(common::Launch {
        config: Some(&config("[mail]\nops_inbox = \"ops@example.com\"\n")),
        dir,
        env: Vec::new(),
        use_config_database: false,
    });
    assert_eq!(mode(&outbox), 0o700);
    assert_eq!(mode(&old), 0o600);
    let starts = free_starts(&server, 2).await;
    book(&server, &starts[0], "Ada Lovelace", "ada@example.com").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let messages = loop {
        let messages: Vec<_> = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml") && *path != old)
            .collect();
        if messages.len() >= 2 || Instant::now() > deadline {
            break messages;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        messages.len() >= 2,
        "invitee and ops messages: {messages:?}"
    );
    for message in &messages {
        assert_eq!(mode(message), 0o600, "{}", message.display());
    }
    if !postgres_backend() {
        let database = dir.join("test.db");
        for path in [
            database.clone(),
            dir.join("test.db-wal"),
            dir.join("test.db-shm"),
        ] {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
}

#[cfg(unix)]
#[tokio::test]
async fn an_existing_database_file_is_tightened_on_start() {
    use std::os::unix::fs::PermissionsExt;
    if postgres_backend() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let database = temp.path().join("test.db");
    std::fs::write(&database, b"").unwrap();
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _server = TestServer::launch(common::Launch {
        config: Some(&config("")),
        dir: temp.path(),
        env: Vec::new(),
        use_config_database: false,
    });
    assert_eq!(mode(&database), 0o600);
    assert_eq!(mode(&temp.path().join("test.db-wal")), 0o600);
}

// ----- 9: check-config with an SMTP URL -----

#[test]
fn check_config_reads_an_smtp_url_without_connecting() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let temp = tempfile::tempdir().unwrap();
    let run = |url: &str| {
        let path = temp.path().join("check.toml");
        std::fs::write(
            &path,
            format!("[mail]\nsmtp_url = \"{url}\"\nops_inbox = \"ops@example.com\"\n"),
        )
        .unwrap();
        Command::new(binary())
            .arg("check-config")
            .arg(&path)
            .env_remove("OPENSLOT_CONFIG")
            .env_remove("OPENSLOT_SMTP_URL")
            .output()
            .unwrap()
    };
    for url in [
        format!("smtp://127.0.0.1:{port}"),
        format!("smtp://user:pass@127.0.0.1:{port}?tls=required"),
        "smtps://smtp.example.com:465".to_string(),
    ] {
        let output = run(&url);
        assert_eq!(output.status.code(), Some(0), "{url}: {output:?}");
    }
    assert!(
        matches!(listener.accept(), Err(err) if err.kind() == std::io::ErrorKind::WouldBlock),
        "check-config opened a connection"
    );
    for url in [
        "ftp://127.0.0.1:25",
        "smtp://127.0.0.1:2525?tls=sometimes",
        "not a url",
    ] {
        let output = run(url);
        assert_eq!(output.status.code(), Some(1), "{url}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("mail.smtp_url"), "{url}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

// ----- 11: nothing personal in the logs -----

/// An SMTP peer that refuses every recipient, repeating the address (as Postfix does).
async fn rejecting_smtp_peer() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                if write.write_all(b"220 reject.test ESMTP\r\n").await.is_err() {
                    return;
                }
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        "250-reject.test\r\n250 8BITMIME\r\n".to_string()
                    } else if upper.starts_with("RCPT TO:") {
                        let address = line[8..]
                            .trim()
                            .trim_start_matches('<')
                            .trim_end_matches('>');
                        format!(
                            "550 5.1.1 <{address}>: Recipient address rejected: {address} unknown\r\n"
                        )
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        "250 ok\r\n".to_string()
                    };
                    if write.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// Lines from the test's names and addresses that are in `logs`.
fn leaks(logs: &[String], needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for line in logs {
        for needle in needles {
            for form in [needle.to_string(), needle.to_lowercase()] {
                if line.contains(&form) {
                    found.push(format!("{form:?} in {line}"));
                }
            }
        }
    }
    found
}

const NAMES: [&str; 4] = [
    "Zoë Ångström-Quill",
    "Smith, John",
    "Ïñigo \"Tiny\" Quintana",
    "Ada Lovelace-Byron",
];
const EMAILS: [&str; 5] = [
    "Zoe.Angstrom@Example.org",
    "john.smith+test@example.net",
    "inigo.q@example.com",
    "ada.byron@example.com",
    "Owner.Admin@Example.com",
];

async fn exercise(server: &TestServer, day: i64) -> Vec<String> {
    let mut outputs = Vec::new();
    let starts = free_starts(server, day).await;
    // Through the page form (with its redirect and confirmation page)...
    let (_, form) = page(server, "/book/consult").await;
    let csrf = input_value(&form, "csrf").expect("form token");
    let response = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(server.url("/booking"))
        .header("origin", &server.base)
        .form(&[
            ("event", "consult"),
            ("csrf", csrf.as_str()),
            ("start", starts[0].as_str()),
            ("name", NAMES[0]),
            ("email", EMAILS[0]),
            ("answer_company", "Quill & Sons"),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(page(server, &location).await.0, 200);
    // ...and the API, including a validation failure that echoes nothing.
    let second = book(server, &starts[2], NAMES[1], EMAILS[1]).await;
    let third = book(server, &starts[4], NAMES[2], EMAILS[2]).await;
    let (status, _) = post_json(
        server,
        "/booking",
        &json!({"event": "consult", "start": starts[6], "name": NAMES[3], "email": "not-an-address@"}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = post_json(
        server,
        "/contact",
        &json!({"name": NAMES[3], "email": EMAILS[3], "message": "Call me", "preferred_times": "mornings"}),
    )
    .await;
    assert_eq!(status, 202);
    // Manage actions: view, reschedule, cancel.
    let manage = path_of(second["manage_url"].as_str().unwrap());
    assert_eq!(page(server, &manage).await.0, 200);
    let (status, body) = post_json(
        server,
        &format!("{manage}/reschedule"),
        &json!({"start": starts[8]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let manage = path_of(third["manage_url"].as_str().unwrap());
    let (status, body) = post_json(
        server,
        &format!("{manage}/cancel"),
        &json!({"reason": "Zoë is ill"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Admin: the command line, a wrong and a right password, a change on a booking.
    let output = add_user(server, EMAILS[4], PASSWORD);
    assert!(output.status.success(), "{output:?}");
    outputs.push(String::from_utf8_lossy(&output.stdout).to_string());
    outputs.push(String::from_utf8_lossy(&output.stderr).to_string());
    let bad = add_user(server, "Not An Address Zoë", PASSWORD);
    assert!(!bad.status.success());
    outputs.push(String::from_utf8_lossy(&bad.stderr).to_string());
    let mut admin = Admin::new(server);
    assert_eq!(admin.sign_in(EMAILS[4], "wrong password!").await.0, 401);
    assert_eq!(
        admin
            .sign_in(&EMAILS[4].to_lowercase(), "wrong password!")
            .await
            .0,
        401
    );
    assert_eq!(admin.sign_in(EMAILS[3], "wrong password!").await.0, 401);
    assert_eq!(admin.sign_in(EMAILS[4], PASSWORD).await.0, 303);
    let id = second["id"].as_str().unwrap();
    let (status, _, body) = admin
        .post(
            &format!("/admin/bookings/{id}/cancel"),
            &[("reason", "Smith, John asked")],
        )
        .await;
    assert!(status < 400, "{status} {body}");
    let (status, _) = admin.get(&format!("/admin/bookings?q={}", EMAILS[1])).await;
    assert_eq!(status, 200);
    outputs
}

async fn wait_for_log(server: &TestServer, message: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen = server
            .logs()
            .iter()
            .filter(|line| line.contains(message))
            .count();
        if seen >= count {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {count} {message:?}: {:#?}",
            server.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn no_name_or_address_reaches_the_logs() {
    let mut needles: Vec<&str> = NAMES.to_vec();
    needles.extend(EMAILS);
    needles.extend(["Zoë", "Ångström", "Quintana", "Lovelace", "Quill"]);
    let mut logs = Vec::new();

    // An SMTP server that rejects every recipient, repeating the address.
    let rejecting = rejecting_smtp_peer().await;
    let mail = |url: String| {
        format!(
            "[mail]\nsmtp_url = \"{url}\"\nops_inbox = \"ops.team@example.com\"\nmax_attempts = 2\nretry_base_seconds = 1\ntimeout_seconds = 5\n"
        )
    };
    let mut server = TestServer::start(&config(&mail(format!("smtp://{rejecting}"))));
    let mut outputs = exercise(&server, 2).await;
    wait_for_log(&server, "job dead", 6).await;
    server.stop();
    let rejected = server.logs();
    logs.extend(server.logs());

    // One that is down.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = down.local_addr().unwrap().port();
    drop(down);
    let mut server = TestServer::start(&config(&mail(format!("smtp://127.0.0.1:{port}"))));
    outputs.extend(exercise(&server, 3).await);
    wait_for_log(&server, "job dead", 6).await;
    server.stop();
    logs.extend(server.logs());
    logs.extend(outputs);

    assert!(logs.iter().any(|line| line.contains("booking created")));
    assert!(logs.iter().any(|line| line.contains("booking changed")));
    assert!(logs
        .iter()
        .any(|line| line.contains("admin sign-in failed")));
    let found = leaks(&logs, &needles);
    assert!(
        found.is_empty(),
        "personal data in the logs:\n{}",
        found.join("\n")
    );
    assert!(
        rejected.iter().any(|line| line.contains("job dead")
            && line.contains("<[address]>: Recipient address rejected")),
        "the rejection was logged, address blanked: {rejected:#?}"
    );
    // Nothing shaped like an address at all (the operator's own included).
    for line in &logs {
        assert_eq!(
            openslot::privacy::scrub_addresses(line),
            line.as_str(),
            "address-like text"
        );
    }
}
