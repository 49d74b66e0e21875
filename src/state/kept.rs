//! What the app keeps for a person beside Graph (Graph has no history of one's decisions and no
//! list of one's invitations): in the store the session uses (`cacheLocation`), under
//! `portier.`, so that sign-out removes it with the tokens.

use crate::auth::Session;
use crate::graph::reviews::Verdict;
use crate::storage::{self, KeyValue, Stores};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// The kept lists of whoever is signed in.
#[derive(Clone)]
pub struct Kept {
    store: SendWrapper<Rc<dyn KeyValue>>,
    session: Session,
}

/// The stores chosen from the configuration, for the shell to provide.
pub fn provide(stores: &Stores) {
    provide_context(SharedStore(SendWrapper::new(stores.cache.clone())));
}

#[derive(Clone)]
struct SharedStore(SendWrapper<Rc<dyn KeyValue>>);

pub fn use_kept() -> Kept {
    Kept { store: expect_context::<SharedStore>().0, session: expect_context::<Session>() }
}

impl Kept {
    fn key(&self, list: List) -> String {
        let who = self.session.account().get_untracked().map(|a| a.home_account_id).unwrap_or_default();
        format!("portier.kept.{who}.{}", list.name())
    }

    pub fn read<T: DeserializeOwned>(&self, list: List) -> Vec<T> {
        storage::read_json(self.store.as_ref(), &self.key(list)).unwrap_or_default()
    }

    pub fn push<T: Serialize + DeserializeOwned>(&self, list: List, item: T) {
        let mut items: Vec<T> = self.read(list);
        items.push(item);
        storage::write_json(self.store.as_ref(), &self.key(list), &items);
    }
}

/// The lists kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// [`Decided`]: the decisions I took.
    Decisions,
    /// [`Invited`]: the people I invited.
    Invited,
    /// [`Reviewed`]: my decisions in access reviews (my own self-reviews included).
    Reviewed,
}

impl List {
    fn name(self) -> &'static str {
        match self {
            List::Decisions => "decisions",
            List::Invited => "invited",
            List::Reviewed => "reviewed",
        }
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

/// A decision I recorded in an access review (Graph lists only reviews still open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reviewed {
    /// The review's name.
    pub review: String,
    /// Whose access (my own name for a self-review).
    pub person: String,
    /// What the access is to (a package or a group).
    pub holds: String,
    pub verdict: Verdict,
    pub reason: String,
    /// Graph's recommendation, accepted (rather than a verdict I chose).
    #[serde(default)]
    pub accepted: bool,
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
