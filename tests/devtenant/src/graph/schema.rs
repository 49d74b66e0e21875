//! Graph's v1.0 schema (the slice Portier touches, from Microsoft's CSDL): which properties a type
//! has, for `$select`, and whether a response has Graph's names and types, for tests.

use serde_json::Value;
use std::sync::OnceLock;

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(include_str!("../../schema/graph-v1-schema.json")).expect("bundled schema")
    })
}

fn qualified(type_name: &str) -> String {
    if type_name.contains('.') { type_name.to_string() } else { format!("microsoft.graph.{type_name}") }
}

fn property(type_name: &str, name: &str) -> Option<&'static Value> {
    schema()["types"][qualified(type_name)]["properties"].get(name)
}

/// Whether `type_name` (e.g. `user`) has a structural property `name` (navigation ones excluded).
pub fn has_property(type_name: &str, name: &str) -> bool {
    property(type_name, name).is_some_and(|p| p["nav"] == false)
}

/// The type a navigation property of `type_name` leads to, e.g. `accessPackage`'s `catalog`:
/// `microsoft.graph.accessPackageCatalog`. Names match without case, as in query options.
pub fn navigation_type(type_name: &str, name: &str) -> Option<&'static str> {
    let properties = schema()["types"][qualified(type_name)]["properties"].as_object()?;
    let (_, p) = properties.iter().find(|(n, p)| n.eq_ignore_ascii_case(name) && p["nav"] == true)?;
    p["type"].as_str()
}

/// Every way `value` differs from the schema's `type_name`: unknown properties, wrong JSON types,
/// enum values Graph does not have. Empty when the value conforms.
pub fn conformance(value: &Value, type_name: &str) -> Vec<String> {
    let mut problems = vec![];
    check_object(value, &qualified(type_name), "", &mut problems);
    problems
}

fn check_object(value: &Value, type_name: &str, path: &str, problems: &mut Vec<String>) {
    let Value::Object(map) = value else {
        problems.push(format!("{path}: expected an object of {type_name}"));
        return;
    };
    // A derived type names itself; check against it.
    let actual = map
        .get("@odata.type")
        .and_then(Value::as_str)
        .map(|t| t.trim_start_matches('#').to_string())
        .unwrap_or(type_name.to_string());
    let ty = &schema()["types"][&actual];
    if ty.is_null() {
        problems.push(format!("{path}: type {actual} is not in the schema"));
        return;
    }
    for (name, v) in map {
        if name.starts_with('@') || name.contains("@odata.") {
            continue;
        }
        let here = format!("{path}/{name}");
        match ty["properties"].get(name) {
            None => problems.push(format!("{here}: {actual} has no property '{name}'")),
            Some(p) => check_value(v, p, &here, problems),
        }
    }
}

fn check_value(v: &Value, p: &Value, path: &str, problems: &mut Vec<String>) {
    if p["collection"] == true {
        match v {
            Value::Array(items) => {
                items.iter().enumerate().for_each(|(i, item)| check_scalar(item, p, &format!("{path}/{i}"), problems))
            }
            Value::Null => {}
            _ => problems.push(format!("{path}: expected an array")),
        }
        return;
    }
    check_scalar(v, p, path, problems);
}

fn check_scalar(v: &Value, p: &Value, path: &str, problems: &mut Vec<String>) {
    let ty = p["type"].as_str().unwrap_or_default();
    if v.is_null() {
        if p["nullable"] == false && p["collection"] != true {
            problems.push(format!("{path}: must not be null ({ty})"));
        }
        return;
    }
    let ok = match ty {
        "Edm.String" | "Edm.Guid" | "Edm.Duration" | "Edm.Date" | "Edm.TimeOfDay" | "Edm.Binary" => v.is_string(),
        "Edm.DateTimeOffset" => v.as_str().is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
        "Edm.Boolean" => v.is_boolean(),
        "Edm.Int32" | "Edm.Int64" | "Edm.Int16" | "Edm.Byte" => v.is_i64() || v.is_u64(),
        "Edm.Double" | "Edm.Single" | "Edm.Decimal" => v.is_number(),
        other => {
            if let Some(members) = schema()["enums"][other]["members"].as_array() {
                let known = v.as_str().is_some_and(|s| members.iter().any(|m| m.as_str() == Some(s)));
                if !known {
                    problems.push(format!("{path}: {v} is not a value of {other}"));
                }
            } else if !schema()["types"][other].is_null() {
                check_object(v, other, path, problems);
            }
            true
        }
    };
    if !ok {
        problems.push(format!("{path}: {v} is not a {ty}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn knows_graph_properties() {
        assert!(has_property("user", "externalUserState"));
        assert!(has_property("user", "id"));
        assert!(!has_property("user", "colour"));
        assert!(!has_property("user", "manager"), "navigation properties are not selectable");
    }

    #[test]
    fn finds_wrong_names_and_types() {
        let ok = json!({"id": "x", "displayName": "A", "accountEnabled": true, "businessPhones": [], "createdDateTime": "2024-01-01T00:00:00Z"});
        assert!(conformance(&ok, "user").is_empty(), "{:?}", conformance(&ok, "user"));
        let bad = json!({"id": "x", "accountEnabled": "yes", "colour": 1, "businessPhones": "none"});
        assert_eq!(conformance(&bad, "user").len(), 3, "{:?}", conformance(&bad, "user"));
    }
}
