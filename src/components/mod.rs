//! Reusable widgets: the page frame, loading and error states, account and language controls.

mod error_view;
mod header;
mod loading;

pub use error_view::{AppError, ErrorView};
pub use header::Header;
pub use loading::Loading;
