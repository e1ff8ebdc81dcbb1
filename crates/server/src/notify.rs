//! What mail a change causes (as durable jobs, written with the change) and how each job
//! becomes a message when the worker runs it. Messages are rendered at send time from the
//! current booking, so a reminder for a cancelled or moved booking is skipped.

use std::{collections::HashSet, path::Path, sync::RwLock, time::SystemTime};

use jiff::{tz::TimeZone, Timestamp};
use minijinja::{AutoEscape, Environment};
use openslot_mail::{Invite, InviteMethod, Mailbox, Outgoing, Person};
use openslot_store::{Booking, BookingStatus, ContactMessage, Job, NewJob};
use serde_json::{json, Value};

use crate::{
    catalog::Catalog,
    config::{parse_duration, Config, ConfigError},
    display::{answer_rows, long_time_in},
    domain::{JobKind, MailKind},
    hosts::Host,
    i18n::{self, FluentValue, Locale},
    links,
    signing::Signer,
};

const TEMPLATE_NAMES: &[&str] = &[
    "layout.html",
    "details.html",
    "details.txt",
    "ops_booking.subject",
    "ops_booking.txt",
    "ops_booking.html",
    "invitee_request_received.subject",
    "invitee_request_received.txt",
    "invitee_request_received.html",
    "invitee_confirmed.subject",
    "invitee_confirmed.txt",
    "invitee_confirmed.html",
    "invitee_reminder.subject",
    "invitee_reminder.txt",
    "invitee_reminder.html",
    "ops_contact.subject",
    "ops_contact.txt",
    "ops_contact.html",
    "invitee_update.subject",
    "invitee_update.txt",
    "invitee_update.html",
    "ops_update.subject",
    "ops_update.txt",
    "ops_update.html",
    "ops_calendar_failing.subject",
    "ops_calendar_failing.txt",
    "ops_calendar_failing.html",
    "ops_calendar_recovered.subject",
    "ops_calendar_recovered.txt",
    "ops_calendar_recovered.html",
    "ops_calendar_reconnect.subject",
    "ops_calendar_reconnect.txt",
    "ops_calendar_reconnect.html",
];

fn builtin(name: &str) -> &'static str {
    match name {
        "layout.html" => include_str!("../templates/email/layout.html"),
        "details.html" => include_str!("../templates/email/details.html"),
        "details.txt" => include_str!("../templates/email/details.txt"),
        "ops_booking.subject" => include_str!("../templates/email/ops_booking.subject"),
        "ops_booking.txt" => include_str!("../templates/email/ops_booking.txt"),
        "ops_booking.html" => include_str!("../templates/email/ops_booking.html"),
        "invitee_request_received.subject" => {
            include_str!("../templates/email/invitee_request_received.subject")
        }
        "invitee_request_received.txt" => {
            include_str!("../templates/email/invitee_request_received.txt")
        }
        "invitee_request_received.html" => {
            include_str!("../templates/email/invitee_request_received.html")
        }
        "invitee_confirmed.subject" => include_str!("../templates/email/invitee_confirmed.subject"),
        "invitee_confirmed.txt" => include_str!("../templates/email/invitee_confirmed.txt"),
        "invitee_confirmed.html" => include_str!("../templates/email/invitee_confirmed.html"),
        "invitee_reminder.subject" => include_str!("../templates/email/invitee_reminder.subject"),
        "invitee_reminder.txt" => include_str!("../templates/email/invitee_reminder.txt"),
        "invitee_reminder.html" => include_str!("../templates/email/invitee_reminder.html"),
        "ops_contact.subject" => include_str!("../templates/email/ops_contact.subject"),
        "ops_contact.txt" => include_str!("../templates/email/ops_contact.txt"),
        "ops_contact.html" => include_str!("../templates/email/ops_contact.html"),
        "invitee_update.subject" => include_str!("../templates/email/invitee_update.subject"),
        "invitee_update.txt" => include_str!("../templates/email/invitee_update.txt"),
        "invitee_update.html" => include_str!("../templates/email/invitee_update.html"),
        "ops_update.subject" => include_str!("../templates/email/ops_update.subject"),
        "ops_update.txt" => include_str!("../templates/email/ops_update.txt"),
        "ops_update.html" => include_str!("../templates/email/ops_update.html"),
        "ops_calendar_failing.subject" => {
            include_str!("../templates/email/ops_calendar_failing.subject")
        }
        "ops_calendar_failing.txt" => include_str!("../templates/email/ops_calendar_failing.txt"),
        "ops_calendar_failing.html" => {
            include_str!("../templates/email/ops_calendar_failing.html")
        }
        "ops_calendar_recovered.subject" => {
            include_str!("../templates/email/ops_calendar_recovered.subject")
        }
        "ops_calendar_recovered.txt" => {
            include_str!("../templates/email/ops_calendar_recovered.txt")
        }
        "ops_calendar_recovered.html" => {
            include_str!("../templates/email/ops_calendar_recovered.html")
        }
        "ops_calendar_reconnect.subject" => {
            include_str!("../templates/email/ops_calendar_reconnect.subject")
        }
        "ops_calendar_reconnect.txt" => {
            include_str!("../templates/email/ops_calendar_reconnect.txt")
        }
        "ops_calendar_reconnect.html" => {
            include_str!("../templates/email/ops_calendar_reconnect.html")
        }
        _ => "",
    }
}

/// Mail settings and templates, built once.
#[derive(Debug)]
pub struct Notifier {
    env: Environment<'static>,
    from: Mailbox,
    from_address: String,
    reply_to: Option<Mailbox>,
    ops_inbox: Vec<Mailbox>,
    /// Reminder offsets before the start, in seconds, largest first.
    reminders: Vec<(i64, String)>,
    max_attempts: u32,
    org: String,
    accent: String,
    public_url: String,
    mail_host: String,
    /// The language of mail to an invitee whose booking has none, and of ops mail about a
    /// host without `[[hosts]] locale`.
    default_locale: Locale,
    /// Hosts with a calendar bookings are written to (`write = true`): changes to their
    /// bookings also queue a [`JobKind::CalendarWrite`]. Replaced as connections change.
    calendar_writers: RwLock<HashSet<String>>,
}

/// What an alert about a calendar connection says (the payload of its mail job).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarAlert {
    pub connection_id: String,
    /// The host's id.
    pub host: String,
    /// The calendar's address (credentials and query are removed before it is stored).
    pub url: String,
    /// The last error, if any.
    pub error: Option<String>,
    /// When it started failing (Unix seconds).
    pub since: i64,
}

