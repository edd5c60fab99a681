// @ts-check
// The keys of the clip and review pages, as data in one place: the pages' key lists, their
// controls' tooltips and aria-keyshortcuts, and README's table are all made from KEYMAP.

/**
 * A binding: the action (the page's handler of that name does it), its keys ("Shift+ArrowLeft",
 * "Ctrl+Z": Ctrl is also ⌘ on a Mac), how a tooltip names them, and what it does.
 * @typedef {{ action: string, keys: string[], label: string, description: string }} Binding
 */

/** @type {Binding[]} */
export const KEYMAP = [
  { action: "play-pause", keys: [" "], label: "Space", description: "Play or pause" },
  { action: "shuttle-back", keys: ["J"], label: "J", description: "Play backwards; press again for 2× and 4×" },
  { action: "pause", keys: ["K"], label: "K", description: "Pause (stops J and L)" },
  { action: "shuttle-forward", keys: ["L"], label: "L", description: "Play forwards; press again for 2× and 4×" },
  { action: "frame-back", keys: ["ArrowLeft"], label: "←", description: "One frame back (pauses)" },
  { action: "frame-forward", keys: ["ArrowRight"], label: "→", description: "One frame forward (pauses)" },
  { action: "second-back", keys: ["Shift+ArrowLeft"], label: "Shift+←", description: "One second back" },
  { action: "second-forward", keys: ["Shift+ArrowRight"], label: "Shift+→", description: "One second forward" },
  { action: "previous-moment", keys: ["ArrowUp"], label: "↑", description: "Go to the previous moment" },
  { action: "next-moment", keys: ["ArrowDown"], label: "↓", description: "Go to the next moment" },
  {
    action: "mark",
    keys: ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
    label: "1–9",
    description: "Mark a moment of that category now (or over the range set with I and O)",
  },
  { action: "set-in", keys: ["I"], label: "I", description: "Set the in point: the start of a range (or of the trim)" },
  { action: "set-out", keys: ["O"], label: "O", description: "Set the out point: the end of a range (or of the trim)" },
  { action: "move-start-here", keys: ["Shift+I"], label: "Shift+I", description: "Move the selected moment's start to now" },
  { action: "move-end-here", keys: ["Shift+O"], label: "Shift+O", description: "Move the selected moment's end to now" },
  { action: "edit-moment", keys: ["Enter"], label: "Enter", description: "Write the selected moment's note (Esc to come back)" },
  { action: "clear", keys: ["Escape"], label: "Esc", description: "Clear the range and the selection; in a text box, leave it" },
  { action: "loop", keys: ["R"], label: "R", description: "Loop the selected moment" },
  { action: "slower", keys: ["-"], label: "-", description: "Slower (down to 0.25×)" },
  { action: "faster", keys: ["+", "="], label: "+", description: "Faster (up to 2×)" },
  { action: "still", keys: ["S"], label: "S", description: "Take a still of this exact frame" },
  { action: "delete-moment", keys: ["Delete", "Backspace"], label: "Delete", description: "Delete the selected moment" },
  { action: "undo", keys: ["Ctrl+Z"], label: "Ctrl+Z", description: "Undo the last change to a moment" },
  { action: "redo", keys: ["Ctrl+Shift+Z", "Ctrl+Y"], label: "Ctrl+Shift+Z", description: "Redo what was undone" },
  { action: "zoom-in", keys: ["Z"], label: "Z", description: "Zoom the timeline in (down to single frames)" },
  { action: "zoom-out", keys: ["Shift+Z"], label: "Shift+Z", description: "Zoom the timeline out" },
  { action: "zoom-fit", keys: ["0", "W"], label: "0 / W", description: "Show the whole clip on the timeline" },
];

/**
 * @typedef {{ key: string, shift: boolean, ctrl: boolean }} Chord
 * @param {string} spec "Ctrl+Shift+Z", "ArrowLeft", "+" or " "
 * @returns {Chord}
 */
function chord(spec) {
  const parts = spec.length > 1 && spec !== "+" ? spec.split("+") : [spec];
  const key = parts.pop() ?? spec;
  return { key: key.length === 1 ? key.toLowerCase() : key, shift: parts.includes("Shift"), ctrl: parts.includes("Ctrl") };
}

