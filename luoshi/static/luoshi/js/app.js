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
  // A box that scrolls (a wide table on a phone, a long board) must be reachable by keyboard to be
  // scrolled (WCAG 2.1.1; axe's scrollable-region-focusable): when it overflows and holds nothing
  // focusable, it becomes a Tab stop named by its table's caption or its section's heading.
  var SCROLL_BOXES = ".table-wrap, .board-wrap, .matrix-wrap, .gantt, .board, [data-scroll-box]";
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  function scrollBoxes() {
    document.querySelectorAll(SCROLL_BOXES).forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      var style = window.getComputedStyle(box);
      var scrolls = /(auto|scroll)/.test(style.overflowX + " " + style.overflowY);
      if (box.hasAttribute("data-scroll-focus")) {
        if (!overflows) {
          ["tabindex", "data-scroll-focus"].forEach(function (a) { box.removeAttribute(a); });
          if (box.hasAttribute("data-scroll-named")) {
            ["role", "aria-label", "data-scroll-named"].forEach(function (a) { box.removeAttribute(a); });
          }
        }
        return;
      }
      if (!overflows || !scrolls || box.hasAttribute("tabindex") || box.querySelector(FOCUSABLE)) { return; }
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroll-focus", "");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var caption = box.querySelector("caption");
        var section = box.closest("section, .panel");
        var heading = section ? section.querySelector("h2, h3") : null;
        var name = (caption || heading || {}).textContent;
        if (name && name.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name.trim());
          box.setAttribute("data-scroll-named", "");
        }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scrollBoxes);
  } else {
    scrollBoxes();
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(scrollBoxes, 200);
  });
  // Tree: expand or collapse every node.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-tree-toggle]") : null;
    if (!button) { return; }
    var open = button.getAttribute("data-tree-toggle") === "open";
    document.querySelectorAll(".tree details").forEach(function (d) { d.open = open; });
  });
})();
