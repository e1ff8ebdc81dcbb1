//! The operations part of the store (admin users, credentials, event types, the audit log,
//! booking lists, counters, failed jobs, `confirmed_at`), checked against every backend
//! (see `common`): SQLite always, PostgreSQL when `OPENSLOT_TEST_POSTGRES_URL` is set.

#[allow(dead_code)]
mod common;

use common::{each_backend, Backend};
use jiff::Timestamp;
use openslot_store::{
    Assign, AuditEntry, BookingChange, BookingQuery, BookingStatus, ChangeOutcome, CounterDelta,
    CreateOutcome, Credential, CredentialKind, JobState, NewBooking, NewJob, StoredEventType,
};
use serde_json::json;

const T: i64 = 1_800_000_000;

fn ts(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap()
}

fn booking(id: &str, host: &str, event: &str, status: BookingStatus, start: i64) -> NewBooking {
    NewBooking {
        id: id.into(),
        assign: Assign::single(host),
        event_slug: event.into(),
        status,
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

fn credential(
    id: &str,
    kind: CredentialKind,
    created_at: i64,
    expires_at: Option<i64>,
) -> Credential {
    Credential {
        id: id.into(),
        kind,
        token_hash: format!("hash-{id}"),
        user_email: "admin@example.com".into(),
        name: if kind == CredentialKind::ApiToken {
            format!("token {id}")
        } else {
            String::new()
        },
        csrf: if kind == CredentialKind::Session {
            format!("csrf-{id}")
        } else {
            String::new()
        },
        created_at,
        expires_at,
        revoked_at: None,
        scopes: if kind == CredentialKind::ApiToken {
            vec!["admin".into()]
        } else {
            Vec::new()
        },
    }
}

fn event_type(slug: &str, position: i64) -> StoredEventType {
    StoredEventType {
        slug: slug.into(),
        position,
        definition: json!({
            "slug": slug,
            "title": format!("Meeting {slug}"),
            "minutes": 30,
            "questions": [{"id": "company", "required": false}],
            "price": null,
        }),
        enabled: true,
        updated_at: 10,
    }
}

fn audit(id: &str, at: i64, target: &str) -> AuditEntry {
    AuditEntry {
        id: id.into(),
        at,
        actor: "admin:root@example.com".into(),
        action: "booking.cancel".into(),
        target: target.into(),
        before: Some(json!({"status": "confirmed"})),
        after: None,
    }
}

#[tokio::test]
async fn admin_users_are_upserted_and_locked_out_after_repeated_failures() {
    each_backend(|db| async move {
        let store = db.open().await;
        let email = "root@example.com";
        assert!(store
            .upsert_admin_user("u1", email, "hash-1", None, 100)
            .await
            .unwrap());
        let user = store.admin_user(email).await.unwrap().unwrap();
        assert_eq!(
            (
                user.id.as_str(),
                user.password_hash.as_str(),
                user.created_at
            ),
            ("u1", "hash-1", 100)
        );
        assert_eq!((user.failed_logins, user.locked_until), (0, None));
        assert_eq!(store.admin_user("nobody@example.com").await.unwrap(), None);

        // Failures count up to the maximum, which locks and starts the count again.
        for expected in 1..=2 {
            let user = store
                .note_login_failure(email, 200, 3, 900)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((user.failed_logins, user.locked_until), (expected, None));
        }
        let locked = store
            .note_login_failure(email, 210, 3, 900)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((locked.failed_logins, locked.locked_until), (0, Some(1110)));
        assert_eq!(store.admin_user(email).await.unwrap().unwrap(), locked);
        // Another failure counts again but keeps the lock.
        let again = store
            .note_login_failure(email, 220, 3, 900)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.failed_logins, again.locked_until), (1, Some(1110)));
        assert_eq!(
            store
                .note_login_failure("nobody@example.com", 220, 3, 900)
                .await
                .unwrap(),
            None
        );

        // A new password for an existing user keeps the user and clears the lockout.
        assert!(!store
            .upsert_admin_user("u2", email, "hash-2", None, 300)
            .await
            .unwrap());
        let reset = store.admin_user(email).await.unwrap().unwrap();
        assert_eq!(
            (
                reset.id.as_str(),
                reset.password_hash.as_str(),
                reset.created_at
            ),
            ("u1", "hash-2", 100)
        );
        assert_eq!((reset.failed_logins, reset.locked_until), (0, None));

        // A success clears failures and lockout.
        store.note_login_failure(email, 400, 1, 60).await.unwrap();
        store.note_login_failure(email, 401, 5, 60).await.unwrap();
        let before = store.admin_user(email).await.unwrap().unwrap();
        assert_eq!((before.failed_logins, before.locked_until), (1, Some(460)));
        store.note_login_success(email).await.unwrap();
        let after = store.admin_user(email).await.unwrap().unwrap();
        assert_eq!((after.failed_logins, after.locked_until), (0, None));
        store
            .note_login_success("nobody@example.com")
            .await
            .unwrap();

        // A second user is independent.
        assert!(store
            .upsert_admin_user("u3", "other@example.com", "hash-3", None, 500)
            .await
            .unwrap());
        assert_eq!(
            db.scalar("SELECT count(*) FROM admin_users").await,
            2,
            "one row per address"
        );
    })
    .await;
}

