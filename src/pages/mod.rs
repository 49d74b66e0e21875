//! One module per route. Pages ask `graph` for data and show it through `components`; they
//! never fetch.

mod access;
mod approvals;
mod catalog;
mod config_error;
mod home;
mod invite;
pub mod lazy;
mod not_found;
mod request;
mod requests;
mod reviews;
#[cfg(all(test, target_arch = "wasm32"))]
mod testing;
mod welcome;

pub use access::MyAccess;
pub use approvals::Approvals;
pub use catalog::Catalog;
pub use config_error::ConfigError;
pub use home::Home;
pub use invite::Invite;
pub use not_found::NotFound;
pub use request::{PackagePage, SelectionPage};
pub use requests::MyRequests;
pub use reviews::Reviews;
pub use welcome::Welcome;
