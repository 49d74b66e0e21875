//! URLs read the way the browser reads them (the WHATWG URL standard): through the browser's own
//! `URL` in the app, so that no URL parser of Portier's own weighs on the first page, and through
//! the `url` crate (the same standard) in native tests, so that what reads URLs stays tested there.

use std::fmt;

/// An absolute URL, parsed.
#[derive(Clone)]
pub struct WebUrl(Inner);

#[cfg(target_arch = "wasm32")]
type Inner = web_sys::Url;
#[cfg(not(target_arch = "wasm32"))]
type Inner = url::Url;

/// Why a text is not a URL (as the parser says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAUrl(pub String);

impl fmt::Display for NotAUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(target_arch = "wasm32")]
fn refused(e: wasm_bindgen::JsValue) -> NotAUrl {
    let message = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string());
    NotAUrl(message.unwrap_or_else(|| "invalid URL".into()))
}

impl WebUrl {
    /// Parses an absolute URL.
    pub fn parse(text: &str) -> Result<WebUrl, NotAUrl> {
        #[cfg(target_arch = "wasm32")]
        return web_sys::Url::new(text).map(WebUrl).map_err(refused);
        #[cfg(not(target_arch = "wasm32"))]
        url::Url::parse(text).map(WebUrl).map_err(|e| NotAUrl(e.to_string()))
    }

    /// `reference` (absolute, or relative) read against this URL.
    pub fn join(&self, reference: &str) -> Result<WebUrl, NotAUrl> {
        #[cfg(target_arch = "wasm32")]
        return web_sys::Url::new_with_base(reference, &self.0.href()).map(WebUrl).map_err(refused);
        #[cfg(not(target_arch = "wasm32"))]
        self.0.join(reference).map(WebUrl).map_err(|e| NotAUrl(e.to_string()))
    }

    /// The scheme without its colon: `https`.
    pub fn scheme(&self) -> String {
        #[cfg(target_arch = "wasm32")]
        return self.0.protocol().trim_end_matches(':').to_string();
        #[cfg(not(target_arch = "wasm32"))]
        self.0.scheme().to_string()
    }

    /// The host as written in a URL (`[::1]` keeps its brackets); empty when there is none.
    pub fn host(&self) -> String {
        #[cfg(target_arch = "wasm32")]
        return self.0.hostname();
        #[cfg(not(target_arch = "wasm32"))]
        self.0.host_str().unwrap_or_default().to_string()
    }

    /// `scheme://host[:port]`, or `null` for a URL with no origin of its own (`data:`).
    pub fn origin(&self) -> String {
        #[cfg(target_arch = "wasm32")]
        return self.0.origin();
        #[cfg(not(target_arch = "wasm32"))]
        self.0.origin().ascii_serialization()
    }

    /// Whether the URL carries a user name or a password.
    pub fn has_credentials(&self) -> bool {
        #[cfg(target_arch = "wasm32")]
        return !self.0.username().is_empty() || !self.0.password().is_empty();
        #[cfg(not(target_arch = "wasm32"))]
        (!self.0.username().is_empty() || self.0.password().is_some())
    }

    /// The path: `/` at least, for web URLs.
    pub fn path(&self) -> String {
        #[cfg(target_arch = "wasm32")]
        return self.0.pathname();
        #[cfg(not(target_arch = "wasm32"))]
        self.0.path().to_string()
    }

    /// The query without its `?`; `None` when there is none, or it is empty.
    pub fn query(&self) -> Option<String> {
        #[cfg(target_arch = "wasm32")]
        let query = self.0.search().trim_start_matches('?').to_string();
        #[cfg(not(target_arch = "wasm32"))]
        let query = self.0.query().unwrap_or_default().to_string();
        (!query.is_empty()).then_some(query)
    }

    /// The fragment without its `#`; `None` when there is none, or it is empty.
    pub fn fragment(&self) -> Option<String> {
        #[cfg(target_arch = "wasm32")]
        let fragment = self.0.hash().trim_start_matches('#').to_string();
        #[cfg(not(target_arch = "wasm32"))]
        let fragment = self.0.fragment().unwrap_or_default().to_string();
        (!fragment.is_empty()).then_some(fragment)
    }

    /// Path, query and fragment: the URL as seen from its own origin.
    pub fn path_onwards(&self) -> String {
        let query = self.query().map(|q| format!("?{q}")).unwrap_or_default();
        let fragment = self.fragment().map(|f| format!("#{f}")).unwrap_or_default();
        format!("{}{query}{fragment}", self.path())
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(target_arch = "wasm32")]
        return f.write_str(&self.0.href());
        #[cfg(not(target_arch = "wasm32"))]
        f.write_str(self.0.as_str())
    }
}

impl fmt::Debug for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebUrl({self})")
    }
}

/// Two URLs are equal when they read the same.
impl PartialEq for WebUrl {
    fn eq(&self, other: &WebUrl) -> bool {
        self.to_string() == other.to_string()
    }
}

impl From<WebUrl> for String {
    fn from(url: WebUrl) -> String {
        url.to_string()
    }
}

/// The same tests natively (the `url` crate) and in the browser (its `URL`): the two must agree.
#[cfg(test)]
mod tests {
    use super::WebUrl;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[test]
    fn a_url_is_read_into_its_parts() {
        let u = WebUrl::parse("https://user:pw@Example.com:8443/a/b?x=1#top").unwrap();
        assert_eq!(u.scheme(), "https");
        assert_eq!(u.host(), "example.com");
        assert_eq!(u.origin(), "https://example.com:8443");
        assert!(u.has_credentials());
        assert_eq!(u.path_onwards(), "/a/b?x=1#top");
        assert_eq!(WebUrl::parse("http://[::1]:80/").unwrap().host(), "[::1]");
    }

    #[test]
    fn a_reference_is_read_against_its_base() {
        let base = WebUrl::parse("https://example.com/app/loader.js").unwrap();
        assert_eq!(base.join("config.json").unwrap().to_string(), "https://example.com/app/config.json");
        assert_eq!(base.join("//other.example/x").unwrap().origin(), "https://other.example");
        assert!(WebUrl::parse("config.json").is_err());
    }

    #[test]
    fn an_empty_query_or_fragment_counts_as_none() {
        let u = WebUrl::parse("https://example.com/?#").unwrap();
        assert_eq!((u.query(), u.fragment()), (None, None));
        assert_eq!(u.path_onwards(), "/");
        assert_eq!(WebUrl::parse("data:text/html,x").unwrap().origin(), "null");
    }
}
