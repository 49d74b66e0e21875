//! Entitlement objects as Graph v1.0 writes them (names and types of its schema), with the
//! relations a caller expanded. Navigation properties appear only when expanded.

use crate::clock::iso;
use crate::entitlement::approvers::org_of;
use crate::entitlement::lifecycle::assignment_schedule;
use crate::graph::expand::{Expand, find, shape};
use crate::scenario::derived_id;
use crate::store::entitlement::{self as db, AssignmentRow, PackageRow, PolicyRow, RequestRow, StageRow};
use crate::store::{UserRecord, user_in};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

fn put(v: &mut Value, key: &str, value: Value) {
    if let Value::Object(m) = v {
        m.insert(key.into(), value);
    }
}

/// Adds an expanded relation, shaped by the expansion's own `$select`.
fn expand_into(
    v: &mut Value,
    ex: &[Expand],
    name: &str,
    make: impl FnOnce(&Expand) -> rusqlite::Result<Value>,
) -> rusqlite::Result<()> {
    if let Some(e) = find(ex, name) {
        let value = make(e)?;
        put(v, name, shape(e, value));
    }
    Ok(())
}

pub fn catalog(c: &Connection, id: &str) -> rusqlite::Result<Value> {
    Ok(db::catalog(c, id)?.unwrap_or(Value::Null))
}

/// A catalog with the relations expanded: `accessPackages` (each with its own expansions).
pub fn catalog_expanded(c: &Connection, data: &Value, ex: &[Expand]) -> rusqlite::Result<Value> {
    let mut v = data.clone();
    let id = data["id"].as_str().unwrap_or_default().to_string();
    expand_into(&mut v, ex, "accessPackages", |e| {
        let mut out = vec![];
        for p in db::packages(c)?.iter().filter(|p| p.catalog_id.eq_ignore_ascii_case(&id)) {
            out.push(package(c, p, &e.nested)?);
        }
        Ok(json!(out))
    })?;
    Ok(v)
}

pub fn package(c: &Connection, p: &PackageRow, ex: &[Expand]) -> rusqlite::Result<Value> {
    let mut v = p.data.clone();
    expand_into(&mut v, ex, "assignmentPolicies", |e| {
        let list: rusqlite::Result<Vec<Value>> =
            db::policies_of(c, &p.id)?.iter().map(|pol| policy(c, pol, &e.nested)).collect();
        Ok(json!(list?))
    })?;
    expand_into(&mut v, ex, "catalog", |_| catalog(c, &p.catalog_id))?;
    expand_into(&mut v, ex, "resourceRoleScopes", |e| {
        let scopes = p.role_scopes.as_array().cloned().unwrap_or_default();
        Ok(json!(scopes.into_iter().map(|s| role_scope(s, &e.nested)).collect::<Vec<_>>()))
    })?;
    Ok(v)
}

fn role_scope(mut s: Value, ex: &[Expand]) -> Value {
    for part in ["role", "scope"] {
        match find(ex, part) {
            Some(e) => {
                let inner = s[part].take();
                put(&mut s, part, shape(e, inner));
            }
            None => {
                if let Value::Object(m) = &mut s {
                    m.remove(part);
                }
            }
        }
    }
    s
}

pub fn policy(c: &Connection, p: &PolicyRow, ex: &[Expand]) -> rusqlite::Result<Value> {
    let mut v = p.data.clone();
    let questions = match &mut v {
        Value::Object(m) => m.remove("questions").unwrap_or(json!([])),
        _ => json!([]),
    };
    expand_into(&mut v, ex, "questions", |_| Ok(questions))?;
    let pkg = db::package(c, &p.package_id)?;
    expand_into(&mut v, ex, "accessPackage", |_| Ok(pkg.as_ref().map(|p| p.data.clone()).unwrap_or(Value::Null)))?;
    expand_into(&mut v, ex, "catalog", |_| match &pkg {
        Some(p) => catalog(c, &p.catalog_id),
        None => Ok(Value::Null),
    })?;
    Ok(v)
}

/// Graph's `accessPackageSubject` for a person: a user, or (no `objectId`) someone not yet one.
pub fn subject(
    c: &Connection,
    user_id: Option<&str>,
    email: &str,
    name: &str,
    ex: &[Expand],
) -> rusqlite::Result<Value> {
    let user = match user_id {
        Some(id) => user_in(c, id)?,
        None => None,
    };
    let governed = user.as_ref().is_none_or(|u| u.is_guest);
    let mut v = json!({
        "id": derived_id("accessPackageSubject", &email.to_lowercase()),
        "objectId": user.as_ref().map(|u| u.id.clone()),
        "displayName": user.as_ref().map(|u| u.display_name().to_string()).unwrap_or_else(|| name.to_string()),
        "email": email,
        "principalName": user.as_ref().map(|u| u.upn.clone()),
        "onPremisesSecurityIdentifier": null,
        "subjectType": "user",
        // External people are governed by entitlement management; members are the directory's own.
        "subjectLifecycle": if governed { "governed" } else { "notDefined" },
    });
    expand_into(&mut v, ex, "connectedOrganization", |e| {
        let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        match org_of(c, domain)? {
            Some(o) if governed => org(c, &o, &e.nested),
            _ => Ok(Value::Null),
        }
    })?;
    Ok(v)
}

