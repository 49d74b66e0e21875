//! Hands the person a file made in the page (an export), without a server.

use wasm_bindgen::JsCast;

/// Offers `text` as a download named `filename`.
pub fn download(filename: &str, mime: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlElement = a.unchecked_into();
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", filename);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// One CSV field: quoted, and made inert for spreadsheets (a leading `=`, `+`, `-`, `@`, tab or
/// carriage return would start a formula).
pub fn csv_field(value: &str) -> String {
    let inert =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    format!("\"{}\"", inert.replace('"', "\"\""))
}

/// Rows as CSV (CRLF line ends, as spreadsheets expect).
pub fn csv(rows: &[Vec<String>]) -> String {
    rows.iter().map(|r| r.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",")).collect::<Vec<_>>().join("\r\n")
        + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        assert_eq!(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        for f in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_field(f).starts_with("\"'"), "{f}");
        }
        assert_eq!(csv_field("plain, text"), "\"plain, text\"");
        assert_eq!(csv(&[vec!["a".into(), "b".into()]]), "\"a\",\"b\"\r\n");
    }
}
