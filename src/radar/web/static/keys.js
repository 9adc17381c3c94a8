// Keyboard shortcuts, listed on every page by "?" (base.html's dialog):
//   a      acknowledge (the room's Acknowledge button, when it is offered)
//   u      post an update (focus the room's update form)
//   /      search (the page's search field, or All incidents' one)
//   g d    go to the dashboard; g i all incidents; g r report an incident
//   ?      show the list
// Never while the reader types in a field, nor with Ctrl, Alt or Meta held: those keys are theirs.
// A file, not an inline script: pages run under a Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  var GO = { d: "/", i: "/incidents", r: "/report" };
  var SEARCH = "f-q"; // the text filter of the dashboard and of All incidents
  var pendingG = 0; // when "g" was pressed, waiting for where to go

  function typing(el) {
    if (!el || el === document.body) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function updateForm() {
    var field = document.getElementById("message");
    if (!field) return false;
    field.scrollIntoView({ block: "center" });
    field.focus();
    return true;
  }

  function search() {
    var field = document.getElementById(SEARCH);
    if (field) {
      field.focus();
      field.select();
    } else {
      window.location.assign("/incidents#" + SEARCH);
    }
    return true;
  }

  function showKeys() {
    var dialog = document.getElementById("keys");
    if (!dialog || dialog.open) return false;
    dialog.showModal();
    return true;
  }

  function handle(event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target)) return;
    var key = event.key;
    if (pendingG && Date.now() - pendingG < 1500 && GO[key]) {
      pendingG = 0;
      event.preventDefault();
      window.location.assign(GO[key]);
      return;
    }
    pendingG = 0;
    var done = false;
    if (key === "g") {
      pendingG = Date.now();
      done = true;
    } else if (key === "a") {
      var ack = document.getElementById("ack-button");
      if (ack) {
        ack.click();
        done = true;
      }
    } else if (key === "u") {
      done = updateForm();
    } else if (key === "/") {
      done = search();
    } else if (key === "?") {
      done = showKeys();
    }
    if (done) event.preventDefault();
  }

  document.addEventListener("keydown", handle);
  // "Post update" in the room's header lands in the form, ready to type (the header is swapped
  // live, so the click is caught here rather than on the link).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#to-update") : null;
    if (link && updateForm()) event.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var open = document.getElementById("keys-open");
    if (open) {
      open.hidden = false;
      open.addEventListener("click", showKeys);
    }
    // Sent here by "/" from a page without a search field: ready to type.
    if (window.location.hash === "#" + SEARCH) {
      var field = document.getElementById(SEARCH);
      if (field) field.focus();
    }
  });
})();
