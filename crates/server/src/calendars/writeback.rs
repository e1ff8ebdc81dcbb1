//! Write-back: a booking's event in each of its hosts' `write` calendars made to match
//! the booking as it is now — present while confirmed (moved with a higher SEQUENCE on
//! reschedule), gone once it ends. Runs as a durable job written with the change; the
//! job is idempotent, so a retry or a second job for the same booking converges. Google
//! and Microsoft calendars are written through their APIs ([`super::remote`]), the
//! Meet / Teams link they make kept on the booking.

use openslot_calendar::{caldav, CalendarError, EventInput, Written};
use openslot_store::{Booking, BookingStatus, CalendarWrite, StoreError};

use super::service::{kind_of, Calendars};
use crate::config::CalendarKind;

/// Why a write did not complete.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Worth retrying (calendar down, slow, 5xx, the store).
    #[error("{0}")]
    Transient(String),
    /// Retrying cannot help.
    #[error("{0}")]
    Permanent(String),
    /// The provider asked us to wait: retry no sooner than this many seconds.
    #[error("{message}")]
    Later {
        message: String,
        retry_after_seconds: u64,
    },
}

impl From<super::remote::RemoteError> for WriteError {
    fn from(err: super::remote::RemoteError) -> Self {
        let message = err.to_string();
        match err.retry_after() {
            Some(seconds) => WriteError::Later {
                message,
                retry_after_seconds: seconds,
            },
            None if err.transient() => WriteError::Transient(message),
            None => WriteError::Permanent(message),
        }
    }
}

/// How a booking looks in a host's calendar: a calendar object (CalDAV), or an event for
/// a provider's API (Google, Microsoft).
pub struct Renderers<Ics, Remote> {
    pub ics: Ics,
    pub remote: Remote,
}

impl From<StoreError> for WriteError {
    fn from(err: StoreError) -> Self {
        WriteError::Transient(format!("store: {err}"))
    }
}

fn remote(err: CalendarError) -> WriteError {
    if err.transient() {
        WriteError::Transient(err.to_string())
    } else {
        WriteError::Permanent(err.to_string())
    }
}

/// What a reconcile did, for the log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub written: usize,
    pub removed: usize,
}

/// Whether a booking in this state belongs in its hosts' calendars.
fn wanted(booking: &Booking) -> bool {
    booking.status == BookingStatus::Confirmed
}

impl Calendars {
    /// Makes the hosts' write calendars match booking `id`. Two jobs for one booking may
    /// run at once (on two instances): each records what it wrote before it looks at the
    /// booking again, and passes again while the booking changed under it, so whichever
    /// runs last sees the other's write and the calendar ends as the booking is.
    pub async fn reconcile_booking<Ics, Remote>(
        &self,
        id: &str,
        render: Renderers<Ics, Remote>,
    ) -> Result<Reconciled, WriteError>
    where
        Ics: Fn(&Booking) -> String,
        Remote: Fn(&Booking) -> EventInput,
    {
        let mut total = Reconciled::default();
        for _ in 0..3 {
            let before = self
                .store
                .booking(id)
                .await?
                .map(|b| (b.status, b.sequence));
            let done = self.reconcile_once(id, &render).await?;
            total.written += done.written;
            total.removed += done.removed;
            let after = self
                .store
                .booking(id)
                .await?
                .map(|b| (b.status, b.sequence));
            if before == after {
                break;
            }
        }
        Ok(total)
    }

