// Times in the reader's own zone, and ages and countdowns that keep up without a reload.
//
// The server writes every instant as <time datetime="...Z" data-time="..."> with a reading in
// UTC that names its zone (what a reader without JavaScript sees); see web/templating.py.
//   stamp  "2026-11-27 10:05 UTC"  -> "2026-11-27 05:05 EST" (the browser's zone, abbreviated)
//   clock  "10:05 UTC"             -> "05:05 EST" (the time of day, under a heading with the day)
//   ago    "under a minute"        -> "2 min" two minutes later (the page says "ago" around it)
//   until  "in 28 min"             -> "now" once it is due
//   due    "due in 1 min"          -> "overdue by 2 min", marked with the class "overdue"; in its
//          last five minutes marked "soon" (amber), as web/templating.py's due() does
// Ages and countdowns count on from the server's time of the page (data-now), not from the
// reader's clock, which may be wrong. They tick every 15 s and after every HTMX swap.
// A file, not an inline script: pages run under a Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  var TICK_MS = 15000;
  var SOON_MS = 5 * 60000; // a countdown turns amber this long before it is due
  var seen = new WeakMap(); // element -> {now: the server's time then, at: our clock then}
  var zoneFormat = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" });

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function zoneName(date) {
    var parts = zoneFormat.formatToParts(date);
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].type === "timeZoneName") return parts[i].value;
    }
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  }

  // The same shape as the server's reading, in the browser's zone: "2026-11-27 05:05 EST".
  function local(date) {
    var day = date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
    var time = pad(date.getHours()) + ":" + pad(date.getMinutes());
    return (day + " " + time + " " + zoneName(date)).trim();
  }

  // As web/templating.py's span(): "under a minute", "4 min", "2 h 5 min", "3 d".
  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    if (minutes < 1) return "under a minute";
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours < 24) return minutes ? hours + " h " + minutes + " min" : hours + " h";
    return Math.floor(hours / 24) + " d";
  }

  // The server's time now, as the element was rendered and counted on since.
  function nowFor(el) {
    var known = seen.get(el);
    if (!known) {
      var said = Date.parse(el.dataset.now || "");
      known = { now: isNaN(said) ? Date.now() : said, at: Date.now() };
      seen.set(el, known);
    }
    return known.now + (Date.now() - known.at);
  }

  function say(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function render(el) {
    var at = Date.parse(el.getAttribute("datetime") || "");
    if (isNaN(at)) return;
    var kind = el.dataset.time;
    var date = new Date(at);
    if (kind === "stamp" || kind === "clock") {
      if (!el.title) el.title = el.textContent; // the UTC reading, on hover
      var text = local(date);
      say(el, kind === "clock" ? text.slice(11) : text); // "2026-11-27 " is 11 characters
      return;
    }
    var exact = local(date);
    if (el.title !== exact) el.title = exact; // the exact time, on hover
    var left = at - nowFor(el);
    if (kind === "ago") {
      say(el, span(left));
    } else if (kind === "until") {
      say(el, left > 0 ? "in " + span(left) : "now");
    } else if (kind === "due") {
      el.classList.toggle("overdue", left <= 0);
      el.classList.toggle("soon", left > 0 && left <= SOON_MS);
      say(el, left > 0 ? "due in " + span(left) : "overdue by " + span(left));
    }
  }

  function renderAll() {
    var found = document.querySelectorAll("time[data-time]");
    for (var i = 0; i < found.length; i++) render(found[i]);
  }

  function start() {
    renderAll();
    window.setInterval(renderAll, TICK_MS);
    // Parts of a page replaced live (HTMX swaps, out-of-band ones too) come in UTC again:
    // shown in the reader's zone as soon as they are in, and again once they have settled.
    ["htmx:afterSwap", "htmx:afterSettle"].forEach(function (name) {
      document.body.addEventListener(name, renderAll);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
