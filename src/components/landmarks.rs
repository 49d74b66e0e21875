//! Portier's outer landmarks. As the page, it has the page's `<header>` and `<main>`; as an
//! element inside another page (often inside that page's own `<main>`), a banner and a second
//! main would mislead screen-reader users, so the same parts become a plain box and a region
//! named after Portier.

use leptos::prelude::*;

fn embedded() -> bool {
    use_context::<crate::embed::Element>().is_some()
}

/// The main content: `<main id="main">`, or a labelled region inside another page.
#[component]
pub fn MainArea(
    /// Extra class names.
    #[prop(optional, into)]
    class: String,
    children: Children,
) -> impl IntoView {
    if embedded() {
        let class = format!("main {class}");
        view! {
            <div id="main" class=class tabindex="-1" role="region" aria-label="Portier">
                {children()}
            </div>
        }
        .into_any()
    } else {
        view! {
            <main id="main" class=class tabindex="-1">
                {children()}
            </main>
        }
        .into_any()
    }
}

/// The top bar: `<header>`, or a plain box inside another page (whose banner is its own).
#[component]
pub fn TopBar(children: Children) -> impl IntoView {
    if embedded() {
        view! { <div class="site-header">{children()}</div> }.into_any()
    } else {
        view! { <header class="site-header">{children()}</header> }.into_any()
    }
}
