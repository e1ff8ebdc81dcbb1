//! The `openslot` command: `serve`, `check-config`, `migrate`.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use openslot::{config::Config, logging, serve};

#[derive(Parser)]
#[command(name = "openslot", version, about = "Self-hosted meeting scheduler")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (built-in defaults when no config file is given).
    Serve {
        #[arg(long, short, env = "OPENSLOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Validate a config file and print what was understood.
    CheckConfig { file: PathBuf },
    /// Apply database migrations and exit.
    Migrate {
        #[arg(long, short, env = "OPENSLOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Print the OpenAPI 3.1 document of the HTTP API (as served at /api/openapi.json).
    Openapi,
    /// Manage who may operate the service.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin user, or set a new password for one. The password is prompted for
    /// on a terminal, or read from the first line of standard input.
    AddUser {
        email: String,
        /// Make a host user who sees and acts on only this host's bookings and edits only
        /// this host's hours (without it: an admin, who sees everything).
        #[arg(long)]
        host: Option<String>,
        #[arg(long, short, env = "OPENSLOT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Create an API token for /api/v1 and print it (shown only once).
    CreateToken {
        name: String,
        /// What the token may do; repeat for several. Without any: admin (everything).
        /// Scopes: bookings:read, bookings:write, event_types:read, event_types:write,
        /// hosts:read, hosts:write, webhooks:read, webhooks:write, audit:read, admin.
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
        /// End the token this many days from now (without it: until revoked).
        #[arg(long, value_name = "DAYS")]
        expires_in_days: Option<u32>,
        #[arg(long, short, env = "OPENSLOT_CONFIG")]
        config: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    openslot::privacy::install_panic_hook();
    let cli = Cli::parse();
    match cli.command {
        Command::CheckConfig { file } => check_config(file),
        Command::Openapi => match serde_json::to_string_pretty(&openslot::openapi::to_json(
            openslot::openapi::document(),
        )) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        },
        Command::Serve { config } => with_runtime(|| async move {
            let loaded = Config::load(config.as_deref()).map_err(|err| err.to_string())?;
            serve::run(loaded.config, &loaded.source)
                .await
                .map_err(|err| err.to_string())
        }),
        Command::Migrate { config } => with_runtime(|| async move {
            let loaded = Config::load(config.as_deref()).map_err(|err| err.to_string())?;
            serve::validate(&loaded.config, &loaded.source).map_err(|err| err.to_string())?;
            let store = serve::open_store(&loaded.config)
                .await
                .map_err(|err| err.to_string())?;
            let applied = store.migrate().await.map_err(|err| err.to_string())?;
            tracing::info!(applied, "migrations up to date");
            Ok(())
        }),
        Command::Admin { command } => match command {
            AdminCommand::AddUser {
                email,
                host,
                config,
            } => {
                let password = match read_password() {
                    Ok(password) => password,
                    Err(message) => {
                        eprintln!("openslot: {message}");
                        return ExitCode::FAILURE;
                    }
                };
                with_runtime(|| async move {
                    let loaded = Config::load(config.as_deref()).map_err(|err| err.to_string())?;
                    let created = openslot::admin_cli::add_user(
                        &loaded.config,
                        &email,
                        &password,
                        host.as_deref(),
                    )
                    .await?;
                    let role = if host.is_some() {
                        "host user"
                    } else {
                        "admin user"
                    };
                    // The address is not repeated: this output may end up in a log.
                    if created {
                        println!("created the {role}");
                    } else {
                        println!("updated the {role}'s password and signed out its sessions");
                    }
                    Ok(())
                })
            }
            AdminCommand::CreateToken {
                name,
                scopes,
                expires_in_days,
                config,
            } => with_runtime(|| async move {
                let loaded = Config::load(config.as_deref()).map_err(|err| err.to_string())?;
                let secret = openslot::admin_cli::create_token(
                    &loaded.config,
                    &name,
                    &scopes,
                    expires_in_days,
                )
                .await?;
                println!("{secret}");
                Ok(())
            }),
        },
    }
}

/// The new password: asked twice on a terminal, else the first line of standard input.
fn read_password() -> Result<String, String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ").map_err(|err| err.to_string())?;
        let again = rpassword::prompt_password("Repeat it: ").map_err(|err| err.to_string())?;
        if first != again {
            return Err("the passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|err| format!("cannot read the password from standard input: {err}"))?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

fn with_runtime<F, Fut>(body: F) -> ExitCode
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let guard = logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("openslot: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(body());
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    drop(guard);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("openslot: {message}");
            ExitCode::FAILURE
        }
    }
}

fn check_config(file: PathBuf) -> ExitCode {
    let loaded = match Config::load(Some(&file)) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("openslot: {err}");
            return ExitCode::FAILURE;
        }
    };
    let checked = match serve::validate(&loaded.config, &loaded.source) {
        Ok(checked) => checked,
        Err(err) => {
            eprintln!("openslot: {err}");
            return ExitCode::FAILURE;
        }
    };
    // Without the database, routes are checked against the event types this file would
    // seed; `serve` checks them against the stored ones.
    let catalog = &checked.catalog;
    if let Err(err) = checked
        .routing
        .check_events(|slug| catalog.get(slug).is_some())
    {
        eprintln!("openslot: {err}");
        return ExitCode::FAILURE;
    }
    let host_ids: std::collections::HashSet<&str> = catalog
        .hosts()
        .iter()
        .map(|host| host.id.as_str())
        .collect();
    if let Err(err) = checked.routing.check_hosts(&host_ids) {
        eprintln!("openslot: {err}");
        return ExitCode::FAILURE;
    }
    print!("{}", openslot::catalog::describe(&loaded.config, catalog));
    print!("{}", openslot::routing::describe(&checked.routing));
    print!(
        "{}",
        openslot::calendars::describe(&loaded.config.calendars, &checked.calendars)
    );
    print!("{}", openslot::calendars::describe_oauth(&checked.oauth));
    ExitCode::SUCCESS
}
