// Cockpit trend charts (ECharts). Each chart has a table beside it (its text alternative);
// the aria option lets screen readers hear a description of the chart as well.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    var dark = document.body.classList.contains("cockpit-screen");
    var charts = [];
    document.querySelectorAll(".cockpit-chart[data-chart]").forEach(function (el) {
      var data = JSON.parse(el.getAttribute("data-chart") || "{}");
      if (!data.x || !data.x.length) { el.hidden = true; return; }
      var chart = window.echarts.init(el, dark ? "dark" : null);
      chart.setOption({
        aria: { enabled: true },
        backgroundColor: "transparent",
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 16, top: 24, bottom: 28 },
        xAxis: { type: "category", data: data.x },
        yAxis: { type: "value", name: data.unit || "" },
        series: (data.series || []).map(function (s) {
          return { name: s.name, type: data.kind === "bar" ? "bar" : "line", data: s.data, symbol: "circle",
                   itemStyle: { color: dark ? "#93c5fd" : "#1d4ed8" } };
        })
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
