//! GET handlers of the public pages and the shared rendering of the booking page (also
//! used to re-render it with errors after a form post).

use axum::{
    extract::{rejection::QueryRejection, Path, Query, RawQuery, State},
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
};
use jiff::{civil::Date, tz::TimeZone};
use openslot_store::{Booking, BookingStatus};
use serde_json::{json, Value};

use super::{lang::PageLang, localised::error_page_by_id, picker::Picker, timezones};
use crate::{
    catalog::{Catalog, EventType},
    display::long_time_in,
    hosts::{Assignment, Host},
    http::state::AppState,
    i18n::{self, Locale},
    validate::FieldErrors,
};

/// How long a form token stays valid.
pub const FORM_TOKEN_SECONDS: i64 = 4 * 3600;

/// An HTML answer that is never cached (pages carry live times and form tokens).
pub fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `303 See Other` to `location` (after a successful form post).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A friendly error page (in the default language: for callers that have no request
/// language at hand; see [`error_page_in`]).
pub fn error_page(state: &AppState, status: StatusCode, heading: &str, message: &str) -> Response {
    let lang = PageLang::fixed(state.config.branding.default_locale, "/");
    let body = state.web.render_in(
        "error.html",
        &lang,
        json!({"heading": heading, "message": message, "embed": false}),
    );
    html(status, body)
}

/// Percent-encodes a query-string value.
pub fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The embedding page's origin, if it is one the operator allowed.
pub fn parent_origin(state: &AppState, embed: bool, origin: Option<&str>) -> String {
    match origin {
        Some(origin)
            if embed
                && state
                    .config
                    .server
                    .allowed_origins
                    .iter()
                    .any(|allowed| allowed.trim_end_matches('/') == origin) =>
        {
            origin.to_string()
        }
        _ => String::new(),
    }
}

/// Query parameters of the booking and confirmation pages.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    pub date: Option<String>,
    pub tz: Option<String>,
    pub embed: Option<String>,
    pub origin: Option<String>,
    pub event: Option<String>,
    pub sent: Option<String>,
    /// The confirmation page's signed view token.
    pub t: Option<String>,
}

impl PageQuery {
    pub fn embedded(&self) -> bool {
        self.embed
            .as_deref()
            .is_some_and(|value| value == "1" || value == "true")
    }
}

/// What the booking page shows besides the times: typed values, errors, a status line.
#[derive(Debug, Default)]
pub struct BookView {
    pub tz_name: Option<String>,
    pub date: Option<Date>,
    pub values: Value,
    pub errors: FieldErrors,
    pub status: Option<(&'static str, String)>,
    pub embed: bool,
    pub origin: Option<String>,
    pub checked: Option<String>,
    /// Query parameters the page keeps on its own links (answers and host a routing form
    /// sent); the answers among them also fill the form.
    pub carry: Vec<(String, String)>,
}

fn event_json(event: &EventType) -> Value {
    json!({
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "duration": event.rules.duration_minutes,
        "mode": event.mode.as_str(),
        "questions": event.questions,
    })
}

/// The hosts `booking` is with, by name, the assigned one first. Empty for the implicit
/// host of an install without `[[hosts]]`, whose pages never named anyone.
pub fn booking_host_names(catalog: &Catalog, booking: &Booking) -> Vec<String> {
    let hosts = catalog.hosts();
    if !hosts.names_hosts() {
        return Vec::new();
    }
    let ids: Vec<&str> = if booking.hosts.is_empty() {
        vec![booking.host_id.as_str()]
    } else {
        booking.hosts.iter().map(String::as_str).collect()
    };
    ids.iter()
        .filter_map(|id| hosts.get(id))
        .map(|host| host.name.clone())
        .collect()
}

/// Names joined for a sentence in `locale` ("Ada, Grace und Alan").
pub fn join_names_in(locale: Locale, names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => {
            let separator = i18n::text(locale, "names-separator", &[]);
            i18n::text(
                locale,
                "names-and",
                &[
                    ("first", rest.join(&separator).into()),
                    ("last", last.as_str().into()),
                ],
            )
        }
    }
}

/// A status line a page was handed (a message id, or the domain's English reason a time
/// cannot be booked, which only English shows verbatim), in `locale`.
fn status_text(locale: Locale, message: &str) -> String {
    if i18n::catalogs().has(Locale::En, message) {
        return i18n::text(locale, message, &[]);
    }
    if message.starts_with("That time can't be booked") && locale != Locale::En {
        return i18n::text(locale, "status-cannot-book", &[]);
    }
    message.to_string()
}

