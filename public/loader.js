// Starts Portier: imports the module that Trunk named in this script's data attributes and
// runs it. A file, not an inline script, so the page's Content-Security-Policy needs no hash.
(function () {
  var script = document.currentScript;
  import(script.dataset.js)
    .then(function (module) {
      return module.default({ module_or_path: script.dataset.wasm }).then(function () { module.start(); });
    })
    .catch(function (error) { console.error("Portier could not start", error); });
})();
