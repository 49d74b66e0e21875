//! `$expand` as Graph reads it: relations, each with nested `$expand` and `$select`
//! (`assignment($expand=target;$select=id,state)`), checked against what an endpoint supports.

use super::error::GraphError;
use super::schema;

/// One expanded relation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expand {
    pub name: String,
    pub nested: Vec<Expand>,
    pub select: Option<Vec<String>>,
}

/// A relation an endpoint can expand, and what can be expanded below it.
pub struct Allow(pub &'static str, pub &'static [Allow]);

/// Splits on `sep` outside parentheses.
fn split_top(text: &str, sep: char) -> Result<Vec<&str>, String> {
    let (mut depth, mut start, mut out) = (0i32, 0, vec![]);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        if depth < 0 {
            return Err("unbalanced parentheses".into());
        }
    }
    if depth != 0 {
        return Err("unbalanced parentheses".into());
    }
    out.push(&text[start..]);
    Ok(out)
}

/// How deep `$expand` may nest: more than any relation chain an endpoint offers, and a bound on
/// the recursion, so that a hostile `a($expand=a($expand=…))` is a 400, not a stack overflow.
const MAX_DEPTH: usize = 8;

pub fn parse(raw: &str) -> Result<Vec<Expand>, String> {
    parse_nested(raw, 0)
}

fn parse_nested(raw: &str, depth: usize) -> Result<Vec<Expand>, String> {
    if depth > MAX_DEPTH {
        return Err(format!("$expand nests deeper than {MAX_DEPTH} levels"));
    }
    let mut out = vec![];
    for item in split_top(raw, ',')?.into_iter().map(str::trim) {
        let (name, options) = match item.split_once('(') {
            Some((n, rest)) => (n.trim(), Some(rest.strip_suffix(')').ok_or("unbalanced parentheses")?)),
            None => (item, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("'{item}' is not a relation name"));
        }
        let mut e = Expand { name: name.to_string(), ..Default::default() };
        for option in options.map(|o| split_top(o, ';')).transpose()?.unwrap_or_default() {
            match option.trim().split_once('=') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("$expand") => e.nested = parse_nested(v, depth + 1)?,
                Some((k, v)) if k.trim().eq_ignore_ascii_case("$select") => {
                    e.select = Some(v.split(',').map(|s| s.trim().to_string()).collect())
                }
                _ => return Err(format!("'{option}' is not supported inside $expand")),
            }
        }
        out.push(e);
    }
    Ok(out)
}

/// Reads `$expand` on an entity of schema type `entity` and refuses what `allowed` does not name,
/// or a nested `$select` of a property the expanded type lacks (Graph's 400).
pub fn read(raw: Option<&str>, entity: &str, allowed: &[Allow]) -> Result<Vec<Expand>, GraphError> {
    let Some(raw) = raw else { return Ok(vec![]) };
    let list = parse(raw).map_err(|e| GraphError::bad_request(format!("Invalid $expand: {e}")))?;
    check(&list, Some(entity), allowed)?;
    Ok(list)
}

fn check(list: &[Expand], entity: Option<&str>, allowed: &[Allow]) -> Result<(), GraphError> {
    for e in list {
        let Some(Allow(_, below)) = allowed.iter().find(|a| a.0.eq_ignore_ascii_case(&e.name)) else {
            return Err(GraphError::bad_request(format!(
                "Could not find a navigation property named '{}' to expand.",
                e.name
            )));
        };
        let target = entity.and_then(|t| schema::navigation_type(t, &e.name));
        for name in e.select.iter().flatten() {
            // Graph selects a directory object's properties by its derived type; the directory
            // objects these relations lead to (sponsors) are users here.
            let known = match target {
                Some("microsoft.graph.directoryObject") => schema::has_property("user", name),
                Some(t) => schema::has_property(t, name),
                None => !name.is_empty(),
            };
            if !known {
                return Err(GraphError::bad_request(format!(
                    "Could not find a property named '{name}' on the expanded '{}'.",
                    e.name
                )));
            }
        }
        check(&e.nested, target, below)?;
    }
    Ok(())
}

/// The expansion of `name`, when asked for.
pub fn find<'a>(list: &'a [Expand], name: &str) -> Option<&'a Expand> {
    list.iter().find(|e| e.name.eq_ignore_ascii_case(name))
}

/// Applies an expansion's own `$select` to what it expanded (an object or a collection).
pub fn shape(e: &Expand, v: serde_json::Value) -> serde_json::Value {
    match (&e.select, v) {
        (Some(sel), serde_json::Value::Array(items)) => items.iter().map(|i| crate::odata::project(i, sel)).collect(),
        (Some(sel), v) if v.is_object() => crate::odata::project(&v, sel),
        (_, v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_expands_and_selects() {
        let e = parse("assignment($expand=target;$select=id,state),accessPackage").unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].nested[0].name, "target");
        assert_eq!(e[0].select.as_deref(), Some(&["id".to_string(), "state".to_string()][..]));
        assert!(parse("assignment($expand=target").is_err());
        assert!(parse("*").is_err());
        assert!(parse("a($top=1)").is_err());
        let deep = |n: usize| format!("{}a{}", "a($expand=".repeat(n), ")".repeat(n));
        assert!(parse(&deep(MAX_DEPTH)).is_ok() && parse(&deep(MAX_DEPTH + 1)).is_err());
        const ALLOWED: &[Allow] = &[Allow("assignment", &[Allow("target", &[])])];
        assert!(check(&parse("assignment($expand=target)").unwrap(), None, ALLOWED).is_ok());
        assert!(check(&parse("assignment($expand=accessPackage)").unwrap(), None, ALLOWED).is_err());
        let request = Some("accessPackageAssignmentRequest");
        assert!(check(&parse("assignment($select=id,state)").unwrap(), request, ALLOWED).is_ok());
        assert!(check(&parse("assignment($select=colour)").unwrap(), request, ALLOWED).is_err());
        assert!(check(&parse("assignment($select=)").unwrap(), request, ALLOWED).is_err());
    }
}
