//! Audited accessibility: axe-core (from npm, `OPENSLOT_AXE_JS` names its `axe.min.js`) runs
//! inside headless Chromium on every state of every public page, in English and in Arabic
//! (right to left), and on the admin pages, and must report no WCAG 2.1 A/AA violation.
//! Also: every focusable element shows a visible focus indicator, status changes are
//! announced in the page's language, the Arabic page mirrors, and `GET /accessibility`.

mod common;

use std::time::Duration;

use common::admin::add_user;
use common::webdriver::{keys, Browser, BrowserOptions};
use common::{client, TestServer};
use openslot::i18n::Locale;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(15);

const EMAIL: &str = "host@example.com";
const PASSWORD: &str = "correct horse battery";

const SECRET: &str = "accessibility-test-secret-0123456789abcdef-0123456789";

/// The public pages' configuration: an instant and a request event type (with a required
/// question, so a form can have errors), a routing form and a reply-to address the
/// statement publishes.
const CONFIG: &str = r#"
[security]
secret = "accessibility-test-secret-0123456789abcdef-0123456789"

[limits]
booking_per_minute = 0

[branding]
organisation = "Acme Consulting"

[mail]
reply_to = "help@acme.example.com"

[defaults]
timezone = "Europe/London"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 120

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@hosts.example.com"

[[event_types]]
slug = "discovery-call"
title = "Discovery call"
description = "A first conversation about your project."
duration_minutes = 30
[[event_types.questions]]
id = "company"
label = "Company"
required = true

[[event_types]]
slug = "consult"
title = "Consultation"
duration_minutes = 60
mode = "request"

[[routing_forms]]
slug = "talk-to-us"
title = "Talk to us"
description = "Three questions and we find the right person."
[[routing_forms.questions]]
id = "size"
label = "Company size"
kind = "select"
options = ["1-10", "11-50", "51-500", "500+"]
required = true
[[routing_forms.questions]]
id = "company"
label = "Company"
[[routing_forms.routes]]
to = "event:discovery-call"
"#;

/// axe-core's source, or `None` (after a `SKIPPED:` line) when `OPENSLOT_AXE_JS` is unset
/// and CI does not require the browser suites. `.ci/run` installs axe-core from npm.
fn axe_source() -> Option<String> {
    let required = std::env::var("OPENSLOT_REQUIRE_BROWSER").as_deref() == Ok("1");
    match std::env::var("OPENSLOT_AXE_JS") {
        Ok(path) if !path.is_empty() => Some(
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("OPENSLOT_AXE_JS={path} cannot be read: {e}")),
        ),
        _ if required => panic!(
            "OPENSLOT_REQUIRE_BROWSER=1 but OPENSLOT_AXE_JS is not set \
             (npm install axe-core@4 and point it at node_modules/axe-core/axe.min.js)"
        ),
        _ => {
            eprintln!("SKIPPED: OPENSLOT_AXE_JS is not set (the axe-core audits need axe.min.js)");
            None
        }
    }
}

// The rest of the options (such as a preferred language) stay at their defaults as
// `BrowserOptions` grows.
#[allow(clippy::needless_update)]
fn browser(javascript: bool) -> Option<Browser> {
    Browser::start(BrowserOptions {
        javascript,
        width: 1200,
        height: 900,
        ..BrowserOptions::default()
    })
}

/// The audits of one run: each failed state with its violations, reported together.
struct Auditor<'a> {
    browser: &'a Browser,
    axe: &'a str,
    failures: Vec<String>,
    audited: usize,
    /// Pages are loaded with scripts off; they are on only while axe-core runs.
    without_javascript: bool,
}

impl<'a> Auditor<'a> {
    fn new(browser: &'a Browser, axe: &'a str) -> Self {
        Auditor {
            browser,
            axe,
            failures: Vec::new(),
            audited: 0,
            without_javascript: false,
        }
    }

