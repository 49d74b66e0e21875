// MSAL.js's return page for the intranet's own sign-in: its redirect bridge hands the answer to
// the page that opened the popup (the bridge works even when the sign-in pages cut the opener).
msalRedirectBridge.broadcastResponseToMainFrame().catch(function (e) {
  document.body.textContent = "The sign-in could not be handed back: " + ((e && e.errorCode) || e);
});
