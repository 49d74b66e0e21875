//! The request form's fields as one type: each one's DOM id, its label, and which of Graph's
//! refusals concern it, so that no field is named by a string in two places.

use crate::graph::GraphError;
use crate::i18n::PageTexts;

/// A field of the request form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormField {
    /// The answer to one of the policy's questions (its id).
    Question(String),
    /// Every question at once: Graph refuses answers without naming the question.
    Questions,
    Justification,
    Start,
    End,
}

impl FormField {
    /// The control's `id` on the page (a question's id need not be a CSS identifier: `dom`
    /// finds it by attribute).
    pub fn dom_id(&self) -> String {
        match self {
            FormField::Question(id) => format!("q-{id}"),
            FormField::Questions => "questions".into(),
            FormField::Justification => "justification".into(),
            FormField::Start => "start".into(),
            FormField::End => "end".into(),
        }
    }

    /// The field's label; a question's is its own text, in the page's language.
    pub fn label(&self, t: &PageTexts) -> Option<&'static str> {
        match self {
            FormField::Question(_) => None,
            FormField::Questions => Some(t.questions_title),
            FormField::Justification => Some(t.justification_label),
            FormField::Start => Some(t.start_label),
            FormField::End => Some(t.end_label),
        }
    }

    /// Whether a message about `other` belongs under this field.
    pub fn concerned_by(&self, other: &FormField) -> bool {
        self == other || (matches!(self, FormField::Question(_)) && *other == FormField::Questions)
    }
}

/// What is wrong with a field, found before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    Required,
    Pattern,
    EndBeforeStart,
}

impl FieldError {
    pub fn message(self, t: &PageTexts) -> &'static str {
        match self {
            FieldError::Required => t.field_required,
            FieldError::Pattern => t.field_pattern,
            FieldError::EndBeforeStart => t.end_before_start,
        }
    }
}

/// Graph's refusal of a request, as a sentence, and the field it concerns (`None`: the form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub sentence: &'static str,
    pub field: Option<FormField>,
}

/// The refusal for Graph's error, when it is one a person can act on in the form (else the
/// error view explains it).
pub fn refusal_for(t: &PageTexts, e: &GraphError) -> Option<Refusal> {
    let (sentence, field) = match e.code()? {
        "ExistingOpenRequest" => (t.err_existing_open_request, None),
        "AccessPackageAlreadyAssigned" => (t.err_already_assigned, None),
        "RequestorNotInPolicyScope" | "RequestTypeNotAllowedByPolicy" => (t.err_not_in_scope, None),
        "MissingRequiredAnswer" => (t.err_missing_answer, Some(FormField::Questions)),
        "InvalidAnswer" => (t.err_invalid_answer, Some(FormField::Questions)),
        "RequestorJustificationRequired" => (t.err_justification_required, Some(FormField::Justification)),
        "InvalidRequestSchedule" => (t.err_invalid_schedule, Some(FormField::End)),
        "RequestNotCancelable" => (t.err_not_cancelable, None),
        _ => return None,
    };
    Some(Refusal { sentence, field })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ServiceError;

    fn refused(code: &str) -> GraphError {
        GraphError::Service(Box::new(ServiceError {
            status: 400,
            code: code.into(),
            message: String::new(),
            request_id: None,
            client_request_id: None,
            date: None,
        }))
    }

    #[test]
    fn graphs_refusals_become_sentences_at_their_field_in_both_languages() {
        for lang in [crate::config::Language::En, crate::config::Language::Sv] {
            let t = crate::i18n::page_texts(lang);
            assert_eq!(
                refusal_for(t, &refused("InvalidAnswer")),
                Some(Refusal { sentence: t.err_invalid_answer, field: Some(FormField::Questions) })
            );
            assert_eq!(
                refusal_for(t, &refused("RequestorJustificationRequired")).unwrap().field,
                Some(FormField::Justification)
            );
            assert_eq!(refusal_for(t, &refused("InvalidRequestSchedule")).unwrap().field, Some(FormField::End));
            assert_eq!(
                refusal_for(t, &refused("ExistingOpenRequest")),
                Some(Refusal { sentence: t.err_existing_open_request, field: None })
            );
            assert_eq!(refusal_for(t, &refused("generalException")), None, "not a refusal: the error view");
        }
    }

    #[test]
    fn a_refusal_of_the_answers_shows_under_every_question_and_nowhere_else() {
        let q = FormField::Question("code".into());
        assert!(q.concerned_by(&FormField::Questions));
        assert!(q.concerned_by(&FormField::Question("code".into())));
        assert!(!q.concerned_by(&FormField::Question("role".into())));
        assert!(!FormField::Justification.concerned_by(&FormField::Questions));
        assert!(FormField::End.concerned_by(&FormField::End));
    }

    #[test]
    fn every_field_has_its_own_dom_id_and_fixed_fields_a_label() {
        let t = crate::i18n::page_texts(crate::config::Language::Sv);
        let fields = [
            FormField::Question("a:b".into()),
            FormField::Questions,
            FormField::Justification,
            FormField::Start,
            FormField::End,
        ];
        let ids: std::collections::BTreeSet<String> = fields.iter().map(FormField::dom_id).collect();
        assert_eq!(ids.len(), fields.len());
        assert_eq!(FormField::Question("a:b".into()).dom_id(), "q-a:b");
        assert_eq!(FormField::Justification.label(t), Some(t.justification_label));
        assert_eq!(FormField::Question("x".into()).label(t), None);
    }
}
