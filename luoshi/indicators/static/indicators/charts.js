// Scorecard and leaderboard pages. The charts are drawn by the shared helper
// (luoshi/static/luoshi/js/charts.js, see docs/frontend.md); nothing inline (CSP).
(function () {
  "use strict";
  // Period and indicator pickers do not submit on change: one arrow key in a select must not reload
  // the page (WCAG 3.2.2); the form's 查看 button applies the choice.
  // Print button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });
})();
