//! Microsoft Graph v1.0 client for Outlook / Microsoft 365 calendars: the account
//! (`/me`), its calendars, busy time (`getSchedule` for the default calendar, `calendarView`
//! for others) and the events this service writes (optionally as Teams meetings). `base` is
//! the `[microsoft] graph_base` (`https://graph.microsoft.com`), `token` a current access
//! token.
//!
//! Times are asked for in UTC (`Prefer: outlook.timezone="UTC"`); a `dateTimeTimeZone` that
//! still names a Windows zone is read through CLDR's mapping. No call retries by itself: 429
//! and 503 come back as [`CalendarError::RateLimited`].

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use serde_json::{json, Value};
use url::Url;

use crate::http::{api_error, json_body, Http, Reply, Request};
use crate::ical::windows_to_iana;
use crate::source::{CalendarError, EventInput, RemoteCalendar, WrittenEvent};

/// Longest window of one `getSchedule` call: Graph refuses periods of 42 days or more.
pub const SCHEDULE_MAX_DAYS: i64 = 41;
const MAX_PAGES: usize = 100;
const PREFER_UTC: &str = "outlook.timezone=\"UTC\"";

/// Unreserved characters and `=` (Graph ids end in base64 padding, written literally in
/// Microsoft's examples) stay; `/` and `+` in an id are encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'=');

fn url(base: &str, path_and_query: &str) -> Result<Url, CalendarError> {
    let text = format!("{}{path_and_query}", base.trim_end_matches('/'));
    Url::parse(&text).map_err(|_| CalendarError::Protocol(format!("bad Graph URL {text:?}")))
}

fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

async fn call(http: &Http, request: Request) -> Result<Reply, CalendarError> {
    let reply = http.send(None, request).await?;
    if reply.status.is_success() {
        Ok(reply)
    } else {
        Err(api_error(&reply))
    }
}

/// A `@odata.nextLink` is absolute; the token only goes there if it stays on Graph's origin.
fn next_link(base: &str, link: &str) -> Result<Url, CalendarError> {
    let next = Url::parse(link)
        .map_err(|_| CalendarError::Protocol("unreadable @odata.nextLink".into()))?;
    if next.origin() != url(base, "/")?.origin() {
        return Err(CalendarError::Protocol(
            "@odata.nextLink leaves the Graph origin".into(),
        ));
    }
    Ok(next)
}

/// Every page of a Graph collection starting at `first`.
async fn collection(
    http: &Http,
    base: &str,
    token: &str,
    first: Url,
    prefer_utc: bool,
) -> Result<Vec<Value>, CalendarError> {
    let mut items = Vec::new();
    let mut address = first;
    for _ in 0..MAX_PAGES {
        let mut request = Request::new(Method::GET, address).bearer(token);
        if prefer_utc {
            request = request.header("prefer", PREFER_UTC);
        }
        let page: Value = json_body(&call(http, request).await?)?;
        match page.get("value") {
            Some(Value::Array(values)) => items.extend(values.iter().cloned()),
            _ => return Err(CalendarError::Protocol("Graph page without value".into())),
        }
        match page.get("@odata.nextLink").and_then(Value::as_str) {
            Some(link) => address = next_link(base, link)?,
            None => return Ok(items),
        }
    }
    Err(CalendarError::Protocol(format!(
        "Graph still paging after {MAX_PAGES} pages"
    )))
}

/// The signed-in account's address: `mail`, else `userPrincipalName`.
pub async fn account_email(http: &Http, base: &str, token: &str) -> Result<String, CalendarError> {
    let request = Request::new(
        Method::GET,
        url(base, "/v1.0/me?$select=mail,userPrincipalName")?,
    )
    .bearer(token);
    let me: Value = json_body(&call(http, request).await?)?;
    ["mail", "userPrincipalName"]
        .iter()
        .filter_map(|key| me.get(*key).and_then(Value::as_str))
        .find(|text| !text.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| CalendarError::Protocol("/me has neither mail nor userPrincipalName".into()))
}