#[tokio::test]
async fn a_users_other_sessions_are_revoked_and_tokens_kept() {
    each_backend(|db| async move {
        let store = db.open().await;
        let current = credential("s1", CredentialKind::Session, 100, Some(1000));
        let other = credential("s2", CredentialKind::Session, 110, Some(1000));
        let mut someone_else = credential("s3", CredentialKind::Session, 120, Some(1000));
        someone_else.user_email = "other@example.com".into();
        let token = credential("t1", CredentialKind::ApiToken, 130, None);
        for c in [&current, &other, &someone_else, &token] {
            store.create_credential(c).await.unwrap();
        }
        assert_eq!(
            store
                .revoke_sessions("admin@example.com", Some("s1"), 200)
                .await
                .unwrap(),
            1
        );
        assert!(store.credential("hash-s1", 201).await.unwrap().is_some());
        assert_eq!(store.credential("hash-s2", 201).await.unwrap(), None);
        assert!(store.credential("hash-s3", 201).await.unwrap().is_some());
        assert!(store.credential("hash-t1", 201).await.unwrap().is_some());
        // Without one to keep (the command line): every session of the user.
        assert_eq!(
            store
                .revoke_sessions("admin@example.com", None, 300)
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.credential("hash-s1", 301).await.unwrap(), None);
        assert!(store.credential("hash-t1", 301).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn credentials_are_valid_until_they_expire_or_are_revoked() {
    each_backend(|db| async move {
        let store = db.open().await;
        let session = credential("s1", CredentialKind::Session, 100, Some(200));
        let token = credential("t1", CredentialKind::ApiToken, 110, None);
        let newer = credential("t2", CredentialKind::ApiToken, 120, None);
        let expiring = credential("t3", CredentialKind::ApiToken, 130, Some(150));
        for c in [&session, &token, &newer, &expiring] {
            store.create_credential(c).await.unwrap();
        }
        // The secret hash is unique.
        let mut duplicate = credential("t4", CredentialKind::ApiToken, 140, None);
        duplicate.token_hash = token.token_hash.clone();
        assert!(store.create_credential(&duplicate).await.is_err());

        assert_eq!(
            store.credential("hash-s1", 199).await.unwrap().as_ref(),
            Some(&session)
        );
        // Expired at `expires_at` exactly.
        assert_eq!(store.credential("hash-s1", 200).await.unwrap(), None);
        assert_eq!(store.credential("unknown", 100).await.unwrap(), None);
        assert_eq!(
            store.credential("hash-t1", 10_000).await.unwrap().as_ref(),
            Some(&token)
        );

        // Valid ones of a kind, newest first.
        let ids = |list: Vec<Credential>| list.into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(
            ids(store
                .credentials(CredentialKind::ApiToken, 140)
                .await
                .unwrap()),
            ["t3", "t2", "t1"]
        );
        assert_eq!(
            ids(store
                .credentials(CredentialKind::ApiToken, 150)
                .await
                .unwrap()),
            ["t2", "t1"]
        );
        assert_eq!(
            ids(store
                .credentials(CredentialKind::Session, 150)
                .await
                .unwrap()),
            ["s1"]
        );
        assert!(store
            .credentials(CredentialKind::Session, 250)
            .await
            .unwrap()
            .is_empty());

        // Revoking: only a valid credential, once.
        assert!(store.revoke_credential("t2", 160).await.unwrap());
        assert!(!store.revoke_credential("t2", 161).await.unwrap());
        assert!(
            !store.revoke_credential("t3", 161).await.unwrap(),
            "expired"
        );
        assert!(!store.revoke_credential("nope", 161).await.unwrap());
        assert_eq!(store.credential("hash-t2", 161).await.unwrap(), None);
        assert_eq!(
            ids(store
                .credentials(CredentialKind::ApiToken, 161)
                .await
                .unwrap()),
            ["t1"]
        );
        // Stored revoked: never valid.
        let mut revoked = credential("t5", CredentialKind::ApiToken, 170, None);
        revoked.revoked_at = Some(170);
        store.create_credential(&revoked).await.unwrap();
        assert_eq!(store.credential("hash-t5", 100).await.unwrap(), None);

        // Pruning deletes what expired or was revoked before the given instant.
        assert_eq!(
            store.prune_credentials(165).await.unwrap(),
            2,
            "t3 expired, t2 revoked"
        );
        assert_eq!(store.prune_credentials(165).await.unwrap(), 0);
        assert_eq!(
            store.credential("hash-s1", 199).await.unwrap().as_ref(),
            Some(&session)
        );
        assert_eq!(
            store.prune_credentials(10_000).await.unwrap(),
            2,
            "s1 and t5"
        );
        assert_eq!(
            store.credential("hash-t1", 10_000).await.unwrap().as_ref(),
            Some(&token),
            "never expires"
        );
    })
    .await;
}

#[tokio::test]
async fn api_token_scopes_and_expiry_round_trip() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut reader = credential("r1", CredentialKind::ApiToken, 100, Some(500));
        reader.scopes = vec!["bookings:read".into(), "webhooks:write".into()];
        let mut nothing = credential("r2", CredentialKind::ApiToken, 110, None);
        nothing.scopes = Vec::new();
        let session = credential("s1", CredentialKind::Session, 120, Some(900));
        for c in [&reader, &nothing, &session] {
            store.create_credential(c).await.unwrap();
        }
        let read = store.credential("hash-r1", 499).await.unwrap().unwrap();
        assert_eq!(read.scopes, ["bookings:read", "webhooks:write"]);
        assert_eq!(read, reader);
        assert_eq!(
            store
                .credential("hash-r2", 499)
                .await
                .unwrap()
                .unwrap()
                .scopes,
            Vec::<String>::new()
        );
        assert!(store
            .credential("hash-s1", 499)
            .await
            .unwrap()
            .unwrap()
            .scopes
            .is_empty());
        let listed = store
            .credentials(CredentialKind::ApiToken, 200)
            .await
            .unwrap();
        assert_eq!(listed, [nothing.clone(), reader.clone()]);
        // The expiry is where the token stops: from 500 on, it is not found.
        assert_eq!(store.credential("hash-r1", 500).await.unwrap(), None);
        assert_eq!(
            db.scalar(
                "SELECT count(*) FROM credentials WHERE scopes = 'bookings:read webhooks:write'"
            )
            .await,
            1,
            "stored space-separated"
        );
    })
    .await;
}

#[tokio::test]
async fn tokens_from_before_scopes_are_admin() {
    each_backend(|db| async move {
        // The schema before the scopes migration, with a token and a session in it.
        let earlier: &[&str] = match db.backend {
            Backend::Sqlite => &[
                include_str!("../migrations/sqlite/0001_bookings.sql"),
                include_str!("../migrations/sqlite/0002_settings.sql"),
                include_str!("../migrations/sqlite/0003_overlap_by_neighbour.sql"),
                include_str!("../migrations/sqlite/0004_jobs.sql"),
                include_str!("../migrations/sqlite/0005_booking_changes.sql"),
                include_str!("../migrations/sqlite/0006_operations.sql"),
                include_str!("../migrations/sqlite/0007_search_text.sql"),
                include_str!("../migrations/sqlite/0008_job_claims.sql"),
                include_str!("../migrations/sqlite/0009_hosts_and_holds.sql"),
                include_str!("../migrations/sqlite/0010_calendars.sql"),
                include_str!("../migrations/sqlite/0011_oauth.sql"),
            ],
            Backend::Postgres => &[
                include_str!("../migrations/postgres/0001_bookings.sql"),
                include_str!("../migrations/postgres/0002_settings.sql"),
                include_str!("../migrations/postgres/0003_jobs.sql"),
                include_str!("../migrations/postgres/0004_operations.sql"),
                include_str!("../migrations/postgres/0005_hosts_and_holds.sql"),
                include_str!("../migrations/postgres/0006_calendars.sql"),
                include_str!("../migrations/postgres/0007_oauth.sql"),
            ],
        };
        let store = db.connect().await; // creates the SQLite file
        db.apply_as_earlier(earlier).await;
        db.execute(
            "INSERT INTO credentials (id, kind, token_hash, user_email, name, csrf, created_at)
             VALUES ('old', 'api_token', 'hash-old', 'cli', 'nightly', '', 10),
                    ('sess', 'session', 'hash-sess', 'a@example.com', '', 'c', 10)",
        )
        .await;
        // The scopes migration and every later one apply.
        assert!(store.migrate().await.unwrap() >= 1);
        let old = store.credential("hash-old", 20).await.unwrap().unwrap();
        assert_eq!(
            (old.name.as_str(), old.scopes),
            ("nightly", vec!["admin".to_string()])
        );
        let session = store.credential("hash-sess", 20).await.unwrap().unwrap();
        assert!(session.scopes.is_empty(), "{session:?}");
    })
    .await;
}

#[tokio::test]
async fn event_types_are_seeded_once_and_saved_with_their_audit_entry() {
    each_backend(|db| async move {
        let store = db.open().await;
        assert!(store.event_types().await.unwrap().is_empty());
        assert!(
            !store.seed_event_types(&[]).await.unwrap(),
            "nothing to seed"
        );
        let seed = [event_type("b", 1), event_type("a", 1), event_type("c", 0)];
        assert!(store.seed_event_types(&seed).await.unwrap());
        let stored = store.event_types().await.unwrap();
        // By position, then slug.
        assert_eq!(stored, [seed[2].clone(), seed[1].clone(), seed[0].clone()]);
        assert!(!store.seed_event_types(&[event_type("z", 0)]).await.unwrap());
        assert_eq!(store.event_types().await.unwrap().len(), 3);

        // Replace one.
        let mut changed = event_type("a", 5);
        changed.enabled = false;
        changed.definition = json!({"slug": "a", "title": "Renamed", "minutes": 45});
        changed.updated_at = 99;
        let entry = AuditEntry {
            id: "e1".into(),
            at: 99,
            actor: "admin:root@example.com".into(),
            action: "event_type.update".into(),
            target: "event_type:a".into(),
            before: Some(seed[1].definition.clone()),
            after: Some(changed.definition.clone()),
        };
        store.save_event_type(&changed, &entry).await.unwrap();
        // Add one.
        let added = event_type("d", 2);
        let mut created = entry.clone();
        created.id = "e2".into();
        created.action = "event_type.create".into();
        created.target = "event_type:d".into();
        created.before = None;
        store.save_event_type(&added, &created).await.unwrap();

        let stored = store.event_types().await.unwrap();
        let slugs: Vec<_> = stored.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["c", "b", "d", "a"]);
        assert_eq!(stored[3], changed);
        assert_eq!(stored[2], added);
        assert_eq!(
            store.audit_entries(Some("event_type:a"), 10).await.unwrap(),
            std::slice::from_ref(&entry)
        );
        assert_eq!(
            store.audit_entries(Some("event_type:d"), 10).await.unwrap(),
            [created]
        );

        // A failing audit insert (duplicate id) leaves the event type as it was.
        let mut again = changed.clone();
        again.position = 42;
        assert!(store.save_event_type(&again, &entry).await.is_err());
        let a = store.event_types().await.unwrap();
        assert_eq!(a.iter().find(|e| e.slug == "a").unwrap().position, 5);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_seeders_seed_exactly_once() {
    each_backend(|db| async move {
        db.open().await;
        let mut stores = Vec::new();
        for _ in 0..4 {
            stores.push(db.connect().await);
        }
        let tasks: Vec<_> = stores
            .into_iter()
            .enumerate()
            .map(|(index, store)| {
                tokio::spawn(async move {
                    let seed = [
                        event_type(&format!("s{index}-a"), 0),
                        event_type(&format!("s{index}-b"), 1),
                    ];
                    (index, store.seed_event_types(&seed).await.unwrap())
                })
            })
            .collect();
        let mut winners = Vec::new();
        for task in tasks {
            let (index, seeded) = task.await.unwrap();
            if seeded {
                winners.push(index);
            }
        }
        assert_eq!(winners.len(), 1, "{winners:?}");
        let store = db.connect().await;
        let slugs: Vec<_> = store
            .event_types()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.slug)
            .collect();
        let winner = winners[0];
        assert_eq!(slugs, [format!("s{winner}-a"), format!("s{winner}-b")]);
    })
    .await;
}

#[tokio::test]
async fn audit_entries_are_newest_first_and_filtered_by_target() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut fourth = audit("a4", 30, "event_type:y");
        fourth.before = None;
        fourth.after = Some(json!({"enabled": false, "nested": {"list": [1, 2.5, "x"]}}));
        let entries = [
            audit("a1", 10, "booking:x"),
            audit("a2", 30, "booking:x"),
            audit("a3", 20, "event_type:y"),
            fourth,
        ];
        for entry in &entries {
            store.append_audit(entry).await.unwrap();
        }
        let ids = |list: Vec<AuditEntry>| list.into_iter().map(|e| e.id).collect::<Vec<_>>();
        // Ties in time: the larger id first.
        assert_eq!(
            ids(store.audit_entries(None, 10).await.unwrap()),
            ["a4", "a2", "a3", "a1"]
        );
        assert_eq!(
            ids(store.audit_entries(None, 2).await.unwrap()),
            ["a4", "a2"]
        );
        assert_eq!(
            ids(store.audit_entries(Some("booking:x"), 10).await.unwrap()),
            ["a2", "a1"]
        );
        assert!(store
            .audit_entries(Some("booking:none"), 10)
            .await
            .unwrap()
            .is_empty());
        // Documents round-trip.
        let all = store.audit_entries(None, 10).await.unwrap();
        assert_eq!(all[0], entries[3]);
        assert_eq!(all[3], entries[0]);
        // Ids are unique.
        assert!(store.append_audit(&entries[0]).await.is_err());
    })
    .await;
}