/// `url` without user information and query: what may be shown of a calendar's address.
pub fn shown_url(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or("");
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}

/// The ids of the hosts `booking` holds.
pub fn held_by(booking: &Booking) -> Vec<&str> {
    if booking.hosts.is_empty() {
        vec![booking.host_id.as_str()]
    } else {
        booking.hosts.iter().map(String::as_str).collect()
    }
}

/// Why a job could not be turned into a message (it will not get better by retrying).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

/// The hosts `booking` holds, the assigned one first (a host no longer known is skipped).
fn booking_hosts<'a>(catalog: &'a Catalog, booking: &Booking) -> Vec<&'a Host> {
    let directory = catalog.hosts();
    if booking.hosts.is_empty() {
        return directory.get(&booking.host_id).into_iter().collect();
    }
    booking
        .hosts
        .iter()
        .filter_map(|id| directory.get(id))
        .collect()
}

/// Whether two mailboxes are the same address (domains are case-insensitive, and mail
/// systems treat local parts so in practice).
fn same_address(a: &Mailbox, b: &Mailbox) -> bool {
    let a: &str = a.email.as_ref();
    let b: &str = b.email.as_ref();
    a.eq_ignore_ascii_case(b)
}

/// The language a booking's invitee gets mail in: the one kept with the booking, else
/// `default` (bookings made before it was kept, or a tag no longer offered).
pub fn invitee_locale(booking: &Booking, default: Locale) -> Locale {
    booking
        .locale
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(default)
}

/// "Ada", "Ada and Grace", "Ada, Grace and Alan", in `locale`'s words.
fn join_names<'a>(locale: Locale, names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => {
            let separator = i18n::text(locale, "email-names-separator", &[]);
            i18n::text(
                locale,
                "email-names-last",
                &[
                    ("rest", rest.join(&separator).into()),
                    ("last", (*last).into()),
                ],
            )
        }
    }
}

/// `count` of a unit (`duration-minutes`, `-hours`, `-days`), with the locale's plural.
fn units(locale: Locale, id: &str, count: i64) -> String {
    i18n::text(locale, id, &[("count", count.into())])
}

/// How long before the start a reminder goes: "1 day", "3 hours", "30 minutes".
fn lead_time(locale: Locale, seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => units(locale, "duration-days", s / 86_400),
        s if s % 3_600 == 0 => units(locale, "duration-hours", s / 3_600),
        s => units(locale, "duration-minutes", (s + 59) / 60),
    }
}

/// "3 days 4 hours", "2 hours 5 minutes", "45 minutes": how long something lasted.
fn human_duration(locale: Locale, seconds: i64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    let pair = |larger: String, smaller: String| {
        i18n::text(
            locale,
            "email-duration-pair",
            &[("larger", larger.into()), ("smaller", smaller.into())],
        )
    };
    match (days, hours) {
        (0, 0) => units(locale, "duration-minutes", minutes),
        (0, _) if minutes > 0 => pair(
            units(locale, "duration-hours", hours),
            units(locale, "duration-minutes", minutes),
        ),
        (0, _) => units(locale, "duration-hours", hours),
        (_, 0) => units(locale, "duration-days", days),
        _ => pair(
            units(locale, "duration-days", days),
            units(locale, "duration-hours", hours),
        ),
    }
}

/// `instant` in `zone` in a few words, for subjects ("Fri, May 7, 3:00 PM").
fn short_time_in(locale: Locale, instant: Timestamp, zone: &TimeZone) -> String {
    i18n::dates(locale).date_time_short(instant.to_zoned_datetime(zone.clone()).datetime())
}

/// A label of the plain-text details block, with its colon, padded so values line up
/// ("What:       "); a label longer than the column keeps one space.
fn text_label(label: String) -> String {
    let label = format!("{label}:");
    format!("{label:<11} ")
}

