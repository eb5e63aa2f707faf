// Uploads and imports show their progress. Every form with enctype="multipart/form-data" that has a
// file chosen is sent with XMLHttpRequest: a progress bar and a polite live text ("正在上传 45%")
// appear under the form's submit button, then the page the server answers is shown as a normal
// submit would (the page after its redirect, or the page it rendered, with its address). Without XMLHttpRequest upload
// events, or if the request fails, the form is submitted the ordinary way. The texts come from
// this script tag's data- attributes (translated by the template). No inline script (CSP).
(function () {
  "use strict";
  var script = document.currentScript;
  var texts = {
    uploading: (script && script.getAttribute("data-uploading")) || "%s%",
    processing: (script && script.getAttribute("data-processing")) || "…",
  };
  if (!window.XMLHttpRequest || !window.FormData || !("upload" in new XMLHttpRequest())) { return; }

  function hasFiles(form) {
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].files && inputs[i].files.length) { return true; }
    }
    return false;
  }

  function showProgress(form, submitter) {
    var box = form.querySelector("[data-upload-progress]");
    if (!box) {
      box = document.createElement("div");
      box.className = "upload-progress";
      box.setAttribute("data-upload-progress", "");
      box.setAttribute("data-testid", "upload-progress");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var label = document.createElement("span");
      label.setAttribute("role", "status");
      label.setAttribute("aria-live", "polite");
      bar.setAttribute("aria-label", texts.uploading.replace("%s", "0"));
      box.appendChild(bar);
      box.appendChild(label);
      var after = submitter || form.querySelector("[type=submit]");
      if (after && after.parentNode) { after.parentNode.insertBefore(box, after.nextSibling); } else { form.appendChild(box); }
    }
    return box;
  }

  function update(box, percent) {
    var bar = box.querySelector("progress");
    var label = box.querySelector("span");
    bar.value = percent;
    var text = percent >= 100 ? texts.processing : texts.uploading.replace("%s", String(percent));
    bar.setAttribute("aria-label", text);
    // Speak every 10 points, not every event.
    if (label.getAttribute("data-said") !== String(Math.floor(percent / 10)) || percent >= 100) {
      label.setAttribute("data-said", String(Math.floor(percent / 10)));
      label.textContent = text;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form || form.enctype !== "multipart/form-data" || !hasFiles(form)) { return; }
    if (form.hasAttribute("data-no-upload-progress")) { return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    var data;
    try { data = new FormData(form, submitter); } catch (e) {
      data = new FormData(form);
      if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    }
    var action = form.getAttribute("action") || window.location.href;
    var target = new URL(action, window.location.href).href;
    var box = showProgress(form, submitter);
    var buttons = form.querySelectorAll("[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    update(box, 0);
    var xhr = new XMLHttpRequest();
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), target);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { update(box, Math.min(100, Math.round((e.loaded / e.total) * 100))); }
    });
    xhr.upload.addEventListener("load", function () { update(box, 100); });
    xhr.addEventListener("load", function () {
      // Show the page the server answered (after its redirect, if any), with the address it has, as a
      // normal submit would. Not loaded again: a message shown once ("已保存") is in this answer only.
      var landed = xhr.responseURL || target;
      history.replaceState(null, "", landed);
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      buttons.forEach(function (b) { b.disabled = false; });
      box.remove();
      form.setAttribute("data-no-upload-progress", "");
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    });
    xhr.send(data);
  });
})();
