//! The `openslot` service: configuration, the HTTP API and start-up wiring. The engine
//! computes, the store persists; this crate only connects them to the outside.
//!
//! # Layers
//!
//! Imports point one way, edge → domain → engine and store:
//!
//! - **edge**: [`http`] (the JSON API, its [`http::state::AppState`] and the one mapping
//!   of errors to answers, `http::error`), [`web`] (pages and forms), [`admin`] (admin
//!   pages and `/api/v1`) and [`serve`] (start-up wiring). They parse requests, call the
//!   domain, and render; they hold no booking rules.
//! - **domain**: [`domain`] owns every booking operation (create, cancel, reschedule,
//!   approve, decline, expire) with one error type, [`domain::BookingError`], and the
//!   seams for busy time ([`domain::BusySource`], [`domain::BusyVerifier`]) and host
//!   choice ([`domain::HostPicker`]). It builds on [`catalog`], [`event_types`], [`notify`]
//!   (which mail a change causes, as [`domain::JobKind`]/[`domain::MailKind`] jobs),
//!   [`busy_cache`] (bookings and imported calendar busy time, in memory), [`worker`],
//!   [`clock`], [`config`], [`calendars`] (connected calendars: configuration, sync,
//!   verify-on-book, the event written into them), [`credentials`] (calendar passwords
//!   sealed at rest), [`webhooks`] (Standard Webhooks events, signatures, delivery jobs
//!   and their delivery) and the small helpers ([`links`], [`signing`], [`validate`],
//!   [`display`], [`funnel`], [`metrics`], [`privacy`], [`rate_limit`], [`tzdb`]).
//!
//! Nothing below the edge names axum, HTTP types (`StatusCode`, headers), `ApiError`,
//! `AppState` or an edge module; `tests/layering.rs` checks the source so this cannot
//! regress.

pub mod admin;
pub mod admin_cli;
pub mod busy_cache;
pub mod calendars;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod display;
pub mod domain;
pub mod egress;
pub mod event_types;
pub mod funnel;
pub mod hosts;
pub mod http;
pub mod i18n;
pub mod links;
pub mod logging;
pub mod metrics;
pub mod notify;
pub mod openapi;
pub mod privacy;
pub mod rate_limit;
pub mod routing;
pub mod scopes;
pub mod serve;
pub mod signing;
pub mod tzdb;
pub mod validate;
pub mod web;
pub mod webhooks;
pub mod worker;