/// Bookings for the list tests, in ascending start order: b5, b1, b2, b3, b4, b6.
async fn list_fixture(store: &dyn openslot_store::Store) {
    let rows = [
        (
            "b1",
            "h1",
            "30min",
            BookingStatus::Confirmed,
            T,
            100,
            "Ada Lovelace",
            "ada@example.com",
        ),
        (
            "b2",
            "h2",
            "30min",
            BookingStatus::Requested,
            T,
            200,
            "Grace Hopper",
            "GRACE@Navy.MIL",
        ),
        (
            "b3",
            "h1",
            "60min",
            BookingStatus::Cancelled,
            T + 3600,
            300,
            "100% Sure",
            "pct@example.com",
        ),
        (
            "b4",
            "h1",
            "30min",
            BookingStatus::Requested,
            T + 7200,
            400,
            "Under_score",
            "under@example.com",
        ),
        (
            "b5",
            "h1",
            "60min",
            BookingStatus::Declined,
            T - 3600,
            500,
            "Plain Name",
            "plain@example.org",
        ),
        (
            "b6",
            "h2",
            "30min",
            BookingStatus::Confirmed,
            T + 86_400,
            600,
            "Back\\slash O'Brien",
            "bs@example.com",
        ),
    ];
    for (id, host, event, status, start, created, name, email) in rows {
        let mut new = booking(id, host, event, status, start);
        new.created_at = ts(created);
        new.name = name.into();
        new.email = email.into();
        store.create_booking(new, None).await.unwrap();
    }
}

