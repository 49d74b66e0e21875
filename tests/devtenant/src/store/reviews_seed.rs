//! Seeds access reviews from a scenario: a definition for every policy with a `review` and every
//! `[[guest_reviews]]` entry, each with its first instance on the schedule, and the users'
//! sign-ins before the tenant started. The clock then starts and ends instances as it moves.

use super::entitlement as em;
use super::reviews::{self as db, DefinitionRow, InstanceRow, Rules};
use crate::clock::iso;
use crate::entitlement::duration_seconds;
use crate::reviews::{DEFAULT_LOOK_BACK_SECONDS, lifecycle};
use crate::scenario::entitlement::Subject;
use crate::scenario::reviews::{AssignmentReview, GuestReview, Recurrence};
use crate::scenario::{Scenario, derived_id};
use anyhow::anyhow;
use rusqlite::Transaction;
use serde_json::{Value, json};

/// Graph's `patternedRecurrence` for a review series starting at `start`.
fn recurrence_json(r: Option<&Recurrence>, start: i64) -> Value {
    let Some(r) = r else { return Value::Null };
    let date = iso(start)[..10].to_string();
    let day = date[8..10].parse::<i32>().unwrap_or(1);
    json!({
        "pattern": {"type": r.kind, "interval": r.interval, "month": 0, "dayOfMonth": if r.kind == "weekly" { 0 } else { day },
                    "daysOfWeek": [], "firstDayOfWeek": "sunday", "index": "first"},
        "range": {"type": "noEnd", "startDate": date, "endDate": null, "recurrenceTimeZone": null, "numberOfOccurrences": 0},
    })
}

fn start_of(started_days_ago: i64, now: i64) -> i64 {
    now - started_days_ago * 86_400
}

/// A policy's `reviewSettings` as Graph's `accessPackageAssignmentReviewSettings`.
pub fn settings_json(r: &AssignmentReview, now: i64, sets: impl Fn(&[Subject]) -> Value) -> Value {
    let start = start_of(r.started_days_ago, now);
    json!({
        "isEnabled": true, "expirationBehavior": r.expiration_behavior,
        "isRecommendationEnabled": r.recommendations, "isReviewerJustificationRequired": r.justification_required,
        "isSelfReview": r.self_review, "primaryReviewers": sets(&r.reviewers),
        "fallbackReviewers": sets(&r.fallback_reviewers),
        "schedule": {
            "startDateTime": iso(start),
            "expiration": {"type": "afterDuration", "duration": r.duration, "endDateTime": null},
            "recurrence": recurrence_json(r.recurrence.as_ref(), start),
        },
    })
}

/// Graph's `accessReviewReviewerScope` list for subject sets (per-item ones rooted at `decisions`).
fn reviewer_scopes(sets: &Value) -> Value {
    let scope =
        |query: String, root: Option<&str>| json!({"query": query, "queryType": "MicrosoftGraph", "queryRoot": root});
    let list = sets.as_array().into_iter().flatten().filter_map(|s| {
        match s["@odata.type"].as_str().unwrap_or_default().trim_start_matches("#microsoft.graph.") {
            "singleUser" => Some(scope(format!("/users/{}", s["userId"].as_str()?), None)),
            "groupMembers" => Some(scope(format!("/groups/{}/transitiveMembers", s["groupId"].as_str()?), None)),
            "requestorManager" => Some(scope("./manager".into(), Some("decisions"))),
            "internalSponsors" | "externalSponsors" => Some(scope("./sponsors".into(), Some("decisions"))),
            _ => None,
        }
    });
    json!(list.collect::<Vec<_>>())
}

/// What a seeded definition is called and covers, and when its series starts.
struct Heading {
    id: String,
    name: String,
    description: String,
    /// Graph's `accessReviewQueryScope` of what is reviewed.
    scope: Value,
    start: i64,
    recurrence: Value,
}

fn definition_json(h: &Heading, rules: &Rules, now: i64) -> Value {
    let (id, name, description) = (&h.id, &h.name, &h.description);
    let default = rules.default_decision.clone();
    let look_back = format!("P{}D", rules.look_back_seconds / 86_400);
    json!({
        "id": id, "displayName": name, "descriptionForReviewers": description, "descriptionForAdmins": description,
        "status": "InProgress",
        "createdBy": {"id": crate::reviews::NOBODY, "displayName": "", "userPrincipalName": ""},
        "createdDateTime": iso(now), "lastModifiedDateTime": iso(now),
        "scope": h.scope, "instanceEnumerationScope": null,
        "reviewers": reviewer_scopes(&rules.reviewers), "fallbackReviewers": reviewer_scopes(&rules.fallback_reviewers),
        "settings": {
            "mailNotificationsEnabled": true, "reminderNotificationsEnabled": true,
            "justificationRequiredOnApproval": rules.justification_required,
            "defaultDecisionEnabled": default.is_some(), "defaultDecision": default.unwrap_or_else(|| "None".into()),
            "instanceDurationInDays": (rules.duration_seconds + 86_399) / 86_400,
            "autoApplyDecisionsEnabled": rules.auto_apply, "recommendationsEnabled": rules.recommendations,
            "recommendationLookBackDuration": look_back,
            "recommendationInsightSettings": [{"@odata.type": "#microsoft.graph.userLastSignInRecommendationInsightSetting",
                "recommendationLookBackDuration": look_back, "signInScope": "tenant"}],
            "decisionHistoriesForReviewersEnabled": false,
            "applyActions": [{"@odata.type": "#microsoft.graph.removeAccessApplyAction"}],
            "recurrence": h.recurrence,
        },
        "stageSettings": [], "additionalNotificationRecipients": [],
    })
}

