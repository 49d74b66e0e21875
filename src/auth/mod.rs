//! Signing in and holding the session, the way MSAL.js does: authorization code + PKCE through
//! `openidconnect`, redirect or popup, a token cache with silent renewal, claims challenges,
//! sign-out. Nothing outside this module touches tokens.

mod authorizer;
mod cache;
mod challenge;
mod error;
mod host;
mod interaction;
mod oidc;
mod session;
mod signature;
#[cfg(target_arch = "wasm32")]
mod storage_access;
mod verify;

pub use authorizer::{Authorizer, Renew};
pub use cache::Account;
pub use challenge::claims_challenge;
pub use error::AuthError;
pub use host::HostTokens;
pub use interaction::safe_return;
pub use session::{Session, preload_exchanges};

/// Whether Portier runs inside a frame (where sign-in must use a popup: the authority refuses
/// to be framed).
pub fn in_frame() -> bool {
    let Some(w) = web_sys::window() else { return false };
    match w.top() {
        Ok(Some(top)) => top != w,
        _ => true,
    }
}