#[tokio::test]
async fn bookings_are_listed_and_counted_by_query() {
    each_backend(|db| async move {
        let store = db.open().await;
        list_fixture(store.as_ref()).await;
        let check = |query: BookingQuery, expected: &'static [&'static str]| {
            let store = store.clone();
            async move {
                let listed: Vec<_> = store
                    .list_bookings(&query)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|b| b.id)
                    .collect();
                assert_eq!(listed, expected, "{query:?}");
                if query.limit == 0 && query.offset == 0 {
                    let count = store.count_bookings(&query).await.unwrap();
                    assert_eq!(count, expected.len() as i64, "count {query:?}");
                }
            }
        };
        let all = BookingQuery::default();
        check(all.clone(), &["b5", "b1", "b2", "b3", "b4", "b6"]).await;
        check(
            BookingQuery {
                descending: true,
                ..all.clone()
            },
            &["b6", "b4", "b3", "b2", "b1", "b5"],
        )
        .await;
        // Status and event type.
        check(
            BookingQuery {
                statuses: vec![BookingStatus::Confirmed],
                ..all.clone()
            },
            &["b1", "b6"],
        )
        .await;
        check(
            BookingQuery {
                statuses: vec![BookingStatus::Requested, BookingStatus::Cancelled],
                ..all.clone()
            },
            &["b2", "b3", "b4"],
        )
        .await;
        check(
            BookingQuery {
                statuses: vec![BookingStatus::Expired],
                ..all.clone()
            },
            &[],
        )
        .await;
        check(
            BookingQuery {
                event_slug: Some("60min".into()),
                ..all.clone()
            },
            &["b5", "b3"],
        )
        .await;
        // Ranges: from inclusive, to exclusive.
        check(
            BookingQuery {
                start_from: Some(T),
                start_to: Some(T + 7200),
                ..all.clone()
            },
            &["b1", "b2", "b3"],
        )
        .await;
        check(
            BookingQuery {
                created_from: Some(200),
                created_to: Some(500),
                ..all.clone()
            },
            &["b2", "b3", "b4"],
        )
        .await;
        // Search: case-insensitive, name or e-mail, literal.
        let search = |text: &str| BookingQuery {
            search: Some(text.into()),
            ..BookingQuery::default()
        };
        check(search("ada"), &["b1"]).await;
        check(search("LOVELACE"), &["b1"]).await;
        check(search("grace@navy.mil"), &["b2"]).await;
        check(search("example.com"), &["b1", "b3", "b4", "b6"]).await;
        check(search("%"), &["b3"]).await;
        check(search("0% s"), &["b3"]).await;
        check(search("_"), &["b4"]).await;
        check(search("r_s"), &["b4"]).await;
        check(search("\\"), &["b6"]).await;
        check(search("o'brien"), &["b6"]).await;
        check(search("a%e"), &[]).await;
        check(search(""), &["b5", "b1", "b2", "b3", "b4", "b6"]).await;
        // Combined.
        check(
            BookingQuery {
                statuses: vec![BookingStatus::Requested],
                search: Some("EXAMPLE".into()),
                ..all.clone()
            },
            &["b4"],
        )
        .await;
        // Pages; the count ignores them.
        let page = |limit: u32, offset: u32, descending: bool| BookingQuery {
            limit,
            offset,
            descending,
            ..BookingQuery::default()
        };
        check(page(2, 0, false), &["b5", "b1"]).await;
        check(page(2, 1, false), &["b1", "b2"]).await;
        check(page(0, 4, false), &["b4", "b6"]).await;
        check(page(2, 0, true), &["b6", "b4"]).await;
        check(page(10, 6, false), &[]).await;
        assert_eq!(store.count_bookings(&page(2, 1, false)).await.unwrap(), 6);

        // Listed bookings are complete rows.
        let listed = store.list_bookings(&all).await.unwrap();
        for booking in listed {
            assert_eq!(
                Some(&booking),
                store.booking(&booking.id).await.unwrap().as_ref()
            );
        }
    })
    .await;
}

