//! The Google and Microsoft stand-ins behave as the public references say, over plain HTTP:
//! the OAuth authorization-code flow with PKCE, refresh, revocation, the calendar calls,
//! paging, error bodies and injected faults. Other tests rely on exactly this.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use base64::Engine;
use jiff::Timestamp;
use openslot_calendar::testing::{
    CalendarSpec, EventSpec, Fault, GoogleStandIn, MicrosoftStandIn, ShowAs,
};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://127.0.0.1:9/admin/calendars/google/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9JA8b3tXdq7-Fm0EpV1hvyDLhQ2RfC6bIl8aYf1vJ0xTxq";

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The value of `name="request" value="…"` in the authorize page.
fn request_id(html: &str) -> String {
    let start = html.find("name=\"request\" value=\"").unwrap() + 22;
    html[start..][..html[start..].find('"').unwrap()].to_owned()
}

fn query_of(location: &str) -> HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// Walks the authorize page as a browser would; returns the redirect's query.
async fn authorize(
    http: &Client,
    auth_url: &str,
    scope: &str,
    redirect_uri: &str,
    extra: &[(&str, &str)],
    decision: &str,
) -> HashMap<String, String> {
    let (client_id, _) = ("openslot-test-client", ());
    let mut params = vec![
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("response_type", "code"),
        ("scope", scope),
        ("state", "st-123"),
    ];
    params.extend_from_slice(extra);
    let page = http.get(auth_url).query(&params).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let action = html
        .split("action=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let base = url::Url::parse(auth_url).unwrap();
    let account = html
        .split("selected>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let answer = http
        .post(base.join(action).unwrap())
        .form(&[
            ("request", request_id(&html).as_str()),
            ("account", account.as_str()),
            ("decision", decision),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let location = answer.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(redirect_uri), "{location}");
    query_of(&location)
}

async fn token_request(
    http: &Client,
    token_url: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    json_of(http.post(token_url).form(form).send().await.unwrap()).await
}

async fn exchange(
    http: &Client,
    token_url: &str,
    code: &str,
    redirect_uri: &str,
) -> (StatusCode, Value) {
    token_request(
        http,
        token_url,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", "openslot-test-client"),
            ("client_secret", "openslot-test-secret"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

async fn refresh(http: &Client, token_url: &str, refresh_token: &str) -> (StatusCode, Value) {
    token_request(
        http,
        token_url,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", "openslot-test-client"),
            ("client_secret", "openslot-test-secret"),
        ],
    )
    .await
}

fn claims(id_token: &str) -> Value {
    let payload = id_token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

// ---------------------------------------------------------------- Google

fn google() -> GoogleStandIn {
    let google = GoogleStandIn::start();
    google.add_account(
        "ada@example.com",
        &[
            CalendarSpec::primary("ada@example.com", "Ada Lovelace"),
            CalendarSpec::new("team#work@group.calendar.google.com", "Team"),
            CalendarSpec::new("holidays@group.v.calendar.google.com", "Holidays").read_only(),
        ],
    );
    google.add_account(
        "bob@example.com",
        &[CalendarSpec::primary("bob@example.com", "Bob")],
    );
    google
}

async fn google_tokens(google: &GoogleStandIn, http: &Client) -> (String, String) {
    let query = authorize(
        http,
        &google.auth_url(),
        "openid email https://www.googleapis.com/auth/calendar",
        REDIRECT,
        &[
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
            ("access_type", "offline"),
            ("prompt", "consent"),
        ],
        "allow",
    )
    .await;
    let (status, body) = exchange(http, &google.token_url(), &query["code"], REDIRECT).await;
    assert_eq!(status, 200, "{body}");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn google_authorization_code_flow_with_pkce() {
    let google = google();
    google.sign_in_as("bob@example.com");
    let http = client();
    let page = http
        .get(google.auth_url())
        .query(&[
            ("client_id", "openslot-test-client"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            (
                "scope",
                "openid email https://www.googleapis.com/auth/calendar",
            ),
            ("state", "st-123"),
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
            ("access_type", "offline"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    for needle in [
        "<html lang=\"en\">",
        "<label for=\"account\">",
        "<button type=\"submit\" id=\"allow\"",
        "<title>",
        "Signing in as <strong id=\"signed-in-account\">bob@example.com</strong>",
        "https://www.googleapis.com/auth/calendar",
    ] {
        assert!(html.contains(needle), "{needle} missing in {html}");
    }
    let answer = http
        .post(format!("{}/o/oauth2/v2/auth", google.base_url()))
        .form(&[
            ("request", request_id(&html).as_str()),
            ("account", "bob@example.com"),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let query = query_of(answer.headers()[LOCATION].to_str().unwrap());
    assert_eq!(query["state"], "st-123");
    let code = query["code"].clone();

    // The form's request is single use.
    let again = http
        .post(format!("{}/o/oauth2/v2/auth", google.base_url()))
        .form(&[
            ("request", request_id(&html).as_str()),
            ("account", "bob@example.com"),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);

    // A wrong redirect_uri is refused (and spends the code, as any redemption attempt).
    let (status, body) = exchange(
        &http,
        &google.token_url(),
        &code,
        "http://127.0.0.1:9/other",
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("redirect_uri_mismatch"))
    );
    let (status, body) = exchange(&http, &google.token_url(), &code, REDIRECT).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );

    // A fresh consent, then the right exchange.
    google.sign_in_as("ada@example.com");
    let query = authorize(
        &http,
        &google.auth_url(),
        "openid email https://www.googleapis.com/auth/calendar",
        REDIRECT,
        &[
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
            ("access_type", "offline"),
        ],
        "allow",
    )
    .await;
    assert_eq!(
        query["scope"],
        "openid email https://www.googleapis.com/auth/calendar"
    );
    let (status, body) = exchange(&http, &google.token_url(), &query["code"], REDIRECT).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert!(body["access_token"].as_str().unwrap().starts_with("ya29."));
    assert!(body["refresh_token"].is_string());
    assert_eq!(
        claims(body["id_token"].as_str().unwrap())["email"],
        "ada@example.com"
    );
    let refresh_token = body["refresh_token"].as_str().unwrap().to_owned();

    // Replaying the code fails and revokes what it was exchanged for (RFC 6749 §4.1.2).
    let (status, body) = exchange(&http, &google.token_url(), &query["code"], REDIRECT).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = refresh(&http, &google.token_url(), &refresh_token).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn google_pkce_client_and_consent_rules() {
    let google = google();
    let http = client();
    let scope = "openid email https://www.googleapis.com/auth/calendar";
    let pkce = [
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    let pkce: Vec<(&str, &str)> = pkce.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // A wrong verifier.
    let query = authorize(&http, &google.auth_url(), scope, REDIRECT, &pkce, "allow").await;
    let (status, body) = token_request(
        &http,
        &google.token_url(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &query["code"]),
            ("redirect_uri", REDIRECT),
            ("client_id", "openslot-test-client"),
            ("client_secret", "openslot-test-secret"),
            ("code_verifier", &VERIFIER.replace('d', "e")),
        ],
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );

    // A wrong secret: 401 invalid_client; credentials as HTTP Basic work.
    let query = authorize(&http, &google.auth_url(), scope, REDIRECT, &pkce, "allow").await;
    let (status, body) = token_request(
        &http,
        &google.token_url(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &query["code"]),
            ("redirect_uri", REDIRECT),
            ("client_id", "openslot-test-client"),
            ("client_secret", "wrong"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = json_of(
        http.post(google.token_url())
            .basic_auth("openslot-test-client", Some("openslot-test-secret"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", query["code"].as_str()),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Without access_type=offline there is no refresh token.
    assert!(body.get("refresh_token").is_none(), "{body}");

    // With offline access the first consent yields a refresh token, a later one only
    // with prompt=consent.
    let offline: Vec<(&str, &str)> = pkce
        .iter()
        .copied()
        .chain([("access_type", "offline")])
        .collect();
    for (prompt, expected) in [(None, true), (None, false), (Some("consent"), true)] {
        let mut params = offline.clone();
        if let Some(prompt) = prompt {
            params.push(("prompt", prompt));
        }
        let query = authorize(&http, &google.auth_url(), scope, REDIRECT, &params, "allow").await;
        let (status, body) = exchange(&http, &google.token_url(), &query["code"], REDIRECT).await;
        assert_eq!(status, 200);
        assert_eq!(
            body["refresh_token"].is_string(),
            expected,
            "{prompt:?}: {body}"
        );
    }

    // Deny.
    let query = authorize(&http, &google.auth_url(), scope, REDIRECT, &pkce, "deny").await;
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["state"], "st-123");
    assert!(!query.contains_key("code"));

    // An unknown client is an error page, not a redirect; a registered redirect URI is enforced.
    let page = http
        .get(google.auth_url())
        .query(&[
            ("client_id", "nobody"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", scope),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 401);
    google.register_redirect_uri("http://127.0.0.1:9/registered");
    let page = http
        .get(google.auth_url())
        .query(&[
            ("client_id", "openslot-test-client"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", scope),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("redirect_uri_mismatch"));
}

#[tokio::test]
async fn google_refresh_keeps_the_token_counts_overlap_and_revokes() {
    let google = google();
    let http = client();
    let (access, refresh_token) = google_tokens(&google, &http).await;
    let list = format!("{}/calendar/v3/users/me/calendarList", google.api_base());
    assert_eq!(
        http.get(&list)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    google.expire_access_tokens();
    let (status, body) = json_of(http.get(&list).bearer_auth(&access).send().await.unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["errors"][0]["reason"], "authError");

    let started = Instant::now();
    let (status, body) = refresh(&http, &google.token_url(), &refresh_token).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(status, 200, "{body}");
    assert!(
        body.get("refresh_token").is_none(),
        "Google keeps the refresh token: {body}"
    );
    let access = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        http.get(&list)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        (google.refreshes(), google.max_concurrent_refreshes()),
        (1, 1)
    );

    // Two refreshes of the same token at once are seen as overlapping.
    let token_url = google.token_url();
    let (first, second) = tokio::join!(
        refresh(&http, &token_url, &refresh_token),
        refresh(&http, &token_url, &refresh_token)
    );
    assert_eq!((first.0.as_u16(), second.0.as_u16()), (200, 200));
    assert_eq!(
        (google.refreshes(), google.max_concurrent_refreshes()),
        (3, 2)
    );

    // Revoked by the account (e.g. password change): invalid_grant, access stops too.
    google.revoke_grants("ada@example.com");
    let (status, body) = refresh(&http, &google.token_url(), &refresh_token).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    );
    assert_eq!(
        http.get(&list)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // The revocation endpoint ends a grant.
    let (access, refresh_token) = google_tokens(&google, &http).await;
    assert_eq!(google.live_grants("ada@example.com"), 1);
    let revoked = http
        .post(google.revoke_url())
        .form(&[("token", refresh_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(google.live_grants("ada@example.com"), 0);
    assert_eq!(
        http.get(&list)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let again = http
        .post(google.revoke_url())
        .form(&[("token", refresh_token.as_str())])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(again).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_token"))
    );
}

#[tokio::test]
async fn google_calendar_list_pages_with_next_page_token() {
    let google = google();
    let http = client();
    let (access, _) = google.issue_tokens("ada@example.com");
    let list = format!("{}/calendar/v3/users/me/calendarList", google.api_base());
    let (status, first) = json_of(http.get(&list).bearer_auth(&access).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(first["kind"], "calendar#calendarList");
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], "ada@example.com");
    assert_eq!(items[0]["primary"], true);
    assert_eq!(items[0]["accessRole"], "owner");
    assert_eq!(items[1]["accessRole"], "writer");
    assert!(items[1].get("primary").is_none());
    let token = first["nextPageToken"].as_str().unwrap();
    let (_, second) = json_of(
        http.get(&list)
            .bearer_auth(&access)
            .query(&[("pageToken", token)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["accessRole"], "reader");
    assert!(second.get("nextPageToken").is_none());
    assert!(second["nextSyncToken"].is_string());

    let (status, body) = json_of(http.get(&list).send().await.unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], 401);
    let (status, _) = json_of(
        http.get(&list)
            .bearer_auth(&access)
            .query(&[("maxResults", "0")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    // Bob sees only his own calendar.
    let (bob, _) = google.issue_tokens("bob@example.com");
    let (_, body) = json_of(http.get(&list).bearer_auth(&bob).send().await.unwrap()).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn google_free_busy_from_stored_events() {
    let google = google();
    google.add_account(
        "cy@example.com",
        &[CalendarSpec::primary("cy@example.com", "Cy").in_zone("Europe/Berlin")],
    );
    let http = client();
    let (access, _) = google.issue_tokens("ada@example.com");
    let primary = "ada@example.com";
    google.add_busy(
        primary,
        at("2026-12-03T09:00:00Z"),
        at("2026-12-03T10:00:00Z"),
    );
    google.add_busy(
        primary,
        at("2026-12-03T09:30:00Z"),
        at("2026-12-03T11:00:00Z"),
    );
    google.add_event(
        primary,
        EventSpec::busy(at("2026-12-03T12:00:00Z"), at("2026-12-03T13:00:00Z"))
            .show_as(ShowAs::Free),
    );
    google.add_event(
        primary,
        EventSpec::busy(at("2026-12-03T14:00:00Z"), at("2026-12-03T15:00:00Z")).cancelled(),
    );
    let removed = google.add_busy(
        primary,
        at("2026-12-03T16:00:00Z"),
        at("2026-12-03T17:00:00Z"),
    );
    google.remove_event(primary, &removed);
    google.add_busy(
        "team#work@group.calendar.google.com",
        at("2026-12-02T23:00:00Z"),
        at("2026-12-03T01:00:00Z"),
    );
    google.add_event(
        "cy@example.com",
        EventSpec::all_day("2026-12-04".parse().unwrap(), "2026-12-05".parse().unwrap()),
    );

    let url = format!("{}/calendar/v3/freeBusy", google.api_base());
    let query = json!({
        "timeMin": "2026-12-03T00:00:00Z",
        "timeMax": "2026-12-04T00:00:00Z",
        "items": [{"id": primary}, {"id": "team#work@group.calendar.google.com"}, {"id": "cy@example.com"}],
    });
    let (status, body) = json_of(
        http.post(&url)
            .bearer_auth(&access)
            .header(CONTENT_TYPE, "application/json")
            .body(query.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["kind"], "calendar#freeBusy");
    assert_eq!(
        body["calendars"][primary],
        json!({"busy": [{"start": "2026-12-03T09:00:00Z", "end": "2026-12-03T11:00:00Z"}]})
    );
    assert_eq!(
        body["calendars"]["team#work@group.calendar.google.com"]["busy"],
        json!([{"start": "2026-12-03T00:00:00Z", "end": "2026-12-03T01:00:00Z"}])
    );
    // Not Ada's calendar.
    assert_eq!(
        body["calendars"]["cy@example.com"]["errors"][0]["reason"],
        "notFound"
    );

    // The all-day event is the day in the calendar's zone; answered in the asked zone.
    let (cy, _) = google.issue_tokens("cy@example.com");
    let query = json!({
        "timeMin": "2026-12-01T00:00:00Z", "timeMax": "2026-12-10T00:00:00Z",
        "timeZone": "Europe/Berlin", "items": [{"id": "primary"}],
    });
    let (_, body) = json_of(
        http.post(&url)
            .bearer_auth(&cy)
            .body(query.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        body["calendars"]["primary"]["busy"],
        json!([{"start": "2026-12-04T00:00:00+01:00", "end": "2026-12-05T00:00:00+01:00"}])
    );

    let query =
        json!({"timeMin": "2026-12-03T00:00:00Z", "timeMax": "2026-12-03T00:00:00Z", "items": []});
    let (status, body) = json_of(
        http.post(&url)
            .bearer_auth(&access)
            .body(query.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["errors"][0]["reason"]),
        (400, &json!("timeRangeEmpty"))
    );
}

#[tokio::test]
async fn google_events_insert_patch_delete_with_meet() {
    let google = google();
    let http = client();
    let (access, _) = google.issue_tokens("ada@example.com");
    let events = format!(
        "{}/calendar/v3/calendars/{}/events",
        google.api_base(),
        "team%23work%40group.calendar.google.com"
    );
    let event = json!({
        "id": "os0123456789abcdef",
        "summary": "Intro call with Bea",
        "description": "Booked with openslot",
        "start": {"dateTime": "2026-12-03T10:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-03T10:30:00", "timeZone": "Europe/Berlin"},
        "attendees": [{"email": "bea@example.org", "displayName": "Bea"}],
        "conferenceData": {"createRequest": {"requestId": "req-1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
    });
    let insert = |body: Value, query: &'static str| {
        http.post(format!("{events}{query}"))
            .bearer_auth(&access)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
    };
    let (status, created) = json_of(
        insert(event.clone(), "?conferenceDataVersion=1&sendUpdates=none")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["id"], "os0123456789abcdef");
    assert_eq!(created["status"], "confirmed");
    assert_eq!(created["attendees"][0]["responseStatus"], "needsAction");
    let meet = created["hangoutLink"].as_str().unwrap().to_owned();
    assert!(meet.starts_with("https://meet.google.com/"), "{meet}");
    assert_eq!(
        created["conferenceData"]["entryPoints"][0]["uri"],
        meet.as_str()
    );
    assert_eq!(
        created["conferenceData"]["createRequest"]["status"]["statusCode"],
        "success"
    );

    // The same client-chosen id again: 409 in Google's error shape.
    let (status, body) = json_of(
        insert(event.clone(), "?conferenceDataVersion=1")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(
        body,
        json!({"error": {"errors": [{"domain": "global", "reason": "duplicate", "message": "The requested identifier already exists."}], "code": 409, "message": "The requested identifier already exists."}})
    );
    // Without conferenceDataVersion=1 conference data is ignored.
    let mut plain = event.clone();
    plain["id"] = json!("os0123456789abcdee");
    let (_, body) = json_of(insert(plain, "").await.unwrap()).await;
    assert!(
        body.get("conferenceData").is_none() && body.get("hangoutLink").is_none(),
        "{body}"
    );
    // Ids outside base32hex are refused.
    let mut bad = event.clone();
    bad["id"] = json!("os-Booking_1");
    let (status, body) = json_of(insert(bad, "").await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["message"]),
        (400, &json!("Invalid resource id value."))
    );

    // Move it: PATCH; busy time follows.
    let url = format!("{events}/os0123456789abcdef");
    let patch = json!({"start": {"dateTime": "2026-12-03T14:00:00Z"}, "end": {"dateTime": "2026-12-03T15:00:00Z"}});
    let (status, moved) = json_of(
        http.patch(&url)
            .bearer_auth(&access)
            .body(patch.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["summary"], "Intro call with Bea");
    assert_eq!(moved["hangoutLink"], meet.as_str());
    assert_eq!(moved["sequence"], 1);
    assert_ne!(moved["etag"], created["etag"]);
    let stored = google.events("team#work@group.calendar.google.com");
    assert_eq!(stored[0]["start"]["dateTime"], "2026-12-03T14:00:00Z");
    // A stale If-Match is refused.
    let (status, _) = json_of(
        http.patch(&url)
            .bearer_auth(&access)
            .header("if-match", created["etag"].as_str().unwrap())
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 412);
    let freebusy = json!({"timeMin": "2026-12-03T00:00:00Z", "timeMax": "2026-12-04T00:00:00Z", "items": [{"id": "team#work@group.calendar.google.com"}]});
    let (_, body) = json_of(
        http.post(format!("{}/calendar/v3/freeBusy", google.api_base()))
            .bearer_auth(&access)
            .body(freebusy.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        body["calendars"]["team#work@group.calendar.google.com"]["busy"][0],
        json!({"start": "2026-12-03T09:00:00Z", "end": "2026-12-03T09:30:00Z"})
    );
    assert_eq!(
        body["calendars"]["team#work@group.calendar.google.com"]["busy"][1],
        json!({"start": "2026-12-03T14:00:00Z", "end": "2026-12-03T15:00:00Z"})
    );

    // Delete: 204, then 410 (deleted), unknown ids 404; the id stays taken.
    assert_eq!(
        http.delete(&url)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let (status, body) =
        json_of(http.delete(&url).bearer_auth(&access).send().await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["errors"][0]["reason"]),
        (410, &json!("deleted"))
    );
    let (status, _) = json_of(
        http.delete(format!("{events}/nosuchevent"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        google.events("team#work@group.calendar.google.com")[0]["status"],
        "cancelled"
    );
    let (status, _) = json_of(insert(event.clone(), "").await.unwrap()).await;
    assert_eq!(status, 409);

    // A read-only calendar; a calendar of another account.
    let read_only = format!(
        "{}/calendar/v3/calendars/holidays%40group.v.calendar.google.com/events",
        google.api_base()
    );
    let (status, body) = json_of(
        http.post(read_only)
            .bearer_auth(&access)
            .body(event.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["errors"][0]["reason"]),
        (403, &json!("requiredAccessLevel"))
    );
    let other = format!(
        "{}/calendar/v3/calendars/bob%40example.com/events",
        google.api_base()
    );
    assert_eq!(
        http.post(other)
            .bearer_auth(&access)
            .body(event.to_string())
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // The log has what was sent.
    let logged = google.requests();
    let first = logged
        .iter()
        .find(|entry| entry.method == "POST" && entry.path.ends_with("/events"))
        .unwrap();
    assert_eq!(
        first.path,
        "/calendar/v3/calendars/team%23work%40group.calendar.google.com/events"
    );
    assert_eq!(
        first.query_param("conferenceDataVersion").as_deref(),
        Some("1")
    );
    assert_eq!(first.json()["attendees"][0]["email"], "bea@example.org");
    assert!(first
        .header("authorization")
        .unwrap()
        .starts_with("Bearer ya29."));
    assert_eq!(first.status, 200);
}

#[tokio::test]
async fn google_faults_status_delay_hang() {
    let google = google();
    let http = client();
    let (access, refresh_token) = google.issue_tokens("ada@example.com");
    let list = format!("{}/calendar/v3/users/me/calendarList", google.api_base());

    google.fault("calendarList", Fault::Status(429, Some(7)), 1);
    let response = http.get(&list).bearer_auth(&access).send().await.unwrap();
    assert_eq!(response.headers()["retry-after"], "7");
    let (status, body) = json_of(response).await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["errors"][0]["reason"], "rateLimitExceeded");
    assert_eq!(
        http.get(&list)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    google.fault("calendarList", Fault::Status(500, None), 2);
    for _ in 0..2 {
        let response = http.get(&list).bearer_auth(&access).send().await.unwrap();
        assert_eq!(response.status(), 500);
        assert!(response.headers().get("retry-after").is_none());
    }
    assert_eq!(
        http.get(&list)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    google.fault("/token", Fault::Status(503, Some(3)), 1);
    let (status, body) = refresh(&http, &google.token_url(), &refresh_token).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (503, Some("temporarily_unavailable"))
    );

    google.fault("calendarList", Fault::Delay(Duration::from_millis(300)), 1);
    let started = Instant::now();
    assert_eq!(
        http.get(&list)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(300));

    google.fault("calendarList", Fault::Hang, 1);
    let error = http
        .get(&list)
        .bearer_auth(&access)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    let statuses: Vec<u16> = google
        .requests()
        .iter()
        .filter(|entry| entry.path.ends_with("calendarList"))
        .map(|entry| entry.status)
        .collect();
    assert_eq!(statuses, [429, 200, 500, 500, 200, 200, 0]);
    assert_eq!(
        http.get(&list)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

/// A plain blocking HTTP/1.1 exchange: the stand-in needs no runtime of the caller's.
fn blocking_get(base: &str, path: &str) -> String {
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn stand_ins_work_from_sync_tests_and_stop_on_drop() {
    let google = google();
    let microsoft = MicrosoftStandIn::start();
    let answer = blocking_get(&google.api_base(), "/calendar/v3/users/me/calendarList");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let answer = blocking_get(&microsoft.graph_base(), "/v1.0/me/calendars");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("InvalidAuthenticationToken"), "{answer}");
    let (google_base, microsoft_base) = (google.base_url(), microsoft.graph_base());
    drop(google);
    drop(microsoft);
    for base in [google_base, microsoft_base] {
        let address = base.trim_start_matches("http://").to_owned();
        assert!(
            std::net::TcpStream::connect(address).is_err(),
            "{base} still answers"
        );
    }
}

#[tokio::test]
async fn a_hanging_request_does_not_block_drop() {
    let google = google();
    google.fault("calendarList", Fault::Hang, 1);
    let url = format!("{}/calendar/v3/users/me/calendarList", google.api_base());
    let request = tokio::spawn(async move { client().get(url).send().await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    drop(google);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(request.await.unwrap().is_err());
}

// ---------------------------------------------------------------- Microsoft

const MS_REDIRECT: &str = "http://127.0.0.1:9/admin/calendars/microsoft/callback";
const MS_SCOPES: &str =
    "openid email offline_access User.Read Calendars.ReadWrite OnlineMeetings.ReadWrite";
const DEFAULT_ID: &str = "AAMkAGI2TG93AAA=";
const TEAM_ID: &str = "AAMkAGI2TG94AAA=";

fn microsoft() -> MicrosoftStandIn {
    let microsoft = MicrosoftStandIn::start();
    microsoft.add_account(
        "ada@contoso.com",
        &[
            CalendarSpec::primary(DEFAULT_ID, "Calendar").in_zone("Europe/Berlin"),
            CalendarSpec::new(TEAM_ID, "Team"),
            CalendarSpec::new("AAMkAGI2TG95AAA=", "Birthdays").read_only(),
        ],
    );
    microsoft
}

async fn graph(
    http: &Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<Value>,
    prefer_zone: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = http.request(method, url).bearer_auth(token);
    if let Some(zone) = prefer_zone {
        request = request.header("prefer", format!("outlook.timezone=\"{zone}\""));
    }
    if let Some(body) = body {
        request = request
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    json_of(request.send().await.unwrap()).await
}

#[tokio::test]
async fn microsoft_authorization_code_flow_rotates_refresh_tokens() {
    let microsoft = microsoft();
    let http = client();
    let pkce = [
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    let pkce: Vec<(&str, &str)> = pkce.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let query = authorize(
        &http,
        &microsoft.auth_url(),
        MS_SCOPES,
        MS_REDIRECT,
        &pkce,
        "allow",
    )
    .await;
    assert_eq!(query["state"], "st-123");
    assert!(query.contains_key("session_state"));

    // A wrong verifier: invalid_grant with Microsoft's AADSTS code and fields.
    let (status, body) = token_request(
        &http,
        &microsoft.token_url(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &query["code"]),
            ("redirect_uri", MS_REDIRECT),
            ("client_id", "openslot-test-client"),
            ("client_secret", "openslot-test-secret"),
            ("code_verifier", &VERIFIER.replace('d', "e")),
            ("scope", MS_SCOPES),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_codes"], json!([501481]));
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS501481:"));
    for field in ["timestamp", "trace_id", "correlation_id", "error_uri"] {
        assert!(body[field].is_string(), "{field} missing: {body}");
    }
    // The code was spent by that attempt.
    let (status, body) = exchange(&http, &microsoft.token_url(), &query["code"], MS_REDIRECT).await;
    assert_eq!(
        (status.as_u16(), &body["error_codes"]),
        (400, &json!([54005]))
    );

    let query = authorize(
        &http,
        &microsoft.auth_url(),
        MS_SCOPES,
        MS_REDIRECT,
        &pkce,
        "allow",
    )
    .await;
    let (status, body) = exchange(&http, &microsoft.token_url(), &query["code"], MS_REDIRECT).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["ext_expires_in"], 3599);
    assert_eq!(
        claims(body["id_token"].as_str().unwrap())["preferred_username"],
        "ada@contoso.com"
    );
    let first_refresh = body["refresh_token"].as_str().unwrap().to_owned();

    // Microsoft rotates the refresh token on every use.
    let (status, body) = refresh(&http, &microsoft.token_url(), &first_refresh).await;
    assert_eq!(status, 200, "{body}");
    let second_refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first_refresh);
    let access = body["access_token"].as_str().unwrap().to_owned();
    let (status, me) = graph(
        &http,
        reqwest::Method::GET,
        &format!("{}/v1.0/me", microsoft.graph_base()),
        &access,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (me["mail"].as_str(), me["userPrincipalName"].as_str()),
        (Some("ada@contoso.com"), Some("ada@contoso.com"))
    );
    let (_, selected) = graph(
        &http,
        reqwest::Method::GET,
        &format!(
            "{}/v1.0/me?$select=mail,userPrincipalName",
            microsoft.graph_base()
        ),
        &access,
        None,
        None,
    )
    .await;
    assert_eq!(selected["mail"], "ada@contoso.com");
    assert!(selected.get("displayName").is_none(), "{selected}");

    // Two refreshes of the same token at once overlap.
    let token_url = microsoft.token_url();
    let (one, two) = tokio::join!(
        refresh(&http, &token_url, &second_refresh),
        refresh(&http, &token_url, &second_refresh)
    );
    assert_eq!((one.0.as_u16(), two.0.as_u16()), (200, 200));
    assert_eq!(
        (microsoft.refreshes(), microsoft.max_concurrent_refreshes()),
        (3, 2)
    );

    microsoft.revoke_grants("ada@contoso.com");
    let (status, body) = refresh(&http, &microsoft.token_url(), &second_refresh).await;
    assert_eq!(
        (
            status.as_u16(),
            body["error"].as_str(),
            &body["error_codes"]
        ),
        (400, Some("invalid_grant"), &json!([50173]))
    );
    let (status, body) = graph(
        &http,
        reqwest::Method::GET,
        &format!("{}/v1.0/me", microsoft.graph_base()),
        &access,
        None,
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (401, &json!("InvalidAuthenticationToken"))
    );

    // Without offline_access there is no refresh token; a wrong secret is 401 AADSTS7000215.
    let query = authorize(
        &http,
        &microsoft.auth_url(),
        "openid User.Read Calendars.ReadWrite",
        MS_REDIRECT,
        &pkce,
        "allow",
    )
    .await;
    let (status, body) = exchange(&http, &microsoft.token_url(), &query["code"], MS_REDIRECT).await;
    assert_eq!(status, 200);
    assert!(body.get("refresh_token").is_none(), "{body}");
    let (status, body) = token_request(
        &http,
        &microsoft.token_url(),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", "openslot-test-client"),
            ("client_secret", "nope"),
        ],
    )
    .await;
    assert_eq!(
        (
            status.as_u16(),
            body["error"].as_str(),
            &body["error_codes"]
        ),
        (401, Some("invalid_client"), &json!([7000215]))
    );

    // Deny carries error and error_description.
    let query = authorize(
        &http,
        &microsoft.auth_url(),
        MS_SCOPES,
        MS_REDIRECT,
        &pkce,
        "deny",
    )
    .await;
    assert_eq!(query["error"], "access_denied");
    assert!(query["error_description"].starts_with("AADSTS65004"));
}

#[tokio::test]
async fn microsoft_calendars_page_with_next_link() {
    let microsoft = microsoft();
    let http = client();
    let (access, _) = microsoft.issue_tokens("ada@contoso.com");
    let (status, first) = graph(
        &http,
        reqwest::Method::GET,
        &format!("{}/v1.0/me/calendars", microsoft.graph_base()),
        &access,
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let value = first["value"].as_array().unwrap();
    assert_eq!(value.len(), 2);
    assert_eq!(
        (
            value[0]["id"].as_str(),
            &value[0]["isDefaultCalendar"],
            &value[0]["canEdit"]
        ),
        (Some(DEFAULT_ID), &json!(true), &json!(true))
    );
    assert_eq!(value[1]["isDefaultCalendar"], false);
    assert_eq!(
        value[0]["allowedOnlineMeetingProviders"],
        json!(["teamsForBusiness"])
    );
    let next = first["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{}/v1.0/me/calendars?", microsoft.graph_base())),
        "{next}"
    );
    let (_, second) = graph(&http, reqwest::Method::GET, next, &access, None, None).await;
    let value = second["value"].as_array().unwrap();
    assert_eq!(value.len(), 1);
    assert_eq!(value[0]["canEdit"], false);
    assert!(second.get("@odata.nextLink").is_none());
}

#[tokio::test]
async fn microsoft_get_schedule_reads_the_default_calendar() {
    let microsoft = microsoft();
    let http = client();
    let (access, _) = microsoft.issue_tokens("ada@contoso.com");
    microsoft.add_busy(
        DEFAULT_ID,
        at("2026-12-03T09:00:00Z"),
        at("2026-12-03T10:00:00Z"),
    );
    microsoft.add_event(
        DEFAULT_ID,
        EventSpec::busy(at("2026-12-03T10:00:00Z"), at("2026-12-03T11:00:00Z"))
            .show_as(ShowAs::Tentative),
    );
    microsoft.add_event(
        DEFAULT_ID,
        EventSpec::busy(at("2026-12-03T11:00:00Z"), at("2026-12-03T12:00:00Z"))
            .show_as(ShowAs::WorkingElsewhere),
    );
    microsoft.add_event(
        DEFAULT_ID,
        EventSpec::busy(at("2026-12-03T12:00:00Z"), at("2026-12-03T13:00:00Z"))
            .show_as(ShowAs::Free),
    );
    microsoft.add_event(
        DEFAULT_ID,
        EventSpec::busy(at("2026-12-03T13:00:00Z"), at("2026-12-03T14:00:00Z"))
            .show_as(ShowAs::OutOfOffice),
    );
    microsoft.add_event(
        DEFAULT_ID,
        EventSpec::busy(at("2026-12-03T14:00:00Z"), at("2026-12-03T15:00:00Z")).cancelled(),
    );
    let removed = microsoft.add_busy(
        DEFAULT_ID,
        at("2026-12-03T15:00:00Z"),
        at("2026-12-03T16:00:00Z"),
    );
    microsoft.remove_event(DEFAULT_ID, &removed);
    microsoft.add_busy(
        TEAM_ID,
        at("2026-12-03T16:00:00Z"),
        at("2026-12-03T17:00:00Z"),
    );

    let url = format!("{}/v1.0/me/calendar/getSchedule", microsoft.graph_base());
    let request = json!({
        "schedules": ["ada@contoso.com", "nobody@contoso.com"],
        "startTime": {"dateTime": "2026-12-03T08:00:00", "timeZone": "UTC"},
        "endTime": {"dateTime": "2026-12-03T18:00:00", "timeZone": "UTC"},
        "availabilityViewInterval": 60,
    });
    let (status, body) = graph(
        &http,
        reqwest::Method::POST,
        &url,
        &access,
        Some(request.clone()),
        Some("UTC"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let ada = &body["value"][0];
    assert_eq!(ada["scheduleId"], "ada@contoso.com");
    assert_eq!(ada["availabilityView"], "0210030000");
    let statuses: Vec<&str> = ada["scheduleItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["busy", "tentative", "workingElsewhere", "free", "oof"]
    );
    assert_eq!(
        ada["scheduleItems"][0]["start"],
        json!({"dateTime": "2026-12-03T09:00:00.0000000", "timeZone": "UTC"})
    );
    assert_eq!(
        body["value"][1]["error"]["responseCode"],
        "ErrorMailRecipientNotFound"
    );

    // Times in the zone the Prefer header names (Windows names too); the window's own zone.
    let mut berlin = request.clone();
    berlin["startTime"] =
        json!({"dateTime": "2026-12-03T09:00:00", "timeZone": "W. Europe Standard Time"});
    let (status, body) = graph(
        &http,
        reqwest::Method::POST,
        &url,
        &access,
        Some(berlin),
        Some("W. Europe Standard Time"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["value"][0]["scheduleItems"][0]["start"],
        json!({"dateTime": "2026-12-03T10:00:00.0000000", "timeZone": "W. Europe Standard Time"})
    );

    let mut too_long = request.clone();
    too_long["endTime"] = json!({"dateTime": "2027-02-04T08:00:00", "timeZone": "UTC"});
    let (status, body) = graph(
        &http,
        reqwest::Method::POST,
        &url,
        &access,
        Some(too_long),
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (400, &json!("ErrorTimeIntervalTooBig"))
    );
    assert!(body["error"]["innerError"]["request-id"].is_string());
    let mut bad_zone = request.clone();
    bad_zone["startTime"]["timeZone"] = json!("Mars/Olympus");
    let (status, body) = graph(
        &http,
        reqwest::Method::POST,
        &url,
        &access,
        Some(bad_zone),
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (400, &json!("TimeZoneNotSupportedException"))
    );
}

#[tokio::test]
async fn microsoft_calendar_view_pages_and_converts_zones() {
    let microsoft = microsoft();
    let http = client();
    let (access, _) = microsoft.issue_tokens("ada@contoso.com");
    let ids: Vec<String> = (0..3)
        .map(|hour| {
            let start: Timestamp =
                at("2026-12-03T09:00:00Z") + jiff::SignedDuration::from_hours(hour);
            microsoft.add_busy(TEAM_ID, start, start + jiff::SignedDuration::from_mins(30))
        })
        .collect();
    microsoft.add_event(
        TEAM_ID,
        EventSpec::busy(at("2026-12-03T15:00:00Z"), at("2026-12-03T16:00:00Z")).cancelled(),
    );
    microsoft.add_busy(
        TEAM_ID,
        at("2026-12-05T09:00:00Z"),
        at("2026-12-05T10:00:00Z"),
    );

    let url = format!(
        "{}/v1.0/me/calendars/{}/calendarView?startDateTime=2026-12-03T00:00:00Z&endDateTime=2026-12-04T00:00:00Z",
        microsoft.graph_base(),
        TEAM_ID.replace('=', "%3D")
    );
    let mut seen = Vec::new();
    let mut next = Some(url.clone());
    let mut pages = 0;
    while let Some(url) = next {
        let (status, body) = graph(
            &http,
            reqwest::Method::GET,
            &url,
            &access,
            None,
            Some("UTC"),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        pages += 1;
        for event in body["value"].as_array().unwrap() {
            seen.push((
                event["id"].as_str().unwrap().to_owned(),
                event["isCancelled"].as_bool().unwrap(),
                event["start"].clone(),
            ));
        }
        next = body["@odata.nextLink"].as_str().map(str::to_owned);
    }
    assert_eq!(pages, 2);
    assert_eq!(seen.len(), 4);
    assert_eq!(
        seen.iter()
            .take(3)
            .map(|(id, ..)| id.clone())
            .collect::<Vec<_>>(),
        ids
    );
    assert!(seen[3].1, "the cancelled event is listed with isCancelled");
    assert_eq!(
        seen[0].2,
        json!({"dateTime": "2026-12-03T09:00:00.0000000", "timeZone": "UTC"})
    );

    // Without Prefer: UTC as well; with an IANA zone: that zone. $select trims.
    let (_, body) = graph(
        &http,
        reqwest::Method::GET,
        &format!("{url}&$select=subject,start,end,showAs"),
        &access,
        None,
        Some("America/New_York"),
    )
    .await;
    let event = &body["value"][0];
    assert_eq!(
        event["start"],
        json!({"dateTime": "2026-12-03T04:00:00.0000000", "timeZone": "America/New_York"})
    );
    assert!(
        event.get("isCancelled").is_none() && event["id"].is_string() && event["showAs"] == "busy",
        "{event}"
    );

    let (status, body) = graph(
        &http,
        reqwest::Method::GET,
        &format!(
            "{}/v1.0/me/calendars/{TEAM_ID}/calendarView",
            microsoft.graph_base()
        ),
        &access,
        None,
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (400, &json!("ErrorInvalidParameter"))
    );
    let (status, body) = graph(
        &http,
        reqwest::Method::GET,
        &url.replace("TG94", "XXXX"),
        &access,
        None,
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (404, &json!("ErrorItemNotFound"))
    );
}

#[tokio::test]
async fn microsoft_events_create_update_delete_with_teams_and_transaction_id() {
    let microsoft = microsoft();
    let http = client();
    let (access, _) = microsoft.issue_tokens("ada@contoso.com");
    let create_url = format!(
        "{}/v1.0/me/calendars/{}/events",
        microsoft.graph_base(),
        TEAM_ID.replace('=', "%3D")
    );
    let event = json!({
        "subject": "Intro call with Bea",
        "body": {"contentType": "text", "content": "Booked with openslot"},
        "start": {"dateTime": "2026-12-03T10:00:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-03T10:30:00", "timeZone": "Europe/Berlin"},
        "location": {"displayName": "Online"},
        "attendees": [{"emailAddress": {"address": "bea@example.org", "name": "Bea"}, "type": "required"}],
        "isOnlineMeeting": true,
        "onlineMeetingProvider": "teamsForBusiness",
        "transactionId": "0190b5d2-7c1e-7a51-9f0e-3c2b8a1d4e5f",
    });
    let (status, created) = graph(
        &http,
        reqwest::Method::POST,
        &create_url,
        &access,
        Some(event.clone()),
        None,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let join_url = created["onlineMeeting"]["joinUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        join_url.starts_with("https://teams.microsoft.com/l/meetup-join/"),
        "{join_url}"
    );
    assert_eq!(
        created["start"],
        json!({"dateTime": "2026-12-03T10:00:00.0000000", "timeZone": "Europe/Berlin"})
    );
    assert_eq!(created["attendees"][0]["status"]["response"], "none");
    assert!(created["@odata.etag"].as_str().unwrap().starts_with("W/\""));
    let id = created["id"].as_str().unwrap().to_owned();

    // The same transactionId again: 201 with the first event, no second one.
    let (status, again) = graph(
        &http,
        reqwest::Method::POST,
        &create_url,
        &access,
        Some(event.clone()),
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), again["id"].as_str()),
        (201, Some(id.as_str()))
    );
    assert_eq!(microsoft.events(TEAM_ID).len(), 1);
    assert_eq!(
        microsoft.events(TEAM_ID)[0]["transactionId"],
        "0190b5d2-7c1e-7a51-9f0e-3c2b8a1d4e5f"
    );

    // Move it.
    let event_url = format!("{}/v1.0/me/events/{id}", microsoft.graph_base());
    let patch = json!({
        "start": {"dateTime": "2026-12-03T14:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2026-12-03T15:00:00", "timeZone": "UTC"},
    });
    let (status, moved) = graph(
        &http,
        reqwest::Method::PATCH,
        &event_url,
        &access,
        Some(patch),
        Some("UTC"),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["subject"], "Intro call with Bea");
    assert_eq!(moved["onlineMeeting"]["joinUrl"], join_url.as_str());
    assert_ne!(moved["changeKey"], created["changeKey"]);
    let view = format!(
        "{}/v1.0/me/calendars/{TEAM_ID}/calendarView?startDateTime=2026-12-03T00:00:00Z&endDateTime=2026-12-04T00:00:00Z",
        microsoft.graph_base()
    );
    let (_, body) = graph(
        &http,
        reqwest::Method::GET,
        &view,
        &access,
        None,
        Some("UTC"),
    )
    .await;
    assert_eq!(
        body["value"][0]["start"]["dateTime"],
        "2026-12-03T14:00:00.0000000"
    );
    let (status, body) = graph(&http, reqwest::Method::GET, &event_url, &access, None, None).await;
    assert_eq!(
        (status.as_u16(), &body["end"]["dateTime"]),
        (200, &json!("2026-12-03T15:00:00.0000000"))
    );

    // Delete: 204, then 404 in Graph's error shape.
    let response = http
        .delete(&event_url)
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (status, body) = graph(
        &http,
        reqwest::Method::DELETE,
        &event_url,
        &access,
        None,
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "ErrorItemNotFound");
    assert_eq!(
        body["error"]["message"],
        "The specified object was not found in the store."
    );
    assert!(microsoft.events(TEAM_ID).is_empty());

    // Read-only calendar; without isOnlineMeeting no meeting.
    let read_only = format!(
        "{}/v1.0/me/calendars/AAMkAGI2TG95AAA%3D/events",
        microsoft.graph_base()
    );
    let (status, body) = graph(
        &http,
        reqwest::Method::POST,
        &read_only,
        &access,
        Some(event.clone()),
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (403, &json!("ErrorAccessDenied"))
    );
    let mut plain = event.clone();
    plain["isOnlineMeeting"] = json!(false);
    plain["transactionId"] = json!("another");
    let (status, body) = graph(
        &http,
        reqwest::Method::POST,
        &create_url,
        &access,
        Some(plain),
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["onlineMeeting"]),
        (201, &Value::Null)
    );

    let logged = microsoft.requests();
    let first = logged
        .iter()
        .find(|entry| entry.method == "POST" && entry.path.ends_with("/events"))
        .unwrap();
    assert_eq!(
        first.json()["transactionId"],
        "0190b5d2-7c1e-7a51-9f0e-3c2b8a1d4e5f"
    );
    assert_eq!(first.status, 201);
}

#[tokio::test]
async fn microsoft_faults_use_graph_error_shape() {
    let microsoft = microsoft();
    let http = client();
    let (access, refresh_token) = microsoft.issue_tokens("ada@contoso.com");
    let url = format!("{}/v1.0/me/calendars", microsoft.graph_base());
    microsoft.fault("/v1.0/me/calendars", Fault::Status(429, Some(11)), 1);
    let response = http.get(&url).bearer_auth(&access).send().await.unwrap();
    assert_eq!(response.headers()["retry-after"], "11");
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (429, &json!("TooManyRequests"))
    );
    microsoft.fault("/v1.0/me/calendars", Fault::Status(503, Some(2)), 1);
    let (status, body) = graph(&http, reqwest::Method::GET, &url, &access, None, None).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (503, &json!("ServiceNotAvailable"))
    );
    assert_eq!(
        graph(&http, reqwest::Method::GET, &url, &access, None, None)
            .await
            .0,
        200
    );

    microsoft.fault("oauth2/v2.0/token", Fault::Status(500, None), 1);
    let (status, body) = refresh(&http, &microsoft.token_url(), &refresh_token).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (500, Some("server_error"))
    );
    let (status, _) = refresh(&http, &microsoft.token_url(), &refresh_token).await;
    assert_eq!(status, 200);
    assert_eq!(
        microsoft.refreshes(),
        1,
        "a faulted request never reaches the endpoint"
    );
}

#[tokio::test]
async fn access_ttl_browser_url_and_long_windows() {
    let google = google();
    let http = client();
    google.set_access_ttl(1);
    let (status, body) = {
        let query = authorize(
            &http,
            &google.browser_auth_url(),
            "openid email https://www.googleapis.com/auth/calendar",
            REDIRECT,
            &[("access_type", "offline")],
            "allow",
        )
        .await;
        // No PKCE asked for: none checked.
        token_request(
            &http,
            &google.token_url(),
            &[
                ("grant_type", "authorization_code"),
                ("code", &query["code"]),
                ("redirect_uri", REDIRECT),
                ("client_id", "openslot-test-client"),
                ("client_secret", "openslot-test-secret"),
            ],
        )
        .await
    };
    assert!(google.browser_auth_url().starts_with("http://localhost:"));
    assert_eq!((status.as_u16(), &body["expires_in"]), (200, &json!(1)));
    let access = body["access_token"].as_str().unwrap();
    let url = format!("{}/calendar/v3/freeBusy", google.api_base());
    let window = |to: &str| {
        json!({"timeMin": "2026-12-01T00:00:00Z", "timeMax": to, "items": [{"id": "primary"}]})
            .to_string()
    };
    let (status, body) = json_of(
        http.post(&url)
            .bearer_auth(access)
            .body(window("2027-03-01T00:00:00Z"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = json_of(
        http.post(&url)
            .bearer_auth(access)
            .body(window("2027-03-02T00:00:00Z"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["error"]["errors"][0]["reason"]),
        (400, &json!("timeRangeTooLong"))
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _) = json_of(
        http.post(&url)
            .bearer_auth(access)
            .body(window("2027-01-01T00:00:00Z"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401, "the access token outlived its expires_in");
}

#[tokio::test]
async fn microsoft_all_day_events_are_days_in_the_calendar_zone() {
    let microsoft = microsoft();
    let http = client();
    let (access, _) = microsoft.issue_tokens("ada@contoso.com");
    let day = |text: &str| text.parse::<jiff::civil::Date>().unwrap();
    let id = microsoft.add_event(
        DEFAULT_ID,
        EventSpec::all_day(day("2026-12-04"), day("2026-12-05")).show_as(ShowAs::OutOfOffice),
    );
    let view = format!(
        "{}/v1.0/me/calendarView?startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-10T00:00:00Z",
        microsoft.graph_base()
    );
    let (status, body) = graph(
        &http,
        reqwest::Method::GET,
        &view,
        &access,
        None,
        Some("UTC"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let event = &body["value"][0];
    assert_eq!(
        (event["id"].as_str(), &event["isAllDay"]),
        (Some(id.as_str()), &json!(true))
    );
    assert_eq!(event["start"]["dateTime"], "2026-12-03T23:00:00.0000000");
    assert_eq!(event["originalStartTimeZone"], "Europe/Berlin");
    let request = json!({
        "schedules": ["ada@contoso.com"],
        "startTime": {"dateTime": "2026-12-04T00:00:00", "timeZone": "Europe/Berlin"},
        "endTime": {"dateTime": "2026-12-05T00:00:00", "timeZone": "Europe/Berlin"},
        "availabilityViewInterval": 720,
    });
    let url = format!("{}/v1.0/me/calendar/getSchedule", microsoft.graph_base());
    let (status, body) = graph(
        &http,
        reqwest::Method::POST,
        &url,
        &access,
        Some(request),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["value"][0]["availabilityView"], "33");
    assert_eq!(body["value"][0]["scheduleItems"][0]["status"], "oof");
}

#[tokio::test]
async fn meeting_links_may_be_pending_until_read_again() {
    let google = google();
    let http = client();
    let (access, _) = google.issue_tokens("ada@example.com");
    google.set_conferences_pending(1);
    let events = format!("{}/calendar/v3/calendars/primary/events", google.api_base());
    let event = json!({
        "id": "os00112233",
        "summary": "Call",
        "start": {"dateTime": "2026-12-03T10:00:00Z"},
        "end": {"dateTime": "2026-12-03T10:30:00Z"},
        "conferenceData": {"createRequest": {"requestId": "r-9", "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
    });
    let (status, created) = json_of(
        http.post(format!("{events}?conferenceDataVersion=1"))
            .bearer_auth(&access)
            .body(event.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["conferenceData"]["createRequest"]["status"]["statusCode"],
        "pending"
    );
    assert!(created.get("hangoutLink").is_none());
    let (_, read) = json_of(
        http.get(format!("{events}/os00112233"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        read["conferenceData"]["createRequest"]["status"]["statusCode"],
        "success"
    );
    assert!(read["hangoutLink"]
        .as_str()
        .unwrap()
        .starts_with("https://meet.google.com/"));

    let microsoft = microsoft();
    let (access, _) = microsoft.issue_tokens("ada@contoso.com");
    microsoft.set_meetings_pending(1);
    let create = format!(
        "{}/v1.0/me/calendars/{TEAM_ID}/events",
        microsoft.graph_base()
    );
    let event = json!({
        "subject": "Call",
        "start": {"dateTime": "2026-12-03T10:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2026-12-03T10:30:00", "timeZone": "UTC"},
        "isOnlineMeeting": true,
        "onlineMeetingProvider": "teamsForBusiness",
        "transactionId": "t-1",
    });
    let (status, created) = graph(
        &http,
        reqwest::Method::POST,
        &create,
        &access,
        Some(event),
        None,
    )
    .await;
    assert_eq!(
        (
            status.as_u16(),
            &created["isOnlineMeeting"],
            &created["onlineMeeting"]
        ),
        (201, &json!(true), &Value::Null)
    );
    let url = format!(
        "{}/v1.0/me/events/{}?$select=id,isCancelled,onlineMeeting",
        microsoft.graph_base(),
        created["id"].as_str().unwrap()
    );
    let (status, read) = graph(&http, reqwest::Method::GET, &url, &access, None, None).await;
    assert_eq!(status, 200);
    assert!(read["onlineMeeting"]["joinUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://teams.microsoft.com/"));
    assert!(read.get("subject").is_none(), "{read}");
}

#[tokio::test]
async fn a_quota_per_account_answers_429_with_retry_after() {
    let microsoft = microsoft();
    microsoft.add_account(
        "bob@contoso.com",
        &[CalendarSpec::primary("AAMkAGJvYgAAA=", "Calendar")],
    );
    let http = client();
    let (ada, refresh_token) = microsoft.issue_tokens("ada@contoso.com");
    let (bob, _) = microsoft.issue_tokens("bob@contoso.com");
    microsoft.set_quota(2, Duration::from_secs(1));
    let url = format!("{}/v1.0/me/calendars", microsoft.graph_base());
    for _ in 0..2 {
        assert_eq!(
            http.get(&url)
                .bearer_auth(&ada)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let response = http.get(&url).bearer_auth(&ada).send().await.unwrap();
    assert_eq!(response.headers()["retry-after"], "1");
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["code"]),
        (429, &json!("TooManyRequests"))
    );
    assert_eq!(
        http.get(&url)
            .bearer_auth(&bob)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        refresh(&http, &microsoft.token_url(), &refresh_token)
            .await
            .0,
        200
    );
    assert_eq!(microsoft.throttled(), 1);
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(
        http.get(&url)
            .bearer_auth(&ada)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
