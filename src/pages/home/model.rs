//! The home page as plain data: from the one batch's parts to what each section shows (how many
//! decisions wait and the nearest deadline, my requests in flight with who decides next and by
//! when, access ending soon and whether it can be extended in place, the people I invited who
//! have not accepted), and the count the title carries. No view code: tested natively.

use crate::graph::entitlement::approver::Decision;
use crate::graph::entitlement::home::HomeData;
use crate::graph::entitlement::models::{Approval, ApprovalStage, Assignment, AssignmentRequest};
use crate::graph::entitlement::timeline::{self, Approver, Entry, Sponsors, StageState, ends_at, ends_soon};
use crate::graph::error::GraphError;
use crate::graph::models::User;
use chrono::{DateTime, Utc};

/// Access ending within this many days is shown.
pub const ENDING_DAYS: i64 = 14;

/// One section: nothing to show (or not asked for), something, or its own error.
#[derive(Debug, Clone, PartialEq)]
pub enum Part<T> {
    Nothing,
    Shown(T),
    Failed(GraphError),
}

impl<T> Part<T> {
    fn of(answer: Result<T, GraphError>, empty: impl Fn(&T) -> bool) -> Part<T> {
        match answer {
            Ok(v) if empty(&v) => Part::Nothing,
            Ok(v) => Part::Shown(v),
            Err(e) => Part::Failed(e),
        }
    }

    pub fn shown(&self) -> Option<&T> {
        match self {
            Part::Shown(v) => Some(v),
            _ => None,
        }
    }
}

/// Decisions waiting for me.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    pub count: usize,
    /// The earliest moment one of them is denied automatically.
    pub nearest: Option<String>,
}

/// One of my requests not yet finished.
#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub id: String,
    pub package: String,
    pub state: String,
    /// Who decides next; empty when Graph's request does not say (a later stage of several).
    pub approvers: Vec<Approver>,
    pub deadline: Option<String>,
}

/// Access ending soon.
#[derive(Debug, Clone, PartialEq)]
pub struct Ending {
    pub assignment_id: String,
    pub package: String,
    pub ends: String,
    /// The policy lets me extend it myself.
    pub extendable: bool,
}

