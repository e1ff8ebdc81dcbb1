//! The calendar service every instance runs: the sync loop ([`super::sync`]), the busy
//! time it stored brought into memory ([`Calendars::load_busy`]), verify-on-book
//! ([`super::verify`]) and write-back jobs ([`super::writeback`]).

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, RwLock},
    time::Duration,
};

use jiff::tz::TimeZone;
use openslot_calendar::{Endpoint, Http};
use openslot_store::{CalendarConnection, CalendarSettings, Store, StoreError};
use tokio::sync::Notify;

use super::sync::Alert;
use crate::{
    busy_cache::BookedTime,
    busy_cache::StalePolicy,
    clock::Clock,
    config::{CalendarKind, CalendarsConfig, OAuthApps, OAuthProvider, OnStale},
    credentials::Credentials,
    domain::MailKind,
    event_types::CatalogHandle,
    metrics::Metrics,
    notify::CalendarAlert,
    notify::Notifier,
};

/// A stored connection's kind (the store keeps the name; the configuration's spelling).
pub fn kind_of(settings: &CalendarSettings) -> CalendarKind {
    CalendarKind::parse(&settings.kind).unwrap_or(CalendarKind::Caldav)
}

/// Recognises the events this service wrote (`booking-<id>@<mail host>`), which are
/// never extra busy time: the booking already holds it.
#[derive(Clone, Debug)]
pub struct OwnEvents {
    suffix: String,
}

impl OwnEvents {
    pub fn new(mail_host: &str) -> OwnEvents {
        OwnEvents {
            suffix: format!("@{mail_host}"),
        }
    }

    pub fn is_own(&self, uid: &str) -> bool {
        uid.starts_with("booking-") && uid.ends_with(&self.suffix)
    }
}

/// The calendar service (cheap to share).
pub struct Calendars {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: CalendarsConfig,
    /// For syncs and write-back: time-boxed per call.
    pub client: Http,
    /// For verify-on-book: time-boxed by `[calendars] verify_timeout_ms`.
    pub verify_client: Http,
    pub credentials: Arc<Credentials>,
    pub catalog: Arc<CatalogHandle>,
    pub busy: Arc<BookedTime>,
    pub notifier: Arc<Notifier>,
    pub metrics: Arc<Metrics>,
    pub own: OwnEvents,
    /// The host part of the UIDs of the events written (as in the mailed invites).
    pub mail_host: String,
    /// Unique per process: who holds a sync lease.
    pub worker_id: String,
    /// "Sync now" and new connections wake the loop.
    pub wake: Arc<Notify>,
    /// Signalled when stored busy time changed (reloaded into memory).
    pub busy_changed: Arc<Notify>,
    /// Wakes the job worker after an alert job is written.
    pub jobs_wake: Arc<Notify>,
    /// The configured OAuth clients (`[google]`, `[microsoft]`).
    pub oauth: OAuthApps,
    /// Where this service is reached (set once listening): OAuth redirect URIs start here.
    public_url: std::sync::OnceLock<String>,
    /// Calls per account and second to Google and Microsoft, and their requests to wait.
    pub budget: super::remote::CallBudget,
    /// Connections as last loaded (for verify-on-book and the health page).
    pub connections: RwLock<Arc<Vec<CalendarConnection>>>,
    /// Busy version per connection as loaded into memory.
    loaded: RwLock<HashMap<String, i64>>,
}

