// What the browser tab says, kept true while the page updates itself: a live swap brings a new
// <div id="tab-state" data-title="[SEV1] INC-42 Checkout down" data-alert="true"> (the room's
// header, the dashboard's board), and this sets the document's title and the favicon from it:
// the icon with a red dot while something shown awaits acknowledgement.
// A file, not an inline script: pages run under a Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  var ICON = "/static/favicon.svg";
  var ALERT = "/static/favicon-alert.svg";

  function follow() {
    var state = document.getElementById("tab-state");
    if (!state) return;
    var title = state.getAttribute("data-title");
    if (title && document.title !== title + " · Radar") document.title = title + " · Radar";
    var icon = document.getElementById("favicon");
    var want = state.getAttribute("data-alert") === "true" ? ALERT : ICON;
    if (icon && icon.getAttribute("href") !== want) icon.setAttribute("href", want);
  }

  document.addEventListener("htmx:afterSettle", follow);
  document.addEventListener("DOMContentLoaded", follow);
})();
