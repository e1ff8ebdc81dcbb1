//! The booking keeps the invitee's language and every e-mail uses it: a form posted by a
//! browser preferring German gives a German confirmation and invite, the API's `locale`
//! field picks Arabic, a move or a cancellation made later in another language still
//! writes to the invitee in theirs, and a host's `[[hosts]] locale` decides their mail.
//! Expected texts come from the shipped catalogs and CLDR formatters, so the tests hold
//! before and after the translations land; dates are checked against fixed month names too.

mod common;

use std::time::Duration;

use common::admin::{create_token, Api};
use common::smtp::{Received, SmtpPeer};
use common::{at, client, days_ahead, error_code, post_json, TestServer};
use jiff::{tz::TimeZone, Timestamp};
use mail_parser::{MessageParser, MimeHeaders};
use openslot::i18n::{self, FluentValue, Locale};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

fn config(smtp_url: &str, default_locale: &str) -> String {
    format!(
        r##"
[server]
public_url = "https://book.example.com"

[limits]
booking_per_minute = 0

[mail]
smtp_url = "{smtp_url}"
from = "Acme Bookings <bookings@example.com>"
ops_inbox = ["ops@example.com"]
retry_base_seconds = 1

[branding]
organisation = "Acme Consulting"
default_locale = "{default_locale}"

[defaults]
timezone = "Europe/Paris"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 60

[[hosts]]
id = "ada"
name = "Ada Host"
email = "ada.host@example.com"
locale = "fr"

[[event_types]]
slug = "consult"
title = "Consultation"
duration_minutes = 60
mode = "instant"
hosts = ["ada"]
"##
    )
}

const GERMAN_MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

fn text(locale: Locale, id: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, FluentValue)> = args
        .iter()
        .map(|(name, value)| (*name, FluentValue::from(*value)))
        .collect();
    i18n::text(locale, id, &args)
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn long(locale: Locale, start: &str, zone_name: &str) -> String {
    let start: Timestamp = start.parse().unwrap();
    i18n::dates(locale).date_time_long(start.to_zoned_datetime(zone(zone_name)).datetime())
}

fn short(locale: Locale, start: &str, zone_name: &str) -> String {
    let start: Timestamp = start.parse().unwrap();
    i18n::dates(locale).date_time_short(start.to_zoned_datetime(zone(zone_name)).datetime())
}

struct Mail {
    to: Vec<String>,
    subject: String,
    text: String,
    html: String,
    ics: Option<String>,
}

fn read(raw: &Received) -> Mail {
    let message = MessageParser::default().parse(&raw.data).unwrap();
    let ics = message.parts.iter().find_map(|part| {
        let content_type = part.content_type()?;
        (content_type.ctype() == "text" && content_type.subtype() == Some("calendar"))
            .then(|| part.text_contents().map(str::to_string))
            .flatten()
    });
    let mut to = raw.rcpt_to.clone();
    to.sort();
    Mail {
        to,
        subject: message.subject().unwrap_or("").to_string(),
        text: message.body_text(0).unwrap().to_string(),
        html: message.body_html(0).unwrap().to_string(),
        ics,
    }
}

