//! The entitlement-management calls a partner's pages make, each page in one round trip
//! (`$batch` where it needs several calls). The only place that writes these Graph paths.

use super::models::{AccessPackage, Approval, Assignment, AssignmentRequest, Named, NewRequest, Requirements};
use super::timeline::Sponsors;
use crate::graph::GraphClient;
use crate::graph::api::literal;
use crate::graph::batch::{BatchItem, take};
use crate::graph::error::GraphError;
use crate::graph::models::Page;
use crate::graph::write::{Refusals, at_most_once};
use crate::net::Cancel;
use chrono::{DateTime, Utc};
use http::Method;
use serde::Deserialize;

const EM: &str = "/identityGovernance/entitlementManagement";
/// Items per catalog page: small enough to show at once, large enough to scroll.
pub const CATALOG_PAGE: usize = 50;
/// Packages per page of those one may attach to an invitation: Graph's largest page size for
/// directory collections (a service may still page at fewer; its next link is followed).
pub const ATTACH_PAGE: usize = 999;
/// Pages of packages to attach read at most (each a round trip, one after the other).
pub const ATTACH_PAGES: usize = 5;

/// The first page of the packages one may attach, sorted by name.
fn packages_to_attach_path() -> String {
    format!("{EM}/accessPackages?$select=id,displayName,isHidden&$orderby=displayName&$top={ATTACH_PAGE}")
}

/// A package page's data: the package, what it grants, and the policies open to the user.
#[derive(Clone)]
pub struct PackageDetails {
    pub package: AccessPackage,
    pub requirements: Vec<Requirements>,
}

/// The parts of a request's timeline that are not on the request.
#[derive(Clone)]
pub struct RequestTimeline {
    pub approval: Option<Approval>,
    pub sponsors: Sponsors,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Org {
    #[serde(default)]
    internal_sponsors: Vec<Named>,
    #[serde(default)]
    external_sponsors: Vec<Named>,
}

#[derive(Deserialize)]
struct Collection<T> {
    value: Vec<T>,
}

impl GraphClient {
    /// One page of the packages the user may request, optionally those whose name or
    /// description contains `search`; `link` continues from a previous page.
    pub async fn requestable_packages(
        &self,
        search: &str,
        link: Option<&str>,
        cancel: Option<&Cancel>,
    ) -> Result<Page<AccessPackage>, GraphError> {
        if let Some(next) = link {
            return self.get(next, cancel).await;
        }
        let mut path = format!(
            "{EM}/accessPackages/filterByCurrentUser(on='allowedRequestor')?$select=id,displayName,description,isHidden&$top={CATALOG_PAGE}"
        );
        let search = search.trim();
        if !search.is_empty() {
            let l = literal(search);
            path.push_str(&format!("&$filter=contains(displayName,{l})%20or%20contains(description,{l})"));
        }
        self.get(&path, cancel).await
    }

    /// A package with what it grants and the user's applicable policies, in one `$batch`.
    pub async fn package_details(&self, id: &str, cancel: Option<&Cancel>) -> Result<PackageDetails, GraphError> {
        let mut all = self.packages_details(&[id.to_string()], cancel).await?;
        all.pop().ok_or_else(|| GraphError::Unreadable { status: 200, detail: "empty batch".into() })
    }

    /// Several packages' details (at most ten: two calls each fill a batch), in one `$batch`.
    pub async fn packages_details(
        &self,
        ids: &[String],
        cancel: Option<&Cancel>,
    ) -> Result<Vec<PackageDetails>, GraphError> {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let ids: Vec<String> = ids.iter().take(crate::graph::batch::MAX_BATCH / 2).map(|i| enc(i)).collect();
        let mut items = vec![];
        for (i, id) in ids.iter().enumerate() {
            let package = format!("{EM}/accessPackages/{id}?$expand=resourceRoleScopes($expand=role,scope)");
            items.push(BatchItem::get(&format!("package{i}"), &package));
            let requirements = format!("{EM}/accessPackages/{id}/getApplicablePolicyRequirements");
            items.push(BatchItem::post(&format!("requirements{i}"), &requirements, serde_json::json!({})));
        }
        let mut results = self.batch(items, cancel).await?;
        let mut out = vec![];
        for i in 0..ids.len() {
            let package: AccessPackage = take(&mut results, &format!("package{i}"))?;
            let requirements: Collection<Requirements> = take(&mut results, &format!("requirements{i}"))?;
            out.push(PackageDetails { package, requirements: requirements.value });
        }
        Ok(out)
    }

    /// Packages a sponsor may attach to an invitation (the ones Graph lets them see), in pages as
    /// large as Graph gives ([`ATTACH_PAGE`]): one round trip up to that many, and one more per
    /// page beyond, up to [`ATTACH_PAGES`] pages.
    pub async fn packages_to_attach(&self, cancel: Option<&Cancel>) -> Result<Vec<AccessPackage>, GraphError> {
        self.all_pages(&packages_to_attach_path(), ATTACH_PAGES, cancel).await
    }

    /// Sends a request; Graph answers with it (state `submitted`). Sent at most once: when the
    /// answer was lost, my recent requests are looked through first.
    pub async fn submit_request(
        &self,
        request: &NewRequest,
        cancel: Option<&Cancel>,
    ) -> Result<AssignmentRequest, GraphError> {
        let path = format!("{EM}/assignmentRequests");
        let send = || self.post(&path, request, cancel);
        let check = || async {
            let now = self.now();
            Ok(self.my_requests(cancel).await?.into_iter().find(|r| is_request_for(r, request, now)))
        };
        at_most_once(send, check, Refusals::Stand).await
    }

