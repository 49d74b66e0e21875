//! What a person types into a request form, kept as a draft in `sessionStorage` until the
//! request is sent (a reload, a sign-in round trip or an expired session loses nothing), checked
//! field by field, and turned into Graph's request.

use super::field::{FieldError, FormField};
use crate::graph::entitlement::models::{
    Answer, Expiration, NewAssignment, NewRequest, Question, Requirements, Schedule,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormValues {
    pub policy_id: String,
    /// Answers by question id (a multiple choice may hold several).
    pub answers: BTreeMap<String, Vec<String>>,
    pub justification: String,
    /// `YYYY-MM-DD`, empty when not asked for.
    pub start: String,
    pub end: String,
}

/// The form's problems, in the order its fields are shown: the first is where focus goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Vec<(FormField, FieldError)>);

impl FieldErrors {
    pub fn get(&self, field: &FormField) -> Option<FieldError> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, e)| *e)
    }

    /// The first field in error, as the form shows them.
    pub fn first(&self) -> Option<&FormField> {
        self.0.first().map(|(f, _)| f)
    }

    /// Adds a problem unless the field has one already (several packages share fields).
    pub fn add(&mut self, field: FormField, error: FieldError) {
        if self.get(&field).is_none() {
            self.0.push((field, error));
        }
    }

    pub fn merge(&mut self, other: FieldErrors) {
        for (f, e) in other.0 {
            self.add(f, e);
        }
    }
}

/// Checks the form against a policy's requirements. `matches(pattern, text)` applies a
/// question's regular expression (the browser's `RegExp`).
pub fn validate(values: &FormValues, req: &Requirements, matches: &dyn Fn(&str, &str) -> bool) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for q in &in_sequence(&req.questions) {
        let answer: Vec<&String> =
            values.answers.get(&q.id).map(|a| a.iter().filter(|v| !v.trim().is_empty()).collect()).unwrap_or_default();
        if answer.is_empty() {
            if q.is_required.unwrap_or(false) {
                errors.add(FormField::Question(q.id.clone()), FieldError::Required);
            }
            continue;
        }
        if let Some(pattern) = q.regex_pattern.as_deref().filter(|p| !p.is_empty())
            && !q.is_choice()
            && !answer.iter().all(|a| matches(pattern, a.trim()))
        {
            errors.add(FormField::Question(q.id.clone()), FieldError::Pattern);
        }
    }
    if req.is_requestor_justification_required.unwrap_or(false) && values.justification.trim().is_empty() {
        errors.add(FormField::Justification, FieldError::Required);
    }
    if !values.start.is_empty() && !values.end.is_empty() && values.end <= values.start {
        errors.add(FormField::End, FieldError::EndBeforeStart);
    }
    errors
}

/// Graph's `userAdd` request for a package under a policy, answers in the form's language.
pub fn to_request(package_id: &str, values: &FormValues, req: &Requirements, language: &str) -> NewRequest {
    let answers = req
        .questions
        .iter()
        .filter_map(|q| {
            let chosen: Vec<String> =
                values.answers.get(&q.id)?.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
            if chosen.is_empty() {
                return None;
            }
            let shown: Vec<String> = if q.is_choice() {
                chosen
                    .iter()
                    .map(|v| {
                        q.choices
                            .iter()
                            .find(|c| &c.actual_value == v)
                            .map(|c| c.text_in(language))
                            .unwrap_or_else(|| v.clone())
                    })
                    .collect()
            } else {
                chosen.clone()
            };
            Some(Answer::to(q, chosen.join(","), shown.join(", ")))
        })
        .collect();
    let custom = req.allow_custom_assignment_schedule.unwrap_or(false);
    let schedule = (custom && (!values.start.is_empty() || !values.end.is_empty())).then(|| Schedule {
        start_date_time: (!values.start.is_empty()).then(|| format!("{}T00:00:00Z", values.start)),
        expiration: (!values.end.is_empty()).then(|| Expiration {
            kind: Some("afterDateTime".into()),
            end_date_time: Some(format!("{}T00:00:00Z", values.end)),
            duration: None,
        }),
    });
    let justification = values.justification.trim();
    NewRequest {
        request_type: "userAdd".into(),
        assignment: NewAssignment {
            access_package_id: Some(package_id.into()),
            assignment_policy_id: Some(req.policy_id.clone()),
            ..Default::default()
        },
        justification: (!justification.is_empty()).then(|| justification.to_string()),
        answers,
        schedule,
    }
}

/// The requirements of the chosen policy (the first, when none is chosen yet).
pub fn chosen(reqs: &[Requirements], values: &FormValues) -> Option<Requirements> {
    reqs.iter().find(|r| r.policy_id == values.policy_id).or(reqs.first()).cloned()
}

/// A policy's questions in `sequence` order, equal ones as Graph gave them. Inserted one by one:
/// a policy has a few questions, and `sort` would bring a sort routine of its own into the bundle.
pub fn in_sequence(questions: &[Question]) -> Vec<Question> {
    let mut ordered: Vec<Question> = Vec::with_capacity(questions.len());
    for q in questions {
        let at = ordered.partition_point(|p| p.sequence.unwrap_or(0) <= q.sequence.unwrap_or(0));
        ordered.insert(at, q.clone());
    }
    ordered
}