/// An iCalendar property's value, unfolded and unescaped (RFC 5545 §3.3.11).
fn ics_property(ics: &str, name: &str) -> String {
    let unfolded = ics.replace("\r\n ", "").replace("\n ", "");
    let line = unfolded
        .lines()
        .find(|line| line.starts_with(&format!("{name}:")) || line.starts_with(&format!("{name};")))
        .unwrap_or_else(|| panic!("{name} in {ics}"));
    let value = &line[line.find(':').unwrap() + 1..];
    value
        .replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

/// The messages received so far to `address`, oldest first.
fn to(peer: &SmtpPeer, address: &str) -> Vec<Mail> {
    peer.messages()
        .iter()
        .map(read)
        .filter(|mail| mail.to.iter().any(|to| to == address))
        .collect()
}

async fn wait_for(peer: &SmtpPeer, count: usize) {
    peer.wait_for_count(count, WAIT).await;
}

fn csrf(html: &str) -> String {
    let from = html.find("name=\"csrf\"").expect("a csrf field");
    let rest = &html[from..];
    let value = &rest[rest.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_string()
}

/// The HTML of a message with the entities the template engine writes turned back.
fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn a_german_browser_books_by_form_and_gets_german_mail_and_invite() {
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(&peer.url(), "en"));
    let page = client()
        .get(server.url("/book/consult"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = at(days_ahead(5), 13, 0);
    let no_redirect = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // The page's hidden `locale` field names a language the server does not offer:
    // refused like any invalid field, nothing booked.
    let refused = no_redirect
        .post(server.url("/booking"))
        .header("origin", &server.base)
        .form(&[
            ("event", "consult"),
            ("csrf", &csrf(&page)),
            ("start", &start),
            ("name", "Grete Müller"),
            ("email", "grete@example.com"),
            ("locale", "xx"),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    let response = no_redirect
        .post(server.url("/booking"))
        .header("origin", &server.base)
        .header("accept-language", "de-DE,de;q=0.9,en;q=0.5")
        .form(&[
            ("event", "consult"),
            ("csrf", &csrf(&page)),
            ("start", &start),
            ("timezone", "Europe/Berlin"),
            ("name", "Grete Müller"),
            ("email", "grete@example.com"),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);

    // The form's own field beats the browser's preference.
    let arabic = no_redirect
        .post(server.url("/booking"))
        .header("origin", &server.base)
        .header("accept-language", "de")
        .form(&[
            ("event", "consult"),
            ("csrf", &csrf(&page)),
            ("start", &at(days_ahead(5), 15, 0)),
            ("name", "Nadia"),
            ("email", "nadia@example.com"),
            ("locale", "ar"),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(arabic.status().as_u16(), 303);

    // The bookings remember their language (admin API).
    let api = Api::new(&server, &create_token(&server, "i18n"));
    let (status, list) = api.get("/api/v1/bookings?q=grete").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["bookings"][0]["locale"], "de", "{list}");
    let (_, list_ar) = api.get("/api/v1/bookings?q=nadia").await;
    assert_eq!(list_ar["bookings"][0]["locale"], "ar", "{list_ar}");

    wait_for(&peer, 4).await;
    let mail = to(&peer, "grete@example.com").remove(0);
    let when_short = short(Locale::De, &start, "Europe/Berlin");
    assert_eq!(
        mail.subject,
        text(
            Locale::De,
            "email-confirmed-subject",
            &[("event", "Consultation"), ("when", &when_short)]
        )
    );
    let when = long(Locale::De, &start, "Europe/Berlin");
    assert!(
        GERMAN_MONTHS.iter().any(|month| when.contains(month)),
        "a German date: {when}"
    );
    assert_ne!(when, long(Locale::En, &start, "Europe/Berlin"));
    let party = text(
        Locale::De,
        "email-party",
        &[("hosts", "Ada Host"), ("org", "Acme Consulting")],
    );
    let body = text(Locale::De, "email-confirmed-body", &[("party", &party)]);
    for part in [&mail.text, &decoded(&mail.html)] {
        assert!(part.contains(&format!("{when} (Europe/Berlin)")), "{part}");
        assert!(part.contains(&body), "{part}");
        assert!(
            part.contains(&text(Locale::De, "email-manage-link", &[])),
            "{part}"
        );
    }
    assert!(mail.html.contains("<html lang=\"de\" dir=\"ltr\">"));
    let ics = mail.ics.expect("an invite");
    assert_eq!(
        ics_property(&ics, "SUMMARY"),
        text(
            Locale::De,
            "email-invite-summary",
            &[("event", "Consultation"), ("party", "Ada Host")]
        )
    );
    let stored = &list["bookings"][0];
    assert_eq!(
        ics_property(&ics, "DESCRIPTION"),
        text(
            Locale::De,
            "email-invite-description",
            &[
                ("org", "Acme Consulting"),
                ("reference", stored["id"].as_str().unwrap()),
                ("url", stored["manage_url"].as_str().unwrap()),
            ]
        )
    );

    // The host (and the ops inbox with them) read French, the host's `locale`.
    let ops = to(&peer, "ada.host@example.com")
        .into_iter()
        .find(|mail| mail.subject.contains("Grete Müller"))
        .expect("the host's copy");
    assert_eq!(ops.to, ["ada.host@example.com", "ops@example.com"]);
    assert_eq!(
        ops.subject,
        text(
            Locale::Fr,
            "email-ops-booking-subject",
            &[
                ("requested", "no"),
                ("event", "Consultation"),
                ("name", "Grete Müller"),
                ("when", &short(Locale::Fr, &start, "Europe/Paris")),
            ]
        )
    );
    assert!(ops.text.contains(&long(Locale::Fr, &start, "Europe/Paris")));
    assert!(ops.html.contains("<html lang=\"fr\""));
}

#[tokio::test]
async fn the_api_locale_field_picks_arabic_and_unknown_tags_are_refused() {
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(&peer.url(), "en"));
    let start = at(days_ahead(4), 10, 0);
    let (status, unknown) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": start, "name": "Nadia", "email": "nadia@example.com",
                "locale": "xx-YY"}),
    )
    .await;
    assert_eq!(status, 422, "{unknown}");
    assert_eq!(error_code(&unknown), "validation_failed");
    assert!(
        unknown["error"]["fields"]["locale"].is_string(),
        "{unknown}"
    );
    let (status, wrong_type) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": start, "name": "Nadia", "email": "nadia@example.com",
                "locale": 7}),
    )
    .await;
    assert_eq!(status, 422, "{wrong_type}");
    assert!(wrong_type["error"]["fields"]["locale"].is_string());

    let (status, booking) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": start, "name": "Nadia", "email": "nadia@example.com",
                "timezone": "Asia/Riyadh", "locale": "ar"}),
    )
    .await;
    assert_eq!(status, 201, "{booking}");
    assert_eq!(booking["locale"], "ar");
    wait_for(&peer, 2).await;
    let mail = to(&peer, "nadia@example.com").remove(0);
    assert_eq!(
        mail.subject,
        text(
            Locale::Ar,
            "email-confirmed-subject",
            &[
                ("event", "Consultation"),
                ("when", &short(Locale::Ar, &start, "Asia/Riyadh"))
            ]
        )
    );
    assert!(mail.html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(mail.text.contains(&long(Locale::Ar, &start, "Asia/Riyadh")));
}

