// Small progressive enhancements. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  // Confirm dangerous actions: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Copy a value to the clipboard: <button data-copy="#selector">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button || !navigator.clipboard) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (source) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied") || button.textContent;
      });
    }
  });
  // A form came back with errors: move focus to the error summary (or, without one, to the first
  // field marked invalid) so keyboard and screen-reader users land on what needs fixing.
  function focusErrors() {
    var summary = document.querySelector("main .form-errors");
    var target = summary || document.querySelector("main [aria-invalid=true]");
    if (!target) { return; }
    if (target === summary && !summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    target.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrors);
  } else {
    focusErrors();
  }
  // Tree: expand or collapse every node.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-tree-toggle]") : null;
    if (!button) { return; }
    var open = button.getAttribute("data-tree-toggle") === "open";
    document.querySelectorAll(".tree details").forEach(function (d) { d.open = open; });
  });
})();
