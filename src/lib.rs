//! Portier: a self-service door for business partners into a Microsoft Entra ID tenant.
//!
//! Data flows one way: `config` → `auth` → `graph` → `state` → `pages` → `components`, with
//! `routing`, `i18n`, `storage`, `dom`, `idle` and `web_url` beside them, `embed` describing Portier inside another
//! page, `app` the shell and `mount` where it starts. No module imports one that imports it back
//! (a test in `xtask` keeps it so).

pub mod app;
pub mod auth;
pub mod chunk;
pub mod components;
pub mod config;
pub mod dom;
pub mod embed;
pub mod error;
pub mod graph;
pub mod i18n;
pub mod idle;
pub mod mount;
pub mod net;
pub mod pages;
pub mod routing;
pub mod state;
pub mod storage;
pub mod web_url;
