//! Signed links: the invitee's manage link (view, cancel, reschedule) and the host's
//! approve/decline links, including every way a token can be wrong.

mod common;

use std::time::Duration;

use common::smtp::SmtpPeer;
use common::{at, client, days_ahead, error_code, get_json, post_json, TestServer};
use mail_parser::{MessageParser, MimeHeaders};
use openslot::signing::Signer;
use serde_json::{json, Value};

const SECRET: &str = "manage-test-secret-0123456789abcdefghijklmnop";
const WAIT: Duration = Duration::from_secs(20);

fn config(smtp: Option<&str>, cutoff_hours: u32) -> String {
    let mail = match smtp {
        Some(url) => format!("smtp_url = \"{url}\"\nops_inbox = \"ops@example.com\"\nfrom = \"Acme <bookings@example.com>\"\nretry_base_seconds = 1"),
        None => String::new(),
    };
    format!(
        r##"
[server]
public_url = "http://book.example.com"
[limits]
booking_per_minute = 0
[security]
secret = "{SECRET}"
[mail]
{mail}
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 60
change_cutoff_hours = {cutoff_hours}
[[event_types]]
slug = "call"
title = "Call"
duration_minutes = 30
mode = "instant"
[[event_types]]
slug = "request"
title = "Requested call"
duration_minutes = 30
mode = "request"
"##
    )
}

