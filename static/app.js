/* Hostdesk's only script of its own: theme toggle, the clock, toasts, and making refused or
   failed htmx requests visible (no inline scripts: the CSP forbids them). */
(function () {
  "use strict";
  var root = document.documentElement;
  var stored = null;
  try { stored = window.localStorage.getItem("hostdesk-theme"); } catch (e) { /* private mode */ }
  if (stored === "dark" || stored === "light") { root.dataset.theme = stored; }

  function isDark() {
    if (root.dataset.theme === "dark") { return true; }
    if (root.dataset.theme === "light") { return false; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function tickClock() {
    var clock = document.getElementById("clock");
    if (!clock) { return; }
    try {
      clock.textContent = new Intl.DateTimeFormat(root.lang || "nl", {
        hour: "2-digit", minute: "2-digit", hour12: false, timeZone: clock.dataset.timezone
      }).format(new Date());
    } catch (e) { /* keep the server's time */ }
  }

  function toast(message, level) {
    var box = document.getElementById("toasts");
    if (!box || !message) { return; }
    var item = document.createElement("div");
    item.className = "toast toast-" + (level || "error");
    item.setAttribute("role", "alert");
    item.textContent = message;
    box.appendChild(item);
    window.setTimeout(function () { item.remove(); }, 10000);
  }

  function banner(show) {
    var el = document.getElementById("offline-banner");
    if (!el) { return; }
    if (show) { el.textContent = document.body.dataset.msgOffline; el.hidden = false; } else { el.hidden = true; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("theme-toggle");
    if (toggle) {
      toggle.setAttribute("aria-pressed", String(isDark()));
      toggle.addEventListener("click", function () {
        root.dataset.theme = isDark() ? "light" : "dark";
        toggle.setAttribute("aria-pressed", String(isDark()));
        try { window.localStorage.setItem("hostdesk-theme", root.dataset.theme); } catch (e) { /* ignore */ }
      });
    }
    tickClock();
    window.setInterval(tickClock, 15000);
    document.querySelectorAll(".toast").forEach(function (t) {
      window.setTimeout(function () { t.remove(); }, 10000);
    });
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-dismiss]");
    if (close) { close.closest(".toast, .dialog, [data-dismissable]").remove(); }
  });

  // The server could not be reached: say so; the next successful request clears it.
  document.addEventListener("htmx:sendError", function () { banner(true); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status > 0) { banner(false); }
  });
  // A 5xx without a body (ours always carry their message as a toast): still tell the user.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr.responseText) {
      toast(document.body.dataset.msgError, "error");
    }
  });
  window.hostdesk = { toast: toast, banner: banner };
}());
