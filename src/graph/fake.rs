//! Graph answered by a script, for tests: the client's own tests natively, and pages mounted in
//! the browser. Requests are kept, so that a test can say what was sent.

use super::{Authorizer, GraphClient, LocalBoxFuture, Renew, Transport};
use crate::auth::AuthError;
use crate::net::{Cancel, HttpRequest, HttpResponse, NetError};
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

pub type Scripted = Result<HttpResponse, NetError>;

#[derive(Default)]
pub struct FakeNet {
    pub answers: RefCell<VecDeque<Scripted>>,
    pub sent: RefCell<Vec<HttpRequest>>,
    pub slept: RefCell<Vec<u32>>,
    pub offline: std::cell::Cell<bool>,
    /// Graph never answers while set (a slow network, for what must show before it does).
    pub held: std::cell::Cell<bool>,
}

impl Transport for FakeNet {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
        _: Option<&'a Cancel>,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, NetError>> {
        self.sent.borrow_mut().push(request);
        if self.held.get() {
            return Box::pin(futures::future::pending());
        }
        let next = self.answers.borrow_mut().pop_front().expect("an answer was scripted");
        Box::pin(async move { next })
    }
    fn sleep(&self, ms: u32) -> LocalBoxFuture<'static, ()> {
        self.slept.borrow_mut().push(ms);
        Box::pin(async {})
    }
    fn jitter(&self) -> f64 {
        0.0
    }
    fn new_id(&self) -> String {
        "11111111-1111-4111-8111-111111111111".into()
    }
    fn now_ms(&self) -> f64 {
        // 2026-11-25T12:00:00Z
        1_795_608_000_000.0
    }
    fn online(&self) -> bool {
        !self.offline.get()
    }
}

#[derive(Default)]
pub struct FakeAuth {
    pub renewals: RefCell<Vec<Renew>>,
}

impl Authorizer for FakeAuth {
    fn authorize(&self, mut request: HttpRequest, renew: Renew) -> LocalBoxFuture<'_, Result<HttpRequest, AuthError>> {
        self.renewals.borrow_mut().push(renew.clone());
        let token = match renew {
            Renew::No => "first",
            Renew::Refresh => "fresh",
            Renew::Claims(_) => "stepped-up",
        };
        request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        Box::pin(async move { Ok(request) })
    }
}

pub fn answer(status: u16, headers: &[(&str, &str)], body: Value) -> Scripted {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    Ok(b.body(body.to_string().into_bytes()).unwrap())
}

pub fn graph_error(code: &str) -> Value {
    json!({"error": {"code": code, "message": "m", "innerError": {"request-id": "rid-1", "date": "2026-01-01T00:00:00"}}})
}

/// A client over scripted answers, given in the order the requests will be made.
pub fn client(answers: Vec<Scripted>) -> (GraphClient, Rc<FakeNet>, Rc<FakeAuth>) {
    let net = Rc::new(FakeNet { answers: RefCell::new(answers.into()), ..Default::default() });
    let auth = Rc::new(FakeAuth::default());
    (GraphClient::new("https://graph.example/v1.0/", auth.clone(), net.clone()), net, auth)
}

/// A `$batch` answer: each item's id, status and body.
pub fn batch_answer(items: &[(&str, u16, Value)]) -> Scripted {
    let responses: Vec<Value> =
        items.iter().map(|(id, status, body)| json!({"id": id, "status": status, "body": body})).collect();
    answer(200, &[], json!({ "responses": responses }))
}
