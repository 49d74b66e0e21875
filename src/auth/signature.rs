//! RS256 signature checks with the browser's WebCrypto (`RSASSA-PKCS1-v1_5` with SHA-256): the
//! same check the `rsa` crate would do, at no download cost.

use super::error::AuthError;
use super::oidc::RsaJwk;

#[cfg(target_arch = "wasm32")]
pub async fn verify_rs256(key: &RsaJwk, message: &[u8], signature: &[u8]) -> Result<bool, AuthError> {
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    let fail = |e: JsValue| AuthError::InvalidIdToken(format!("WebCrypto refused the key: {e:?}"));
    let set = |o: &Object, k: &str, v: &JsValue| Reflect::set(o, &k.into(), v).map(|_| ());
    let (Some(n), Some(e)) = (&key.n, &key.e) else {
        return Err(AuthError::InvalidIdToken("the key has no RSA modulus or exponent".into()));
    };
    let jwk = Object::new();
    set(&jwk, "kty", &"RSA".into()).map_err(fail)?;
    set(&jwk, "n", &n.into()).map_err(fail)?;
    set(&jwk, "e", &e.into()).map_err(fail)?;
    set(&jwk, "alg", &"RS256".into()).map_err(fail)?;
    set(&jwk, "ext", &true.into()).map_err(fail)?;
    let algorithm = Object::new();
    set(&algorithm, "name", &"RSASSA-PKCS1-v1_5".into()).map_err(fail)?;
    set(&algorithm, "hash", &"SHA-256".into()).map_err(fail)?;
    let subtle = web_sys::window()
        .ok_or_else(|| AuthError::InvalidIdToken("no window".into()))?
        .crypto()
        .map_err(fail)?
        .subtle();
    let usages = Array::of1(&"verify".into());
    let key = JsFuture::from(subtle.import_key_with_object("jwk", &jwk, &algorithm, false, &usages).map_err(fail)?)
        .await
        .map_err(fail)?;
    let key: web_sys::CryptoKey = key.unchecked_into();
    let ok = JsFuture::from(
        subtle.verify_with_object_and_u8_array_and_u8_array(&algorithm, &key, signature, message).map_err(fail)?,
    )
    .await
    .map_err(fail)?;
    Ok(ok.as_bool().unwrap_or(false))
}

/// Outside a browser there is no WebCrypto; native builds never verify signatures.
#[cfg(not(target_arch = "wasm32"))]
pub async fn verify_rs256(_: &RsaJwk, _: &[u8], _: &[u8]) -> Result<bool, AuthError> {
    Err(AuthError::InvalidIdToken("signatures can only be checked in a browser".into()))
}
