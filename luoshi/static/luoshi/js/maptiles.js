// The background of every map: the tile layers configured by the office (luoshi.core.maptiles,
// given in <meta name="luoshi-map-tiles">), or none: then the map gets the class "no-tiles" and
// its grids, parcels and points stand on a plain background. Maps call LuoshiTiles.add(map, el).
(function () {
  "use strict";
  function layers() {
    var meta = document.querySelector("meta[name=luoshi-map-tiles]");
    try { return JSON.parse((meta && meta.getAttribute("content")) || "[]"); } catch (e) { return []; }
  }
  window.LuoshiTiles = {
    add: function (map, el) {
      var found = layers();
      if (!found.length || !window.L) {
        if (el) { el.classList.add("no-tiles"); }
        return 0;
      }
      if (!map.attributionControl) { window.L.control.attribution({ prefix: false }).addTo(map); }
      found.forEach(function (t) {
        window.L.tileLayer(t.url, {
          maxZoom: t.maxZoom || 19, subdomains: t.subdomains || "abc", attribution: t.attribution || ""
        }).addTo(map);
      });
      return found.length;
    }
  };
})();