async fn book(server: &TestServer, event: &str, start: &str) -> Value {
    let (status, body) = post_json(
        server,
        "/booking",
        &json!({"event": event, "start": start, "name": "Ada", "email": "ada@example.com", "timezone": "Europe/Paris"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

/// The path part of a manage URL (the public URL names another host).
fn path_of(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    rest[rest.find('/').unwrap()..].to_string()
}

async fn get_with_accept(server: &TestServer, path: &str) -> (u16, Value) {
    let response = client()
        .get(server.url(path))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(server: &TestServer, path: &str, body: Value) -> (u16, Value) {
    post_json(server, path, &body).await
}

async fn starts(server: &TestServer, event: &str, day: jiff::civil::Date) -> Vec<String> {
    let (_, body) = get_json(
        server,
        &format!("/availability?event={event}&from={day}&to={day}"),
    )
    .await;
    body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_manage_link_shows_cancels_and_reschedules() {
    let server = TestServer::start(&config(None, 0));
    let day = days_ahead(3);
    let booking = book(&server, "call", &at(day, 10, 0)).await;
    let url = booking["manage_url"]
        .as_str()
        .expect("manage_url in the 201 body");
    assert!(url.starts_with("http://book.example.com/manage/"), "{url}");
    let manage = path_of(url);

    // GET shows, as JSON or HTML, and changes nothing.
    let (status, shown) = get_with_accept(&server, &manage).await;
    assert_eq!(status, 200);
    assert_eq!(shown["id"], booking["id"]);
    assert_eq!(shown["status"], "confirmed");
    assert_eq!(shown["can_change"], true);
    // On the booking's own day (whole working hours), whatever the time of day now.
    let page = client()
        .get(server.url(&format!("{manage}?date={day}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"cancel-form\"") && html.contains("id=\"reschedule-form\""));
    // English times follow CLDR `en`: a 12-hour clock with a narrow no-break space.
    assert!(
        html.contains("4:00\u{202f}PM"),
        "times in the invitee's zone (Paris): 10:00Z is 11:00, others listed"
    );

    // Reschedule onto a taken time: 409 and the old time is kept.
    book(&server, "call", &at(day, 12, 0)).await;
    let (status, body) = post(
        &server,
        &format!("{manage}/reschedule"),
        json!({"start": at(day, 12, 0)}),
    )
    .await;
    assert_eq!((status, error_code(&body).as_str()), (409, "slot_taken"));
    let (_, shown) = get_with_accept(&server, &manage).await;
    assert_eq!(shown["start"], at(day, 10, 0));
    // Onto a time the rules never offer: 422.
    let (status, body) = post(
        &server,
        &format!("{manage}/reschedule"),
        json!({"start": at(day, 10, 10)}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "slot_unavailable")
    );
    let (status, body) = post(&server, &format!("{manage}/reschedule"), json!({})).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "validation_failed")
    );
    // Onto a time overlapping only itself: allowed (the old time is freed in the same move).
    let (status, moved) = post(
        &server,
        &format!("{manage}/reschedule"),
        json!({"start": at(day, 10, 30)}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["start"], at(day, 10, 30));
    assert_eq!(
        path_of(moved["manage_url"].as_str().unwrap()).len(),
        manage.len()
    );
    let free = starts(&server, "call", day).await;
    assert!(free.contains(&at(day, 10, 0)) && !free.contains(&at(day, 10, 30)));
    // The old link still works after the move.
    let (status, shown) = get_with_accept(&server, &manage).await;
    assert_eq!(
        (status, shown["start"].as_str()),
        (200, Some(at(day, 10, 30).as_str()))
    );

    // A reason with control characters is refused like any other bad field.
    let (status, body) = post(
        &server,
        &format!("{manage}/cancel"),
        json!({"reason": "bad\u{0}reason"}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "validation_failed")
    );
    // Cancel frees the slot; a second cancel is harmless; a cancelled booking cannot move.
    let (status, cancelled) = post(
        &server,
        &format!("{manage}/cancel"),
        json!({"reason": "Plans changed"}),
    )
    .await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (200, Some("cancelled"))
    );
    assert!(starts(&server, "call", day)
        .await
        .contains(&at(day, 10, 30)));
    let (status, again) = post(&server, &format!("{manage}/cancel"), json!({})).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("cancelled")));
    let (status, body) = post(
        &server,
        &format!("{manage}/reschedule"),
        json!({"start": at(day, 14, 0)}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "booking_not_active")
    );
    book(&server, "call", &at(day, 10, 30)).await;
}

#[tokio::test]
async fn every_bad_token_is_refused_and_changes_nothing() {
    let server = TestServer::start(&config(None, 0));
    let day = days_ahead(4);
    let booking = book(&server, "request", &at(day, 11, 0)).await;
    let id = booking["id"].as_str().unwrap();
    let manage = path_of(booking["manage_url"].as_str().unwrap());
    let token = manage.trim_start_matches("/manage/").to_string();
    let signer = Signer::new(SECRET, &[]);
    let far = jiff::Timestamp::now().as_second() + 86_400 * 30;

    let tampered = {
        let mut chars: Vec<char> = token.chars().collect();
        let last = chars.len() - 1;
        chars[last] = if chars[last] == '0' { '1' } else { '0' };
        chars.into_iter().collect::<String>()
    };
    let other_id = token.replacen(id, "01234567-89ab-7def-8123-456789abcdef", 1);
    let cases = [
        (tampered, 403, "invalid_token"),
        (other_id, 403, "invalid_token"),
        (
            signer.sign("manage", id, jiff::Timestamp::now().as_second() - 10),
            410,
            "token_expired",
        ),
        (signer.sign("host", id, far), 403, "wrong_token_scope"),
        (
            signer.sign("manage", "no-such-booking", far),
            404,
            "booking_not_found",
        ),
        (
            Signer::new("another-secret-entirely-0123456789abcdef", &[]).sign("manage", id, far),
            403,
            "invalid_token",
        ),
        ("garbage".to_string(), 403, "invalid_token"),
    ];
    for (bad, status, code) in cases {
        for (path, body) in [
            (format!("/manage/{bad}"), None),
            (format!("/manage/{bad}/cancel"), Some(json!({}))),
            (
                format!("/manage/{bad}/reschedule"),
                Some(json!({"start": at(day, 15, 0)})),
            ),
        ] {
            let (got, answer) = match body {
                None => get_with_accept(&server, &path).await,
                Some(body) => post(&server, &path, body).await,
            };
            assert_eq!(
                (got, error_code(&answer)),
                (status, code.to_string()),
                "{path}"
            );
        }
        let html = client()
            .get(server.url(&format!("/manage/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(html.status().as_u16(), status);
        assert!(html.text().await.unwrap().contains("<h1>"), "a clear page");
    }
    // The invitee's token is not a host token, and the reverse.
    let (status, body) = post(&server, &format!("/host/{token}/approve"), json!({})).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "wrong_token_scope")
    );
    // Nothing changed.
    let (_, shown) = get_with_accept(&server, &manage).await;
    assert_eq!(
        (shown["status"].as_str(), shown["start"].as_str()),
        (Some("requested"), Some(at(day, 11, 0).as_str()))
    );
}

#[tokio::test]
async fn changes_close_at_the_cutoff_and_the_page_offers_contact() {
    let server = TestServer::start(&config(None, 24 * 365));
    let booking = book(&server, "call", &at(days_ahead(2), 10, 0)).await;
    let manage = path_of(booking["manage_url"].as_str().unwrap());
    let (status, body) = post(&server, &format!("{manage}/cancel"), json!({})).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "change_window_closed")
    );
    let (status, body) = post(
        &server,
        &format!("{manage}/reschedule"),
        json!({"start": at(days_ahead(2), 11, 0)}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "change_window_closed")
    );
    let html = client()
        .get(server.url(&manage))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"too-late\"") && html.contains("href=\"/contact\""));
    assert!(!html.contains("id=\"cancel-form\""));
    let (_, shown) = get_with_accept(&server, &manage).await;
    assert_eq!(
        (shown["status"].as_str(), shown["can_change"].as_bool()),
        (Some("confirmed"), Some(false))
    );
}

