// The static copy's search (docs/static-export.md, "Search"): the page holds no results, so
// this looks the reader's words up in the export's index and lists the posts that hold all of
// them, newest first. Text goes in through textContent only: titles are the authors' words.
(function () {
  "use strict";
  var box = document.querySelector(".static-search");
  if (!box || !window.fetch) {
    return;
  }
  var input = document.getElementById("static-search-q");
  var status = document.getElementById("static-search-status");
  var list = document.getElementById("static-search-results");
  var posts = null;
  var LIMIT = 50; // more than a reader scans; narrowing the words is the better next step

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function entry(post) {
    var item = document.createElement("li");
    item.className = "post";
    var heading = document.createElement("h2");
    heading.className = "post-title";
    var link = document.createElement("a");
    link.href = post[1];
    link.textContent = post[0] || "(untitled)";
    heading.appendChild(link);
    var date = document.createElement("p");
    date.className = "date-header";
    date.textContent = post[2] + (post[3].length ? " · " + post[3].join(", ") : "");
    var snippet = document.createElement("p");
    snippet.className = "search-snippet";
    snippet.textContent = post[4];
    item.append(heading, date, snippet);
    return item;
  }

  function show() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    list.replaceChildren();
    if (!words.length || !posts) {
      status.textContent = posts ? "Type a word to search this blog's posts." : "Loading…";
      return;
    }
    var found = posts.filter(function (post) {
      return words.every(function (word) {
        return post.hay.indexOf(word) >= 0;
      });
    });
    found.slice(0, LIMIT).forEach(function (post) {
      list.appendChild(entry(post.row));
    });
    status.textContent =
      found.length === 0
        ? "No posts match these words."
        : found.length + (found.length === 1 ? " post matches." : " posts match.") +
          (found.length > LIMIT ? " The newest " + LIMIT + " are shown." : "");
  }

  input.value = new URLSearchParams(window.location.search).get("q") || "";
  input.addEventListener("input", show);
  status.textContent = "Loading…";
  fetch(box.getAttribute("data-index"))
    .then(function (response) {
      return response.json();
    })
    .then(function (data) {
      posts = data.posts.map(function (row) {
        var hay = fold([row[0], row[3].join(" "), row[4], row[5]].join(" "));
        return { row: row, hay: hay };
      });
      show();
    })
    .catch(function () {
      status.textContent = "The search index could not be loaded.";
    });
})();
