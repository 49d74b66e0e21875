//! The module split by route, which Trunk cannot do: cargo with relocations kept, the split into
//! a first module and chunks, wasm-bindgen, wasm-opt on every module, the first module's imports
//! renamed short, the glue minified, then content-hashed names, integrity for every file the
//! loader and the split glue fetch, and the tags `index.html` needs.

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha256, Sha384};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cfg that turns route splitting on in the app; builds without the split step lack it.
pub const SPLIT_CFG: &str = "portier_split";

/// The split module as written into `dist`.
#[derive(Debug, Clone)]
pub struct Module {
    /// The wasm-bindgen glue the loader imports.
    pub js: String,
    /// The first module.
    pub wasm: String,
    /// The glue that loads chunks (imported by `js`).
    pub link: String,
    /// Every chunk's file name.
    pub chunks: Vec<String>,
    /// `(file, sha384 integrity)` of `js`, `link` and `wasm`.
    pub integrity: Vec<(String, String)>,
}

/// The target folder cargo uses for the split build: its own, since its flags differ from every
/// other build's (sharing one would rebuild every dependency at each switch).
pub fn target_dir() -> PathBuf {
    let base =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| crate::repo_root().join("target"));
    base.join("split")
}

/// The first module as cargo linked it, before splitting (names and relocations kept).
pub fn linked_module() -> PathBuf {
    target_dir().join("wasm32-unknown-unknown/wasm-release/portier.wasm")
}

fn run(program: &str, args: &[String], envs: &[(&str, String)]) -> Result<()> {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(crate::repo_root()).env("PATH", crate::tools::path_with_tools());
    // An outer cargo's flags would replace ours.
    cmd.env_remove("CARGO_ENCODED_RUSTFLAGS");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let status = cmd.status().with_context(|| format!("cannot run {program}"))?;
    if !status.success() {
        bail!("{program} {} failed", args.join(" "));
    }
    Ok(())
}

/// `--remap-path-prefix` flags that name the crates' sources from their own folder on
/// (`leptos-0.8.23/src/…`): shorter panic locations in the module, and none of the build
/// machine's paths.
fn remapped_sources() -> String {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let registries = home.map(|h| h.join("registry/src")).and_then(|d| std::fs::read_dir(d).ok());
    let folders = registries.into_iter().flatten().flatten().map(|e| e.path());
    folders.map(|f| format!(" --remap-path-prefix={}/=", f.display())).collect()
}

fn arg(p: &Path) -> String {
    p.display().to_string()
}

/// Hex of the first 8 bytes of a SHA-256: the content hash in file names.
pub fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The `integrity` value of `bytes`.
pub fn integrity(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

/// `name.ext` → `name-hash.ext`.
fn hashed_name(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{hash}.{ext}"),
        None => format!("{name}-{hash}"),
    }
}

/// The optimiser's flags, as `index.html` gives them (one place decides); chunks share the first
/// module's memory, which is not zero when they load.
fn wasm_opt_flags(index_html: &str, chunk: bool) -> Result<Vec<String>> {
    let attribute = |name: &str| crate::dist::attribute(index_html, name);
    let level = attribute("data-wasm-opt").context("index.html names no data-wasm-opt level")?;
    let mut args = vec![format!("-O{level}")];
    let params = attribute("data-wasm-opt-params").unwrap_or_default();
    args.extend(params.split_whitespace().filter(|p| !(chunk && *p == "--zero-filled-memory")).map(String::from));
    Ok(args)
}

