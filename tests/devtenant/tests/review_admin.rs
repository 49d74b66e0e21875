//! An administrator's actions on an access review instance over HTTP: `stop` ends one in
//! progress at once, as its end would (default decision, results applied where they apply
//! automatically) while the series goes on; `applyDecisions` carries out a completed one's
//! decisions; `sendReminder` is accepted for one in progress. Each is refused to anyone without a
//! directory role (reviewers included), in the wrong status, without the write scope, and for
//! unknown or malformed ids; a refusal changes nothing.

mod ar;
mod common;
mod em;

use ar::*;
use common::*;
use em::*;
use serde_json::{Value, json};

const DAY: i64 = 86_400;
const ALEX: &str = "alex@contoso.com";
const ROBIN: &str = "robin@fabrikam.com";

/// The demo's quarterly review of Fabrikam delivery project: definition and its first instance.
fn sponsor_review() -> (String, String) {
    let def = definition_of_policy(FABRIKAM, "Fabrikam partners");
    let first = instance_id(&def, 0);
    (def, first)
}

fn instance_path(def: &str, instance: &str) -> String {
    format!("{AR}/definitions/{def}/instances/{instance}")
}

async fn act(t: &TestTenant, who: &str, instance: &str, action: &str) -> reqwest::Response {
    graph_post(t, &minted_token(t, who, WRITE), &format!("{instance}/{action}"), &json!({})).await
}

