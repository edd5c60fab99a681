// Declarative little forms: fields described as data, values read back as the API's JSON.

import { clearErrors, showRefusal } from "./field-errors.js";
import { h, todayIso, words } from "./ui.js";

let counter = 0;

export function field(spec, value = spec.value) {
  const id = `f${++counter}-${spec.name}`;
  if (spec.type === "checkboxes") {
    const chosen = new Set(value ?? []);
    return h(
      "fieldset",
      { class: "checkboxes" },
      h("legend", {}, spec.label),
      ...spec.options.map((option) =>
        h(
          "label",
          { class: "inline" },
          h("input", { type: "checkbox", name: spec.name, value: option, checked: chosen.has(option) }),
          ` ${words(option)}`,
        ),
      ),
    );
  }
  if (spec.type === "checkbox") {
    return h(
      "label",
      { class: "inline wide" },
      h("input", { id, type: "checkbox", name: spec.name, checked: value === true }),
      ` ${spec.label}`,
    );
  }
  const label = h("label", { for: id }, spec.label);
  let input;
  if (spec.type === "select") {
    input = h(
      "select",
      { id, name: spec.name, required: spec.required },
      ...spec.options.map(([option, text]) =>
        h("option", { value: option, selected: option === String(value) }, text ?? words(option)),
      ),
    );
  } else {
    input = h("input", {
      id,
      name: spec.name,
      type: spec.type ?? "text",
      required: spec.required,
      min: spec.min,
      max: spec.max,
      step: spec.step,
      placeholder: spec.placeholder,
      autocomplete: spec.autocomplete,
      value: spec.type === "date" && value === "today" ? todayIso() : (value ?? undefined),
    });
  }
  return h("div", { class: "field" }, label, input);
}

// Reads a form into JSON: empty inputs are left out, numbers are numbers, checkbox groups are
// lists, single checkboxes are booleans; `convert` maps a field to another name or value.
export function readForm(form, specs) {
  const body = {};
  for (const spec of specs) {
    if (spec.type === "checkboxes") {
      body[spec.name] = [...form.querySelectorAll(`input[name="${spec.name}"]:checked`)].map(
        (input) => input.value,
      );
      continue;
    }
    const input = form.elements.namedItem(spec.name);
    if (spec.type === "checkbox") {
      body[spec.name] = input.checked;
      continue;
    }
    const raw = input.value.trim();
    if (raw === "") {
      if (spec.clearable) body[spec.convert ? spec.convert(0)[0] : spec.name] = null;
      continue;
    }
    let value = spec.type === "number" ? Number(raw) : raw;
    if (spec.json !== undefined) value = JSON.parse(raw);
    if (spec.convert) {
      const [name, converted] = spec.convert(value);
      body[name] = converted;
    } else {
      body[spec.name] = value;
    }
  }
  return body;
}

// Fills `form` with the fields (prefilled from `values`, if given) and a submit button;
// `submit(body)` saves, and its error, if any, is shown in the form in plain words: each field's
// beside that field, the rest beside the submit button. `extra` buttons (e.g. Cancel) go beside
// the submit button.
/** @param {HTMLFormElement} form */
function snapshot(form) {
  return new Map(
    [...form.querySelectorAll("input, select, textarea")].map((el) => [el, el.type === "checkbox" ? el.checked : el.value]),
  );
}

// After a save, empties what was sent; anything typed while it was saving stays (never lost).
function resetUnchanged(form, sent) {
  for (const [el, was] of sent) {
    if (!el.isConnected) continue;
    if (el.type === "checkbox") {
      if (el.checked === was) el.checked = el.defaultChecked;
    } else if (el.value === was) {
      if (el instanceof HTMLSelectElement) {
        const chosen = [...el.options].findIndex((option) => option.defaultSelected);
        el.selectedIndex = Math.max(chosen, 0);
      } else {
        el.value = el.defaultValue;
      }
    }
  }
}

export function buildForm(form, specs, buttonText, submit, { values = {}, extra = [] } = {}) {
  const alert = h("p", { class: "error", role: "alert", hidden: true });
  const fields = specs.map((spec) => {
    const key = spec.from ?? spec.name; // the API field a form field shows
    return field(spec, key in values ? (spec.toField ?? ((v) => v))(values[key]) : spec.value);
  });
  const buttons = h("div", { class: "buttons" }, h("button", { type: "submit" }, buttonText), ...extra, alert);
  form.replaceChildren(...fields, buttons);
  form.onsubmit = async (event) => {
    event.preventDefault();
    alert.hidden = true;
    clearErrors(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const sent = snapshot(form);
    try {
      await submit(readForm(form, specs));
      resetUnchanged(form, sent);
    } catch (problem) {
      showRefusal(form, alert, specs, problem);
    } finally {
      button.disabled = false;
    }
  };
  return form;
}
