/* Compose: the editor's visual mode, beside Markdown and HTML (docs/studio.md, Compose).
 *
 * TipTap (ProseMirror) edits the body; the form's <textarea> stays the one source of truth:
 * every change in Compose is written back to it as HTML, so saving, autosave (editor.js),
 * the live preview and the no-script form work as before. Compose edits HTML: a post saved
 * from Compose is an HTML post. Entering Compose from Markdown converts the text with the
 * server's own renderer (the preview endpoint), and any switch that would lose something
 * (markup Compose cannot hold, HTML read as Markdown) asks first.
 */
import {Editor} from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import {TableKit} from "@tiptap/extension-table";
import {NodeSelection} from "@tiptap/pm/state";
import {Figure, JumpBreak} from "./nodes.js";
import {cleanPastedHtml} from "./paste.js";
import {ask} from "./dialogs.js";
import {buildToolbar, focusToolbar, refreshToolbar} from "./toolbar.js";

var MODE_KEY = "broadsheet:editor-mode"; // this browser's last choice, for the next post
var JUMP_COMMENT = /<!--\s*more\s*-->/i;
// Tags Compose writes differently without losing anything (b is strong, a div's text
// becomes paragraphs): not worth a warning.
var SAME = ["html", "head", "body", "b", "i", "span", "div", "font", "o:p"];
var TO_MARKDOWN_WARNING = "The body is HTML, and switching to Markdown does not convert it: " +
  "the HTML stays as it is, and Markdown may show parts of it differently (blank lines and " +
  "indented lines mean something in Markdown). Switch to Markdown anyway?";

// Source <-> editor ----------------------------------------------------------------------

function fromSource(html) {
  // Only the first marker counts, as on the server (markup.render).
  return html.replace(JUMP_COMMENT, '<hr data-jump-break="">');
}

function toSource(editor) {
  if (editor.isEmpty) {
    return "";
  }
  var doc = parse(editor.getHTML());
  doc.querySelectorAll("colgroup").forEach(function (node) { node.remove(); });
  doc.querySelectorAll("[style]").forEach(function (node) { node.removeAttribute("style"); });
  doc.querySelectorAll("[colspan='1'], [rowspan='1']").forEach(function (cell) {
    if (cell.getAttribute("colspan") === "1") { cell.removeAttribute("colspan"); }
    if (cell.getAttribute("rowspan") === "1") { cell.removeAttribute("rowspan"); }
  });
  doc.querySelectorAll("hr[data-jump-break]").forEach(function (node) {
    node.replaceWith(doc.createComment("more"));
  });
  // The empty paragraph ProseMirror keeps at the end to type into is not the writer's.
  var last = doc.body.lastElementChild;
  while (last && last.tagName === "P" && !last.childNodes.length) {
    last.remove();
    last = doc.body.lastElementChild;
  }
  // One top-level block a line: readable in HTML mode, and the revision diff goes by line.
  return Array.prototype.map.call(doc.body.childNodes, function (node) {
    return node.nodeType === 8 ? "<!--more-->" : node.outerHTML || node.textContent;
  }).join("\n");
}

function parse(html) {
  return new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
}

function tagsOf(doc) {
  var tags = {};
  doc.body.querySelectorAll("*").forEach(function (node) { tags[node.tagName.toLowerCase()] = true; });
  return Object.keys(tags);
}

/* What going through Compose would lose from `before`: words, and elements it has no node for. */
function loss(before, after) {
  var was = parse(before);
  var now = parse(after);
  var kept = tagsOf(now);
  var squash = function (doc) { return doc.body.textContent.replace(/\s+/g, ""); };
  return {
    words: squash(was) !== squash(now),
    tags: tagsOf(was).filter(function (tag) { return kept.indexOf(tag) < 0 && SAME.indexOf(tag) < 0; })
  };
}

function lossAccepted(found) {
  if (!found.words && !found.tags.length) {
    return true;
  }
  var what = found.tags.length ? "these elements: <" + found.tags.join(">, <") + ">" : "";
  var words = found.words ? (what ? ", and some text" : "some text") : "";
  return window.confirm("Compose cannot keep everything in this body: it would drop " + what +
    words + ". Switch to Compose anyway? Cancel keeps the body exactly as it is.");
}

// The page ---------------------------------------------------------------------------------