    async fn reconcile_once<Ics, Remote>(
        &self,
        id: &str,
        render: &Renderers<Ics, Remote>,
    ) -> Result<Reconciled, WriteError>
    where
        Ics: Fn(&Booking) -> String,
        Remote: Fn(&Booking) -> EventInput,
    {
        let booking = self.store.booking(id).await?;
        let writes = self.store.calendar_writes(id).await?;
        let connections = self.store.calendar_connections().await?;
        let mut done = Reconciled::default();
        let targets: Vec<_> = match &booking {
            Some(booking) if wanted(booking) => connections
                .iter()
                .filter(|c| {
                    c.settings.write
                        && kind_of(&c.settings) != CalendarKind::Ics
                        && booking.hosts.contains(&c.settings.host_id)
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut first_error = None;
        for connection in &targets {
            let Some(booking) = &booking else { break };
            let settings = &connection.settings;
            let previous = writes.iter().find(|w| w.connection_id == settings.id);
            if previous.is_some_and(|w| w.sequence == booking.sequence && !w.href.is_empty()) {
                // Already written at this version.
                continue;
            }
            let result = if kind_of(settings).is_oauth() {
                self.put_remote(connection, booking, previous, &render.remote)
                    .await
            } else {
                self.put(connection, booking, previous, &render.ics).await
            };
            match result {
                Ok(()) => done.written += 1,
                Err(err) => {
                    tracing::warn!(booking_id = %id, connection = %settings.id, error = %err, "calendar write failed");
                    first_error.get_or_insert(err);
                }
            }
        }
        // Events in calendars the booking no longer belongs in: ended bookings, hosts no
        // longer on it, connections no longer writing or deleted.
        for write in &writes {
            if targets.iter().any(|c| c.settings.id == write.connection_id) {
                continue;
            }
            let Some(connection) = connections
                .iter()
                .find(|c| c.settings.id == write.connection_id)
            else {
                // The connection is gone (with its credentials): nothing left to delete with.
                self.store
                    .delete_calendar_write(id, &write.connection_id)
                    .await?;
                continue;
            };
            if kind_of(&connection.settings).is_oauth() {
                match self.remote_delete(connection, write).await {
                    Ok(()) => {
                        self.store
                            .delete_calendar_write(id, &write.connection_id)
                            .await?;
                        done.removed += 1;
                    }
                    Err(err) => {
                        tracing::warn!(booking_id = %id, connection = %write.connection_id, error = %err, "calendar event not removed");
                        first_error.get_or_insert(err.into());
                    }
                }
                continue;
            }
            let endpoint = self
                .reachable_endpoint(&connection.settings)
                .await
                .map_err(WriteError::Permanent)?;
            let written = Written {
                href: write.href.clone(),
                etag: write.etag.clone(),
            };
            match caldav::delete_event(&self.client, &endpoint, &written).await {
                Ok(()) | Err(CalendarError::Conflict) => {
                    // A conflict means the host edited it meanwhile; it is still ours (same
                    // UID) and the booking is over, so it goes regardless.
                    let unconditional = Written {
                        href: write.href.clone(),
                        etag: None,
                    };
                    if caldav::delete_event(&self.client, &endpoint, &unconditional)
                        .await
                        .is_ok()
                    {
                        self.store
                            .delete_calendar_write(id, &write.connection_id)
                            .await?;
                        done.removed += 1;
                    }
                }
                Err(err) => {
                    tracing::warn!(booking_id = %id, connection = %write.connection_id, error = %err, "calendar event not removed");
                    first_error.get_or_insert(remote(err));
                }
            }
        }
        match first_error {
            Some(err) => Err(err),
            None => Ok(done),
        }
    }

    /// Writes the booking's event into a Google or Microsoft calendar, records it, and
    /// keeps the meeting link the provider made on the booking.
    async fn put_remote(
        &self,
        connection: &openslot_store::CalendarConnection,
        booking: &Booking,
        previous: Option<&CalendarWrite>,
        render: &impl Fn(&Booking) -> EventInput,
    ) -> Result<(), WriteError> {
        let settings = &connection.settings;
        let written = self
            .remote_put(connection, booking, previous, &render(booking))
            .await?;
        self.store
            .save_calendar_write(&CalendarWrite {
                booking_id: booking.id.clone(),
                connection_id: settings.id.clone(),
                href: written.id,
                etag: written.etag,
                sequence: booking.sequence,
                updated_at: self.clock.now().as_second(),
            })
            .await?;
        // Only a web address goes into pages and e-mails as a link.
        if let Some(link) = written
            .meeting_url
            .filter(|link| link.starts_with("https://"))
        {
            // The first link a booking gets is the one its invitee is sent; a second
            // write calendar (another host of a collective booking) does not replace it.
            let current = self.store.booking(&booking.id).await?;
            if current.is_some_and(|current| current.meeting_url.is_none()) {
                self.store
                    .set_booking_meeting_url(&booking.id, Some(&link))
                    .await?;
                tracing::info!(booking_id = %booking.id, connection = %settings.id, "meeting link stored");
            }
            self.jobs_wake.notify_one();
        }
        Ok(())
    }

    async fn put(
        &self,
        connection: &openslot_store::CalendarConnection,
        booking: &Booking,
        previous: Option<&CalendarWrite>,
        render: &impl Fn(&Booking) -> String,
    ) -> Result<(), WriteError> {
        let settings = &connection.settings;
        let endpoint = self
            .reachable_endpoint(settings)
            .await
            .map_err(WriteError::Permanent)?;
        let cursor = connection
            .cursor
            .get("provider")
            .cloned()
            .unwrap_or_default();
        let collection = caldav::write_collection(&self.client, &endpoint, &cursor)
            .await
            .map_err(remote)?;
        let uid = super::event::booking_uid(&booking.id, &self.mail_host);
        let ics = render(booking);
        let previous_written = previous.map(|w| Written {
            href: w.href.clone(),
            etag: w.etag.clone(),
        });
        let written = match caldav::put_event(
            &self.client,
            &endpoint,
            &collection,
            &uid,
            &ics,
            previous_written.as_ref(),
        )
        .await
        {
            Ok(written) => written,
            Err(CalendarError::Conflict) => {
                // Changed in the calendar since we wrote it (or left from an earlier run
                // whose answer was lost): the booking is the truth for its own event.
                let href = match previous_written {
                    Some(written) => written.href,
                    None => caldav::event_href(&collection, &uid).map_err(remote)?,
                };
                let unconditional = Written { href, etag: None };
                caldav::put_event(
                    &self.client,
                    &endpoint,
                    &collection,
                    &uid,
                    &ics,
                    Some(&unconditional),
                )
                .await
                .map_err(remote)?
            }
            Err(err) => return Err(remote(err)),
        };
        self.store
            .save_calendar_write(&CalendarWrite {
                booking_id: booking.id.clone(),
                connection_id: settings.id.clone(),
                href: written.href,
                etag: written.etag,
                sequence: booking.sequence,
                updated_at: self.clock.now().as_second(),
            })
            .await?;
        Ok(())
    }
}
