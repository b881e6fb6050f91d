/* Photos in entries (docs/photos.md).
 *
 * Without script everything works through plain forms: the editor's upload
 * form, and one form per photo for its caption, its place and its removal.
 * With script:
 * - photos chosen, dropped or pasted are sent one request each (the upload
 *   limit is per photo), and the photos part of the page is drawn again from
 *   the server, so unsaved text in the editor stays as it is;
 * - on a new entry, chosen photos wait until the entry is saved, then follow it;
 * - a placeholder stands until the thumbnails are made in the background,
 *   then the thumbnail takes its place.
 */
(function () {
  "use strict";

  var WAIT_EVERY_MS = 2000;
  var WAIT_TRIES = 45;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Placeholders: try the thumbnail every two seconds until it is there. ---
  function waitForThumbnails(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-photo-waiting]"), function (placeholder) {
      var tries = 0;
      function attempt() {
        var probe = new Image();
        probe.onload = function () {
          var img = document.createElement("img");
          img.className = "photo-thumb";
          img.src = probe.src;
          img.alt = placeholder.getAttribute("data-photo-alt") || "";
          var box = placeholder.viewBox && placeholder.viewBox.baseVal;
          if (box) { img.width = box.width; img.height = box.height; }
          placeholder.replaceWith(img);
        };
        probe.onerror = function () {
          tries += 1;
          if (tries < WAIT_TRIES) window.setTimeout(attempt, WAIT_EVERY_MS);
        };
        probe.src = placeholder.getAttribute("data-photo-waiting");
      }
      window.setTimeout(attempt, WAIT_EVERY_MS);
    });
  }

  function imagesOf(list) {
    return Array.prototype.filter.call(list || [], function (file) {
      return file && (!file.type || file.type.indexOf("image/") === 0 || /\.hei[cf]$/i.test(file.name || ""));
    });
  }

  function errorText(response, data) {
    if (data) {
      if (data.detail) return data.detail;
      var first = Object.keys(data).filter(function (key) { return Array.isArray(data[key]); })[0];
      if (first) return data[first][0];
    }
    return response.status === 413 ? "413" : String(response.status);
  }

  function upload(url, file, caption) {
    var body = new FormData();
    body.append("file", file, file.name || "photo");
    if (caption) body.append("caption", caption);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    }).then(function (response) {
      if (response.ok) return null;
      return response.json().catch(function () { return null; }).then(function (data) {
        return (file.name ? file.name + ": " : "") + errorText(response, data);
      });
    }, function () { return (file.name ? file.name + ": " : "") + "network"; });
  }

  function uploadAll(url, files, caption, status) {
    var failures = [];
    var total = files.length;
    var template = status ? status.closest("[data-photos]").getAttribute("data-uploading-text") || "" : "";
    return files.reduce(function (previous, file, index) {
      return previous.then(function () {
        if (status) status.textContent = template.replace("%(n)s", index + 1).replace("%(total)s", total);
        return upload(url, file, caption).then(function (failure) { if (failure) failures.push(failure); });
      });
    }, Promise.resolve()).then(function () { return failures; });
  }

  // --- The editor of a saved entry: send at once, then draw the photos part again. ---
  function redraw(section, html, failures) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("photos");
    if (!fresh) { window.location.reload(); return; }
    section.replaceWith(fresh);
    initSection(fresh);
    if (failures && failures.length) {
      var status = fresh.querySelector("[data-photo-status]");
      status.classList.add("is-error");
      status.textContent = (fresh.getAttribute("data-failed-text") || "") + " " + failures.join("; ");
    }
  }

  function refresh(section, failures) {
    return fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) { redraw(section, html, failures); });
  }

  function initSaved(section) {
    var url = section.getAttribute("data-upload-url");
    var status = section.querySelector("[data-photo-status]");
    var caption = section.querySelector("[data-photo-form] input[name=caption]");
    var submit = section.querySelector("[data-photo-submit]");
    if (submit) submit.hidden = true;
    var busy = false;

    function send(files) {
      files = imagesOf(files);
      if (!files.length || busy) return;
      busy = true;
      status.classList.remove("is-error");
      uploadAll(url, files, caption ? caption.value : "", status).then(function (failures) {
        return refresh(section, failures);
      });
    }

    section.querySelector("[data-photo-input]").addEventListener("change", function (event) {
      send(event.target.files);
    });
    dropOn(section, send);
    section._sendPhotos = send;

    // Caption, order and removal: the same forms, answered by the editor page, drawn again in place.
    Array.prototype.forEach.call(section.querySelectorAll("form.photo-controls"), function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var body = new FormData(form);
        if (event.submitter && event.submitter.name) body.append(event.submitter.name, event.submitter.value);
        fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" })
          .then(function (response) { return response.text(); })
          .then(function (html) { redraw(section, html); });
      });
    });

    var content = document.getElementById("id_content");
    Array.prototype.forEach.call(section.querySelectorAll("[data-photo-insert]"), function (button) {
      if (!content) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = button.getAttribute("data-photo-insert");
        var start = content.selectionStart || content.value.length;
        var end = content.selectionEnd || start;
        var before = content.value.slice(0, start);
        var lead = before && !/\n$/.test(before) ? "\n" : "";
        content.value = before + lead + text + "\n" + content.value.slice(end);
        content.dispatchEvent(new Event("input", { bubbles: true }));
        content.focus();
      });
    });
  }

  // --- A new entry: photos wait, then follow the entry once it is saved. ---
  function initPending(section) {
    var form = document.querySelector("form.entry-editor");
    var list = section.querySelector("[data-photo-pending]");
    var note = section.querySelector("[data-photos-nojs]");
    var status = section.querySelector("[data-photo-status]");
    var input = section.querySelector("[data-photo-input]");
    if (!form || !window.fetch) { input.disabled = true; return; }
    if (note) note.hidden = true;
    var pending = [];

    function add(files) {
      imagesOf(files).forEach(function (file) {
        pending.push(file);
        var item = document.createElement("li");
        var img = document.createElement("img");
        img.alt = file.name || "";
        img.src = URL.createObjectURL(file);
        item.appendChild(img);
        list.appendChild(item);
      });
      list.hidden = pending.length === 0;
    }
    input.addEventListener("change", function (event) { add(event.target.files); input.value = ""; });
    dropOn(section, add);
    section._sendPhotos = add;

    form.addEventListener("submit", function (event) {
      if (!pending.length || event.defaultPrevented) return;
      event.preventDefault();
      fetch(form.getAttribute("action"), { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          var saved = response.redirected && /\/diary\/(\d+)\/$/.exec(new URL(response.url).pathname);
          if (!saved) { form.submit(); return null; }  // not saved: the server shows why, as without script
          return uploadAll("/diary/" + saved[1] + "/photos/", pending, "", status).then(function (failures) {
            if (failures.length) {
              window.alert((section.getAttribute("data-failed-text") || "") + " " + failures.join("; "));
            }
            window.location.assign(response.url);
          });
        }, function () { form.submit(); });
    });
  }

  function dropOn(section, take) {
    var zone = section.querySelector("[data-photo-drop]") || section;
    ["dragenter", "dragover"].forEach(function (name) {
      section.addEventListener(name, function (event) {
        if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) return;
        event.preventDefault();
        zone.classList.add("is-over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      section.addEventListener(name, function () { zone.classList.remove("is-over"); });
    });
    section.addEventListener("drop", function (event) {
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      take(event.dataTransfer.files);
    });
  }

  function initSection(section) {
    waitForThumbnails(section);
    if (section.hasAttribute("data-upload-url")) initSaved(section);
    else if (section.hasAttribute("data-photos-pending")) initPending(section);
  }

  // A photo pasted anywhere on the editor (text pastes as text, as always).
  document.addEventListener("paste", function (event) {
    var section = document.getElementById("photos");
    var files = event.clipboardData && imagesOf(event.clipboardData.files);
    if (!section || !section._sendPhotos || !files || !files.length) return;
    event.preventDefault();
    section._sendPhotos(files);
  });

  var section = document.getElementById("photos");
  if (section) initSection(section);
  else waitForThumbnails(document);
})();
