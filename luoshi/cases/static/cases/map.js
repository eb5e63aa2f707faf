// Case map: grid boundaries and open cases on a blank background (no tile server needed).
(function () {
  "use strict";
  var COLOURS = { green: "#15803d", yellow: "#eab308", red: "#b91c1c" };

  function shade(open) {
    if (!open) { return "#e2e8f0"; }
    if (open < 3) { return "#fde68a"; }
    if (open < 10) { return "#fb923c"; }
    return "#dc2626";
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("case-map");
    var status = document.querySelector("[data-map-status]");
    if (!el || !window.L) { return; }
    var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
    var tiles = el.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    map.setView([28.0, 120.7], 12);
    fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var grids = L.geoJSON(data.grids, {
          style: function (f) {
            return { color: "#475569", weight: 1, fillColor: shade(f.properties.open), fillOpacity: 0.55 };
          },
          onEachFeature: function (f, layer) {
            layer.bindPopup("<strong>" + escapeHtml(f.properties.name) + "</strong><br>" +
              escapeHtml(el.getAttribute("data-label-open")) + ": " + f.properties.open + " · " +
              escapeHtml(el.getAttribute("data-label-red")) + ": " + f.properties.red);
          }
        }).addTo(map);
        var points = L.layerGroup().addTo(map);
        data.cases.forEach(function (c) {
          L.circleMarker([c.lat, c.lng], {
            radius: 6, color: "#fff", weight: 1, fillColor: COLOURS[c.light] || "#64748b", fillOpacity: 0.95
          }).bindPopup('<a href="/cases/' + c.id + '/">' + escapeHtml(c.no) + "</a><br>" + escapeHtml(c.title) +
            "<br>" + escapeHtml(c.status)).addTo(points);
        });
        var bounds = grids.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [10, 10] });
        } else if (data.cases.length) {
          map.fitBounds(L.latLngBounds(data.cases.map(function (c) { return [c.lat, c.lng]; })));
        } else if (status) {
          status.textContent = el.getAttribute("data-empty");
        }
        el.setAttribute("data-loaded", String(data.grids.features.length));
      })
      .catch(function () { if (status) { status.textContent = "!"; } });
  });
})();
