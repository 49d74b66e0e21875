//! Every word Portier shows, in English and Swedish. Each language is one value of [`Texts`]:
//! a string missing in either is a compile error, and nothing is looked up at run time.

mod en;
mod sv;

use crate::config::Language;
use leptos::prelude::*;

/// The words of one language.
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
    pub home_title: &'static str,
    pub home_signed_in_as: &'static str,
    pub home_organisation: &'static str,
    pub home_account_kind: &'static str,
    pub home_email: &'static str,
    pub home_heading: &'static str,
    pub home_decisions_title: &'static str,
    pub home_decisions_one: &'static str,
    pub home_decisions_many: &'static str,
    pub home_nearest_deadline: &'static str,
    pub home_open_inbox: &'static str,
    pub home_reviews_title: &'static str,
    pub home_reviews_waiting: &'static str,
    pub home_open_reviews: &'static str,
    pub home_requests_title: &'static str,
    pub home_follow: &'static str,
    pub home_ending_title: &'static str,
    pub home_invited_title: &'static str,
    pub home_invited_again: &'static str,
    pub home_new_title: &'static str,
    pub home_new_text: &'static str,
    pub home_search_label: &'static str,
    pub home_search_button: &'static str,
    pub home_quiet: &'static str,
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
    pub catalog_title: &'static str,
    pub search_label: &'static str,
    pub catalog_empty: &'static str,
    pub load_more: &'static str,
    pub select_package: &'static str,
    pub selection_title: &'static str,
    pub request_selected: &'static str,
    pub clear_selection: &'static str,
    pub remove_from_selection: &'static str,
    pub grants_title: &'static str,
    pub request_title: &'static str,
    pub not_requestable: &'static str,
    pub policy_label: &'static str,
    pub questions_title: &'static str,
    pub required: &'static str,
    pub justification_label: &'static str,
    pub schedule_title: &'static str,
    pub start_label: &'static str,
    pub end_label: &'static str,
    pub review: &'static str,
    pub review_title: &'static str,
    pub edit: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub field_required: &'static str,
    pub field_pattern: &'static str,
    pub end_before_start: &'static str,
    pub approval_needed: &'static str,
    pub no_approval: &'static str,
    pub request_sent: &'static str,
    pub request_failed: &'static str,
    pub view_requests: &'static str,
    pub err_existing_open_request: &'static str,
    pub err_already_assigned: &'static str,
    pub err_not_in_scope: &'static str,
    pub err_missing_answer: &'static str,
    pub err_invalid_answer: &'static str,
    pub err_justification_required: &'static str,
    pub err_invalid_schedule: &'static str,
    pub err_not_cancelable: &'static str,
    pub requests_title: &'static str,
    pub requests_empty: &'static str,
    pub details: &'static str,
    pub cancel_request: &'static str,
    pub confirm_cancel: &'static str,
    pub confirm_cancel_yes: &'static str,
    pub keep: &'static str,
    pub resubmit: &'static str,
    pub export_csv: &'static str,
    pub requested_on: &'static str,
    pub timeline_submitted: &'static str,
    /// `{n}`: the step, `{total}`: how many there are.
    pub timeline_step: &'static str,
    pub approvers: &'static str,
    pub deadline: &'static str,
    pub decided_by: &'static str,
    pub reason: &'static str,
    pub approver_manager: &'static str,
    pub approver_internal: &'static str,
    pub approver_external: &'static str,
    pub stage_waiting: &'static str,
    pub stage_in_progress: &'static str,
    pub stage_approved: &'static str,
    pub stage_denied: &'static str,
    pub stage_expired: &'static str,
    pub state_submitted: &'static str,
    pub state_pending: &'static str,
    pub state_delivering: &'static str,
    pub state_delivered: &'static str,
    pub state_denied: &'static str,
    pub state_canceled: &'static str,
    pub state_scheduled: &'static str,
    pub state_failed: &'static str,
    pub state_expired: &'static str,
    pub access_title: &'static str,
    pub access_empty: &'static str,
    pub ends: &'static str,
    pub no_end: &'static str,
    pub ends_soon: &'static str,
    pub extend: &'static str,
    pub remove_access: &'static str,
    pub confirm_remove: &'static str,
    pub confirm_remove_yes: &'static str,
    pub extend_sent: &'static str,
    pub remove_sent: &'static str,
    pub csv_package: &'static str,
    pub csv_state: &'static str,
    pub csv_created: &'static str,
    pub csv_justification: &'static str,
    pub nav_approvals: &'static str,
    pub approvals_title: &'static str,
    pub approvals_empty: &'static str,
    pub bulk_title: &'static str,
    pub approve_selected: &'static str,
    pub deny_selected: &'static str,
    pub approve: &'static str,
    pub deny: &'static str,
    pub decision_approved: &'static str,
    pub decision_denied: &'static str,
    pub decision_taken: &'static str,
    pub requester: &'static str,
    pub organisation: &'static str,
    pub policies_title: &'static str,
    pub nav_invite: &'static str,
    pub invite_title: &'static str,
    pub invite_email: &'static str,
    pub invite_name: &'static str,
    pub invite_send_mail: &'static str,
    pub invite_message: &'static str,
    pub invite_cc: &'static str,
    pub invite_language: &'static str,
    pub invite_attach: &'static str,
    pub invite_send: &'static str,
    pub invite_done: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    pub own_message: &'static str,
    pub own_template: &'static str,
    pub open_in_mail: &'static str,
    pub invite_again: &'static str,
    pub invalid_email: &'static str,
    pub invite_refused: &'static str,
    pub invite_forbidden: &'static str,
    pub qr_label: &'static str,
    pub invite_redirect: &'static str,
    pub invite_redirect_refused: &'static str,
    pub history_title: &'static str,
    pub history_filter: &'static str,
    pub history_all: &'static str,
    pub invited_title: &'static str,
    pub invited_pending: &'static str,
    pub invited_accepted: &'static str,
    pub error_chunk: &'static str,
    pub error_chunk_gone: &'static str,
    pub reload: &'static str,
    pub nav_reviews: &'static str,
    pub reviews_title: &'static str,
    pub reviews_empty: &'static str,
    pub review_covers: &'static str,
    pub review_due: &'static str,
    pub review_progress_label: &'static str,
    pub review_progress: &'static str,
    pub review_holds: &'static str,
    pub review_last_sign_in: &'static str,
    pub review_never_signed_in: &'static str,
    pub review_sign_in_unknown: &'static str,
    pub review_recommendation: &'static str,
    pub review_no_recommendation: &'static str,
    pub review_why_signed_in: &'static str,
    pub review_why_not_signed_in: &'static str,
    pub review_why_no_info: &'static str,
    pub review_decision: &'static str,
    pub review_not_decided: &'static str,
    pub review_reason_given: &'static str,
    pub dont_know: &'static str,
    pub review_reason_required: &'static str,
    pub review_reason_missing: &'static str,
    pub accept_recommendations: &'static str,
    pub accept_count: &'static str,
    pub review_bulk_title: &'static str,
    pub dont_know_selected: &'static str,
    pub review_dont_know_done: &'static str,
    pub review_accepted: &'static str,
    pub self_review_question: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub self_review_reason_required: &'static str,
    pub self_review_answer_by: &'static str,
    pub self_review_answered_yes: &'static str,
    pub self_review_answered_no: &'static str,
    pub self_review_change_until: &'static str,
    pub review_history_review: &'static str,
    pub review_history_person: &'static str,
    pub review_history_accepted: &'static str,
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
    let i18n = expect_context::<I18n>();
    Signal::derive(move || texts(i18n.language.get()))
}

