//! Access reviews read by a reviewer over HTTP: the demo's self-review of Partner portal and
//! quarterly sponsor review of Fabrikam delivery project, `filterByCurrentUser(on='reviewer')`
//! on definitions, instances and decisions, GETs by id, who may read them, the scopes they
//! need, recommendations from recorded sign-ins, and the same calls inside `$batch`.

mod ar;
mod common;
mod em;

use ar::*;
use common::*;
use em::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_partner_finds_his_self_review_with_a_deny_recommendation_from_his_last_sign_in() {
    let t = start().await;
    let pat = minted_token(&t, PAT, READ);
    let now = t.running.tenant.now();
    let review = portal_review();
    let defs = json_ok(&t, &pat, &format!("{AR}/definitions/{MINE}")).await;
    let list = defs["value"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{defs}");
    let d = &list[0];
    assert_eq!(d["id"], review.definition.as_str());
    assert_eq!(d["displayName"], "Partner portal: Connected organizations");
    assert_eq!(d["status"], "InProgress");
    assert_eq!(d["reviewers"], json!([]), "a self-review names no reviewers");
    assert_eq!(d["settings"]["defaultDecision"], "Recommendation");
    assert_eq!(d["settings"]["autoApplyDecisionsEnabled"], true);
    assert_eq!(d["settings"]["justificationRequiredOnApproval"], true);
    assert_eq!(d["settings"]["recommendationLookBackDuration"], "P30D");
    conforms(d, "accessReviewScheduleDefinition");

    let instances = json_ok(&t, &pat, &format!("{AR}/definitions/{}/instances/{MINE}", review.definition)).await;
    let i = &instances["value"][0];
    assert_eq!(instances["value"].as_array().unwrap().len(), 1);
    assert_eq!(i["id"], review.instance.as_str());
    assert_eq!(i["status"], "InProgress");
    assert_about(&i["startDateTime"], now - 5 * 86_400, "started 5 days ago");
    assert_about(&i["endDateTime"], now + 16 * 86_400, "ends well after any journey's clock");
    conforms(i, "accessReviewInstance");

    let items = json_ok(&t, &pat, &format!("{}/decisions/{MINE}?$expand=insights", review.instance_path())).await;
    let items = items["value"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let x = &items[0];
    assert_eq!(x["id"], review.pat_item.as_str());
    assert_eq!(x["accessReviewId"], review.instance.as_str());
    assert_eq!(x["principal"]["userPrincipalName"], PAT_UPN);
    assert_eq!(x["resource"]["type"], "AccessPackageAssignmentPolicy");
    assert_eq!(x["resource"]["accessPackageId"], package_id(PORTAL));
    assert_eq!(x["decision"], "NotReviewed");
    assert_eq!(x["applyResult"], "New");
    assert_eq!(x["reviewedBy"]["id"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(x["recommendation"], "Deny", "no sign-in within 30 days before the review started");
    let insight = &x["insights"][0];
    assert_eq!(insight["@odata.type"], "#microsoft.graph.userSignInInsight");
    assert_about(&insight["lastSignInDateTime"], now - 45 * 86_400, "the seeded sign-in");
    conforms(x, "accessReviewInstanceDecisionItem");

    // Without `$expand`, no insights; by id, the same item.
    let one = json_ok(&t, &pat, &review.item_path()).await;
    assert!(one.get("insights").is_none());
    assert_eq!(one["recommendation"], "Deny");
    let selected = json_ok(&t, &pat, &format!("{}?$select=id,decision", review.item_path())).await;
    assert_eq!(selected.as_object().unwrap().keys().filter(|k| !k.starts_with('@')).count(), 2, "{selected}");
    assert_eq!(
        json_ok(&t, &pat, &format!("{AR}/definitions/{}", review.definition)).await["id"],
        review.definition.as_str()
    );
    assert_eq!(json_ok(&t, &pat, &review.instance_path()).await["status"], "InProgress");
}

#[tokio::test]
async fn the_sponsor_review_is_seeded_quarterly_and_reviews_only_assignments_made_before_it_started() {
    let t = start().await;
    let alex = minted_token(&t, "alex@contoso.com", READ);
    let def = definition_of_policy(FABRIKAM, "Fabrikam partners");
    let d = json_ok(&t, &alex, &format!("{AR}/definitions/{def}")).await;
    assert_eq!(d["settings"]["recurrence"]["pattern"]["type"], "absoluteMonthly");
    assert_eq!(d["settings"]["recurrence"]["pattern"]["interval"], 3);
    assert_eq!(d["settings"]["defaultDecision"], "Deny", "removeAccess when nobody answers");
    assert_eq!(d["reviewers"][0]["query"], "./sponsors");
    let admin = minted_token(&t, "alex@contoso.com", "EntitlementManagement.Read.All");
    let policy =
        json_ok(&t, &admin, &format!("{EM}/assignmentPolicies/{}", policy_id(FABRIKAM, "Fabrikam partners"))).await;
    let rs = &policy["reviewSettings"];
    assert_eq!(rs["isEnabled"], true);
    assert_eq!(rs["schedule"]["expiration"]["duration"], "P30D");
    assert_eq!(rs["primaryReviewers"][0]["@odata.type"], "#microsoft.graph.internalSponsors");
    conforms(&policy, "accessPackageAssignmentPolicy");
    // robin held the package before it started, lena (waiting for approval) does not: sara,
    // Fabrikam's internal sponsor, reviews robin alone, and the administrator reviews nothing in it.
    let sara = minted_token(&t, "sara@contoso.com", READ);
    let mine = json_ok(&t, &sara, &format!("{AR}/definitions/{MINE}")).await;
    let ids: Vec<&str> = mine["value"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [def.as_str()]);
    let first = instance_id(&def, 0);
    let now = t.running.tenant.now();
    let items =
        json_ok(&t, &sara, &format!("{AR}/definitions/{def}/instances/{first}/decisions/{MINE}?$expand=insights"))
            .await;
    let items = items["value"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    let x = &items[0];
    assert_eq!(x["id"], decision_id(&first, ROBIN_UPN).as_str());
    assert_eq!(x["principal"]["displayName"], "Robin Berg");
    assert_eq!(x["resource"]["accessPackageId"], package_id(FABRIKAM));
    assert_eq!(x["recommendation"], "Approve", "signed in two days before the review began");
    assert_about(&x["insights"][0]["lastSignInDateTime"], now - 12 * 86_400, "the seeded sign-in");
    let alex_items = json_ok(&t, &alex, &format!("{AR}/definitions/{def}/instances/{first}/decisions/{MINE}")).await;
    assert_eq!(alex_items["value"], json!([]), "a fallback reviewer only when the sponsors resolve to nobody");
}

#[tokio::test]
async fn reading_needs_an_access_review_scope_and_being_a_reviewer_or_an_administrator() {
    let t = start().await;
    let review = portal_review();
    let paths = [
        format!("{AR}/definitions/{MINE}"),
        format!("{AR}/definitions/{}", review.definition),
        review.instance_path(),
        format!("{}/decisions/{MINE}", review.instance_path()),
        review.item_path(),
    ];
    let without = minted_token(&t, PAT, "User.Read EntitlementManagement.ReadWrite.All");
    let with_write = minted_token(&t, PAT, WRITE);
    for p in &paths {
        assert_graph_error(graph_get(&t, &without, p).await, 403, "Authorization_RequestDenied").await;
        json_ok(&t, &with_write, p).await;
    }
    // Someone who reviews none of it: their own lists are empty, the objects refused.
    let sara = minted_token(&t, "sara@contoso.com", READ);
    assert_eq!(json_ok(&t, &sara, &paths[3]).await["value"], json!([]));
    for p in &paths[1..3].iter().chain([&paths[4]]).cloned().collect::<Vec<_>>() {
        assert_graph_error(graph_get(&t, &sara, p).await, 403, "Forbidden").await;
    }
    // A directory administrator reads them.
    let alex = minted_token(&t, "alex@contoso.com", READ);
    assert_eq!(json_ok(&t, &alex, &review.item_path()).await["principal"]["userPrincipalName"], PAT_UPN);
    // No token at all.
    let r = http().get(format!("{}{}", t.graph, paths[0])).send().await.unwrap();
    assert_graph_error(r, 401, "InvalidAuthenticationToken").await;
}

#[tokio::test]
async fn bad_keys_and_query_options_are_graphs_400_and_unknown_ones_404() {
    let t = start().await;
    let pat = minted_token(&t, PAT, READ);
    let review = portal_review();
    let unknown = "11111111-2222-3333-4444-555555555555";
    for (path, status, code) in [
        (format!("{AR}/definitions/not-a-guid"), 400, "BadRequest"),
        (format!("{AR}/definitions/{unknown}"), 404, "ResourceNotFound"),
        (format!("{AR}/definitions/{}/instances/{unknown}", review.definition), 404, "ResourceNotFound"),
        (format!("{}/decisions/{unknown}", review.instance_path()), 404, "ResourceNotFound"),
        (format!("{}/decisions/x'y", review.instance_path()), 400, "BadRequest"),
        (format!("{AR}/definitions/filterByCurrentUser(on='approver')"), 400, "BadRequest"),
        (format!("{AR}/definitions/filterByCurrentUser()"), 400, "BadRequest"),
        (format!("{AR}/definitions/{MINE}?$filter=descriptionForAdmins eq 'x'"), 400, "BadRequest"),
        (format!("{AR}/definitions/{MINE}?$search=x"), 400, "BadRequest"),
        (format!("{}/decisions/{MINE}?$select=nope", review.instance_path()), 400, "BadRequest"),
        (format!("{}/decisions/{MINE}?$expand=principal", review.instance_path()), 400, "BadRequest"),
        (format!("{}/decisions/{MINE}?$top=0", review.instance_path()), 400, "BadRequest"),
        (format!("{}/decisions/{MINE}?$filter=decision eq", review.instance_path()), 400, "BadRequest"),
    ] {
        assert_graph_error(graph_get(&t, &pat, &path).await, status, code).await;
    }
    // Filters the reviewer's screen uses.
    let open = json_ok(
        &t,
        &pat,
        &format!("{AR}/definitions/{}/instances/{MINE}?$filter=status eq 'InProgress'", review.definition),
    )
    .await;
    assert_eq!(open["value"].as_array().unwrap().len(), 1);
    let done = json_ok(
        &t,
        &pat,
        &format!("{AR}/definitions/{}/instances/{MINE}?$filter=status eq 'Completed'", review.definition),
    )
    .await;
    assert_eq!(done["value"], json!([]));
    let counted = json_ok(
        &t,
        &pat,
        &format!("{}/decisions/{MINE}?$filter=decision eq 'NotReviewed'&$count=true", review.instance_path()),
    )
    .await;
    assert_eq!(counted["@odata.count"], 1);
}

#[tokio::test]
async fn recommendations_come_from_the_sign_ins_the_tenant_records() {
    // A guest review of Partner portal readers that starts tomorrow: pat signs in today.
    let scenario = format!(
        "{}\n[[guest_reviews]]\ndisplay_name = \"Portal guests\"\ngroup = \"Partner portal readers\"\nstarted_days_ago = -1\nreviewers = [{{ type = \"singleUser\", user = \"sara@contoso.com\" }}]\n",
        demo_scenario_text()
    );
    let t = start_with(&scenario, ":memory:").await;
    let guests = format!("{AR}/definitions/{MINE}?$filter=displayName eq 'Portal guests'");
    let sara = minted_token(&t, "sara@contoso.com", READ);
    assert_eq!(json_ok(&t, &sara, &guests).await["value"], json!([]), "not started yet");
    access_token(&t, PAT, "User.Read").await;
    let signed_in = t.running.tenant.now();
    t.advance_clock(86_400 + 60).await;
    let sara = minted_token(&t, "sara@contoso.com", READ);
    let defs = json_ok(&t, &sara, &guests).await;
    let def = defs["value"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(defs["value"][0]["settings"]["justificationRequiredOnApproval"], false);
    let items = json_ok(
        &t,
        &sara,
        &format!("{AR}/definitions/{def}/instances/{}/decisions/{MINE}?$expand=insights", instance_id(&def, 0)),
    )
    .await;
    let x = &items["value"][0];
    assert_eq!(x["principal"]["userPrincipalName"], PAT_UPN, "{items}");
    assert_eq!(x["resource"]["type"], "Group");
    assert_eq!(x["recommendation"], "Approve", "signed in within 30 days of the start");
    let last = x["insights"][0]["lastSignInDateTime"].as_str().unwrap();
    let last = chrono::DateTime::parse_from_rfc3339(last).unwrap().timestamp();
    assert!((last - signed_in).abs() <= 2, "{last} vs {signed_in}");
    conforms(x, "accessReviewInstanceDecisionItem");
}

#[tokio::test]
async fn the_reviewers_calls_work_inside_batch() {
    let t = start().await;
    let pat = minted_token(&t, PAT, WRITE);
    let review = portal_review();
    let base = "/identityGovernance/accessReviews";
    let item = review.item_path().replace("/v1.0", "");
    let body = json!({"requests": [
        {"id": "1", "method": "GET", "url": format!("{base}/definitions/{MINE}")},
        {"id": "2", "method": "PATCH", "url": item, "headers": {"Content-Type": "application/json"},
         "body": {"decision": "Deny", "justification": "No longer on the project."}},
        {"id": "3", "method": "GET", "url": item, "dependsOn": ["2"]},
    ]});
    let r: Value = graph_post(&t, &pat, "/v1.0/$batch", &body).await.json().await.unwrap();
    let by_id = |id: &str| r["responses"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap().clone();
    assert_eq!(by_id("1")["status"], 200, "{r}");
    assert_eq!(by_id("2")["status"], 204, "{r}");
    assert_eq!(by_id("3")["body"]["decision"], "Deny", "{r}");
}
