//! Signed links that change a booking: the invitee's manage link and the host's
//! approve/decline links. A token names the booking, the scope and an expiry; see
//! [`crate::signing`].

use jiff::Timestamp;
use openslot_store::Booking;

use crate::signing::{Signer, TokenError};

/// Scope of the invitee's link (view, cancel, reschedule).
pub const MANAGE: &str = "manage";
/// Scope of the host's links (approve, decline).
pub const HOST: &str = "host";
/// Scope of the confirmation page's link (`/booking/{id}?t=TOKEN`): shows the booking's
/// personal details and the manage link. The bare id shows nothing personal.
pub const VIEW: &str = "view";

/// How long after the booking's start the manage link keeps working (so a moved booking's
/// link stays valid and the page can still show what happened).
const MANAGE_GRACE_SECONDS: i64 = 90 * 86_400;

/// The invitee's token for `booking`.
pub fn manage_token(signer: &Signer, booking: &Booking) -> String {
    signer.sign(
        MANAGE,
        &booking.id,
        booking.start.as_second() + MANAGE_GRACE_SECONDS,
    )
}

/// The token that opens the confirmation page of `booking` (as long as its manage link).
pub fn view_token(signer: &Signer, booking: &Booking) -> String {
    signer.sign(
        VIEW,
        &booking.id,
        booking.start.as_second() + MANAGE_GRACE_SECONDS,
    )
}

/// `{public_url}/booking/{id}?t={token}`: the confirmation page with its details.
pub fn confirmation_url(public_url: &str, signer: &Signer, booking: &Booking) -> String {
    format!(
        "{public_url}/booking/{}?t={}",
        booking.id,
        view_token(signer, booking)
    )
}

/// The host's token for `booking`: valid until the meeting starts.
pub fn host_token(signer: &Signer, booking: &Booking) -> String {
    signer.sign(HOST, &booking.id, booking.start.as_second())
}

/// `{public_url}/manage/{token}`.
pub fn manage_url(public_url: &str, signer: &Signer, booking: &Booking) -> String {
    format!("{public_url}/manage/{}", manage_token(signer, booking))
}

/// `{public_url}/host/{token}/{action}`.
pub fn host_url(public_url: &str, signer: &Signer, booking: &Booking, action: &str) -> String {
    format!("{public_url}/host/{}/{action}", host_token(signer, booking))
}

/// The booking id a token grants `scope` on, if it is genuine and current.
pub fn verify(
    signer: &Signer,
    token: &str,
    scope: &str,
    now: Timestamp,
) -> Result<String, TokenError> {
    signer.verify(token, scope, now.as_second())
}
