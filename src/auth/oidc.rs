//! OpenID Connect through the `openidconnect` crate: the provider's endpoints, the authorize URL
//! (code + PKCE S256, state, nonce), code redemption and refresh — with Entra's token fields and
//! error shape, an RS256-only key type so no other crypto is linked in, and the id token kept as
//! text for `verify.rs`, whose lean claims model costs a fraction of the crate's full one.

use super::error::{AuthError, classify};
use crate::config::{Config, ProtocolMode};
use crate::net::{HttpRequest, HttpResponse, NetError};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreGenderClaim, CoreJsonWebKeyType, CoreJsonWebKeyUse,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, AuthUrl, AuthorizationCode, ClientId, CsrfToken, EmptyAdditionalClaims, EndpointNotSet, EndpointSet,
    ExtraTokenFields, IssuerUrl, JsonWebKey, JsonWebKeyAlgorithm, JsonWebKeyId, JsonWebKeySet, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    SignatureVerificationError, StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::future::Future;

/// Entra's token-response fields beyond OAuth's: the id token stays text until `verify.rs`
/// reads it, and `client_info` names the home account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EntraTokenFields {
    pub id_token: Option<String>,
    pub client_info: Option<String>,
}
impl ExtraTokenFields for EntraTokenFields {}

/// The token endpoint's answer. It wraps OAuth's standard response rather than the crate's
/// OpenID one, whose typed id token brings a parser for every standard claim (about 48 KB of
/// WebAssembly); the id token is read from `id_token` as text instead.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenResponse(StandardTokenResponse<EntraTokenFields, CoreTokenType>);

impl TokenResponse {
    /// The id token, as the provider sent it.
    pub fn raw_id_token(&self) -> Option<&str> {
        self.0.extra_fields().id_token.as_deref()
    }
}

impl OAuth2TokenResponse for TokenResponse {
    type TokenType = CoreTokenType;
    fn access_token(&self) -> &AccessToken {
        self.0.access_token()
    }
    fn token_type(&self) -> &CoreTokenType {
        self.0.token_type()
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        self.0.expires_in()
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.0.refresh_token()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.0.scopes()
    }
}

/// The crate's client asks for this; Portier never uses the crate's typed id token (see above).
impl
    openidconnect::TokenResponse<
        EmptyAdditionalClaims,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    > for TokenResponse
{
    fn id_token(
        &self,
    ) -> Option<
        &openidconnect::IdToken<
            EmptyAdditionalClaims,
            CoreGenderClaim,
            CoreJweContentEncryptionAlgorithm,
            CoreJwsSigningAlgorithm,
        >,
    > {
        None
    }
}

/// Entra's error body: `error_codes`, `suberror` and `correlation_id` matter to the app.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntraError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<u64>,
    #[serde(default)]
    pub suberror: Option<String>,
    #[serde(default)]
    pub claims: Option<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
}
impl fmt::Display for EntraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.error_description.as_deref().unwrap_or(""))
    }
}
impl openidconnect::ErrorResponse for EntraError {}

/// An RSA signing key from the JWKS. Its signature is checked with the browser's WebCrypto
/// (see `signature.rs`), which costs no download; this type only finds and describes keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RsaJwk {
    pub kty: CoreJsonWebKeyType,
    #[serde(default)]
    pub kid: Option<JsonWebKeyId>,
    #[serde(default, rename = "use")]
    pub key_use: Option<CoreJsonWebKeyUse>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
}

impl JsonWebKey for RsaJwk {
    type KeyUse = CoreJsonWebKeyUse;
    type SigningAlgorithm = CoreJwsSigningAlgorithm;

    fn key_id(&self) -> Option<&JsonWebKeyId> {
        self.kid.as_ref()
    }
    fn key_type(&self) -> &CoreJsonWebKeyType {
        &self.kty
    }
    fn key_use(&self) -> Option<&CoreJsonWebKeyUse> {
        self.key_use.as_ref()
    }
    fn signing_alg(&self) -> JsonWebKeyAlgorithm<&CoreJwsSigningAlgorithm> {
        match self.alg.as_deref() {
            None => JsonWebKeyAlgorithm::Unspecified,
            Some("RS256") => JsonWebKeyAlgorithm::Algorithm(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256),
            Some(_) => JsonWebKeyAlgorithm::Unsupported,
        }
    }
    fn new_symmetric(_: Vec<u8>) -> Self {
        RsaJwk { kty: CoreJsonWebKeyType::Symmetric, kid: None, key_use: None, alg: None, n: None, e: None }
    }
    fn verify_signature(
        &self,
        _: &CoreJwsSigningAlgorithm,
        _: &[u8],
        _: &[u8],
    ) -> Result<(), SignatureVerificationError> {
        Err(SignatureVerificationError::UnsupportedAlg("signatures are checked with WebCrypto".into()))
    }
    fn hash_bytes(&self, _: &[u8], _: &CoreJwsSigningAlgorithm) -> Result<Vec<u8>, String> {
        Err("token hashes are not checked".into())
    }
}

pub type Jwks = JsonWebKeySet<RsaJwk>;

pub type Client = openidconnect::Client<
    EmptyAdditionalClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    RsaJwk,
    CoreAuthPrompt,
    EntraError,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointNotSet,
>;

/// The provider's endpoints, from its discovery document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    pub jwks_uri: String,
}

/// Where the discovery document is: Entra's `/v2.0/.well-known/…` in `aad` mode (as MSAL.js
/// appends it), the plain OpenID Connect location in `oidc` mode.
pub fn discovery_url(config: &Config) -> String {
    match config.protocol_mode {
        ProtocolMode::Aad => format!("{}/v2.0/.well-known/openid-configuration", config.authority),
        ProtocolMode::Oidc => format!("{}/.well-known/openid-configuration", config.authority),
    }
}

