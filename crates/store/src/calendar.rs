//! Plain data of calendar connections (CalDAV collections, ICS feeds, Google and Microsoft
//! calendars): their settings, the
//! sync state kept with them, the busy time a sync imported, and the events written back
//! for bookings. Instants are Unix seconds. The diff a sync applies is computed here, once
//! for both backends.

use std::collections::{HashMap, HashSet};

/// What a calendar connection is: where it lives, how to reach it and what it is used for.
/// `password_enc` is sealed by the server; the store keeps it opaque.
#[derive(Clone, PartialEq, Eq)]
pub struct CalendarSettings {
    pub id: String,
    pub host_id: String,
    /// `caldav` or `ics`.
    pub kind: String,
    pub url: String,
    pub username: Option<String>,
    /// The environment variable holding the password (configuration only).
    pub password_env: Option<String>,
    /// The password as sealed by the server (never the plain text).
    pub password_enc: Option<String>,
    /// Busy time is read from it.
    pub busy: bool,
    /// Confirmed bookings are written into it.
    pub write: bool,
    pub refresh_minutes: u32,
    /// All-day events block their day.
    pub all_day_busy: bool,
    /// `config` (from the configuration file, replaced on every start) or `admin`.
    pub origin: String,
    /// The OAuth account a `google` or `microsoft` calendar is read through (`url` is then
    /// the provider's calendar id); deleting the account deletes the connection.
    pub account_id: Option<String>,
}

impl std::fmt::Debug for CalendarSettings {
    // Even sealed, credentials stay out of logs.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("CalendarSettings")
            .field("id", &self.id)
            .field("host_id", &self.host_id)
            .field("kind", &self.kind)
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password_env", &self.password_env)
            .field(
                "password_enc",
                &self.password_enc.as_ref().map(|_| "<redacted>"),
            )
            .field("busy", &self.busy)
            .field("write", &self.write)
            .field("refresh_minutes", &self.refresh_minutes)
            .field("all_day_busy", &self.all_day_busy)
            .field("origin", &self.origin)
            .field("account_id", &self.account_id)
            .finish()
    }
}

impl CalendarSettings {
    /// Whether going from `self` to `next` makes what was imported meaningless (another
    /// calendar, another account, another host, or events read differently), so the sync
    /// cursor and the imported busy time are dropped. A new password alone does not: it
    /// reaches the same calendar, and a sealed password differs on every sealing.
    pub(crate) fn resets_import(&self, next: &CalendarSettings) -> bool {
        self.host_id != next.host_id
            || self.kind != next.kind
            || self.url != next.url
            || self.username != next.username
            || self.account_id != next.account_id
            || self.all_day_busy != next.all_day_busy
    }

    /// Whether the password may have changed, so a sync should run now.
    pub(crate) fn password_changed(&self, next: &CalendarSettings) -> bool {
        self.password_env != next.password_env || self.password_enc != next.password_enc
    }
}

/// A calendar connection with its sync state. The row is also the connection's recurring
/// durable job: due at `next_run_at`, synced by the worker holding its lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarConnection {
    pub settings: CalendarSettings,
    /// Provider-specific sync state (`Null` when none: the next sync reads everything).
    pub cursor: serde_json::Value,
    pub last_attempt_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    /// Start of the current run of failures (`None` while syncing works).
    pub failing_since: Option<i64>,
    /// An operator was told it is failing (and not yet that it recovered).
    pub alerted: bool,
    /// Busy intervals imported from it now.
    pub events_imported: i64,
    pub next_run_at: i64,
    /// Bumped whenever the busy time read from this connection may have changed.
    pub busy_version: i64,
    /// The worker syncing it now, until `lease_until`.
    pub locked_by: Option<String>,
    pub lease_until: Option<i64>,
    pub created_at: i64,
}

/// One remote resource (a CalDAV object, a whole ICS feed) with the busy intervals
/// `[start, end)` its events give. Empty intervals are ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceBusy {
    pub href: String,
    pub etag: Option<String>,
    pub intervals: Vec<(i64, i64)>,
}

