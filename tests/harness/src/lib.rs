//! What Portier's demo, benchmarks and browser tests stand on: the tools a fresh machine lacks,
//! the built app and a server for it, the local tenant, and a headless Chromium to drive.

pub mod app_server;
pub mod browser;
pub mod dist;
pub mod imports;
pub mod intranet;
pub mod minify;
pub mod policy;
pub mod serving;
pub mod split;
pub mod stack;
pub mod styles;
pub mod tools;

/// The repository's root (this crate lives in `tests/harness`).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// The local tenant's own crate, for tests that start it their own way (over https, behind a
/// proxy) instead of through [`stack`].
pub use devtenant;
