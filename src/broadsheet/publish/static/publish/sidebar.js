// The static copy keeps the sidebar (archive, labels, search) whole on the home page only, so
// that a new post rewrites one page and not every page of the blog (docs/static-export.md).
// Every other page borrows it from there; without scripts they link to it instead.
(function () {
  "use strict";
  var spot = document.querySelector("aside[data-sidebar-from]");
  if (!spot || !window.fetch || !window.DOMParser) {
    return;
  }
  fetch(spot.getAttribute("data-sidebar-from"))
    .then(function (response) {
      return response.ok ? response.text() : "";
    })
    .then(function (text) {
      var page = new DOMParser().parseFromString(text, "text/html");
      var found = page.querySelector("aside.sidebar");
      if (found) {
        spot.replaceWith(document.importNode(found, true));
      }
    })
    .catch(function () {
      // Offline or blocked: the link to the home page stays.
    });
})();
