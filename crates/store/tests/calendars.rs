//! Calendar connections on both backends: configuration sync (insert, update, reset,
//! delete), the sync lease (exclusive across instances, taken over once expired, refused
//! writes after it is lost), applying full and incremental syncs, busy reads per host and
//! range, versions that move only on change, failure bookkeeping, "sync now", write-back
//! records and what deleting a connection takes with it.

#[allow(dead_code)]
mod common;

use std::{collections::HashSet, sync::Arc};

use common::each_backend;
use openslot_store::{
    AuditEntry, CalendarConnection, CalendarDelta, CalendarSettings, CalendarWrite, NewJob,
    ResourceBusy, Store,
};
use serde_json::json;

fn settings(id: &str, host: &str, url: &str) -> CalendarSettings {
    CalendarSettings {
        id: id.into(),
        host_id: host.into(),
        kind: "caldav".into(),
        url: url.into(),
        username: Some("ada".into()),
        password_env: Some("ADA_PASSWORD".into()),
        password_enc: None,
        busy: true,
        write: false,
        refresh_minutes: 5,
        all_day_busy: true,
        origin: "config".into(),
        account_id: None,
    }
}

fn audit(id: &str, action: &str, target: &str) -> AuditEntry {
    AuditEntry {
        id: id.into(),
        at: 1,
        actor: "admin:ops@example.com".into(),
        action: action.into(),
        target: target.into(),
        before: None,
        after: None,
    }
}

fn resource(href: &str, etag: &str, intervals: &[(i64, i64)]) -> ResourceBusy {
    ResourceBusy {
        href: href.into(),
        etag: Some(etag.into()),
        intervals: intervals.to_vec(),
    }
}

fn delta(full: bool, upserts: Vec<ResourceBusy>, removed: &[&str], cursor: i64) -> CalendarDelta {
    CalendarDelta {
        full,
        upserts,
        removed: removed.iter().map(|href| href.to_string()).collect(),
        cursor: json!({ "token": cursor }),
    }
}

async fn connection(store: &dyn Store, id: &str) -> CalendarConnection {
    store.calendar_connection(id).await.unwrap().unwrap()
}

/// Claims `id` (the only due connection) for `worker` and applies `delta`.
async fn sync(store: &dyn Store, id: &str, worker: &str, delta: &CalendarDelta, now: i64) {
    let claimed = store
        .claim_calendar_sync(worker, now, 60)
        .await
        .unwrap()
        .expect("a due connection");
    assert_eq!(claimed.settings.id, id);
    assert!(store
        .apply_calendar_sync(id, worker, delta, now, now + 300)
        .await
        .unwrap());
}

