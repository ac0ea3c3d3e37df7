/* The waitlist guest's page: the quoted wait counts down between the server's updates. */
(function () {
  "use strict";
  var offset = null;
  function tick() {
    var el = document.querySelector("[data-deadline]");
    if (!el) return;
    var now = Date.parse(el.getAttribute("data-now"));
    if (offset === null || el.getAttribute("data-now") !== el.dataset.seen) {
      offset = now - Date.now();
      el.dataset.seen = el.getAttribute("data-now");
    }
    var left = (Date.parse(el.getAttribute("data-deadline")) - (Date.now() + offset)) / 60000;
    el.textContent = left > 0 ? el.getAttribute("data-msg-left").replace("{m}", Math.ceil(left))
                              : el.getAttribute("data-msg-soon");
  }
  setInterval(tick, 1000);
})();
