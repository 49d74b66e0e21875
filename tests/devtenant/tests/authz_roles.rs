//! Who reads the tenant-wide entitlement collections and who may reprocess, by role: a directory
//! role (alex) everything; catalog roles (sara reads the partner catalog, oskar owns the general
//! one) their catalogs, filtered to a package where Graph's pages say so; anyone else Graph's
//! refusal — with the same token permissions throughout, so the role alone decides.

mod ar;
mod common;
mod em;

use common::*;
use em::*;
use reqwest::StatusCode;
use serde_json::Value;

const ALL_EM: &str = "EntitlementManagement.ReadWrite.All";

fn token(t: &TestTenant, who: &str) -> String {
    minted_token(t, who, ALL_EM)
}

async fn status(t: &TestTenant, who: &str, path: &str) -> StatusCode {
    graph_get(t, &token(t, who), path).await.status()
}

fn ids(page: &Value) -> Vec<String> {
    page["value"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_string()).collect()
}

fn by_package(set: &str, package: &str) -> String {
    format!("{EM}/{set}?$filter=accessPackage/id%20eq%20'{}'", package_id(package))
}

#[tokio::test]
async fn authz_roles_catalogs_are_read_by_directory_roles_and_by_their_own_catalog_roles() {
    let t = start().await;
    let names = |v: &Value| {
        let mut n: Vec<String> =
            v["value"].as_array().unwrap().iter().map(|c| c["displayName"].as_str().unwrap().to_string()).collect();
        n.sort();
        n
    };
    let all = json_ok(&t, &token(&t, "alex@contoso.com"), &format!("{EM}/catalogs")).await;
    assert_eq!(names(&all), ["General", "Partner collaboration"]);
    let own = json_ok(&t, &token(&t, "oskar@contoso.com"), &format!("{EM}/catalogs")).await;
    assert_eq!(names(&own), ["General"]);
    let own = json_ok(&t, &token(&t, "sara@contoso.com"), &format!("{EM}/catalogs")).await;
    assert_eq!(names(&own), ["Partner collaboration"]);
    for nobody in ["maja@contoso.com", "pat@fabrikam.com"] {
        let r = graph_get(&t, &token(&t, nobody), &format!("{EM}/catalogs")).await;
        assert_graph_error(r, 403, "Forbidden").await;
    }
}

#[tokio::test]
async fn authz_roles_policies_as_a_list_are_for_directory_roles_only() {
    let t = start().await;
    assert_eq!(status(&t, "alex@contoso.com", &format!("{EM}/assignmentPolicies")).await, 200);
    for who in ["oskar@contoso.com", "sara@contoso.com", "maja@contoso.com", "pat@fabrikam.com"] {
        let r = graph_get(&t, &token(&t, who), &format!("{EM}/assignmentPolicies")).await;
        let body = assert_graph_error(r, 403, "Forbidden").await;
        assert!(body["error"]["message"].as_str().unwrap().len() > 20, "{who}: {body}");
    }
    // What Graph sends catalog roles to instead: their packages with the policies expanded.
    let oskar = token(&t, "oskar@contoso.com");
    let tools =
        json_ok(&t, &oskar, &format!("{EM}/accessPackages/{}?$expand=assignmentPolicies", package_id(TOOLS))).await;
    assert_eq!(tools["assignmentPolicies"][0]["displayName"], "Employees");
}

#[tokio::test]
async fn authz_roles_catalog_roles_must_filter_requests_and_assignments_to_a_package_of_their_catalog() {
    let t = start().await;
    for set in ["assignmentRequests", "assignments"] {
        // A directory role needs no filter.
        assert_eq!(status(&t, "alex@contoso.com", &format!("{EM}/{set}")).await, 200, "{set}");
        // Catalog roles: no filter, a filter that does not pin the package, or another catalog's
        // package are refused; their own package is answered.
        let refused = [
            ("sara@contoso.com", format!("{EM}/{set}")),
            ("sara@contoso.com", format!("{EM}/{set}?$filter=state%20eq%20'delivered'")),
            (
                "sara@contoso.com",
                format!("{EM}/{set}?$filter=accessPackage/id%20eq%20'{}'%20or%20state%20eq%20'x'", package_id(PORTAL)),
            ),
            ("sara@contoso.com", by_package(set, TOOLS)),
            ("oskar@contoso.com", by_package(set, PORTAL)),
            ("oskar@contoso.com", format!("{EM}/{set}?$filter=accessPackage/id%20eq%20'not-a-package'")),
            ("maja@contoso.com", by_package(set, TOOLS)),
            ("pat@fabrikam.com", by_package(set, PORTAL)),
        ];
        for (who, path) in refused {
            let r = graph_get(&t, &token(&t, who), &path).await;
            assert_graph_error(r, 403, "Forbidden").await;
        }
        let answered = [
            ("sara@contoso.com", by_package(set, PORTAL)),
            ("oskar@contoso.com", by_package(set, TOOLS)),
            (
                "sara@contoso.com",
                format!(
                    "{EM}/{set}?$filter=accessPackage/id%20in%20('{}','{}')%20and%20state%20in%20('delivered','denied')",
                    package_id(PORTAL),
                    package_id(FABRIKAM)
                ),
            ),
        ];
        for (who, path) in answered {
            assert_eq!(status(&t, who, &path).await, 200, "{who} {path}");
        }
    }
    // What a catalog reader gets is exactly the package's: pat's one portal request.
    let sara = token(&t, "sara@contoso.com");
    let requests =
        json_ok(&t, &sara, &format!("{}&$expand=accessPackage", by_package("assignmentRequests", PORTAL))).await;
    assert_eq!(requests["value"].as_array().unwrap().len(), 1, "{requests}");
    assert_eq!(requests["value"][0]["accessPackage"]["displayName"], PORTAL);
}

