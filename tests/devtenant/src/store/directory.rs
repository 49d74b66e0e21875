//! Users, groups, sponsors and connected organizations: the directory that Graph reads.

use super::{Store, json};
use crate::scenario;
use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A user as stored: the columns sign-in needs, and the Graph `user` resource in `data`.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: String,
    pub upn: String,
    pub mail: Option<String>,
    pub is_guest: bool,
    pub admin: bool,
    pub manager_id: Option<String>,
    password_hash: Option<String>,
    /// The Graph resource, with Graph's property names.
    pub data: Value,
}

impl UserRecord {
    fn from_row(r: &Row) -> rusqlite::Result<UserRecord> {
        Ok(UserRecord {
            id: r.get("id")?,
            upn: r.get("upn")?,
            mail: r.get("mail")?,
            is_guest: r.get::<_, String>("user_type")? == "Guest",
            admin: r.get("admin")?,
            manager_id: r.get("manager_id")?,
            password_hash: r.get("password_hash")?,
            data: json(r.get("data")?),
        })
    }

    pub fn display_name(&self) -> &str {
        self.data["displayName"].as_str().unwrap_or(&self.upn)
    }

    /// The address a person types to sign in: a guest's own mail, a member's UPN.
    pub fn sign_in_name(&self) -> &str {
        if self.is_guest { self.mail.as_deref().unwrap_or(&self.upn) } else { &self.upn }
    }

    pub fn check_password(&self, password: &str) -> bool {
        self.password_hash.as_deref().is_some_and(|h| verify_password(h, password))
    }

    pub fn has_password(&self) -> bool {
        self.password_hash.is_some()
    }

    pub fn external_state(&self) -> Option<&str> {
        self.data["externalUserState"].as_str()
    }
}

/// A user about to be created.
pub struct NewUser {
    pub id: String,
    pub upn: String,
    pub mail: Option<String>,
    pub is_guest: bool,
    pub admin: bool,
    pub password: Option<String>,
    pub data: Value,
}

impl NewUser {
    pub fn from_scenario(u: &scenario::User, id: &str, now: i64) -> NewUser {
        let is_guest = u.user_type == scenario::UserType::Guest;
        let mail = u.mail.clone().or_else(|| (!is_guest).then(|| u.user_principal_name.clone()));
        let mut data = json!({
            "id": id, "userPrincipalName": u.user_principal_name, "displayName": u.display_name,
            "givenName": u.given_name, "surname": u.surname, "mail": mail, "companyName": u.company_name,
            "jobTitle": u.job_title, "department": u.department, "preferredLanguage": u.preferred_language,
            "userType": u.user_type.as_str(), "accountEnabled": true, "businessPhones": [],
            "mobilePhone": null, "officeLocation": null, "createdDateTime": crate::clock::iso(now),
            "creationType": null, "externalUserState": null, "externalUserStateChangeDateTime": null,
            "otherMails": [],
        });
        if is_guest {
            data["creationType"] = json!("Invitation");
            data["externalUserState"] = json!(u.external_user_state.clone().unwrap_or_else(|| "Accepted".into()));
            data["externalUserStateChangeDateTime"] = json!(crate::clock::iso(now));
            data["otherMails"] = json!(mail.iter().collect::<Vec<_>>());
        }
        NewUser {
            id: id.into(),
            upn: u.user_principal_name.clone(),
            mail,
            is_guest,
            admin: u.admin,
            password: u.password.clone(),
            data,
        }
    }

    /// A guest from outside: `creation_type` is `Invitation` or `SelfServiceSignUp`.
    pub fn guest(
        email: &str,
        display_name: Option<&str>,
        initial_domain: &str,
        creation_type: &str,
        state: &str,
        now: i64,
    ) -> NewUser {
        let id = uuid::Uuid::new_v4().to_string();
        let upn = format!("{}#EXT#@{initial_domain}", email.replace('@', "_"));
        let display =
            display_name.map(str::to_string).unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_string());
        let data = json!({
            "id": id, "userPrincipalName": upn, "displayName": display, "givenName": null, "surname": null,
            "mail": email, "companyName": null, "jobTitle": null, "department": null, "preferredLanguage": null,
            "userType": "Guest", "accountEnabled": true, "businessPhones": [], "mobilePhone": null,
            "officeLocation": null, "createdDateTime": crate::clock::iso(now), "creationType": creation_type,
            "externalUserState": state, "externalUserStateChangeDateTime": crate::clock::iso(now),
            "otherMails": [email],
        });
        NewUser { id, upn, mail: Some(email.into()), is_guest: true, admin: false, password: None, data }
    }
}

pub(crate) fn insert_user(conn: &rusqlite::Connection, u: &NewUser) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO users (id, upn, mail, user_type, password_hash, admin, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            u.id,
            u.upn,
            u.mail,
            if u.is_guest { "Guest" } else { "Member" },
            u.password.as_deref().map(hash_password),
            u.admin,
            u.data.to_string()
        ],
    )?;
    Ok(())
}

fn hash_password(password: &str) -> String {
    let salt = uuid::Uuid::new_v4().simple().to_string();
    format!("{salt}${}", digest(&salt, password))
}

