//! What the Google and Microsoft stand-ins share: the OAuth 2.0 authorization server
//! (RFC 6749 authorization-code grant with PKCE, RFC 7636; refresh; Google's revocation
//! endpoint), the request log, injected faults, and the thread that serves a router on
//! 127.0.0.1:0. Error bodies follow each provider's documented shape (`Flavor`).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The fixed client the stand-ins know (`client()` hands it out).
pub(crate) const CLIENT_ID: &str = "openslot-test-client";
pub(crate) const CLIENT_SECRET: &str = "openslot-test-secret";

/// One calendar of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarSpec {
    pub id: String,
    pub name: String,
    /// The account's main calendar (Google `primary`, Graph `isDefaultCalendar`).
    pub primary: bool,
    /// Whether the account may write into it (Google `accessRole` writer/owner, Graph `canEdit`).
    pub writable: bool,
    /// IANA name; all-day events are days in this zone.
    pub time_zone: String,
}

impl CalendarSpec {
    /// A writable, non-primary calendar in UTC.
    pub fn new(id: &str, name: &str) -> CalendarSpec {
        CalendarSpec {
            id: id.to_owned(),
            name: name.to_owned(),
            primary: false,
            writable: true,
            time_zone: "UTC".to_owned(),
        }
    }

    /// The account's primary (default) calendar, writable, in UTC.
    pub fn primary(id: &str, name: &str) -> CalendarSpec {
        CalendarSpec {
            primary: true,
            ..CalendarSpec::new(id, name)
        }
    }

    pub fn read_only(mut self) -> CalendarSpec {
        self.writable = false;
        self
    }

    pub fn in_zone(mut self, time_zone: &str) -> CalendarSpec {
        self.time_zone = time_zone.to_owned();
        self
    }
}

/// How an event shows on the free/busy view (Graph `showAs`; Google knows only busy
/// (`opaque`) and free (`transparent`): tentative and out-of-office are busy there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowAs {
    Busy,
    Tentative,
    OutOfOffice,
    WorkingElsewhere,
    Free,
}

/// When an event takes place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum When {
    Timed(Timestamp, Timestamp),
    /// Whole days `[start, end)` in the calendar's zone.
    AllDay(Date, Date),
}

/// An event put into a calendar by the test (as if the account's owner had made it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSpec {
    pub summary: String,
    pub when: When,
    pub show_as: ShowAs,
    pub cancelled: bool,
}

impl EventSpec {
    pub fn busy(start: Timestamp, end: Timestamp) -> EventSpec {
        EventSpec {
            summary: "Busy".to_owned(),
            when: When::Timed(start, end),
            show_as: ShowAs::Busy,
            cancelled: false,
        }
    }

    /// `[start, end)` whole days in the calendar's zone.
    pub fn all_day(start: Date, end: Date) -> EventSpec {
        EventSpec {
            when: When::AllDay(start, end),
            ..EventSpec::busy(Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH)
        }
    }

    pub fn show_as(mut self, show_as: ShowAs) -> EventSpec {
        self.show_as = show_as;
        self
    }

    pub fn cancelled(mut self) -> EventSpec {
        self.cancelled = true;
        self
    }

    pub fn summary(mut self, summary: &str) -> EventSpec {
        self.summary = summary.to_owned();
        self
    }

    /// The instants the event covers in a calendar of `zone`.
    pub(crate) fn span(&self, zone: &TimeZone) -> (Timestamp, Timestamp) {
        match &self.when {
            When::Timed(start, end) => (*start, *end),
            When::AllDay(start, end) => (midnight(*start, zone), midnight(*end, zone)),
        }
    }
}

pub(crate) fn midnight(date: Date, zone: &TimeZone) -> Timestamp {
    date.to_zoned_datetime(zone.clone())
        .map(|zoned| zoned.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A fault injected into requests whose path contains a given text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (in the provider's error shape), with `Retry-After: n` when given.
    Status(u16, Option<u64>),
    /// Answer normally after this long.
    Delay(Duration),
    /// Never answer (until the client gives up or the stand-in stops).
    Hang,
}

/// One request as the stand-in received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub method: String,
    /// As sent, still percent-encoded (`/calendar/v3/calendars/ada%40example.com/events`).
    pub path: String,
    /// The raw query string (`""` when none).
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The status answered; 0 while (or when never) answered.
    pub status: u16,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The decoded query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The body as a form (`application/x-www-form-urlencoded`).
    pub fn form(&self) -> HashMap<String, String> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .into_owned()
            .collect()
    }
}

/// Which provider's spelling of errors and tokens to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    Google,
    Microsoft,
}

/// What the authorize page was asked for, kept until the form is posted.
#[derive(Clone, Debug)]
struct AuthRequest {
    redirect_uri: String,
    state: Option<String>,
    scope: String,
    /// (method, challenge)
    challenge: Option<(String, String)>,
    /// Google: `access_type=offline` (a refresh token is issued only then).
    offline: bool,
    prompt_consent: bool,
    nonce: Option<String>,
}

