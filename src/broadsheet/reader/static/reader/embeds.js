// Click-to-load embeds (core/embeds.py): a post's video or map is a link to the provider's own
// page until the reader clicks it, so no third party hears of the visit before she asks. Then
// the figure gets a sandboxed iframe on the address the server built from the provider and id
// (data-embed-src, re-checked by the sanitiser); the CSP's frame-src allows only those hosts.
// Without this script the link simply opens the provider's page.
(() => {
  "use strict";
  const SANDBOX = "allow-scripts allow-same-origin allow-presentation allow-popups";
  const ALLOW = "accelerometer; autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture";

  function play(figure) {
    const src = figure.dataset.embedSrc || "";
    if (!src.startsWith("https://")) return false;
    const title = figure.querySelector(".embed-title");
    const frame = document.createElement("iframe");
    frame.src = src + (figure.dataset.embed.startsWith("youtube:") ? "?autoplay=1" : "");
    frame.title = title ? title.textContent : "Embedded item";
    frame.setAttribute("sandbox", SANDBOX);
    frame.setAttribute("allow", ALLOW);
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    figure.replaceChildren(frame);
    figure.classList.add("embed-playing");
    frame.focus();
    return true;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("figure.embed[data-embed-src] a.embed-link");
    if (link && play(link.closest("figure"))) event.preventDefault();
  });
})();