#[tokio::test]
async fn authz_roles_reprocess_needs_a_directory_role_or_a_managing_catalog_role() {
    let t = start().await;
    let alex = token(&t, "alex@contoso.com");
    let failed =
        json_ok(&t, &alex, &format!("{EM}/assignmentRequests?$filter=state%20eq%20'partiallyDelivered'")).await;
    let id = ids(&failed).pop().expect("the demo's partially delivered build farm");
    let reprocess = format!("{EM}/assignmentRequests/{id}/reprocess");
    // A catalog reader of another catalog, people without roles, and a token without
    // ReadWrite.All are refused, and nothing changes.
    for who in ["sara@contoso.com", "maja@contoso.com", "pat@fabrikam.com"] {
        let r = graph_post(&t, &token(&t, who), &reprocess, &serde_json::json!({})).await;
        assert_graph_error(r, 403, "Forbidden").await;
    }
    let read_only = minted_token(&t, "oskar@contoso.com", "EntitlementManagement.Read.All");
    let r = graph_post(&t, &read_only, &reprocess, &serde_json::json!({})).await;
    assert_graph_error(r, 403, "Authorization_RequestDenied").await;
    assert_eq!(request(&t, &alex, &id).await["state"], "partiallyDelivered");
    // The owner of its catalog may.
    let r = graph_post(&t, &token(&t, "oskar@contoso.com"), &reprocess, &serde_json::json!({})).await;
    assert_eq!(r.status(), 202);
    assert_eq!(request(&t, &alex, &id).await["state"], "delivered");
}

/// Access reviews by role, with the same token permissions throughout: the reviewer (pat, on his
/// self-review) reads and decides his item and whom the review asked; a directory administrator
/// reads everything and alone resets decisions and sends reminders, but decides nothing he does
/// not review; anyone else is refused.
#[tokio::test]
async fn authz_roles_access_reviews_are_for_their_reviewers_and_administrators() {
    let t = start().await;
    let review = ar::portal_review();
    let scopes = "AccessReview.ReadWrite.All";
    let reads = [
        format!("{}/definitions/{}", ar::AR, review.definition),
        review.instance_path(),
        review.item_path(),
        format!("{}/contactedReviewers", review.instance_path()),
    ];
    let decide = serde_json::json!({"decision": "Deny", "justification": "x"});
    let reset = format!("{}/resetDecisions", review.instance_path());
    let remind = format!("{}/sendReminder", review.instance_path());
    // (who, reads, PATCH, reset and reminder)
    for (who, read, patch, resets) in [
        (ar::PAT, 200, 204, 403),
        ("alex@contoso.com", 200, 403, 204),
        ("sara@contoso.com", 403, 403, 403),
        ("maja@contoso.com", 403, 403, 403),
    ] {
        let token = minted_token(&t, who, scopes);
        for path in &reads {
            assert_eq!(graph_get(&t, &token, path).await.status(), read, "{who} GET {path}");
        }
        assert_eq!(graph_patch(&t, &token, &review.item_path(), &decide).await.status(), patch, "{who} PATCH");
        for action in [&reset, &remind] {
            let r = graph_post(&t, &token, action, &serde_json::json!({})).await;
            assert_eq!(r.status(), resets, "{who} {action}");
            if resets == 403 {
                assert_graph_error(r, 403, "Forbidden").await;
            }
        }
    }
}

/// An administrator's review actions by role: stopping a review and applying its decisions need
/// a directory role; its reviewer, someone who reviews another review and anyone else are
/// refused with 403 `Forbidden` before its status is looked at, the administrator gets the
/// status rule (a review in progress is stopped, then is no longer `Completed` to apply).
#[tokio::test]
async fn authz_roles_only_administrators_stop_a_review_and_apply_its_decisions() {
    let t = start().await;
    let review = ar::portal_review();
    let stop = format!("{}/stop", review.instance_path());
    let apply = format!("{}/applyDecisions", review.instance_path());
    let body = serde_json::json!({});
    for who in [ar::PAT, "sara@contoso.com", "maja@contoso.com"] {
        let token = minted_token(&t, who, "AccessReview.ReadWrite.All");
        for action in [&stop, &apply] {
            assert_graph_error(graph_post(&t, &token, action, &body).await, 403, "Forbidden").await;
        }
    }
    let alex = minted_token(&t, "alex@contoso.com", "AccessReview.ReadWrite.All");
    assert_graph_error(graph_post(&t, &alex, &apply, &body).await, 400, "BadRequest").await;
    assert_eq!(graph_post(&t, &alex, &stop, &body).await.status(), 204);
    assert_eq!(
        graph_get(&t, &alex, &review.instance_path()).await.json::<serde_json::Value>().await.unwrap()["status"],
        "Applied"
    );
}