#[derive(Clone, Debug)]
struct CodeGrant {
    email: String,
    redirect_uri: String,
    scope: String,
    challenge: Option<(String, String)>,
    issue_refresh: bool,
    nonce: Option<String>,
    expires: Instant,
    used: bool,
    /// Grants issued from it: revoked if the code is replayed (RFC 6749 §4.1.2).
    family: Option<u64>,
}

/// Everything issued from one consent: its refresh and access tokens share its fate.
#[derive(Clone, Debug)]
struct Family {
    email: String,
    scope: String,
    revoked: bool,
}

#[derive(Default)]
struct OAuthState {
    accounts: Vec<String>,
    signed_in: Option<String>,
    redirect_uris: Vec<String>,
    pending: HashMap<String, AuthRequest>,
    codes: HashMap<String, CodeGrant>,
    families: HashMap<u64, Family>,
    refresh_tokens: HashMap<String, u64>,
    access_tokens: HashMap<String, (u64, Instant)>,
    /// (account) that consented before: Google issues a refresh token on a later
    /// consent only with `prompt=consent`.
    consented: HashSet<String>,
    access_ttl: u64,
    refresh_delay: Duration,
    refreshes: usize,
    in_flight: HashMap<String, usize>,
    max_in_flight: usize,
    next_family: u64,
}

/// A per-account request quota on the API (not the OAuth endpoints).
#[derive(Default)]
struct Quota {
    limit: Option<(usize, Duration)>,
    recent: HashMap<String, std::collections::VecDeque<Instant>>,
    throttled: usize,
}

/// The shared half of a stand-in: OAuth, log, faults.
pub(crate) struct Peer {
    pub(crate) flavor: Flavor,
    pub(crate) base: String,
    state: Mutex<OAuthState>,
    log: Mutex<Vec<Logged>>,
    faults: Mutex<Vec<(String, Fault, usize)>>,
    quota: Mutex<Quota>,
    counter: Mutex<u64>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not poison the stand-in for the rest of the test.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Peer {
    pub(crate) fn new(flavor: Flavor, base: String) -> Peer {
        Peer {
            flavor,
            base,
            state: Mutex::new(OAuthState {
                access_ttl: 3599,
                refresh_delay: Duration::from_millis(200),
                ..OAuthState::default()
            }),
            log: Mutex::default(),
            faults: Mutex::default(),
            quota: Mutex::default(),
            counter: Mutex::new(0),
        }
    }

    /// A fresh unguessable token: base64url of SHA-256 over a counter, the clock and
    /// the process id (good enough for a test peer; no RNG dependency).
    pub(crate) fn random(&self, prefix: &str) -> String {
        let count = {
            let mut counter = lock(&self.counter);
            *counter += 1;
            *counter
        };
        let mut hasher = Sha256::new();
        hasher.update(count.to_le_bytes());
        hasher.update(std::process::id().to_le_bytes());
        hasher.update(format!("{:?}{}", Instant::now(), Timestamp::now()).as_bytes());
        hasher.update(self.base.as_bytes());
        format!(
            "{prefix}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hasher.finalize())
        )
    }

    /// A fresh lowercase hex id of `len` characters.
    pub(crate) fn random_hex(&self, len: usize) -> String {
        let mut text = String::new();
        while text.len() < len {
            let bytes = Sha256::digest(self.random("").as_bytes());
            for byte in bytes {
                text.push_str(&format!("{byte:02x}"));
            }
        }
        text.truncate(len);
        text
    }

    // ---- test controls ----

    pub(crate) fn add_account(&self, email: &str) {
        let mut state = lock(&self.state);
        if !state.accounts.iter().any(|known| known == email) {
            state.accounts.push(email.to_owned());
        }
    }

    pub(crate) fn sign_in_as(&self, email: &str) {
        lock(&self.state).signed_in = Some(email.to_owned());
    }

    pub(crate) fn register_redirect_uri(&self, uri: &str) {
        lock(&self.state).redirect_uris.push(uri.to_owned());
    }

    pub(crate) fn revoke_grants(&self, email: &str) {
        for family in lock(&self.state).families.values_mut() {
            if family.email == email {
                family.revoked = true;
            }
        }
    }

    pub(crate) fn live_grants(&self, email: &str) -> usize {
        lock(&self.state)
            .families
            .values()
            .filter(|family| family.email == email && !family.revoked)
            .count()
    }

    pub(crate) fn set_access_ttl(&self, seconds: u64) {
        lock(&self.state).access_ttl = seconds;
    }

    pub(crate) fn set_refresh_delay(&self, delay: Duration) {
        lock(&self.state).refresh_delay = delay;
    }

    pub(crate) fn expire_access_tokens(&self) {
        let now = Instant::now();
        for (_, expires) in lock(&self.state).access_tokens.values_mut() {
            *expires = now;
        }
    }

    pub(crate) fn set_quota(&self, requests: usize, per: Duration) {
        let mut quota = lock(&self.quota);
        quota.limit = Some((requests.max(1), per));
        quota.recent.clear();
    }

    pub(crate) fn throttled(&self) -> usize {
        lock(&self.quota).throttled
    }

    /// Seconds to wait when this API request of a signed-in account is over its quota.
    fn over_quota(&self, path: &str, headers: &HeaderMap) -> Option<u64> {
        if self.is_oauth_path(path) {
            return None;
        }
        let account = self.bearer(headers)?;
        let mut quota = lock(&self.quota);
        let (limit, per) = quota.limit?;
        let now = Instant::now();
        let recent = quota.recent.entry(account).or_default();
        while recent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= per)
        {
            recent.pop_front();
        }
        if recent.len() >= limit {
            let free_at = recent[0] + per;
            let wait = free_at.saturating_duration_since(now).as_secs_f64().ceil() as u64;
            quota.throttled += 1;
            return Some(wait.max(1));
        }
        recent.push_back(now);
        None
    }