    /// The user's requests, newest first, with their packages.
    pub async fn my_requests(&self, cancel: Option<&Cancel>) -> Result<Vec<AssignmentRequest>, GraphError> {
        let path = format!(
            "{EM}/assignmentRequests/filterByCurrentUser(on='target')?$expand=accessPackage($expand=assignmentPolicies),requestor($expand=connectedOrganization),assignment($expand=assignmentPolicy)&$orderby=createdDateTime%20desc"
        );
        self.all_pages(&path, 20, cancel).await
    }

    /// What a request's timeline needs beyond the request, in one `$batch`: its approval (stages,
    /// decisions, reasons; the approval's id is the request's) and the sponsors of the
    /// requestor's connected organization.
    pub async fn request_timeline(
        &self,
        request: &AssignmentRequest,
        cancel: Option<&Cancel>,
    ) -> Result<RequestTimeline, GraphError> {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let mut items = vec![BatchItem::get(
            "approval",
            &format!("{EM}/accessPackageAssignmentApprovals/{}?$expand=stages", enc(&request.id)),
        )];
        let org = request.requestor.as_ref().and_then(|r| r.connected_organization.as_ref()).and_then(|o| o.id.clone());
        if let Some(org) = &org {
            items.push(BatchItem::get(
                "org",
                &format!("{EM}/connectedOrganizations/{}?$expand=internalSponsors,externalSponsors", enc(org)),
            ));
        }
        let mut results = self.batch(items, cancel).await?;
        // No approval at all (auto-approved policies) is Graph's 404.
        let approval = match take::<Approval>(&mut results, "approval") {
            Ok(a) => Some(a),
            Err(e) if e.status() == Some(404) => None,
            Err(e) => return Err(e),
        };
        let mut sponsors = Sponsors::default();
        if org.is_some()
            && let Ok(o) = take::<Org>(&mut results, "org")
        {
            sponsors.internal = o.internal_sponsors.into_iter().filter_map(|s| s.display_name).collect();
            sponsors.external = o.external_sponsors.into_iter().filter_map(|s| s.display_name).collect();
        }
        Ok(RequestTimeline { approval, sponsors })
    }

    /// Cancels a request, at most once: when the answer was lost, the request's state says
    /// whether it happened.
    pub async fn cancel_request(&self, request_id: &str, cancel: Option<&Cancel>) -> Result<(), GraphError> {
        let id = url::form_urlencoded::byte_serialize(request_id.as_bytes()).collect::<String>();
        let send = || async {
            self.send(Method::POST, &format!("{EM}/assignmentRequests/{id}/cancel"), None, cancel).await.map(|_| ())
        };
        let check = || async {
            let now: AssignmentRequest =
                self.get(&format!("{EM}/assignmentRequests/{id}?$select=id,state"), cancel).await?;
            Ok((now.state.as_deref() == Some("canceled")).then_some(()))
        };
        at_most_once(send, check, Refusals::MayBeCopies).await
    }

    /// The access the user holds, with packages and policies.
    pub async fn my_assignments(&self, cancel: Option<&Cancel>) -> Result<Vec<Assignment>, GraphError> {
        let path = format!(
            "{EM}/assignments/filterByCurrentUser(on='target')?$expand=accessPackage($expand=resourceRoleScopes($expand=role,scope)),assignmentPolicy"
        );
        self.all_pages(&path, 20, cancel).await
    }
}

/// Whether `r` is the request `sent` made: the same package (or assignment), type and
/// justification, created in the last ten minutes, and neither denied nor cancelled.
pub fn is_request_for(r: &AssignmentRequest, sent: &NewRequest, now: DateTime<Utc>) -> bool {
    let a = &sent.assignment;
    let same_target = match (&a.access_package_id, &a.id) {
        (Some(package), _) => r.access_package.as_ref().is_some_and(|p| &p.id == package),
        (None, Some(assignment)) => r.assignment.as_ref().and_then(|x| x.id.as_ref()) == Some(assignment),
        (None, None) => false,
    };
    // Graph's v1.0 shows an extension as `userUpdate`.
    let kind = |t: &str| if t == "userExtend" { "userUpdate".to_string() } else { t.to_string() };
    let same_kind = r.request_type.as_deref().map(kind) == Some(kind(&sent.request_type));
    let recent = r
        .created_date_time
        .as_deref()
        .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
        .is_some_and(|c| (now - c.with_timezone(&Utc)).num_minutes().abs() <= 10);
    // A request already denied or cancelled is an earlier one, not this write.
    let live = !matches!(r.state.as_deref(), Some("denied" | "canceled"));
    same_target && same_kind && r.justification == sent.justification && recent && live
}

#[cfg(test)]
mod tests {
    use crate::graph::fake::{answer, client};
    use serde_json::json;

    #[test]
    fn packages_to_attach_come_in_pages_as_large_as_graph_gives() {
        let names = |n: usize| {
            (0..n).map(|i| json!({"id": format!("p{i}"), "displayName": format!("P{i}")})).collect::<Vec<_>>()
        };
        let (c, net, _) = client(vec![answer(200, &[], json!({"value": names(28)}))]);
        assert_eq!(futures::executor::block_on(c.packages_to_attach(None)).unwrap().len(), 28);
        let sent = net.sent.borrow();
        assert_eq!(sent.len(), 1, "one round trip");
        assert!(sent[0].uri().to_string().ends_with("&$top=999"), "{}", sent[0].uri());
        // Beyond a page: Graph's next link, one round trip per page.
        let (c, net, _) = client(vec![
            answer(200, &[], json!({"value": names(999), "@odata.nextLink": "https://graph.example/v1.0/next"})),
            answer(200, &[], json!({"value": names(1)})),
        ]);
        assert_eq!(futures::executor::block_on(c.packages_to_attach(None)).unwrap().len(), 1000);
        assert_eq!(net.sent.borrow().len(), 2);
    }
}
