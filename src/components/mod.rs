//! Reusable widgets: the page frame, loading and error states, account and language controls.

mod confirm;
mod decided;
mod download;
mod error_view;
mod facts;
pub mod format;
mod grants;
mod header;
mod landmarks;
mod loading;
mod pick_box;
mod reason_field;
mod selection;
mod sign_in_banner;
mod state_badge;
mod timeline;

pub use confirm::ConfirmAction;
pub use decided::DecidedLine;
pub use download::{csv, download};
pub use error_view::ErrorView;
pub use facts::TextFacts;
pub use grants::Grants;
pub use header::Header;
pub use landmarks::{MainArea, TopBar};
pub use loading::Loading;
pub use pick_box::PickBox;
pub use reason_field::ReasonField;
pub use selection::{SelectToggle, SelectionBar};
pub use sign_in_banner::SignInBanner;
pub use state_badge::{StateBadge, state_label};
pub use timeline::{Approvers, Timeline};