/// Builds, splits, binds and optimises the module into `out`, with content-hashed names.
pub fn build(out: &Path) -> Result<Module> {
    let root = crate::repo_root();
    let target = target_dir();
    let flags = format!("--cfg erase_components --cfg {SPLIT_CFG} -Clink-args=--emit-relocs{}", remapped_sources());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = ["build", "-p", "portier", "--bin", "portier", "--target", "wasm32-unknown-unknown"];
    let mut args: Vec<String> = build.iter().map(|s| s.to_string()).collect();
    args.extend(["--profile".into(), "wasm-release".into()]);
    run(&cargo, &args, &[("RUSTFLAGS", flags), ("CARGO_TARGET_DIR", arg(&target))])?;

    let scratch = target.join("out");
    let _ = std::fs::remove_dir_all(&scratch);
    let (split, bound) = (scratch.join("split"), scratch.join("bound"));
    std::fs::create_dir_all(&split)?;
    let web = ["--target".to_string(), "web".into(), "--out-name".into(), "portier".into()];
    run("wasm-split-cli", &[&web[..], &[arg(&linked_module()), arg(&split)]].concat(), &[])?;
    let bindgen = ["--target", "web", "--no-typescript", "--keep-lld-exports", "--no-demangle", "--out-dir"];
    let mut args: Vec<String> = bindgen.iter().map(|s| s.to_string()).collect();
    args.extend([arg(&bound), arg(&split.join("portier.wasm"))]);
    run("wasm-bindgen", &args, &[])?;

    let index = std::fs::read_to_string(root.join("index.html")).context("reading index.html")?;
    let optimise = |file: &Path, chunk: bool| -> Result<Vec<u8>> {
        let mut args = wasm_opt_flags(&index, chunk)?;
        args.extend([arg(file), "-o".into(), arg(file)]);
        run("wasm-opt", &args, &[])?;
        Ok(std::fs::read(file)?)
    };
    std::fs::create_dir_all(out)?;

    // Chunks: hashed by their own content; the split glue names them and carries their integrity.
    let mut link = std::fs::read_to_string(split.join("__wasm_split.js")).context("no split glue")?;
    let mut chunks = vec![];
    let mut names: Vec<PathBuf> = std::fs::read_dir(&split)?.flatten().map(|e| e.path()).collect();
    names.sort();
    for path in names {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !name.ends_with(".wasm") || name == "portier.wasm" {
            continue;
        }
        let bytes = optimise(&path, true)?;
        let renamed = hashed_name(&name, &short_hash(&bytes));
        let fetch = format!("fetch(new URL(\"./{name}\", import.meta.url))");
        if !link.contains(&fetch) {
            bail!("the split glue does not fetch {name} as expected");
        }
        let ours = format!("portierFetch(new URL(\"./{renamed}\", import.meta.url), \"{}\")", integrity(&bytes));
        link = link.replace(&fetch, &ours);
        std::fs::write(out.join(&renamed), &bytes)?;
        chunks.push(renamed);
    }
    link.push_str(include_str!("split_fetch.js"));

    // The first module, its glue and the split glue import each other: one hash over all three.
    let wasm = optimise(&bound.join("portier_bg.wasm"), false)?;
    let glue = std::fs::read_to_string(bound.join("portier.js")).context("no wasm-bindgen glue")?;
    let (wasm, glue) = crate::imports::shorten(&wasm, &glue)?;
    const LINK_IMPORT: &str = "from \"./__wasm_split.js\"";
    const MAIN_IMPORT: &str = "from \"./portier.js\"";
    if !glue.contains(LINK_IMPORT) || !link.contains(MAIN_IMPORT) {
        bail!("the glue files do not import each other as expected");
    }
    let hash = short_hash(&[glue.as_bytes(), link.as_bytes(), &wasm].concat());
    let (js_name, link_name) = (format!("portier-{hash}.js"), format!("portier-split-{hash}.js"));
    let wasm_name = format!("portier-{hash}_bg.wasm");
    let glue = crate::minify::module(&js_name, &glue.replace(LINK_IMPORT, &format!("from \"./{link_name}\"")))?;
    let link = crate::minify::module(&link_name, &link.replace(MAIN_IMPORT, &format!("from \"./{js_name}\"")))?;
    std::fs::write(out.join(&js_name), &glue)?;
    std::fs::write(out.join(&link_name), &link)?;
    std::fs::write(out.join(&wasm_name), &wasm)?;
    let integrity = vec![
        (js_name.clone(), integrity(glue.as_bytes())),
        (link_name.clone(), integrity(link.as_bytes())),
        (wasm_name.clone(), integrity(&wasm)),
    ];
    Ok(Module { js: js_name, wasm: wasm_name, link: link_name, chunks, integrity })
}

/// `Trunk.toml`'s `pattern_script` (a one-line literal string): the loader's tag, which Trunk
/// writes for unsplit builds and the split build writes the same way.
pub fn pattern_script(trunk_toml: &str) -> Result<String> {
    let line = trunk_toml.lines().find_map(|l| l.strip_prefix("pattern_script = '"));
    let pattern = line.and_then(|l| l.strip_suffix('\''));
    pattern.map(String::from).context("Trunk.toml has no one-line pattern_script = '…'")
}

