//! What the app keeps for a person beside Graph (Graph has no history of one's decisions and no
//! list of one's invitations): stored where the session is (`cacheLocation`), under `portier.`,
//! so sign-out removes it with the tokens.

use crate::auth::Session;
use crate::config::CacheLocation;
use leptos::prelude::GetUntracked;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

fn store(session: &Session) -> Option<web_sys::Storage> {
    let w = web_sys::window()?;
    match session.config().cache_location {
        CacheLocation::LocalStorage => w.local_storage().ok().flatten(),
        CacheLocation::SessionStorage => w.session_storage().ok().flatten(),
    }
}

fn key(session: &Session, list: &str) -> String {
    let who = session.account().get_untracked().map(|a| a.home_account_id).unwrap_or_default();
    format!("portier.kept.{who}.{list}")
}

pub fn read<T: DeserializeOwned>(session: &Session, list: &str) -> Vec<T> {
    store(session)
        .and_then(|s| s.get_item(&key(session, list)).ok().flatten())
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default()
}

pub fn push<T: Serialize + DeserializeOwned>(session: &Session, list: &str, item: T) {
    let mut items: Vec<T> = read(session, list);
    items.push(item);
    if let Some(s) = store(session) {
        let _ = s.set_item(&key(session, list), &serde_json::to_string(&items).unwrap_or_default());
    }
}

/// A decision I took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decided {
    pub package: String,
    pub requester: String,
    pub approved: bool,
    pub reason: String,
    pub at: String,
}

/// Someone I invited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invited {
    pub user_id: String,
    pub email: String,
    pub at: String,
}

/// Now, as Graph writes instants.
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}
