// Case statistics chart (ECharts): cases per group and on-time rate.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("stats-chart");
    if (!el || !window.LuoshiCharts) { return; }
    var data = JSON.parse(el.getAttribute("data-chart") || "{}");
    if (!data.names || !data.names.length) { el.hidden = true; return; }
    // An image named by the table's caption, described by the table that carries all its figures.
    var caption = document.querySelector("#stats-table caption");
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", caption ? caption.textContent.trim() : "");
    el.setAttribute("data-chart-table", "stats-table");
    // Drawn by the shared helper (luoshi/static/luoshi/js/charts.js): ECharts' aria on, the table linked.
    window.LuoshiCharts.render(el, {
      tooltip: { trigger: "axis" },
      legend: { data: [el.getAttribute("data-label-total"), el.getAttribute("data-label-ontime")] },
      grid: { left: 40, right: 40, bottom: 80 },
      xAxis: { type: "category", data: data.names, axisLabel: { rotate: 30 } },
      yAxis: [{ type: "value" }, { type: "value", max: 100 }],
      series: [
        { name: el.getAttribute("data-label-total"), type: "bar", data: data.total, itemStyle: { color: "#b91c1c" } },
        { name: el.getAttribute("data-label-ontime"), type: "line", yAxisIndex: 1, data: data.on_time, itemStyle: { color: "#15803d" } }
      ]
    });
  });
})();
