//! Webhook subscriptions and deliveries on both backends: subscriptions round trip (sealed
//! secrets, rotation), deleting one cancels its queued deliveries and drops its log; jobs
//! with an order key run one at a time in the order queued (a retrying one holds the next
//! back, a dead one does not); a job can carry the booking as its transaction wrote it.

#[allow(dead_code)]
mod common;

use common::each_backend;
use jiff::Timestamp;
use openslot_store::{
    Assign, Booking, BookingChange, BookingStatus, JobState, NewBooking, NewContact, NewJob,
    WebhookAttempt, WebhookSubscription,
};
use serde_json::json;

const T: i64 = 1_800_000_000;

fn booking(id: &str, start: i64) -> NewBooking {
    NewBooking {
        id: id.into(),
        assign: Assign::single("default"),
        event_slug: "30min".into(),
        status: BookingStatus::Requested,
        start: Timestamp::from_second(start).unwrap(),
        end: Timestamp::from_second(start + 1800).unwrap(),
        blocked_start: start,
        blocked_end: start + 1800,
        name: "Ada".into(),
        email: "ada@example.com".into(),
        timezone: Some("Europe/London".into()),
        locale: None,
        notes: None,
        answers: json!({"company": "Analytical"}),
        created_at: Timestamp::from_second(1_000).unwrap(),
        day_cap: None,
        jobs: Vec::new(),
    }
}

fn subscription(id: &str, created_at: i64) -> WebhookSubscription {
    WebhookSubscription {
        id: id.into(),
        url: format!("https://hooks.example.com/{id}"),
        events: vec!["booking.confirmed".into(), "booking.cancelled".into()],
        active: true,
        description: "CRM".into(),
        secret_sealed: "SEALED-1".into(),
        previous_secret_sealed: None,
        previous_until: None,
        created_at,
        updated_at: created_at,
    }
}

fn delivery(id: &str, subscription: &str, booking: Option<&str>, run_at: i64) -> NewJob {
    NewJob {
        id: id.into(),
        kind: "webhook".into(),
        payload: json!({"subscription_id": subscription, "message_id": format!("msg_{id}")}),
        run_at,
        max_attempts: 3,
        booking_id: booking.map(String::from),
        order_key: booking.map(|booking| format!("webhook:{subscription}:{booking}")),
        embed_booking: booking.is_some(),
    }
}

fn ids(jobs: &[openslot_store::Job]) -> Vec<&str> {
    jobs.iter().map(|job| job.id.as_str()).collect()
}

