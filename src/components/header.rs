//! The page header: the brand, the main navigation, the language switch, and who is signed in
//! (name, organisation, guest or member) with sign-in and sign-out.

use super::TopBar;
use crate::auth::Session;
use crate::config::Language;
use crate::i18n::{I18n, tr, use_texts};
use crate::routing::{Link, Route, use_router};
use crate::state::{sign_in, use_inbox, use_me};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The banner at the top of every page.
#[component]
pub fn Header() -> impl IntoView {
    let t = use_texts();
    let session = expect_context::<Session>();
    let brand = session.config().branding.clone();
    let account = session.account();
    let inbox = use_inbox();
    let me = use_me();
    // Members invite partners; guests are not offered it.
    let member = move || me.0.get().and_then(|r| r.ok()).flatten().is_some_and(|u| !u.is_guest());
    view! {
        <TopBar>
            <a class="skip-link" href="#main" on:click=skip_to_main>
                {tr(t, |t| t.skip_to_content)}
            </a>
            <div class="bar">
                <Link route=Route::Home class="brand">
                    {brand
                        .logo_url
                        .clone()
                        .map(|src| view! { <img src=src alt="" width="32" height="32" /> }.into_any())}
                    <span>{brand.name.clone()}</span>
                </Link>
                <nav aria-label=tr(t, |t| t.nav_label)>
                    <ul>
                        <li>
                            <Link route=Route::Home>{tr(t, |t| t.nav_home)}</Link>
                        </li>
                        <li>
                            <Link route=Route::Catalog>{tr(t, |t| t.nav_catalog)}</Link>
                        </li>
                        <li>
                            <Link route=Route::Requests>{tr(t, |t| t.nav_requests)}</Link>
                        </li>
                        <li>
                            <Link route=Route::Access>{tr(t, |t| t.nav_access)}</Link>
                        </li>
                        {move || {
                            inbox
                                .waiting()
                                .decisions
                                .then(|| {
                                    view! {
                                        <li>
                                            <Link route=Route::Approvals>{tr(t, |t| t.nav_approvals)}</Link>
                                        </li>
                                    }
                                        .into_any()
                                })
                        }}
                        {move || {
                            inbox
                                .waiting()
                                .reviews
                                .then(|| {
                                    view! {
                                        <li>
                                            <Link route=Route::Reviews>{tr(t, |t| t.nav_reviews)}</Link>
                                        </li>
                                    }
                                        .into_any()
                                })
                        }}
                        {move || {
                            member()
                                .then(|| {
                                    view! {
                                        <li>
                                            <Link route=Route::Invite>{tr(t, |t| t.nav_invite)}</Link>
                                        </li>
                                    }
                                        .into_any()
                                })
                        }}
                    </ul>
                </nav>
                <LanguageSwitch />
                {move || {
                    if account.get().is_some() {
                        view! { <AccountMenu /> }.into_any()
                    } else {
                        view! { <SignInButton /> }.into_any()
                    }
                }}
            </div>
        </TopBar>
    }
}

/// Moves focus to the main content without touching the URL (whose fragment may be the route).
fn skip_to_main(ev: web_sys::MouseEvent) {
    ev.prevent_default();
    if let Some(main) = crate::dom::find::<web_sys::HtmlElement>("#main") {
        let _ = main.focus();
    }
}

/// English / Svenska, each button saying whether it is the one in force.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let t = use_texts();
    let i18n = expect_context::<I18n>();
    let button = move |lang: Language, label: &'static str| {
        view! {
            <button
                type="button"
                lang=lang.tag()
                aria-pressed=move || (i18n.language.get() == lang).to_string()
                on:click=move |_| i18n.set(lang)
            >
                {label}
            </button>
        }
        .into_any()
    };
    view! {
        <div class="language-switch" role="group" aria-label=tr(t, |t| t.language_label)>
            {button(Language::En, "English")}
            {button(Language::Sv, "Svenska")}
        </div>
    }
}

#[component]
fn SignInButton() -> impl IntoView {
    let t = use_texts();
    let router = use_router();
    view! {
        <button class="primary" on:click=move |_| sign_in(router.current(), None)>
            {tr(t, |t| t.sign_in)}
        </button>
    }
}

/// The signed-in person, from Graph's `/me`, and sign-out.
#[component]
fn AccountMenu() -> impl IntoView {
    let t = use_texts();
    let session = expect_context::<Session>();
    let me = use_me();
    let fallback = session.account().get_untracked().map(|a| a.name).unwrap_or_default();
    let user = move || me.0.get().and_then(|r| r.ok()).flatten();
    let name = move || user().and_then(|u| u.display_name).unwrap_or_else(|| fallback.clone());
    let organisation = move || user().and_then(|u| u.company_name);
    let kind = move || user().map(|u| if u.is_guest() { t.get().guest } else { t.get().member });
    // The page's own sign-in is the page's to end.
    let own_session = !session.uses_host_tokens();
    let sign_out = move |_| {
        let s = session.clone();
        spawn_local(async move { s.sign_out().await });
    };
    view! {
        <section class="account" aria-label=tr(t, |t| t.account_menu)>
            <span class="account-name">
                <bdi>{name}</bdi>
            </span>
            <span class="account-org">
                <bdi>{organisation}</bdi>
            </span>
            {move || kind().map(|k| view! { <span class="badge">{k}</span> }.into_any())}
            {own_session
                .then(|| {
                    view! {
                        <button type="button" on:click=sign_out>
                            {tr(t, |t| t.sign_out)}
                        </button>
                    }
                        .into_any()
                })}
        </section>
    }
}
