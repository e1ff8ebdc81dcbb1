//! A small migration runner: numbered SQL files per backend, embedded in the binary, each
//! applied once in its own transaction and recorded in `schema_migrations`.

/// One migration script.
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// SQLite migrations, in order. Only ever append: running instances may be older.
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "bookings",
        sql: include_str!("../migrations/sqlite/0001_bookings.sql"),
    },
    Migration {
        version: 2,
        name: "settings",
        sql: include_str!("../migrations/sqlite/0002_settings.sql"),
    },
    Migration {
        version: 3,
        name: "overlap_by_neighbour",
        sql: include_str!("../migrations/sqlite/0003_overlap_by_neighbour.sql"),
    },
    Migration {
        version: 4,
        name: "jobs",
        sql: include_str!("../migrations/sqlite/0004_jobs.sql"),
    },
    Migration {
        version: 5,
        name: "booking_changes",
        sql: include_str!("../migrations/sqlite/0005_booking_changes.sql"),
    },
];
