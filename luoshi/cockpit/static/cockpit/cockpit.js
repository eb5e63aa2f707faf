// The cockpit's trend charts are drawn by the shared chart helper (static/luoshi/js/charts.js,
// the {% chart %} tag, docs/frontend.md), each beside the table of its figures.

// Cockpit map (Leaflet): areas shaded by their open records, records as points coloured by
// light; no tile server needed. The link under the map lists the same records.
(function () {
  "use strict";
  var COLOURS = { green: "#15803d", yellow: "#eab308", red: "#b91c1c" };

  function shade(open) {
    if (!open) { return "#e2e8f0"; }
    if (open < 3) { return "#fde68a"; }
    if (open < 10) { return "#fb923c"; }
    return "#dc2626";
  }

  function text(value) {
    var div = document.createElement("div");
    div.textContent = value == null ? "" : String(value);
    return div.innerHTML;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    document.querySelectorAll(".cockpit-map[data-url]").forEach(function (el) {
      var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25, attributionControl: false });
      if (window.LuoshiTiles) { window.LuoshiTiles.add(map, el); }
      map.setView([28.0, 120.7], 12);
      var recordUrl = el.getAttribute("data-record-url") || "";
      fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var grids = L.geoJSON(data.grids, {
            style: function (f) {
              return { color: "#475569", weight: 1, fillColor: shade(f.properties.open), fillOpacity: 0.55 };
            },
            onEachFeature: function (f, layer) {
              layer.bindPopup("<strong>" + text(f.properties.name) + "</strong><br>" +
                text(el.getAttribute("data-label-open")) + ": " + text(f.properties.open) + " · " +
                text(el.getAttribute("data-label-red")) + ": " + text(f.properties.red));
            }
          }).addTo(map);
          (data.cases || []).forEach(function (c) {
            var link = recordUrl ? '<a href="' + text(recordUrl.replace("/0/", "/" + Number(c.id) + "/")) + '">' +
              text(c.no) + "</a>" : text(c.no);
            L.circleMarker([c.lat, c.lng], {
              radius: 4, color: "#fff", weight: 1, fillColor: COLOURS[c.light] || "#64748b", fillOpacity: 0.95
            }).bindPopup(link + "<br>" + text(c.title) + "<br>" + text(c.status)).addTo(map);
          });
          var bounds = grids.getBounds();
          if (bounds.isValid()) {
            map.fitBounds(bounds, { padding: [6, 6] });
          } else if (data.cases && data.cases.length) {
            map.fitBounds(L.latLngBounds(data.cases.map(function (c) { return [c.lat, c.lng]; })));
          }
          el.setAttribute("data-loaded", String((data.cases || []).length));
        })
        .catch(function () { el.setAttribute("data-loaded", "error"); });
    });
  });
})();

// The big screen reloads itself every few minutes (data-refresh-seconds), which anyone may pause
// (WCAG 2.2.1: a timed change the person can turn off; no <meta http-equiv="refresh">). The choice
// holds for the browser tab.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var seconds = parseInt(document.body.getAttribute("data-refresh-seconds") || "", 10);
    var button = document.querySelector("[data-refresh-toggle]");
    if (!(seconds > 0)) { return; }
    var timer = null;
    var KEY = "luoshi.cockpit.refresh";
    function set(on) {
      window.clearTimeout(timer);
      timer = on ? window.setTimeout(function () { window.location.reload(); }, seconds * 1000) : null;
      if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
      try { window.sessionStorage.setItem(KEY, on ? "on" : "off"); } catch (err) { /* storage off: not kept */ }
    }
    var stored = null;
    try { stored = window.sessionStorage.getItem(KEY); } catch (err) { stored = null; }
    set(stored !== "off");
    if (button) {
      button.addEventListener("click", function () { set(button.getAttribute("aria-pressed") !== "true"); });
    }
  });
})();

// The big screen is laid out for a 1920×1080 wall; on a smaller screen (a 1280 px laptop, a
// projector) it is zoomed down as a whole to fit, so nothing scrolls sideways or is cut off.
(function () {
  "use strict";
  var WIDTH = 1920;
  var HEIGHT = 1080;
  function fit() {
    var body = document.body;
    if (!body || !body.classList.contains("cockpit-screen")) { return; }
    var scale = Math.min(window.innerWidth / WIDTH, window.innerHeight / HEIGHT, 1);
    body.style.zoom = scale < 1 ? String(Math.floor(scale * 1000) / 1000) : "";
  }
  document.addEventListener("DOMContentLoaded", fit);
  window.addEventListener("resize", fit);
})();

// Big screen: a panel whose table does not fit its 488 px shows the rows that fit whole, and says how
// many more there are (linking to the panel's list), instead of cutting a row in half at its edge.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    if (!body.classList.contains("cockpit-screen")) { return; }
    var template = body.getAttribute("data-more-text") || "+{n}";
    document.querySelectorAll(".cockpit-panel").forEach(function (panel) {
      var rows = Array.prototype.slice.call(panel.querySelectorAll(".cockpit-table tbody tr"));
      if (!rows.length || panel.scrollHeight <= panel.clientHeight) { return; }
      var wrap = rows[0].closest(".table-wrap") || rows[0].closest("table");
      var link = panel.querySelector("h2 a");
      var note = document.createElement("p");
      note.className = "cockpit-more";
      note.setAttribute("data-testid", "more-rows");
      var text = link ? document.createElement("a") : note;
      if (link) { text.href = link.getAttribute("href"); note.appendChild(text); }
      wrap.parentNode.insertBefore(note, wrap.nextSibling);
      var hidden = 0;
      while (rows.length > hidden && panel.scrollHeight > panel.clientHeight) {
        hidden += 1;
        rows[rows.length - hidden].hidden = true;
        text.textContent = template.replace("{n}", String(hidden));
      }
      if (hidden === rows.length) { wrap.hidden = true; }  // no row fits: no header without rows either
    });
  });
})();
