//! Access reviews on the tenant's clock, moved by `/_dev/clock`: instances start and end by
//! their schedule; at the end the default decision (where enabled) and applying the results
//! (where enabled: a denied assignment is removed with what it granted, a denied guest leaves
//! the group); nothing is decided after the end; a recurring review opens its next instance,
//! whose items have reviewers resolved then (sponsors) and recommendations from sign-ins.

mod ar;
mod common;
mod em;

use ar::*;
use common::*;
use em::*;
use serde_json::{Value, json};

const DAY: i64 = 86_400;

async fn pats_portal_state(t: &TestTenant) -> String {
    let pat = minted_token(t, PAT, "EntitlementManagement.Read.All");
    let mine =
        json_ok(t, &pat, &format!("{EM}/assignments/filterByCurrentUser(on='target')?$expand=accessPackage")).await;
    let a = mine["value"].as_array().unwrap().iter().find(|a| a["accessPackage"]["displayName"] == PORTAL).cloned();
    a.map(|a| a["state"].as_str().unwrap().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn an_unanswered_self_review_applies_its_deny_recommendation_at_the_end() {
    // The portal group without pat among its own members: his membership is the assignment's.
    let demo = demo_scenario_text();
    let own = "description = \"Read access to the partner portal.\"\nmembers = [\"pat_fabrikam.com#EXT#@contoso.onmicrosoft.com\"]";
    assert!(demo.contains(own));
    let t = start_with(&demo.replace(own, "description = \"Read access to the partner portal.\""), ":memory:").await;
    let review = portal_review();
    t.advance_clock(15 * DAY).await;
    assert_eq!(pats_portal_state(&t).await, "delivered", "the demo's review has not ended a day before");
    assert!(members_of(&t, "Partner portal readers").contains(&PAT.to_string()));
    t.advance_clock(DAY + 60).await;
    let pat = minted_token(&t, PAT, WRITE);
    let i = json_ok(&t, &pat, &review.instance_path()).await;
    assert_eq!(i["status"], "Applied");
    let x = json_ok(&t, &pat, &review.item_path()).await;
    assert_eq!(x["decision"], "Deny", "the recommendation, as expirationBehavior asks");
    assert_eq!(x["applyResult"], "AppliedSuccessfully");
    assert_eq!(x["appliedDateTime"], i["endDateTime"]);
    assert_eq!(x["reviewedBy"]["id"], "00000000-0000-0000-0000-000000000000", "decided by the system");
    assert_eq!(pats_portal_state(&t).await, "expired", "the denied assignment is removed");
    assert!(!members_of(&t, "Partner portal readers").contains(&PAT.to_string()), "and what it granted");
    let d = json_ok(&t, &pat, &format!("{AR}/definitions/{}", review.definition)).await;
    assert_eq!(d["status"], "Completed", "a one-time review is over");
    // Nothing is decided after the end.
    let r = patch_decision(&t, &pat, &review.item_path(), "Approve", Some("Too late")).await;
    assert_graph_error(r, 403, "Forbidden").await;
    let accept = format!("{}/acceptRecommendations", review.instance_path());
    assert_graph_error(graph_post(&t, &pat, &accept, &json!({})).await, 403, "Forbidden").await;
    let alex = minted_token(&t, "alex@contoso.com", WRITE);
    let reset = format!("{}/resetDecisions", review.instance_path());
    assert_graph_error(graph_post(&t, &alex, &reset, &json!({})).await, 403, "Forbidden").await;
}

#[tokio::test]
async fn an_approval_before_the_end_keeps_the_access() {
    let t = start().await;
    let review = portal_review();
    let pat = minted_token(&t, PAT, WRITE);
    let r = patch_decision(&t, &pat, &review.item_path(), "Approve", Some("I read the portal every week.")).await;
    assert_eq!(r.status(), 204);
    t.advance_clock(17 * DAY).await;
    let pat = minted_token(&t, PAT, READ);
    let x = json_ok(&t, &pat, &review.item_path()).await;
    assert_eq!((x["decision"].as_str(), x["applyResult"].as_str()), (Some("Approve"), Some("AppliedSuccessfully")));
    assert_eq!(x["reviewedBy"]["userPrincipalName"], PAT_UPN);
    assert_eq!(pats_portal_state(&t).await, "delivered");
    assert!(members_of(&t, "Partner portal readers").contains(&PAT.to_string()));
}

fn with_guest_review(extra: &str) -> String {
    format!(
        "{}\n[[guest_reviews]]\ndisplay_name = \"Portal guests\"\ngroup = \"Partner portal readers\"\nduration = \"P5D\"\nreviewers = [{{ type = \"singleUser\", user = \"sara@contoso.com\" }}]\ndefault_decision = \"Deny\"\n{extra}\n",
        demo_scenario_text()
    )
}

async fn sara_instances(t: &TestTenant, def: &str) -> Vec<Value> {
    let sara = minted_token(t, "sara@contoso.com", READ);
    let list = json_ok(t, &sara, &format!("{AR}/definitions/{def}/instances/{MINE}?$orderby=startDateTime")).await;
    list["value"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_weekly_guest_review_recurs_and_its_default_deny_removes_the_guest_from_the_group() {
    let t = start_with(
        &with_guest_review("recurrence = { type = \"weekly\", interval = 1 }\nauto_apply = true"),
        ":memory:",
    )
    .await;
    let def = devtenant::scenario::derived_id("accessReviewScheduleDefinition", "Portal guests");
    let first = instance_id(&def, 0);
    let sara = minted_token(&t, "sara@contoso.com", WRITE);
    let item = format!("{AR}/definitions/{def}/instances/{first}/decisions/{}", decision_id(&first, PAT_UPN));
    assert_eq!(json_ok(&t, &sara, &item).await["principal"]["userPrincipalName"], PAT_UPN, "guests only: pat");
    // Approve needs no reason here (justification_required defaults to false for guest reviews).
    assert_eq!(patch_decision(&t, &sara, &item, "Approve", None).await.status(), 204);
    t.advance_clock(6 * DAY).await;
    let listed = sara_instances(&t, &def).await;
    assert_eq!(listed.len(), 1, "the next one has not started, so sara reviews nothing in it yet");
    assert_eq!(listed[0]["status"], "Applied");
    assert!(members_of(&t, "Partner portal readers").contains(&PAT.to_string()), "approved: kept");

    t.advance_clock(2 * DAY).await;
    let listed = sara_instances(&t, &def).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[1]["id"], instance_id(&def, 1).as_str());
    assert_eq!(listed[1]["status"], "InProgress");
    let start0 = chrono::DateTime::parse_from_rfc3339(listed[0]["startDateTime"].as_str().unwrap()).unwrap();
    let start1 = chrono::DateTime::parse_from_rfc3339(listed[1]["startDateTime"].as_str().unwrap()).unwrap();
    assert_eq!((start1 - start0).num_days(), 7, "weekly");
    let second = instance_id(&def, 1);
    let sara = minted_token(&t, "sara@contoso.com", READ);
    let items = json_ok(&t, &sara, &format!("{AR}/definitions/{def}/instances/{second}/decisions/{MINE}")).await;
    assert_eq!(items["value"][0]["decision"], "NotReviewed", "each instance is decided afresh");

    t.advance_clock(5 * DAY).await;
    let sara = minted_token(&t, "sara@contoso.com", READ);
    let x = json_ok(
        &t,
        &sara,
        &format!("{AR}/definitions/{def}/instances/{second}/decisions/{}", decision_id(&second, PAT_UPN)),
    )
    .await;
    assert_eq!((x["decision"].as_str(), x["applyResult"].as_str()), (Some("Deny"), Some("AppliedSuccessfully")));
    assert!(!members_of(&t, "Partner portal readers").contains(&PAT.to_string()), "denied by default: removed");
}

#[tokio::test]
async fn without_auto_apply_the_default_decision_is_recorded_but_not_carried_out() {
    let t = start_with(&with_guest_review(""), ":memory:").await;
    let def = devtenant::scenario::derived_id("accessReviewScheduleDefinition", "Portal guests");
    let first = instance_id(&def, 0);
    t.advance_clock(5 * DAY + 1).await;
    let sara = minted_token(&t, "sara@contoso.com", READ);
    let i = json_ok(&t, &sara, &format!("{AR}/definitions/{def}/instances/{first}")).await;
    assert_eq!(i["status"], "Completed");
    let x = json_ok(
        &t,
        &sara,
        &format!("{AR}/definitions/{def}/instances/{first}/decisions/{}", decision_id(&first, PAT_UPN)),
    )
    .await;
    assert_eq!((x["decision"].as_str(), x["applyResult"].as_str()), (Some("Deny"), Some("New")));
    assert!(members_of(&t, "Partner portal readers").contains(&PAT.to_string()));
    assert_eq!(sara_instances(&t, &def).await.len(), 1, "one-time: no next instance");
}

#[tokio::test]
async fn the_next_quarter_reviews_a_partner_approved_since_and_her_sponsor_reviews_her() {
    let t = start().await;
    // lena's seeded request: sara (stage 1, with a reason) and oskar (stage 2) approve it.
    let sara = minted_token(&t, "sara@contoso.com", "EntitlementManagement.ReadWrite.All");
    let pending =
        json_ok(&t, &sara, &format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')")).await;
    let id = pending["value"][0]["id"].as_str().unwrap().to_string();
    let stage = my_stage(&t, &sara, &id).await;
    assert_eq!(decide(&t, &sara, &id, &stage, "Approve", Some("Known to us.")).await.status(), 204);
    let oskar = minted_token(&t, "oskar@contoso.com", "EntitlementManagement.ReadWrite.All");
    let stage = my_stage(&t, &oskar, &id).await;
    assert_eq!(decide(&t, &oskar, &id, &stage, "Approve", None).await.status(), 204);
    t.advance_clock(120).await;
    assert!(members_of(&t, "Fabrikam project team").contains(&"lena@fabrikam.com".to_string()), "delivered");

    let def = definition_of_policy(FABRIKAM, "Fabrikam partners");
    let first = instance_id(&def, 0);
    let sara = minted_token(&t, "sara@contoso.com", READ);
    let items = json_ok(&t, &sara, &format!("{AR}/definitions/{def}/instances/{first}/decisions/{MINE}")).await;
    let names: Vec<&str> =
        items["value"].as_array().unwrap().iter().map(|x| x["principal"]["displayName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Robin Berg"], "lena got access after this review started");
    // The quarter after: the current review ends (20 days), the next starts three months after it began.
    t.advance_clock(85 * DAY).await;
    let alex = minted_token(&t, "alex@contoso.com", READ);
    assert_eq!(json_ok(&t, &alex, &format!("{AR}/definitions/{def}/instances/{first}")).await["status"], "Applied");
    let second = instance_id(&def, 1);
    let i = json_ok(&t, &alex, &format!("{AR}/definitions/{def}/instances/{second}")).await;
    assert_eq!(i["status"], "InProgress");
    let sara = minted_token(&t, "sara@contoso.com", READ);
    let mine = json_ok(&t, &sara, &format!("{AR}/definitions/{MINE}")).await;
    assert_eq!(mine["value"][0]["id"], def.as_str(), "Fabrikam's internal sponsor reviews its partners");
    let items =
        json_ok(&t, &sara, &format!("{AR}/definitions/{def}/instances/{second}/decisions/{MINE}?$expand=insights"))
            .await;
    let names: Vec<&str> =
        items["value"].as_array().unwrap().iter().map(|x| x["principal"]["displayName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Lena Fisk"], "robin, unreviewed, was denied by default and lost the access");
    let x = &items["value"][0];
    assert_eq!(x["recommendation"], "Deny", "she never signed in");
    assert_eq!(x["insights"][0]["lastSignInDateTime"], Value::Null);
}