/// Every calendar of the account (all pages).
pub async fn calendars(
    http: &Http,
    base: &str,
    token: &str,
) -> Result<Vec<RemoteCalendar>, CalendarError> {
    let first = url(
        base,
        "/v1.0/me/calendars?$select=id,name,canEdit,isDefaultCalendar&$top=100",
    )?;
    collection(http, base, token, first, false)
        .await?
        .into_iter()
        .map(|item| {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| CalendarError::Protocol("calendar without id".into()))?;
            Ok(RemoteCalendar {
                id: id.to_owned(),
                name: item
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(id)
                    .to_owned(),
                primary: item.get("isDefaultCalendar").and_then(Value::as_bool) == Some(true),
                writable: item.get("canEdit").and_then(Value::as_bool) == Some(true),
                time_zone: None,
            })
        })
        .collect()
}

/// A Graph `dateTimeTimeZone` as an instant: `dateTime` is wall-clock time (up to seven
/// fractional digits) in `timeZone`, which is `UTC`, a Windows name or an IANA name.
pub fn parse_date_time_zone(value: &Value) -> Result<Timestamp, CalendarError> {
    let text = value
        .get("dateTime")
        .and_then(Value::as_str)
        .ok_or_else(|| CalendarError::Protocol("dateTimeTimeZone without dateTime".into()))?;
    let zone_name = value
        .get("timeZone")
        .and_then(Value::as_str)
        .unwrap_or("UTC");
    let civil: DateTime = text
        .parse()
        .map_err(|_| CalendarError::Protocol(format!("bad Graph dateTime {text:?}")))?;
    let zone = zone(zone_name)
        .ok_or_else(|| CalendarError::Protocol(format!("unknown time zone {zone_name:?}")))?;
    zone.to_ambiguous_timestamp(civil)
        .compatible()
        .map_err(|_| CalendarError::Protocol(format!("time {text:?} out of range")))
}

fn zone(name: &str) -> Option<TimeZone> {
    let name = name.trim();
    if name.eq_ignore_ascii_case("UTC") || name.eq_ignore_ascii_case("tzone://Microsoft/Utc") {
        return Some(TimeZone::UTC);
    }
    if let Some(iana) = windows_to_iana(name) {
        return TimeZone::get(iana).ok();
    }
    TimeZone::get(name).ok()
}

/// `{dateTime, timeZone}` in UTC: exact whatever zone rules Exchange holds; Outlook shows the
/// event in each reader's own zone anyway.
fn utc(at: Timestamp) -> Value {
    json!({
        "dateTime": at.to_zoned_datetime(TimeZone::UTC).strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        "timeZone": "UTC",
    })
}

/// Whether a `showAs` / schedule `status` blocks time: free and working elsewhere do not;
/// busy, tentative, oof and unknown do.
fn blocks_time(status: Option<&str>) -> bool {
    !matches!(
        status.map(str::to_ascii_lowercase).as_deref(),
        Some("free" | "workingelsewhere")
    )
}

/// Busy intervals (Unix seconds) of the account's default calendar over `[from, to)`, from
/// `getSchedule` for `email` (the account's own address), in windows of at most
/// [`SCHEDULE_MAX_DAYS`] days.
pub async fn schedule(
    http: &Http,
    base: &str,
    token: &str,
    email: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(i64, i64)>, CalendarError> {
    let mut busy = Vec::new();
    let step = SignedDuration::from_hours(24 * SCHEDULE_MAX_DAYS);
    let mut start = from;
    while start < to {
        let end = start.checked_add(step).unwrap_or(to).min(to);
        let body = json!({
            "schedules": [email],
            "startTime": utc(start),
            "endTime": utc(end),
            "availabilityViewInterval": 60,
        });
        let request = Request::new(Method::POST, url(base, "/v1.0/me/calendar/getSchedule")?)
            .bearer(token)
            .header("prefer", PREFER_UTC)
            .json(&body);
        let reply = call(http, request).await?;
        busy.extend(schedule_answer(&reply, email)?);
        start = end;
    }
    busy.sort_unstable();
    busy.dedup();
    Ok(busy)
}

/// The busy intervals of `email`'s schedule in one getSchedule answer.
pub(crate) fn schedule_answer(
    reply: &Reply,
    email: &str,
) -> Result<Vec<(i64, i64)>, CalendarError> {
    let mut busy = Vec::new();
    let answer: Value = json_body(reply)?;
    let schedules = answer
        .get("value")
        .and_then(Value::as_array)
        .ok_or_else(|| CalendarError::Protocol("getSchedule answer without value".into()))?;
    let info = schedules
        .iter()
        .find(|info| {
            info.get("scheduleId")
                .and_then(Value::as_str)
                .is_some_and(|id| id.eq_ignore_ascii_case(email))
        })
        .or_else(|| schedules.first())
        .ok_or_else(|| CalendarError::Protocol("getSchedule answered no schedule".into()))?;
    if let Some(error) = info.get("error").filter(|error| !error.is_null()) {
        let message = error
            .get("responseCode")
            .or_else(|| error.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("error");
        return Err(CalendarError::Status {
            status: 502,
            detail: format!("getSchedule: {message}"),
        });
    }
    for item in info
        .get("scheduleItems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !blocks_time(item.get("status").and_then(Value::as_str)) {
            continue;
        }
        let item_start = parse_date_time_zone(item.get("start").unwrap_or(&Value::Null))?;
        let item_end = parse_date_time_zone(item.get("end").unwrap_or(&Value::Null))?;
        if item_end > item_start {
            busy.push((item_start.as_second(), item_end.as_second()));
        }
    }
    Ok(busy)
}

/// One busy event of a `calendarView`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusyEvent {
    pub id: String,
    /// Unix seconds, `[start, end)`.
    pub start: i64,
    pub end: i64,
    pub all_day: bool,
}

