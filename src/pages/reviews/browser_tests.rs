//! The reviews page mounted in a shadow root over a scripted Graph, and used as a reviewer
//! would: a reason the review requires is asked at the field and nothing is sent without it; a
//! decision goes to the right person's item and says what became of it; accepting the
//! recommendations posts once; my own access answered yes or no records Approve or Deny, on the
//! reviews page and beside the package on my access; a list read ahead shows at once, and the
//! page's own read replaces it.

use super::Reviews;
use crate::graph::fake::{Scripted, answer, batch_answer, client};
use crate::graph::models::User;
use crate::pages::MyAccess;
use crate::pages::testing::{Mounted, mount};
use crate::state::{Inbox, Me, Waiting};
use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ME: &str = "5f0c1d2e-0000-4000-8000-00000000000a";

/// The signed-in person as the shell would have read them.
fn signed_in() {
    let user = User { id: ME.into(), display_name: Some("Sara Lindqvist".into()), ..Default::default() };
    provide_context(Me(crate::state::Reading::new(move || {
        let user = user.clone();
        async move { Ok(Some(user)) }
    })));
}

fn person(id: &str, name: &str, decision: &str, recommendation: &str) -> Value {
    json!({"id": format!("x-{id}"), "principal": {"id": id, "displayName": name,
              "userPrincipalName": format!("{id}_fabrikam.com#EXT#@contoso.onmicrosoft.com")},
           "resource": {"type": "AccessPackageAssignmentPolicy", "accessPackageId": "pkg-delivery",
                        "accessPackageDisplayName": "Fabrikam delivery project"},
           "decision": decision, "recommendation": recommendation, "justification": "",
           "reviewedBy": {"id": "00000000-0000-0000-0000-000000000000", "displayName": "", "userPrincipalName": ""}})
}

/// The page's four reads: the review, its open instance, my items, the people.
fn reads(reason_required: bool, items: Vec<Value>) -> Vec<Scripted> {
    let people: Vec<(String, u16, Value)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (i.to_string(), 200, json!({"id": item["principal"]["id"], "userType": "Guest"})))
        .collect();
    let people: Vec<(&str, u16, Value)> = people.iter().map(|(i, s, v)| (i.as_str(), *s, v.clone())).collect();
    vec![
        answer(
            200,
            &[],
            json!({"value": [{"id": "d1", "displayName": "Quarterly review of Fabrikam partners",
                "descriptionForReviewers": "Keep only those still on the project.",
                "settings": {"justificationRequiredOnApproval": reason_required}}]}),
        ),
        batch_answer(&[(
            "0",
            200,
            json!({"value": [{"id": "i1", "status": "InProgress", "endDateTime": "2026-12-20T00:00:00Z"}]}),
        )]),
        batch_answer(&[("0", 200, json!({ "value": items }))]),
        batch_answer(&people),
    ]
}

fn pat_and_lena() -> Vec<Value> {
    vec![person("pat", "Pat Doe", "NotReviewed", "Deny"), person("lena", "Lena Fisk", "NotReviewed", "Approve")]
}

fn mount_reviews(graph: crate::graph::GraphClient) -> Mounted {
    mount(graph, || {
        signed_in();
        view! { <Reviews /> }
    })
}

fn body(sent: &crate::net::HttpRequest) -> Value {
    serde_json::from_slice(sent.body()).unwrap()
}

#[wasm_bindgen_test]
async fn a_required_reason_is_asked_at_the_field_and_nothing_is_sent() {
    let (graph, net, _) = client(reads(true, pat_and_lena()));
    let page = mount_reviews(graph);
    let pat = "[data-testid=review-item][data-decision=x-pat]";
    page.click(&format!("{pat} [data-testid=review-approve]")).await;
    let error = page.find(&format!("{pat} .field-error")).await;
    let field = page.find(&format!("{pat} [data-testid=review-reason]")).await;
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(field.get_attribute("aria-describedby"), Some(error.id()));
    assert_eq!(page.focused_id(), Some(field.id()), "focus is at the field");
    // Several at once: asked at the shared reason.
    page.click(&format!("{pat} [data-testid=review-select]")).await;
    page.click("[data-testid=review-approve-selected]").await;
    let bulk = page.find("[data-testid=review-bulk-reason]").await;
    page.find(&format!("[id='{}-error']", bulk.id())).await;
    assert_eq!(page.focused_id(), Some(bulk.id()));
    assert_eq!(net.sent.borrow().len(), 4, "only the reviews were read");
    assert_eq!(page.count("[data-testid=review-outcome]"), 0);
}

