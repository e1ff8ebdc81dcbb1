//! Runs each behaviour test against every backend: SQLite in a temporary file always, and
//! PostgreSQL, when `OPENSLOT_TEST_POSTGRES_URL` names a server, in a database created for
//! the test (`openslot_test_<random>`) and dropped after it, pass or fail. Without the URL
//! the PostgreSQL runs are skipped with one line on stderr, unless
//! `OPENSLOT_REQUIRE_POSTGRES=1` (as in CI), which makes them fail instead.

use std::{future::Future, io::Write, sync::Arc, sync::Once};

use openslot_store::{PgOptions, PgStore, SqliteOptions, SqliteStore, Store};
use sqlx::Connection;

/// The URL of a PostgreSQL server whose user may create databases.
pub const POSTGRES_URL: &str = "OPENSLOT_TEST_POSTGRES_URL";
/// `1`: fail rather than skip the PostgreSQL runs when no server is configured.
pub const REQUIRE_POSTGRES: &str = "OPENSLOT_REQUIRE_POSTGRES";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database for one run of one test.
pub struct TestDb {
    pub backend: Backend,
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Opens a store on the database without migrating it.
    pub async fn connect(&self) -> Arc<dyn Store> {
        match self.backend {
            Backend::Sqlite => Arc::new(
                SqliteStore::open(&SqliteOptions::new(self.url.clone()))
                    .await
                    .unwrap(),
            ),
            Backend::Postgres => Arc::new(
                PgStore::open(&PgOptions::new(self.url.clone()))
                    .await
                    .unwrap(),
            ),
        }
    }

    /// Opens a store on the database and migrates it.
    pub async fn open(&self) -> Arc<dyn Store> {
        let store = self.connect().await;
        store.migrate().await.unwrap();
        store
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs SQL (several statements allowed) directly on the database.
    #[allow(dead_code)] // not every test binary uses it
    pub async fn execute(&self, sql: &str) {
        match self.backend {
            Backend::Sqlite => {
                let mut connection = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::Executor::execute(&mut connection, sql).await.unwrap();
            }
            Backend::Postgres => {
                let mut connection = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::Executor::execute(&mut connection, sql).await.unwrap();
            }
        }
    }

    /// Builds the schema an earlier version left: these migrations applied and recorded
    /// as versions 1, 2, … (so the store's runner applies only the later ones).
    #[allow(dead_code)] // not every test binary uses it
    pub async fn apply_as_earlier(&self, migrations: &[&str]) {
        self.execute(
            "CREATE TABLE schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await;
        for (index, sql) in migrations.iter().enumerate() {
            self.execute(sql).await;
            self.execute(&format!(
                "INSERT INTO schema_migrations (version, name, applied_at)
                 VALUES ({}, 'earlier', 0)",
                index + 1
            ))
            .await;
        }
    }

    /// Runs a query returning one integer directly on the database (for checks that look
    /// past the store).
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self.backend {
            Backend::Sqlite => {
                let mut connection = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql)
                    .fetch_one(&mut connection)
                    .await
                    .unwrap()
            }
            Backend::Postgres => {
                let mut connection = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql)
                    .fetch_one(&mut connection)
                    .await
                    .unwrap()
            }
        }
    }
}

/// Runs `test` on SQLite and, if configured, on PostgreSQL.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    println!("backend: SQLite ({url})");
    test(TestDb {
        backend: Backend::Sqlite,
        url,
        _dir: Some(dir),
    })
    .await;
    on_postgres(test).await;
}

/// Runs `test` on PostgreSQL only, if configured.
pub async fn postgres_only<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    on_postgres(test).await;
}

async fn on_postgres<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(server) = postgres_url() else { return };
    let name = database_name();
    let url = with_database(&server, &name);
    admin(&server, &format!("CREATE DATABASE {name}")).await;
    println!("backend: PostgreSQL (database {name})");
    // A task, so a failing test still gets its database dropped before the panic goes on.
    let outcome = tokio::spawn(test(TestDb {
        backend: Backend::Postgres,
        url,
        _dir: None,
    }))
    .await;
    admin(
        &server,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await;
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

static SKIPPED: Once = Once::new();

/// The configured server, or `None` after saying the PostgreSQL runs are skipped.
fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var(REQUIRE_POSTGRES).is_ok_and(|value| value == "1") {
                panic!("{REQUIRE_POSTGRES}=1 but {POSTGRES_URL} is not set");
            }
            // Written to stderr directly, past the test harness's output capture.
            SKIPPED.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "PostgreSQL tests skipped: set {POSTGRES_URL}"
                );
            });
            None
        }
    }
}

async fn admin(server: &str, sql: &str) {
    let mut connection = sqlx::PgConnection::connect(server)
        .await
        .unwrap_or_else(|err| panic!("cannot connect to {POSTGRES_URL}: {err}"));
    sqlx::Executor::execute(&mut connection, sql)
        .await
        .unwrap_or_else(|err| panic!("{sql}: {err}"));
    let _ = connection.close().await;
}

/// `openslot_test_` and 16 random hex digits (a valid unquoted identifier).
fn database_name() -> String {
    use std::hash::BuildHasher;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let random =
        std::collections::hash_map::RandomState::new().hash_one((std::process::id(), nanos));
    format!("openslot_test_{random:016x}")
}

/// `server` with its database path replaced by `name` (query parameters kept).
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server, None),
    };
    let authority = base.find("://").map_or(0, |index| index + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |index| authority + index);
    let mut url = format!("{}/{name}", &base[..path]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}
