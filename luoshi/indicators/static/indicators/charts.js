// ECharts for scorecards and leaderboards. Options come from JSON data blocks
// (<script type="application/json">) named by data-echarts; nothing inline (CSP).
(function () {
  "use strict";
  var charts = [];

  function render(el) {
    if (!window.echarts) { return; }
    var source = document.getElementById(el.getAttribute("data-echarts"));
    if (!source) { return; }
    var option;
    try {
      option = JSON.parse(source.textContent);
    } catch (err) {
      return;
    }
    if (!option) { return; }
    var rows = parseInt(el.getAttribute("data-rows") || "0", 10);
    if (rows > 0 && !el.style.height) {
      // Bar charts grow with their rows, up to a screen's worth (then they scroll).
      el.style.height = Math.max(220, Math.min(rows, 25) * 26 + 60) + "px";
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-rendered", "1");
    charts.push(chart);
  }

  function init() {
    document.querySelectorAll("[data-echarts]").forEach(render);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (c) { c.resize(); });
  });

  // Period and indicator pickers do not submit on change: one arrow key in a select must not reload
  // the page (WCAG 3.2.2); the form's 查看 button applies the choice.
  // Print button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
