// <portier-app>: Portier as an element of any page. One script tag (this file, from where Portier
// is served) and one element:
//
//   <script src="https://portier.example.com/portier-embed.js" defer></script>
//   <portier-app lang="sv" route="/approvals"></portier-app>
//
// The app renders into the element's shadow root, so the page's styles and Portier's stay apart.
// Attributes override config.json (see the README); `element.tokenProvider = (scopes, options) =>
// Promise<accessToken>` hands Portier the page's own sign-in. Removing the element ends the app.
(function () {
  "use strict";
  if (!window.customElements || window.customElements.get("portier-app")) return;
  var base = new URL(".", document.currentScript.src).href;
  // The build's file names (hashed), written in by the build.
  var FILES = { js: "portier.js", wasm: "portier_bg.wasm", css: [] }; // portier:files
  var OBSERVED = ["client-id", "tenant", "authority", "graph-base-url", "scopes", "redirect-uri",
    "post-logout-redirect-uri", "lang", "theme", "route", "routing", "sign-in", "config"];
  var module = null;

  // The first read of each storage area waits while the browser loads it (15 to 20 ms of the
  // app's start on a phone's CPU): read once while the module downloads, the app's own reads at
  // start find them loaded. Storage the browser refuses is the app's to handle.
  function openStorage() {
    try { void window.localStorage.length; } catch (e) { /* refused */ }
    try { void window.sessionStorage.length; } catch (e) { /* refused */ }
  }

  // The module is loaded and started once per page, however many elements there are.
  function load() {
    if (!module) {
      module = import(new URL(FILES.js, base).href).then(function (m) {
        return m.default({ module_or_path: new URL(FILES.wasm, base).href }).then(function () { return m; });
      });
      openStorage();
    }
    return module;
  }

  // Resolves when the stylesheet has loaded (or failed: the app still starts, unstyled).
  function stylesheet(root, href) {
    return new Promise(function (done) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL(href, base).href;
      link.onload = link.onerror = function () { done(); };
      root.appendChild(link);
    });
  }

  class PortierApp extends HTMLElement {
    static get observedAttributes() { return OBSERVED; }

    constructor() {
      super();
      this._app = null;
      this._provider = null;
      this._generation = 0;
      // A provider the page set before this script defined the element sits on the instance,
      // hiding the accessor: move it behind the accessor.
      if (Object.prototype.hasOwnProperty.call(this, "tokenProvider")) {
        var early = this.tokenProvider;
        delete this.tokenProvider;
        this.tokenProvider = early;
      }
    }

    get tokenProvider() { return this._provider; }

    set tokenProvider(provider) {
      this._provider = typeof provider === "function" ? provider : null;
      if (this._app) this._app.set_token_provider(this._provider);
    }

    connectedCallback() {
      var self = this;
      var generation = ++this._generation;
      var shadow = this.shadowRoot || this.attachShadow({ mode: "open" });
      shadow.replaceChildren();
      var styled = Promise.all(FILES.css.map(function (href) { return stylesheet(shadow, href); }));
      // The configuration file, read while the module loads (the app then starts with it in
      // hand); on any failure the app reads it itself and says why.
      var config = fetch(new URL(this.getAttribute("config") || "config.json", base).href)
        .then(function (response) { return response.ok ? response.text() : undefined; })
        .catch(function () { return undefined; });
      Promise.all([load(), styled, config]).then(function (done) {
        // Removed (or moved) while loading: that connection is over.
        if (generation !== self._generation || !self.isConnected) return;
        var attributes = {};
        OBSERVED.forEach(function (name) {
          if (self.hasAttribute(name)) attributes[name] = self.getAttribute(name);
        });
        self._app = done[0].mount(shadow, base, attributes, self._provider, done[2]);
      }).catch(function (error) { console.error("Portier could not start", error); });
    }

    disconnectedCallback() {
      this._generation++;
      if (this._app) {
        this._app.unmount();
        this._app.free();
        this._app = null;
      }
      if (this.shadowRoot) this.shadowRoot.replaceChildren();
    }

    attributeChangedCallback(name, _old, value) {
      if (this._app) this._app.set_attribute(name, value);
    }
  }

  window.customElements.define("portier-app", PortierApp);
})();
