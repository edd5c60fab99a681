// node --test: drafts are kept per user and field, dropped once the server has that text (not
// when more was typed since), and forgotten after a week; the idle warning's timing.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createDrafts, KEEP_FOR_MS } from "../../web/js/drafts.js";
import { decide, inWords, leadFor } from "../../web/js/session-keeper.js";

function memory() {
  const items = new Map();
  return {
    items,
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
    key: (n) => [...items.keys()][n] ?? null,
    get length() {
      return items.size;
    },
  };
}

const KEY = "joint-review/clip1/moment2/said";

test("a draft is kept per user: another user on the same laptop does not see it", () => {
  const drafts = createDrafts({ storage: memory() });
  drafts.keep("u1", KEY, "He loves that game");
  assert.equal(drafts.read("u1", KEY), "He loves that game");
  assert.equal(drafts.read("u2", KEY), null);
  assert.equal(drafts.read("u1", "joint-review/clip1/moment1/said"), null);
});

test("saved text clears the draft; text typed after the save keeps it", () => {
  const drafts = createDrafts({ storage: memory() });
  drafts.keep("u1", KEY, "First words ");
  assert.equal(drafts.saved("u1", KEY, "First words"), true, "the page sends it trimmed");
  assert.equal(drafts.read("u1", KEY), null);
  drafts.keep("u1", KEY, "First words and more");
  assert.equal(drafts.saved("u1", KEY, "First words"), false);
  assert.equal(drafts.read("u1", KEY), "First words and more");
});

test("emptying the field keeps nothing", () => {
  const storage = memory();
  const drafts = createDrafts({ storage });
  drafts.keep("u1", KEY, "x");
  drafts.keep("u1", KEY, "   ");
  assert.equal(storage.items.size, 0);
});

test("drafts older than a week are forgotten, and rubbish in storage is dropped", () => {
  const storage = memory();
  let now = 1_000_000;
  const drafts = createDrafts({ storage, now: () => now });
  drafts.keep("u1", KEY, "old");
  drafts.keep("u2", "review/c/m/note", "newer");
  storage.setItem("vfb.draft.u3.review/c/m/caption", "{not json");
  storage.setItem("vfb.session.ends-at", "123"); // not a draft: left alone
  now += KEEP_FOR_MS - 1;
  drafts.prune();
  assert.equal(drafts.read("u1", KEY), "old");
  now += 1;
  drafts.keep("u2", "review/c/m/note", "newer");
  drafts.prune();
  assert.deepEqual([...storage.items.keys()].sort(), ["vfb.draft.u2.review/c/m/note", "vfb.session.ends-at"]);
});

test("the warning comes a minute before a long limit, a tenth before a short one", () => {
  assert.equal(leadFor(30 * 60_000), 60_000);
  assert.equal(leadFor(60_000), 6_000);
  const endsAt = 100_000;
  assert.deepEqual(decide(endsAt - 60_001, endsAt, 60_000), { show: "nothing", wakeAt: endsAt - 60_000 });
  assert.deepEqual(decide(endsAt - 60_000, endsAt, 60_000), { show: "warning", wakeAt: endsAt });
  assert.deepEqual(decide(endsAt, endsAt, 60_000), { show: "ended", wakeAt: null });
});

test("the time left in words", () => {
  assert.equal(inWords(60_000), "1 minute");
  assert.equal(inWords(59_800), "1 minute");
  assert.equal(inWords(120_000), "2 minutes");
  assert.equal(inWords(5_200), "6 seconds");
  assert.equal(inWords(1_000), "1 second");
  assert.equal(inWords(10), "1 second");
});

test("a draft remembers the saved text it was typed over", () => {
  const drafts = createDrafts({ storage: memory() });
  drafts.keep("u1", KEY, "mine", "first words");
  assert.equal(drafts.base("u1", KEY), "first words");
  assert.equal(drafts.read("u1", KEY), "mine");
});
