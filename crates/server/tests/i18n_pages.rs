//! The booking flow in the visitor's language over HTTP: the choice (`?lang=` > cookie >
//! Accept-Language > default), the language cookie, right-to-left Arabic, CLDR dates and
//! clocks on the booking and confirmation pages, localised form errors, and English
//! unchanged by default.

mod common;

use common::{at, client, days_ahead, TestServer};
use openslot::i18n::{self, Locale};

const SECRET: &str = "test-secret-that-must-never-reach-a-browser-0123456789";

fn config() -> String {
    format!(
        r##"
[server]
allowed_origins = ["http://127.0.0.1:9"]

[limits]
booking_per_minute = 0

[security]
secret = "{SECRET}"

[branding]
organisation = "Acme Consulting"

[defaults]
timezone = "Europe/Berlin"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 120

[[event_types]]
slug = "call"
title = "Call"
duration_minutes = 30
mode = "instant"
"##
    )
}

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut request = client().get(server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// The page text with the entities the template engine writes turned back into characters.
fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn text(locale: Locale, id: &str) -> String {
    i18n::text(locale, id, &[])
}

/// What a German booking page shows: German CLDR names and a 24-hour clock, German
/// messages, `lang="de"`.
fn assert_german_booking_page(page: &Page, day: jiff::civil::Date) {
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<html lang=\"de\" dir=\"ltr\">"),
        "{}",
        &page.body[..page.body.len().min(600)]
    );
    let body = decoded(&page.body);
    let dates = i18n::dates(Locale::De);
    // The picker: German short weekday and day labels, the selected day written out.
    assert!(body.contains(&dates.weekday_short(day)), "weekday of {day}");
    assert!(body.contains(&dates.day_month(day)), "day label of {day}");
    assert!(body.contains(&dates.day_long(day)), "selected day of {day}");
    let month = [
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
    ][usize::try_from(day.month() - 1).unwrap()];
    assert!(body.contains(month), "German month name {month}");
    // Berlin 09:00-17:00 seen from Berlin, on a 24-hour clock.
    assert!(body.contains(">09:00</label>"), "24-hour times");
    assert!(body.contains(">16:30</label>"), "24-hour times");
    assert!(!body.contains(" PM<") && !body.contains(" AM<"));
    for id in ["days-heading", "details-legend", "submit-book", "tz-label"] {
        assert!(body.contains(&text(Locale::De, id)), "{id} in German");
    }
    assert!(body.contains("Zum Inhalt springen"), "skip link in German");
    assert!(body.contains("30 Minuten"));
    // The form says which language the visitor booked in.
    assert!(body.contains("<input type=\"hidden\" name=\"locale\" value=\"de\">"));
}

