//! A stand-in of Google on loopback: the OAuth 2.0 endpoints for web server apps
//! (`/o/oauth2/v2/auth`, `/token`, `/revoke`) and the Calendar API v3 calls openslot makes
//! (calendarList.list, freebusy.query, events insert/get/patch/delete), built from Google's
//! public reference, including its error bodies, paging and conference data.
//!
//! ```no_run
//! use openslot_calendar::testing::{CalendarSpec, GoogleStandIn};
//! let google = GoogleStandIn::start();
//! google.add_account("ada@example.com", &[CalendarSpec::primary("ada@example.com", "Ada")]);
//! // point `[google] auth_url/token_url/api_base` at google.auth_url() / token_url() / api_base()
//! ```

// Handlers' helpers fail with the finished HTTP answer; a test server does not need the
// few bytes boxing would save.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::oauth_peer::{
    self, google_error, google_parameter_error, google_unauthorized, merge, midnight, observe,
    zone, CalendarSpec, EventSpec, Fault, Flavor, Logged, Peer, Running, ShowAs, When,
};

/// freeBusy's longest window (Google answers "The requested time range is too long." beyond).
const MAX_FREE_BUSY_DAYS: i64 = 90;

/// The scopes openslot asks Google for.
pub const SCOPES: &str = "https://www.googleapis.com/auth/calendar.readonly https://www.googleapis.com/auth/calendar.events";

/// A running Google stand-in; stops when dropped.
pub struct GoogleStandIn {
    peer: Arc<Peer>,
    api: Arc<Api>,
    _running: Running,
}

struct Api {
    peer: Arc<Peer>,
    data: Mutex<Data>,
}

struct Data {
    calendars: Vec<Calendar>,
    page_size: usize,
    version: u64,
    /// Conferences still to be created as `pending` (resolved by the next events.get).
    pending_conferences: usize,
}

struct Calendar {
    spec: CalendarSpec,
    owner: String,
    events: Vec<Event>,
}

struct Event {
    resource: Value,
    start: Timestamp,
    end: Timestamp,
}

