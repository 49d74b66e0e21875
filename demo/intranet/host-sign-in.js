// The intranet signs its user in itself with Microsoft's MSAL.js (`msal` is its browser bundle)
// and hands Portier a token provider: Portier asks it for a Graph token for some scopes, and
// again with `{ forceRefresh, claims }` when Graph refuses the one it has. Portier is mounted
// only once someone is signed in, with the provider set before it starts.
(function () {
  "use strict";

  var tenant = { signin: "{{SIGNIN}}", graph: "{{GRAPH}}", id: "{{TENANT_ID}}", clientId: "{{CLIENT_ID}}" };
  // The Graph permissions this deployment of Portier uses (its config.json's `scopes`), asked for
  // at sign-in so that later silent requests need no consent.
  var scopes = [
    "User.Read",
    "User.ReadBasic.All",
    "User.Read.All",
    "User.Invite.All",
    "EntitlementMgmt-SubjectAccess.ReadWrite",
    "EntitlementManagement.Read.All",
    "EntitlementManagement.ReadWrite.All",
    "AccessReview.ReadWrite.All",
  ];
  var bridge = location.origin + "/msal-redirect.html";
  var status = document.getElementById("session");
  var signIn = document.getElementById("sign-in");
  var signOut = document.getElementById("sign-out");
  var place = document.getElementById("portier-place");
  var language = new URLSearchParams(location.search).get("lang") === "sv" ? "sv" : "en";

  var pca = new msal.PublicClientApplication({
    auth: {
      clientId: tenant.clientId,
      authority: tenant.signin + "/" + tenant.id,
      knownAuthorities: [new URL(tenant.signin).host],
      redirectUri: bridge,
      postLogoutRedirectUri: bridge,
    },
    cache: { cacheLocation: "sessionStorage" },
  });

  function say(text) {
    status.textContent = text;
  }

  function message(e) {
    return (e && (e.errorMessage || e.message)) || String(e);
  }

  function account() {
    return pca.getActiveAccount() || pca.getAllAccounts()[0] || null;
  }

  // Portier's token provider: a Graph access token for `wanted` (an array of scopes, or one
  // space-separated string), from MSAL's cache or renewed by it. A refusal reaches Portier,
  // which shows it.
  function tokenProvider(wanted, options) {
    var who = account();
    if (!who) {
      return Promise.reject(new Error("You are not signed in to the intranet."));
    }
    var list = Array.isArray(wanted) ? wanted : String(wanted || "").split(" ").filter(Boolean);
    var request = { scopes: list.length ? list : scopes, account: who };
    if (options && options.forceRefresh) {
      request.forceRefresh = true;
    }
    if (options && options.claims) {
      request.claims = options.claims;
    }
    return pca.acquireTokenSilent(request).then(
      function (result) { return result.accessToken; },
      function (e) { throw new Error("The intranet could not get a token: " + message(e)); }
    );
  }

  function mount() {
    if (place.querySelector("portier-app")) {
      return;
    }
    var app = document.createElement("portier-app");
    app.setAttribute("graph-base-url", tenant.graph + "/v1.0");
    app.setAttribute("route", "/approvals");
    app.setAttribute("lang", language);
    app.tokenProvider = tokenProvider;
    place.appendChild(app);
  }

  function signedIn(who) {
    pca.setActiveAccount(who);
    say("Signed in to the intranet as " + (who.name || who.username) + ".");
    signIn.hidden = true;
    signOut.hidden = false;
    mount();
  }

  function signedOut(text) {
    var app = place.querySelector("portier-app");
    if (app) {
      app.remove();
    }
    say(text);
    signIn.hidden = false;
    signOut.hidden = true;
  }

  signIn.addEventListener("click", function () {
    say("Signing in…");
    pca.loginPopup({ scopes: scopes }).then(
      function (result) { signedIn(result.account); },
      function (e) { signedOut("The sign-in did not finish: " + message(e)); }
    );
  });

  signOut.addEventListener("click", function () {
    var who = account();
    pca.logoutPopup({ account: who }).then(
      function () { signedOut("Signed out of the intranet."); },
      function (e) { say("The sign-out did not finish: " + message(e)); }
    );
  });

  pca.initialize().then(function () {
    var who = account();
    if (who) {
      signedIn(who);
    } else {
      signedOut("Not signed in to the intranet.");
    }
  }, function (e) {
    signedOut("MSAL.js could not start: " + message(e));
  });
})();
