//! Google Calendar API v3 client: the account's calendars (`calendarList`), busy time
//! (`freeBusy`) and the events this service writes (insert / patch / delete, optionally with a
//! Google Meet conference). `base` is the `[google] api_base` (`https://www.googleapis.com`),
//! `token` a current access token; refreshing it is the caller's business.
//!
//! No call retries by itself: a 429, a 503 or Google's 403 rate-limit reasons come back as
//! [`CalendarError::RateLimited`] and the server's engine schedules the next attempt.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use crate::http::{api_error, json_body, rate_limited, Http, Reply, Request};
use crate::source::{CalendarError, EventInput, RemoteCalendar, WrittenEvent};

/// Longest window of one `freeBusy` query: Google refuses ranges much past two months.
pub const FREE_BUSY_MAX_DAYS: i64 = 60;
/// Calendars per `freeBusy` query (`calendarExpansionMax` tops out at 50).
const FREE_BUSY_MAX_CALENDARS: usize = 50;
/// Pages read of one listing before giving up on a peer that never stops paging.
const MAX_PAGES: usize = 100;

/// Unreserved characters (RFC 3986) stay; calendar ids like `en.usa#holiday@group…` and
/// event ids are encoded as one path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The event id this service uses for a booking: `"os"` + lowercase hex of the booking id's
/// bytes. Only base32hex characters (Google's rule for client-chosen ids), and the same on
/// every attempt, so a retried insert meets a 409 instead of making a second event.
pub fn event_id(booking_id: &str) -> String {
    let mut id = String::with_capacity(2 + booking_id.len() * 2);
    id.push_str("os");
    for byte in booking_id.as_bytes() {
        id.push_str(&format!("{byte:02x}"));
    }
    id
}

fn url(base: &str, path: &str) -> Result<Url, CalendarError> {
    let text = format!("{}{path}", base.trim_end_matches('/'));
    Url::parse(&text).map_err(|_| CalendarError::Protocol(format!("bad API URL {text:?}")))
}

fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// Google's error for a non-2xx answer: its 403s for quota (`rateLimitExceeded`,
/// `userRateLimitExceeded`, `quotaExceeded`, …) mean "slow down", not "no access".
pub(crate) fn google_error(reply: &Reply) -> CalendarError {
    if reply.status.as_u16() == 403 {
        let reasons: Vec<String> = serde_json::from_slice::<Value>(&reply.body)
            .ok()
            .and_then(|body| body.pointer("/error/errors").cloned())
            .and_then(|errors| errors.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|error| error.get("reason")?.as_str().map(str::to_owned))
            .collect();
        let limited = reasons.iter().any(|reason| {
            matches!(
                reason.as_str(),
                "rateLimitExceeded"
                    | "userRateLimitExceeded"
                    | "quotaExceeded"
                    | "dailyLimitExceeded"
            )
        });
        if limited {
            return rate_limited(reply);
        }
    }
    api_error(reply)
}

