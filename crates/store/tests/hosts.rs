//! Hosts and booking holds on both backends: round robin (first free host) and collective
//! (all hosts or none) assignment under concurrency and across instances, per-host day
//! caps, moves and ends of bookings holding several hosts, host users, the stored hosts and
//! the per-host reads and queries.

#[allow(dead_code)]
mod common;

use std::sync::Arc;

use common::each_backend;
use jiff::Timestamp;
use openslot_store::{
    Assign, AuditEntry, BookingChange, BookingQuery, BookingStatus, ChangeOutcome, CreateOutcome,
    DayCap, HostHold, NewBooking, Store, StoreError, StoredHost,
};
use serde_json::json;

const T: i64 = 1_900_000_800;
/// A day around `T` for caps.
const DAY: DayCap = DayCap {
    day_start: T - 10 * 3600,
    day_end: T + 14 * 3600,
    max: 1,
};

fn ts(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap()
}

fn booking(id: &str, assign: Assign, event: &str, start: i64) -> NewBooking {
    NewBooking {
        id: id.into(),
        assign,
        event_slug: event.into(),
        status: BookingStatus::Confirmed,
        start: ts(start),
        end: ts(start + 1800),
        blocked_start: start,
        blocked_end: start + 1800,
        name: "Ada".into(),
        email: "ada@example.com".into(),
        timezone: None,
        locale: None,
        notes: None,
        answers: json!({}),
        created_at: ts(1_000),
        day_cap: None,
        jobs: Vec::new(),
    }
}

fn first_free(hosts: &[&str]) -> Assign {
    Assign::FirstFree(hosts.iter().map(|host| HostHold::uncapped(*host)).collect())
}

fn all(hosts: &[&str]) -> Assign {
    Assign::All(hosts.iter().map(|host| HostHold::uncapped(*host)).collect())
}

fn capped(host: &str, max: u32) -> HostHold {
    HostHold {
        host_id: host.into(),
        day_cap: Some(DayCap { max, ..DAY }),
    }
}

fn created(outcome: Result<CreateOutcome, StoreError>) -> openslot_store::Booking {
    match outcome {
        Ok(CreateOutcome::Created(booking)) => booking,
        other => panic!("expected a new booking, got {other:?}"),
    }
}

/// Ids of the active bookings holding `host`.
async fn active(store: &dyn Store, host: &str) -> Vec<String> {
    store
        .active_bookings(host, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|booking| booking.id)
        .collect()
}

/// Runs the futures concurrently (as tasks) and collects their outputs in order.
async fn join_all<F>(futures: Vec<F>) -> Vec<F::Output>
where
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

/// Two store instances on one database (two processes, or two servers on PostgreSQL).
async fn two_instances(db: &common::TestDb) -> [Arc<dyn Store>; 2] {
    let first = db.open().await;
    let second = db.connect().await;
    [first, second]
}

