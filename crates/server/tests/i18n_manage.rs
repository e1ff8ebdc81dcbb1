//! The pages after booking and the other public forms in the visitor's language: the
//! manage page (move, cancel), the host's approve page, the contact form and a routing
//! form, in German and Arabic (right to left), with their form errors, dates written the
//! locale's way, and the language kept across form posts and redirects without a cookie.
//! Expected texts come from the catalogs, so the tests hold before and after translation;
//! the dates come from CLDR and are German whatever the catalogs say.

mod common;

use common::{at, client, days_ahead, post_json, TestServer};
use jiff::{tz::TimeZone, Timestamp};
use openslot::{
    i18n::{self, FluentValue, Locale},
    signing::Signer,
};
use serde_json::{json, Value};

const SECRET: &str = "i18n-manage-test-secret-0123456789abcdefghijkl";

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

const GERMAN_WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];

fn config(cutoff_hours: u32) -> String {
    format!(
        r##"
[server]
public_url = "http://book.example.com"
[limits]
booking_per_minute = 0
[security]
secret = "{SECRET}"
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
[[routing_forms]]
slug = "talk-to-us"
title = "Talk to us"
[[routing_forms.questions]]
id = "size"
label = "Company size"
kind = "select"
options = ["1-10", "500+"]
required = true
[[routing_forms.routes]]
to = "event:call"
"##
    )
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

struct Page {
    status: u16,
    location: String,
    body: String,
}

async fn send(request: reqwest::RequestBuilder) -> Page {
    let response = request.send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_string())
        .unwrap_or_default();
    Page {
        status: response.status().as_u16(),
        location,
        body: decoded(&response.text().await.unwrap()),
    }
}

async fn get(server: &TestServer, path: &str) -> Page {
    send(client().get(server.url(path))).await
}

async fn post_form(server: &TestServer, path: &str, fields: &[(&str, &str)]) -> Page {
    send(no_redirects().post(server.url(path)).form(fields)).await
}

/// The page with the entities minijinja writes turned back into characters.
fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn text(locale: Locale, id: &str) -> String {
    i18n::text(locale, id, &[])
}

fn text_with(locale: Locale, id: &str, args: &[(&str, FluentValue)]) -> String {
    i18n::text(locale, id, args)
}

fn assert_language(page: &Page, tag: &str, dir: &str) {
    assert!(
        page.body
            .contains(&format!("<html lang=\"{tag}\" dir=\"{dir}\">")),
        "not a {tag} page: {}",
        &page.body[..page.body.len().min(300)]
    );
}

fn assert_says(page: &Page, expected: &str) {
    assert!(
        page.body.contains(expected),
        "the page does not say {expected:?}:\n{}",
        page.body
    );
}

/// Once a catalog translates `ids`, their English must be gone from the page (before the
/// translation lands, the catalog holds the English text and this checks nothing).
fn assert_not_english(page: &Page, locale: Locale, ids: &[&str]) {
    for id in ids {
        let english = text(Locale::En, id);
        if text(locale, id) != english {
            assert!(
                !page.body.contains(&english),
                "{id} is still English on the {} page",
                locale.tag()
            );
        }
    }
}

/// The value of the first input named `name`.
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let value = tag.split("value=\"").nth(1)?;
    Some(value[..value.find('"')?].to_string())
}

/// Every `value` of the time radios of the reschedule form.
fn offered_times(html: &str) -> Vec<String> {
    html.split("name=\"start\" id=\"time-")
        .skip(1)
        .filter_map(|rest| {
            let value = rest.split("value=\"").nth(1)?;
            Some(value[..value.find('"')?].to_string())
        })
        .collect()
}

