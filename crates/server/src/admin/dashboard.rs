//! The dashboard: today's and upcoming bookings, requests awaiting an answer, the funnel
//! per event type over a date range, bookings per day and slot utilisation by weekday and
//! hour (both drawn here as SVG, no script), and failed jobs.

use std::collections::BTreeMap;

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use jiff::{civil::Date, tz::TimeZone, Timestamp, ToSpan};
use openslot_engine::{slots, BusyTimes, DayCounts, EventRules};
use openslot_store::{AuditEntry, Booking, BookingBucket, BookingQuery, BookingStatus, BucketBy};
use serde_json::{json, Value};

use super::{
    bookings::{booking_view, BookingView},
    calendars::CalendarHealth,
    page,
    system::{self, JobView},
    AdminSession,
};
use crate::{
    catalog::{Catalog, EventType},
    http::error::ApiError,
    http::state::AppState,
    validate::FieldErrors,
};

/// The longest range a dashboard covers.
const MAX_RANGE_DAYS: i64 = 366;

/// Date range and event type filter.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// First day (`YYYY-MM-DD`, operators' zone); default: 29 days before `to`.
    #[serde(default)]
    #[param(pattern = r"^\s*([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?\s*$")]
    pub from: Option<String>,
    /// Last day (inclusive); default: today.
    #[serde(default)]
    #[param(pattern = r"^\s*([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?\s*$")]
    pub to: Option<String>,
    /// Only this event type (slug).
    #[serde(default)]
    pub event: Option<String>,
}

struct Resolved {
    from: Date,
    to: Date,
    event: Option<String>,
    /// First instant of `from`, first instant after `to`.
    start: Timestamp,
    end: Timestamp,
}

fn day_start(date: Date, zone: &TimeZone) -> Result<Timestamp, ApiError> {
    date.to_zoned_datetime(zone.clone())
        .map(|zoned| zoned.timestamp())
        .map_err(|_| ApiError::internal())
}

