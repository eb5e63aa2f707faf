// Task pages: filter-box behaviour (no inline handlers: CSP).
(function () {
  "use strict";
  // On a phone the filter box starts folded unless a filter is set, so the list comes first.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia || !window.matchMedia("(max-width: 760px)").matches) { return; }
    document.querySelectorAll("details[data-collapse-on-phone]:not([data-active])").forEach(function (box) {
      box.removeAttribute("open");
    });
  });
  // Filters apply with the Filter button only: a change of a select must not reload the page (one
  // arrow key in a closed select would, WCAG 3.2.2). A category belongs to one goal, so choosing
  // another goal clears the category choice.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.name === "goal" && el.form && el.form.elements.category) { el.form.elements.category.value = ""; }
  });
})();
