// Declarative little forms: fields described as data, values read back as the API's JSON.

import { h, todayIso, words } from "./ui.js";

let counter = 0;

export function field(spec) {
  const id = `f${++counter}-${spec.name}`;
  if (spec.type === "checkboxes") {
    return h(
      "fieldset",
      { class: "checkboxes" },
      h("legend", {}, spec.label),
      ...spec.options.map((option) =>
        h(
          "label",
          { class: "inline" },
          h("input", { type: "checkbox", name: spec.name, value: option }),
          ` ${words(option)}`,
        ),
      ),
    );
  }
  if (spec.type === "checkbox") {
    return h(
      "label",
      { class: "inline wide" },
      h("input", { id, type: "checkbox", name: spec.name, checked: spec.value === true }),
      ` ${spec.label}`,
    );
  }
  const label = h("label", { for: id }, spec.label);
  let input;
  if (spec.type === "select") {
    input = h(
      "select",
      { id, name: spec.name, required: spec.required },
      ...spec.options.map(([value, text]) =>
        h("option", { value, selected: value === spec.value }, text ?? words(value)),
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
      value: spec.type === "date" && spec.value === "today" ? todayIso() : spec.value,
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
    if (raw === "") continue;
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

// Fills `form` with the fields and a submit button; `submit(body)` saves, and its error, if
// any, is shown in the form in plain words.
export function buildForm(form, specs, buttonText, submit) {
  const alert = h("p", { class: "error", role: "alert", hidden: true });
  form.replaceChildren(...specs.map(field), alert, h("button", { type: "submit" }, buttonText));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.hidden = true;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await submit(readForm(form, specs));
      form.reset();
    } catch (problem) {
      alert.textContent = problem.message;
      alert.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