fn resolve(state: &AppState, range: &Range) -> Result<Resolved, ApiError> {
    let zone = state.host_zone();
    let today = state.clock.now().to_zoned_datetime(zone.clone()).date();
    let mut errors = FieldErrors::new();
    let mut parse = |name: &str, value: &Option<String>, default: Date| -> Date {
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => default,
            Some(text) => text.parse::<Date>().unwrap_or_else(|_| {
                errors.insert(name.into(), "a date such as 2026-12-01".into());
                default
            }),
        }
    };
    let to = parse("to", &range.to, today);
    let from = parse("from", &range.from, to.checked_sub(29.days()).unwrap_or(to));
    if errors.is_empty() {
        let days = (to - from).get_days() as i64;
        if days < 0 {
            errors.insert("from".into(), "must not be after `to`".into());
        } else if days >= MAX_RANGE_DAYS {
            errors.insert(
                "from".into(),
                format!("the range may span at most {MAX_RANGE_DAYS} days"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let next = to.tomorrow().map_err(|_| ApiError::internal())?;
    Ok(Resolved {
        from,
        to,
        event: range.event.clone().filter(|event| !event.trim().is_empty()),
        start: day_start(from, &zone)?,
        end: day_start(next, &zone)?,
    })
}

/// The local date and time of a Unix second in `zone`.
fn local(second: i64, zone: &TimeZone) -> jiff::ZonedDateTime {
    Timestamp::from_second(second)
        .unwrap_or_default()
        .to_zoned_datetime(zone.clone())
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 10.0)
}

/// An event type as an audit snapshot (`{"enabled", "definition"}`) describes it; `None`
/// when it did not exist, was disabled, or the snapshot no longer validates.
fn from_snapshot(state: &AppState, snapshot: Option<&Value>) -> Option<EventType> {
    let snapshot = snapshot?;
    if snapshot["enabled"] == false {
        return None;
    }
    let entry = serde_json::from_value(snapshot["definition"].clone()).ok()?;
    let hosts = state.catalog.load().hosts().clone();
    let catalog =
        Catalog::build(&state.config.defaults, &hosts, &[entry], &[true], "<audit>").ok()?;
    let first = catalog.iter().next()?.clone();
    Some(first)
}

/// The definitions `event` had over `[start, end)`, from its audit history (newest first):
/// each piece of the range with the event type as it was then (`None`: not offered).
fn periods(
    state: &AppState,
    event: &EventType,
    history: &[AuditEntry],
    start: i64,
    end: i64,
) -> Vec<(i64, i64, Option<EventType>)> {
    let mut changes: Vec<&AuditEntry> = history.iter().collect();
    changes.sort_by_key(|entry| entry.at);
    // At `start`: what the last change before it left, else what the first change after
    // it found, else (never changed) the current definition.
    let initial = match changes.iter().rev().find(|entry| entry.at <= start) {
        Some(entry) => from_snapshot(state, entry.after.as_ref()),
        None => match changes.first() {
            Some(entry) => from_snapshot(state, entry.before.as_ref()),
            None => event.enabled.then(|| event.clone()),
        },
    };
    changes.retain(|entry| entry.at > start && entry.at < end);
    let mut pieces = Vec::new();
    let mut from = start;
    let mut current = initial;
    for change in changes {
        pieces.push((from, change.at, current));
        from = change.at;
        current = from_snapshot(state, change.after.as_ref());
    }
    pieces.push((from, end, current));
    pieces
}

/// Offered slots (ignoring bookings, notice and window; each day with the event type's
/// definition at the time, from the audit log) and booked starts of active bookings,
/// counted per weekday (Mon = 0) and hour in `zone`.
fn utilisation(
    state: &AppState,
    range: &Resolved,
    booked: &[BookingBucket],
    histories: &BTreeMap<String, Vec<AuditEntry>>,
    zone: &TimeZone,
) -> BTreeMap<(i8, i8), (i64, i64)> {
    let catalog = state.catalog.load();
    let mut cells: BTreeMap<(i8, i8), (i64, i64)> = BTreeMap::new();
    let cell = |at: Timestamp| {
        let local = at.to_zoned_datetime(zone.clone());
        (local.weekday().to_monday_zero_offset(), local.hour())
    };
    for event in catalog.iter() {
        if range
            .event
            .as_deref()
            .is_some_and(|slug| slug != event.slug)
        {
            continue;
        }
        let history = histories
            .get(&event.slug)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let (start, end) = (range.start.as_second(), range.end.as_second());
        for (from, to, definition) in periods(state, event, history, start, end) {
            let Some(definition) = definition else {
                continue;
            };
            let rules = EventRules {
                min_lead_minutes: 0,
                lookahead_days: 3650,
                max_per_day: None,
                ..definition.rules.clone()
            };
            let (from, to) = (
                Timestamp::from_second(from).unwrap_or(range.start),
                Timestamp::from_second(to).unwrap_or(range.end),
            );
            let offered = slots(
                &definition.schedule,
                &rules,
                &BusyTimes::default(),
                &DayCounts::default(),
                from,
                to,
                from,
            );
            for slot in offered {
                cells.entry(cell(slot.start)).or_default().0 += 1;
            }
        }
    }
    for bucket in booked {
        let at = Timestamp::from_second(bucket.at).unwrap_or_default();
        cells.entry(cell(at)).or_default().1 += bucket.count;
    }
    cells
}

const WEEKDAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A weekday × hour heat map; darker is fuller.
fn heatmap_svg(cells: &BTreeMap<(i8, i8), (i64, i64)>) -> String {
    let hours: Vec<i8> = cells.keys().map(|(_, hour)| *hour).collect();
    let (Some(first), Some(last)) = (hours.iter().min(), hours.iter().max()) else {
        return String::new();
    };
    let (cell_w, cell_h, left, top) = (44, 26, 40, 20);
    let columns = i32::from(last - first + 1);
    let width = left + columns * cell_w + 4;
    let height = top + 7 * cell_h + 4;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"heat-title\" class=\"chart heatmap\"><title id=\"heat-title\">Slot utilisation by weekday and hour: booked of offered</title>"
    );
    for hour in *first..=*last {
        let x = left + i32::from(hour - first) * cell_w + cell_w / 2;
        svg.push_str(&format!(
            "<text x=\"{x}\" y=\"14\" text-anchor=\"middle\" class=\"axis\">{hour:02}</text>"
        ));
    }
    for (row, name) in WEEKDAY_NAMES.iter().enumerate() {
        let y = top + row as i32 * cell_h;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" class=\"axis\">{name}</text>",
            y + 17
        ));
        for hour in *first..=*last {
            let (offered, booked) = cells.get(&(row as i8, hour)).copied().unwrap_or((0, 0));
            let x = left + i32::from(hour - first) * cell_w;
            let share = if offered > 0 {
                (booked as f64 / offered as f64).min(1.0)
            } else {
                0.0
            };
            let (fill, opacity) = if offered == 0 && booked == 0 {
                ("#e5e7eb", 1.0)
            } else {
                ("#1d4ed8", 0.12 + 0.88 * share)
            };
            let label = if offered == 0 && booked == 0 {
                String::new()
            } else {
                format!("{booked}/{offered}")
            };
            let text_class = if share > 0.5 { "cell-dark" } else { "cell" };
            svg.push_str(&format!(
                "<g><title>{name} {hour:02}:00 — {booked} booked of {offered} offered</title><rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{fill}\" fill-opacity=\"{opacity:.2}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"{text_class}\">{label}</text></g>",
                cell_w - 2,
                cell_h - 2,
                x + cell_w / 2 - 1,
                y + 17,
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Bookings created per day as bars.
fn per_day_svg(days: &[(Date, i64)]) -> String {
    let max = days
        .iter()
        .map(|(_, count)| *count)
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, height, left, bottom) = (720.0_f64, 180.0_f64, 30.0_f64, 22.0_f64);
    let plot_h = height - bottom - 8.0;
    let slot = (width - left) / days.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"days-title\" class=\"chart bars\"><title id=\"days-title\">Bookings created per day (highest {max})</title>"
    );
    svg.push_str(&format!("<text x=\"0\" y=\"14\" class=\"axis\">{max}</text><text x=\"0\" y=\"{}\" class=\"axis\">0</text>", height - bottom));
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{width}\" y2=\"{}\" stroke=\"#9ca3af\"/>",
        height - bottom,
        height - bottom
    ));
    let label_every = (days.len() / 8).max(1);
    for (index, (date, count)) in days.iter().enumerate() {
        let h = plot_h * (*count as f64) / (max as f64);
        let x = left + index as f64 * slot + (slot - bar) / 2.0;
        let y = height - bottom - h;
        svg.push_str(&format!(
            "<g><title>{date}: {count}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"#1d4ed8\"/></g>"
        ));
        if index % label_every == 0 {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{}</text>",
                x + bar / 2.0,
                height - 6.0,
                date.strftime("%b %-d")
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Everything the dashboard shows, as JSON (also `GET /api/v1/dashboard`).
pub async fn data(state: &AppState, range: &Range) -> Result<Dashboard, ApiError> {
    let resolved = resolve(state, range)?;
    if let Err(err) = state.funnel.flush(state.store.as_ref()).await {
        tracing::warn!(error = %err, "funnel counters not written");
    }
    let zone = state.host_zone();
    let now = state.clock.now();
    let catalog = state.catalog.load();
    let slug_filter = resolved.event.clone();

    let counters = state
        .store
        .counters(&resolved.from.to_string(), &resolved.to.to_string())
        .await?;
    let created = state
        .store
        .booking_buckets(
            &BookingQuery {
                created_from: Some(resolved.start.as_second()),
                created_to: Some(resolved.end.as_second()),
                event_slug: slug_filter.clone(),
                ..BookingQuery::default()
            },
            BucketBy::Created,
        )
        .await?;
    let mut funnel: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    for event in catalog.iter() {
        if slug_filter.as_deref().is_none_or(|slug| slug == event.slug) {
            funnel.insert(event.slug.clone(), [0; 5]);
        }
    }
    for counter in &counters {
        if counter.metric == crate::funnel::ROUTED {
            continue;
        }
        if slug_filter
            .as_deref()
            .is_some_and(|slug| slug != counter.event_slug)
        {
            continue;
        }
        let row = funnel.entry(counter.event_slug.clone()).or_default();
        match counter.metric.as_str() {
            crate::funnel::PAGE_VIEW => row[0] += counter.count,
            crate::funnel::AVAILABILITY => row[1] += counter.count,
            crate::funnel::ATTEMPT => row[2] += counter.count,
            _ => {}
        }
    }
    let mut per_day: BTreeMap<Date, i64> = BTreeMap::new();
    for bucket in &created {
        let row = funnel.entry(bucket.event_slug.clone()).or_default();
        row[3] += bucket.count;
        row[4] += bucket.confirmed;
        *per_day.entry(local(bucket.at, &zone).date()).or_default() += bucket.count;
    }
    let mut totals = [0i64; 5];
    let funnel_rows: Vec<FunnelRow> = funnel
        .iter()
        .map(|(slug, counts)| {
            for (total, count) in totals.iter_mut().zip(counts) {
                *total += count;
            }
            funnel_row(slug, catalog.get(slug).map(|e| e.title.as_str()), counts)
        })
        .collect();
    let mut days = Vec::new();
    let mut day = resolved.from;
    while day <= resolved.to {
        days.push((day, per_day.get(&day).copied().unwrap_or(0)));
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }

    let booked = state
        .store
        .booking_buckets(
            &BookingQuery {
                start_from: Some(resolved.start.as_second()),
                start_to: Some(resolved.end.as_second()),
                statuses: vec![BookingStatus::Requested, BookingStatus::Confirmed],
                event_slug: slug_filter.clone(),
                ..BookingQuery::default()
            },
            BucketBy::Start,
        )
        .await?;
    let mut histories = BTreeMap::new();
    for event in catalog.iter() {
        if slug_filter.as_deref().is_none_or(|slug| slug == event.slug) {
            let target = format!("event_type:{}", event.slug);
            histories.insert(
                event.slug.clone(),
                state.store.audit_entries(Some(&target), 1000).await?,
            );
        }
    }
    let cells = utilisation(state, &resolved, &booked, &histories, &zone);
    let heatmap: Vec<HeatmapCell> = cells
        .iter()
        .map(|((weekday, hour), (offered, booked))| HeatmapCell {
            weekday: WEEKDAY_NAMES[*weekday as usize],
            hour: *hour,
            offered: *offered,
            booked: *booked,
            utilisation: rate(*booked, *offered),
        })
        .collect();

    let hosts = per_host(state, &catalog, &resolved).await?;

    let today = now.to_zoned_datetime(zone.clone()).date();
    let today_start = day_start(today, &zone)?;
    let tomorrow_start = day_start(today.tomorrow().map_err(|_| ApiError::internal())?, &zone)?;
    let active = vec![BookingStatus::Requested, BookingStatus::Confirmed];
    let list = |from: Timestamp,
                to: Option<Timestamp>,
                statuses: Vec<BookingStatus>,
                limit: u32| BookingQuery {
        start_from: Some(from.as_second()),
        start_to: to.map(|to| to.as_second()),
        statuses,
        limit,
        ..BookingQuery::default()
    };
    let todays = state
        .store
        .list_bookings(&list(
            today_start,
            Some(tomorrow_start),
            active.clone(),
            100,
        ))
        .await?;
    let upcoming = state
        .store
        .list_bookings(&list(tomorrow_start, None, active, 20))
        .await?;
    let pending = state
        .store
        .list_bookings(&list(now, None, vec![BookingStatus::Requested], 100))
        .await?;
    let views = |bookings: &[Booking]| {
        bookings
            .iter()
            .map(|b| booking_view(state, b))
            .collect::<Vec<_>>()
    };

    Ok(Dashboard {
        range: DashboardRange {
            from: resolved.from.to_string(),
            to: resolved.to.to_string(),
            event: resolved.event.clone(),
            timezone: state.config.defaults.timezone.clone(),
        },
        funnel: funnel_rows,
        funnel_total: funnel_row("all", Some("All event types"), &totals),
        per_day: days
            .iter()
            .map(|(day, count)| DayCount {
                day: day.to_string(),
                created: *count,
            })
            .collect(),
        heatmap,
        today: views(&todays),
        upcoming: views(&upcoming),
        pending: views(&pending),
        failed_jobs: system::failed_jobs(state).await?,
        calendars: super::calendars::health(state).await?,
        hosts,
        routing: crate::routing::submission_counts(
            &state.routing,
            counters
                .iter()
                .filter(|counter| counter.metric == crate::funnel::ROUTED)
                .map(|counter| (counter.event_slug.as_str(), counter.count)),
        ),
        charts: Some(DashboardCharts {
            per_day_svg: per_day_svg(&days),
            heatmap_svg: heatmap_svg(&cells),
        }),
    })
}

/// The dashboard's numbers over a date range (the page draws them; `/api/v1/dashboard`
/// answers them without the drawings).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub range: DashboardRange,
    /// Per event type.
    pub funnel: Vec<FunnelRow>,
    /// Every event type together (`event` is `all`).
    pub funnel_total: FunnelRow,
    /// Bookings created per day of the range.
    pub per_day: Vec<DayCount>,
    /// Offered and booked slots by weekday and hour.
    pub heatmap: Vec<HeatmapCell>,
    /// Active bookings starting today (operators' zone).
    pub today: Vec<BookingView>,
    /// The next active bookings after today (at most 20).
    pub upcoming: Vec<BookingView>,
    /// Requests awaiting the host's answer.
    pub pending: Vec<BookingView>,
    pub failed_jobs: Vec<JobView>,
    pub calendars: CalendarHealth,
    /// Per host over the range.
    pub hosts: Vec<HostLoad>,
    /// Submissions per routing form and route over the range.
    #[schema(value_type = Vec<Object>)]
    pub routing: Vec<Value>,
    /// SVG drawings for the page; never part of an API answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub charts: Option<DashboardCharts>,
}

/// The range a dashboard covers, as resolved (defaults filled in).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DashboardRange {
    /// `YYYY-MM-DD` (a year before 1 is written `-YYYYYY`).
    pub from: String,
    /// `YYYY-MM-DD`.
    pub to: String,
    /// The event type filtered on, if any.
    pub event: Option<String>,
    /// The zone days are counted in.
    pub timezone: String,
}

/// Bookings created on one day.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub created: i64,
}

