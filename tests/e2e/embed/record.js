// A test host page's recorder, loaded first: keeps every message the page receives and every
// error it sees for the journey to read, and makes room for every resource timing entry (the
// default buffer of 250 would stop counting requests).
(function () {
  "use strict";
  performance.setResourceTimingBufferSize(100000);
  var record = { messages: [], errors: [] };
  window.hostRecord = record;
  window.addEventListener("message", function (e) {
    record.messages.push({ origin: e.origin, data: e.data });
  });
  window.addEventListener("error", function (e) {
    record.errors.push(String(e.message));
  });
  window.addEventListener("unhandledrejection", function (e) {
    record.errors.push(String(e.reason));
  });
})();