#[tokio::test]
async fn without_a_choice_the_default_locale_applies() {
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(&peer.url(), "sv"));
    let start = at(days_ahead(4), 11, 0);
    // No `locale` and no Accept-Language: `[branding] default_locale`.
    let (status, booking) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": start, "name": "Sven", "email": "sven@example.com",
                "timezone": "Europe/Stockholm"}),
    )
    .await;
    assert_eq!(status, 201, "{booking}");
    assert_eq!(booking["locale"], "sv");
    wait_for(&peer, 2).await;
    let mail = to(&peer, "sven@example.com").remove(0);
    assert!(mail
        .text
        .contains(&long(Locale::Sv, &start, "Europe/Stockholm")));
}

async fn post_managed(server: &TestServer, path: &str, body: &Value) -> (u16, Value) {
    let response = client()
        .post(server.url(path))
        .header("accept-language", "en")
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn moves_and_cancellations_write_in_the_stored_language() {
    let peer = SmtpPeer::start().await;
    let server = TestServer::start(&config(&peer.url(), "en"));
    let day = days_ahead(6);
    let (status, booking) = post_json(
        &server,
        "/booking",
        &json!({"event": "consult", "start": at(day, 9, 0), "name": "Grete",
                "email": "grete@example.com", "timezone": "Europe/Berlin", "locale": "de"}),
    )
    .await;
    assert_eq!(status, 201, "{booking}");
    wait_for(&peer, 2).await;
    let token = booking["manage_token"].as_str().unwrap();

    // Moved through a request preferring English: the invitee still reads German.
    let new_start = at(day, 14, 0);
    let (status, moved) = post_managed(
        &server,
        &format!("/manage/{token}/reschedule"),
        &json!({"start": new_start}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    wait_for(&peer, 4).await;
    let update = to(&peer, "grete@example.com").remove(1);
    let headline = text(Locale::De, "email-rescheduled-headline", &[]);
    assert_eq!(
        update.subject,
        text(
            Locale::De,
            "email-update-subject",
            &[
                ("headline", &headline),
                ("event", "Consultation"),
                ("when", &short(Locale::De, &new_start, "Europe/Berlin")),
            ]
        )
    );
    assert!(update
        .text
        .contains(&long(Locale::De, &new_start, "Europe/Berlin")));
    assert!(update
        .text
        .contains(&long(Locale::De, &at(day, 9, 0), "Europe/Berlin")));
    assert_eq!(
        ics_property(update.ics.as_deref().expect("an updated invite"), "SUMMARY"),
        text(
            Locale::De,
            "email-invite-summary",
            &[("event", "Consultation"), ("party", "Ada Host")]
        )
    );

    let (status, cancelled) = post_managed(
        &server,
        &format!("/manage/{token}/cancel"),
        &json!({"reason": "Krank"}),
    )
    .await;
    assert_eq!(status, 200, "{cancelled}");
    wait_for(&peer, 6).await;
    let cancel = to(&peer, "grete@example.com").remove(2);
    let headline = text(Locale::De, "email-cancelled-headline", &[]);
    assert!(cancel.subject.starts_with(&headline), "{}", cancel.subject);
    assert!(cancel
        .text
        .contains(&text(Locale::De, "email-cancelled-body", &[])));
    assert!(cancel.html.contains("<html lang=\"de\""));
    // The host's copy stays French.
    let host_cancel = to(&peer, "ada.host@example.com").remove(2);
    assert!(host_cancel.text.contains(&text(
        Locale::Fr,
        "email-ops-cancelled-body",
        &[("name", "Grete")]
    )));
}
