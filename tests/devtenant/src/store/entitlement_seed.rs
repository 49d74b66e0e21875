//! Seeds entitlement management from a scenario: catalogs, packages and policies as Graph's JSON
//! (ids derived from names unless given, so deep links survive a reset), generated packages in
//! bulk, and past requests replayed through the real lifecycle at their time.

use super::entitlement::{self as db, PackageRow, PolicyRow};
use crate::clock::iso;
use crate::entitlement::requests::{Ask, Kind, file};
use crate::entitlement::{Ctx, Person, lifecycle};
use crate::scenario::entitlement::{
    Expiration, GeneratedPackages, Policy, QuestionKind, SeededRequest, Subject, generated_name,
};
use crate::scenario::{Scenario, derived_id};
use anyhow::{Context, anyhow};
use rusqlite::Transaction;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub fn seed(tx: &Transaction, s: &Scenario, now: i64) -> anyhow::Result<()> {
    let created = iso(now);
    for c in s.catalogs.iter().map(|c| c.get_ref()) {
        db::insert_catalog(
            tx,
            &json!({
                "id": s.catalog_id(&c.display_name), "displayName": c.display_name, "description": c.description,
                "catalogType": "userManaged", "state": "published", "isExternallyVisible": c.is_externally_visible,
                "createdDateTime": created, "modifiedDateTime": created,
            }),
        )?;
        for (upn, role) in c.role_holders() {
            db::insert_catalog_role(tx, &s.catalog_id(&c.display_name), &s.user_id(upn), role)?;
        }
    }
    for p in s.access_packages.iter().map(|p| p.get_ref()) {
        let id = s.package_id(&p.display_name);
        let scopes: Vec<Value> = p.grants.iter().map(|g| role_scope(s, &g.resource, &g.role, &created)).collect();
        let data = package_json(&id, &p.display_name, p.description.as_deref(), p.is_hidden, &created);
        db::insert_package(
            tx,
            &PackageRow { id: id.clone(), catalog_id: s.catalog_id(&p.catalog), data, role_scopes: json!(scopes) },
        )?;
        for pol in &p.policies {
            let pid = pol
                .id
                .clone()
                .unwrap_or_else(|| derived_id("accessPackageAssignmentPolicy", &format!("{id}/{}", pol.display_name)));
            let mut data = policy_json(s, &pid, pol, &created);
            if let Some(r) = &pol.review {
                let sets = |v: &[Subject]| json!(v.iter().map(|x| subject_json(s, x)).collect::<Vec<_>>());
                data["reviewSettings"] = super::reviews_seed::settings_json(r, now, sets);
            }
            db::insert_policy(tx, &PolicyRow { id: pid.clone(), package_id: id.clone(), data })?;
        }
    }
    for g in s.generated_packages.iter().map(|g| g.get_ref()) {
        generate(tx, s, g, &created)?;
    }
    for r in s.requests.iter().map(|r| r.get_ref()) {
        for i in 0..r.count {
            replay(tx, s, r, i, now)
                .with_context(|| format!("seeding the request of '{}' for '{}'", r.requestor, r.access_package))?;
        }
    }
    lifecycle::process_due(tx, &Ctx { now, scenario: s, quiet: true }).map_err(|e| anyhow!(e.message))
}

fn package_json(id: &str, name: &str, description: Option<&str>, hidden: bool, created: &str) -> Value {
    json!({
        "id": id, "displayName": name, "description": description.unwrap_or_default(), "isHidden": hidden,
        "createdDateTime": created, "modifiedDateTime": created,
    })
}

/// What a package grants, as Graph's `accessPackageResourceRoleScope` with role and scope.
fn role_scope(s: &Scenario, resource: &str, role: &str, created: &str) -> Value {
    let res = s
        .resources
        .iter()
        .map(|r| r.get_ref())
        .find(|r| r.display_name.eq_ignore_ascii_case(resource))
        .expect("checked");
    let origin_id = match res.kind {
        crate::scenario::entitlement::ResourceKind::Group => {
            s.group_id(res.group.as_ref().unwrap_or(&res.display_name))
        }
        _ => res.origin_id.clone().unwrap_or_else(|| derived_id("resource", &res.display_name)),
    };
    let resource_id = res.id.clone().unwrap_or_else(|| derived_id("accessPackageResource", &res.display_name));
    let role_origin = match res.kind {
        crate::scenario::entitlement::ResourceKind::Group => format!("{role}_{origin_id}"),
        _ => derived_id("resourceRole", &format!("{resource_id}/{role}")),
    };
    json!({
        "id": derived_id("accessPackageResourceRoleScope", &format!("{resource_id}/{role}")),
        "createdDateTime": created,
        "role": {
            "id": derived_id("accessPackageResourceRole", &format!("{resource_id}/{role}")), "displayName": role,
            "description": null, "originId": role_origin, "originSystem": res.kind.origin_system(),
        },
        "scope": {
            "id": derived_id("accessPackageResourceScope", &resource_id), "displayName": res.display_name,
            "description": res.description, "originId": origin_id, "originSystem": res.kind.origin_system(),
            "isRootScope": true,
        },
    })
}

