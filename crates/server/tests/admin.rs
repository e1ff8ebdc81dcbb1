//! The admin side over HTTP against the real binary: authentication (sessions, CSRF,
//! lockout, rate limit, tokens), every admin action through the pages and through
//! `/api/v1`, event types stored in the database and changed live, the audit log, the
//! funnel, CSV export and failed-job retry.

mod common;

use common::{
    admin::{add_user, create_token, input_value, Admin, Api},
    at, days_ahead, error_code, get_json, post_json, TestServer,
};
use reqwest::Method;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

const CONFIG: &str = r#"
[limits]
booking_per_minute = 0
[admin]
max_failed_logins = 3
login_per_minute = 6
[defaults]
mode = "request"
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
[[event_types]]
slug = "quick"
title = "Quick call"
duration_minutes = 15
mode = "instant"
[mail]
smtp_url = "smtp://127.0.0.1:1"
max_attempts = 1
ops_inbox = "ops@example.com"
"#;

fn starts(body: &Value) -> Vec<String> {
    body["slots"]
        .as_array()
        .unwrap_or_else(|| panic!("slots in {body}"))
        .iter()
        .map(|slot| slot["start"].as_str().unwrap().to_string())
        .collect()
}

async fn book(server: &TestServer, event: &str, start: &str, name: &str, email: &str) -> Value {
    let body = json!({"event": event, "start": start, "name": name, "email": email, "timezone": "Europe/London"});
    let (status, body) = post_json(server, "/booking", &body).await;
    assert_eq!(status, 201, "{body}");
    body
}

async fn signed_in(server: &TestServer) -> Admin {
    let output = add_user(server, "Ops@Example.com", PASSWORD);
    assert!(output.status.success(), "{output:?}");
    let mut admin = Admin::new(server);
    let (status, body) = admin.sign_in("ops@example.com", PASSWORD).await;
    assert_eq!(status, 303, "{body}");
    admin
}

