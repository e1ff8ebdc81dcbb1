//! The CalDAV client against real servers (Radicale and Xandikos, started on loopback by
//! `openslot_calendar::testing`): discovery, incremental sync (sync-token and the
//! ctag/ETag fallback), multiget, time-range queries, and writing events.

use std::collections::BTreeMap;
use std::time::Duration;

use openslot_calendar::caldav::{self, Cursor, SyncMode};
use openslot_calendar::testing::{require, CalDavServer, ServerKind};
use openslot_calendar::{CalendarError, Endpoint, Fetch, Http, Written};

fn http() -> Http {
    Http::new(Duration::from_secs(10)).unwrap()
}

fn event(uid: &str, start: &str, end: &str, summary: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openslot//test//EN\r\nBEGIN:VEVENT\r\n\
         UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n\
         SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// What the sync engine would have stored: href → (etag, ics).
#[derive(Default, Debug)]
struct Stored {
    cursor: serde_json::Value,
    resources: BTreeMap<String, (Option<String>, String)>,
}

impl Stored {
    fn known(&self) -> Vec<(String, Option<String>)> {
        self.resources
            .iter()
            .map(|(href, (etag, _))| (href.clone(), etag.clone()))
            .collect()
    }

    /// Applies a fetch; returns (upserted hrefs, removed hrefs) for assertions.
    fn apply(&mut self, fetch: Fetch) -> (Vec<String>, Vec<String>) {
        match fetch {
            Fetch::Unchanged { cursor } => {
                self.cursor = cursor;
                (Vec::new(), Vec::new())
            }
            Fetch::Changed {
                cursor,
                full,
                upserts,
                removed,
            } => {
                self.cursor = cursor;
                if full {
                    self.resources.clear();
                }
                let upserted = upserts.iter().map(|r| r.href.clone()).collect();
                for resource in upserts {
                    self.resources
                        .insert(resource.href, (resource.etag, resource.ics));
                }
                for href in &removed {
                    self.resources.remove(href);
                }
                (upserted, removed)
            }
        }
    }

    fn summaries(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .resources
            .values()
            .filter_map(|(_, ics)| {
                ics.lines()
                    .find_map(|line| line.trim_end().strip_prefix("SUMMARY:"))
                    .map(str::to_owned)
            })
            .collect();
        all.sort();
        all
    }

    async fn sync(&mut self, endpoint: &Endpoint, mode: SyncMode) -> (Vec<String>, Vec<String>) {
        let fetch = caldav::sync_with(&http(), endpoint, &self.cursor, &self.known(), mode)
            .await
            .unwrap();
        self.apply(fetch)
    }
}

async fn put(endpoint: &Endpoint, collection: &str, uid: &str, summary: &str) -> Written {
    caldav::put_event(
        &http(),
        endpoint,
        collection,
        uid,
        &event(uid, "20270105T100000Z", "20270105T110000Z", summary),
        None,
    )
    .await
    .unwrap()
}

async fn start(kind: ServerKind) -> Option<CalDavServer> {
    if !require(kind) {
        return None;
    }
    Some(
        CalDavServer::start(kind)
            .await
            .unwrap_or_else(|error| panic!("{error}")),
    )
}

async fn incremental_sync(kind: ServerKind, mode: SyncMode) {
    let Some(server) = start(kind).await else {
        return;
    };
    let collection = server.create_calendar("work").await.unwrap();
    let endpoint = server.endpoint(&collection);
    let a = put(&endpoint, &collection, "a@test", "A").await;
    let b = put(&endpoint, &collection, "b@test", "B").await;

    let mut stored = Stored::default();
    let fetch = caldav::sync_with(&http(), &endpoint, &stored.cursor, &[], mode)
        .await
        .unwrap();
    assert!(
        matches!(fetch, Fetch::Changed { full: true, .. }),
        "first sync is full: {fetch:?}"
    );
    stored.apply(fetch);
    assert_eq!(stored.summaries(), ["A", "B"], "{kind:?}");
    assert!(
        stored.resources.contains_key(&a.href),
        "{:?} vs {:?}",
        a.href,
        stored
    );
    let cursor = Cursor::from_json(&stored.cursor);
    assert_eq!(cursor.home, None, "a collection URL is used as is");
    assert_eq!(cursor.collections.len(), 1);
    assert_eq!(cursor.collections[0].href, collection);
    match mode {
        SyncMode::Auto => assert!(cursor.collections[0].sync_token.is_some(), "{cursor:?}"),
        SyncMode::EtagListing => {
            assert_eq!(cursor.collections[0].sync_token, None);
            assert!(cursor.collections[0].ctag.is_some(), "{kind:?}: {cursor:?}");
        }
    }

    // Nothing changed: the token (or ctag) says so without listing.
    assert_eq!(stored.sync(&endpoint, mode).await, (vec![], vec![]));

    // Modify A, delete B, add C between syncs.
    let a2 = caldav::put_event(
        &http(),
        &endpoint,
        &collection,
        "a@test",
        &event("a@test", "20270105T120000Z", "20270105T130000Z", "A2"),
        Some(&a),
    )
    .await
    .unwrap();
    assert_eq!(a2.href, a.href);
    assert_ne!(a2.etag, a.etag);
    caldav::delete_event(&http(), &endpoint, &b).await.unwrap();
    let c = put(&endpoint, &collection, "c@test", "C").await;
    let (mut upserted, removed) = stored.sync(&endpoint, mode).await;
    upserted.sort();
    let mut expected = vec![a.href.clone(), c.href.clone()];
    expected.sort();
    assert_eq!(
        upserted, expected,
        "{kind:?} {mode:?}: only what changed is fetched"
    );
    assert_eq!(removed, vec![b.href.clone()], "{kind:?} {mode:?}");
    assert_eq!(stored.summaries(), ["A2", "C"]);
    assert_eq!(
        stored.resources[&a.href].0, a2.etag,
        "stored etag is the written one"
    );

    assert_eq!(stored.sync(&endpoint, mode).await, (vec![], vec![]));
}

#[tokio::test]
async fn sync_token_incremental_sync_radicale() {
    incremental_sync(ServerKind::Radicale, SyncMode::Auto).await;
}

#[tokio::test]
async fn sync_token_incremental_sync_xandikos() {
    incremental_sync(ServerKind::Xandikos, SyncMode::Auto).await;
}

#[tokio::test]
async fn ctag_etag_fallback_radicale() {
    incremental_sync(ServerKind::Radicale, SyncMode::EtagListing).await;
}

#[tokio::test]
async fn ctag_etag_fallback_xandikos() {
    incremental_sync(ServerKind::Xandikos, SyncMode::EtagListing).await;
}

async fn discovery_from_principal(kind: ServerKind) {
    let Some(server) = start(kind).await else {
        return;
    };
    let work = server.create_calendar("work").await.unwrap();
    let endpoint = server.endpoint(&server.principal_url());
    put(&endpoint, &work, "w@test", "W").await;

    let mut stored = Stored::default();
    stored.sync(&endpoint, SyncMode::Auto).await;
    assert_eq!(stored.summaries(), ["W"], "{kind:?}");
    let cursor = Cursor::from_json(&stored.cursor);
    assert!(cursor.home.is_some(), "{cursor:?}");
    assert!(
        cursor.collections.iter().any(|c| c.href == work),
        "{cursor:?} lacks {work}"
    );

    // A calendar added to the home later is found by the next sync; one removed takes its
    // events with it.
    // A name that needs percent-encoding in every href under it.
    let personal = server.create_calendar("my personal").await.unwrap();
    assert!(personal.ends_with("/my%20personal/"), "{personal}");
    put(&endpoint, &personal, "p@test", "P").await;
    let (upserted, _) = stored.sync(&endpoint, SyncMode::Auto).await;
    assert_eq!(upserted.len(), 1);
    assert_eq!(stored.summaries(), ["P", "W"]);
    let gone = Written {
        href: personal.clone(),
        etag: None,
    };
    caldav::delete_event(&http(), &endpoint, &gone)
        .await
        .unwrap();
    let (_, removed) = stored.sync(&endpoint, SyncMode::Auto).await;
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(stored.summaries(), ["W"]);

    // Bookings go to a calendar that holds events; a collection URL is its own.
    let target = caldav::write_collection(&http(), &endpoint, &stored.cursor)
        .await
        .unwrap();
    assert!(cursor.collections.iter().any(|c| c.href == target));
    let direct = server.endpoint(&work);
    assert_eq!(
        caldav::write_collection(&http(), &direct, &serde_json::Value::Null)
            .await
            .unwrap(),
        work
    );
}

#[tokio::test]
async fn discovery_from_principal_radicale() {
    discovery_from_principal(ServerKind::Radicale).await;
}

#[tokio::test]
async fn discovery_from_principal_xandikos() {
    discovery_from_principal(ServerKind::Xandikos).await;
}

async fn invalid_token_resyncs(kind: ServerKind) {
    let Some(server) = start(kind).await else {
        return;
    };
    let collection = server.create_calendar("work").await.unwrap();
    let endpoint = server.endpoint(&collection);
    put(&endpoint, &collection, "a@test", "A").await;
    let b = put(&endpoint, &collection, "b@test", "B").await;
    let mut stored = Stored::default();
    stored.sync(&endpoint, SyncMode::Auto).await;
    caldav::delete_event(&http(), &endpoint, &b).await.unwrap();

    let mut cursor = Cursor::from_json(&stored.cursor);
    cursor.collections[0].sync_token = Some(format!("{collection}not-a-token"));
    stored.cursor = cursor.to_json();
    let (upserted, removed) = stored.sync(&endpoint, SyncMode::Auto).await;
    assert_eq!(
        upserted,
        Vec::<String>::new(),
        "unchanged objects are not fetched again"
    );
    assert_eq!(removed, vec![b.href]);
    assert_eq!(stored.summaries(), ["A"]);
    assert_eq!(
        stored.sync(&endpoint, SyncMode::Auto).await,
        (vec![], vec![])
    );
}

#[tokio::test]
async fn invalid_sync_token_means_full_resync_radicale() {
    invalid_token_resyncs(ServerKind::Radicale).await;
}

#[tokio::test]
async fn invalid_sync_token_means_full_resync_xandikos() {
    invalid_token_resyncs(ServerKind::Xandikos).await;
}

async fn multiget_in_batches_and_time_range(kind: ServerKind) {
    let Some(server) = start(kind).await else {
        return;
    };
    let collection = server.create_calendar("work").await.unwrap();
    let endpoint = server.endpoint(&collection);
    // More objects than one multiget batch; odd/strange UIDs need encoding in hrefs.
    for day in 1..=105u32 {
        // Spaces make percent-encoded hrefs; a slash cannot be in a name at all.
        let uid = if day % 2 == 0 {
            format!("day {day} x@test")
        } else {
            format!("day {day}/x@test")
        };
        let start = format!("202702{:02}T090000Z", day % 28 + 1);
        let end = format!("202702{:02}T100000Z", day % 28 + 1);
        caldav::put_event(
            &http(),
            &endpoint,
            &collection,
            &uid,
            &event(&uid, &start, &end, &format!("D{day:03}")),
            None,
        )
        .await
        .unwrap();
    }
    let mut stored = Stored::default();
    stored.sync(&endpoint, SyncMode::Auto).await;
    assert_eq!(stored.resources.len(), 105, "{kind:?}");
    assert_eq!(stored.summaries()[0], "D001");

    // 2027-02-05 holds the events with day % 28 == 4: days 4, 32, 60, 88.
    let from: jiff::Timestamp = "2027-02-05T00:00:00Z".parse().unwrap();
    let to: jiff::Timestamp = "2027-02-06T00:00:00Z".parse().unwrap();
    let found = caldav::events_between(&http(), &endpoint, &stored.cursor, from, to)
        .await
        .unwrap();
    let mut uids: Vec<String> = found
        .iter()
        .filter_map(|r| {
            r.ics
                .lines()
                .find_map(|l| l.trim_end().strip_prefix("UID:"))
                .map(str::to_owned)
        })
        .collect();
    uids.sort();
    assert_eq!(
        uids,
        [
            "day 32 x@test",
            "day 4 x@test",
            "day 60 x@test",
            "day 88 x@test"
        ],
        "{kind:?}"
    );
    for resource in &found {
        assert!(
            stored.resources.contains_key(&resource.href),
            "{}",
            resource.href
        );
    }
    // Without a cursor the calendars are discovered first.
    let fresh = caldav::events_between(&http(), &endpoint, &serde_json::Value::Null, from, to)
        .await
        .unwrap();
    assert_eq!(fresh.len(), 4);
}

#[tokio::test]
async fn multiget_and_time_range_radicale() {
    multiget_in_batches_and_time_range(ServerKind::Radicale).await;
}

#[tokio::test]
async fn multiget_and_time_range_xandikos() {
    multiget_in_batches_and_time_range(ServerKind::Xandikos).await;
}

async fn write_update_delete_conflict(kind: ServerKind) {
    let Some(server) = start(kind).await else {
        return;
    };
    let collection = server.create_calendar("work").await.unwrap();
    let endpoint = server.endpoint(&collection);
    let uid = "booking-1@openslot.test";
    let first = put(&endpoint, &collection, uid, "Booked").await;
    assert!(first.etag.is_some(), "{kind:?}: {first:?}");
    assert!(first.href.starts_with(&collection));

    // Creating again at the same href is refused (If-None-Match: *).
    let again = caldav::put_event(
        &http(),
        &endpoint,
        &collection,
        uid,
        &event(uid, "20270105T100000Z", "20270105T110000Z", "Again"),
        None,
    )
    .await;
    assert_eq!(again, Err(CalendarError::Conflict));

    let moved = caldav::put_event(
        &http(),
        &endpoint,
        &collection,
        uid,
        &event(uid, "20270106T100000Z", "20270106T110000Z", "Moved"),
        Some(&first),
    )
    .await
    .unwrap();
    assert_ne!(moved.etag, first.etag);

    // A stale etag (someone else changed it) is a conflict, for update and delete alike.
    let stale = caldav::put_event(
        &http(),
        &endpoint,
        &collection,
        uid,
        &event(uid, "20270107T100000Z", "20270107T110000Z", "Stale"),
        Some(&first),
    )
    .await;
    assert_eq!(stale, Err(CalendarError::Conflict));
    assert_eq!(
        caldav::delete_event(&http(), &endpoint, &first).await,
        Err(CalendarError::Conflict)
    );

    let mut stored = Stored::default();
    stored.sync(&endpoint, SyncMode::Auto).await;
    assert_eq!(stored.summaries(), ["Moved"], "{kind:?}");
    assert_eq!(stored.resources[&moved.href].0, moved.etag);

    caldav::delete_event(&http(), &endpoint, &moved)
        .await
        .unwrap();
    // Deleting what is already gone is done, not an error.
    caldav::delete_event(&http(), &endpoint, &moved)
        .await
        .unwrap();
    let (_, removed) = stored.sync(&endpoint, SyncMode::Auto).await;
    assert_eq!(removed, vec![moved.href]);
    assert!(stored.resources.is_empty());
}

#[tokio::test]
async fn write_update_delete_conflict_radicale() {
    write_update_delete_conflict(ServerKind::Radicale).await;
}

#[tokio::test]
async fn write_update_delete_conflict_xandikos() {
    write_update_delete_conflict(ServerKind::Xandikos).await;
}

#[tokio::test]
async fn a_dropped_server_is_gone_and_unreachable() {
    let Some(server) = start(ServerKind::Xandikos).await else {
        return;
    };
    let port = server.port();
    let storage = server.storage().to_path_buf();
    drop(server);
    assert!(!storage.exists());
    let endpoint = Endpoint {
        url: format!("http://127.0.0.1:{port}/user/"),
        username: None,
        password: None,
    };
    let error = caldav::sync(&http(), &endpoint, &serde_json::Value::Null, &[])
        .await
        .unwrap_err();
    assert!(matches!(error, CalendarError::Unreachable(_)), "{error:?}");
}

/// A weekly 09:00 Berlin meeting from March to May 2027 (DST starts 28 March), with one
/// week excluded and one week moved to 15:00.
const SERIES: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openslot//test//EN\r\n\
BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n\
BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n\
BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n\
END:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:series@test\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20270301T090000\r\nDTEND;TZID=Europe/Berlin:20270301T100000\r\n\
RRULE:FREQ=WEEKLY;UNTIL=20270531T235959Z\r\nEXDATE;TZID=Europe/Berlin:20270412T090000\r\nSUMMARY:Weekly\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:series@test\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20270419T090000\r\n\
DTSTART;TZID=Europe/Berlin:20270419T150000\r\nDTEND;TZID=Europe/Berlin:20270419T160000\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

async fn recurring_series_in_time_range(kind: ServerKind) {
    let Some(server) = start(kind).await else {
        return;
    };
    let collection = server.create_calendar("work").await.unwrap();
    let endpoint = server.endpoint(&collection);
    caldav::put_event(&http(), &endpoint, &collection, "series@test", SERIES, None)
        .await
        .unwrap();
    let hits = |from: &str, to: &str| {
        let endpoint = endpoint.clone();
        let (from, to) = (from.parse().unwrap(), to.parse().unwrap());
        async move {
            caldav::events_between(&http(), &endpoint, &serde_json::Value::Null, from, to)
                .await
                .unwrap()
                .len()
        }
    };
    // 5 April, after the DST change: 09:00 CEST is 07:00Z, not 08:00Z.
    assert_eq!(
        hits("2027-04-05T07:00:00Z", "2027-04-05T08:00:00Z").await,
        1,
        "{kind:?}"
    );
    assert_eq!(
        hits("2027-04-05T08:00:00Z", "2027-04-05T09:00:00Z").await,
        0,
        "{kind:?}"
    );
    // Before the change 09:00 CET is 08:00Z.
    assert_eq!(
        hits("2027-03-22T08:00:00Z", "2027-03-22T09:00:00Z").await,
        1,
        "{kind:?}"
    );
    // The excluded week, and the moved one at its old and new time.
    assert_eq!(
        hits("2027-04-12T00:00:00Z", "2027-04-13T00:00:00Z").await,
        0,
        "{kind:?}"
    );
    assert_eq!(
        hits("2027-04-19T07:00:00Z", "2027-04-19T08:00:00Z").await,
        0,
        "{kind:?}"
    );
    assert_eq!(
        hits("2027-04-19T13:00:00Z", "2027-04-19T14:00:00Z").await,
        1,
        "{kind:?}"
    );
    // After UNTIL.
    assert_eq!(
        hits("2027-06-07T00:00:00Z", "2027-06-08T00:00:00Z").await,
        0,
        "{kind:?}"
    );
}

#[tokio::test]
async fn recurring_series_across_dst_in_time_range_radicale() {
    recurring_series_in_time_range(ServerKind::Radicale).await;
}

#[tokio::test]
async fn recurring_series_across_dst_in_time_range_xandikos() {
    recurring_series_in_time_range(ServerKind::Xandikos).await;
}
