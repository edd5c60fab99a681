// @ts-check
// A refused form's errors where the eye is: each field's own words beside that field (announced
// with it, through aria-describedby, and marked aria-invalid), the first such field focused, and
// what belongs to no field beside the submit button.

/**
 * @typedef {{ name: string, from?: string, convert?: (value: any) => [string, any], type?: string }} FieldSpec
 */

/**
 * The request's name for a form field: `from` (the API field it shows), the name `convert` gives
 * it, else its own name.
 * @param {FieldSpec} spec
 */
export function apiNameOf(spec) {
  if (spec.from) return spec.from;
  if (spec.convert) {
    try {
      return spec.convert(spec.type === "number" ? 0 : "")[0];
    } catch {
      return spec.name;
    }
  }
  return spec.name;
}

/**
 * Which words go beside which form field, and what is left for the message by the button.
 * @param {FieldSpec[]} specs
 * @param {Record<string, string> | undefined} fields the API's words per field
 * @param {string} detail the API's words for the whole request
 * @param {string} [notDone] what did not happen, to start the message by the button with
 * @returns {{ beside: Map<string, string>, general: string }}
 */
export function placeErrors(specs, fields, detail, notDone = "Not saved") {
  /** @type {Map<string, string>} */
  const beside = new Map();
  const unplaced = [];
  const byApiName = new Map(specs.map((spec) => [apiNameOf(spec), spec.name]));
  for (const [name, words] of Object.entries(fields ?? {})) {
    const formName = byApiName.get(name);
    if (formName !== undefined) beside.set(formName, words);
    else unplaced.push(words);
  }
  let general = detail;
  if (beside.size && unplaced.length) general = `${notDone}. ${unplaced.join(" ")}`;
  else if (beside.size) {
    general = beside.size === 1 ? `${notDone}: see the field marked above.` : `${notDone}: see the ${beside.size} fields marked above.`;
  }
  return { beside, general };
}

/**
 * The element an error is shown after, and the control that is marked invalid, for field `name`.
 * @param {HTMLFormElement} form
 * @param {string} name
 * @returns {{ after: Element, control: HTMLElement } | null}
 */
function placeOf(form, name) {
  const found = form.elements.namedItem(name);
  if (!found) return null;
  if (found instanceof RadioNodeList) {
    const first = /** @type {HTMLElement} */ (found[0]);
    const group = first.closest("fieldset") ?? first;
    return { after: group.lastElementChild ?? group, control: first };
  }
  const control = /** @type {HTMLElement} */ (found);
  const label = control.closest("label");
  return { after: label ?? control, control };
}

/**
 * Removes the errors shown in `form` (by `showErrors`).
 * @param {HTMLFormElement} form
 */
export function clearErrors(form) {
  for (const shown of form.querySelectorAll(".field-error")) shown.remove();
  for (const control of form.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    const describedBy = (control.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .filter((id) => id && !id.endsWith("-error"));
    if (describedBy.length) control.setAttribute("aria-describedby", describedBy.join(" "));
    else control.removeAttribute("aria-describedby");
  }
}

let counter = 0;

/**
 * Shows each field's words beside it and focuses the first; returns the names it could not place.
 * @param {HTMLFormElement} form
 * @param {Map<string, string>} beside form field name → words
 * @returns {string[]}
 */
export function showErrors(form, beside) {
  clearErrors(form);
  const unplaced = [];
  /** @type {HTMLElement | null} */
  let first = null;
  for (const [name, words] of beside) {
    const place = placeOf(form, name);
    if (!place) {
      unplaced.push(name);
      continue;
    }
    const id = `e${++counter}-${name}-error`;
    const shown = document.createElement("p");
    shown.className = "field-error";
    shown.id = id;
    shown.textContent = words;
    place.after.after(shown);
    place.control.setAttribute("aria-invalid", "true");
    const describedBy = place.control.getAttribute("aria-describedby");
    place.control.setAttribute("aria-describedby", describedBy ? `${describedBy} ${id}` : id);
    // corrected: the field's error goes as soon as it is changed
    place.control.addEventListener(
      "input",
      () => {
        shown.remove();
        place.control.removeAttribute("aria-invalid");
        const rest = (place.control.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x && x !== id);
        if (rest.length) place.control.setAttribute("aria-describedby", rest.join(" "));
        else place.control.removeAttribute("aria-describedby");
      },
      { once: true },
    );
    first ??= place.control;
  }
  first?.focus();
  return unplaced;
}

/**
 * A refusal (an ApiError, or any error) shown in `form`: words beside the fields it names, the
 * rest in `alert` (beside the submit button), which is brought into view.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} alert
 * @param {FieldSpec[]} specs
 * @param {any} problem
 * @param {string} [notDone] what did not happen ("Not saved", "Not signed in")
 */
export function showRefusal(form, alert, specs, problem, notDone = "Not saved") {
  const { beside, general } = placeErrors(specs, problem?.fields, problem?.message ?? String(problem), notDone);
  const unplaced = showErrors(form, beside);
  alert.textContent = unplaced.length ? problem.message : general;
  alert.hidden = false;
  if (!beside.size || unplaced.length) alert.scrollIntoView?.({ block: "nearest" });
}
