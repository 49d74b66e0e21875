//! The reviewer's lists over HTTP beyond the first page: `$skip` (with `$top`, `$count` and a
//! `@odata.nextLink` that carries `$skip` on) on the three `filterByCurrentUser(on='reviewer')`
//! lists, and an instance's `contactedReviewers` — the people it asks to review, each once, for
//! its reviewers and administrators.

mod ar;
mod common;
mod em;

use ar::*;
use common::*;
use em::*;
use serde_json::{Value, json};

const DAY: i64 = 86_400;
const SARA: &str = "sara@contoso.com";

/// The demo with robin in *Partner portal readers* too, a weekly review of that group's guests by
/// sara that began five weeks ago (six instances with two items each: pat and robin), and a
/// self-review of the same guests that begins at seeding.
fn weekly_guest_review() -> String {
    let demo = demo_scenario_text();
    let own = "members = [\"pat_fabrikam.com#EXT#@contoso.onmicrosoft.com\"]";
    assert_eq!(demo.matches(own).count(), 1);
    let both = "members = [\"pat_fabrikam.com#EXT#@contoso.onmicrosoft.com\", \"robin_fabrikam.com#EXT#@contoso.onmicrosoft.com\"]";
    format!(
        "{}\n[[guest_reviews]]\ndisplay_name = \"Portal guests\"\ngroup = \"Partner portal readers\"\nstarted_days_ago = 35\nduration = \"P5D\"\nrecurrence = {{ type = \"weekly\", interval = 1 }}\nreviewers = [{{ type = \"singleUser\", user = \"{SARA}\" }}]\n\n[[guest_reviews]]\ndisplay_name = \"Portal guests, self\"\ngroup = \"Partner portal readers\"\n",
        demo.replace(own, both)
    )
}

fn guest_definition() -> String {
    devtenant::scenario::derived_id("accessReviewScheduleDefinition", "Portal guests")
}

fn self_review_instance() -> String {
    let def = devtenant::scenario::derived_id("accessReviewScheduleDefinition", "Portal guests, self");
    format!("{AR}/definitions/{def}/instances/{}", instance_id(&def, 0))
}

