//! The reviewer's writes over HTTP and their rules: PATCH of a decision, `batchRecordDecisions`,
//! `acceptRecommendations` and `resetDecisions` — only a reviewer decides, approval needs a
//! justification where the review requires one, the last decision wins, resetting is an
//! administrator's, bodies are read strictly, and a refused write changes nothing.

mod ar;
mod common;
mod em;

use ar::*;
use common::*;
use em::*;
use serde_json::{Value, json};

async fn item(t: &TestTenant, token: &str) -> Value {
    json_ok(t, token, &portal_review().item_path()).await
}

#[tokio::test]
async fn the_reviewer_decides_and_approval_needs_a_justification() {
    let t = start().await;
    let pat = minted_token(&t, PAT, WRITE);
    let path = portal_review().item_path();
    let r = patch_decision(&t, &pat, &path, "Approve", None).await;
    assert_graph_error(r, 400, "BadRequest").await;
    let r = patch_decision(&t, &pat, &path, "Approve", Some("   ")).await;
    assert_graph_error(r, 400, "BadRequest").await;
    assert_eq!(item(&t, &pat).await["decision"], "NotReviewed", "a refused write changes nothing");

    let r = patch_decision(&t, &pat, &path, "Approve", Some("Still on the Fabrikam account.")).await;
    assert_eq!(r.status(), 204);
    let x = item(&t, &pat).await;
    assert_eq!(x["decision"], "Approve");
    assert_eq!(x["justification"], "Still on the Fabrikam account.");
    assert_eq!(x["reviewedBy"]["userPrincipalName"], PAT_UPN);
    assert_about(&x["reviewedDateTime"], t.running.tenant.now(), "decided now");
    conforms(&x, "accessReviewInstanceDecisionItem");

    // Changeable until the end; the last decision wins. Deny and DontKnow need no reason.
    for decision in ["Deny", "dontknow"] {
        assert_eq!(patch_decision(&t, &pat, &path, decision, None).await.status(), 204);
    }
    let x = item(&t, &pat).await;
    assert_eq!(x["decision"], "DontKnow");
    assert_eq!(x["justification"], "");
}

#[tokio::test]
async fn only_a_reviewer_with_the_write_scope_decides() {
    let t = start().await;
    let path = portal_review().item_path();
    let body = Some("x");
    let read_only = minted_token(&t, PAT, READ);
    assert_graph_error(patch_decision(&t, &read_only, &path, "Deny", body).await, 403, "Authorization_RequestDenied")
        .await;
    for who in ["sara@contoso.com", "alex@contoso.com"] {
        // Not a reviewer of the item (an administrator included).
        let token = minted_token(&t, who, WRITE);
        assert_graph_error(patch_decision(&t, &token, &path, "Deny", body).await, 403, "Forbidden").await;
        let batch = format!("{}/batchRecordDecisions", portal_review().instance_path());
        let r = graph_post(&t, &token, &batch, &json!({"decision": "Deny"})).await;
        assert_graph_error(r, 403, "Forbidden").await;
        let accept = format!("{}/acceptRecommendations", portal_review().instance_path());
        assert_graph_error(graph_post(&t, &token, &accept, &json!({})).await, 403, "Forbidden").await;
    }
    let pat = minted_token(&t, PAT, READ);
    assert_eq!(item(&t, &pat).await["decision"], "NotReviewed");
}

#[tokio::test]
async fn batch_decisions_take_the_reviewers_items_of_a_principal_or_resource() {
    let t = start().await;
    let pat = minted_token(&t, PAT, WRITE);
    let review = portal_review();
    let batch = format!("{}/batchRecordDecisions", review.instance_path());
    // Someone else's principal id matches none of pat's items: nothing changes.
    let r =
        graph_post(&t, &pat, &batch, &json!({"decision": "Deny", "principalId": user_id("sara@contoso.com")})).await;
    assert_eq!(r.status(), 204);
    assert_eq!(item(&t, &pat).await["decision"], "NotReviewed");
    let r = graph_post(&t, &pat, &batch, &json!({"decision": "Approve", "principalId": user_id(PAT_UPN)})).await;
    assert_graph_error(r, 400, "BadRequest").await;
    let policy = policy_id(PORTAL, "Connected organizations");
    let body = json!({"decision": "Approve", "justification": "Needed.", "principalId": user_id(PAT_UPN), "resourceId": policy});
    assert_eq!(graph_post(&t, &pat, &batch, &body).await.status(), 204);
    assert_eq!(item(&t, &pat).await["decision"], "Approve");
    // Without filters: all of the caller's items.
    assert_eq!(graph_post(&t, &pat, &batch, &json!({"decision": "Deny"})).await.status(), 204);
    assert_eq!(item(&t, &pat).await["decision"], "Deny");
}

