//! A stand-in of Microsoft on loopback: the identity platform's v2.0 endpoints
//! (`/{tenant}/oauth2/v2.0/authorize` and `/token`) and the Microsoft Graph v1.0 calls
//! openslot makes (`/me`, list calendars, `calendar/getSchedule`, `calendarView`, create /
//! update / delete event), built from the public references: Graph's error shape,
//! `@odata.nextLink` paging, `Prefer: outlook.timezone`, `transactionId` idempotency and
//! `isOnlineMeeting` → `onlineMeeting.joinUrl`.
//!
//! ```no_run
//! use openslot_calendar::testing::{CalendarSpec, MicrosoftStandIn};
//! let microsoft = MicrosoftStandIn::start();
//! microsoft.add_account("ada@contoso.com", &[CalendarSpec::primary("AAMkADA=", "Calendar")]);
//! // point `[microsoft] auth_url/token_url/graph_base` at microsoft.auth_url() / token_url() / graph_base()
//! ```

// Handlers' helpers fail with the finished HTTP answer; a test server does not need the
// few bytes boxing would save.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::oauth_peer::{
    self, observe, zone, CalendarSpec, EventSpec, Fault, Flavor, Logged, Peer, Running, ShowAs,
    When,
};

/// The scopes openslot asks Microsoft for.
pub const SCOPES: &str = "offline_access User.Read Calendars.ReadWrite";

/// getSchedule's longest window (Graph answers `ErrorTimeIntervalTooBig` beyond it).
const MAX_SCHEDULE_DAYS: i64 = 62;

/// A running Microsoft stand-in; stops when dropped.
pub struct MicrosoftStandIn {
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
    /// Online meetings still to be created without a join URL yet (filled in by the
    /// next GET of the event).
    pending_meetings: usize,
}

struct Calendar {
    spec: CalendarSpec,
    owner: String,
    events: Vec<Event>,
}

struct Event {
    /// The Graph resource without `start`/`end`, which are rendered per request zone.
    resource: Value,
    start: Timestamp,
    end: Timestamp,
    /// The zone names the event was written with (`originalStartTimeZone`).
    start_zone: String,
    end_zone: String,
}

