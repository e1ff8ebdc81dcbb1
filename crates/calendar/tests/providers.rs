//! The Google and Microsoft clients against the stand-ins of both providers (feature
//! `testing`) over loopback: the OAuth code flow with PKCE through the stand-in's consent
//! page, refresh and `invalid_grant`, paging, busy time, writes with Meet / Teams links, and
//! the faults the engine must survive (429 with Retry-After, 500, answers past the deadline).

use std::collections::HashMap;
use std::time::Duration;

use jiff::civil::date;
use jiff::Timestamp;
use openslot_calendar::microsoft::{self, BusyEvent};
use openslot_calendar::oauth::{OAuthClient, Pkce, Provider};
use openslot_calendar::testing::{
    CalendarSpec, EventSpec, Fault, GoogleStandIn, MicrosoftStandIn, ShowAs,
};
use openslot_calendar::{google, CalendarError, EventInput, Http};

const ADA: &str = "ada@example.com";
const ADA_MS: &str = "ada@contoso.com";

fn http() -> Http {
    Http::new(Duration::from_secs(5)).unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn seconds(text: &str) -> i64 {
    at(text).as_second()
}

fn google_client(standin: &GoogleStandIn) -> OAuthClient {
    let (client_id, client_secret) = standin.client();
    OAuthClient {
        provider: Provider::Google,
        client_id,
        client_secret,
        auth_url: standin.auth_url(),
        token_url: standin.token_url(),
        revoke_url: Some(standin.revoke_url()),
    }
}

/// Plays the user's browser: opens the authorize URL, presses "Allow" on the consent page
/// and returns the query of the redirect back to us (`code`, `state`, or `error`).
async fn consent(authorize_url: &str) -> HashMap<String, String> {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = browser.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200, "the consent page");
    let html = page.text().await.unwrap();
    let attribute = |marker: &str| {
        let start = html
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {html}"))
            + marker.len();
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    };
    let action = attribute("action=\"");
    let request = attribute("name=\"request\" value=\"");
    let account = attribute("<option value=\"");
    let target = reqwest::Url::parse(authorize_url)
        .unwrap()
        .join(&action)
        .unwrap();
    let decision = browser
        .post(target)
        .form(&[
            ("request", request.as_str()),
            ("account", account.as_str()),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert!(decision.status().is_redirection(), "{}", decision.status());
    let location = decision.headers()["location"].to_str().unwrap().to_owned();
    reqwest::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn booking(conference: bool) -> EventInput {
    EventInput {
        summary: "Intro call: Grace Hopper".into(),
        description: "Booked via openslot.\nNotes: compilers".into(),
        location: Some("Room 4".into()),
        start: at("2027-01-05T09:00:00Z"),
        end: at("2027-01-05T09:30:00Z"),
        time_zone: "Europe/Berlin".into(),
        attendees: vec![("grace@example.com".into(), "Grace Hopper".into())],
        conference,
        request_id: "booking-1-meet".into(),
    }
}

#[tokio::test]
async fn google_code_flow_with_pkce_refresh_and_invalid_grant() {
    let standin = GoogleStandIn::start();
    standin.add_account(
        ADA,
        &[
            CalendarSpec::primary(ADA, "Ada").in_zone("Europe/London"),
            CalendarSpec::new("team@group.calendar.google.com", "Team"),
            CalendarSpec::new("en.uk#holiday@group.v.calendar.google.com", "Holidays").read_only(),
        ],
    );
    standin.sign_in_as(ADA);
    let client = google_client(&standin);
    let http = http();
    let redirect = "http://127.0.0.1:9/admin/calendars/google/callback";

    let pkce = Pkce::generate();
    let answer =
        consent(&client.authorize_url(redirect, "state-1", &pkce.challenge, Some(ADA))).await;
    assert_eq!(answer["state"], "state-1");
    let code = &answer["code"];
    // The verifier must match the challenge (RFC 7636 4.6).
    let wrong = Pkce::generate();
    assert!(matches!(
        client
            .exchange_code(&http, code, redirect, &wrong.verifier)
            .await,
        Err(CalendarError::InvalidGrant(_))
    ));

    let pkce = Pkce::generate();
    let answer = consent(&client.authorize_url(redirect, "state-2", &pkce.challenge, None)).await;
    let tokens = client
        .exchange_code(&http, &answer["code"], redirect, &pkce.verifier)
        .await
        .unwrap();
    let refresh_token = tokens
        .refresh_token
        .clone()
        .expect("offline access gives a refresh token");
    assert!(tokens.expires_in > 0);
    let exchange = standin
        .requests()
        .into_iter()
        .filter(|request| request.path == "/token")
        .nth(1)
        .unwrap();
    let form = exchange.form();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code_verifier"], pkce.verifier);

    // Paging (the stand-in gives two calendars a page).
    let base = standin.api_base();
    let calendars = google::calendars(&http, &base, &tokens.access_token)
        .await
        .unwrap();
    let names: Vec<(&str, bool, bool)> = calendars
        .iter()
        .map(|calendar| (calendar.name.as_str(), calendar.primary, calendar.writable))
        .collect();
    assert_eq!(
        names,
        [
            ("Ada", true, true),
            ("Team", false, true),
            ("Holidays", false, false)
        ]
    );
    assert_eq!(calendars[0].time_zone.as_deref(), Some("Europe/London"));
    assert!(standin
        .requests()
        .iter()
        .any(|request| request.query_param("pageToken").is_some()));
    assert_eq!(
        google::account_email(&http, &base, &tokens.access_token)
            .await
            .unwrap(),
        ADA
    );

    // An expired access token is a 401; the refresh gives a working one.
    standin.expire_access_tokens();
    assert_eq!(
        google::calendars(&http, &base, &tokens.access_token).await,
        Err(CalendarError::Auth(401))
    );
    let refreshed = client.refresh(&http, &refresh_token).await.unwrap();
    assert_ne!(refreshed.access_token, tokens.access_token);
    assert_eq!(
        refreshed.refresh_token, None,
        "Google keeps the refresh token"
    );
    assert_eq!(
        google::calendars(&http, &base, &refreshed.access_token)
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(standin.refreshes() >= 1);

    // A code is single use; using it twice also revokes what it gave (RFC 6749 4.1.2).
    let pkce = Pkce::generate();
    let answer = consent(&client.authorize_url(redirect, "state-3", &pkce.challenge, None)).await;
    let third = client
        .exchange_code(&http, &answer["code"], redirect, &pkce.verifier)
        .await
        .unwrap();
    assert!(matches!(
        client
            .exchange_code(&http, &answer["code"], redirect, &pkce.verifier)
            .await,
        Err(CalendarError::InvalidGrant(_))
    ));
    assert_eq!(
        google::calendars(&http, &base, &third.access_token).await,
        Err(CalendarError::Auth(401))
    );

    // The user withdrew access: needs reconnecting, not retrying.
    standin.revoke_grants(ADA);
    let error = client.refresh(&http, &refresh_token).await.unwrap_err();
    assert!(matches!(error, CalendarError::InvalidGrant(_)), "{error:?}");
    assert!(!error.transient());
}

#[tokio::test]
async fn google_disconnect_revokes_the_grant() {
    let standin = GoogleStandIn::start();
    standin.add_account(ADA, &[CalendarSpec::primary(ADA, "Ada")]);
    let (_, refresh_token) = standin.issue_tokens(ADA);
    assert_eq!(standin.live_grants(ADA), 1);
    let client = google_client(&standin);
    client.revoke(&http(), &refresh_token).await.unwrap();
    assert_eq!(standin.live_grants(ADA), 0);
    // Revoking again (a retried disconnect) is fine.
    client.revoke(&http(), &refresh_token).await.unwrap();
    assert!(matches!(
        client.refresh(&http(), &refresh_token).await,
        Err(CalendarError::InvalidGrant(_))
    ));
}

#[tokio::test]
async fn google_free_busy_counts_only_busy_events() {
    let standin = GoogleStandIn::start();
    standin.add_account(
        ADA,
        &[
            CalendarSpec::primary(ADA, "Ada").in_zone("Europe/Berlin"),
            CalendarSpec::new("team@group.calendar.google.com", "Team"),
        ],
    );
    let (token, _) = standin.issue_tokens(ADA);
    standin.add_busy(ADA, at("2027-01-05T10:00:00Z"), at("2027-01-05T11:00:00Z"));
    standin.add_event(
        ADA,
        EventSpec::busy(at("2027-01-05T12:00:00Z"), at("2027-01-05T13:00:00Z"))
            .show_as(ShowAs::Free),
    );
    standin.add_event(
        ADA,
        EventSpec::busy(at("2027-01-05T14:00:00Z"), at("2027-01-05T15:00:00Z")).cancelled(),
    );
    standin.add_event(ADA, EventSpec::all_day(date(2027, 1, 7), date(2027, 1, 8)));
    standin.add_busy(
        "team@group.calendar.google.com",
        at("2027-02-20T09:00:00Z"),
        at("2027-02-20T09:45:00Z"),
    );
    let ids = vec![
        ADA.to_string(),
        "team@group.calendar.google.com".to_string(),
    ];
    // 90 days: two freeBusy windows.
    let busy = google::free_busy(
        &http(),
        &standin.api_base(),
        &token,
        &ids,
        at("2027-01-01T00:00:00Z"),
        at("2027-04-01T00:00:00Z"),
    )
    .await
    .unwrap();
    assert_eq!(
        busy,
        vec![
            (
                ADA.to_string(),
                vec![
                    (
                        seconds("2027-01-05T10:00:00Z"),
                        seconds("2027-01-05T11:00:00Z")
                    ),
                    // An all-day event covers the day in the calendar's zone.
                    (
                        seconds("2027-01-06T23:00:00Z"),
                        seconds("2027-01-07T23:00:00Z")
                    ),
                ]
            ),
            (
                "team@group.calendar.google.com".to_string(),
                vec![(
                    seconds("2027-02-20T09:00:00Z"),
                    seconds("2027-02-20T09:45:00Z")
                )]
            ),
        ]
    );
    let windows: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|request| request.path == "/calendar/v3/freeBusy")
        .map(|request| request.json())
        .collect();
    assert_eq!(windows.len(), 2);
    assert_eq!(windows[0]["timeMax"], windows[1]["timeMin"]);

    let missing = google::free_busy(
        &http(),
        &standin.api_base(),
        &token,
        &["nobody@example.com".to_string()],
        at("2027-01-01T00:00:00Z"),
        at("2027-01-02T00:00:00Z"),
    )
    .await;
    assert!(
        matches!(missing, Err(CalendarError::Status { status: 404, .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn google_writes_create_move_and_delete_with_a_meet_link() {
    let standin = GoogleStandIn::start();
    standin.add_account(ADA, &[CalendarSpec::primary(ADA, "Ada")]);
    let (token, _) = standin.issue_tokens(ADA);
    let (http, base) = (http(), standin.api_base());
    let event_id = google::event_id("0192f3a4-7b1c-7000-8000-000000000001");

    let written = google::insert_event(&http, &base, &token, ADA, &event_id, &booking(true))
        .await
        .unwrap();
    assert_eq!(written.id, event_id);
    let meet = written.meeting_url.clone().expect("a Meet link");
    assert!(meet.starts_with("https://meet.google.com/"), "{meet}");
    let stored = standin.events(ADA);
    assert_eq!(stored.len(), 1);
    let event = &stored[0];
    assert_eq!(event["summary"], "Intro call: Grace Hopper");
    assert_eq!(
        event["description"],
        "Booked via openslot.\nNotes: compilers"
    );
    assert_eq!(event["location"], "Room 4");
    assert_eq!(event["start"]["dateTime"], "2027-01-05T10:00:00+01:00");
    assert_eq!(event["start"]["timeZone"], "Europe/Berlin");
    assert_eq!(event["attendees"][0]["email"], "grace@example.com");
    assert_eq!(event["attendees"][0]["displayName"], "Grace Hopper");

    // A retried job inserts again: 409, then a patch of the same event, same Meet.
    let again = google::insert_event(&http, &base, &token, ADA, &event_id, &booking(true))
        .await
        .unwrap();
    assert_eq!(again.meeting_url.as_deref(), Some(meet.as_str()));
    assert_eq!(standin.events(ADA).len(), 1);

    // Moved booking.
    let mut moved = booking(true);
    moved.start = at("2027-01-06T14:00:00Z");
    moved.end = at("2027-01-06T14:30:00Z");
    let patched = google::patch_event(&http, &base, &token, ADA, &event_id, &moved)
        .await
        .unwrap();
    assert_eq!(patched.meeting_url.as_deref(), Some(meet.as_str()));
    assert_ne!(patched.etag, written.etag);
    assert_eq!(
        standin.events(ADA)[0]["start"]["dateTime"],
        "2027-01-06T15:00:00+01:00"
    );
    assert_eq!(
        google::get_event(&http, &base, &token, ADA, &event_id)
            .await
            .unwrap()
            .and_then(|event| event.meeting_url),
        Some(meet.clone())
    );

    google::delete_event(&http, &base, &token, ADA, &event_id)
        .await
        .unwrap();
    assert_eq!(standin.events(ADA)[0]["status"], "cancelled");
    google::delete_event(&http, &base, &token, ADA, &event_id)
        .await
        .unwrap();
    assert_eq!(
        google::get_event(&http, &base, &token, ADA, &event_id)
            .await
            .unwrap(),
        None
    );

    let writes: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|request| request.path.contains("/events"))
        .filter(|request| request.method != "GET")
        .collect();
    assert!(writes.len() >= 5);
    assert!(writes
        .iter()
        .all(|request| request.query_param("sendUpdates").as_deref() == Some("none")));
    assert_eq!(
        writes[0].json()["conferenceData"]["createRequest"]["conferenceSolutionKey"]["type"],
        "hangoutsMeet"
    );
    assert_eq!(
        writes[0].query_param("conferenceDataVersion").as_deref(),
        Some("1")
    );
}

#[tokio::test]
async fn google_faults_come_back_as_errors_the_engine_can_schedule() {
    let standin = GoogleStandIn::start();
    standin.add_account(ADA, &[CalendarSpec::primary(ADA, "Ada")]);
    let (token, _) = standin.issue_tokens(ADA);
    let base = standin.api_base();
    let ids = vec![ADA.to_string()];
    let window = (at("2027-01-01T00:00:00Z"), at("2027-01-08T00:00:00Z"));
    let query = |http: Http| {
        let (base, token, ids) = (base.clone(), token.clone(), ids.clone());
        async move { google::free_busy(&http, &base, &token, &ids, window.0, window.1).await }
    };

    standin.fault("/freeBusy", Fault::Status(429, Some(7)), 1);
    assert_eq!(
        query(http()).await,
        Err(CalendarError::RateLimited {
            retry_after_seconds: 7
        })
    );
    standin.fault("/freeBusy", Fault::Status(503, None), 1);
    let error = query(http()).await.unwrap_err();
    assert_eq!(error.retry_after(), Some(30));
    standin.fault("/freeBusy", Fault::Status(500, None), 1);
    let error = query(http()).await.unwrap_err();
    assert!(
        matches!(error, CalendarError::Status { status: 500, .. }),
        "{error:?}"
    );
    assert!(error.transient());

    standin.fault("/freeBusy", Fault::Delay(Duration::from_secs(3)), 1);
    let quick = http().with_deadline(Duration::from_millis(300));
    let started = std::time::Instant::now();
    assert_eq!(query(quick.clone()).await, Err(CalendarError::Timeout(300)));
    assert!(started.elapsed() < Duration::from_secs(2));
    standin.fault("/freeBusy", Fault::Hang, 1);
    assert_eq!(query(quick).await, Err(CalendarError::Timeout(300)));

    // After the faults, the same call works.
    assert_eq!(
        query(http()).await.unwrap(),
        vec![(ADA.to_string(), vec![])]
    );

    standin.fault("/token", Fault::Status(429, Some(4)), 1);
    let (_, refresh_token) = standin.issue_tokens(ADA);
    assert_eq!(
        google_client(&standin)
            .refresh(&http(), &refresh_token)
            .await,
        Err(CalendarError::RateLimited {
            retry_after_seconds: 4
        })
    );
}

fn microsoft_client(standin: &MicrosoftStandIn) -> OAuthClient {
    let (client_id, client_secret) = standin.client();
    OAuthClient {
        provider: Provider::Microsoft,
        client_id,
        client_secret,
        auth_url: standin.auth_url(),
        token_url: standin.token_url(),
        revoke_url: None,
    }
}

fn microsoft_account(standin: &MicrosoftStandIn) {
    standin.add_account(
        ADA_MS,
        &[
            CalendarSpec::primary("AAMk-default", "Calendar"),
            CalendarSpec::new("AAMk-team", "Team"),
            CalendarSpec::new("AAMk-birthdays", "Birthdays").read_only(),
        ],
    );
}

#[tokio::test]
async fn microsoft_code_flow_with_pkce_rotating_refresh_and_invalid_grant() {
    let standin = MicrosoftStandIn::start();
    microsoft_account(&standin);
    standin.sign_in_as(ADA_MS);
    let client = microsoft_client(&standin);
    let http = http();
    let redirect = "http://127.0.0.1:9/admin/calendars/microsoft/callback";

    let pkce = Pkce::generate();
    let answer = consent(&client.authorize_url(redirect, "state-ms", &pkce.challenge, None)).await;
    assert_eq!(answer["state"], "state-ms");
    let tokens = client
        .exchange_code(&http, &answer["code"], redirect, &pkce.verifier)
        .await
        .unwrap();
    let first_refresh = tokens
        .refresh_token
        .clone()
        .expect("offline_access gives a refresh token");
    let exchange = standin
        .requests()
        .into_iter()
        .find(|request| request.path.ends_with("/oauth2/v2.0/token"))
        .unwrap();
    assert!(exchange.form()["scope"].contains("Calendars.ReadWrite"));

    let base = standin.graph_base();
    assert_eq!(
        microsoft::account_email(&http, &base, &tokens.access_token)
            .await
            .unwrap(),
        ADA_MS
    );
    // Two calendars a page: the third comes through @odata.nextLink.
    let calendars = microsoft::calendars(&http, &base, &tokens.access_token)
        .await
        .unwrap();
    let seen: Vec<(&str, bool, bool)> = calendars
        .iter()
        .map(|calendar| (calendar.id.as_str(), calendar.primary, calendar.writable))
        .collect();
    assert_eq!(
        seen,
        [
            ("AAMk-default", true, true),
            ("AAMk-team", false, true),
            ("AAMk-birthdays", false, false)
        ]
    );
    assert!(
        standin
            .requests()
            .iter()
            .filter(|request| request.path == "/v1.0/me/calendars")
            .count()
            >= 2
    );

    // Microsoft rotates refresh tokens: the new one must be kept.
    standin.expire_access_tokens();
    assert_eq!(
        microsoft::calendars(&http, &base, &tokens.access_token).await,
        Err(CalendarError::Auth(401))
    );
    let refreshed = client.refresh(&http, &first_refresh).await.unwrap();
    let second_refresh = refreshed
        .refresh_token
        .clone()
        .expect("a rotated refresh token");
    assert_ne!(second_refresh, first_refresh);
    assert_eq!(
        microsoft::calendars(&http, &base, &refreshed.access_token)
            .await
            .unwrap()
            .len(),
        3
    );
    let refresh = standin
        .requests()
        .into_iter()
        .rfind(|request| request.path.ends_with("/token"))
        .unwrap()
        .form();
    assert_eq!(refresh["grant_type"], "refresh_token");
    assert_eq!(refresh["client_secret"], client.client_secret);

    standin.revoke_grants(ADA_MS);
    let error = client.refresh(&http, &second_refresh).await.unwrap_err();
    assert!(matches!(error, CalendarError::InvalidGrant(_)), "{error:?}");
    // Disconnecting needs no call: Microsoft has no revocation endpoint for one token.
    let before = standin.requests().len();
    client.revoke(&http, &second_refresh).await.unwrap();
    assert_eq!(standin.requests().len(), before);
}

#[tokio::test]
async fn microsoft_busy_time_from_get_schedule_and_calendar_view() {
    let standin = MicrosoftStandIn::start();
    microsoft_account(&standin);
    let (token, _) = standin.issue_tokens(ADA_MS);
    let (http, base) = (http(), standin.graph_base());
    let default = "AAMk-default";
    standin.add_busy(
        default,
        at("2027-01-05T10:00:00Z"),
        at("2027-01-05T11:00:00Z"),
    );
    for (show_as, hour) in [
        (ShowAs::Tentative, 12),
        (ShowAs::OutOfOffice, 13),
        (ShowAs::Free, 14),
        (ShowAs::WorkingElsewhere, 15),
    ] {
        standin.add_event(
            default,
            EventSpec::busy(
                at(&format!("2027-01-06T{hour}:00:00Z")),
                at(&format!("2027-01-06T{hour}:30:00Z")),
            )
            .show_as(show_as),
        );
    }
    standin.add_event(
        default,
        EventSpec::busy(at("2027-01-07T09:00:00Z"), at("2027-01-07T10:00:00Z")).cancelled(),
    );
    standin.add_busy(
        default,
        at("2027-02-25T09:00:00Z"),
        at("2027-02-25T09:15:00Z"),
    );

    // 59 days: two getSchedule windows.
    let busy = microsoft::schedule(
        &http,
        &base,
        &token,
        ADA_MS,
        at("2027-01-01T00:00:00Z"),
        at("2027-03-01T00:00:00Z"),
    )
    .await
    .unwrap();
    assert_eq!(
        busy,
        vec![
            (
                seconds("2027-01-05T10:00:00Z"),
                seconds("2027-01-05T11:00:00Z")
            ),
            (
                seconds("2027-01-06T12:00:00Z"),
                seconds("2027-01-06T12:30:00Z")
            ),
            (
                seconds("2027-01-06T13:00:00Z"),
                seconds("2027-01-06T13:30:00Z")
            ),
            (
                seconds("2027-02-25T09:00:00Z"),
                seconds("2027-02-25T09:15:00Z")
            ),
        ]
    );
    let schedules: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|request| request.path == "/v1.0/me/calendar/getSchedule")
        .collect();
    assert_eq!(schedules.len(), 2);
    assert_eq!(
        schedules[0].header("prefer"),
        Some("outlook.timezone=\"UTC\"")
    );

    // Another calendar: calendarView, paged, with event ids.
    let team = "AAMk-team";
    let first = standin.add_busy(team, at("2027-01-05T08:00:00Z"), at("2027-01-05T09:00:00Z"));
    let second = standin.add_busy(team, at("2027-01-05T13:00:00Z"), at("2027-01-05T14:00:00Z"));
    standin.add_event(
        team,
        EventSpec::busy(at("2027-01-05T15:00:00Z"), at("2027-01-05T16:00:00Z"))
            .show_as(ShowAs::Free),
    );
    let holiday = standin.add_event(team, EventSpec::all_day(date(2027, 1, 8), date(2027, 1, 9)));
    let mut events = microsoft::calendar_view(
        &http,
        &base,
        &token,
        team,
        at("2027-01-01T00:00:00Z"),
        at("2027-02-01T00:00:00Z"),
    )
    .await
    .unwrap();
    events.sort_by_key(|event| event.start);
    assert_eq!(
        events,
        vec![
            BusyEvent {
                id: first,
                start: seconds("2027-01-05T08:00:00Z"),
                end: seconds("2027-01-05T09:00:00Z"),
                all_day: false
            },
            BusyEvent {
                id: second,
                start: seconds("2027-01-05T13:00:00Z"),
                end: seconds("2027-01-05T14:00:00Z"),
                all_day: false
            },
            BusyEvent {
                id: holiday,
                start: seconds("2027-01-08T00:00:00Z"),
                end: seconds("2027-01-09T00:00:00Z"),
                all_day: true
            },
        ]
    );
    assert!(
        standin
            .requests()
            .iter()
            .filter(|request| request.path.ends_with("/calendarView"))
            .count()
            >= 2,
        "paged"
    );
}

#[tokio::test]
async fn microsoft_writes_create_move_and_delete_with_a_teams_link() {
    let standin = MicrosoftStandIn::start();
    microsoft_account(&standin);
    let (token, _) = standin.issue_tokens(ADA_MS);
    let (http, base) = (http(), standin.graph_base());
    let team = "AAMk-team";

    let created = microsoft::create_event(&http, &base, &token, team, "booking-1", &booking(true))
        .await
        .unwrap();
    let join = created.meeting_url.clone().expect("a Teams join URL");
    assert!(join.starts_with("https://teams.microsoft.com/"), "{join}");
    // A retried create (same transactionId) answers the same event and makes no second.
    let again = microsoft::create_event(&http, &base, &token, team, "booking-1", &booking(true))
        .await
        .unwrap();
    assert_eq!(again.id, created.id);
    assert_eq!(standin.events(team).len(), 1);
    let stored = &standin.events(team)[0];
    assert_eq!(stored["subject"], "Intro call: Grace Hopper");
    assert_eq!(
        stored["body"]["content"],
        "Booked via openslot.\nNotes: compilers"
    );
    assert_eq!(stored["location"]["displayName"], "Room 4");
    assert_eq!(
        stored["attendees"][0]["emailAddress"]["address"],
        "grace@example.com"
    );
    assert_eq!(stored["attendees"][0]["type"], "required");
    assert_eq!(stored["isOnlineMeeting"], true);
    assert_eq!(stored["onlineMeetingProvider"], "teamsForBusiness");
    assert_eq!(stored["transactionId"], "booking-1");

    let mut moved = booking(true);
    moved.start = at("2027-01-06T14:00:00Z");
    moved.end = at("2027-01-06T14:30:00Z");
    let patched = microsoft::patch_event(&http, &base, &token, &created.id, &moved)
        .await
        .unwrap();
    assert_eq!(patched.meeting_url.as_deref(), Some(join.as_str()));
    let busy = microsoft::calendar_view(
        &http,
        &base,
        &token,
        team,
        at("2027-01-01T00:00:00Z"),
        at("2027-02-01T00:00:00Z"),
    )
    .await
    .unwrap();
    assert_eq!(
        busy.iter()
            .map(|event| (event.id.as_str(), event.start))
            .collect::<Vec<_>>(),
        [(created.id.as_str(), seconds("2027-01-06T14:00:00Z"))]
    );
    assert_eq!(
        microsoft::get_event(&http, &base, &token, &created.id)
            .await
            .unwrap()
            .and_then(|event| event.meeting_url),
        Some(join)
    );

    microsoft::delete_event(&http, &base, &token, &created.id)
        .await
        .unwrap();
    microsoft::delete_event(&http, &base, &token, &created.id)
        .await
        .unwrap();
    assert_eq!(
        microsoft::get_event(&http, &base, &token, &created.id)
            .await
            .unwrap(),
        None
    );

    let writes: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|request| request.method != "GET" && request.path.contains("/events"))
        .collect();
    assert_eq!(writes[0].path, "/v1.0/me/calendars/AAMk-team/events");
    assert_eq!(writes[0].json()["start"]["dateTime"], "2027-01-05T09:00:00");
    assert_eq!(writes[0].json()["start"]["timeZone"], "UTC");
    assert_eq!(writes[2].method, "PATCH");
    assert_eq!(writes[2].path, format!("/v1.0/me/events/{}", created.id));
    assert_eq!(writes[3].method, "DELETE");
}

#[tokio::test]
async fn microsoft_faults_come_back_as_errors_the_engine_can_schedule() {
    let standin = MicrosoftStandIn::start();
    microsoft_account(&standin);
    let (token, refresh_token) = standin.issue_tokens(ADA_MS);
    let base = standin.graph_base();
    let query = |http: Http| {
        let (base, token) = (base.clone(), token.clone());
        async move {
            microsoft::schedule(
                &http,
                &base,
                &token,
                ADA_MS,
                at("2027-01-01T00:00:00Z"),
                at("2027-01-08T00:00:00Z"),
            )
            .await
        }
    };
    standin.fault("/getSchedule", Fault::Status(429, Some(9)), 1);
    assert_eq!(
        query(http()).await,
        Err(CalendarError::RateLimited {
            retry_after_seconds: 9
        })
    );
    standin.fault("/getSchedule", Fault::Status(503, Some(2)), 1);
    assert_eq!(query(http()).await.unwrap_err().retry_after(), Some(2));
    standin.fault("/getSchedule", Fault::Status(500, None), 1);
    let error = query(http()).await.unwrap_err();
    assert!(
        matches!(error, CalendarError::Status { status: 500, .. }),
        "{error:?}"
    );
    standin.fault("/getSchedule", Fault::Delay(Duration::from_secs(3)), 1);
    let quick = http().with_deadline(Duration::from_millis(300));
    assert_eq!(query(quick).await, Err(CalendarError::Timeout(300)));
    assert_eq!(query(http()).await.unwrap(), vec![]);

    standin.fault("/calendarView", Fault::Status(429, None), 1);
    assert_eq!(
        microsoft::calendar_view(
            &http(),
            &base,
            &token,
            "AAMk-team",
            at("2027-01-01T00:00:00Z"),
            at("2027-01-02T00:00:00Z"),
        )
        .await,
        Err(CalendarError::RateLimited {
            retry_after_seconds: 30
        })
    );
    standin.fault("/token", Fault::Status(503, Some(3)), 1);
    assert_eq!(
        microsoft_client(&standin)
            .refresh(&http(), &refresh_token)
            .await,
        Err(CalendarError::RateLimited {
            retry_after_seconds: 3
        })
    );
}