    /// Runs axe-core's WCAG 2.0/2.1 A and AA rules on the current page as it is now.
    async fn audit(&mut self, state: &str) {
        if self.without_javascript {
            scripts(self.browser, true).await;
        }
        self.run(state).await;
        if self.without_javascript {
            scripts(self.browser, false).await;
        }
    }

    async fn run(&mut self, state: &str) {
        let loaded = self
            .browser
            .execute("return typeof window.axe === 'object'", vec![])
            .await;
        if loaded != Value::Bool(true) {
            // Injected through WebDriver, which the page's CSP does not govern (and which
            // works with the page's JavaScript turned off).
            self.browser
                .execute(&format!("{}\n;return true;", self.axe), vec![])
                .await;
        }
        let violations = self
            .browser
            .execute(
                "return window.axe.run(document, {
                   runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                   resultTypes: ['violations']
                 }).then(function (result) {
                   return result.violations.map(function (v) {
                     return {id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.map(function (n) {
                         return n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ');
                       })};
                   });
                 })",
                vec![],
            )
            .await;
        self.audited += 1;
        let violations = violations
            .as_array()
            .unwrap_or_else(|| panic!("axe.run on {state}: not a list: {violations}"));
        if violations.is_empty() {
            return;
        }
        let url = self.browser.url().await;
        let mut report = format!("{state} ({url}):");
        for violation in violations {
            report.push_str(&format!(
                "\n  [{}] {} — {}",
                violation["impact"].as_str().unwrap_or("?"),
                violation["id"].as_str().unwrap_or("?"),
                violation["help"].as_str().unwrap_or("?"),
            ));
            let nodes = violation["nodes"].as_array().cloned().unwrap_or_default();
            for node in nodes.iter().take(5) {
                report.push_str(&format!("\n      {}", node.as_str().unwrap_or("?")));
            }
            if nodes.len() > 5 {
                report.push_str(&format!("\n      … and {} more", nodes.len() - 5));
            }
        }
        self.failures.push(report);
    }

    fn finish(self) {
        assert!(self.audited > 0, "nothing was audited");
        assert!(
            self.failures.is_empty(),
            "axe-core found WCAG 2.1 A/AA violations in {} of {} page states:\n{}",
            self.failures.len(),
            self.audited,
            self.failures.join("\n")
        );
    }
}

/// `path` with `?lang=` (or `&lang=`) for `lang`, unless English (the default).
fn in_lang(path: &str, lang: &str) -> String {
    if lang == "en" {
        return path.to_string();
    }
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}lang={lang}")
}

