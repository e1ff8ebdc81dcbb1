//! The SQLite store against a real database file.

use jiff::Timestamp;
use openslot_store::{
    BookingStatus, CreateOutcome, DayCap, IdempotencyClaim, NewBooking, NewContact, SqliteOptions,
    SqliteStore, Store, StoreError,
};

async fn open(dir: &tempfile::TempDir) -> SqliteStore {
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = SqliteStore::open(&SqliteOptions::new(url)).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn booking(id: &str, event: &str, start: i64, minutes: i64, buffer: i64) -> NewBooking {
    NewBooking {
        id: id.into(),
        host_id: "default".into(),
        event_slug: event.into(),
        status: BookingStatus::Requested,
        start: Timestamp::from_second(start).unwrap(),
        end: Timestamp::from_second(start + minutes * 60).unwrap(),
        blocked_start: start - buffer * 60,
        blocked_end: start + (minutes + buffer) * 60,
        name: "Ada".into(),
        email: "ada@example.com".into(),
        timezone: Some("Europe/London".into()),
        notes: None,
        answers: serde_json::json!({"company": "Analytical"}),
        created_at: Timestamp::from_second(1_000).unwrap(),
        day_cap: None,
        jobs: Vec::new(),
    }
}

const T: i64 = 1_800_000_000;

#[tokio::test]
async fn overlapping_active_bookings_are_refused_by_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let first = store
        .create_booking(booking("a", "30min", T, 30, 0), None)
        .await
        .unwrap();
    assert!(matches!(first, CreateOutcome::Created(ref b) if b.id == "a"));
    // a longer event of another type overlapping the end
    let err = store
        .create_booking(booking("b", "60min", T - 1800, 60, 1), None)
        .await;
    assert!(matches!(err, Err(StoreError::Overlap)), "{err:?}");
    // touching is fine
    store
        .create_booking(booking("c", "60min", T + 1800, 60, 0), None)
        .await
        .unwrap();
    // buffers are part of the held time
    let err = store
        .create_booking(booking("d", "15min", T + 5400, 15, 1), None)
        .await;
    assert!(matches!(err, Err(StoreError::Overlap)), "{err:?}");
    // another host is independent
    let mut other = booking("e", "30min", T, 30, 0);
    other.host_id = "other".into();
    store.create_booking(other, None).await.unwrap();
    // inactive bookings hold nothing
    let mut cancelled = booking("f", "30min", T, 30, 0);
    cancelled.status = BookingStatus::Cancelled;
    store.create_booking(cancelled, None).await.unwrap();

    let active = store.active_bookings("default", 0).await.unwrap();
    let ids: Vec<_> = active.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["a", "c"]);
    let stored = store.booking("a").await.unwrap().unwrap();
    assert_eq!(stored.answers["company"], "Analytical");
    assert_eq!(stored.status, BookingStatus::Requested);
}

#[tokio::test]
async fn concurrent_inserts_for_one_slot_store_exactly_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut tasks = Vec::new();
    for index in 0..40 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .create_booking(
                    booking(&format!("r{index}"), "30min", T + (index % 3) * 600, 30, 0),
                    None,
                )
                .await
        }));
    }
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => created += 1,
            Err(StoreError::Overlap) => {}
            Err(err) => panic!("unexpected {err}"),
        }
    }
    assert_eq!(created, 1);
}

#[tokio::test]
async fn day_cap_is_checked_with_the_insert() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let cap = DayCap {
        day_start: T - 3600,
        day_end: T + 20 * 3600,
        max: 2,
    };
    for (index, offset) in [0, 3600].into_iter().enumerate() {
        let mut new = booking(&format!("c{index}"), "30min", T + offset, 30, 0);
        new.day_cap = Some(cap);
        store.create_booking(new, None).await.unwrap();
    }
    let mut third = booking("c2", "30min", T + 7200, 30, 0);
    third.day_cap = Some(cap);
    assert!(matches!(
        store.create_booking(third, None).await,
        Err(StoreError::DayFull)
    ));
    // another event type is not counted against this one
    let mut other = booking("c3", "60min", T + 7200, 60, 0);
    other.day_cap = Some(cap);
    store.create_booking(other, None).await.unwrap();
}