function start(form) {
  var source = form.elements.namedItem("source");
  var htmlRadio = form.querySelector("input[name=source_format][value=html]");
  var imageForm = document.getElementById("image-form");
  if (!source || !htmlRadio) {
    return;
  }
  var page = {form: form, source: source, htmlRadio: htmlRadio, editor: null,
    imagesUrl: imageForm ? imageForm.action : ""};
  page.composeRadio = addChoice(htmlRadio);
  page.label = labelFor(source);
  buildBox(page);
  page.mode = checkedFormat(form);
  form.querySelectorAll("input[name=source_format]").forEach(function (radio) {
    radio.addEventListener("change", function () { choose(page, radio.value); });
  });
  form.addEventListener("submit", function () {
    if (page.composeRadio.checked) { htmlRadio.checked = true; } // Compose saves HTML
  });
  form.addEventListener("broadsheet:filled", function () { reopen(page); });
  form.addEventListener("broadsheet:insert-image", function (event) { insertUploaded(page, event); });
  reopen(page);
}

function addChoice(htmlRadio) {
  var input = document.createElement("input");
  input.type = "radio";
  input.name = "source_format";
  input.value = "compose";
  input.id = htmlRadio.id + "_compose";
  var label = document.createElement("label");
  label.htmlFor = input.id;
  label.append(input, " Compose (visual)");
  var option = document.createElement("div");
  option.appendChild(label);
  htmlRadio.closest("div").after(option);
  return input;
}

function labelFor(source) {
  var label = document.querySelector("label[for='" + source.id + "']");
  label.id = label.id || source.id + "_label";
  return label;
}

function buildBox(page) {
  page.box = document.createElement("div");
  page.box.className = "compose";
  page.box.hidden = true;
  page.mount = document.createElement("div");
  page.mount.id = "compose-text";
  var help = document.createElement("p");
  help.className = "help";
  help.id = "compose-help";
  help.textContent = "Alt+F10 goes to the formatting toolbar, Escape back to the text. " +
    "Drop or paste images to upload them; Enter on a selected image changes its settings.";
  page.status = document.createElement("p");
  page.status.className = "compose-status";
  page.status.setAttribute("role", "status");
  page.box.append(help, page.mount, page.status);
  page.source.after(page.box);
}

function checkedFormat(form) {
  var checked = form.querySelector("input[name=source_format]:checked");
  return checked ? checked.value : "markdown";
}

function say(page, message) {
  page.status.textContent = message;
}

function remember(mode) {
  try { window.localStorage.setItem(MODE_KEY, mode); } catch (error) { /* private mode */ }
}

function preferred() {
  try { return window.localStorage.getItem(MODE_KEY); } catch (error) { return null; }
}

/* On load (and when editor.js puts a kept copy back): open in Compose when this browser
 * last wrote in it and the body is HTML or empty, and Compose keeps all of it. */
function reopen(page) {
  var format = checkedFormat(page.form);
  var empty = !page.source.value.trim();
  if (preferred() === "compose" && (format === "html" || empty) && load(page, false)) {
    page.composeRadio.checked = true;
    show(page, true);
    page.mode = "compose";
    return;
  }
  show(page, false);
  page.mode = format === "compose" ? "html" : format;
}

function show(page, on) {
  page.box.hidden = !on;
  page.source.hidden = on;
}

/* The textarea's HTML into the editor; false (editor untouched by the writer) when that
 * would lose something and the writer said no. */
function load(page, askFirst) {
  var editor = ensureEditor(page);
  var text = page.source.value;
  editor.commands.setContent(fromSource(text), {emitUpdate: false});
  var found = loss(text, toSource(editor));
  if (!found.words && !found.tags.length) {
    return true;
  }
  return askFirst && lossAccepted(found);
}

// Switching --------------------------------------------------------------------------------

function choose(page, to) {
  var from = page.mode;
  if (to === from) {
    return;
  }
  Promise.resolve(switchTo(page, from, to)).then(function (done) {
    if (!done) {
      page.form.querySelector("input[name=source_format][value='" + from + "']").checked = true;
      return;
    }
    page.mode = to;
    remember(to);
    show(page, to === "compose");
    page.source.dispatchEvent(new Event("input", {bubbles: true})); // kept and autosaved
  });
}

function switchTo(page, from, to) {
  if (to === "compose") {
    return from === "markdown" ? fromMarkdown(page) : load(page, true);
  }
  if (to === "markdown" && /<[a-z!]/i.test(page.source.value)) {
    return window.confirm(TO_MARKDOWN_WARNING);
  }
  return true;
}