// Keys typed with Shift on some layouts (+ is Shift+= on a UK keyboard): Shift does not count.
/** @param {string} key */
const shiftIsPartOfKey = (key) => key.length === 1 && !/[a-z]/.test(key);

/** @type {{ binding: Binding, chord: Chord, index: number }[]} */
const CHORDS = KEYMAP.flatMap((binding) => binding.keys.map((spec, index) => ({ binding, chord: chord(spec), index })));

/**
 * The action a key press asks for, whatever has focus; null for a key the map does not have
 * (Alt with anything, Ctrl+C…: they stay the browser's). `index` is the category for `mark`.
 * @param {{ key: string, shiftKey?: boolean, ctrlKey?: boolean, metaKey?: boolean, altKey?: boolean }} event
 * @returns {{ action: string, index: number } | null}
 */
export function actionFor(event) {
  if (event.altKey || !event.key) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const ctrl = Boolean(event.ctrlKey || event.metaKey);
  const shift = Boolean(event.shiftKey);
  for (const { binding, chord: c, index } of CHORDS) {
    if (c.key !== key || c.ctrl !== ctrl) continue;
    if (c.shift !== shift && !shiftIsPartOfKey(key)) continue;
    return { action: binding.action, index: binding.action === "mark" ? index : 0 };
  }
  return null;
}

const TEXT_INPUTS = new Set(["", "text", "search", "number", "email", "password", "tel", "url", "date", "time", "datetime-local", "month", "week"]);

/**
 * Typing goes here, not to the shortcuts: text, number and search boxes, text areas and
 * anything contenteditable.
 * @param {any} element
 */
export function isTextField(element) {
  if (!element || typeof element !== "object") return false;
  if (element.isContentEditable) return true;
  const tag = String(element.tagName ?? "").toLowerCase();
  if (tag === "textarea") return true;
  return tag === "input" && TEXT_INPUTS.has(String(element.type ?? "text").toLowerCase());
}

/** @param {any} element a control that Enter or Space presses */
function pressable(element) {
  const tag = String(element?.tagName ?? "").toLowerCase();
  return ["button", "a", "summary", "select", "input"].includes(tag);
}

/**
 * The focus model, one rule for every page: in a text field, keys type (Escape leaves the
 * field); anywhere else a mapped key does its shortcut, also on a focused button, checkbox or
 * select, so clicking one never takes the keys away. Only Enter and Space on a control reached
 * with the keyboard (Tab) press it, as keyboard users expect.
 * @param {{ key: string, target?: any, shiftKey?: boolean, ctrlKey?: boolean, metaKey?: boolean, altKey?: boolean }} event
 * @param {boolean} focusedByKeyboard whether the focused control was reached with the keyboard
 * @returns {{ action: string, index: number } | null} "leave-field" for Escape in a text field
 */
export function shortcutFor(event, focusedByKeyboard) {
  if (isTextField(event.target)) return event.key === "Escape" ? { action: "leave-field", index: 0 } : null;
  const found = actionFor(event);
  if (found && (event.key === "Enter" || event.key === " ") && focusedByKeyboard && pressable(event.target)) return null;
  return found;
}

/**
 * Handle the map's keys on `target` (the document) with `handlers` by action name; an action
 * the page has no handler for (yet) leaves its key to the browser.
 * @param {Document | HTMLElement} target
 * @param {Record<string, (found: { action: string, index: number }, event: KeyboardEvent) => unknown>} handlers
 * @param {{ leaveField?: (field: HTMLElement) => void }} [options] called as Escape leaves a field
 */
