//! One module per route. Pages ask `graph` for data and show it through `components`; they
//! never fetch.

mod config_error;
mod home;
mod not_found;
mod welcome;

pub use config_error::ConfigError;
pub use home::Home;
pub use not_found::NotFound;
pub use welcome::Welcome;