fn lock(data: &Mutex<Data>) -> MutexGuard<'_, Data> {
    data.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl MicrosoftStandIn {
    /// Starts on 127.0.0.1:0 in its own thread (usable from sync and async tests).
    pub fn start() -> MicrosoftStandIn {
        let (listener, base) = oauth_peer::bind();
        let peer = Arc::new(Peer::new(Flavor::Microsoft, base));
        let api = Arc::new(Api {
            peer: peer.clone(),
            data: Mutex::new(Data {
                calendars: Vec::new(),
                page_size: 2,
                version: 1,
                pending_meetings: 0,
            }),
        });
        let router = Router::new()
            .route(
                "/{tenant}/oauth2/v2.0/authorize",
                get(authorize_page).post(authorize_decision),
            )
            .route("/{tenant}/oauth2/v2.0/token", post(token))
            .route("/v1.0/me", get(me))
            .route("/v1.0/me/calendars", get(list_calendars))
            .route("/v1.0/me/calendar", get(default_calendar))
            .route("/v1.0/me/calendar/getSchedule", post(get_schedule))
            .route("/v1.0/me/calendar/calendarView", get(default_calendar_view))
            .route("/v1.0/me/calendarView", get(default_calendar_view))
            .route(
                "/v1.0/me/calendars/{calendar_id}/calendarView",
                get(calendar_view),
            )
            .route(
                "/v1.0/me/calendars/{calendar_id}/events",
                post(create_event),
            )
            .route("/v1.0/me/calendar/events", post(create_default_event))
            .route("/v1.0/me/events", post(create_default_event))
            .route(
                "/v1.0/me/events/{event_id}",
                get(get_event).patch(update_event).delete(delete_event),
            )
            .fallback({
                let peer = peer.clone();
                move || async move {
                    peer.graph_error(400, "BadRequest", "Resource not found for the segment.")
                }
            })
            .with_state(api.clone())
            .layer(axum::middleware::from_fn_with_state(peer.clone(), observe));
        let running = oauth_peer::serve(listener, router);
        MicrosoftStandIn {
            peer,
            api,
            _running: running,
        }
    }

    /// `http://127.0.0.1:<port>`
    pub fn base_url(&self) -> String {
        self.peer.base.clone()
    }

    /// `[microsoft] auth_url` (tenant `common`; any tenant segment is accepted).
    pub fn auth_url(&self) -> String {
        format!("{}/common/oauth2/v2.0/authorize", self.peer.base)
    }

    /// [`Self::auth_url`] on `localhost` instead of `127.0.0.1` (same listener): to a browser
    /// the redirect back to a server on 127.0.0.1 is then a cross-site navigation, as it is
    /// from the real provider, so `SameSite` cookies behave as in production.
    pub fn browser_auth_url(&self) -> String {
        self.auth_url().replacen("127.0.0.1", "localhost", 1)
    }

    /// `[microsoft] token_url`
    pub fn token_url(&self) -> String {
        format!("{}/common/oauth2/v2.0/token", self.peer.base)
    }

    /// `[microsoft] graph_base`
    pub fn graph_base(&self) -> String {
        self.peer.base.clone()
    }

    /// The client id and secret the stand-in accepts.
    pub fn client(&self) -> (String, String) {
        (
            oauth_peer::CLIENT_ID.to_owned(),
            oauth_peer::CLIENT_SECRET.to_owned(),
        )
    }

    /// An account (mailbox) and its calendars, in this order. The `primary` one is the
    /// default calendar, the one getSchedule reads.
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

    /// An event made by the mailbox's owner; returns its id.
    pub fn add_event(&self, calendar_id: &str, event: EventSpec) -> String {
        let id = graph_id(&self.peer);
        let mut data = lock(&self.api.data);
        let version = data.next_version();
        let calendar = data
            .calendars
            .iter_mut()
            .find(|calendar| calendar.spec.id == calendar_id)
            .unwrap_or_else(|| panic!("no calendar {calendar_id} on the Microsoft stand-in"));
        let calendar_zone = zone(&calendar.spec.time_zone).unwrap_or(TimeZone::UTC);
        let (start, end) = event.span(&calendar_zone);
        let (all_day, zone_name) = match event.when {
            When::Timed(..) => (false, "UTC".to_owned()),
            When::AllDay(..) => (true, calendar.spec.time_zone.clone()),
        };
        let show_as = match event.show_as {
            ShowAs::Busy => "busy",
            ShowAs::Tentative => "tentative",
            ShowAs::OutOfOffice => "oof",
            ShowAs::WorkingElsewhere => "workingElsewhere",
            ShowAs::Free => "free",
        };
        let mut resource = json!({
            "subject": event.summary,
            "isAllDay": all_day,
            "isCancelled": event.cancelled,
            "showAs": show_as,
        });
        complete(&mut resource, &id, &calendar.owner, version, &self.peer);
        calendar.events.push(Event {
            resource,
            start,
            end,
            start_zone: zone_name.clone(),
            end_zone: zone_name,
        });
        id
    }

    /// Deletes an event as its owner would (Graph forgets it: 404 afterwards).
    pub fn remove_event(&self, calendar_id: &str, event_id: &str) {
        let mut data = lock(&self.api.data);
        for calendar in &mut data.calendars {
            if calendar.spec.id == calendar_id {
                calendar
                    .events
                    .retain(|event| event.resource["id"] != event_id);
            }
        }
    }

    /// The calendar's events as stored, with `start`/`end` in the zones they were written
    /// in, in insertion order.
    pub fn events(&self, calendar_id: &str) -> Vec<Value> {
        lock(&self.api.data)
            .calendars
            .iter()
            .filter(|calendar| calendar.spec.id == calendar_id)
            .flat_map(|calendar| calendar.events.iter().map(|event| render(event, None)))
            .collect()
    }

    /// Refreshing any of the account's grants fails with `invalid_grant` (AADSTS50173)
    /// from now on, and its access tokens stop working.
    pub fn revoke_grants(&self, email: &str) {
        self.peer.revoke_grants(email);
    }

    /// Grants of the account not revoked.
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

    /// The next `times` online meetings asked for by a create answer without
    /// `onlineMeeting` (null, as Graph may shortly after creation); a GET of the event
    /// afterwards finds the join URL.
    pub fn set_meetings_pending(&self, times: usize) {
        lock(&self.api.data).pending_meetings = times;
    }

    /// Items per page of the calendar list and calendarView (default 2, so paging
    /// always happens).
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

    /// Tokens for `email` as if it had consented to [`SCOPES`]: (access, refresh).
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
        self.calendars
            .iter_mut()
            .find(|calendar| calendar.owner == owner && calendar.spec.id == id)
    }

    fn default_calendar_id(&self, owner: &str) -> Option<String> {
        self.calendars
            .iter()
            .filter(|calendar| calendar.owner == owner)
            .find(|calendar| calendar.spec.primary)
            .map(|calendar| calendar.spec.id.clone())
    }

    /// The event with `id` in any calendar of `owner`, and whether its calendar is writable.
    fn event(&mut self, owner: &str, id: &str) -> Option<(&mut Event, bool)> {
        self.calendars
            .iter_mut()
            .filter(|calendar| calendar.owner == owner)
            .find_map(|calendar| {
                let writable = calendar.spec.writable;
                calendar
                    .events
                    .iter_mut()
                    .find(|event| event.resource["id"] == id)
                    .map(|event| (event, writable))
            })
    }
}

