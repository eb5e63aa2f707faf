// Land acquisition pages: the daily-progress chart (ECharts) and the parcel map (Leaflet).
// Data comes from JSON blocks rendered by the server; nothing inline (CSP).
(function () {
  "use strict";

  function data(id) {
    var source = document.getElementById(id);
    if (!source) { return null; }
    try { return JSON.parse(source.textContent); } catch (err) { return null; }
  }

  function progressChart(el) {
    var d = data(el.getAttribute("data-progress-chart"));
    if (!d || !window.LuoshiCharts) { return; }
    // Drawn by the shared helper (luoshi/static/luoshi/js/charts.js): ECharts' aria on, the table linked.
    window.LuoshiCharts.render(el, {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 32 },
      xAxis: { type: "category", data: d.days },
      yAxis: [{ type: "value", max: d.total || null, minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
      series: [
        { name: d.labels.signed, type: "line", data: d.signed, showSymbol: false, lineStyle: { width: 3 } },
        { name: d.labels.vacated, type: "line", data: d.vacated, showSymbol: false, lineStyle: { type: "dashed" } },
        { name: d.labels.demolished, type: "line", data: d.demolished, showSymbol: false, lineStyle: { type: "dotted", width: 3 } },
        { name: d.labels.daily, type: "bar", yAxisIndex: 1, data: d.daily, barMaxWidth: 8, itemStyle: { opacity: 0.45 } }
      ]
    });
  }

  function shade(rate) {
    if (rate === null || rate === undefined) { return "#e2e8f0"; }
    if (rate >= 100) { return "#4ade80"; }
    if (rate >= 80) { return "#93c5fd"; }
    if (rate >= 50) { return "#fde68a"; }
    return "#fecaca";
  }

  function parcelMap(el) {
    var parcels = data(el.getAttribute("data-parcels"));
    var status = document.querySelector("[data-map-status]");
    if (!parcels || !window.L) { return; }
    var map = L.map(el, { zoomSnap: 0.25 });
    if (window.LuoshiTiles) { window.LuoshiTiles.add(map, el); }
    var layers = [];
    parcels.forEach(function (p) {
      var label = p.name + " · " + (p.rate === null ? "—" : p.rate + "%") + " (" + p.signed + "/" + p.households + ")";
      var layer = null;
      if (p.boundary && p.boundary.length >= 3) {
        layer = L.polygon(p.boundary, { color: "#334155", weight: 2, fillColor: shade(p.rate), fillOpacity: 0.75 });
      } else if (p.lat !== null && p.lng !== null) {
        layer = L.circleMarker([p.lat, p.lng], { radius: 10, color: "#334155", weight: 2, fillColor: shade(p.rate), fillOpacity: 0.9 });
      }
      if (layer) {
        layer.bindTooltip(label, { permanent: true, direction: "center", className: "parcel-label" });
        layer.addTo(map);
        layers.push(layer);
      }
    });
    if (layers.length) {
      map.fitBounds(L.featureGroup(layers).getBounds(), { padding: [30, 30], maxZoom: 17 });
    } else {
      map.setView([27.95, 120.75], 12);
      if (status) { status.textContent = el.getAttribute("data-empty"); }
    }
    el.setAttribute("data-loaded", String(layers.length));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-progress-chart]").forEach(progressChart);
    document.querySelectorAll("[data-parcels]").forEach(parcelMap);
  });
})();
