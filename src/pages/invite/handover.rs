//! Handing over an invitation's redeem link one's own way: copy it, show it as a QR code, or send
//! an own message from a template (copied, or through the mail program).

use crate::i18n::{tr, use_page_texts};
use leptos::prelude::*;

/// Text a person wrote, between Unicode isolates (first strong isolate … pop directional
/// isolate): a right-to-left override in it cannot reorder the plain text around it.
pub fn isolated(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

/// The sponsor's own message: the template with its placeholders filled (names isolated; the
/// packages come isolated one by one).
pub fn fill(template: &str, name: &str, sponsor: &str, link: &str, packages: &str) -> String {
    crate::i18n::fill(
        template,
        &[("name", &isolated(name)), ("sponsor", &isolated(sponsor)), ("link", link), ("packages", packages)],
    )
}

/// A `mailto:` link with subject and body.
pub fn mailto(to: &str, subject: &str, body: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!("mailto:{}?subject={}&body={}", enc(to), enc(subject), enc(body))
}

/// The invitation link as a QR code (SVG made here from the link; nothing from Graph is markup).
pub fn qr_svg(link: &str) -> String {
    qrcode::QrCode::new(link.as_bytes())
        .map(|c| c.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
        .unwrap_or_default()
}

/// The invitation sent: its link, and the ways to hand it over.
#[component]
pub fn Handover(
    /// The redeem link Graph gave.
    #[prop(into)]
    link: Signal<String>,
    /// The partner's name, as typed.
    #[prop(into)]
    name: Signal<String>,
    /// The signed-in sponsor's name.
    #[prop(into)]
    sponsor: Signal<String>,
    /// The attached packages' names, each isolated, joined.
    #[prop(into)]
    packages: Signal<String>,
    /// The partner's address, for the mail program.
    #[prop(into)]
    email: Signal<String>,
    /// While an invitation is being sent.
    #[prop(into)]
    busy: Signal<bool>,
    /// Sends the invitation again (a new redeem link).
    on_again: Callback<()>,
) -> impl IntoView {
    let t = use_page_texts();
    let own = RwSignal::new(String::new());
    Effect::new(move || own.set(t.get().own_template.to_string()));
    let filled = move || fill(&own.get(), &name.get(), &sponsor.get(), &link.get(), &packages.get());
    let copied = RwSignal::new(None::<&'static str>);
    let copy = move |what: &'static str, text: String| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
        }
        copied.set(Some(what));
    };
    view! {
        <section class="invitation" data-testid="invitation">
            <p role="status">{tr(t, |t| t.invite_done)}</p>
            <div class="field">
                <input
                    type="text"
                    readonly
                    data-testid="redeem-url"
                    aria-label=tr(t, |t| t.copy_link)
                    prop:value=move || link.get()
                />
            </div>
            <div class="actions">
                <button type="button" data-testid="copy-link" on:click=move |_| copy("link", link.get())>
                    {move || if copied.get() == Some("link") { t.get().copied } else { t.get().copy_link }}
                </button>
                <button
                    type="button"
                    data-testid="invite-again"
                    disabled=move || busy.get()
                    on:click=move |_| on_again.run(())
                >
                    {tr(t, |t| t.invite_again)}
                </button>
            </div>
            <figure
                class="qr"
                role="img"
                aria-label=tr(t, |t| t.qr_label)
                data-testid="qr"
                inner_html=move || qr_svg(&link.get())
            ></figure>
            <h2>{tr(t, |t| t.own_message)}</h2>
            <div class="field">
                <textarea
                    rows="6"
                    aria-label=tr(t, |t| t.own_message)
                    prop:value=move || own.get()
                    on:input=move |e| own.set(event_target_value(&e))
                ></textarea>
            </div>
            <pre class="preview" data-testid="own-message">
                {filled}
            </pre>
            <div class="actions">
                <button type="button" on:click=move |_| copy("message", filled())>
                    {move || { if copied.get() == Some("message") { t.get().copied } else { t.get().copy_link } }}
                </button>
                <a
                    class="button"
                    data-testid="mailto"
                    href=move || mailto(&email.get(), t.get().invite_title, &filled())
                >
                    {tr(t, |t| t.open_in_mail)}
                </a>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_mail_links_and_qr_codes() {
        assert_eq!(
            fill("Hi {name}, {sponsor}: {link} ({packages})", "Kim", "Sara", "https://l", "A, B"),
            "Hi \u{2068}Kim\u{2069}, \u{2068}Sara\u{2069}: https://l (A, B)"
        );
        assert_eq!(
            mailto("kim@fabrikam.com", "Hi & bye", "a\nb"),
            "mailto:kim%40fabrikam.com?subject=Hi%20%26%20bye&body=a%0Ab"
        );
        assert!(
            qr_svg("https://example.com/redeem?x=1").starts_with("<?xml")
                || qr_svg("https://example.com/redeem?x=1").contains("<svg")
        );
    }
}
