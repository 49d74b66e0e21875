//! Subject sets: whether a policy's target scope takes a person, and whom a stage's approver
//! sets resolve to for one requestor (manager, sponsors of their connected organization…).

use super::Person;
use crate::store::entitlement::{group_members, groups_of};
use crate::store::{UserRecord, json};
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

/// A requestor with what scope checks and approver resolution need, read once.
#[derive(Debug, Clone)]
pub struct Who {
    pub person: Person,
    pub groups: Vec<String>,
    /// Their connected organization (matched on the mail's domain), as stored.
    pub org: Option<Value>,
}

impl Who {
    pub fn load(c: &Connection, person: Person) -> rusqlite::Result<Who> {
        let groups = match &person.id {
            Some(id) => groups_of(c, id)?,
            None => vec![],
        };
        let org = if person.is_guest { org_of(c, person.domain().unwrap_or_default())? } else { None };
        Ok(Who { person, groups, org })
    }

    pub fn of_user(c: &Connection, u: &UserRecord) -> rusqlite::Result<Who> {
        Who::load(c, Person::from_user(u))
    }
}

/// The connected organization that has `domain` among its identity sources.
pub fn org_of(c: &Connection, domain: &str) -> rusqlite::Result<Option<Value>> {
    let mut stmt = c.prepare_cached("SELECT data FROM connected_organizations ORDER BY rowid")?;
    let orgs: Vec<Value> = stmt.query_map([], |r| r.get(0))?.filter_map(Result::ok).map(json).collect();
    Ok(orgs.into_iter().find(|o| {
        o["identitySources"]
            .as_array()
            .is_some_and(|s| s.iter().any(|i| i["domainName"].as_str().is_some_and(|d| d.eq_ignore_ascii_case(domain))))
    }))
}

/// Whether a user sponsors (internally or externally) any connected organization.
pub fn is_sponsor(c: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    let mut stmt = c.prepare_cached("SELECT data FROM connected_organizations")?;
    let orgs: Vec<Value> = stmt.query_map([], |r| r.get(0))?.filter_map(Result::ok).map(json).collect();
    let named = |o: &Value, key: &str| o[key].as_array().is_some_and(|ids| ids.iter().any(|i| i == user_id));
    Ok(orgs.iter().any(|o| named(o, "internalSponsorIds") || named(o, "externalSponsorIds")))
}

fn kind(set: &Value) -> &str {
    set["@odata.type"].as_str().unwrap_or_default().trim_start_matches("#microsoft.graph.")
}

/// Whether a policy lets this person request (its `allowedTargetScope` and specific targets).
pub fn allows(policy: &Value, who: &Who) -> bool {
    let p = &who.person;
    let external = p.is_guest;
    let targets = || policy["specificAllowedTargets"].as_array().into_iter().flatten();
    match policy["allowedTargetScope"].as_str().unwrap_or_default() {
        "allMemberUsers" => p.id.is_some() && !external,
        "allDirectoryUsers" => p.id.is_some(),
        "allExternalUsers" => external,
        "allConfiguredConnectedOrganizationUsers" => who.org.as_ref().is_some_and(|o| o["state"] == "configured"),
        "specificDirectoryUsers" => {
            let id = p.id.as_deref().unwrap_or_default();
            p.id.is_some()
                && targets().any(|t| match kind(t) {
                    "singleUser" => t["userId"].as_str().is_some_and(|u| u.eq_ignore_ascii_case(id)),
                    "groupMembers" => t["groupId"].as_str().is_some_and(|g| who.groups.iter().any(|x| x == g)),
                    _ => false,
                })
        }
        "specificConnectedOrganizationUsers" => who.org.as_ref().is_some_and(|o| {
            targets().any(|t| kind(t) == "connectedOrganizationMembers" && t["connectedOrganizationId"] == o["id"])
        }),
        // notSpecified and the service-principal scopes take no user.
        _ => false,
    }
}

fn manager_of(c: &Connection, user_id: &str) -> rusqlite::Result<Option<String>> {
    c.query_row("SELECT manager_id FROM users WHERE id = ?1", [user_id], |r| r.get(0)).optional().map(Option::flatten)
}

/// The users a list of subject sets stands for, for this requestor; never the requestor.
pub fn resolve(c: &Connection, sets: &Value, who: &Who) -> rusqlite::Result<Vec<String>> {
    let mut out: Vec<String> = vec![];
    let sponsors = |key: &str| -> Vec<String> {
        let ids = who.org.as_ref().and_then(|o| o[key].as_array().cloned()).unwrap_or_default();
        ids.iter().filter_map(|v| v.as_str().map(String::from)).collect()
    };
    for set in sets.as_array().into_iter().flatten() {
        let found = match kind(set) {
            "singleUser" => set["userId"].as_str().map(String::from).into_iter().collect(),
            "groupMembers" => group_members(c, set["groupId"].as_str().unwrap_or_default())?,
            "requestorManager" => {
                let mut id = who.person.id.clone();
                for _ in 0..set["managerLevel"].as_i64().unwrap_or(1).clamp(1, 2) {
                    id = match id {
                        Some(i) => manager_of(c, &i)?,
                        None => None,
                    };
                }
                id.into_iter().collect()
            }
            "internalSponsors" => sponsors("internalSponsorIds"),
            "externalSponsors" => sponsors("externalSponsorIds"),
            _ => vec![],
        };
        for id in found {
            if !out.contains(&id) && Some(&id) != who.person.id.as_ref() {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// A stage's approvers: the primary sets, or the fallback ones when those resolve to nobody.
pub fn resolve_with_fallback(
    c: &Connection,
    stage: &Value,
    primary: &str,
    fallback: &str,
    who: &Who,
) -> rusqlite::Result<Vec<String>> {
    let first = resolve(c, &stage[primary], who)?;
    if first.is_empty() { resolve(c, &stage[fallback], who) } else { Ok(first) }
}
