//! ICS feeds (a published `.ics` URL, `webcal://` too): one GET, conditional on the
//! validators of the last answer, so an unchanged feed costs a 304 and no parsing.
//!
//! The cursor (stored as JSON) is `{"etag": "<ETag>" | null, "last_modified": "<HTTP date>" | null}`.

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::http::{check, Http, Request};
use crate::source::{CalendarError, Endpoint, Fetch, Resource};

/// The feed cursor (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
}

impl Cursor {
    /// Reads a stored cursor; anything unreadable counts as none (the next fetch is unconditional).
    pub fn from_json(value: &serde_json::Value) -> Cursor {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// The URL a feed is fetched from: `webcal://` and `webcals://` are HTTPS.
pub fn feed_url(url: &str) -> Result<Url, CalendarError> {
    let url = url.trim();
    let mapped = if let Some(rest) = url
        .strip_prefix("webcals://")
        .or_else(|| url.strip_prefix("webcal://"))
    {
        format!("https://{rest}")
    } else {
        url.to_owned()
    };
    let parsed = Url::parse(&mapped)
        .map_err(|_| CalendarError::Protocol("the feed URL is not a URL".into()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(CalendarError::Protocol(
            "the feed URL is not http(s) or webcal".into(),
        ));
    }
    Ok(parsed)
}

/// Fetches the feed at `endpoint.url` unless it is unchanged since `cursor` (`Null` for none).
/// A changed feed is one resource (href = the URL as configured) holding the whole
/// calendar, with `full: true`. An answer that is not iCalendar (a login page, an error page
/// served with 200) is a [`CalendarError::Protocol`], never an empty calendar.
pub async fn fetch(
    http: &Http,
    endpoint: &Endpoint,
    cursor: &serde_json::Value,
) -> Result<Fetch, CalendarError> {
    let previous = Cursor::from_json(cursor);
    let url = feed_url(&endpoint.url)?;
    let mut request = Request::new(Method::GET, url).header("accept", "text/calendar, */*;q=0.5");
    if let Some(etag) = &previous.etag {
        request = request.header("if-none-match", etag.clone());
    }
    if let Some(modified) = &previous.last_modified {
        request = request.header("if-modified-since", modified.clone());
    }
    let reply = http.send(Some(endpoint), request).await?;
    if reply.status == StatusCode::NOT_MODIFIED {
        return Ok(Fetch::Unchanged {
            cursor: previous.to_json(),
        });
    }
    let reply = check(reply)?;
    let next = Cursor {
        etag: reply.header("etag"),
        last_modified: reply.header("last-modified"),
    };
    // A server that ignores conditional requests but kept its (strong) ETag sent the same bytes.
    if next.etag.is_some() && next.etag == previous.etag && !is_weak(next.etag.as_deref()) {
        return Ok(Fetch::Unchanged {
            cursor: next.to_json(),
        });
    }
    let text = String::from_utf8_lossy(&reply.body);
    let ics = text.trim_start_matches('\u{feff}').trim_start();
    if !ics
        .get(..15)
        .is_some_and(|start| start.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(CalendarError::Protocol(
            "the feed is not an iCalendar file".into(),
        ));
    }
    Ok(Fetch::Changed {
        cursor: next.to_json(),
        full: true,
        upserts: vec![Resource {
            href: endpoint.url.trim().to_owned(),
            etag: next.etag.clone(),
            ics: ics.to_owned(),
        }],
        removed: Vec::new(),
    })
}

fn is_weak(etag: Option<&str>) -> bool {
    etag.is_some_and(|etag| etag.starts_with("W/"))
}