pub(super) fn subject_json(s: &Scenario, set: &Subject) -> Value {
    let ty = |t: &str| format!("#microsoft.graph.{t}");
    match set {
        Subject::SingleUser { user } => {
            let name = s.users.iter().map(|u| u.get_ref()).find(|u| u.user_principal_name.eq_ignore_ascii_case(user));
            json!({"@odata.type": ty("singleUser"), "userId": s.user_id(user), "description": name.map(|u| &u.display_name)})
        }
        Subject::GroupMembers { group } => {
            json!({"@odata.type": ty("groupMembers"), "groupId": s.group_id(group), "description": group})
        }
        Subject::RequestorManager { manager_level } => {
            json!({"@odata.type": ty("requestorManager"), "managerLevel": manager_level.unwrap_or(1)})
        }
        Subject::InternalSponsors => json!({"@odata.type": ty("internalSponsors")}),
        Subject::ExternalSponsors => json!({"@odata.type": ty("externalSponsors")}),
        Subject::ConnectedOrganizationMembers { connected_organization: o } => {
            json!({"@odata.type": ty("connectedOrganizationMembers"), "connectedOrganizationId": s.org_id(o), "description": o})
        }
    }
}

fn localized(map: &BTreeMap<String, String>) -> Value {
    json!(map.iter().map(|(code, text)| json!({"languageCode": code, "text": text})).collect::<Vec<_>>())
}

fn expiration_json(e: &Expiration) -> Value {
    match e {
        Expiration::NoExpiration => json!({"type": "noExpiration", "duration": null, "endDateTime": null}),
        Expiration::AfterDuration { duration } => {
            json!({"type": "afterDuration", "duration": duration, "endDateTime": null})
        }
        Expiration::AfterDateTime { end } => json!({"type": "afterDateTime", "duration": null, "endDateTime": end}),
    }
}

/// A policy as Graph's `accessPackageAssignmentPolicy`, questions included.
fn policy_json(s: &Scenario, id: &str, p: &Policy, created: &str) -> Value {
    let sets = |v: &[Subject]| json!(v.iter().map(|x| subject_json(s, x)).collect::<Vec<_>>());
    let approval = p.approval.as_ref();
    let stages: Vec<Value> = approval
        .map(|a| a.stages.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|st| {
            json!({
                "durationBeforeAutomaticDenial": st.duration_before_automatic_denial,
                "isApproverJustificationRequired": st.approver_justification_required,
                "isEscalationEnabled": st.escalate_after.is_some(),
                "durationBeforeEscalation": st.escalate_after.clone().unwrap_or_else(|| "PT0S".into()),
                "primaryApprovers": sets(&st.primary_approvers),
                "fallbackPrimaryApprovers": sets(&st.fallback_primary_approvers),
                "escalationApprovers": sets(&st.escalation_approvers),
                "fallbackEscalationApprovers": sets(&st.fallback_escalation_approvers),
                "approverInformationVisibility": "default",
            })
        })
        .collect();
    let questions: Vec<Value> = p.questions.iter().enumerate().map(|(i, q)| {
        let mut v = json!({
            "id": derived_id("accessPackageQuestion", &format!("{id}/{i}")), "sequence": i, "isRequired": q.required,
            "isAnswerEditable": q.answer_editable, "text": q.text, "localizations": localized(&q.localizations),
        });
        match q.kind {
            QuestionKind::Text => {
                v["@odata.type"] = json!("#microsoft.graph.accessPackageTextInputQuestion");
                v["isSingleLineQuestion"] = json!(!q.multiline);
                v["regexPattern"] = json!(q.regex);
            }
            QuestionKind::Choice => {
                v["@odata.type"] = json!("#microsoft.graph.accessPackageMultipleChoiceQuestion");
                v["isMultipleSelectionAllowed"] = json!(q.multiple);
                v["choices"] = json!(q.choices.iter().map(|c| json!({
                    "actualValue": c.value, "text": c.text, "localizations": localized(&c.localizations),
                })).collect::<Vec<_>>());
            }
        }
        v
    }).collect();
    json!({
        "id": id, "displayName": p.display_name, "description": p.description.clone().unwrap_or_default(),
        "allowedTargetScope": p.allowed_target_scope, "specificAllowedTargets": sets(&p.specific_allowed_targets),
        "createdDateTime": created, "modifiedDateTime": created,
        "expiration": expiration_json(&p.expiration),
        "requestorSettings": {
            "enableTargetsToSelfAddAccess": p.self_add, "enableTargetsToSelfUpdateAccess": p.self_update,
            "enableTargetsToSelfRemoveAccess": p.self_remove, "allowCustomAssignmentSchedule": p.custom_schedule,
            "enableOnBehalfRequestorsToAddAccess": false, "enableOnBehalfRequestorsToUpdateAccess": false,
            "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": [],
        },
        "requestApprovalSettings": {
            "isApprovalRequiredForAdd": approval.is_some_and(|a| a.required_for_add),
            "isApprovalRequiredForUpdate": approval.is_some_and(|a| a.required_for_update),
            "isRequestorJustificationRequired": approval.is_some_and(|a| a.requestor_justification_required),
            "stages": stages,
        },
        "automaticRequestSettings": null,
        "reviewSettings": null,
        "questions": questions,
    })
}

