//! The signed-in person as Graph's `/me` describes them, and what waits for them (decisions to
//! take, access reviews to do): read once per sign-in, shared by the header and the pages. What
//! the check of decisions read is kept for the approvals page, and for a reviewer the reviews
//! page's list is read ahead while the browser is idle: both pages show it at once.

use crate::auth::Session;
use crate::chunk::split;
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::entitlement::approver::Decision;
use crate::graph::models::User;
use crate::graph::reviews::Review;
use crate::net::LocalBoxFuture;
use crate::state::Reading;
use leptos::prelude::*;
use std::cell::RefCell;

/// A signed-in person's reads, from a chunk of their own: who they are, and what waits for them.
#[derive(Clone, Copy)]
struct Reads {
    me: fn(GraphClient) -> LocalBoxFuture<'static, Result<User, AppError>>,
    /// Asks what waits for the account named, and keeps the decisions read for its inbox.
    waiting: fn(GraphClient, String) -> LocalBoxFuture<'static, Waiting>,
    /// Reads the reviews page's list ahead, for the account named.
    reviews: fn(GraphClient, String) -> LocalBoxFuture<'static, ()>,
}

// Only a signed-in person runs them, and with them Graph's client (requests, retries, errors,
// `$batch`) and the inbox's models: a chunk, not the first module the signed-out welcome page
// loads. The two questions of what waits are asked at once; a refusal (a partner may not read
// reviews) is a quiet "no".
split!(signed_in, account_reads -> Reads => Reads {
    me: |graph| Box::pin(async move { graph.me(None).await.map_err(AppError::from) }),
    waiting: |graph, account| {
        Box::pin(async move {
            let (decisions, reviews) = futures::join!(graph.pending_decisions(None), graph.reviews_waiting(None));
            let waiting =
                Waiting { decisions: decisions.as_ref().is_ok_and(|d| !d.is_empty()), reviews: reviews.unwrap_or(false) };
            // The very read the approvals page makes: it shows this at once.
            if let Ok(list) = decisions {
                DECISIONS_AHEAD.with(|a| a.offer(&account, list));
            }
            waiting
        })
    },
    reviews: |graph, account| {
        Box::pin(async move {
            // A failure stays quiet: the page reads for itself and says what failed.
            if let Ok(list) = graph.my_reviews(None).await {
                REVIEWS_AHEAD.with(|a| a.offer(&account, list));
            }
        })
    },
});

/// The signed-in user from Graph's `/me` (`None` while nobody is signed in).
#[derive(Clone, Copy)]
pub struct Me(pub Reading<Result<Option<User>, AppError>>);

/// What waits for the signed-in person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Waiting {
    /// Requests wait for my decision (the approvals inbox is offered only then).
    pub decisions: bool,
    /// An open access review lists me as a reviewer (the reviews page is offered only then).
    pub reviews: bool,
}

/// What waits for the signed-in person (nothing until known, and whenever asking failed).
#[derive(Clone, Copy)]
pub struct Inbox(pub Reading<Waiting>);

impl Inbox {
    /// What waits, reactively; nothing while it is being asked.
    pub fn waiting(&self) -> Waiting {
        self.0.get().unwrap_or_default()
    }
}

/// A page's list as last read, and for which account: read ahead (or by a check that asked the
/// same), then kept by the page after each of its own reads, so that its next visit shows it at
/// once while it reads again.
pub struct Ahead<T>(RefCell<Option<(String, T)>>);

impl<T: Clone> Ahead<T> {
    const fn new() -> Self {
        Ahead(RefCell::new(None))
    }

    pub fn get(&self, account: &str) -> Option<T> {
        self.0.borrow().as_ref().filter(|(whose, _)| whose == account).map(|(_, list)| list.clone())
    }

    pub fn keep(&self, account: &str, list: T) {
        *self.0.borrow_mut() = Some((account.to_string(), list));
    }

    /// Keeps a list read ahead, unless the page has kept one of its own for `account` already
    /// (the page's read is the newer).
    fn offer(&self, account: &str, list: T) {
        if self.get(account).is_none() {
            self.keep(account, list);
        }
    }
}

thread_local! {
    /// The reviews page's list. Only chunks touch these: the signed-out first page carries none
    /// of their models.
    pub static REVIEWS_AHEAD: Ahead<Vec<Review>> = const { Ahead::new() };
    /// The approvals page's decisions.
    pub static DECISIONS_AHEAD: Ahead<Vec<Decision>> = const { Ahead::new() };
}

/// What a page shows of its `list`: its own read once that has come, else what was kept in
/// `ahead` for the signed-in account (then nothing waits on screen); each read of its own is kept
/// for the next visit. A `Memo`, so what is shown changes only where the read differs.
pub fn shown_with_ahead<T: Clone + PartialEq + Send + Sync + 'static>(
    list: LocalResource<Result<T, AppError>>,
    ahead: &'static std::thread::LocalKey<Ahead<T>>,
) -> Memo<Option<Result<T, AppError>>> {
    let whose = use_context::<Session>().and_then(|s| s.account().get_untracked()).map(|a| a.home_account_id);
    let kept = whose.as_deref().and_then(|w| ahead.with(|a| a.get(w)));
    Effect::new(move |_| {
        if let (Some(Ok(read)), Some(whose)) = (list.get(), &whose) {
            ahead.with(|a| a.keep(whose, read));
        }
    });
    Memo::new(move |_| list.get().or_else(|| kept.clone().map(Ok)))
}

/// Reads both again whenever who is signed in changes.
pub fn provide(session: &Session, graph: &GraphClient) {
    let account = session.account();
    let me = Reading::new({
        let graph = graph.clone();
        move || {
            let graph = graph.clone();
            let signed_in = account.get().is_some();
            async move {
                if !signed_in {
                    return Ok(None);
                }
                let reads = account_reads().await?;
                (reads.me)(graph).await.map(Some)
            }
        }
    });
    provide_context(Me(me));
    let inbox = Reading::new({
        let graph = graph.clone();
        move || {
            let graph = graph.clone();
            let whose = account.get().map(|a| a.home_account_id);
            async move {
                let Some(whose) = whose else { return Waiting::default() };
                // A chunk that cannot load offers no inbox link; the pages say what failed.
                let Ok(reads) = account_reads().await else { return Waiting::default() };
                let waiting = (reads.waiting)(graph.clone(), whose.clone()).await;
                if waiting.reviews {
                    // Read ahead when the browser is idle.
                    crate::idle::when_idle(move || leptos::task::spawn_local((reads.reviews)(graph, whose)));
                }
                waiting
            }
        }
    });
    provide_context(Inbox(inbox));
}

pub fn use_me() -> Me {
    expect_context::<Me>()
}

pub fn use_inbox() -> Inbox {
    expect_context::<Inbox>()
}
