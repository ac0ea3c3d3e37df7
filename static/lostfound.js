// Lost and found: a photo over the size limit is refused in the browser, before the form is sent,
// so nothing typed in the other fields is lost.
(function () {
  "use strict";
  function check(input) {
    var limit = Number(input.dataset.maxBytes || 0);
    var file = input.files && input.files[0];
    if (limit && file && file.size > limit) {
      input.setCustomValidity(input.dataset.tooLarge || "");
      input.reportValidity();
      input.value = "";
    } else {
      input.setCustomValidity("");
    }
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) {
      check(input);
    }
  });
})();