#[tokio::test]
async fn concurrent_reschedules_onto_one_slot_have_one_winner() {
    let server = TestServer::start(&config(None, 0));
    let day = days_ahead(5);
    let mut links = Vec::new();
    for hour in [9, 10, 11, 12, 13, 14] {
        let booking = book(&server, "call", &at(day, hour, 0)).await;
        links.push(path_of(booking["manage_url"].as_str().unwrap()));
    }
    let target = at(day, 16, 0);
    let mut tasks = Vec::new();
    for link in links {
        let url = server.url(&format!("{link}/reschedule"));
        let target = target.clone();
        tasks.push(tokio::spawn(async move {
            let response = client()
                .post(url)
                .json(&json!({"start": target}))
                .send()
                .await
                .unwrap();
            response.status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        5,
        "{statuses:?}"
    );
    let free = starts(&server, "call", day).await;
    assert!(!free.contains(&target));
    let freed = [9, 10, 11, 12, 13, 14]
        .iter()
        .filter(|h| free.contains(&at(day, **h, 0)))
        .count();
    assert_eq!(freed, 1, "exactly one old time was freed");
}

#[tokio::test]
async fn forms_on_the_manage_page_work_without_javascript() {
    let server = TestServer::start(&config(None, 0));
    let day = days_ahead(6);
    let booking = book(&server, "call", &at(day, 9, 0)).await;
    let manage = path_of(booking["manage_url"].as_str().unwrap());
    let no_redirect = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirect
        .post(server.url(&format!("{manage}/reschedule")))
        .form(&[
            ("start", at(day, 15, 0)),
            ("timezone", "Europe/Paris".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let location = response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.contains("done=rescheduled"));
    let page = client()
        .get(server.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Your booking has moved") && page.contains("4:00\u{202f}PM"),
        "15:00Z in Paris"
    );
    // A taken time re-renders the page with the reason, nothing changed.
    book(&server, "call", &at(day, 11, 0)).await;
    let response = no_redirect
        .post(server.url(&format!("{manage}/reschedule")))
        .form(&[("start", at(day, 11, 0))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 409);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("just taken by someone else"));
    let response = no_redirect
        .post(server.url(&format!("{manage}/cancel")))
        .form(&[("reason", "Sorry")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let (_, shown) = get_with_accept(&server, &manage).await;
    assert_eq!(shown["status"], "cancelled");
    assert_eq!(shown["reason"], "Sorry");
}

fn parse(raw: &common::smtp::Received) -> mail_parser::Message<'_> {
    MessageParser::default().parse(&raw.data).unwrap()
}

fn calendar(message: &mail_parser::Message<'_>) -> Option<String> {
    message.parts.iter().find_map(|part| {
        let content_type = part.content_type()?;
        (content_type.ctype() == "text" && content_type.subtype() == Some("calendar"))
            .then(|| part.text_contents().unwrap_or("").to_string())
    })
}

fn ics_value(ics: &str, name: &str) -> String {
    let unfolded = icalendar::parser::unfold(ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    if name == "METHOD" {
        return calendar
            .properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.to_string())
            .unwrap();
    }
    let event = calendar
        .components
        .iter()
        .find(|c| c.name == "VEVENT")
        .unwrap();
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.val.to_string())
        .unwrap()
}

/// The first URL in `text` that starts with `prefix`.
fn link(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in:\n{text}"));
    text[start..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn host_approves_from_the_email_and_the_invitee_gets_the_invite() {
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(Some(&peer.url()), 0));
    let day = days_ahead(3);
    let booking = book(&server, "request", &at(day, 13, 0)).await;
    assert_eq!(booking["status"], "requested");
    let messages = peer.wait_for_count(2, WAIT).await;
    let ops = messages
        .iter()
        .find(|m| m.rcpt_to == ["ops@example.com"])
        .expect("ops message");
    let text = parse(ops).body_text(0).unwrap().to_string();
    let approve = path_of(&link(&text, "http://book.example.com/host/"));
    assert!(approve.ends_with("/approve"), "{approve}");
    let decline = path_of(&link(
        &text[text.find("Decline:").unwrap()..],
        "http://book.example.com/host/",
    ));
    assert!(decline.ends_with("/decline"));
    let invitee_text = parse(
        messages
            .iter()
            .find(|m| m.rcpt_to == ["ada@example.com"])
            .unwrap(),
    )
    .body_text(0)
    .unwrap()
    .to_string();
    let manage = link(&invitee_text, "http://book.example.com/manage/");
    assert_eq!(
        manage,
        booking["manage_url"].as_str().unwrap(),
        "the same manage link is in the email"
    );

    // GET (what a mail scanner does) shows the request and changes nothing.
    let page = client().get(server.url(&approve)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("Approve this request"));
    let (_, shown) = get_with_accept(&server, &path_of(&manage)).await;
    assert_eq!(shown["status"], "requested");

    // POST approves; the invitee gets the confirmation with METHOD:REQUEST.
    let response = client().post(server.url(&approve)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("Approved."));
    let (_, shown) = get_with_accept(&server, &path_of(&manage)).await;
    assert_eq!(shown["status"], "confirmed");
    let messages = peer.wait_for_count(3, WAIT).await;
    let confirmation = parse(&messages[2]);
    assert!(confirmation
        .subject()
        .unwrap()
        .starts_with("Confirmed: Requested call"));
    let ics = calendar(&confirmation).expect("an invite");
    assert_eq!(ics_value(&ics, "METHOD"), "REQUEST");
    let uid = ics_value(&ics, "UID");
    assert_eq!(ics_value(&ics, "SEQUENCE"), "0");
    // Approving again is harmless; declining an approved request is refused.
    let (status, again) = post(&server, &approve, json!({})).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("confirmed")));
    let (status, body) = post(&server, &decline, json!({})).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "booking_not_active")
    );

    // The invitee moves it: same UID, higher SEQUENCE; ops told too.
    let (status, _) = post(
        &server,
        &format!("{}/reschedule", path_of(&manage)),
        json!({"start": at(day, 15, 0)}),
    )
    .await;
    assert_eq!(status, 200);
    let messages = peer.wait_for_count(5, WAIT).await;
    let moved = messages[3..]
        .iter()
        .map(parse)
        .find(|m| calendar(m).is_some())
        .expect("updated invite");
    let ics = calendar(&moved).unwrap();
    assert_eq!(
        (ics_value(&ics, "UID"), ics_value(&ics, "SEQUENCE")),
        (uid.clone(), "1".to_string())
    );
    assert_eq!(
        ics_value(&ics, "DTSTART"),
        format!("{}T150000Z", day.strftime("%Y%m%d"))
    );
    assert!(messages[3..].iter().any(|m| parse(m)
        .subject()
        .unwrap()
        .starts_with("Rescheduled: Requested call with Ada")));

    // And cancels it: METHOD:CANCEL with the same UID and a higher SEQUENCE.
    let (status, _) = post(
        &server,
        &format!("{}/cancel", path_of(&manage)),
        json!({"reason": "Travelling"}),
    )
    .await;
    assert_eq!(status, 200);
    let messages = peer.wait_for_count(7, WAIT).await;
    let cancel = messages[5..]
        .iter()
        .map(parse)
        .find(|m| calendar(m).is_some())
        .expect("cancel invite");
    let ics = calendar(&cancel).unwrap();
    assert_eq!(ics_value(&ics, "METHOD"), "CANCEL");
    assert_eq!(
        (ics_value(&ics, "UID"), ics_value(&ics, "SEQUENCE")),
        (uid, "2".to_string())
    );
    let ops_cancel = messages[5..]
        .iter()
        .map(parse)
        .find(|m| m.subject().unwrap().starts_with("Cancelled:"))
        .unwrap();
    assert!(ops_cancel.body_text(0).unwrap().contains("Travelling"));
}

#[tokio::test]
async fn host_declines_and_the_invitee_is_told_kindly() {
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(Some(&peer.url()), 0));
    let day = days_ahead(3);
    let booking = book(&server, "request", &at(day, 14, 0)).await;
    let messages = peer.wait_for_count(2, WAIT).await;
    let ops = messages
        .iter()
        .find(|m| m.rcpt_to == ["ops@example.com"])
        .unwrap();
    let text = parse(ops).body_text(0).unwrap().to_string();
    let decline = path_of(&link(
        &text[text.find("Decline:").unwrap()..],
        "http://book.example.com/host/",
    ));
    let page = client()
        .get(server.url(&decline))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Decline this request") && page.contains("id=\"message\""));
    let response = client()
        .post(server.url(&decline))
        .form(&[("message", "I am away that week.")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("Declined."));
    assert!(
        starts(&server, "request", day)
            .await
            .contains(&at(day, 14, 0)),
        "slot freed"
    );
    let messages = peer.wait_for_count(3, WAIT).await;
    let told = parse(&messages[2]);
    assert!(told.subject().unwrap().starts_with("Request not accepted"));
    let text = told.body_text(0).unwrap().to_string();
    assert!(
        text.contains("I am away that week.")
            && text.contains("http://book.example.com/book/request")
    );
    let (_, shown) =
        get_with_accept(&server, &path_of(booking["manage_url"].as_str().unwrap())).await;
    assert_eq!(shown["status"], "declined");
}
