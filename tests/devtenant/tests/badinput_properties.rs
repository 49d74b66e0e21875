//! Property tests: the OData query options (`$filter`, `$select`, `$top`, `$orderby`, `$expand`,
//! `$count`, and options the tenant does not have, such as `$search`) read from arbitrary and
//! near-valid text never panic and fail only with Graph's 400; and arbitrary JSON bodies sent to
//! every endpoint that takes one are never answered with a 5xx.

mod ar;
mod common;
mod em;
mod refused;

use common::*;
use devtenant::graph::expand::{self, Allow};
use devtenant::graph::query::GraphQuery;
use devtenant::graph::schema;
use devtenant::odata::{self, Expr};
use em::*;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use refused::{ALL_SCOPES, assert_graph_error_shape};
use serde_json::{Map, Value, json};
use std::sync::OnceLock;

const PROPERTIES: [&str; 6] = ["id", "displayName", "state", "accessPackage/id", "mail", "createdDateTime"];
const EXPANDABLE: &[Allow] = &[Allow("accessPackage", &[Allow("assignmentPolicies", &[])]), Allow("requestor", &[])];

/// A `$filter` operand as written: quoted strings (with doubled quotes), numbers, GUIDs, dates,
/// `true`, `false`, `null`.
fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^']{0,12}".prop_map(|s| format!("'{s}'")),
        "[a-z' ]{0,8}".prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        any::<i32>().prop_map(|n| n.to_string()),
        Just("8b1f4d5e-2c3a-4e6f-9a7b-1c2d3e4f5a6b".to_string()),
        Just("2025-01-31T12:00:00Z".to_string()),
        prop::sample::select(vec!["true", "false", "null"]).prop_map(String::from),
    ]
}

/// Well-formed `$filter` expressions, a few levels deep.
fn filter() -> impl Strategy<Value = String> {
    let property = prop::sample::select(PROPERTIES.to_vec());
    let op = prop::sample::select(vec!["eq", "ne", "gt", "ge", "lt", "le"]);
    let function = prop::sample::select(vec!["startswith", "endswith", "contains"]);
    let leaf = prop_oneof![
        (property.clone(), op, literal()).prop_map(|(p, o, l)| format!("{p} {o} {l}")),
        (function, property.clone(), "[^']{0,8}").prop_map(|(f, p, s)| format!("{f}({p},'{s}')")),
        (property, prop::collection::vec(literal(), 1..4)).prop_map(|(p, ls)| format!("{p} in ({})", ls.join(", "))),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), prop::sample::select(vec!["and", "or"]), inner.clone())
                .prop_map(|(a, j, b)| format!("{a} {j} {b}")),
            inner.clone().prop_map(|e| format!("({e})")),
            inner.prop_map(|e| format!("not ({e})")),
        ]
    })
}

/// Text near a valid option: a piece cut out, a hostile piece put in, or the text cut short.
fn mutated(valid: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec!["'", "(", ")", ",", " ", "' OR 1=1 --", "\u{0}", "$", "eq", "/", "é", ";"]);
    (valid, any::<prop::sample::Index>(), any::<prop::sample::Index>(), piece, 0..3u8).prop_map(
        |(text, at, len, piece, how)| {
            let chars: Vec<char> = text.chars().collect();
            let i = at.index(chars.len() + 1);
            let j = (i + len.index(4)).min(chars.len());
            let (head, tail): (String, String) = (chars[..i].iter().collect(), chars[j..].iter().collect());
            match how {
                0 => format!("{head}{tail}"),
                1 => format!("{head}{piece}{tail}"),
                _ => head,
            }
        },
    )
}