/// The host a booking page was asked for (`?host=`), if it serves `event` and takes bookings.
pub fn pinned_host<'a>(
    catalog: &'a Catalog,
    event: &EventType,
    id: Option<&str>,
) -> Option<&'a Host> {
    let id = id?;
    // The implicit host is the organisation: there is nobody to pin.
    if !catalog.hosts().names_hosts() || !event.hosts.iter().any(|host| host == id) {
        return None;
    }
    catalog.hosts().get(id).filter(|host| host.enabled)
}

/// Who a booking page says the meeting is with before anything is booked: the pinned host,
/// the only host, or every host of a collective event type. Nobody for round robin, whose
/// host is chosen only when the booking is made, and nobody for the implicit host.
fn announced_hosts(catalog: &Catalog, event: &EventType, pinned: Option<&Host>) -> Vec<String> {
    if let Some(host) = pinned {
        return vec![host.name.clone()];
    }
    let hosts = catalog.hosts();
    if !hosts.names_hosts() {
        return Vec::new();
    }
    match event.team_assignment() {
        Some(Assignment::RoundRobin) => Vec::new(),
        _ => hosts.of(event).map(|host| host.name.clone()).collect(),
    }
}

/// Renders the booking page of `event` in the default language (for callers that have
/// no request language at hand; see [`render_book_in`]).
pub fn render_book(state: &AppState, event: &EventType, view: BookView) -> String {
    let lang = PageLang::fixed(
        state.config.branding.default_locale,
        &format!("/book/{}", event.slug),
    );
    render_book_in(state, &lang, event, view)
}

/// Renders the booking page of `event` in `lang`.
pub fn render_book_in(
    state: &AppState,
    lang: &PageLang,
    event: &EventType,
    view: BookView,
) -> String {
    let locale = lang.locale;
    let host_tz = &event.timezone_name;
    let tz_name = view
        .tz_name
        .filter(|name| crate::tzdb::zone(name).is_ok())
        .unwrap_or_else(|| host_tz.clone());
    let zone = crate::tzdb::zone(&tz_name).unwrap_or(TimeZone::UTC);
    let now = state.clock.now();
    let catalog = state.catalog.load();
    let pinned = pinned_host(
        &catalog,
        event,
        view.carry
            .iter()
            .find(|(name, _)| name == "host")
            .map(|(_, value)| value.as_str()),
    );
    // A pinned host's page offers only the times that host can take.
    let offered: Vec<_> = state
        .domain
        .team_slots_pinned(
            event,
            now,
            jiff::Timestamp::MAX,
            now,
            pinned.map(|host| host.id.as_str()),
        )
        .iter()
        .map(openslot_engine::TeamSlot::slot)
        .collect();
    let picker = Picker::new(event, &offered, &zone, now, view.date, None).in_locale(locale);
    // An embedded frame may not get its language cookie back: its links carry the language.
    let mut link_query = if view.embed {
        let origin = view.origin.as_deref().unwrap_or("");
        format!(
            "&embed=1&origin={}&lang={}",
            query_escape(origin),
            locale.tag()
        )
    } else {
        String::new()
    };
    let with = join_names_in(locale, &announced_hosts(&catalog, event, pinned));
    // A host that does not serve this event type is not carried on the page's links.
    let carry: Vec<(String, String)> = view
        .carry
        .into_iter()
        .filter(|(name, _)| name != "host" || pinned.is_some())
        .collect();
    for (name, value) in &carry {
        link_query.push_str(&format!("&{name}={}", query_escape(value)));
    }
    let days = picker.days(|day| {
        format!(
            "/book/{}?date={day}&tz={}{link_query}",
            event.slug,
            query_escape(&tz_name)
        )
    });
    let times = picker.times(view.checked.as_deref());
    let mut tz_options: Vec<&str> = timezones::COMMON.to_vec();
    for name in [tz_name.as_str(), host_tz.as_str()] {
        if !tz_options.contains(&name) {
            tz_options.insert(0, name);
        }
    }
    let (status_kind, status_message) = view
        .status
        .map(|(kind, message)| (kind, status_text(locale, &message)))
        .unwrap_or(("", String::new()));
    let errors: FieldErrors = view
        .errors
        .iter()
        .map(|(field, message)| {
            let shown = super::lang::field_error(locale, field, message);
            (field.clone(), shown)
        })
        .collect();
    let values = if view.values.is_object() {
        view.values
    } else {
        json!({"answers": {}})
    };
    let page = json!({
        "event": event_json(event),
        "tz": tz_name,
        "host_tz": host_tz,
        "tz_options": tz_options,
        "days": days,
        "any_available": picker.any_available(),
        "selected_date": picker.selected.map(|date| date.to_string()),
        "selected_label": picker.selected_label(),
        "times": times,
        "values": values,
        "errors": errors,
        "status_kind": status_kind,
        "status_message": status_message,
        "csrf": state.signer.sign("form", "booking", now.as_second() + FORM_TOKEN_SECONDS),
        "embed": view.embed,
        "parent_origin": parent_origin(state, view.embed, view.origin.as_deref()),
        "window_days": event.rules.lookahead_days,
        "with": with,
        "named_hosts": catalog.hosts().names_hosts(),
        "pinned_host": pinned.map(|host| host.id.clone()),
        "carry": carry.iter().map(|(name, value)| json!({"name": name, "value": value})).collect::<Vec<_>>(),
    });
    state.web.render_in("book.html", lang, page)
}