fn lock(data: &Mutex<Data>) -> MutexGuard<'_, Data> {
    data.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl GoogleStandIn {
    /// Starts on 127.0.0.1:0 in its own thread (usable from sync and async tests).
    pub fn start() -> GoogleStandIn {
        let (listener, base) = oauth_peer::bind();
        let peer = Arc::new(Peer::new(Flavor::Google, base));
        let api = Arc::new(Api {
            peer: peer.clone(),
            data: Mutex::new(Data {
                calendars: Vec::new(),
                page_size: 2,
                version: 1,
                pending_conferences: 0,
            }),
        });
        let router = Router::new()
            .route(
                "/o/oauth2/v2/auth",
                get(authorize_page).post(authorize_decision),
            )
            .route("/token", post(token))
            .route("/revoke", post(revoke))
            .route("/oauth2/v3/userinfo", get(userinfo))
            .route("/calendar/v3/users/me/calendarList", get(calendar_list))
            .route("/calendar/v3/freeBusy", post(free_busy))
            .route(
                "/calendar/v3/calendars/{calendar_id}/events",
                post(insert_event),
            )
            .route(
                "/calendar/v3/calendars/{calendar_id}/events/{event_id}",
                get(get_event).patch(patch_event).delete(delete_event),
            )
            .fallback(|| async { google_error(404, "notFound", "Not Found") })
            .with_state(api.clone())
            .layer(axum::middleware::from_fn_with_state(peer.clone(), observe));
        let running = oauth_peer::serve(listener, router);
        GoogleStandIn {
            peer,
            api,
            _running: running,
        }
    }

    /// `http://127.0.0.1:<port>`
    pub fn base_url(&self) -> String {
        self.peer.base.clone()
    }

    /// `[google] auth_url`
    pub fn auth_url(&self) -> String {
        format!("{}/o/oauth2/v2/auth", self.peer.base)
    }

    /// [`Self::auth_url`] on `localhost` instead of `127.0.0.1` (same listener): to a browser
    /// the redirect back to a server on 127.0.0.1 is then a cross-site navigation, as it is
    /// from the real provider, so `SameSite` cookies behave as in production.
    pub fn browser_auth_url(&self) -> String {
        self.auth_url().replacen("127.0.0.1", "localhost", 1)
    }

    /// `[google] token_url`
    pub fn token_url(&self) -> String {
        format!("{}/token", self.peer.base)
    }

    /// Google's revocation endpoint (`https://oauth2.googleapis.com/revoke`).
    pub fn revoke_url(&self) -> String {
        format!("{}/revoke", self.peer.base)
    }

    /// `[google] api_base`
    pub fn api_base(&self) -> String {
        self.peer.base.clone()
    }

    /// The client id and secret the stand-in accepts.
    pub fn client(&self) -> (String, String) {
        (
            oauth_peer::CLIENT_ID.to_owned(),
            oauth_peer::CLIENT_SECRET.to_owned(),
        )
    }

    /// An account and its calendar list (in this order). Calendar ids are global.
    pub fn add_account(&self, email: &str, calendars: &[CalendarSpec]) {
        self.peer.add_account(email);
        let mut data = lock(&self.api.data);
        for spec in calendars {
            data.calendars
                .retain(|calendar| calendar.spec.id != spec.id);
            data.calendars.push(Calendar {
                spec: spec.clone(),
                owner: email.to_owned(),
                events: Vec::new(),
            });
        }
    }

    /// Who the authorize page signs in (preselected; the page lets the user pick another).
    pub fn sign_in_as(&self, email: &str) {
        self.peer.sign_in_as(email);
    }

    /// From now on only these redirect URIs are accepted (none registered: any).
    pub fn register_redirect_uri(&self, uri: &str) {
        self.peer.register_redirect_uri(uri);
    }

    /// A busy event; returns its id.
    pub fn add_busy(&self, calendar_id: &str, start: Timestamp, end: Timestamp) -> String {
        self.add_event(calendar_id, EventSpec::busy(start, end))
    }

    /// An event made by the account's owner; returns its id. Free and working-elsewhere
    /// events are `transparent`; a cancelled one has `status: cancelled`.
    pub fn add_event(&self, calendar_id: &str, event: EventSpec) -> String {
        let id = base32hex(&self.peer.random_hex(26));
        let mut data = lock(&self.api.data);
        let version = data.next_version();
        let calendar = data
            .calendars
            .iter_mut()
            .find(|calendar| calendar.spec.id == calendar_id)
            .unwrap_or_else(|| panic!("no calendar {calendar_id} on the Google stand-in"));
        let zone = zone(&calendar.spec.time_zone).unwrap_or(TimeZone::UTC);
        let (start, end) = event.span(&zone);
        let (start_json, end_json) = match &event.when {
            When::Timed(start, end) => (
                json!({ "dateTime": rfc3339(*start, &TimeZone::UTC), "timeZone": "UTC" }),
                json!({ "dateTime": rfc3339(*end, &TimeZone::UTC), "timeZone": "UTC" }),
            ),
            When::AllDay(start, end) => (
                json!({ "date": start.to_string() }),
                json!({ "date": end.to_string() }),
            ),
        };
        let mut resource = json!({
            "summary": event.summary,
            "start": start_json,
            "end": end_json,
            "status": if event.cancelled { "cancelled" } else { "confirmed" },
        });
        if matches!(event.show_as, ShowAs::Free | ShowAs::WorkingElsewhere) {
            resource["transparency"] = json!("transparent");
        }
        complete(&mut resource, &id, &calendar.spec, &calendar.owner, version);
        calendar.events.push(Event {
            resource,
            start,
            end,
        });
        id
    }

    /// Deletes an event as its owner would (Google keeps it as `status: cancelled`).
    pub fn remove_event(&self, calendar_id: &str, event_id: &str) {
        let mut data = lock(&self.api.data);
        if let Some(event) = data
            .calendars
            .iter_mut()
            .filter(|calendar| calendar.spec.id == calendar_id)
            .flat_map(|calendar| calendar.events.iter_mut())
            .find(|event| event.resource["id"] == event_id)
        {
            event.resource["status"] = json!("cancelled");
        }
    }

    /// The calendar's events as stored (cancelled ones included), in insertion order.
    pub fn events(&self, calendar_id: &str) -> Vec<Value> {
        lock(&self.api.data)
            .calendars
            .iter()
            .filter(|calendar| calendar.spec.id == calendar_id)
            .flat_map(|calendar| calendar.events.iter().map(|event| event.resource.clone()))
            .collect()
    }

    /// Refreshing any of the account's grants fails with `invalid_grant` from now on,
    /// and its access tokens stop working.
    pub fn revoke_grants(&self, email: &str) {
        self.peer.revoke_grants(email);
    }

    /// Grants of the account neither revoked by the test nor through `/revoke`.
    pub fn live_grants(&self, email: &str) -> usize {
        self.peer.live_grants(email)
    }

    /// `expires_in` of access tokens issued from now on (default 3599).
    pub fn set_access_ttl(&self, seconds: u64) {
        self.peer.set_access_ttl(seconds);
    }

    /// Every access token issued so far stops working (401) as if expired.
    pub fn expire_access_tokens(&self) {
        self.peer.expire_access_tokens();
    }

    /// How long a refresh takes (default 200 ms, so concurrent refreshes overlap).
    pub fn set_refresh_delay(&self, delay: Duration) {
        self.peer.set_refresh_delay(delay);
    }

    /// The next `times` Meet conferences requested by events.insert answer `pending`
    /// (no link yet); an events.get of the event afterwards finds it created.
    pub fn set_conferences_pending(&self, times: usize) {
        lock(&self.api.data).pending_conferences = times;
    }

    /// Items per page of calendarList (default 2, so paging always happens).
    pub fn set_page_size(&self, items: usize) {
        lock(&self.api.data).page_size = items.max(1);
    }

    /// At most `requests` API calls per account within any `per` (OAuth endpoints are
    /// not counted); beyond it the answer is 429 with `Retry-After` until a call leaves
    /// the window.
    pub fn set_quota(&self, requests: usize, per: Duration) {
        self.peer.set_quota(requests, per);
    }

    /// API calls refused by the quota so far.
    pub fn throttled(&self) -> usize {
        self.peer.throttled()
    }

    /// The next `times` requests whose path contains `path_contains` get `fault`.
    pub fn fault(&self, path_contains: &str, fault: Fault, times: usize) {
        self.peer.fault(path_contains, fault, times);
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.peer.requests()
    }

    pub fn clear_requests(&self) {
        self.peer.clear_requests();
    }

    /// Refresh-token grants asked for so far.
    pub fn refreshes(&self) -> usize {
        self.peer.refreshes()
    }

    /// The most refreshes of one refresh token that were in flight at once.
    pub fn max_concurrent_refreshes(&self) -> usize {
        self.peer.max_concurrent_refreshes()
    }

    /// Tokens for `email` as if it had consented with [`SCOPES`] and offline access:
    /// (access token, refresh token). For tests that do not go through the browser.
    pub fn issue_tokens(&self, email: &str) -> (String, String) {
        self.peer.issue_tokens(email, SCOPES)
    }
}

