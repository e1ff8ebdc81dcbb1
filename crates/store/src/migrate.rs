//! A small migration runner: numbered SQL files per backend, embedded in the binary, each
//! applied once in its own transaction and recorded in `schema_migrations`. The backends
//! number their migrations independently.

/// One migration script.
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// SQLite only: run with foreign key enforcement off, for a table rebuild (SQLite's
    /// 12-step generalized ALTER TABLE procedure: dropping the old table must not cascade
    /// to the rows that refer to it). The runner turns enforcement off outside the
    /// transaction (the pragma is a no-op inside one), refuses to commit unless
    /// `PRAGMA foreign_key_check` finds nothing, and turns it back on afterwards.
    pub foreign_keys_off: bool,
}

/// SQLite migrations, in order. Only ever append: running instances may be older.
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "bookings",
        sql: include_str!("../migrations/sqlite/0001_bookings.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 2,
        name: "settings",
        sql: include_str!("../migrations/sqlite/0002_settings.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 3,
        name: "overlap_by_neighbour",
        sql: include_str!("../migrations/sqlite/0003_overlap_by_neighbour.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 4,
        name: "jobs",
        sql: include_str!("../migrations/sqlite/0004_jobs.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 5,
        name: "booking_changes",
        sql: include_str!("../migrations/sqlite/0005_booking_changes.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 6,
        name: "operations",
        sql: include_str!("../migrations/sqlite/0006_operations.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 7,
        name: "search_text",
        sql: include_str!("../migrations/sqlite/0007_search_text.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 8,
        name: "job_claims",
        sql: include_str!("../migrations/sqlite/0008_job_claims.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 9,
        name: "hosts_and_holds",
        sql: include_str!("../migrations/sqlite/0009_hosts_and_holds.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 10,
        name: "calendars",
        sql: include_str!("../migrations/sqlite/0010_calendars.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 11,
        name: "oauth",
        sql: include_str!("../migrations/sqlite/0011_oauth.sql"),
        // Rebuilds calendar_connections to widen the CHECK on `kind`.
        foreign_keys_off: true,
    },
    Migration {
        version: 12,
        name: "api_scopes",
        sql: include_str!("../migrations/sqlite/0012_api_scopes.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 13,
        name: "webhooks",
        sql: include_str!("../migrations/sqlite/0013_webhooks.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 14,
        name: "booking_locale",
        sql: include_str!("../migrations/sqlite/0014_booking_locale.sql"),
        foreign_keys_off: false,
    },
];

/// PostgreSQL migrations, in order. Only ever append, and keep each one safe to run while
/// older instances serve (add tables, nullable or defaulted columns, indexes; never drop or
/// rename what a running version reads). Each is applied under a transaction-level
/// advisory lock, so instances starting together apply it once.
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "bookings",
        sql: include_str!("../migrations/postgres/0001_bookings.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 2,
        name: "settings",
        sql: include_str!("../migrations/postgres/0002_settings.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 3,
        name: "jobs",
        sql: include_str!("../migrations/postgres/0003_jobs.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 4,
        name: "operations",
        sql: include_str!("../migrations/postgres/0004_operations.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 5,
        name: "hosts_and_holds",
        sql: include_str!("../migrations/postgres/0005_hosts_and_holds.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 6,
        name: "calendars",
        sql: include_str!("../migrations/postgres/0006_calendars.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 7,
        name: "oauth",
        sql: include_str!("../migrations/postgres/0007_oauth.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 8,
        name: "api_scopes",
        sql: include_str!("../migrations/postgres/0008_api_scopes.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 9,
        name: "webhooks",
        sql: include_str!("../migrations/postgres/0009_webhooks.sql"),
        foreign_keys_off: false,
    },
    Migration {
        version: 10,
        name: "booking_locale",
        sql: include_str!("../migrations/postgres/0010_booking_locale.sql"),
        foreign_keys_off: false,
    },
];
