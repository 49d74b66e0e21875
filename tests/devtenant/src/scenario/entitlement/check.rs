//! Checks of the entitlement tables of a scenario: every name they refer to exists, enums and
//! durations are valid, regexes compile; errors carry a byte offset for the line number.

use super::{Expiration, Policy, QuestionKind, ResourceKind, Subject, TARGET_SCOPES};
use crate::scenario::Scenario;
use std::collections::HashSet;
use toml::Spanned;

/// Cross-references of the entitlement tables; the error carries a byte offset into the file.
pub fn check(s: &Scenario, known_user: &dyn Fn(&str) -> bool) -> Result<(), (usize, String)> {
    let has = |names: Vec<&String>, name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let groups: Vec<&String> = s.groups.iter().map(|g| &g.get_ref().display_name).collect();
    let orgs: Vec<&String> = s.connected_organizations.iter().map(|o| &o.get_ref().display_name).collect();
    let catalogs: Vec<&String> = s.catalogs.iter().map(|c| &c.get_ref().display_name).collect();
    if s.graph.page_size == 0 || s.graph.page_size > 999 {
        return Err((0, "graph.page_size must be from 1 to 999".into()));
    }
    let subject = |set: &Subject| -> Result<(), String> {
        match set {
            Subject::SingleUser { user } if !known_user(user) => Err(format!("user '{user}' is not in this scenario")),
            Subject::GroupMembers { group } if !has(groups.clone(), group) => {
                Err(format!("group '{group}' is not in this scenario"))
            }
            Subject::ConnectedOrganizationMembers { connected_organization: o } if !has(orgs.clone(), o) => {
                Err(format!("connected organization '{o}' is not in this scenario"))
            }
            Subject::RequestorManager { manager_level: Some(l) } if !(1..=2).contains(l) => {
                Err("manager_level must be 1 or 2".into())
            }
            _ => Ok(()),
        }
    };
    for c in &s.catalogs {
        let (at, cat) = (c.span().start, c.get_ref());
        if let Some((user, role)) = cat.role_holders().find(|(u, _)| !known_user(u)) {
            return Err((at, format!("catalog '{}': {role} '{user}' is not in this scenario", cat.display_name)));
        }
    }
    for r in &s.resources {
        let (at, res) = (r.span().start, r.get_ref());
        if !has(catalogs.clone(), &res.catalog) {
            return Err((
                at,
                format!("resource '{}': catalog '{}' is not in this scenario", res.display_name, res.catalog),
            ));
        }
        let group = res.group.as_ref().unwrap_or(&res.display_name);
        if res.kind == ResourceKind::Group && !has(groups.clone(), group) {
            return Err((at, format!("resource '{}': group '{group}' is not in this scenario", res.display_name)));
        }
        if res.roles.is_empty() {
            return Err((at, format!("resource '{}' needs at least one role", res.display_name)));
        }
    }
    let mut names = HashSet::new();
    for p in &s.access_packages {
        let (at, pkg) = (p.span().start, p.get_ref());
        let fail = |why: String| Err((at, format!("access package '{}': {why}", pkg.display_name)));
        if !names.insert(pkg.display_name.to_lowercase()) {
            return fail("appears twice".into());
        }
        if !has(catalogs.clone(), &pkg.catalog) {
            return fail(format!("catalog '{}' is not in this scenario", pkg.catalog));
        }
        for g in &pkg.grants {
            let res =
                s.resources.iter().map(Spanned::get_ref).find(|r| r.display_name.eq_ignore_ascii_case(&g.resource));
            match res {
                None => return fail(format!("resource '{}' is not in this scenario", g.resource)),
                Some(r) if !r.roles.iter().any(|x| x.eq_ignore_ascii_case(&g.role)) => {
                    return fail(format!("resource '{}' has no role '{}'", g.resource, g.role));
                }
                _ => {}
            }
        }
        if pkg.policies.is_empty() {
            return fail("needs at least one policy".into());
        }
        for pol in &pkg.policies {
            check_policy(pol, &subject).or_else(|why| fail(format!("policy '{}': {why}", pol.display_name)))?;
        }
    }
    for g in &s.generated_packages {
        let (at, generated) = (g.span().start, g.get_ref());
        if !generated.display_name.contains("{n}") || generated.count == 0 || generated.count > 100_000 {
            return Err((at, "generated_packages: display_name needs '{n}' and count must be 1 to 100000".into()));
        }
        if !has(catalogs.clone(), &generated.catalog)
            || !TARGET_SCOPES.contains(&generated.allowed_target_scope.as_str())
        {
            return Err((at, "generated_packages: unknown catalog or allowed_target_scope".into()));
        }
    }
    let packages = s.package_names();
    for r in &s.requests {
        let (at, req) = (r.span().start, r.get_ref());
        let fail = |why: String| Err((at, format!("request of '{}': {why}", req.requestor)));
        if !packages.contains(&req.access_package.to_lowercase()) {
            return fail(format!("access package '{}' is not in this scenario", req.access_package));
        }
        let states = ["pendingApproval", "delivered", "denied", "canceled", "partiallyDelivered", "deliveryFailed"];
        if !states.contains(&req.state.as_str()) {
            return fail(format!("state '{}' is not one of {}", req.state, states.join(", ")));
        }
        if req.state != "pendingApproval" && req.state != "denied" && req.state != "canceled" && req.count != 1 {
            return fail("a request that ends with access cannot repeat (count = 1)".into());
        }
        if !req.requestor.contains('@') || req.days_ago < 0 || req.count == 0 {
            return fail("requestor must be an address, days_ago ≥ 0 and count ≥ 1".into());
        }
    }
    Ok(())
}

