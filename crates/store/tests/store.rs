//! The store's behaviour, checked against every backend (see `common`): SQLite always,
//! PostgreSQL when `OPENSLOT_TEST_POSTGRES_URL` is set.

mod common;

use common::{each_backend, postgres_only, Backend};
use jiff::Timestamp;
use openslot_store::{
    Assign, BookingStatus, CreateOutcome, DayCap, IdempotencyClaim, NewBooking, NewContact,
    StoreError,
};

fn booking(id: &str, event: &str, start: i64, minutes: i64, buffer: i64) -> NewBooking {
    NewBooking {
        id: id.into(),
        assign: Assign::single("default"),
        event_slug: event.into(),
        status: BookingStatus::Requested,
        start: Timestamp::from_second(start).unwrap(),
        end: Timestamp::from_second(start + minutes * 60).unwrap(),
        blocked_start: start - buffer * 60,
        blocked_end: start + (minutes + buffer) * 60,
        name: "Ada".into(),
        email: "ada@example.com".into(),
        timezone: Some("Europe/London".into()),
        locale: None,
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
    each_backend(|db| async move {
        let store = db.open().await;
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
        other.assign = Assign::single("other");
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
    })
    .await;
}

#[tokio::test]
async fn concurrent_inserts_for_one_slot_store_exactly_one() {
    each_backend(|db| async move {
        let store = db.open().await;
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
    })
    .await;
}

#[tokio::test]
async fn day_cap_is_checked_with_the_insert() {
    each_backend(|db| async move {
        let store = db.open().await;
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
    })
    .await;
}

#[tokio::test]
async fn idempotency_key_replays_and_detects_changed_requests() {
    each_backend(|db| async move {
        let store = db.open().await;
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
    })
    .await;
}

#[tokio::test]
async fn data_survives_reopening_and_migrations_are_idempotent() {
    each_backend(|db| async move {
        {
            let store = db.open().await;
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
        let store = db.connect().await;
        assert_eq!(store.migrate().await.unwrap(), 0);
        assert!(store.booking("p1").await.unwrap().is_some());
        let first = store.setting_or_init("secret", "one").await.unwrap();
        assert_eq!(first, "one");
        assert_eq!(store.setting_or_init("secret", "two").await.unwrap(), "one");
        store.ping().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn the_overlap_trigger_refuses_exactly_the_overlapping_ranges() {
    // Random ranges in random order, some cancelled: a booking is refused if and only if it
    // overlaps an active one already stored (checked against a brute-force model).
    each_backend(|db| async move {
        let store = db.open().await;
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
    })
    .await;
}

fn job(id: &str, run_at: i64, booking: &str) -> openslot_store::NewJob {
    openslot_store::NewJob {
        id: id.into(),
        kind: "mail".into(),
        payload: serde_json::json!({"template": "confirmed"}),
        run_at,
        max_attempts: 3,
        booking_id: Some(booking.into()),
        order_key: None,
        embed_booking: false,
    }
}

#[tokio::test]
async fn jobs_are_written_with_their_booking_and_claimed_once() {
    use openslot_store::JobState;
    each_backend(|db| async move {
        let store = db.open().await;
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
    })
    .await;
}

#[tokio::test]
async fn changes_are_atomic_and_drop_reminders() {
    use openslot_store::{BookingChange, ChangeOutcome, JobState};
    each_backend(|db| async move {
        let store = db.open().await;
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
            host_caps: Vec::new(),
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
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_of_different_lengths_store_exactly_the_non_overlapping_winners() {
    each_backend(|db| async move {
        let store = db.open().await;
        // 40 requests at once: 10 starts on a 15-minute grid times 4 lengths, some with
        // buffers, so nearly every pair overlaps in some way.
        let mut tasks = Vec::new();
        for index in 0..40i64 {
            let store = store.clone();
            let minutes = [15, 30, 60, 90][(index / 10) as usize];
            let buffer = index % 3 * 5;
            let new = booking(
                &format!("w{index:02}"),
                &format!("{minutes}min"),
                T + (index % 10) * 900,
                minutes,
                buffer,
            );
            let range = (new.blocked_start, new.blocked_end);
            tasks.push(tokio::spawn(async move {
                (range, store.create_booking(new, None).await)
            }));
        }
        let mut winners = Vec::new();
        let mut losers = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                (range, Ok(CreateOutcome::Created(_))) => winners.push(range),
                (range, Err(StoreError::Overlap)) => losers.push(range),
                (_, other) => panic!("unexpected {other:?}"),
            }
        }
        let overlap = |a: &(i64, i64), b: &(i64, i64)| a.0 < b.1 && b.0 < a.1;
        assert!(!winners.is_empty());
        for (index, a) in winners.iter().enumerate() {
            for b in &winners[index + 1..] {
                assert!(!overlap(a, b), "both stored: {a:?} and {b:?}");
            }
        }
        for loser in &losers {
            assert!(
                winners.iter().any(|winner| overlap(winner, loser)),
                "refused {loser:?}, which overlaps no stored booking"
            );
        }
        let active = store.active_bookings("default", 0).await.unwrap();
        assert_eq!(active.len(), winners.len());
        // Past the store: no two active bookings of a host overlap in the table.
        let overlapping = db
            .scalar(
                "SELECT count(*) FROM bookings a JOIN bookings b
                   ON a.host_id = b.host_id AND a.id < b.id
                  AND a.blocked_start < b.blocked_end AND b.blocked_start < a.blocked_end
                 WHERE a.status IN ('requested', 'confirmed')
                   AND b.status IN ('requested', 'confirmed')",
            )
            .await;
        assert_eq!(overlapping, 0);
        let stored = db.scalar("SELECT count(*) FROM bookings").await;
        assert_eq!(stored, winners.len() as i64);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_never_exceed_the_day_cap() {
    each_backend(|db| async move {
        let store = db.open().await;
        let cap = DayCap {
            day_start: T - 3600,
            day_end: T + 20 * 3600,
            max: 3,
        };
        let mut tasks = Vec::new();
        for index in 0..16 {
            let store = store.clone();
            let mut new = booking(&format!("d{index}"), "30min", T + index * 3600, 30, 0);
            new.day_cap = Some(cap);
            tasks.push(tokio::spawn(async move {
                store.create_booking(new, None).await
            }));
        }
        let mut created = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(CreateOutcome::Created(_)) => created += 1,
                Err(StoreError::DayFull) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(created, 3);
        assert_eq!(store.active_bookings("default", 0).await.unwrap().len(), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_one_idempotency_key_store_one_booking() {
    each_backend(|db| async move {
        let store = db.open().await;
        let claim = IdempotencyClaim {
            key: "same".into(),
            fingerprint: "f".into(),
        };
        let mut tasks = Vec::new();
        for index in 0..12 {
            let store = store.clone();
            let claim = claim.clone();
            // Different ids, so a second stored booking would be visible; the same time, so
            // without the key the later ones would be refused as overlapping.
            let new = booking(&format!("k{index}"), "30min", T, 30, 0);
            tasks.push(tokio::spawn(async move {
                store.create_booking(new, Some(claim)).await
            }));
        }
        let mut created = Vec::new();
        let mut replayed = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(CreateOutcome::Created(booking)) => created.push(booking),
                Ok(CreateOutcome::Replayed(booking)) => replayed.push(booking),
                Err(err) => panic!("unexpected {err}"),
            }
        }
        assert_eq!(created.len(), 1);
        assert_eq!(replayed.len(), 11);
        assert!(replayed.iter().all(|booking| *booking == created[0]));
        assert_eq!(
            store.find_idempotent(&claim).await.unwrap(),
            Some(created[0].clone())
        );
        assert_eq!(db.scalar("SELECT count(*) FROM bookings").await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_get_the_same_job() {
    use openslot_store::JobState;
    each_backend(|db| async move {
        let store = db.open().await;
        let jobs = (0..200)
            .map(|index| openslot_store::NewJob {
                id: format!("job{index:03}"),
                kind: "mail".into(),
                payload: serde_json::json!({"n": index}),
                run_at: 100 + index % 7,
                max_attempts: 3,
                booking_id: None,
                order_key: None,
                embed_booking: false,
            })
            .collect();
        store
            .create_contact(NewContact {
                id: "many".into(),
                host_id: "default".into(),
                name: "Bo".into(),
                email: "bo@example.com".into(),
                message: "Lots of mail".into(),
                preferred_times: None,
                created_at: Timestamp::from_second(50).unwrap(),
                jobs,
            })
            .await
            .unwrap();
        let mut workers = Vec::new();
        for worker in 0..4 {
            let store = store.clone();
            workers.push(tokio::spawn(async move {
                let name = format!("worker{worker}");
                let mut claimed = Vec::new();
                loop {
                    let batch = store.claim_jobs(&name, 150, 600, 7).await.unwrap();
                    if batch.is_empty() {
                        break claimed;
                    }
                    for job in batch {
                        assert_eq!(job.attempts, 1, "{} claimed twice", job.id);
                        store.finish_job(&job.id, &name, 151).await.unwrap();
                        claimed.push(job.id);
                    }
                }
            }));
        }
        let mut all = Vec::new();
        for worker in workers {
            all.extend(worker.await.unwrap());
        }
        assert_eq!(all.len(), 200);
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 200, "a job was claimed more than once");
        let stored = store.jobs(1000).await.unwrap();
        assert_eq!(stored.len(), 200);
        assert!(stored
            .iter()
            .all(|job| job.state == JobState::Done && job.attempts == 1));
        assert_eq!(store.next_job_at().await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn postgres_refuses_overlaps_written_past_the_store() {
    // The exclusion constraint holds for any writer, not only for this store's statements.
    postgres_only(|db| async move {
        let store = db.open().await;
        store
            .create_booking(booking("a", "30min", T, 30, 0), None)
            .await
            .unwrap();
        let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(db.url())
            .await
            .unwrap();
        let insert = |id: &'static str, status: &'static str, start: i64| {
            format!(
                "INSERT INTO bookings (id, host_id, event_slug, status, start_at, end_at,
                    blocked_start, blocked_end, name, email, created_at, updated_at)
                 VALUES ('{id}', 'default', '30min', '{status}', {start}, {end}, {start},
                    {end}, 'X', 'x@example.com', 0, 0)",
                end = start + 1800
            )
        };
        let err =
            sqlx::Executor::execute(&mut connection, insert("b", "confirmed", T + 60).as_str())
                .await
                .unwrap_err();
        let db_err = err.as_database_error().unwrap();
        assert_eq!(db_err.code().as_deref(), Some("23P01"));
        assert_eq!(db_err.constraint(), Some("bookings_no_overlap"));
        // inactive rows and touching ranges are allowed
        sqlx::Executor::execute(&mut connection, insert("c", "cancelled", T + 60).as_str())
            .await
            .unwrap();
        sqlx::Executor::execute(&mut connection, insert("d", "requested", T + 1800).as_str())
            .await
            .unwrap();
        // reactivating a cancelled booking over an active one is refused too
        let err = sqlx::Executor::execute(
            &mut connection,
            "UPDATE bookings SET status = 'requested' WHERE id = 'c'",
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.as_database_error().unwrap().code().as_deref(),
            Some("23P01")
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_instances_migrating_together_apply_each_migration_once() {
    postgres_only(|db| async move {
        // Several instances start at once on an empty database.
        let stores = futures_join((0..4).map(|_| {
            let url = db.url().to_string();
            async move {
                let store = openslot_store::PgStore::open(&openslot_store::PgOptions::new(url))
                    .await
                    .unwrap();
                openslot_store::AdminStore::migrate(&store).await.unwrap()
            }
        }))
        .await;
        let total: usize = stores.iter().sum();
        let versions = db.scalar("SELECT count(*) FROM schema_migrations").await;
        assert_eq!(
            total as i64, versions,
            "each migration applied by exactly one instance"
        );
        assert!(versions >= 3);
        // and the schema works
        let store = db.open().await;
        store
            .create_booking(booking("a", "30min", T, 30, 0), None)
            .await
            .unwrap();
        assert_eq!(db.backend, Backend::Postgres);
    })
    .await;
}

#[tokio::test]
async fn postgres_statement_timeout_is_applied_and_reported_as_busy() {
    use openslot_store::{prelude::*, BookingChange, PgOptions, PgStore};
    postgres_only(|db| async move {
        db.open()
            .await
            .create_booking(booking("a", "30min", T, 30, 0), None)
            .await
            .unwrap();
        let mut options = PgOptions::new(db.url());
        options.statement_timeout_ms = 200;
        let store = PgStore::open(&options).await.unwrap();
        // Another session holds the booking's row lock, so the change has to wait for it.
        let mut other = <sqlx::PgConnection as sqlx::Connection>::connect(db.url())
            .await
            .unwrap();
        sqlx::Executor::execute(
            &mut other,
            "BEGIN; SELECT 1 FROM bookings WHERE id = 'a' FOR UPDATE",
        )
        .await
        .unwrap();
        let started = std::time::Instant::now();
        let err = store
            .change_booking(
                "a",
                BookingChange::Confirm,
                vec![],
                Timestamp::from_second(T).unwrap(),
            )
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(3));
        sqlx::Executor::execute(&mut other, "ROLLBACK")
            .await
            .unwrap();
        let booking = store.booking("a").await.unwrap().unwrap();
        assert_eq!(booking.status, BookingStatus::Requested);
    })
    .await;
}

/// A call stuck past `call_timeout` (here on a lock; across a network, on a dead link)
/// fails as unavailable on time, repeatedly, with more stuck calls than pool connections,
/// and the store works again as soon as the cause is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_calls_past_their_deadline_fail_as_unavailable_and_the_pool_recovers() {
    use openslot_store::{prelude::*, BookingChange, PgOptions, PgStore};
    use std::time::{Duration, Instant};
    postgres_only(|db| async move {
        db.open()
            .await
            .create_booking(booking("a", "30min", T, 30, 0), None)
            .await
            .unwrap();
        let mut options = PgOptions::new(db.url());
        // Without a server-side limit only the client-side deadline can end the wait.
        options.statement_timeout_ms = 0;
        options.call_timeout = Duration::from_millis(300);
        options.max_connections = 2;
        let store = PgStore::open(&options).await.unwrap();
        let mut other = <sqlx::PgConnection as sqlx::Connection>::connect(db.url())
            .await
            .unwrap();
        sqlx::Executor::execute(
            &mut other,
            "BEGIN; SELECT 1 FROM bookings WHERE id = 'a' FOR UPDATE",
        )
        .await
        .unwrap();
        let confirm = || {
            store.change_booking(
                "a",
                BookingChange::Confirm,
                vec![],
                Timestamp::from_second(T).unwrap(),
            )
        };
        for _ in 0..4 {
            let started = Instant::now();
            let outcome = tokio::time::timeout(Duration::from_secs(10), confirm())
                .await
                .expect("the call hung past its deadline");
            let err = outcome.unwrap_err();
            assert!(err.is_unavailable(), "{err}");
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "{:?}",
                started.elapsed()
            );
        }
        sqlx::Executor::execute(&mut other, "ROLLBACK")
            .await
            .unwrap();
        // The abandoned transactions changed nothing; the pool serves again.
        let deadline = Instant::now() + Duration::from_secs(10);
        let booking = loop {
            match store.booking("a").await {
                Ok(booking) => break booking.unwrap(),
                Err(err) => assert!(Instant::now() < deadline, "store did not recover: {err}"),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(booking.status, BookingStatus::Requested);
        confirm().await.unwrap();
        for _ in 0..5 {
            assert_eq!(
                store.booking("a").await.unwrap().unwrap().status,
                BookingStatus::Confirmed
            );
        }
    })
    .await;
}

/// Runs the futures concurrently (as tasks) and collects their outputs in order.
async fn futures_join<I, F>(futures: I) -> Vec<F::Output>
where
    I: IntoIterator<Item = F>,
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

#[tokio::test]
async fn stats_count_bookings_and_jobs() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut first = booking("s1", "30min", T, 30, 0);
        first.jobs = vec![job("j1", 100, "s1"), job("j2", 5000, "s1")];
        store.create_booking(first, None).await.unwrap();
        let mut second = booking("s2", "30min", T + 7200, 30, 0);
        second.status = BookingStatus::Cancelled;
        store.create_booking(second, None).await.unwrap();
        let claimed = store.claim_jobs("w", 200, 60, 10).await.unwrap();
        store
            .retry_job(&claimed[0].id, "w", 300, "down", 200)
            .await
            .unwrap();
        let stats = store.stats(400).await.unwrap();
        assert_eq!(
            stats.bookings,
            vec![("cancelled".to_string(), 1), ("requested".to_string(), 1)]
        );
        assert_eq!(
            stats.jobs,
            vec![
                ("mail".to_string(), "queued".to_string(), 1),
                ("mail".to_string(), "retrying".to_string(), 1)
            ]
        );
        assert_eq!(stats.oldest_due, Some(300));
    })
    .await;
}

#[tokio::test]
async fn a_worker_that_lost_its_lease_cannot_renew_it() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut new = booking("r1", "30min", T, 30, 0);
        new.jobs = vec![job("slow", 100, "r1"), job("next", 100, "r1")];
        store.create_booking(new, None).await.unwrap();
        // w1 claims both for 10 s and is still busy with the first when the lease runs out.
        assert_eq!(store.claim_jobs("w1", 100, 10, 10).await.unwrap().len(), 2);
        assert!(store.renew_job("slow", "w1", 105, 10).await.unwrap());
        let taken = store.claim_jobs("w2", 111, 10, 10).await.unwrap();
        assert_eq!(
            taken.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
            ["next"],
            "the renewed job stays w1's; the other expired and went to w2"
        );
        assert!(
            !store.renew_job("next", "w1", 112, 10).await.unwrap(),
            "w1 lost it"
        );
        assert!(store.renew_job("next", "w2", 112, 10).await.unwrap());
        store.finish_job("next", "w2", 113).await.unwrap();
        assert!(
            !store.renew_job("next", "w2", 114, 10).await.unwrap(),
            "done"
        );
    })
    .await;
}

#[tokio::test]
async fn claims_take_due_jobs_in_order_among_many_future_ones() {
    each_backend(|db| async move {
        let store = db.open().await;
        // 40 bookings of 100 future reminders each, written as the service writes them.
        for index in 0..40i64 {
            let mut new = booking(&format!("f{index}"), "30min", T + index * 3600, 30, 0);
            new.jobs = (0..100)
                .map(|n| job(&format!("f{index}-{n}"), 10_000 + index * 100 + n, "x"))
                .collect();
            store.create_booking(new, None).await.unwrap();
        }
        // Due work: queued jobs written out of order, and two that will be running.
        let mut due = booking("due", "30min", T - 7200, 30, 0);
        due.jobs = [
            ("q5", 500),
            ("q1", 100),
            ("q3", 300),
            ("q2", 200),
            ("q4", 400),
        ]
        .into_iter()
        .map(|(id, run_at)| job(id, run_at, "due"))
        .collect();
        store.create_booking(due, None).await.unwrap();
        assert_eq!(store.next_job_at().await.unwrap(), Some(100));
        // w1 takes q1 and q2 with a 150 s lease (until 350), then q3 with a long one.
        let first = store.claim_jobs("w1", 200, 150, 2).await.unwrap();
        let ids = |jobs: &[openslot_store::Job]| -> Vec<String> {
            jobs.iter().map(|job| job.id.clone()).collect()
        };
        assert_eq!(ids(&first), ["q1", "q2"]);
        assert_eq!(
            ids(&store.claim_jobs("w1", 300, 5_000, 1).await.unwrap()),
            ["q3"]
        );
        // Nothing queued is due before 400; the earliest lease ends at 350.
        assert_eq!(store.next_job_at().await.unwrap(), Some(350));
        assert!(store
            .claim_jobs("w2", 340, 50, 10)
            .await
            .unwrap()
            .is_empty());
        // At 450: q1 and q2's leases ran out (q3's did not) and q4 is due; by run_at, with
        // the limit spanning both kinds, and never a future job.
        let taken = store.claim_jobs("w2", 450, 50, 2).await.unwrap();
        assert_eq!(ids(&taken), ["q1", "q2"]);
        assert!(taken.iter().all(|job| job.attempts == 2));
        let taken = store.claim_jobs("w2", 450, 50, 10).await.unwrap();
        assert_eq!(ids(&taken), ["q4"]);
        store.finish_job("q1", "w2", 451).await.unwrap();
        store.finish_job("q2", "w2", 451).await.unwrap();
        store.finish_job("q4", "w2", 451).await.unwrap();
        assert_eq!(store.next_job_at().await.unwrap(), Some(500));
        assert_eq!(store.stats(450).await.unwrap().oldest_due, Some(300));
        assert_eq!(
            ids(&store.claim_jobs("w2", 600, 50, 10).await.unwrap()),
            ["q5"]
        );
        store.finish_job("q5", "w2", 601).await.unwrap();
        store.finish_job("q3", "w1", 601).await.unwrap();
        // Only future jobs are left: the earliest is next, and they come due in order.
        assert_eq!(store.next_job_at().await.unwrap(), Some(10_000));
        assert!(store
            .claim_jobs("w2", 9_999, 50, 10)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(store.stats(9_999).await.unwrap().oldest_due, None);
        let batch = store.claim_jobs("w2", 10_150, 60, 500).await.unwrap();
        let expected: Vec<String> = (0..100)
            .map(|n| format!("f0-{n}"))
            .chain((0..=50).map(|n| format!("f1-{n}")))
            .collect();
        assert_eq!(ids(&batch), expected);
        assert_eq!(store.next_job_at().await.unwrap(), Some(10_151));
    })
    .await;
}

#[tokio::test]
async fn changed_bookings_stream_with_whether_they_are_active() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut first = booking("a", "30min", T, 30, 0);
        first.created_at = Timestamp::from_second(5_000).unwrap();
        store.create_booking(first, None).await.unwrap();
        let mut cancelled = booking("f", "30min", T, 30, 0);
        cancelled.status = BookingStatus::Cancelled;
        cancelled.created_at = Timestamp::from_second(6_000).unwrap();
        store.create_booking(cancelled, None).await.unwrap();
        let mut elsewhere = booking("e", "30min", T, 30, 0);
        elsewhere.assign = Assign::single("other");
        store.create_booking(elsewhere, None).await.unwrap();
        let mut old = booking("o", "30min", T + 7_200, 30, 0);
        old.created_at = Timestamp::from_second(1_000).unwrap();
        store.create_booking(old, None).await.unwrap();

        let mut seen = Vec::new();
        store
            .for_each_booking_changed_since("default", 5_000, &mut |booking, active| {
                seen.push((booking.id, booking.blocked_start, active))
            })
            .await
            .unwrap();
        seen.sort();
        assert_eq!(
            seen,
            [("a".to_string(), T, true), ("f".to_string(), T, false)]
        );
        let listed = store
            .bookings_changed_since("default", 6_000)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].0.id.as_str(), listed[0].1), ("f", false));
        let mut none = 0;
        store
            .for_each_booking_changed_since("default", 6_001, &mut |_, _| none += 1)
            .await
            .unwrap();
        assert_eq!(none, 0);
    })
    .await;
}

#[tokio::test]
async fn the_invitees_locale_is_kept_through_every_change() {
    use openslot_store::{BookingChange, ChangeOutcome};
    each_backend(|db| async move {
        let store = db.open().await;
        let now = Timestamp::from_second(T - 86_400).unwrap();
        let mut german = booking("l1", "30min", T, 30, 0);
        german.locale = Some("de".into());
        let CreateOutcome::Created(created) = store.create_booking(german, None).await.unwrap()
        else {
            panic!("created");
        };
        assert_eq!(created.locale.as_deref(), Some("de"));
        // A booking made without one (as every booking before the column existed) has none.
        store
            .create_booking(booking("l2", "30min", T + 7200, 30, 0), None)
            .await
            .unwrap();
        assert_eq!(store.booking("l2").await.unwrap().unwrap().locale, None);

        let changes = [
            BookingChange::Confirm,
            BookingChange::Move {
                start: Timestamp::from_second(T + 3600).unwrap(),
                end: Timestamp::from_second(T + 5400).unwrap(),
                blocked_start: T + 3600,
                blocked_end: T + 5400,
                day_cap: None,
                host_caps: Vec::new(),
            },
            BookingChange::End {
                status: BookingStatus::Cancelled,
                reason: None,
            },
        ];
        for change in changes {
            let Some(ChangeOutcome::Changed(after)) = store
                .change_booking("l1", change, vec![], now)
                .await
                .unwrap()
            else {
                panic!("changed");
            };
            assert_eq!(after.locale.as_deref(), Some("de"));
        }
        let stored = store.booking("l1").await.unwrap().unwrap();
        assert_eq!(
            (stored.status, stored.locale.as_deref()),
            (BookingStatus::Cancelled, Some("de"))
        );
    })
    .await;
}
