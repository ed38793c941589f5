/* Compose's toolbar: the WAI-ARIA toolbar pattern. One tab stop (arrow keys, Home and End
 * move between the buttons), toggles say their state with aria-pressed, Escape goes back to
 * the text, and Alt+F10 in the text comes here (as in most word processors). */

export function buildToolbar(buttons, label, controls) {
  var bar = document.createElement("div");
  bar.className = "compose-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", label);
  bar.setAttribute("aria-controls", controls);
  buttons.forEach(function (spec) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = spec.label;
    button.dataset.command = spec.label;
    button.tabIndex = -1;
    if (spec.active) { button.setAttribute("aria-pressed", "false"); }
    if (spec.keys) { button.setAttribute("aria-keyshortcuts", spec.keys); }
    if (spec.group) { button.dataset.group = spec.group; }
    button.addEventListener("click", function () { spec.run(); });
    bar.appendChild(button);
  });
  bar.addEventListener("keydown", function (event) { moveFocus(bar, event); });
  bar.addEventListener("focusin", function (event) { remember(bar, event.target); });
  return bar;
}

function shown(bar) {
  return Array.prototype.filter.call(bar.querySelectorAll("button"), function (button) {
    return !button.hidden;
  });
}

function remember(bar, current) {
  shown(bar).forEach(function (button) { button.tabIndex = button === current ? 0 : -1; });
}

function moveFocus(bar, event) {
  var buttons = shown(bar);
  var index = buttons.indexOf(document.activeElement);
  var next = {ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1,
    Home: 0, End: buttons.length - 1}[event.key];
  if (next === undefined) {
    return;
  }
  event.preventDefault();
  var target = buttons[(next + buttons.length) % buttons.length];
  remember(bar, target);
  target.focus();
}

/* Pressed states and the table buttons (shown only in a table) after each change. */
export function refreshToolbar(bar, buttons, editor) {
  var inTable = editor.isActive("table");
  buttons.forEach(function (spec, index) {
    var button = bar.children[index];
    if (spec.active) { button.setAttribute("aria-pressed", String(spec.active())); }
    if (spec.group === "table") { button.hidden = !inTable; }
  });
  if (!shown(bar).some(function (button) { return button.tabIndex === 0; })) {
    remember(bar, shown(bar)[0]);
  }
}

export function focusToolbar(bar) {
  var current = shown(bar).filter(function (button) { return button.tabIndex === 0; })[0];
  (current || shown(bar)[0]).focus();
}
