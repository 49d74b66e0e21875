//! Entitlement management's tables: catalogs, packages and policies (Graph's JSON as seeded),
//! requests, approval stages, assignments, and the group memberships assignments granted.
//!
//! Functions take a `Connection` so that one lifecycle step (check, write, mail) runs inside one
//! transaction of [`Store::transaction`](super::Store::transaction).

mod assignments;
mod delivery;
mod requests;

pub use assignments::*;
pub use delivery::*;
pub use requests::*;

use super::json;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS em_catalogs (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS em_packages (id TEXT PRIMARY KEY, catalog_id TEXT NOT NULL, data TEXT NOT NULL, role_scopes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS em_policies (id TEXT PRIMARY KEY, package_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS em_policies_package ON em_policies (package_id);
CREATE TABLE IF NOT EXISTS em_requests (
  id TEXT PRIMARY KEY, package_id TEXT NOT NULL, policy_id TEXT NOT NULL, target_id TEXT, target_email TEXT NOT NULL,
  target_name TEXT NOT NULL, created_by TEXT, request_type TEXT NOT NULL, state TEXT NOT NULL, status TEXT NOT NULL,
  created INTEGER NOT NULL, completed INTEGER, assignment_id TEXT, due INTEGER, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS em_requests_target ON em_requests (target_id);
CREATE INDEX IF NOT EXISTS em_requests_state ON em_requests (state, due);
CREATE TABLE IF NOT EXISTS em_stages (
  request_id TEXT NOT NULL, idx INTEGER NOT NULL, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
  review_result TEXT NOT NULL, justification TEXT, reviewed_by TEXT, reviewed_at INTEGER, deny_at INTEGER NOT NULL,
  escalate_at INTEGER, escalated INTEGER NOT NULL DEFAULT 0, approvers TEXT NOT NULL, PRIMARY KEY (request_id, idx));
CREATE INDEX IF NOT EXISTS em_stages_status ON em_stages (status);
CREATE TABLE IF NOT EXISTS em_assignments (
  id TEXT PRIMARY KEY, package_id TEXT NOT NULL, policy_id TEXT NOT NULL, target_id TEXT, target_email TEXT NOT NULL,
  target_name TEXT NOT NULL, state TEXT NOT NULL, status TEXT NOT NULL, start_at INTEGER NOT NULL, end_at INTEGER,
  expired_at INTEGER, warned INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS em_assignments_target ON em_assignments (target_id);
CREATE INDEX IF NOT EXISTS em_assignments_state ON em_assignments (state, end_at);
CREATE TABLE IF NOT EXISTS em_grants (group_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (group_id, user_id));
CREATE TABLE IF NOT EXISTS em_catalog_roles (
  catalog_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (catalog_id, user_id, role));
CREATE INDEX IF NOT EXISTS em_catalog_roles_user ON em_catalog_roles (user_id);
CREATE TABLE IF NOT EXISTS em_deliveries (
  assignment_id TEXT NOT NULL, role_scope_id TEXT NOT NULL, attempts INTEGER NOT NULL, delivered INTEGER NOT NULL,
  PRIMARY KEY (assignment_id, role_scope_id));
";

pub const TABLES: [&str; 9] = [
    "em_catalogs",
    "em_packages",
    "em_policies",
    "em_requests",
    "em_stages",
    "em_assignments",
    "em_grants",
    "em_catalog_roles",
    "em_deliveries",
];

/// A package as seeded: Graph's resource, and its resource role scopes (with role and scope).
#[derive(Debug, Clone)]
pub struct PackageRow {
    pub id: String,
    pub catalog_id: String,
    pub data: Value,
    pub role_scopes: Value,
}

#[derive(Debug, Clone)]
pub struct PolicyRow {
    pub id: String,
    pub package_id: String,
    /// Graph's `accessPackageAssignmentPolicy`, questions included.
    pub data: Value,
}

pub(super) fn all<T>(
    c: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
    f: fn(&Row) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    c.prepare_cached(sql)?.query_map(p, f)?.collect()
}

pub fn insert_catalog(c: &Connection, data: &Value) -> rusqlite::Result<()> {
    c.execute("INSERT INTO em_catalogs (id, data) VALUES (?1, ?2)", params![data["id"].as_str(), data.to_string()])?;
    Ok(())
}

/// Every catalog, in seeding order.
pub fn catalogs(c: &Connection) -> rusqlite::Result<Vec<Value>> {
    let rows: Vec<String> = all(c, "SELECT data FROM em_catalogs ORDER BY rowid", [], |r| r.get(0))?;
    Ok(rows.into_iter().map(json).collect())
}

pub fn catalog(c: &Connection, id: &str) -> rusqlite::Result<Option<Value>> {
    c.query_row("SELECT data FROM em_catalogs WHERE id = ?1", [id], |r| r.get(0)).optional().map(|d| d.map(json))
}

pub fn insert_package(c: &Connection, p: &PackageRow) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO em_packages (id, catalog_id, data, role_scopes) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![p.id, p.catalog_id, p.data.to_string(), p.role_scopes.to_string()])?;
    Ok(())
}

pub fn insert_policy(c: &Connection, p: &PolicyRow) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO em_policies (id, package_id, data) VALUES (?1, ?2, ?3)")?.execute(params![
        p.id,
        p.package_id,
        p.data.to_string()
    ])?;
    Ok(())
}

fn package_row(r: &Row) -> rusqlite::Result<PackageRow> {
    Ok(PackageRow { id: r.get(0)?, catalog_id: r.get(1)?, data: json(r.get(2)?), role_scopes: json(r.get(3)?) })
}

fn policy_row(r: &Row) -> rusqlite::Result<PolicyRow> {
    Ok(PolicyRow { id: r.get(0)?, package_id: r.get(1)?, data: json(r.get(2)?) })
}

/// Every package, in seeding order: one query, whatever the count.
pub fn packages(c: &Connection) -> rusqlite::Result<Vec<PackageRow>> {
    all(c, "SELECT id, catalog_id, data, role_scopes FROM em_packages ORDER BY rowid", [], package_row)
}

pub fn package(c: &Connection, id: &str) -> rusqlite::Result<Option<PackageRow>> {
    let sql = "SELECT id, catalog_id, data, role_scopes FROM em_packages WHERE id = ?1 COLLATE NOCASE";
    c.query_row(sql, [id], package_row).optional()
}

pub fn policies(c: &Connection) -> rusqlite::Result<Vec<PolicyRow>> {
    all(c, "SELECT id, package_id, data FROM em_policies ORDER BY rowid", [], policy_row)
}

pub fn policies_of(c: &Connection, package_id: &str) -> rusqlite::Result<Vec<PolicyRow>> {
    all(
        c,
        "SELECT id, package_id, data FROM em_policies WHERE package_id = ?1 ORDER BY rowid",
        [package_id],
        policy_row,
    )
}

pub fn policy(c: &Connection, id: &str) -> rusqlite::Result<Option<PolicyRow>> {
    c.query_row("SELECT id, package_id, data FROM em_policies WHERE id = ?1 COLLATE NOCASE", [id], policy_row)
        .optional()
}
