// Key projects: the plan-against-actual chart, the project map and the outline drawn in the
// project form. Options and data come from JSON blocks and data attributes; nothing inline (CSP).
(function () {
  "use strict";

  // The plan-against-actual chart is drawn by the shared chart helper (luoshi/static/luoshi/js/charts.js,
  // docs/frontend.md), with ECharts' aria option and its table linked; nothing to do here.
  function charts() {}

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
          // The marker is the light itself, drawn in the light's own shape (round green, diamond
          // yellow, square red, hollow grey when not measured: not told by colour alone), and a
          // keyboard stop named by the project, its light and its status.
          var words = p.name + (p.light_label ? " · " + p.light_label : "") + (p.status ? " · " + p.status : "");
          var marker = window.L.marker([p.lat, p.lng], {
            icon: window.L.divIcon({ className: "map-light", html: '<span class="light light-' + (p.light || "none") + '"></span>', iconSize: [18, 18] }),
            title: words,
            keyboard: true
          });
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name;
          var box = document.createElement("div");
          box.appendChild(link);
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(p.code + " · " + p.stage + (p.status ? " · " + p.status : "")));
          marker.bindPopup(box);
          marker.bindTooltip(words);
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

  // The outline field of the project form: each click on the map adds a corner ("lng, lat" a
  // line); typing or pasting in the field redraws it. The server checks what is sent.
  function outlineDraw() {
    var el = document.getElementById("outline-map");
    var field = document.querySelector("textarea[data-outline]");
    if (!el || !field || !window.L) { return; }
    var lat = parseFloat((document.getElementById("id_lat") || {}).value);
    var lng = parseFloat((document.getElementById("id_lng") || {}).value);
    var centre = isFinite(lat) && isFinite(lng) ? [lat, lng] : [28.0, 120.7];
    var map = window.L.map(el, { attributionControl: false, doubleClickZoom: false }).setView(centre, 15);
    if (isFinite(lat) && isFinite(lng)) { window.L.circleMarker(centre, { radius: 6, color: "#1d4ed8" }).addTo(map); }
    var shape = null;
    var status = document.querySelector("[data-outline-status]");

    function points() {
      var out = [];
      field.value.split(/[\n;]/).forEach(function (line) {
        var parts = line.replace(/[\[\]()]/g, "").split(/[,，\s]+/).filter(Boolean);
        if (parts.length === 2 && isFinite(parseFloat(parts[0])) && isFinite(parseFloat(parts[1]))) {
          out.push([parseFloat(parts[1]), parseFloat(parts[0])]);
        }
      });
      return out;
    }

    function redraw(fit) {
      if (shape) { map.removeLayer(shape); shape = null; }
      var pts = field.value.trim().charAt(0) === "{" ? [] : points();
      if (pts.length >= 2) { shape = window.L.polygon(pts, { color: "#b45309", weight: 2 }).addTo(map); }
      if (fit && shape) { map.fitBounds(shape.getBounds(), { padding: [24, 24], maxZoom: 17 }); }
      el.setAttribute("data-points", String(pts.length));
      if (status) { status.textContent = pts.length ? pts.length + " " + status.getAttribute("data-label") : ""; }
    }

    map.on("click", function (e) {
      var line = e.latlng.lng.toFixed(6) + ", " + e.latlng.lat.toFixed(6);
      field.value = field.value.trim() ? field.value.replace(/\s+$/, "") + "\n" + line : line;
      redraw(false);
    });
    field.addEventListener("input", function () { redraw(false); });
    var clear = document.querySelector("[data-outline-clear]");
    if (clear) { clear.addEventListener("click", function () { field.value = ""; redraw(false); }); }
    redraw(true);
  }

  function init() { charts(); projectMap(); outlineDraw(); }
  // A deferred script runs before the ones after it (ECharts, Leaflet): start once all are in.
  if (document.readyState === "complete") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