function fromMarkdown(page) {
  if (!page.source.value.trim()) {
    ensureEditor(page).commands.setContent("", {emitUpdate: false});
    return true;
  }
  say(page, "Converting the Markdown to HTML…");
  return render(page).then(function (rendered) {
    var editor = ensureEditor(page);
    editor.commands.setContent(fromSource(rendered), {emitUpdate: false});
    if (!lossAccepted(loss(rendered, toSource(editor)))) {
      say(page, "");
      return false;
    }
    page.source.value = toSource(editor);
    say(page, "Converted from Markdown to HTML with the blog's own renderer: " +
      "this post is now saved as HTML.");
    return true;
  }).catch(function () {
    say(page, "The Markdown could not be converted (no connection?): still in Markdown.");
    return false;
  });
}

function render(page) {
  var data = new FormData();
  data.append("source", page.source.value);
  data.append("source_format", "markdown");
  return fetch(page.form.dataset.previewUrl, {
    method: "POST", body: data, credentials: "same-origin", headers: {"X-CSRFToken": csrf(page)}
  }).then(function (response) {
    if (!response.ok) { throw new Error("render failed"); }
    return response.text();
  });
}

function csrf(page) {
  var input = page.form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

// The editor -------------------------------------------------------------------------------

function ensureEditor(page) {
  if (page.editor) {
    return page.editor;
  }
  page.buttons = toolbarButtons(page);
  page.bar = buildToolbar(page.buttons, "Formatting", page.mount.id);
  page.bar.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { page.editor.commands.focus(); }
  });
  page.box.insertBefore(page.bar, page.mount);
  page.editor = new Editor({
    element: page.mount,
    injectCSS: false, // the CSP allows no inline style: studio.css has the rules
    extensions: extensions(page),
    editorProps: editorProps(page),
    onUpdate: function () { sync(page); },
    onTransaction: function () { refreshToolbar(page.bar, page.buttons, page.editor); }
  });
  refreshToolbar(page.bar, page.buttons, page.editor);
  return page.editor;
}

function extensions(page) {
  return [
    StarterKit.configure({
      heading: {levels: [1, 2, 3, 4, 5, 6]},
      // No target or rel: the sanitiser drops both. No autolink: a video's address on its
      // own line must stay text for the embed.
      link: {openOnClick: false, autolink: false, HTMLAttributes: {target: null, rel: null}}
    }),
    TableKit.configure({table: {resizable: false}}),
    Figure.configure({onEdit: function () { return editImage(page); }}),
    JumpBreak
  ];
}

function editorProps(page) {
  return {
    attributes: {
      role: "textbox",
      "aria-multiline": "true",
      "aria-labelledby": page.label.id,
      "aria-describedby": "compose-help",
      class: "compose-text post-body"
    },
    transformPastedHTML: cleanPastedHtml,
    handlePaste: function (view, event) { return pasteFiles(page, event); },
    handleDrop: function (view, event, slice, moved) { return !moved && dropFiles(page, view, event); },
    handleDoubleClickOn: function (view, pos, node) {
      return node.type.name === "figure" && editImage(page);
    },
    handleKeyDown: function (view, event) { return shortcut(page, event); }
  };
}

function shortcut(page, event) {
  if (event.altKey && event.key === "F10") {
    focusToolbar(page.bar);
    return true;
  }
  if ((event.ctrlKey || event.metaKey) && event.key === "k") {
    editLink(page);
    return true;
  }
  return false;
}

function sync(page) {
  page.source.value = toSource(page.editor);
  page.source.dispatchEvent(new Event("input", {bubbles: true}));
}

function toolbarButtons(page) {
  var run = function (name, args) {
    return function () { page.editor.chain().focus()[name](args).run(); };
  };
  var is = function (name, attrs) { return function () { return page.editor.isActive(name, attrs); }; };
  return [
    {label: "Heading", run: run("toggleHeading", {level: 2}), active: is("heading", {level: 2})},
    {label: "Subheading", run: run("toggleHeading", {level: 3}), active: is("heading", {level: 3})},
    {label: "Bold", keys: "Control+B", run: run("toggleBold"), active: is("bold")},
    {label: "Italic", keys: "Control+I", run: run("toggleItalic"), active: is("italic")},
    {label: "Link", keys: "Control+K", run: function () { editLink(page); }, active: is("link")},
    {label: "Bulleted list", run: run("toggleBulletList"), active: is("bulletList")},
    {label: "Numbered list", run: run("toggleOrderedList"), active: is("orderedList")},
    {label: "Quote", run: run("toggleBlockquote"), active: is("blockquote")},
    {label: "Code", run: run("toggleCode"), active: is("code")},
    {label: "Code block", run: run("toggleCodeBlock"), active: is("codeBlock")},
    {label: "Table", run: run("insertTable", {rows: 3, cols: 3, withHeaderRow: true})},
    {label: "Image", run: function () { imageButton(page); }},
    {label: "Video", run: function () { addVideo(page); }},
    {label: "Read more", run: function () { addJump(page); }},
    {label: "Add row", group: "table", run: run("addRowAfter")},
    {label: "Add column", group: "table", run: run("addColumnAfter")},
    {label: "Delete row", group: "table", run: run("deleteRow")},
    {label: "Delete column", group: "table", run: run("deleteColumn")},
    {label: "Delete table", group: "table", run: run("deleteTable")}
  ];
}

