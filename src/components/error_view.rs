//! The one error view: a sentence a person understands, in their language, what they can do
//! next (sign in again, try again), and Graph's error code and request id for the helpdesk.

use crate::auth::AuthError;
use crate::error::AppError;
use crate::i18n::{tr, use_texts};
use crate::routing::use_router;
use leptos::prelude::*;

/// Shows an error with what can be done about it.
#[component]
pub fn ErrorView(
    /// The error to explain.
    error: AppError,
    /// Offered as "Try again" when given.
    #[prop(optional)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let t = use_texts();
    let router = use_router();
    let needs_sign_in = error.needs_sign_in();
    // A chunk gone with an update: trying again cannot help, a reload brings the new version.
    let gone = matches!(error, AppError::Chunk { gone: true });
    let on_retry = on_retry.filter(|_| !gone);
    let reload = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    let claims = match &error {
        AppError::Auth(AuthError::InteractionRequired { claims, .. }) => claims.clone(),
        _ => None,
    };
    // The page's own sign-in said why it gave no token: its words, for the person who knows it.
    let page_words = match &error {
        AppError::Auth(AuthError::HostProvider(words)) => Some(words.clone()),
        _ => None,
    };
    let sentence = {
        let error = error.clone();
        move || error.sentence(t.get())
    };
    let details = {
        let error = error.clone();
        move || {
            error
                .details(t.get())
                .into_iter()
                .map(|(label, value)| {
                    view! {
                        <dt>{label}</dt>
                        <dd>
                            <code>{value}</code>
                        </dd>
                    }
                    .into_any()
                })
                .collect_view()
        }
    };
    let sign_in = move |_| crate::state::sign_in(router.current(), claims.clone());
    // Several errors may show at once (one per decision): each its own title id.
    static SHOWN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let title_id = format!("error-title-{}", SHOWN.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let labelled_by = title_id.clone();
    view! {
        <section class="error-view" role="alert" aria-labelledby=labelled_by>
            <h2 id=title_id>{tr(t, |t| t.error_title)}</h2>
            <p>{sentence}</p>
            {page_words
                .map(|words| {
                    view! {
                        <p class="page-words">
                            <bdi>{words}</bdi>
                        </p>
                    }
                        .into_any()
                })}
            <div class="actions">
                <Show when=move || needs_sign_in>
                    <button class="primary" on:click=sign_in.clone()>
                        {tr(t, |t| t.sign_in)}
                    </button>
                </Show>
                {gone
                    .then(|| {
                        view! {
                            <button class="primary" on:click=reload>
                                {tr(t, |t| t.reload)}
                            </button>
                        }
                            .into_any()
                    })}
                {on_retry
                    .map(|retry| {
                        view! { <button on:click=move |_| retry.run(())>{tr(t, |t| t.retry)}</button> }.into_any()
                    })}
            </div>
            <details>
                <summary>{tr(t, |t| t.error_details)}</summary>
                <dl>{details}</dl>
            </details>
        </section>
    }
}