/// Bulk packages: each with one self-service policy without approval. Prepared statements in
/// one transaction keep 10 000 of them a matter of a second.
fn generate(tx: &Transaction, s: &Scenario, g: &GeneratedPackages, created: &str) -> anyhow::Result<()> {
    let template = Policy {
        id: None,
        display_name: "Self-service".into(),
        description: Some("Request without approval.".into()),
        allowed_target_scope: g.allowed_target_scope.clone(),
        specific_allowed_targets: vec![],
        self_add: true,
        self_update: true,
        self_remove: true,
        custom_schedule: false,
        approval: None,
        questions: vec![],
        expiration: Expiration::NoExpiration,
        review: None,
    };
    let catalog_id = s.catalog_id(&g.catalog);
    for n in 1..=g.count {
        let name = generated_name(&g.display_name, n);
        let id = derived_id("accessPackage", &name);
        let data = package_json(&id, &name, g.description.as_deref(), false, created);
        db::insert_package(
            tx,
            &PackageRow { id: id.clone(), catalog_id: catalog_id.clone(), data, role_scopes: json!([]) },
        )?;
        let pid = derived_id("accessPackageAssignmentPolicy", &format!("{id}/generated"));
        db::insert_policy(
            tx,
            &PolicyRow { id: pid.clone(), package_id: id, data: policy_json(s, &pid, &template, created) },
        )?;
    }
    Ok(())
}

/// One past request, filed at its time and taken to its state by the lifecycle itself.
fn replay(tx: &Transaction, s: &Scenario, r: &SeededRequest, i: usize, now: i64) -> anyhow::Result<()> {
    let at = now - r.days_ago * 86_400 + i as i64;
    let ctx = Ctx { now: at, scenario: s, quiet: true };
    let user = match s.users.iter().any(|u| u.get_ref().user_principal_name.eq_ignore_ascii_case(&r.requestor)) {
        true => super::user_in(tx, &s.user_id(&r.requestor))?,
        false => super::user_by_mail_in(tx, &r.requestor)?,
    };
    let person = user
        .as_ref()
        .map(Person::from_user)
        .unwrap_or_else(|| Person::outsider(&r.requestor, r.display_name.as_deref()));
    let package_id = s.package_id(&r.access_package);
    let mut answers = vec![];
    for (text, value) in &r.answers {
        let q = db::policies_of(tx, &package_id)?
            .into_iter()
            .flat_map(|p| p.data["questions"].as_array().cloned().unwrap_or_default())
            .find(|q| q["text"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(text)))
            .ok_or_else(|| anyhow!("the package has no question '{text}'"))?;
        answers.push(json!({"answeredQuestion": {"id": q["id"]}, "value": value}));
    }
    let ask = Ask {
        kind: Kind::Add,
        package_id: Some(package_id.clone()),
        policy_id: None,
        assignment_id: None,
        justification: r.justification.clone(),
        answers,
        schedule: None,
    };
    let id = derived_id("accessPackageAssignmentRequest", &format!("{}/{package_id}/{i}/{}", r.requestor, r.days_ago));
    let fail = |e: crate::graph::error::GraphError| anyhow!("{}: {}", e.code, e.message);
    file(tx, &ctx, person, user.as_ref().map(|u| u.id.as_str()), ask, id.clone()).map_err(fail)?;
    match r.state.as_str() {
        "canceled" => lifecycle::cancel(tx, &ctx, db::request(tx, &id)?.expect("filed")).map_err(fail),
        "denied" | "delivered" | "partiallyDelivered" | "deliveryFailed" => {
            while db::request(tx, &id)?.is_some_and(|q| q.state == "pendingApproval") {
                let stage = db::stages(tx, &id)?.into_iter().find(|st| st.status == "InProgress").expect("open stage");
                let approver = stage.approvers.first().and_then(|a| super::user_in(tx, a).ok().flatten());
                let approver = approver.ok_or_else(|| anyhow!("its approval stage resolves to no approver"))?;
                let approve = r.state != "denied";
                let why = Some("Decided before the tenant started.");
                lifecycle::decide(tx, &ctx, &id, &stage.id, &approver, approve, why).map_err(fail)?;
            }
            let state = db::request(tx, &id)?.map(|q| q.state).unwrap_or_default();
            if state != r.state {
                return Err(anyhow!("it ended '{state}' instead of '{}' (no approval stage to deny?)", r.state));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