    pub(crate) fn fault(&self, path_contains: &str, fault: Fault, times: usize) {
        lock(&self.faults).push((path_contains.to_owned(), fault, times));
    }

    pub(crate) fn requests(&self) -> Vec<Logged> {
        lock(&self.log).clone()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    pub(crate) fn refreshes(&self) -> usize {
        lock(&self.state).refreshes
    }

    pub(crate) fn max_concurrent_refreshes(&self) -> usize {
        lock(&self.state).max_in_flight
    }

    /// A grant for `email` as if it had consented just now (tests that skip the browser):
    /// (access token, refresh token).
    pub(crate) fn issue_tokens(&self, email: &str, scope: &str) -> (String, String) {
        let (access, refresh, _) = self.issue(email, scope, None, true);
        (access, refresh.expect("a refresh token was asked for"))
    }

    // ---- bearer tokens ----

    /// The account an `Authorization: Bearer` header signs in, if the token is live.
    pub(crate) fn bearer(&self, headers: &HeaderMap) -> Option<String> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let state = lock(&self.state);
        let (family, expires) = state.access_tokens.get(token.trim())?;
        let family = state.families.get(family)?;
        (!family.revoked && Instant::now() < *expires).then(|| family.email.clone())
    }

    fn issue(
        &self,
        email: &str,
        scope: &str,
        family: Option<u64>,
        with_refresh: bool,
    ) -> (String, Option<String>, u64) {
        let (access_prefix, refresh_prefix) = match self.flavor {
            Flavor::Google => ("ya29.", "1//"),
            Flavor::Microsoft => ("EwB", "M.C5"),
        };
        let access = self.random(access_prefix);
        let refresh = with_refresh.then(|| self.random(refresh_prefix));
        let mut state = lock(&self.state);
        let family = family.unwrap_or_else(|| {
            state.next_family += 1;
            let id = state.next_family;
            state.families.insert(
                id,
                Family {
                    email: email.to_owned(),
                    scope: scope.to_owned(),
                    revoked: false,
                },
            );
            id
        });
        let expires = Instant::now() + Duration::from_secs(state.access_ttl);
        state
            .access_tokens
            .insert(access.clone(), (family, expires));
        if let Some(refresh) = &refresh {
            state.refresh_tokens.insert(refresh.clone(), family);
        }
        (access, refresh, family)
    }

    // ---- the authorize page ----