impl Data {
    fn next_version(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    fn calendar(&mut self, owner: &str, id: &str) -> Option<&mut Calendar> {
        self.calendars.iter_mut().find(|calendar| {
            calendar.owner == owner
                && (calendar.spec.id == id || (id == "primary" && calendar.spec.primary))
        })
    }
}

/// Fills in the fields Google sets on an event it stores.
fn complete(resource: &mut Value, id: &str, calendar: &CalendarSpec, owner: &str, version: u64) {
    let now = rfc3339(Timestamp::now(), &TimeZone::UTC);
    let object = resource.as_object_mut().expect("an event object");
    object.insert("kind".into(), json!("calendar#event"));
    object.insert("etag".into(), json!(etag(version)));
    object.insert("id".into(), json!(id));
    object.entry("status").or_insert(json!("confirmed"));
    object.insert(
        "htmlLink".into(),
        json!(format!("https://www.google.com/calendar/event?eid={id}")),
    );
    object.insert("created".into(), json!(now));
    object.insert("updated".into(), json!(now));
    object.insert("creator".into(), json!({ "email": owner, "self": true }));
    object.insert(
        "organizer".into(),
        json!({ "email": calendar.id, "displayName": calendar.name, "self": true }),
    );
    object.insert("iCalUID".into(), json!(format!("{id}@google.com")));
    object.insert("sequence".into(), json!(0));
    object
        .entry("reminders")
        .or_insert(json!({ "useDefault": true }));
    object.insert("eventType".into(), json!("default"));
    if let Some(Value::Array(attendees)) = object.get_mut("attendees") {
        for attendee in attendees {
            if let Some(attendee) = attendee.as_object_mut() {
                attendee
                    .entry("responseStatus")
                    .or_insert(json!("needsAction"));
            }
        }
    }
}

fn etag(version: u64) -> String {
    format!("\"{}\"", 3_400_000_000_000_000u64 + version)
}

/// RFC 3339 as Google writes it: `Z` in UTC, else the zone's offset.
pub(crate) fn rfc3339(at: Timestamp, zone: &TimeZone) -> String {
    if *zone == TimeZone::UTC {
        at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        at.to_zoned_datetime(zone.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

/// Maps hex digits onto base32hex (`0-9a-v`), the alphabet of Google event ids.
fn base32hex(hex: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
    hex.bytes()
        .enumerate()
        .map(|(index, byte)| {
            let digit = (byte as char).to_digit(16).unwrap_or(0) as usize;
            ALPHABET[(digit * 2 + index % 2) % 32] as char
        })
        .collect()
}

fn valid_event_id(id: &str) -> bool {
    (5..=1024).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'v').contains(&byte))
}

fn parse_json(body: &Bytes) -> Result<Value, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(google_error(400, "parseError", "Parse Error")),
    }
}