/// `racers` concurrent round-robin bookings of one slot with `hosts` free, alternating
/// between two instances: exactly one per host succeeds, each on a different host, the
/// rest are refused with `Overlap`.
async fn race_one_slot(stores: &[Arc<dyn Store>; 2], slot: i64, hosts: &[&str], racers: usize) {
    let tasks: Vec<_> = (0..racers)
        .map(|index| {
            let store = stores[index % 2].clone();
            let new = booking(
                &format!("s{slot}-{index}"),
                first_free(hosts),
                "intro",
                slot,
            );
            async move { store.create_booking(new, None).await }
        })
        .collect();
    let outcomes = join_all(tasks).await;
    let mut assigned = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(CreateOutcome::Created(booking)) => {
                assert_eq!(booking.hosts, std::slice::from_ref(&booking.host_id));
                assigned.push(booking.host_id);
            }
            Err(StoreError::Overlap) => {}
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assigned.sort();
    let mut expected: Vec<String> = hosts.iter().map(|host| host.to_string()).collect();
    expected.sort();
    assert_eq!(assigned, expected, "slot {slot}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn round_robin_races_fill_every_free_host_once() {
    each_backend(|db| async move {
        let stores = two_instances(&db).await;
        // 2 hosts free, 3 concurrent bookings: 2 succeed on different hosts, 1 overlaps.
        for slot in 0..12 {
            race_one_slot(&stores, T + slot * 3600, &["ada", "grace"], 3).await;
        }
        // 40-way races.
        race_one_slot(&stores, T + 100 * 3600, &["ada", "grace"], 40).await;
        race_one_slot(
            &stores,
            T + 101 * 3600,
            &["ada", "grace", "hedy", "joan"],
            40,
        )
        .await;
        // A host taken in another event type is skipped, not double-booked.
        let [store, _] = &stores;
        created(
            store
                .create_booking(
                    booking("x", Assign::single("ada"), "other", T + 200 * 3600),
                    None,
                )
                .await,
        );
        let next = created(
            store
                .create_booking(
                    booking("y", first_free(&["ada", "grace"]), "intro", T + 200 * 3600),
                    None,
                )
                .await,
        );
        assert_eq!(next.host_id, "grace");
        // Every busy read sees exactly the holds the races made.
        assert_eq!(active(store.as_ref(), "ada").await.len(), 12 + 1 + 1 + 1);
        assert_eq!(active(store.as_ref(), "grace").await.len(), 12 + 1 + 1 + 1);
        assert_eq!(active(store.as_ref(), "hedy").await.len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn collective_bookings_hold_all_hosts_or_none() {
    each_backend(|db| async move {
        let store = db.open().await;
        created(
            store
                .create_booking(
                    booking("grace-1", Assign::single("grace"), "intro", T),
                    None,
                )
                .await,
        );
        let refused = store
            .create_booking(
                booking("team-1", all(&["ada", "grace", "hedy"]), "demo", T),
                None,
            )
            .await;
        assert!(matches!(refused, Err(StoreError::Overlap)), "{refused:?}");
        assert!(store.booking("team-1").await.unwrap().is_none());
        assert_eq!(
            db.scalar("SELECT count(*) FROM booking_holds WHERE booking_id = 'team-1'")
                .await,
            0
        );
        assert!(active(store.as_ref(), "ada").await.is_empty());
        assert!(active(store.as_ref(), "hedy").await.is_empty());

        let team = created(
            store
                .create_booking(booking("team-2", all(&["hedy", "ada"]), "demo", T), None)
                .await,
        );
        assert_eq!(team.host_id, "hedy");
        assert_eq!(team.hosts, ["hedy", "ada"]);
        let stored = store.booking("team-2").await.unwrap().unwrap();
        assert_eq!(stored, team);
        assert_eq!(active(store.as_ref(), "ada").await, ["team-2"]);
        assert_eq!(active(store.as_ref(), "hedy").await, ["team-2"]);

        // Concurrent collective bookings naming the hosts in opposite orders, on two
        // instances: one wins each slot, the other leaves no hold behind.
        let other = db.connect().await;
        for slot in 1..8 {
            let start = T + slot * 3600;
            let place = |store: Arc<dyn Store>, new: NewBooking| async move {
                store.create_booking(new, None).await
            };
            let outcomes = join_all(vec![
                place(
                    store.clone(),
                    booking(&format!("p{slot}"), all(&["ada", "grace"]), "demo", start),
                ),
                place(
                    other.clone(),
                    booking(&format!("q{slot}"), all(&["grace", "ada"]), "demo", start),
                ),
                place(
                    other.clone(),
                    booking(&format!("r{slot}"), Assign::single("grace"), "x", start),
                ),
            ])
            .await;
            let won = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
            assert_eq!(won, 1, "slot {slot}: {outcomes:?}");
            for outcome in &outcomes {
                if let Err(err) = outcome {
                    assert!(matches!(err, StoreError::Overlap), "{err:?}");
                }
            }
        }
        // No partial holds anywhere: every hold belongs to a stored booking and every
        // collective booking holds both hosts.
        assert_eq!(
            db.scalar(
                "SELECT count(*) FROM booking_holds
                 WHERE booking_id NOT IN (SELECT id FROM bookings)"
            )
            .await,
            0
        );
        assert_eq!(
            db.scalar(
                "SELECT count(*) FROM bookings
                 WHERE (id LIKE 'p%' OR id LIKE 'q%')
                   AND (SELECT count(*) FROM booking_holds WHERE booking_id = bookings.id) <> 2"
            )
            .await,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn host_day_caps_steer_round_robin_and_refuse_with_day_full() {
    each_backend(|db| async move {
        let store = db.open().await;
        let capped_first =
            || Assign::FirstFree(vec![capped("ada", 1), HostHold::uncapped("grace")]);
        let first = created(
            store
                .create_booking(booking("a", capped_first(), "intro", T), None)
                .await,
        );
        assert_eq!(first.host_id, "ada");
        // Ada is free at T + 1 h but at her cap for the day (of any event type).
        let second = created(
            store
                .create_booking(booking("b", capped_first(), "other", T + 3600), None)
                .await,
        );
        assert_eq!(second.host_id, "grace");
        let full = store
            .create_booking(
                booking(
                    "c",
                    Assign::FirstFree(vec![capped("ada", 1)]),
                    "intro",
                    T + 7200,
                ),
                None,
            )
            .await;
        assert!(matches!(full, Err(StoreError::DayFull)), "{full:?}");
        let full = store
            .create_booking(
                booking(
                    "c",
                    Assign::All(vec![HostHold::uncapped("grace"), capped("ada", 1)]),
                    "intro",
                    T + 7200,
                ),
                None,
            )
            .await;
        assert!(matches!(full, Err(StoreError::DayFull)), "{full:?}");
        assert_eq!(active(store.as_ref(), "grace").await, ["b"]);
        // Ada full, Grace taken at that time: overlap wins over the cap.
        let taken = store
            .create_booking(booking("d", capped_first(), "intro", T + 3600), None)
            .await;
        assert!(matches!(taken, Err(StoreError::Overlap)), "{taken:?}");
        // The next day Ada has room again.
        let next_day_cap = HostHold {
            host_id: "ada".into(),
            day_cap: Some(DayCap {
                day_start: DAY.day_end,
                day_end: DAY.day_end + 86_400,
                max: 1,
            }),
        };
        let next_day = created(
            store
                .create_booking(
                    booking(
                        "e",
                        Assign::FirstFree(vec![next_day_cap]),
                        "intro",
                        DAY.day_end + 3600,
                    ),
                    None,
                )
                .await,
        );
        assert_eq!(next_day.host_id, "ada");

        // The event type's cap counts per host held.
        let mut event_capped = booking("f", first_free(&["hedy", "joan"]), "demo", T);
        event_capped.day_cap = Some(DAY);
        assert_eq!(
            created(store.create_booking(event_capped.clone(), None).await).host_id,
            "hedy"
        );
        event_capped.id = "g".into();
        event_capped.start = ts(T + 3600);
        event_capped.end = ts(T + 5400);
        event_capped.blocked_start = T + 3600;
        event_capped.blocked_end = T + 5400;
        assert_eq!(
            created(store.create_booking(event_capped.clone(), None).await).host_id,
            "joan"
        );
        event_capped.id = "h".into();
        event_capped.start = ts(T + 7200);
        event_capped.end = ts(T + 9000);
        event_capped.blocked_start = T + 7200;
        event_capped.blocked_end = T + 9000;
        let full = store.create_booking(event_capped, None).await;
        assert!(matches!(full, Err(StoreError::DayFull)), "{full:?}");

        // A move into a day where a host it holds is at its own cap is refused; the cap
        // does not count the booking itself, and hosts it does not hold are ignored.
        let move_with_caps = |start: i64, host_caps: Vec<HostHold>| BookingChange::Move {
            start: ts(start),
            end: ts(start + 1800),
            blocked_start: start,
            blocked_end: start + 1800,
            day_cap: None,
            host_caps,
        };
        let refused = store
            .change_booking(
                "e",
                move_with_caps(T + 3 * 3600, vec![capped("ada", 1)]),
                vec![],
                ts(2_000),
            )
            .await;
        assert!(matches!(refused, Err(StoreError::DayFull)), "{refused:?}");
        let within_day = store
            .change_booking(
                "a",
                move_with_caps(T + 4 * 3600, vec![capped("ada", 1), capped("grace", 0)]),
                vec![],
                ts(2_000),
            )
            .await
            .unwrap();
        assert!(
            matches!(within_day, Some(ChangeOutcome::Changed(_))),
            "{within_day:?}"
        );
    })
    .await;
}

fn move_to(start: i64) -> BookingChange {
    BookingChange::Move {
        start: ts(start),
        end: ts(start + 1800),
        blocked_start: start,
        blocked_end: start + 1800,
        day_cap: None,
        host_caps: Vec::new(),
    }
}

#[tokio::test]
async fn moves_and_ends_apply_to_every_hold_of_a_collective_booking() {
    each_backend(|db| async move {
        let store = db.open().await;
        created(
            store
                .create_booking(booking("team", all(&["ada", "grace"]), "demo", T), None)
                .await,
        );
        created(
            store
                .create_booking(
                    booking("solo", Assign::single("grace"), "intro", T + 3600),
                    None,
                )
                .await,
        );
        let now = ts(2_000);
        // Grace is busy at the new time: nothing moves, for either host.
        let clash = store
            .change_booking("team", move_to(T + 3600), vec![], now)
            .await;
        assert!(matches!(clash, Err(StoreError::Overlap)), "{clash:?}");
        for host in ["ada", "grace"] {
            let holds = store.active_bookings(host, 0).await.unwrap();
            let team = holds.iter().find(|hold| hold.id == "team").unwrap();
            assert_eq!(team.blocked_start, T, "{host}");
        }
        let moved = store
            .change_booking("team", move_to(T + 7200), vec![], now)
            .await
            .unwrap();
        let Some(ChangeOutcome::Changed(moved)) = moved else {
            panic!("{moved:?}")
        };
        assert_eq!(moved.hosts, ["ada", "grace"]);
        assert_eq!(moved.start, ts(T + 7200));
        for host in ["ada", "grace"] {
            let holds = store.active_bookings(host, 0).await.unwrap();
            let team = holds.iter().find(|hold| hold.id == "team").unwrap();
            assert_eq!((team.blocked_start, team.blocked_end), (T + 7200, T + 9000));
        }
        // The old time is free for both hosts again.
        created(
            store
                .create_booking(booking("after", all(&["grace", "ada"]), "demo", T), None)
                .await,
        );
        // The move is seen by each host's change feed.
        let mut changed = Vec::new();
        store
            .for_each_booking_changed_since("grace", 2_000, &mut |booking, active| {
                changed.push((booking.id, booking.blocked_start, active))
            })
            .await
            .unwrap();
        assert_eq!(changed, [("team".to_string(), T + 7200, true)]);

        // Ending frees every host.
        store
            .change_booking(
                "team",
                BookingChange::End {
                    status: BookingStatus::Cancelled,
                    reason: None,
                },
                vec![],
                ts(3_000),
            )
            .await
            .unwrap();
        assert_eq!(active(store.as_ref(), "ada").await, ["after"]);
        assert_eq!(active(store.as_ref(), "grace").await, ["after", "solo"]);
        let mut changed = Vec::new();
        store
            .for_each_booking_changed_since("ada", 3_000, &mut |booking, active| {
                changed.push((booking.id, active))
            })
            .await
            .unwrap();
        assert_eq!(changed, [("team".to_string(), false)]);
        created(
            store
                .create_booking(
                    booking("again", all(&["ada", "grace"]), "demo", T + 7200),
                    None,
                )
                .await,
        );
    })
    .await;
}

#[tokio::test]
async fn holds_are_read_per_host_and_counted_for_queries_and_fairness() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut solo_ada = booking("1", Assign::single("ada"), "intro", T);
        solo_ada.created_at = ts(5_000);
        let mut solo_grace = booking("2", Assign::single("grace"), "intro", T);
        solo_grace.created_at = ts(6_000);
        let mut team = booking("3", all(&["ada", "grace"]), "demo", T + 3600);
        team.created_at = ts(7_000);
        let mut old = booking("4", Assign::single("ada"), "intro", T + 7200);
        old.created_at = ts(100);
        let mut cancelled = booking("5", Assign::single("ada"), "intro", T + 9000);
        cancelled.created_at = ts(8_000);
        for new in [solo_ada, solo_grace, team, old, cancelled] {
            created(store.create_booking(new, None).await);
        }
        store
            .change_booking(
                "5",
                BookingChange::End {
                    status: BookingStatus::Cancelled,
                    reason: None,
                },
                vec![],
                ts(9_000),
            )
            .await
            .unwrap();

        let mut holds = Vec::new();
        store
            .for_each_active_hold(T + 1, &mut |host, booking| holds.push((host, booking.id)))
            .await
            .unwrap();
        let expected: Vec<(String, String)> = [
            ("ada", "1"),
            ("ada", "3"),
            ("ada", "4"),
            ("grace", "2"),
            ("grace", "3"),
        ]
        .into_iter()
        .map(|(host, id)| (host.to_string(), id.to_string()))
        .collect();
        assert_eq!(holds, expected);

        let of_host = |host: &str| BookingQuery {
            host_id: Some(host.into()),
            ..BookingQuery::default()
        };
        let listed: Vec<String> = store
            .list_bookings(&of_host("grace"))
            .await
            .unwrap()
            .into_iter()
            .map(|booking| booking.id)
            .collect();
        assert_eq!(listed, ["2", "3"]);
        assert_eq!(store.count_bookings(&of_host("ada")).await.unwrap(), 4);
        assert_eq!(store.count_bookings(&of_host("nobody")).await.unwrap(), 0);
        let counts = store
            .booking_counts_by_host(&BookingQuery::default())
            .await
            .unwrap();
        assert_eq!(counts, [("ada".to_string(), 4), ("grace".to_string(), 2)]);
        let active_counts = store
            .booking_counts_by_host(&BookingQuery {
                statuses: vec![BookingStatus::Confirmed],
                event_slug: Some("intro".into()),
                ..BookingQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(
            active_counts,
            [("ada".to_string(), 2), ("grace".to_string(), 1)]
        );

        // Fairness: bookings of the event type by assigned host since an instant, any
        // status, with the latest creation.
        let stats = store.host_booking_stats("intro", 1_000).await.unwrap();
        let stats: Vec<_> = stats
            .into_iter()
            .map(|stat| (stat.host_id, stat.bookings, stat.last_created_at))
            .collect();
        assert_eq!(
            stats,
            [
                ("ada".to_string(), 2, 8_000),
                ("grace".to_string(), 1, 6_000)
            ]
        );
        assert!(store
            .host_booking_stats("intro", 9_000)
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

#[tokio::test]
async fn hosts_are_seeded_once_and_saved_with_an_audit_entry() {
    each_backend(|db| async move {
        let store = db.open().await;
        assert!(store.hosts().await.unwrap().is_empty());
        let host = |id: &str, position: i64| StoredHost {
            id: id.into(),
            position,
            definition: json!({"id": id, "hours": ["09:00-17:00"]}),
            enabled: true,
            updated_at: 10,
        };
        assert!(store
            .seed_hosts(&[host("grace", 1), host("ada", 0)])
            .await
            .unwrap());
        assert!(!store.seed_hosts(&[host("hedy", 0)]).await.unwrap());
        let ids: Vec<String> = store
            .hosts()
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect();
        assert_eq!(ids, ["ada", "grace"]);

        let mut changed = host("grace", 1);
        changed.enabled = false;
        changed.definition = json!({"id": "grace", "max_per_day": 3});
        changed.updated_at = 20;
        let audit = AuditEntry {
            id: "audit-1".into(),
            at: 20,
            actor: "admin:root@example.com".into(),
            action: "host.update".into(),
            target: "host:grace".into(),
            before: None,
            after: Some(changed.definition.clone()),
        };
        store.save_host(&changed, &audit).await.unwrap();
        store
            .save_host(
                &host("hedy", 2),
                &AuditEntry {
                    id: "audit-2".into(),
                    ..audit.clone()
                },
            )
            .await
            .unwrap();
        let hosts = store.hosts().await.unwrap();
        assert_eq!(hosts.len(), 3);
        assert_eq!(hosts[1], changed);
        let entries = store.audit_entries(Some("host:grace"), 10).await.unwrap();
        assert_eq!(entries.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn host_users_carry_their_host() {
    each_backend(|db| async move {
        let store = db.open().await;
        assert!(store
            .upsert_admin_user("u1", "ada@example.com", "hash", Some("ada"), 100)
            .await
            .unwrap());
        assert!(store
            .upsert_admin_user("u2", "root@example.com", "hash", None, 100)
            .await
            .unwrap());
        let ada = store.admin_user("ada@example.com").await.unwrap().unwrap();
        assert_eq!(ada.host_id.as_deref(), Some("ada"));
        let root = store.admin_user("root@example.com").await.unwrap().unwrap();
        assert_eq!(root.host_id, None);
        // A new password keeps the role the caller passes (the server passes the user's own).
        assert!(!store
            .upsert_admin_user("u3", "ada@example.com", "hash-2", Some("ada"), 200)
            .await
            .unwrap());
        let ada = store.admin_user("ada@example.com").await.unwrap().unwrap();
        assert_eq!(
            (ada.host_id.as_deref(), ada.password_hash.as_str()),
            (Some("ada"), "hash-2")
        );
        store
            .upsert_admin_user("u3", "ada@example.com", "hash-3", None, 300)
            .await
            .unwrap();
        let ada = store.admin_user("ada@example.com").await.unwrap().unwrap();
        assert_eq!(ada.host_id, None);
    })
    .await;
}
