/* The host screen between polls: greet timers and waitlist countdowns tick every second, and
   open sections and the scroll position survive the board being swapped by a poll. Dialogs hold
   the keyboard focus and give it back; a search result shows its card; a sound when a greeting turns red
   (the manager's setting, off by default). */
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

  // The sound for a greeting that turns red: on when the manager's setting puts its file on the page
  // (data-audio); browsers play sound only after a tap on the page, so the first tap anywhere unlocks it.
  var audio = null;
  var unlocked = false;
  var redSeen = {};
  function soundUrl() {
    var source = document.querySelector("[data-audio]");
    return source ? source.dataset.audio : null;
  }
  function ring() {
    var url = soundUrl();
    if (!url || !unlocked) { return; }
    if (!audio) { audio = new Audio(url); }
    audio.currentTime = 0;
    var played = audio.play();
    if (played && played.catch) { played.catch(function () { /* refused by the browser: stay silent */ }); }
  }
  document.addEventListener("pointerdown", function () {
    if (unlocked) { return; }
    var url = soundUrl();
    if (!url) { return; }
    unlocked = true;
    audio = new Audio(url);  // a silent start inside the tap lets later alerts play
    audio.muted = true;
    var started = audio.play();
    var unmute = function () { audio.pause(); audio.muted = false; };
    if (started && started.then) { started.then(unmute, unmute); } else { unmute(); }
  }, true);

  function tick() {
    var now = Date.now() + offset();
    document.querySelectorAll(".greet-card[data-since]").forEach(function (card) {
      var seconds = Math.max(0, Math.floor((now - Date.parse(card.dataset.since)) / 1000));
      var level = seconds >= Number(card.dataset.red) ? "red" : seconds >= Number(card.dataset.amber) ? "amber" : "ok";
      var timer = card.querySelector(".timer");
      if (timer) { timer.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0"); }
      card.classList.remove("level-ok", "level-amber", "level-red");
      card.classList.add("level-" + level);
      var id = card.dataset.reservationId;
      if (level === "red" && !redSeen[id]) { redSeen[id] = true; ring(); }
      var word = card.querySelector(".level-word");
      var text = card.dataset["msg" + level.charAt(0).toUpperCase() + level.slice(1)];
      if (word && text && word.textContent !== text) { word.textContent = text; }
    });
    var door = document.getElementById("door-status");
    if (door) {  // the PIN screen: a new red alert rings too
      var red = Number(door.dataset.red || 0);
      if (red > (redSeen.door || 0)) { ring(); }
      redSeen.door = red;
    }
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
  // A dialog (seat, walk-in, table, cancel, size) takes the focus when it opens, keeps Tab inside
  // while open, and gives the focus back to the button that opened it when it closes (Escape,
  // Close, or its action). Every dialog arrives out of band (htmx.py, dialog).
  var opener = null;
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";
  function openDialog() { return document.querySelector("#dialog .dialog"); }
  function giveBack() {
    var back = opener;
    opener = null;
    if (!back) { return; }
    if (document.contains(back)) { back.focus(); return; }
    // The board was swapped meanwhile: the same button on the new board, on the same card.
    var url = back.getAttribute("href") || back.getAttribute("formaction");
    var card = back.closest("[data-reservation-id]");
    var scope = card ? document.getElementById(card.id) : document;
    if (!url || !scope) { return; }
    var quoted = window.CSS && CSS.escape ? CSS.escape(url) : url;
    var again = scope.querySelector('[href="' + quoted + '"], [formaction="' + quoted + '"]');
    if (again) { again.focus(); }
  }
  // The last tap outside a dialog (not a poll): if its answer opens a dialog, that is the opener.
  var lastTap = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.closest && !elt.closest(".dialog") && !/every/.test(elt.getAttribute("hx-trigger") || "")) {
      lastTap = elt;
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "dialog") {
      var heading = target.querySelector(".dialog h2");
      if (heading) {
        if (!opener) { opener = lastTap; }
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      } else if (opener) { giveBack(); }
    }
  });
  // While a dialog is open the page behind it is inert: no focus, no clicks, not read out.
  function setInert(on) {
    document.querySelectorAll("body > header, #main > :not(#dialog)").forEach(function (el) {
      if (on) { el.setAttribute("inert", ""); } else if (el.hasAttribute("inert")) { el.removeAttribute("inert"); }
    });
  }
  // A dialog removed by anything (Close, Escape, its action's answer): the page wakes up and the
  // focus goes back; a board swapped in behind an open dialog stays inert.
  new MutationObserver(function () {
    var open = !!openDialog();
    setInert(open);
    if (opener && !open) { giveBack(); }
  }).observe(document.getElementById("main") || document.documentElement, {childList: true, subtree: true});
  document.addEventListener("keydown", function (event) {
    var dialog = openDialog();
    if (!dialog) { return; }
    if (event.key === "Escape") {
      dialog.remove();
      return;
    }
    if (event.key !== "Tab") { return; }
    var items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
      return el.offsetParent !== null || el === document.activeElement;
    });
    if (!items.length) { event.preventDefault(); return; }
    var first = items[0];
    var last = items[items.length - 1];
    var inside = dialog.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside || document.activeElement.tagName === "H2")) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  });
  // Focus that leaves an open dialog by other means (a click behind it) is brought back in.
  document.addEventListener("focusin", function (event) {
    var dialog = openDialog();
    if (dialog && !dialog.contains(event.target)) {
      var heading = dialog.querySelector("h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });

  // A search result: show its card on the board (open its section, scroll to it, focus it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-show]");
    if (!link) { return; }
    var card = document.getElementById(link.dataset.show);
    if (!card) { return; }
    event.preventDefault();
    var details = card.closest("details");
    if (details) { details.open = true; }
    card.setAttribute("tabindex", "-1");
    card.classList.add("found-card");
    card.scrollIntoView({block: "center"});
    card.focus();
    window.setTimeout(function () { card.classList.remove("found-card"); }, 4000);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var actions = document.getElementById("board-actions");
    if (actions) { setSkew(actions.dataset.now); }
    restore(document);
    document.querySelectorAll(".greet-card.level-red").forEach(function (card) { redSeen[card.dataset.reservationId] = true; });
    tick();
    window.setInterval(tick, 1000);
  });
}());
