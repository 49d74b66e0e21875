//! Access reviews as stored: definitions (Graph's JSON and the rules the tenant runs them by),
//! their instances on the clock, one decision item per reviewed person, and the sign-ins that
//! recommendations are made from.

use super::entitlement::all;
use super::json;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ar_definitions (id TEXT PRIMARY KEY, data TEXT NOT NULL, rules TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ar_instances (
  id TEXT PRIMARY KEY, definition_id TEXT NOT NULL, seq INTEGER NOT NULL, start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL, status TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ar_instances_status ON ar_instances (status);
CREATE TABLE IF NOT EXISTS ar_decisions (
  id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, principal_id TEXT NOT NULL, principal_name TEXT NOT NULL,
  principal_upn TEXT NOT NULL, assignment_id TEXT, reviewers TEXT NOT NULL, decision TEXT NOT NULL,
  justification TEXT NOT NULL, reviewed_by TEXT, reviewed_at INTEGER, recommendation TEXT NOT NULL,
  last_sign_in INTEGER, apply_result TEXT NOT NULL, applied_at INTEGER);
CREATE INDEX IF NOT EXISTS ar_decisions_instance ON ar_decisions (instance_id);
CREATE TABLE IF NOT EXISTS sign_ins (user_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sign_ins_user ON sign_ins (user_id, at);
";

pub const TABLES: [&str; 4] = ["ar_definitions", "ar_instances", "ar_decisions", "sign_ins"];

/// What a definition reviews and how the tenant runs it (not part of Graph's resource).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rules {
    /// `accessPackageAssignments` (of one policy) or `groupGuests`.
    pub kind: String,
    /// The policy's or the group's id.
    pub resource_id: String,
    pub resource_name: String,
    pub package_id: Option<String>,
    /// Graph subject sets, resolved per reviewed person when an instance starts.
    pub reviewers: Value,
    pub fallback_reviewers: Value,
    pub self_review: bool,
    pub duration_seconds: i64,
    /// (`weekly` | `absoluteMonthly`, interval).
    pub recurrence: Option<(String, u32)>,
    pub look_back_seconds: i64,
    pub recommendations: bool,
    pub justification_required: bool,
    /// `Approve`, `Deny` or `Recommendation` for items nobody decided.
    pub default_decision: Option<String>,
    pub auto_apply: bool,
}

#[derive(Debug, Clone)]
pub struct DefinitionRow {
    pub id: String,
    /// Graph's `accessReviewScheduleDefinition`.
    pub data: Value,
    pub rules: Rules,
}

#[derive(Debug, Clone)]
pub struct InstanceRow {
    pub id: String,
    pub definition_id: String,
    pub seq: i64,
    pub start_at: i64,
    pub end_at: i64,
    /// `NotStarted`, `InProgress`, `Completed` or `Applied`.
    pub status: String,
}

#[derive(Debug, Clone)]
pub struct DecisionRow {
    pub id: String,
    pub instance_id: String,
    pub principal_id: String,
    pub principal_name: String,
    pub principal_upn: String,
    /// The reviewed access package assignment (assignment reviews).
    pub assignment_id: Option<String>,
    pub reviewers: Vec<String>,
    pub decision: String,
    pub justification: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub recommendation: String,
    pub last_sign_in: Option<i64>,
    pub apply_result: String,
    pub applied_at: Option<i64>,
}

pub fn insert_definition(c: &Connection, d: &DefinitionRow) -> rusqlite::Result<()> {
    let rules = serde_json::to_string(&d.rules).unwrap_or_default();
    c.execute(
        "INSERT INTO ar_definitions (id, data, rules) VALUES (?1, ?2, ?3)",
        params![d.id, d.data.to_string(), rules],
    )?;
    Ok(())
}

fn definition_row(r: &Row) -> rusqlite::Result<DefinitionRow> {
    let rules: String = r.get(2)?;
    let rules = serde_json::from_str(&rules)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(DefinitionRow { id: r.get(0)?, data: json(r.get(1)?), rules })
}

pub fn definitions(c: &Connection) -> rusqlite::Result<Vec<DefinitionRow>> {
    all(c, "SELECT id, data, rules FROM ar_definitions ORDER BY rowid", [], definition_row)
}

pub fn definition(c: &Connection, id: &str) -> rusqlite::Result<Option<DefinitionRow>> {
    c.query_row("SELECT id, data, rules FROM ar_definitions WHERE id = ?1 COLLATE NOCASE", [id], definition_row)
        .optional()
}

fn instance_row(r: &Row) -> rusqlite::Result<InstanceRow> {
    Ok(InstanceRow {
        id: r.get("id")?,
        definition_id: r.get("definition_id")?,
        seq: r.get("seq")?,
        start_at: r.get("start_at")?,
        end_at: r.get("end_at")?,
        status: r.get("status")?,
    })
}

pub fn insert_instance(c: &Connection, i: &InstanceRow) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO ar_instances (id, definition_id, seq, start_at, end_at, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![i.id, i.definition_id, i.seq, i.start_at, i.end_at, i.status],
    )?;
    Ok(())
}

pub fn set_instance_status(c: &Connection, id: &str, status: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE ar_instances SET status = ?2 WHERE id = ?1", [id, status])?;
    Ok(())
}

/// Moves an instance's end (an administrator stopped it early).
pub fn set_instance_end(c: &Connection, id: &str, end_at: i64) -> rusqlite::Result<()> {
    c.execute("UPDATE ar_instances SET end_at = ?2 WHERE id = ?1", params![id, end_at])?;
    Ok(())
}

/// A definition's instances, oldest first.
pub fn instances_of(c: &Connection, definition_id: &str) -> rusqlite::Result<Vec<InstanceRow>> {
    all(c, "SELECT * FROM ar_instances WHERE definition_id = ?1 ORDER BY seq", [definition_id], instance_row)
}

pub fn instance(c: &Connection, id: &str) -> rusqlite::Result<Option<InstanceRow>> {
    c.query_row("SELECT * FROM ar_instances WHERE id = ?1 COLLATE NOCASE", [id], instance_row).optional()
}

/// Instances the clock may move: not started yet, or open.
pub fn open_instances(c: &Connection) -> rusqlite::Result<Vec<InstanceRow>> {
    let sql = "SELECT * FROM ar_instances WHERE status IN ('NotStarted', 'InProgress') ORDER BY start_at, seq";
    all(c, sql, [], instance_row)
}

fn decision_row(r: &Row) -> rusqlite::Result<DecisionRow> {
    let reviewers: String = r.get("reviewers")?;
    Ok(DecisionRow {
        id: r.get("id")?,
        instance_id: r.get("instance_id")?,
        principal_id: r.get("principal_id")?,
        principal_name: r.get("principal_name")?,
        principal_upn: r.get("principal_upn")?,
        assignment_id: r.get("assignment_id")?,
        reviewers: serde_json::from_str(&reviewers).unwrap_or_default(),
        decision: r.get("decision")?,
        justification: r.get("justification")?,
        reviewed_by: r.get("reviewed_by")?,
        reviewed_at: r.get("reviewed_at")?,
        recommendation: r.get("recommendation")?,
        last_sign_in: r.get("last_sign_in")?,
        apply_result: r.get("apply_result")?,
        applied_at: r.get("applied_at")?,
    })
}

pub fn insert_decision(c: &Connection, d: &DecisionRow) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO ar_decisions (id, instance_id, principal_id, principal_name, principal_upn, assignment_id,
           reviewers, decision, justification, reviewed_by, reviewed_at, recommendation, last_sign_in, apply_result,
           applied_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            d.id,
            d.instance_id,
            d.principal_id,
            d.principal_name,
            d.principal_upn,
            d.assignment_id,
            serde_json::to_string(&d.reviewers).unwrap_or_default(),
            d.decision,
            d.justification,
            d.reviewed_by,
            d.reviewed_at,
            d.recommendation,
            d.last_sign_in,
            d.apply_result,
            d.applied_at
        ],
    )?;
    Ok(())
}