/// The instant of an event's `start`/`end` object (`dateTime` [+ `timeZone`] or `date`).
fn event_time(value: &Value, calendar_zone: &TimeZone, which: &str) -> Result<Timestamp, Response> {
    if !value.is_object() {
        return Err(google_error(
            400,
            "required",
            &format!("Missing {which} time."),
        ));
    }
    let named_zone = match value.get("timeZone").and_then(Value::as_str) {
        Some(name) => Some(zone(name).ok_or_else(|| {
            google_error(
                400,
                "invalid",
                &format!("Invalid time zone definition for {which} time."),
            )
        })?),
        None => None,
    };
    if let Some(date) = value.get("date").and_then(Value::as_str) {
        let date: Date = date
            .parse()
            .map_err(|_| google_error(400, "invalid", &format!("Invalid {which} time.")))?;
        return Ok(midnight(date, named_zone.as_ref().unwrap_or(calendar_zone)));
    }
    let Some(text) = value.get("dateTime").and_then(Value::as_str) else {
        return Err(google_error(
            400,
            "required",
            &format!("Missing {which} time."),
        ));
    };
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    let civil: DateTime = text
        .parse()
        .map_err(|_| google_error(400, "invalid", &format!("Invalid {which} time.")))?;
    let Some(zone) = named_zone else {
        return Err(google_error(
            400,
            "required",
            &format!("Missing time zone definition for {which} time."),
        ));
    };
    civil
        .to_zoned_datetime(zone)
        .map(|zoned| zoned.timestamp())
        .map_err(|_| google_error(400, "invalid", &format!("Invalid {which} time.")))
}

fn span(resource: &Value, calendar_zone: &TimeZone) -> Result<(Timestamp, Timestamp), Response> {
    let start = event_time(&resource["start"], calendar_zone, "start")?;
    let end = event_time(&resource["end"], calendar_zone, "end")?;
    if end < start {
        return Err(google_parameter_error(
            "timeRangeEmpty",
            "The specified time range is empty.",
            "timeMax",
        ));
    }
    Ok((start, end))
}

