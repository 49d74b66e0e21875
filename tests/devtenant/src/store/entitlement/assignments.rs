//! Assignments as stored, and the group memberships they granted (so that ending one takes
//! back only what it gave).

use super::all;
use rusqlite::{Connection, OptionalExtension, Row, params};

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

/// Every assignment, oldest first.
pub fn assignments(c: &Connection) -> rusqlite::Result<Vec<AssignmentRow>> {
    all(c, "SELECT * FROM em_assignments ORDER BY start_at, rowid", [], assignment_row)
}

/// The person's assignment to a package that is in force (or on its way, or in force in part).
pub fn live_assignment(c: &Connection, package_id: &str, email: &str) -> rusqlite::Result<Option<AssignmentRow>> {
    let sql = "SELECT * FROM em_assignments WHERE package_id = ?1 AND target_email = ?2 COLLATE NOCASE
               AND state IN ('delivering', 'delivered', 'partiallyDelivered') LIMIT 1";
    c.query_row(sql, params![package_id, email], assignment_row).optional()
}

pub fn delivered_ending_by(c: &Connection, by: i64) -> rusqlite::Result<Vec<AssignmentRow>> {
    let sql = "SELECT * FROM em_assignments WHERE state IN ('delivered', 'partiallyDelivered')
               AND end_at IS NOT NULL AND end_at <= ?1 ORDER BY end_at";
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
