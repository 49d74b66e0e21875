//! Short names for what the first module imports from its glue. wasm-bindgen names each import
//! `__wbg_<function>_<16 hex digits>`; those digits are written twice on the first visit (the
//! module's import section, the glue's import object) and brotli cannot compress them. Renamed
//! `a`, `b`, … in both files, the pair is about 5 KB brotli lighter. Nothing else changes: the
//! imports keep their order, so no index in the module moves (wasmparser reads the section,
//! wasm-encoder writes it again, every other byte is copied).

use anyhow::{Context, Result, bail};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{Encode, ImportSection, Section};
use wasmparser::{Parser, Payload};

/// The glue module whose imports are renamed: wasm-bindgen's own. The split's imports
/// (`./__wasm_split.js`) are the split glue's, and keep their names.
pub const GLUE: &str = "./portier_bg.js";

/// The `n`th short name: a JavaScript identifier, so it stands unquoted as a key in the glue.
fn short_name(mut n: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const NEXT: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$";
    let mut name = vec![FIRST[n % FIRST.len()]];
    n /= FIRST.len();
    while n > 0 {
        n -= 1;
        name.push(NEXT[n % NEXT.len()]);
        n /= NEXT.len();
    }
    String::from_utf8(name).expect("ASCII")
}

/// The module and its glue with the glue's imports renamed short. Fails, naming the import, when
/// the glue does not define an import exactly once as a key (`name:`): the build then stops
/// rather than ship a module whose import the glue cannot satisfy.
pub fn shorten(module: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    if module.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        bail!("not a WebAssembly module (version 1)");
    }
    // The import section, its header included, starts where the section before it ends.
    let (mut before, mut found) = (8, None);
    for payload in Parser::new(0).parse_all(module) {
        let payload = payload.context("reading the module")?;
        if let Payload::ImportSection(reader) = payload {
            found = Some((before, reader));
            break;
        }
        if let Some((_, range)) = payload.as_section() {
            before = range.end;
        }
    }
    let Some((start, reader)) = found else { return Ok((module.to_vec(), glue.to_string())) };
    let end = reader.range().end;

    let (mut imports, mut glue, mut renamed) = (ImportSection::new(), glue.to_string(), 0);
    for import in reader.into_imports() {
        let import = import.context("reading an import")?;
        let ty = RoundtripReencoder.entity_type(import.ty).context("reading an import's type")?;
        let name = if import.module == GLUE {
            let key = format!("{}:", import.name);
            if glue.matches(import.name).count() != 1 || glue.matches(&key).count() != 1 {
                bail!("the glue does not define the import {} once as `{key}`", import.name);
            }
            let short = short_name(renamed);
            renamed += 1;
            glue = glue.replacen(&key, &format!("{short}:"), 1);
            short
        } else {
            import.name.to_string()
        };
        imports.import(import.module, &name, ty);
    }
    let mut out = module[..start].to_vec();
    out.push(imports.id());
    imports.encode(&mut out);
    out.extend_from_slice(&module[end..]);
    Ok((out, glue))
}

/// Every import of `module`, as `(module it comes from, name)`.
pub fn names(module: &[u8]) -> Result<Vec<(String, String)>> {
    let mut out = vec![];
    for payload in Parser::new(0).parse_all(module) {
        if let Payload::ImportSection(reader) = payload.context("reading the module")? {
            for import in reader.into_imports() {
                let import = import.context("reading an import")?;
                out.push((import.module.to_string(), import.name.to_string()));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `imports` (`(module, name)`, each a function of type 0), with one
    /// function after them that calls the last import.
    fn module(imports: &[(&str, &str)]) -> Vec<u8> {
        use wasm_encoder::{CodeSection, EntityType, Function, FunctionSection, Module, TypeSection};
        let mut types = TypeSection::new();
        types.ty().function([], []);
        let mut section = ImportSection::new();
        for (from, name) in imports {
            section.import(from, name, EntityType::Function(0));
        }
        let mut functions = FunctionSection::new();
        functions.function(0);
        let mut call_last = Function::new([]);
        call_last.instructions().call(imports.len() as u32 - 1).end();
        let mut code = CodeSection::new();
        code.function(&call_last);
        let mut m = Module::new();
        m.section(&types).section(&section).section(&functions).section(&code);
        m.finish()
    }

    #[test]
    fn the_glues_imports_get_short_names_in_the_module_and_the_glue_alike() {
        let wasm = module(&[
            (GLUE, "__wbg_log_0123456789abcdef"),
            ("./__wasm_split.js", "__wasm_split_load_partner"),
            (GLUE, "__wbindgen_init_externref_table"),
        ]);
        let glue = "const import0 = { __wbg_log_0123456789abcdef: function(a) { console.log(a); },\n\
                    __wbindgen_init_externref_table: function() {} };";
        let (short, glue) = shorten(&wasm, glue).unwrap();
        assert_eq!(
            names(&short).unwrap(),
            [(GLUE, "a"), ("./__wasm_split.js", "__wasm_split_load_partner"), (GLUE, "b")]
                .map(|(m, n)| (m.to_string(), n.to_string()))
        );
        assert_eq!(glue, "const import0 = { a: function(a) { console.log(a); },\nb: function() {} };");
        // Everything after the imports is as it was: the module still validates and calls the
        // same import.
        wasmparser::Validator::new().validate_all(&short).unwrap();
        assert_eq!(short[short.len() - 8..], wasm[wasm.len() - 8..]);
    }

    #[test]
    fn an_import_the_glue_does_not_define_once_stops_the_build_with_its_name() {
        let wasm = module(&[(GLUE, "__wbg_log_0123456789abcdef")]);
        let missing = shorten(&wasm, "const import0 = {};").unwrap_err().to_string();
        assert!(missing.contains("__wbg_log_0123456789abcdef"), "{missing}");
        let twice = "{ __wbg_log_0123456789abcdef: f, x: __wbg_log_0123456789abcdef }";
        assert!(shorten(&wasm, twice).is_err());
        assert!(shorten(b"not wasm", "").unwrap_err().to_string().contains("not a WebAssembly module"));
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..5000).map(short_name).collect();
        let distinct: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
        assert!(names.iter().all(|n| n.chars().next().unwrap().is_ascii_alphabetic()));
        assert_eq!((names[0].as_str(), names[51].as_str(), names[52].len()), ("a", "Z", 2));
    }
}
