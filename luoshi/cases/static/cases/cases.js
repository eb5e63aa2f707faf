// Case pages: drafts that survive a failed submit or a lost connection, the phone's
// location, similar-case hints, and small conveniences. No inline scripts (CSP).
(function () {
  "use strict";
  var PREFIX = "luoshi-draft:";
  var SKIP = { csrfmiddlewaretoken: 1, kept: 1, website: 1 };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }

  function save(form) {
    var store = storage();
    if (!store) { return; }
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { data[el.name + "=" + el.value] = true; }
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else {
        data[el.name] = el.value;
      }
    });
    try { store.setItem(PREFIX + form.getAttribute("data-draft"), JSON.stringify(data)); } catch (e) { /* full */ }
  }

  function restore(form) {
    var store = storage();
    if (!store) { return false; }
    var raw = store.getItem(PREFIX + form.getAttribute("data-draft"));
    if (!raw) { return false; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { return false; }
    var restored = false;
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (data[el.name + "=" + el.value]) { el.checked = true; restored = true; }
      } else if (el.tagName === "SELECT" && el.multiple) {
        var wanted = data[el.name] || [];
        Array.prototype.forEach.call(el.options, function (o) { if (wanted.indexOf(o.value) >= 0) { o.selected = true; restored = true; } });
      } else if (typeof data[el.name] === "string" && data[el.name] !== "" && !el.value) {
        el.value = data[el.name];
        restored = true;
      }
    });
    return restored;
  }

  function clearDrafts(which) {
    var store = storage();
    if (!store) { return; }
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0 && (which === "all" || key === PREFIX + which)) { keys.push(key); }
    }
    keys.forEach(function (key) { store.removeItem(key); });
  }

  function similar(form) {
    var url = form.getAttribute("data-similar-url");
    var target = form.querySelector("#similar");
    if (!url || !target || !window.fetch) { return; }
    var params = new URLSearchParams();
    ["category", "unit", "lat", "lng"].forEach(function (name) {
      var el = form.elements[name];
      if (el && el.value) { params.set(name, el.value); }
    });
    if (!params.get("category")) { target.innerHTML = ""; return; }
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { target.innerHTML = html; })
      .catch(function () { /* offline: no hint, no harm */ });
  }

  function locate(button) {
    var form = button.form || button.closest("form");
    var status = form.querySelector("[data-geo-status]");
    if (!navigator.geolocation) {
      if (status) { status.textContent = button.getAttribute("data-geo-failed"); }
      return;
    }
    if (status) { status.textContent = button.getAttribute("data-geo-busy"); }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lng.value = pos.coords.longitude.toFixed(6);
      if (status) { status.textContent = button.getAttribute("data-geo-done"); }
      save(form);
      similar(form);
    }, function () {
      if (status) { status.textContent = button.getAttribute("data-geo-failed"); }
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
      clearDrafts(el.getAttribute("data-draft-clear"));
    });
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      if (restore(form)) {
        var note = form.querySelector("[data-draft-note]");
        if (note) { note.hidden = false; }
      }
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function (event) {
        save(form);
        var name = event.target && event.target.name;
        if (name === "category" || name === "unit") { similar(form); }
      });
      similar(form);
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-geolocate]") : null;
    if (button) { event.preventDefault(); locate(button); }
  });
})();
