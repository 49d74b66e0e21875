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

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use openidconnect::core::CoreJsonWebKeyType;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// A key pair made by WebCrypto, a signature over `message`, and the public key as a JWK.
    async fn signed(message: &[u8]) -> (RsaJwk, Vec<u8>) {
        let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
        let alg = Object::new();
        Reflect::set(&alg, &"name".into(), &"RSASSA-PKCS1-v1_5".into()).unwrap();
        Reflect::set(&alg, &"modulusLength".into(), &2048.into()).unwrap();
        Reflect::set(&alg, &"publicExponent".into(), &Uint8Array::from(&[1u8, 0, 1][..])).unwrap();
        Reflect::set(&alg, &"hash".into(), &"SHA-256".into()).unwrap();
        let usages = Array::of2(&"sign".into(), &"verify".into());
        let pair = JsFuture::from(subtle.generate_key_with_object(&alg, true, &usages).unwrap()).await.unwrap();
        let private: web_sys::CryptoKey = Reflect::get(&pair, &"privateKey".into()).unwrap().unchecked_into();
        let public: web_sys::CryptoKey = Reflect::get(&pair, &"publicKey".into()).unwrap().unchecked_into();
        let sig = JsFuture::from(subtle.sign_with_object_and_u8_array(&alg, &private, message).unwrap()).await.unwrap();
        let jwk = JsFuture::from(subtle.export_key("jwk", &public).unwrap()).await.unwrap();
        let field = |k: &str| Reflect::get(&jwk, &JsValue::from_str(k)).unwrap().as_string();
        let key = RsaJwk {
            kty: CoreJsonWebKeyType::RSA,
            kid: None,
            key_use: None,
            alg: Some("RS256".into()),
            n: field("n"),
            e: field("e"),
        };
        (key, Uint8Array::new(&sig).to_vec())
    }

    #[wasm_bindgen_test]
    async fn a_genuine_rs256_signature_verifies_and_a_tampered_one_does_not() {
        let message = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0";
        let (key, sig) = signed(message).await;
        assert!(verify_rs256(&key, message, &sig).await.unwrap());
        let mut tampered = sig.clone();
        tampered[10] ^= 0xff;
        assert!(!verify_rs256(&key, message, &tampered).await.unwrap());
        assert!(!verify_rs256(&key, b"another message", &sig).await.unwrap());
        assert!(!B64.encode(&sig).is_empty());
    }

    #[wasm_bindgen_test]
    async fn a_key_without_modulus_is_refused() {
        let key = RsaJwk { kty: CoreJsonWebKeyType::RSA, kid: None, key_use: None, alg: None, n: None, e: None };
        assert!(verify_rs256(&key, b"m", b"s").await.is_err());
    }
}
