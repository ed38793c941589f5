/* Paste from word processors. ProseMirror already keeps only what the schema knows (no
 * class, style, span or font survives); this does what the schema cannot:
 *
 * - Word's list paragraphs (<p style="mso-list:l0 level1">, the bullet typed out in a span
 *   marked mso-list:Ignore) become real lists, without the typed-out bullet;
 * - Word's <o:p> and the paragraphs holding nothing but a non-breaking space go, so the
 *   post does not get an empty paragraph after each real one.
 */
var WORD = /mso-|urn:schemas-microsoft-com|<o:p/i;
var ORDERED_MARKER = /^\s*(\d+|[a-z]|[ivxlc]+)[.)]/i;

function isListParagraph(node) {
  return node.nodeType === 1 && node.tagName === "P" &&
    /mso-list:\s*l\d/i.test(node.getAttribute("style") || "");
}

function groupLists(doc) {
  var run = [];
  Array.prototype.slice.call(doc.body.querySelectorAll("p")).forEach(function (paragraph) {
    if (!isListParagraph(paragraph)) { return; }
    var previous = run[run.length - 1];
    if (previous && previous.nextElementSibling !== paragraph) { flush(doc, run); run = []; }
    run.push(paragraph);
  });
  flush(doc, run);
}

function flush(doc, run) {
  if (!run.length) { return; }
  var ordered = ORDERED_MARKER.test(run[0].getAttribute("data-marker") || "");
  var list = doc.createElement(ordered ? "ol" : "ul");
  run[0].parentNode.insertBefore(list, run[0]);
  run.forEach(function (paragraph) {
    var item = doc.createElement("li");
    while (paragraph.firstChild) { item.appendChild(paragraph.firstChild); }
    list.appendChild(item);
    paragraph.remove();
  });
}

function dropMarkers(doc) {
  doc.body.querySelectorAll("span").forEach(function (span) {
    if (/mso-list:\s*ignore/i.test(span.getAttribute("style") || "")) {
      var paragraph = span.closest("p");
      if (paragraph) { paragraph.setAttribute("data-marker", span.textContent); }
      span.remove();
    }
  });
}

function dropEmpty(doc) {
  doc.body.querySelectorAll("o\\:p").forEach(function (node) { node.replaceWith(node.textContent); });
  doc.body.querySelectorAll("p").forEach(function (paragraph) {
    if (!paragraph.textContent.replace(/[\s\u00a0]+/g, "") && !paragraph.querySelector("img")) {
      paragraph.remove();
    }
  });
}

export function cleanPastedHtml(html) {
  if (!WORD.test(html)) {
    return html;
  }
  var doc = new DOMParser().parseFromString(html, "text/html");
  dropMarkers(doc);
  dropEmpty(doc);
  groupLists(doc);
  return doc.body.innerHTML;
}