/// A Graph-looking item id (base64 of an Exchange entry id: letters, digits, `-`, `_`, `=`).
fn graph_id(peer: &Peer) -> String {
    format!("AAMkAG{}AAA=", peer.random(""))
}

fn change_key(version: u64) -> String {
    format!("DwAAABYAAAA{version:08}")
}

fn display_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    let mut chars = local.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Fills in the fields Graph sets on an event it stores (start/end excluded).
fn complete(resource: &mut Value, id: &str, owner: &str, version: u64, peer: &Peer) {
    let now = Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
        .to_string();
    let key = change_key(version);
    let object = resource.as_object_mut().expect("an event object");
    object.insert("@odata.etag".into(), json!(format!("W/\"{key}\"")));
    object.insert("id".into(), json!(id));
    object.insert("createdDateTime".into(), json!(now));
    object.insert("lastModifiedDateTime".into(), json!(now));
    object.insert("changeKey".into(), json!(key));
    object.entry("categories").or_insert(json!([]));
    object.entry("transactionId").or_insert(Value::Null);
    object.insert(
        "iCalUId".into(),
        json!(format!(
            "040000008200E00074C5B7101A82E008{}",
            peer.random_hex(32).to_uppercase()
        )),
    );
    object
        .entry("reminderMinutesBeforeStart")
        .or_insert(json!(15));
    object.entry("isReminderOn").or_insert(json!(true));
    object.insert("hasAttachments".into(), json!(false));
    object.entry("subject").or_insert(json!(""));
    object.entry("importance").or_insert(json!("normal"));
    object.entry("sensitivity").or_insert(json!("normal"));
    object.entry("isAllDay").or_insert(json!(false));
    object.entry("isCancelled").or_insert(json!(false));
    object.insert("isOrganizer".into(), json!(true));
    object.entry("responseRequested").or_insert(json!(true));
    object.insert("seriesMasterId".into(), Value::Null);
    object.entry("showAs").or_insert(json!("busy"));
    object.insert("type".into(), json!("singleInstance"));
    object.insert(
        "webLink".into(),
        json!(format!(
            "https://outlook.office365.com/owa/?itemid={id}&exvsurl=1&path=/calendar/item"
        )),
    );
    object.insert("onlineMeetingUrl".into(), Value::Null);
    object.entry("isOnlineMeeting").or_insert(json!(false));
    object
        .entry("onlineMeetingProvider")
        .or_insert(json!("unknown"));
    object.entry("onlineMeeting").or_insert(Value::Null);
    object.insert("isDraft".into(), json!(false));
    object.insert(
        "responseStatus".into(),
        json!({ "response": "organizer", "time": "0001-01-01T00:00:00Z" }),
    );
    object
        .entry("body")
        .or_insert(json!({ "contentType": "html", "content": "" }));
    let preview: String = object["body"]["content"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(255)
        .collect();
    object.insert("bodyPreview".into(), json!(preview));
    object
        .entry("location")
        .or_insert(json!({ "displayName": "", "locationType": "default" }));
    object.entry("attendees").or_insert(json!([]));
    if let Some(Value::Array(attendees)) = object.get_mut("attendees") {
        for attendee in attendees {
            if let Some(attendee) = attendee.as_object_mut() {
                attendee.entry("type").or_insert(json!("required"));
                attendee
                    .entry("status")
                    .or_insert(json!({ "response": "none", "time": "0001-01-01T00:00:00Z" }));
            }
        }
    }
    object.insert(
        "organizer".into(),
        json!({ "emailAddress": { "name": display_name(owner), "address": owner } }),
    );
}

/// Graph's `dateTimeTimeZone`: local time without offset, seven fraction digits.
fn date_time_time_zone(at: Timestamp, zone_name: &str) -> Value {
    let zone = zone(zone_name).unwrap_or(TimeZone::UTC);
    json!({
        "dateTime": at.to_zoned_datetime(zone).strftime("%Y-%m-%dT%H:%M:%S.0000000").to_string(),
        "timeZone": zone_name,
    })
}

/// The event as Graph answers it, in `zone_name` (the zones it was written in when None).
fn render(event: &Event, zone_name: Option<&str>) -> Value {
    let mut resource = event.resource.clone();
    let start_zone = zone_name.unwrap_or(&event.start_zone);
    let end_zone = zone_name.unwrap_or(&event.end_zone);
    resource["start"] = date_time_time_zone(event.start, start_zone);
    resource["end"] = date_time_time_zone(event.end, end_zone);
    resource["originalStartTimeZone"] = json!(event.start_zone);
    resource["originalEndTimeZone"] = json!(event.end_zone);
    resource
}

/// The zone named by `Prefer: outlook.timezone="…"` when Graph knows it.
fn preferred_zone(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|preference| {
            let (key, value) = preference.trim().split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("outlook.timezone")
                .then(|| value.trim().trim_matches('"').to_owned())
        })
        .filter(|name| zone(name).is_some())
}