// Links, videos, the jump break ------------------------------------------------------------

function editLink(page) {
  var editor = page.editor;
  var current = editor.getAttributes("link").href || "";
  ask({
    title: current ? "Edit link" : "Add a link",
    fields: [{name: "href", label: "Address", type: "url", value: current,
      help: "https://…, mailto:…, or an address on this blog starting with /"}],
    submit: "Apply",
    extra: current ? [{value: "remove", label: "Remove link"}] : [],
    check: function (values) {
      return /^(https?:\/\/\S+|mailto:\S+|\/\S*|#\S+)$/i.test(values.href) ? ""
        : "Give an address starting with https://, http://, mailto: or /.";
    }
  }).then(function (answer) { applyLink(editor, answer); });
}

function applyLink(editor, answer) {
  var chain = editor.chain().focus().extendMarkRange("link");
  if (answer && answer.button === "remove") {
    chain.unsetLink().run();
  } else if (answer && editor.state.selection.empty && !editor.isActive("link")) {
    chain.insertContent({type: "text", text: answer.href, marks: [{type: "link", attrs: {href: answer.href}}]}).run();
  } else if (answer) {
    chain.setLink({href: answer.href}).run();
  } else {
    chain.run();
  }
}

function addVideo(page) {
  ask({
    title: "Add a video",
    fields: [{name: "url", label: "Video address", type: "url",
      help: "The address of the video's page (YouTube, Vimeo…). It goes on a line of its own, " +
        "which the blog shows as the video."}],
    submit: "Add video",
    check: function (values) {
      return /^https?:\/\/\S+$/i.test(values.url) ? "" : "Give the video's address, starting with https://.";
    }
  }).then(function (answer) {
    var chain = page.editor.chain().focus();
    if (answer) {
      chain.insertContent({type: "paragraph", content: [{type: "text", text: answer.url}]});
    }
    chain.run();
    if (answer) { typeAfter(page.editor); }
  });
}

function addJump(page) {
  // Only the first break counts: the new one replaces any other.
  page.editor.chain().focus().command(function (props) {
    var found = [];
    props.tr.doc.descendants(function (node, pos) {
      if (node.type.name === "jumpBreak") { found.push(pos); }
    });
    found.reverse().forEach(function (pos) { props.tr.delete(pos, pos + 1); });
    return true;
  }).insertContent({type: "jumpBreak"}).run();
  say(page, "Jump break added: the home page shows the post up to here, then Read more.");
}

// Images -----------------------------------------------------------------------------------

function selectedImage(editor) {
  var selection = editor.state.selection;
  return selection instanceof NodeSelection && selection.node.type.name === "figure" ? selection.node : null;
}

function imageFields(attrs) {
  var decorative = attrs.src && !attrs.alt ? "on" : "";
  return [
    {name: "alt", label: "Description (alternative text)", value: attrs.alt || "",
      help: "What the image shows, for readers who cannot see it."},
    {name: "decorative", label: "Decoration only: it needs no description", type: "checkbox", value: decorative},
    {name: "caption", label: "Caption (optional)", value: attrs.caption || ""},
    {name: "align", label: "Alignment", value: attrs.align || "",
      choices: [["", "In the text"], ["left", "Left"], ["center", "Centre"], ["right", "Right"]]},
    {name: "size", label: "Size", value: attrs.size || "",
      choices: [["", "As uploaded"], ["small", "Small"], ["medium", "Medium"], ["full", "Full width"]]}
  ];
}

function askImage(title, attrs, extra) {
  return ask({
    title: title, fields: imageFields(attrs), submit: attrs.src ? "Save" : "Upload and insert", extra: extra,
    check: function (values) {
      return values.alt || values.decorative ? "" : "Describe the image, or mark it as decoration only.";
    }
  });
}

function settings(values) {
  return {alt: values.decorative ? "" : values.alt, caption: values.caption,
    align: values.align, size: values.size};
}

function editImage(page) {
  var node = selectedImage(page.editor);
  if (!node) {
    return false;
  }
  askImage("Image settings", node.attrs, [{value: "remove", label: "Remove image"}]).then(function (answer) {
    var chain = page.editor.chain().focus();
    if (answer && answer.button === "remove") {
      chain.deleteSelection();
    } else if (answer) {
      chain.updateAttributes("figure", settings(answer));
    }
    chain.run();
  });
  return true;
}

function imageButton(page) {
  if (editImage(page)) {
    return;
  }
  var picker = document.createElement("input");
  picker.type = "file";
  picker.accept = "image/jpeg,image/png,image/gif,image/webp";
  picker.multiple = true;
  picker.addEventListener("change", function () { uploadAll(page, picker.files, null); });
  picker.click();
}

function imagesIn(transfer) {
  return Array.prototype.filter.call(transfer ? transfer.files : [], function (file) {
    return /^image\//.test(file.type);
  });
}

function pasteFiles(page, event) {
  var files = imagesIn(event.clipboardData);
  // Word puts a picture of the copied text beside its HTML: the HTML is what was meant.
  if (!files.length || event.clipboardData.types.indexOf("text/html") >= 0) {
    return false;
  }
  event.preventDefault();
  uploadAll(page, files, null);
  return true;
}

function dropFiles(page, view, event) {
  var files = imagesIn(event.dataTransfer);
  if (!files.length) {
    return false;
  }
  event.preventDefault();
  var at = view.posAtCoords({left: event.clientX, top: event.clientY});
  uploadAll(page, files, at ? at.pos : null);
  return true;
}

function uploadAll(page, files, pos) {
  return Array.prototype.reduce.call(files, function (chain, file) {
    return chain.then(function () {
      return askImage("Insert " + file.name, {}).then(function (answer) {
        return answer ? upload(page, file, answer, pos) : null;
      });
    });
  }, Promise.resolve());
}

function upload(page, file, answer, pos) {
  var data = new FormData();
  data.append("image", file);
  data.append("alt", answer.decorative ? "" : answer.alt);
  say(page, "Uploading " + file.name + "…");
  return fetch(page.imagesUrl, {
    method: "POST", body: data, credentials: "same-origin",
    headers: {"X-CSRFToken": csrf(page), "Accept": "application/json"}
  }).then(function (response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      if (!response.ok || !body.snippet) {
        say(page, (body.errors || ["The upload failed (" + response.status + ")."]).join(" "));
        return;
      }
      insertFigure(page, imageAttrs(body.snippet), settings(answer), pos);
      say(page, "Image inserted.");
    });
  }).catch(function () {
    say(page, "No connection: the image was not uploaded.");
  });
}

