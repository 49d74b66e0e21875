//! Starting an interactive sign-in from any page, the way this Portier must (a popup inside a
//! frame or where the embedding asks, else a full-page redirect), and what the page shows of it:
//! a popup's wait with its way out, and why the last try failed.

use crate::auth::Session;
use crate::embed::{Element, SignIn};
use crate::error::AppError;
use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;

/// How this Portier signs in by itself.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignInKind(pub SignIn);

/// A popup sign-in in progress: its cancel switch, and whether the popup's link back looks cut.
#[derive(Clone, Copy)]
pub struct PopupWait {
    pub cancel: RwSignal<Option<SendWrapper<oneshot::Sender<()>>>>,
    pub cut: RwSignal<bool>,
}

impl PopupWait {
    /// Stops waiting for the popup (the person cancelled, or the app is going away).
    pub fn stop(&self) {
        if let Some(tx) = self.cancel.try_update(Option::take).flatten() {
            let _ = tx.take().send(());
        }
    }
}

/// The last interactive sign-in's failure, shown until the next try.
#[derive(Clone, Copy)]
pub struct SignInFailure(pub RwSignal<Option<AppError>>);

/// Provides the sign-in state; a popup still waiting when the app is removed stops waiting.
pub fn provide(kind: SignIn) {
    provide_context(SignInKind(kind));
    let wait = PopupWait { cancel: RwSignal::new(None), cut: RwSignal::new(false) };
    provide_context(wait);
    on_cleanup(move || wait.stop());
    provide_context(SignInFailure(RwSignal::new(None)));
}

pub fn use_popup_wait() -> PopupWait {
    expect_context::<PopupWait>()
}

pub fn use_sign_in_failure() -> SignInFailure {
    expect_context::<SignInFailure>()
}

/// Starts a sign-in that returns to `return_to`, asking for `claims` when a challenge did.
pub fn sign_in(return_to: String, claims: Option<String>) {
    let kind = use_context::<SignInKind>().map_or(SignIn::Redirect, |k| k.0);
    if crate::auth::in_frame() || kind == SignIn::Popup {
        sign_in_popup(return_to, claims);
        return;
    }
    let session = expect_context::<Session>();
    let failure = use_sign_in_failure();
    failure.0.set(None);
    if use_context::<Element>().is_some() {
        crate::embed::page_query::remember();
    }
    spawn_local(async move {
        // Said on the page (the sign-in service unreachable, say): a click with no answer
        // would leave the person guessing.
        if let Err(e) = session.sign_in_redirect(&return_to, claims, None).await {
            failure.0.set(Some(AppError::from(e)));
        }
    });
}

/// Signs in through a popup; the page shows a wait state with a way to cancel.
pub fn sign_in_popup(return_to: String, claims: Option<String>) {
    let session = expect_context::<Session>();
    let wait = use_popup_wait();
    let failure = use_sign_in_failure();
    let (tx, rx) = oneshot::channel::<()>();
    wait.cancel.set(Some(SendWrapper::new(tx)));
    wait.cut.set(false);
    failure.0.set(None);
    spawn_local(async move {
        let cancelled = async move {
            let _ = rx.await;
        };
        #[cfg(target_arch = "wasm32")]
        let result = session.sign_in_popup(&return_to, claims, move || wait.cut.set(true), cancelled).await;
        #[cfg(not(target_arch = "wasm32"))]
        let result: Result<(), crate::auth::AuthError> = {
            let _ = (cancelled, &return_to, &session, claims);
            Err(crate::auth::AuthError::Cancelled)
        };
        wait.cancel.set(None);
        wait.cut.set(false);
        if let Err(e) = result {
            failure.0.set(Some(AppError::from(e)));
        }
    });
}