/// A booking made over the JSON API: `(manage path, confirmation path)`.
async fn book_via_api(server: &TestServer, event: &str, index: usize) -> (String, String, String) {
    let body: Value = client()
        .get(server.url(&format!("/availability?event={event}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let start = body["slots"][index]["start"]
        .as_str()
        .unwrap_or_else(|| panic!("no slot {index} in {body}"))
        .to_string();
    let (status, booking) = common::post_json(
        server,
        "/booking",
        &json!({"event": event, "start": start, "name": "Mo Visitor", "email": "mo@example.com",
                "timezone": "Europe/London", "answers": {"company": "M Ltd"}}),
    )
    .await;
    assert_eq!(status, 201, "{booking}");
    let path = |url: &str| {
        let url = booking[url].as_str().unwrap().to_string();
        let at = url.find("://").map(|i| i + 3).unwrap_or(0);
        url[at + url[at..].find('/').unwrap()..].to_string()
    };
    (path("manage_url"), path("confirmation_url"), start)
}

async fn wait_status_settled(browser: &Browser) {
    browser
        .wait_js(
            "var b = document.getElementById('booking'); return !!b && b.getAttribute('aria-busy') === null",
            WAIT,
        )
        .await;
}

/// Every state of the booking flow with JavaScript, in `lang`.
async fn audit_booking_with_javascript(server: &TestServer, auditor: &mut Auditor<'_>, lang: &str) {
    let browser = auditor.browser;
    browser.goto(&server.url(&in_lang("/", lang))).await;
    auditor.audit(&format!("[{lang}] event list")).await;

    browser
        .goto(&server.url(&in_lang("/book/discovery-call", lang)))
        .await;
    browser.wait_for("#days button.day", WAIT).await;
    wait_status_settled(browser).await;
    auditor.audit(&format!("[{lang}] day list (JS)")).await;

    browser.find("#days button.day").await.click().await;
    browser.wait_for("#times .time label", WAIT).await;
    auditor.audit(&format!("[{lang}] time list (JS)")).await;

    browser.find("#times .time label").await.click().await;
    browser.find("#name").await.click().await;
    auditor.audit(&format!("[{lang}] form (JS)")).await;

    // Client-side errors: submitted with the name and e-mail empty.
    browser.find("#submit").await.click().await;
    browser.wait_for("#name[aria-invalid=true]", WAIT).await;
    auditor
        .audit(&format!("[{lang}] form with errors (JS)"))
        .await;

    // A lost race: someone else takes the chosen time first.
    let chosen = browser
        .execute(
            "return document.querySelector('#times input[name=start]:checked').value",
            vec![],
        )
        .await;
    let chosen = chosen.as_str().unwrap().to_string();
    let (status, _) = common::post_json(
        server,
        "/booking",
        &json!({"event": "discovery-call", "start": chosen, "name": "Fast", "email": "fast@example.com",
                "answers": {"company": "Quick"}}),
    )
    .await;
    assert_eq!(status, 201);
    browser.find("#name").await.send_keys("Slow Visitor").await;
    browser
        .find("#email")
        .await
        .send_keys("slow@example.com")
        .await;
    browser
        .find("#answer_company")
        .await
        .send_keys("Late Ltd")
        .await;
    browser.find("#submit").await.click().await;
    let gone = format!(
        "return !Array.from(document.querySelectorAll('#times input[name=start]')).some(function (i) {{ return i.value === {chosen:?}; }}) && document.getElementById('booking').getAttribute('aria-busy') === null && document.getElementById('status').textContent.trim() !== ''"
    );
    browser.wait_js(&gone, WAIT).await;
    auditor.audit(&format!("[{lang}] lost race (JS)")).await;

    // Another time, booked: the confirmation shown in place. (The taken time may have
    // been the first day's only one: pick the first day again.)
    browser.find("#days button.day").await.click().await;
    browser.wait_for("#times .time label", WAIT).await;
    browser.find("#times .time label").await.click().await;
    browser.find("#submit").await.click().await;
    browser
        .wait_for("#confirmation:not([hidden]) h2", WAIT)
        .await;
    auditor.audit(&format!("[{lang}] confirmation (JS)")).await;

    // The manage page: reschedule (a day picked, then moved), then cancel.
    let (manage, _, _) = book_via_api(server, "discovery-call", 3).await;
    browser.goto(&server.url(&in_lang(&manage, lang))).await;
    browser.wait_for("#reschedule-form", WAIT).await;
    auditor.audit(&format!("[{lang}] manage")).await;
    let days = browser.find_all("#days a.day").await;
    assert!(days.len() > 1, "the manage page offers other days");
    days[1].click().await;
    browser.wait_for("#times .time label", WAIT).await;
    auditor
        .audit(&format!("[{lang}] reschedule: times of a day"))
        .await;
    browser.find("#times .time label").await.click().await;
    browser.find("#reschedule-submit").await.click().await;
    browser
        .wait_js(
            "var s = document.getElementById('status'); return !!s && s.textContent.trim() !== ''",
            WAIT,
        )
        .await;
    auditor.audit(&format!("[{lang}] rescheduled")).await;
    browser
        .find("#reason")
        .await
        .send_keys("Something came up")
        .await;
    browser.find("#cancel-submit").await.click().await;
    browser
        .wait_until(WAIT, "the cancel form is gone", || async {
            browser.try_find("#cancel-form").await.is_none()
        })
        .await;
    auditor.audit(&format!("[{lang}] cancelled")).await;

    // A booking that waits for the host, and its confirmation page.
    let (_, confirmation, start) = book_via_api(server, "consult", 0).await;
    browser
        .goto(&server.url(&in_lang(&confirmation, lang)))
        .await;
    browser.wait_for("#confirmation-heading", WAIT).await;
    auditor
        .audit(&format!("[{lang}] confirmation page (request)"))
        .await;

    // The host's pages for that request (the links in the host's e-mail).
    let id = confirmation
        .trim_start_matches("/booking/")
        .split('?')
        .next()
        .unwrap();
    let start: jiff::Timestamp = start.parse().unwrap();
    let token = openslot::signing::Signer::new(SECRET, &[]).sign(
        openslot::links::HOST,
        id,
        start.as_second(),
    );
    for action in ["approve", "decline"] {
        browser
            .goto(&server.url(&in_lang(&format!("/host/{token}/{action}"), lang)))
            .await;
        browser.wait_for("main form", WAIT).await;
        auditor.audit(&format!("[{lang}] host {action} page")).await;
    }

    // Contact: empty, with errors, sent.
    browser.goto(&server.url(&in_lang("/contact", lang))).await;
    auditor.audit(&format!("[{lang}] contact")).await;
    browser
        .find("#contact-form button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for(".field-error", WAIT).await;
    auditor
        .audit(&format!("[{lang}] contact with errors"))
        .await;
    browser.find("#name").await.clear().await;
    browser.find("#name").await.send_keys("Ray").await;
    browser.find("#email").await.clear().await;
    browser
        .find("#email")
        .await
        .send_keys("ray@example.com")
        .await;
    browser
        .find("#message")
        .await
        .send_keys("Any time next month?")
        .await;
    browser
        .find("#contact-form button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for("#sent-heading", WAIT).await;
    auditor.audit(&format!("[{lang}] contact sent")).await;

    // The routing form, empty and with errors.
    browser
        .goto(&server.url(&in_lang("/route/talk-to-us", lang)))
        .await;
    auditor.audit(&format!("[{lang}] routing form")).await;
    browser
        .find("#routing-form button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for(".field-error", WAIT).await;
    auditor
        .audit(&format!("[{lang}] routing form with errors"))
        .await;

    browser
        .goto(&server.url(&in_lang("/accessibility", lang)))
        .await;
    auditor
        .audit(&format!("[{lang}] accessibility statement"))
        .await;
    browser
        .find("details.language-menu summary")
        .await
        .click()
        .await;
    browser
        .wait_for("details.language-menu[open] nav a", WAIT)
        .await;
    auditor
        .audit(&format!(
            "[{lang}] accessibility statement, language menu open"
        ))
        .await;
    browser
        .goto(&server.url(&in_lang("/book/no-such-event", lang)))
        .await;
    auditor.audit(&format!("[{lang}] not found")).await;
}

/// Turns the page's scripts on or off (Chrome DevTools): a page loaded with them off is
/// what a visitor without JavaScript gets, and turning them on afterwards runs nothing of
/// the page's own (`app.js` was skipped while parsing) but lets axe-core's timers run.
async fn scripts(browser: &Browser, on: bool) {
    browser
        .cdp(
            "Emulation.setScriptExecutionDisabled",
            json!({"value": !on}),
        )
        .await;
}

/// The states only reached without JavaScript: server-rendered days, times, the form
/// re-rendered with the server's errors, and the confirmation page after the redirect.
async fn audit_booking_without_javascript(
    server: &TestServer,
    auditor: &mut Auditor<'_>,
    lang: &str,
) {
    let browser = auditor.browser;
    scripts(browser, false).await;
    browser
        .goto(&server.url(&in_lang("/book/discovery-call", lang)))
        .await;
    auditor.audit(&format!("[{lang}] day list (no JS)")).await;
    browser.find("#days a.day").await.click().await;
    browser.wait_for("#times .time label", WAIT).await;
    auditor.audit(&format!("[{lang}] time list (no JS)")).await;
    browser.find("#times .time label").await.click().await;
    browser.find("#submit").await.click().await;
    browser.wait_for(".field-error", WAIT).await;
    auditor
        .audit(&format!("[{lang}] form with errors (no JS)"))
        .await;
    if browser
        .execute(
            "return !document.querySelector('#times input[name=start]:checked')",
            vec![],
        )
        .await
        == Value::Bool(true)
    {
        browser.find("#times .time label").await.click().await;
    }
    browser.find("#name").await.clear().await;
    browser.find("#name").await.send_keys("Bo NoScript").await;
    browser.find("#email").await.clear().await;
    browser
        .find("#email")
        .await
        .send_keys("bo@example.com")
        .await;
    browser.find("#answer_company").await.clear().await;
    browser
        .find("#answer_company")
        .await
        .send_keys("Plain HTML Ltd")
        .await;
    browser.find("#submit").await.click().await;
    browser.wait_for("#confirmation-heading", WAIT).await;
    auditor
        .audit(&format!("[{lang}] confirmation page (no JS)"))
        .await;
}

#[tokio::test]
async fn axe_finds_nothing_on_any_public_page_state_in_english_and_arabic() {
    let Some(axe) = axe_source() else { return };
    let Some(browser) = browser(true) else { return };
    let server = TestServer::start(CONFIG);
    let mut auditor = Auditor::new(&browser, &axe);
    for lang in ["en", "ar"] {
        audit_booking_with_javascript(&server, &mut auditor, lang).await;
    }
    auditor.finish();
}

#[tokio::test]
async fn axe_finds_nothing_on_the_pages_without_javascript_in_english_and_arabic() {
    let Some(axe) = axe_source() else { return };
    let Some(browser) = browser(true) else { return };
    let server = TestServer::start(CONFIG);
    let mut auditor = Auditor::new(&browser, &axe);
    auditor.without_javascript = true;
    for lang in ["en", "ar"] {
        audit_booking_without_javascript(&server, &mut auditor, lang).await;
    }
    auditor.finish();
}

#[tokio::test]
async fn axe_finds_nothing_on_the_admin_pages() {
    let Some(axe) = axe_source() else { return };
    let Some(browser) = browser(true) else { return };
    let server = TestServer::start(CONFIG);
    let output = add_user(&server, EMAIL, PASSWORD);
    assert!(output.status.success(), "add-user failed: {output:?}");
    let (_, _, _) = book_via_api(&server, "consult", 0).await;
    let (_, confirmation, _) = book_via_api(&server, "discovery-call", 1).await;
    let booking_id = confirmation
        .trim_start_matches("/booking/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let mut auditor = Auditor::new(&browser, &axe);

    browser.goto(&server.url("/admin/login")).await;
    auditor.audit("admin login").await;
    // A wrong password first: the form with its error.
    browser
        .wait_for("#email", WAIT)
        .await
        .send_keys(EMAIL)
        .await;
    browser
        .find("#password")
        .await
        .send_keys("wrong password")
        .await;
    browser.press_keys(keys::ENTER).await;
    browser
        .wait_until(WAIT, "the login form again", || async {
            browser.try_find("#password").await.is_some()
                && browser.url().await.contains("/admin/login")
        })
        .await;
    auditor.audit("admin login with error").await;
    browser.find("#email").await.clear().await;
    browser.find("#email").await.send_keys(EMAIL).await;
    browser.find("#password").await.clear().await;
    browser.find("#password").await.send_keys(PASSWORD).await;
    browser.press_keys(keys::ENTER).await;
    browser
        .wait_until(WAIT, "signed in", || async {
            !browser.url().await.contains("/admin/login")
        })
        .await;

    let pages = [
        "/admin",
        "/admin/bookings",
        &format!("/admin/bookings/{booking_id}"),
        "/admin/event-types",
        "/admin/event-types/new",
        "/admin/event-types/discovery-call",
        "/admin/hosts",
        "/admin/hosts/new",
        "/admin/hosts/ada",
        "/admin/calendars",
        "/admin/calendars/new",
        "/admin/audit",
        "/admin/tokens",
        "/admin/account",
        "/admin/webhooks",
        "/admin/webhooks/new",
        "/admin/bookings/no-such-booking",
    ];
    for page in pages {
        browser.goto(&server.url(page)).await;
        auditor.audit(&format!("admin {page}")).await;
    }
    auditor.finish();
}

/// The first focusable element's look with and without focus must differ by an outline
/// or a box shadow: keyboard users must see where they are.
const FOCUS_PROBE: &str = r#"
var focused_element = document.activeElement;
if (!focused_element || focused_element === document.body) return null;
// A control drawn by its label (a radio hidden under a time button) shows focus there.
function shown(node) {
  var style = getComputedStyle(node), rect = node.getBoundingClientRect();
  if ((style.opacity === '0' || rect.width <= 1 || rect.height <= 1) && node.labels && node.labels.length) return node.labels[0];
  return node;
}
var el = shown(focused_element);
function look(node) {
  var s = getComputedStyle(node);
  return {outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
          outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
          shadow: s.boxShadow, border: s.borderColor + ' ' + s.borderWidth,
          background: s.backgroundColor};
}
var focused = look(el);
var node = focused_element;
var describe = node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') +
  (node.className && typeof node.className === 'string' ? '.' + node.className.trim().split(/\s+/).join('.') : '') +
  ' "' + (el.textContent || node.value || '').trim().slice(0, 30) + '"' + (el !== node ? ' (shown by its label)' : '');
return {describe: describe, focused: focused, visible: el.getClientRects().length > 0};
"#;

/// Tabs through every element of the page in order; for each, its focused style against
/// its style after focus moves on.
async fn check_focus_indicators(browser: &Browser, page: &str, problems: &mut Vec<String>) {
    browser
        .execute(
            "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); return true",
            vec![],
        )
        .await;
    let mut seen = Vec::new();
    for _ in 0..200 {
        browser.press_keys(keys::TAB).await;
        let probe = browser.execute(FOCUS_PROBE, vec![]).await;
        if probe.is_null() {
            break;
        }
        let element = browser.active_element().await;
        if seen.iter().any(|id: &String| id == element.id()) {
            break;
        }
        seen.push(element.id().to_string());
        let describe = probe["describe"].as_str().unwrap_or("?").to_string();
        let focused = &probe["focused"];
        let has_outline = focused["outlineStyle"] != "none"
            && focused["outlineWidth"].as_f64().unwrap_or(0.0) > 0.0;
        let has_shadow = focused["shadow"] != "none";
        // The same element's look without focus (focus parked on the document).
        let unfocused = browser
            .execute(
                "var control = arguments[0]; control.blur();
                 var el = control, rect = control.getBoundingClientRect(), style = getComputedStyle(control);
                 if ((style.opacity === '0' || rect.width <= 1 || rect.height <= 1) && control.labels && control.labels.length) el = control.labels[0];
                 var s = getComputedStyle(el);
                 var look = {outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
                   shadow: s.boxShadow, border: s.borderColor + ' ' + s.borderWidth,
                   background: s.backgroundColor};
                 control.focus({focusVisible: true}); return look;",
                vec![element.to_json()],
            )
            .await;
        let differs =
            focused["outline"] != unfocused["outline"] || focused["shadow"] != unfocused["shadow"];
        if !(has_outline || has_shadow) || !differs {
            problems.push(format!(
                "{page}: {describe} has no visible focus indicator (focused {focused}, unfocused {unfocused})"
            ));
        }
    }
    if seen.len() < 3 {
        problems.push(format!(
            "{page}: only {} elements reached with Tab",
            seen.len()
        ));
    }
}

#[tokio::test]
async fn every_focusable_element_shows_a_visible_focus_indicator() {
    let Some(browser) = browser(true) else { return };
    let server = TestServer::start(CONFIG);
    let mut problems = Vec::new();

    browser.goto(&server.url("/book/discovery-call")).await;
    browser.wait_for("#days button.day", WAIT).await;
    wait_status_settled(&browser).await;
    // A day chosen, so the time radios are on the page too.
    browser.find("#days button.day").await.click().await;
    browser.wait_for("#times .time label", WAIT).await;
    check_focus_indicators(&browser, "booking page", &mut problems).await;

    let (manage, _, _) = book_via_api(&server, "discovery-call", 2).await;
    browser.goto(&server.url(&manage)).await;
    browser.wait_for("#reschedule-form", WAIT).await;
    check_focus_indicators(&browser, "manage page", &mut problems).await;

    browser.goto(&server.url("/accessibility?lang=ar")).await;
    check_focus_indicators(&browser, "statement (ar)", &mut problems).await;

    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What `#status` says after a submit with empty fields (an action `app.js` announces), and
/// whether it is a polite live region.
async fn status_after_empty_submit(browser: &Browser, server: &TestServer, lang: &str) -> String {
    browser
        .goto(&server.url(&in_lang("/book/discovery-call", lang)))
        .await;
    browser.wait_for("#days button.day", WAIT).await;
    wait_status_settled(browser).await;
    browser.find("#days button.day").await.click().await;
    browser.wait_for("#times .time label", WAIT).await;
    browser.find("#submit").await.click().await;
    browser.wait_for("#name[aria-invalid=true]", WAIT).await;
    let status = browser.find("#status").await;
    assert_eq!(
        status.attr("aria-live").await.as_deref(),
        Some("polite"),
        "#status is a polite live region ({lang})"
    );
    assert_eq!(status.attr("role").await.as_deref(), Some("status"));
    let page_lang = browser
        .execute("return document.documentElement.lang", vec![])
        .await;
    assert_eq!(page_lang, json!(lang), "the page is in {lang}");
    status.text().await
}

#[tokio::test]
async fn status_changes_are_announced_in_the_pages_language() {
    let Some(browser) = browser(true) else { return };
    let server = TestServer::start(CONFIG);
    let english = status_after_empty_submit(&browser, &server, "en").await;
    assert!(!english.trim().is_empty(), "an announcement in English");
    // The message app.js shows (from the page's message block) once the booking catalog
    // has it; until then the text must at least not be the English one.
    const MESSAGE: &str = "status-fix-fields";
    let catalogued = openslot::i18n::text(Locale::En, MESSAGE, &[]) != MESSAGE;
    if catalogued {
        assert_eq!(english, openslot::i18n::text(Locale::En, MESSAGE, &[]));
    }
    for (lang, locale) in [("de", Locale::De), ("ar", Locale::Ar)] {
        let announced = status_after_empty_submit(&browser, &server, lang).await;
        assert!(!announced.trim().is_empty(), "an announcement in {lang}");
        assert_ne!(
            announced, english,
            "the live region speaks {lang}, not English"
        );
        if catalogued {
            assert_eq!(announced, openslot::i18n::text(locale, MESSAGE, &[]));
        }
    }
}

#[tokio::test]
async fn the_arabic_page_is_right_to_left_and_mirrors() {
    let Some(browser) = browser(true) else { return };
    let server = TestServer::start(CONFIG);
    // Where the text of the brand, the language menu, the heading and a list item sits, as
    // fractions of the width.
    let layout = "var width = document.documentElement.clientWidth;
      function box(css) { var range = document.createRange();
        range.selectNodeContents(document.querySelector(css)); var r = range.getBoundingClientRect();
        return {left: r.left / width, right: r.right / width}; }
      return {dir: document.documentElement.dir, lang: document.documentElement.lang,
        brand: box('header.site .brand'), menu: box('header.site .language-menu summary'),
        heading: box('main h1'), list: box('main li')};";
    browser.goto(&server.url("/accessibility?lang=en")).await;
    let english = browser.execute(layout, vec![]).await;
    browser.goto(&server.url("/accessibility?lang=ar")).await;
    let arabic = browser.execute(layout, vec![]).await;
    // A picture of the mirrored page with its language menu open, for people to look at.
    browser
        .find("details.language-menu summary")
        .await
        .click()
        .await;
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&folder).unwrap();
    browser
        .screenshot(folder.join("accessibility-statement-ar.png"))
        .await;
    assert_eq!(english["dir"], "ltr", "{english}");
    assert_eq!(arabic["dir"], "rtl", "{arabic}");
    assert_eq!(arabic["lang"], "ar", "{arabic}");
    let number = |value: &Value, part: &str, side: &str| value[part][side].as_f64().unwrap();
    for part in ["brand", "menu", "heading", "list"] {
        // The left edge in English is (nearly) the right edge in Arabic, mirrored.
        let left = number(&english, part, "left");
        let right = 1.0 - number(&arabic, part, "right");
        assert!(
            (left - right).abs() < 0.02,
            "{part} mirrors: English starts {left:.3} from the left, Arabic ends {right:.3} from the right ({english} / {arabic})"
        );
    }
    assert!(
        number(&arabic, "brand", "left") > number(&arabic, "menu", "left"),
        "in Arabic the brand sits right of the language menu: {arabic}"
    );
}

#[tokio::test]
async fn the_accessibility_statement_is_served_in_the_visitors_language() {
    let server = TestServer::start(CONFIG);
    let get = |path: &'static str, accept: &'static str| {
        let url = server.url(path);
        async move {
            let response = client()
                .get(url)
                .header("Accept-Language", accept)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_string();
            // The page differs by language: a shared cache must keep the versions apart.
            let vary: Vec<&str> = response
                .headers()
                .get_all("vary")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect();
            let vary = vary.join(", ");
            assert!(vary.contains("Accept-Language"), "Vary: {vary}");
            (status, content_type, response.text().await.unwrap())
        }
    };
    let (status, content_type, english) = get("/accessibility", "en").await;
    assert_eq!(status, 200, "{english}");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        english.contains("<html lang=\"en\" dir=\"ltr\">"),
        "{english}"
    );
    assert!(english.contains("Accessibility statement"), "{english}");
    assert!(
        english.contains("WCAG) 2.1 at level AA"),
        "the standard: {english}"
    );
    assert!(
        english.contains("axe-core in a headless Chromium browser"),
        "how it is tested: {english}"
    );
    assert!(english.contains("Acme Consulting"), "{english}");
    assert!(
        english.contains("href=\"/contact?lang=en\""),
        "the contact form: {english}"
    );
    assert!(
        english.contains("href=\"mailto:help@acme.example.com\""),
        "the configured reply-to address: {english}"
    );
    assert!(
        english.contains("12 languages"),
        "the language count: {english}"
    );

    // The visitor's language: Accept-Language, and ?lang= over it.
    let (_, _, arabic) = get("/accessibility?lang=ar", "de").await;
    assert!(
        arabic.contains("<html lang=\"ar\" dir=\"rtl\">"),
        "{arabic}"
    );
    assert!(arabic.contains("href=\"/contact?lang=ar\""), "{arabic}");
    let (_, _, german) = get("/accessibility", "de-CH, en;q=0.5").await;
    assert!(
        german.contains("<html lang=\"de\" dir=\"ltr\">"),
        "{german}"
    );
    let expected = openslot::i18n::text(Locale::De, "accessibility-title", &[]);
    assert!(german.contains(&format!("<h1 id=\"statement-heading\">{expected}</h1>")));

    // The footer of every public page links to it.
    let (_, _, home) = get("/", "en").await;
    assert!(home.contains("href=\"/accessibility\""), "{home}");
}

#[tokio::test]
async fn without_a_reply_to_address_the_statement_offers_the_contact_form() {
    let server = TestServer::start(&CONFIG.replace("reply_to = \"help@acme.example.com\"", ""));
    let body = client()
        .get(server.url("/accessibility"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("href=\"/contact?lang=en\""), "{body}");
    assert!(!body.contains("mailto:"), "{body}");
}
