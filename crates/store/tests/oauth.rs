//! OAuth accounts on both backends: the migration that brings them keeps the calendars of
//! issue 13 (SQLite rebuilds the table with foreign keys off), the refresh lease (one
//! winner, taken over once expired or released, a lost lease writes nothing), the one
//! "needs reconnecting" alert, single-use expiring authorization requests, what deleting an
//! account takes with it, Google/Microsoft connections and a booking's meeting URL.

#[allow(dead_code)]
mod common;

use std::sync::Arc;

use common::{each_backend, Backend, TestDb};
use jiff::Timestamp;
use openslot_store::{
    Assign, AuditEntry, BookingStatus, CalendarDelta, CalendarSettings, CalendarWrite, NewBooking,
    NewJob, OAuthAccount, OAuthPending, ResourceBusy, Store,
};
use serde_json::json;

/// The first column of every row of a query returning text.
async fn texts(db: &TestDb, sql: &str) -> Vec<String> {
    use sqlx::Connection;
    match db.backend {
        Backend::Sqlite => {
            let mut connection = sqlx::SqliteConnection::connect(db.url()).await.unwrap();
            sqlx::query_scalar(sql)
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
        Backend::Postgres => {
            let mut connection = sqlx::PgConnection::connect(db.url()).await.unwrap();
            sqlx::query_scalar(sql)
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
    }
}

fn account(id: &str, host: &str, provider: &str, email: &str) -> OAuthAccount {
    OAuthAccount {
        id: id.into(),
        host_id: host.into(),
        provider: provider.into(),
        email: email.into(),
        refresh_token_enc: format!("sealed-refresh-{id}"),
        access_token_enc: Some(format!("sealed-access-{id}")),
        access_expires_at: Some(1_000),
        status: OAuthAccount::OK.into(),
        status_detail: None,
        refresh_locked_by: None,
        refresh_lease_until: None,
        created_at: 10,
        updated_at: 10,
    }
}

fn remote(id: &str, host: &str, kind: &str, account: &str, calendar: &str) -> CalendarSettings {
    CalendarSettings {
        id: id.into(),
        host_id: host.into(),
        kind: kind.into(),
        url: calendar.into(),
        username: None,
        password_env: None,
        password_enc: None,
        busy: true,
        write: false,
        refresh_minutes: 5,
        all_day_busy: false,
        origin: "admin".into(),
        account_id: Some(account.into()),
    }
}

fn audit(id: &str) -> AuditEntry {
    AuditEntry {
        id: id.into(),
        at: 1,
        actor: "admin:ops@example.com".into(),
        action: "calendar.create".into(),
        target: format!("calendar:{id}"),
        before: None,
        after: None,
    }
}

fn alert(id: &str) -> NewJob {
    NewJob {
        id: id.into(),
        kind: "mail".into(),
        payload: json!({"message": "ops_oauth_needs_reconnect", "account_id": "acc"}),
        run_at: 50,
        max_attempts: 3,
        booking_id: None,
        order_key: None,
        embed_booking: false,
    }
}

fn pending(state: &str, account: Option<&str>, expires_at: i64) -> OAuthPending {
    OAuthPending {
        state_hash: state.into(),
        provider: "google".into(),
        host_id: "ada".into(),
        session_hash: "session-hash".into(),
        verifier_enc: format!("sealed-verifier-{state}"),
        account_id: account.map(String::from),
        created_at: 100,
        expires_at,
    }
}

/// Claims the connection `id` (the only one due) and imports `intervals` as one resource.
async fn import(store: &dyn Store, id: &str, href: &str, intervals: &[(i64, i64)], now: i64) {
    let claimed = store
        .claim_calendar_sync("importer", now, 60)
        .await
        .unwrap()
        .expect("a due connection");
    assert_eq!(claimed.settings.id, id);
    let delta = CalendarDelta {
        full: true,
        upserts: vec![ResourceBusy {
            href: href.into(),
            etag: Some("e1".into()),
            intervals: intervals.to_vec(),
        }],
        removed: Vec::new(),
        cursor: json!({"sync": href}),
    };
    assert!(store
        .apply_calendar_sync(id, "importer", &delta, now, now + 10_000)
        .await
        .unwrap());
}

async fn write_record(store: &dyn Store, booking: &str, connection: &str) {
    store
        .save_calendar_write(&CalendarWrite {
            booking_id: booking.into(),
            connection_id: connection.into(),
            href: format!("os{booking}"),
            etag: Some("\"1\"".into()),
            sequence: 0,
            updated_at: 5,
        })
        .await
        .unwrap();
}

/// Rows belonging to a connection in the tables a sync and the write-back fill.
async fn rows_of(db: &TestDb, connection: &str) -> i64 {
    let mut total = 0;
    for table in ["calendar_resources", "calendar_busy", "calendar_writes"] {
        total += db
            .scalar(&format!(
                "SELECT count(*) FROM {table} WHERE connection_id = '{connection}'"
            ))
            .await;
    }
    total
}

#[tokio::test]
async fn the_oauth_migration_keeps_the_calendars_of_issue_13() {
    each_backend(|db| async move {
        // The schema as issue 13 left it (SQLite 10, PostgreSQL 6), with calendars in it.
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
            ],
            Backend::Postgres => &[
                include_str!("../migrations/postgres/0001_bookings.sql"),
                include_str!("../migrations/postgres/0002_settings.sql"),
                include_str!("../migrations/postgres/0003_jobs.sql"),
                include_str!("../migrations/postgres/0004_operations.sql"),
                include_str!("../migrations/postgres/0005_hosts_and_holds.sql"),
                include_str!("../migrations/postgres/0006_calendars.sql"),
            ],
        };
        let store = db.connect().await; // creates the SQLite file
        db.apply_as_earlier(earlier).await;
        let (yes, no) = match db.backend {
            Backend::Sqlite => ("1", "0"),
            Backend::Postgres => ("TRUE", "FALSE"),
        };
        db.execute(&format!(
            "INSERT INTO calendar_connections (id, host_id, kind, url, username, password_env,
                    password_enc, busy, write_events, refresh_minutes, all_day_busy, origin,
                    sync_cursor, last_success_at, events_imported, next_run_at, busy_version,
                    created_at, updated_at)
                 VALUES ('dav', 'ada', 'caldav', 'https://dav.example.com/ada/', 'ada', NULL,
                         'sealed-pw', {yes}, {yes}, 5, {yes}, 'admin', '{{\"token\": 7}}', 90, 2,
                         4000, 3, 20, 90),
                        ('feed', 'bob', 'ics', 'https://example.com/bob.ics', NULL, NULL, NULL,
                         {yes}, {no}, 15, {no}, 'config', 'null', NULL, 0, 9000, 0, 30, 30);
                 INSERT INTO calendar_resources (connection_id, href, etag)
                 VALUES ('dav', '/ada/1.ics', 'e1'), ('dav', '/ada/2.ics', 'e2');
                 INSERT INTO calendar_busy (connection_id, href, host_id, start_at, end_at)
                 VALUES ('dav', '/ada/1.ics', 'ada', 100, 200),
                        ('dav', '/ada/2.ics', 'ada', 300, 400);
                 INSERT INTO calendar_writes (booking_id, connection_id, href, etag, sequence,
                    updated_at)
                 VALUES ('b1', 'dav', '/ada/b1.ics', 'w1', 2, 50);"
        ))
        .await;
        let structure_sql = match db.backend {
            Backend::Sqlite => {
                "SELECT type || ' ' || name FROM sqlite_master
                 WHERE tbl_name = 'calendar_connections' AND type IN ('index', 'trigger')
                   AND name NOT LIKE 'sqlite_autoindex%'
                 ORDER BY 1"
            }
            Backend::Postgres => {
                "SELECT indexname::text FROM pg_indexes
                 WHERE tablename = 'calendar_connections' ORDER BY 1"
            }
        };
        let structure_before = texts(&db, structure_sql).await;
        assert!(structure_before.len() >= 2, "{structure_before:?}");

        // The OAuth migration and every later one apply.
        assert!(store.migrate().await.unwrap() >= 1);
        let version = match db.backend {
            Backend::Sqlite => 11,
            Backend::Postgres => 7,
        };
        assert_eq!(
            db.scalar(&format!(
                "SELECT count(*) FROM schema_migrations WHERE version = {version}"
            ))
            .await,
            1
        );

        // Every row, with all its sync state, is as it was (and has no account).
        let after = store.calendar_connections().await.unwrap();
        assert_eq!(after.len(), 2);
        let (dav, feed) = (&after[0], &after[1]);
        assert_eq!(
            dav.settings,
            CalendarSettings {
                id: "dav".into(),
                host_id: "ada".into(),
                kind: "caldav".into(),
                url: "https://dav.example.com/ada/".into(),
                username: Some("ada".into()),
                password_env: None,
                password_enc: Some("sealed-pw".into()),
                busy: true,
                write: true,
                refresh_minutes: 5,
                all_day_busy: true,
                origin: "admin".into(),
                account_id: None,
            }
        );
        assert_eq!(dav.cursor, json!({"token": 7}));
        assert_eq!(
            (
                dav.last_success_at,
                dav.events_imported,
                dav.next_run_at,
                dav.busy_version,
                dav.created_at
            ),
            (Some(90), 2, 4000, 3, 20)
        );
        assert_eq!(
            (
                feed.settings.id.as_str(),
                feed.settings.kind.as_str(),
                feed.settings.origin.as_str(),
                feed.settings.write,
                feed.settings.refresh_minutes,
                feed.cursor.clone(),
                feed.created_at
            ),
            (
                "feed",
                "ics",
                "config",
                false,
                15,
                serde_json::Value::Null,
                30
            )
        );
        assert_eq!(
            store.calendar_busy("ada", 0, 1_000).await.unwrap(),
            [(100, 200), (300, 400)]
        );
        assert_eq!(store.calendar_writes("b1").await.unwrap().len(), 1);
        assert_eq!(store.calendar_resource_etags("dav").await.unwrap().len(), 2);

        // Every index (and trigger) of the table is there again, plus the account index.
        let structure_after = texts(&db, structure_sql).await;
        for name in &structure_before {
            assert!(
                structure_after.contains(name),
                "{name} lost: {structure_after:?}"
            );
        }
        assert!(structure_after
            .iter()
            .any(|name| name.ends_with("calendar_connections_by_account")));
        if db.backend == Backend::Sqlite {
            assert_eq!(
                db.scalar("SELECT count(*) FROM pragma_foreign_key_check")
                    .await,
                0
            );
        }

        // The rebuilt table still sends deletions on to what refers to it: the store's own
        // connection enforces foreign keys again after the migration.
        store
            .save_oauth_account(&account("acc", "ada", "google", "ada@example.com"))
            .await
            .unwrap();
        store
            .save_calendar_connection(
                &remote("g", "ada", "google", "acc", "primary"),
                &audit("a1"),
                500,
            )
            .await
            .unwrap();
        import(&*store, "g", "primary", &[(600, 700)], 500).await;
        write_record(&*store, "b2", "g").await;
        assert!(rows_of(&db, "g").await > 0);
        assert!(store.delete_oauth_account("acc").await.unwrap());
        assert_eq!(rows_of(&db, "g").await, 0);
        assert!(store.calendar_connection("g").await.unwrap().is_none());
        assert!(store.calendar_connection("dav").await.unwrap().is_some());
        assert_eq!(store.migrate().await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn one_worker_at_a_time_refreshes_an_account() {
    each_backend(|db| async move {
        let store = db.open().await;
        let other = db.open().await; // another instance on the same database
        store
            .save_oauth_account(&account("acc", "ada", "microsoft", "ada@example.com"))
            .await
            .unwrap();

        // Eight workers of two instances race for the lease: exactly one wins.
        let claims = (0..8).map(|index| {
            let store: Arc<dyn Store> = if index % 2 == 0 {
                store.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move {
                let worker = format!("w{index}");
                let claimed = store
                    .claim_token_refresh("acc", &worker, 100, 30)
                    .await
                    .unwrap();
                claimed.map(|account| (worker, account))
            })
        });
        let mut winners = Vec::new();
        for claim in claims {
            if let Some(won) = claim.await.unwrap() {
                winners.push(won);
            }
        }
        assert_eq!(winners.len(), 1, "{winners:?}");
        let (first, claimed) = winners.pop().unwrap();
        assert_eq!(claimed.refresh_locked_by.as_deref(), Some(first.as_str()));
        assert_eq!(claimed.refresh_lease_until, Some(130));
        assert_eq!(claimed.refresh_token_enc, "sealed-refresh-acc");

        // Nobody else while it runs; anyone once it ran out.
        assert!(other
            .claim_token_refresh("acc", "late", 129, 30)
            .await
            .unwrap()
            .is_none());
        let taken = other
            .claim_token_refresh("acc", "late", 130, 30)
            .await
            .unwrap()
            .expect("an expired lease is taken over");
        assert_eq!(taken.refresh_locked_by.as_deref(), Some("late"));

        // The first worker lost it: its tokens are not written.
        assert!(!store
            .finish_token_refresh(
                "acc",
                &first,
                "stale-access",
                9_999,
                Some("stale-refresh"),
                131
            )
            .await
            .unwrap());
        let now = store.oauth_account("acc").await.unwrap().unwrap();
        assert_eq!(now.access_token_enc.as_deref(), Some("sealed-access-acc"));
        assert_eq!(now.refresh_token_enc, "sealed-refresh-acc");
        assert_eq!(now.refresh_locked_by.as_deref(), Some("late"));
        // Nor may it release someone else's lease.
        store.release_token_refresh("acc", &first).await.unwrap();
        assert!(store
            .claim_token_refresh("acc", "third", 132, 30)
            .await
            .unwrap()
            .is_none());

        // Released, the lease is free at once.
        other.release_token_refresh("acc", "late").await.unwrap();
        assert!(store
            .claim_token_refresh("acc", "third", 133, 30)
            .await
            .unwrap()
            .is_some());
        // A refresh that keeps the refresh token (Google) only replaces the access token.
        assert!(store
            .finish_token_refresh("acc", "third", "access-2", 3_733, None, 134)
            .await
            .unwrap());
        let now = store.oauth_account("acc").await.unwrap().unwrap();
        assert_eq!(
            (
                now.access_token_enc.as_deref(),
                now.access_expires_at,
                now.refresh_token_enc.as_str(),
                now.refresh_locked_by.as_deref(),
                now.refresh_lease_until,
                now.updated_at,
            ),
            (
                Some("access-2"),
                Some(3_733),
                "sealed-refresh-acc",
                None,
                None,
                134
            )
        );
        // Finishing twice is refused: the lease went with the first finish.
        assert!(!store
            .finish_token_refresh("acc", "third", "access-x", 1, None, 135)
            .await
            .unwrap());

        // A rotated refresh token (Microsoft) is stored, even after the lease ran out
        // unclaimed: dropping it would lose the only working grant.
        assert!(other
            .claim_token_refresh("acc", "fourth", 200, 30)
            .await
            .unwrap()
            .is_some());
        assert!(other
            .finish_token_refresh("acc", "fourth", "access-3", 4_000, Some("refresh-3"), 400)
            .await
            .unwrap());
        let now = store.oauth_account("acc").await.unwrap().unwrap();
        assert_eq!(now.refresh_token_enc, "refresh-3");
        assert_eq!(now.access_token_enc.as_deref(), Some("access-3"));

        // Saving the account (a reconnect) takes the lease from a refresh in flight.
        assert!(store
            .claim_token_refresh("acc", "fifth", 500, 30)
            .await
            .unwrap()
            .is_some());
        let reconnected = OAuthAccount {
            refresh_token_enc: "refresh-new".into(),
            updated_at: 501,
            ..account("acc", "ada", "microsoft", "ada@example.com")
        };
        store.save_oauth_account(&reconnected).await.unwrap();
        assert!(!store
            .finish_token_refresh("acc", "fifth", "access-old", 1, Some("refresh-old"), 502)
            .await
            .unwrap());
        assert_eq!(
            store.oauth_account("acc").await.unwrap().unwrap(),
            reconnected
        );
        assert!(store
            .claim_token_refresh("missing", "w", 1, 30)
            .await
            .unwrap()
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn needs_reconnect_alerts_once_until_the_account_is_saved_again() {
    each_backend(|db| async move {
        let store = db.open().await;
        let other = db.open().await;
        store
            .save_oauth_account(&account("acc", "ada", "google", "ada@example.com"))
            .await
            .unwrap();
        assert!(store
            .claim_token_refresh("acc", "w1", 40, 30)
            .await
            .unwrap()
            .is_some());

        // Several workers see invalid_grant at once: one alert.
        let marks = (0..6).map(|index| {
            let store: Arc<dyn Store> = if index % 2 == 0 {
                store.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move {
                store
                    .mark_oauth_needs_reconnect(
                        "acc",
                        "invalid_grant",
                        &[alert(&format!("alert-{index}"))],
                        50,
                    )
                    .await
                    .unwrap()
            })
        });
        let mut changed = 0;
        for mark in marks {
            changed += usize::from(mark.await.unwrap());
        }
        assert_eq!(changed, 1);
        assert!(!store
            .mark_oauth_needs_reconnect("acc", "invalid_grant again", &[alert("alert-x")], 60)
            .await
            .unwrap());
        let jobs = store.jobs(100).await.unwrap();
        assert_eq!(jobs.len(), 1, "{jobs:?}");
        assert_eq!(jobs[0].payload["message"], "ops_oauth_needs_reconnect");
        let marked = store.oauth_account("acc").await.unwrap().unwrap();
        assert_eq!(marked.status, OAuthAccount::NEEDS_RECONNECT);
        assert_eq!(marked.status_detail.as_deref(), Some("invalid_grant"));
        assert_eq!(marked.updated_at, 50);
        assert_eq!(
            (marked.refresh_locked_by, marked.refresh_lease_until),
            (None, None),
            "the lease is released"
        );

        // Reconnected: status ok with new tokens, and a later refusal alerts again.
        store
            .save_oauth_account(&OAuthAccount {
                refresh_token_enc: "refresh-new".into(),
                created_at: 70,
                updated_at: 70,
                ..account("acc", "ada", "google", "ada@example.com")
            })
            .await
            .unwrap();
        let saved = store.oauth_account("acc").await.unwrap().unwrap();
        assert_eq!(saved.status, OAuthAccount::OK);
        assert_eq!(saved.status_detail, None);
        assert_eq!(saved.created_at, 10, "an update keeps the creation time");
        assert_eq!(saved.refresh_token_enc, "refresh-new");
        assert!(other
            .mark_oauth_needs_reconnect("acc", "invalid_grant", &[alert("alert-2")], 80)
            .await
            .unwrap());
        assert_eq!(store.jobs(100).await.unwrap().len(), 2);
        assert!(!store
            .mark_oauth_needs_reconnect("missing", "x", &[alert("alert-3")], 90)
            .await
            .unwrap());
        assert_eq!(store.jobs(100).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn an_authorization_request_is_taken_once_and_expires() {
    each_backend(|db| async move {
        let store = db.open().await;
        let other = db.open().await;
        store
            .save_oauth_account(&account("acc", "ada", "google", "ada@example.com"))
            .await
            .unwrap();
        let first = pending("state-1", Some("acc"), 200);
        store.save_oauth_pending(&first).await.unwrap();
        assert!(
            store.save_oauth_pending(&first).await.is_err(),
            "a state is stored once"
        );
        store
            .save_oauth_pending(&pending("state-2", None, 150))
            .await
            .unwrap();
        store
            .save_oauth_pending(&pending("state-3", None, 160))
            .await
            .unwrap();

        // Two callbacks with the same state at once: one gets it.
        let takes = [store.clone(), other.clone()].map(|store| {
            tokio::spawn(async move { store.take_oauth_pending("state-1", 100).await.unwrap() })
        });
        let mut taken = Vec::new();
        for take in takes {
            taken.extend(take.await.unwrap());
        }
        assert_eq!(taken, vec![first]);
        assert!(store
            .take_oauth_pending("state-1", 101)
            .await
            .unwrap()
            .is_none());

        // Expired at its expiry instant, and swept by any later take.
        assert!(store
            .take_oauth_pending("state-2", 150)
            .await
            .unwrap()
            .is_none());
        assert_eq!(db.scalar("SELECT count(*) FROM oauth_pending").await, 1);
        assert!(store
            .take_oauth_pending("unknown", 160)
            .await
            .unwrap()
            .is_none());
        assert_eq!(db.scalar("SELECT count(*) FROM oauth_pending").await, 0);

        // A request reconnecting an account goes with the account.
        store
            .save_oauth_pending(&pending("state-4", Some("acc"), 900))
            .await
            .unwrap();
        assert!(store.delete_oauth_account("acc").await.unwrap());
        assert!(store
            .take_oauth_pending("state-4", 300)
            .await
            .unwrap()
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn deleting_an_account_takes_its_calendars_along() {
    each_backend(|db| async move {
        let store = db.open().await;
        for (id, host, provider, email) in [
            ("acc-1", "ada", "google", "ada@example.com"),
            ("acc-2", "ada", "microsoft", "ada@example.org"),
            ("acc-3", "bob", "google", "bob@example.com"),
        ] {
            store
                .save_oauth_account(&account(id, host, provider, email))
                .await
                .unwrap();
        }
        // The same sign-in twice under another id is refused.
        assert!(store
            .save_oauth_account(&account("acc-9", "ada", "google", "ada@example.com"))
            .await
            .is_err());
        let ids = |accounts: Vec<OAuthAccount>| -> Vec<String> {
            accounts.into_iter().map(|account| account.id).collect()
        };
        assert_eq!(
            ids(store.oauth_accounts(Some("ada")).await.unwrap()),
            ["acc-1", "acc-2"]
        );
        assert_eq!(
            ids(store.oauth_accounts(None).await.unwrap()),
            ["acc-1", "acc-2", "acc-3"]
        );

        let calendars = [
            (
                "g-primary",
                "ada",
                "google",
                "acc-1",
                "ada@example.com",
                100,
            ),
            (
                "g-team",
                "ada",
                "google",
                "acc-1",
                "team@group.calendar.google.com",
                200,
            ),
            ("m-cal", "ada", "microsoft", "acc-2", "AAMkAGI2", 300),
            ("g-bob", "bob", "google", "acc-3", "bob@example.com", 400),
        ];
        for (id, host, kind, account, calendar, start) in calendars {
            store
                .save_calendar_connection(
                    &remote(id, host, kind, account, calendar),
                    &audit(id),
                    start,
                )
                .await
                .unwrap();
            import(&*store, id, calendar, &[(start, start + 50)], start).await;
            write_record(&*store, &format!("b-{id}"), id).await;
        }
        assert_eq!(
            store.calendar_busy("ada", 0, 1_000).await.unwrap(),
            [(100, 150), (200, 250), (300, 350)]
        );
        assert_eq!(rows_of(&db, "g-primary").await, 3);

        assert!(store.delete_oauth_account("acc-1").await.unwrap());
        assert!(!store.delete_oauth_account("acc-1").await.unwrap());
        assert!(store.oauth_account("acc-1").await.unwrap().is_none());
        let left: Vec<String> = store
            .calendar_connections()
            .await
            .unwrap()
            .into_iter()
            .map(|connection| connection.settings.id)
            .collect();
        assert_eq!(left, ["m-cal", "g-bob"]);
        for gone in ["g-primary", "g-team"] {
            assert_eq!(rows_of(&db, gone).await, 0, "{gone}");
            assert!(store
                .calendar_writes(&format!("b-{gone}"))
                .await
                .unwrap()
                .is_empty());
        }
        assert_eq!(
            store.calendar_busy("ada", 0, 1_000).await.unwrap(),
            [(300, 350)]
        );
        assert_eq!(rows_of(&db, "m-cal").await, 3);
        assert_eq!(rows_of(&db, "g-bob").await, 3);
        assert_eq!(
            ids(store.oauth_accounts(None).await.unwrap()),
            ["acc-2", "acc-3"]
        );
    })
    .await;
}

#[tokio::test]
async fn google_and_microsoft_calendars_are_connections_of_an_account() {
    each_backend(|db| async move {
        let store = db.open().await;
        for (id, provider) in [("acc-g", "google"), ("acc-m", "microsoft")] {
            store
                .save_oauth_account(&account(id, "ada", provider, &format!("{id}@example.com")))
                .await
                .unwrap();
        }
        let google = CalendarSettings {
            write: true,
            ..remote("g", "ada", "google", "acc-g", "ada@example.com")
        };
        let microsoft = remote("m", "ada", "microsoft", "acc-m", "AAMkAGI2TG93AAA=");
        for settings in [&google, &microsoft] {
            store
                .save_calendar_connection(settings, &audit(&settings.id), 100)
                .await
                .unwrap();
            assert_eq!(
                &store
                    .calendar_connection(&settings.id)
                    .await
                    .unwrap()
                    .unwrap()
                    .settings,
                settings
            );
        }

        // Another account behind the same connection makes what it imported meaningless.
        import(&*store, "g", "ada@example.com", &[(500, 600)], 100).await;
        let before = store.calendar_connection("g").await.unwrap().unwrap();
        assert_eq!(before.busy_version, 1);
        store
            .save_oauth_account(&account("acc-g2", "ada", "google", "other@example.com"))
            .await
            .unwrap();
        let moved = CalendarSettings {
            account_id: Some("acc-g2".into()),
            ..google.clone()
        };
        store
            .save_calendar_connection(&moved, &audit("g2"), 200)
            .await
            .unwrap();
        let after = store.calendar_connection("g").await.unwrap().unwrap();
        assert_eq!(after.settings, moved);
        assert_eq!(after.busy_version, 2);
        assert_eq!(after.cursor, serde_json::Value::Null);
        assert!(store.calendar_resource_etags("g").await.unwrap().is_empty());

        // Only known kinds, and only accounts that exist.
        let outlook = CalendarSettings {
            id: "o".into(),
            kind: "outlook".into(),
            ..microsoft.clone()
        };
        assert!(store
            .save_calendar_connection(&outlook, &audit("o"), 300)
            .await
            .is_err());
        let orphan = CalendarSettings {
            id: "x".into(),
            account_id: Some("no-such-account".into()),
            ..microsoft.clone()
        };
        assert!(store
            .save_calendar_connection(&orphan, &audit("x"), 300)
            .await
            .is_err());
        assert!(store.calendar_connection("x").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_booking_keeps_its_meeting_url() {
    each_backend(|db| async move {
        let store = db.open().await;
        let start = 1_800_000_000;
        let booking = NewBooking {
            id: "b1".into(),
            assign: Assign::single("ada"),
            event_slug: "intro".into(),
            status: BookingStatus::Confirmed,
            start: Timestamp::from_second(start).unwrap(),
            end: Timestamp::from_second(start + 1800).unwrap(),
            blocked_start: start,
            blocked_end: start + 1800,
            name: "Grace".into(),
            email: "grace@example.com".into(),
            timezone: None,
            locale: None,
            notes: None,
            answers: json!({}),
            created_at: Timestamp::from_second(1_000).unwrap(),
            day_cap: None,
            jobs: Vec::new(),
        };
        let created = store.create_booking(booking, None).await.unwrap();
        let openslot_store::CreateOutcome::Created(created) = created else {
            panic!("not created: {created:?}");
        };
        assert_eq!(created.meeting_url, None);
        let before = store.booking("b1").await.unwrap().unwrap();
        assert_eq!(before.meeting_url, None);

        let url = "https://meet.google.com/abc-defg-hij";
        assert!(store
            .set_booking_meeting_url("b1", Some(url))
            .await
            .unwrap());
        let after = store.booking("b1").await.unwrap().unwrap();
        assert_eq!(after.meeting_url.as_deref(), Some(url));
        assert_eq!(
            (after.sequence, after.updated_at),
            (before.sequence, before.updated_at),
            "a meeting link is not a change invitees are sent"
        );
        let listed = store
            .list_bookings(&openslot_store::BookingQuery::default())
            .await
            .unwrap();
        assert_eq!(listed[0].meeting_url.as_deref(), Some(url));

        assert!(store.set_booking_meeting_url("b1", None).await.unwrap());
        assert_eq!(
            store.booking("b1").await.unwrap().unwrap().meeting_url,
            None
        );
        assert!(!store
            .set_booking_meeting_url("missing", Some(url))
            .await
            .unwrap());
    })
    .await;
}
