/* The host screen between polls: greet timers and waitlist countdowns tick every second, and
   open sections and the scroll position survive the board being swapped by a poll. */
(function () {
  "use strict";
  var open = {};
  var scrollY = null;
  try { open = JSON.parse(window.sessionStorage.getItem("hostdesk-open") || "{}"); } catch (e) { open = {}; }

  // The server's clock minus this tablet's: from the page's form when it loads, then from the
  // X-Server-Now header of every board response (the board itself is the same for every tablet).
  var skew = 0;
  function setSkew(serverNow) {
    var at = Date.parse(serverNow || "");
    if (at) { skew = at - Date.now(); }
  }
  function offset() { return skew; }

  function restore(root) {
    root.querySelectorAll("details[id]").forEach(function (d) {
      if (Object.prototype.hasOwnProperty.call(open, d.id)) { d.open = open[d.id]; }
    });
  }

  function tick() {
    var now = Date.now() + offset();
    document.querySelectorAll(".greet-card[data-since]").forEach(function (card) {
      var seconds = Math.max(0, Math.floor((now - Date.parse(card.dataset.since)) / 1000));
      var level = seconds >= Number(card.dataset.red) ? "red" : seconds >= Number(card.dataset.amber) ? "amber" : "ok";
      var timer = card.querySelector(".timer");
      if (timer) { timer.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0"); }
      card.classList.remove("level-ok", "level-amber", "level-red");
      card.classList.add("level-" + level);
      var word = card.querySelector(".level-word");
      var text = card.dataset["msg" + level.charAt(0).toUpperCase() + level.slice(1)];
      if (word && text && word.textContent !== text) { word.textContent = text; }
    });
    document.querySelectorAll(".wait-card[data-deadline]").forEach(function (card) {
      var minutes = Math.floor((Date.parse(card.dataset.deadline) - now) / 60000);
      var over = minutes < 0;
      var out = card.querySelector(".countdown");
      card.classList.toggle("over", over);
      if (out) { out.textContent = (over ? card.dataset.msgOver : card.dataset.msgLeft).replace("{m}", String(Math.abs(minutes))); }
    });
  }

  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (d.tagName === "DETAILS" && d.id) {
      open[d.id] = d.open;
      try { window.sessionStorage.setItem("hostdesk-open", JSON.stringify(open)); } catch (e) { /* ignore */ }
    }
  }, true);
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && (event.detail.target.id === "board" || event.detail.target.id === "floor")) {
      scrollY = window.scrollY;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (xhr) { setSkew(xhr.getResponseHeader("X-Server-Now")); }
    var form = event.detail.elt;
    if (event.detail.successful && form && form.closest && form.closest("#sec-note-form")) { form.reset(); }
  });
  document.addEventListener("htmx:afterSwap", function () {
    restore(document);
    if (scrollY !== null) { window.scrollTo(0, scrollY); scrollY = null; }
    tick();
  });
  // A dialog (seat, walk-in, table) takes the focus when it opens; Escape closes it. Every dialog
  // arrives out of band (htmx.py, dialog).
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "dialog") {
      var heading = target.querySelector(".dialog h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var open = document.querySelector("#dialog .dialog");
      if (open) { open.remove(); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var actions = document.getElementById("board-actions");
    if (actions) { setSkew(actions.dataset.now); }
    restore(document);
    tick();
    window.setInterval(tick, 1000);
  });
}());