impl Calendars {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: CalendarsConfig,
        credentials: Arc<Credentials>,
        catalog: Arc<CatalogHandle>,
        busy: Arc<BookedTime>,
        notifier: Arc<Notifier>,
        metrics: Arc<Metrics>,
        jobs_wake: Arc<Notify>,
        mail_host: &str,
    ) -> Result<Calendars, openslot_calendar::CalendarError> {
        let own = OwnEvents::new(mail_host);
        busy.cache.set_stale_policy(match config.on_stale {
            OnStale::Keep => StalePolicy::Keep,
            OnStale::Close => StalePolicy::Close,
        });
        Ok(Calendars {
            client: Http::new(Duration::from_secs(config.timeout_seconds.max(1)))?,
            verify_client: Http::new(Duration::from_millis(config.verify_timeout_ms.max(1)))?,
            store,
            clock,
            config,
            credentials,
            catalog,
            busy,
            notifier,
            metrics,
            own,
            mail_host: mail_host.to_string(),
            worker_id: format!("calendars-{}", uuid::Uuid::new_v4()),
            wake: Arc::new(Notify::new()),
            busy_changed: Arc::new(Notify::new()),
            jobs_wake,
            oauth: OAuthApps::default(),
            public_url: std::sync::OnceLock::new(),
            budget: super::remote::CallBudget::new(super::remote::CALLS_PER_SECOND),
            connections: RwLock::new(Arc::new(Vec::new())),
            loaded: RwLock::new(HashMap::new()),
        })
    }

    /// With the configured OAuth clients (`[google]`, `[microsoft]`).
    pub fn with_oauth(mut self, oauth: OAuthApps) -> Calendars {
        self.oauth = oauth;
        self
    }

    /// Records where the service is reached: `[server] public_url`, or without one the
    /// address it is listening on (port 0 in the configuration becomes the real port).
    pub fn set_public_url(&self, url: &str) {
        let _ = self.public_url.set(url.trim_end_matches('/').to_string());
    }

    /// The redirect URI registered with `provider`:
    /// `{public_url}/admin/calendars/{provider}/callback`.
    pub fn redirect_uri(&self, provider: OAuthProvider) -> String {
        let base = self
            .public_url
            .get()
            .map(String::as_str)
            .unwrap_or("http://localhost");
        format!("{base}/admin/calendars/{}/callback", provider.as_str())
    }

    /// How to reach a connection's calendar, its password opened (sealed in the store, or
    /// from the environment variable the configuration names).
    pub fn endpoint(&self, settings: &CalendarSettings) -> Result<Endpoint, String> {
        let password = match (&settings.password_enc, &settings.password_env) {
            (Some(sealed), _) => Some(self.credentials.open(sealed).map_err(|_| {
                "the stored password cannot be opened with the current or previous secrets"
                    .to_string()
            })?),
            (None, Some(name)) => Some(
                std::env::var(name)
                    .map_err(|_| format!("environment variable {name} is not set"))?,
            ),
            (None, None) => None,
        };
        Ok(Endpoint {
            url: settings.url.clone(),
            username: settings.username.clone(),
            password,
        })
    }

    /// [`Self::endpoint`], after checking that a connection added in /admin or through the
    /// API does not lead to an internal address (see [`crate::egress`]); the operator's
    /// own (config) connections may, as may all with `[calendars] allow_private_targets`.
    pub async fn reachable_endpoint(
        &self,
        settings: &CalendarSettings,
    ) -> Result<Endpoint, String> {
        if settings.origin != "config" && !self.config.allow_private_targets {
            crate::egress::check_public(&settings.url)
                .await
                .map_err(|err| err.to_string())?;
        }
        self.endpoint(settings)
    }

    /// The zone floating times and all-day events of `host` are read in.
    pub fn host_zone(&self, host: &str) -> TimeZone {
        let catalog = self.catalog.load();
        let zone = catalog
            .hosts()
            .iter()
            .find(|candidate| candidate.id == host)
            .and_then(|host| crate::tzdb::zone(&host.timezone_name).ok());
        zone.unwrap_or(TimeZone::UTC)
    }

    /// The connections as last loaded.
    pub fn connections(&self) -> Arc<Vec<CalendarConnection>> {
        self.connections
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Reloads the connections and, when any connection's stored busy time changed since
    /// the last load, all imported busy time; recomputes which hosts' data is stale and
    /// which hosts have a calendar bookings are written into.
    pub async fn load_busy(&self) -> Result<(), StoreError> {
        let connections = self.store.calendar_connections().await?;
        let now = self.clock.now().as_second();
        let stale_after = i64::from(self.config.stale_after_minutes) * 60;
        let versions: HashMap<String, i64> = connections
            .iter()
            .map(|c| (c.settings.id.clone(), c.busy_version))
            .collect();
        let changed = *self.loaded.read().unwrap_or_else(|p| p.into_inner()) != versions;
        if changed {
            let mut spans: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
            self.store
                .for_each_calendar_busy(&mut |host, start, end| {
                    spans
                        .entry(host.to_string())
                        .or_default()
                        .push((start, end));
                })
                .await?;
            // Wholesale: a host whose last connection went is left with none.
            self.busy.cache.replace_calendars(spans);
        }
        let mut stale_hosts: HashSet<String> = HashSet::new();
        let mut hosts: HashSet<String> = HashSet::new();
        for connection in &connections {
            let settings = &connection.settings;
            hosts.insert(settings.host_id.clone());
            if settings.busy {
                // A connection never synced counts from when it was added: a new one does
                // not close its host before its first sync could run.
                let fresh_since = connection.last_success_at.unwrap_or(connection.created_at);
                if now - fresh_since > stale_after {
                    stale_hosts.insert(settings.host_id.clone());
                }
            }
            self.metrics.set_calendar_age(
                &settings.id,
                &settings.host_id,
                connection.last_success_at.map(|at| now - at),
            );
        }
        // Every host, so one whose connections went is no longer marked.
        let catalog = self.catalog.load();
        for host in catalog
            .hosts()
            .iter()
            .map(|host| host.id.as_str())
            .chain(hosts.iter().map(String::as_str))
        {
            self.busy
                .cache
                .set_calendar_stale(host, stale_hosts.contains(host));
        }
        self.notifier.set_calendar_writers(
            connections
                .iter()
                .filter(|c| c.settings.write)
                .map(|c| c.settings.host_id.clone()),
        );
        *self.loaded.write().unwrap_or_else(|p| p.into_inner()) = versions;
        *self.connections.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(connections);
        Ok(())
    }

    /// Reloads busy time whenever a sync stored some, and every `period` (other
    /// instances' syncs; staleness moving on).
    pub fn spawn_busy_refresh(self: &Arc<Self>, period: Duration) {
        let calendars = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticker.tick() => {}
                    _ = calendars.busy_changed.notified() => {}
                }
                if let Err(err) = calendars.load_busy().await {
                    tracing::warn!(error = %err, "calendar busy time not reloaded");
                }
            }
        });
    }

    /// Writes one ops e-mail about a connection's health, together with the flag that
    /// says it was sent (so it goes out once per failure, and once on recovery).
    pub(super) async fn alert(
        &self,
        connection: &CalendarConnection,
        alert: Alert,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let settings = &connection.settings;
        let kind = match alert {
            Alert::Failing => MailKind::OpsCalendarFailing,
            Alert::Recovered => MailKind::OpsCalendarRecovered,
        };
        let now = self.clock.now();
        let jobs = self.notifier.jobs_for_calendar_alert(
            kind,
            &CalendarAlert {
                connection_id: settings.id.clone(),
                host: settings.host_id.clone(),
                url: crate::notify::shown_url(&settings.url),
                error: error.map(str::to_string),
                since: connection.failing_since.unwrap_or(now.as_second()),
            },
            now,
        );
        if !self
            .store
            .set_calendar_alerted(
                &settings.id,
                alert == Alert::Failing,
                &jobs,
                now.as_second(),
            )
            .await?
        {
            // Another instance sent it.
            return Ok(());
        }
        self.jobs_wake.notify_one();
        tracing::info!(connection = %settings.id, host = %settings.host_id, ?alert, "calendar health e-mail queued");
        Ok(())
    }

    /// "Sync now": makes the connection due and wakes the loop.
    pub async fn sync_now(&self, id: &str) -> Result<bool, StoreError> {
        let due = self
            .store
            .request_calendar_sync(id, self.clock.now().as_second())
            .await?;
        self.wake.notify_one();
        Ok(due)
    }
}
