//! What the tenant remembers of delivering access: the catalog-scoped roles people hold, and
//! per assignment which of its package's resource roles were provisioned, after how many tries.

use super::all;
use rusqlite::{Connection, OptionalExtension, params};

/// A catalog-scoped role: `owner`, `reader`, `packageManager` or `assignmentManager`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRole {
    pub catalog_id: String,
    pub role: String,
}

pub fn insert_catalog_role(c: &Connection, catalog_id: &str, user_id: &str, role: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT OR IGNORE INTO em_catalog_roles (catalog_id, user_id, role) VALUES (?1, ?2, ?3)",
        params![catalog_id, user_id, role],
    )?;
    Ok(())
}

pub fn catalog_roles_of(c: &Connection, user_id: &str) -> rusqlite::Result<Vec<CatalogRole>> {
    let sql = "SELECT catalog_id, role FROM em_catalog_roles WHERE user_id = ?1 ORDER BY rowid";
    all(c, sql, [user_id], |r| Ok(CatalogRole { catalog_id: r.get(0)?, role: r.get(1)? }))
}

/// How delivery of one resource role of an assignment went so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliveryTry {
    pub attempts: i64,
    pub delivered: bool,
}

pub fn delivery_try(c: &Connection, assignment_id: &str, role_scope_id: &str) -> rusqlite::Result<DeliveryTry> {
    let sql = "SELECT attempts, delivered FROM em_deliveries WHERE assignment_id = ?1 AND role_scope_id = ?2";
    let row = c.query_row(sql, [assignment_id, role_scope_id], |r| {
        Ok(DeliveryTry { attempts: r.get(0)?, delivered: r.get(1)? })
    });
    Ok(row.optional()?.unwrap_or_default())
}

pub fn record_delivery_try(
    c: &Connection,
    assignment_id: &str,
    role_scope_id: &str,
    t: DeliveryTry,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO em_deliveries (assignment_id, role_scope_id, attempts, delivered) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (assignment_id, role_scope_id) DO UPDATE SET attempts = ?3, delivered = ?4",
        params![assignment_id, role_scope_id, t.attempts, t.delivered],
    )?;
    Ok(())
}
