//! `/me`, `/users/{id | userPrincipalName}` and `/users` (people pickers), with Graph's default
//! property set, `$select`, the `$filter`s the directory supports, and paging.

use super::auth::Caller;
use super::error::GraphError;
use super::query::{GraphQuery, page};
use super::schema;
use crate::Tenant;
use crate::odata;
use crate::store::UserRecord;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};
use std::sync::Arc;

/// What Graph returns for a user when `$select` is not given.
const DEFAULT_PROPERTIES: [&str; 11] = [
    "businessPhones",
    "displayName",
    "givenName",
    "id",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
];

/// Permissions that read every property of other users; `User.ReadBasic.All` reads the default set.
const FULL_READ: [&str; 4] = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const ANY_READ: [&str; 5] =
    ["User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

/// `(property, operation)` pairs the directory filters on without advanced queries.
const FILTERS: &[(&str, &[&str])] = &[
    ("displayName", &["startswith", "eq", "in"]),
    ("mail", &["startswith", "eq", "in"]),
    ("userPrincipalName", &["startswith", "eq", "in"]),
    ("givenName", &["startswith", "eq", "in"]),
    ("surname", &["startswith", "eq", "in"]),
    ("id", &["eq", "in"]),
    ("userType", &["eq", "in"]),
    ("accountEnabled", &["eq"]),
    ("creationType", &["eq"]),
];
/// Operations Graph allows only as advanced queries (`ConsistencyLevel: eventual` and `$count=true`).
const ADVANCED: [&str; 3] = ["endswith", "ne", "not"];

/// A user as this caller may see it: the selected (or default) properties, and the extended ones
/// nulled unless the caller may read full profiles or it is their own.
fn view(u: &UserRecord, select: Option<&[String]>, full: bool) -> Value {
    let chosen: Vec<String> =
        select.map(<[String]>::to_vec).unwrap_or_else(|| DEFAULT_PROPERTIES.map(String::from).to_vec());
    let mut out = serde_json::Map::new();
    for p in &chosen {
        let readable = full || DEFAULT_PROPERTIES.contains(&p.as_str());
        out.insert(p.clone(), if readable { u.data.get(p).cloned().unwrap_or(Value::Null) } else { Value::Null });
    }
    Value::Object(out)
}

fn context(t: &Tenant, select: Option<&[String]>, entity: bool) -> String {
    let sel = select.map(|s| format!("({})", s.join(","))).unwrap_or_default();
    format!("{}/v1.0/$metadata#users{sel}{}", t.graph_url(), if entity { "/$entity" } else { "" })
}

fn with_context(mut v: Value, context: String) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert("@odata.context".into(), Value::String(context));
    }
    v
}

fn select_of(q: &GraphQuery) -> Result<Option<Vec<String>>, GraphError> {
    q.select(|p| schema::has_property("user", p))
}

pub async fn me(State(t): State<Arc<Tenant>>, caller: Caller, q: GraphQuery) -> Result<Json<Value>, GraphError> {
    caller.require_any(&[
        "User.Read",
        "User.ReadWrite",
        "User.ReadBasic.All",
        "User.Read.All",
        "Directory.Read.All",
    ])?;
    q.only(&["$select"])?;
    let select = select_of(&q)?;
    Ok(Json(with_context(view(&caller.user, select.as_deref(), true), context(&t, select.as_deref(), true))))
}

pub async fn get(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    Path(key): Path<String>,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    q.only(&["$select"])?;
    let select = select_of(&q)?;
    let own = caller.user.id.eq_ignore_ascii_case(&key) || caller.user.upn.eq_ignore_ascii_case(&key);
    if !own {
        caller.require_any(&ANY_READ)?;
    } else {
        caller.require_any(&[&["User.Read", "User.ReadWrite"][..], &ANY_READ[..]].concat())?;
    }
    let user = t.store.user_by_key(&key).ok_or_else(|| GraphError::not_found(&key))?;
    let full = own || FULL_READ.iter().any(|p| caller.has(p));
    Ok(Json(with_context(view(&user, select.as_deref(), full), context(&t, select.as_deref(), true))))
}

pub async fn list(
    State(t): State<Arc<Tenant>>,
    caller: Caller,
    headers: HeaderMap,
    q: GraphQuery,
) -> Result<Json<Value>, GraphError> {
    caller.require_any(&ANY_READ)?;
    // Guests have restricted directory access by default: they may look a user up, not list them.
    if caller.user.is_guest {
        return Err(GraphError::denied());
    }
    q.only(&["$select", "$filter", "$top", "$orderby", "$count", "$skiptoken"])?;
    let select = select_of(&q)?;
    let eventual = headers.get("consistencylevel").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"eventual"));
    let count = q.count()?;
    if count && !eventual {
        return Err(GraphError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "$count is not currently supported without the ConsistencyLevel: eventual header.",
        ));
    }
    let full = FULL_READ.iter().any(|p| caller.has(p));
    let mut items: Vec<Value> = t.store.users().iter().map(|u| u.data.clone()).collect();
    if let Some(filter) = q.filter()? {
        check_filter(&filter, eventual && count, full)?;
        items.retain(|u| filter.matches(u));
    }
    if let Some((prop, desc)) = q.orderby(&["displayName", "userPrincipalName"])? {
        odata::sort(&mut items, &prop, desc);
    }
    let users: Vec<Value> = items
        .iter()
        .filter_map(|v| v["id"].as_str().and_then(|id| t.store.user(id)))
        .map(|u| view(&u, select.as_deref(), full))
        .collect();
    let total = users.len();
    let mut body = page(&t, "/v1.0/users", &q, users, 100, 999)?;
    body["@odata.context"] = json!(context(&t, select.as_deref(), false));
    if count {
        body["@odata.count"] = json!(total);
    }
    Ok(Json(body))
}

fn check_filter(filter: &odata::Expr, advanced: bool, full: bool) -> Result<(), GraphError> {
    for (prop, op) in filter.uses() {
        if op == "contains" {
            return Err(GraphError::unsupported_query("Unsupported Query."));
        }
        if ADVANCED.contains(&op.as_str()) {
            if !advanced {
                return Err(GraphError::unsupported_query("Unsupported Query."));
            }
            continue;
        }
        let allowed = FILTERS
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(&prop))
            .is_some_and(|(_, ops)| ops.contains(&op.as_str()));
        if !allowed {
            return Err(GraphError::unsupported_query(format!(
                "Unsupported or invalid query filter clause specified for property '{prop}' of resource 'User'."
            )));
        }
        // Filtering on a property the caller cannot read would leak it.
        if !full && !DEFAULT_PROPERTIES.contains(&prop.as_str()) {
            return Err(GraphError::denied());
        }
    }
    Ok(())
}

/// `/oidc/userinfo`: the OpenID Connect claims of the token's user.
pub async fn userinfo(caller: Caller) -> Json<Value> {
    let u = &caller.user;
    let sub = crate::entra::pairwise_sub(&u.id, &caller.client_id);
    Json(json!({
        "sub": sub, "name": u.display_name(), "family_name": u.data["surname"], "given_name": u.data["givenName"],
        "email": u.mail,
    }))
}
