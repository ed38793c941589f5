/* Compose's questions (a link's address, a video's, an image's description and place) as
 * native modal <dialog>s: the browser traps focus in them, closes them on Escape and hands
 * focus back, and screen readers announce them by their heading. */

var counter = 0;

function element(tag, props, children) {
  var node = document.createElement(tag);
  Object.keys(props || {}).forEach(function (key) {
    if (key === "text") { node.textContent = props[key]; } else { node.setAttribute(key, props[key]); }
  });
  (children || []).forEach(function (child) { node.appendChild(child); });
  return node;
}

function textField(spec, id) {
  var input = element("input", {type: spec.type || "text", id: id, name: spec.name,
    autocomplete: "off"});
  input.value = spec.value || "";
  var wrap = element("div", {class: "field"}, [element("label", {for: id, text: spec.label})]);
  if (spec.help) {
    wrap.appendChild(element("p", {class: "help", id: id + "-help", text: spec.help}));
    input.setAttribute("aria-describedby", id + "-help");
  }
  wrap.appendChild(input);
  return wrap;
}

function checkField(spec, id) {
  var input = element("input", {type: "checkbox", id: id, name: spec.name});
  input.checked = spec.value === "on";
  return element("div", {class: "field field-check"}, [input, element("label", {for: id, text: " " + spec.label})]);
}

function choiceField(spec, id) {
  var legend = element("legend", {text: spec.label});
  var set = element("fieldset", {class: "field field-choices compose-choices"}, [legend]);
  spec.choices.forEach(function (choice, index) {
    var input = element("input", {type: "radio", name: spec.name, id: id + "-" + index, value: choice[0]});
    input.checked = choice[0] === (spec.value || "");
    set.appendChild(element("div", {}, [input,
      element("label", {for: id + "-" + index, text: " " + choice[1]})]));
  });
  return set;
}

function buildField(spec) {
  var id = "compose-field-" + (counter += 1);
  if (spec.choices) { return choiceField(spec, id); }
  return spec.type === "checkbox" ? checkField(spec, id) : textField(spec, id);
}

function readValues(form, specs) {
  var values = {};
  specs.forEach(function (spec) {
    var input = form.elements.namedItem(spec.name);
    if (spec.type === "checkbox") { values[spec.name] = input.checked ? "on" : ""; }
    else if (spec.choices) { values[spec.name] = input.value; }
    else { values[spec.name] = input.value.trim(); }
  });
  return values;
}

function showError(form, message) {
  var box = form.querySelector(".errorlist");
  box.textContent = message || "";
  box.hidden = !message;
}

/* ask({title, fields, submit, extra, check}) -> Promise of the values, of the name of the
 * extra button pressed ({button: "remove"}), or of null when cancelled. `check(values)`
 * returns an error message (shown, focus kept) or "". */
export function ask(spec) {
  var headingId = "compose-dialog-" + (counter += 1);
  var form = element("form", {method: "dialog", class: "compose-dialog-form", novalidate: ""});
  var dialog = element("dialog", {class: "compose-dialog", "aria-labelledby": headingId},
    [element("h2", {id: headingId, text: spec.title}), form]);
  form.appendChild(element("p", {class: "errorlist", role: "alert", hidden: ""}));
  spec.fields.forEach(function (field) { form.appendChild(buildField(field)); });
  var actions = element("div", {class: "actions"}, [
    element("button", {type: "submit", class: "primary", value: "ok", text: spec.submit})]);
  (spec.extra || []).forEach(function (button) {
    actions.appendChild(element("button", {type: "submit", class: "secondary", value: button.value, text: button.label}));
  });
  actions.appendChild(element("button", {type: "submit", class: "secondary", value: "cancel", text: "Cancel"}));
  form.appendChild(actions);
  document.body.appendChild(dialog);
  return new Promise(function (resolve) {
    form.addEventListener("submit", function (event) {
      var pressed = event.submitter ? event.submitter.value : "ok";
      if (pressed !== "ok") { return; }
      var values = readValues(form, spec.fields);
      var problem = spec.check ? spec.check(values) : "";
      if (problem) {
        event.preventDefault();
        showError(form, problem);
        form.querySelector("input").focus();
      }
    });
    dialog.addEventListener("close", function () {
      var pressed = dialog.returnValue;
      var result = pressed === "ok" ? readValues(form, spec.fields)
        : pressed && pressed !== "cancel" ? {button: pressed} : null;
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
  });
}