/// A query string for a list: options drawn from what lists take and what they do not.
fn query() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "$filter",
        "$select",
        "$top",
        "$orderby",
        "$expand",
        "$count",
        "$skiptoken",
        "$search",
        "$skip",
        "$format",
        "$FILTER",
        "other",
    ]);
    let value = prop_oneof![filter(), mutated(filter()), "\\PC{0,40}", "[0-9-]{0,6}", Just("true".to_string())];
    prop::collection::vec((name, value), 0..4)
        .prop_map(|pairs| url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish())
}

/// A refusal from the query readers is Graph's 400 with a code and a message.
fn assert_typed<T>(what: &str, r: Result<T, devtenant::graph::error::GraphError>) {
    if let Err(e) = r {
        assert_eq!(e.status, 400, "{what}: {e:?}");
        assert!(!e.code.is_empty() && !e.message.is_empty(), "{what}: {e:?}");
    }
}

/// Every query reader the endpoints use, on one query string.
fn read_all(raw: &str) {
    let q = GraphQuery::parse(raw);
    assert_typed("only", q.only(&["$filter", "$select", "$top", "$orderby", "$expand", "$count", "$skiptoken"]));
    assert_typed("$filter", q.filter());
    assert_typed("$select", q.select(|p| schema::has_property("accessPackageAssignmentRequest", p)));
    assert_typed("$orderby", q.orderby(&["createdDateTime", "displayName"]));
    assert_typed("$count", q.count());
    assert_typed("$skip", q.skip());
    if let Some((skip, Ok(Some(n)))) = q.get("$skip").map(|skip| (skip, q.skip())) {
        assert_eq!(skip, n.to_string(), "$skip={skip} read as {n}");
    }
    assert_typed("$expand", expand::read(q.get("$expand"), "accessPackageAssignmentRequest", EXPANDABLE));
    if let Some((top, Ok(n))) = q.get("$top").map(|top| (top, odata::parse_top(top, 999))) {
        assert!((1..=999).contains(&n), "$top={top} read as {n}");
    }
}

/// A JSON value to filter, with the properties filters name.
fn item() -> impl Strategy<Value = Value> {
    ("\\PC{0,8}", any::<i32>(), any::<bool>())
        .prop_map(|(s, n, b)| json!({"id": s, "displayName": n, "state": b, "accessPackage": {"id": s}, "mail": null}))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn badinput_generated_filters_parse_and_evaluate(f in filter(), v in item()) {
        let e: Expr = odata::parse_filter(&f).map_err(|e| TestCaseError::fail(format!("{f}: {e}")))?;
        e.matches(&v);
        prop_assert!(!e.uses().is_empty());
    }

    #[test]
    fn badinput_arbitrary_and_near_valid_filters_never_panic(f in prop_oneof![mutated(filter()), "\\PC{0,80}"], v in item()) {
        if let Ok(e) = odata::parse_filter(&f) {
            e.matches(&v);
        }
    }

    #[test]
    fn badinput_arbitrary_query_strings_are_read_or_refused_with_400(raw in prop_oneof![query(), "\\PC{0,120}"]) {
        read_all(&raw);
    }

    #[test]
    fn badinput_expands_selects_and_orderbys_never_panic(
        e in mutated("[a-zA-Z]{1,10}(\\(\\$(expand|select)=[a-zA-Z,]{0,12}\\))?(,[a-zA-Z]{1,8})?".prop_map(String::from)),
        s in "[a-zA-Z, ;]{0,30}",
        o in "[a-zA-Z/ ]{0,24}",
    ) {
        let _ = expand::parse(&e);
        if let Ok(names) = odata::parse_select(&s, |p| p == "id" || p == "state") {
            prop_assert!(names.iter().all(|n| n == "id" || n == "state"));
        }
        if let Ok((prop, _)) = odata::parse_orderby(&o, &["createdDateTime"]) {
            prop_assert!(prop.eq_ignore_ascii_case("createdDateTime"));
        }
    }
}

