//! Opening the store, building the state and running the server until SIGTERM or Ctrl-C.

use std::{sync::Arc, time::Duration};

use openslot_store::{PgOptions, PgStore, SqliteOptions, SqliteStore, Store, StoreError};
use tokio::net::TcpListener;

use crate::calendars::Calendars;
use crate::{
    busy_cache::BookedTime,
    catalog::Catalog,
    clock::{Clock, SystemClock},
    config::{Config, ConfigError},
    domain::{Domain, HostId, TeamPicker},
    http,
    http::state::AppState,
    notify::Notifier,
    rate_limit::{Network, RateLimiter},
    routing::RoutingForms,
    signing::{generate_secret, Signer},
    web::{assets::is_hex_colour, Web},
    worker::Worker,
};
use openslot_mail::Mailer;
use tokio::sync::watch;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("calendars: {0}")]
    Calendars(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Catalog(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

/// A configuration that passed every check, resolved into what the service runs on.
pub struct Checked {
    pub catalog: Catalog,
    /// Every host's configured calendars (`[[hosts.calendars]]`), checked, with their ids.
    pub calendars: Vec<crate::calendars::HostCalendar>,
    pub notifier: Notifier,
    pub routing: RoutingForms,
    /// `[google]` and `[microsoft]`, checked, secrets read.
    pub oauth: crate::config::OAuthApps,
}

/// Checks everything in the configuration that can be checked without opening anything.
pub fn validate(config: &Config, source: &str) -> Result<Checked, ConfigError> {
    config.listen_addr(source)?;
    let error = |key: &str, message: String| ConfigError {
        source: source.to_string(),
        key: key.to_string(),
        message,
    };
    if let Some(url) = &config.server.public_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(error(
                "server.public_url",
                format!("{url:?} must start with http:// or https://"),
            ));
        }
    }
    for (index, origin) in config.server.allowed_origins.iter().enumerate() {
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let valid = rest.is_some_and(|host| {
            let host = host.trim_end_matches('/');
            !host.is_empty() && !host.contains('/') && !host.contains(' ')
        });
        if !valid {
            return Err(error(
                &format!("server.allowed_origins[{index}]"),
                format!("{origin:?} must be an origin such as \"https://www.example.com\""),
            ));
        }
    }
    for (key, seconds) in [
        (
            "server.header_timeout_seconds",
            config.server.header_timeout_seconds,
        ),
        (
            "server.body_timeout_seconds",
            config.server.body_timeout_seconds,
        ),
        (
            "server.idle_timeout_seconds",
            config.server.idle_timeout_seconds,
        ),
    ] {
        if seconds == 0 || seconds > 86_400 {
            return Err(error(key, "must be 1 to 86400".into()));
        }
    }
    if config.server.max_connections == 0 || config.server.max_connections > 1_000_000 {
        return Err(error(
            "server.max_connections",
            "must be 1 to 1000000".into(),
        ));
    }
    let tzdb = crate::tzdb::choose(&config.server.tzdb, &crate::tzdb::system_dir())
        .map_err(|message| error("server.tzdb", message))?;
    crate::tzdb::install(tzdb);
    let url = &config.database.url;
    if !(url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://"))
    {
        return Err(error(
            "database.url",
            format!(
                "{:?} is not supported: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB",
                crate::privacy::redacted_url(url)
            ),
        ));
    }
    if config.database.max_connections == 0 || config.database.max_connections > 1000 {
        return Err(error(
            "database.max_connections",
            "must be 1 to 1000".into(),
        ));
    }
    if !matches!(config.database.synchronous.as_str(), "full" | "normal") {
        return Err(error(
            "database.synchronous",
            format!(
                "{:?} must be \"full\" or \"normal\"",
                config.database.synchronous
            ),
        ));
    }
    for (index, proxy) in config.server.trusted_proxies.iter().enumerate() {
        if Network::parse(proxy).is_none() {
            return Err(error(
                &format!("server.trusted_proxies[{index}]"),
                format!("{proxy:?} must be an IP address or CIDR range such as \"10.0.0.0/8\""),
            ));
        }
    }
    let branding = &config.branding;
    if !is_hex_colour(&branding.accent_color) {
        return Err(error(
            "branding.accent_color",
            format!(
                "{:?} must be a colour written #rrggbb",
                branding.accent_color
            ),
        ));
    }
    if let Some(logo) = &branding.logo_url {
        if !(logo.starts_with("https://") || logo.starts_with("http://") || logo.starts_with('/')) {
            return Err(error(
                "branding.logo_url",
                format!("{logo:?} must be an http(s) URL or a path starting with /"),
            ));
        }
    }
    for (index, link) in branding.footer_links.iter().enumerate() {
        let url = &link.url;
        if link.label.trim().is_empty()
            || !(url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with('/')
                || url.starts_with("mailto:"))
        {
            return Err(error(
                &format!("branding.footer_links[{index}]"),
                "needs a label and an http(s), mailto: or /path url".into(),
            ));
        }
    }
    if let Some(secret) = &config.security.secret {
        if secret.len() < 32 {
            return Err(error(
                "security.secret",
                "must be at least 32 characters (or leave it out to have one generated)".into(),
            ));
        }
    }
    if let Some(listen) = &config.metrics.listen {
        if listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(error(
                "metrics.listen",
                format!("{listen:?} is not an address such as \"127.0.0.1:9100\""),
            ));
        }
    }
    if config
        .metrics
        .token
        .as_ref()
        .is_some_and(|token| token.len() < 16)
    {
        return Err(error(
            "metrics.token",
            "must be at least 16 characters".into(),
        ));
    }
    if config.database.readers == 0 || config.database.readers > 64 {
        return Err(error("database.readers", "must be 1 to 64".into()));
    }
    for (key, value) in [
        (
            "database.acquire_timeout_ms",
            config.database.acquire_timeout_ms,
        ),
        ("database.call_timeout_ms", config.database.call_timeout_ms),
    ] {
        if !(100..=600_000).contains(&value) {
            return Err(error(key, "must be 100 to 600000 (milliseconds)".into()));
        }
    }
    if config.database.busy_refresh_seconds == 0 {
        return Err(error(
            "database.busy_refresh_seconds",
            "must be at least 1".into(),
        ));
    }
    if let Some(url) = &config.mail.smtp_url {
        // Parsed only: building the transport needs a runtime, and check-config has none.
        if let Err(err) = openslot_mail::check_smtp_url(url) {
            return Err(error("mail.smtp_url", err.message));
        }
    }
    if config.mail.timeout_seconds == 0 {
        return Err(error("mail.timeout_seconds", "must be at least 1".into()));
    }
    if config.mail.concurrency == 0 || config.mail.concurrency > 256 {
        return Err(error("mail.concurrency", "must be 1 to 256".into()));
    }
    let catalog = Catalog::from_config(config, source)?;
    let notifier = Notifier::new(config, source)?;
    let routing = RoutingForms::build(&config.routing_forms, source)?;
    let calendars = crate::calendars::host_calendars(config, source)?;
    let oauth = crate::config::oauth_apps(config, source)?;
    Ok(Checked {
        catalog,
        calendars,
        oauth,
        notifier,
        routing,
    })
}

