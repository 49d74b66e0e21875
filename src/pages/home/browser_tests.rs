//! The home page mounted in a shadow root over a scripted Graph: one `$batch` read, the sections
//! that have something shown, the count in the title, and an access ending soon extended in place.

use super::Home;
use crate::graph::fake::{answer, batch_answer, client};
use crate::graph::models::User;
use crate::pages::testing::mount;
use crate::state::{Inbox, Me, Waiting};
use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The signed-in person as the shell would have read them.
fn signed_in(guest: bool) {
    let user = User {
        id: "u".into(),
        display_name: Some("Sara Lindqvist".into()),
        user_type: Some(if guest { "Guest" } else { "Member" }.into()),
        ..Default::default()
    };
    provide_context(Me(crate::state::Reading::new(move || {
        let user = user.clone();
        async move { Ok(Some(user)) }
    })));
    reviews_wait(false);
}

/// What the account's check found about open reviews listing the person as a reviewer.
fn reviews_wait(reviews: bool) {
    provide_context(Inbox(crate::state::Reading::new(move || async move { Waiting { decisions: false, reviews } })));
}

/// An instant `days` from now, on the browser's clock.
fn in_days(days: f64) -> String {
    String::from(js_sys::Date::new(&(js_sys::Date::now() + days * 86_400_000.0).into()).to_iso_string())
}

#[wasm_bindgen_test]
async fn a_member_reads_everything_in_one_batch_and_the_title_counts_what_waits() {
    let empty = json!({"value": []});
    let decisions = json!({"value": [{"id": "r1", "state": "pendingApproval", "createdDateTime": in_days(-1.0),
        "accessPackage": {"id": "p", "displayName": "Fabrikam", "assignmentPolicies": [{"id": "pol",
            "requestApprovalSettings": {"stages": [{"durationBeforeAutomaticDenial": "P14D"}]}}]}}]});
    let approvals =
        json!({"value": [{"id": "r1", "stages": [{"id": "s1", "status": "InProgress", "assignedToMe": true}]}]});
    let (graph, net, _) = client(vec![batch_answer(&[
        ("requests", 200, empty.clone()),
        ("assignments", 200, empty),
        ("decisions", 200, decisions),
        ("approvals", 200, approvals),
    ])]);
    let page = mount(graph, || {
        signed_in(false);
        view! { <Home /> }
    });
    let count = page.find("[data-testid=decisions-count]").await;
    assert_eq!(count.get_attribute("data-count").as_deref(), Some("1"));
    page.find("[data-testid=decisions-nearest] time").await;
    assert_eq!(page.count("[data-testid=home-requests], [data-testid=home-ending], [data-testid=home-new]"), 0);
    assert_eq!(net.sent.borrow().len(), 1, "one round trip");
    assert_eq!(title(), "(1) Portier");
    drop(page);
    assert_eq!(title(), "Portier", "the count leaves with the page");
}

/// The page's title, whoever owns it.
fn title() -> String {
    web_sys::window().and_then(|w| w.document()).map(|d| d.title()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn embedded_in_someone_elses_page_the_host_title_is_left_alone() {
    let document = web_sys::window().and_then(|w| w.document()).unwrap();
    let before = document.title();
    document.set_title("Team 7 intranet");
    let empty = json!({"value": []});
    let decisions = json!({"value": [{"id": "r1", "state": "pendingApproval", "createdDateTime": in_days(-1.0),
        "accessPackage": {"id": "p", "displayName": "Fabrikam"}}]});
    let approvals =
        json!({"value": [{"id": "r1", "stages": [{"id": "s1", "status": "InProgress", "assignedToMe": true}]}]});
    let (graph, _, _) = client(vec![batch_answer(&[
        ("requests", 200, empty.clone()),
        ("assignments", 200, empty),
        ("decisions", 200, decisions),
        ("approvals", 200, approvals),
    ])]);
    let page = mount(graph, || {
        provide_context(crate::embed::Element {
            attributes: RwSignal::new(Default::default()),
            token_provider: RwSignal::new(None),
            base: StoredValue::new(String::new()),
        });
        signed_in(false);
        view! { <Home /> }
    });
    let count = page.find("[data-testid=decisions-count]").await;
    assert_eq!(count.get_attribute("data-count").as_deref(), Some("1"), "the page counts what waits");
    assert_eq!(title(), "Team 7 intranet", "the host's title is the host's");
    drop(page);
    assert_eq!(title(), "Team 7 intranet");
    document.set_title(&before);
}

#[wasm_bindgen_test]
async fn access_ending_soon_is_extended_in_place() {
    let assignments = json!({"value": [{"id": "a1", "state": "delivered",
        "accessPackage": {"id": "p", "displayName": "Fabrikam workspace"},
        "schedule": {"expiration": {"type": "afterDateTime", "endDateTime": in_days(10.0)}},
        "assignmentPolicy": {"id": "pol", "requestorSettings": {"enableTargetsToSelfUpdateAccess": true}}}]});
    let (graph, net, _) = client(vec![
        batch_answer(&[("requests", 200, json!({"value": []})), ("assignments", 200, assignments)]),
        answer(201, &[], json!({"id": "x", "state": "submitted"})),
    ]);
    let page = mount(graph, || {
        signed_in(true);
        view! { <Home /> }
    });
    page.click("[data-testid=home-extend]").await;
    page.find("[data-testid=home-extended]").await;
    let sent = net.sent.borrow();
    assert!(sent[1].uri().path().ends_with("/assignmentRequests"), "{}", sent[1].uri());
    let body: Value = serde_json::from_slice(sent[1].body()).unwrap();
    assert_eq!((body["requestType"].as_str(), body["assignment"]["id"].as_str()), (Some("userExtend"), Some("a1")));
}

#[wasm_bindgen_test]
async fn open_reviews_are_offered_and_then_nothing_is_said_to_be_quiet() {
    let nothing = || {
        batch_answer(&[
            ("requests", 200, json!({"value": []})),
            ("assignments", 200, json!({"value": []})),
            ("decisions", 200, json!({"value": []})),
            ("approvals", 200, json!({"value": []})),
        ])
    };
    let (graph, net, _) = client(vec![nothing()]);
    let page = mount(graph, || {
        signed_in(false);
        reviews_wait(true);
        view! { <Home /> }
    });
    // In the element's memory routing a link has no address of its own: it is the reviews link
    // by its words.
    let link = page.find("[data-testid=home-reviews] a").await;
    assert_eq!(link.text_content().as_deref(), Some("Open your reviews"));
    assert_eq!(page.count("[data-testid=home-quiet]"), 0, "something waits");
    assert_eq!(net.sent.borrow().len(), 1, "the reviews cost the page no call of its own");
    drop(page);
    // Without open reviews, the same page is quiet.
    let (graph, _, _) = client(vec![nothing()]);
    let page = mount(graph, || {
        signed_in(false);
        view! { <Home /> }
    });
    page.find("[data-testid=home-quiet]").await;
    assert_eq!(page.count("[data-testid=home-reviews]"), 0);
}