/// A definition and its first instance, which the clock starts when its time comes.
fn insert(tx: &Transaction, h: Heading, rules: Rules, now: i64) -> anyhow::Result<()> {
    let data = definition_json(&h, &rules, now);
    let instance = InstanceRow {
        id: lifecycle::instance_id(&h.id, 0),
        definition_id: h.id.clone(),
        seq: 0,
        start_at: h.start,
        end_at: h.start + rules.duration_seconds,
        status: "NotStarted".into(),
    };
    db::insert_definition(tx, &DefinitionRow { id: h.id, data, rules })?;
    Ok(db::insert_instance(tx, &instance)?)
}

fn recurrence(r: Option<&Recurrence>) -> Option<(String, u32)> {
    r.map(|r| (r.kind.clone(), r.interval))
}

pub fn seed(tx: &Transaction, s: &Scenario, now: i64) -> anyhow::Result<()> {
    for u in s.users.iter().map(|u| u.get_ref()) {
        if let Some(days) = u.last_sign_in_days_ago {
            db::record_sign_in(tx, &s.user_id(&u.user_principal_name), now - days * 86_400)?;
        }
    }
    for p in em::policies(tx)? {
        let settings = &p.data["reviewSettings"];
        if settings["isEnabled"] != true {
            continue;
        }
        let package = em::package(tx, &p.package_id)?.ok_or_else(|| anyhow!("policy without package"))?;
        let package_name = package.data["displayName"].as_str().unwrap_or_default().to_string();
        let schedule = &settings["schedule"];
        let start = schedule["startDateTime"].as_str().and_then(crate::entitlement::parse_instant).unwrap_or(now);
        let default = match settings["expirationBehavior"].as_str() {
            Some("removeAccess") => Some("Deny".to_string()),
            Some("acceptAccessRecommendation") => Some("Recommendation".to_string()),
            _ => None,
        };
        let pattern = &schedule["recurrence"]["pattern"];
        let rules = Rules {
            kind: "accessPackageAssignments".into(),
            resource_id: p.id.clone(),
            resource_name: package_name.clone(),
            package_id: Some(p.package_id.clone()),
            reviewers: settings["primaryReviewers"].clone(),
            fallback_reviewers: settings["fallbackReviewers"].clone(),
            self_review: settings["isSelfReview"] == true,
            duration_seconds: schedule["expiration"]["duration"]
                .as_str()
                .and_then(duration_seconds)
                .unwrap_or(14 * 86_400),
            recurrence: pattern["type"]
                .as_str()
                .map(|t| (t.to_string(), pattern["interval"].as_u64().unwrap_or(1) as u32)),
            look_back_seconds: DEFAULT_LOOK_BACK_SECONDS,
            recommendations: settings["isRecommendationEnabled"] == true,
            justification_required: settings["isReviewerJustificationRequired"] == true,
            default_decision: default,
            // Entra applies the results of access package reviews when they end.
            auto_apply: true,
        };
        let scope = json!({"@odata.type": "#microsoft.graph.accessReviewQueryScope", "queryType": "MicrosoftGraph", "queryRoot": null,
            "query": format!("/identityGovernance/entitlementManagement/assignments?$filter=(assignmentPolicy/id eq '{}')", p.id)});
        let id = derived_id("accessReviewScheduleDefinition", &p.id);
        let policy_name = p.data["displayName"].as_str().unwrap_or_default();
        let name = format!("{package_name}: {policy_name}");
        let description = format!("Review who still needs {package_name}.");
        let recurrence = schedule["recurrence"].clone();
        insert(tx, Heading { id, name, description, scope, start, recurrence }, rules, now)?;
    }
    for g in s.guest_reviews.iter().map(|g| g.get_ref()) {
        guest_review(tx, s, g, now)?;
    }
    lifecycle::process_due(tx, &crate::entitlement::Ctx { now, scenario: s, quiet: true })
        .map_err(|e| anyhow!(e.message))
}

fn guest_review(tx: &Transaction, s: &Scenario, g: &GuestReview, now: i64) -> anyhow::Result<()> {
    let sets = |v: &[Subject]| json!(v.iter().map(|x| super::entitlement_seed::subject_json(s, x)).collect::<Vec<_>>());
    let group_id = s.group_id(&g.group);
    let rules = Rules {
        kind: "groupGuests".into(),
        resource_id: group_id.clone(),
        resource_name: g.group.clone(),
        package_id: None,
        reviewers: sets(&g.reviewers),
        fallback_reviewers: sets(&g.fallback_reviewers),
        self_review: g.reviewers.is_empty(),
        duration_seconds: duration_seconds(&g.duration).unwrap_or(14 * 86_400),
        recurrence: recurrence(g.recurrence.as_ref()),
        look_back_seconds: duration_seconds(&g.recommendation_look_back).unwrap_or(DEFAULT_LOOK_BACK_SECONDS),
        recommendations: g.recommendations,
        justification_required: g.justification_required,
        default_decision: g.default_decision.clone(),
        auto_apply: g.auto_apply,
    };
    let start = start_of(g.started_days_ago, now);
    let scope = json!({"@odata.type": "#microsoft.graph.accessReviewQueryScope", "queryType": "MicrosoftGraph", "queryRoot": null,
        "query": format!("/groups/{group_id}/transitiveMembers/microsoft.graph.user/?$count=true&$filter=(userType eq 'Guest')")});
    let id = g.id.clone().unwrap_or_else(|| derived_id("accessReviewScheduleDefinition", &g.display_name));
    let description = g.description.clone().unwrap_or_else(|| format!("Review the guests in {}.", g.group));
    let recurrence = recurrence_json(g.recurrence.as_ref(), start);
    let name = g.display_name.clone();
    insert(tx, Heading { id, name, description, scope, start, recurrence }, rules, now)
}
