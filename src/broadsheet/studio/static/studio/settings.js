/* The blog settings page: a live example of the date-header and time formats as they are
 * typed, formatted by the server (Django's own date formatting, in the blog's language). */
(function () {
  "use strict";

  var form = document.getElementById("blog-settings");
  if (!form) {
    return;
  }
  var language = form.elements.namedItem("language");
  var pairs = [
    [form.elements.namedItem("date_header_format"), document.getElementById("date-example")],
    [form.elements.namedItem("time_format"), document.getElementById("time-example")]
  ];
  var timer = null;

  function update(input, output) {
    var url = new URL(form.dataset.exampleUrl, window.location.href);
    url.searchParams.set("format", input.value);
    url.searchParams.set("language", language ? language.value : "");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body) {
          output.textContent = body.example;
        }
      })
      .catch(function () { /* the example stays as it was */ });
  }

  function updateAll() {
    pairs.forEach(function (pair) {
      if (pair[0] && pair[1]) {
        update(pair[0], pair[1]);
      }
    });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(updateAll, 300);
  }

  pairs.forEach(function (pair) {
    if (pair[0]) {
      pair[0].addEventListener("input", soon);
    }
  });
  if (language) {
    language.addEventListener("input", soon);
  }
}());