/// A Meet conference for `createRequest` (same request id, same conference).
fn conference(create_request: &Value) -> Result<Value, Response> {
    let kind = create_request["conferenceSolutionKey"]["type"].as_str();
    if kind != Some("hangoutsMeet") {
        return Err(google_error(
            400,
            "invalid",
            "Invalid conference type value.",
        ));
    }
    let Some(request_id) = create_request["requestId"]
        .as_str()
        .filter(|id| !id.is_empty())
    else {
        return Err(google_error(
            400,
            "invalid",
            "Invalid conference create request.",
        ));
    };
    let digest = Sha256::digest(request_id.as_bytes());
    let letters: String = digest
        .iter()
        .take(10)
        .map(|byte| (b'a' + byte % 26) as char)
        .collect();
    let code = format!("{}-{}-{}", &letters[0..3], &letters[3..7], &letters[7..10]);
    let uri = format!("https://meet.google.com/{code}");
    Ok(json!({
        "createRequest": {
            "requestId": request_id,
            "conferenceSolutionKey": { "type": "hangoutsMeet" },
            "status": { "statusCode": "success" },
        },
        "entryPoints": [{
            "entryPointType": "video",
            "uri": uri,
            "label": format!("meet.google.com/{code}"),
        }],
        "conferenceSolution": {
            "key": { "type": "hangoutsMeet" },
            "name": "Google Meet",
            "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png",
        },
        "conferenceId": code,
    }))
}

/// Applies `conferenceData` of a request body: only with `conferenceDataVersion=1`
/// (version 0 ignores it, as Google does).
fn apply_conference(
    resource: &mut Value,
    body: &Value,
    version: u8,
    pending: bool,
) -> Result<(), Response> {
    if version < 1 {
        return Ok(());
    }
    let Some(requested) = body.get("conferenceData") else {
        return Ok(());
    };
    if let Some(create) = requested.get("createRequest") {
        let same = resource["conferenceData"]["createRequest"]["requestId"] == create["requestId"];
        if !same {
            let data = conference(create)?;
            if pending {
                // Google may answer before the conference exists: no link yet.
                resource["conferenceData"] = json!({ "createRequest": {
                    "requestId": create["requestId"],
                    "conferenceSolutionKey": { "type": "hangoutsMeet" },
                    "status": { "statusCode": "pending" },
                }});
                if let Some(object) = resource.as_object_mut() {
                    object.remove("hangoutLink");
                }
            } else {
                resource["hangoutLink"] = data["entryPoints"][0]["uri"].clone();
                resource["conferenceData"] = data;
            }
        }
    } else if requested.is_null() {
        if let Some(object) = resource.as_object_mut() {
            object.remove("conferenceData");
            object.remove("hangoutLink");
        }
    }
    Ok(())
}

fn conference_version(query: &HashMap<String, String>) -> Result<u8, Response> {
    match query.get("conferenceDataVersion").map(String::as_str) {
        None | Some("0") => Ok(0),
        Some("1") => Ok(1),
        Some(other) => Err(google_error(
            400,
            "invalid",
            &format!("Invalid value '{other}'. Values must be within the range: [0, 1]"),
        )),
    }
}

fn check_send_updates(query: &HashMap<String, String>) -> Result<(), Response> {
    match query.get("sendUpdates").map(String::as_str) {
        None | Some("all" | "externalOnly" | "none") => Ok(()),
        Some(other) => Err(google_error(
            400,
            "invalid",
            &format!("Invalid value for: {other} is not a valid value"),
        )),
    }
}

/// JSON merge as Google's patch semantics: objects merge, everything else replaces.
fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge_patch(existing, value)
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

// ---- handlers ----

type Shared = State<Arc<Api>>;

async fn authorize_page(
    State(api): Shared,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    api.peer.authorize_page(&query)
}

async fn authorize_decision(State(api): Shared, body: Bytes) -> Response {
    let form = url::form_urlencoded::parse(&body).into_owned().collect();
    api.peer.authorize_decision(&form)
}