/// The busy events of calendar `calendar_id` overlapping `[from, to)` (all pages), for
/// calendars other than the default; cancelled events and those shown as free or working
/// elsewhere are left out.
pub async fn calendar_view(
    http: &Http,
    base: &str,
    token: &str,
    calendar_id: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<BusyEvent>, CalendarError> {
    let first = url(
        base,
        &format!(
            "/v1.0/me/calendars/{}/calendarView?startDateTime={}&endDateTime={}\
             &$select=id,start,end,isAllDay,isCancelled,showAs&$top=100",
            segment(calendar_id),
            segment(&from.to_string()),
            segment(&to.to_string()),
        ),
    )?;
    let mut events = Vec::new();
    for item in collection(http, base, token, first, true).await? {
        events.extend(view_event(&item)?);
    }
    Ok(events)
}

/// One calendarView item as busy time: `None` when it does not block time (cancelled,
/// shown as free or working elsewhere, or empty).
pub(crate) fn view_event(item: &Value) -> Result<Option<BusyEvent>, CalendarError> {
    if item.get("isCancelled").and_then(Value::as_bool) == Some(true)
        || !blocks_time(item.get("showAs").and_then(Value::as_str))
    {
        return Ok(None);
    }
    let id = item
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| CalendarError::Protocol("event without id".into()))?;
    let start = parse_date_time_zone(item.get("start").unwrap_or(&Value::Null))?;
    let end = parse_date_time_zone(item.get("end").unwrap_or(&Value::Null))?;
    if end <= start {
        return Ok(None);
    }
    Ok(Some(BusyEvent {
        id: id.to_owned(),
        start: start.as_second(),
        end: end.as_second(),
        all_day: item.get("isAllDay").and_then(Value::as_bool) == Some(true),
    }))
}

fn event_body(event: &EventInput) -> Value {
    let mut body = json!({
        "subject": event.summary,
        "body": { "contentType": "text", "content": event.description },
        "start": utc(event.start),
        "end": utc(event.end),
        "attendees": event.attendees.iter().map(|(address, name)| json!({
            "emailAddress": { "address": address, "name": name },
            "type": "required",
        })).collect::<Vec<_>>(),
    });
    if let Some(location) = &event.location {
        body["location"] = json!({ "displayName": location });
    }
    if event.conference {
        body["isOnlineMeeting"] = json!(true);
        body["onlineMeetingProvider"] = json!("teamsForBusiness");
    }
    body
}

pub(crate) fn written(reply: &Reply) -> Result<WrittenEvent, CalendarError> {
    let answer: Value = json_body(reply)?;
    let id = answer
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| CalendarError::Protocol("event answer without id".into()))?;
    Ok(WrittenEvent {
        id: id.to_owned(),
        etag: answer
            .get("@odata.etag")
            .and_then(Value::as_str)
            .map(str::to_owned),
        meeting_url: answer
            .pointer("/onlineMeeting/joinUrl")
            .and_then(Value::as_str)
            .filter(|link| !link.is_empty())
            .map(str::to_owned),
    })
}

