//! Entitlement management's tables: catalogs, packages and policies (Graph's JSON as seeded),
//! requests, approval stages, assignments, and the group memberships assignments granted.
//!
//! Functions take a `Connection` so that one lifecycle step (check, write, mail) runs inside one
//! transaction of [`Store::transaction`](super::Store::transaction).

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
";

pub const TABLES: [&str; 7] =
    ["em_catalogs", "em_packages", "em_policies", "em_requests", "em_stages", "em_assignments", "em_grants"];

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

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: String,
    pub package_id: String,
    pub policy_id: String,
    pub target_id: Option<String>,
    pub target_email: String,
    pub target_name: String,
    pub created_by: Option<String>,
    pub request_type: String,
    pub state: String,
    pub status: String,
    pub created: i64,
    pub completed: Option<i64>,
    pub assignment_id: Option<String>,
    /// When the next step is due: a scheduled start, or the end of a guest's provisioning.
    pub due: Option<i64>,
    /// What does not change: `justification`, `schedule`, `answers`.
    pub data: Value,
}

#[derive(Debug, Clone)]
pub struct StageRow {
    pub request_id: String,
    pub idx: i64,
    pub id: String,
    pub status: String,
    pub review_result: String,
    pub justification: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub deny_at: i64,
    pub escalate_at: Option<i64>,
    pub escalated: bool,
    /// Who may decide it: the resolved approvers (escalation ones added when it escalates).
    pub approvers: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct AssignmentRow {
    pub id: String,
    pub package_id: String,
    pub policy_id: String,
    pub target_id: Option<String>,
    pub target_email: String,
    pub target_name: String,
    pub state: String,
    pub status: String,
    pub start_at: i64,
    pub end_at: Option<i64>,
    pub expired_at: Option<i64>,
    pub warned: i64,
}

fn request_row(r: &Row) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        id: r.get("id")?,
        package_id: r.get("package_id")?,
        policy_id: r.get("policy_id")?,
        target_id: r.get("target_id")?,
        target_email: r.get("target_email")?,
        target_name: r.get("target_name")?,
        created_by: r.get("created_by")?,
        request_type: r.get("request_type")?,
        state: r.get("state")?,
        status: r.get("status")?,
        created: r.get("created")?,
        completed: r.get("completed")?,
        assignment_id: r.get("assignment_id")?,
        due: r.get("due")?,
        data: json(r.get("data")?),
    })
}

fn stage_row(r: &Row) -> rusqlite::Result<StageRow> {
    Ok(StageRow {
        request_id: r.get("request_id")?,
        idx: r.get("idx")?,
        id: r.get("id")?,
        status: r.get("status")?,
        review_result: r.get("review_result")?,
        justification: r.get("justification")?,
        reviewed_by: r.get("reviewed_by")?,
        reviewed_at: r.get("reviewed_at")?,
        deny_at: r.get("deny_at")?,
        escalate_at: r.get("escalate_at")?,
        escalated: r.get("escalated")?,
        approvers: serde_json::from_str(&r.get::<_, String>("approvers")?).unwrap_or_default(),
    })
}

fn assignment_row(r: &Row) -> rusqlite::Result<AssignmentRow> {
    Ok(AssignmentRow {
        id: r.get("id")?,
        package_id: r.get("package_id")?,
        policy_id: r.get("policy_id")?,
        target_id: r.get("target_id")?,
        target_email: r.get("target_email")?,
        target_name: r.get("target_name")?,
        state: r.get("state")?,
        status: r.get("status")?,
        start_at: r.get("start_at")?,
        end_at: r.get("end_at")?,
        expired_at: r.get("expired_at")?,
        warned: r.get("warned")?,
    })
}

fn all<T>(
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

pub fn insert_request(c: &Connection, r: &RequestRow) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO em_requests (id, package_id, policy_id, target_id, target_email, target_name, created_by,
           request_type, state, status, created, completed, assignment_id, due, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            r.id,
            r.package_id,
            r.policy_id,
            r.target_id,
            r.target_email,
            r.target_name,
            r.created_by,
            r.request_type,
            r.state,
            r.status,
            r.created,
            r.completed,
            r.assignment_id,
            r.due,
            r.data.to_string()
        ],
    )?;
    Ok(())
}

/// Writes the parts of a request that change as it moves on.
pub fn update_request(c: &Connection, r: &RequestRow) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE em_requests SET state = ?2, status = ?3, completed = ?4, assignment_id = ?5, due = ?6, target_id = ?7
         WHERE id = ?1",
        params![r.id, r.state, r.status, r.completed, r.assignment_id, r.due, r.target_id],
    )?;
    Ok(())
}

pub fn request(c: &Connection, id: &str) -> rusqlite::Result<Option<RequestRow>> {
    c.query_row("SELECT * FROM em_requests WHERE id = ?1 COLLATE NOCASE", [id], request_row).optional()
}

/// Requests whose target or creator is this user.
pub fn requests_of(c: &Connection, user_id: &str) -> rusqlite::Result<Vec<RequestRow>> {
    let sql = "SELECT * FROM em_requests WHERE target_id = ?1 OR created_by = ?1 ORDER BY created, rowid";
    all(c, sql, [user_id], request_row)
}

pub fn requests_in_state(c: &Connection, state: &str, due_by: i64) -> rusqlite::Result<Vec<RequestRow>> {
    let sql = "SELECT * FROM em_requests WHERE state = ?1 AND due IS NOT NULL AND due <= ?2 ORDER BY due, rowid";
    all(c, sql, params![state, due_by], request_row)
}