async fn token(State(api): Shared, headers: HeaderMap, body: Bytes) -> Response {
    api.peer.token(&headers, &body).await
}

async fn revoke(
    State(api): Shared,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    api.peer
        .revoke(query.as_deref().unwrap_or_default(), &headers, &body)
}

async fn userinfo(State(api): Shared, headers: HeaderMap) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return google_unauthorized();
    };
    let sub: String = Sha256::digest(email.as_bytes())
        .iter()
        .take(10)
        .map(|byte| format!("{byte:02}"))
        .collect();
    Json(json!({ "sub": sub, "email": email, "email_verified": true })).into_response()
}

async fn calendar_list(
    State(api): Shared,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return google_unauthorized();
    };
    let data = lock(&api.data);
    let max_results = match query.get("maxResults") {
        None => 100,
        Some(text) => match text.parse::<usize>() {
            Ok(value @ 1..=250) => value,
            _ => {
                return google_error(
                    400,
                    "invalid",
                    &format!("Invalid value '{text}'. Values must be within the range: [1, 250]"),
                )
            }
        },
    };
    let offset = match query.get("pageToken") {
        None => 0,
        Some(token) => match token.strip_prefix("cl-").and_then(|rest| rest.parse().ok()) {
            Some(offset) => offset,
            None => return google_error(400, "invalid", "Invalid page token value."),
        },
    };
    let mine: Vec<&Calendar> = data
        .calendars
        .iter()
        .filter(|calendar| calendar.owner == email)
        .collect();
    let page = max_results.min(data.page_size);
    let items: Vec<Value> = mine
        .iter()
        .skip(offset)
        .take(page)
        .map(|calendar| {
            let spec = &calendar.spec;
            let role = if spec.primary {
                "owner"
            } else if spec.writable {
                "writer"
            } else {
                "reader"
            };
            let mut item = json!({
                "kind": "calendar#calendarListEntry",
                "etag": etag(1),
                "id": spec.id,
                "summary": spec.name,
                "timeZone": spec.time_zone,
                "colorId": "14",
                "backgroundColor": "#9fe1e7",
                "foregroundColor": "#000000",
                "selected": true,
                "accessRole": role,
                "defaultReminders": [],
                "conferenceProperties": { "allowedConferenceSolutionTypes": ["hangoutsMeet"] },
            });
            if spec.primary {
                item["primary"] = json!(true);
            }
            item
        })
        .collect();
    let mut body = json!({
        "kind": "calendar#calendarList",
        "etag": etag(data.version),
        "items": items,
    });
    if offset + page < mine.len() {
        body["nextPageToken"] = json!(format!("cl-{}", offset + page));
    } else {
        body["nextSyncToken"] = json!(format!("sync-{}", data.version));
    }
    Json(body).into_response()
}

