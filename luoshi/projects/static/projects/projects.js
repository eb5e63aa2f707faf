// Key projects: the plan-against-actual chart and the project map. Options and data come
// from JSON blocks and data attributes; nothing inline (CSP).
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

  var COLOURS = { red: "#b91c1c", yellow: "#a16207", green: "#15803d", "": "#64748b" };

  function projectMap() {
    var el = document.getElementById("project-map");
    if (!el || !window.L) { return; }
    var status = document.querySelector("[data-map-status]");
    var map = window.L.map(el, { attributionControl: false }).setView([28.0, 120.7], 11);
    fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var bounds = [];
        data.projects.forEach(function (p) {
          var colour = COLOURS[p.light] || COLOURS[""];
          var marker = window.L.circleMarker([p.lat, p.lng], { radius: 8, color: colour, fillColor: colour, fillOpacity: 0.8 });
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name;
          var box = document.createElement("div");
          box.appendChild(link);
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(p.code + " · " + p.stage + (p.status ? " · " + p.status : "")));
          marker.bindPopup(box);
          marker.bindTooltip(p.name + (p.status ? " · " + p.status : ""));
          marker.addTo(map);
          if (p.polygon) {
            try { window.L.geoJSON(p.polygon, { style: { color: colour, weight: 2 } }).addTo(map); } catch (err) { /* bad outline: point only */ }
          }
          bounds.push([p.lat, p.lng]);
        });
        if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 }); }
        el.setAttribute("data-count", String(bounds.length));
        if (status) { status.textContent = bounds.length ? "" : el.getAttribute("data-empty"); }
      });
  }

  function init() { charts(); projectMap(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
