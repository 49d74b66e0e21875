//! Requests and their approval stages as stored; a stage keeps the approvers it resolved to.

use super::all;
use crate::store::json;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

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

/// Every request, oldest first.
pub fn requests(c: &Connection) -> rusqlite::Result<Vec<RequestRow>> {
    all(c, "SELECT * FROM em_requests ORDER BY created, rowid", [], request_row)
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
