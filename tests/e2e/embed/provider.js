// A test host page's own "sign-in": the journey hands it Graph tokens the tenant signed, and a
// refusal when it should fail. `mountPortier` creates the element with this provider set.
(function () {
  "use strict";
  var host = { token: null, fresh: null, refusal: null, calls: [] };
  window.hostSignIn = host;

  // Portier's token provider: `fresh` when Portier insists on a new token, else `token`;
  // `refusal` (when set) rejects every call, as a host whose session ended does.
  function provider(scopes, options) {
    host.calls.push({ scopes: scopes, options: options || null });
    if (host.refusal) {
      return Promise.reject(new Error(host.refusal));
    }
    var forced = options && options.forceRefresh;
    return Promise.resolve(forced && host.fresh ? host.fresh : host.token);
  }

  window.mountPortier = function (attributes) {
    var app = document.createElement("portier-app");
    Object.keys(attributes).forEach(function (name) {
      app.setAttribute(name, attributes[name]);
    });
    app.tokenProvider = provider;
    document.getElementById("place").appendChild(app);
  };
})();
