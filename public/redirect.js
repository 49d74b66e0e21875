// The redirect page of a popup sign-in: hands the answer in this URL back to the window that
// opened it (through its opener, or a BroadcastChannel when the opener was cut off by COOP),
// then closes. It never reads or keeps the answer itself.
(function () {
  var message = { type: "portier-auth", url: window.location.href };
  try {
    if (window.opener && window.opener !== window) {
      window.opener.postMessage(message, window.location.origin);
    }
  } catch (e) { /* the opener is gone */ }
  try {
    var channel = new BroadcastChannel("portier-auth");
    channel.postMessage(message);
    channel.close();
  } catch (e) { /* no BroadcastChannel */ }
  // The answer must not stay in history or be read again.
  history.replaceState(null, "", window.location.pathname);
  window.close();
})();