#[tokio::test]
async fn accepting_recommendations_decides_only_what_is_undecided() {
    let t = start().await;
    let pat = minted_token(&t, PAT, WRITE);
    let review = portal_review();
    let accept = format!("{}/acceptRecommendations", review.instance_path());
    let r = http().post(format!("{}{accept}", t.graph)).bearer_auth(&pat).send().await.unwrap();
    assert_eq!(r.status(), 204, "no body is fine");
    let x = item(&t, &pat).await;
    assert_eq!((x["decision"].as_str(), x["recommendation"].as_str()), (Some("Deny"), Some("Deny")));
    assert_eq!(x["reviewedBy"]["userPrincipalName"], PAT_UPN);
    // A decided item keeps its decision.
    let path = review.item_path();
    assert_eq!(patch_decision(&t, &pat, &path, "Approve", Some("I use it weekly.")).await.status(), 204);
    assert_eq!(graph_post(&t, &pat, &accept, &json!({})).await.status(), 204);
    assert_eq!(item(&t, &pat).await["decision"], "Approve");
    let r = graph_post(&t, &pat, &accept, &json!({"decision": "Deny"})).await;
    assert_graph_error(r, 400, "BadRequest").await;
}

#[tokio::test]
async fn resetting_decisions_is_for_administrators() {
    let t = start().await;
    let pat = minted_token(&t, PAT, WRITE);
    let review = portal_review();
    assert_eq!(patch_decision(&t, &pat, &review.item_path(), "Deny", None).await.status(), 204);
    let reset = format!("{}/resetDecisions", review.instance_path());
    assert_graph_error(graph_post(&t, &pat, &reset, &json!({})).await, 403, "Forbidden").await;
    assert_eq!(item(&t, &pat).await["decision"], "Deny");
    let alex_read = minted_token(&t, "alex@contoso.com", READ);
    assert_graph_error(graph_post(&t, &alex_read, &reset, &json!({})).await, 403, "Authorization_RequestDenied").await;
    let alex = minted_token(&t, "alex@contoso.com", WRITE);
    assert_eq!(graph_post(&t, &alex, &reset, &json!({})).await.status(), 204);
    let x = item(&t, &pat).await;
    assert_eq!(x["decision"], "NotReviewed");
    assert_eq!(x["reviewedDateTime"], Value::Null);
    assert_eq!(x["reviewedBy"]["id"], "00000000-0000-0000-0000-000000000000");
}

#[tokio::test]
async fn bad_bodies_and_keys_are_refused_and_write_nothing() {
    let t = start().await;
    let pat = minted_token(&t, PAT, WRITE);
    let review = portal_review();
    let before = t.running.tenant.store.dump().unwrap();
    let path = review.item_path();
    let batch = format!("{}/batchRecordDecisions", review.instance_path());
    for (url, body) in [
        (&path, json!({"decision": "Maybe"})),
        (&path, json!({"decision": "NotReviewed"})),
        (&path, json!({"justification": "no decision"})),
        (&path, json!({"decision": "Deny", "reviewedBy": "me"})),
        (&path, json!({"decision": 1})),
        (&path, json!(["Deny"])),
        (&batch, json!({"decision": "Deny", "principalId": 7})),
        (&batch, json!({"decision": "Deny", "target": "x"})),
    ] {
        let r = if url == &batch {
            graph_post(&t, &pat, url, &body).await
        } else {
            graph_patch(&t, &pat, url, &body).await
        };
        assert_graph_error(r, 400, "BadRequest").await;
    }
    let r = http()
        .patch(format!("{}{path}", t.graph))
        .bearer_auth(&pat)
        .body("{\"decision\":")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_graph_error(r, 400, "BadRequest").await;
    let r = http().patch(format!("{}{path}", t.graph)).bearer_auth(&pat).body("decision=Deny").send().await.unwrap();
    assert_graph_error(r, 415, "BadRequest").await;
    let unknown = "11111111-2222-3333-4444-555555555555";
    let r = patch_decision(&t, &pat, &format!("{}/decisions/{unknown}", review.instance_path()), "Deny", None).await;
    assert_graph_error(r, 404, "ResourceNotFound").await;
    let r = patch_decision(&t, &pat, &format!("{}/decisions/nope", review.instance_path()), "Deny", None).await;
    assert_graph_error(r, 400, "BadRequest").await;
    let r = graph_post(
        &t,
        &pat,
        &format!("{AR}/definitions/{}/instances/{unknown}/acceptRecommendations", review.definition),
        &json!({}),
    )
    .await;
    assert_graph_error(r, 404, "ResourceNotFound").await;
    assert_eq!(t.running.tenant.store.dump().unwrap(), before, "refusals wrote nothing");
}
