// The one place that draws ECharts charts (issue 17: accessible charts, a light bundle loaded late).
//
// Server side, a chart is written by the `{% chart %}` tag (luoshi/core/templatetags/charts.py):
//   <div class="chart" data-echarts="ID" role="img" aria-label="NAME" aria-describedby="TABLE-ID">
//   <script type="application/json" id="ID">{...ECharts option...}</script>
// This script finds every [data-echarts] element, loads the project's own ECharts build (only the charts
// and components Luoshi uses, see assets/echarts.js) after the page's content, and draws each chart with
// ECharts' `aria` option on: the element gets role="img" and a spoken summary (the chart's name, its
// series and their first values). The table that carries all the figures is named by aria-describedby.
// Charts whose option is built in the browser call window.LuoshiCharts.render(el, option) instead; the
// same aria and table link apply. See docs/frontend.md. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  var script = document.currentScript;
  // The build's parts (module scripts): the core every chart page needs, the extra part for the pages
  // that asked for it ({% chart_scripts extra=True %}), and the chunk both import, fetched alongside.
  var bundle = script ? script.getAttribute("data-echarts-src") : "";
  var extra = script ? script.getAttribute("data-echarts-extra") : "";
  var shared = script ? (script.getAttribute("data-echarts-preload") || "").split(" ").filter(Boolean) : [];
  var waiting = [];
  var charts = [];
  var requested = false;
  var ready = false;
  var locale = /^zh/i.test(document.documentElement.lang || "zh") ? "ZH" : "EN";

  // Data values a screen reader hears per series before "see the table".
  var SPOKEN_VALUES = 24;
  // Bars shown before a bar chart scrolls.
  var MAX_ROWS_SHOWN = 25;

  var SERIES_WORDS = { ZH: "“{seriesName}”是{seriesType}，", EN: "{seriesName}, a {seriesType}: " };

  function axisType(axis) {
    var first = Array.isArray(axis) ? axis[0] : axis;
    return first && first.type;
  }

  function withAria(el, option) {
    var out = {};
    Object.keys(option).forEach(function (key) { out[key] = option[key]; });
    var name = el.getAttribute("data-chart-name") || el.getAttribute("aria-label") || "";
    el.setAttribute("data-chart-name", name);
    // The chart's name opens the spoken summary; a title that is not drawn (the page's heading is).
    if (name && !out.title) { out.title = { text: name, show: false }; }
    // A category axis's position is not a figure: speak "name: value", not "name: 3, value".
    var exclude = [];
    if (axisType(option.xAxis) === "category") { exclude.push(0); }
    if (axisType(option.yAxis) === "category") { exclude.push(1); }
    out.aria = {
      enabled: true,
      label: {
        enabled: true,
        data: { maxCount: SPOKEN_VALUES, excludeDimensionId: exclude },
        // ECharts counts series from 0 in its words ("第0个系列"); name them instead.
        series: { maxCount: 10, multiple: { withName: SERIES_WORDS[locale] } }
      }
    };
    if (option.aria && option.aria.label && option.aria.label.description) {
      out.aria.label.description = option.aria.label.description;
    }
    return out;
  }

  function draw(el, option) {
    var table = el.getAttribute("data-chart-table");
    if (table && !el.hasAttribute("aria-describedby")) { el.setAttribute("aria-describedby", table); }
    var rows = parseInt(el.getAttribute("data-rows") || "0", 10);
    if (rows > 0 && !el.style.height) {
      // Bar charts grow with their rows; past a screen's worth (25 rows) they scroll in a box that the
      // keyboard reaches too.
      el.style.height = Math.max(220, rows * 26 + 60) + "px";
      if (rows > MAX_ROWS_SHOWN && el.parentNode && !el.parentNode.classList.contains("chart-scroll")) {
        var box = document.createElement("div");
        box.className = "chart-scroll";
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", el.getAttribute("aria-label") || "");
        box.style.maxHeight = (MAX_ROWS_SHOWN * 26 + 60) + "px";
        el.parentNode.insertBefore(box, el);
        box.appendChild(el);
      }
    }
    // data-chart-theme="dark" for a dark page (ECharts' own dark theme is in the build).
    var theme = el.getAttribute("data-chart-theme") || null;
    var chart = window.echarts.init(el, theme, { renderer: "canvas", locale: locale });
    chart.setOption(withAria(el, option));
    el.setAttribute("data-rendered", "1");
    charts.push(chart);
    return chart;
  }

  function flush() {
    var jobs = waiting;
    waiting = [];
    jobs.forEach(function (job) { job(); });
  }

  function whenLoaded(job) {
    if (ready) { job(); return; }
    waiting.push(job);
    if (requested || !bundle) { return; }
    requested = true;
    // Inserted by script, the parts load without holding up the page's DOMContentLoaded; the shared
    // chunk is fetched at once rather than after the core has arrived and named it.
    shared.forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = href;
      document.head.appendChild(link);
    });
    var parts = [bundle].concat(extra ? [extra] : []);
    var left = parts.length;
    parts.forEach(function (src) {
      var tag = document.createElement("script");
      tag.type = "module";
      tag.src = src;
      tag.addEventListener("load", function () {
        left -= 1;
        if (left === 0 && window.echarts) { ready = true; flush(); }
      });
      document.head.appendChild(tag);
    });
  }

  function render(el, option) {
    if (!el || !option) { return; }
    whenLoaded(function () { draw(el, option); });
  }

  function fromData(el) {
    var source = document.getElementById(el.getAttribute("data-echarts"));
    if (!source) { return; }
    var option;
    try { option = JSON.parse(source.textContent); } catch (err) { return; }
    render(el, option);
  }

  window.LuoshiCharts = { render: render };

  function init() {
    document.querySelectorAll("[data-echarts]").forEach(fromData);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
