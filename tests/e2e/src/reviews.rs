//! What the access review journeys share: Fabrikam partners who have held the Fabrikam package
//! since before its quarterly review began (one signed in lately, one not), finding a person's item on the reviews page, and reading a
//! decision back through Graph as the reviewer.

use crate::*;
use anyhow::{Context, Result, ensure};
use fantoccini::Client;
use serde_json::Value;

pub const FABRIKAM: &str = "Fabrikam delivery project";
pub const PORTAL: &str = "Partner portal";
pub const SARA: &str = "sara@contoso.com";
pub const PAT: &str = "pat@fabrikam.com";
pub const NOOR: &str = "noor@fabrikam.com";
pub const IVO: &str = "ivo@fabrikam.com";
const AR: &str = "/identityGovernance/accessReviews";

/// Scenario lines: a Fabrikam guest, last signed in `days` ago, who has held the Fabrikam
/// package for 40 days (since before its current review began, 10 days ago; Sara, the internal
/// sponsor, reviews them).
fn partner(login: &str, name: &str, days: u32) -> String {
    format!(
        r#"
[[users]]
user_principal_name = "{login}_fabrikam.com#EXT#@contoso.onmicrosoft.com"
mail = "{login}@fabrikam.com"
display_name = "{name}"
company_name = "Fabrikam"
user_type = "Guest"
external_user_state = "Accepted"
password = "{DEMO_PASSWORD}"
last_sign_in_days_ago = {days}

[[requests]]
requestor = "{login}@fabrikam.com"
access_package = "{FABRIKAM}"
state = "delivered"
justification = "Project work."
answers = {{ "Project code" = "PRJ-0100", "Your role in the project" = "developer" }}
days_ago = 40
"#
    )
}

/// Noor (no sign-in for 50 days: Graph recommends Deny) and Ivo (signed in 12 days ago, two
/// before the review began, whose recommendations read the sign-ins before it: Approve).
pub fn scenario() -> String {
    format!("{}{}", noor_only(), partner("ivo", "Ivo Sand", 12))
}

/// Noor alone in Sara's review: her item is the page's only one.
pub fn noor_only() -> String {
    partner("noor", "Noor Lind", 50)
}

/// The item of the person named `name` on the reviews page, as a selector.
pub async fn item_of(c: &Client, name: &str) -> Result<String> {
    let started = std::time::Instant::now();
    loop {
        for e in c.find_all(fantoccini::Locator::Css("[data-testid=review-item]")).await? {
            if e.text().await?.contains(name) {
                let id = e.attr("data-decision").await?.context("the item's data-decision")?;
                return Ok(format!("[data-testid=review-item][data-decision='{id}']"));
            }
        }
        ensure!(started.elapsed().as_secs() < 20, "no review item for {name}; the page was:\n{}", c.source().await?);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Graph as `user` with the reviewer's permission.
pub async fn reviews_as(w: &World, user: &str, method: &str, path: &str, body: Option<Value>) -> Result<(u16, Value)> {
    w.stack.graph_with(user, &["AccessReview.ReadWrite.All"], method, &format!("{AR}{path}"), body).await
}

/// Every decision item `reviewer` has in open reviews: (definition id, instance id, item).
pub async fn items_of(w: &World, reviewer: &str) -> Result<Vec<(String, String, Value)>> {
    let mut out = vec![];
    let (_, defs) = reviews_as(w, reviewer, "GET", "/definitions/filterByCurrentUser(on='reviewer')", None).await?;
    for d in defs["value"].as_array().cloned().unwrap_or_default() {
        let d = d["id"].as_str().unwrap_or_default().to_string();
        let path = format!("/definitions/{d}/instances/filterByCurrentUser(on='reviewer')");
        let (_, instances) = reviews_as(w, reviewer, "GET", &path, None).await?;
        for i in instances["value"].as_array().cloned().unwrap_or_default() {
            let i = i["id"].as_str().unwrap_or_default().to_string();
            let path = format!("/definitions/{d}/instances/{i}/decisions/filterByCurrentUser(on='reviewer')");
            let (_, items) = reviews_as(w, reviewer, "GET", &path, None).await?;
            for x in items["value"].as_array().cloned().unwrap_or_default() {
                out.push((d.clone(), i.clone(), x));
            }
        }
    }
    Ok(out)
}

/// The decision Graph holds on the item about the person whose sign-in name starts `login`.
pub async fn decision_on(w: &World, reviewer: &str, login: &str) -> Result<String> {
    let items = items_of(w, reviewer).await?;
    let item = items
        .iter()
        .find(|(_, _, x)| x["principal"]["userPrincipalName"].as_str().unwrap_or_default().starts_with(login))
        .with_context(|| format!("{reviewer} has no item about {login}"))?;
    Ok(item.2["decision"].as_str().unwrap_or_default().to_string())
}