#[tokio::test]
async fn idempotency_key_replays_and_detects_changed_requests() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let claim = IdempotencyClaim {
        key: "k1".into(),
        fingerprint: "f1".into(),
    };
    let first = store
        .create_booking(booking("i1", "30min", T, 30, 0), Some(claim.clone()))
        .await
        .unwrap();
    let CreateOutcome::Created(first) = first else {
        panic!("expected created")
    };
    let again = store
        .create_booking(booking("i2", "30min", T, 30, 0), Some(claim.clone()))
        .await
        .unwrap();
    assert_eq!(again, CreateOutcome::Replayed(first.clone()));
    assert_eq!(store.find_idempotent(&claim).await.unwrap(), Some(first));
    let changed = IdempotencyClaim {
        key: "k1".into(),
        fingerprint: "other".into(),
    };
    assert!(matches!(
        store
            .create_booking(booking("i3", "30min", T + 3600, 30, 0), Some(changed))
            .await,
        Err(StoreError::IdempotencyMismatch)
    ));
    // a refused booking does not burn its key
    let claim2 = IdempotencyClaim {
        key: "k2".into(),
        fingerprint: "f2".into(),
    };
    assert!(store
        .create_booking(booking("i4", "30min", T, 30, 0), Some(claim2.clone()))
        .await
        .is_err());
    assert_eq!(store.find_idempotent(&claim2).await.unwrap(), None);
}

#[tokio::test]
async fn data_survives_reopening_and_migrations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(&dir).await;
        store
            .create_booking(booking("p1", "30min", T, 30, 0), None)
            .await
            .unwrap();
        store
            .create_contact(NewContact {
                id: "m1".into(),
                host_id: "default".into(),
                name: "Bo".into(),
                email: "bo@example.com".into(),
                message: "Any time next week?".into(),
                preferred_times: None,
                created_at: Timestamp::from_second(5).unwrap(),
                jobs: Vec::new(),
            })
            .await
            .unwrap();
    }
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = SqliteStore::open(&SqliteOptions::new(url)).await.unwrap();
    assert_eq!(store.migrate().await.unwrap(), 0);
    assert!(store.booking("p1").await.unwrap().is_some());
    let first = store.setting_or_init("secret", "one").await.unwrap();
    assert_eq!(first, "one");
    assert_eq!(store.setting_or_init("secret", "two").await.unwrap(), "one");
    store.ping().await.unwrap();
}

#[tokio::test]
async fn the_overlap_trigger_refuses_exactly_the_overlapping_ranges() {
    // Random ranges in random order, some cancelled: a booking is refused if and only if it
    // overlaps an active one already stored (checked against a brute-force model).
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: i64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as i64
    };
    let mut active: Vec<(i64, i64)> = Vec::new();
    for index in 0..600 {
        let start = T + next(400) * 300;
        let minutes = 5 * (1 + next(12));
        let buffer = next(3) * 5;
        let mut new = booking(&format!("x{index}"), "30min", start, minutes, buffer);
        let cancelled = next(10) == 0;
        if cancelled {
            new.status = BookingStatus::Cancelled;
        }
        let range = (new.blocked_start, new.blocked_end);
        let overlaps = active.iter().any(|(s, e)| *s < range.1 && range.0 < *e);
        let result = store.create_booking(new, None).await;
        match result {
            Ok(_) => {
                assert!(
                    cancelled || !overlaps,
                    "stored an overlapping booking {range:?}"
                );
                if !cancelled {
                    active.push(range);
                }
            }
            Err(StoreError::Overlap) => {
                assert!(overlaps && !cancelled, "refused a free range {range:?}")
            }
            Err(err) => panic!("{err}"),
        }
    }
    assert!(
        active.len() > 20,
        "the test should store a fair number: {}",
        active.len()
    );
    let stored = store.active_bookings("default", 0).await.unwrap();
    assert_eq!(stored.len(), active.len());
}

fn job(id: &str, run_at: i64, booking: &str) -> openslot_store::NewJob {
    openslot_store::NewJob {
        id: id.into(),
        kind: "mail".into(),
        payload: serde_json::json!({"template": "confirmed"}),
        run_at,
        max_attempts: 3,
        booking_id: Some(booking.into()),
    }
}

#[tokio::test]
async fn jobs_are_written_with_their_booking_and_claimed_once() {
    use openslot_store::JobState;
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut first = booking("j1", "30min", T, 30, 0);
    first.jobs = vec![job("a", 100, "j1"), job("b", 200, "j1")];
    store.create_booking(first, None).await.unwrap();
    // A refused booking queues nothing.
    let mut refused = booking("j2", "30min", T, 30, 0);
    refused.jobs = vec![job("c", 100, "j2")];
    assert!(store.create_booking(refused, None).await.is_err());
    assert_eq!(store.jobs(10).await.unwrap().len(), 2);
    assert_eq!(store.next_job_at().await.unwrap(), Some(100));

    // Only due jobs are claimed, by one worker at a time.
    let claimed = store.claim_jobs("w1", 150, 60, 10).await.unwrap();
    assert_eq!(
        claimed.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
        ["a"]
    );
    assert_eq!(claimed[0].attempts, 1);
    assert!(store
        .claim_jobs("w2", 150, 60, 10)
        .await
        .unwrap()
        .is_empty());
    // A worker that is not the holder cannot finish it.
    store.finish_job("a", "w2", 160).await.unwrap();
    // After the lease runs out another worker takes it over.
    let taken = store.claim_jobs("w2", 211, 60, 10).await.unwrap();
    let ids: Vec<_> = taken.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(taken[0].attempts, 2);
    store.finish_job("a", "w1", 212).await.unwrap(); // stale holder: ignored
    store
        .retry_job("b", "w2", 500, "smtp down", 212)
        .await
        .unwrap();
    store.finish_job("a", "w2", 212).await.unwrap();
    let jobs = store.jobs(10).await.unwrap();
    let state = |id: &str| jobs.iter().find(|j| j.id == id).unwrap().clone();
    assert_eq!(state("a").state, JobState::Done);
    assert_eq!(state("b").state, JobState::Queued);
    assert_eq!(state("b").run_at, 500);
    assert_eq!(state("b").last_error.as_deref(), Some("smtp down"));
    let again = store.claim_jobs("w3", 500, 60, 10).await.unwrap();
    assert_eq!(again[0].attempts, 2);
    store.bury_job("b", "w3", "gave up", 501).await.unwrap();
    let jobs = store.jobs(10).await.unwrap();
    assert_eq!(
        jobs.iter().find(|j| j.id == "b").unwrap().state,
        JobState::Dead
    );
    assert_eq!(store.next_job_at().await.unwrap(), None);
}

