// Task pages: submit filter forms when a select or checkbox changes (no inline handlers: CSP).
(function () {
  "use strict";
  // On a phone the filter box starts folded unless a filter is set, so the list comes first.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia || !window.matchMedia("(max-width: 760px)").matches) { return; }
    document.querySelectorAll("details[data-collapse-on-phone]:not([data-active])").forEach(function (box) {
      box.removeAttribute("open");
    });
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      // A category belongs to one goal: choosing another goal starts from all its categories.
      if (el.name === "goal" && el.form.elements.category) { el.form.elements.category.value = ""; }
      el.form.submit();
    }
  });
})();
