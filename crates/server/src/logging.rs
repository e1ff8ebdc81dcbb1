//! JSON logs on standard output, written by a background thread so requests never wait on
//! the terminal or a pipe. Every line passes [`crate::privacy::ScrubWriter`].

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global JSON logger; keep the guard alive until exit so buffered lines are
/// flushed. The level comes from `RUST_LOG` (default `info`).
pub fn init() -> WorkerGuard {
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stdout());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .with_writer(move || crate::privacy::ScrubWriter(writer.clone()))
        .init();
    guard
}