async fn free_busy(State(api): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return google_unauthorized();
    };
    let request = match parse_json(&body) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let bound = |name: &str| -> Result<Timestamp, Response> {
        let text = request[name]
            .as_str()
            .ok_or_else(|| google_error(400, "required", &format!("Missing {name} parameter.")))?;
        text.parse::<Timestamp>()
            .map_err(|_| google_error(400, "invalid", &format!("Invalid value for: {name}")))
    };
    let (from, to) = match (bound("timeMin"), bound("timeMax")) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    if to <= from {
        return google_parameter_error(
            "timeRangeEmpty",
            "The specified time range is empty.",
            "timeMax",
        );
    }
    if to.as_second() - from.as_second() > MAX_FREE_BUSY_DAYS * 86_400 {
        return google_parameter_error(
            "timeRangeTooLong",
            "The requested time range is too long.",
            "timeMax",
        );
    }
    let out_zone = match request["timeZone"].as_str() {
        None => TimeZone::UTC,
        Some(name) => match zone(name) {
            Some(zone) => zone,
            None => return google_error(400, "invalid", "Invalid time zone definition."),
        },
    };
    let ids: Vec<String> = request["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut data = lock(&api.data);
    let mut calendars = Map::new();
    for (index, id) in ids.iter().enumerate() {
        let entry = if index >= 50 {
            json!({ "errors": [{ "domain": "global", "reason": "tooManyCalendarsRequested" }], "busy": [] })
        } else {
            match data.calendar(&email, id) {
                None => {
                    json!({ "errors": [{ "domain": "global", "reason": "notFound" }], "busy": [] })
                }
                Some(calendar) => {
                    let spans = calendar
                        .events
                        .iter()
                        .filter(|event| {
                            event.resource["status"] != "cancelled"
                                && event.resource["transparency"] != "transparent"
                                && event.start < to
                                && event.end > from
                        })
                        .map(|event| (event.start.max(from), event.end.min(to)))
                        .collect();
                    let busy: Vec<Value> = merge(spans)
                        .into_iter()
                        .map(|(start, end)| {
                            json!({ "start": rfc3339(start, &out_zone), "end": rfc3339(end, &out_zone) })
                        })
                        .collect();
                    json!({ "busy": busy })
                }
            }
        };
        calendars.insert(id.clone(), entry);
    }
    Json(json!({
        "kind": "calendar#freeBusy",
        "timeMin": rfc3339(from, &out_zone),
        "timeMax": rfc3339(to, &out_zone),
        "calendars": calendars,
    }))
    .into_response()
}

async fn insert_event(
    State(api): Shared,
    Path(calendar_id): Path<String>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return google_unauthorized();
    };
    let body = match parse_json(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let version = match conference_version(&query).and_then(|version| {
        check_send_updates(&query)?;
        Ok(version)
    }) {
        Ok(version) => version,
        Err(response) => return response,
    };
    let id = match body.get("id").and_then(Value::as_str) {
        Some(id) if !valid_event_id(id) => {
            return google_error(400, "invalid", "Invalid resource id value.")
        }
        Some(id) => id.to_owned(),
        None => base32hex(&api.peer.random_hex(26)),
    };
    let mut data = lock(&api.data);
    let pending = data.pending_conferences > 0;
    let next = data.next_version();
    let Some(calendar) = data.calendar(&email, &calendar_id) else {
        return google_error(404, "notFound", "Not Found");
    };
    if !calendar.spec.writable {
        return google_error(
            403,
            "requiredAccessLevel",
            "You need to have writer access to this calendar.",
        );
    }
    // Ids are unique per calendar, deleted (cancelled) events included.
    if calendar
        .events
        .iter()
        .any(|event| event.resource["id"] == id)
    {
        return google_error(409, "duplicate", "The requested identifier already exists.");
    }
    let calendar_zone = zone(&calendar.spec.time_zone).unwrap_or(TimeZone::UTC);
    let (start, end) = match span(&body, &calendar_zone) {
        Ok(span) => span,
        Err(response) => return response,
    };
    let mut resource = body.clone();
    if let Some(object) = resource.as_object_mut() {
        object.remove("conferenceData");
        object.remove("hangoutLink");
    }
    if let Err(response) = apply_conference(&mut resource, &body, version, pending) {
        return response;
    }
    let used_pending =
        resource["conferenceData"]["createRequest"]["status"]["statusCode"] == "pending";
    complete(&mut resource, &id, &calendar.spec, &email, next);
    calendar.events.push(Event {
        resource: resource.clone(),
        start,
        end,
    });
    if used_pending {
        data.pending_conferences -= 1;
    }
    Json(resource).into_response()
}

fn if_match(headers: &HeaderMap, resource: &Value) -> Result<(), Response> {
    let Some(expected) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    if expected == "*" || resource["etag"] == expected {
        Ok(())
    } else {
        Err(google_error(412, "conditionNotMet", "Precondition Failed"))
    }
}