/// `GET /`: every offered event type (and the routing forms).
pub async fn home(State(state): State<AppState>, lang: PageLang) -> Response {
    let catalog = state.catalog.load();
    let events: Vec<Value> = catalog
        .offered()
        .map(|event| {
            let mut value = event_json(event);
            value["with"] = json!(join_names_in(
                lang.locale,
                &announced_hosts(&catalog, event, None)
            ));
            value
        })
        .collect();
    let routing_forms: Vec<Value> = state
        .routing
        .iter()
        .map(
            |form| json!({"slug": form.slug, "title": form.title, "description": form.description}),
        )
        .collect();
    html(
        StatusCode::OK,
        state.web.render_in(
            "home.html",
            &lang,
            json!({"events": events, "routing_forms": routing_forms, "embed": false}),
        ),
    )
}

/// `GET /with/{host}`: the event types one host offers, each booked with that host.
pub async fn with_host(
    State(state): State<AppState>,
    lang: PageLang,
    Path(id): Path<String>,
) -> Response {
    let catalog = state.catalog.load();
    let Some(host) = catalog.hosts().get(&id).filter(|host| host.enabled) else {
        return error_page_by_id(
            &state,
            &lang,
            StatusCode::NOT_FOUND,
            "error-not-found",
            "error-no-host",
        );
    };
    let events: Vec<Value> = catalog
        .offered()
        .filter(|event| event.hosts.contains(&host.id))
        .map(|event| {
            let mut value = event_json(event);
            value["href"] = json!(format!(
                "/book/{}?host={}",
                event.slug,
                query_escape(&host.id)
            ));
            value
        })
        .collect();
    html(
        StatusCode::OK,
        state.web.render_in(
            "home.html",
            &lang,
            json!({"events": events, "host": {"id": host.id, "name": host.name}, "embed": false}),
        ),
    )
}

/// `GET /book/{slug}`: pick a day and time, fill the form.
pub async fn book(
    State(state): State<AppState>,
    lang: PageLang,
    Path(slug): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
    RawQuery(raw_query): RawQuery,
) -> Response {
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let catalog = state.catalog.load();
    let Some(event) = catalog.bookable(&slug) else {
        return error_page_by_id(
            &state,
            &lang,
            StatusCode::NOT_FOUND,
            "error-not-found",
            "error-no-event",
        );
    };
    state.metrics.record_page_view(&event.slug);
    state.count_funnel(crate::funnel::PAGE_VIEW, event);
    let carried = super::routing::Carried::from_query(event, raw_query.as_deref());
    let view = BookView {
        tz_name: query.tz.clone(),
        date: query.date.as_deref().and_then(|date| date.parse().ok()),
        embed: query.embedded(),
        origin: query.origin.clone(),
        values: carried.values(),
        carry: carried.pairs(),
        ..BookView::default()
    };
    html(StatusCode::OK, render_book_in(&state, &lang, event, view))
}