/// The configured mail transport: SMTP, or the outbox folder.
pub fn mailer(config: &Config) -> Result<Mailer, ConfigError> {
    match &config.mail.smtp_url {
        Some(url) => Mailer::smtp(
            url,
            Duration::from_secs(config.mail.timeout_seconds),
            config.mail.concurrency,
        )
        .map_err(|err| ConfigError {
            source: "<config>".into(),
            key: "mail.smtp_url".into(),
            message: err.message,
        }),
        None => {
            openslot_mail::outbox::prepare(std::path::Path::new(&config.mail.outbox_dir)).map_err(
                |err| ConfigError {
                    source: "<config>".into(),
                    key: "mail.outbox_dir".into(),
                    message: format!("cannot prepare {:?}: {err}", config.mail.outbox_dir),
                },
            )?;
            Ok(Mailer::outbox(&config.mail.outbox_dir))
        }
    }
}

/// A database URL with any password replaced, for messages and `check-config`.
pub fn redacted_url(url: &str) -> String {
    crate::privacy::redacted_url(url)
}

/// Opens the configured store (not yet migrated).
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, StoreError> {
    let url = &config.database.url;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let mut options = PgOptions::new(url.clone());
        options.max_connections = config.database.max_connections;
        options.statement_timeout_ms = config.database.statement_timeout_ms;
        options.acquire_timeout = Duration::from_millis(config.database.acquire_timeout_ms);
        options.call_timeout = Duration::from_millis(config.database.call_timeout_ms);
        return Ok(Arc::new(PgStore::open(&options).await?));
    }
    let mut options = SqliteOptions::new(config.database.url.clone());
    options.readers = config.database.readers;
    options.sync_full = config.database.synchronous == "full";
    Ok(Arc::new(SqliteStore::open(&options).await?))
}