#[tokio::test]
async fn counters_add_up_per_day_event_type_and_metric() {
    each_backend(|db| async move {
        let store = db.open().await;
        let delta = |day: &str, slug: &str, metric: &str, count: i64| CounterDelta {
            day: day.into(),
            event_slug: slug.into(),
            metric: metric.into(),
            count,
        };
        store.add_counters(&[]).await.unwrap();
        store
            .add_counters(&[
                delta("2030-01-02", "30min", "page_view", 2),
                delta("2030-01-01", "30min", "page_view", 1),
                delta("2030-01-01", "30min", "attempt", 1),
                delta("2030-01-01", "30min", "page_view", 4),
                delta("2030-01-03", "60min", "page_view", 7),
            ])
            .await
            .unwrap();
        store
            .add_counters(&[
                delta("2030-01-01", "30min", "page_view", 10),
                delta("2030-01-02", "15min", "availability", 3),
            ])
            .await
            .unwrap();
        assert_eq!(
            store.counters("2030-01-01", "2030-01-03").await.unwrap(),
            [
                delta("2030-01-01", "30min", "attempt", 1),
                delta("2030-01-01", "30min", "page_view", 15),
                delta("2030-01-02", "15min", "availability", 3),
                delta("2030-01-02", "30min", "page_view", 2),
                delta("2030-01-03", "60min", "page_view", 7),
            ]
        );
        assert_eq!(
            store.counters("2030-01-02", "2030-01-02").await.unwrap(),
            [
                delta("2030-01-02", "15min", "availability", 3),
                delta("2030-01-02", "30min", "page_view", 2),
            ]
        );
        assert!(store
            .counters("2030-01-04", "2030-12-31")
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

fn job(id: &str, run_at: i64) -> NewJob {
    NewJob {
        id: id.into(),
        kind: "mail".into(),
        payload: json!({"template": "confirmed"}),
        run_at,
        max_attempts: 3,
        booking_id: Some("f1".into()),
        order_key: None,
        embed_booking: false,
    }
}

#[tokio::test]
async fn failed_jobs_are_listed_and_dead_ones_retried() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut new = booking("f1", "h1", "30min", BookingStatus::Requested, T);
        new.jobs = vec![job("a", 100), job("b", 100), job("c", 100), job("d", 5000)];
        store.create_booking(new, None).await.unwrap();
        let claimed = store.claim_jobs("w", 100, 60, 10).await.unwrap();
        assert_eq!(claimed.len(), 3);
        store.bury_job("a", "w", "gave up", 300).await.unwrap();
        store
            .retry_job("b", "w", 1000, "smtp down", 200)
            .await
            .unwrap();
        store.finish_job("c", "w", 150).await.unwrap();

        let failed = store.failed_jobs(10).await.unwrap();
        let ids: Vec<_> = failed.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "newest failure first");
        assert_eq!(failed[0].state, JobState::Dead);
        assert_eq!(failed[1].last_error.as_deref(), Some("smtp down"));
        assert_eq!(store.failed_jobs(1).await.unwrap().len(), 1);

        // Only a dead job goes back to the queue.
        assert!(!store.retry_dead_job("b", 400).await.unwrap());
        assert!(!store.retry_dead_job("c", 400).await.unwrap());
        assert!(!store.retry_dead_job("nope", 400).await.unwrap());
        assert!(store.retry_dead_job("a", 400).await.unwrap());
        assert!(!store.retry_dead_job("a", 401).await.unwrap());
        let jobs = store.jobs(10).await.unwrap();
        let a = jobs.iter().find(|j| j.id == "a").unwrap();
        assert_eq!((a.state, a.attempts, a.run_at), (JobState::Queued, 0, 400));
        let ids: Vec<_> = store
            .failed_jobs(10)
            .await
            .unwrap()
            .into_iter()
            .map(|j| j.id)
            .collect();
        assert_eq!(ids, ["b"]);
        // It runs again like a new job.
        let again = store.claim_jobs("w2", 400, 60, 10).await.unwrap();
        let ids: Vec<_> = again.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["a"]);
        assert_eq!(again[0].attempts, 1);
    })
    .await;
}