#[tokio::test]
async fn configuration_sync_inserts_updates_resets_and_deletes() {
    each_backend(|db| async move {
        let store = db.open().await;
        let store = store.as_ref();
        let a = settings("a", "ada", "https://dav.example.com/ada/");
        let b = CalendarSettings {
            kind: "ics".into(),
            username: None,
            password_env: None,
            ..settings("b", "bo", "https://example.com/bo.ics")
        };
        let mut admin = settings("c", "ada", "https://other.example.com/");
        admin.origin = "config".into(); // ignored: saved as admin
        store
            .sync_config_calendars(&[a.clone(), b.clone()], 1_000)
            .await
            .unwrap();
        store
            .save_calendar_connection(
                &admin,
                &audit("au1", "calendar.create", "calendar:c"),
                1_001,
            )
            .await
            .unwrap();
        let all = store.calendar_connections().await.unwrap();
        let ids: Vec<&str> = all.iter().map(|c| c.settings.id.as_str()).collect();
        assert_eq!(ids, ["a", "c", "b"], "by host, then creation");
        assert_eq!(all[0].settings, a);
        assert_eq!(all[1].settings.origin, "admin");
        assert_eq!(all[0].next_run_at, 1_000);
        assert_eq!(all[0].cursor, serde_json::Value::Null);
        assert_eq!((all[0].busy_version, all[0].events_imported), (0, 0));
        assert_eq!(
            store
                .audit_entries(Some("calendar:c"), 10)
                .await
                .unwrap()
                .len(),
            1
        );

        // b and c synced first and not due again for long, then an import into a.
        store.request_calendar_sync("b", 900).await.unwrap();
        store.request_calendar_sync("c", 901).await.unwrap();
        for id in ["b", "c"] {
            let first = store
                .claim_calendar_sync("w", 1_000, 60)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(first.settings.id, id);
            assert!(store
                .apply_calendar_sync(id, "w", &delta(true, Vec::new(), &[], 1), 1_000, 100_000)
                .await
                .unwrap());
        }
        let imported = delta(true, vec![resource("/1.ics", "e1", &[(100, 200)])], &[], 7);
        sync(store, "a", "w", &imported, 1_010).await;
        let before = connection(store, "a").await;
        assert_eq!(before.busy_version, 1);
        assert_eq!(before.next_run_at, 1_310);

        // The same list again changes nothing.
        store
            .sync_config_calendars(&[a.clone(), b.clone()], 1_020)
            .await
            .unwrap();
        assert_eq!(connection(store, "a").await, before);

        // A shorter refresh keeps the import and brings the next run forward.
        let shorter = CalendarSettings {
            refresh_minutes: 1,
            write: true,
            ..a.clone()
        };
        store
            .sync_config_calendars(&[shorter.clone(), b.clone()], 1_030)
            .await
            .unwrap();
        let after = connection(store, "a").await;
        assert_eq!(after.settings, shorter);
        assert_eq!(after.cursor, json!({"token": 7}));
        assert_eq!((after.busy_version, after.events_imported), (1, 1));
        assert_eq!(after.next_run_at, 1_090);
        assert_eq!(
            store.calendar_busy("ada", 0, 1_000).await.unwrap(),
            [(100, 200)]
        );

        // A new password keeps the import and makes it due now.
        let password = CalendarSettings {
            password_env: Some("NEW_PASSWORD".into()),
            ..shorter.clone()
        };
        store
            .sync_config_calendars(&[password.clone(), b.clone()], 1_040)
            .await
            .unwrap();
        let after = connection(store, "a").await;
        assert_eq!((after.next_run_at, after.busy_version), (1_040, 1));
        assert_eq!(after.cursor, json!({"token": 7}));

        // Another URL (while a sync holds the lease) drops the import, the cursor and the
        // lease: the sync in flight can no longer write.
        let leased = store
            .claim_calendar_sync("w1", 1_050, 60)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(leased.settings.id, "a");
        let moved = CalendarSettings {
            url: "https://dav.example.com/ada/work/".into(),
            ..password.clone()
        };
        store
            .sync_config_calendars(&[moved.clone(), b.clone()], 1_060)
            .await
            .unwrap();
        let after = connection(store, "a").await;
        assert_eq!(after.cursor, serde_json::Value::Null);
        assert_eq!((after.busy_version, after.events_imported), (2, 0));
        assert_eq!(after.next_run_at, 1_040);
        assert_eq!((after.locked_by, after.lease_until), (None, None));
        assert!(store
            .calendar_busy("ada", 0, 1_000)
            .await
            .unwrap()
            .is_empty());
        assert!(store.calendar_resource_etags("a").await.unwrap().is_empty());
        assert!(!store
            .apply_calendar_sync("a", "w1", &imported, 1_070, 2_000)
            .await
            .unwrap());
        assert!(store
            .calendar_busy("ada", 0, 1_000)
            .await
            .unwrap()
            .is_empty());

        // A calendar no longer listed goes; admin ones stay; a listed id stored by an admin
        // is taken over by the configuration.
        let taken = CalendarSettings {
            refresh_minutes: 9,
            ..settings("c", "ada", "https://other.example.com/")
        };
        store
            .sync_config_calendars(&[moved.clone(), taken.clone()], 1_080)
            .await
            .unwrap();
        let ids: Vec<String> = store
            .calendar_connections()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.settings.id)
            .collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(connection(store, "c").await.settings, taken);
        store
            .save_calendar_connection(
                &settings("d", "bo", "https://dav.example.com/bo/"),
                &audit("au2", "calendar.create", "calendar:d"),
                1_090,
            )
            .await
            .unwrap();
        store.sync_config_calendars(&[], 1_100).await.unwrap();
        let ids: Vec<String> = store
            .calendar_connections()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.settings.id)
            .collect();
        assert_eq!(ids, ["d"]);
    })
    .await;
}