/// Creates the event in calendar `calendar_id`. `transaction_id` (the booking id) is Graph's
/// idempotency key: a retried create returns the event made the first time.
pub async fn create_event(
    http: &Http,
    base: &str,
    token: &str,
    calendar_id: &str,
    transaction_id: &str,
    event: &EventInput,
) -> Result<WrittenEvent, CalendarError> {
    let mut body = event_body(event);
    body["transactionId"] = json!(transaction_id);
    let request = Request::new(
        Method::POST,
        url(
            base,
            &format!("/v1.0/me/calendars/{}/events", segment(calendar_id)),
        )?,
    )
    .bearer(token)
    .header("prefer", PREFER_UTC)
    .json(&body);
    written(&call(http, request).await?)
}

/// Rewrites the event (a moved or edited booking).
pub async fn patch_event(
    http: &Http,
    base: &str,
    token: &str,
    event_id: &str,
    event: &EventInput,
) -> Result<WrittenEvent, CalendarError> {
    let request = Request::new(
        Method::PATCH,
        url(base, &format!("/v1.0/me/events/{}", segment(event_id)))?,
    )
    .bearer(token)
    .header("prefer", PREFER_UTC)
    .json(&event_body(event));
    written(&call(http, request).await?)
}

/// The event as Graph holds it now (`None` when gone or cancelled): for a Teams link that
/// was not in the create answer.
pub async fn get_event(
    http: &Http,
    base: &str,
    token: &str,
    event_id: &str,
) -> Result<Option<WrittenEvent>, CalendarError> {
    let address = url(
        base,
        &format!(
            "/v1.0/me/events/{}?$select=id,isCancelled,onlineMeeting",
            segment(event_id)
        ),
    )?;
    let reply = http
        .send(None, Request::new(Method::GET, address).bearer(token))
        .await?;
    match reply.status.as_u16() {
        404 | 410 => Ok(None),
        status if (200..300).contains(&status) => {
            let cancelled = serde_json::from_slice::<Value>(&reply.body)
                .ok()
                .and_then(|body| body.get("isCancelled")?.as_bool())
                == Some(true);
            if cancelled {
                return Ok(None);
            }
            written(&reply).map(Some)
        }
        _ => Err(api_error(&reply)),
    }
}