    pub(crate) fn authorize_page(&self, query: &HashMap<String, String>) -> Response {
        let param = |name: &str| query.get(name).filter(|value| !value.is_empty()).cloned();
        let client_id = param("client_id").unwrap_or_default();
        if client_id != CLIENT_ID {
            return self.error_page(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                &match self.flavor {
                    Flavor::Google => "The OAuth client was not found.".to_owned(),
                    Flavor::Microsoft => format!(
                        "AADSTS700016: Application with identifier '{client_id}' was not found in the directory."
                    ),
                },
            );
        }
        let Some(redirect_uri) = param("redirect_uri") else {
            return self.error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: redirect_uri",
            );
        };
        let (registered, accounts, signed_in) = {
            let state = lock(&self.state);
            (
                state.redirect_uris.clone(),
                state.accounts.clone(),
                state.signed_in.clone(),
            )
        };
        if url::Url::parse(&redirect_uri).is_err()
            || (!registered.is_empty() && !registered.contains(&redirect_uri))
        {
            return self.error_page(
                StatusCode::BAD_REQUEST,
                "redirect_uri_mismatch",
                &match self.flavor {
                    Flavor::Google => format!("The redirect URI in the request, {redirect_uri}, does not match the ones authorized for the OAuth client."),
                    Flavor::Microsoft => format!("AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application."),
                },
            );
        }
        let state_param = param("state");
        let fail = |error: &str, description: &str| {
            redirect(
                &redirect_uri,
                &self.error_params(error, description, &state_param),
            )
        };
        if param("response_type").as_deref() != Some("code") {
            return fail(
                "unsupported_response_type",
                "Only response_type=code is supported",
            );
        }
        let Some(scope) = param("scope") else {
            return fail("invalid_request", "Missing required parameter: scope");
        };
        let challenge = match (param("code_challenge"), param("code_challenge_method")) {
            (None, None) => None,
            (None, Some(_)) => {
                return fail(
                    "invalid_request",
                    "code_challenge_method without code_challenge",
                )
            }
            (Some(challenge), method) => {
                // RFC 7636 §4.3: the method defaults to plain.
                let method = method.unwrap_or_else(|| "plain".to_owned());
                if method != "S256" && method != "plain" {
                    return fail("invalid_request", "Invalid code_challenge_method");
                }
                if !(43..=128).contains(&challenge.len()) {
                    return fail("invalid_request", "Invalid code_challenge");
                }
                Some((method, challenge))
            }
        };
        if accounts.is_empty() {
            return self.error_page(
                StatusCode::BAD_REQUEST,
                "no_account",
                "No account exists on this stand-in (add_account first).",
            );
        }
        let login_hint = param("login_hint").filter(|hint| accounts.contains(hint));
        let chosen = signed_in
            .filter(|email| accounts.contains(email))
            .or(login_hint)
            .unwrap_or_else(|| accounts[0].clone());
        let request = AuthRequest {
            redirect_uri,
            state: state_param,
            scope: scope.clone(),
            challenge,
            offline: param("access_type").as_deref() == Some("offline"),
            prompt_consent: param("prompt")
                .is_some_and(|prompt| prompt.split(' ').any(|part| part == "consent")),
            nonce: param("nonce"),
        };
        let request_id = self.random("");
        lock(&self.state)
            .pending
            .insert(request_id.clone(), request);
        let provider = match self.flavor {
            Flavor::Google => "Google",
            Flavor::Microsoft => "Microsoft",
        };
        let options: String = accounts
            .iter()
            .map(|email| {
                format!(
                    "<option value=\"{0}\"{1}>{0}</option>",
                    escape(email),
                    if *email == chosen { " selected" } else { "" }
                )
            })
            .collect();
        let scopes: String = scope
            .split_whitespace()
            .map(|scope| format!("<li>{}</li>", escape(scope)))
            .collect();
        let action = match self.flavor {
            Flavor::Google => "/o/oauth2/v2/auth".to_owned(),
            Flavor::Microsoft => "/common/oauth2/v2.0/authorize".to_owned(),
        };
        let html = format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in with {provider} (stand-in)</title>
</head>
<body>
<main>
<h1>Sign in with {provider}</h1>
<p><strong>openslot</strong> ({client}) wants to access your {provider} account.</p>
<p>Signing in as <strong id="signed-in-account">{chosen}</strong>.</p>
<form method="post" action="{action}">
<input type="hidden" name="request" value="{request_id}">
<p><label for="account">Account</label>
<select id="account" name="account">{options}</select></p>
<h2 id="scopes-heading">It will be allowed to</h2>
<ul aria-labelledby="scopes-heading">{scopes}</ul>
<p><button type="submit" id="allow" name="decision" value="allow">Allow</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button></p>
</form>
</main>
</body>
</html>
"#,
            client = escape(CLIENT_ID),
            chosen = escape(&chosen),
        );
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
    }

    pub(crate) fn authorize_decision(&self, form: &HashMap<String, String>) -> Response {
        let request = form
            .get("request")
            .and_then(|id| lock(&self.state).pending.remove(id));
        let Some(request) = request else {
            return self.error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "This sign-in request is unknown or was already answered.",
            );
        };
        if form.get("decision").map(String::as_str) != Some("allow") {
            let description = match self.flavor {
                Flavor::Google => "The user denied access.",
                Flavor::Microsoft => "AADSTS65004: User declined to consent to access the app.",
            };
            return redirect(
                &request.redirect_uri,
                &self.error_params("access_denied", description, &request.state),
            );
        }
        let email = form.get("account").cloned().unwrap_or_default();
        let code = self.random("4/0A");
        {
            let mut state = lock(&self.state);
            if !state.accounts.contains(&email) {
                drop(state);
                return self.error_page(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Unknown account.",
                );
            }
            let issue_refresh = match self.flavor {
                // Google hands out a refresh token only for offline access, and on a later
                // consent only when the consent screen was forced.
                Flavor::Google => {
                    request.offline && (request.prompt_consent || !state.consented.contains(&email))
                }
                Flavor::Microsoft => request
                    .scope
                    .split_whitespace()
                    .any(|scope| scope == "offline_access"),
            };
            if request.offline {
                state.consented.insert(email.clone());
            }
            state.codes.insert(
                code.clone(),
                CodeGrant {
                    email,
                    redirect_uri: request.redirect_uri.clone(),
                    scope: request.scope.clone(),
                    challenge: request.challenge.clone(),
                    issue_refresh,
                    nonce: request.nonce.clone(),
                    expires: Instant::now() + Duration::from_secs(600),
                    used: false,
                    family: None,
                },
            );
        }
        let mut params = vec![("code".to_owned(), code)];
        if let Some(state) = &request.state {
            params.push(("state".to_owned(), state.clone()));
        }
        match self.flavor {
            Flavor::Google => params.push(("scope".to_owned(), request.scope.clone())),
            Flavor::Microsoft => params.push(("session_state".to_owned(), self.random_hex(32))),
        }
        redirect(&request.redirect_uri, &params)
    }

    fn error_params(
        &self,
        error: &str,
        description: &str,
        state: &Option<String>,
    ) -> Vec<(String, String)> {
        let mut params = vec![("error".to_owned(), error.to_owned())];
        if self.flavor == Flavor::Microsoft {
            params.push(("error_description".to_owned(), description.to_owned()));
        }
        if let Some(state) = state {
            params.push(("state".to_owned(), state.clone()));
        }
        params
    }

    fn error_page(&self, status: StatusCode, error: &str, message: &str) -> Response {
        let html = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error: {0}</title></head>\
             <body><main><h1>Error {1}: {0}</h1><p>{2}</p></main></body></html>\n",
            escape(error),
            status.as_u16(),
            escape(message)
        );
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response()
    }

    // ---- the token endpoint ----

    /// An OAuth error answer in the provider's shape. `aadsts` is Microsoft's error code.
    pub(crate) fn oauth_error(
        &self,
        status: u16,
        error: &str,
        aadsts: u32,
        description: &str,
    ) -> Response {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = match self.flavor {
            Flavor::Google => json!({ "error": error, "error_description": description }),
            Flavor::Microsoft => {
                let trace = uuid_like(&self.random_hex(32));
                let correlation = uuid_like(&self.random_hex(32));
                let now = Timestamp::now();
                let stamp = now.strftime("%Y-%m-%d %H:%M:%SZ").to_string();
                json!({
                    "error": error,
                    "error_description": format!(
                        "AADSTS{aadsts}: {description} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {stamp}"
                    ),
                    "error_codes": [aadsts],
                    "timestamp": stamp,
                    "trace_id": trace,
                    "correlation_id": correlation,
                    "error_uri": format!("{}/error?code={aadsts}", self.base),
                })
            }
        };
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
        }
        response
    }

    pub(crate) async fn token(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let form_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !form_type {
            return self.oauth_error(
                400,
                "invalid_request",
                900144,
                "The request body must be application/x-www-form-urlencoded.",
            );
        }
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(body).into_owned().collect();
        let param = |name: &str| form.get(name).filter(|value| !value.is_empty()).cloned();
        // RFC 6749 §2.3.1: client credentials in the body or as HTTP Basic.
        let (client_id, client_secret) = match basic_credentials(headers) {
            Some((id, secret)) => (Some(id), Some(secret)),
            None => (param("client_id"), param("client_secret")),
        };
        match client_id.as_deref() {
            Some(CLIENT_ID) => {}
            Some(other) => {
                return match self.flavor {
                    Flavor::Google => self.oauth_error(
                        401,
                        "invalid_client",
                        0,
                        "The OAuth client was not found.",
                    ),
                    Flavor::Microsoft => self.oauth_error(
                        400,
                        "unauthorized_client",
                        700016,
                        &format!(
                            "Application with identifier '{other}' was not found in the directory."
                        ),
                    ),
                }
            }
            None => {
                return self.oauth_error(
                    400,
                    "invalid_request",
                    900144,
                    "The request body must contain the following parameter: 'client_id'.",
                )
            }
        }
        if client_secret.as_deref() != Some(CLIENT_SECRET) {
            return match self.flavor {
                Flavor::Google => self.oauth_error(401, "invalid_client", 0, "Unauthorized"),
                Flavor::Microsoft => self.oauth_error(
                    401,
                    "invalid_client",
                    7000215,
                    "Invalid client secret provided.",
                ),
            };
        }
        match param("grant_type").as_deref() {
            Some("authorization_code") => self.redeem_code(&param),
            Some("refresh_token") => {
                let Some(refresh_token) = param("refresh_token") else {
                    return self.oauth_error(
                        400,
                        "invalid_request",
                        900144,
                        "The request body must contain the following parameter: 'refresh_token'.",
                    );
                };
                self.refresh(&refresh_token, param("scope")).await
            }
            Some(other) => self.oauth_error(
                400,
                "unsupported_grant_type",
                70003,
                &format!("Invalid grant_type: {other}"),
            ),
            None => self.oauth_error(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'grant_type'.",
            ),
        }
    }

    fn redeem_code(&self, param: &dyn Fn(&str) -> Option<String>) -> Response {
        let Some(code) = param("code") else {
            return self.oauth_error(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'code'.",
            );
        };
        let invalid = |aadsts: u32, description: &str| {
            self.oauth_error(
                400,
                "invalid_grant",
                aadsts,
                match self.flavor {
                    Flavor::Google => "Bad Request",
                    Flavor::Microsoft => description,
                },
            )
        };
        let grant = {
            let mut state = lock(&self.state);
            let Some(grant) = state.codes.get_mut(&code) else {
                drop(state);
                return invalid(70000, "Provided grant is invalid or malformed.");
            };
            if grant.used {
                // A replayed code revokes what it was exchanged for (RFC 6749 §4.1.2).
                let family = grant.family;
                if let Some(family) = family.and_then(|id| state.families.get_mut(&id)) {
                    family.revoked = true;
                }
                drop(state);
                return invalid(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
            }
            if Instant::now() > grant.expires {
                drop(state);
                return invalid(70008, "The provided authorization code or refresh token has expired due to inactivity.");
            }
            // The code is spent by any redemption attempt, successful or not.
            grant.used = true;
            grant.clone()
        };
        if param("redirect_uri").as_deref() != Some(grant.redirect_uri.as_str()) {
            return match self.flavor {
                Flavor::Google => {
                    self.oauth_error(400, "redirect_uri_mismatch", 0, "Bad Request")
                }
                Flavor::Microsoft => self.oauth_error(
                    400,
                    "invalid_grant",
                    500112,
                    "The reply address does not match the reply address provided when requesting Authorization code.",
                ),
            };
        }
        if let Some((method, challenge)) = &grant.challenge {
            let Some(verifier) = param("code_verifier") else {
                return self.oauth_error(
                    400,
                    "invalid_grant",
                    50148,
                    match self.flavor {
                        Flavor::Google => "Missing code verifier.",
                        Flavor::Microsoft => "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
                    },
                );
            };
            let valid_syntax = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte));
            let computed = match method.as_str() {
                "S256" => base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes())),
                _ => verifier.clone(),
            };
            if !valid_syntax || computed != *challenge {
                return self.oauth_error(
                    400,
                    "invalid_grant",
                    501481,
                    match self.flavor {
                        Flavor::Google => "Invalid code verifier.",
                        Flavor::Microsoft => "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                    },
                );
            }
        }
        let (access, refresh, family) =
            self.issue(&grant.email, &grant.scope, None, grant.issue_refresh);
        if let Some(stored) = lock(&self.state).codes.get_mut(&code) {
            stored.family = Some(family);
        }
        self.token_answer(&grant.email, &grant.scope, access, refresh, grant.nonce)
    }

    async fn refresh(&self, refresh_token: &str, scope: Option<String>) -> Response {
        let delay = {
            let mut state = lock(&self.state);
            state.refreshes += 1;
            let in_flight = state.in_flight.entry(refresh_token.to_owned()).or_default();
            *in_flight += 1;
            let now = *in_flight;
            state.max_in_flight = state.max_in_flight.max(now);
            state.refresh_delay
        };
        // Held open so that two clients refreshing the same token at once overlap here.
        let _guard = InFlight {
            peer: self,
            token: refresh_token.to_owned(),
        };
        tokio::time::sleep(delay).await;
        let family = {
            let state = lock(&self.state);
            state
                .refresh_tokens
                .get(refresh_token)
                .and_then(|id| state.families.get(id).map(|family| (*id, family.clone())))
        };
        let Some((family_id, family)) = family else {
            return self.oauth_error(
                400,
                "invalid_grant",
                9002313,
                match self.flavor {
                    Flavor::Google => "Bad Request",
                    Flavor::Microsoft => "Invalid request. Request is malformed or invalid.",
                },
            );
        };
        if family.revoked {
            return self.oauth_error(
                400,
                "invalid_grant",
                50173,
                match self.flavor {
                    Flavor::Google => "Token has been expired or revoked.",
                    Flavor::Microsoft => "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
                },
            );
        }
        if let Some(asked) = &scope {
            let granted: HashSet<&str> = family.scope.split_whitespace().collect();
            if let Some(extra) = asked.split_whitespace().find(|s| !granted.contains(s)) {
                return self.oauth_error(
                    400,
                    "invalid_scope",
                    65001,
                    &format!("The scope '{extra}' was not granted."),
                );
            }
        }
        let scope = scope.unwrap_or(family.scope);
        // Microsoft rotates refresh tokens (the old one stays valid until it expires);
        // Google keeps the refresh token and leaves it out of the answer.
        let rotate = self.flavor == Flavor::Microsoft;
        let (access, refresh, _) = self.issue(&family.email, &scope, Some(family_id), rotate);
        self.token_answer(&family.email, &scope, access, refresh, None)
    }

    fn token_answer(
        &self,
        email: &str,
        scope: &str,
        access: String,
        refresh: Option<String>,
        nonce: Option<String>,
    ) -> Response {
        let ttl = lock(&self.state).access_ttl;
        let mut body = json!({
            "access_token": access,
            "expires_in": ttl,
            "scope": scope,
            "token_type": "Bearer",
        });
        if self.flavor == Flavor::Microsoft {
            body["ext_expires_in"] = json!(ttl);
        }
        if let Some(refresh) = refresh {
            body["refresh_token"] = json!(refresh);
        }
        if scope.split_whitespace().any(|scope| scope == "openid") {
            body["id_token"] = json!(self.id_token(email, nonce));
        }
        let mut response = (StatusCode::OK, axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    /// An OpenID Connect ID token with the account's e-mail; its signature is not real
    /// (tests read the claims, they cannot verify a stand-in's key).
    fn id_token(&self, email: &str, nonce: Option<String>) -> String {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = Timestamp::now().as_second();
        let sub = Sha256::digest(email.as_bytes())
            .iter()
            .take(10)
            .map(|byte| format!("{byte:02}"))
            .collect::<String>();
        let mut claims = match self.flavor {
            Flavor::Google => json!({
                "iss": "https://accounts.google.com", "aud": CLIENT_ID, "sub": sub,
                "email": email, "email_verified": true, "iat": now, "exp": now + 3600,
            }),
            Flavor::Microsoft => json!({
                "iss": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
                "aud": CLIENT_ID, "sub": sub, "oid": uuid_like(&format!("{sub:0<32}")),
                "tid": "9188040d-6c67-4c5b-b112-36a304b66dad",
                "preferred_username": email, "email": email, "ver": "2.0",
                "iat": now, "nbf": now, "exp": now + 3600,
            }),
        };
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        format!(
            "{}.{}.{}",
            engine.encode(br#"{"alg":"RS256","kid":"stand-in","typ":"JWT"}"#),
            engine.encode(claims.to_string()),
            engine.encode(b"stand-in signature")
        )
    }

    /// Google's revocation endpoint: an access or refresh token ends its whole grant.
    pub(crate) fn revoke(&self, query: &str, headers: &HeaderMap, body: &[u8]) -> Response {
        let mut token = url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "token")
            .map(|(_, value)| value.into_owned());
        let form_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if token.is_none() && form_type {
            token = url::form_urlencoded::parse(body)
                .find(|(key, _)| key == "token")
                .map(|(_, value)| value.into_owned());
        }
        let Some(token) = token else {
            return self.oauth_error(400, "invalid_request", 0, "Bad Request");
        };
        let mut state = lock(&self.state);
        let family = state
            .refresh_tokens
            .get(&token)
            .copied()
            .or_else(|| state.access_tokens.get(&token).map(|(family, _)| *family));
        match family.and_then(|id| state.families.get_mut(&id)) {
            Some(family) if !family.revoked => {
                family.revoked = true;
                drop(state);
                (StatusCode::OK, axum::Json(json!({}))).into_response()
            }
            _ => {
                drop(state);
                self.oauth_error(400, "invalid_token", 0, "Token expired or revoked")
            }
        }
    }

    // ---- faults and the request log ----

    fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let entry = faults
            .iter_mut()
            .find(|(needle, _, times)| *times > 0 && path.contains(needle.as_str()))?;
        entry.2 -= 1;
        Some(entry.1.clone())
    }

    fn is_oauth_path(&self, path: &str) -> bool {
        path.ends_with("/token") || path.ends_with("/revoke") || path.contains("/oauth2/")
    }

    /// The answer for an injected status, in the shape the provider uses at `path`.
    fn fault_response(&self, path: &str, status: u16, retry_after: Option<u64>) -> Response {
        let mut response = if self.is_oauth_path(path) {
            let error = match status {
                429 | 503 => "temporarily_unavailable",
                500..=599 => "server_error",
                401 => "invalid_client",
                _ => "invalid_request",
            };
            self.oauth_error(status, error, 90033, "Injected fault.")
        } else {
            match self.flavor {
                Flavor::Google => google_fault(status),
                Flavor::Microsoft => self.graph_fault(status),
            }
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&seconds.to_string()).expect("digits"),
            );
        }
        response
    }

    fn graph_fault(&self, status: u16) -> Response {
        let (code, message) = match status {
            429 => (
                "TooManyRequests",
                "Application is over its MailboxConcurrency limit.",
            ),
            503 => (
                "ServiceNotAvailable",
                "The service is temporarily unavailable. Please retry later.",
            ),
            504 => ("GatewayTimeout", "The gateway did not receive a response."),
            401 => (
                "InvalidAuthenticationToken",
                "Access token has expired or is not yet valid.",
            ),
            403 => (
                "ErrorAccessDenied",
                "Access is denied. Check credentials and try again.",
            ),
            404 => (
                "ErrorItemNotFound",
                "The specified object was not found in the store.",
            ),
            500..=599 => ("generalException", "An internal server error occurred."),
            _ => ("BadRequest", "The request is invalid."),
        };
        self.graph_error(status, code, message)
    }

    /// Graph's error shape: `{"error": {"code", "message", "innerError"}}`.
    pub(crate) fn graph_error(&self, status: u16, code: &str, message: &str) -> Response {
        let request_id = uuid_like(&self.random_hex(32));
        let body = json!({
            "error": {
                "code": code,
                "message": message,
                "innerError": {
                    "date": Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S").to_string(),
                    "request-id": request_id,
                    "client-request-id": request_id,
                }
            }
        });
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                ),
            );
        }
        response
    }
}

