// What the reader opened stays open while the page updates itself: a live swap (HTMX) brings
// fresh copies of the room's parts, with every <details> closed; the ones the reader had open
// (a half-written resolution, the role picker) are opened again. Typed text is kept by
// hx-preserve on the fields themselves. Each <details> to keep has an id.
// A file, not an inline script: pages run under a Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  var open = [];

  document.addEventListener("htmx:beforeSwap", function () {
    open = Array.prototype.map.call(document.querySelectorAll("details[id][open]"), function (d) {
      return d.id;
    });
  });

  function reopen() {
    open.forEach(function (id) {
      var found = document.getElementById(id);
      if (found && found.tagName === "DETAILS") found.open = true;
    });
  }

  document.addEventListener("htmx:afterSwap", reopen);
  document.addEventListener("htmx:afterSettle", function () {
    reopen();
    open = [];
  });
})();
