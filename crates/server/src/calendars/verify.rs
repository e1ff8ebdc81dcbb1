//! Verify-on-book: just before a booking is committed, the host's CalDAV calendars are
//! read for the booked range (a time-range REPORT), all within
//! `[calendars] verify_timeout_ms`. An event there refuses the booking; a calendar that
//! does not answer in time leaves the decision to the stored busy time.

use std::{sync::Arc, time::Duration};

use jiff::Timestamp;
use openslot_calendar::caldav;

use super::{
    service::{kind_of, Calendars},
    sync::expand,
};
use crate::{
    config::CalendarKind,
    domain::{BusyVerifier, HostId, Verified},
};

/// The domain's [`BusyVerifier`] over the host's CalDAV connections.
pub struct CalendarVerifier(pub Arc<Calendars>);

#[async_trait::async_trait]
impl BusyVerifier for CalendarVerifier {
    async fn verify(&self, host: &HostId, span: (i64, i64)) -> Verified {
        let calendars = &self.0;
        let connections = calendars.connections();
        let checks: Vec<_> = connections
            .iter()
            .filter(|c| {
                c.settings.host_id == host.as_str()
                    && c.settings.busy
                    && kind_of(&c.settings) == CalendarKind::Caldav
            })
            .map(|connection| async move {
                let settings = &connection.settings;
                let endpoint = calendars
                    .endpoint(settings)
                    .map_err(|err| err.to_string())?;
                let (Ok(from), Ok(to)) = (
                    Timestamp::from_second(span.0),
                    Timestamp::from_second(span.1),
                ) else {
                    return Err("span out of range".to_string());
                };
                let cursor = connection
                    .cursor
                    .get("provider")
                    .cloned()
                    .unwrap_or_default();
                let resources =
                    caldav::events_between(&calendars.verify_client, &endpoint, &cursor, from, to)
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
            })
            .collect();
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