#[wasm_bindgen_test]
async fn deciding_sends_the_verdict_to_the_persons_item_and_says_what_became_of_it() {
    let mut script = reads(true, pat_and_lena());
    script.extend([answer(204, &[], Value::Null), answer(204, &[], Value::Null)]);
    let (graph, net, _) = client(script);
    let page = mount_reviews(graph);
    let progress = page.find("[data-testid=review][data-instance=i1] [data-testid=review-progress]").await;
    assert_eq!(progress.text_content().as_deref(), Some("0 of 2 decided"));
    let lena = "[data-testid=review-item][data-decision=x-lena]";
    page.type_into(&format!("{lena} [data-testid=review-reason]"), "Left the project").await;
    page.click(&format!("{lena} [data-testid=review-deny]")).await;
    let outcome = page.find("[data-testid=review-outcome][data-result=denied]").await;
    assert_eq!(outcome.get_attribute("data-decision").as_deref(), Some("x-lena"));
    {
        let sent = net.sent.borrow();
        assert_eq!(sent[4].method(), http::Method::PATCH);
        assert!(sent[4].uri().path().ends_with("/definitions/d1/instances/i1/decisions/x-lena"), "{}", sent[4].uri());
        assert_eq!(body(&sent[4]), json!({"decision": "Deny", "justification": "Left the project"}));
    }
    let current = page.find(&format!("{lena} [data-testid=review-current]")).await;
    assert_eq!(current.get_attribute("data-verdict").as_deref(), Some("Deny"));
    assert!(current.text_content().unwrap_or_default().contains("Sara Lindqvist"));
    assert_eq!(progress.text_content().as_deref(), Some("1 of 2 decided"));
    // The decision can be changed: the buttons stay, the one in force pressed.
    let deny = page.find(&format!("{lena} [data-testid=review-deny]")).await;
    assert_eq!(deny.get_attribute("aria-pressed").as_deref(), Some("true"));
    page.type_into(&format!("{lena} [data-testid=review-reason]"), "Back on the project").await;
    page.click(&format!("{lena} [data-testid=review-approve]")).await;
    page.find("[data-testid=review-outcome][data-decision=x-lena][data-result=approved]").await;
    assert_eq!(body(&net.sent.borrow()[5])["decision"], "Approve");
    assert_eq!(page.count("[data-testid=review-history] [data-testid=review-history-item]"), 2);
}

#[wasm_bindgen_test]
async fn several_people_are_decided_at_once_with_one_reason() {
    let mut script = reads(false, pat_and_lena());
    script.extend([answer(204, &[], Value::Null), answer(204, &[], Value::Null)]);
    let (graph, net, _) = client(script);
    let page = mount_reviews(graph);
    page.click("[data-decision=x-pat] [data-testid=review-select]").await;
    page.click("[data-decision=x-lena] [data-testid=review-select]").await;
    page.type_into("[data-testid=review-bulk-reason]", "Project paused").await;
    page.click("[data-testid=review-dontknow-selected]").await;
    page.find("[data-testid=review-outcome][data-decision=x-pat][data-result=dontknow]").await;
    page.find("[data-testid=review-outcome][data-decision=x-lena][data-result=dontknow]").await;
    let sent = net.sent.borrow();
    let mut items: Vec<String> = sent[4..].iter().map(|r| r.uri().path().rsplit('/').next().unwrap().into()).collect();
    items.sort();
    assert_eq!(items, ["x-lena", "x-pat"]);
    assert!(sent[4..].iter().all(|r| body(r) == json!({"decision": "DontKnow", "justification": "Project paused"})));
}

