// The test's handle on MSAL.js: `window.msalTest` runs one MSAL call at a time and answers a
// plain summary (or `{ error, subError, message }`) that WebDriver can carry back to the test.
"use strict";

(function () {
  const summary = (r) => r && {
    username: r.account && r.account.username,
    homeAccountId: r.account && r.account.homeAccountId,
    tenantId: r.account && r.account.tenantId,
    scopes: r.scopes,
    fromCache: r.fromCache,
    tokenType: r.tokenType,
    hasAccessToken: Boolean(r.accessToken),
    idTokenClaims: r.idTokenClaims,
    expiresOn: r.expiresOn && r.expiresOn.getTime(),
  };
  const failure = (e) => ({
    error: (e && (e.errorCode || e.name)) || String(e),
    subError: e && e.subError,
    message: e && e.errorMessage || String(e && e.message || e),
  });
  const logs = [];

  const ready = (async () => {
    const config = await (await fetch("/config.json")).json();
    const pca = new msal.PublicClientApplication({
      auth: {
        clientId: config.clientId,
        authority: config.authority,
        knownAuthorities: config.knownAuthorities,
        protocolMode: config.protocolMode,
        redirectUri: location.origin + "/redirect.html",
        postLogoutRedirectUri: location.origin + "/redirect.html",
      },
      cache: { cacheLocation: "sessionStorage" },
      system: {
        loggerOptions: {
          logLevel: msal.LogLevel.Warning,
          piiLoggingEnabled: false,
          loggerCallback: (_level, message) => logs.push(message),
        },
      },
    });
    await pca.initialize();
    const redirect = await pca.handleRedirectPromise().then(summary, failure);
    document.getElementById("status").textContent = "ready";
    return { pca, config, redirect };
  })();

  const account = (pca) => pca.getAllAccounts()[0];
  const request = (config, extra) => Object.assign({ scopes: config.scopes }, extra || {});

  window.msalTest = {
    logs,
    ready: ready.then(() => "ready", failure),
    redirectResult: () => ready.then((s) => s.redirect),
    accounts: () => ready.then((s) => s.pca.getAllAccounts().map((a) => a.username)),
    loginPopup: () => ready.then((s) => s.pca.loginPopup(request(s.config))).then(summary, failure),
    loginRedirect: () => ready.then((s) => s.pca.loginRedirect(request(s.config))).then(() => null, failure),
    silent: (forceRefresh) => ready
      .then((s) => s.pca.acquireTokenSilent(request(s.config, { account: account(s.pca), forceRefresh })))
      .then(summary, failure),
    // Forgets every cached token, then signs in silently from the tenant's session (hidden iframe).
    ssoSilent: (loginHint) => ready
      .then(async (s) => {
        await s.pca.clearCache();
        return s.pca.ssoSilent(request(s.config, { loginHint }));
      })
      .then(summary, failure),
    me: () => ready
      .then(async (s) => {
        const r = await s.pca.acquireTokenSilent(request(s.config, { account: account(s.pca) }));
        const res = await fetch(s.config.graph + "/v1.0/me", { headers: { Authorization: "Bearer " + r.accessToken } });
        return { status: res.status, body: await res.json() };
      })
      .catch(failure),
    logoutPopup: () => ready.then((s) => s.pca.logoutPopup({ account: account(s.pca) })).then(() => null, failure),
    logoutRedirect: () => ready.then((s) => s.pca.logoutRedirect({ account: account(s.pca) })).then(() => null, failure),
  };
})();
