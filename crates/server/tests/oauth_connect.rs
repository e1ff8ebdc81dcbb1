//! Connecting Google and Microsoft accounts from /admin/calendars against the providers'
//! stand-ins (crates/calendar/src/testing), over HTTP against the real binary: the
//! authorization-code flow with PKCE and a `state` bound to the signed-in session (single
//! use, other sessions and expired ones refused, a provider's refusal shown), the calendar
//! picker (busy boxes, one write calendar per host), reconnect after `invalid_grant`,
//! disconnect (revoked at the provider, deleted here), a host user kept to their host,
//! the accounts in `/api/v1`, and no token, secret or verifier in any page or answer.
//! The last test does the whole connect in headless Chromium.

mod common;

use common::{
    admin::{add_host_user, add_user, create_token, input_value, Admin, Api},
    database_url_for, TestServer,
};
use openslot_calendar::testing::{CalendarSpec, GoogleStandIn, Logged, MicrosoftStandIn};
use serde_json::Value;

const PASSWORD: &str = "correct horse battery";
/// Fixed, so the test can seal a sign-in as the server would.
const SECRET: &str = "oauth-connect-test-secret-0123456789abcdef";
const ADA: &str = "ada.work@example.com";

const BASE: &str = r#"
[security]
secret = "oauth-connect-test-secret-0123456789abcdef"
[calendars]
allow_private_targets = true
[limits]
booking_per_minute = 0
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 0
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
[[event_types]]
slug = "intro"
title = "Intro call"
duration_minutes = 30
hosts = ["ada"]
"#;

fn google_section(google: &GoogleStandIn, auth_url: &str) -> String {
    let (id, secret) = google.client();
    format!(
        "[google]\nclient_id = \"{id}\"\nclient_secret = \"{secret}\"\nauth_url = \"{auth_url}\"\n\
         token_url = \"{}\"\nrevoke_url = \"{}\"\napi_base = \"{}\"\n",
        google.token_url(),
        google.revoke_url(),
        google.api_base()
    )
}

fn microsoft_section(microsoft: &MicrosoftStandIn, auth_url: &str) -> String {
    let (id, secret) = microsoft.client();
    format!(
        "[microsoft]\nclient_id = \"{id}\"\nclient_secret = \"{secret}\"\nauth_url = \"{auth_url}\"\n\
         token_url = \"{}\"\ngraph_base = \"{}\"\n",
        microsoft.token_url(),
        microsoft.graph_base()
    )
}

/// Ada's Microsoft 365 mailbox: Graph calendar ids are opaque (with `=` and `-`).
const ADA_MS: &str = "ada@contoso.example";
const MS_DEFAULT: &str = "AAMkADdefault-calendar-Ada==";
const MS_ROOMS: &str = "AAMkADrooms-Ada_2=";
const MS_BIRTHDAYS: &str = "AAMkADbirthdays-Ada==";

fn add_microsoft_account(microsoft: &MicrosoftStandIn) {
    microsoft.add_account(
        ADA_MS,
        &[
            CalendarSpec::primary(MS_DEFAULT, "Calendar"),
            CalendarSpec::new(MS_ROOMS, "Rooms"),
            CalendarSpec::new(MS_BIRTHDAYS, "Birthdays").read_only(),
        ],
    );
}

/// A Google stand-in with Ada's work account (three calendars, one read only) and a
/// server using it.
fn google_and_server() -> (GoogleStandIn, TestServer) {
    let google = GoogleStandIn::start();
    google.add_account(
        ADA,
        &[
            CalendarSpec::primary(ADA, "Ada (work)"),
            CalendarSpec::new("team-7@group.calendar.google.com", "Team"),
            CalendarSpec::new("holidays@group.v.calendar.google.com", "Holidays").read_only(),
        ],
    );
    let config = format!("{BASE}{}", google_section(&google, &google.auth_url()));
    let server = TestServer::start(&config);
    google.register_redirect_uri(&server.url("/admin/calendars/google/callback"));
    (google, server)
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// One answer, whole.
struct Answer {
    status: u16,
    location: String,
    csp: String,
    body: String,
}

async fn answer(response: reqwest::Response) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let location = header("location");
    let csp = header("content-security-policy");
    Answer {
        status: response.status().as_u16(),
        location,
        csp,
        body: response.text().await.unwrap(),
    }
}

async fn get(admin: &Admin, path: &str) -> Answer {
    let mut request = admin.client.get(format!("{}{path}", admin.base));
    if let Some(cookie) = &admin.cookie {
        request = request.header("cookie", cookie);
    }
    answer(request.send().await.unwrap()).await
}

async fn signed_in(server: &TestServer, email: &str) -> Admin {
    let mut admin = Admin::new(server);
    let (status, body) = admin.sign_in(email, PASSWORD).await;
    assert_eq!(status, 303, "{body}");
    admin
}

fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Plays the user's browser at the provider: opens the authorize page `authorize`, picks
/// `account` and answers `decision` ("allow" or "deny"). Returns where the provider
/// sends the browser back (the path and query on the server).
async fn consent(server: &TestServer, authorize: &str, account: &str, decision: &str) -> String {
    let client = no_redirects();
    let page = answer(client.get(authorize).send().await.unwrap()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let request = input_value(&page.body, "request").expect("the consent form's request id");
    let action_at = page.body.find("action=\"").expect("a form") + "action=\"".len();
    let action = &page.body[action_at..action_at + page.body[action_at..].find('"').unwrap()];
    let target = url::Url::parse(authorize).unwrap().join(action).unwrap();
    let back = answer(
        client
            .post(target)
            .form(&[
                ("request", request.as_str()),
                ("account", account),
                ("decision", decision),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(back.status, 302, "{}", back.body);
    back.location
        .strip_prefix(&server.base)
        .unwrap_or_else(|| {
            panic!(
                "the provider sends the browser elsewhere: {}",
                back.location
            )
        })
        .to_string()
}

/// Starts connecting `provider` for `host` (None: the form without a host); returns the
/// authorize URL the server redirected to.
async fn start(admin: &Admin, provider: &str, host: Option<&str>) -> String {
    let fields: Vec<(&str, &str)> = host.map(|host| ("host", host)).into_iter().collect();
    let (status, location, body) = admin
        .post(&format!("/admin/calendars/{provider}/connect"), &fields)
        .await;
    assert_eq!(status, 303, "{body}");
    location
}

/// Connects `account` of the Google stand-in for `host`; returns the account id.
async fn connect_google(
    server: &TestServer,
    admin: &Admin,
    google: &GoogleStandIn,
    host: Option<&str>,
    account: &str,
) -> String {
    let authorize = start(admin, "google", host).await;
    assert!(authorize.starts_with(&google.auth_url()), "{authorize}");
    let back = consent(server, &authorize, account, "allow").await;
    let finished = get(admin, &back).await;
    assert_eq!(finished.status, 303, "{}", finished.body);
    let id = finished
        .location
        .strip_prefix("/admin/calendars/accounts/")
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("to the picker: {}", finished.location))
        .to_string();
    id
}

async fn put(api: &Api, path: &str, body: Value) -> (u16, Value) {
    api.send(reqwest::Method::PUT, path, Some(&body)).await
}

/// The error code an admin error page shows.
fn page_code(body: &str) -> String {
    let at = body
        .find("data-code=\"")
        .unwrap_or_else(|| panic!("no error code in {body}"))
        + "data-code=\"".len();
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

fn text(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

async fn store_of(server: &TestServer) -> std::sync::Arc<dyn openslot_store::Store> {
    let mut config = openslot::config::Config::parse("", "test.toml").unwrap();
    config.database.url = database_url_for(&server.dir);
    openslot::serve::open_store(&config).await.unwrap()
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Tokens, secrets and verifiers a stand-in saw, none of which may be shown anywhere.
fn secrets_seen(google: &GoogleStandIn) -> Vec<String> {
    secrets_in(google.requests(), google.client().1)
}

fn secrets_in(requests: Vec<Logged>, client_secret: String) -> Vec<String> {
    let mut secrets = vec![client_secret];
    for request in requests {
        let form = request.form();
        for key in ["code_verifier", "refresh_token", "token", "client_secret"] {
            if let Some(value) = form.get(key).filter(|value| !value.is_empty()) {
                secrets.push(value.clone());
            }
        }
        if let Some(bearer) = request
            .header("authorization")
            .and_then(|value| value.strip_prefix("Bearer "))
        {
            secrets.push(bearer.to_string());
        }
    }
    secrets
}

fn assert_secret_free(what: &str, shown: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !shown.contains(secret.as_str()),
            "a secret ({secret}) in {what}: {shown}"
        );
    }
    assert!(
        !shown.contains("ya29."),
        "an access token in {what}: {shown}"
    );
    assert!(
        !shown.contains("verifier"),
        "the verifier in {what}: {shown}"
    );
}

#[tokio::test]
async fn google_account_is_connected_calendars_chosen_and_disconnected() {
    let (google, server) = google_and_server();
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let admin = signed_in(&server, "ops@example.com").await;
    let api = Api::new(&server, &create_token(&server, "ops"));
    let mut shown: Vec<(String, String)> = Vec::new();

    // Only the configured provider is offered; its sign-in page may be a form's target.
    let list = get(&admin, "/admin/calendars").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Connect Google"), "{}", list.body);
    assert!(!list.body.contains("Connect Microsoft"));
    let origin = google.auth_url();
    let origin = &origin[..origin.find("/o/").unwrap()];
    assert!(
        list.csp.contains(&format!("form-action 'self' {origin}")),
        "{}",
        list.csp
    );

    // "Connect Google" sends the browser to Google with PKCE (S256) and a fresh state.
    let authorize = start(&admin, "google", Some("ada")).await;
    let param = |name: &str| query_param(&authorize, name);
    assert_eq!(param("response_type").as_deref(), Some("code"));
    assert_eq!(param("client_id"), Some(google.client().0));
    assert_eq!(
        param("redirect_uri"),
        Some(server.url("/admin/calendars/google/callback"))
    );
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param("code_challenge").map(|c| c.len()), Some(43));
    assert_eq!(param("access_type").as_deref(), Some("offline"));
    assert_eq!(param("prompt").as_deref(), Some("consent"));
    assert!(param("scope")
        .unwrap()
        .contains("https://www.googleapis.com/auth/calendar"));
    let state = param("state").unwrap();
    assert!(state.len() >= 43, "{state}");
    assert!(param("code_verifier").is_none());
    // Only hashes of the state are stored.
    let store = store_of(&server).await;

    let back = consent(&server, &authorize, ADA, "allow").await;
    assert!(
        back.starts_with("/admin/calendars/google/callback?code="),
        "{back}"
    );
    let finished = get(&admin, &back).await;
    assert_eq!(finished.status, 303, "{}", finished.body);
    let id = finished
        .location
        .strip_prefix("/admin/calendars/accounts/")
        .unwrap()
        .strip_suffix("?done=connected")
        .unwrap_or_else(|| panic!("{}", finished.location))
        .to_string();
    // The code was exchanged with the verifier whose challenge went to Google.
    let exchange = google
        .requests()
        .into_iter()
        .find(|request| request.path == "/token")
        .expect("a token request");
    let form = exchange.form();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(
        form["redirect_uri"],
        server.url("/admin/calendars/google/callback")
    );
    assert_eq!(
        openslot_calendar::oauth::Pkce::challenge_of(&form["code_verifier"]),
        param("code_challenge").unwrap()
    );

    // The account is stored with its tokens sealed.
    let account = store.oauth_account(&id).await.unwrap().expect("stored");
    assert_eq!(
        (
            account.host_id.as_str(),
            account.provider.as_str(),
            account.email.as_str()
        ),
        ("ada", "google", ADA)
    );
    assert_eq!(account.status, "ok");
    assert!(account.refresh_token_enc.starts_with("v1:"));
    assert!(account
        .access_token_enc
        .as_deref()
        .is_some_and(|t| t.starts_with("v1:")));
    let secrets = secrets_seen(&google);
    for secret in &secrets {
        assert!(!account.refresh_token_enc.contains(secret.as_str()));
    }

    // The same redirect again (a reload, a replay) is refused: a state works once.
    let replay = get(&admin, &back).await;
    assert_eq!(replay.status, 400, "{}", replay.body);
    assert_eq!(page_code(&replay.body), "oauth_state_invalid");

    // The picker lists the account's calendars; a read-only one cannot take bookings.
    let picker = get(
        &admin,
        &format!("/admin/calendars/accounts/{id}?done=connected"),
    )
    .await;
    assert_eq!(picker.status, 200, "{}", picker.body);
    let page = text(&picker.body);
    for name in [
        "Ada (work)",
        "Team",
        "Holidays",
        "read only",
        "Google account connected",
    ] {
        assert!(page.contains(name), "{name} missing from {page}");
    }
    assert!(
        picker.csp.contains(origin),
        "Reconnect posts there: {}",
        picker.csp
    );
    shown.push(("the picker".into(), picker.body.clone()));
    let holidays = "holidays@group.v.calendar.google.com";
    let team = "team-7@group.calendar.google.com";
    let choose = format!("/admin/calendars/accounts/{id}");
    let (status, _, body) = admin
        .post(
            &choose,
            &[("busy", ADA), ("busy", holidays), ("write", holidays)],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(text(&body).contains("Holidays is read only"), "{body}");
    let (status, location, body) = admin
        .post(&choose, &[("busy", ADA), ("busy", team), ("write", ADA)])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/calendars?done=chosen"),
        "{body}"
    );

    // The API lists the account with its two connections, the primary one written into.
    let (status, listed) = api.get("/api/v1/hosts/ada/calendar-accounts").await;
    assert_eq!(status, 200, "{listed}");
    shown.push(("the API list".into(), listed.to_string()));
    let accounts = listed["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{listed}");
    let listed_account = &accounts[0];
    assert_eq!(listed_account["id"], id.as_str());
    assert_eq!(listed_account["email"], ADA);
    assert_eq!(listed_account["provider"], "google");
    assert_eq!(listed_account["status"], "ok");
    assert_eq!(listed_account["needs_reconnect"], false);
    let calendars = listed_account["calendars"].as_array().unwrap();
    let mut urls: Vec<(&str, bool, bool)> = calendars
        .iter()
        .map(|c| {
            assert_eq!(c["kind"], "google");
            assert_eq!(c["account_id"], id.as_str());
            assert_eq!(c["origin"], "admin");
            (
                c["url"].as_str().unwrap(),
                c["busy"] == true,
                c["write"] == true,
            )
        })
        .collect();
    urls.sort();
    assert_eq!(urls, [(ADA, true, true), (team, true, false)]);
    let (status, one) = api.get(&format!("/api/v1/calendar-accounts/{id}")).await;
    assert_eq!((status, &one["email"]), (200, &Value::from(ADA)), "{one}");
    shown.push(("the API account".into(), one.to_string()));
    let (_, grace) = api.get("/api/v1/hosts/grace/calendar-accounts").await;
    assert_eq!(grace["accounts"], serde_json::json!([]), "{grace}");

    // /admin/calendars shows the account and its connections.
    let list = get(&admin, "/admin/calendars").await;
    let page = text(&list.body);
    assert!(
        list.body.contains(&format!("id=\"account-{id}\"")),
        "{page}"
    );
    assert!(page.contains("2 in use") && page.contains(team), "{page}");
    shown.push(("the calendars page".into(), list.body.clone()));

    // One write calendar per host across kinds: a CalDAV one may not also take bookings.
    let (status, body) = api
        .post(
            "/api/v1/hosts/ada/calendars",
            &serde_json::json!({"kind": "caldav", "url": "http://127.0.0.1:9/dav/ada/", "write": true}),
        )
        .await;
    assert_eq!(status, 422, "{body}");

    // The same choice through the API: the account's calendars with what is used now.
    let path = format!("/api/v1/calendar-accounts/{id}/calendars");
    let (status, remote) = api.get(&path).await;
    assert_eq!(status, 200, "{remote}");
    let flags: Vec<(&str, bool, bool, bool)> = remote["calendars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["writable"] == true,
                c["busy"] == true,
                c["write"] == true,
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            (ADA, true, true, true),
            (holidays, false, false, false),
            (team, true, true, false)
        ],
        "{remote}"
    );
    let (status, body) = put(
        &api,
        &path,
        serde_json::json!({"busy": [ADA], "write": holidays}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("validation_failed")),
        "{body}"
    );
    let (status, body) = put(&api, &path, serde_json::json!({"busy": ["nope"]})).await;
    assert!(
        body["error"]["fields"]["busy"]
            .as_str()
            .unwrap()
            .contains("not one of"),
        "{status} {body}"
    );
    let (status, body) = put(
        &api,
        &path,
        serde_json::json!({"busy": [ADA, team], "write": ADA, "color": 1}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = put(
        &api,
        &path,
        serde_json::json!({"busy": [ADA, team], "write": ADA}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["calendars"].as_array().unwrap().len(), 2, "{body}");
    shown.push(("the API calendars".into(), remote.to_string()));

    // Letting calendars go: only Team remains, read for busy time, nothing written.
    let (status, _, body) = admin.post(&choose, &[("busy", team), ("write", "")]).await;
    assert_eq!(status, 303, "{body}");
    let (_, one) = api.get(&format!("/api/v1/calendar-accounts/{id}")).await;
    let calendars = one["calendars"].as_array().unwrap();
    assert_eq!(calendars.len(), 1, "{one}");
    assert_eq!(
        (calendars[0]["url"].as_str(), &calendars[0]["write"]),
        (Some(team), &Value::Bool(false))
    );

    // Disconnect revokes the grant at Google and deletes the account and its connections.
    let (status, location, body) = admin
        .post(&format!("/admin/calendars/accounts/{id}/disconnect"), &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/calendars?done=disconnected"),
        "{body}"
    );
    let revoked: Vec<_> = google
        .requests()
        .into_iter()
        .filter(|request| request.path == "/revoke")
        .collect();
    assert_eq!(revoked.len(), 1, "one revoke call");
    assert!(
        revoked[0].form()["token"].starts_with("1//"),
        "the refresh token is revoked"
    );
    assert_eq!(google.live_grants(ADA), 0);
    assert!(store.oauth_account(&id).await.unwrap().is_none());
    let (status, _) = api.get(&format!("/api/v1/calendar-accounts/{id}")).await;
    assert_eq!(status, 404);
    let (_, calendars) = api.get("/api/v1/hosts/ada/calendars").await;
    assert_eq!(calendars["calendars"], serde_json::json!([]), "{calendars}");
    let (_, audit) = api.get("/api/v1/audit").await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["action"].as_str())
        .collect();
    for action in [
        "calendar_account.connect",
        "calendar.create",
        "calendar.delete",
        "calendar_account.delete",
    ] {
        assert!(
            actions.contains(&action),
            "{action} not audited: {actions:?}"
        );
    }
    shown.push(("the audit log".into(), audit.to_string()));

    let secrets = secrets_seen(&google);
    assert!(secrets.len() >= 4, "{}", secrets.len());
    for (what, body) in &shown {
        assert_secret_free(what, body, &secrets);
    }
    for line in server.logs() {
        assert_secret_free("the log", &line, &secrets);
        assert!(!line.contains(&state), "the state in the log: {line}");
    }
}

#[tokio::test]
async fn the_state_is_single_use_bound_to_its_session_and_expires() {
    let (google, server) = google_and_server();
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let first = signed_in(&server, "ops@example.com").await;
    let second = signed_in(&server, "ops@example.com").await;

    // Started in one session, finished in another (same user, another browser): refused,
    // and used up.
    let authorize = start(&first, "google", Some("ada")).await;
    let back = consent(&server, &authorize, ADA, "allow").await;
    let other = get(&second, &back).await;
    assert_eq!(other.status, 400, "{}", other.body);
    assert_eq!(page_code(&other.body), "oauth_other_session");
    let again = get(&first, &back).await;
    assert_eq!(page_code(&again.body), "oauth_state_invalid");
    // No token was asked for.
    assert!(google.requests().iter().all(|r| r.path != "/token"));

    // A state on the wrong provider's callback is refused.
    let authorize = start(&first, "google", Some("ada")).await;
    let back = consent(&server, &authorize, ADA, "allow").await;
    let wrong = get(&first, &back.replace("/google/", "/microsoft/")).await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);

    // A refusal at the provider is shown as such, and its state is gone.
    let authorize = start(&first, "google", Some("ada")).await;
    let state = query_param(&authorize, "state").unwrap();
    let back = consent(&server, &authorize, ADA, "deny").await;
    assert!(back.contains("error=access_denied"), "{back}");
    let denied = get(&first, &back).await;
    assert_eq!(denied.status, 400, "{}", denied.body);
    assert_eq!(page_code(&denied.body), "oauth_access_denied");
    assert!(
        text(&denied.body).contains("Access was not granted at Google"),
        "{}",
        denied.body
    );
    let late = get(
        &first,
        &format!("/admin/calendars/google/callback?code=x&state={state}"),
    )
    .await;
    assert_eq!(page_code(&late.body), "oauth_state_invalid");
    let bare = get(&first, "/admin/calendars/google/callback").await;
    assert_eq!(
        (bare.status, page_code(&bare.body).as_str()),
        (400, "oauth_state_invalid")
    );

    // Expired: a sign-in of this very session, ten minutes old, is refused; the same one
    // unexpired gets as far as the code (which Google refuses: it never issued it).
    let store = store_of(&server).await;
    let now = jiff::Timestamp::now().as_second();
    let cookie_secret = first.cookie.as_deref().unwrap().split_once('=').unwrap().1;
    let sessions = store
        .credentials(openslot_store::CredentialKind::Session, now)
        .await
        .unwrap();
    let session = sessions
        .iter()
        .find(|credential| credential.token_hash == sha256_hex(cookie_secret))
        .expect("the first session");
    let credentials = openslot::credentials::Credentials::new(SECRET, &[]);
    let pending = |state: &str, expires_at: i64| openslot_store::OAuthPending {
        state_hash: sha256_hex(state),
        provider: "google".into(),
        host_id: "ada".into(),
        session_hash: sha256_hex(&session.id),
        verifier_enc: credentials.seal(&"v".repeat(64)),
        account_id: None,
        created_at: now - 601,
        expires_at,
    };
    store
        .save_oauth_pending(&pending("expired-state", now - 1))
        .await
        .unwrap();
    store
        .save_oauth_pending(&pending("fresh-state", now + 600))
        .await
        .unwrap();
    let expired = get(
        &first,
        "/admin/calendars/google/callback?code=c&state=expired-state",
    )
    .await;
    assert_eq!(
        page_code(&expired.body),
        "oauth_state_invalid",
        "{}",
        expired.body
    );
    let fresh = get(
        &first,
        "/admin/calendars/google/callback?code=c&state=fresh-state",
    )
    .await;
    assert_eq!(
        page_code(&fresh.body),
        "oauth_code_refused",
        "{}",
        fresh.body
    );

    // Coming back without the session cookie (a SameSite=Strict cookie is not sent on the
    // provider's cross-site redirect): the browser is sent on from our own page, and
    // without a session at all to the sign-in.
    let anonymous = no_redirects();
    let path = "/admin/calendars/google/callback?code=abc&state=xyz";
    let bounce = answer(anonymous.get(server.url(path)).send().await.unwrap()).await;
    assert_eq!(bounce.status, 200, "{}", bounce.body);
    assert!(
        bounce.body.contains("http-equiv=\"refresh\"")
            && bounce.body.contains("code=abc&amp;state=xyz&amp;resumed=1"),
        "{}",
        bounce.body
    );
    let resumed = answer(
        anonymous
            .get(server.url(&format!("{path}&resumed=1")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(resumed.status, 303);
    assert!(
        resumed.location.starts_with("/admin/login"),
        "{}",
        resumed.location
    );
}

#[tokio::test]
async fn a_host_user_connects_and_sees_only_their_own_host() {
    let (google, server) = google_and_server();
    google.add_account(
        "grace@example.com",
        &[CalendarSpec::primary("grace@example.com", "Grace")],
    );
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    assert!(
        add_host_user(&server, "grace.user@example.com", PASSWORD, "grace")
            .status
            .success()
    );
    let admin = signed_in(&server, "ops@example.com").await;
    let ada_account = connect_google(&server, &admin, &google, Some("ada"), ADA).await;

    let grace = signed_in(&server, "grace.user@example.com").await;
    let list = get(&grace, "/admin/calendars").await;
    assert!(list.body.contains("Connect Google"), "{}", list.body);
    assert!(
        !list.body.contains(&ada_account),
        "another host's account listed"
    );
    // Another host's: refused; their own (the form sends none: their host).
    let (status, _, body) = grace
        .post("/admin/calendars/google/connect", &[("host", "ada")])
        .await;
    assert_eq!(status, 403, "{body}");
    let own = connect_google(&server, &grace, &google, None, "grace@example.com").await;
    let store = store_of(&server).await;
    assert_eq!(
        store.oauth_account(&own).await.unwrap().unwrap().host_id,
        "grace"
    );
    for path in [format!("/admin/calendars/accounts/{ada_account}")] {
        let page = get(&grace, &path).await;
        assert_eq!(page.status, 404, "{path}: {}", page.body);
    }
    let (status, _, _) = grace
        .post(
            &format!("/admin/calendars/accounts/{ada_account}/disconnect"),
            &[],
        )
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = grace
        .post(
            &format!("/admin/calendars/accounts/{ada_account}"),
            &[("busy", ADA)],
        )
        .await;
    assert_eq!(status, 404);
    assert!(store.oauth_account(&ada_account).await.unwrap().is_some());
    let page = get(&grace, &format!("/admin/calendars/accounts/{own}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let list = get(&grace, "/admin/calendars").await;
    assert!(list.body.contains(&format!("account-{own}")));

    // The admin sees both.
    let list = get(&admin, "/admin/calendars").await;
    assert!(
        list.body.contains(&format!("account-{own}"))
            && list.body.contains(&format!("account-{ada_account}"))
    );
}

#[tokio::test]
async fn an_account_whose_grant_was_revoked_needs_reconnecting_and_is_reconnected() {
    let (google, server) = google_and_server();
    google.add_account(
        "other@example.com",
        &[CalendarSpec::primary("other@example.com", "Other")],
    );
    // Every access token is due for renewal at once: each use of the account refreshes.
    google.set_access_ttl(1);
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let admin = signed_in(&server, "ops@example.com").await;
    let api = Api::new(&server, &create_token(&server, "ops"));
    let id = connect_google(&server, &admin, &google, Some("ada"), ADA).await;
    let (status, _, body) = admin
        .post(&format!("/admin/calendars/accounts/{id}"), &[("busy", ADA)])
        .await;
    assert_eq!(status, 303, "{body}");
    assert!(google.refreshes() >= 1, "the access token was renewed");

    // The user withdraws access at Google: the next refresh gets invalid_grant.
    google.revoke_grants(ADA);
    let picker = get(&admin, &format!("/admin/calendars/accounts/{id}")).await;
    assert_eq!(picker.status, 200, "{}", picker.body);
    let page = text(&picker.body);
    assert!(page.contains("needs reconnecting"), "{page}");
    assert!(page.contains("could not be listed"), "{page}");
    let (_, account) = api.get(&format!("/api/v1/calendar-accounts/{id}")).await;
    assert_eq!(account["status"], "needs_reconnect", "{account}");
    assert_eq!(account["needs_reconnect"], true);
    assert!(account["status_detail"].is_string(), "{account}");
    assert_eq!(
        account["calendars"].as_array().unwrap().len(),
        1,
        "its calendars stay"
    );
    let list = text(&get(&admin, "/admin/calendars").await.body);
    assert!(list.contains("needs reconnecting"), "{list}");
    let dashboard = text(&get(&admin, "/admin").await.body);
    assert!(
        dashboard.contains("1 account needs reconnecting"),
        "{dashboard}"
    );

    // Reconnecting as someone else is refused and changes nothing.
    google.set_access_ttl(3599);
    let (status, authorize, body) = admin
        .post(&format!("/admin/calendars/accounts/{id}/reconnect"), &[])
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(query_param(&authorize, "login_hint").as_deref(), Some(ADA));
    let back = consent(&server, &authorize, "other@example.com", "allow").await;
    let wrong = get(&admin, &back).await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert_eq!(page_code(&wrong.body), "oauth_wrong_account");
    let (_, account) = api.get(&format!("/api/v1/calendar-accounts/{id}")).await;
    assert_eq!(account["status"], "needs_reconnect");

    // Reconnecting as the account itself: the same account, working again.
    let (_, authorize, _) = admin
        .post(&format!("/admin/calendars/accounts/{id}/reconnect"), &[])
        .await;
    let back = consent(&server, &authorize, ADA, "allow").await;
    let finished = get(&admin, &back).await;
    assert_eq!(finished.status, 303, "{}", finished.body);
    assert_eq!(
        finished.location,
        format!("/admin/calendars/accounts/{id}?done=reconnected")
    );
    let (_, account) = api.get(&format!("/api/v1/calendar-accounts/{id}")).await;
    assert_eq!(account["status"], "ok", "{account}");
    assert_eq!(account["status_detail"], Value::Null);
    assert_eq!(account["calendars"].as_array().unwrap().len(), 1);
    let picker = get(
        &admin,
        &format!("/admin/calendars/accounts/{id}?done=reconnected"),
    )
    .await;
    let page = text(&picker.body);
    assert!(
        page.contains("reconnected") && !page.contains("could not be listed"),
        "{page}"
    );
    let (_, accounts) = api.get("/api/v1/hosts/ada/calendar-accounts").await;
    assert_eq!(
        accounts["accounts"].as_array().unwrap().len(),
        1,
        "{accounts}"
    );
    let dashboard = text(&get(&admin, "/admin").await.body);
    assert!(!dashboard.contains("needs reconnecting"), "{dashboard}");
}

#[tokio::test]
async fn the_same_account_connected_from_two_tabs_at_once_is_one_account() {
    let (google, server) = google_and_server();
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let admin = signed_in(&server, "ops@example.com").await;
    let mut returns = Vec::new();
    for _ in 0..2 {
        let authorize = start(&admin, "google", Some("ada")).await;
        returns.push(consent(&server, &authorize, ADA, "allow").await);
    }
    let (first, second) = tokio::join!(get(&admin, &returns[0]), get(&admin, &returns[1]));
    for finished in [&first, &second] {
        assert_eq!(finished.status, 303, "{}", finished.body);
    }
    let account = |answer: &Answer| answer.location.split('?').next().unwrap().to_string();
    assert_eq!(account(&first), account(&second));
    let store = store_of(&server).await;
    assert_eq!(store.oauth_accounts(Some("ada")).await.unwrap().len(), 1);
    let exchanges = google
        .requests()
        .iter()
        .filter(|r| r.path == "/token")
        .count();
    assert_eq!(exchanges, 2, "each sign-in's code was exchanged");
}

#[tokio::test]
async fn microsoft_account_is_connected_chosen_and_disconnected() {
    let microsoft = MicrosoftStandIn::start();
    add_microsoft_account(&microsoft);
    let config = format!(
        "{BASE}{}",
        microsoft_section(&microsoft, &microsoft.auth_url())
    );
    let server = TestServer::start(&config);
    microsoft.register_redirect_uri(&server.url("/admin/calendars/microsoft/callback"));
    assert!(add_user(&server, "ops@example.com", PASSWORD)
        .status
        .success());
    let admin = signed_in(&server, "ops@example.com").await;
    let api = Api::new(&server, &create_token(&server, "ops"));
    let mut shown: Vec<(&str, String)> = Vec::new();

    let list = get(&admin, "/admin/calendars").await;
    assert!(list.body.contains("Connect Microsoft") && !list.body.contains("Connect Google"));

    let authorize = start(&admin, "microsoft", Some("ada")).await;
    assert!(authorize.starts_with(&microsoft.auth_url()), "{authorize}");
    let param = |name: &str| query_param(&authorize, name);
    assert_eq!(param("response_type").as_deref(), Some("code"));
    assert_eq!(param("response_mode").as_deref(), Some("query"));
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(
        param("redirect_uri"),
        Some(server.url("/admin/calendars/microsoft/callback"))
    );
    let scope = param("scope").unwrap();
    assert!(
        scope.contains("offline_access") && scope.contains("Calendars.ReadWrite"),
        "{scope}"
    );
    let back = consent(&server, &authorize, ADA_MS, "allow").await;
    let finished = get(&admin, &back).await;
    assert_eq!(finished.status, 303, "{}", finished.body);
    let id = finished
        .location
        .strip_prefix("/admin/calendars/accounts/")
        .and_then(|rest| rest.strip_suffix("?done=connected"))
        .unwrap_or_else(|| panic!("{}", finished.location))
        .to_string();
    let exchange = microsoft
        .requests()
        .into_iter()
        .find(|request| request.path.ends_with("/oauth2/v2.0/token"))
        .expect("a token request");
    assert_eq!(
        openslot_calendar::oauth::Pkce::challenge_of(&exchange.form()["code_verifier"]),
        param("code_challenge").unwrap()
    );

    let picker = get(&admin, &format!("/admin/calendars/accounts/{id}")).await;
    assert_eq!(picker.status, 200, "{}", picker.body);
    let page = text(&picker.body);
    for name in [
        "Microsoft calendars of ada@contoso.example",
        "Calendar",
        "Rooms",
        "Birthdays",
        "read only",
    ] {
        assert!(page.contains(name), "{name} missing from {page}");
    }
    shown.push(("the picker", picker.body));
    let choose = format!("/admin/calendars/accounts/{id}");
    let (status, _, body) = admin
        .post(&choose, &[("busy", MS_BIRTHDAYS), ("write", MS_BIRTHDAYS)])
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, _, body) = admin
        .post(
            &choose,
            &[
                ("busy", MS_DEFAULT),
                ("busy", MS_ROOMS),
                ("write", MS_ROOMS),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");

    let (status, listed) = api.get("/api/v1/hosts/ada/calendar-accounts").await;
    assert_eq!(status, 200, "{listed}");
    let account = &listed["accounts"][0];
    assert_eq!(
        (&account["provider"], &account["email"]),
        (&Value::from("microsoft"), &Value::from(ADA_MS)),
        "{listed}"
    );
    let mut calendars: Vec<(String, bool)> = account["calendars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["kind"], "microsoft");
            (c["url"].as_str().unwrap().to_string(), c["write"] == true)
        })
        .collect();
    calendars.sort();
    assert_eq!(
        calendars,
        [
            (MS_DEFAULT.to_string(), false),
            (MS_ROOMS.to_string(), true)
        ]
    );
    shown.push(("the API list", listed.to_string()));
    let list = get(&admin, "/admin/calendars").await;
    shown.push(("the calendars page", list.body));

    // Microsoft has no endpoint to revoke one refresh token: it is deleted here.
    let (status, location, body) = admin
        .post(&format!("/admin/calendars/accounts/{id}/disconnect"), &[])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/calendars?done=disconnected"),
        "{body}"
    );
    assert!(microsoft
        .requests()
        .iter()
        .all(|request| !request.path.contains("revoke")));
    let (status, _) = api.get(&format!("/api/v1/calendar-accounts/{id}")).await;
    assert_eq!(status, 404);
    let (_, calendars) = api.get("/api/v1/hosts/ada/calendars").await;
    assert_eq!(calendars["calendars"], serde_json::json!([]), "{calendars}");

    let secrets = secrets_in(microsoft.requests(), microsoft.client().1);
    for (what, body) in &shown {
        assert_secret_free(what, body, &secrets);
    }
    for line in server.logs() {
        assert_secret_free("the log", &line, &secrets);
    }
}

mod browser {
    use std::time::Duration;

    use super::*;
    use crate::common::webdriver::{Browser, BrowserOptions};

    const WAIT: Duration = Duration::from_secs(20);

    async fn wait_for_url(browser: &Browser, what: &str, matches: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let url = browser.url().await;
            if matches(&url) {
                return url;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "waited for {what}; at {url}: {}",
                browser.page_source().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn sign_in(browser: &Browser, server: &TestServer, email: &str) {
        browser.goto(&server.url("/admin/login")).await;
        browser
            .wait_for("#email", WAIT)
            .await
            .send_keys(email)
            .await;
        browser.find("#password").await.send_keys(PASSWORD).await;
        browser
            .find("form[action=\"/admin/login\"] button[type=submit]")
            .await
            .click()
            .await;
        let dashboard = server.url("/admin");
        wait_for_url(browser, "the dashboard", |url| url == dashboard).await;
    }

    /// From /admin/calendars through the provider's consent page (on another site) to the
    /// picker; returns the account id.
    pub async fn connect(
        browser: &Browser,
        server: &TestServer,
        provider: &str,
        sign_in_page: &str,
    ) -> String {
        browser.goto(&server.url("/admin/calendars")).await;
        let host = browser
            .wait_for(&format!("#connect-{provider}-host"), WAIT)
            .await;
        assert_eq!(host.property("value").await, "ada");
        browser
            .find(&format!("#connect-{provider}"))
            .await
            .click()
            .await;
        wait_for_url(browser, "the provider's sign-in page", |url| {
            url.starts_with(sign_in_page)
        })
        .await;
        let allow = browser.wait_for("#allow", WAIT).await;
        allow.click().await;
        let picker = server.url("/admin/calendars/accounts/");
        let url = wait_for_url(browser, "the picker", |url| {
            url.starts_with(&picker) && url.ends_with("?done=connected")
        })
        .await;
        url[picker.len()..url.len() - "?done=connected".len()].to_string()
    }

    /// Ticks busy for `busy`, picks `write`, saves.
    pub async fn choose(browser: &Browser, server: &TestServer, busy: &[&str], write: &str) {
        for id in busy {
            let checkbox = browser
                .find(&format!("input[name=busy][value=\"{id}\"]"))
                .await;
            if !checkbox.is_selected().await {
                checkbox.click().await;
            }
        }
        browser
            .find(&format!("input[name=write][value=\"{write}\"]"))
            .await
            .click()
            .await;
        browser
            .find("#choose-calendars button[type=submit]")
            .await
            .click()
            .await;
        let done = server.url("/admin/calendars?done=chosen");
        wait_for_url(browser, "the calendars page", |url| url == done).await;
    }

    #[tokio::test]
    async fn google_and_microsoft_are_connected_in_chromium() {
        let Some(browser) = Browser::start(BrowserOptions::default()) else {
            return;
        };
        let google = GoogleStandIn::start();
        google.add_account(
            ADA,
            &[
                CalendarSpec::primary(ADA, "Ada (work)"),
                CalendarSpec::new("team-7@group.calendar.google.com", "Team"),
            ],
        );
        let microsoft = MicrosoftStandIn::start();
        add_microsoft_account(&microsoft);
        // The sign-in pages on another site than the server (localhost, not 127.0.0.1), as
        // the providers' are: the SameSite=Strict session cookie is not sent on the way back.
        let google_page = google.auth_url().replace("127.0.0.1", "localhost");
        let microsoft_page = microsoft.browser_auth_url();
        let config = format!(
            "{BASE}{}{}",
            google_section(&google, &google_page),
            microsoft_section(&microsoft, &microsoft_page)
        );
        let server = TestServer::start(&config);
        google.register_redirect_uri(&server.url("/admin/calendars/google/callback"));
        microsoft.register_redirect_uri(&server.url("/admin/calendars/microsoft/callback"));
        assert!(add_user(&server, "ops@example.com", PASSWORD)
            .status
            .success());

        // A busy hour in Ada's Google calendar, there before she connects it.
        let day = common::days_ahead(2);
        let busy_start: jiff::Timestamp = common::at(day, 10, 0).parse().unwrap();
        google.add_busy(
            ADA,
            busy_start,
            busy_start + jiff::SignedDuration::from_hours(1),
        );
        sign_in(&browser, &server, "ops@example.com").await;
        let google_id = connect(&browser, &server, "google", &google_page).await;
        let heading = browser.find("h1").await.text().await;
        assert_eq!(heading, format!("Google calendars of {ADA}"));
        let status = browser.find("[role=status]").await.text().await;
        assert!(status.contains("Google account connected"), "{status}");
        choose(
            &browser,
            &server,
            &[ADA, "team-7@group.calendar.google.com"],
            ADA,
        )
        .await;
        let row = browser
            .wait_for(&format!("#account-{google_id}"), WAIT)
            .await
            .text()
            .await;
        assert!(
            row.contains(ADA) && row.contains("2 in use") && row.contains("connected"),
            "{row}"
        );

        // Busy time is read from the chosen calendar: the busy hour is no longer offered.
        let offered = |body: &Value| -> Vec<String> {
            body["slots"]
                .as_array()
                .map(|slots| {
                    slots
                        .iter()
                        .map(|s| s["start"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let path = format!("/availability?event=intro&from={day}&to={day}");
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let (status, body) = common::get_json(&server, &path).await;
            assert_eq!(status, 200, "{body}");
            let starts = offered(&body);
            if !starts.is_empty() && !starts.contains(&common::at(day, 10, 0)) {
                assert!(!starts.contains(&common::at(day, 10, 30)), "{starts:?}");
                assert!(starts.contains(&common::at(day, 11, 0)), "{starts:?}");
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the busy hour is still offered: {starts:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }

        let microsoft_id = connect(&browser, &server, "microsoft", &microsoft_page).await;
        let heading = browser.find("h1").await.text().await;
        assert_eq!(heading, format!("Microsoft calendars of {ADA_MS}"));
        // Google's calendar already takes Ada's bookings: a second write calendar is refused
        // on the page, with what was ticked kept.
        browser
            .find(&format!("input[name=busy][value=\"{MS_DEFAULT}\"]"))
            .await
            .click()
            .await;
        browser
            .find(&format!("input[name=write][value=\"{MS_ROOMS}\"]"))
            .await
            .click()
            .await;
        browser
            .find("#choose-calendars button[type=submit]")
            .await
            .click()
            .await;
        let alert = browser.wait_for("[role=alert]", WAIT).await.text().await;
        assert!(
            alert.contains("only one calendar per host takes bookings"),
            "{alert}"
        );
        assert!(
            browser
                .find(&format!("input[name=busy][value=\"{MS_DEFAULT}\"]"))
                .await
                .is_selected()
                .await
        );
        choose(&browser, &server, &[MS_DEFAULT], "").await;
        let row = browser
            .wait_for(&format!("#account-{microsoft_id}"), WAIT)
            .await
            .text()
            .await;
        assert!(row.contains(ADA_MS) && row.contains("1 in use"), "{row}");
        let source = browser.page_source().await;
        let mut secrets = secrets_seen(&google);
        secrets.extend(secrets_in(microsoft.requests(), microsoft.client().1));
        assert_secret_free("the calendars page", &source, &secrets);

        let api = Api::new(&server, &create_token(&server, "ops"));
        let (_, listed) = api.get("/api/v1/hosts/ada/calendars").await;
        let mut calendars: Vec<(String, String, bool, bool)> = listed["calendars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["kind"].as_str().unwrap().to_string(),
                    c["url"].as_str().unwrap().to_string(),
                    c["busy"] == true,
                    c["write"] == true,
                )
            })
            .collect();
        calendars.sort();
        let expected = |kind: &str, url: &str, busy: bool, write: bool| {
            (kind.to_string(), url.to_string(), busy, write)
        };
        assert_eq!(
            calendars,
            [
                expected("google", ADA, true, true),
                expected("google", "team-7@group.calendar.google.com", true, false),
                expected("microsoft", MS_DEFAULT, true, false),
            ]
        );
    }
}