/// Writes what reviewing and applying change: the decision, its author and the result.
pub fn update_decision(c: &Connection, d: &DecisionRow) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE ar_decisions SET decision = ?2, justification = ?3, reviewed_by = ?4, reviewed_at = ?5,
           apply_result = ?6, applied_at = ?7 WHERE id = ?1",
        params![d.id, d.decision, d.justification, d.reviewed_by, d.reviewed_at, d.apply_result, d.applied_at],
    )?;
    Ok(())
}

pub fn decisions_of(c: &Connection, instance_id: &str) -> rusqlite::Result<Vec<DecisionRow>> {
    all(c, "SELECT * FROM ar_decisions WHERE instance_id = ?1 ORDER BY rowid", [instance_id], decision_row)
}

/// Every decision item `user_id` reviews, in every instance.
pub fn decisions_reviewed_by(c: &Connection, user_id: &str) -> rusqlite::Result<Vec<DecisionRow>> {
    let sql = "SELECT d.* FROM ar_decisions d, json_each(d.reviewers) r WHERE r.value = ?1 ORDER BY d.rowid";
    all(c, sql, [user_id], decision_row)
}

pub fn record_sign_in(c: &Connection, user_id: &str, at: i64) -> rusqlite::Result<()> {
    c.execute("INSERT INTO sign_ins (user_id, at) VALUES (?1, ?2)", params![user_id, at])?;
    Ok(())
}

/// The user's last sign-in at or before `by`.
pub fn last_sign_in(c: &Connection, user_id: &str, by: i64) -> rusqlite::Result<Option<i64>> {
    c.query_row("SELECT MAX(at) FROM sign_ins WHERE user_id = ?1 AND at <= ?2", params![user_id, by], |r| r.get(0))
}

/// Takes a guest out of a group after a denial; whether they were in it.
pub fn remove_member(c: &Connection, group_id: &str, user_id: &str) -> rusqlite::Result<bool> {
    c.execute("DELETE FROM em_grants WHERE group_id = ?1 AND user_id = ?2", [group_id, user_id])?;
    Ok(c.execute("DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2", [group_id, user_id])? == 1)
}
