// Starts Portier: imports the module that the build named in this script's data attributes and
// runs it. A file, not an inline script, so the page's Content-Security-Policy needs no hash.
(function () {
  var script = document.currentScript;
  // The frame index.html paints before the module loads leaves once the app shows its header or a
  // page (style/main.css hides it from then on already): one page, one header, one main.
  function replaceFrameWhenShown() {
    var frame = document.querySelector("body > .static-frame");
    if (!frame) return;
    var shown = "body > .portier:not(.static-frame) > .site-header, body > .portier:not(.static-frame) > #main > :not(.loading)";
    var watch = new MutationObserver(function () {
      if (document.querySelector(shown)) {
        watch.disconnect();
        frame.remove();
      }
    });
    watch.observe(document.body, { childList: true, subtree: true });
  }
  // The first read of each storage area waits while the browser loads it (measured: 15 to 20 ms
  // of the first page's start on a phone's CPU). Read once here, while the module downloads and
  // the page has nothing else to do, the app's own reads at start find them loaded. Storage the
  // browser refuses is the app's to handle; nothing is said here.
  function openStorage() {
    try { void window.localStorage.length; } catch (e) { /* refused */ }
    try { void window.sessionStorage.length; } catch (e) { /* refused */ }
  }
  // config.json (index.html preloads it), read while the module loads: the app starts with it in
  // hand and shows its first page at once. On any failure the app reads it itself and says why.
  var config = fetch(new URL("config.json", script.src).href)
    .then(function (response) { return response.ok ? response.text() : undefined; })
    .catch(function () { return undefined; });
  import(script.dataset.js)
    .then(function (module) {
      return Promise.all([module.default({ module_or_path: script.dataset.wasm }), config]).then(function (ready) {
        // The moment the module is compiled and instantiated: `cargo xtask bench` shows it.
        if (window.performance && performance.mark) performance.mark("portier-module");
        replaceFrameWhenShown();
        module.start(ready[1]);
      });
    })
    .catch(function (error) { console.error("Portier could not start", error); });
  // After the downloads are asked for, so that none of them waits on it.
  openStorage();
})();