/// The browser's regular expressions, as the policy author wrote them (JavaScript flavour).
pub fn browser_regex(pattern: &str, text: &str) -> bool {
    js_sys::RegExp::new(pattern, "u").test(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirements() -> Requirements {
        serde_json::from_value(serde_json::json!({
            "policyId": "p1", "isRequestorJustificationRequired": true, "allowCustomAssignmentSchedule": true,
            "questions": [
                {"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion", "id": "code", "isRequired": true, "text": "Project code", "regexPattern": "^PRJ-[0-9]{4}$"},
                {"@odata.type": "#microsoft.graph.accessPackageMultipleChoiceQuestion", "id": "role", "isRequired": false, "text": "Role",
                 "choices": [{"actualValue": "dev", "text": "Developer", "localizations": [{"languageCode": "sv-SE", "text": "Utvecklare"}]}]},
            ]}))
        .unwrap()
    }

    /// A stand-in for the browser's `RegExp`: the only pattern the tests use.
    fn prj(pattern: &str, text: &str) -> bool {
        assert_eq!(pattern, "^PRJ-[0-9]{4}$");
        text.len() == 8 && text.starts_with("PRJ-") && text[4..].chars().all(|c| c.is_ascii_digit())
    }

    #[test]
    fn required_answers_patterns_justification_and_dates_are_checked() {
        let r = requirements();
        let code = FormField::Question("code".into());
        let empty = validate(&FormValues::default(), &r, &prj);
        assert_eq!(empty.get(&code), Some(FieldError::Required));
        assert_eq!(empty.get(&FormField::Justification), Some(FieldError::Required));
        assert_eq!(empty.get(&FormField::Question("role".into())), None, "optional");
        let mut v = FormValues {
            justification: "Work".into(),
            start: "2026-12-10".into(),
            end: "2026-12-01".into(),
            ..Default::default()
        };
        v.answers.insert("code".into(), vec!["PRJ-12".into()]);
        let e = validate(&v, &r, &prj);
        assert_eq!(e.get(&code), Some(FieldError::Pattern));
        assert_eq!(e.get(&FormField::End), Some(FieldError::EndBeforeStart));
        v.answers.insert("code".into(), vec!["PRJ-1234".into()]);
        v.end = "2027-01-01".into();
        assert_eq!(validate(&v, &r, &prj), FieldErrors::default());
    }

    #[test]
    fn the_first_error_is_the_first_field_on_the_form() {
        let mut r = requirements();
        r.questions[0].sequence = Some(2);
        r.questions[1].sequence = Some(1);
        r.questions[1].is_required = Some(true);
        let v = FormValues { start: "2026-12-10".into(), end: "2026-12-01".into(), ..Default::default() };
        let e = validate(&v, &r, &prj);
        // The role question is asked first (sequence 1), then the code, the justification, the end.
        let order: Vec<FormField> = e.0.iter().map(|(f, _)| f.clone()).collect();
        assert_eq!(
            order,
            [
                FormField::Question("role".into()),
                FormField::Question("code".into()),
                FormField::Justification,
                FormField::End
            ]
        );
        assert_eq!(e.first(), Some(&FormField::Question("role".into())));
        let mut both = e.clone();
        both.merge(validate(&FormValues::default(), &r, &prj));
        assert_eq!(both, e, "a field is in error once");
    }

    #[test]
    fn questions_are_asked_in_sequence_and_equal_ones_as_given() {
        let questions: Vec<Question> = serde_json::from_value(serde_json::json!([
            {"id": "c", "sequence": 2}, {"id": "a", "sequence": 1}, {"id": "none"},
            {"id": "b", "sequence": 1}, {"id": "d", "sequence": 2},
        ]))
        .unwrap();
        let ids: Vec<String> = in_sequence(&questions).into_iter().map(|q| q.id).collect();
        assert_eq!(ids, ["none", "a", "b", "c", "d"]);
    }

    #[test]
    fn the_request_carries_answers_in_the_forms_language_and_the_custom_schedule() {
        let r = requirements();
        let mut v = FormValues {
            policy_id: "p1".into(),
            justification: " Work on PRJ ".into(),
            start: "2026-12-10".into(),
            end: "2027-01-01".into(),
            ..Default::default()
        };
        v.answers.insert("code".into(), vec!["PRJ-1234".into()]);
        v.answers.insert("role".into(), vec!["dev".into()]);
        let req = to_request("pkg", &v, &r, "sv");
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(json["requestType"], "userAdd");
        assert_eq!(json["assignment"], serde_json::json!({"accessPackageId": "pkg", "assignmentPolicyId": "p1"}));
        assert_eq!(json["justification"], "Work on PRJ");
        assert_eq!(json["answers"][1]["value"], "dev");
        assert_eq!(json["answers"][1]["displayValue"], "Utvecklare");
        assert_eq!(
            json["answers"][1]["answeredQuestion"]["@odata.type"],
            "#microsoft.graph.accessPackageMultipleChoiceQuestion"
        );
        assert_eq!(json["schedule"]["startDateTime"], "2026-12-10T00:00:00Z");
        assert_eq!(json["schedule"]["expiration"]["type"], "afterDateTime");
    }
}