/// Sets `Preference-Applied` when the preferred zone was used.
fn applied(mut response: Response, zone_name: &Option<String>) -> Response {
    if let Some(name) = zone_name {
        if let Ok(value) = HeaderValue::from_str(&format!("outlook.timezone=\"{name}\"")) {
            response.headers_mut().insert("preference-applied", value);
        }
    }
    response
}

/// Parses a `dateTimeTimeZone` object.
fn parse_date_time(
    peer: &Peer,
    value: &Value,
    which: &str,
) -> Result<(Timestamp, String), Response> {
    let Some(text) = value.get("dateTime").and_then(Value::as_str) else {
        return Err(peer.graph_error(
            400,
            "ErrorInvalidRequest",
            &format!("Your request can't be completed. The {which} of the event is missing."),
        ));
    };
    let zone_name = value
        .get("timeZone")
        .and_then(Value::as_str)
        .unwrap_or("UTC")
        .to_owned();
    let Some(tz) = zone(&zone_name) else {
        return Err(peer.graph_error(
            400,
            "TimeZoneNotSupportedException",
            &format!("A valid TimeZone value must be specified. The following TimeZone value is not supported: '{zone_name}'."),
        ));
    };
    let at = match text.parse::<DateTime>() {
        Ok(civil) => civil
            .to_zoned_datetime(tz)
            .map(|zoned| zoned.timestamp())
            .ok(),
        // An explicit offset fixes the instant.
        Err(_) => text.parse::<Timestamp>().ok(),
    };
    match at {
        Some(at) => Ok((at, zone_name)),
        None => Err(peer.graph_error(
            400,
            "UnableToDeserializePostBody",
            &format!(
                "Cannot convert the literal '{text}' to the expected type 'Edm.DateTimeOffset'."
            ),
        )),
    }
}

/// A Teams meeting for a new online event.
fn online_meeting(peer: &Peer) -> Value {
    let thread = peer.random_hex(40);
    let join_url = format!(
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_{thread}%40thread.v2/0?context=%7b%22Tid%22%3a%229188040d-6c67-4c5b-b112-36a304b66dad%22%2c%22Oid%22%3a%22{}%22%7d",
        oauth_peer::uuid_like(&peer.random_hex(32))
    );
    json!({ "joinUrl": join_url, "conferenceId": "", "tollNumber": null })
}

/// Applies `isOnlineMeeting`: Teams is the only provider these calendars allow.
fn apply_online_meeting(resource: &mut Value, peer: &Peer) {
    let wanted = resource["isOnlineMeeting"] == true;
    let provider = resource["onlineMeetingProvider"]
        .as_str()
        .unwrap_or("teamsForBusiness")
        .to_owned();
    if wanted && provider == "teamsForBusiness" {
        resource["onlineMeetingProvider"] = json!("teamsForBusiness");
        if resource["onlineMeeting"].is_null() {
            resource["onlineMeeting"] = online_meeting(peer);
        }
    } else if !wanted {
        resource["onlineMeeting"] = Value::Null;
        resource["onlineMeetingProvider"] = json!("unknown");
    } else {
        // A provider the calendar does not allow: Graph creates no meeting.
        resource["isOnlineMeeting"] = json!(false);
        resource["onlineMeeting"] = Value::Null;
    }
}

fn parse_body(peer: &Peer, body: &Bytes) -> Result<Value, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(peer.graph_error(
            400,
            "UnableToDeserializePostBody",
            "were unable to deserialize ",
        )),
    }
}

/// `@odata.nextLink`: the same request with `$skip` moved on.
fn next_link(base: &str, path: &str, query: &[(String, String)], skip: usize) -> String {
    let mut parts: Vec<String> = query
        .iter()
        .filter(|(key, _)| key != "$skip")
        .map(|(key, value)| {
            format!(
                "{key}={}",
                url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
            )
        })
        .collect();
    parts.push(format!("$skip={skip}"));
    format!("{base}{path}?{}", parts.join("&"))
}

