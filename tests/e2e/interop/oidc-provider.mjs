// An independent, OpenID-certified provider (the npm package oidc-provider) configured for a
// public client with PKCE, so a test can prove Portier's sign-in is not tuned to the local
// tenant. Started by tests/interop.rs with PORT, APP_ORIGIN and CLIENT_ID set.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const appOrigin = process.env.APP_ORIGIN;
const clientId = process.env.CLIENT_ID;

const provider = new Provider(`http://localhost:${port}`, {
  clients: [{
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    application_type: 'web',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [`${appOrigin}/`, `${appOrigin}/redirect.html`],
    post_logout_redirect_uris: [`${appOrigin}/`],
  }],
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
  // Profile claims in the id token itself (Portier reads the name from it).
  conformIdTokenClaims: false,
  clientBasedCORS: () => true,
  features: { devInteractions: { enabled: true } },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, name: 'Interop Person', preferred_username: `${id}@interop.example`, email: `${id}@interop.example` }),
  }),
});
provider.listen(port, () => console.log(`oidc-provider listening on ${port}`));