/// Open requests (not yet finished) of a person for a package.
pub fn open_requests(c: &Connection, package_id: &str, email: &str) -> rusqlite::Result<Vec<RequestRow>> {
    let sql = "SELECT * FROM em_requests WHERE package_id = ?1 AND target_email = ?2 COLLATE NOCASE
               AND state IN ('submitted', 'pendingApproval', 'delivering', 'scheduled')";
    all(c, sql, params![package_id, email], request_row)
}

pub fn insert_stage(c: &Connection, s: &StageRow) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO em_stages (request_id, idx, id, status, review_result, deny_at, escalate_at, approvers)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            s.request_id,
            s.idx,
            s.id,
            s.status,
            s.review_result,
            s.deny_at,
            s.escalate_at,
            serde_json::to_string(&s.approvers).expect("ids")
        ],
    )?;
    Ok(())
}

pub fn update_stage(c: &Connection, s: &StageRow) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE em_stages SET status = ?2, review_result = ?3, justification = ?4, reviewed_by = ?5, reviewed_at = ?6,
           escalated = ?7, approvers = ?8 WHERE id = ?1",
        params![
            s.id,
            s.status,
            s.review_result,
            s.justification,
            s.reviewed_by,
            s.reviewed_at,
            s.escalated,
            serde_json::to_string(&s.approvers).expect("ids")
        ],
    )?;
    Ok(())
}

pub fn stages(c: &Connection, request_id: &str) -> rusqlite::Result<Vec<StageRow>> {
    all(c, "SELECT * FROM em_stages WHERE request_id = ?1 COLLATE NOCASE ORDER BY idx", [request_id], stage_row)
}

pub fn stages_in_progress(c: &Connection) -> rusqlite::Result<Vec<StageRow>> {
    all(c, "SELECT * FROM em_stages WHERE status = 'InProgress' ORDER BY rowid", [], stage_row)
}

pub fn insert_assignment(c: &Connection, a: &AssignmentRow) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO em_assignments (id, package_id, policy_id, target_id, target_email, target_name, state, status,
           start_at, end_at, expired_at, warned) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            a.id,
            a.package_id,
            a.policy_id,
            a.target_id,
            a.target_email,
            a.target_name,
            a.state,
            a.status,
            a.start_at,
            a.end_at,
            a.expired_at,
            a.warned
        ],
    )?;
    Ok(())
}

pub fn update_assignment(c: &Connection, a: &AssignmentRow) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE em_assignments SET state = ?2, status = ?3, start_at = ?4, end_at = ?5, expired_at = ?6, warned = ?7,
           target_id = ?8 WHERE id = ?1",
        params![a.id, a.state, a.status, a.start_at, a.end_at, a.expired_at, a.warned, a.target_id],
    )?;
    Ok(())
}

pub fn assignment(c: &Connection, id: &str) -> rusqlite::Result<Option<AssignmentRow>> {
    c.query_row("SELECT * FROM em_assignments WHERE id = ?1 COLLATE NOCASE", [id], assignment_row).optional()
}

pub fn assignments_of(c: &Connection, user_id: &str) -> rusqlite::Result<Vec<AssignmentRow>> {
    all(c, "SELECT * FROM em_assignments WHERE target_id = ?1 ORDER BY start_at, rowid", [user_id], assignment_row)
}

/// The person's assignment to a package that is in force (or on its way).
pub fn live_assignment(c: &Connection, package_id: &str, email: &str) -> rusqlite::Result<Option<AssignmentRow>> {
    let sql = "SELECT * FROM em_assignments WHERE package_id = ?1 AND target_email = ?2 COLLATE NOCASE
               AND state IN ('delivering', 'delivered') LIMIT 1";
    c.query_row(sql, params![package_id, email], assignment_row).optional()
}

pub fn delivered_ending_by(c: &Connection, by: i64) -> rusqlite::Result<Vec<AssignmentRow>> {
    let sql = "SELECT * FROM em_assignments WHERE state = 'delivered' AND end_at IS NOT NULL AND end_at <= ?1 ORDER BY end_at";
    all(c, sql, [by], assignment_row)
}

pub fn group_members(c: &Connection, group_id: &str) -> rusqlite::Result<Vec<String>> {
    let sql = "SELECT user_id FROM group_members WHERE group_id = ?1 ORDER BY rowid";
    c.prepare_cached(sql)?.query_map([group_id], |r| r.get(0))?.collect()
}

pub fn groups_of(c: &Connection, user_id: &str) -> rusqlite::Result<Vec<String>> {
    let sql = "SELECT group_id FROM group_members WHERE user_id = ?1";
    c.prepare_cached(sql)?.query_map([user_id], |r| r.get(0))?.collect()
}

/// Adds a membership for an assignment, remembering it was granted (unless it already existed).
pub fn grant_membership(c: &Connection, group_id: &str, user_id: &str) -> rusqlite::Result<()> {
    let added =
        c.execute("INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?1, ?2)", [group_id, user_id])?;
    if added == 1 {
        c.execute("INSERT OR IGNORE INTO em_grants (group_id, user_id) VALUES (?1, ?2)", [group_id, user_id])?;
    }
    Ok(())
}

/// Takes back a membership that an assignment granted; ones the directory had anyway stay.
pub fn revoke_membership(c: &Connection, group_id: &str, user_id: &str) -> rusqlite::Result<()> {
    if c.execute("DELETE FROM em_grants WHERE group_id = ?1 AND user_id = ?2", [group_id, user_id])? == 1 {
        c.execute("DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2", [group_id, user_id])?;
    }
    Ok(())
}