fn paging(
    peer: &Peer,
    query: &[(String, String)],
    page_size: usize,
) -> Result<(usize, usize), Response> {
    let get = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    };
    let number = |name: &str| -> Result<Option<usize>, Response> {
        match get(name) {
            None => Ok(None),
            Some(text) => text.parse::<usize>().map(Some).map_err(|_| {
                peer.graph_error(
                    400,
                    "BadRequest",
                    &format!("Invalid value '{text}' for query option {name}."),
                )
            }),
        }
    };
    let top = number("$top")?.unwrap_or(page_size).clamp(1, 1000);
    let skip = number("$skip")?.unwrap_or(0);
    Ok((skip, top.min(page_size)))
}

/// Keeps only `$select`ed properties (and `id`, `@odata.etag`, as Graph does).
fn select(mut item: Value, query: &[(String, String)]) -> Value {
    let Some((_, fields)) = query.iter().find(|(key, _)| key == "$select") else {
        return item;
    };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
    if let Some(object) = item.as_object_mut() {
        object
            .retain(|key, _| key == "id" || key == "@odata.etag" || wanted.contains(&key.as_str()));
    }
    item
}

fn calendar_resource(calendar: &Calendar) -> Value {
    let spec = &calendar.spec;
    json!({
        "id": spec.id,
        "name": spec.name,
        "color": "auto",
        "hexColor": "",
        "isDefaultCalendar": spec.primary,
        "changeKey": change_key(1),
        "canShare": spec.writable,
        "canViewPrivateItems": true,
        "canEdit": spec.writable,
        "allowedOnlineMeetingProviders": ["teamsForBusiness"],
        "defaultOnlineMeetingProvider": "teamsForBusiness",
        "isTallyingResponses": true,
        "isRemovable": !spec.primary,
        "owner": { "name": display_name(&calendar.owner), "address": calendar.owner },
    })
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

fn unauthorized(peer: &Peer) -> Response {
    peer.graph_error(
        401,
        "InvalidAuthenticationToken",
        "Access token has expired or is not yet valid.",
    )
}

fn query_pairs(raw: &Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

async fn me(State(api): Shared, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return unauthorized(&api.peer);
    };
    let name = display_name(&email);
    let id: String = Sha256::digest(email.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let user = json!({
        "businessPhones": [],
        "displayName": name,
        "givenName": name,
        "surname": null,
        "jobTitle": null,
        "mail": email,
        "mobilePhone": null,
        "officeLocation": null,
        "preferredLanguage": "en-US",
        "userPrincipalName": email,
        "id": oauth_peer::uuid_like(&id),
    });
    let mut body = select(user, &query_pairs(&raw));
    body["@odata.context"] = json!(format!("{}/v1.0/$metadata#users/$entity", api.peer.base));
    Json(body).into_response()
}

async fn list_calendars(
    State(api): Shared,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return unauthorized(&api.peer);
    };
    let query = query_pairs(&raw);
    let data = lock(&api.data);
    let (skip, top) = match paging(&api.peer, &query, data.page_size) {
        Ok(paging) => paging,
        Err(response) => return response,
    };
    let mine: Vec<&Calendar> = data
        .calendars
        .iter()
        .filter(|calendar| calendar.owner == email)
        .collect();
    let value: Vec<Value> = mine
        .iter()
        .skip(skip)
        .take(top)
        .map(|calendar| select(calendar_resource(calendar), &query))
        .collect();
    let mut body = json!({
        "@odata.context": format!("{}/v1.0/$metadata#users('{email}')/calendars", api.peer.base),
        "value": value,
    });
    if skip + top < mine.len() {
        body["@odata.nextLink"] = json!(next_link(
            &api.peer.base,
            "/v1.0/me/calendars",
            &query,
            skip + top
        ));
    }
    Json(body).into_response()
}

async fn default_calendar(State(api): Shared, headers: HeaderMap) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return unauthorized(&api.peer);
    };
    let data = lock(&api.data);
    match data
        .calendars
        .iter()
        .find(|calendar| calendar.owner == email && calendar.spec.primary)
    {
        Some(calendar) => Json(calendar_resource(calendar)).into_response(),
        None => api.peer.graph_error(
            404,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        ),
    }
}