pub fn request(c: &Connection, r: &RequestRow, ex: &[Expand]) -> rusqlite::Result<Value> {
    let mut v = json!({
        "id": r.id, "requestType": r.request_type, "state": r.state, "status": r.status,
        "createdDateTime": iso(r.created), "completedDateTime": r.completed.map(iso),
        "justification": r.data["justification"], "schedule": r.data["schedule"], "answers": r.data["answers"],
        "customExtensionCalloutInstances": [],
    });
    // Nested: `accessPackage($expand=assignmentPolicies)` tells a requestor what their request's
    // policy asks before any assignment exists.
    expand_into(&mut v, ex, "accessPackage", |e| match db::package(c, &r.package_id)? {
        Some(p) => package(c, &p, &e.nested),
        None => Ok(Value::Null),
    })?;
    expand_into(&mut v, ex, "requestor", |e| {
        subject(c, r.target_id.as_deref(), &r.target_email, &r.target_name, &e.nested)
    })?;
    expand_into(&mut v, ex, "assignment", |e| {
        let a = match &r.assignment_id {
            Some(id) => db::assignment(c, id)?,
            None => None,
        };
        a.map(|a| assignment(c, &a, &e.nested)).unwrap_or(Ok(Value::Null))
    })?;
    Ok(v)
}

pub fn assignment(c: &Connection, a: &AssignmentRow, ex: &[Expand]) -> rusqlite::Result<Value> {
    let mut v = json!({
        "id": a.id, "state": a.state, "status": a.status, "expiredDateTime": a.expired_at.map(iso),
        "schedule": assignment_schedule(a), "customExtensionCalloutInstances": [],
    });
    // Nested: `accessPackage($expand=resourceRoleScopes(...))` says what the access grants.
    expand_into(&mut v, ex, "accessPackage", |e| match db::package(c, &a.package_id)? {
        Some(p) => package(c, &p, &e.nested),
        None => Ok(Value::Null),
    })?;
    expand_into(&mut v, ex, "assignmentPolicy", |e| match db::policy(c, &a.policy_id)? {
        Some(p) => policy(c, &p, &e.nested),
        None => Ok(Value::Null),
    })?;
    expand_into(&mut v, ex, "target", |e| {
        subject(c, a.target_id.as_deref(), &a.target_email, &a.target_name, &e.nested)
    })?;
    Ok(v)
}

/// A runtime approval stage as `caller` sees it (`assignedToMe`).
pub fn stage(c: &Connection, s: &StageRow, caller: &str) -> rusqlite::Result<Value> {
    let reviewer = match &s.reviewed_by {
        Some(id) => user_in(c, id)?.map(|u| json!({"id": u.id, "displayName": u.display_name()})),
        None => None,
    };
    Ok(json!({
        "id": s.id, "displayName": null, "reviewedDateTime": s.reviewed_at.map(iso), "reviewResult": s.review_result,
        "status": s.status, "assignedToMe": s.approvers.iter().any(|a| a == caller), "justification": s.justification,
        "reviewedBy": reviewer,
    }))
}

pub fn approval(c: &Connection, r: &RequestRow, caller: &str) -> rusqlite::Result<Value> {
    let stages: rusqlite::Result<Vec<Value>> = db::stages(c, &r.id)?.iter().map(|s| stage(c, s, caller)).collect();
    Ok(json!({"id": r.id, "stages": stages?}))
}

/// A user as a `directoryObject` in a sponsors list.
pub fn directory_object(u: &UserRecord) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.user", "id": u.id, "displayName": u.display_name(),
        "userPrincipalName": u.upn, "mail": u.mail,
    })
}

/// A connected organization (the sponsor ids it is stored with are its relations, not properties).
pub fn org(c: &Connection, stored: &Value, ex: &[Expand]) -> rusqlite::Result<Value> {
    let mut v: Map<String, Value> = stored.as_object().cloned().unwrap_or_default();
    let internal = v.remove("internalSponsorIds").unwrap_or(json!([]));
    let external = v.remove("externalSponsorIds").unwrap_or(json!([]));
    let mut v = Value::Object(v);
    for (name, ids) in [("internalSponsors", internal), ("externalSponsors", external)] {
        expand_into(&mut v, ex, name, |_| sponsors(c, &ids))?;
    }
    Ok(v)
}

pub fn sponsors(c: &Connection, ids: &Value) -> rusqlite::Result<Value> {
    let mut out = vec![];
    for id in ids.as_array().into_iter().flatten().filter_map(Value::as_str) {
        out.extend(user_in(c, id)?.as_ref().map(directory_object));
    }
    Ok(json!(out))
}
