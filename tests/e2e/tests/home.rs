//! The home page: what needs a person now, from one `$batch`. A sponsor sees the decision waiting
//! and the partner she invited who has not accepted; a partner sees his request in flight (who
//! decides, by when) and extends an access ending in ten days in place; a partner with nothing
//! yet learns what to do and searches; a throttled item of the batch is sent again and a failed
//! one is its own section's error; the page and the invite page each cost one round trip.

use anyhow::{Context, Result, ensure};
use fantoccini::{Client, Locator};
use harness::devtenant::faults::FaultSpec;
use harness::stack::StackOptions;
use portier_e2e::a11y::{axe, sideways_scroll};
use portier_e2e::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const EM: &str = "/identityGovernance/entitlementManagement";
const PAT: &str = "pat@fabrikam.com";
const SARA: &str = "sara@contoso.com";
const PILOT: &str = "Fabrikam pilot program";
const WORKSPACE: &str = "Fabrikam workspace";

/// Waits (up to 20 s) until `check` holds.
async fn until<F, Fut>(c: &Client, what: &str, check: F) -> Result<()>
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    let started = Instant::now();
    while !check(c.clone()).await? {
        if started.elapsed() > Duration::from_secs(20) {
            let main = c.find(Locator::Css("main")).await?.html(false).await.unwrap_or_default();
            anyhow::bail!("never: {what}; the page was:\n{main}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Waits until the reviews page's list has been read ahead (the account's check said a review
/// waits): its last read is the people's, `/users/{id}` in a batch, which nothing else here asks.
async fn reviews_read_ahead(c: &Client, w: &World) -> Result<()> {
    until(c, "the reviews read ahead", |_| async move {
        Ok(w.stack.tenant.tenant.log.since(0).iter().any(|e| e.batch_item && e.path.contains("/users/")))
    })
    .await
}

/// An ISO instant `days` from now, on the browser's clock (which the tenant shares).
async fn days_from_now(c: &Client, days: f64) -> Result<String> {
    let v = c.execute("return new Date(Date.now() + arguments[0] * 864e5).toISOString();", vec![json!(days)]).await?;
    Ok(v.as_str().context("an instant")?.to_string())
}

/// Pat's workspace, through Graph as Pat.
async fn workspace_assignment(w: &World) -> Result<Value> {
    let path = format!("{EM}/assignments/filterByCurrentUser(on='target')?$expand=accessPackage");
    let (_, list) = w.stack.graph_as(PAT, "GET", &path, None).await?;
    list["value"]
        .as_array()
        .and_then(|l| l.iter().find(|a| a["accessPackage"]["displayName"] == WORKSPACE).cloned())
        .context("pat's workspace")
}

/// Pat renews his workspace with a schedule of his own that ends in ten days (its policy lets
/// him choose), so that it is about to end.
async fn workspace_ends_in_ten_days(w: &World) -> Result<()> {
    let c = w.client();
    let id = workspace_assignment(w).await?["id"].as_str().context("its id")?.to_string();
    let (start, end) = (days_from_now(c, 0.0).await?, days_from_now(c, 10.0).await?);
    let body = json!({"requestType": "userUpdate", "assignment": {"id": id},
        "schedule": {"startDateTime": start, "expiration": {"type": "afterDateTime", "endDateTime": end}}});
    let (status, answer) = w.stack.graph_as(PAT, "POST", &format!("{EM}/assignmentRequests"), Some(body)).await?;
    ensure!(status == 201, "the renewal answered {status}: {answer}");
    let day = &end[..10];
    until(c, "the workspace ends in ten days", move |_| async move {
        let a = workspace_assignment(w).await?;
        Ok(a["schedule"]["expiration"]["endDateTime"].as_str().is_some_and(|e| e.starts_with(day)))
    })
    .await
}

/// The Graph calls (not preflights, not `$batch` items) in the tenant's log after `since`.
fn graph_calls(w: &World, since: u64) -> Vec<String> {
    w.stack
        .tenant
        .tenant
        .log
        .since(since)
        .iter()
        .filter(|e| !e.batch_item && e.method != "OPTIONS" && e.path.starts_with("/v1.0/"))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

fn last_seq(w: &World) -> u64 {
    w.stack.tenant.tenant.log.since(0).last().map_or(0, |e| e.seq)
}

#[tokio::test(flavor = "multi_thread")]
async fn home_sara_sees_a_decision_waiting_and_a_partner_she_invited_who_has_not_accepted() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/invite", SARA).await?;
    type_into(c, "#invite-email", "quinn@fabrikam.com").await?;
    type_into(c, "#invite-name", "Quinn Berg").await?;
    click(c, "[data-testid=invite]").await?;
    wait_for(c, "[data-testid=invitation]").await?;

    click(c, "header nav a[href='/']").await?;
    // Lena's request waits for Sara, the sponsor, at its first stage (14 days from yesterday).
    let count = wait_for(c, "[data-testid=home-decisions] [data-testid=decisions-count]").await?;
    assert_eq!(count.attr("data-count").await?.as_deref(), Some("1"));
    assert_eq!(count.text().await?, "One request waits for your decision.");
    let nearest =
        wait_for(c, "[data-testid=decisions-nearest] time").await?.attr("datetime").await?.unwrap_or_default();
    let (from, to) = (days_from_now(c, 12.5).await?, days_from_now(c, 13.5).await?);
    ensure!(from <= nearest && nearest <= to, "the deadline {nearest} is not 13 days away");
    let quinn = "[data-testid=home-invited-person][data-mail='quinn@fabrikam.com']";
    wait_for_text(c, quinn, "Quinn Berg").await?;
    // Her quarterly review of Fabrikam's partners is open (Robin): offered, not counted.
    wait_for(c, "[data-testid=home-reviews] a[href='/reviews']").await?;
    // Two things to act on: the decision and the invitation; the title says so.
    assert_eq!(wait_for(c, "[data-testid=home]").await?.attr("data-count").await?.as_deref(), Some("2"));
    until(c, "the count in the title", |c| async move { Ok(c.title().await?.starts_with("(2) ")) }).await?;

    // Invited again: Graph sends a new invitation to the same guest.
    let invitations = || {
        let log = w.stack.tenant.tenant.log.since(0);
        log.iter().filter(|e| e.method == "POST" && e.path == "/v1.0/invitations").count()
    };
    let before = invitations();
    click(c, &format!("{quinn} [data-testid=home-invite-again]")).await?;
    wait_for(c, "[data-testid=home-invited-again]").await?;
    assert_eq!(invitations(), before + 1);

    click(c, "[data-testid=home-decisions] a").await?;
    wait_for(c, "[data-testid=decision][data-requestor='lena@fabrikam.com']").await?;
    // Leaving the home page leaves the title as it was.
    until(c, "the title without a count", |c| async move { Ok(!c.title().await?.starts_with('(')) }).await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn home_pat_sees_his_request_in_flight_with_approver_and_deadline_and_extends_access_ending_in_ten_days()
-> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    w.open("/").await?;
    request_through_graph(&w, PAT, PILOT, "PRJ-3333", "Pat joins the pilot.").await?;
    workspace_ends_in_ten_days(&w).await?;
    click(c, "[data-testid=sign-in]").await?;
    sign_in_at_tenant(c, PAT).await?;

    let pilot = format!("[data-testid=home-request][data-package='{PILOT}'][data-state=pendingApproval]");
    wait_for_text(c, &format!("{pilot} .approvers"), "Partner approvers").await?;
    // The pilot's one stage is denied automatically two days after the request.
    let path = format!(
        "{EM}/assignmentRequests/filterByCurrentUser(on='target')?$expand=accessPackage&$orderby=createdDateTime%20desc"
    );
    let (_, mine) = w.stack.graph_as(PAT, "GET", &path, None).await?;
    let created = mine["value"]
        .as_array()
        .and_then(|l| l.iter().find(|r| r["state"] == "pendingApproval" && r["accessPackage"]["displayName"] == PILOT))
        .and_then(|r| r["createdDateTime"].as_str())
        .context("the pilot request")?
        .to_string();
    let deadline = wait_for(c, &format!("{pilot} .deadline time")).await?.attr("datetime").await?.unwrap_or_default();
    let days = c
        .execute(
            "return (Date.parse(arguments[0]) - Date.parse(arguments[1])) / 864e5;",
            vec![json!(deadline), json!(created)],
        )
        .await?;
    let days = days.as_f64().context("a number of days")?;
    // Within the second the deadline is written to.
    ensure!((days - 2.0).abs() < 2.0 / 86_400.0, "deadline {deadline} for a request of {created}");

    let workspace = format!("[data-testid=home-ending-item][data-package='{WORKSPACE}']");
    wait_for(c, &format!("{workspace} .ends time")).await?;
    click(c, &format!("{workspace} [data-testid=home-extend]")).await?;
    wait_for(c, &format!("{workspace} [data-testid=home-extended]")).await?;
    // Renewed under the policy: a year from now, no longer about to end.
    let year = days_from_now(c, 300.0).await?;
    let (world, year) = (&w, year.as_str());
    until(c, "the workspace renewed", move |_| async move {
        let a = workspace_assignment(world).await?;
        Ok(a["schedule"]["expiration"]["endDateTime"].as_str().is_some_and(|e| e > year))
    })
    .await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn home_partner_with_nothing_yet_sees_what_to_do_and_searches_the_catalog() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    w.open("/").await?;
    click(c, "[data-testid=sign-in]").await?;
    sign_up_nils(c).await?;
    wait_for(c, "[data-testid=home-new] h2").await?;
    for part in ["home-decisions", "home-requests", "home-ending", "home-invited", "home-quiet"] {
        ensure!(c.find(Locator::Css(&format!("[data-testid={part}]"))).await.is_err(), "{part} shown to a new partner");
    }
    type_into(c, "#home-search", "delivery").await?;
    click(c, "[data-testid=home-search-go]").await?;
    until(c, "the catalog's one result for the search", |c| async move {
        let cards = c.find_all(Locator::Css("[data-testid=package-card]")).await?;
        Ok(cards.len() == 1 && cards[0].text().await?.contains("Fabrikam delivery project"))
    })
    .await?;
    assert_eq!(c.current_url().await?.path(), "/packages");
    let typed = wait_for(c, "[data-testid=catalog-search]").await?.prop("value").await?;
    assert_eq!(typed.as_deref(), Some("delivery"));
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn home_a_throttled_batch_item_is_sent_again_and_a_failed_one_is_its_own_sections_error() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    w.open("/").await?;
    workspace_ends_in_ten_days(&w).await?;
    let faults = &w.stack.tenant.tenant.faults;
    let throttled = faults
        .add(serde_json::from_value::<FaultSpec>(json!({"method": "GET", "status": 429, "retryAfter": 1, "times": 1,
            "path": format!("/v1.0{EM}/assignments/filterByCurrentUser(on='target')")}))?)
        .map_err(anyhow::Error::msg)?;
    let failed = faults
        .add(serde_json::from_value::<FaultSpec>(json!({"method": "GET", "status": 500, "times": 1,
            "path": format!("/v1.0{EM}/assignmentRequests/filterByCurrentUser(on='target')")}))?)
        .map_err(anyhow::Error::msg)?;
    click(c, "[data-testid=sign-in]").await?;
    sign_in_at_tenant(c, PAT).await?;

    // The throttled part, sent again after its Retry-After, shows.
    wait_for(c, &format!("[data-testid=home-ending-item][data-package='{WORKSPACE}']")).await?;
    // The failed part is its section's error, with Graph's details and a way to try again.
    let log = || {
        let entries = w.stack.tenant.tenant.log.since(0);
        let line = |e: &harness::devtenant::faults::log::Entry| {
            format!("{} {} {} {}{}", e.seq, e.method, e.path, e.status, if e.batch_item { " (item)" } else { "" })
        };
        entries.iter().map(line).collect::<Vec<_>>().join("\n")
    };
    wait_for(c, "[data-testid=home-requests] .error-view h2").await.with_context(log)?;
    wait_for(c, "[data-testid=who-am-i] .display-name").await?;
    let hits = |id: u64| {
        let log = w.stack.tenant.tenant.log.since(0);
        log.iter().filter(|e| e.batch_item && e.fault.as_ref().is_some_and(|f| f.fault_id == id)).count()
    };
    assert_eq!((hits(throttled.id), hits(failed.id)), (1, 1));
    // The shell's checks are done once it offers Pat his review; then his reviews are read ahead.
    wait_for(c, "header nav a[href='/reviews']").await?;
    reviews_read_ahead(c, &w).await?;
    let batches = graph_calls(&w, 0).iter().filter(|l| l.as_str() == "POST /v1.0/$batch").count();
    // The shell's checks (the inbox in one batch; Pat's open self-review: a read of his reviews,
    // then one batch of their open instances and one of his items), the home page's batch, its
    // throttled item alone, and the reviews read ahead (a read of his reviews, then one batch
    // each of their instances, his items and the people).
    assert_eq!(batches, 8, "{:#?}", graph_calls(&w, 0));
    click(c, "[data-testid=home-requests] .error-view button").await?;
    wait_for(c, "[data-testid=home-ending-item]").await?;
    until(c, "the error gone after trying again", |c| async move {
        Ok(c.find(Locator::Css("[data-testid=home-requests] .error-view")).await.is_err())
    })
    .await?;
    w.end().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn home_and_invite_each_cost_one_graph_round_trip() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    sign_in_at(&w, "/", SARA).await?;
    wait_for(c, "[data-testid=home-decisions]").await?;
    // The shell's own reads are done once the inbox is offered, and the reviews read ahead.
    wait_for(c, "header nav a[href='/approvals']").await?;
    reviews_read_ahead(c, &w).await?;
    // On the first visit too, right after signing in, one batch: only the home page asks for
    // my assignments, once.
    let asked = w.stack.tenant.tenant.log.since(0);
    let asked =
        asked.iter().filter(|e| e.batch_item && e.path.ends_with("/assignments/filterByCurrentUser(on='target')"));
    assert_eq!(asked.count(), 1);

    // The invite page: every package Sara may attach (28 in the demo) in one page.
    let since = last_seq(&w);
    click(c, "header nav a[href='/invite']").await?;
    until(c, "the packages to attach", |c| async move {
        Ok(c.find_all(Locator::Css("input[data-package]")).await?.len() >= 20)
    })
    .await?;
    let calls = graph_calls(&w, since);
    assert_eq!(calls.len(), 1, "{calls:#?}");
    ensure!(calls[0].starts_with(&format!("GET /v1.0{EM}/accessPackages")), "{calls:#?}");

    // Back home through the app's navigation: one `$batch`.
    let since = last_seq(&w);
    click(c, "header nav a[href='/']").await?;
    wait_for(c, "[data-testid=home-decisions]").await?;
    assert_eq!(graph_calls(&w, since), ["POST /v1.0/$batch"]);
    w.end().await;
    Ok(())
}

/// The home page as it stands, on a phone, in both languages: no WCAG 2.2 AA violation and no
/// sideways scrolling; `ready` is what shows once its batch is read.
async fn accessible_in_both_languages(c: &Client, who: &str, ready: &str) -> Result<()> {
    for lang in ["en", "sv"] {
        click(c, &format!(".language-switch button[lang={lang}]")).await?;
        wait_for(c, &format!("html[lang={lang}] {ready}")).await?;
        let violations = axe(c).await?;
        ensure!(violations.is_empty(), "{who}'s home ({lang}): {violations:#?}");
        let over = sideways_scroll(c).await?;
        ensure!(over <= 0, "{who}'s home ({lang}) scrolls sideways by {over} px");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn home_meets_wcag_aa_on_a_phone_in_both_languages() -> Result<()> {
    let w = World::start(StackOptions::default()).await?;
    let c = w.client();
    c.set_window_size(375, 812).await?;
    // Sara: a decision waiting and someone she invited.
    sign_in_at(&w, "/invite", SARA).await?;
    type_into(c, "#invite-email", "quinn@fabrikam.com").await?;
    click(c, "[data-testid=invite]").await?;
    wait_for(c, "[data-testid=invitation]").await?;
    click(c, "header nav a[href='/']").await?;
    wait_for(c, "[data-testid=home-invited-person]").await?;
    accessible_in_both_languages(c, "Sara", "[data-testid=home-decisions]").await?;

    // Pat: a request in flight and access ending soon.
    request_through_graph(&w, PAT, PILOT, "PRJ-3333", "Pat joins the pilot.").await?;
    workspace_ends_in_ten_days(&w).await?;
    let pat = second_person_at(&w, "/", PAT).await?;
    pat.client.set_window_size(375, 812).await?;
    wait_for(&pat.client, "[data-testid=home-ending-item]").await?;
    accessible_in_both_languages(&pat.client, "Pat", "[data-testid=home-request]").await?;
    pat.close().await;

    // A partner with nothing yet: the start and the search.
    let nils = harness::browser::Browser::start(&[]).await?;
    nils.client.set_window_size(375, 812).await?;
    nils.client.goto(&format!("{}/", w.stack.app_url)).await?;
    click(&nils.client, "[data-testid=sign-in]").await?;
    sign_up_nils(&nils.client).await?;
    accessible_in_both_languages(&nils.client, "Nils", "[data-testid=home-new]").await?;
    nils.close().await;
    w.end().await;
    Ok(())
}
