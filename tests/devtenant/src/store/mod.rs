//! The tenant's state in SQLite: what the scenario seeds and what sign-ins and Graph calls change.
//!
//! One connection behind a mutex: every operation is short, and a single writer makes
//! "first decision wins" trivially true. Nothing holds the lock across an `.await`.

mod directory;
pub mod entitlement;
mod entitlement_seed;
mod mail;
pub mod reviews;
mod reviews_seed;
mod signin;

pub use directory::{NewUser, UserRecord};
pub(crate) use directory::{insert_user, user_by_mail_in, user_in};
pub use mail::{Invitation, Mail, insert_mail};
pub use signin::{AuthCode, CodeRedemption, PendingAuthorization, RefreshRedemption, RefreshToken};

use crate::scenario::{Scenario, derived_id};
use rusqlite::{Connection, OptionalExtension, params};
use std::sync::{Mutex, MutexGuard};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, upn TEXT NOT NULL UNIQUE COLLATE NOCASE, mail TEXT COLLATE NOCASE,
  user_type TEXT NOT NULL, password_hash TEXT, admin INTEGER NOT NULL DEFAULT 0,
  manager_id TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS group_members (group_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (group_id, user_id));
CREATE TABLE IF NOT EXISTS sponsors (user_id TEXT NOT NULL, sponsor_id TEXT NOT NULL, PRIMARY KEY (user_id, sponsor_id));
CREATE TABLE IF NOT EXISTS connected_organizations (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consents (user_id TEXT NOT NULL, client_id TEXT NOT NULL, scope TEXT NOT NULL, PRIMARY KEY (user_id, client_id, scope));
CREATE TABLE IF NOT EXISTS session_accounts (session_id TEXT NOT NULL, user_id TEXT NOT NULL, signed_in INTEGER NOT NULL, PRIMARY KEY (session_id, user_id));
CREATE TABLE IF NOT EXISTS pending_authorizations (id TEXT PRIMARY KEY, data TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS auth_codes (code TEXT PRIMARY KEY, data TEXT NOT NULL, expires INTEGER NOT NULL, redeemed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY, family_expires INTEGER NOT NULL, rotated INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS invitations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, ticket TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
";

/// Tables that a reset empties; `meta` keeps the signing key.
const STATE_TABLES: [&str; 12] = [
    "users",
    "groups",
    "group_members",
    "sponsors",
    "connected_organizations",
    "consents",
    "session_accounts",
    "pending_authorizations",
    "auth_codes",
    "refresh_tokens",
    "invitations",
    "outbox",
];

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (or creates) the database; `:memory:` gives a throw-away one.
    pub fn open(path: &str) -> anyhow::Result<Store> {
        let conn = Connection::open(path).map_err(|e| anyhow::anyhow!("cannot open database '{path}': {e}"))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(entitlement::SCHEMA)?;
        conn.execute_batch(reviews::SCHEMA)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (statements are atomic).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn meta(&self, key: &str) -> Option<String> {
        let conn = self.conn();
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional().ok().flatten()
    }

    pub fn set_meta(&self, key: &str, value: &str) {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, value],
        )
        .expect("meta write");
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise, so a
    /// refusal half-way leaves nothing behind. The lock is held throughout: steps never interleave.
    pub fn transaction<R, E: From<rusqlite::Error>>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction) -> Result<R, E>,
    ) -> Result<R, E> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Every row of every table, as text in a fixed order: tests compare it before and after a
    /// refused request to show that the refusal wrote nothing.
    pub fn dump(&self) -> anyhow::Result<String> {
        let conn = self.conn();
        let mut out = String::new();
        for table in ["meta"].iter().chain(&STATE_TABLES).chain(&entitlement::TABLES).chain(&reviews::TABLES) {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))?;
            let columns = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let cells: Vec<String> =
                    (0..columns).map(|i| row.get_ref(i).map(|v| format!("{v:?}"))).collect::<Result<_, _>>()?;
                out.push_str(&format!("{table}: {}\n", cells.join(" | ")));
            }
        }
        Ok(out)
    }

    /// Records a sign-in (an authorization code issued to the user): access reviews recommend from it.
    pub fn record_sign_in(&self, user_id: &str, at: i64) {
        let conn = self.conn();
        // A sign-in the log cannot keep must not fail the sign-in itself.
        let _ = reviews::record_sign_in(&conn, user_id, at);
    }

    /// Seeds the scenario unless the database already holds a tenant; returns whether it seeded.
    pub fn seed_if_empty(&self, scenario: &Scenario, now: i64) -> anyhow::Result<bool> {
        if self.meta("seeded_tenant").is_some() {
            return Ok(false);
        }
        self.reset(scenario, now)?;
        Ok(true)
    }

    /// Throws away all state and seeds the scenario again.
    pub fn reset(&self, scenario: &Scenario, now: i64) -> anyhow::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for table in STATE_TABLES.iter().chain(&entitlement::TABLES).chain(&reviews::TABLES) {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        tx.execute("DELETE FROM meta WHERE key <> 'signing_key'", [])?;
        seed(&tx, scenario, now)?;
        entitlement_seed::seed(&tx, scenario, now)?;
        reviews_seed::seed(&tx, scenario, now)?;
        tx.execute("INSERT INTO meta (key, value) VALUES ('seeded_tenant', ?1)", [&scenario.tenant.id])?;
        tx.commit()?;
        Ok(())
    }
}