#[tokio::test]
async fn changes_are_atomic_and_drop_reminders() {
    use openslot_store::{BookingChange, ChangeOutcome, JobState};
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let now = Timestamp::from_second(T - 86_400).unwrap();
    let mut first = booking("m1", "30min", T, 30, 0);
    first.status = BookingStatus::Confirmed;
    let mut reminder = job("rem", T - 3600, "m1");
    reminder.payload = serde_json::json!({"message": "invitee_reminder"});
    first.jobs = vec![reminder, job("note", T - 80_000, "m1")];
    store.create_booking(first, None).await.unwrap();
    store
        .create_booking(booking("m2", "30min", T + 3600, 30, 0), None)
        .await
        .unwrap();

    let moved = |start: i64| BookingChange::Move {
        start: Timestamp::from_second(start).unwrap(),
        end: Timestamp::from_second(start + 1800).unwrap(),
        blocked_start: start,
        blocked_end: start + 1800,
        day_cap: None,
    };
    // Onto the other booking: refused, nothing changes, no jobs added.
    let err = store
        .change_booking("m1", moved(T + 3600), vec![job("x", 1, "m1")], now)
        .await;
    assert!(matches!(err, Err(StoreError::Overlap)), "{err:?}");
    let unchanged = store.booking("m1").await.unwrap().unwrap();
    assert_eq!(unchanged.start.as_second(), T);
    assert_eq!(unchanged.sequence, 0);
    assert_eq!(store.jobs(10).await.unwrap().len(), 2);
    // Onto a time overlapping only itself: fine.
    let Some(ChangeOutcome::Changed(after)) = store
        .change_booking("m1", moved(T + 900), vec![], now)
        .await
        .unwrap()
    else {
        panic!("move should apply")
    };
    assert_eq!((after.start.as_second(), after.sequence), (T + 900, 1));
    assert_eq!(after.previous_start.unwrap().as_second(), T);
    let jobs = store.jobs(10).await.unwrap();
    assert_eq!(
        jobs.iter().find(|j| j.id == "rem").unwrap().state,
        JobState::Cancelled
    );
    assert_eq!(
        jobs.iter().find(|j| j.id == "note").unwrap().state,
        JobState::Queued
    );

    // Cancel frees the time; a second cancel changes nothing.
    let end = BookingChange::End {
        status: BookingStatus::Cancelled,
        reason: Some("ill".into()),
    };
    let Some(ChangeOutcome::Changed(cancelled)) = store
        .change_booking("m1", end.clone(), vec![], now)
        .await
        .unwrap()
    else {
        panic!("cancel should apply")
    };
    assert_eq!(
        (cancelled.status, cancelled.sequence),
        (BookingStatus::Cancelled, 2)
    );
    assert_eq!(cancelled.status_reason.as_deref(), Some("ill"));
    assert!(matches!(
        store.change_booking("m1", end, vec![], now).await.unwrap(),
        Some(ChangeOutcome::Unchanged(_))
    ));
    store
        .create_booking(booking("m3", "30min", T + 900, 30, 0), None)
        .await
        .unwrap();
    // Confirm and decline apply only to requests.
    assert!(matches!(
        store
            .change_booking("m3", BookingChange::Confirm, vec![], now)
            .await
            .unwrap(),
        Some(ChangeOutcome::Changed(_))
    ));
    let decline = BookingChange::End {
        status: BookingStatus::Declined,
        reason: None,
    };
    assert!(matches!(
        store
            .change_booking("m3", decline, vec![], now)
            .await
            .unwrap(),
        Some(ChangeOutcome::Unchanged(_))
    ));
    assert!(store
        .change_booking("nope", BookingChange::Confirm, vec![], now)
        .await
        .unwrap()
        .is_none());
}
