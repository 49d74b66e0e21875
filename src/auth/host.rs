//! Tokens from the page's own sign-in: a page that already signed its user in (with MSAL.js, for
//! example) hands Portier a function, `(scopes, { forceRefresh, claims }) => Promise<token>`,
//! and Portier never signs in itself.

use super::error::AuthError;

/// The page's token function.
#[derive(Clone)]
pub struct HostTokens(js_sys::Function);

impl HostTokens {
    pub fn new(provider: js_sys::Function) -> HostTokens {
        HostTokens(provider)
    }

    /// Asks the page for a token; `force` after Graph refused the last one, with the claims of a
    /// challenge when there was one. A refusal keeps the page's own words.
    pub async fn token(&self, scopes: &[String], force: bool, claims: Option<&str>) -> Result<String, AuthError> {
        use wasm_bindgen::JsValue;
        let list: js_sys::Array = scopes.iter().map(|s| JsValue::from_str(s)).collect();
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"forceRefresh".into(), &force.into());
        if let Some(c) = claims {
            let _ = js_sys::Reflect::set(&options, &"claims".into(), &c.into());
        }
        let returned = self.0.call2(&JsValue::NULL, &list, &options).map_err(refusal)?;
        let settled =
            wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&returned)).await.map_err(refusal)?;
        settled
            .as_string()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| AuthError::HostProvider("the token provider gave no token".into()))
    }
}

fn refusal(e: wasm_bindgen::JsValue) -> AuthError {
    use wasm_bindgen::JsCast;
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string()))
        .unwrap_or_default();
    AuthError::HostProvider(if text.is_empty() { "the token provider failed".into() } else { text })
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn provider(body: &str) -> HostTokens {
        HostTokens::new(js_sys::Function::new_with_args("scopes, options", body))
    }

    #[wasm_bindgen_test]
    async fn the_page_is_asked_with_the_scopes_and_whether_to_renew() {
        let host =
            provider("return Promise.resolve(scopes.join(' ') + '|' + options.forceRefresh + '|' + options.claims)");
        let scopes = ["User.Read".to_string(), "EntitlementManagement.Read.All".to_string()];
        assert_eq!(
            host.token(&scopes, false, None).await.unwrap(),
            "User.Read EntitlementManagement.Read.All|false|undefined"
        );
        assert_eq!(
            host.token(&scopes, true, Some("{\"a\":1}")).await.unwrap(),
            "User.Read EntitlementManagement.Read.All|true|{\"a\":1}"
        );
        // A plain value is as good as a promise of one.
        assert_eq!(provider("return 'at'").token(&scopes, false, None).await.unwrap(), "at");
    }

    #[wasm_bindgen_test]
    async fn a_refusal_keeps_the_pages_words() {
        let scopes = ["User.Read".to_string()];
        let rejected = provider("return Promise.reject(new Error('InteractionRequiredAuthError: consent'))");
        assert_eq!(
            rejected.token(&scopes, false, None).await,
            Err(AuthError::HostProvider("InteractionRequiredAuthError: consent".into()))
        );
        let thrown = provider("throw 'no account'");
        assert_eq!(thrown.token(&scopes, false, None).await, Err(AuthError::HostProvider("no account".into())));
        let empty = provider("return Promise.resolve('')");
        assert!(matches!(empty.token(&scopes, false, None).await, Err(AuthError::HostProvider(_))));
    }
}