function imageAttrs(snippet) {
  var img = parse(snippet).querySelector("img");
  var attrs = {};
  ["src", "srcset", "sizes", "width", "height", "alt"].forEach(function (name) {
    attrs[name] = img.getAttribute(name);
  });
  return attrs;
}

function insertFigure(page, attrs, extra, pos) {
  var node = {type: "figure", attrs: Object.assign(attrs, extra || {})};
  var chain = page.editor.chain().focus();
  (pos === null || pos === undefined ? chain.insertContent(node) : chain.insertContentAt(pos, node)).run();
  typeAfter(page.editor);
}

/* The cursor on a line after what was just inserted (made if need be), so that typing goes
 * on below it instead of replacing the image or running into the video's address. */
function typeAfter(editor) {
  var selection = editor.state.selection;
  var $end = selection.$to;
  var after = selection instanceof NodeSelection ? selection.to : $end.after(Math.max(1, $end.depth));
  var next = editor.state.doc.resolve(after).nodeAfter;
  var chain = editor.chain().focus();
  if (!next || !next.isTextblock) {
    chain.insertContentAt(after, {type: "paragraph"});
  }
  chain.setTextSelection(after + 1).run();
}

function insertUploaded(page, event) {
  if (page.mode !== "compose") {
    return;
  }
  event.preventDefault(); // uploaded from the side panel: into Compose, not the hidden textarea
  var attrs = imageAttrs(event.detail.snippet);
  insertFigure(page, attrs, {alt: attrs.alt || ""}, null);
}

var editorForm = document.getElementById("editor");
if (editorForm && editorForm.dataset.editable === "true") {
  start(editorForm);
}