/// Slots offered and booked in one hour of one weekday over the range.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HeatmapCell {
    /// `Mon` to `Sun`.
    pub weekday: &'static str,
    pub hour: i8,
    pub offered: i64,
    pub booked: i64,
    /// Percent booked (one decimal); `null` when nothing was offered.
    pub utilisation: Option<f64>,
}

/// One host's load over the range.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HostLoad {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    /// Active bookings starting in the range that hold the host.
    pub bookings: i64,
    pub booked_minutes: i64,
    /// The host's working minutes over the range.
    pub available_minutes: i64,
    /// Percent of the working minutes booked; `null` without working minutes.
    pub utilisation: Option<f64>,
}

/// Conversion through the booking funnel of one event type (or all).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FunnelRow {
    pub event: String,
    pub title: String,
    pub page_views: i64,
    pub availability_loads: i64,
    pub attempts: i64,
    pub created: i64,
    pub confirmed: i64,
    pub rates: FunnelRates,
}

/// Percentages between funnel steps (one decimal); `null` where the step before is zero.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FunnelRates {
    pub availability_per_view: Option<f64>,
    pub attempt_per_availability: Option<f64>,
    pub created_per_attempt: Option<f64>,
    pub confirmed_per_created: Option<f64>,
    pub created_per_view: Option<f64>,
}

