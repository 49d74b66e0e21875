//! A typed client for the Graph calls Portier makes: models named as in Graph, one error type
//! that keeps Graph's code and request id, paging, `$batch`, and retries that honour
//! `Retry-After`. No view code: it compiles and is tested natively.

mod api;
pub mod batch;
mod client;
pub mod entitlement;
pub mod error;
#[cfg(test)]
pub mod fake;
pub mod invitations;
pub mod models;
pub mod retry;
pub mod reviews;
#[cfg(test)]
mod tests;
pub mod write;

pub use crate::auth::{Authorizer, Renew};
pub use crate::net::LocalBoxFuture;
pub use client::{Answer, BrowserTransport, GraphClient, Transport};
pub use error::{GraphError, ServiceError};
