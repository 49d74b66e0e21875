//! The request form inside Portier as an element: a review with fields left empty or wrong
//! moves focus to the first field in error, inside the element's shadow root (where the
//! document's own lookups cannot reach), in both languages.

use anyhow::{Result, ensure};
use harness::stack::StackOptions;
use portier_e2e::embed::*;
use portier_e2e::*;
use serde_json::Value;

const FABRIKAM: &str = "Fabrikam delivery project";

/// The focused element inside Portier, and the first field the form marks as wrong: the
/// fieldset of a choice question, else the control of a field.
const FOCUS: &str = "const r = document.querySelector('portier-app').shadowRoot; \
    const wrong = r.querySelector('.field.invalid'); \
    const control = wrong && (wrong.matches('fieldset') ? wrong : wrong.querySelector('input, textarea, select')); \
    return [r.activeElement ? r.activeElement.id : null, control ? control.id : null];";

async fn focus_journey(lang: &str) -> Result<()> {
    let attributes = popup_attributes(lang, &package_path(FABRIKAM));
    let pages = [("team.html", element_page("Team 7", &attributes))];
    let w = Intranet::start(&format!("element-focus-{lang}"), StackOptions::default(), &pages).await?;
    let c = w.client();
    w.open("/team.html").await?;
    through_popup(c, || shadow_click(c, "[data-testid=sign-in]"), Person::Account("pat@fabrikam.com")).await?;
    shadow_wait_text(c, "[data-testid=package] h1", FABRIKAM).await?;

    // Nothing typed: the first question is the first field in error, and has focus.
    shadow_click(c, "[data-testid=review]").await?;
    shadow_wait(c, ".field.invalid").await?;
    let [focused, first]: [Value; 2] = serde_json::from_value(run(c, FOCUS).await?)?;
    ensure!(first.as_str().is_some_and(|id| id.starts_with("q-")), "the first field in error is a question: {first}");
    ensure!(focused == first, "focus is on {focused}, the first field in error is {first}\n{}", shadow_html(c).await);

    // The questions answered, the justification left empty: focus moves on to it.
    shadow_type(c, "[data-question] input[type=text]", "PRJ-7777").await?;
    shadow_click(c, "[data-question] input[type=radio]").await?;
    shadow_click(c, "[data-testid=review]").await?;
    let [focused, first]: [Value; 2] = serde_json::from_value(run(c, FOCUS).await?)?;
    ensure!(first == "justification" && focused == "justification", "focus {focused}, first in error {first}");

    let log = w.stack.tenant.tenant.log.since(0);
    let sent = log.iter().filter(|e| e.method == "POST" && e.path.ends_with("/assignmentRequests")).count();
    ensure!(sent == 0, "a form in error sends nothing ({sent} sent)");
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_request_form_moves_focus_to_the_first_field_in_error() -> Result<()> {
    focus_journey("en").await
}

#[tokio::test(flavor = "multi_thread")]
async fn embed_element_request_form_moves_focus_to_the_first_field_in_error_in_swedish() -> Result<()> {
    focus_journey("sv").await
}