#[tokio::test]
async fn four_instances_never_claim_the_same_connection() {
    each_backend(|db| async move {
        let store = db.open().await;
        let calendars: Vec<CalendarSettings> = (0..40)
            .map(|index| {
                settings(
                    &format!("cal{index:02}"),
                    &format!("host{}", index % 5),
                    &format!("https://dav.example.com/{index}/"),
                )
            })
            .collect();
        store.sync_config_calendars(&calendars, 100).await.unwrap();
        let mut instances: Vec<Arc<dyn Store>> = Vec::new();
        for _ in 0..4 {
            instances.push(db.connect().await);
        }
        let mut claimers = Vec::new();
        for (index, instance) in instances.into_iter().enumerate() {
            claimers.push(tokio::spawn(async move {
                let worker = format!("instance{index}");
                let mut claimed = Vec::new();
                // Leases are kept, so nothing claimed may be handed out again.
                while let Some(connection) = instance
                    .claim_calendar_sync(&worker, 200, 600)
                    .await
                    .unwrap()
                {
                    assert_eq!(connection.locked_by.as_deref(), Some(worker.as_str()));
                    assert_eq!(connection.lease_until, Some(800));
                    claimed.push((connection.settings.id, worker.clone()));
                }
                claimed
            }));
        }
        let mut all = Vec::new();
        for claimer in claimers {
            all.extend(claimer.await.unwrap());
        }
        assert_eq!(
            all.len(),
            40,
            "every connection claimed exactly once: {all:?}"
        );
        let unique: HashSet<&String> = all.iter().map(|(id, _)| id).collect();
        assert_eq!(unique.len(), 40);
        for (id, worker) in &all {
            assert_eq!(
                connection(store.as_ref(), id).await.locked_by.as_deref(),
                Some(worker.as_str())
            );
        }
        assert!(store
            .claim_calendar_sync("late", 799, 600)
            .await
            .unwrap()
            .is_none());
        assert_eq!(store.next_calendar_sync_at().await.unwrap(), Some(800));
    })
    .await;
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_the_old_worker_writes_nothing() {
    each_backend(|db| async move {
        let store = db.open().await;
        let store = store.as_ref();
        store
            .sync_config_calendars(&[settings("a", "ada", "https://dav.example.com/a/")], 1_000)
            .await
            .unwrap();
        assert!(
            store
                .claim_calendar_sync("w1", 999, 60)
                .await
                .unwrap()
                .is_none(),
            "not due"
        );
        let claimed = store
            .claim_calendar_sync("w1", 1_000, 60)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.lease_until, Some(1_060));
        assert!(store
            .claim_calendar_sync("w2", 1_030, 60)
            .await
            .unwrap()
            .is_none());
        assert!(store
            .renew_calendar_sync("a", "w1", 1_050, 60)
            .await
            .unwrap());
        assert!(!store
            .renew_calendar_sync("a", "w2", 1_050, 60)
            .await
            .unwrap());
        assert!(store
            .claim_calendar_sync("w2", 1_109, 60)
            .await
            .unwrap()
            .is_none());
        let taken = store
            .claim_calendar_sync("w2", 1_110, 60)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(taken.locked_by.as_deref(), Some("w2"));

        let stale = delta(true, vec![resource("/old.ics", "x", &[(10, 20)])], &[], 1);
        assert!(!store
            .renew_calendar_sync("a", "w1", 1_111, 60)
            .await
            .unwrap());
        assert!(!store
            .apply_calendar_sync("a", "w1", &stale, 1_111, 9_000)
            .await
            .unwrap());
        assert!(store
            .fail_calendar_sync("a", "w1", "late", 1_111, 9_000)
            .await
            .unwrap()
            .is_none());
        let untouched = connection(store, "a").await;
        assert_eq!(untouched.cursor, serde_json::Value::Null);
        assert_eq!(untouched.last_error, None);
        assert_eq!(untouched.locked_by.as_deref(), Some("w2"));
        assert!(store.calendar_busy("ada", 0, 100).await.unwrap().is_empty());

        let fresh = delta(true, vec![resource("/new.ics", "y", &[(30, 40)])], &[], 2);
        assert!(store
            .apply_calendar_sync("a", "w2", &fresh, 1_120, 1_420)
            .await
            .unwrap());
        let done = connection(store, "a").await;
        assert_eq!((done.locked_by, done.lease_until), (None, None));
        assert_eq!(done.next_run_at, 1_420);
        assert_eq!(
            store.calendar_busy("ada", 0, 100).await.unwrap(),
            [(30, 40)]
        );
        // Once released, the lease is nobody's.
        assert!(!store
            .apply_calendar_sync("a", "w2", &fresh, 1_121, 1_420)
            .await
            .unwrap());
    })
    .await;
}

