//! Portier: a self-service door for business partners into a Microsoft Entra ID tenant.
//!
//! Data flows one way: `config` → `auth` → `graph` → `pages` → `components`, with `routing`
//! and `i18n` beside them, and `embed` for Portier inside another page.

pub mod app;
pub mod auth;
pub mod components;
pub mod config;
pub mod embed;
pub mod error;
pub mod graph;
pub mod i18n;
pub mod net;
pub mod pages;
pub mod routing;
