//! The signed-in person as Graph's `/me` describes them, and whether decisions wait for them:
//! read once per sign-in, shared by the header and the pages.

use crate::auth::Session;
use crate::chunk::split;
use crate::error::AppError;
use crate::graph::GraphClient;
use crate::graph::models::User;
use crate::net::LocalBoxFuture;
use leptos::prelude::*;

/// Whether decisions wait, asked of Graph.
type InboxCheck = fn(GraphClient) -> LocalBoxFuture<'static, bool>;

// Only a signed-in person runs it, and it reads the whole inbox's models: a chunk, not the first
// module the signed-out welcome page loads.
split!(inbox, inbox_check -> InboxCheck => |graph| {
    Box::pin(async move { graph.pending_decisions(None).await.is_ok_and(|d| !d.is_empty()) })
});

/// The signed-in user from Graph's `/me` (`None` while nobody is signed in).
#[derive(Clone, Copy)]
pub struct Me(pub LocalResource<Result<Option<User>, AppError>>);

/// Whether the signed-in person has decisions waiting (the inbox is offered only then).
#[derive(Clone, Copy)]
pub struct Inbox(pub LocalResource<bool>);

/// Reads both again whenever who is signed in changes.
pub fn provide(session: &Session, graph: &GraphClient) {
    let account = session.account();
    let me = LocalResource::new({
        let graph = graph.clone();
        move || {
            let graph = graph.clone();
            let signed_in = account.get().is_some();
            async move {
                if !signed_in {
                    return Ok(None);
                }
                graph.me(None).await.map(Some).map_err(AppError::from)
            }
        }
    });
    provide_context(Me(me));
    let inbox = LocalResource::new({
        let graph = graph.clone();
        move || {
            let graph = graph.clone();
            let signed_in = account.get().is_some();
            async move {
                if !signed_in {
                    return false;
                }
                // A chunk that cannot load offers no inbox link; the pages say what failed.
                match inbox_check().await {
                    Ok(check) => check(graph).await,
                    Err(_) => false,
                }
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
