//! Calendars, provider-neutral: what a remote calendar holds ([`source`]), how iCalendar
//! data becomes busy time (`ical`), and the clients that fetch it (`caldav`, `feed`).
//! Nothing here touches the database or serves HTTP; the server's sync engine glues a
//! connection's stored state to these functions.

pub mod ical;
pub mod source;

pub use http::Http;
pub use source::{CalendarError, Endpoint, Fetch, Resource, Written};
pub mod caldav;
pub mod feed;
pub mod http;
#[cfg(feature = "testing")]
pub mod testing;
mod xml;