struct InFlight<'a> {
    peer: &'a Peer,
    token: String,
}

impl Drop for InFlight<'_> {
    // Also runs when the client hangs up mid-refresh and the handler is dropped.
    fn drop(&mut self) {
        let mut state = lock(&self.peer.state);
        if let Some(count) = state.in_flight.get_mut(&self.token) {
            *count = count.saturating_sub(1);
        }
    }
}

/// Google's error shape for the Calendar API: `{"error": {"errors": [...], "code", "message"}}`.
pub(crate) fn google_error(status: u16, reason: &str, message: &str) -> Response {
    let body = json!({
        "error": {
            "errors": [{ "domain": "global", "reason": reason, "message": message }],
            "code": status,
            "message": message,
        }
    });
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(body)).into_response()
}

/// Google's error about one request parameter (`domain: calendar`, with its location).
pub(crate) fn google_parameter_error(reason: &str, message: &str, location: &str) -> Response {
    let body = json!({
        "error": {
            "errors": [{
                "domain": "calendar", "reason": reason, "message": message,
                "locationType": "parameter", "location": location,
            }],
            "code": 400,
            "message": message,
        }
    });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

pub(crate) fn google_unauthorized() -> Response {
    let body = json!({
        "error": {
            "errors": [{
                "domain": "global", "reason": "authError", "message": "Invalid Credentials",
                "locationType": "header", "location": "Authorization",
            }],
            "code": 401,
            "message": "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
            "status": "UNAUTHENTICATED",
        }
    });
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(
            "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
        ),
    );
    response
}

