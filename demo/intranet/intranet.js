// The intranet front page's controls: each button sets one attribute of the Portier element
// (`lang`, `theme`), which Portier follows while it runs, and shows which value is chosen.
(function () {
  "use strict";
  var app = document.getElementById("portier");
  if (!app) {
    return;
  }
  var buttons = document.querySelectorAll("button[data-attribute]");
  function show() {
    Array.prototype.forEach.call(buttons, function (b) {
      var current = app.getAttribute(b.dataset.attribute);
      b.setAttribute("aria-pressed", String(current === b.dataset.value));
    });
  }
  Array.prototype.forEach.call(buttons, function (b) {
    b.addEventListener("click", function () {
      app.setAttribute(b.dataset.attribute, b.dataset.value);
      show();
    });
  });
  show();
})();
