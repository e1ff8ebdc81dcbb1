//! A visitor whose browser prefers German books in German, in headless Chromium with
//! JavaScript: the page picks German from Accept-Language, and the days, times, status
//! line and confirmation the script writes are German too.

mod common;

use std::time::Duration;

use common::webdriver::{Browser, BrowserOptions};
use common::TestServer;
use openslot::i18n::{self, Locale};

const WAIT: Duration = Duration::from_secs(15);

const CONFIG: &str = r##"
[limits]
booking_per_minute = 0

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
"##;

#[tokio::test]
async fn a_browser_that_prefers_german_books_in_german() {
    let Some(browser) = Browser::start(BrowserOptions {
        width: 1200,
        height: 900,
        accept_language: Some("de-DE,de".into()),
        ..BrowserOptions::default()
    }) else {
        return;
    };
    let server = TestServer::start(CONFIG);
    let german = |id: &str| i18n::text(Locale::De, id, &[]);
    browser
        .goto(&server.url("/book/call?tz=Europe/Berlin"))
        .await;
    let lang = browser
        .execute("return document.documentElement.lang", vec![])
        .await;
    assert_eq!(lang, "de", "Accept-Language chose German");

    // The script's day buttons: German weekday and accessible name.
    browser.wait_for("#days button.day", WAIT).await;
    let first = browser.find("#days button.day").await;
    let date: jiff::civil::Date = first.attr("data-date").await.unwrap().parse().unwrap();
    let dates = i18n::dates(Locale::De);
    // textContent: the style sheet may show weekdays in capitals.
    let weekday = first.find(".weekday").await.property("textContent").await;
    assert_eq!(
        weekday,
        dates.weekday_short(date).as_str(),
        "German weekday"
    );
    let label = first.find(".date").await.property("textContent").await;
    assert_eq!(label, dates.day_month(date), "German day and month");
    // Screen readers hear the visible text and then how many times the day has, in German.
    let count = first
        .find(".visually-hidden")
        .await
        .property("textContent")
        .await;
    assert!(
        (1..=200i64)
            .any(|n| count == i18n::text(Locale::De, "day-times-count", &[("count", n.into())])),
        "German count of times: {count}"
    );
    first.click().await;

    // Times on a 24-hour clock, the legend with the German day.
    browser.wait_for("#times .time label", WAIT).await;
    let times: Vec<String> = browser
        .execute(
            "return Array.from(document.querySelectorAll('#times .time label')).map(l => l.textContent)",
            vec![],
        )
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value.as_str().unwrap().to_string())
        .collect();
    assert!(times.iter().any(|time| time == "16:30"), "{times:?}");
    assert!(
        times
            .iter()
            .all(|time| !time.contains("AM") && !time.contains("PM")),
        "{times:?}"
    );
    let legend = browser.find("#times-legend").await.text().await;
    assert!(legend.contains(&dates.day_long(date)), "{legend}");

    // Sending without a time or details: the status and field errors in German.
    browser.find("#submit").await.click().await;
    let status = browser.find("#status").await.text().await;
    assert_eq!(status, german("status-fix-fields"));
    let name_error = browser.find("#name-error").await.text().await;
    assert_eq!(name_error, german("field-error-required"));

    // Booking: the confirmation the script writes is German, with a German date.
    browser.find("#times .time label").await.click().await;
    browser.find("#name").await.send_keys("Ada Lovelace").await;
    browser
        .find("#email")
        .await
        .send_keys("ada@example.com")
        .await;
    browser.find("#submit").await.click().await;
    browser.wait_for("#confirmation h2", WAIT).await;
    let heading = browser.find("#confirmation h2").await.text().await;
    assert_eq!(heading, german("outcome-confirmed-heading"));
    let confirmation = browser.find("#confirmation").await.text().await;
    assert!(
        confirmation.contains(&german("outcome-confirmed")),
        "{confirmation}"
    );
    assert!(
        confirmation.contains(&dates.day_long(date)) && confirmation.contains(&times[0]),
        "German date and 24-hour time: {confirmation}"
    );
    browser.close();
}