async fn get_schedule(State(api): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let peer = &api.peer;
    if peer.bearer(&headers).is_none() {
        return unauthorized(peer);
    }
    let request = match parse_body(peer, &body) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let schedules: Vec<String> = request["schedules"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if schedules.is_empty() {
        return peer.graph_error(
            400,
            "ErrorInvalidParameter",
            "At least one schedule must be specified.",
        );
    }
    if schedules.len() > 100 {
        return peer.graph_error(
            400,
            "ErrorMailboxDataArrayTooBig",
            &format!("There are too many target users in the EmailAddress array. The allowed size = 100; the actual size = {}.", schedules.len()),
        );
    }
    let (from, _) = match parse_date_time(peer, &request["startTime"], "start") {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let (to, _) = match parse_date_time(peer, &request["endTime"], "end") {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let interval = request["availabilityViewInterval"].as_i64().unwrap_or(30);
    if to <= from || !(5..=1440).contains(&interval) {
        return peer.graph_error(
            400,
            "ErrorInvalidTimeInterval",
            "The time duration specified for FreeBusyViewOptions.TimeWindow is invalid.",
        );
    }
    let days = (to.as_second() - from.as_second() + 86_399) / 86_400;
    if days > MAX_SCHEDULE_DAYS {
        return peer.graph_error(
            400,
            "ErrorTimeIntervalTooBig",
            &format!("The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. The allowed limit = {MAX_SCHEDULE_DAYS} days; the actual limit = {days} days."),
        );
    }
    let preferred = preferred_zone(&headers);
    let out_zone = preferred.clone().unwrap_or_else(|| "UTC".to_owned());
    let data = lock(&api.data);
    let value: Vec<Value> = schedules
        .iter()
        .map(|schedule| {
            let calendar = data
                .calendars
                .iter()
                .find(|calendar| calendar.owner.eq_ignore_ascii_case(schedule) && calendar.spec.primary);
            let Some(calendar) = calendar else {
                return json!({
                    "scheduleId": schedule,
                    "availabilityView": "",
                    "error": {
                        "message": format!("The specified user {schedule} could not be found. "),
                        "responseCode": "ErrorMailRecipientNotFound",
                    },
                    "scheduleItems": [],
                });
            };
            let mut events: Vec<&Event> = calendar
                .events
                .iter()
                .filter(|event| event.resource["isCancelled"] != true && event.start < to && event.end > from)
                .collect();
            events.sort_by_key(|event| event.start);
            let items: Vec<Value> = events
                .iter()
                .map(|event| {
                    json!({
                        "isPrivate": event.resource["sensitivity"] == "private",
                        "status": event.resource["showAs"],
                        "subject": event.resource["subject"],
                        "location": event.resource["location"]["displayName"],
                        "isMeeting": !event.resource["attendees"].as_array().is_none_or(Vec::is_empty),
                        "isRecurring": false,
                        "isException": false,
                        "isReminderSet": event.resource["isReminderOn"],
                        "start": date_time_time_zone(event.start, &out_zone),
                        "end": date_time_time_zone(event.end, &out_zone),
                    })
                })
                .collect();
            let mut view = String::new();
            let mut slot = from;
            while slot < to {
                let slot_end = slot
                    .checked_add(jiff::SignedDuration::from_mins(interval))
                    .unwrap_or(to);
                let code = events
                    .iter()
                    .filter(|event| event.start < slot_end && event.end > slot)
                    .map(|event| match event.resource["showAs"].as_str() {
                        Some("tentative") => '1',
                        Some("busy") => '2',
                        Some("oof") => '3',
                        // Working elsewhere counts as free here (Graph's backward compatibility).
                        _ => '0',
                    })
                    .max()
                    .unwrap_or('0');
                view.push(code);
                slot = slot_end;
            }
            json!({
                "scheduleId": schedule,
                "availabilityView": view,
                "scheduleItems": items,
                "workingHours": {
                    "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                    "startTime": "08:00:00.0000000",
                    "endTime": "17:00:00.0000000",
                    "timeZone": { "name": calendar.spec.time_zone },
                },
            })
        })
        .collect();
    let body = json!({
        "@odata.context": format!("{}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)", peer.base),
        "value": value,
    });
    applied(Json(body).into_response(), &preferred)
}

async fn default_calendar_view(
    State(api): Shared,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return unauthorized(&api.peer);
    };
    let id = lock(&api.data).default_calendar_id(&email);
    match id {
        Some(id) => view(&api, &email, &id, &headers, raw, "/v1.0/me/calendarView"),
        None => api.peer.graph_error(
            404,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        ),
    }
}

async fn calendar_view(
    State(api): Shared,
    Path(calendar_id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return unauthorized(&api.peer);
    };
    // The next link must name the calendar as the request did (encoded).
    let path = format!(
        "/v1.0/me/calendars/{}/calendarView",
        percent_encoding::utf8_percent_encode(&calendar_id, percent_encoding::NON_ALPHANUMERIC)
    );
    view(&api, &email, &calendar_id, &headers, raw, &path)
}

fn view(
    api: &Api,
    email: &str,
    calendar_id: &str,
    headers: &HeaderMap,
    raw: Option<String>,
    path: &str,
) -> Response {
    let peer = &api.peer;
    let query = query_pairs(&raw);
    let bound = |name: &str| -> Option<Timestamp> {
        let text = query
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))?
            .1
            .as_str();
        text.parse::<Timestamp>().ok().or_else(|| {
            // Without an offset Graph reads the time as UTC.
            text.parse::<DateTime>()
                .ok()?
                .to_zoned_datetime(TimeZone::UTC)
                .ok()
                .map(|zoned| zoned.timestamp())
        })
    };
    let (Some(from), Some(to)) = (bound("startDateTime"), bound("endDateTime")) else {
        return peer.graph_error(
            400,
            "ErrorInvalidParameter",
            "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.",
        );
    };
    if to.as_second() - from.as_second() > 1825 * 86_400 {
        return peer.graph_error(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. The range between the start and end dates is greater than the allowed range. Maximum number of days: 1825",
        );
    }
    let preferred = preferred_zone(headers);
    let out_zone = preferred.clone().unwrap_or_else(|| "UTC".to_owned());
    let mut data = lock(&api.data);
    let page_size = data.page_size;
    let (skip, top) = match paging(peer, &query, page_size) {
        Ok(paging) => paging,
        Err(response) => return response,
    };
    let Some(calendar) = data.calendar(email, calendar_id) else {
        return peer.graph_error(
            404,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    };
    let mut events: Vec<&Event> = calendar
        .events
        .iter()
        .filter(|event| event.start < to && event.end > from)
        .collect();
    events.sort_by_key(|event| (event.start, event.end));
    let value: Vec<Value> = events
        .iter()
        .skip(skip)
        .take(top)
        .map(|event| select(render(event, Some(&out_zone)), &query))
        .collect();
    let mut body = json!({
        "@odata.context": format!("{}/v1.0/$metadata#users('{email}')/calendars('{calendar_id}')/calendarView", peer.base),
        "value": value,
    });
    if skip + top < events.len() {
        body["@odata.nextLink"] = json!(next_link(&peer.base, path, &query, skip + top));
    }
    applied(Json(body).into_response(), &preferred)
}

async fn create_default_event(State(api): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return unauthorized(&api.peer);
    };
    let id = lock(&api.data).default_calendar_id(&email);
    match id {
        Some(id) => create(&api, &email, &id, &headers, &body),
        None => api.peer.graph_error(
            404,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        ),
    }
}

