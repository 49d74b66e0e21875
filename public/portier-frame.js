// Portier in a frame, the host page's half: sizes every `iframe[data-portier]` to the height
// Portier reports, so the page scrolls as one and the frame never shows scrollbars of its own.
// Include it with <script src="https://portier.example.com/portier-frame.js" defer></script>.
//
// Only a message from the frame's own window, from the origin of its `src`, of the type
// `portier-height` with a finite positive height is believed; anything else is ignored, since any
// window may post anything to this page.
(function () {
  "use strict";

  // The iframe whose window sent `event`, looked up at each message so that frames added later
  // (or moved, or removed) need no bookkeeping.
  function frameOf(event) {
    var frames = document.querySelectorAll("iframe[data-portier]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        return frames[i];
      }
    }
    return null;
  }

  function originOf(frame) {
    try {
      return new URL(frame.getAttribute("src") || "", document.baseURI).origin;
    } catch (e) {
      return null;
    }
  }

  // With `box-sizing: border-box` (common in intranet styles) the frame's border and padding
  // would otherwise eat into the height the content needs.
  function extra(frame) {
    var style = window.getComputedStyle(frame);
    if (style.boxSizing !== "border-box") {
      return 0;
    }
    var sum = 0;
    ["borderTopWidth", "borderBottomWidth", "paddingTop", "paddingBottom"].forEach(function (p) {
      sum += parseFloat(style[p]) || 0;
    });
    return sum;
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "portier-height") {
      return;
    }
    var height = data.height;
    if (typeof height !== "number" || !isFinite(height) || height <= 0) {
      return;
    }
    var frame = frameOf(event);
    if (!frame || event.origin !== originOf(frame)) {
      return;
    }
    frame.style.height = Math.ceil(height + extra(frame)) + "px";
  });
})();
