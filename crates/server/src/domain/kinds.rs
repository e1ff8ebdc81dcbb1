//! What a job does and which message a mail job sends, as enums. The store keeps them as
//! strings (`jobs.kind`, the payload's `message`); they are converted only where jobs are
//! written ([`crate::notify`]) and read ([`crate::worker`]).

/// The kind of a durable job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Send one e-mail (its [`MailKind`] is in the payload).
    Mail,
    /// Expire a request the host has not answered.
    BookingExpiry,
    /// Bring a booking's event in its hosts' write calendars up to date with the booking
    /// as it is when the job runs (put while confirmed, removed once it ended).
    CalendarWrite,
    /// Deliver one webhook message to one subscription (see [`crate::webhooks`]).
    Webhook,
}

impl JobKind {
    pub const ALL: [JobKind; 4] = [
        JobKind::Mail,
        JobKind::BookingExpiry,
        JobKind::CalendarWrite,
        JobKind::Webhook,
    ];

    /// The name stored in the jobs table.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Mail => "mail",
            JobKind::BookingExpiry => "booking_expiry",
            JobKind::CalendarWrite => "calendar_write",
            JobKind::Webhook => "webhook",
        }
    }

    /// The kind a stored name stands for (`None` for a name this build does not know).
    pub fn parse(name: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// Which e-mail a mail job sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MailKind {
    OpsBooking,
    OpsCancelled,
    OpsRescheduled,
    OpsExpired,
    OpsContact,
    /// A calendar connection has failed for longer than `[calendars] alert_after_minutes`.
    OpsCalendarFailing,
    /// A calendar connection that was reported failing works again.
    OpsCalendarRecovered,
    /// A Google or Microsoft account's refresh token was refused: a person must reconnect.
    OpsCalendarNeedsReconnect,
    InviteeRequestReceived,
    InviteeConfirmed,
    InviteeReminder,
    InviteeCancelled,
    InviteeRescheduled,
    InviteeDeclined,
    InviteeExpired,
}

impl MailKind {
    pub const ALL: [MailKind; 15] = [
        MailKind::OpsBooking,
        MailKind::OpsCancelled,
        MailKind::OpsRescheduled,
        MailKind::OpsExpired,
        MailKind::OpsContact,
        MailKind::OpsCalendarFailing,
        MailKind::OpsCalendarRecovered,
        MailKind::OpsCalendarNeedsReconnect,
        MailKind::InviteeRequestReceived,
        MailKind::InviteeConfirmed,
        MailKind::InviteeReminder,
        MailKind::InviteeCancelled,
        MailKind::InviteeRescheduled,
        MailKind::InviteeDeclined,
        MailKind::InviteeExpired,
    ];

    /// The name stored in a job's payload (`message`), also the template's name for most.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::OpsBooking => "ops_booking",
            MailKind::OpsCancelled => "ops_cancelled",
            MailKind::OpsRescheduled => "ops_rescheduled",
            MailKind::OpsExpired => "ops_expired",
            MailKind::OpsContact => "ops_contact",
            MailKind::OpsCalendarFailing => "ops_calendar_failing",
            MailKind::OpsCalendarRecovered => "ops_calendar_recovered",
            MailKind::OpsCalendarNeedsReconnect => "ops_calendar_reconnect",
            MailKind::InviteeRequestReceived => "invitee_request_received",
            MailKind::InviteeConfirmed => "invitee_confirmed",
            MailKind::InviteeReminder => "invitee_reminder",
            MailKind::InviteeCancelled => "invitee_cancelled",
            MailKind::InviteeRescheduled => "invitee_rescheduled",
            MailKind::InviteeDeclined => "invitee_declined",
            MailKind::InviteeExpired => "invitee_expired",
        }
    }

    /// The kind a stored name stands for (`None` for a name this build does not know).
    pub fn parse(name: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether the invitee (not the ops inbox) receives it.
    pub fn for_invitee(self) -> bool {
        !matches!(
            self,
            MailKind::OpsBooking
                | MailKind::OpsCancelled
                | MailKind::OpsRescheduled
                | MailKind::OpsExpired
                | MailKind::OpsContact
                | MailKind::OpsCalendarFailing
                | MailKind::OpsCalendarRecovered
                | MailKind::OpsCalendarNeedsReconnect
        )
    }

    /// Whether it is about a calendar connection (no booking or contact message).
    pub fn for_calendar(self) -> bool {
        matches!(
            self,
            MailKind::OpsCalendarFailing
                | MailKind::OpsCalendarRecovered
                | MailKind::OpsCalendarNeedsReconnect
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_read_back_as_the_same_kind() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.for_invitee(), kind.as_str().starts_with("invitee_"));
        }
        assert_eq!(
            JobKind::parse("calendar_write"),
            Some(JobKind::CalendarWrite)
        );
        assert_eq!(JobKind::parse("webhook"), Some(JobKind::Webhook));
        assert_eq!(JobKind::parse("webhooks"), None);
        assert_eq!(MailKind::parse(""), None);
    }
}