/// Deletes the event; one already gone (404) counts as deleted.
pub async fn delete_event(
    http: &Http,
    base: &str,
    token: &str,
    event_id: &str,
) -> Result<(), CalendarError> {
    let request = Request::new(
        Method::DELETE,
        url(base, &format!("/v1.0/me/events/{}", segment(event_id)))?,
    )
    .bearer(token);
    let reply = http.send(None, request).await?;
    match reply.status.as_u16() {
        status if (200..300).contains(&status) => Ok(()),
        404 | 410 => Ok(()),
        _ => Err(api_error(&reply)),
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
    fn graph_times_read_utc_windows_and_iana_zones() {
        let read = |value: Value| parse_date_time_zone(&value).unwrap().to_string();
        assert_eq!(
            read(json!({"dateTime": "2026-12-03T09:00:00.0000000", "timeZone": "UTC"})),
            "2026-12-03T09:00:00Z"
        );
        assert_eq!(
            read(json!({"dateTime": "2026-07-03T09:00:00", "timeZone": "W. Europe Standard Time"})),
            "2026-07-03T07:00:00Z"
        );
        assert_eq!(
            read(json!({"dateTime": "2026-12-03T09:00:00", "timeZone": "America/New_York"})),
            "2026-12-03T14:00:00Z"
        );
        assert!(parse_date_time_zone(
            &json!({"dateTime": "2026-12-03T09:00:00", "timeZone": "Mars Standard Time"})
        )
        .is_err());
        assert!(parse_date_time_zone(&json!({"timeZone": "UTC"})).is_err());
    }

    #[tokio::test]
    async fn calendars_and_me_follow_next_links_on_the_graph_origin_only() {
        let peer = Peer::start(vec![
            Answer::json(
                200,
                r#"{"value":[{"id":"AAMk1","name":"Calendar","canEdit":true,"isDefaultCalendar":true}],
                    "@odata.nextLink":"{base}/v1.0/me/calendars?$skip=1"}"#,
            ),
            Answer::json(
                200,
                r#"{"value":[{"id":"AAMk2","name":"Birthdays","canEdit":false,"isDefaultCalendar":false}]}"#,
            ),
            Answer::json(200, r#"{"mail":null,"userPrincipalName":"ada@contoso.com"}"#),
            Answer::json(
                200,
                r#"{"value":[],"@odata.nextLink":"https://evil.example.com/v1.0/me/calendars?$skip=1"}"#,
            ),
        ])
        .await;
        let list = calendars(&http(), &peer.base(), "tok").await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(
            list[0],
            RemoteCalendar {
                id: "AAMk1".into(),
                name: "Calendar".into(),
                primary: true,
                writable: true,
                time_zone: None
            }
        );
        assert!(!list[1].primary && !list[1].writable);
        assert_eq!(
            account_email(&http(), &peer.base(), "tok").await.unwrap(),
            "ada@contoso.com"
        );
        assert!(matches!(
            calendars(&http(), &peer.base(), "tok").await,
            Err(CalendarError::Protocol(_))
        ));
        let requests = peer.requests();
        assert_eq!(requests[0].path, "/v1.0/me/calendars");
        assert_eq!(requests[1].query("$skip").as_deref(), Some("1"));
        assert_eq!(
            requests[1].header("authorization").as_deref(),
            Some("Bearer tok")
        );
        assert_eq!(requests[2].path, "/v1.0/me");
        assert_eq!(requests.len(), 4);
    }

    #[tokio::test]
    async fn schedule_chunks_the_window_and_skips_free_items() {
        let peer = Peer::start(vec![
            Answer::json(
                200,
                r#"{"value":[{"scheduleId":"Ada@Contoso.com","availabilityView":"0220",
                    "scheduleItems":[
                      {"status":"busy","start":{"dateTime":"2027-01-05T10:00:00.0000000","timeZone":"UTC"},
                                        "end":{"dateTime":"2027-01-05T11:00:00.0000000","timeZone":"UTC"}},
                      {"status":"Tentative","start":{"dateTime":"2027-01-06T10:00:00","timeZone":"UTC"},
                                        "end":{"dateTime":"2027-01-06T10:30:00","timeZone":"UTC"}},
                      {"status":"free","start":{"dateTime":"2027-01-07T10:00:00","timeZone":"UTC"},
                                        "end":{"dateTime":"2027-01-07T11:00:00","timeZone":"UTC"}},
                      {"status":"workingElsewhere","start":{"dateTime":"2027-01-08T10:00:00","timeZone":"UTC"},
                                        "end":{"dateTime":"2027-01-08T11:00:00","timeZone":"UTC"}}]}]}"#,
            ),
            Answer::json(
                200,
                r#"{"value":[{"scheduleId":"ada@contoso.com","scheduleItems":[
                      {"status":"oof","start":{"dateTime":"2027-02-20T00:00:00","timeZone":"UTC"},
                                       "end":{"dateTime":"2027-02-21T00:00:00","timeZone":"UTC"}}]}]}"#,
            ),
            Answer::json(
                200,
                r#"{"value":[{"scheduleId":"ada@contoso.com","error":{"message":"no access","responseCode":"ErrorAccessDenied"}}]}"#,
            ),
        ])
        .await;
        let (from, to) = (at("2027-01-01T00:00:00Z"), at("2027-03-01T00:00:00Z"));
        let busy = schedule(&http(), &peer.base(), "tok", "ada@contoso.com", from, to)
            .await
            .unwrap();
        let s = |text| at(text).as_second();
        assert_eq!(
            busy,
            vec![
                (s("2027-01-05T10:00:00Z"), s("2027-01-05T11:00:00Z")),
                (s("2027-01-06T10:00:00Z"), s("2027-01-06T10:30:00Z")),
                (s("2027-02-20T00:00:00Z"), s("2027-02-21T00:00:00Z")),
            ]
        );
        let requests = peer.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].path, "/v1.0/me/calendar/getSchedule");
        assert_eq!(
            requests[0].header("prefer").as_deref(),
            Some("outlook.timezone=\"UTC\"")
        );
        let body = requests[0].json();
        assert_eq!(body["schedules"][0], "ada@contoso.com");
        assert_eq!(body["startTime"]["dateTime"], "2027-01-01T00:00:00");
        assert_eq!(body["startTime"]["timeZone"], "UTC");
        assert_eq!(body["endTime"]["dateTime"], "2027-02-11T00:00:00");
        assert_eq!(
            requests[1].json()["startTime"]["dateTime"],
            "2027-02-11T00:00:00"
        );
        assert_eq!(
            requests[1].json()["endTime"]["dateTime"],
            "2027-03-01T00:00:00"
        );
        let error = schedule(
            &http(),
            &peer.base(),
            "tok",
            "ada@contoso.com",
            from,
            at("2027-01-02T00:00:00Z"),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, CalendarError::Status { status: 502, .. }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn calendar_view_pages_and_filters() {
        let peer = Peer::start(vec![
            Answer::json(
                200,
                r#"{"value":[
                    {"id":"e1","isCancelled":false,"isAllDay":false,"showAs":"busy",
                     "start":{"dateTime":"2027-01-05T10:00:00.0000000","timeZone":"UTC"},
                     "end":{"dateTime":"2027-01-05T11:00:00.0000000","timeZone":"UTC"}},
                    {"id":"e2","isCancelled":true,"showAs":"busy",
                     "start":{"dateTime":"2027-01-05T12:00:00","timeZone":"UTC"},
                     "end":{"dateTime":"2027-01-05T13:00:00","timeZone":"UTC"}}],
                  "@odata.nextLink":"{base}/v1.0/me/calendars/AAMk%2F2/calendarView?$skiptoken=x"}"#,
            ),
            Answer::json(
                200,
                r#"{"value":[
                    {"id":"e3","isAllDay":true,"showAs":"oof",
                     "start":{"dateTime":"2027-01-06T00:00:00","timeZone":"Pacific Standard Time"},
                     "end":{"dateTime":"2027-01-07T00:00:00","timeZone":"Pacific Standard Time"}},
                    {"id":"e4","showAs":"free",
                     "start":{"dateTime":"2027-01-08T00:00:00","timeZone":"UTC"},
                     "end":{"dateTime":"2027-01-08T01:00:00","timeZone":"UTC"}}]}"#,
            ),
        ])
        .await;
        let events = calendar_view(
            &http(),
            &peer.base(),
            "tok",
            "AAMk/2",
            at("2027-01-01T00:00:00Z"),
            at("2027-02-01T00:00:00Z"),
        )
        .await
        .unwrap();
        assert_eq!(
            events,
            vec![
                BusyEvent {
                    id: "e1".into(),
                    start: at("2027-01-05T10:00:00Z").as_second(),
                    end: at("2027-01-05T11:00:00Z").as_second(),
                    all_day: false
                },
                BusyEvent {
                    id: "e3".into(),
                    start: at("2027-01-06T08:00:00Z").as_second(),
                    end: at("2027-01-07T08:00:00Z").as_second(),
                    all_day: true
                },
            ]
        );
        let requests = peer.requests();
        assert_eq!(requests[0].path, "/v1.0/me/calendars/AAMk%2F2/calendarView");
        assert_eq!(
            requests[0].query("startDateTime").as_deref(),
            Some("2027-01-01T00:00:00Z")
        );
        assert_eq!(
            requests[0].query("endDateTime").as_deref(),
            Some("2027-02-01T00:00:00Z")
        );
        assert_eq!(
            requests[1].header("prefer").as_deref(),
            Some("outlook.timezone=\"UTC\"")
        );
        assert_eq!(requests[1].query("$skiptoken").as_deref(), Some("x"));
    }

    #[tokio::test]
    async fn events_are_written_with_teams_and_transaction_ids() {
        let peer = Peer::start(vec![
            Answer::json(
                201,
                r#"{"id":"AAMkEv1","@odata.etag":"W/\"DwAAABYAAA\"","isOnlineMeeting":true,
                    "onlineMeetingProvider":"teamsForBusiness",
                    "onlineMeeting":{"joinUrl":"https://teams.microsoft.com/l/meetup-join/19%3ameeting"}}"#,
            ),
            Answer::json(200, r#"{"id":"AAMkEv1","@odata.etag":"W/\"2\""}"#),
            Answer::json(404, r#"{"error":{"code":"ErrorItemNotFound","message":"not found"}}"#),
            Answer::json(429, "{}").header("retry-after", "5"),
            Answer::json(503, "{}"),
        ])
        .await;
        let base = peer.base();
        let created = create_event(&http(), &base, "tok", "AAMk1", "booking-1", &input(true))
            .await
            .unwrap();
        assert_eq!(
            created,
            WrittenEvent {
                id: "AAMkEv1".into(),
                etag: Some("W/\"DwAAABYAAA\"".into()),
                meeting_url: Some("https://teams.microsoft.com/l/meetup-join/19%3ameeting".into()),
            }
        );
        let mut moved = input(false);
        moved.start = at("2026-12-04T09:00:00Z");
        moved.end = at("2026-12-04T09:30:00Z");
        let patched = patch_event(&http(), &base, "tok", "AAMkEv1", &moved)
            .await
            .unwrap();
        assert_eq!(patched.meeting_url, None);
        delete_event(&http(), &base, "tok", "AAMkEv1")
            .await
            .unwrap();
        assert_eq!(
            delete_event(&http(), &base, "tok", "AAMkEv1").await,
            Err(CalendarError::RateLimited {
                retry_after_seconds: 5
            })
        );
        assert_eq!(
            patch_event(&http(), &base, "tok", "AAMkEv1", &moved).await,
            Err(CalendarError::RateLimited {
                retry_after_seconds: 30
            })
        );
        let requests = peer.requests();
        assert_eq!(requests[0].method, "POST");
        assert_eq!(requests[0].path, "/v1.0/me/calendars/AAMk1/events");
        let body = requests[0].json();
        assert_eq!(body["subject"], "Intro call with Grace");
        assert_eq!(body["body"]["contentType"], "text");
        assert_eq!(body["body"]["content"], "Booked via openslot");
        assert_eq!(body["start"]["dateTime"], "2026-12-03T09:00:00");
        assert_eq!(body["start"]["timeZone"], "UTC");
        assert_eq!(body["end"]["dateTime"], "2026-12-03T09:30:00");
        assert_eq!(body["location"]["displayName"], "Room 4");
        assert_eq!(
            body["attendees"][0]["emailAddress"]["address"],
            "grace@example.com"
        );
        assert_eq!(body["attendees"][0]["emailAddress"]["name"], "Grace Hopper");
        assert_eq!(body["attendees"][0]["type"], "required");
        assert_eq!(body["isOnlineMeeting"], true);
        assert_eq!(body["onlineMeetingProvider"], "teamsForBusiness");
        assert_eq!(body["transactionId"], "booking-1");
        assert_eq!(requests[1].method, "PATCH");
        assert_eq!(requests[1].path, "/v1.0/me/events/AAMkEv1");
        let body = requests[1].json();
        assert_eq!(body["start"]["dateTime"], "2026-12-04T09:00:00");
        assert!(body.get("transactionId").is_none());
        assert!(body.get("isOnlineMeeting").is_none());
        assert_eq!(requests[2].method, "DELETE");
        assert_eq!(requests[2].path, "/v1.0/me/events/AAMkEv1");
    }

    #[tokio::test]
    async fn get_event_reads_a_late_teams_link_and_sees_deletions() {
        let peer = Peer::start(vec![
            Answer::json(
                200,
                r#"{"id":"AAMkEv1","isCancelled":false,"onlineMeeting":{"joinUrl":"https://teams.microsoft.com/l/x"}}"#,
            ),
            Answer::json(200, r#"{"id":"AAMkEv1","isCancelled":true}"#),
            Answer::json(404, r#"{"error":{"code":"ErrorItemNotFound","message":"gone"}}"#),
        ])
        .await;
        let (client, base) = (http(), peer.base());
        let read = || get_event(&client, &base, "tok", "AAMkEv1");
        assert_eq!(
            read()
                .await
                .unwrap()
                .and_then(|event| event.meeting_url)
                .as_deref(),
            Some("https://teams.microsoft.com/l/x")
        );
        assert_eq!(read().await.unwrap(), None);
        assert_eq!(read().await.unwrap(), None);
        assert_eq!(peer.requests()[0].path, "/v1.0/me/events/AAMkEv1");
    }
}
