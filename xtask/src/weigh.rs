//! Where the module's bytes go: the release build optimised again exactly as the bundle's, but
//! with function names kept, and its code weighed by the crate each function comes from. The
//! bundle's own module has no names, so this is the only way to read it; the figures are raw
//! bytes (brotli cannot be split by crate).

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Rows printed; smaller crates are summed into one line.
const SHOWN: usize = 16;

/// The optimiser's level and flags, as `index.html` gives them to Trunk (one place decides).
fn wasm_opt_args(index_html: &str) -> Result<Vec<String>> {
    let attribute = |name: &str| harness::dist::attribute(index_html, name);
    let level = attribute("data-wasm-opt").context("index.html names no data-wasm-opt level")?;
    let mut args = vec![format!("-O{level}")];
    args.extend(attribute("data-wasm-opt-params").unwrap_or_default().split_whitespace().map(String::from));
    Ok(args)
}

/// The crate a function's code is counted to. A generic impl (`<F as tachys::…>`, `<T as …>`)
/// counts to the trait's crate: its code is the framework's, monomorphised for the app's types.
fn crate_of(function: &str) -> String {
    if function.starts_with("core::ptr::drop_in_place<") {
        return "(drop glue)".into();
    }
    let path = |s: &str| -> String {
        let s = s.trim_start_matches(['<', '&', '*']).trim_start_matches("mut ").trim_start_matches("dyn ");
        let s = s.trim_start_matches("const ");
        let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
        s[..end].to_string()
    };
    let first = path(function);
    let generic = first.len() <= 3 && first.chars().next().is_some_and(char::is_uppercase);
    if (generic || first.is_empty() || first == "impl") && function.contains(" as ") {
        let trait_path = function.split(" as ").nth(1).unwrap_or_default();
        return path(trait_path);
    }
    if first.is_empty() { "(unnamed)".into() } else { first }
}

/// Code bytes per crate, data bytes, and the module's size without its name section (to
/// compare with the bundle's module).
#[derive(Debug)]
pub struct Weights {
    pub by_crate: Vec<(String, usize)>,
    pub code: usize,
    pub data: usize,
    pub unnamed: usize,
}

