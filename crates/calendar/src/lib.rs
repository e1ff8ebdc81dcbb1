//! Calendars, provider-neutral: what a remote calendar holds ([`source`]), how iCalendar
//! data becomes busy time (`ical`), and the clients that fetch it (`caldav`, `feed`, and over
//! OAuth (`oauth`) `google` and `microsoft`).
//! Nothing here touches the database or serves HTTP; the server's sync engine glues a
//! connection's stored state to these functions.

pub mod ical;
pub mod source;

pub use http::Http;
pub use source::{
    CalendarError, Endpoint, EventInput, Fetch, RemoteCalendar, Resource, Written, WrittenEvent,
};
pub mod caldav;
pub mod feed;
pub mod google;
pub mod http;
pub mod microsoft;
pub mod oauth;
#[cfg(feature = "testing")]
pub mod testing;
mod xml;

/// Entry points for the fuzz targets (`fuzz/`), not an API: they run the parsers of what
/// a remote server sends on arbitrary bytes.
#[doc(hidden)]
pub mod fuzzing {
    /// Parses `body` as a WebDAV multistatus answer, then resolves every href in it
    /// against a base URL as the client does; returns how many responses it held.
    pub fn multistatus(body: &[u8]) -> Result<usize, crate::CalendarError> {
        let parsed = crate::xml::multistatus(body)?;
        let base =
            url::Url::parse("https://dav.example.com/calendars/ada/work/").expect("a valid base");
        for response in &parsed.responses {
            let _ = crate::caldav::resolve(&base, &response.href);
        }
        Ok(parsed.responses.len())
    }

    /// Reads `body` as each Google, Microsoft Graph and OAuth token-endpoint answer the
    /// clients parse (with the status and `Retry-After` taken from its first bytes), as a
    /// hostile or broken provider (or something posing as one) could send it; returns how
    /// many of the parsers accepted it.
    pub fn provider_answers(data: &[u8]) -> usize {
        let (status, retry_after, body) = match data {
            [a, b, rest @ ..] => {
                let statuses = [
                    200u16, 201, 204, 400, 401, 403, 404, 409, 410, 412, 429, 500, 503,
                ];
                (
                    statuses[usize::from(*a) % statuses.len()],
                    std::str::from_utf8(&rest[..usize::from(*b).min(rest.len()).min(40)])
                        .unwrap_or("")
                        .to_owned(),
                    rest,
                )
            }
            _ => (200, String::new(), data),
        };
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(value) = reqwest::header::HeaderValue::from_str(&retry_after) {
            headers.insert(reqwest::header::RETRY_AFTER, value);
        }
        let reply = crate::http::Reply {
            status: reqwest::StatusCode::from_u16(status).expect("a valid status"),
            url: url::Url::parse("https://provider.example.com/").expect("a valid URL"),
            headers,
            body: body.to_vec(),
        };
        let calendars = ["primary".to_owned(), "ada@example.com".to_owned()];
        let mut accepted = 0;
        accepted += usize::from(crate::google::free_busy_answer(&reply, &calendars).is_ok());
        accepted +=
            usize::from(crate::microsoft::schedule_answer(&reply, "ada@example.com").is_ok());
        accepted += usize::from(crate::oauth::token_answer(&reply).is_ok());
        accepted += usize::from(crate::google::written(&reply).is_ok());
        accepted += usize::from(crate::microsoft::written(&reply).is_ok());
        let _ = crate::google::google_error(&reply).retry_after();
        let _ = crate::http::status_error(&reply);
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
            accepted += usize::from(matches!(crate::microsoft::view_event(&value), Ok(Some(_))));
            accepted += usize::from(crate::microsoft::parse_date_time_zone(&value).is_ok());
        }
        let _ = crate::http::retry_after_seconds(Some(&retry_after), jiff::Timestamp::UNIX_EPOCH);
        accepted
    }
}
