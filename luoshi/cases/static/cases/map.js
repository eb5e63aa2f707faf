// Case map: grid boundaries with their names and case counts, and the open cases, on a plain
// background or on the configured tile layers (luoshi/js/maptiles.js). For those who
// may open the key-person registry, a switch shades the grids by their key persons' risk.
(function () {
  "use strict";
  var COLOURS = { green: "#15803d", yellow: "#eab308", red: "#b91c1c" };

  function shade(open) {
    if (!open) { return "#e2e8f0"; }
    if (open < 3) { return "#fde68a"; }
    if (open < 10) { return "#fb923c"; }
    return "#dc2626";
  }

  function riskShade(kp) {
    if (!kp) { return "#e2e8f0"; }
    if (kp.high) { return "#b91c1c"; }
    if (kp.medium) { return "#f97316"; }
    if (kp.low) { return "#fde68a"; }
    return "#e2e8f0";
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : String(values[key]); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("case-map");
    var status = document.querySelector("[data-map-status]");
    if (!el || !window.L) { return; }
    var text = function (name) { return el.getAttribute("data-label-" + name) || ""; };
    var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
    if (window.LuoshiTiles) { window.LuoshiTiles.add(map, el); } else { el.classList.add("no-tiles"); }
    map.setView([28.0, 120.7], 12);
    var byRisk = false;
    fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var grids = L.geoJSON(data.grids, {
          style: function (f) {
            var colour = byRisk ? riskShade(f.properties.key_persons) : shade(f.properties.open);
            return { color: "#334155", weight: 1.5, fillColor: colour, fillOpacity: 0.55 };
          },
          onEachFeature: function (f, layer) {
            var p = f.properties;
            // The grid's name and its open cases, always on the map (not only on a click).
            layer.bindTooltip(escapeHtml(p.name) + "<br>" + escapeHtml(fill(text("count"), { n: p.open })), {
              permanent: true, direction: "center", className: "grid-label"
            });
            var lines = ["<strong>" + escapeHtml(p.name) + "</strong>",
              escapeHtml(fill(text("counts"), { open: p.open, red: p.red }))];
            if (p.key_persons) {
              var kp = p.key_persons;
              lines.push(escapeHtml(fill(text("risk"), { high: kp.high, medium: kp.medium, low: kp.low })));
              var names = (kp.names.high || []).concat(kp.names.medium || []);
              if (names.length) { lines.push('<span class="small">' + escapeHtml(names.join("、")) + "</span>"); }
            }
            lines.push('<a href="/cases/?box=all&amp;unit=' + encodeURIComponent(p.id) + '">' + escapeHtml(text("open-list")) + "</a>");
            layer.bindPopup(lines.join("<br>"));
          }
        }).addTo(map);
        var points = L.layerGroup().addTo(map);
        data.cases.forEach(function (c) {
          L.circleMarker([c.lat, c.lng], {
            radius: 6, color: "#fff", weight: 1, fillColor: COLOURS[c.light] || "#64748b", fillOpacity: 0.95
          }).bindPopup('<a href="/cases/' + c.id + '/">' + escapeHtml(c.no) + "</a><br>" + escapeHtml(c.title) +
            "<br>" + escapeHtml(c.status)).addTo(points);
        });
        var toggle = document.querySelector("[data-map-risk]");
        if (toggle && data.key_persons) {
          toggle.hidden = false;
          toggle.querySelector("input").addEventListener("change", function (e) {
            byRisk = e.target.checked;
            grids.setStyle(function (f) {
              var colour = byRisk ? riskShade(f.properties.key_persons) : shade(f.properties.open);
              return { color: "#334155", weight: 1.5, fillColor: colour, fillOpacity: 0.55 };
            });
            points.eachLayer(function (m) { m.setStyle({ opacity: byRisk ? 0 : 1, fillOpacity: byRisk ? 0 : 0.95 }); });
          });
        }
        // Labels that do not fit: smaller type when wider or taller than their grid, and none at all
        // where it would cover a label already placed (the biggest grids are placed first). The
        // popup and the list of grids under the map still name every grid.
        var fitLabels = function () {
          var items = [];
          grids.eachLayer(function (layer) {
            var tip = layer.getTooltip();
            var node = tip && tip.getElement();
            if (!node) { return; }
            node.classList.remove("grid-label-small", "grid-label-hidden");
            var b = layer.getBounds();
            var ne = map.latLngToContainerPoint(b.getNorthEast());
            var sw = map.latLngToContainerPoint(b.getSouthWest());
            items.push({ node: node, w: Math.abs(ne.x - sw.x), h: Math.abs(sw.y - ne.y) });
          });
          items.sort(function (a, b) { return b.w * b.h - a.w * a.h; });
          var placed = [];
          var hidden = 0;
          items.forEach(function (item) {
            var r = item.node.getBoundingClientRect();
            if (r.width > item.w || r.height > item.h) {
              item.node.classList.add("grid-label-small");
              r = item.node.getBoundingClientRect();
            }
            var covers = placed.some(function (q) {
              return r.left < q.right && r.right > q.left && r.top < q.bottom && r.bottom > q.top;
            });
            if (covers) {
              item.node.classList.add("grid-label-hidden");
              hidden += 1;
            } else {
              placed.push(r);
            }
          });
          el.setAttribute("data-labels-hidden", String(hidden));
        };
        map.on("zoomend", function () { window.setTimeout(fitLabels, 0); });
        var bounds = grids.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [10, 10] });
        } else if (data.cases.length) {
          map.fitBounds(L.latLngBounds(data.cases.map(function (c) { return [c.lat, c.lng]; })));
        } else if (status) {
          status.textContent = el.getAttribute("data-empty");
        }
        fitLabels();
        el.setAttribute("data-loaded", String(data.grids.features.length));
      })
      .catch(function () { if (status) { status.textContent = el.getAttribute("data-failed") || ""; } });
  });
})();