#[tokio::test]
async fn confirmed_at_is_set_when_a_booking_becomes_confirmed_and_kept() {
    each_backend(|db| async move {
        let store = db.open().await;
        let created = |outcome: CreateOutcome| match outcome {
            CreateOutcome::Created(booking) => booking,
            other => panic!("expected created: {other:?}"),
        };
        // Instant booking: confirmed at creation.
        let mut instant = booking("c1", "h1", "30min", BookingStatus::Confirmed, T);
        instant.created_at = ts(1_500);
        let instant = created(store.create_booking(instant, None).await.unwrap());
        assert_eq!(instant.confirmed_at, Some(ts(1_500)));
        assert_eq!(store.booking("c1").await.unwrap(), Some(instant.clone()));

        // A request: not yet.
        let request = booking("c2", "h1", "30min", BookingStatus::Requested, T + 3600);
        let request = created(store.create_booking(request, None).await.unwrap());
        assert_eq!(request.confirmed_at, None);
        assert_eq!(store.booking("c2").await.unwrap(), Some(request));

        // Confirmed by the host: at that moment.
        let Some(ChangeOutcome::Changed(confirmed)) = store
            .change_booking("c2", BookingChange::Confirm, vec![], ts(2_000))
            .await
            .unwrap()
        else {
            panic!("confirm should apply")
        };
        assert_eq!(confirmed.confirmed_at, Some(ts(2_000)));
        assert_eq!(store.booking("c2").await.unwrap(), Some(confirmed));

        // Kept after cancellation (and a move).
        let moved = BookingChange::Move {
            start: ts(T + 7200),
            end: ts(T + 9000),
            blocked_start: T + 7200,
            blocked_end: T + 9000,
            day_cap: None,
            host_caps: Vec::new(),
        };
        let Some(ChangeOutcome::Changed(moved)) = store
            .change_booking("c2", moved, vec![], ts(2_500))
            .await
            .unwrap()
        else {
            panic!("move should apply")
        };
        assert_eq!(moved.confirmed_at, Some(ts(2_000)));
        let cancel = BookingChange::End {
            status: BookingStatus::Cancelled,
            reason: None,
        };
        for id in ["c1", "c2"] {
            let Some(ChangeOutcome::Changed(cancelled)) = store
                .change_booking(id, cancel.clone(), vec![], ts(3_000))
                .await
                .unwrap()
            else {
                panic!("cancel should apply")
            };
            assert_eq!(cancelled.status, BookingStatus::Cancelled);
            let expected = if id == "c1" { 1_500 } else { 2_000 };
            assert_eq!(cancelled.confirmed_at, Some(ts(expected)));
            assert_eq!(store.booking(id).await.unwrap(), Some(cancelled));
        }
        // A request that ends without confirmation never gets one.
        store
            .create_booking(
                booking("c3", "h1", "30min", BookingStatus::Requested, T),
                None,
            )
            .await
            .unwrap();
        let decline = BookingChange::End {
            status: BookingStatus::Declined,
            reason: None,
        };
        store
            .change_booking("c3", decline, vec![], ts(3_100))
            .await
            .unwrap();
        assert_eq!(
            store.booking("c3").await.unwrap().unwrap().confirmed_at,
            None
        );
    })
    .await;
}