#[tokio::test]
async fn subscriptions_round_trip_and_deleting_one_cancels_its_deliveries() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut first = subscription("wh1", 10);
        store.save_webhook(&first).await.unwrap();
        store.save_webhook(&subscription("wh2", 20)).await.unwrap();
        assert_eq!(store.webhook("wh1").await.unwrap().as_ref(), Some(&first));
        assert_eq!(store.webhook("nope").await.unwrap(), None);

        // Rotation keeps the old secret until a deadline; created_at never moves.
        first.previous_secret_sealed = Some(first.secret_sealed.clone());
        first.previous_until = Some(500);
        first.secret_sealed = "SEALED-2".into();
        first.active = false;
        first.events = vec!["contact.received".into()];
        first.updated_at = 30;
        let mut resaved = first.clone();
        resaved.created_at = 999;
        store.save_webhook(&resaved).await.unwrap();
        assert_eq!(store.webhook("wh1").await.unwrap().as_ref(), Some(&first));
        let listed = store.webhooks().await.unwrap();
        assert_eq!(
            listed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["wh1", "wh2"]
        );
        assert!(!format!("{first:?}").contains("SEALED"));

        store
            .enqueue_jobs(
                &[
                    delivery("d1", "wh1", None, 100),
                    delivery("d2", "wh2", None, 100),
                    delivery("d3", "wh1", None, 100),
                ],
                50,
            )
            .await
            .unwrap();
        let claimed = store.claim_jobs("w", 100, 60, 1).await.unwrap();
        assert_eq!(ids(&claimed), ["d1"]);
        for (attempt, delivered) in [(1, false), (2, true)] {
            store
                .record_webhook_attempt(&WebhookAttempt {
                    id: format!("a{attempt}"),
                    subscription_id: "wh1".into(),
                    job_id: "d1".into(),
                    message_id: "msg_d1".into(),
                    event: "booking.confirmed".into(),
                    attempt,
                    at: 100 + i64::from(attempt),
                    status_code: Some(if delivered { 204 } else { 503 }),
                    latency_ms: 12,
                    error: (!delivered).then(|| "HTTP 503".into()),
                    delivered,
                })
                .await
                .unwrap();
        }
        let log = store.webhook_attempts("wh1", 10).await.unwrap();
        assert_eq!(
            log.iter()
                .map(|a| (a.attempt, a.delivered))
                .collect::<Vec<_>>(),
            [(2, true), (1, false)]
        );
        assert_eq!(log[1].status_code, Some(503));
        assert_eq!(store.webhook_attempts("wh1", 1).await.unwrap().len(), 1);
        assert_eq!(
            ids(&store.webhook_jobs("wh1", 10).await.unwrap()),
            ["d3", "d1"]
        );
        assert_eq!(ids(&store.webhook_jobs("wh2", 10).await.unwrap()), ["d2"]);

        assert!(store.delete_webhook("wh1").await.unwrap());
        assert!(!store.delete_webhook("wh1").await.unwrap());
        assert_eq!(store.webhook("wh1").await.unwrap(), None);
        assert!(store.webhook_attempts("wh1", 10).await.unwrap().is_empty());
        let states: Vec<(String, JobState)> = store
            .jobs(10)
            .await
            .unwrap()
            .into_iter()
            .map(|job| (job.id, job.state))
            .collect();
        // The queued delivery is cancelled; the one in flight and the other
        // subscription's are left alone.
        for (id, state) in [
            ("d1", JobState::Running),
            ("d2", JobState::Queued),
            ("d3", JobState::Cancelled),
        ] {
            assert!(states.contains(&(id.into(), state)), "{id}: {states:?}");
        }
        // An attempt finishing after the delete has no log to go to.
        store
            .record_webhook_attempt(&WebhookAttempt {
                id: "late".into(),
                subscription_id: "wh1".into(),
                job_id: "d1".into(),
                message_id: "msg_d1".into(),
                event: "booking.confirmed".into(),
                attempt: 3,
                at: 200,
                status_code: None,
                latency_ms: 0,
                error: Some("gone".into()),
                delivered: false,
            })
            .await
            .unwrap();
        assert!(store.webhook_attempts("wh1", 10).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn jobs_of_one_order_key_run_one_at_a_time_in_order() {
    each_backend(|db| async move {
        let store = db.open().await;
        store.create_booking(booking("b1", T), None).await.unwrap();
        store
            .create_booking(booking("b2", T + 3600), None)
            .await
            .unwrap();
        // Queued in this order; the later ones are due earlier, which must not matter.
        store
            .enqueue_jobs(
                &[
                    delivery("k1", "wh", Some("b1"), 100),
                    delivery("k2", "wh", Some("b1"), 90),
                    delivery("other", "wh", Some("b2"), 95),
                ],
                50,
            )
            .await
            .unwrap();
        store
            .enqueue_jobs(&[delivery("k3", "wh", Some("b1"), 80)], 60)
            .await
            .unwrap();

        // Only the head of each key is claimable, even with room for more.
        let claimed = store.claim_jobs("w", 100, 60, 10).await.unwrap();
        assert_eq!(ids(&claimed), ["other", "k1"]);
        // While k1 is running, nothing else of its key is handed out.
        assert!(store
            .claim_jobs("w2", 100, 60, 10)
            .await
            .unwrap()
            .is_empty());
        store.finish_job("other", "w", 100).await.unwrap();
        // A retry in the future still holds the key.
        store
            .retry_job("k1", "w", 1_000, "HTTP 500", 100)
            .await
            .unwrap();
        assert!(store.claim_jobs("w", 500, 60, 10).await.unwrap().is_empty());
        let claimed = store.claim_jobs("w", 1_000, 60, 10).await.unwrap();
        assert_eq!(ids(&claimed), ["k1"]);
        store.finish_job("k1", "w", 1_000).await.unwrap();
        let claimed = store.claim_jobs("w", 1_000, 60, 10).await.unwrap();
        assert_eq!(ids(&claimed), ["k2"]);
        // A dead job no longer holds the key back.
        store.bury_job("k2", "w", "gave up", 1_000).await.unwrap();
        let claimed = store.claim_jobs("w", 1_000, 60, 10).await.unwrap();
        assert_eq!(ids(&claimed), ["k3"]);
        // Redelivering the dead one runs it again (after the one running now).
        store.finish_job("k3", "w", 1_000).await.unwrap();
        assert!(store.retry_dead_job("k2", 1_001).await.unwrap());
        assert_eq!(
            ids(&store.claim_jobs("w", 1_001, 60, 10).await.unwrap()),
            ["k2"]
        );
        // Jobs without a key are not held back by anything.
        store
            .enqueue_jobs(
                &[
                    NewJob {
                        order_key: None,
                        ..delivery("free1", "wh", None, 1_001)
                    },
                    NewJob {
                        order_key: None,
                        ..delivery("free2", "wh", None, 1_001)
                    },
                ],
                1_001,
            )
            .await
            .unwrap();
        assert_eq!(store.claim_jobs("w", 1_001, 60, 10).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_job_carries_the_booking_as_its_transaction_wrote_it() {
    each_backend(|db| async move {
        let store = db.open().await;
        let mut new = booking("b1", T);
        new.jobs = vec![delivery("created", "wh", Some("b1"), 0)];
        store.create_booking(new, None).await.unwrap();
        let now = Timestamp::from_second(2_000).unwrap();
        store
            .change_booking(
                "b1",
                BookingChange::Confirm,
                vec![delivery("confirmed", "wh", Some("b1"), 0)],
                now,
            )
            .await
            .unwrap();
        store
            .change_booking(
                "b1",
                BookingChange::End {
                    status: BookingStatus::Cancelled,
                    reason: Some("ill".into()),
                },
                vec![delivery("cancelled", "wh", Some("b1"), 0)],
                Timestamp::from_second(3_000).unwrap(),
            )
            .await
            .unwrap();
        let jobs = store.jobs(10).await.unwrap();
        let carried = |id: &str| -> Booking {
            let job = jobs.iter().find(|job| job.id == id).unwrap();
            // The payload's own fields stay.
            assert_eq!(job.payload["subscription_id"], "wh");
            serde_json::from_value(job.payload["booking"].clone()).unwrap()
        };
        let created = carried("created");
        assert_eq!(created.status, BookingStatus::Requested);
        assert_eq!(created.hosts, ["default"]);
        assert_eq!(created.answers, json!({"company": "Analytical"}));
        let confirmed = carried("confirmed");
        assert_eq!(confirmed.status, BookingStatus::Confirmed);
        assert_eq!(confirmed.confirmed_at, Some(now));
        let cancelled = carried("cancelled");
        assert_eq!(cancelled.status, BookingStatus::Cancelled);
        assert_eq!(cancelled.status_reason.as_deref(), Some("ill"));
        assert_eq!(
            Some(&cancelled),
            store.booking("b1").await.unwrap().as_ref()
        );

        // Contact messages queue their jobs as before (no booking to carry).
        store
            .create_contact(NewContact {
                id: "c1".into(),
                host_id: "default".into(),
                name: "Ada".into(),
                email: "ada@example.com".into(),
                message: "Hello".into(),
                preferred_times: None,
                created_at: Timestamp::from_second(4_000).unwrap(),
                jobs: vec![delivery("contact", "wh", None, 0)],
            })
            .await
            .unwrap();
        let jobs = store.jobs(10).await.unwrap();
        let contact = jobs.iter().find(|job| job.id == "contact").unwrap();
        assert!(contact.payload.get("booking").is_none());
    })
    .await;
}
