//! Access reviews as Entra runs them for a delegated reviewer: definitions seeded from policies'
//! `reviewSettings` and from guest reviews, instances on the tenant's clock, decision items with
//! recommendations from recorded sign-ins, the reviewer's rules, and applying the results.
//! Graph's HTTP surface for it lives in `graph::reviews`.

pub mod admin;
pub mod decide;
pub mod lifecycle;

/// The sign-in window behind a recommendation when a review names none (Graph's default, 30 days).
pub const DEFAULT_LOOK_BACK_SECONDS: i64 = 30 * 86_400;

/// The identity Graph shows for "nobody" (not reviewed yet, decided or applied by the system).
pub const NOBODY: &str = "00000000-0000-0000-0000-000000000000";