/// Weighs a module that carries a name section.
pub fn weigh(module: &[u8]) -> Result<Weights> {
    use wasmparser::{KnownCustom, Name, Payload, TypeRef};
    let (mut imported, mut bodies, mut names, mut data) = (0u32, Vec::new(), BTreeMap::new(), 0);
    let mut name_section = 0;
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        match payload? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(body.range().len()),
            Payload::DataSection(reader) => {
                for segment in reader {
                    data += segment?.data.len();
                }
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    name_section += section.range().len();
                    for part in reader {
                        if let Name::Function(map) = part? {
                            for naming in map {
                                let naming = naming?;
                                names.insert(naming.index, naming.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if names.is_empty() {
        bail!("the module has no function names to weigh it by");
    }
    let mut by_crate: BTreeMap<String, usize> = BTreeMap::new();
    for (i, size) in bodies.iter().enumerate() {
        let name = names.get(&(imported + i as u32)).map_or("(unnamed)".to_string(), |n| crate_of(n));
        *by_crate.entry(name).or_default() += size;
    }
    let mut by_crate: Vec<(String, usize)> = by_crate.into_iter().collect();
    by_crate.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(Weights { by_crate, code: bodies.iter().sum(), data, unnamed: module.len() - name_section })
}

/// Splits and optimises the build's module again with names kept (in the split target folder's
/// `weigh/`) and prints the weights of the first module, the one every first visit loads.
pub fn print(root: &Path) -> Result<()> {
    let built = harness::split::linked_module();
    let scratch = &harness::split::target_dir().join("weigh");
    if !built.exists() {
        bail!("no release build of the module at {} (`cargo xtask build` makes one)", built.display());
    }
    let index = std::fs::read_to_string(root.join("index.html")).context("reading index.html")?;
    std::fs::create_dir_all(scratch)?;
    let path = harness::tools::path_with_tools();
    let run = |program: &str, args: &[String]| -> Result<()> {
        let status = Command::new(program).args(args).env("PATH", &path).status();
        if !status.with_context(|| format!("cannot run {program}"))?.success() {
            bail!("{program} failed");
        }
        Ok(())
    };
    let arg = |p: &Path| p.display().to_string();
    let split = scratch.join("split");
    let _ = std::fs::remove_dir_all(&split);
    let cli = ["--target", "web", "--out-name", "portier"].map(String::from);
    run("wasm-split-cli", &[&cli[..], &[arg(&built), arg(&split)]].concat())?;
    // Names demangled here (the bundle keeps them as linked): they are what is weighed by.
    let bindgen = ["--target", "web", "--no-typescript", "--keep-lld-exports", "--out-dir"];
    let mut args: Vec<String> = bindgen.map(String::from).to_vec();
    args.extend([arg(scratch), arg(&split.join("portier.wasm"))]);
    run("wasm-bindgen", &args)?;
    let named = scratch.join("named.wasm");
    let mut args = wasm_opt_args(&index)?;
    args.extend(["-g".into(), arg(&scratch.join("portier_bg.wasm")), "-o".into(), arg(&named)]);
    run("wasm-opt", &args)?;
    let w = weigh(&std::fs::read(&named)?)?;
    let kb = |b: usize| b as f64 / 1000.0;
    let share = |b: usize| 100.0 * b as f64 / w.code as f64;
    println!(
        "\nWhere the first module's code goes (split and optimised as the bundle, names kept; raw KB, share of code)"
    );
    for (name, bytes) in w.by_crate.iter().take(SHOWN) {
        println!("  {name:<30} {:>8.1} {:>6.1} %", kb(*bytes), share(*bytes));
    }
    let rest: usize = w.by_crate.iter().skip(SHOWN).map(|(_, b)| b).sum();
    let others = w.by_crate.len().saturating_sub(SHOWN);
    println!("  {:<30} {:>8.1} {:>6.1} %", format!("{others} more crates"), kb(rest), share(rest));
    println!(
        "  code {:.1} KB, data {:.1} KB; this module without names {:.1} KB",
        kb(w.code),
        kb(w.data),
        kb(w.unnamed)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_count_to_their_crate_and_generic_impls_to_the_traits() {
        assert_eq!(crate_of("portier::auth::session::Session::finish::{{closure}}"), "portier");
        assert_eq!(crate_of("<F as tachys::reactive_graph::ReactiveFunction>::invoke"), "tachys");
        assert_eq!(crate_of("<T as tachys::view::any_view::IntoAny>::into_any::build"), "tachys");
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_seq"),
            "serde_json"
        );
        assert_eq!(crate_of("<portier::auth::error::AuthError as core::fmt::Display>::fmt"), "portier");
        assert_eq!(crate_of("core::ptr::drop_in_place<portier::graph::Page>"), "(drop glue)");
        assert_eq!(crate_of("<hashbrown[5e619d7d1129c59f]::raw::RawTableInner>::rehash_in_place.1142"), "hashbrown");
    }

    #[test]
    fn the_optimiser_flags_are_read_from_the_page() {
        let page = r#"<link data-trunk rel="rust" data-wasm-opt="s" data-wasm-opt-params="--low-memory-unused --zero-filled-memory">"#;
        assert_eq!(wasm_opt_args(page).unwrap(), ["-Os", "--low-memory-unused", "--zero-filled-memory"]);
        assert!(wasm_opt_args("<html></html>").is_err());
    }

    #[test]
    fn a_module_without_names_is_refused() {
        // The smallest valid module: magic and version only.
        let empty = b"\0asm\x01\0\0\0";
        assert!(weigh(empty).unwrap_err().to_string().contains("no function names"));
    }
}
