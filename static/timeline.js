/* The timeline: opens with the current time in view, keeps its scroll and the chosen block through
   polls, and moves a booking by tapping its block and then a table at the new time (the tap fills
   the panel's move form, which the server checks like the booking form). */
(function () {
  "use strict";
  var selected = null;
  var scrollLeft = null;

  function scroller() { return document.getElementById("timeline-scroll"); }
  function grid() { return document.getElementById("timeline"); }

  function showNow() {
    var box = scroller(), tl = grid();
    if (!box || !tl || tl.dataset.nowX === undefined) { return; }
    var label = tl.querySelector(".tl-label");
    var x = Number(tl.dataset.nowX) * Number(tl.dataset.stepPx) + (label ? label.offsetWidth : 0);
    box.scrollLeft = Math.max(0, x - box.clientWidth / 3);
  }

  function mark() {
    document.querySelectorAll(".tl-block, .tl-block-free").forEach(function (b) {
      var on = selected !== null && b.dataset.reservationId === selected;
      b.classList.toggle("tl-selected", on);
      b.setAttribute("aria-pressed", String(on));
    });
  }

  function localTime(moment) {
    var zone = (document.getElementById("clock") || {}).dataset;
    var parts = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false,
      timeZone: zone && zone.timezone ? zone.timezone : undefined }).format(moment);
    return parts.replace(/^24:/, "00:");
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var block = target.closest && target.closest(".tl-block, .tl-block-free");
    if (block) {
      selected = block.dataset.movable === "true" ? block.dataset.reservationId : null;
      mark();
      return;
    }
    var track = target.closest && target.closest(".tl-track[data-table-id]");
    var form = document.getElementById("tl-move");
    if (!track || selected === null || !form) { return; }
    var tl = grid();
    var pxPerMinute = Number(tl.dataset.stepPx) / Number(tl.dataset.stepMinutes);
    var x = event.clientX - track.getBoundingClientRect().left;
    var minutes = Math.round(x / pxPerMinute / 15) * 15;
    var moment = new Date(Date.parse(tl.dataset.start) + minutes * 60000);
    var select = form.querySelector("select[name=table_ids]");
    Array.prototype.forEach.call(select.options, function (o) { o.selected = o.value === track.dataset.tableId; });
    form.querySelector("input[name=time]").value = localTime(moment);
    form.requestSubmit();
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var box = scroller();
    if (box) { scrollLeft = box.scrollLeft; }
    if (event.detail.target && event.detail.target.id === "timeline-panel" && event.detail.xhr.status === 200
        && !event.detail.serverResponse.includes('id="tl-move"')) {
      selected = null;  // moved: nothing chosen any more
    }
  });
  function restore() {
    var box = scroller();
    if (box && scrollLeft !== null) { box.scrollLeft = scrollLeft; }
    mark();
  }
  document.addEventListener("htmx:afterSwap", restore);
  document.addEventListener("htmx:oobAfterSwap", restore);
  document.addEventListener("DOMContentLoaded", showNow);
}());
