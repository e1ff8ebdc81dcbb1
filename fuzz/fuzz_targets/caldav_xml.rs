//! The WebDAV/CalDAV answer parser (crates/calendar/src/xml.rs): whatever a calendar server
//! (or something posing as one) sends as a multistatus body gives an error or responses,
//! never a panic or a hang, and every href in it resolves or is refused cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openslot_calendar::fuzzing::multistatus(data);
});