fn verify_password(stored: &str, password: &str) -> bool {
    stored.split_once('$').is_some_and(|(salt, hash)| digest(salt, password) == hash)
}

fn digest(salt: &str, password: &str) -> String {
    let out = Sha256::digest(format!("{salt}:{password}").as_bytes());
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// A user by id on a connection (inside a transaction).
pub(crate) fn user_in(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<UserRecord>> {
    conn.query_row("SELECT * FROM users WHERE id = ?1 COLLATE NOCASE", [id], UserRecord::from_row).optional()
}

/// A user by mail on a connection (inside a transaction).
pub(crate) fn user_by_mail_in(conn: &rusqlite::Connection, mail: &str) -> rusqlite::Result<Option<UserRecord>> {
    conn.query_row("SELECT * FROM users WHERE mail = ?1 LIMIT 1", [mail], UserRecord::from_row).optional()
}

impl Store {
    pub fn create_user(&self, u: &NewUser) -> rusqlite::Result<UserRecord> {
        let conn = self.conn();
        insert_user(&conn, u)?;
        drop(conn);
        Ok(self.user(&u.id).expect("user just inserted"))
    }

    fn user_where(&self, clause: &str, value: &str) -> Option<UserRecord> {
        let conn = self.conn();
        let sql = format!("SELECT * FROM users WHERE {clause} LIMIT 1");
        conn.query_row(&sql, [value], UserRecord::from_row).optional().ok().flatten()
    }

    pub fn user(&self, id: &str) -> Option<UserRecord> {
        self.user_where("id = ?1 COLLATE NOCASE", id)
    }

    /// A user by object id or user principal name, as `/users/{id | userPrincipalName}` takes it.
    pub fn user_by_key(&self, key: &str) -> Option<UserRecord> {
        self.user(key).or_else(|| self.user_where("upn = ?1", key))
    }

    /// The account someone means when they type an address at sign-in: a UPN, or a guest's mail.
    pub fn user_by_sign_in_name(&self, name: &str) -> Option<UserRecord> {
        self.user_where("upn = ?1", name).or_else(|| self.user_where("mail = ?1 AND user_type = 'Guest'", name))
    }

    pub fn user_by_mail(&self, mail: &str) -> Option<UserRecord> {
        self.user_where("mail = ?1", mail)
    }

    pub fn users(&self) -> Vec<UserRecord> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT * FROM users ORDER BY rowid").expect("users query");
        stmt.query_map([], UserRecord::from_row).expect("users query").filter_map(Result::ok).collect()
    }

    /// Replaces a user's Graph resource (and the columns derived from it).
    pub fn update_user_data(&self, id: &str, data: &Value) {
        let conn = self.conn();
        conn.execute(
            "UPDATE users SET data = ?1, mail = ?2, upn = ?3 WHERE id = ?4",
            params![data.to_string(), data["mail"].as_str(), data["userPrincipalName"].as_str(), id],
        )
        .expect("user update");
    }

    pub fn set_password(&self, id: &str, password: &str) {
        let conn = self.conn();
        conn.execute("UPDATE users SET password_hash = ?1 WHERE id = ?2", params![hash_password(password), id])
            .expect("password update");
    }

    /// Forgets how a user signs in (a reset redemption makes them choose again).
    pub fn clear_password(&self, id: &str) {
        self.conn().execute("UPDATE users SET password_hash = NULL WHERE id = ?1", [id]).expect("password update");
    }

    pub fn add_sponsor(&self, user_id: &str, sponsor_id: &str) {
        let conn = self.conn();
        conn.execute(
            "INSERT OR IGNORE INTO sponsors (user_id, sponsor_id) VALUES (?1, ?2)",
            params![user_id, sponsor_id],
        )
        .expect("sponsor");
    }

    pub fn sponsors(&self, user_id: &str) -> Vec<String> {
        self.ids("SELECT sponsor_id FROM sponsors WHERE user_id = ?1 ORDER BY rowid", user_id)
    }

    pub fn group_ids_of(&self, user_id: &str) -> Vec<String> {
        self.ids("SELECT group_id FROM group_members WHERE user_id = ?1 ORDER BY group_id", user_id)
    }

    pub fn group(&self, id: &str) -> Option<Value> {
        let conn = self.conn();
        conn.query_row("SELECT data FROM groups WHERE id = ?1", [id], |r| r.get(0)).optional().ok().flatten().map(json)
    }

    pub fn connected_organizations(&self) -> Vec<Value> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT data FROM connected_organizations ORDER BY rowid").expect("orgs query");
        stmt.query_map([], |r| r.get(0)).expect("orgs query").filter_map(Result::ok).map(json).collect()
    }

    fn ids(&self, sql: &str, key: &str) -> Vec<String> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql).expect("ids query");
        stmt.query_map([key], |r| r.get(0)).expect("ids query").filter_map(Result::ok).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_salted_and_checked() {
        let a = hash_password("Portier-demo-1");
        let b = hash_password("Portier-demo-1");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password(&a, "Portier-demo-1"));
        assert!(!verify_password(&a, "portier-demo-1"));
    }
}
