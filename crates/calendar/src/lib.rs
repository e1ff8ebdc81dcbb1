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
}
