//! The Google Calendar, Microsoft Graph and OAuth token-endpoint answer parsers
//! (crates/calendar/src/{google,microsoft,oauth}.rs): whatever a provider, or something
//! posing as one, answers (any status, any `Retry-After`, any body) gives busy time, a
//! written event, tokens or an error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = openslot_calendar::fuzzing::provider_answers(data);
});