/// What one successful sync found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarDelta {
    /// `upserts` are every resource there is: stored ones not among them are dropped.
    pub full: bool,
    /// Resources new or changed (their busy intervals replace the stored ones).
    pub upserts: Vec<ResourceBusy>,
    /// Hrefs of resources that are gone.
    pub removed: Vec<String>,
    /// The sync state to continue from next time.
    pub cursor: serde_json::Value,
}

/// An event written into a host's calendar for a booking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarWrite {
    pub booking_id: String,
    pub connection_id: String,
    pub href: String,
    pub etag: Option<String>,
    pub sequence: u32,
    pub updated_at: i64,
}

/// What a cache of busy time polls to see which connections changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarVersion {
    pub connection_id: String,
    pub host_id: String,
    pub busy_version: i64,
    pub last_success_at: Option<i64>,
    /// Busy time is read from it.
    pub busy: bool,
}

/// How a connection's sync state follows a change of its settings.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SettingsChange {
    /// Drop the cursor, the imported resources and busy time, and the lease.
    pub reset: bool,
    pub busy_version: i64,
    pub next_run_at: i64,
}

/// What changing `old` to `new` at `now` does to the sync state; `None` when nothing
/// changes.
pub(crate) fn settings_change(
    old: &CalendarConnection,
    new: &CalendarSettings,
    now: i64,
) -> Option<SettingsChange> {
    if old.settings == *new {
        return None;
    }
    let reset = old.settings.resets_import(new);
    // A reset changes the busy time, and so does reading it or no longer reading it.
    let busy_changed = reset || old.settings.busy != new.busy;
    let next_run_at = if reset || old.settings.password_changed(new) {
        old.next_run_at.min(now)
    } else {
        old.next_run_at
            .min(now.saturating_add(i64::from(new.refresh_minutes).saturating_mul(60)))
    };
    Some(SettingsChange {
        reset,
        busy_version: old.busy_version + i64::from(busy_changed),
        next_run_at,
    })
}

/// The writes that bring the stored resources of a connection to what a sync found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ApplyPlan {
    /// Resources to delete with their busy rows.
    pub delete: Vec<String>,
    /// Resources to insert or whose etag to update.
    pub upsert: Vec<(String, Option<String>)>,
    /// Resources whose busy rows are replaced by `insert`.
    pub replace: Vec<String>,
    /// `(href, start, end)`.
    pub insert: Vec<(String, i64, i64)>,
    /// Whether the busy time changed.
    pub changed: bool,
}

/// Sorted, without empty or repeated intervals: the form busy rows are compared in.
fn normalised(intervals: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut intervals: Vec<(i64, i64)> = intervals
        .iter()
        .copied()
        .filter(|(start, end)| start < end)
        .collect();
    intervals.sort_unstable();
    intervals.dedup();
    intervals
}