#[tokio::test]
async fn full_and_incremental_syncs_keep_busy_time_and_versions() {
    each_backend(|db| async move {
        let store = db.open().await;
        let store = store.as_ref();
        let ada = settings("a", "ada", "https://dav.example.com/a/");
        let bo = settings("b", "bo", "https://dav.example.com/b/");
        store
            .sync_config_calendars(&[ada.clone(), bo.clone()], 0)
            .await
            .unwrap();
        let first = delta(
            true,
            vec![
                resource("/1.ics", "e1", &[(300, 400), (100, 200)]),
                resource("/2.ics", "e1", &[(150, 250)]),
                resource("/empty.ics", "e1", &[(500, 500)]),
            ],
            &[],
            1,
        );
        sync(store, "a", "w", &first, 10).await;
        // b is not due again during the test.
        store
            .claim_calendar_sync("w", 10, 60)
            .await
            .unwrap()
            .unwrap();
        let bo_busy = delta(true, vec![resource("/x", "1", &[(120, 130)])], &[], 1);
        assert!(store
            .apply_calendar_sync("b", "w", &bo_busy, 10, 1_000_000)
            .await
            .unwrap());
        let a = connection(store, "a").await;
        assert_eq!((a.busy_version, a.events_imported), (1, 3));
        assert_eq!((a.last_attempt_at, a.last_success_at), (Some(10), Some(10)));
        assert_eq!(a.cursor, json!({"token": 1}));
        assert_eq!(
            store.calendar_resource_etags("a").await.unwrap(),
            [
                ("/1.ics".to_string(), Some("e1".to_string())),
                ("/2.ics".to_string(), Some("e1".to_string())),
                ("/empty.ics".to_string(), Some("e1".to_string())),
            ]
        );
        assert_eq!(
            store.calendar_busy("ada", 0, 1_000).await.unwrap(),
            [(100, 200), (150, 250), (300, 400)]
        );
        // Overlapping [210, 320): not (100, 200), which ends before; half-open at both ends.
        assert_eq!(
            store.calendar_busy("ada", 210, 320).await.unwrap(),
            [(150, 250), (300, 400)]
        );
        assert!(store
            .calendar_busy("ada", 400, 1_000)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            store.calendar_busy("bo", 0, 1_000).await.unwrap(),
            [(120, 130)]
        );

        // A new etag with the same busy time: no new version.
        let same = delta(
            false,
            vec![resource("/1.ics", "e2", &[(100, 200), (300, 400)])],
            &[],
            2,
        );
        sync(store, "a", "w", &same, 400).await;
        let a = connection(store, "a").await;
        assert_eq!(a.busy_version, 1);
        assert_eq!(a.cursor, json!({"token": 2}));
        assert_eq!(
            store.calendar_resource_etags("a").await.unwrap()[0],
            ("/1.ics".to_string(), Some("e2".to_string()))
        );
        // Nothing at all changed: no new version either.
        sync(store, "a", "w", &delta(false, Vec::new(), &[], 3), 800).await;
        assert_eq!(connection(store, "a").await.busy_version, 1);

        // Incremental: a removed resource and a moved event.
        let moved = delta(
            false,
            vec![resource("/1.ics", "e3", &[(600, 700), (100, 200)])],
            &["/2.ics"],
            4,
        );
        sync(store, "a", "w", &moved, 1_200).await;
        let a = connection(store, "a").await;
        assert_eq!((a.busy_version, a.events_imported), (2, 2));
        assert_eq!(
            store.calendar_busy("ada", 0, 1_000).await.unwrap(),
            [(100, 200), (600, 700)]
        );
        assert_eq!(store.calendar_resource_etags("a").await.unwrap().len(), 2);

        // Incremental keeps what it does not mention; full drops it.
        let new = delta(false, vec![resource("/3.ics", "e1", &[(800, 900)])], &[], 5);
        sync(store, "a", "w", &new, 1_600).await;
        assert_eq!(store.calendar_busy("ada", 0, 1_000).await.unwrap().len(), 3);
        let only = delta(true, vec![resource("/3.ics", "e1", &[(800, 900)])], &[], 6);
        sync(store, "a", "w", &only, 2_000).await;
        let a = connection(store, "a").await;
        assert_eq!((a.busy_version, a.events_imported), (4, 1));
        assert_eq!(
            store.calendar_busy("ada", 0, 1_000).await.unwrap(),
            [(800, 900)]
        );
        assert_eq!(
            store.calendar_resource_etags("a").await.unwrap(),
            [("/3.ics".to_string(), Some("e1".to_string()))]
        );

        // Every host at once, by host then start.
        let mut seen = Vec::new();
        store
            .for_each_calendar_busy(&mut |host, start, end| {
                seen.push((host.to_string(), start, end))
            })
            .await
            .unwrap();
        assert_eq!(
            seen,
            [("ada".to_string(), 800, 900), ("bo".to_string(), 120, 130)]
        );

        // A connection not read for busy time counts for nothing, and says so in a new
        // version.
        let quiet = CalendarSettings {
            busy: false,
            ..bo.clone()
        };
        store
            .sync_config_calendars(&[ada.clone(), quiet], 2_100)
            .await
            .unwrap();
        assert!(store
            .calendar_busy("bo", 0, 1_000)
            .await
            .unwrap()
            .is_empty());
        let mut seen = Vec::new();
        store
            .for_each_calendar_busy(&mut |host, start, end| {
                seen.push((host.to_string(), start, end))
            })
            .await
            .unwrap();
        assert_eq!(seen, [("ada".to_string(), 800, 900)]);
        let versions = store.calendar_versions().await.unwrap();
        let summary: Vec<(&str, &str, i64, Option<i64>, bool)> = versions
            .iter()
            .map(|v| {
                (
                    v.connection_id.as_str(),
                    v.host_id.as_str(),
                    v.busy_version,
                    v.last_success_at,
                    v.busy,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a", "ada", 4, Some(2_000), true),
                ("b", "bo", 2, Some(10), false)
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn failures_are_recorded_and_sync_now_runs_again() {
    each_backend(|db| async move {
        let store = db.open().await;
        let store = store.as_ref();
        store
            .sync_config_calendars(&[settings("a", "ada", "https://dav.example.com/a/")], 0)
            .await
            .unwrap();
        store
            .claim_calendar_sync("w", 0, 60)
            .await
            .unwrap()
            .unwrap();
        let failed = store
            .fail_calendar_sync("a", "w", "connection refused", 10, 70)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(failed.last_error.as_deref(), Some("connection refused"));
        assert_eq!(
            (failed.last_attempt_at, failed.failing_since),
            (Some(10), Some(10))
        );
        assert_eq!(failed.last_success_at, None);
        assert_eq!((failed.locked_by, failed.next_run_at), (None, 70));
        assert_eq!(store.next_calendar_sync_at().await.unwrap(), Some(70));

        store
            .claim_calendar_sync("w", 70, 60)
            .await
            .unwrap()
            .unwrap();
        let again = store
            .fail_calendar_sync("a", "w", "HTTP 500", 80, 200)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            again.failing_since,
            Some(10),
            "a run of failures keeps its start"
        );
        assert_eq!(again.last_error.as_deref(), Some("HTTP 500"));

        let alert = |id: &str| NewJob {
            id: id.to_string(),
            kind: "mail".into(),
            payload: json!({"message": "ops_calendar_failing", "connection_id": "a"}),
            run_at: 80,
            max_attempts: 3,
            booking_id: None,
            order_key: None,
            embed_booking: false,
        };
        assert!(store
            .set_calendar_alerted("a", true, &[alert("alert-1")], 80)
            .await
            .unwrap());
        assert!(
            !store
                .set_calendar_alerted("a", true, &[alert("alert-2")], 80)
                .await
                .unwrap(),
            "one alert"
        );
        assert!(!store
            .set_calendar_alerted("missing", true, &[alert("alert-3")], 80)
            .await
            .unwrap());
        let queued: Vec<String> = store
            .jobs(50)
            .await
            .unwrap()
            .into_iter()
            .map(|job| job.id)
            .filter(|id| id.starts_with("alert-"))
            .collect();
        assert_eq!(
            queued,
            vec!["alert-1".to_string()],
            "the e-mail goes with the flag, once"
        );
        // Jobs that come with no change of their own (writing existing bookings into a new
        // calendar) are queued as given.
        store.enqueue_jobs(&[], 81).await.unwrap();
        store
            .enqueue_jobs(&[alert("backfill-1"), alert("backfill-2")], 81)
            .await
            .unwrap();
        let mut queued: Vec<String> = store
            .jobs(50)
            .await
            .unwrap()
            .into_iter()
            .map(|job| job.id)
            .filter(|id| id.starts_with("backfill-"))
            .collect();
        queued.sort();
        assert_eq!(queued, ["backfill-1", "backfill-2"]);

        // "Sync now" while idle: due at once.
        assert!(store.request_calendar_sync("a", 90).await.unwrap());
        assert!(!store.request_calendar_sync("missing", 90).await.unwrap());
        assert_eq!(connection(store, "a").await.next_run_at, 90);
        store
            .claim_calendar_sync("w", 90, 60)
            .await
            .unwrap()
            .unwrap();
        // "Sync now" during a sync: another right after it.
        assert!(store.request_calendar_sync("a", 95).await.unwrap());
        assert!(store
            .apply_calendar_sync("a", "w", &delta(true, Vec::new(), &[], 1), 100, 400)
            .await
            .unwrap());
        let recovered = connection(store, "a").await;
        assert_eq!(recovered.next_run_at, 100);
        assert_eq!(
            (recovered.last_error, recovered.failing_since),
            (None, None)
        );
        assert_eq!(recovered.last_success_at, Some(100));
        assert!(
            recovered.alerted,
            "cleared by whoever sends the recovery notice"
        );
        assert!(store
            .set_calendar_alerted("a", false, &[], 100)
            .await
            .unwrap());
        // The request was used up: the next sync is scheduled normally.
        store
            .claim_calendar_sync("w", 100, 60)
            .await
            .unwrap()
            .unwrap();
        assert!(store
            .apply_calendar_sync("a", "w", &delta(false, Vec::new(), &[], 2), 110, 400)
            .await
            .unwrap());
        assert_eq!(connection(store, "a").await.next_run_at, 400);
    })
    .await;
}

#[tokio::test]
async fn writes_are_kept_per_booking_and_deleting_a_connection_takes_everything() {
    each_backend(|db| async move {
        let store = db.open().await;
        let store = store.as_ref();
        store
            .sync_config_calendars(
                &[
                    settings("a", "ada", "https://dav.example.com/a/"),
                    settings("b", "ada", "https://dav.example.com/b/"),
                ],
                0,
            )
            .await
            .unwrap();
        let write = |connection: &str, sequence: u32| CalendarWrite {
            booking_id: "bk1".into(),
            connection_id: connection.into(),
            href: format!("/{connection}/bk1.ics"),
            etag: Some(format!("\"{sequence}\"")),
            sequence,
            updated_at: 10 + i64::from(sequence),
        };
        store.save_calendar_write(&write("b", 0)).await.unwrap();
        store.save_calendar_write(&write("a", 0)).await.unwrap();
        store.save_calendar_write(&write("a", 1)).await.unwrap();
        assert_eq!(
            store.calendar_writes("bk1").await.unwrap(),
            [write("a", 1), write("b", 0)]
        );
        assert!(store.calendar_writes("other").await.unwrap().is_empty());
        assert!(store.delete_calendar_write("bk1", "b").await.unwrap());
        assert!(!store.delete_calendar_write("bk1", "b").await.unwrap());
        assert_eq!(store.calendar_writes("bk1").await.unwrap(), [write("a", 1)]);

        for id in ["a", "b"] {
            let imported = delta(true, vec![resource("/1.ics", "e", &[(100, 200)])], &[], 1);
            sync(store, id, "w", &imported, 10).await;
        }
        assert_eq!(store.calendar_busy("ada", 0, 1_000).await.unwrap().len(), 2);

        assert!(store
            .delete_calendar_connection("a", &audit("au1", "calendar.delete", "calendar:a"))
            .await
            .unwrap());
        assert!(!store
            .delete_calendar_connection("a", &audit("au2", "calendar.delete", "calendar:a"))
            .await
            .unwrap());
        assert_eq!(
            store
                .audit_entries(Some("calendar:a"), 10)
                .await
                .unwrap()
                .len(),
            1,
            "audited once, when it was deleted"
        );
        assert!(store.calendar_connection("a").await.unwrap().is_none());
        assert!(store.calendar_writes("bk1").await.unwrap().is_empty());
        assert!(store.calendar_resource_etags("a").await.unwrap().is_empty());
        assert_eq!(
            store.calendar_busy("ada", 0, 1_000).await.unwrap(),
            [(100, 200)]
        );
        for table in ["calendar_busy", "calendar_resources", "calendar_writes"] {
            assert_eq!(
                db.scalar(&format!(
                    "SELECT count(*) FROM {table} WHERE connection_id = 'a'"
                ))
                .await,
                0,
                "{table}"
            );
        }
        let versions = store.calendar_versions().await.unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].connection_id, "b");
    })
    .await;
}

#[tokio::test]
async fn a_large_import_and_a_small_change_after_it() {
    // The size of the benchmark host: 5,000 events, 200 of them weekly series
    // expanded over 400 days. It must fit in one call (PostgreSQL: within the call deadline).
    each_backend(|db| async move {
        let store = db.open().await;
        let store = store.as_ref();
        store
            .sync_config_calendars(&[settings("a", "ada", "https://dav.example.com/a/")], 0)
            .await
            .unwrap();
        const WEEK: i64 = 7 * 86_400;
        let resources: Vec<ResourceBusy> = (0..5_000i64)
            .map(|index| {
                let start = 1_800_000_000 + index * 3_600;
                let instances = if index < 200 { 57 } else { 1 };
                let intervals = (0..instances)
                    .map(|week| (start + week * WEEK, start + week * WEEK + 1_800))
                    .collect::<Vec<_>>();
                resource(&format!("/ada/{index}.ics"), "1", &intervals)
            })
            .collect();
        let rows = 200 * 57 + 4_800;
        let started = std::time::Instant::now();
        sync(store, "a", "w", &delta(true, resources.clone(), &[], 1), 10).await;
        let first = started.elapsed();
        let a = connection(store, "a").await;
        assert_eq!((a.events_imported, a.busy_version), (rows, 1));

        let mut changed: Vec<ResourceBusy> = resources[..10].to_vec();
        for resource in &mut changed {
            resource.etag = Some("2".into());
            resource.intervals.truncate(1);
        }
        let started = std::time::Instant::now();
        sync(
            store,
            "a",
            "w",
            &delta(false, changed, &["/ada/4999.ics"], 2),
            400,
        )
        .await;
        let incremental = started.elapsed();
        let a = connection(store, "a").await;
        assert_eq!((a.events_imported, a.busy_version), (rows - 10 * 56 - 1, 2));
        let mut count = 0;
        store
            .for_each_calendar_busy(&mut |_, _, _| count += 1)
            .await
            .unwrap();
        assert_eq!(count, rows - 10 * 56 - 1);
        println!(
            "{:?}: first import of {rows} busy rows {first:?}, incremental {incremental:?}",
            db.backend
        );
    })
    .await;
}

#[tokio::test]
async fn instances_starting_together_and_a_delete_racing_a_sync() {
    each_backend(|db| async move {
        let store = db.open().await;
        let calendars: Vec<CalendarSettings> = (0..20)
            .map(|index| {
                settings(
                    &format!("cal{index:02}"),
                    "ada",
                    &format!("https://dav.example.com/{index}/"),
                )
            })
            .collect();
        // Four instances start with the same configuration at once: all succeed, one row
        // per calendar.
        let mut starts = Vec::new();
        for _ in 0..4 {
            let instance = db.connect().await;
            let calendars = calendars.clone();
            starts.push(tokio::spawn(async move {
                instance.sync_config_calendars(&calendars, 0).await
            }));
        }
        for start in starts {
            start.await.unwrap().unwrap();
        }
        assert_eq!(store.calendar_connections().await.unwrap().len(), 20);

        // Deleting connections while their syncs are applied: each sync either lands
        // before the delete (which then takes it away) or finds the connection gone.
        let other = db.connect().await;
        let mut races = Vec::new();
        for calendar in &calendars {
            let id = calendar.id.clone();
            let claimed = store
                .claim_calendar_sync("w", 10, 60)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(claimed.settings.id, id);
            let syncer = store.clone();
            let deleter = other.clone();
            races.push(tokio::spawn(async move {
                let imported = delta(
                    true,
                    vec![resource("/1.ics", "e", &[(1, 2), (3, 4)])],
                    &[],
                    1,
                );
                let entry = audit(
                    &format!("audit-{id}"),
                    "calendar.delete",
                    &format!("calendar:{id}"),
                );
                let apply = syncer.apply_calendar_sync(&id, "w", &imported, 11, 1_000);
                let delete = deleter.delete_calendar_connection(&id, &entry);
                let (applied, deleted) = tokio::join!(apply, delete);
                applied.unwrap();
                assert!(deleted.unwrap());
            }));
        }
        for race in races {
            race.await.unwrap();
        }
        assert!(store.calendar_connections().await.unwrap().is_empty());
        assert!(store.calendar_busy("ada", 0, 100).await.unwrap().is_empty());
        for table in ["calendar_busy", "calendar_resources"] {
            assert_eq!(
                db.scalar(&format!("SELECT count(*) FROM {table}")).await,
                0,
                "{table}"
            );
        }
    })
    .await;
}
