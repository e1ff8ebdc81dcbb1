//! OAuth access tokens across instances, against the Google and Microsoft stand-ins: two
//! instances in this process share one database (SQLite file, or PostgreSQL with
//! `OPENSLOT_TEST_BACKEND=postgres`) and ask for the same account's token at once. The
//! provider sees one refresh at a time, every caller gets the renewed token, a token with
//! time left is used without asking, a rotated refresh token is kept, and a refused grant
//! marks the account "needs reconnecting" with exactly one ops e-mail.

mod common;

use std::sync::Arc;

use common::database_url_for;
use openslot::{
    calendars::tokens::{TokenError, STATUS_NEEDS_RECONNECT, STATUS_OK},
    clock::SystemClock,
    config::Config,
    http::state::AppState,
    serve,
};
use openslot_calendar::testing::{CalendarSpec, GoogleStandIn, MicrosoftStandIn};
use openslot_store::OAuthAccount;

const EMAIL: &str = "ada@example.com";

fn config(provider_section: &str) -> String {
    format!(
        r#"
[security]
secret = "oauth-token-test-secret-0123456789abcdef"

[[hosts]]
id = "ada"
name = "Ada Lovelace"
email = "ada@example.com"

[[event_types]]
slug = "ada"
title = "With Ada"
duration_minutes = 30
hosts = ["ada"]

{provider_section}
"#
    )
}

fn google_section(google: &GoogleStandIn) -> String {
    let (id, secret) = google.client();
    format!(
        "[google]\nclient_id = \"{id}\"\nclient_secret = \"{secret}\"\nauth_url = \"{}\"\ntoken_url = \"{}\"\nrevoke_url = \"{}\"\napi_base = \"{}\"\n",
        google.auth_url(),
        google.token_url(),
        google.revoke_url(),
        google.api_base()
    )
}

fn microsoft_section(microsoft: &MicrosoftStandIn) -> String {
    let (id, secret) = microsoft.client();
    format!(
        "[microsoft]\nclient_id = \"{id}\"\nclient_secret = \"{secret}\"\nauth_url = \"{}\"\ntoken_url = \"{}\"\ngraph_base = \"{}\"\n",
        microsoft.auth_url(),
        microsoft.token_url(),
        microsoft.graph_base()
    )
}

/// An instance's state (no HTTP side: the token service is all this test needs).
async fn instance(dir: &std::path::Path, text: &str) -> AppState {
    let mut config = Config::parse(text, "test.toml").unwrap();
    config.database.url = database_url_for(dir);
    let checked = serve::validate(&config, "test.toml").unwrap();
    let store = serve::open_store(&config).await.unwrap();
    store.migrate().await.unwrap();
    serve::build_state(config, checked, store, Arc::new(SystemClock))
        .await
        .unwrap()
}

/// Stores an account holding `refresh` and no access token yet.
async fn seed(state: &AppState, provider: &str, refresh: &str) -> String {
    let now = jiff::Timestamp::now().as_second();
    let id = format!("acct-{provider}");
    state
        .store
        .save_oauth_account(&OAuthAccount {
            id: id.clone(),
            host_id: "ada".into(),
            provider: provider.into(),
            email: EMAIL.into(),
            refresh_token_enc: state.calendars.credentials.seal(refresh),
            access_token_enc: None,
            access_expires_at: None,
            status: STATUS_OK.into(),
            status_detail: None,
            refresh_locked_by: None,
            refresh_lease_until: None,
            created_at: now,
            updated_at: now,
        })
        .await
        .unwrap();
    id
}

/// Makes the stored access token look about to expire, so the next use renews it.
async fn expire_stored(state: &AppState, id: &str) {
    let mut account = state.store.oauth_account(id).await.unwrap().unwrap();
    account.access_expires_at = Some(jiff::Timestamp::now().as_second() + 30);
    state.store.save_oauth_account(&account).await.unwrap();
}

/// Eight callers on two instances ask at once; all get `expected` (or all fail).
async fn ask_at_once(a: &AppState, b: &AppState, id: &str) -> Vec<Result<String, TokenError>> {
    let mut calls = Vec::new();
    for state in [a, b, a, b, a, b, a, b] {
        let calendars = state.calendars.clone();
        let id = id.to_string();
        calls.push(tokio::spawn(async move {
            calendars.access_token(&id).await.map(|token| token.token)
        }));
    }
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.unwrap());
    }
    results
}