/// The dashboard's drawings.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DashboardCharts {
    pub per_day_svg: String,
    pub heatmap_svg: String,
}

/// Minutes host `host` works over the days `from..=to` (in its zone): weekly hours and
/// overrides, none on days off.
fn working_minutes(host: &crate::hosts::Host, from: Date, to: Date) -> i64 {
    let mut minutes = 0;
    let mut day = from;
    while day <= to {
        if !host.is_off(day) {
            minutes += host
                .schedule
                .hours_on(day)
                .iter()
                .map(|range| i64::from(range.end_minute()) - i64::from(range.start_minute()))
                .sum::<i64>();
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    minutes
}

/// Per host: active bookings starting in the range that hold it, their minutes, the host's
/// working minutes over the range and the booked share of them.
async fn per_host(
    state: &AppState,
    catalog: &Catalog,
    range: &Resolved,
) -> Result<Vec<HostLoad>, ApiError> {
    let query = BookingQuery {
        start_from: Some(range.start.as_second()),
        start_to: Some(range.end.as_second()),
        statuses: vec![BookingStatus::Requested, BookingStatus::Confirmed],
        event_slug: range.event.clone(),
        ..BookingQuery::default()
    };
    let counts: BTreeMap<String, i64> = state
        .store
        .booking_counts_by_host(&query)
        .await?
        .into_iter()
        .collect();
    let mut booked: BTreeMap<String, i64> = BTreeMap::new();
    for booking in state.store.list_bookings(&query).await? {
        let minutes = (booking.end.as_second() - booking.start.as_second()) / 60;
        let held = if booking.hosts.is_empty() {
            std::slice::from_ref(&booking.host_id)
        } else {
            booking.hosts.as_slice()
        };
        for host in held {
            *booked.entry(host.clone()).or_default() += minutes;
        }
    }
    let mut rows: Vec<HostLoad> = catalog
        .hosts()
        .iter()
        .map(|host| {
            let booked_minutes = booked.get(&host.id).copied().unwrap_or(0);
            let available = working_minutes(host, range.from, range.to);
            HostLoad {
                id: host.id.clone(),
                name: host.name.clone(),
                enabled: host.enabled,
                bookings: counts.get(&host.id).copied().unwrap_or(0),
                booked_minutes,
                available_minutes: available,
                utilisation: rate(booked_minutes, available),
            }
        })
        .collect();
    // Bookings of a host no longer stored still count, under its id.
    for (id, count) in &counts {
        if catalog.hosts().get(id).is_none() {
            rows.push(HostLoad {
                id: id.clone(),
                name: id.clone(),
                enabled: false,
                bookings: *count,
                booked_minutes: booked.get(id).copied().unwrap_or(0),
                available_minutes: 0,
                utilisation: None,
            });
        }
    }
    Ok(rows)
}

fn funnel_row(slug: &str, title: Option<&str>, counts: &[i64; 5]) -> FunnelRow {
    FunnelRow {
        event: slug.to_string(),
        title: title.unwrap_or(slug).to_string(),
        page_views: counts[0],
        availability_loads: counts[1],
        attempts: counts[2],
        created: counts[3],
        confirmed: counts[4],
        rates: FunnelRates {
            availability_per_view: rate(counts[1], counts[0]),
            attempt_per_availability: rate(counts[2], counts[1]),
            created_per_attempt: rate(counts[3], counts[2]),
            confirmed_per_created: rate(counts[4], counts[3]),
            created_per_view: rate(counts[3], counts[0]),
        },
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DashboardQuery {
    #[serde(flatten)]
    range: Range,
    retried: Option<String>,
}

/// Renders the dashboard.
pub async fn page_handler(
    state: &AppState,
    session: &AdminSession,
    query: DashboardQuery,
) -> Response {
    let catalog = state.catalog.load();
    let events: Vec<Value> = catalog
        .iter()
        .map(|e| json!({"slug": e.slug, "title": e.title}))
        .collect();
    match data(state, &query.range).await {
        Ok(dashboard) => {
            let mut context = json!(dashboard);
            context["events"] = json!(events);
            context["filter"] = json!(query.range);
            context["retried"] = json!(query.retried.is_some());
            page(state, session, "admin_dashboard.html", "dashboard", context)
        }
        Err(err) if err.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut response = super::error(state, session, err);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(err) => super::error(state, session, err),
    }
}

/// `GET /admin`.
pub async fn show(
    State(state): State<AppState>,
    session: AdminSession,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    // The dashboard covers every host, event type and job: a host user starts at their
    // bookings instead.
    if session.role.require_admin().is_err() {
        return super::see_other("/admin/bookings");
    }
    let query = query.map(|Query(query)| query).unwrap_or_default();
    page_handler(&state, &session, query).await
}