fn seed(tx: &rusqlite::Transaction, scenario: &Scenario, now: i64) -> anyhow::Result<()> {
    let id_of = |upn: &str| {
        let user = scenario.users.iter().map(|u| u.get_ref()).find(|u| u.user_principal_name.eq_ignore_ascii_case(upn));
        user.and_then(|u| u.id.clone()).unwrap_or_else(|| derived_id("user", upn))
    };
    for u in scenario.users.iter().map(|u| u.get_ref()) {
        let new = NewUser::from_scenario(u, &id_of(&u.user_principal_name), now);
        directory::insert_user(tx, &new)?;
        if let Some(m) = &u.manager {
            tx.execute("UPDATE users SET manager_id = ?1 WHERE id = ?2", params![id_of(m), new.id])?;
        }
    }
    for g in scenario.groups.iter().map(|g| g.get_ref()) {
        let id = g.id.clone().unwrap_or_else(|| derived_id("group", &g.display_name));
        let data = serde_json::json!({
            "id": id, "displayName": g.display_name, "description": g.description,
            "mailEnabled": false, "securityEnabled": true, "groupTypes": [],
        });
        tx.execute("INSERT INTO groups (id, data) VALUES (?1, ?2)", params![id, data.to_string()])?;
        for m in &g.members {
            tx.execute(
                "INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?1, ?2)",
                params![id, id_of(m)],
            )?;
        }
    }
    for o in scenario.connected_organizations.iter().map(|o| o.get_ref()) {
        let id = o.id.clone().unwrap_or_else(|| derived_id("connectedOrganization", &o.display_name));
        let created = crate::clock::iso(now);
        let data = serde_json::json!({
            "id": id, "displayName": o.display_name, "description": o.description.clone().unwrap_or_default(),
            "state": o.state, "createdDateTime": created, "modifiedDateTime": created,
            "identitySources": o.domains.iter().map(|d| serde_json::json!({
                "@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": d, "displayName": d,
            })).collect::<Vec<_>>(),
            "internalSponsorIds": o.internal_sponsors.iter().map(|s| id_of(s)).collect::<Vec<_>>(),
            "externalSponsorIds": o.external_sponsors.iter().map(|s| id_of(s)).collect::<Vec<_>>(),
        });
        tx.execute("INSERT INTO connected_organizations (id, data) VALUES (?1, ?2)", params![id, data.to_string()])?;
    }
    Ok(())
}

/// Reads a JSON column.
pub(crate) fn json(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}