async fn reconnect_jobs(state: &AppState) -> usize {
    state
        .store
        .jobs(1000)
        .await
        .unwrap()
        .iter()
        .filter(|job| job.payload["message"] == "ops_calendar_reconnect")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn google_tokens_are_renewed_once_for_every_instance_and_a_refused_grant_is_reported_once() {
    let google = GoogleStandIn::start();
    google.add_account(EMAIL, &[CalendarSpec::primary(EMAIL, "Ada")]);
    let (_, refresh) = google.issue_tokens(EMAIL);
    let dir = tempfile::tempdir().unwrap();
    let text = config(&google_section(&google));
    let a = instance(dir.path(), &text).await;
    let b = instance(dir.path(), &text).await;
    let id = seed(&a, "google", &refresh).await;
    let before = google.refreshes();

    let results = ask_at_once(&a, &b, &id).await;
    let tokens: Vec<String> = results.into_iter().map(Result::unwrap).collect();
    assert!(tokens.iter().all(|token| token == &tokens[0]), "{tokens:?}");
    assert_eq!(
        google.refreshes() - before,
        1,
        "one refresh for all callers"
    );
    assert_eq!(google.max_concurrent_refreshes(), 1);
    let stored = a.store.oauth_account(&id).await.unwrap().unwrap();
    assert!(stored.refresh_locked_by.is_none(), "lease released");
    let sealed = stored.access_token_enc.clone().unwrap();
    assert!(!sealed.contains(&tokens[0]), "stored sealed");

    // The token works against the API, and with time left it is used without asking.
    let calendars =
        openslot_calendar::google::calendars(&a.calendars.client, &google.api_base(), &tokens[0])
            .await
            .unwrap();
    assert_eq!(calendars.len(), 1);
    let again = b.calendars.access_token(&id).await.unwrap();
    assert_eq!(again.token, tokens[0]);
    assert_eq!(google.refreshes() - before, 1);

    // Shortly before it expires, it is renewed (once) again.
    expire_stored(&a, &id).await;
    let results = ask_at_once(&a, &b, &id).await;
    let renewed: Vec<String> = results.into_iter().map(Result::unwrap).collect();
    assert_ne!(renewed[0], tokens[0]);
    assert!(renewed.iter().all(|token| token == &renewed[0]));
    assert_eq!(google.refreshes() - before, 2);
    assert_eq!(google.max_concurrent_refreshes(), 1);

    // The host revokes access: every caller learns it needs reconnecting, one e-mail.
    google.revoke_grants(EMAIL);
    expire_stored(&a, &id).await;
    let results = ask_at_once(&a, &b, &id).await;
    for result in &results {
        assert!(
            matches!(result, Err(TokenError::NeedsReconnect("google"))),
            "{result:?}"
        );
    }
    let stored = a.store.oauth_account(&id).await.unwrap().unwrap();
    assert_eq!(stored.status, STATUS_NEEDS_RECONNECT);
    assert!(stored.status_detail.is_some());
    assert_eq!(reconnect_jobs(&a).await, 1);
    // Asking again does not ask the provider again, nor mail again.
    let refreshes = google.refreshes();
    assert!(matches!(
        a.calendars.access_token(&id).await,
        Err(TokenError::NeedsReconnect(_))
    ));
    assert_eq!(google.refreshes(), refreshes);
    assert_eq!(reconnect_jobs(&b).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rotated_microsoft_refresh_token_is_kept_and_used_next_time() {
    let microsoft = MicrosoftStandIn::start();
    microsoft.add_account(
        EMAIL,
        &[CalendarSpec::primary("AAMkAGI-default", "Calendar")],
    );
    let (_, refresh) = microsoft.issue_tokens(EMAIL);
    let dir = tempfile::tempdir().unwrap();
    let text = config(&microsoft_section(&microsoft));
    let a = instance(dir.path(), &text).await;
    let b = instance(dir.path(), &text).await;
    let id = seed(&a, "microsoft", &refresh).await;
    let first_sealed = a
        .store
        .oauth_account(&id)
        .await
        .unwrap()
        .unwrap()
        .refresh_token_enc;

    let results = ask_at_once(&a, &b, &id).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(microsoft.max_concurrent_refreshes(), 1);
    let stored = a.store.oauth_account(&id).await.unwrap().unwrap();
    assert_ne!(
        stored.refresh_token_enc, first_sealed,
        "rotated token stored"
    );

    // Renewing again works only with the rotated token (the stand-in rotates it).
    for _ in 0..3 {
        expire_stored(&a, &id).await;
        let token = b.calendars.access_token(&id).await.unwrap();
        openslot_calendar::microsoft::calendars(
            &b.calendars.client,
            &microsoft.graph_base(),
            &token.token,
        )
        .await
        .unwrap();
    }
    assert_eq!(microsoft.max_concurrent_refreshes(), 1);
    assert_eq!(reconnect_jobs(&a).await, 0);
}

#[tokio::test]
async fn an_unconfigured_provider_or_a_missing_account_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = instance(dir.path(), &config("")).await;
    let id = seed(&a, "google", "some-refresh-token").await;
    assert!(matches!(
        a.calendars.access_token(&id).await,
        Err(TokenError::NotConfigured("google"))
    ));
    assert!(matches!(
        a.calendars.access_token("no-such-account").await,
        Err(TokenError::Gone)
    ));
}
