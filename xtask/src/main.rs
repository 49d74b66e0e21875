//! `cargo xtask`: the project's commands, so that a fresh machine needs nothing but cargo.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask test [-- cargo test arguments]");
            ExitCode::from(2)
        }
    }
}

/// Every test tier, with cargo's usual summary lines.
fn test(extra: &[String]) -> ExitCode {
    let status = Command::new(env!("CARGO")).args(["test", "--workspace"]).args(extra).status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
