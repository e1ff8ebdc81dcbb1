//! Measures sequential and concurrent `create_booking` throughput of the SQLite store.
//! `cargo run --release -p openslot-store --example insert_rate -- [full|normal] [tasks]`

use std::time::Instant;

use jiff::Timestamp;
use openslot_store::prelude::*;
use openslot_store::{Assign, BookingStatus, NewBooking, SqliteOptions, SqliteStore};

fn booking(index: i64) -> NewBooking {
    let start = 1_900_000_000 + index * 300;
    NewBooking {
        id: format!("b{index}"),
        assign: Assign::single("default"),
        event_slug: "load".into(),
        status: BookingStatus::Requested,
        start: Timestamp::from_second(start).unwrap(),
        end: Timestamp::from_second(start + 300).unwrap(),
        blocked_start: start,
        blocked_end: start + 300,
        name: "Load".into(),
        email: "load@example.com".into(),
        timezone: None,
        locale: None,
        notes: None,
        answers: serde_json::json!({}),
        created_at: Timestamp::now(),
        day_cap: None,
        jobs: Vec::new(),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sync_full = args.get(1).map(String::as_str) != Some("normal");
    let tasks: i64 = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(1);
    let dir = tempfile::tempdir().unwrap();
    let mut options =
        SqliteOptions::new(format!("sqlite://{}", dir.path().join("rate.db").display()));
    options.sync_full = sync_full;
    let store = SqliteStore::open(&options).await.unwrap();
    store.migrate().await.unwrap();
    let per_task = 2000 / tasks;
    let started = Instant::now();
    let mut handles = Vec::new();
    for task in 0..tasks {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            for index in 0..per_task {
                store
                    .create_booking(booking(task * per_task + index), None)
                    .await
                    .unwrap();
            }
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let elapsed = started.elapsed();
    let total = per_task * tasks;
    println!(
        "{total} bookings, {tasks} tasks, synchronous={}: {:.0}/s",
        if sync_full { "full" } else { "normal" },
        total as f64 / elapsed.as_secs_f64()
    );
}