#[tokio::test]
async fn nothing_admin_is_served_without_a_session_or_token() {
    let server = TestServer::start(CONFIG);
    let anonymous = Admin::new(&server);
    for path in [
        "/admin",
        "/admin/bookings",
        "/admin/bookings.csv",
        "/admin/bookings/x",
        "/admin/event-types",
        "/admin/event-types/new",
        "/admin/event-types/consult",
        "/admin/audit",
        "/admin/tokens",
    ] {
        let (status, body) = anonymous.get(path).await;
        assert_eq!(status, 303, "{path}: {body}");
        assert!(!body.contains("Consultation"), "{path} leaks content");
    }
    for path in [
        "/admin/bookings/x/cancel",
        "/admin/event-types",
        "/admin/event-types/consult",
        "/admin/event-types/consult/disable",
        "/admin/jobs/x/retry",
        "/admin/tokens",
        "/admin/logout",
    ] {
        let (status, _, _) = anonymous.post_raw(path, &[("csrf", "x")]).await;
        assert_eq!(status, 401, "{path}");
    }
    // A forged cookie is no session.
    let mut forged = Admin::new(&server);
    forged.cookie = Some(format!("openslot_admin={}", "a".repeat(64)));
    assert_eq!(forged.get("/admin").await.0, 303);

    let token = create_token(&server, "automation");
    assert!(token.starts_with("os_") && token.len() > 60, "{token}");
    for path in [
        "/api/v1/bookings",
        "/api/v1/event-types",
        "/api/v1/dashboard",
        "/api/v1/audit",
        "/api/v1/jobs/failed",
        "/api/v1/bookings.csv",
    ] {
        let (status, body) = get_json(&server, path).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(error_code(&body), "unauthorized");
        let (status, _) = Api::new(&server, "os_wrong").get(path).await;
        assert_eq!(status, 401, "{path}");
        let (status, body) = Api::new(&server, &token).get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, body) = Api::new(&server, "os_wrong")
        .post("/api/v1/event-types", &json!({}))
        .await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_checks_csrf_and_slows_down_guessing() {
    let server = TestServer::start(CONFIG);
    let admin = signed_in(&server).await;
    let cookie = admin.set_cookie.clone();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/admin"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http test server: {cookie}"
    );
    let (status, page) = admin.get("/admin").await;
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Dashboard</h1>"), "{page}");
    assert!(!page.contains("Something went wrong"));

    // Forms need the session's CSRF token.
    let start = starts(
        &get_json(
            &server,
            &format!("/availability?event=consult&from={0}&to={0}", days_ahead(2)),
        )
        .await
        .1,
    )[0]
    .clone();
    let booking = book(&server, "consult", &start, "Ada", "ada@example.com").await;
    let id = booking["id"].as_str().unwrap();
    for csrf in ["", "wrong", &"0".repeat(64)] {
        let (status, _, body) = admin
            .post_raw(&format!("/admin/bookings/{id}/cancel"), &[("csrf", csrf)])
            .await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("csrf_failed"), "{body}");
    }
    let (_, detail) = admin.get(&format!("/admin/bookings/{id}")).await;
    assert!(
        detail.contains("id=\"booking-status\">requested"),
        "unchanged"
    );
    // The sign-in form's own token is checked too.
    let (status, _, _) = admin
        .post_raw(
            "/admin/login",
            &[
                ("csrf", "forged"),
                ("email", "ops@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 403);

    // Sign out: the cookie stops working.
    let (status, location, _) = admin.post("/admin/logout", &[]).await;
    assert_eq!((status, location.as_str()), (303, "/admin/login?out=1"));
    assert_eq!(admin.get("/admin").await.0, 303);

    // After max_failed_logins (3) wrong passwords this address waits before trying this
    // account again, even with the right password; the answers are those of an unknown
    // account (see tests/security.rs for the owner signing in from elsewhere meanwhile).
    let mut attacker = Admin::new(&server);
    for _ in 0..2 {
        let (status, body) = attacker.sign_in("ops@example.com", "wrong password!").await;
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("do not match"));
    }
    let (status, body) = attacker.sign_in("ops@example.com", "wrong password!").await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("Too many failed sign-ins"), "{body}");
    let (status, body) = attacker.sign_in("ops@example.com", PASSWORD).await;
    assert_eq!(status, 429, "waiting even with the right password: {body}");
    assert!(attacker.cookie.is_none());
    // Unknown users get the same answer as wrong passwords.
    let (status, body) = attacker.sign_in("nobody@example.com", PASSWORD).await;
    assert_eq!(status, 401, "{body}");
    // Then the per-address limit (6 per minute) answers 429 with Retry-After.
    let (status, body) = attacker.sign_in("nobody@example.com", PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("Too many sign-in attempts"), "{body}");

    // The CLI sets a new password for an existing user; short passwords are refused.
    let output = add_user(&server, "ops@example.com", "another password 1");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("updated"));
    let short = add_user(&server, "new@example.com", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10"));
}

#[tokio::test]
async fn the_cookie_is_secure_behind_https() {
    let config = format!("[server]\npublic_url = \"https://book.example.com\"\n{CONFIG}");
    let server = TestServer::start(&config);
    let admin = signed_in(&server).await;
    assert!(
        admin.set_cookie.contains("; Secure"),
        "{}",
        admin.set_cookie
    );
}

