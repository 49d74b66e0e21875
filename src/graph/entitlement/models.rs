//! Entitlement management's resources as Portier reads and writes them, named as in Graph's
//! v1.0 schema (access packages, policies' requirements, questions, requests, approvals,
//! assignments). Enumerations stay strings: Graph adds values, and Portier must not break.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccessPackage {
    pub id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_hidden: Option<bool>,
    #[serde(default)]
    pub resource_role_scopes: Option<Vec<ResourceRoleScope>>,
    /// When expanded.
    #[serde(default)]
    pub assignment_policies: Option<Vec<Policy>>,
}

/// What a package grants: a role in a resource.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRoleScope {
    pub id: String,
    #[serde(default)]
    pub role: Option<ResourceRole>,
    #[serde(default)]
    pub scope: Option<Named>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRole {
    #[serde(default)]
    pub display_name: Option<String>,
    /// `AadGroup`, `AadApplication`, `SharePointOnline`.
    #[serde(default)]
    pub origin_system: Option<String>,
    #[serde(default)]
    pub resource: Option<Named>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
}

/// One policy's terms for the signed-in user (`getApplicablePolicyRequirements`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requirements {
    pub policy_id: String,
    #[serde(default)]
    pub policy_display_name: Option<String>,
    #[serde(default)]
    pub policy_description: Option<String>,
    #[serde(default)]
    pub is_approval_required_for_add: Option<bool>,
    #[serde(default)]
    pub is_requestor_justification_required: Option<bool>,
    #[serde(default)]
    pub allow_custom_assignment_schedule: Option<bool>,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub schedule: Option<Schedule>,
}

/// A policy's question: free text (with an optional pattern) or multiple choice.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    #[serde(rename = "@odata.type", default)]
    pub odata_type: String,
    pub id: String,
    #[serde(default)]
    pub sequence: Option<i32>,
    #[serde(default)]
    pub is_required: Option<bool>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub localizations: Vec<LocalizedText>,
    #[serde(default)]
    pub is_single_line_question: Option<bool>,
    #[serde(default)]
    pub regex_pattern: Option<String>,
    #[serde(default)]
    pub is_multiple_selection_allowed: Option<bool>,
    #[serde(default)]
    pub choices: Vec<Choice>,
}

impl Question {
    pub fn is_choice(&self) -> bool {
        self.odata_type.ends_with("MultipleChoiceQuestion")
    }