/// One text, following the language switch: `{tr(t, |t| t.cancel)}`. Every text in the app is
/// this one closure type, so its rendering code is compiled once; a `move || t.get().cancel`
/// at each place would be compiled once per place.
pub fn tr(t: Signal<&'static Texts>, pick: fn(&'static Texts) -> &'static str) -> impl Fn() -> &'static str + Copy {
    move || pick(t.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in_each_languages_own_order_and_values_stay_as_written() {
        let step = |lang| fill(texts(lang).timeline_step, &[("n", "2"), ("total", "3")]);
        assert_eq!(step(Language::En), "Approval, step 2 of 3");
        assert_eq!(step(Language::Sv), "Godkännande, steg 2 av 3");
        let note = fill("Hi {name}, see {link} {unknown}", &[("name", "{link}"), ("link", "https://x")]);
        assert_eq!(note, "Hi {link}, see https://x {unknown}");
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("{a}{a}", &[("a", "é")]), "éé");
    }

    #[test]
    fn a_value_in_its_own_element_stands_where_each_language_puts_it() {
        assert_eq!(around(texts(Language::En).self_review_question, "package"), ("Do you still need access to ", "?"));
        assert_eq!(around(texts(Language::Sv).self_review_question, "package").1, "?");
        assert_eq!(around("No placeholder", "package"), ("No placeholder", ""));
    }

    #[test]
    fn both_languages_differ_where_they_should() {
        assert_ne!(texts(Language::En).sign_in, texts(Language::Sv).sign_in);
        assert_ne!(texts(Language::En).not_found_title, texts(Language::Sv).not_found_title);
    }
}