#[tokio::test]
async fn the_operations_migration_is_applied_once() {
    each_backend(|db| async move {
        let store = db.open().await;
        let versions = db.scalar("SELECT count(*) FROM schema_migrations").await;
        assert_eq!(versions, migrations_on_disk(db.backend).0);
        assert_eq!(store.migrate().await.unwrap(), 0);
        let reopened = db.connect().await;
        assert_eq!(reopened.migrate().await.unwrap(), 0);
        for table in [
            "admin_users",
            "credentials",
            "event_types",
            "audit_log",
            "daily_counters",
        ] {
            assert_eq!(db.scalar(&format!("SELECT count(*) FROM {table}")).await, 0);
        }
        assert_eq!(
            db.scalar("SELECT count(*) FROM bookings WHERE confirmed_at IS NOT NULL")
                .await,
            0
        );
    })
    .await;
}

/// How many migration files the backend has and the highest version among them (the
/// numbers of several slices' migrations may leave gaps).
fn migrations_on_disk(backend: Backend) -> (i64, i64) {
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let directory = format!("{}/migrations/{folder}", env!("CARGO_MANIFEST_DIR"));
    let versions: Vec<i64> = std::fs::read_dir(directory)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.ends_with(".sql").then(|| name[..4].parse().unwrap())
        })
        .collect();
    (versions.len() as i64, versions.into_iter().max().unwrap())
}

#[tokio::test]
async fn the_operations_migration_backfills_confirmed_at() {
    each_backend(|db| async move {
        // The schema as it was before the operations migration, with bookings in it.
        let (earlier, version, applied): (&[&str], i64, usize) = match db.backend {
            Backend::Sqlite => (
                &[
                    include_str!("../migrations/sqlite/0001_bookings.sql"),
                    include_str!("../migrations/sqlite/0002_settings.sql"),
                    include_str!("../migrations/sqlite/0003_overlap_by_neighbour.sql"),
                    include_str!("../migrations/sqlite/0004_jobs.sql"),
                    include_str!("../migrations/sqlite/0005_booking_changes.sql"),
                ],
                migrations_on_disk(db.backend).1,
                migrations_on_disk(db.backend).0 as usize - 5,
            ),
            Backend::Postgres => (
                &[
                    include_str!("../migrations/postgres/0001_bookings.sql"),
                    include_str!("../migrations/postgres/0002_settings.sql"),
                    include_str!("../migrations/postgres/0003_jobs.sql"),
                ],
                migrations_on_disk(db.backend).1,
                migrations_on_disk(db.backend).0 as usize - 3,
            ),
        };
        let store = db.connect().await; // creates the SQLite file
        db.apply_as_earlier(earlier).await;
        db.execute(
            "INSERT INTO bookings (id, host_id, event_slug, status, start_at, end_at,
                blocked_start, blocked_end, name, email, created_at, updated_at)
             VALUES ('a', 'h', 'e', 'confirmed', 10, 20, 10, 20, 'Ñandú Ærø', 'e', 1, 5),
                    ('b', 'h', 'e', 'requested', 30, 40, 30, 40, 'n', 'e', 1, 6),
                    ('c', 'h', 'e', 'cancelled', 10, 20, 10, 20, 'n', 'e', 1, 7)",
        )
        .await;
        assert_eq!(store.migrate().await.unwrap(), applied);
        assert_eq!(
            db.scalar("SELECT max(version) FROM schema_migrations")
                .await,
            version
        );
        let confirmed_at = |id: &'static str| {
            let store = store.clone();
            async move { store.booking(id).await.unwrap().unwrap().confirmed_at }
        };
        assert_eq!(confirmed_at("a").await, Some(ts(5)));
        assert_eq!(confirmed_at("b").await, None);
        assert_eq!(confirmed_at("c").await, None);
        // Every booking stored before holds its host, active as its status says, so the
        // per-host overlap rule keeps covering them.
        assert_eq!(
            db.scalar("SELECT count(*) FROM booking_holds WHERE host_id = 'h'")
                .await,
            3
        );
        let a = store.booking("a").await.unwrap().unwrap();
        assert_eq!(
            (a.host_id.as_str(), a.hosts.clone()),
            ("h", vec!["h".to_string()])
        );
        let active = store.active_bookings("h", 0).await.unwrap();
        let ids: Vec<_> = active.iter().map(|booking| booking.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        let clash = store
            .create_booking(booking("x", "h", "e", BookingStatus::Confirmed, 15), None)
            .await;
        assert!(
            matches!(clash, Err(openslot_store::StoreError::Overlap)),
            "{clash:?}"
        );
        store
            .create_booking(booking("y", "h", "e", BookingStatus::Confirmed, 20), None)
            .await
            .unwrap_err();
        store
            .create_booking(
                booking("z", "other", "e", BookingStatus::Confirmed, 15),
                None,
            )
            .await
            .unwrap();
        // Bookings stored before can be searched with Unicode case folding.
        let found = store
            .list_bookings(&BookingQuery {
                search: Some("ñANDÚ æRØ".into()),
                ..BookingQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "a");
    })
    .await;
}