    /// The question in a language (`sv`), else its default text.
    pub fn text_in(&self, language: &str) -> String {
        localized(&self.localizations, language).unwrap_or_else(|| self.text.clone().unwrap_or_default())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub actual_value: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub localizations: Vec<LocalizedText>,
}

impl Choice {
    pub fn text_in(&self, language: &str) -> String {
        localized(&self.localizations, language)
            .unwrap_or_else(|| self.text.clone().unwrap_or_else(|| self.actual_value.clone()))
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalizedText {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub language_code: Option<String>,
}

/// The text whose language code (`sv-SE`, `sv`) has the language's prefix.
fn localized(texts: &[LocalizedText], language: &str) -> Option<String> {
    texts
        .iter()
        .find(|t| {
            t.language_code
                .as_deref()
                .and_then(|c| c.split('-').next())
                .is_some_and(|c| c.eq_ignore_ascii_case(language))
        })
        .and_then(|t| t.text.clone())
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Expiration {
    /// `noExpiration`, `afterDateTime`, `afterDuration`, `notSpecified`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<String>,
}

/// An access request, as listed and as submitted back.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentRequest {
    pub id: String,
    #[serde(default)]
    pub request_type: Option<String>,
    /// `submitted`, `pendingApproval`, `delivering`, `delivered`, `denied`, `canceled`, …
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub created_date_time: Option<String>,
    #[serde(default)]
    pub completed_date_time: Option<String>,
    #[serde(default)]
    pub justification: Option<String>,
    #[serde(default)]
    pub schedule: Option<Schedule>,
    #[serde(default)]
    pub answers: Vec<AnswerRead>,
    #[serde(default)]
    pub access_package: Option<AccessPackage>,
    #[serde(default)]
    pub requestor: Option<Subject>,
    /// The assignment it creates or concerns, with its policy when expanded.
    #[serde(default)]
    pub assignment: Option<RequestAssignment>,
}

/// Who asked (or for whom access is), with their connected organization when expanded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub connected_organization: Option<Named>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestAssignment {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub assignment_policy: Option<Policy>,
}

/// A policy's settings that the timeline and the access page read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub requestor_settings: Option<RequestorSettings>,
    #[serde(default)]
    pub request_approval_settings: Option<ApprovalSettings>,
    #[serde(default)]
    pub expiration: Option<Expiration>,
    /// When expanded.
    #[serde(default)]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RequestorSettings {
    #[serde(default)]
    pub enable_targets_to_self_update_access: Option<bool>,
    #[serde(default)]
    pub enable_targets_to_self_remove_access: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalSettings {
    #[serde(default)]
    pub stages: Vec<StageSettings>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageSettings {
    /// ISO 8601, e.g. `P14D`.
    #[serde(default)]
    pub duration_before_automatic_denial: Option<String>,
    #[serde(default)]
    pub is_approver_justification_required: Option<bool>,
    #[serde(default)]
    pub primary_approvers: Vec<SubjectSet>,
    #[serde(default)]
    pub fallback_primary_approvers: Vec<SubjectSet>,
}

/// Who approves: `#microsoft.graph.singleUser`, `groupMembers`, `requestorManager`,
/// `internalSponsors`, `externalSponsors`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectSet {
    #[serde(rename = "@odata.type", default)]
    pub odata_type: String,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub group_id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl AssignmentRequest {
    pub fn state(&self) -> &str {
        self.state.as_deref().unwrap_or("")
    }

    /// Whether the requestor may still cancel it (Graph: submitted, pending, scheduled).
    pub fn cancellable(&self) -> bool {
        matches!(self.state(), "submitted" | "pendingApproval" | "scheduled")
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerRead {
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub display_value: Option<String>,
    #[serde(default)]
    pub answered_question: Option<AnsweredQuestion>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AnsweredQuestion {
    pub id: String,
}

/// An approval (its id is its request's) with its stages.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Approval {
    pub id: String,
    #[serde(default)]
    pub stages: Vec<ApprovalStage>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalStage {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// `NotReviewed`, `Approved`, `Denied`.
    #[serde(default)]
    pub review_result: Option<String>,
    /// `InProgress`, `Initializing`, `Completed`, `Expired`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub justification: Option<String>,
    #[serde(default)]
    pub reviewed_by: Option<Named>,
    #[serde(default)]
    pub reviewed_date_time: Option<String>,
    #[serde(default)]
    pub assigned_to_me: Option<bool>,
}

/// Access a person holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub id: String,
    /// `delivering`, `delivered`, `expired`, …
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub schedule: Option<Schedule>,
    #[serde(default)]
    pub expired_date_time: Option<String>,
    #[serde(default)]
    pub access_package: Option<AccessPackage>,
    #[serde(default)]
    pub assignment_policy: Option<Policy>,
}

/// A request to send: `userAdd`, `userExtend`, `userRemove`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewRequest {
    pub request_type: String,
    pub assignment: NewAssignment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<Answer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

/// The request's `assignment`: the package and policy (add), or the assignment (remove). These
/// fields are write-only: Graph's schema does not list them.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NewAssignment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_package_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_policy_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
}

/// An answer as Graph takes it: a string answer naming its question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    #[serde(rename = "@odata.type")]
    pub odata_type: &'static str,
    pub value: String,
    pub display_value: String,
    pub answered_question: QuestionRef,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionRef {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub id: String,
}

impl Answer {
    pub fn to(question: &Question, value: String, display_value: String) -> Answer {
        Answer {
            odata_type: "#microsoft.graph.accessPackageAnswerString",
            value,
            display_value,
            answered_question: QuestionRef { odata_type: question.odata_type.clone(), id: question.id.clone() },
        }
    }
}