/// Someone I invited who has not accepted yet.
#[derive(Debug, Clone, PartialEq)]
pub struct NotRedeemed {
    pub user_id: String,
    pub name: String,
    pub mail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HomeModel {
    pub decisions: Part<Waiting>,
    pub requests: Part<Vec<InFlight>>,
    pub ending: Part<Vec<Ending>>,
    pub invited: Part<Vec<NotRedeemed>>,
    /// A partner with no request and no access at all: what they can do here, and a search.
    pub new_partner: bool,
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
}

/// The stage in progress in a timeline: who decides and by when.
fn current_stage(entries: &[Entry]) -> Option<(Vec<Approver>, Option<String>)> {
    entries.iter().find_map(|e| match e {
        Entry::Stage { state: StageState::InProgress, approvers, deadline, .. } => {
            Some((approvers.clone(), deadline.clone()))
        }
        _ => None,
    })
}

fn waiting(decisions: &[Decision]) -> Waiting {
    let nearest = decisions
        .iter()
        .filter_map(|d| current_stage(&timeline::build(&d.request, Some(&d.approval), &Sponsors::default()))?.1)
        .filter_map(|d| time(&d).map(|t| (t, d)))
        .min_by_key(|(t, _)| *t)
        .map(|(_, d)| d);
    Waiting { count: decisions.len(), nearest }
}

/// Whether a request is still under way.
fn in_flight(r: &AssignmentRequest) -> bool {
    matches!(r.state(), "submitted" | "pendingApproval" | "delivering" | "scheduled" | "accepted")
}

/// Who decides a pending request next. Graph's request does not carry its approval (that is a
/// call per request), so the stage is known when the policy has a single one: it is then in
/// progress since the request came in. With several stages the next decider is left unsaid.
fn next_step(r: &AssignmentRequest) -> (Vec<Approver>, Option<String>) {
    if r.state() != "pendingApproval" {
        return (vec![], None);
    }
    let stages =
        timeline::policy_of(r, None).and_then(|p| p.request_approval_settings.as_ref()).map_or(0, |s| s.stages.len());
    if stages != 1 {
        return (vec![], None);
    }
    let first = ApprovalStage {
        id: String::new(),
        display_name: None,
        review_result: Some("NotReviewed".into()),
        status: Some("InProgress".into()),
        justification: None,
        reviewed_by: None,
        reviewed_date_time: None,
        assigned_to_me: None,
    };
    let approval = Approval { id: r.id.clone(), stages: vec![first] };
    current_stage(&timeline::build(r, Some(&approval), &Sponsors::default())).unwrap_or_default()
}

fn package_name(a: Option<&crate::graph::entitlement::models::AccessPackage>) -> String {
    a.map(|p| p.display_name.clone()).unwrap_or_default()
}

fn requests(all: &[AssignmentRequest]) -> Vec<InFlight> {
    all.iter()
        .filter(|r| in_flight(r))
        .map(|r| {
            let (approvers, deadline) = next_step(r);
            InFlight {
                id: r.id.clone(),
                package: package_name(r.access_package.as_ref()),
                state: r.state().to_string(),
                approvers,
                deadline,
            }
        })
        .collect()
}

/// Access that is held (not expired or removed).
fn live(a: &Assignment) -> bool {
    !matches!(a.state.as_deref(), Some("expired" | "delivery failed" | "deliveryFailed"))
}

fn ending(all: &[Assignment], now: DateTime<Utc>) -> Vec<Ending> {
    let mut out: Vec<Ending> = vec![];
    for a in all.iter().filter(|a| live(a)) {
        let Some(end) = ends_at(a.schedule.as_ref()).or(a.expired_date_time.clone()) else { continue };
        if !ends_soon(&end, now, ENDING_DAYS) {
            continue;
        }
        let extendable = a
            .assignment_policy
            .as_ref()
            .and_then(|p| p.requestor_settings.as_ref())
            .and_then(|s| s.enable_targets_to_self_update_access)
            .unwrap_or(false);
        let item = Ending {
            assignment_id: a.id.clone(),
            package: package_name(a.access_package.as_ref()),
            ends: end,
            extendable,
        };
        // The soonest first, inserted in place (no sort routine in the bundle).
        let at = out.iter().position(|o| time(&o.ends) > time(&item.ends)).unwrap_or(out.len());
        out.insert(at, item);
    }
    out
}

fn not_redeemed(people: &[User]) -> Vec<NotRedeemed> {
    people
        .iter()
        .filter(|u| u.external_user_state.as_deref() != Some("Accepted"))
        .map(|u| NotRedeemed {
            user_id: u.id.clone(),
            name: u.display_name.clone().unwrap_or_default(),
            mail: u.mail.clone().unwrap_or_default(),
        })
        .collect()
}

impl HomeModel {
    /// The sections from the batch's parts, at `now`; `guest` says whether a partner reads it.
    pub fn build(data: HomeData, now: DateTime<Utc>, guest: bool) -> HomeModel {
        let no_requests = data.requests.as_ref().is_ok_and(|r| r.is_empty());
        let no_access = data.assignments.as_ref().is_ok_and(|a| !a.iter().any(live));
        let decisions = match data.decisions {
            None => Part::Nothing,
            Some(d) => Part::of(d.map(|d| waiting(&d)), |w| w.count == 0),
        };
        let invited = match data.invited {
            None => Part::Nothing,
            Some(p) => Part::of(p.map(|p| not_redeemed(&p)), Vec::is_empty),
        };
        HomeModel {
            decisions,
            requests: Part::of(data.requests.map(|r| requests(&r)), Vec::is_empty),
            ending: Part::of(data.assignments.map(|a| ending(&a, now)), Vec::is_empty),
            invited,
            new_partner: guest && no_requests && no_access,
        }
    }

    /// What waits for me to act: decisions, access about to end, invitations to send again.
    /// The page's title and the app's badge carry it.
    pub fn count(&self) -> usize {
        let len = |p: Option<usize>| p.unwrap_or(0);
        len(self.decisions.shown().map(|w| w.count))
            + len(self.ending.shown().map(Vec::len))
            + len(self.invited.shown().map(Vec::len))
    }

    /// Nothing to show in any section and no error: the page says so.
    pub fn all_quiet(&self) -> bool {
        !self.new_partner
            && matches!(self.decisions, Part::Nothing)
            && matches!(self.requests, Part::Nothing)
            && matches!(self.ending, Part::Nothing)
            && matches!(self.invited, Part::Nothing)
    }
}

/// The page's title with the count in front when there is one: `(2) Portier`.
pub fn titled(count: usize, name: &str) -> String {
    if count == 0 { name.to_string() } else { format!("({count}) {name}") }
}

#[cfg(test)]
mod tests;
