//! Invitations with their redemption tickets, and the outbox of mails the tenant "sent".

use super::{Store, json};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// A mail as the tenant would have sent it. Nothing leaves the machine: tests and people read it
/// from `/_dev/outbox`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Mail {
    #[serde(default)]
    pub id: i64,
    /// What kind of mail: `invitation`, and in time the access-request notifications.
    pub kind: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    /// The language the tenant wrote the mail in (BCP 47).
    pub language: String,
    /// A link the mail asks the reader to follow, when it has one.
    pub link: Option<String>,
    pub sent_date_time: String,
}

/// A redemption ticket for an invited guest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub user_id: String,
    pub ticket: String,
    pub redirect_url: String,
    pub inviter_id: String,
    pub inviter_tenant: String,
}

/// Puts a mail in the outbox on a connection (inside a transaction when a lifecycle step sends it).
pub fn insert_mail(conn: &rusqlite::Connection, mail: &Mail) -> rusqlite::Result<i64> {
    conn.execute("INSERT INTO outbox (data) VALUES (?1)", [serde_json::to_string(mail).expect("serialise")])?;
    Ok(conn.last_insert_rowid())
}

impl Store {
    pub fn send_mail(&self, mail: &Mail) -> i64 {
        insert_mail(&self.conn(), mail).expect("outbox")
    }

    pub fn outbox(&self) -> Vec<Mail> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, data FROM outbox ORDER BY id").expect("q");
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).expect("q");
        rows.filter_map(Result::ok)
            .filter_map(|(id, d)| serde_json::from_str::<Mail>(&d).ok().map(|m| Mail { id, ..m }))
            .collect()
    }

    /// Records an invitation; earlier tickets of the same user stop working, as a reset does.
    pub fn save_invitation(&self, inv: &Invitation) {
        let conn = self.conn();
        conn.execute("DELETE FROM invitations WHERE user_id = ?1", [&inv.user_id]).expect("inv");
        conn.execute(
            "INSERT INTO invitations (id, user_id, ticket, data) VALUES (?1, ?2, ?3, ?4)",
            params![inv.id, inv.user_id, inv.ticket, serde_json::to_string(inv).expect("serialise")],
        )
        .expect("inv");
    }

    pub fn invitation_by_ticket(&self, ticket: &str) -> Option<Invitation> {
        let conn = self.conn();
        let data: Option<String> = conn
            .query_row("SELECT data FROM invitations WHERE ticket = ?1", [ticket], |r| r.get(0))
            .optional()
            .ok()
            .flatten();
        data.and_then(|d| serde_json::from_value(json(d)).ok())
    }

    pub fn drop_invitation(&self, ticket: &str) {
        self.conn().execute("DELETE FROM invitations WHERE ticket = ?1", [ticket]).expect("inv");
    }
}
