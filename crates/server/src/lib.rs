//! The `openslot` service: configuration, the HTTP API and start-up wiring. The engine
//! computes, the store persists; this crate only connects them to the outside.

pub mod actions;
pub mod admin;
pub mod admin_cli;
pub mod busy_cache;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod display;
pub mod event_types;
pub mod funnel;
pub mod hosts;
pub mod http;
pub mod links;
pub mod logging;
pub mod metrics;
pub mod notify;
pub mod privacy;
pub mod rate_limit;
pub mod routing;
pub mod serve;
pub mod signing;
pub mod state;
pub mod tzdb;
pub mod validate;
pub mod web;
pub mod worker;