fn google_fault(status: u16) -> Response {
    match status {
        401 => google_unauthorized(),
        429 => google_error(429, "rateLimitExceeded", "Rate Limit Exceeded"),
        403 => google_error(403, "rateLimitExceeded", "Rate Limit Exceeded"),
        404 => google_error(404, "notFound", "Not Found"),
        500..=599 => google_error(status, "backendError", "Backend Error"),
        _ => google_error(status, "badRequest", "Bad Request"),
    }
}

/// Logs every request, then applies the first matching fault or passes it on.
pub(crate) async fn observe(
    State(peer): State<Arc<Peer>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 4 << 20)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let index = {
        let mut log = lock(&peer.log);
        log.push(Logged {
            method: parts.method.to_string(),
            path: path.clone(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.to_string(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
            status: 0,
        });
        log.len() - 1
    };
    let fault = peer.take_fault(&path).or_else(|| {
        peer.over_quota(&path, &parts.headers)
            .map(|wait| Fault::Status(429, Some(wait)))
    });
    let response = match fault {
        Some(Fault::Status(status, retry_after)) => peer.fault_response(&path, status, retry_after),
        Some(Fault::Hang) => std::future::pending::<Response>().await,
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        None => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    };
    if let Some(entry) = lock(&peer.log).get_mut(index) {
        entry.status = response.status().as_u16();
    }
    response
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    let decode = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

/// 302 to `uri` with `params` appended to its query.
fn redirect(uri: &str, params: &[(String, String)]) -> Response {
    let mut url = match url::Url::parse(uri) {
        Ok(url) => url,
        Err(_) => return (StatusCode::BAD_REQUEST, "bad redirect_uri").into_response(),
    };
    {
        let mut pairs = url.query_pairs_mut();
        for (key, value) in params {
            pairs.append_pair(key, value);
        }
    }
    let location = HeaderValue::from_str(url.as_str()).expect("a URL is a valid header value");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// 32 hex digits as 8-4-4-4-12.
pub(crate) fn uuid_like(hex: &str) -> String {
    let hex: String = format!("{hex:0<32}").chars().take(32).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A zone by IANA name, `UTC`, or Windows name (CLDR mapping).
pub(crate) fn zone(name: &str) -> Option<TimeZone> {
    if name.eq_ignore_ascii_case("utc") {
        return Some(TimeZone::UTC);
    }
    TimeZone::get(name)
        .ok()
        .or_else(|| crate::ical::windows_to_iana(name).and_then(|iana| TimeZone::get(iana).ok()))
}

/// Sorted, merged intervals.
pub(crate) fn merge(mut spans: Vec<(Timestamp, Timestamp)>) -> Vec<(Timestamp, Timestamp)> {
    spans.sort();
    let mut merged: Vec<(Timestamp, Timestamp)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// A running stand-in server: its own thread and runtime; stops when dropped.
pub(crate) struct Running {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Binds 127.0.0.1:0 and returns the listener and its base URL.
pub(crate) fn bind() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let address: SocketAddr = listener.local_addr().expect("a bound address");
    (listener, format!("http://{address}"))
}

pub(crate) fn serve(listener: std::net::TcpListener, router: axum::Router) -> Running {
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("oauth-stand-in".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                // Not a graceful shutdown: a hanging request must not keep the test waiting.
                tokio::select! {
                    result = axum::serve(listener, router) => {
                        if let Err(error) = result {
                            eprintln!("stand-in stopped: {error}");
                        }
                    }
                    _ = stop => {}
                }
            });
            // Dropping the runtime cancels the connection tasks still running.
            runtime.shutdown_background();
        })
        .expect("a stand-in thread");
    Running {
        shutdown: Some(shutdown),
        thread: Some(thread),
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