fn bad_url(what: &str) -> impl Fn(url::ParseError) -> AuthError + '_ {
    move |e| AuthError::Unreachable(format!("the provider's {what} is not a URL: {e}"))
}

/// A client for the provider; `redirect_uri` is where the answer should come back.
pub fn client(config: &Config, provider: &Provider, jwks: Jwks, redirect_uri: &str) -> Result<Client, AuthError> {
    // Entra's multi-tenant issuer carries a `{tenantid}` template: it is checked by hand later.
    let issuer = IssuerUrl::new(provider.issuer.replace("{tenantid}", "common")).map_err(bad_url("issuer"))?;
    Ok(openidconnect::Client::new(ClientId::new(config.client_id.clone()), issuer, jwks)
        .set_auth_uri(AuthUrl::new(provider.authorization_endpoint.clone()).map_err(bad_url("authorization endpoint"))?)
        .set_token_uri(TokenUrl::new(provider.token_endpoint.clone()).map_err(bad_url("token endpoint"))?)
        .set_redirect_uri(RedirectUrl::new(redirect_uri.to_string()).map_err(bad_url("redirect URI"))?))
}

/// An authorize request ready to send: its URL and the secrets to keep until the answer.
pub struct Authorize {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

/// `n` random bytes, base64url without padding: what the crate's own `new_random` makes, from
/// the browser's `crypto.getRandomValues` directly, which keeps a second random generator (and
/// its ChaCha code) out of the bundle.
fn random_b64(n: usize) -> String {
    use base64::Engine;
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).expect("the platform's random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Optional parts of an authorize request.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeOptions {
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
    pub claims: Option<String>,
    pub correlation_id: Option<String>,
}

/// Builds the authorize URL as MSAL.js does: code + PKCE S256, `state`, `nonce`, the scopes plus
/// `openid profile offline_access`, `response_mode=fragment`, `client_info=1`.
pub fn authorize(client: &Client, scopes: &[String], options: &AuthorizeOptions) -> Authorize {
    let verifier = PkceCodeVerifier::new(random_b64(32));
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            || CsrfToken::new(random_b64(16)),
            || Nonce::new(random_b64(16)),
        )
        .set_pkce_challenge(challenge)
        .add_scopes(["profile", "offline_access"].iter().map(|s| Scope::new(s.to_string())))
        .add_scopes(scopes.iter().cloned().map(Scope::new))
        .add_extra_param("response_mode", "fragment")
        .add_extra_param("client_info", "1");
    if let Some(p) = &options.prompt {
        request = request.add_extra_param("prompt", p.clone());
    }
    if let Some(h) = &options.login_hint {
        request = request.add_extra_param("login_hint", h.clone());
    }
    if let Some(c) = &options.claims {
        request = request.add_extra_param("claims", c.clone());
    }
    if let Some(id) = &options.correlation_id {
        request = request.add_extra_param("client-request-id", id.clone());
    }
    let (url, state, nonce) = request.url();
    Authorize {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
    }
}

/// The scope parameter sent to the token endpoint: the resource's scopes plus the OpenID ones.
fn token_scope(scopes: &[String]) -> String {
    let mut all: Vec<String> = scopes.to_vec();
    all.extend(["openid", "profile", "offline_access"].map(String::from));
    all.join(" ")
}

fn token_error(e: RequestTokenError<NetError, EntraError>) -> AuthError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let mut err = classify(
                &r.error,
                r.error_description.as_deref().unwrap_or(""),
                r.suberror.as_deref(),
                r.correlation_id.clone(),
            );
            if let AuthError::InteractionRequired { claims, .. } = &mut err {
                *claims = r.claims.clone();
            }
            err
        }
        RequestTokenError::Request(net) => AuthError::Unreachable(net.to_string()),
        RequestTokenError::Parse(e, _) => AuthError::Unreachable(format!("unreadable token response: {e}")),
        RequestTokenError::Other(e) => AuthError::Unreachable(e),
    }
}

/// Redeems a code with its PKCE verifier.
pub async fn redeem<C, F>(
    client: &Client,
    http: &C,
    code: &str,
    verifier: &str,
    scopes: &[String],
) -> Result<TokenResponse, AuthError>
where
    C: Fn(HttpRequest) -> F,
    F: Future<Output = Result<HttpResponse, NetError>>,
{
    client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()))
        .add_extra_param("scope", token_scope(scopes))
        .add_extra_param("client_info", "1")
        .request_async(http)
        .await
        .map_err(token_error)
}

/// Trades the refresh token for new tokens (and a rotated refresh token).
pub async fn refresh<C, F>(
    client: &Client,
    http: &C,
    refresh_token: &str,
    scopes: &[String],
    claims: Option<&str>,
) -> Result<TokenResponse, AuthError>
where
    C: Fn(HttpRequest) -> F,
    F: Future<Output = Result<HttpResponse, NetError>>,
{
    let rt = RefreshToken::new(refresh_token.to_string());
    let mut request = client
        .exchange_refresh_token(&rt)
        .add_extra_param("scope", token_scope(scopes))
        .add_extra_param("client_info", "1");
    if let Some(c) = claims {
        request = request.add_extra_param("claims", c.to_string());
    }
    request.request_async(http).await.map_err(token_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_values_are_as_long_as_the_crates_own_and_differ() {
        // 32 bytes make a 43-character verifier (RFC 7636's minimum); 16 make state and nonce.
        assert_eq!(random_b64(32).len(), 43);
        assert_eq!(random_b64(16).len(), 22);
        assert_ne!(random_b64(16), random_b64(16));
        let verifier = random_b64(32);
        assert!(verifier.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