#[wasm_bindgen_test]
async fn accepting_the_recommendations_posts_once_and_reads_the_review_again() {
    let mut script = reads(false, pat_and_lena());
    script.push(answer(204, &[], Value::Null));
    script.extend(reads(
        false,
        vec![person("pat", "Pat Doe", "Deny", "Deny"), person("lena", "Lena Fisk", "Approve", "Approve")],
    ));
    let (graph, net, _) = client(script);
    let page = mount_reviews(graph);
    let accept = "[data-testid=review][data-instance=i1] [data-testid=accept-recommendations]";
    page.click(accept).await;
    page.click(accept).await;
    page.find("[data-testid=review-outcome][data-decision=x-pat][data-result=accepted]").await;
    page.find("[data-testid=review-outcome][data-decision=x-lena][data-result=accepted]").await;
    // Read again: both decided, nothing left to accept.
    for _ in 0..50 {
        if page.count(&format!("{accept}:disabled")) == 1 && net.sent.borrow().len() == 9 {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    {
        let sent = net.sent.borrow();
        let posts: Vec<_> =
            sent.iter().filter(|r| r.method() == http::Method::POST && !r.uri().path().ends_with("$batch")).collect();
        assert_eq!(posts.len(), 1, "one acceptRecommendations");
        assert!(posts[0].uri().path().ends_with("/definitions/d1/instances/i1/acceptRecommendations"));
        assert_eq!(sent.len(), 9, "four reads, the post, four reads");
    }
    let progress = page.find("[data-testid=review-progress]").await;
    assert_eq!(progress.get_attribute("data-decided").as_deref(), Some("2"));
}

fn my_own(reason_required: bool) -> Vec<Scripted> {
    let mut mine = person(ME, "Sara Lindqvist", "NotReviewed", "Approve");
    mine["id"] = json!("x-me");
    mine["resource"] = json!({"type": "AccessPackageAssignmentPolicy", "accessPackageId": "pkg-portal",
                              "accessPackageDisplayName": "Partner portal"});
    reads(reason_required, vec![mine])
}

#[wasm_bindgen_test]
async fn my_own_access_answered_yes_records_approve_and_no_records_deny() {
    let mut script = my_own(true);
    script.extend([answer(204, &[], Value::Null), answer(204, &[], Value::Null)]);
    let (graph, net, _) = client(script);
    let page = mount_reviews(graph);
    let own = page.find("[data-testid=self-review][data-package=pkg-portal]").await;
    assert!(own.text_content().unwrap_or_default().contains("Do you still need access to Partner portal?"));
    assert_eq!(page.count("[data-testid=review-item]"), 0, "I am not a person to judge");
    // Yes needs a reason here: asked at the field, nothing sent.
    page.click("[data-testid=self-review-yes]").await;
    page.find("[data-testid=self-review] .field-error").await;
    let reason = page.find("[data-testid=self-review-reason]").await;
    assert_eq!(page.focused_id(), Some(reason.id()));
    assert_eq!(net.sent.borrow().len(), 4);
    page.type_into("[data-testid=self-review-reason]", "Still delivering").await;
    page.click("[data-testid=self-review-yes]").await;
    page.find("[data-testid=self-review-answer][data-answer=yes]").await;
    {
        let sent = net.sent.borrow();
        assert!(sent[4].uri().path().ends_with("/decisions/x-me"));
        assert_eq!(body(&sent[4]), json!({"decision": "Approve", "justification": "Still delivering"}));
    }
    // Changed until the end: no needs no reason.
    page.click("[data-testid=self-review-no]").await;
    page.find("[data-testid=self-review-answer][data-answer=no]").await;
    assert_eq!(body(&net.sent.borrow()[5]), json!({"decision": "Deny", "justification": ""}));
    let progress = page.find("[data-testid=review-progress]").await;
    assert_eq!(progress.text_content().as_deref(), Some("1 of 1 decided"));
}

#[wasm_bindgen_test]
async fn my_access_asks_beside_the_package_when_reviews_wait() {
    let assignments = json!({"value": [
        {"id": "a1", "state": "delivered", "accessPackage": {"id": "pkg-portal", "displayName": "Partner portal"}},
        {"id": "a2", "state": "delivered", "accessPackage": {"id": "pkg-other", "displayName": "Other"}},
    ]});
    let mut script = vec![answer(200, &[], assignments)];
    // Only the review's own reads: no people are looked up for my own item.
    script.extend(my_own(false).into_iter().take(3));
    script.push(answer(204, &[], Value::Null));
    let (graph, net, _) = client(script);
    let page = mount(graph, || {
        signed_in();
        provide_context(Inbox(crate::state::Reading::new(|| async { Waiting { decisions: false, reviews: true } })));
        view! { <MyAccess /> }
    });
    page.find("[data-testid=assignment][data-package='Partner portal'] [data-testid=self-review]").await;
    assert_eq!(page.count("[data-testid=self-review]"), 1, "only beside the package asked about");
    page.click("[data-testid=self-review-no]").await;
    page.find("[data-testid=self-review-answer][data-answer=no]").await;
    let sent = net.sent.borrow();
    assert_eq!(sent.len(), 5, "access, the review's three reads, the answer");
    assert_eq!(body(&sent[4])["decision"], "Deny");
}

/// Mounts the reviews page signed in through the page's own sign-in (an account the list can be
/// read ahead for: the host page's).
fn mount_signed_in_by_page(graph: crate::graph::GraphClient) -> Mounted {
    crate::pages::testing::mount_signed_in_by_page(graph, || {
        signed_in();
        view! { <Reviews /> }
    })
}

#[wasm_bindgen_test]
async fn a_list_read_ahead_shows_at_once_and_the_pages_own_read_replaces_it() {
    // Read ahead while Pat and Lena were both undecided; since then, Lena's item has gone.
    let (ahead, _, _) = client(reads(false, pat_and_lena()));
    let list = ahead.my_reviews(None).await.unwrap();
    crate::state::REVIEWS_AHEAD.with(|a| a.keep("", list));
    // Graph slow to answer: the list read ahead shows meanwhile, with no loading indicator.
    let (slow, slow_net, _) = client(vec![]);
    slow_net.held.set(true);
    let page = mount_signed_in_by_page(slow);
    assert_eq!(page.until_count("[data-testid=review-item]", 2).await, 2, "shown before Graph answered");
    assert_eq!(page.count(".loading"), 0);
    assert_eq!(slow_net.sent.borrow().len(), 1, "and the page reads for itself");
    drop(page);
    // Graph answers: its list replaces the one read ahead, and is kept for the next visit.
    let (graph, net, _) = client(reads(false, vec![person("pat", "Pat Doe", "NotReviewed", "Deny")]));
    let page = mount_signed_in_by_page(graph);
    assert_eq!(page.until_count("[data-testid=review-item]", 1).await, 1, "Graph's answer replaced the list");
    assert_eq!(net.sent.borrow().len(), 4);
    assert_eq!(crate::state::REVIEWS_AHEAD.with(|a| a.get("")).unwrap()[0].items.len(), 1);
}
