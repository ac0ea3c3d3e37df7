/* The manager's pages: after a refused settings save, bring the first error into view and focus it
   (the first field marked invalid, else the first error message), whether the form came back by
   htmx or as a whole page. */
(function () {
  "use strict";

  function focusFirstError(root) {
    if (!root || !root.querySelector) { return; }
    var target = root.querySelector('[aria-invalid="true"]');
    if (!target) {
      target = root.querySelector(".error, .banner-error");
      if (target && !target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    }
    if (!target) { return; }
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("settings-form");
    if (form && form.dataset.invalid === "true") { focusFirstError(form); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var form = document.getElementById("settings-form");
    if (form && form.dataset.invalid === "true" && form.contains(event.detail.elt)) { focusFirstError(form); }
  });
}());