/// Compares a sync's `delta` with the stored resources (`href → etag`) and busy rows
/// (`href → intervals`) of the connection.
pub(crate) fn plan_apply(
    stored: &HashMap<String, Option<String>>,
    stored_busy: &HashMap<String, Vec<(i64, i64)>>,
    delta: &CalendarDelta,
) -> ApplyPlan {
    let mut plan = ApplyPlan::default();
    // The last occurrence of an href wins, as if the upserts were applied in order.
    let mut upserts: HashMap<&str, &ResourceBusy> = HashMap::new();
    for resource in &delta.upserts {
        upserts.insert(resource.href.as_str(), resource);
    }
    let removed: HashSet<&str> = delta.removed.iter().map(String::as_str).collect();
    let mut deleted: HashSet<&str> = HashSet::new();
    for href in stored.keys() {
        let gone =
            removed.contains(href.as_str()) || (delta.full && !upserts.contains_key(href.as_str()));
        if gone {
            deleted.insert(href.as_str());
        }
    }
    let mut hrefs: Vec<&str> = upserts.keys().copied().collect();
    hrefs.sort_unstable();
    for href in hrefs {
        if removed.contains(href) {
            continue;
        }
        let resource = upserts[href];
        let new = normalised(&resource.intervals);
        let old = stored_busy
            .get(href)
            .map(|intervals| normalised(intervals))
            .unwrap_or_default();
        if stored.get(href) != Some(&resource.etag) {
            plan.upsert.push((href.to_string(), resource.etag.clone()));
        }
        if new != old {
            plan.changed = true;
            if stored.contains_key(href) {
                plan.replace.push(href.to_string());
            }
            plan.insert.extend(
                new.into_iter()
                    .map(|(start, end)| (href.to_string(), start, end)),
            );
        }
    }
    let mut deleted: Vec<&str> = deleted.into_iter().collect();
    deleted.sort_unstable();
    for href in deleted {
        if stored_busy.get(href).is_some_and(|rows| !rows.is_empty()) {
            plan.changed = true;
        }
        plan.delete.push(href.to_string());
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(href: &str, etag: &str, intervals: &[(i64, i64)]) -> ResourceBusy {
        ResourceBusy {
            href: href.into(),
            etag: Some(etag.into()),
            intervals: intervals.to_vec(),
        }
    }

    /// `(href, etag, intervals)`.
    type StoredRow<'a> = (&'a str, &'a str, &'a [(i64, i64)]);

    fn stored(rows: &[StoredRow]) -> StoredState {
        (
            rows.iter()
                .map(|(href, etag, _)| (href.to_string(), Some(etag.to_string())))
                .collect(),
            rows.iter()
                .map(|(href, _, intervals)| (href.to_string(), intervals.to_vec()))
                .collect(),
        )
    }

    type StoredState = (
        HashMap<String, Option<String>>,
        HashMap<String, Vec<(i64, i64)>>,
    );

    fn delta(full: bool, upserts: Vec<ResourceBusy>, removed: &[&str]) -> CalendarDelta {
        CalendarDelta {
            full,
            upserts,
            removed: removed.iter().map(|href| href.to_string()).collect(),
            cursor: serde_json::Value::Null,
        }
    }

    #[test]
    fn a_new_etag_with_the_same_busy_time_is_no_change() {
        let (etags, busy) = stored(&[("a", "1", &[(10, 20)])]);
        let plan = plan_apply(
            &etags,
            &busy,
            &delta(
                false,
                vec![resource("a", "2", &[(10, 20), (10, 20), (5, 5)])],
                &[],
            ),
        );
        assert_eq!(plan.upsert, vec![("a".to_string(), Some("2".to_string()))]);
        assert!(plan.replace.is_empty() && plan.insert.is_empty() && !plan.changed);
    }

    #[test]
    fn full_drops_unlisted_and_incremental_keeps_them() {
        let (etags, busy) = stored(&[("a", "1", &[(10, 20)]), ("b", "1", &[])]);
        let incremental = plan_apply(&etags, &busy, &delta(false, Vec::new(), &[]));
        assert_eq!(incremental, ApplyPlan::default());
        let full = plan_apply(&etags, &busy, &delta(true, Vec::new(), &[]));
        assert_eq!(full.delete, vec!["a".to_string(), "b".to_string()]);
        assert!(full.changed);
        // Dropping only a resource without busy time changes no busy time.
        let only_b = plan_apply(
            &etags,
            &busy,
            &delta(true, vec![resource("a", "1", &[(10, 20)])], &[]),
        );
        assert_eq!(only_b.delete, vec!["b".to_string()]);
        assert!(!only_b.changed);
    }

    #[test]
    fn changed_intervals_replace_the_stored_rows() {
        let (etags, busy) = stored(&[("a", "1", &[(10, 20)])]);
        let plan = plan_apply(
            &etags,
            &busy,
            &delta(
                false,
                vec![
                    resource("a", "2", &[(30, 40), (10, 20)]),
                    resource("n", "1", &[(1, 2)]),
                ],
                &["gone"],
            ),
        );
        assert!(plan.changed);
        assert_eq!(plan.replace, vec!["a".to_string()]);
        assert_eq!(
            plan.insert,
            vec![
                ("a".to_string(), 10, 20),
                ("a".to_string(), 30, 40),
                ("n".to_string(), 1, 2)
            ]
        );
        assert!(plan.delete.is_empty(), "an unknown removed href is ignored");
    }
}
