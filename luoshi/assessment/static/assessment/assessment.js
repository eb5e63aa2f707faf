(function () {
  "use strict";
  function charts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-echarts]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-echarts"));
      if (!source) { return; }
      var option;
      try { option = JSON.parse(source.textContent); } catch (err) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      el.setAttribute("data-rendered", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  // Deferred scripts run in order and ECharts may come after this one: draw once all have run.
  if (document.readyState === "complete") {
    charts();
  } else {
    document.addEventListener("DOMContentLoaded", charts);
  }
}());