fn ids(page: &Value) -> Vec<String> {
    page["value"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn skip_pages_the_instances_a_reviewer_reviews_and_the_next_link_skips_on() {
    let t = start_with(&weekly_guest_review(), ":memory:").await;
    let sara = minted_token(&t, SARA, READ);
    let def = guest_definition();
    let list = format!("{AR}/definitions/{def}/instances/{MINE}?$orderby=startDateTime");
    let all = ids(&json_ok(&t, &sara, &list).await);
    assert_eq!(all, (0..6).map(|n| instance_id(&def, n)).collect::<Vec<_>>(), "five past weeks and this one");

    let page = json_ok(&t, &sara, &format!("{list}&$skip=2&$top=2&$count=true")).await;
    assert_eq!(ids(&page), all[2..4]);
    assert_eq!(page["@odata.count"], 6, "the count ignores $skip and $top");
    let next = page["@odata.nextLink"].as_str().unwrap();
    assert!(next.starts_with(&t.graph), "{next}");
    assert!(next.contains("%24skip=4") && next.contains("%24top=2") && !next.contains("skiptoken"), "{next}");
    let page: Value = http().get(next).bearer_auth(&sara).send().await.unwrap().json().await.unwrap();
    assert_eq!(ids(&page), all[4..6]);
    assert!(page.get("@odata.nextLink").is_none(), "the last page: {page}");

    // Past the end: an empty page, not an error. `$skip=0` is the first page.
    for skip in ["6", "1000"] {
        let page = json_ok(&t, &sara, &format!("{list}&$skip={skip}")).await;
        assert_eq!(page["value"], json!([]));
        assert!(page.get("@odata.nextLink").is_none());
    }
    assert_eq!(ids(&json_ok(&t, &sara, &format!("{list}&$skip=0")).await), all);
}

#[tokio::test]
async fn skip_pages_definitions_and_decision_items_too() {
    let t = start_with(&weekly_guest_review(), ":memory:").await;
    let sara = minted_token(&t, SARA, READ);
    let defs = format!("{AR}/definitions/{MINE}?$orderby=displayName");
    let all = ids(&json_ok(&t, &sara, &defs).await);
    assert_eq!(all.len(), 2, "Fabrikam's quarterly review (robin) and the guest review");
    assert_eq!(ids(&json_ok(&t, &sara, &format!("{defs}&$skip=1")).await), all[1..]);

    let def = guest_definition();
    let current = instance_id(&def, 5);
    let items = format!("{AR}/definitions/{def}/instances/{current}/decisions/{MINE}");
    let all = json_ok(&t, &sara, &items).await;
    let names: Vec<&str> =
        all["value"].as_array().unwrap().iter().map(|x| x["principal"]["displayName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Pat Jansen", "Robin Berg"]);
    let page = json_ok(&t, &sara, &format!("{items}?$top=1&$skip=1&$select=id,principal")).await;
    assert_eq!(ids(&page), [all["value"][1]["id"].as_str().unwrap()]);
    assert!(page.get("@odata.nextLink").is_none());
    let page = json_ok(&t, &sara, &format!("{items}?$top=1&$skip=0")).await;
    assert!(page["@odata.nextLink"].as_str().unwrap().contains("%24skip=1"), "{page}");
}

#[tokio::test]
async fn skip_must_be_a_whole_number_and_is_not_mixed_with_a_skiptoken() {
    let t = start_with(&weekly_guest_review(), ":memory:").await;
    let sara = minted_token(&t, SARA, READ);
    let def = guest_definition();
    let list = format!("{AR}/definitions/{def}/instances/{MINE}");
    let token = json_ok(&t, &sara, &format!("{list}?$top=1")).await["@odata.nextLink"].as_str().unwrap().to_string();
    let skiptoken = token.split("%24skiptoken=").nth(1).unwrap().to_string();
    for query in
        ["$skip=-1", "$skip=x", "$skip=1.5", "$skip=", "$skip=1&$skip=2", &format!("$skip=1&$skiptoken={skiptoken}")]
    {
        assert_graph_error(graph_get(&t, &sara, &format!("{list}?{query}")).await, 400, "BadRequest").await;
    }
    // Entitlement management's lists take no `$skip`: Graph pages them with `@odata.nextLink`.
    let pat = minted_token(&t, PAT, "EntitlementManagement.Read.All");
    let r = graph_get(&t, &pat, &format!("{EM}/assignments/filterByCurrentUser(on='target')?$skip=1")).await;
    assert_graph_error(r, 400, "BadRequest").await;
}

#[tokio::test]
async fn contacted_reviewers_are_the_people_an_instance_asks_each_once() {
    let t = start_with(&weekly_guest_review(), ":memory:").await;
    let now = t.running.tenant.now();
    // The quarterly sponsor review: sara, for robin.
    let def = definition_of_policy(FABRIKAM, "Fabrikam partners");
    let first = instance_id(&def, 0);
    let path = format!("{AR}/definitions/{def}/instances/{first}/contactedReviewers");
    let sara = minted_token(&t, SARA, READ);
    let r = json_ok(&t, &sara, &path).await;
    let list = r["value"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{r}");
    assert_eq!(list[0]["id"], user_id(SARA).as_str());
    assert_eq!(list[0]["displayName"], "Sara Lindqvist");
    assert_eq!(list[0]["userPrincipalName"], SARA);
    assert_about(&list[0]["createdDateTime"], now - 10 * DAY, "asked when the review began");
    conforms(&list[0], "accessReviewReviewer");
    assert!(r["@odata.context"].as_str().unwrap().contains("contactedReviewers"), "{r}");

    // Two items, one reviewer: listed once. A self-review asks each reviewed person.
    let guests = guest_definition();
    let current = instance_id(&guests, 5);
    let r = json_ok(&t, &sara, &format!("{AR}/definitions/{guests}/instances/{current}/contactedReviewers")).await;
    assert_eq!(r["value"].as_array().unwrap().len(), 1, "{r}");
    let pat = minted_token(&t, PAT, READ);
    let contacted = format!("{}/contactedReviewers", self_review_instance());
    let r = json_ok(&t, &pat, &contacted).await;
    let upns: Vec<&str> =
        r["value"].as_array().unwrap().iter().map(|v| v["userPrincipalName"].as_str().unwrap()).collect();
    assert_eq!(upns, [PAT_UPN, ROBIN_UPN], "pat and robin review themselves");

    // Query options, as Graph documents for this list.
    let r = json_ok(&t, &pat, &format!("{contacted}?$select=displayName&$count=true")).await;
    assert_eq!(r["@odata.count"], 2);
    assert_eq!(r["value"][0].as_object().unwrap().keys().collect::<Vec<_>>(), ["displayName"], "{r}");
    let one = format!("{contacted}?$filter=startswith(displayName,'Robin')&$orderby=displayName desc");
    assert_eq!(ids(&json_ok(&t, &pat, &one).await), [user_id(ROBIN_UPN)]);
    let skipped = json_ok(&t, &pat, &format!("{contacted}?$orderby=displayName&$skip=1&$top=1")).await;
    assert_eq!(skipped["value"][0]["displayName"], "Robin Berg");
    for query in ["$expand=x", "$filter=mail eq 'x'", "$orderby=mail", "$select=colour", "$skip=-1", "$search=x"] {
        let r = graph_get(&t, &pat, &format!("{contacted}?{query}")).await;
        assert_graph_error(r, 400, "BadRequest").await;
    }
}

#[tokio::test]
async fn contacted_reviewers_are_read_by_reviewers_and_administrators_with_a_review_scope() {
    let t = start().await;
    let review = portal_review();
    let path = format!("{}/contactedReviewers", review.instance_path());
    // (who, status): the reviewer, an administrator, a reviewer of another review, anyone else.
    for (who, status) in [(PAT, 200), ("alex@contoso.com", 200), (SARA, 403), ("maja@contoso.com", 403)] {
        let r = graph_get(&t, &minted_token(&t, who, WRITE), &path).await;
        assert_eq!(r.status(), status, "{who}");
        if status == 403 {
            assert_graph_error(r, 403, "Forbidden").await;
        }
    }
    let without = minted_token(&t, "alex@contoso.com", "User.Read EntitlementManagement.ReadWrite.All");
    assert_graph_error(graph_get(&t, &without, &path).await, 403, "Authorization_RequestDenied").await;
    let unknown = "11111111-2222-3333-4444-555555555555";
    let alex = minted_token(&t, "alex@contoso.com", READ);
    for (path, status, code) in [
        (
            format!("{AR}/definitions/{}/instances/{unknown}/contactedReviewers", review.definition),
            404,
            "ResourceNotFound",
        ),
        (format!("{AR}/definitions/{}/instances/x/contactedReviewers", review.definition), 400, "BadRequest"),
        (
            format!("{AR}/definitions/{unknown}/instances/{}/contactedReviewers", review.instance),
            404,
            "ResourceNotFound",
        ),
    ] {
        assert_graph_error(graph_get(&t, &alex, &path).await, status, code).await;
    }
}

#[tokio::test]
async fn an_instance_not_started_has_contacted_nobody_yet() {
    let t = start().await;
    let def = definition_of_policy(FABRIKAM, "Fabrikam partners");
    let first = format!("{AR}/definitions/{def}/instances/{}", instance_id(&def, 0));
    let alex = minted_token(&t, "alex@contoso.com", WRITE);
    assert_eq!(graph_post(&t, &alex, &format!("{first}/stop"), &json!({})).await.status(), 204);
    let next = format!("{AR}/definitions/{def}/instances/{}/contactedReviewers", instance_id(&def, 1));
    assert_eq!(json_ok(&t, &alex, &next).await["value"], json!([]));
    // The stopped one still names whom it asked.
    let r = json_ok(&t, &alex, &format!("{first}/contactedReviewers")).await;
    assert_eq!(r["value"][0]["userPrincipalName"], SARA);
}