/// One tenant for every case, on a runtime of its own (proptest's cases are synchronous).
fn shared() -> &'static (tokio::runtime::Runtime, TestTenant, String) {
    static SHARED: OnceLock<(tokio::runtime::Runtime, TestTenant, String)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let t = rt.block_on(start());
        let token = minted_token(&t, "sara@contoso.com", ALL_SCOPES);
        (rt, t, token)
    })
}

/// Strings that take a body past the first checks: real ids, enum values, addresses, hostile text.
fn string_value() -> impl Strategy<Value = String> {
    let known = vec![
        package_id(PILOT),
        package_id(TOOLS),
        policy_id(FABRIKAM, "Fabrikam partners"),
        "userAdd".into(),
        "userRemove".into(),
        "Approve".into(),
        "afterDuration".into(),
        "PT9223372036854775807S".into(),
        "9999-12-31T23:59:59Z".into(),
        "new@partner.example".into(),
        "http://localhost:8080/".into(),
        "' OR 1=1 --".into(),
    ];
    prop_oneof![3 => prop::sample::select(known), 1 => "\\PC{0,24}"]
}

fn json_value() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        3 => prop::sample::select(vec![
            "requestType", "assignment", "accessPackageId", "assignmentPolicyId", "justification", "answers",
            "schedule", "expiration", "type", "duration", "startDateTime", "reviewResult", "invitedUserEmailAddress",
            "inviteRedirectUrl", "invitedUserMessageInfo", "ccRecipients", "requests", "id", "method", "url", "body",
        ]).prop_map(String::from),
        1 => "\\PC{0,10}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("JSON has no NaN or infinity", |f| f.is_finite()).prop_map(|f| json!(f)),
        string_value().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((field.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Every JSON pointer into `v` but the root.
fn pointers(v: &Value, at: &str, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match v {
        Value::Object(m) => m.iter().map(|(k, c)| (k.replace('~', "~0").replace('/', "~1"), c)).collect(),
        Value::Array(a) => a.iter().enumerate().map(|(i, c)| (i.to_string(), c)).collect(),
        _ => vec![],
    };
    for (key, child) in children {
        let here = format!("{at}/{key}");
        out.push(here.clone());
        pointers(child, &here, out);
    }
}

/// `valid` with one of its values, anywhere in it, replaced by an arbitrary one.
fn near_valid(valid: Value) -> impl Strategy<Value = Value> {
    let mut all = vec![];
    pointers(&valid, "", &mut all);
    (prop::sample::select(all), json_value()).prop_map(move |(pointer, replacement)| {
        let mut body = valid.clone();
        *body.pointer_mut(&pointer).expect("a pointer into the body") = replacement;
        body
    })
}

/// An endpoint that takes a body, and one that it would accept (the strategies start from it).
fn endpoints(decision_path: String) -> Vec<(reqwest::Method, String, Value)> {
    let post = reqwest::Method::POST;
    vec![
        (
            post.clone(),
            "/v1.0/invitations".into(),
            json!({
                "invitedUserEmailAddress": "new@partner.example", "inviteRedirectUrl": "http://localhost:8080/",
                "invitedUserMessageInfo": {"messageLanguage": "sv-SE", "ccRecipients": [{"emailAddress": {"address": "cc@partner.example"}}]},
            }),
        ),
        (
            post.clone(),
            format!("{EM}/assignmentRequests"),
            json!({
                "requestType": "userAdd", "assignment": {"accessPackageId": package_id(TOOLS)}, "justification": "x",
                "schedule": {"startDateTime": "2030-01-01T00:00:00Z", "expiration": {"type": "afterDuration", "duration": "P7D"}},
            }),
        ),
        (reqwest::Method::PATCH, decision_path, json!({"reviewResult": "Approve", "justification": "x"})),
        (
            post,
            "/v1.0/$batch".into(),
            json!({"requests": [
                {"id": "1", "method": "GET", "url": "/me"},
                {"id": "2", "method": "POST", "url": "/invitations", "dependsOn": ["1"], "headers": {"Content-Type": "application/json"},
                 "body": {"invitedUserEmailAddress": "b@partner.example", "inviteRedirectUrl": "http://localhost:8080/"}},
            ]}),
        ),
    ]
}

#[test]
fn badinput_arbitrary_json_bodies_never_get_a_5xx() {
    let (rt, t, token) = shared();
    let lena = rt.block_on(async {
        let pending =
            json_ok(t, token, &format!("{EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')"))
                .await;
        let id = pending["value"][0]["id"].as_str().expect("a request waits for sara").to_string();
        let stage = my_stage(t, token, &id).await;
        format!("{EM}/accessPackageAssignmentApprovals/{id}/stages/{stage}")
    });
    let cases = endpoints(lena).into_iter().map(|(method, path, valid)| {
        let body = prop_oneof![json_value(), near_valid(valid)];
        (Just(method), Just(path), body)
    });
    let strategy = prop::strategy::Union::new(cases.collect::<Vec<_>>());
    let mut runner = TestRunner::new(ProptestConfig::with_cases(128));
    runner
        .run(&strategy, |(method, path, body)| {
            let (status, answer) = rt.block_on(async {
                let r = http()
                    .request(method.clone(), format!("{}{path}", t.graph))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await;
                let r = r.map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
                let status = r.status().as_u16();
                Ok::<_, TestCaseError>((status, r.json::<Value>().await.unwrap_or(Value::Null)))
            })?;
            prop_assert!(status < 500, "{method} {path} {body}: {status} {answer}");
            if status >= 400 {
                assert_graph_error_shape(&answer, &format!("{method} {path} {body}"));
            }
            Ok(())
        })
        .unwrap();
}

/// Arbitrary and near-valid bodies on the reviewer's writes, sent by the reviewer (pat, on his
/// own item of the demo's Partner portal self-review) so that they reach the review's rules:
/// Graph's 4xx or a recorded decision, never a 5xx.
#[test]
fn badinput_arbitrary_review_decision_bodies_never_get_a_5xx() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let t = rt.block_on(start());
    let pat = minted_token(&t, ar::PAT, ALL_SCOPES);
    let review = ar::portal_review();
    let valid = json!({"decision": "Approve", "justification": "x"});
    let batch =
        json!({"decision": "Deny", "justification": "x", "principalId": user_id(ar::PAT_UPN), "resourceId": "x"});
    let near = |valid: Value| prop_oneof![json_value(), near_valid(valid)].boxed();
    let cases = [
        (reqwest::Method::PATCH, review.item_path(), near(valid)),
        (reqwest::Method::POST, format!("{}/batchRecordDecisions", review.instance_path()), near(batch)),
        // It takes no parameters: anything but `{}` is refused.
        (reqwest::Method::POST, format!("{}/acceptRecommendations", review.instance_path()), json_value().boxed()),
    ]
    .map(|(method, path, body)| (Just(method), Just(path), body));
    let strategy = prop::strategy::Union::new(cases);
    let mut runner = TestRunner::new(ProptestConfig::with_cases(96));
    runner
        .run(&strategy, |(method, path, body)| {
            let (status, answer) = rt.block_on(async {
                let r = http()
                    .request(method.clone(), format!("{}{path}", t.graph))
                    .bearer_auth(&pat)
                    .json(&body)
                    .send()
                    .await;
                let r = r.map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
                let status = r.status().as_u16();
                Ok::<_, TestCaseError>((status, r.json::<Value>().await.unwrap_or(Value::Null)))
            })?;
            prop_assert!(status < 500, "{method} {path} {body}: {status} {answer}");
            prop_assert!(status == 204 || (400..500).contains(&status), "{method} {path} {body}: {status}");
            if status >= 400 {
                assert_graph_error_shape(&answer, &format!("{method} {path} {body}"));
            }
            Ok(())
        })
        .unwrap();
}
