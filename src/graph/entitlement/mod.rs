//! Entitlement management: access packages, requests, approvals, assignments.

mod api;
pub mod approver;
pub mod home;
pub mod models;
pub mod timeline;

pub use api::{CATALOG_PAGE, PackageDetails, RequestTimeline};