/// The state of robin's Fabrikam delivery project assignment, as an administrator reads it.
async fn robins_assignment(t: &TestTenant) -> String {
    let alex = minted_token(t, ALEX, "EntitlementManagement.Read.All");
    let robin = user_id(ROBIN_UPN);
    let list = json_ok(t, &alex, &format!("{EM}/assignments?$filter=target/objectid%20eq%20'{robin}'")).await;
    list["value"][0]["state"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn stopping_a_review_ends_it_now_applies_the_default_decision_and_the_series_goes_on() {
    let t = start().await;
    let (def, first) = sponsor_review();
    let path = instance_path(&def, &first);
    assert!(members_of(&t, "Fabrikam project team").contains(&ROBIN.to_string()));
    assert_eq!(act(&t, ALEX, &path, "stop").await.status(), 204);
    let now = t.running.tenant.now();

    let alex = minted_token(&t, ALEX, READ);
    let i = json_ok(&t, &alex, &path).await;
    assert_eq!(i["status"], "Applied", "completed, and its results apply automatically (an access package review)");
    assert_about(&i["endDateTime"], now, "it ended when it was stopped");
    let sara = minted_token(&t, "sara@contoso.com", WRITE);
    let item = format!("{path}/decisions/{}", decision_id(&first, ROBIN_UPN));
    let x = json_ok(&t, &sara, &item).await;
    assert_eq!(x["decision"], "Deny", "unanswered: the review's default decision (removeAccess)");
    assert_eq!(x["reviewedBy"]["id"], "00000000-0000-0000-0000-000000000000", "decided by the system");
    assert_eq!(x["applyResult"], "AppliedSuccessfully");
    assert_eq!(x["appliedDateTime"], i["endDateTime"]);
    assert_eq!(robins_assignment(&t).await, "expired", "the denied assignment is removed");
    assert!(!members_of(&t, "Fabrikam project team").contains(&ROBIN.to_string()), "with what it granted");
    // Input is closed.
    let r = patch_decision(&t, &sara, &item, "Approve", Some("Still on the project.")).await;
    assert_graph_error(r, 403, "Forbidden").await;

    // The series goes on: the next quarter's instance starts three months after this one began.
    let second = instance_id(&def, 1);
    let next = json_ok(&t, &alex, &instance_path(&def, &second)).await;
    assert_eq!(next["status"], "NotStarted");
    let started = |v: &Value| chrono::DateTime::parse_from_rfc3339(v["startDateTime"].as_str().unwrap()).unwrap();
    assert_eq!(started(&next).date_naive(), (started(&i) + chrono::Months::new(3)).date_naive());
    assert_eq!(json_ok(&t, &alex, &format!("{AR}/definitions/{def}")).await["status"], "NotStarted");
    // Only an instance in progress stops: not this one again, nor the next before it starts.
    assert_graph_error(act(&t, ALEX, &path, "stop").await, 400, "BadRequest").await;
    assert_graph_error(act(&t, ALEX, &instance_path(&def, &second), "stop").await, 400, "BadRequest").await;
}

#[tokio::test]
async fn a_decision_recorded_before_the_stop_is_the_one_applied() {
    let t = start().await;
    let review = portal_review();
    let pat = minted_token(&t, PAT, WRITE);
    let r = patch_decision(&t, &pat, &review.item_path(), "Approve", Some("I read the portal every week.")).await;
    assert_eq!(r.status(), 204);
    assert_eq!(act(&t, ALEX, &review.instance_path(), "stop").await.status(), 204);
    let x = json_ok(&t, &pat, &review.item_path()).await;
    assert_eq!((x["decision"].as_str(), x["applyResult"].as_str()), (Some("Approve"), Some("AppliedSuccessfully")));
    assert_eq!(x["reviewedBy"]["userPrincipalName"], PAT_UPN, "his decision, not a default");
    assert!(members_of(&t, "Partner portal readers").contains(&PAT.to_string()), "approved: kept");
    let d = json_ok(&t, &pat, &format!("{AR}/definitions/{}", review.definition)).await;
    assert_eq!(d["status"], "Completed", "a one-time review has no next instance");
}

#[tokio::test]
async fn only_an_administrator_with_the_write_scope_stops_applies_or_reminds() {
    let t = start().await;
    let review = portal_review();
    let path = review.instance_path();
    let before = t.running.tenant.store.dump().unwrap();
    for action in ["stop", "applyDecisions", "sendReminder"] {
        // The reviewer himself, someone else, and a reviewer of another review: no directory role.
        for who in [PAT, "sara@contoso.com", "maja@contoso.com"] {
            assert_graph_error(act(&t, who, &path, action).await, 403, "Forbidden").await;
        }
        let read_only = minted_token(&t, ALEX, READ);
        let r = graph_post(&t, &read_only, &format!("{path}/{action}"), &json!({})).await;
        assert_graph_error(r, 403, "Authorization_RequestDenied").await;
        let r = http().post(format!("{}{path}/{action}", t.graph)).send().await.unwrap();
        assert_graph_error(r, 401, "InvalidAuthenticationToken").await;
    }
    assert_eq!(t.running.tenant.store.dump().unwrap(), before, "refusals changed nothing");
    let pat = minted_token(&t, PAT, READ);
    assert_eq!(json_ok(&t, &pat, &path).await["status"], "InProgress");
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404_and_400() {
    let t = start().await;
    let review = portal_review();
    let unknown = "11111111-2222-3333-4444-555555555555";
    let before = t.running.tenant.store.dump().unwrap();
    for action in ["stop", "applyDecisions", "sendReminder"] {
        for (path, status, code) in [
            (format!("{AR}/definitions/{}/instances/{unknown}", review.definition), 404, "ResourceNotFound"),
            (format!("{AR}/definitions/{unknown}/instances/{}", review.instance), 404, "ResourceNotFound"),
            (format!("{AR}/definitions/{}/instances/not-a-guid", review.definition), 400, "BadRequest"),
            (format!("{AR}/definitions/nope/instances/{}", review.instance), 400, "BadRequest"),
        ] {
            assert_graph_error(act(&t, ALEX, &path, action).await, status, code).await;
        }
        // Another definition's instance is not found under this one.
        let (def, first) = sponsor_review();
        let mixed = format!("{AR}/definitions/{def}/instances/{}", review.instance);
        assert_graph_error(act(&t, ALEX, &mixed, action).await, 404, "ResourceNotFound").await;
        let r = graph_post(
            &t,
            &minted_token(&t, ALEX, WRITE),
            &format!("{}/{action}", instance_path(&def, &first)),
            &json!({"decision": "Deny"}),
        )
        .await;
        assert_graph_error(r, 400, "BadRequest").await;
    }
    assert_eq!(t.running.tenant.store.dump().unwrap(), before);
}

fn with_guest_review(auto_apply: bool) -> String {
    format!(
        "{}\n[[guest_reviews]]\ndisplay_name = \"Portal guests\"\ngroup = \"Partner portal readers\"\nduration = \"P5D\"\nreviewers = [{{ type = \"singleUser\", user = \"sara@contoso.com\" }}]\ndefault_decision = \"Deny\"\nauto_apply = {auto_apply}\n",
        demo_scenario_text()
    )
}

fn guest_review() -> (String, String) {
    let def = devtenant::scenario::derived_id("accessReviewScheduleDefinition", "Portal guests");
    let first = instance_id(&def, 0);
    (def, first)
}

#[tokio::test]
async fn an_administrator_applies_the_decisions_of_a_completed_review_once() {
    let t = start_with(&with_guest_review(false), ":memory:").await;
    let (def, first) = guest_review();
    let path = instance_path(&def, &first);
    // In progress: nothing to apply yet.
    assert_graph_error(act(&t, ALEX, &path, "applyDecisions").await, 400, "BadRequest").await;
    t.advance_clock(5 * DAY + 60).await;
    let sara = minted_token(&t, "sara@contoso.com", READ);
    let item = format!("{path}/decisions/{}", decision_id(&first, PAT_UPN));
    assert_eq!(json_ok(&t, &sara, &path).await["status"], "Completed");
    assert_eq!(json_ok(&t, &sara, &item).await["applyResult"], "New", "results do not apply automatically");
    assert!(members_of(&t, "Partner portal readers").contains(&PAT.to_string()));
    // Its reviewer may not apply it.
    assert_graph_error(act(&t, "sara@contoso.com", &path, "applyDecisions").await, 403, "Forbidden").await;

    assert_eq!(act(&t, ALEX, &path, "applyDecisions").await.status(), 204);
    let now = t.running.tenant.now();
    assert_eq!(json_ok(&t, &sara, &path).await["status"], "Applied");
    let x = json_ok(&t, &sara, &item).await;
    assert_eq!((x["decision"].as_str(), x["applyResult"].as_str()), (Some("Deny"), Some("AppliedSuccessfully")));
    assert_about(&x["appliedDateTime"], now, "applied when the administrator asked");
    assert!(!members_of(&t, "Partner portal readers").contains(&PAT.to_string()), "denied: out of the group");
    // Once: an applied instance is no longer `Completed`.
    assert_graph_error(act(&t, ALEX, &path, "applyDecisions").await, 400, "BadRequest").await;
}

#[tokio::test]
async fn a_stopped_review_without_auto_apply_waits_for_apply_decisions() {
    let t = start_with(&with_guest_review(false), ":memory:").await;
    let (def, first) = guest_review();
    let path = instance_path(&def, &first);
    assert_eq!(act(&t, ALEX, &path, "stop").await.status(), 204);
    let sara = minted_token(&t, "sara@contoso.com", READ);
    assert_eq!(json_ok(&t, &sara, &path).await["status"], "Completed");
    assert!(members_of(&t, "Partner portal readers").contains(&PAT.to_string()), "not applied yet");
    assert_eq!(act(&t, ALEX, &path, "applyDecisions").await.status(), 204);
    assert!(!members_of(&t, "Partner portal readers").contains(&PAT.to_string()));
}

#[tokio::test]
async fn apply_decisions_is_refused_for_a_review_applied_automatically() {
    let t = start_with(&with_guest_review(true), ":memory:").await;
    let (def, first) = guest_review();
    let path = instance_path(&def, &first);
    t.advance_clock(5 * DAY + 60).await;
    let sara = minted_token(&t, "sara@contoso.com", READ);
    assert_eq!(json_ok(&t, &sara, &path).await["status"], "Applied");
    assert_graph_error(act(&t, ALEX, &path, "applyDecisions").await, 400, "BadRequest").await;
}

#[tokio::test]
async fn a_reminder_is_accepted_for_a_review_in_progress_and_changes_nothing() {
    let t = start().await;
    let review = portal_review();
    let before = t.running.tenant.store.dump().unwrap();
    let mails = outbox(&t).await.len();
    let r = http()
        .post(format!("{}{}/sendReminder", t.graph, review.instance_path()))
        .bearer_auth(minted_token(&t, ALEX, WRITE))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "no body is fine");
    assert_eq!(t.running.tenant.store.dump().unwrap(), before);
    assert_eq!(outbox(&t).await.len(), mails, "no mail");
    // Over: nobody is left to remind.
    t.advance_clock(17 * DAY).await;
    assert_graph_error(act(&t, ALEX, &review.instance_path(), "sendReminder").await, 400, "BadRequest").await;
}
