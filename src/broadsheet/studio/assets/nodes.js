/* Compose's own nodes: the jump break and images with their caption, alignment and size.
 *
 * Both print markup the server's sanitiser keeps (core/markup.py): no style attributes, so
 * alignment and size are classes the reader's theme styles (image-left, image-small…).
 */
import {Node} from "@tiptap/core";

// Every attribute is read and written by the node itself, not one HTML attribute each.
function own(value) {
  return {default: value, parseHTML: function () { return null; }, renderHTML: function () { return {}; }};
}

function classValue(element, prefix, allowed) {
  var found = allowed.filter(function (name) { return element.classList.contains(prefix + name); });
  return found.length ? found[0] : "";
}

export var ALIGNMENTS = ["left", "center", "right"];
export var SIZES = ["small", "medium", "full"];

function imageAttrs(figure, img) {
  var caption = figure ? figure.querySelector("figcaption") : null;
  var holder = figure || img;
  return {
    src: img.getAttribute("src"),
    srcset: img.getAttribute("srcset"),
    sizes: img.getAttribute("sizes"),
    width: img.getAttribute("width"),
    height: img.getAttribute("height"),
    alt: img.getAttribute("alt") || "",
    caption: caption ? caption.textContent.trim() : "",
    align: classValue(holder, "image-", ALIGNMENTS),
    size: classValue(holder, "image-", SIZES)
  };
}

export var Figure = Node.create({
  name: "figure",
  group: "block",
  atom: true,
  draggable: true,
  addOptions: function () {
    return {onEdit: function () { return false; }};
  },
  addAttributes: function () {
    var attrs = {};
    ["src", "srcset", "sizes", "width", "height"].forEach(function (name) { attrs[name] = own(null); });
    ["alt", "caption", "align", "size"].forEach(function (name) { attrs[name] = own(""); });
    return attrs;
  },
  parseHTML: function () {
    return [
      {tag: "figure", getAttrs: function (figure) {
        var img = figure.querySelector("img[src]");
        return img ? imageAttrs(figure, img) : false;
      }},
      {tag: "img[src]", getAttrs: function (img) { return imageAttrs(null, img); }}
    ];
  },
  renderHTML: function (props) {
    var a = props.node.attrs;
    var img = {src: a.src, alt: a.alt || "", loading: "lazy"};
    ["srcset", "sizes", "width", "height"].forEach(function (name) {
      if (a[name]) { img[name] = a[name]; }
    });
    var classes = ["image"];
    if (a.align) { classes.push("image-" + a.align); }
    if (a.size) { classes.push("image-" + a.size); }
    var figure = ["figure", {class: classes.join(" ")}, ["img", img]];
    return a.caption ? figure.concat([["figcaption", a.caption]]) : figure;
  },
  addKeyboardShortcuts: function () {
    var options = this.options;
    // Enter on a selected image opens its settings (alt text, caption, alignment, size).
    return {Enter: function () { return options.onEdit(); }};
  }
});

// Blogger's <!--more-->: the HTML parser drops comments, so compose.js turns the marker into
// this <hr> before loading and back after. The rendered form (<span id="more">) reads too.
export var JumpBreak = Node.create({
  name: "jumpBreak",
  group: "block",
  atom: true,
  parseHTML: function () {
    return [{tag: "hr[data-jump-break]", priority: 60}, {tag: "span#more", priority: 60}];
  },
  renderHTML: function () {
    return ["hr", {"data-jump-break": "", class: "jump-break",
      "aria-label": "Jump break: the home page stops here with a Read more link"}];
  }
});