#[tokio::test]
async fn bookings_are_listed_answered_moved_cancelled_and_exported_from_the_pages() {
    let server = TestServer::start(CONFIG);
    let admin = signed_in(&server).await;
    let day = days_ahead(3);
    let offered = starts(
        &get_json(
            &server,
            &format!("/availability?event=consult&from={day}&to={day}"),
        )
        .await
        .1,
    );
    let first = book(
        &server,
        "consult",
        &offered[0],
        "Ada Lovelace",
        "ada@example.com",
    )
    .await;
    let second = book(
        &server,
        "consult",
        &offered[4],
        "Grace Hopper",
        "grace@example.com",
    )
    .await;
    let third = book(
        &server,
        "consult",
        &offered[8],
        "Edsger =cmd Dijkstra",
        "edsger@example.com",
    )
    .await;
    let (first_id, second_id, third_id) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
        third["id"].as_str().unwrap(),
    );

    // Dashboard lists the waiting requests.
    let (_, dashboard) = admin.get("/admin").await;
    assert!(
        dashboard.contains("Awaiting your answer (3)"),
        "{dashboard}"
    );
    assert!(dashboard.contains(&format!("/admin/bookings/{first_id}/approve")));

    // Approve, decline with a message.
    let (status, location, _) = admin
        .post(&format!("/admin/bookings/{first_id}/approve"), &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (
            303,
            format!("/admin/bookings/{first_id}?done=approve").as_str()
        )
    );
    let (status, _, _) = admin
        .post(
            &format!("/admin/bookings/{second_id}/decline"),
            &[("message", "Fully booked that week")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page) = admin.get(&format!("/admin/bookings/{first_id}")).await;
    assert!(page.contains("id=\"booking-status\">confirmed"), "{page}");
    assert!(
        page.contains("booking.approve</strong> by admin:ops@example.com"),
        "history: {page}"
    );
    let (_, page) = admin.get(&format!("/admin/bookings/{second_id}")).await;
    assert!(
        page.contains("id=\"booking-status\">declined") && page.contains("Fully booked that week")
    );
    // Answering twice is harmless; cancelling a declined one is too (nothing to do).
    assert_eq!(
        admin
            .post(&format!("/admin/bookings/{first_id}/approve"), &[])
            .await
            .0,
        303
    );

    // Reschedule onto the declined booking's freed time, then onto a taken one (409).
    let (status, location, body) = admin
        .post(
            &format!("/admin/bookings/{first_id}/reschedule"),
            &[("start", offered[4].as_str())],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert!(location.ends_with("?done=reschedule"));
    let (status, _, body) = admin
        .post(
            &format!("/admin/bookings/{first_id}/reschedule"),
            &[("start", offered[8].as_str())],
        )
        .await;
    assert_eq!(status, 409, "taken by the third booking: {body}");
    assert!(body.contains("just been booked"), "{body}");
    let (status, _, _) = admin
        .post(
            &format!("/admin/bookings/{first_id}/reschedule"),
            &[("start", "tomorrow")],
        )
        .await;
    assert_eq!(status, 422);
    let (_, body) = get_json(
        &server,
        &format!("/availability?event=consult&from={day}&to={day}"),
    )
    .await;
    let now_offered = starts(&body);
    assert!(
        !now_offered.contains(&offered[4]),
        "moved booking holds its new time"
    );
    assert!(now_offered.contains(&offered[0]), "old time freed");

    // Cancel on the invitee's behalf, with a reason.
    let (status, _, _) = admin
        .post(
            &format!("/admin/bookings/{third_id}/cancel"),
            &[("message", "Host unwell")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page) = admin.get(&format!("/admin/bookings/{third_id}")).await;
    assert!(page.contains("id=\"booking-status\">cancelled"));
    let (status, _, _) = admin
        .post(&format!("/admin/bookings/{third_id}/explode"), &[])
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = admin.post("/admin/bookings/nope/cancel", &[]).await;
    assert_eq!(status, 404);

    // List filters.
    let (_, list) = admin.get("/admin/bookings?status=confirmed").await;
    assert!(
        list.contains("Ada Lovelace") && !list.contains("Grace Hopper"),
        "{list}"
    );
    let (_, list) = admin.get("/admin/bookings?q=GRACE").await;
    assert!(list.contains("Grace Hopper") && !list.contains("Ada Lovelace"));
    let (_, list) = admin
        .get(&format!(
            "/admin/bookings?from={day}&to={day}&event=consult"
        ))
        .await;
    assert!(list.contains("3 bookings"), "{list}");
    let (_, list) = admin
        .get(&format!("/admin/bookings?from={}", days_ahead(4)))
        .await;
    assert!(list.contains("0 bookings"), "{list}");
    let (status, _) = admin.get("/admin/bookings?from=someday").await;
    assert_eq!(status, 422);

    // CSV export: a header and one row per booking, formula-safe.
    let (status, csv) = admin.get("/admin/bookings.csv").await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("id,status,event,start,end,name,email"));
    assert!(
        csv.contains(first_id)
            && csv.contains("declined")
            && csv.contains("Fully booked that week")
    );
    let (_, csv) = admin.get("/admin/bookings.csv?q=edsger").await;
    assert_eq!(csv.lines().count(), 2, "{csv}");

    // Every action is in the audit log with before and after.
    let (_, audit) = admin.get("/admin/audit").await;
    for action in [
        "booking.approve",
        "booking.decline",
        "booking.reschedule",
        "booking.cancel",
        "booking.export",
        "admin.sign_in",
    ] {
        assert!(
            audit.contains(action),
            "{action} missing from the audit log"
        );
    }
    assert!(
        audit.contains("&quot;status&quot;:&quot;requested&quot;")
            && audit.contains("&quot;status&quot;:&quot;confirmed&quot;"),
        "before/after shown"
    );
    let (_, filtered) = admin
        .get(&format!("/admin/audit?target=booking:{third_id}"))
        .await;
    assert!(filtered.contains("booking.cancel") && !filtered.contains("booking.approve"));
}

#[tokio::test]
async fn event_types_are_created_edited_and_disabled_live_and_audited() {
    let server = TestServer::start(CONFIG);
    let admin = signed_in(&server).await;
    let day = days_ahead(2);
    let path = |event: &str| format!("/availability?event={event}&from={day}&to={day}");

    // Seeded from the config file.
    let (_, page) = admin.get("/admin/event-types").await;
    assert!(page.contains("Consultation") && page.contains("Quick call"));
    let (status, form) = admin.get("/admin/event-types/consult").await;
    assert_eq!(status, 200);
    assert_eq!(input_value(&form, "hours").as_deref(), Some("09:00-17:00"));
    assert!(
        form.contains("company | Company | text | optional"),
        "questions in the form"
    );

    // Edit: new hours, a closed override tomorrow+1, a required select question.
    let closed = days_ahead(3);
    let edit = |hours: &'static str| {
        vec![
            ("title", "Consultation (edited)".to_string()),
            ("duration_minutes", "30".into()),
            ("slot_step_minutes", "30".into()),
            ("buffer_before_minutes", "0".into()),
            ("buffer_after_minutes", "0".into()),
            ("max_per_day", "".into()),
            ("timezone", "UTC".into()),
            ("hours", hours.into()),
            ("weekdays", "mon".into()), ("weekdays", "tue".into()), ("weekdays", "wed".into()),
            ("weekdays", "thu".into()), ("weekdays", "fri".into()), ("weekdays", "sat".into()), ("weekdays", "sun".into()),
            ("lookahead_days", "30".into()),
            ("min_lead_minutes", "0".into()),
            ("mode", "request".into()),
            ("change_cutoff_hours", "24".into()),
            ("request_expiry_hours", "48".into()),
            ("overrides", format!("{closed}: closed")),
            ("questions", "company | Company | text | optional\ntopic | Topic | select | required | Tax, Audit".into()),
            ("enabled", "1".into()),
        ]
    };
    let fields = edit("13:00-14:00");
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, body) = admin.post("/admin/event-types/consult", &borrowed).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/event-types/consult?saved=1"),
        "{body}"
    );
    let (_, body) = get_json(&server, &path("consult")).await;
    assert_eq!(
        starts(&body),
        [at(day, 13, 0), at(day, 13, 30)],
        "new hours apply at once"
    );
    let (_, body) = get_json(
        &server,
        &format!("/availability?event=consult&from={closed}&to={closed}"),
    )
    .await;
    assert!(starts(&body).is_empty(), "override closes the date");
    // The new required question is enforced on bookings.
    let (status, body) = post_json(&server, "/booking", &json!({"event": "consult", "start": at(day, 13, 0), "name": "Ada", "email": "ada@example.com"})).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["fields"]["answers.topic"].is_string(),
        "{body}"
    );

    // Invalid edits are refused with the field named and nothing changes.
    let fields = edit("17:00-09:00");
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, body) = admin.post("/admin/event-types/consult", &borrowed).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("id=\"e-hours\""), "hours error shown: {body}");
    assert!(body.contains("17:00-09:00"), "typed value kept");
    let (_, body) = get_json(&server, &path("consult")).await;
    assert_eq!(starts(&body).len(), 2, "unchanged after a refused edit");

    // Create a new type; it is bookable at once.
    let mut fields = edit("10:00-11:00");
    fields.push(("slug", "workshop".into()));
    fields[0].1 = "Workshop".into();
    fields.retain(|(key, _)| *key != "overrides" && *key != "questions");
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, body) = admin.post("/admin/event-types", &borrowed).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/event-types/workshop?saved=1"),
        "{body}"
    );
    let (status, body) = get_json(&server, &path("workshop")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(starts(&body), [at(day, 10, 0), at(day, 10, 30)]);
    // Creating it twice is a conflict.
    let (status, _, _) = admin.post("/admin/event-types", &borrowed).await;
    assert_eq!(status, 409);

    // Disable: gone from the public side, bookings of it still manageable.
    let booked = book(
        &server,
        "quick",
        &starts(&get_json(&server, &path("quick")).await.1)[0],
        "Lin",
        "lin@example.com",
    )
    .await;
    let (status, _, _) = admin.post("/admin/event-types/quick/disable", &[]).await;
    assert_eq!(status, 303);
    let (status, body) = get_json(&server, &path("quick")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "event_not_found")
    );
    let home = common::client()
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !home.contains("Quick call") && home.contains("Workshop"),
        "{home}"
    );
    assert_eq!(
        common::client()
            .get(server.url("/book/quick"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let manage_url = booked["manage_url"].as_str().unwrap();
    let manage_path = &manage_url[manage_url.find("/manage/").unwrap()..];
    let manage = common::client()
        .get(server.url(manage_path))
        .send()
        .await
        .unwrap();
    assert_eq!(
        manage.status().as_u16(),
        200,
        "existing bookings still open"
    );
    assert_eq!(
        admin.post("/admin/event-types/quick/enable", &[]).await.0,
        303
    );
    assert_eq!(get_json(&server, &path("quick")).await.0, 200);

    // Audited with before and after.
    let token = create_token(&server, "ops-script");
    let api = Api::new(&server, &token);
    let (_, audit) = api.get("/api/v1/audit?target=event_type:consult").await;
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["action"], "event_type.update");
    assert_eq!(entries[0]["actor"], "admin:ops@example.com");
    assert_eq!(
        entries[0]["before"]["definition"]["hours"],
        json!(["09:00-17:00"])
    );
    assert_eq!(
        entries[0]["after"]["definition"]["hours"],
        json!(["13:00-14:00"])
    );
    // Utilisation measures each period against the hours then in force (from the audit
    // log): last week against 09:00-17:00, next week against the edited 13:00-14:00.
    let offered_hours = |body: &Value| -> std::collections::BTreeSet<i64> {
        body["heatmap"]
            .as_array()
            .unwrap_or_else(|| panic!("heatmap in {body}"))
            .iter()
            .filter(|cell| cell["offered"].as_i64() > Some(0))
            .map(|cell| cell["hour"].as_i64().unwrap())
            .collect()
    };
    let dashboard = |from: i64, to: i64| {
        format!(
            "/api/v1/dashboard?event=consult&from={}&to={}",
            days_ahead(from),
            days_ahead(to)
        )
    };
    let (status, past) = api.get(&dashboard(-7, -1)).await;
    assert_eq!(status, 200, "{past}");
    assert_eq!(offered_hours(&past), (9..17).collect(), "{past}");
    let (_, future) = api.get(&dashboard(4, 10)).await;
    assert_eq!(offered_hours(&future), [13].into(), "{future}");
    let (_, audit) = api.get("/api/v1/audit?target=event_type:quick").await;
    assert_eq!(audit["entries"][0]["action"], "event_type.update");
    assert_eq!(audit["entries"][0]["after"]["enabled"], true);
    assert_eq!(audit["entries"][1]["after"]["enabled"], false);
}

#[tokio::test]
async fn editing_an_event_type_in_the_form_keeps_its_hosts() {
    let config = CONFIG.replace(
        "[[event_types]]\nslug = \"consult\"\ntitle = \"Consultation\"\nduration_minutes = 30\n",
        "[[hosts]]\nid = \"ada\"\nname = \"Ada\"\nemail = \"ada@example.com\"\n\
         [[hosts]]\nid = \"grace\"\nname = \"Grace\"\nemail = \"grace@example.com\"\n\
         [[event_types]]\nslug = \"consult\"\ntitle = \"Consultation\"\nduration_minutes = 30\n\
         hosts = [\"grace\", \"ada\"]\nweights = { grace = 3 }\nfairness_window_days = 9\n",
    );
    assert!(config.contains("[[hosts]]"));
    let server = TestServer::start(&config);
    let admin = signed_in(&server).await;
    let token = create_token(&server, "t");
    let api = Api::new(&server, &token);
    let fields = [
        ("title", "Consultation (edited)"),
        ("duration_minutes", "30"),
        ("timezone", "UTC"),
        ("hours", "10:00-12:00"),
        ("weekdays", "mon"),
        ("mode", "request"),
        ("enabled", "1"),
    ];
    let (status, _, body) = admin.post("/admin/event-types/consult", &fields).await;
    assert_eq!(status, 303, "{body}");
    let (status, body) = api.get("/api/v1/event-types/consult").await;
    assert_eq!(status, 200, "{body}");
    let definition = &body["definition"];
    assert_eq!(definition["title"], "Consultation (edited)", "{body}");
    assert_eq!(definition["hosts"], json!(["grace", "ada"]), "{body}");
    assert_eq!(definition["assignment"], "round_robin", "{body}");
    assert_eq!(definition["weights"], json!({"grace": 3}), "{body}");
    assert_eq!(definition["fairness_window_days"], 9, "{body}");
    // The stored definition of the other type leaves `hosts` unset: every host.
    let (_, body) = api.get("/api/v1/event-types/quick").await;
    assert!(body["definition"].get("hosts").is_none(), "{body}");

    // Through the API, an unknown host is refused with the field named.
    let (status, body) = api
        .send(
            Method::PUT,
            "/api/v1/event-types/consult",
            Some(&json!({"title": "C", "duration_minutes": 30, "hosts": ["ada", "bob"]})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["hosts"].is_string(), "{body}");
}

#[tokio::test]
async fn edits_survive_a_restart_and_the_config_only_seeds() {
    let temp = tempfile::tempdir().unwrap();
    let launch = |config: &'static str| {
        common::TestServer::launch(common::Launch {
            config: Some(config),
            dir: temp.path(),
            env: Vec::new(),
            use_config_database: false,
        })
    };
    let mut server = launch(CONFIG);
    let token = create_token(&server, "t");
    let api = Api::new(&server, &token);
    let (status, body) = api.send(Method::PUT, "/api/v1/event-types/consult", Some(&json!({
        "title": "Consultation", "duration_minutes": 45, "hours": ["10:00-12:00"], "timezone": "UTC",
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "min_lead_minutes": 0,
    }))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(server.stop().code(), Some(0));
    // Restart with a config that lists other types: the database keeps what was edited.
    let mut server =
        launch("[[event_types]]\nslug = \"other\"\ntitle = \"Other\"\nduration_minutes = 20\n");
    let day = days_ahead(2);
    let (status, body) = get_json(
        &server,
        &format!("/availability?event=consult&from={day}&to={day}"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["duration_minutes"], 45);
    assert_eq!(starts(&body), [at(day, 10, 0), at(day, 10, 45)]);
    assert_eq!(get_json(&server, "/availability?event=other").await.0, 404);
    server.stop();
}

#[tokio::test]
async fn the_api_does_what_the_pages_do() {
    let server = TestServer::start(CONFIG);
    let token = create_token(&server, "nightly");
    let api = Api::new(&server, &token);
    let day = days_ahead(2);

    // Funnel inputs: 2 page views, 3 availability loads, 2 attempts (1 invalid).
    for _ in 0..2 {
        assert_eq!(
            common::client()
                .get(server.url("/book/consult"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            200
        );
    }
    let mut offered = Vec::new();
    for _ in 0..3 {
        offered = starts(
            &get_json(
                &server,
                &format!("/availability?event=consult&from={day}&to={day}"),
            )
            .await
            .1,
        );
    }
    let (status, _) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": offered[0], "name": "", "email": "x"}),
    )
    .await;
    assert_eq!(status, 422);
    let booking = book(
        &server,
        "consult",
        &offered[0],
        "Ada Lovelace",
        "ada@example.com",
    )
    .await;
    let id = booking["id"].as_str().unwrap().to_string();

    let (status, dashboard) = api
        .get(&format!(
            "/api/v1/dashboard?event=consult&from={}&to={}",
            days_ahead(-1),
            days_ahead(3)
        ))
        .await;
    assert_eq!(status, 200, "{dashboard}");
    let row = &dashboard["funnel"][0];
    assert_eq!(row["event"], "consult", "{dashboard}");
    assert_eq!(
        (
            row["page_views"].as_i64(),
            row["availability_loads"].as_i64(),
            row["attempts"].as_i64(),
            row["created"].as_i64(),
            row["confirmed"].as_i64()
        ),
        (Some(2), Some(3), Some(2), Some(1), Some(0)),
        "{row}"
    );
    assert_eq!(row["rates"]["created_per_attempt"], 50.0);
    assert_eq!(dashboard["pending"][0]["id"], id.as_str());
    assert!(dashboard["heatmap"]
        .as_array()
        .unwrap()
        .iter()
        .any(|cell| cell["booked"] == 1));
    let (status, body) = api.get("/api/v1/dashboard?from=2026-02-30").await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "validation_failed")
    );

    // Bookings: list, filter, detail with history, approve → confirmed counted.
    let (_, list) = api.get("/api/v1/bookings?status=requested&q=ada").await;
    assert_eq!(list["total"], 1, "{list}");
    let (status, body) = api
        .post(&format!("/api/v1/bookings/{id}/approve"), &json!({}))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("confirmed")),
        "{body}"
    );
    let (_, dashboard) = api
        .get(&format!(
            "/api/v1/dashboard?event=consult&from={}&to={}",
            days_ahead(-1),
            days_ahead(1)
        ))
        .await;
    assert_eq!(dashboard["funnel"][0]["confirmed"], 1);
    let (status, body) = api
        .post(
            &format!("/api/v1/bookings/{id}/reschedule"),
            &json!({"start": offered[2]}),
        )
        .await;
    assert_eq!(
        (status, body["start"].as_str()),
        (200, Some(offered[2].as_str())),
        "{body}"
    );
    let (status, body) = api
        .post(
            &format!("/api/v1/bookings/{id}/reschedule"),
            &json!({"start": 5}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "validation_failed")
    );
    let (status, body) = api
        .post(
            &format!("/api/v1/bookings/{id}/cancel"),
            &json!({"reason": "Moved abroad"}),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str(), body["reason"].as_str()),
        (200, Some("cancelled"), Some("Moved abroad"))
    );
    let (_, detail) = api.get(&format!("/api/v1/bookings/{id}")).await;
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "booking.create",
            "booking.approve",
            "booking.reschedule",
            "booking.cancel"
        ]
    );
    assert!(detail["history"][1]["actor"]
        .as_str()
        .unwrap()
        .starts_with("token:nightly"));
    let (status, body) = api.get("/api/v1/bookings/missing").await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "booking_not_found")
    );
    let response = common::client()
        .get(server.url("/api/v1/bookings.csv"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(response.text().await.unwrap().lines().count(), 2);

    // Event types: create, read, update, disable; bad definitions are 422.
    let (status, body) = api.post("/api/v1/event-types", &json!({"slug": "intro", "title": "Intro", "duration_minutes": 20, "hours": ["08:00-09:00"], "timezone": "UTC", "weekdays": ["mon","tue","wed","thu","fri","sat","sun"], "min_lead_minutes": 0})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["definition"]["slot_step_minutes"], 20,
        "defaults written out"
    );
    let (_, body) = get_json(
        &server,
        &format!("/availability?event=intro&from={day}&to={day}"),
    )
    .await;
    assert_eq!(
        starts(&body),
        [at(day, 8, 0), at(day, 8, 20), at(day, 8, 40)]
    );
    let (status, body) = api.post("/api/v1/event-types", &json!({"slug": "bad", "title": "Bad", "duration_minutes": 20, "timezone": "Mars/Base"})).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["timezone"].is_string(), "{body}");
    let (status, body) = api
        .post(
            "/api/v1/event-types",
            &json!({"slug": "Bad Slug", "title": "x", "duration_minutes": 20}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = api
        .post(
            "/api/v1/event-types",
            &json!({"slug": "x", "title": "x", "duration_minutes": 20, "colour": "red"}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "validation_failed"),
        "unknown keys refused"
    );
    let (status, body) = api
        .send(
            Method::PUT,
            "/api/v1/event-types/intro",
            Some(&json!({"slug": "renamed", "title": "x", "duration_minutes": 20})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = api
        .post("/api/v1/event-types/intro/disable", &json!({}))
        .await;
    assert_eq!((status, body["enabled"].as_bool()), (200, Some(false)));
    assert_eq!(get_json(&server, "/availability?event=intro").await.0, 404);
    let (status, body) = api.get("/api/v1/event-types/intro").await;
    assert_eq!((status, body["enabled"].as_bool()), (200, Some(false)));
    let (status, _) = api.get("/api/v1/event-types/nope").await;
    assert_eq!(status, 404);

    // Failed jobs: with SMTP unreachable and max_attempts = 1 the mail dies; retry requeues.
    let mut dead = Value::Null;
    for _ in 0..200 {
        let (_, jobs) = api.get("/api/v1/jobs/failed").await;
        if let Some(job) = jobs["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|job| job["dead"] == true)
        {
            dead = job.clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let job_id = dead["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a dead job appears"))
        .to_string();
    let (status, body) = api
        .post(&format!("/api/v1/jobs/{job_id}/retry"), &json!({}))
        .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("queued")),
        "{body}"
    );
    let (status, body) = api.post("/api/v1/jobs/missing/retry", &json!({})).await;
    assert_eq!((status, error_code(&body).as_str()), (409, "job_not_dead"));
    let (_, audit) = api.get(&format!("/api/v1/audit?target=job:{job_id}")).await;
    assert_eq!(audit["entries"][0]["action"], "job.retry");
}

#[tokio::test]
async fn tokens_are_created_shown_once_and_revoked_from_the_page() {
    let server = TestServer::start(CONFIG);
    let admin = signed_in(&server).await;
    let (status, _, page) = admin.post("/admin/tokens", &[("name", "zapier")]).await;
    assert_eq!(status, 200);
    let start = page.find("id=\"new-token\">").expect("secret shown") + "id=\"new-token\">".len();
    let secret = page[start..start + 67].to_string();
    assert!(secret.starts_with("os_"), "{secret}");
    let api = Api::new(&server, &secret);
    assert_eq!(api.get("/api/v1/bookings").await.0, 200);
    let (_, list) = admin.get("/admin/tokens").await;
    assert!(
        list.contains("zapier") && !list.contains(&secret),
        "shown only once"
    );
    let marker = "/admin/tokens/";
    let at_id = list.find(marker).unwrap() + marker.len();
    let id = &list[at_id..at_id + list[at_id..].find('/').unwrap()];
    let (status, _, _) = admin.post(&format!("/admin/tokens/{id}/revoke"), &[]).await;
    assert_eq!(status, 303);
    let (status, body) = api.get("/api/v1/bookings").await;
    assert_eq!((status, error_code(&body).as_str()), (401, "unauthorized"));
    let (status, _, _) = admin.post("/admin/tokens", &[("name", "")]).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn admins_change_their_own_password() {
    let server = TestServer::start(CONFIG);
    assert_eq!(Admin::new(&server).get("/admin/account").await.0, 303);
    let mut admin = signed_in(&server).await;
    let mut other = Admin::new(&server);
    assert_eq!(other.sign_in("ops@example.com", PASSWORD).await.0, 303);
    assert!(add_user(&server, "second@example.com", PASSWORD)
        .status
        .success());
    let mut bystander = Admin::new(&server);
    assert_eq!(
        bystander.sign_in("second@example.com", PASSWORD).await.0,
        303
    );
    let (status, page) = admin.get("/admin/account").await;
    assert_eq!(status, 200);
    assert!(page.contains("Change your password") && page.contains("ops@example.com"));
    let change = |current: &'static str, new: &'static str, repeat: &'static str| {
        vec![("current", current), ("new", new), ("repeat", repeat)]
    };
    let new = "a much longer secret";
    for (fields, message) in [
        (
            change("wrong password!", new, new),
            "current password is not right",
        ),
        (change(PASSWORD, new, "something else"), "passwords differ"),
        (
            change(PASSWORD, "short", "short"),
            "needs 10 to 1024 characters",
        ),
    ] {
        let (status, _, body) = admin.post("/admin/account", &fields).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains(message), "{message}: {body}");
    }
    let (status, _, body) = admin
        .post_raw("/admin/account", &change(PASSWORD, new, new))
        .await;
    assert_eq!(status, 403, "no CSRF token: {body}");
    let (status, location, _) = admin
        .post("/admin/account", &change(PASSWORD, new, new))
        .await;
    assert_eq!((status, location.as_str()), (303, "/admin/account?done=1"));
    // This browser stays signed in; every other session of the user ended.
    assert_eq!(admin.get("/admin/account").await.0, 200);
    assert_eq!(
        other.get("/admin/account").await.0,
        303,
        "other session ended"
    );
    assert_eq!(
        bystander.get("/admin/account").await.0,
        200,
        "another user's session"
    );
    assert_eq!(admin.post("/admin/logout", &[]).await.0, 303);
    assert_eq!(admin.sign_in("ops@example.com", PASSWORD).await.0, 401);
    assert_eq!(admin.sign_in("ops@example.com", new).await.0, 303);
    let (_, audit) = admin.get("/admin/audit").await;
    assert!(audit.contains("admin.password_change"));
}
