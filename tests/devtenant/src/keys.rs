//! The tenant's RSA signing key: made once, kept in the database so that `kid` stays the same
//! across restarts, published as a JWKS, used to sign and check RS256 tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pem: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    n: String,
    e: String,
}

impl SigningKey {
    /// A new 2048-bit key.
    pub fn generate() -> SigningKey {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("RSA key generation");
        let pem = key.to_pkcs1_pem(LineEnding::LF).expect("PEM encoding").to_string();
        Self::from_pem(&pem).expect("a key just made reads back")
    }

    /// A key stored earlier (PKCS#1 PEM).
    pub fn from_pem(pem: &str) -> anyhow::Result<SigningKey> {
        let key = RsaPrivateKey::from_pkcs1_pem(pem)?;
        let public = RsaPublicKey::from(&key);
        let n = B64.encode(public.n().to_bytes_be());
        let e = B64.encode(public.e().to_bytes_be());
        let kid = B64.encode(&Sha256::digest(n.as_bytes())[..15]);
        Ok(SigningKey {
            kid,
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes())?,
            decoding: DecodingKey::from_rsa_components(&n, &e)?,
            pem: pem.to_string(),
            n,
            e,
        })
    }

    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// Signs claims as a JWT with `alg` RS256, `typ` JWT and this key's `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("signing")
    }

    /// Checks a token's signature and algorithm and returns its claims. Time and audience are
    /// the caller's to check, against the tenant's clock.
    pub fn verify(&self, token: &str) -> Result<Value, jsonwebtoken::errors::Error> {
        let mut v = Validation::new(Algorithm::RS256);
        v.validate_exp = false;
        v.validate_aud = false;
        v.required_spec_claims.clear();
        jsonwebtoken::decode::<Value>(token, &self.decoding, &v).map(|d| d.claims)
    }

    /// The JWKS document, in Entra's key shape (`issuer` per key).
    pub fn jwks(&self, issuer: &str) -> Value {
        json!({ "keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": self.n, "e": self.e, "issuer": issuer,
        }]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    pub(crate) fn test_key() -> &'static SigningKey {
        static KEY: OnceLock<SigningKey> = OnceLock::new();
        KEY.get_or_init(SigningKey::generate)
    }

    #[test]
    fn a_signed_token_verifies_and_a_tampered_one_does_not() {
        let key = test_key();
        let token = key.sign(&json!({"oid": "x", "scp": "User.Read"}));
        assert_eq!(key.verify(&token).unwrap()["scp"], "User.Read");
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        parts[1] = B64.encode(br#"{"oid":"x","scp":"User.Invite.All"}"#);
        assert!(key.verify(&parts.join(".")).is_err());
    }

    #[test]
    fn the_kid_survives_a_round_trip_through_pem() {
        let key = test_key();
        let again = SigningKey::from_pem(key.pem()).unwrap();
        assert_eq!(again.kid, key.kid);
        assert_eq!(again.jwks("i")["keys"][0]["n"], key.jwks("i")["keys"][0]["n"]);
    }
}
