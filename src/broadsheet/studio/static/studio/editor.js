/* The editor's helpers: nothing here is needed to write, save or publish, only to do it
 * with less effort and no lost words.
 *
 * - Keeps every keystroke in this browser's localStorage (survives a closed tab, a lost
 *   connection, an expired session) and sends it to the server's autosave every few seconds
 *   (survives a lost laptop). On load, text this browser holds that is newer than what the
 *   server gave is put back, with a notice.
 * - Live preview through the server's own rendering pipeline.
 * - Image upload from the file picker or by dropping files on the body; the <img> returned by
 *   the server is inserted at the cursor.
 * - Label completion: the datalist offers each known label after what is already typed.
 */
(function () {
  "use strict";

  var form = document.getElementById("editor");
  if (!form) {
    return;
  }
  var editable = form.dataset.editable === "true";
  var storageKey = form.dataset.storageKey;
  var newKey = form.dataset.newKey;
  var savedToken = form.dataset.savedToken;
  var status = document.getElementById("autosave-status");
  var fields = {
    title: form.elements.namedItem("title"),
    source: form.elements.namedItem("source"),
    labels: form.elements.namedItem("labels")
  };
  // Not the writer's words: the token, this copy's id and the buttons.
  var NOT_KEPT = ["csrfmiddlewaretoken", "client_draft", "intent"];
  // What a kept copy holds besides the fields.
  var ENTRY_KEYS = ["id", "base", "at"];
  var AUTOSAVE_DELAY = 2000;
  var AUTOSAVE_MAX_WAIT = 10000;
  var PREVIEW_DELAY = 600;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function formatValue() {
    var checked = form.querySelector("input[name=source_format]:checked");
    // Compose (compose.js) edits HTML: the body is sent and kept as HTML.
    return !checked ? "markdown" : checked.value === "compose" ? "html" : checked.value;
  }

  function keptElements() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && NOT_KEPT.indexOf(element.name) < 0 &&
        ["submit", "button", "file", "reset"].indexOf(element.type) < 0;
    });
  }

  function setFormat(value) {
    var radio = form.querySelector("input[name=source_format][value='" + value + "']");
    if (radio) {
      radio.checked = true;
    }
  }

  // Every field of the form, by name, as typed: the title and body, and the search
  // description, permalink, date and the rest too (a field added to the template is kept
  // without touching this). A checkbox is "on" or "".
  function snapshot() {
    var values = {};
    keptElements().forEach(function (element) {
      if (element.type === "radio") {
        if (element.checked) { values[element.name] = element.value; }
      } else if (element.type === "checkbox") {
        values[element.name] = element.checked ? "on" : "";
      } else {
        values[element.name] = element.value;
      }
    });
    values.source_format = formatValue();
    return values;
  }

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function timeNow() {
    return new Date().toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  }

  // This browser's copy ---------------------------------------------------------------

  function readLocal(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function writeLocal(entry) {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(entry));
      return true;
    } catch (error) {
      return false; // private mode or full: the server autosave still runs
    }
  }

  function removeLocal(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      /* nothing to remove */
    }
  }

  function randomId() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  var local = readLocal(storageKey);
  var draftId = local && local.id ? local.id : randomId();
  form.elements.namedItem("client_draft").value = draftId;

  function keepLocally() {
    var entry = snapshot();
    entry.id = draftId;
    entry.base = savedToken;
    entry.at = Date.now();
    writeLocal(entry);
  }

  function sameText(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    return names.every(function (name) {
      return ENTRY_KEYS.indexOf(name) >= 0 || (a[name] || "") === (b[name] || "");
    });
  }

  function forgetCreatedDraft() {
    // Right after a new post was saved: the copy kept under "new" has reached the server.
    var params = new URLSearchParams(window.location.search);
    var from = params.get("from_draft");
    if (!from) {
      return;
    }
    var pending = readLocal(newKey);
    if (pending && pending.id === from) {
      removeLocal(newKey);
    }
    window.history.replaceState(null, "", window.location.pathname);
  }

  function restoreLocal() {
    if (!local || !editable) {
      return;
    }
    // Saved explicitly since this copy was started (here or elsewhere): the copy is stale.
    if (local.base !== savedToken) {
      removeLocal(storageKey);
      local = null;
      return;
    }
    var serverAutosave = Date.parse(form.dataset.autosavedAt || "");
    if (sameText(local, snapshot()) || (serverAutosave && serverAutosave > local.at)) {
      return;
    }
    var server = snapshot();
    fill(local);
    var notice = document.getElementById("local-notice");
    if (notice) {
      notice.textContent = "Restored text typed in this browser at " +
        new Date(local.at).toLocaleString() + " that had not been saved. Save to keep it. ";
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "small secondary";
      undo.textContent = "Discard it";
      undo.addEventListener("click", function () {
        removeLocal(storageKey);
        fill(server);
        notice.textContent = "Discarded: this is the text the server has.";
      });
      notice.appendChild(undo);
      notice.hidden = false;
    }
    dirty = true;
  }

  function fill(values) {
    // A copy kept before a field existed leaves that field as it is.
    keptElements().forEach(function (element) {
      if (!Object.prototype.hasOwnProperty.call(values, element.name)) {
        return;
      }
      var value = values[element.name];
      if (element.type === "radio") {
        element.checked = element.value === value;
      } else if (element.type === "checkbox") {
        element.checked = value === "on";
      } else {
        element.value = value;
      }
    });
    form.dispatchEvent(new CustomEvent("broadsheet:filled")); // Compose reloads the body
  }

  // Server autosave -------------------------------------------------------------------

  var dirty = false;
  var timer = null;
  var firstChangeAt = 0;
  var inFlight = false;
  var submitting = false; // the form is being saved: an autosave now would outlive the save

  function scheduleAutosave() {
    dirty = true;
    var now = Date.now();
    if (!firstChangeAt) {
      firstChangeAt = now;
    }
    window.clearTimeout(timer);
    var wait = Math.min(AUTOSAVE_DELAY, Math.max(0, firstChangeAt + AUTOSAVE_MAX_WAIT - now));
    timer = window.setTimeout(autosave, wait);
  }

  function autosave() {
    if (!dirty || inFlight || submitting) {
      return;
    }
    inFlight = true;
    dirty = false;
    firstChangeAt = 0;
    var data = new FormData();
    var current = snapshot();
    Object.keys(current).forEach(function (name) { data.append(name, current[name]); });
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
    }).then(function (response) {
      if (response.ok) {
        say("Autosaved at " + timeNow() + ".");
      } else if (response.status === 401) {
        dirty = true;
        say("You have been signed out. What you type is kept in this browser: sign in again " +
            "(reload this page) and it will be here.");
      } else if (response.status === 403) {
        dirty = true;
        say("This page has expired. What you type is kept in this browser: reload the page " +
            "to go on saving.");
      } else if (response.status === 429) {
        // Too many autosaves for a while: keep the text here and try again when allowed.
        dirty = true;
        return response.json().then(function (body) {
          say(body.message);
          window.clearTimeout(timer);
          timer = window.setTimeout(autosave, (body.retry_after || 60) * 1000);
        }, function () {
          say("Autosave is paused for a while. What you type is kept in this browser.");
        });
      } else if (response.status === 400) {
        // The server says why (a body past BROADSHEET_MAX_POST_BYTES, say); the text stays.
        dirty = true;
        return response.json().then(function (body) {
          say(body.message + " What you type is kept in this browser.");
        }, function () {
          say("Autosave failed. What you type is kept in this browser.");
        });
      } else {
        dirty = true;
        say("Autosave failed. What you type is kept in this browser.");
      }
    }).catch(function () {
      dirty = true;
      say("No connection. What you type is kept in this browser and saved when the " +
          "connection returns.");
    }).then(function () {
      inFlight = false;
    });
  }

  function changed() {
    keepLocally();
    scheduleAutosave();
    schedulePreview();
  }

  // Preview ---------------------------------------------------------------------------

  var previewPanel = document.getElementById("preview-panel");
  var previewBox = document.getElementById("preview");
  var previewTimer = null;
  var previewing = previewPanel && !previewPanel.hidden;

  function schedulePreview() {
    if (!previewing) {
      return;
    }
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(preview, PREVIEW_DELAY);
  }

  function preview() {
    var data = new FormData();
    data.append("source", fields.source ? fields.source.value : "");
    data.append("source_format", formatValue());
    return fetch(form.dataset.previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken()}
    }).then(function (response) {
      if (response.status === 429) {
        // Too many previews for a while: the last one stays, the message says until when.
        return response.json().then(function (body) { say(body.message); });
      }
      if (response.status === 400) {
        // The server says why in plain text (a body past BROADSHEET_MAX_POST_BYTES, say).
        return response.text().then(function (reason) { say(reason); });
      }
      if (!response.ok) {
        throw new Error("preview failed");
      }
      return response.text().then(function (html) {
        // The server's sanitiser made this HTML, the same one public pages print as they are.
        previewBox.innerHTML = html;
        previewPanel.hidden = false;
      });
    }).catch(function () {
      say("The preview could not be updated.");
    });
  }

  var previewButton = document.getElementById("preview-button");
  if (previewButton && previewPanel) {
    previewButton.addEventListener("click", function (event) {
      event.preventDefault();
      previewing = true;
      preview().then(function () {
        previewPanel.scrollIntoView({block: "start"});
      });
    });
  }

  // Images ----------------------------------------------------------------------------

  var imageForm = document.getElementById("image-form");
  var imageStatus = document.getElementById("image-status");
  var imageErrors = document.getElementById("image-errors");

  function showImageErrors(messages) {
    if (!imageErrors) {
      return;
    }
    imageErrors.textContent = "";
    messages.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      imageErrors.appendChild(item);
    });
    imageErrors.hidden = messages.length === 0;
    var input = document.getElementById("image-file");
    if (input) {
      input.setAttribute("aria-invalid", messages.length ? "true" : "false");
    }
  }

  function insertAtCursor(text) {
    var area = fields.source;
    var start = area.selectionStart || 0;
    var end = area.selectionEnd || 0;
    var before = area.value.slice(0, start);
    var after = area.value.slice(end);
    var block = (before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "") +
      text + "\n\n";
    area.value = before + block + after;
    area.selectionStart = area.selectionEnd = before.length + block.length;
    changed();
  }

  function upload(file, alt) {
    var data = new FormData();
    data.append("image", file);
    data.append("alt", alt || "");
    showImageErrors([]);
    if (imageStatus) {
      imageStatus.textContent = "Uploading " + file.name + "…";
    }
    return fetch(imageForm.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.snippet) {
          // Compose, when it is on, puts the image in its own view and says so by cancelling.
          var event = new CustomEvent("broadsheet:insert-image", {detail: body, cancelable: true});
          if (form.dispatchEvent(event)) {
            insertAtCursor(body.snippet);
          }
          imageStatus.textContent = "Image inserted into the body.";
          return;
        }
        imageStatus.textContent = "";
        showImageErrors(body.errors || [
          response.status === 401 ? "You have been signed out: reload the page to sign in."
            : "The upload failed (" + response.status + ")."
        ]);
      });
    }).catch(function () {
      imageStatus.textContent = "";
      showImageErrors(["No connection: the image was not uploaded."]);
    });
  }

  if (imageForm && fields.source) {
    imageForm.removeAttribute("target");
    imageForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = document.getElementById("image-file");
      if (!input.files.length) {
        showImageErrors(["Choose an image file to upload."]);
        input.focus();
        return;
      }
      var alt = document.getElementById("image-alt");
      upload(input.files[0], alt.value).then(function () {
        if (imageErrors.hidden) {
          input.value = "";
          alt.value = "";
        }
      });
    });
    var body = fields.source;
    var hint = document.getElementById("drop-hint");
    if (hint) {
      hint.hidden = false;
    }
    body.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
        body.parentElement.classList.add("dragging");
      }
    });
    body.addEventListener("dragleave", function () {
      body.parentElement.classList.remove("dragging");
    });
    body.addEventListener("drop", function (event) {
      var files = event.dataTransfer ? event.dataTransfer.files : [];
      body.parentElement.classList.remove("dragging");
      if (!files.length) {
        return;
      }
      event.preventDefault();
      Array.prototype.reduce.call(files, function (chain, file) {
        return chain.then(function () { return upload(file, ""); });
      }, Promise.resolve());
    });
  }

  // Labels ----------------------------------------------------------------------------

  var datalist = document.getElementById("label-options");
  var known = datalist ? Array.prototype.map.call(datalist.options, function (option) {
    return option.value;
  }) : [];

  function suggestLabels() {
    var typed = fields.labels.value;
    var cut = typed.lastIndexOf(",");
    var prefix = cut >= 0 ? typed.slice(0, cut + 1).replace(/\s*$/, " ") : "";
    var chosen = typed.split(",").map(function (name) { return name.trim(); });
    datalist.textContent = "";
    known.forEach(function (name) {
      if (chosen.indexOf(name) < 0) {
        var option = document.createElement("option");
        option.value = prefix + name;
        datalist.appendChild(option);
      }
    });
  }

  if (datalist && fields.labels) {
    fields.labels.addEventListener("input", suggestLabels);
    suggestLabels();
  }

  // Wiring ----------------------------------------------------------------------------

  forgetCreatedDraft();
  restoreLocal();
  if (editable) {
    form.addEventListener("submit", function () {
      submitting = true;
      window.clearTimeout(timer);
    });
    window.addEventListener("pageshow", function () {
      submitting = false; // back from the saved page (bfcache): this page edits again
    });
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    window.addEventListener("online", autosave);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        autosave();
      }
    });
    if (dirty) {
      scheduleAutosave();
    }
  }
  var discard = document.querySelector(".discard-form");
  if (discard) {
    discard.addEventListener("submit", function () {
      removeLocal(storageKey);
    });
  }
}());