/// Builds the application state from a validated configuration and an opened store.
pub async fn build_state(
    config: Config,
    Checked {
        catalog,
        notifier,
        routing,
        calendars: configured,
        oauth,
    }: Checked,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> Result<AppState, StartError> {
    let catalog = crate::event_types::seed_and_load(
        store.as_ref(),
        &config,
        &catalog,
        clock.now().as_second(),
    )
    .await
    .map_err(StartError::Catalog)?;
    // Against the event types the service runs with (the database's once seeded), so a
    // route may name one created in /admin; disabled ones still count (routed to /contact).
    let loaded = catalog.load();
    routing.check_events(|slug| loaded.get(slug).is_some())?;
    // Likewise hosts: the stored ones, so a route may name a host created in /admin.
    let host_ids: std::collections::HashSet<&str> =
        loaded.hosts().iter().map(|host| host.id.as_str()).collect();
    routing.check_hosts(&host_ids)?;
    drop(host_ids);
    drop(loaded);
    let secret = match &config.security.secret {
        Some(secret) => secret.clone(),
        None => {
            store
                .setting_or_init("signing_key", &generate_secret())
                .await?
        }
    };
    let signer = Signer::new(&secret, &config.security.previous_secrets);
    let credentials = Arc::new(crate::credentials::Credentials::new(
        &secret,
        &config.security.previous_secrets,
    ));
    seed_calendars(
        store.as_ref(),
        &configured,
        &credentials,
        clock.now().as_second(),
    )
    .await?;
    let trusted: Vec<Network> = config
        .server
        .trusted_proxies
        .iter()
        .filter_map(|proxy| Network::parse(proxy))
        .collect();
    // One host until teams arrive: every booking is the default host's.
    let host = HostId::new("default");
    let notifier = Arc::new(notifier);
    let jobs_wake = Arc::new(tokio::sync::Notify::new());
    let metrics = Arc::new(crate::metrics::Metrics::default());
    let catalog = Arc::new(catalog);
    let directory = catalog.clone();
    let busy = Arc::new(BookedTime::new(
        store.clone(),
        clock.clone(),
        Arc::new(move || {
            let catalog = directory.load();
            catalog.hosts().iter().map(|host| host.id.clone()).collect()
        }),
    ));
    let calendars = Arc::new(
        Calendars::new(
            store.clone(),
            clock.clone(),
            config.calendars.clone(),
            credentials.clone(),
            catalog.clone(),
            busy.clone(),
            notifier.clone(),
            metrics.clone(),
            jobs_wake.clone(),
            &crate::calendars::event::mail_host(&config.public_url()),
        )
        .map_err(|err| StartError::Calendars(err.to_string()))?
        .with_oauth(oauth),
    );
    let domain = Domain {
        store: store.clone(),
        catalog: catalog.clone(),
        busy: busy.clone(),
        hosts: Arc::new(TeamPicker::new(store.clone())),
        verifier: Arc::new(crate::calendars::CalendarVerifier(calendars.clone())),
        clock: clock.clone(),
        notifier: notifier.clone(),
        jobs_wake: jobs_wake.clone(),
    };
    let state = AppState {
        credentials,
        notifier,
        jobs_wake,
        busy_changed: Arc::new(tokio::sync::Notify::new()),
        metrics,
        calendars: calendars.clone(),
        funnel: Arc::new(crate::funnel::Funnel::default()),
        login_limiter: Arc::new(RateLimiter::new(config.admin.login_per_minute)),
        login_throttle: Arc::new(crate::admin::throttle::LoginThrottle::new(
            config.admin.max_failed_logins,
            config.admin.lockout_minutes,
        )),
        limiter: Arc::new(RateLimiter::new(config.limits.booking_per_minute)),
        trusted_proxies: Arc::from(trusted),
        web: Arc::new(Web::new(&config)),
        signer: Arc::new(signer),
        config: Arc::new(config),
        catalog,
        routing: Arc::new(routing),
        store,
        busy,
        clock,
        host_id: Arc::from(host.as_str()),
        domain,
    };
    state.reload_busy().await?;
    if let Err(err) = state.calendars.load_busy().await {
        tracing::warn!(error = %err, "calendar busy time not loaded; retried shortly");
    }
    // The stand-in hash for unknown accounts is made now, not on the first sign-in (which
    // would then take twice as long as a known account's).
    tokio::task::spawn_blocking(|| crate::admin::auth::verify_dummy(""));
    Ok(state)
}

/// Makes the configured calendar connections the stored config-origin ones (connections
/// added in /admin are left alone). A password written in the file is sealed before it
/// reaches the database; one named by `password_env` is read at each sync.
async fn seed_calendars(
    store: &dyn Store,
    configured: &[crate::calendars::HostCalendar],
    credentials: &crate::credentials::Credentials,
    now: i64,
) -> Result<(), StoreError> {
    let stored = store.calendar_connections().await?;
    // Sealing uses a fresh nonce: the same password sealed again would look changed and
    // make the connection due at every start of every instance.
    let seal = |id: &str, password: &str| {
        stored
            .iter()
            .find(|connection| connection.settings.id == id)
            .and_then(|connection| connection.settings.password_enc.as_ref())
            .filter(|sealed| credentials.open(sealed).is_ok_and(|open| open == password))
            .cloned()
            .unwrap_or_else(|| credentials.seal(password))
    };
    let settings: Vec<openslot_store::CalendarSettings> = configured
        .iter()
        .map(|entry| {
            let calendar = &entry.calendar;
            openslot_store::CalendarSettings {
                id: entry.id.clone(),
                host_id: entry.host_id.clone(),
                kind: calendar.kind.as_str().to_string(),
                url: calendar.url.clone(),
                username: calendar.username.clone(),
                password_env: calendar.password_env.clone(),
                password_enc: calendar
                    .password
                    .as_deref()
                    .map(|password| seal(&entry.id, password)),
                busy: calendar.busy,
                write: calendar.write,
                refresh_minutes: calendar.refresh_minutes(),
                all_day_busy: calendar.all_day_busy,
                origin: "config".into(),
                account_id: None,
            }
        })
        .collect();
    store.sync_config_calendars(&settings, now).await
}

/// Webhook delivery for the worker: bookings are shown as `/api/v1` shows them.
pub fn webhook_delivery(state: &AppState) -> crate::webhooks::Delivery {
    let view_state = state.clone();
    crate::webhooks::Delivery {
        store: state.store.clone(),
        credentials: state.credentials.clone(),
        config: state.config.webhooks.clone(),
        view: Arc::new(move |booking: &openslot_store::Booking| {
            crate::admin::bookings::booking_json(&view_state, booking)
        }),
        metrics: state.metrics.clone(),
        clock: state.clock.clone(),
    }
}

/// How often funnel counters are written to the database.
const FUNNEL_FLUSH: Duration = Duration::from_secs(5);

/// Runs the service until a shutdown signal, then lets in-flight requests finish.
pub async fn run(config: Config, source: &str) -> Result<(), StartError> {
    // Installed before anything is announced: a SIGTERM sent as soon as "listening" is
    // logged must drain, not kill, the process.
    let shutdown = shutdown_signal();
    let checked = validate(&config, source)?;
    let mailer = mailer(&config)?;
    let addr = config.listen_addr(source)?;
    let store = open_store(&config).await?;
    let applied = store.migrate().await?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    let grace = Duration::from_secs(config.server.shutdown_grace_seconds);
    let refresh = Duration::from_secs(config.database.busy_refresh_seconds);
    let retry_base = config.mail.retry_base_seconds as i64;
    // The worker renews a job's lease while delivering it, so a lease shorter than a
    // delivery attempt is fine.
    let lease = config.mail.lease_seconds.max(1) as i64;
    // Parallel deliveries keep a stuck SMTP relay from holding the queue; outbox writes
    // cannot stall, and running them in parallel would only take database connections
    // from requests.
    // Webhook deliveries share the slots: a receiver stuck until its deadline holds one.
    // Without SMTP the slots are `[webhooks] concurrency` (`[mail] concurrency` keeps
    // bounding SMTP connections and duplicates after a crash, so it is not raised here).
    let concurrency = if config.mail.smtp_url.is_some() {
        config.mail.concurrency
    } else {
        config.webhooks.concurrency.max(1)
    };
    let outbox = config
        .mail
        .smtp_url
        .is_none()
        .then(|| config.mail.outbox_dir.clone());
    let state = build_state(config, checked, store, Arc::new(SystemClock)).await?;
    state.spawn_busy_refresh(refresh);
    state.calendars.spawn_busy_refresh(refresh);
    let (calendars_stop, calendars_stopped) = watch::channel(false);
    let calendar_sync = tokio::spawn(state.calendars.clone().run(calendars_stopped));
    if let Some(outbox) = outbox {
        tracing::info!(outbox = %outbox, "no smtp_url: mail is written to the outbox folder");
    }
    let (worker_stop, worker_stopped) = watch::channel(false);
    let worker = Worker {
        store: state.store.clone(),
        mailer,
        notifier: state.notifier.clone(),
        catalog: state.catalog.clone(),
        clock: state.clock.clone(),
        id: format!("worker-{}", uuid::Uuid::new_v4()),
        retry_base_seconds: retry_base,
        lease_seconds: lease,
        wake: state.jobs_wake.clone(),
        signer: state.signer.clone(),
        busy_changed: state.busy_changed.clone(),
        metrics: state.metrics.clone(),
        concurrency,
        calendars: Some(state.calendars.clone()),
        webhooks: Some(Arc::new(webhook_delivery(&state))),
    };
    let worker = tokio::spawn(worker.run(worker_stopped));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Listen {
            addr: addr.to_string(),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| StartError::Listen {
        addr: addr.to_string(),
        source,
    })?;
    let tzdb = crate::tzdb::active();
    tracing::info!(
        source = tzdb.source,
        version = %tzdb.version,
        system_version = tzdb.system_version.as_deref().unwrap_or("none"),
        bundled_version = tzdb.bundled_version,
        choice = %state.config.server.tzdb,
        "time-zone database"
    );
    state.calendars.set_public_url(
        &state
            .config
            .server
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}")),
    );
    tracing::info!(addr = %local, public_url = %state.config.public_url(), "listening");

    if let Some(listen) = &state.config.metrics.listen {
        let metrics_addr: std::net::SocketAddr = listen.parse().map_err(|_| ConfigError {
            source: source.to_string(),
            key: "metrics.listen".into(),
            message: format!("{listen:?} is not an address such as \"127.0.0.1:9100\""),
        })?;
        let metrics_listener =
            TcpListener::bind(metrics_addr)
                .await
                .map_err(|source| StartError::Listen {
                    addr: metrics_addr.to_string(),
                    source,
                })?;
        tracing::info!(addr = %metrics_listener.local_addr().map(|a| a.to_string()).unwrap_or_default(), "metrics listening");
        let metrics_app = http::metrics_router(state.clone());
        let limits = http::listener::Limits::from_config(&state.config.server);
        tokio::spawn(async move {
            let forever = std::future::pending();
            if let Err(err) =
                http::listener::serve(metrics_listener, metrics_app, limits, forever).await
            {
                tracing::error!(error = %err, "metrics listener failed");
            }
        });
    }
    let funnel = state.funnel.clone();
    let funnel_store = state.store.clone();
    {
        let (funnel, store) = (funnel.clone(), funnel_store.clone());
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(FUNNEL_FLUSH);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                if let Err(err) = funnel.flush(store.as_ref()).await {
                    tracing::warn!(error = %err, "funnel counters not written; kept for the next try");
                }
            }
        });
    }
    let (stop_sender, stop_receiver) = tokio::sync::watch::channel(false);
    let limits = http::listener::Limits::from_config(&state.config.server);
    let app = http::router(state);
    let server = http::listener::serve(listener, app, limits, async move {
        let mut receiver = stop_receiver;
        let _ = receiver.wait_for(|stop| *stop).await;
    });
    let mut server = std::pin::pin!(server);
    tokio::select! {
        result = &mut server => {
            let _ = worker_stop.send(true);
            let _ = calendars_stop.send(true);
            result.map_err(|source| StartError::Listen { addr: local.to_string(), source })?;
            return Ok(());
        }
        () = shutdown => {}
    }
    tracing::info!("shutting down: no new connections, finishing in-flight requests");
    let _ = stop_sender.send(true);
    // The worker stops claiming at once and finishes what it holds, alongside the
    // requests; both within the one grace period.
    let _ = worker_stop.send(true);
    let _ = calendars_stop.send(true);
    let deadline = tokio::time::Instant::now() + grace;
    match tokio::time::timeout_at(deadline, server).await {
        Ok(result) => result.map_err(|source| StartError::Listen {
            addr: local.to_string(),
            source,
        })?,
        Err(_) => tracing::warn!("in-flight requests did not finish within the grace period"),
    }
    if tokio::time::timeout_at(deadline, worker).await.is_err() {
        tracing::warn!(
            "the mail worker did not finish its deliveries in time; they are retried after their lease"
        );
    }
    let _ = tokio::time::timeout_at(deadline, calendar_sync).await;
    if let Err(err) = funnel.flush(funnel_store.as_ref()).await {
        tracing::warn!(error = %err, "funnel counters lost at shutdown");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM. The handlers are registered when this is called, not
/// when the future is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt()).expect("install SIGINT handler");
        let mut terminate = signal(SignalKind::terminate()).expect("install SIGTERM handler");
        async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (fuzz/corpus/config): validating a configuration that sets
    /// `smtp_url` outside a Tokio runtime, as `check-config` does, panicked ("there is no
    /// reactor running").
    #[test]
    fn checks_the_smtp_url_without_a_runtime() {
        let parse = |text: &str| Config::parse(text, "test.toml").unwrap();
        let config = parse(
            "[mail]\nsmtp_url = \"smtp://user:pass@localhost:2525\"\nops_inbox = \"ops@example.com\"\n",
        );
        let error = validate(&config, "test.toml")
            .err()
            .map(|err| err.to_string());
        assert_eq!(error, None);
        let config = parse("[mail]\nsmtp_url = \"ftp://localhost\"\n");
        let error = validate(&config, "test.toml").err().expect("refused");
        assert_eq!(error.key, "mail.smtp_url");
    }
}
