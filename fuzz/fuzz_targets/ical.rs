//! The iCalendar writer (crates/mail/src/ical.rs): every invite it writes parses with an
//! independent parser (the `icalendar` crate) and reads back field for field — summary,
//! description, location, URL, UID, times, sequence, and the organizer's and attendee's
//! names (hostile characters included) and addresses. Names and addresses are the kind
//! that reach the writer: an address passes the booking form's check, an invitee's name
//! the name field's rules; the organizer's name comes from the configuration and is
//! anything.
#![no_main]

use arbitrary::Arbitrary;
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use openslot::validate::is_email;
use openslot_fuzz::check_invite;
use openslot_mail::{Invite, InviteMethod, Person};

#[derive(Arbitrary, Debug)]
struct Input {
    cancel: bool,
    uid: String,
    sequence: u32,
    stamp: u64,
    start: u64,
    minutes: u16,
    summary: String,
    description: String,
    location: Option<String>,
    url: Option<String>,
    organizer_name: String,
    organizer_email: String,
    attendee_name: String,
    attendee_email: String,
}

/// 1970-01-01 to 9999-12-30.
fn timestamp(seconds: u64) -> Timestamp {
    Timestamp::from_second((seconds % 253_402_128_000) as i64).expect("in range")
}

fn address(text: String, fallback: &str) -> String {
    if is_email(&text) {
        text
    } else {
        fallback.to_string()
    }
}

fuzz_target!(|input: Input| {
    let start = timestamp(input.start);
    let end = start
        .checked_add(jiff::SignedDuration::from_mins(i64::from(input.minutes)))
        .unwrap_or(start);
    // An invitee's name as the booking validation leaves it: trimmed, no control
    // characters, at most 200 characters.
    let attendee_name: String = input.attendee_name.trim().chars().take(200).collect();
    let attendee_name = if attendee_name.chars().any(char::is_control) || attendee_name.is_empty() {
        "Ada Lovelace".to_string()
    } else {
        attendee_name
    };
    let invite = Invite {
        method: if input.cancel {
            InviteMethod::Cancel
        } else {
            InviteMethod::Request
        },
        uid: input.uid,
        sequence: input.sequence,
        stamp: timestamp(input.stamp),
        start,
        end,
        summary: input.summary,
        description: input.description,
        location: input.location,
        url: input.url,
        organizer: Person {
            name: input.organizer_name,
            email: address(input.organizer_email, "bookings@example.com"),
        },
        sent_by: None,
        attendee: Person {
            name: attendee_name,
            email: address(input.attendee_email, "ada@example.com"),
        },
        hosts: Vec::new(),
    };
    check_invite(&invite);
});
