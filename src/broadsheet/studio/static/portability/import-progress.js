// Keeps the import page's <progress> up to date by polling the job's JSON endpoint, and shows
// the report or the error when the job ends. Without this script the page has a Refresh link.
(function () {
  "use strict";
  var panel = document.getElementById("import-job");
  if (!panel) return;
  var url = panel.getAttribute("data-progress-url");
  var bar = document.getElementById("import-progress");
  var refresh = document.getElementById("import-refresh");
  if (refresh) refresh.hidden = true;

  function text(id, value) {
    var node = document.getElementById(id);
    if (node) node.textContent = value;
  }

  function show(state) {
    bar.max = state.total_bytes || 1;
    bar.value = state.bytes_read;
    bar.textContent = state.bytes_read + " of " + state.total_bytes + " bytes";
    text("import-status-label", state.status_label);
    text("import-records", String(state.records));
    if (state.status === "failed") {
      text("import-message", state.message);
      document.getElementById("import-error").hidden = false;
    }
    if (state.status === "done") {
      var list = document.getElementById("import-report-lines");
      list.textContent = "";
      state.report.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      document.getElementById("import-report").hidden = false;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.finished) window.setTimeout(poll, 1000);
      })
      .catch(function () {
        if (refresh) refresh.hidden = false;
      });
  }

  poll();
})();