async fn create_event(
    State(api): Shared,
    Path(calendar_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return unauthorized(&api.peer);
    };
    create(&api, &email, &calendar_id, &headers, &body)
}

/// Fields a client may not set.
const READ_ONLY: [&str; 12] = [
    "@odata.etag",
    "@odata.context",
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "changeKey",
    "iCalUId",
    "webLink",
    "onlineMeeting",
    "onlineMeetingUrl",
    "organizer",
    "seriesMasterId",
];

fn create(
    api: &Api,
    email: &str,
    calendar_id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let peer = &api.peer;
    let request = match parse_body(peer, body) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let (start, start_zone) = match parse_date_time(peer, &request["start"], "start") {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let (end, end_zone) = match parse_date_time(peer, &request["end"], "end") {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    if end < start {
        return peer.graph_error(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. The end time must be after the start time.",
        );
    }
    let preferred = preferred_zone(headers);
    let mut data = lock(&api.data);
    let version = data.next_version();
    // transactionId is the mailbox's idempotency key: a repeated create answers the
    // event made the first time, and makes no second one.
    if let Some(transaction) = request["transactionId"].as_str() {
        let existing = data
            .calendars
            .iter()
            .filter(|calendar| calendar.owner == email)
            .flat_map(|calendar| calendar.events.iter())
            .find(|event| event.resource["transactionId"] == transaction);
        if let Some(event) = existing {
            let rendered = render(event, preferred.as_deref());
            return applied(
                (StatusCode::CREATED, Json(rendered)).into_response(),
                &preferred,
            );
        }
    }
    let pending_meetings = data.pending_meetings;
    let Some(calendar) = data.calendar(email, calendar_id) else {
        return peer.graph_error(
            404,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    };
    if !calendar.spec.writable {
        return peer.graph_error(
            403,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        );
    }
    let mut resource = request.clone();
    if let Some(object) = resource.as_object_mut() {
        for field in READ_ONLY.iter().chain(["start", "end"].iter()) {
            object.remove(*field);
        }
    }
    let id = graph_id(peer);
    complete(&mut resource, &id, email, version, peer);
    apply_online_meeting(&mut resource, peer);
    let pending = pending_meetings > 0 && !resource["onlineMeeting"].is_null();
    if pending {
        resource["onlineMeeting"] = Value::Null;
    }
    let event = Event {
        resource,
        start,
        end,
        start_zone,
        end_zone,
    };
    let rendered = render(&event, preferred.as_deref());
    calendar.events.push(event);
    if pending {
        data.pending_meetings -= 1;
    }
    let mut response = (StatusCode::CREATED, Json(rendered)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("{}/v1.0/me/events/{id}", peer.base)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    applied(response, &preferred)
}

async fn get_event(
    State(api): Shared,
    Path(event_id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(email) = api.peer.bearer(&headers) else {
        return unauthorized(&api.peer);
    };
    let preferred = preferred_zone(&headers);
    let zone_name = preferred.clone().unwrap_or_else(|| "UTC".to_owned());
    let mut data = lock(&api.data);
    match data.event(&email, &event_id) {
        Some((event, _)) => {
            if event.resource["isOnlineMeeting"] == true
                && event.resource["onlineMeeting"].is_null()
            {
                event.resource["onlineMeeting"] = online_meeting(&api.peer);
            }
            applied(
                Json(select(render(event, Some(&zone_name)), &query_pairs(&raw))).into_response(),
                &preferred,
            )
        }
        None => api.peer.graph_error(
            404,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        ),
    }
}

async fn update_event(
    State(api): Shared,
    Path(event_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let peer = &api.peer;
    let Some(email) = peer.bearer(&headers) else {
        return unauthorized(peer);
    };
    let request = match parse_body(peer, &body) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let start = match request
        .get("start")
        .map(|value| parse_date_time(peer, value, "start"))
        .transpose()
    {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let end = match request
        .get("end")
        .map(|value| parse_date_time(peer, value, "end"))
        .transpose()
    {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let preferred = preferred_zone(&headers);
    let mut data = lock(&api.data);
    let version = data.next_version();
    let Some((event, writable)) = data.event(&email, &event_id) else {
        return peer.graph_error(
            404,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    };
    if !writable {
        return peer.graph_error(
            403,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        );
    }
    if let Some(expected) = headers
        .get(header::IF_MATCH)
        .and_then(|value| value.to_str().ok())
    {
        if expected != "*" && event.resource["@odata.etag"] != expected {
            return peer.graph_error(412, "ErrorIrresolvableConflict", "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");
        }
    }
    let (new_start, new_end) = (
        start.as_ref().map_or(event.start, |(at, _)| *at),
        end.as_ref().map_or(event.end, |(at, _)| *at),
    );
    if new_end < new_start {
        return peer.graph_error(
            400,
            "ErrorInvalidRequest",
            "Your request can't be completed. The end time must be after the start time.",
        );
    }
    // Graph replaces each property given, complex ones whole.
    if let (Some(target), Some(patch)) = (event.resource.as_object_mut(), request.as_object()) {
        for (key, value) in patch {
            if !READ_ONLY.contains(&key.as_str())
                && key != "start"
                && key != "end"
                && key != "transactionId"
            {
                target.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some((at, zone_name)) = start {
        event.start = at;
        event.start_zone = zone_name;
    }
    if let Some((at, zone_name)) = end {
        event.end = at;
        event.end_zone = zone_name;
    }
    apply_online_meeting(&mut event.resource, peer);
    let key = change_key(version);
    event.resource["changeKey"] = json!(key);
    event.resource["@odata.etag"] = json!(format!("W/\"{key}\""));
    event.resource["lastModifiedDateTime"] = json!(Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
        .to_string());
    let rendered = render(event, preferred.as_deref());
    applied(Json(rendered).into_response(), &preferred)
}

async fn delete_event(
    State(api): Shared,
    Path(event_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let peer = &api.peer;
    let Some(email) = peer.bearer(&headers) else {
        return unauthorized(peer);
    };
    let mut data = lock(&api.data);
    for calendar in data
        .calendars
        .iter_mut()
        .filter(|calendar| calendar.owner == email)
    {
        if let Some(index) = calendar
            .events
            .iter()
            .position(|event| event.resource["id"] == event_id)
        {
            if !calendar.spec.writable {
                return peer.graph_error(
                    403,
                    "ErrorAccessDenied",
                    "Access is denied. Check credentials and try again.",
                );
            }
            calendar.events.remove(index);
            return StatusCode::NO_CONTENT.into_response();
        }
    }
    peer.graph_error(
        404,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}