#[tokio::test]
async fn bookings_are_counted_per_event_type_and_quarter_hour() {
    use openslot_store::{BookingBucket, BucketBy, BUCKET_SECONDS};
    each_backend(|db| async move {
        let store = db.open().await;
        list_fixture(store.as_ref()).await;
        let bucket = |slug: &str, at: i64, count: i64, confirmed: i64| BookingBucket {
            event_slug: slug.into(),
            at,
            count,
            confirmed,
        };
        // Created at 100..600 s: all in the first bucket; b1 and b6 were created confirmed.
        let created = store
            .booking_buckets(&BookingQuery::default(), BucketBy::Created)
            .await
            .unwrap();
        assert_eq!(
            created,
            [bucket("30min", 0, 4, 2), bucket("60min", 0, 2, 0)]
        );
        // By start, active only, with the list's filters applied.
        let query = BookingQuery {
            statuses: vec![BookingStatus::Requested, BookingStatus::Confirmed],
            limit: 1, // ignored
            ..BookingQuery::default()
        };
        let started = store
            .booking_buckets(&query, BucketBy::Start)
            .await
            .unwrap();
        let floor = |second: i64| second / BUCKET_SECONDS * BUCKET_SECONDS;
        assert_eq!(
            started,
            [
                bucket("30min", floor(T), 2, 1),
                bucket("30min", floor(T + 7200), 1, 0),
                bucket("30min", floor(T + 86_400), 1, 1),
            ]
        );
        let query = BookingQuery {
            search: Some("grace".into()),
            ..BookingQuery::default()
        };
        let found = store
            .booking_buckets(&query, BucketBy::Start)
            .await
            .unwrap();
        assert_eq!(found, [bucket("30min", floor(T), 1, 0)]);
    })
    .await;
}

#[tokio::test]
async fn search_folds_case_beyond_ascii_on_both_backends() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut new = booking("u1", "h1", "30min", BookingStatus::Confirmed, T);
        new.name = "Élodie Ørsted-Łukasz".into();
        new.email = "ELODIE@EXAMPLE.FR".into();
        store.create_booking(new, None).await.unwrap();
        let mut other = booking("u2", "h1", "30min", BookingStatus::Confirmed, T + 3600);
        other.name = "Elodie Plain".into();
        store.create_booking(other, None).await.unwrap();
        let search = |text: &'static str| {
            let store = store.clone();
            async move {
                let query = BookingQuery {
                    search: Some(text.into()),
                    ..BookingQuery::default()
                };
                let ids: Vec<String> = store
                    .list_bookings(&query)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|b| b.id)
                    .collect();
                assert_eq!(
                    store.count_bookings(&query).await.unwrap(),
                    ids.len() as i64
                );
                ids
            }
        };
        assert_eq!(search("élodie").await, ["u1"]);
        assert_eq!(search("ÉLODIE").await, ["u1"]);
        assert_eq!(search("ørsted-ŁUKASZ").await, ["u1"]);
        assert_eq!(search("elodie@example").await, ["u1"]);
        assert_eq!(
            search("elodie").await,
            ["u1", "u2"],
            "e-mail of u1, name of u2"
        );
        assert!(search("name\nemail").await.is_empty());
    })
    .await;
}