export function bindKeys(target, handlers, options = {}) {
  // which element the pointer focused: a clicked control keeps no key for itself. Focus moved
  // by the page after a click (a list redrawn puts it back on the chosen row) counts as the
  // pointer's too: only Tab hands focus to the keyboard.
  const byPointer = new WeakSet();
  let viaPointer = false;
  const down = () => (viaPointer = true);
  /** @param {Event} e */
  const tabbed = (e) => {
    if (/** @type {KeyboardEvent} */ (e).key === "Tab") viaPointer = false;
  };
  /** @param {Event} event */
  const focused = (event) => {
    if (viaPointer) byPointer.add(/** @type {object} */ (event.target));
    else byPointer.delete(/** @type {object} */ (event.target));
  };
  /** @type {EventTarget | null} Space's click comes on keyup: kept from the control we took it from */
  let swallowUp = null;
  /** @param {Event} e */
  const onKey = (e) => {
    const event = /** @type {KeyboardEvent} */ (e);
    if (event.defaultPrevented || event.isComposing) return;
    const element = /** @type {HTMLElement} */ (event.target);
    const found = shortcutFor(event, !byPointer.has(element));
    if (!found) return;
    if (found.action === "leave-field") {
      options.leaveField?.(element);
      element.blur();
      event.preventDefault();
      return;
    }
    const handler = handlers[found.action];
    if (!handler) return;
    event.preventDefault();
    if (event.key === " ") swallowUp = element;
    handler(found, event);
  };
  /** @param {Event} e */
  const onKeyUp = (e) => {
    if (swallowUp !== null && /** @type {KeyboardEvent} */ (e).key === " " && e.target === swallowUp) e.preventDefault();
    swallowUp = null;
  };
  target.addEventListener("pointerdown", down, true);
  target.addEventListener("keydown", tabbed, true);
  target.addEventListener("focusin", focused, true);
  target.addEventListener("keydown", onKey);
  target.addEventListener("keyup", onKeyUp);
  return () => {
    target.removeEventListener("pointerdown", down, true);
    target.removeEventListener("keydown", tabbed, true);
    target.removeEventListener("focusin", focused, true);
    target.removeEventListener("keydown", onKey);
    target.removeEventListener("keyup", onKeyUp);
  };
}

const ARIA_NAMES = { " ": "Space", Ctrl: "Control", Escape: "Escape" };

/** @param {string} spec */
function ariaShortcut(spec) {
  if (spec === " ") return "Space";
  const parts = spec.length > 1 && spec !== "+" ? spec.split("+") : [spec];
  return parts.map((part) => /** @type {Record<string, string>} */ (ARIA_NAMES)[part] ?? part).join("+");
}

/** @param {string} action */
export function bindingFor(action) {
  return KEYMAP.find((b) => b.action === action) ?? null;
}

/**
 * Give every control marked `data-action` (one action, or several with spaces) its shortcut:
 * `aria-keyshortcuts` and a tooltip; `data-index` picks one key of `mark` (the category's) and
 * `data-tip` words the tooltip.
 * @param {ParentNode} root
 */
export function labelControls(root) {
  for (const element of root.querySelectorAll("[data-action]")) {
    const control = /** @type {HTMLElement} */ (element);
    const bindings = (control.dataset.action ?? "").split(" ").map(bindingFor).filter((b) => b !== null);
    if (bindings.length === 0) continue;
    const index = control.dataset.index === undefined ? null : Number(control.dataset.index);
    const keys = bindings.flatMap((b) => (index === null ? b.keys : [b.keys[index]]));
    const label = index === null ? bindings.map((b) => b.label).join(" / ") : keys[0];
    control.setAttribute("aria-keyshortcuts", keys.map(ariaShortcut).join(" "));
    const tip = `${control.dataset.tip ?? bindings.map((b) => b.description).join("; ")} (${label})`;
    control.title = tip;
    const wrapper = control.closest("label");
    if (wrapper) wrapper.title = tip;
  }
}

/**
 * The page's list of keys, made from KEYMAP: the actions this page has handlers for.
 * @param {HTMLElement} list a <dl>
 * @param {Record<string, unknown>} handlers
 */
export function renderKeyList(list, handlers) {
  const rows = KEYMAP.filter((b) => handlers[b.action]).flatMap((binding) => {
    const term = document.createElement("dt");
    binding.label.split(/\+(?=.)/).forEach((part, n) => {
      if (n > 0) term.append("+");
      const key = document.createElement("kbd");
      key.textContent = part;
      term.append(key);
    });
    const what = document.createElement("dd");
    what.textContent = binding.description;
    return [term, what];
  });
  list.replaceChildren(...rows);
}

/** README's table of keys (web/js/keymap-table.mjs prints it; a test keeps README in step). */
export function keyTable() {
  const cell = (/** @type {string} */ text) => text.replace(/\|/g, "\\|");
  const keys = (/** @type {Binding} */ b) =>
    b.keys.map((k) => `\`${k === " " ? "Space" : k}\``).join(" ");
  return [
    "| Keys | Action | What it does |",
    "| --- | --- | --- |",
    ...KEYMAP.map((b) => `| ${cell(keys(b))} | \`${b.action}\` | ${cell(b.description)} |`),
  ].join("\n");
}
