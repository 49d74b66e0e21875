//! Every word Portier shows, in English and Swedish. Each language is one value of [`Texts`]
//! (the first module's words) and one of [`PageTexts`] (the words of the pages in chunks): a
//! string missing in either language is a compile error, and nothing is looked up at run time.

mod en;
mod pages;
mod sv;

pub use pages::{PageTexts, page_texts, use_page_texts};

use crate::config::Language;
use leptos::prelude::*;

/// The words of the first module: the shell, the welcome and error pages, what every page may
/// show. The pages in chunks have theirs in [`PageTexts`], which load with them.
pub struct Texts {
    pub skip_to_content: &'static str,
    pub loading: &'static str,
    pub language_label: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub account_menu: &'static str,
    pub guest: &'static str,
    pub member: &'static str,
    pub sign_in: &'static str,
    pub sign_in_popup: &'static str,
    pub sign_out: &'static str,
    pub welcome_title: &'static str,
    pub welcome_text: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub go_home: &'static str,
    pub popup_waiting: &'static str,
    pub cancel: &'static str,
    pub retry: &'static str,
    pub error_title: &'static str,
    pub error_details: &'static str,
    pub error_code: &'static str,
    pub error_request_id: &'static str,
    pub error_date: &'static str,
    pub error_session_expired: &'static str,
    pub error_popup_blocked: &'static str,
    pub error_popup_timeout: &'static str,
    pub error_cancelled: &'static str,
    pub error_sign_in_refused: &'static str,
    pub error_network: &'static str,
    pub error_host_sign_in: &'static str,
    pub popup_link_cut: &'static str,
    pub continue_new_tab: &'static str,
    pub error_throttled: &'static str,
    pub error_unavailable: &'static str,
    pub error_forbidden: &'static str,
    pub error_not_found: &'static str,
    pub error_generic: &'static str,
    pub config_title: &'static str,
    pub config_text: &'static str,
    pub config_field: &'static str,
    pub config_reason: &'static str,
    pub nav_catalog: &'static str,
    pub nav_requests: &'static str,
    pub nav_access: &'static str,
    pub nav_approvals: &'static str,
    pub nav_invite: &'static str,
    pub error_chunk: &'static str,
    pub error_chunk_gone: &'static str,
    pub reload: &'static str,
    pub nav_reviews: &'static str,
}

pub fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::En => &en::TEXTS,
        Language::Sv => &sv::TEXTS,
    }
}

/// The language in force, shared by every component.
#[derive(Clone, Copy)]
pub struct I18n {
    pub language: RwSignal<Language>,
}

const STORED: &str = "portier.language";

impl I18n {
    /// Starts with the language chosen before in this browser, else the browser's own.
    /// `own_page`: Portier is the whole page, so `<html lang>` is its to set; inside another
    /// page only Portier's root element says its language.
    pub fn provide(own_page: bool) -> I18n {
        let language = stored().or_else(browser_language).unwrap_or(Language::En);
        let i18n = I18n { language: RwSignal::new(language) };
        provide_context(i18n);
        let root = use_context::<crate::dom::Root>();
        // For screen readers and hyphenation.
        Effect::new(move || {
            let tag = i18n.language.get().tag();
            if let Some(el) = crate::dom::page_element().filter(|_| own_page) {
                let _ = el.set_attribute("lang", tag);
            }
            if let Some(root) = &root {
                let _ = root.0.set_attribute("lang", tag);
            }
        });
        i18n
    }

    /// Once the configuration is known: its language wins over the browser's, not over a choice
    /// the person made.
    pub fn configure(&self, configured: Option<Language>) {
        if let (None, Some(lang)) = (stored(), configured) {
            self.language.set(lang);
        }
    }

    pub fn set(&self, lang: Language) {
        self.language.set(lang);
        crate::storage::device().set(STORED, lang.tag());
    }
}

/// The language a person chose in this browser before (it outlives the session).
fn stored() -> Option<Language> {
    crate::storage::device().get(STORED).and_then(|t| Language::from_tag(&t))
}

fn browser_language() -> Option<Language> {
    let nav = web_sys::window()?.navigator();
    let list = nav.languages();
    list.iter()
        .filter_map(|l| l.as_string())
        .find_map(|t| Language::from_tag(&t))
        .or_else(|| nav.language().and_then(|t| Language::from_tag(&t)))
}

/// A text with its named placeholders (`{name}`) filled, in one pass: each language orders its
/// own words, and a value that itself holds `{…}` is left as written, never filled in turn.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The words before and after one placeholder (`{name}`), for a value shown in an element of
/// its own (a name from Graph inside `<bdi>`); the whole text comes before when it has no such
/// placeholder.
pub fn around(template: &'static str, name: &str) -> (&'static str, &'static str) {
    let placeholder = format!("{{{name}}}");
    match template.find(&placeholder) {
        Some(i) => (&template[..i], &template[i + placeholder.len()..]),
        None => (template, ""),
    }
}

/// The words of the language in force, reactively.
pub fn use_texts() -> Signal<&'static Texts> {
    use_words(texts)
}

/// The words `of` gives for the language in force, reactively: one set of texts or the other.
fn use_words<T: Sync + 'static>(of: fn(Language) -> &'static T) -> Signal<&'static T> {
    let i18n = expect_context::<I18n>();
    Signal::derive(move || of(i18n.language.get()))
}

/// One text, following the language switch: `{tr(t, |t| t.cancel)}`. Every text of one set
/// ([`Texts`] or [`PageTexts`]) is this one closure type, so its rendering code is compiled once
/// per set; a `move || t.get().cancel` at each place would be compiled once per place.
pub fn tr<T: Sync + 'static>(
    t: Signal<&'static T>,
    pick: fn(&'static T) -> &'static str,
) -> impl Fn() -> &'static str + Copy {
    move || pick(t.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in_each_languages_own_order_and_values_stay_as_written() {
        let step = |lang| fill(page_texts(lang).timeline_step, &[("n", "2"), ("total", "3")]);
        assert_eq!(step(Language::En), "Approval, step 2 of 3");
        assert_eq!(step(Language::Sv), "Godkännande, steg 2 av 3");
        let note = fill("Hi {name}, see {link} {unknown}", &[("name", "{link}"), ("link", "https://x")]);
        assert_eq!(note, "Hi {link}, see https://x {unknown}");
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("{a}{a}", &[("a", "é")]), "éé");
    }

    #[test]
    fn a_value_in_its_own_element_stands_where_each_language_puts_it() {
        assert_eq!(
            around(page_texts(Language::En).self_review_question, "package"),
            ("Do you still need access to ", "?")
        );
        assert_eq!(around(page_texts(Language::Sv).self_review_question, "package").1, "?");
        assert_eq!(around("No placeholder", "package"), ("No placeholder", ""));
    }

    #[test]
    fn both_languages_differ_where_they_should() {
        assert_ne!(texts(Language::En).sign_in, texts(Language::Sv).sign_in);
        assert_ne!(texts(Language::En).not_found_title, texts(Language::Sv).not_found_title);
    }
}