/// The tags for the module in `index.html`: preloads with integrity (as Trunk writes them), then
/// the loader.
pub fn head_tags(module: &Module, pattern: &str) -> String {
    let mut tags = String::new();
    for (file, sri) in &module.integrity {
        let kind = if file.ends_with(".js") {
            "rel=\"modulepreload\"".to_string()
        } else {
            "rel=\"preload\" as=\"fetch\" type=\"application/wasm\"".to_string()
        };
        tags.push_str(&format!("<link {kind} href=\"/{file}\" crossorigin=\"anonymous\" integrity=\"{sri}\">"));
    }
    let script = pattern.replace("{base}", "/").replace("{js}", &module.js).replace("{wasm}", &module.wasm);
    tags + &script
}

/// The page Trunk builds for the split build: `index.html` with the Rust link skipped (the split
/// step builds the module) and every path made relative to where this copy lies.
pub fn trunk_page(index_html: &str, up: &str) -> String {
    let mut page = index_html.replace("<link data-trunk rel=\"rust\"", "<link data-trunk rel=\"rust\" data-trunk-skip");
    for asset in ["css", "copy-file", "icon"] {
        let link = format!("data-trunk rel=\"{asset}\" href=\"");
        page = page.replace(&link, &format!("{link}{up}"));
    }
    page.replace("data-trunk-skip", &format!("data-trunk-skip href=\"{up}Cargo.toml\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_tag_is_read_from_trunk_toml_and_filled_in() {
        let toml = "[build]\npattern_script = '<script src=\"{base}loader.js\" data-js=\"{base}{js}\" data-wasm=\"{base}{wasm}\"></script>'\n";
        let pattern = pattern_script(toml).unwrap();
        let module = Module {
            js: "portier-ab.js".into(),
            wasm: "portier-ab_bg.wasm".into(),
            link: "portier-split-ab.js".into(),
            chunks: vec![],
            integrity: vec![
                ("portier-ab.js".into(), "sha384-x".into()),
                ("portier-ab_bg.wasm".into(), "sha384-y".into()),
            ],
        };
        let tags = head_tags(&module, &pattern);
        assert!(
            tags.contains(
                r#"<link rel="modulepreload" href="/portier-ab.js" crossorigin="anonymous" integrity="sha384-x">"#
            ),
            "{tags}"
        );
        assert!(tags.contains(r#"as="fetch" type="application/wasm" href="/portier-ab_bg.wasm""#), "{tags}");
        assert!(
            tags.ends_with(
                r#"<script src="/loader.js" data-js="/portier-ab.js" data-wasm="/portier-ab_bg.wasm"></script>"#
            ),
            "{tags}"
        );
        assert!(pattern_script("[build]\n").is_err());
    }

    #[test]
    fn the_trunk_page_skips_the_rust_build_and_reaches_the_sources() {
        let index = r#"<link data-trunk rel="css" href="style/main.css"><link data-trunk rel="rust" data-bin="portier"><link data-trunk rel="copy-file" href="public/a.js"><link data-trunk rel="icon" href="public/i.svg">"#;
        let page = trunk_page(index, "../../");
        assert!(page.contains(r#"href="../../style/main.css""#), "{page}");
        assert!(page.contains(r#"rel="rust" data-trunk-skip href="../../Cargo.toml" data-bin"#), "{page}");
        assert!(page.contains(r#"href="../../public/a.js""#), "{page}");
        assert!(page.contains(r#"rel="icon" href="../../public/i.svg""#), "{page}");
    }

    #[test]
    fn chunks_keep_their_flags_but_not_zero_filled_memory() {
        let page = r#"<link data-wasm-opt="s" data-wasm-opt-params="--low-memory-unused --zero-filled-memory">"#;
        assert_eq!(wasm_opt_flags(page, false).unwrap(), ["-Os", "--low-memory-unused", "--zero-filled-memory"]);
        assert_eq!(wasm_opt_flags(page, true).unwrap(), ["-Os", "--low-memory-unused"]);
        assert_eq!(hashed_name("chunk_1.wasm", "00ff"), "chunk_1-00ff.wasm");
        assert_eq!(short_hash(b"x").len(), 16);
    }
}
