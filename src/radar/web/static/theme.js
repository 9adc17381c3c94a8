// Radar's theme: "auto" follows the system (prefers-color-scheme), "dark" and "light" are the
// reader's own choice, kept in localStorage and set as data-theme on <html> (radar.css).
// A file, not an inline script: pages run under a Content-Security-Policy (script-src 'self').
// Loaded in <head> without defer, so the chosen theme is set before the page is painted.
(function () {
  "use strict";
  var KEY = "radar-theme";
  var ORDER = ["auto", "dark", "light"];
  var NAMES = { auto: "Auto", dark: "Dark", light: "Light" };

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return ORDER.indexOf(value) >= 0 ? value : "auto";
    } catch (e) {
      return "auto"; // storage refused (private mode, policy): follow the system
    }
  }

  function apply(theme) {
    var root = document.documentElement;
    if (theme === "auto") {
      root.removeAttribute("data-theme");
    } else {
      root.setAttribute("data-theme", theme);
    }
  }

  function label(button, theme) {
    button.textContent = "Theme: " + NAMES[theme];
    button.setAttribute("data-theme-choice", theme);
  }

  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) {
      return;
    }
    label(button, stored());
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = ORDER[(ORDER.indexOf(stored()) + 1) % ORDER.length];
      try {
        window.localStorage.setItem(KEY, next);
      } catch (e) {
        // not kept across pages, but this page still changes
      }
      apply(next);
      label(button, next);
    });
  });
})();