impl Notifier {
    /// Validates the `[mail]` settings and loads templates (overrides from `templates_dir`).
    pub fn new(config: &Config, source: &str) -> Result<Notifier, ConfigError> {
        let error = |key: &str, message: String| ConfigError {
            source: source.to_string(),
            key: key.to_string(),
            message,
        };
        let mail = &config.mail;
        let mut reminders = Vec::new();
        for (index, text) in mail.reminders.iter().enumerate() {
            let seconds = parse_duration(text).ok_or_else(|| {
                error(
                    &format!("mail.reminders[{index}]"),
                    format!("{text:?} must be a duration such as \"24h\", \"90m\" or \"2d\""),
                )
            })?;
            reminders.push((seconds, text.clone()));
        }
        reminders.sort_by_key(|reminder| std::cmp::Reverse(reminder.0));
        reminders.dedup_by_key(|reminder| reminder.0);
        let from = openslot_mail::parse_mailbox(&mail.from)
            .map_err(|_| error("mail.from", format!("{:?} is not an address", mail.from)))?;
        let reply_to =
            match &mail.reply_to {
                Some(reply_to) => Some(openslot_mail::parse_mailbox(reply_to).map_err(|_| {
                    error("mail.reply_to", format!("{reply_to:?} is not an address"))
                })?),
                None => None,
            };
        let ops_inbox = match &mail.ops_inbox {
            Some(addresses) => addresses.to_vec(),
            None if mail.smtp_url.is_some() => {
                return Err(error(
                    "mail.ops_inbox",
                    "is required when smtp_url is set (where should booking requests go?)".into(),
                ))
            }
            None => vec!["ops@localhost".to_string()],
        };
        let ops_inbox = ops_inbox
            .iter()
            .enumerate()
            .map(|(index, address)| {
                openslot_mail::parse_mailbox(address).map_err(|_| {
                    error(
                        &format!("mail.ops_inbox[{index}]"),
                        format!("{address:?} is not an address"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if mail.max_attempts == 0 || mail.max_attempts > 100 {
            return Err(error("mail.max_attempts", "must be 1 to 100".into()));
        }
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        env.add_function("t", crate::i18n::template_text);
        env.add_filter("label", text_label);
        for name in TEMPLATE_NAMES {
            let source_text = match &mail.templates_dir {
                Some(dir) if Path::new(dir).join(name).is_file() => {
                    std::fs::read_to_string(Path::new(dir).join(name)).map_err(|err| {
                        error(
                            "mail.templates_dir",
                            format!("cannot read {dir}/{name}: {err}"),
                        )
                    })?
                }
                _ => builtin(name).to_string(),
            };
            env.add_template_owned(name.to_string(), source_text)
                .map_err(|err| error("mail.templates_dir", format!("template {name}: {err}")))?;
        }
        let public_url = config.public_url();
        let mail_host = crate::calendars::event::mail_host(&public_url);
        Ok(Notifier {
            env,
            from_address: from.email.to_string(),
            from,
            reply_to,
            ops_inbox,
            reminders,
            max_attempts: mail.max_attempts,
            org: config
                .branding
                .organisation
                .clone()
                .unwrap_or_else(|| config.host.name.clone()),
            accent: config.branding.accent_color.clone(),
            public_url,
            mail_host,
            default_locale: config.branding.default_locale,
            calendar_writers: RwLock::default(),
        })
    }

    /// Sets the hosts that have a write calendar (replacing the previous set).
    pub fn set_calendar_writers(&self, hosts: impl IntoIterator<Item = String>) {
        let hosts: HashSet<String> = hosts.into_iter().collect();
        *self
            .calendar_writers
            .write()
            .expect("calendar writers lock") = hosts;
    }

    /// Whether any of `hosts` has a write calendar.
    pub fn writes_calendar(&self, hosts: &[&str]) -> bool {
        let writers = self.calendar_writers.read().expect("calendar writers lock");
        !writers.is_empty() && hosts.iter().any(|host| writers.contains(*host))
    }

    /// Whether any host has a write calendar.
    pub fn has_calendar_writers(&self) -> bool {
        !self
            .calendar_writers
            .read()
            .expect("calendar writers lock")
            .is_empty()
    }

    /// The job bringing a booking's calendar event up to date, when one of `hosts` (those
    /// it holds, or may hold) writes bookings to a calendar. The job reads the booking
    /// when it runs, so one kind serves create, move and removal.
    fn calendar_write(&self, booking_id: &str, hosts: &[&str], now: i64) -> Option<NewJob> {
        self.writes_calendar(hosts)
            .then(|| self.calendar_backfill_job(booking_id, now))
    }

    /// The job writing an existing booking into a calendar connected after it was
    /// confirmed (whatever the current set of write hosts says).
    pub fn calendar_backfill_job(&self, booking_id: &str, now: i64) -> NewJob {
        let mut job = self.job_of(
            JobKind::CalendarWrite,
            json!({"booking_id": booking_id}),
            now,
            Some(booking_id),
        );
        // One booking's writes run one at a time, in order: with several worker slots a
        // put still in flight could otherwise land after the removal that followed it.
        job.order_key = Some(format!("calendar:{booking_id}"));
        job
    }

    /// A job of `kind`; the store keeps kinds by name.
    fn job_of(
        &self,
        kind: JobKind,
        payload: Value,
        run_at: i64,
        booking_id: Option<&str>,
    ) -> NewJob {
        NewJob {
            id: uuid::Uuid::now_v7().to_string(),
            kind: kind.as_str().to_string(),
            payload,
            run_at,
            max_attempts: self.max_attempts,
            booking_id: booking_id.map(str::to_string),
            order_key: None,
            embed_booking: false,
        }
    }

    /// A mail job sending `mail` (named in the payload's `message`) with `fields` added.
    fn mail(
        &self,
        mail: MailKind,
        mut fields: Value,
        run_at: i64,
        booking_id: Option<&str>,
    ) -> NewJob {
        fields["message"] = json!(mail.as_str());
        self.job_of(JobKind::Mail, fields, run_at, booking_id)
    }

    /// Mail for a booking just made: the ops inbox, the invitee ("request received" or
    /// "confirmed" with an invite) and, when confirmed, reminders still in the future.
    /// A request also gets its expiry check at `expires_at`, if any.
    ///
    /// `hosts` are those the booking may hold (the store picks among a round robin's): a
    /// confirmed booking for any with a write calendar also gets its calendar write.
    pub fn jobs_for_new_booking(
        &self,
        booking_id: &str,
        status: BookingStatus,
        start: Timestamp,
        now: Timestamp,
        hosts: &[&str],
    ) -> Vec<NewJob> {
        self.jobs_for_new_booking_expiring(booking_id, status, start, now, None, hosts)
    }

    /// [`Self::jobs_for_new_booking`] with an expiry for requests.
    pub fn jobs_for_new_booking_expiring(
        &self,
        booking_id: &str,
        status: BookingStatus,
        start: Timestamp,
        now: Timestamp,
        expires_at: Option<i64>,
        hosts: &[&str],
    ) -> Vec<NewJob> {
        let mut jobs = self.new_booking_mail(booking_id, status, start, now);
        if status == BookingStatus::Confirmed {
            jobs.extend(self.calendar_write(booking_id, hosts, now.as_second()));
        }
        if let (BookingStatus::Requested, Some(at)) = (status, expires_at) {
            jobs.push(self.job_of(
                JobKind::BookingExpiry,
                json!({"booking_id": booking_id}),
                at,
                Some(booking_id),
            ));
        }
        jobs
    }

    /// The host accepted a request: the invitee's confirmation with its invite, reminders.
    pub fn jobs_for_confirm(&self, booking: &Booking, now: Timestamp) -> Vec<NewJob> {
        let mut jobs = vec![self.mail(
            MailKind::InviteeConfirmed,
            json!({"booking_id": booking.id}),
            now.as_second(),
            Some(&booking.id),
        )];
        jobs.extend(self.reminder_jobs(&booking.id, booking.start, now.as_second()));
        jobs.extend(self.calendar_write(&booking.id, &held_by(booking), now.as_second()));
        jobs
    }

    /// A booking ended: cancelled (ops and invitee, with `METHOD:CANCEL`), declined by the
    /// host (invitee) or expired unanswered (invitee and ops). `hosts` are those it held:
    /// for any with a write calendar its event there is removed.
    pub fn jobs_for_end(
        &self,
        booking_id: &str,
        status: BookingStatus,
        now: Timestamp,
        hosts: &[&str],
    ) -> Vec<NewJob> {
        let messages: &[MailKind] = match status {
            BookingStatus::Cancelled => &[MailKind::OpsCancelled, MailKind::InviteeCancelled],
            BookingStatus::Declined => &[MailKind::InviteeDeclined],
            BookingStatus::Expired => &[MailKind::OpsExpired, MailKind::InviteeExpired],
            _ => &[],
        };
        let mut jobs: Vec<NewJob> = messages
            .iter()
            .map(|message| {
                self.mail(
                    *message,
                    json!({"booking_id": booking_id}),
                    now.as_second(),
                    Some(booking_id),
                )
            })
            .collect();
        jobs.extend(self.calendar_write(booking_id, hosts, now.as_second()));
        jobs
    }

    /// A booking moved: ops and invitee (an updated invite when confirmed), new reminders.
    pub fn jobs_for_move(&self, booking: &Booking, now: Timestamp) -> Vec<NewJob> {
        let mut jobs: Vec<NewJob> = [MailKind::OpsRescheduled, MailKind::InviteeRescheduled]
            .iter()
            .map(|message| {
                self.mail(
                    *message,
                    json!({"booking_id": booking.id, "start": booking.start.as_second()}),
                    now.as_second(),
                    Some(&booking.id),
                )
            })
            .collect();
        if booking.status == BookingStatus::Confirmed {
            jobs.extend(self.reminder_jobs(&booking.id, booking.start, now.as_second()));
            jobs.extend(self.calendar_write(&booking.id, &held_by(booking), now.as_second()));
        }
        jobs
    }

    fn new_booking_mail(
        &self,
        booking_id: &str,
        status: BookingStatus,
        start: Timestamp,
        now: Timestamp,
    ) -> Vec<NewJob> {
        let now = now.as_second();
        let mut jobs = vec![self.mail(
            MailKind::OpsBooking,
            json!({"booking_id": booking_id}),
            now,
            Some(booking_id),
        )];
        match status {
            BookingStatus::Requested => jobs.push(self.mail(
                MailKind::InviteeRequestReceived,
                json!({"booking_id": booking_id}),
                now,
                Some(booking_id),
            )),
            BookingStatus::Confirmed => {
                jobs.push(self.mail(
                    MailKind::InviteeConfirmed,
                    json!({"booking_id": booking_id}),
                    now,
                    Some(booking_id),
                ));
                jobs.extend(self.reminder_jobs(booking_id, start, now));
            }
            _ => {}
        }
        jobs
    }

    /// Reminders for a confirmed booking starting at `start`, skipping those already past.
    pub fn reminder_jobs(&self, booking_id: &str, start: Timestamp, now: i64) -> Vec<NewJob> {
        self.reminders
            .iter()
            .filter_map(|(offset, _)| {
                let run_at = start.as_second() - offset;
                (run_at > now).then(|| {
                    self.mail(
                        MailKind::InviteeReminder,
                        json!({"booking_id": booking_id, "start": start.as_second(),
                               "offset": offset}),
                        run_at,
                        Some(booking_id),
                    )
                })
            })
            .collect()
    }

    /// Mail for a contact-form message: the ops inbox.
    pub fn jobs_for_contact(
        &self,
        contact_id: &str,
        event: Option<&str>,
        now: Timestamp,
    ) -> Vec<NewJob> {
        vec![self.mail(
            MailKind::OpsContact,
            json!({"contact_id": contact_id, "event": event}),
            now.as_second(),
            None,
        )]
    }

    /// Mail to the ops inbox about a calendar connection failing for long (`kind`
    /// [`MailKind::OpsCalendarFailing`]) or working again ([`MailKind::OpsCalendarRecovered`]).
    pub fn jobs_for_calendar_alert(
        &self,
        kind: MailKind,
        alert: &CalendarAlert,
        now: Timestamp,
    ) -> Vec<NewJob> {
        debug_assert!(kind.for_calendar(), "{kind:?} is not a calendar message");
        vec![self.mail(
            kind,
            json!({
                "connection_id": alert.connection_id,
                "host": alert.host,
                "url": shown_url(&alert.url),
                "error": alert.error,
                "since": alert.since,
            }),
            now.as_second(),
            None,
        )]
    }

    /// The ops message of a calendar alert job.
    pub fn render_calendar_alert(
        &self,
        job: &Job,
        catalog: &Catalog,
        now: Timestamp,
    ) -> Result<Outgoing, RenderError> {
        let name = job.payload["message"].as_str().unwrap_or("");
        let Some(message) = MailKind::parse(name).filter(|kind| kind.for_calendar()) else {
            return Err(RenderError(format!("{name:?} is not a calendar message")));
        };
        let payload = &job.payload;
        let host = payload["host"].as_str().unwrap_or("");
        let known = catalog.hosts().get(host);
        let host_name = known.map_or_else(|| host.to_string(), |host| host.name.clone());
        let locale = self.host_locale(known.into_iter());
        let since = payload["since"]
            .as_i64()
            .and_then(|since| Timestamp::from_second(since).ok());
        let failing_for = since.map_or(0, |since| (now.as_second() - since.as_second()).max(0));
        let context = json!({
            "lang": locale.tag(),
            "dir": locale.dir(),
            "org": self.org,
            "accent": self.accent,
            "host": host,
            "host_name": host_name,
            "connection_id": payload["connection_id"],
            // Stored without credentials; cut again in case a job was written otherwise.
            "url": shown_url(payload["url"].as_str().unwrap_or("")),
            "error": payload["error"].as_str(),
            "since": since.map_or_else(String::new, |since| {
                since.strftime("%Y-%m-%d %H:%M UTC").to_string()
            }),
            "failing_for": human_duration(locale, failing_for),
            "subject": "",
        });
        let parts = self.render_three(message.as_str(), &context)?;
        Ok(self.outgoing(job, self.ops_inbox.clone(), None, parts, None, now))
    }

    fn render_three(
        &self,
        message: &str,
        context: &Value,
    ) -> Result<(String, String, String), RenderError> {
        let render = |name: String| {
            self.env
                .get_template(&name)
                .and_then(|template| template.render(context))
                .map_err(|err| RenderError(format!("template {name}: {err}")))
        };
        let subject = render(format!("{message}.subject"))?;
        let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok((
            subject,
            render(format!("{message}.txt"))?,
            render(format!("{message}.html"))?,
        ))
    }

    fn outgoing(
        &self,
        job: &Job,
        to: Vec<Mailbox>,
        reply_to: Option<Mailbox>,
        (subject, text, html): (String, String, String),
        invite: Option<Invite>,
        now: Timestamp,
    ) -> Outgoing {
        Outgoing {
            from: self.from.clone(),
            to,
            reply_to,
            subject,
            text,
            html,
            invite,
            message_id: format!("{}@{}", job.id, self.mail_host),
            date: SystemTime::UNIX_EPOCH
                + std::time::Duration::from_secs(now.as_second().max(0) as u64),
        }
    }

    /// The message a booking job sends now, or `None` when it no longer applies (a reminder
    /// for a cancelled or moved booking, a confirmation overtaken by a cancellation).
    pub fn render_booking(
        &self,
        job: &Job,
        booking: &Booking,
        catalog: &Catalog,
        signer: &Signer,
        now: Timestamp,
    ) -> Result<Option<Outgoing>, RenderError> {
        let name = job.payload["message"].as_str().unwrap_or("");
        let Some(message) = MailKind::parse(name) else {
            return Err(RenderError(format!("unknown booking message {name:?}")));
        };
        let stale = match message {
            MailKind::InviteeReminder => {
                booking.status != BookingStatus::Confirmed
                    || job.payload["start"].as_i64() != Some(booking.start.as_second())
            }
            MailKind::InviteeConfirmed => booking.status != BookingStatus::Confirmed,
            MailKind::InviteeRescheduled | MailKind::OpsRescheduled => {
                !booking.status.is_active()
                    || job.payload["start"].as_i64() != Some(booking.start.as_second())
            }
            _ => false,
        };
        if stale {
            return Ok(None);
        }
        let event = catalog.get(&booking.event_slug);
        let host_tz = event
            .map(|e| e.timezone_name.clone())
            .unwrap_or_else(|| "UTC".into());
        let for_invitee = message.for_invitee();
        let recipient_tz = if for_invitee {
            booking.timezone.clone().unwrap_or_else(|| host_tz.clone())
        } else {
            host_tz.clone()
        };
        let zone = crate::tzdb::zone(&recipient_tz).unwrap_or(TimeZone::UTC);
        let host_zone = crate::tzdb::zone(&host_tz).unwrap_or(TimeZone::UTC);
        let hosts = booking_hosts(catalog, booking);
        // The invitee reads their own language; hosts and the ops inbox the assigned
        // host's.
        let locale = if for_invitee {
            invitee_locale(booking, self.default_locale)
        } else {
            self.host_locale(hosts.iter().copied())
        };
        let long = |instant: Timestamp, zone: &TimeZone| long_time_in(locale, instant, zone);
        let text = |id: &str, args: &i18n::Args| i18n::text(locale, id, args);
        let answers = answer_rows(event, &booking.answers);
        let offset = job.payload["offset"].as_i64().unwrap_or(0);
        let event_title = event
            .map(|e| e.title.clone())
            .unwrap_or_else(|| booking.event_slug.clone());
        let name_arg = || [("name", FluentValue::from(booking.name.as_str()))];
        let org_arg = || [("org", FluentValue::from(self.org.as_str()))];
        let (headline, intro) = match message {
            MailKind::InviteeCancelled => (
                text("email-cancelled-headline", &[]),
                text("email-cancelled-body", &[]),
            ),
            MailKind::InviteeRescheduled => (
                text("email-rescheduled-headline", &[]),
                text("email-rescheduled-body", &[]),
            ),
            MailKind::InviteeDeclined => (
                text("email-declined-headline", &[]),
                text("email-declined-body", &org_arg()),
            ),
            MailKind::InviteeExpired => (
                text("email-expired-headline", &[]),
                text("email-expired-body", &[]),
            ),
            MailKind::OpsCancelled => (
                text("email-cancelled-headline", &[]),
                text("email-ops-cancelled-body", &name_arg()),
            ),
            MailKind::OpsRescheduled => (
                text("email-rescheduled-headline", &[]),
                text("email-ops-rescheduled-body", &name_arg()),
            ),
            MailKind::OpsExpired => (
                text("email-expired-headline", &[]),
                text("email-ops-expired-body", &[]),
            ),
            _ => (String::new(), String::new()),
        };
        let requested = booking.status == BookingStatus::Requested;
        // The implicit host of an install without `[[hosts]]` is the organisation itself:
        // messages and invites name nobody else, as before hosts existed.
        let named: Vec<&Host> = if !catalog.hosts().names_hosts() {
            Vec::new()
        } else {
            hosts.clone()
        };
        let with = join_names(locale, named.iter().map(|host| host.name.as_str()));
        // Who the booking is with, as the invitee's messages say it.
        let party = if with.is_empty() {
            self.org.clone()
        } else {
            text(
                "email-party",
                &[
                    ("hosts", with.as_str().into()),
                    ("org", self.org.as_str().into()),
                ],
            )
        };
        let minutes = booking.end.duration_since(booking.start).as_mins();
        let context = json!({
            "lang": locale.tag(),
            "dir": locale.dir(),
            "with": with,
            "party": party,
            "org": self.org,
            "accent": self.accent,
            "event_title": event_title,
            "duration": minutes,
            "duration_text": units(locale, "duration-minutes", minutes),
            "status": booking.status.as_str(),
            "active": booking.status.is_active(),
            "when": long(booking.start, &zone),
            "when_short": short_time_in(locale, booking.start, &zone),
            "recipient_tz": recipient_tz,
            "host_when": long(booking.start, &host_zone),
            "host_tz": host_tz,
            "show_host_time": recipient_tz != host_tz,
            "show_people": !for_invitee,
            "name": booking.name,
            "email": booking.email,
            "invitee_tz": booking.timezone,
            "notes": booking.notes,
            "answers": answers,
            "booking_id": booking.id,
            "location": booking.meeting_url,
            "booking_url": links::confirmation_url(&self.public_url, signer, booking),
            "manage_url": links::manage_url(&self.public_url, signer, booking),
            "approve_url": requested.then(|| links::host_url(&self.public_url, signer, booking, "approve")),
            "decline_url": requested.then(|| links::host_url(&self.public_url, signer, booking, "decline")),
            "book_again_url": matches!(message, MailKind::InviteeDeclined | MailKind::InviteeExpired | MailKind::InviteeCancelled)
                .then(|| format!("{}/book/{}", self.public_url, booking.event_slug)),
            "previous_when": matches!(message, MailKind::InviteeRescheduled | MailKind::OpsRescheduled)
                .then(|| booking.previous_start.map(|previous| long(previous, &zone)))
                .flatten(),
            "reason": booking.status_reason,
            "lead": lead_time(locale, offset),
            // What `lead` was called before mail was localised ("in 1 day"), for templates
            // overridden from `templates_dir` that still use it.
            "lead_text": text(
                "email-reminder-lead",
                &[("duration", lead_time(locale, offset).into())]
            ),
            "requested": if requested { "yes" } else { "no" },
            "headline": headline,
            "intro": intro,
            "subject": "",
        });
        let template = match message {
            MailKind::InviteeCancelled
            | MailKind::InviteeRescheduled
            | MailKind::InviteeDeclined
            | MailKind::InviteeExpired => "invitee_update",
            MailKind::OpsCancelled | MailKind::OpsRescheduled | MailKind::OpsExpired => {
                "ops_update"
            }
            other => other.as_str(),
        };
        let parts = self.render_three(template, &context)?;
        // The invitee's mailbox is built from the name and address as given (the name is
        // encoded, never parsed). An address the mail library cannot use fails only the
        // invitee's own messages: the ops message still goes, without a Reply-To.
        let invitee = openslot_mail::mailbox(&booking.name, &booking.email);
        let invite = |method: InviteMethod| Invite {
            method,
            // Shared with the event written into hosts' calendars, which is recognised by it.
            uid: crate::calendars::event::booking_uid(&booking.id, &self.mail_host),
            sequence: booking.sequence,
            stamp: now,
            start: booking.start,
            end: booking.end,
            summary: text(
                "email-invite-summary",
                &[
                    ("event", event_title.as_str().into()),
                    (
                        "party",
                        if with.is_empty() { &self.org } else { &with }
                            .as_str()
                            .into(),
                    ),
                ],
            ),
            description: text(
                "email-invite-description",
                &[
                    ("org", self.org.as_str().into()),
                    ("reference", booking.id.as_str().into()),
                    (
                        "url",
                        links::manage_url(&self.public_url, signer, booking).into(),
                    ),
                ],
            ),
            // The Meet / Teams link a calendar write got for the booking, if any.
            location: booking.meeting_url.clone(),
            url: Some(links::confirmation_url(&self.public_url, signer, booking)),
            // The assigned host organises the meeting; the service sends on their behalf.
            organizer: named.first().map_or_else(
                || Person {
                    name: self.org.clone(),
                    email: self.from_address.clone(),
                },
                |host| Person {
                    name: host.name.clone(),
                    email: host.email.clone(),
                },
            ),
            sent_by: (!named.is_empty()).then(|| self.from_address.clone()),
            attendee: Person {
                name: booking.name.clone(),
                email: booking.email.clone(),
            },
            hosts: named
                .iter()
                .map(|host| Person {
                    name: host.name.clone(),
                    email: host.email.clone(),
                })
                .collect(),
        };
        let to_invitee = |parts, invite| -> Result<Outgoing, RenderError> {
            let invitee = invitee
                .clone()
                .map_err(|err| RenderError(format!("invitee: {err}")))?;
            Ok(self.outgoing(
                job,
                vec![invitee],
                self.reply_to.clone(),
                parts,
                invite,
                now,
            ))
        };
        let outgoing = match message {
            MailKind::OpsBooking
            | MailKind::OpsCancelled
            | MailKind::OpsRescheduled
            | MailKind::OpsExpired => self.outgoing(
                job,
                self.team_inbox(&hosts),
                invitee.clone().ok(),
                parts,
                None,
                now,
            ),
            MailKind::InviteeRequestReceived
            | MailKind::InviteeReminder
            | MailKind::InviteeDeclined
            | MailKind::InviteeExpired => to_invitee(parts, None)?,
            MailKind::InviteeConfirmed => to_invitee(parts, Some(invite(InviteMethod::Request)))?,
            MailKind::InviteeRescheduled => {
                let update = (booking.status == BookingStatus::Confirmed)
                    .then(|| invite(InviteMethod::Request));
                to_invitee(parts, update)?
            }
            MailKind::InviteeCancelled => to_invitee(parts, Some(invite(InviteMethod::Cancel)))?,
            MailKind::OpsContact
            | MailKind::OpsCalendarFailing
            | MailKind::OpsCalendarRecovered
            | MailKind::OpsCalendarNeedsReconnect => {
                return Err(RenderError(format!("{name:?} is not a booking message")))
            }
        };
        Ok(Some(outgoing))
    }

    /// The language of mail about `hosts` (the first is the assigned one): that host's
    /// `[[hosts]] locale`, else the default locale.
    fn host_locale<'a>(&self, mut hosts: impl Iterator<Item = &'a Host>) -> Locale {
        hosts
            .next()
            .and_then(|host| host.locale)
            .unwrap_or(self.default_locale)
    }

    /// The ops inbox and every host of a booking, each address once (a host whose address
    /// is also an ops inbox gets one copy).
    fn team_inbox(&self, hosts: &[&Host]) -> Vec<Mailbox> {
        let mut to = self.ops_inbox.clone();
        for host in hosts {
            let Ok(mailbox) = openslot_mail::mailbox(&host.name, &host.email) else {
                // Host addresses are validated when hosts are loaded; one that still does
                // not parse must not stop the ops inbox's copy.
                tracing::warn!(host_id = %host.id, "host address unusable; not mailed");
                continue;
            };
            if !to.iter().any(|seen| same_address(seen, &mailbox)) {
                to.push(mailbox);
            }
        }
        to
    }

    /// What a booking's event written into a host's calendar is signed with (the same
    /// organisation, address and public URL as its e-mailed invites).
    pub fn event_source(&self, names_hosts: bool) -> crate::calendars::event::EventSource<'_> {
        crate::calendars::event::EventSource {
            org: &self.org,
            service_address: &self.from_address,
            public_url: &self.public_url,
            names_hosts,
        }
    }

    /// The event to write into a host's calendar for `booking` (its hosts from `catalog`,
    /// the assigned one organizing), with `sequence`; see [`crate::calendars::event`].
    pub fn written_event(
        &self,
        booking: &Booking,
        catalog: &Catalog,
        sequence: u32,
        now: Timestamp,
    ) -> String {
        let hosts = booking_hosts(catalog, booking);
        crate::calendars::event::written_event(
            booking,
            catalog.get(&booking.event_slug),
            &hosts,
            &self.event_source(catalog.hosts().names_hosts()),
            sequence,
            now,
        )
    }

    /// The event to write into a host's Google or Microsoft calendar for `booking`; see
    /// [`crate::calendars::event::remote_event`].
    pub fn remote_event(
        &self,
        booking: &Booking,
        catalog: &Catalog,
    ) -> openslot_calendar::EventInput {
        let hosts = booking_hosts(catalog, booking);
        crate::calendars::event::remote_event(
            booking,
            catalog.get(&booking.event_slug),
            &hosts,
            &self.event_source(catalog.hosts().names_hosts()),
        )
    }

    /// The ops message for a contact-form message.
    pub fn render_contact(
        &self,
        job: &Job,
        contact: &ContactMessage,
        catalog: &Catalog,
        now: Timestamp,
    ) -> Result<Outgoing, RenderError> {
        let event_title = job.payload["event"]
            .as_str()
            .and_then(|slug| catalog.get(slug))
            .map(|event| event.title.clone());
        let locale = self.default_locale;
        let context = json!({
            "lang": locale.tag(),
            "dir": locale.dir(),
            "org": self.org,
            "accent": self.accent,
            "name": contact.name,
            "email": contact.email,
            "message": contact.message,
            "preferred_times": contact.preferred_times,
            "event_title": event_title,
            "subject": "",
        });
        let parts = self.render_three("ops_contact", &context)?;
        let reply_to = openslot_mail::mailbox(&contact.name, &contact.email).ok();
        Ok(self.outgoing(job, self.ops_inbox.clone(), reply_to, parts, None, now))
    }
}

#[cfg(test)]
mod tests {
    use openslot_store::JobState;

    use super::*;

    const CONFIG: &str = r#"
[mail]
ops_inbox = ["ops@example.com"]
[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"
[[hosts]]
id = "grace"
name = "Grace Hopper"
email = "grace@example.com"
[[event_types]]
slug = "intro"
title = "Intro"
duration_minutes = 30
hosts = ["ada", "grace"]
"#;

    fn notifier() -> (Notifier, Catalog) {
        let config = Config::parse(CONFIG, "test.toml").unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        (Notifier::new(&config, "test.toml").unwrap(), catalog)
    }

    fn booking(hosts: &[&str], status: BookingStatus) -> Booking {
        Booking {
            id: "b1".into(),
            host_id: hosts[0].into(),
            hosts: hosts.iter().map(|host| host.to_string()).collect(),
            event_slug: "intro".into(),
            status,
            start: Timestamp::from_second(2_000_000_000).unwrap(),
            end: Timestamp::from_second(2_000_001_800).unwrap(),
            blocked_start: 2_000_000_000,
            blocked_end: 2_000_001_800,
            name: "Invitee".into(),
            email: "invitee@example.com".into(),
            timezone: None,
            notes: None,
            answers: Value::Null,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            sequence: 0,
            status_reason: None,
            previous_start: None,
            confirmed_at: None,
            meeting_url: None,
            locale: None,
        }
    }

    /// The calendar write jobs among `jobs`, checked for their shape.
    fn calendar_writes(jobs: &[NewJob]) -> usize {
        jobs.iter()
            .filter(|job| job.kind == "calendar_write")
            .inspect(|job| {
                assert_eq!(job.payload, json!({"booking_id": "b1"}));
                assert_eq!(job.booking_id.as_deref(), Some("b1"));
            })
            .count()
    }

    /// Each change's job list, in order: created confirmed, created as a request,
    /// confirmed, moved, cancelled, expired.
    fn writes_per_change(notifier: &Notifier, hosts: &[&str]) -> Vec<usize> {
        let now = Timestamp::from_second(1_900_000_000).unwrap();
        let confirmed = booking(hosts, BookingStatus::Confirmed);
        let start = confirmed.start;
        [
            notifier.jobs_for_new_booking("b1", BookingStatus::Confirmed, start, now, hosts),
            notifier.jobs_for_new_booking_expiring(
                "b1",
                BookingStatus::Requested,
                start,
                now,
                Some(now.as_second() + 60),
                hosts,
            ),
            notifier.jobs_for_confirm(&confirmed, now),
            notifier.jobs_for_move(&confirmed, now),
            notifier.jobs_for_end("b1", BookingStatus::Cancelled, now, hosts),
            notifier.jobs_for_end("b1", BookingStatus::Expired, now, hosts),
        ]
        .iter()
        .map(|jobs| calendar_writes(jobs))
        .collect()
    }

    #[test]
    fn calendar_writes_are_queued_only_for_hosts_that_write_to_a_calendar() {
        let (notifier, _) = notifier();
        assert!(!notifier.has_calendar_writers());
        assert_eq!(writes_per_change(&notifier, &["ada", "grace"]), [0; 6]);
        notifier.set_calendar_writers(["ada".to_string()]);
        assert!(notifier.has_calendar_writers());
        assert_eq!(
            writes_per_change(&notifier, &["ada", "grace"]),
            [1, 0, 1, 1, 1, 1]
        );
        assert_eq!(writes_per_change(&notifier, &["grace"]), [0; 6]);
        // A moved request has no event to move.
        let now = Timestamp::from_second(1_900_000_000).unwrap();
        let request = booking(&["ada"], BookingStatus::Requested);
        assert_eq!(calendar_writes(&notifier.jobs_for_move(&request, now)), 0);
        // The set is replaced, not added to.
        notifier.set_calendar_writers(["grace".to_string()]);
        assert_eq!(writes_per_change(&notifier, &["ada"]), [0; 6]);
        notifier.set_calendar_writers([]);
        assert_eq!(writes_per_change(&notifier, &["grace"]), [0; 6]);
    }

    #[test]
    fn shown_urls_carry_no_credentials_or_query() {
        assert_eq!(
            shown_url("https://ada:secret@dav.example.com/cal/ada/?token=abc#x"),
            "https://dav.example.com/cal/ada/"
        );
        assert_eq!(
            shown_url("https://dav.example.com:8443/a@b/c.ics"),
            "https://dav.example.com:8443/a@b/c.ics"
        );
        assert_eq!(
            shown_url("webcal://u@feeds.example.com"),
            "webcal://feeds.example.com"
        );
        assert_eq!(shown_url("not a url?x=1"), "not a url");
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(human_duration(Locale::En, 0), "0 minutes");
        assert_eq!(human_duration(Locale::En, 60), "1 minute");
        assert_eq!(human_duration(Locale::En, 3_600 + 300), "1 hour 5 minutes");
        assert_eq!(human_duration(Locale::En, 7_200), "2 hours");
        assert_eq!(human_duration(Locale::En, 86_400), "1 day");
        assert_eq!(
            human_duration(Locale::En, 2 * 86_400 + 3 * 3_600 + 59),
            "2 days 3 hours"
        );
    }

    #[test]
    fn calendar_alerts_go_to_the_ops_inbox_without_credentials() {
        let (notifier, catalog) = notifier();
        let since = Timestamp::from_second(1_900_000_000).unwrap();
        let now = Timestamp::from_second(1_900_000_000 + 2 * 3_600 + 600).unwrap();
        let alert = CalendarAlert {
            connection_id: "cal-1".into(),
            host: "ada".into(),
            url: "https://ada:hunter2@dav.example.com/cal/ada/work/".into(),
            error: Some("server answered 503".into()),
            since: since.as_second(),
        };
        for (kind, headline) in [
            (MailKind::OpsCalendarFailing, "Calendar failing"),
            (MailKind::OpsCalendarRecovered, "Calendar working again"),
            (
                MailKind::OpsCalendarNeedsReconnect,
                "Calendar needs reconnecting",
            ),
        ] {
            let jobs = notifier.jobs_for_calendar_alert(kind, &alert, now);
            assert_eq!(jobs.len(), 1);
            let new = &jobs[0];
            assert_eq!(new.kind, "mail");
            assert_eq!(new.booking_id, None);
            assert_eq!(new.payload["message"], kind.as_str());
            assert!(!new.payload.to_string().contains("hunter2"));
            let job = Job {
                id: new.id.clone(),
                kind: new.kind.clone(),
                payload: new.payload.clone(),
                state: JobState::Running,
                run_at: new.run_at,
                attempts: 1,
                max_attempts: new.max_attempts,
                last_error: None,
                booking_id: None,
                created_at: now.as_second(),
            };
            let message = notifier.render_calendar_alert(&job, &catalog, now).unwrap();
            let to: Vec<String> = message.to.iter().map(|to| to.email.to_string()).collect();
            assert_eq!(to, ["ops@example.com"]);
            assert!(
                message.subject.contains("Ada Lovelace"),
                "{}",
                message.subject
            );
            assert!(message
                .subject
                .contains("https://dav.example.com/cal/ada/work/"));
            // HTML escapes the slashes.
            let html = message.html.replace("&#x2f;", "/");
            for body in [&message.text, &html] {
                assert!(body.contains("Ada Lovelace"));
                assert!(
                    body.contains("https://dav.example.com/cal/ada/work/"),
                    "{body}"
                );
                assert!(body.contains("cal-1"));
                assert!(body.contains("server answered 503"));
                assert!(body.contains("2030-03-17 17:46 UTC"), "{body}");
                if kind != MailKind::OpsCalendarNeedsReconnect {
                    assert!(body.contains("2 hours 10 minutes"), "{body}");
                }
                assert!(!body.contains("hunter2"));
            }
            assert!(message.html.contains(headline));
            // Not a booking message, and booking messages are not calendar alerts.
            assert!(notifier
                .render_booking(
                    &job,
                    &booking(&["ada"], BookingStatus::Confirmed),
                    &catalog,
                    &crate::signing::Signer::new("test-secret-0123456789abcdef0123", &[]),
                    now
                )
                .is_err());
        }
        let mut job_payload = json!({"message": "ops_booking", "booking_id": "b1"});
        job_payload["host"] = json!("ada");
        let job = Job {
            id: "j".into(),
            kind: "mail".into(),
            payload: job_payload,
            state: JobState::Running,
            run_at: 0,
            attempts: 1,
            max_attempts: 1,
            last_error: None,
            booking_id: None,
            created_at: 0,
        };
        assert!(notifier.render_calendar_alert(&job, &catalog, now).is_err());
    }

    #[test]
    fn a_meeting_link_is_the_confirmations_location() {
        let (notifier, catalog) = notifier();
        let signer = crate::signing::Signer::new("test-secret-0123456789abcdef0123", &[]);
        let now: Timestamp = "2030-03-01T09:00:00Z".parse().unwrap();
        let job = Job {
            id: "j".into(),
            kind: "mail".into(),
            payload: json!({"message": "invitee_confirmed", "booking_id": "b1"}),
            state: JobState::Running,
            run_at: 0,
            attempts: 1,
            max_attempts: 1,
            last_error: None,
            booking_id: Some("b1".into()),
            created_at: 0,
        };
        let mut booking = booking(&["ada"], BookingStatus::Confirmed);
        let render = |booking: &Booking| {
            notifier
                .render_booking(&job, booking, &catalog, &signer, now)
                .unwrap()
                .unwrap()
        };
        let plain = render(&booking);
        assert!(!plain.text.contains("Where:"), "{}", plain.text);
        assert_eq!(plain.invite.unwrap().location, None);
        let link = "https://meet.google.com/abc-defg-hij";
        booking.meeting_url = Some(link.into());
        let with_link = render(&booking);
        assert!(
            with_link.text.contains(&format!("Where:      {link}")),
            "{}",
            with_link.text
        );
        assert!(with_link
            .html
            .replace("&#x2f;", "/")
            .contains(&format!("href=\"{link}\"")));
        assert_eq!(with_link.invite.unwrap().location.as_deref(), Some(link));
    }

    #[test]
    fn the_invitee_reads_the_stored_locale_and_a_host_their_own() {
        let (notifier, _) = notifier();
        let mut booking = booking(&["ada"], BookingStatus::Confirmed);
        // Made before the language was kept: the default locale.
        assert_eq!(invitee_locale(&booking, Locale::Sv), Locale::Sv);
        booking.locale = Some("de".into());
        assert_eq!(invitee_locale(&booking, Locale::Sv), Locale::De);
        booking.locale = Some("tlh".into());
        assert_eq!(invitee_locale(&booking, Locale::Sv), Locale::Sv);

        let french = CONFIG.replacen(
            "email = \"ada@example.com\"",
            "email = \"ada@example.com\"\nlocale = \"fr\"",
            1,
        );
        let config = Config::parse(&french, "test.toml").unwrap();
        let catalog = Catalog::from_config(&config, "test.toml").unwrap();
        let directory = catalog.hosts();
        let (ada, grace) = (
            directory.get("ada").unwrap(),
            directory.get("grace").unwrap(),
        );
        assert_eq!(notifier.host_locale([ada, grace].into_iter()), Locale::Fr);
        assert_eq!(notifier.host_locale([grace, ada].into_iter()), Locale::En);

        let unsupported = CONFIG.replacen(
            "email = \"ada@example.com\"",
            "email = \"ada@example.com\"\nlocale = \"tlh\"",
            1,
        );
        let error = Config::parse(&unsupported, "test.toml").unwrap_err();
        assert!(
            error.to_string().contains("locale") && error.to_string().contains("tlh"),
            "{error}"
        );
    }

    #[test]
    fn lists_and_durations_are_written_in_the_locale() {
        assert_eq!(
            join_names(Locale::En, ["Ada", "Grace", "Alan"].into_iter()),
            "Ada, Grace and Alan"
        );
        assert_eq!(join_names(Locale::De, ["Ada"].into_iter()), "Ada");
        assert_eq!(lead_time(Locale::En, 86_400), "1 day");
        assert_eq!(lead_time(Locale::En, 3 * 3_600), "3 hours");
        assert_eq!(lead_time(Locale::En, 90), "2 minutes");
        assert_eq!(text_label("What".into()), "What:       ");
        assert_eq!(text_label("Host's time".into()), "Host's time: ");
    }
}