async fn book(server: &TestServer, event: &str, start: &str) -> Value {
    let (status, body) = post_json(
        server,
        "/booking",
        &json!({"event": event, "start": start, "name": "Ada", "email": "ada@example.com",
                "timezone": "Europe/Paris"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

fn manage_path(booking: &Value) -> String {
    let url = booking["manage_url"].as_str().unwrap();
    url.trim_start_matches("http://book.example.com")
        .to_string()
}

/// `start` in Paris the way `locale` writes a long date and time.
fn long_time(locale: Locale, start: &str) -> String {
    let zone = TimeZone::get("Europe/Paris").unwrap();
    let when = start
        .parse::<Timestamp>()
        .unwrap()
        .to_zoned_datetime(zone)
        .datetime();
    i18n::dates(locale).date_time_long(when)
}

fn assert_german_date(page: &Page, start: &str) {
    let german = long_time(Locale::De, start);
    assert!(
        GERMAN_MONTHS.iter().any(|month| german.contains(month))
            && GERMAN_WEEKDAYS.iter().any(|day| german.contains(day)),
        "CLDR German: {german}"
    );
    assert!(!german.contains("AM") && !german.contains("PM"), "{german}");
    assert_says(page, &german);
}

#[tokio::test]
async fn the_manage_page_speaks_german_and_arabic_and_english_by_default() {
    let server = TestServer::start(&config(0));
    let day = days_ahead(3);
    let start = at(day, 10, 0);
    let booking = book(&server, "call", &start).await;
    let manage = manage_path(&booking);

    let english = get(&server, &manage).await;
    assert_eq!(english.status, 200);
    assert_language(&english, "en", "ltr");
    assert_says(&english, "<h1>Your booking</h1>");
    assert_says(&english, &long_time(Locale::En, &start));
    assert_says(&english, "Move my booking");

    let german = get(&server, &format!("{manage}?lang=de")).await;
    assert_eq!(german.status, 200);
    assert_language(&german, "de", "ltr");
    assert_says(
        &german,
        &format!("<h1>{}</h1>", text(Locale::De, "manage-title")),
    );
    assert_says(&german, &text(Locale::De, "manage-status-confirmed"));
    assert_says(&german, &text(Locale::De, "manage-move-submit"));
    assert_says(&german, &text(Locale::De, "manage-cancel-submit"));
    assert_says(&german, "Zum Inhalt springen");
    assert_not_english(
        &german,
        Locale::De,
        &["manage-move-submit", "manage-cancel-submit"],
    );
    assert_german_date(&german, &start);
    // The picker: German weekday abbreviations and a 24-hour clock.
    let first_time = offered_times(&german.body)
        .into_iter()
        .next()
        .expect("times to move to");
    let clock = i18n::dates(Locale::De).time(
        first_time
            .parse::<Timestamp>()
            .unwrap()
            .to_zoned_datetime(TimeZone::get("Europe/Paris").unwrap())
            .time(),
    );
    assert_says(&german, &format!(">{clock}</label>"));
    assert!(!german.body.contains(" AM<") && !german.body.contains(" PM<"));
    // Forms carry the language for a post without the cookie; day links keep it too.
    assert_eq!(input_value(&german.body, "lang").as_deref(), Some("de"));
    assert!(
        german.body.contains("&lang=de\" data-date="),
        "day links keep ?lang="
    );

    // Accept-Language alone chooses Arabic: right to left.
    let arabic = send(
        client()
            .get(server.url(&manage))
            .header("accept-language", "ar-EG,ar;q=0.9,en;q=0.5"),
    )
    .await;
    assert_language(&arabic, "ar", "rtl");
    assert_says(
        &arabic,
        &format!("<h1>{}</h1>", text(Locale::Ar, "manage-title")),
    );
    assert_eq!(input_value(&arabic.body, "lang").as_deref(), Some("ar"));
    assert_says(&arabic, &long_time(Locale::Ar, &start));
    assert_not_english(
        &arabic,
        Locale::Ar,
        &["manage-move-submit", "manage-label-reference"],
    );
}

#[tokio::test]
async fn moving_and_cancelling_stay_in_the_chosen_language() {
    let server = TestServer::start(&config(0));
    let day = days_ahead(3);
    let start = at(day, 10, 0);
    let booking = book(&server, "call", &start).await;
    let manage = manage_path(&booking);
    // The booking's own day (whole working hours), not today's remainder.
    let page = get(&server, &format!("{manage}?lang=de&date={day}")).await;
    let times = offered_times(&page.body);
    assert!(times.len() >= 2, "times to move to");

    // A taken time: the page again, in German, nothing changed.
    book(&server, "call", &times[0]).await;
    let taken = post_form(
        &server,
        &format!("{manage}/reschedule"),
        &[
            ("start", &times[0]),
            ("timezone", "Europe/Paris"),
            ("lang", "de"),
        ],
    )
    .await;
    assert_eq!(taken.status, 409);
    assert_language(&taken, "de", "ltr");
    assert_says(&taken, &text(Locale::De, "manage-slot-taken"));
    // Not a time at all: the reason in German, the booking unchanged.
    let nonsense = post_form(
        &server,
        &format!("{manage}/reschedule"),
        &[("start", "soon"), ("lang", "de")],
    )
    .await;
    assert_eq!(nonsense.status, 422);
    let problem = text(Locale::De, "manage-problem-no-time");
    assert_says(
        &nonsense,
        &text_with(
            Locale::De,
            "manage-not-changed",
            &[("problem", problem.into())],
        ),
    );

    // Moved: the redirect keeps the language (no cookie in this client), the page says so.
    let new_start = &times[1];
    let moved = post_form(
        &server,
        &format!("{manage}/reschedule"),
        &[
            ("start", new_start),
            ("timezone", "Europe/Paris"),
            ("lang", "de"),
        ],
    )
    .await;
    assert_eq!(moved.status, 303);
    assert!(moved.location.ends_with("&lang=de"), "{}", moved.location);
    let after = get(&server, &moved.location).await;
    assert_language(&after, "de", "ltr");
    assert_says(&after, &text(Locale::De, "manage-done-rescheduled"));
    assert_german_date(&after, new_start);

    // Cancelled from an Arabic page.
    let cancelled = post_form(
        &server,
        &format!("{manage}/cancel"),
        &[("reason", "سفر"), ("lang", "ar")],
    )
    .await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(
        cancelled.location,
        format!("{manage}?done=cancelled&lang=ar")
    );
    let after = get(&server, &cancelled.location).await;
    assert_language(&after, "ar", "rtl");
    assert_says(&after, &text(Locale::Ar, "manage-done-cancelled"));
    assert_says(&after, &text(Locale::Ar, "manage-status-cancelled"));
    assert_says(&after, &text(Locale::Ar, "manage-book-again"));

    // A bad link: the error page in the language asked for.
    let broken = get(&server, "/manage/not-a-token?lang=de").await;
    assert_eq!(broken.status, 403);
    assert_language(&broken, "de", "ltr");
    assert_says(&broken, &text(Locale::De, "link-error-invalid"));
    assert_says(&broken, &text(Locale::De, "link-error-invalid-text"));
}

#[tokio::test]
async fn too_late_to_change_in_german() {
    let server = TestServer::start(&config(2000));
    let booking = book(&server, "call", &at(days_ahead(3), 10, 0)).await;
    let manage = manage_path(&booking);
    let page = get(&server, &format!("{manage}?lang=de")).await;
    let reason = text_with(Locale::De, "manage-cutoff-hours", &[("count", 2000.into())]);
    assert_says(
        &page,
        &text_with(Locale::De, "manage-too-late", &[("reason", reason.into())]),
    );
    let refused = post_form(&server, &format!("{manage}/cancel"), &[("lang", "de")]).await;
    assert_eq!(refused.status, 422);
    assert_language(&refused, "de", "ltr");
    assert_says(
        &refused,
        &text(Locale::De, "manage-problem-change-window-closed"),
    );
}

#[tokio::test]
async fn the_contact_form_and_its_errors_in_german_and_arabic() {
    let server = TestServer::start(&config(0));
    let page = get(&server, "/contact?lang=de").await;
    assert_eq!(page.status, 200);
    assert_language(&page, "de", "ltr");
    assert_says(
        &page,
        &format!("<h1>{}</h1>", text(Locale::De, "contact-heading")),
    );
    assert_says(&page, &text(Locale::De, "contact-submit"));
    assert_eq!(input_value(&page.body, "lang").as_deref(), Some("de"));
    let csrf = input_value(&page.body, "csrf").unwrap();

    // Errors: the page again in the form's language (this client sends no cookie).
    let answer = post_form(
        &server,
        "/contact",
        &[
            ("csrf", &csrf),
            ("lang", "de"),
            ("name", "Bo"),
            ("email", "bo"),
            ("message", ""),
        ],
    )
    .await;
    assert_eq!(answer.status, 422);
    assert_language(&answer, "de", "ltr");
    assert_says(&answer, &text(Locale::De, "form-fix-fields"));
    assert_says(
        &answer,
        &format!(
            "id=\"email-error\">{}</p>",
            text(Locale::De, "field-problem-email")
        ),
    );
    assert_says(
        &answer,
        &format!(
            "id=\"message-error\">{}</p>",
            text(Locale::De, "field-problem-required")
        ),
    );
    // Too long: the limit is a Fluent number, not pasted into English.
    let long = "x".repeat(1001);
    let answer = post_form(
        &server,
        "/contact",
        &[
            ("csrf", &csrf),
            ("lang", "ar"),
            ("name", "Bo"),
            ("email", "bo@example.com"),
            ("message", "Hallo"),
            ("preferred_times", &long),
        ],
    )
    .await;
    assert_eq!(answer.status, 422);
    assert_language(&answer, "ar", "rtl");
    assert_says(
        &answer,
        &text_with(
            Locale::Ar,
            "field-problem-too-long",
            &[("max", 1000.into())],
        ),
    );

    // Sent: the thanks page stays German.
    let sent = post_form(
        &server,
        "/contact",
        &[
            ("csrf", &csrf),
            ("lang", "de"),
            ("name", "Bo"),
            ("email", "bo@example.com"),
            ("message", "Haben Sie im Januar Zeit?"),
        ],
    )
    .await;
    assert_eq!(sent.status, 303);
    assert_eq!(sent.location, "/contact?sent=1&lang=de");
    let thanks = get(&server, &sent.location).await;
    assert_language(&thanks, "de", "ltr");
    assert_says(&thanks, &text(Locale::De, "contact-sent-heading"));

    // An expired form: told so in Arabic.
    let forged = post_form(
        &server,
        "/contact",
        &[
            ("csrf", "x"),
            ("lang", "ar"),
            ("name", "Bo"),
            ("email", "bo@example.com"),
            ("message", "Hi"),
        ],
    )
    .await;
    assert_eq!(forged.status, 403);
    assert_language(&forged, "ar", "rtl");
    assert_says(&forged, &text(Locale::Ar, "contact-expired"));
}

#[tokio::test]
async fn a_routing_form_in_arabic_keeps_its_language_to_the_booking_page() {
    let server = TestServer::start(&config(0));
    let form = get(&server, "/route/talk-to-us?lang=ar").await;
    assert_eq!(form.status, 200);
    assert_language(&form, "ar", "rtl");
    assert_says(&form, &text(Locale::Ar, "routing-choose"));
    assert_says(&form, &text(Locale::Ar, "routing-submit"));
    let csrf = input_value(&form.body, "csrf").unwrap();
    assert_eq!(input_value(&form.body, "lang").as_deref(), Some("ar"));

    let missing = post_form(
        &server,
        "/route/talk-to-us",
        &[("csrf", &csrf), ("lang", "ar")],
    )
    .await;
    assert_eq!(missing.status, 422);
    assert_language(&missing, "ar", "rtl");
    assert_says(&missing, &text(Locale::Ar, "form-fix-fields"));
    assert_says(
        &missing,
        &format!(
            "id=\"answer_size-error\">{}</p>",
            text(Locale::Ar, "field-problem-required")
        ),
    );

    let routed = post_form(
        &server,
        "/route/talk-to-us",
        &[("csrf", &csrf), ("lang", "ar"), ("answer_size", "500+")],
    )
    .await;
    assert_eq!(routed.status, 303);
    assert!(
        routed.location.starts_with("/book/call"),
        "{}",
        routed.location
    );
    assert!(routed.location.ends_with("lang=ar"), "{}", routed.location);

    let unknown = get(&server, "/route/nothing-here?lang=de").await;
    assert_eq!(unknown.status, 404);
    assert_language(&unknown, "de", "ltr");
    assert_says(&unknown, &text(Locale::De, "form-not-found-routing"));
}

#[tokio::test]
async fn the_hosts_approve_page_in_german_and_arabic() {
    let server = TestServer::start(&config(0));
    let start = at(days_ahead(4), 13, 0);
    let booking = book(&server, "request", &start).await;
    let id = booking["id"].as_str().unwrap();
    let token =
        Signer::new(SECRET, &[]).sign("host", id, start.parse::<Timestamp>().unwrap().as_second());
    let approve = format!("/host/{token}/approve");

    let page = get(&server, &format!("{approve}?lang=de")).await;
    assert_eq!(page.status, 200);
    assert_language(&page, "de", "ltr");
    assert_says(
        &page,
        &format!(
            "<h1>{}</h1>",
            text(Locale::De, "host-answer-approve-heading")
        ),
    );
    assert_says(&page, &text(Locale::De, "host-answer-approve-submit"));
    assert_says(&page, &text(Locale::De, "manage-status-requested"));
    // The host's time (the event type's zone is UTC here) written the German way.
    let utc = start
        .parse::<Timestamp>()
        .unwrap()
        .to_zoned_datetime(TimeZone::UTC);
    assert_says(
        &page,
        &i18n::dates(Locale::De).date_time_long(utc.datetime()),
    );
    assert_eq!(input_value(&page.body, "lang").as_deref(), Some("de"));

    let decline_page = get(&server, &format!("/host/{token}/decline?lang=ar")).await;
    assert_language(&decline_page, "ar", "rtl");
    assert_says(
        &decline_page,
        &text_with(Locale::Ar, "host-answer-message", &[("name", "Ada".into())]),
    );

    let approved = post_form(&server, &approve, &[("lang", "ar")]).await;
    assert_eq!(approved.status, 200);
    assert_language(&approved, "ar", "rtl");
    assert_says(&approved, &text(Locale::Ar, "host-answer-approved"));
    assert_says(&approved, &text(Locale::Ar, "manage-status-confirmed"));
    // JSON answers keep their English shape.
    let again = client()
        .post(server.url(&approve))
        .header("accept", "application/json")
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 200);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["status"], "confirmed");
    let bad = client()
        .get(server.url("/host/forged/approve"))
        .header("accept", "application/json")
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    let body: Value = bad.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "this link is not valid; it may have been mistyped or altered"
    );
}
