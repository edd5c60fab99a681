// node --test: the key map (web/js/keymap.js): which action a key asks for, the one focus model,
// and README's table kept in step with the map.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { KEYMAP, actionFor, isTextField, keyTable, shortcutFor } from "../../web/js/keymap.js";

const key = (k, more = {}) => ({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...more });
const action = (k, more) => actionFor(key(k, more))?.action ?? null;
const element = (tagName, more = {}) => ({ tagName, isContentEditable: false, ...more });

test("each key asks for its action, modifiers counted", () => {
  assert.equal(action(" "), "play-pause");
  assert.equal(action("ArrowLeft"), "frame-back");
  assert.equal(action("ArrowLeft", { shiftKey: true }), "second-back");
  assert.equal(action("ArrowRight", { shiftKey: true }), "second-forward");
  assert.equal(action("i"), "set-in");
  assert.equal(action("I", { shiftKey: true }), "move-start-here");
  assert.equal(action("O", { shiftKey: true }), "move-end-here");
  assert.equal(action("I"), "set-in"); // Caps Lock on
  assert.equal(action("j"), "shuttle-back");
  assert.equal(action("k"), "pause");
  assert.equal(action("l"), "shuttle-forward");
  assert.equal(action("Enter"), "edit-moment");
  assert.equal(action("Escape"), "clear");
  assert.equal(action("-"), "slower");
  assert.equal(action("+", { shiftKey: true }), "faster"); // Shift+= on a UK keyboard
  assert.equal(action("="), "faster");
  assert.equal(action("Delete"), "delete-moment");
  assert.equal(action("Backspace"), "delete-moment");
  assert.equal(action("z", { ctrlKey: true }), "undo");
  assert.equal(action("z", { metaKey: true }), "undo"); // ⌘Z on a Mac
  assert.equal(action("Z", { ctrlKey: true, shiftKey: true }), "redo");
  assert.equal(action("y", { ctrlKey: true }), "redo");
  assert.equal(action("z"), "zoom-in");
  assert.equal(action("Z", { shiftKey: true }), "zoom-out");
  assert.equal(action("0"), "zoom-fit");
});

test("number keys mark the category of their number", () => {
  for (let n = 1; n <= 9; n += 1) assert.deepEqual(actionFor(key(String(n))), { action: "mark", index: n - 1 });
});

test("keys the map does not have stay the browser's", () => {
  assert.equal(action("c", { ctrlKey: true }), null); // copy
  assert.equal(action("r", { ctrlKey: true }), null); // reload, not loop
  assert.equal(action("ArrowLeft", { altKey: true }), null); // back a page
  assert.equal(action("Tab"), null);
  assert.equal(action("s", { ctrlKey: true }), null);
  assert.equal(action("x"), null);
});

test("no key is bound twice", () => {
  const seen = new Map();
  for (const binding of KEYMAP) {
    for (const spec of binding.keys) {
      assert.ok(!seen.has(spec), `${spec} is ${seen.get(spec)} and ${binding.action}`);
      seen.set(spec, binding.action);
    }
  }
});

test("in a text field keys type; Escape leaves it", () => {
  const fields = [
    element("INPUT", { type: "text" }),
    element("INPUT", { type: "number" }),
    element("INPUT", { type: "search" }),
    element("INPUT", {}),
    element("TEXTAREA"),
    element("DIV", { isContentEditable: true }),
    element("SPAN", { isContentEditable: true }),
  ];
  for (const field of fields) {
    assert.ok(isTextField(field), field.tagName);
    for (const k of [" ", "1", "i", "ArrowLeft", "Enter", "Delete"]) {
      assert.equal(shortcutFor({ ...key(k), target: field }, false), null, `${k} in ${field.tagName}`);
    }
    assert.equal(shortcutFor({ ...key("Escape"), target: field }, true)?.action, "leave-field");
  }
});

test("on a clicked button, checkbox or select a mapped key does its shortcut", () => {
  const controls = [
    element("BUTTON"),
    element("INPUT", { type: "checkbox" }),
    element("SELECT"),
    element("INPUT", { type: "range" }),
    element("A"),
    element("VIDEO"),
  ];
  for (const control of controls) {
    assert.ok(!isTextField(control));
    assert.equal(shortcutFor({ ...key(" "), target: control }, false)?.action, "play-pause", control.tagName);
    assert.deepEqual(shortcutFor({ ...key("1"), target: control }, false), { action: "mark", index: 0 });
    assert.equal(shortcutFor({ ...key("ArrowRight"), target: control }, true)?.action, "frame-forward");
    assert.equal(shortcutFor({ ...key("Enter"), target: control }, false)?.action, "edit-moment");
  }
});

test("Enter and Space still press a control reached with the keyboard", () => {
  for (const control of [element("BUTTON"), element("INPUT", { type: "checkbox" }), element("SUMMARY"), element("A")]) {
    assert.equal(shortcutFor({ ...key(" "), target: control }, true), null, control.tagName);
    assert.equal(shortcutFor({ ...key("Enter"), target: control }, true), null, control.tagName);
    assert.equal(shortcutFor({ ...key("1"), target: control }, true)?.action, "mark");
  }
  // away from any control (the page itself) Space plays, however focus got there
  assert.equal(shortcutFor({ ...key(" "), target: element("BODY") }, true)?.action, "play-pause");
  assert.equal(shortcutFor({ ...key(" "), target: element("LI", { tabIndex: 0 }) }, true)?.action, "play-pause");
});

test("README's table of keys is the key map's", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const table = readme.split("<!-- keymap -->\n")[1]?.split("<!-- /keymap -->")[0];
  assert.equal(table?.trim(), keyTable().trim(), "run `node web/js/keymap-table.mjs` and paste it into README");
});