async fn get_event(
    State(api): Shared,
    Path((calendar_id, event_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return google_unauthorized();
    };
    let mut data = lock(&api.data);
    let event = data.calendar(&email, &calendar_id).and_then(|calendar| {
        calendar
            .events
            .iter_mut()
            .find(|event| event.resource["id"] == event_id)
    });
    let Some(event) = event else {
        return google_error(404, "notFound", "Not Found");
    };
    let create = &event.resource["conferenceData"]["createRequest"];
    if create["status"]["statusCode"] == "pending" {
        if let Ok(conference) = conference(create) {
            event.resource["hangoutLink"] = conference["entryPoints"][0]["uri"].clone();
            event.resource["conferenceData"] = conference;
        }
    }
    Json(event.resource.clone()).into_response()
}

async fn patch_event(
    State(api): Shared,
    Path((calendar_id, event_id)): Path<(String, String)>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return google_unauthorized();
    };
    let body = match parse_json(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let version = match conference_version(&query).and_then(|version| {
        check_send_updates(&query)?;
        Ok(version)
    }) {
        Ok(version) => version,
        Err(response) => return response,
    };
    let mut data = lock(&api.data);
    let next = data.next_version();
    let Some(calendar) = data.calendar(&email, &calendar_id) else {
        return google_error(404, "notFound", "Not Found");
    };
    if !calendar.spec.writable {
        return google_error(
            403,
            "requiredAccessLevel",
            "You need to have writer access to this calendar.",
        );
    }
    let calendar_zone = zone(&calendar.spec.time_zone).unwrap_or(TimeZone::UTC);
    let Some(event) = calendar
        .events
        .iter_mut()
        .find(|event| event.resource["id"] == event_id)
    else {
        return google_error(404, "notFound", "Not Found");
    };
    if let Err(response) = if_match(&headers, &event.resource) {
        return response;
    }
    let mut patch = body.clone();
    if let Some(object) = patch.as_object_mut() {
        for field in [
            "id",
            "kind",
            "etag",
            "created",
            "updated",
            "creator",
            "organizer",
            "iCalUID",
            "htmlLink",
            "sequence",
            "conferenceData",
            "hangoutLink",
        ] {
            object.remove(field);
        }
    }
    let mut resource = event.resource.clone();
    // A new start or end replaces the old one whole (a `date` must not survive next to a
    // new `dateTime`).
    for field in ["start", "end"] {
        if let Some(value) = patch.get(field) {
            resource[field] = value.clone();
        }
    }
    merge_patch(&mut resource, &patch);
    if let Err(response) = apply_conference(&mut resource, &body, version, false) {
        return response;
    }
    let (start, end) = match span(&resource, &calendar_zone) {
        Ok(span) => span,
        Err(response) => return response,
    };
    let moved = start != event.start || end != event.end;
    resource["etag"] = json!(etag(next));
    resource["updated"] = json!(rfc3339(Timestamp::now(), &TimeZone::UTC));
    if moved {
        let sequence = resource["sequence"].as_u64().unwrap_or(0);
        resource["sequence"] = json!(sequence + 1);
    }
    event.resource = resource.clone();
    event.start = start;
    event.end = end;
    Json(resource).into_response()
}

async fn delete_event(
    State(api): Shared,
    Path((calendar_id, event_id)): Path<(String, String)>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return google_unauthorized();
    };
    if let Err(response) = check_send_updates(&query) {
        return response;
    }
    let mut data = lock(&api.data);
    let next = data.next_version();
    let Some(calendar) = data.calendar(&email, &calendar_id) else {
        return google_error(404, "notFound", "Not Found");
    };
    if !calendar.spec.writable {
        return google_error(
            403,
            "requiredAccessLevel",
            "You need to have writer access to this calendar.",
        );
    }
    let Some(event) = calendar
        .events
        .iter_mut()
        .find(|event| event.resource["id"] == event_id)
    else {
        return google_error(404, "notFound", "Not Found");
    };
    if event.resource["status"] == "cancelled" {
        return google_error(410, "deleted", "Resource has been deleted");
    }
    if let Err(response) = if_match(&headers, &event.resource) {
        return response;
    }
    event.resource["status"] = json!("cancelled");
    event.resource["etag"] = json!(etag(next));
    StatusCode::NO_CONTENT.into_response()
}