/// `GET /booking/{id}`: what happened to a booking, in the visitor's and the host's zones.
/// The confirmation page of a booking (HTML).
///
/// With the signed view token `t` (from the redirect after booking, or `confirmation_url`)
/// it shows the booking; without it, a neutral page that shows nothing personal.
#[utoipa::path(
    get,
    path = "/booking/{id}",
    operation_id = "getConfirmationPage",
    tag = "public",
    params(
        ("id" = String, Path, description = "The booking's id."),
        ("t" = Option<String>, Query, description = "The signed view token of `confirmation_url`."),
        ("tz" = Option<String>, Query, description = "The IANA zone to show the time in."),
        ("embed" = Option<String>, Query, description = "`1`: the embedded variant of the page."),
        ("origin" = Option<String>, Query, description = "Embedded: the embedding page's origin (an allowed origin)."),
        ("lang" = Option<String>, Query, description = "The page's language, a locale tag such as `de` or `pt-BR` (remembered in the `openslot_lang` cookie); else the cookie, then `Accept-Language`."),
    ),
    responses(
        (status = 200, description = "The page.", content_type = "text/html", body = String),
        (status = 404, description = "No such booking (HTML page).", content_type = "text/html", body = String),
        (status = 503, description = "The database cannot be reached (HTML page); retry.", content_type = "text/html", body = String),
    )
)]
pub async fn confirmation(
    State(state): State<AppState>,
    lang: PageLang,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let booking = match state.store.booking(&id).await {
        Ok(Some(booking)) => booking,
        Ok(_) => {
            return error_page_by_id(
                &state,
                &lang,
                StatusCode::NOT_FOUND,
                "error-booking-not-found-heading",
                "error-booking-not-found",
            )
        }
        Err(err) => {
            tracing::error!(error = %err, "booking lookup failed");
            return error_page_by_id(
                &state,
                &lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "error-try-again-heading",
                "error-unavailable",
            );
        }
    };
    let embed = query.embedded();
    // A booking id travels in logs, the ops e-mail and the audit log: by itself it shows
    // nothing about the booking. The signed token from the redirect (or the API's
    // `confirmation_url`) shows everything, as it did before.
    let granted = query.t.as_deref().is_some_and(|token| {
        crate::links::verify(&state.signer, token, crate::links::VIEW, state.clock.now())
            .is_ok_and(|subject| subject == booking.id)
    });
    let locale = lang.locale;
    if !granted {
        let body = state.web.render_in(
            "confirmation.html",
            &lang,
            json!({
                "neutral": true,
                "heading": i18n::text(locale, "neutral-heading", &[]),
                "message": i18n::text(locale, "neutral-message", &[]),
                "embed": embed,
            }),
        );
        return html(StatusCode::OK, body);
    }
    let catalog = state.catalog.load();
    let event = catalog.get(&booking.event_slug);
    let (visitor_tz, host_tz) =
        crate::display::booking_zones(event, query.tz.as_deref(), booking.timezone.as_deref());
    let (outcome, kind) = match booking.status {
        BookingStatus::Requested => ("outcome-requested", "success"),
        BookingStatus::Confirmed => ("outcome-confirmed", "success"),
        BookingStatus::Cancelled => ("outcome-cancelled", "warning"),
        BookingStatus::Declined => ("outcome-declined", "warning"),
        BookingStatus::Expired => ("outcome-expired", "warning"),
    };
    let heading = i18n::text(locale, &format!("{outcome}-heading"), &[]);
    let message = i18n::text(locale, outcome, &[]);
    let visitor_zone = crate::tzdb::zone(&visitor_tz).unwrap_or(TimeZone::UTC);
    let host_zone = crate::tzdb::zone(&host_tz).unwrap_or(TimeZone::UTC);
    let answers = crate::display::answer_rows(event, &booking.answers);
    let page = json!({
        "neutral": false,
        "heading": heading,
        "message": message,
        "status_kind": kind,
        "booking": {
            "id": booking.id,
            "event": booking.event_slug,
            "start": booking.start.to_string(),
            "end": booking.end.to_string(),
        },
        "event_title": event.map(|event| event.title.clone()).unwrap_or(booking.event_slug.clone()),
        "duration": booking.end.duration_since(booking.start).as_mins(),
        "visitor_tz": visitor_tz,
        "host_tz": host_tz,
        "visitor_time": long_time_in(locale, booking.start, &visitor_zone),
        "host_time": long_time_in(locale, booking.start, &host_zone),
        "embed": embed,
        "parent_origin": parent_origin(&state, embed, query.origin.as_deref()),
        "manage_url": booking.status.is_active().then(|| state.manage_url(&booking)),
        "location": booking.status.is_active().then(|| booking.meeting_url.clone()).flatten(),
        "name": booking.name,
        "email": booking.email,
        "notes": booking.notes,
        "answers": answers,
        "with": join_names_in(locale, &booking_host_names(&catalog, &booking)),
    });
    html(
        StatusCode::OK,
        state.web.render_in("confirmation.html", &lang, page),
    )
}
