/* The booking form: choosing a free table or a nearest time from the availability fragment fills
   the form (tables selected, or the time typed and the availability asked again). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fill-tables], [data-fill-time]");
    if (!button) { return; }
    var form = button.closest("form");
    if (button.dataset.fillTables) {
      var wanted = button.dataset.fillTables.split(",");
      var select = form.querySelector("select[name=table_ids]");
      Array.prototype.forEach.call(select.options, function (option) {
        option.selected = wanted.indexOf(option.value) !== -1;
      });
      form.querySelectorAll("[data-fill-tables]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      select.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      var time = form.querySelector("input[name=time]");
      time.value = button.dataset.fillTime;
      time.dispatchEvent(new Event("change", { bubbles: true }));
      time.focus();
    }
  });
}());