async fn call(http: &Http, request: Request) -> Result<Reply, CalendarError> {
    let reply = http.send(None, request).await?;
    if reply.status.is_success() {
        Ok(reply)
    } else {
        Err(google_error(&reply))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CalendarListPage {
    #[serde(default)]
    items: Vec<CalendarListEntry>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CalendarListEntry {
    id: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    summary_override: Option<String>,
    #[serde(default)]
    primary: bool,
    #[serde(default)]
    access_role: Option<String>,
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    deleted: bool,
}

/// Every calendar in the account's calendar list (all pages).
pub async fn calendars(
    http: &Http,
    base: &str,
    token: &str,
) -> Result<Vec<RemoteCalendar>, CalendarError> {
    let mut calendars = Vec::new();
    let mut page_token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut address = url(base, "/calendar/v3/users/me/calendarList")?;
        {
            let mut query = address.query_pairs_mut();
            query.append_pair("maxResults", "250");
            if let Some(page_token) = &page_token {
                query.append_pair("pageToken", page_token);
            }
        }
        let reply = call(http, Request::new(Method::GET, address).bearer(token)).await?;
        let page: CalendarListPage = json_body(&reply)?;
        calendars.extend(
            page.items
                .into_iter()
                .filter(|entry| !entry.deleted)
                .map(|entry| RemoteCalendar {
                    name: entry
                        .summary_override
                        .or(entry.summary)
                        .unwrap_or_else(|| entry.id.clone()),
                    primary: entry.primary,
                    writable: matches!(entry.access_role.as_deref(), Some("owner" | "writer")),
                    time_zone: entry.time_zone,
                    id: entry.id,
                }),
        );
        match page.next_page_token.filter(|token| !token.is_empty()) {
            Some(next) => page_token = Some(next),
            None => return Ok(calendars),
        }
    }
    Err(CalendarError::Protocol(format!(
        "calendarList still paging after {MAX_PAGES} pages"
    )))
}

/// The account's address: the id of its primary calendar.
pub async fn account_email(http: &Http, base: &str, token: &str) -> Result<String, CalendarError> {
    calendars(http, base, token)
        .await?
        .into_iter()
        .find(|calendar| calendar.primary)
        .map(|calendar| calendar.id)
        .ok_or_else(|| CalendarError::Protocol("no primary calendar in calendarList".into()))
}

#[derive(Deserialize)]
struct FreeBusyAnswer {
    #[serde(default)]
    calendars: BTreeMap<String, FreeBusyCalendar>,
}

#[derive(Deserialize)]
struct FreeBusyCalendar {
    #[serde(default)]
    busy: Vec<Period>,
    #[serde(default)]
    errors: Vec<FreeBusyError>,
}

#[derive(Deserialize)]
struct Period {
    start: String,
    end: String,
}

#[derive(Deserialize)]
struct FreeBusyError {
    #[serde(default)]
    reason: Option<String>,
}

fn instant(text: &str) -> Result<i64, CalendarError> {
    text.parse::<Timestamp>()
        .map(Timestamp::as_second)
        .map_err(|_| CalendarError::Protocol(format!("bad RFC 3339 time {text:?}")))
}

/// The busy intervals of each calendar of `chunk` (in its order) in one freeBusy answer.
pub(crate) fn free_busy_answer(
    reply: &Reply,
    chunk: &[String],
) -> Result<Vec<Vec<(i64, i64)>>, CalendarError> {
    let answer: FreeBusyAnswer = json_body(reply)?;
    let mut busy = Vec::with_capacity(chunk.len());
    for id in chunk {
        let calendar = answer.calendars.get(id).ok_or_else(|| {
            CalendarError::Protocol("freeBusy answer lacks a requested calendar".into())
        })?;
        if let Some(error) = calendar.errors.first() {
            let reason = error.reason.clone().unwrap_or_else(|| "unknown".into());
            return Err(CalendarError::Status {
                status: if reason == "notFound" { 404 } else { 502 },
                detail: format!("freeBusy: {reason}"),
            });
        }
        let mut intervals = Vec::with_capacity(calendar.busy.len());
        for period in &calendar.busy {
            let (start, end) = (instant(&period.start)?, instant(&period.end)?);
            if end > start {
                intervals.push((start, end));
            }
        }
        busy.push(intervals);
    }
    Ok(busy)
}

/// Busy intervals (Unix seconds, `[start, end)`) of each calendar in `ids` over
/// `[from, to)`, in the order of `ids`. The window is split into queries of at most
/// [`FREE_BUSY_MAX_DAYS`] days; a calendar Google reports errors for fails the whole call
/// (404 for `notFound`, else 502), since its busy time would be missing.
pub async fn free_busy(
    http: &Http,
    base: &str,
    token: &str,
    ids: &[String],
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(String, Vec<(i64, i64)>)>, CalendarError> {
    let mut busy: Vec<(String, Vec<(i64, i64)>)> =
        ids.iter().map(|id| (id.clone(), Vec::new())).collect();
    let step = SignedDuration::from_hours(24 * FREE_BUSY_MAX_DAYS);
    let mut start = from;
    while start < to {
        let end = start.checked_add(step).unwrap_or(to).min(to);
        for (chunk_index, chunk) in ids.chunks(FREE_BUSY_MAX_CALENDARS).enumerate() {
            let body = json!({
                "timeMin": start.to_string(),
                "timeMax": end.to_string(),
                "timeZone": "UTC",
                "items": chunk.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>(),
            });
            let request = Request::new(Method::POST, url(base, "/calendar/v3/freeBusy")?)
                .bearer(token)
                .json(&body);
            let reply = call(http, request).await?;
            for (offset, intervals) in free_busy_answer(&reply, chunk)?.into_iter().enumerate() {
                busy[chunk_index * FREE_BUSY_MAX_CALENDARS + offset]
                    .1
                    .extend(intervals);
            }
        }
        start = end;
    }
    for (_, intervals) in &mut busy {
        intervals.sort_unstable();
        intervals.dedup();
    }
    Ok(busy)
}

/// `{dateTime, timeZone}` of an instant shown in `zone` (UTC when Google would not know it).
fn event_time(at: Timestamp, zone: &str) -> Value {
    let (tz, name) = match TimeZone::get(zone) {
        Ok(tz) => (tz, zone),
        Err(_) => (TimeZone::UTC, "UTC"),
    };
    json!({
        "dateTime": at.to_zoned_datetime(tz).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        "timeZone": name,
    })
}

fn event_body(event: &EventInput) -> Value {
    let mut body = json!({
        "summary": event.summary,
        "description": event.description,
        "start": event_time(event.start, &event.time_zone),
        "end": event_time(event.end, &event.time_zone),
        "attendees": event.attendees.iter().map(|(email, name)| {
            json!({ "email": email, "displayName": name })
        }).collect::<Vec<_>>(),
        // A patch after a 409 may meet an event deleted (cancelled) earlier: bring it back.
        "status": "confirmed",
    });
    if let Some(location) = &event.location {
        body["location"] = json!(location);
    }
    if event.conference {
        // The same requestId on every write of the booking: Google ignores a repeated one,
        // so a retry or a move never makes a second Meet.
        body["conferenceData"] = json!({
            "createRequest": {
                "requestId": event.request_id,
                "conferenceSolutionKey": { "type": "hangoutsMeet" },
            }
        });
    }
    body
}

fn events_url(
    base: &str,
    calendar_id: &str,
    event_id: Option<&str>,
    conference: bool,
) -> Result<Url, CalendarError> {
    let mut path = format!("/calendar/v3/calendars/{}/events", segment(calendar_id));
    if let Some(event_id) = event_id {
        path.push('/');
        path.push_str(&segment(event_id));
    }
    let mut address = url(base, &path)?;
    {
        let mut query = address.query_pairs_mut();
        if conference {
            query.append_pair("conferenceDataVersion", "1");
        }
        // We send our own invitations (with the booking's links); Google must not.
        query.append_pair("sendUpdates", "none");
    }
    Ok(address)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventAnswer {
    id: String,
    #[serde(default)]
    etag: Option<String>,
    #[serde(default)]
    hangout_link: Option<String>,
    #[serde(default)]
    conference_data: Option<Value>,
}

pub(crate) fn written(reply: &Reply) -> Result<WrittenEvent, CalendarError> {
    let answer: EventAnswer = json_body(reply)?;
    let video = answer
        .conference_data
        .as_ref()
        .and_then(|data| data.get("entryPoints"))
        .and_then(Value::as_array)
        .and_then(|points| {
            points
                .iter()
                .find(|point| point.get("entryPointType").and_then(Value::as_str) == Some("video"))
        })
        .and_then(|point| point.get("uri"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(WrittenEvent {
        id: answer.id,
        etag: answer.etag,
        // Meet creation can still be pending in this answer; then there is no link yet.
        meeting_url: video.or(answer.hangout_link),
    })
}

/// Creates the event with our own id; if it exists already (a retried job) it is patched to
/// `event` instead.
pub async fn insert_event(
    http: &Http,
    base: &str,
    token: &str,
    calendar_id: &str,
    event_id: &str,
    event: &EventInput,
) -> Result<WrittenEvent, CalendarError> {
    let mut body = event_body(event);
    body["id"] = json!(event_id);
    let request = Request::new(
        Method::POST,
        events_url(base, calendar_id, None, event.conference)?,
    )
    .bearer(token)
    .json(&body);
    let reply = http.send(None, request).await?;
    if reply.status.as_u16() == 409 {
        return patch_event(http, base, token, calendar_id, event_id, event).await;
    }
    if !reply.status.is_success() {
        return Err(google_error(&reply));
    }
    written(&reply)
}

/// Rewrites the event (a moved or edited booking).
pub async fn patch_event(
    http: &Http,
    base: &str,
    token: &str,
    calendar_id: &str,
    event_id: &str,
    event: &EventInput,
) -> Result<WrittenEvent, CalendarError> {
    let request = Request::new(
        Method::PATCH,
        events_url(base, calendar_id, Some(event_id), event.conference)?,
    )
    .bearer(token)
    .json(&event_body(event));
    written(&call(http, request).await?)
}

/// The event as Google holds it now (`None` when gone or cancelled): for a Meet link that
/// was still pending when the event was written.
pub async fn get_event(
    http: &Http,
    base: &str,
    token: &str,
    calendar_id: &str,
    event_id: &str,
) -> Result<Option<WrittenEvent>, CalendarError> {
    let path = format!(
        "/calendar/v3/calendars/{}/events/{}",
        segment(calendar_id),
        segment(event_id)
    );
    let reply = http
        .send(
            None,
            Request::new(Method::GET, url(base, &path)?).bearer(token),
        )
        .await?;
    match reply.status.as_u16() {
        404 | 410 => Ok(None),
        status if (200..300).contains(&status) => {
            let status: Option<String> = serde_json::from_slice::<Value>(&reply.body)
                .ok()
                .and_then(|body| body.get("status")?.as_str().map(str::to_owned));
            if status.as_deref() == Some("cancelled") {
                return Ok(None);
            }
            written(&reply).map(Some)
        }
        _ => Err(google_error(&reply)),
    }
}

/// Deletes the event; one that is already gone (404, 410) counts as deleted.
pub async fn delete_event(
    http: &Http,
    base: &str,
    token: &str,
    calendar_id: &str,
    event_id: &str,
) -> Result<(), CalendarError> {
    let request = Request::new(
        Method::DELETE,
        events_url(base, calendar_id, Some(event_id), false)?,
    )
    .bearer(token);
    let reply = http.send(None, request).await?;
    match reply.status.as_u16() {
        status if (200..300).contains(&status) => Ok(()),
        404 | 410 => Ok(()),
        _ => Err(google_error(&reply)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::peer::{Answer, Peer};
    use std::time::Duration;

    fn http() -> Http {
        Http::new(Duration::from_secs(5)).unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn input(conference: bool) -> EventInput {
        EventInput {
            summary: "Intro call with Grace".into(),
            description: "Booked via openslot".into(),
            location: Some("Room 4".into()),
            start: at("2026-12-03T09:00:00Z"),
            end: at("2026-12-03T09:30:00Z"),
            time_zone: "Europe/Berlin".into(),
            attendees: vec![("grace@example.com".into(), "Grace Hopper".into())],
            conference,
            request_id: "req-1".into(),
        }
    }

    #[test]
    fn event_ids_are_base32hex() {
        let id = event_id("0192f3a4-7b1c");
        assert!(id.starts_with("os"));
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b)));
        assert_eq!(event_id("A"), "os41");
    }

    #[tokio::test]
    async fn calendar_list_follows_page_tokens() {
        let peer = Peer::start(vec![
            Answer::json(
                200,
                r#"{"items":[{"id":"ada@example.com","summary":"Ada","primary":true,
                    "accessRole":"owner","timeZone":"Europe/London"}],"nextPageToken":"p 2"}"#,
            ),
            Answer::json(
                200,
                r##"{"items":[{"id":"en.uk#holiday@group.v.calendar.google.com","summary":"Holidays",
                    "summaryOverride":"UK holidays","accessRole":"reader"},
                    {"id":"gone","deleted":true,"accessRole":"owner"}]}"##,
            ),
            Answer::json(
                200,
                r#"{"items":[{"id":"ada@example.com","primary":true,"accessRole":"owner"}]}"#,
            ),
        ])
        .await;
        let list = calendars(&http(), &peer.base(), "tok").await.unwrap();
        assert_eq!(
            list,
            vec![
                RemoteCalendar {
                    id: "ada@example.com".into(),
                    name: "Ada".into(),
                    primary: true,
                    writable: true,
                    time_zone: Some("Europe/London".into()),
                },
                RemoteCalendar {
                    id: "en.uk#holiday@group.v.calendar.google.com".into(),
                    name: "UK holidays".into(),
                    primary: false,
                    writable: false,
                    time_zone: None,
                },
            ]
        );
        let requests = peer.requests();
        assert_eq!(requests[0].path, "/calendar/v3/users/me/calendarList");
        assert_eq!(
            requests[0].header("authorization").as_deref(),
            Some("Bearer tok")
        );
        assert_eq!(requests[0].query("pageToken"), None);
        assert_eq!(requests[1].query("pageToken").as_deref(), Some("p 2"));
        assert_eq!(
            account_email(&http(), &peer.base(), "tok").await.unwrap(),
            "ada@example.com"
        );
    }

    #[tokio::test]
    async fn free_busy_splits_long_windows_and_reports_calendar_errors() {
        let peer = Peer::start(vec![
            Answer::json(
                200,
                r#"{"kind":"calendar#freeBusy","calendars":{
                    "a@example.com":{"busy":[{"start":"2027-01-05T10:00:00Z","end":"2027-01-05T11:00:00Z"}]},
                    "b@example.com":{"busy":[]}}}"#,
            ),
            Answer::json(
                200,
                r#"{"calendars":{
                    "a@example.com":{"busy":[{"start":"2027-03-01T10:00:00+01:00","end":"2027-03-01T11:00:00+01:00"}]},
                    "b@example.com":{"busy":[{"start":"2027-03-02T08:00:00Z","end":"2027-03-02T09:00:00Z"}]}}}"#,
            ),
            Answer::json(
                200,
                r#"{"calendars":{"a@example.com":{"errors":[{"domain":"global","reason":"notFound"}],"busy":[]},
                    "b@example.com":{"busy":[]}}}"#,
            ),
        ])
        .await;
        let ids = vec!["a@example.com".to_string(), "b@example.com".to_string()];
        let (from, to) = (at("2027-01-01T00:00:00Z"), at("2027-03-15T00:00:00Z"));
        let busy = free_busy(&http(), &peer.base(), "tok", &ids, from, to)
            .await
            .unwrap();
        assert_eq!(
            busy,
            vec![
                (
                    "a@example.com".to_string(),
                    vec![
                        (
                            at("2027-01-05T10:00:00Z").as_second(),
                            at("2027-01-05T11:00:00Z").as_second()
                        ),
                        (
                            at("2027-03-01T09:00:00Z").as_second(),
                            at("2027-03-01T10:00:00Z").as_second()
                        ),
                    ]
                ),
                (
                    "b@example.com".to_string(),
                    vec![(
                        at("2027-03-02T08:00:00Z").as_second(),
                        at("2027-03-02T09:00:00Z").as_second()
                    )]
                ),
            ]
        );
        let requests = peer.requests();
        assert_eq!(requests.len(), 2);
        let first = requests[0].json();
        assert_eq!(requests[0].path, "/calendar/v3/freeBusy");
        assert_eq!(first["timeMin"], "2027-01-01T00:00:00Z");
        assert_eq!(first["timeMax"], "2027-03-02T00:00:00Z");
        assert_eq!(first["items"][1]["id"], "b@example.com");
        assert_eq!(requests[1].json()["timeMin"], "2027-03-02T00:00:00Z");
        assert_eq!(requests[1].json()["timeMax"], "2027-03-15T00:00:00Z");

        let error = free_busy(
            &http(),
            &peer.base(),
            "tok",
            &ids,
            from,
            at("2027-01-02T00:00:00Z"),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, CalendarError::Status { status: 404, .. }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn insert_sends_the_event_with_meet_and_reads_the_link() {
        let peer = Peer::start(vec![Answer::json(
            200,
            r#"{"id":"os41","etag":"\"3181\"","status":"confirmed",
                "hangoutLink":"https://meet.google.com/abc-defg-hij",
                "conferenceData":{"entryPoints":[
                    {"entryPointType":"phone","uri":"tel:+1-555"},
                    {"entryPointType":"video","uri":"https://meet.google.com/abc-defg-hij?x=1"}]}}"#,
        )])
        .await;
        let written = insert_event(
            &http(),
            &peer.base(),
            "tok",
            "ada@example.com",
            "os41",
            &input(true),
        )
        .await
        .unwrap();
        assert_eq!(
            written,
            WrittenEvent {
                id: "os41".into(),
                etag: Some("\"3181\"".into()),
                meeting_url: Some("https://meet.google.com/abc-defg-hij?x=1".into()),
            }
        );
        let request = &peer.requests()[0];
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.path,
            "/calendar/v3/calendars/ada%40example.com/events"
        );
        assert_eq!(request.query("conferenceDataVersion").as_deref(), Some("1"));
        assert_eq!(request.query("sendUpdates").as_deref(), Some("none"));
        let body = request.json();
        assert_eq!(body["id"], "os41");
        assert_eq!(body["summary"], "Intro call with Grace");
        assert_eq!(body["description"], "Booked via openslot");
        assert_eq!(body["location"], "Room 4");
        assert_eq!(body["start"]["dateTime"], "2026-12-03T10:00:00+01:00");
        assert_eq!(body["start"]["timeZone"], "Europe/Berlin");
        assert_eq!(body["end"]["dateTime"], "2026-12-03T10:30:00+01:00");
        assert_eq!(body["attendees"][0]["email"], "grace@example.com");
        assert_eq!(body["attendees"][0]["displayName"], "Grace Hopper");
        assert_eq!(
            body["conferenceData"]["createRequest"]["requestId"],
            "req-1"
        );
        assert_eq!(
            body["conferenceData"]["createRequest"]["conferenceSolutionKey"]["type"],
            "hangoutsMeet"
        );
    }

    #[tokio::test]
    async fn a_duplicate_insert_patches_and_gone_events_delete_fine() {
        let peer = Peer::start(vec![
            Answer::json(
                409,
                r#"{"error":{"code":409,"message":"The requested identifier already exists."}}"#,
            ),
            Answer::json(200, r#"{"id":"os41","etag":"\"2\""}"#),
            Answer::json(
                410,
                r#"{"error":{"code":410,"message":"Resource has been deleted"}}"#,
            ),
            Answer::json(204, ""),
        ])
        .await;
        let mut event = input(false);
        event.location = None;
        let written = insert_event(&http(), &peer.base(), "tok", "primary", "os41", &event)
            .await
            .unwrap();
        assert_eq!(written.etag.as_deref(), Some("\"2\""));
        assert_eq!(written.meeting_url, None);
        delete_event(&http(), &peer.base(), "tok", "primary", "os41")
            .await
            .unwrap();
        delete_event(&http(), &peer.base(), "tok", "primary", "os41")
            .await
            .unwrap();
        let requests = peer.requests();
        assert_eq!(requests[1].method, "PATCH");
        assert_eq!(
            requests[1].path,
            "/calendar/v3/calendars/primary/events/os41"
        );
        assert_eq!(requests[1].query("conferenceDataVersion"), None);
        assert_eq!(requests[1].query("sendUpdates").as_deref(), Some("none"));
        let body = requests[1].json();
        assert!(body.get("conferenceData").is_none());
        assert!(body.get("location").is_none());
        assert!(body.get("id").is_none());
        assert_eq!(requests[2].method, "DELETE");
        assert_eq!(requests[2].query("sendUpdates").as_deref(), Some("none"));
    }

    #[tokio::test]
    async fn rate_limits_auth_and_deadlines_map_to_errors() {
        let peer = Peer::start(vec![
            Answer::json(429, "{}").header("retry-after", "12"),
            Answer::json(
                403,
                r#"{"error":{"errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded"}],"code":403,"message":"Rate Limit Exceeded"}}"#,
            ),
            Answer::json(
                403,
                r#"{"error":{"errors":[{"domain":"global","reason":"forbidden"}],"code":403,"message":"Forbidden"}}"#,
            ),
            Answer::json(401, r#"{"error":{"code":401,"message":"Invalid Credentials"}}"#),
            Answer::json(500, r#"{"error":{"code":500,"message":"Backend Error"}}"#),
            Answer::json(200, r#"{"items":[]}"#).delay(Duration::from_secs(3)),
        ])
        .await;
        let http = http();
        let base = peer.base();
        assert_eq!(
            calendars(&http, &base, "t").await,
            Err(CalendarError::RateLimited {
                retry_after_seconds: 12
            })
        );
        assert_eq!(
            calendars(&http, &base, "t").await,
            Err(CalendarError::RateLimited {
                retry_after_seconds: 30
            })
        );
        assert_eq!(
            calendars(&http, &base, "t").await,
            Err(CalendarError::Auth(403))
        );
        assert_eq!(
            calendars(&http, &base, "t").await,
            Err(CalendarError::Auth(401))
        );
        assert_eq!(
            calendars(&http, &base, "t").await,
            Err(CalendarError::Status {
                status: 500,
                detail: "Backend Error".into()
            })
        );
        let quick = http.with_deadline(Duration::from_millis(300));
        assert!(matches!(
            calendars(&quick, &base, "t").await,
            Err(CalendarError::Timeout(300))
        ));
    }

    #[tokio::test]
    async fn get_event_reads_a_late_meet_link_and_sees_deletions() {
        let peer = Peer::start(vec![
            Answer::json(
                200,
                r#"{"id":"os41","etag":"\"5\"","status":"confirmed","hangoutLink":"https://meet.google.com/x"}"#,
            ),
            Answer::json(200, r#"{"id":"os41","status":"cancelled"}"#),
            Answer::json(404, r#"{"error":{"code":404,"message":"Not Found"}}"#),
        ])
        .await;
        let (client, base) = (http(), peer.base());
        let read = || get_event(&client, &base, "tok", "a b", "os41");
        assert_eq!(
            read()
                .await
                .unwrap()
                .and_then(|event| event.meeting_url)
                .as_deref(),
            Some("https://meet.google.com/x")
        );
        assert_eq!(read().await.unwrap(), None);
        assert_eq!(read().await.unwrap(), None);
        assert_eq!(
            peer.requests()[0].path,
            "/calendar/v3/calendars/a%20b/events/os41"
        );
    }
}
