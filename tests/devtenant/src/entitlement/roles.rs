//! Who may read or act on what in entitlement management beyond their own access: directory
//! administrators everywhere, holders of catalog-scoped roles (owner, reader, access package
//! manager, access package assignment manager) within their catalogs only.

use crate::store::UserRecord;
use crate::store::entitlement::{self as db, CatalogRole};
use rusqlite::Connection;

/// How far a caller's roles reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// A directory role (the scenario's `admin`): every catalog.
    Directory,
    /// Catalog-scoped roles only.
    Catalogs(Vec<CatalogRole>),
    /// No administrative role: only one's own requests and access.
    Nothing,
}

/// Roles that may change what a catalog delivers (reprocess), not only read it.
const MANAGING: [&str; 3] = ["owner", "packageManager", "assignmentManager"];

impl Reach {
    pub fn of(c: &Connection, user: &UserRecord) -> rusqlite::Result<Reach> {
        if user.admin {
            return Ok(Reach::Directory);
        }
        let roles = db::catalog_roles_of(c, &user.id)?;
        Ok(if roles.is_empty() { Reach::Nothing } else { Reach::Catalogs(roles) })
    }

    pub fn reads(&self, catalog_id: &str) -> bool {
        match self {
            Reach::Directory => true,
            Reach::Catalogs(roles) => roles.iter().any(|r| r.catalog_id.eq_ignore_ascii_case(catalog_id)),
            Reach::Nothing => false,
        }
    }

    pub fn manages(&self, catalog_id: &str) -> bool {
        match self {
            Reach::Directory => true,
            Reach::Catalogs(roles) => roles
                .iter()
                .any(|r| r.catalog_id.eq_ignore_ascii_case(catalog_id) && MANAGING.contains(&r.role.as_str())),
            Reach::Nothing => false,
        }
    }
}