fn check_policy(p: &Policy, subject: &dyn Fn(&Subject) -> Result<(), String>) -> Result<(), String> {
    if !TARGET_SCOPES.contains(&p.allowed_target_scope.as_str()) {
        return Err(format!(
            "allowed_target_scope '{}' is not one of {}",
            p.allowed_target_scope,
            TARGET_SCOPES.join(", ")
        ));
    }
    let specific = p.allowed_target_scope.starts_with("specific");
    if specific == p.specific_allowed_targets.is_empty() {
        return Err("specific_allowed_targets go with (and only with) a specific* allowed_target_scope".into());
    }
    p.specific_allowed_targets.iter().try_for_each(subject)?;
    if let Some(a) = &p.approval {
        if a.stages.is_empty() || a.stages.len() > 3 {
            return Err("approval needs one to three stages".into());
        }
        for st in &a.stages {
            for d in std::iter::once(&st.duration_before_automatic_denial).chain(&st.escalate_after) {
                crate::entitlement::duration_seconds(d)
                    .ok_or(format!("'{d}' is not an ISO 8601 duration in days/hours"))?;
            }
            if st.primary_approvers.is_empty() {
                return Err("every stage needs primary_approvers".into());
            }
            let all = [&st.primary_approvers, &st.fallback_primary_approvers, &st.escalation_approvers];
            all.into_iter().chain([&st.fallback_escalation_approvers]).flatten().try_for_each(subject)?;
        }
    }
    for q in &p.questions {
        if let Some(r) = &q.regex {
            regex::Regex::new(r).map_err(|e| format!("question '{}': bad regex: {e}", q.text))?;
        }
        if (q.kind == QuestionKind::Choice) == q.choices.is_empty() {
            return Err(format!("question '{}': choices go with (and only with) type = \"choice\"", q.text));
        }
    }
    if let Some(r) = &p.review {
        crate::scenario::reviews::check_assignment_review(r, subject)?;
    }
    match &p.expiration {
        Expiration::AfterDuration { duration } if crate::entitlement::duration_seconds(duration).is_none() => {
            Err(format!("expiration duration '{duration}' is not an ISO 8601 duration in days/hours"))
        }
        Expiration::AfterDateTime { end } if chrono::DateTime::parse_from_rfc3339(end).is_err() => {
            Err(format!("expiration end '{end}' is not an RFC 3339 date-time"))
        }
        _ => Ok(()),
    }
}