#[tokio::test]
async fn german_by_query_cookie_or_browser_and_the_query_leaves_a_cookie() {
    let server = TestServer::start(&config());
    let day = days_ahead(3);
    let path = format!("/book/call?date={day}&tz=Europe/Berlin");

    let by_query = get(&server, &format!("{path}&lang=de"), &[]).await;
    assert_german_booking_page(&by_query, day);
    let cookie = by_query
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_string())
        .find(|value| value.starts_with("openslot_lang="))
        .expect("?lang= leaves the language cookie");
    assert!(cookie.starts_with("openslot_lang=de;"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");

    let by_cookie = get(&server, &path, &[("cookie", "openslot_lang=de")]).await;
    assert_german_booking_page(&by_cookie, day);
    assert!(
        by_cookie.headers.get("set-cookie").is_none(),
        "no new cookie without ?lang="
    );

    let by_browser = get(
        &server,
        &path,
        &[("accept-language", "de-DE,de;q=0.9,en;q=0.5")],
    )
    .await;
    assert_german_booking_page(&by_browser, day);

    // The query beats the cookie, the cookie beats the browser.
    let query_first = get(
        &server,
        &format!("{path}&lang=en"),
        &[("cookie", "openslot_lang=de"), ("accept-language", "de")],
    )
    .await;
    assert!(query_first.body.contains("<html lang=\"en\""));
    let cookie_first = get(
        &server,
        &path,
        &[("cookie", "openslot_lang=fr"), ("accept-language", "de")],
    )
    .await;
    assert!(cookie_first.body.contains("<html lang=\"fr\""));

    // The meeting list and the 404 page follow the same choice.
    let home = get(&server, "/", &[("accept-language", "de")]).await;
    assert!(home.body.contains("<html lang=\"de\""));
    assert!(decoded(&home.body).contains(&text(Locale::De, "home-choose")));
    assert!(home.body.contains("30 Minuten"));
    let missing = get(&server, "/book/nope?lang=de", &[]).await;
    assert_eq!(missing.status, 404);
    assert!(decoded(&missing.body).contains(&text(Locale::De, "error-no-event")));
}

#[tokio::test]
async fn english_stays_the_default() {
    let server = TestServer::start(&config());
    let day = days_ahead(3);
    let page = get(
        &server,
        &format!("/book/call?date={day}&tz=Europe/Berlin"),
        &[],
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    let body = decoded(&page.body);
    assert!(body.contains("1. Pick a day") && body.contains("Confirm booking"));
    assert!(body.contains(&i18n::dates(Locale::En).day_long(day)));
    assert!(body.contains("<input type=\"hidden\" name=\"locale\" value=\"en\">"));
    assert!(page.headers.get("set-cookie").is_none());
    // An unsupported browser language falls back to the default.
    let klingon = get(&server, "/book/call", &[("accept-language", "tlh")]).await;
    assert!(klingon.body.contains("<html lang=\"en\""));
}

#[tokio::test]
async fn arabic_is_right_to_left_with_arabic_dates() {
    let server = TestServer::start(&config());
    let day = days_ahead(3);
    let page = get(
        &server,
        &format!("/book/call?date={day}&tz=Europe/Berlin&lang=ar"),
        &[],
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    let body = decoded(&page.body);
    assert!(body.contains(&i18n::dates(Locale::Ar).day_long(day)));
    assert!(body.contains(&text(Locale::Ar, "days-heading")));
    let home = get(&server, "/", &[("cookie", "openslot_lang=ar")]).await;
    assert!(home.body.contains("dir=\"rtl\""));
}

#[tokio::test]
async fn a_german_booking_confirms_in_german() {
    let server = TestServer::start(&config());
    let day = days_ahead(4);
    let page = get(&server, "/book/call?lang=de", &[]).await;
    let csrf = {
        let marker = "name=\"csrf\" value=\"";
        let start = page.body.find(marker).unwrap() + marker.len();
        page.body[start..][..page.body[start..].find('"').unwrap()].to_string()
    };
    let start = at(day, 10, 0);
    let fields = |name: &str| {
        vec![
            ("event", "call".to_string()),
            ("start", start.clone()),
            ("name", name.to_string()),
            ("email", "ada@example.com".to_string()),
            ("timezone", "Europe/Berlin".to_string()),
            ("csrf", csrf.clone()),
            ("locale", "de".to_string()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        no_redirects()
            .post(server.url("/booking"))
            .header("origin", server.base.as_str())
            .header("cookie", "openslot_lang=de")
            .form(&fields)
            .send()
    };

    // The confirmation page in German: German date, 24-hour time, German outcome.
    let answer = post(fields("Ada")).await.unwrap();
    assert_eq!(answer.status().as_u16(), 303);
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    let confirmation = get(&server, &location, &[("cookie", "openslot_lang=de")]).await;
    assert_eq!(confirmation.status, 200);
    let body = decoded(&confirmation.body);
    assert!(confirmation.body.contains("<html lang=\"de\""));
    let when = i18n::dates(Locale::De).date_long(day);
    assert!(body.contains(&when), "{when} in {body}");
    assert!(body.contains("11:00"), "10:00Z is 11:00 in Berlin");
    assert!(body.contains(&text(Locale::De, "outcome-confirmed")));
    assert!(body.contains(&text(Locale::De, "summary-reference")));

    // The same page in English, for contrast: a 12-hour clock.
    let english = get(&server, &location, &[]).await;
    assert!(decoded(&english.body).contains(&i18n::dates(Locale::En).date_long(day)));
    assert!(english.body.contains("Your booking is confirmed"));
}

#[test]
fn field_errors_are_shown_in_the_page_language() {
    use openslot::web::lang::field_error;
    assert_eq!(
        field_error(Locale::En, "name", "is required"),
        "is required"
    );
    assert_eq!(
        field_error(Locale::De, "name", "is required"),
        text(Locale::De, "field-error-required")
    );
    assert_eq!(
        field_error(Locale::En, "notes", "must be at most 5000 characters"),
        "must be at most 5000 characters"
    );
    assert_eq!(
        field_error(Locale::En, "start", "must be a string"),
        text(Locale::En, "field-error-start")
    );
    assert_eq!(
        field_error(Locale::En, "host", "something new"),
        text(Locale::En, "field-error-invalid")
    );
}
