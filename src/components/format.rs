//! Dates as people read them, in the page's language (the browser's `Intl`).

fn localized(iso: Option<&str>, with_time: bool) -> String {
    let Some(iso) = iso else { return String::new() };
    let lang = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_else(|| "en".into());
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
    if date.get_time().is_nan() {
        return iso.to_string();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    if with_time {
        let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    }
    date.to_locale_string(&lang, &options).into()
}

/// `2026-12-09T10:00:00Z` as a local date and time; the raw text when it cannot be read.
pub fn date_time(iso: Option<&str>) -> String {
    localized(iso, true)
}

/// A date without time (for end dates).
pub fn date(iso: Option<&str>) -> String {
    localized(iso, false)
}
