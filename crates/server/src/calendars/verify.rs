//! Verify-on-book: just before a booking is committed, the host's CalDAV calendars are
//! read for the booked range (a time-range REPORT; Google and Microsoft calendars with
//! freeBusy, getSchedule or calendarView, an access token renewal included), all within
//! `[calendars] verify_timeout_ms`. An event there refuses the booking; a calendar that
//! does not answer in time leaves the decision to the stored busy time.

use std::{future::Future, pin::Pin, sync::Arc, time::Duration};

use jiff::Timestamp;
use openslot_calendar::caldav;
use openslot_store::CalendarConnection;

use super::{
    service::{kind_of, Calendars},
    sync::expand,
};
use crate::{
    config::CalendarKind,
    domain::{BusyVerifier, HostId, Verified},
};

/// One connection's answer: whether something overlaps the range.
type Check<'a> = Pin<Box<dyn Future<Output = Result<bool, String>> + Send + 'a>>;

async fn caldav_check(
    calendars: &Calendars,
    connection: &CalendarConnection,
    span: (i64, i64),
    from: Timestamp,
    to: Timestamp,
) -> Result<bool, String> {
    let settings = &connection.settings;
    let endpoint = calendars
        .endpoint(settings)
        .map_err(|err| err.to_string())?;
    let cursor = connection
        .cursor
        .get("provider")
        .cloned()
        .unwrap_or_default();
    let resources = caldav::events_between(&calendars.verify_client, &endpoint, &cursor, from, to)
        .await
        .map_err(|err| err.to_string())?;
    let zone = calendars.host_zone(&settings.host_id);
    for resource in &resources {
        let spans = expand(
            &resource.ics,
            (from, to),
            &zone,
            settings.all_day_busy,
            &calendars.own,
        )
        .map_err(|err| err.to_string())?;
        if spans
            .iter()
            .any(|&(start, end)| start < span.1 && end > span.0)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A Google or Microsoft calendar read for the range. The access token is fetched in a
/// task of its own: when the deadline gives up on it, a refresh under way still finishes
/// and is stored (a rotated refresh token must never be lost half-way).
async fn remote_check(
    calendars: &Arc<Calendars>,
    connection: &CalendarConnection,
    span: (i64, i64),
    from: Timestamp,
    to: Timestamp,
) -> Result<bool, String> {
    let settings = connection.settings.clone();
    let service = calendars.clone();
    let (account, token) = tokio::spawn(async move { service.remote_token(&settings).await })
        .await
        .map_err(|err| err.to_string())?
        .map_err(|err| err.to_string())?;
    let (busy, _) = calendars
        .remote_busy(
            connection,
            &calendars.verify_client,
            &token,
            &account,
            (from, to),
            false,
        )
        .await
        .map_err(|err| err.to_string())?;
    Ok(busy
        .iter()
        .any(|&(start, end)| start < span.1 && end > span.0))
}

/// The domain's [`BusyVerifier`] over the host's CalDAV, Google and Microsoft connections.
pub struct CalendarVerifier(pub Arc<Calendars>);

#[async_trait::async_trait]
impl BusyVerifier for CalendarVerifier {
    async fn verify(&self, host: &HostId, span: (i64, i64)) -> Verified {
        let calendars = &self.0;
        let connections = calendars.connections();
        let (Ok(from), Ok(to)) = (
            Timestamp::from_second(span.0),
            Timestamp::from_second(span.1),
        ) else {
            return Verified::Unknown;
        };
        let mut checks: Vec<Check<'_>> = Vec::new();
        for connection in connections
            .iter()
            .filter(|c| c.settings.host_id == host.as_str() && c.settings.busy)
        {
            match kind_of(&connection.settings) {
                CalendarKind::Caldav => checks.push(Box::pin(caldav_check(
                    calendars, connection, span, from, to,
                ))),
                CalendarKind::Google | CalendarKind::Microsoft => checks.push(Box::pin(
                    remote_check(calendars, connection, span, from, to),
                )),
                CalendarKind::Ics => {}
            }
        }
        if checks.is_empty() {
            return Verified::Free;
        }
        let deadline = Duration::from_millis(calendars.config.verify_timeout_ms.max(1));
        let answers = match tokio::time::timeout(deadline, futures_util::future::join_all(checks))
            .await
        {
            Ok(answers) => answers,
            Err(_) => {
                tracing::warn!(host = %host.as_str(), "calendar verify timed out; booking on stored busy time");
                return Verified::Unknown;
            }
        };
        let mut unknown = false;
        for answer in answers {
            match answer {
                Ok(true) => return Verified::Busy,
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(host = %host.as_str(), error = %crate::privacy::scrub(&err),
                        "calendar verify failed; booking on stored busy time");
                    unknown = true;
                }
            }
        }
        if unknown {
            Verified::Unknown
        } else {
            Verified::Free
        }
    }
}
