// node --test: the review page's moments store and its undo history, against a small in-memory
// stand-in for the moments API (versions, 409 on a stale version, 422 on bad input).
import assert from "node:assert/strict";
import { test } from "node:test";

import { MomentsStore } from "../../web/js/review/moments-store.js";
import { UndoStack } from "../../web/js/review/undo.js";

class Refused extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The moments API as the server answers it, with a log of what was asked. */
function fakeServer() {
  const rows = new Map();
  const log = [];
  let next = 1;
  const server = {
    rows,
    log,
    hold: null, // a promise every PATCH waits for, to keep saves in flight
    other(id, changes) {
      const row = rows.get(id);
      Object.assign(row, changes, { version: row.version + 1 });
    },
    async api(path, { method = "GET", body } = {}) {
      log.push([method, path, body]);
      if (method === "GET") return [...rows.values()].map((r) => ({ ...r }));
      if (method === "POST") {
        if (body.category === "nonsense") throw new Refused(422, "That category is not in the scheme.");
        const row = { id: `m${next++}`, end_ms: body.start_ms, note: "", caption: "", share_with_carer: false, ...body, version: 1 };
        rows.set(row.id, row);
        return { ...row };
      }
      const id = path.split("/").pop();
      const row = rows.get(id);
      if (!row) throw new Refused(404, "No such moment.");
      if (method === "DELETE") {
        rows.delete(id);
        return null;
      }
      if (server.hold) await server.hold;
      const { version, ...changes } = body;
      if (version !== row.version) throw new Refused(409, "Someone else changed this moment after you opened it.");
      if ("start_ms" in changes && changes.start_ms > 8000) throw new Refused(422, "The moment must be inside the clip.");
      Object.assign(row, changes, { version: row.version + 1 });
      return { ...row };
    },
  };
  return server;
}

async function storeWith(server, ...moments) {
  for (const m of moments) await server.api("/api/clips/c1/moments", { method: "POST", body: m });
  server.log.length = 0;
  const store = new MomentsStore({ clipId: "c1", api: server.api });
  const statuses = [];
  store.addEventListener("moment.status", ({ detail }) => statuses.push(detail));
  await store.load();
  return { store, statuses };
}

test("changes to one moment are sent in order, each on the version the last one left", async () => {
  const server = fakeServer();
  const { store, statuses } = await storeWith(server, { start_ms: 1000, category: "sensitivity" });
  let release;
  server.hold = new Promise((resolve) => (release = resolve));
  const first = store.update("m1", { note: "Held out" });
  const second = store.update("m1", { note: "Held out the cup" });
  assert.equal(store.get("m1").note, "Held out the cup", "shown at once");
  assert.equal(statuses.at(-1).state, "saving");
  release();
  assert.deepEqual(await Promise.all([first, second]), [true, true]);
  const patches = server.log.filter(([method]) => method === "PATCH").map(([, , body]) => body);
  assert.deepEqual(patches, [{ version: 1, note: "Held out" }, { version: 2, note: "Held out the cup" }]);
  assert.equal(server.rows.get("m1").note, "Held out the cup");
  assert.equal(statuses.at(-1).state, "saved");
});

test("a stale change is kept beside their version; keeping mine re-sends it on theirs", async () => {
  const server = fakeServer();
  const { store, statuses } = await storeWith(server, { start_ms: 1000, category: "sensitivity", note: "first" });
  server.other("m1", { note: "theirs" });
  assert.equal(await store.update("m1", { note: "mine" }), false);
  const last = statuses.at(-1);
  assert.equal(last.state, "conflict");
  assert.deepEqual(last.conflict, { mine: { note: "mine" }, theirs: { note: "theirs" } });
  assert.equal(store.get("m1").note, "theirs", "what is saved is what is shown");
  assert.equal(server.rows.get("m1").note, "theirs", "theirs was not overwritten");
  // typing on while the choice is open is added to mine, not sent over theirs
  assert.equal(await store.update("m1", { note: "mine, and more" }), true);
  assert.equal(server.rows.get("m1").note, "theirs");
  assert.equal(statuses.at(-1).conflict.mine.note, "mine, and more");
  assert.equal(await store.keepMine("m1"), true);
  assert.equal(server.rows.get("m1").note, "mine, and more");
  assert.equal(server.log.filter(([m]) => m === "PATCH").at(-1)[2].version, 2);
  assert.equal(statuses.at(-1).state, "saved");
  assert.equal(statuses.at(-1).conflict, null);
});

test("keeping theirs drops mine and sends nothing", async () => {
  const server = fakeServer();
  const { store, statuses } = await storeWith(server, { start_ms: 1000, category: "sensitivity" });
  server.other("m1", { caption: "theirs" });
  await store.update("m1", { caption: "mine" });
  const sent = server.log.length;
  store.keepTheirs("m1");
  assert.equal(server.log.length, sent);
  assert.equal(store.get("m1").caption, "theirs");
  assert.equal(statuses.at(-1).state, "saved");
  assert.equal(await store.update("m1", { caption: "mine after all" }), true, "the next edit goes on their version");
  assert.equal(server.rows.get("m1").caption, "mine after all");
});

test("saves queued behind a refused one join it in the choice instead of overwriting theirs", async () => {
  const server = fakeServer();
  const { store, statuses } = await storeWith(server, { start_ms: 1000, category: "sensitivity" });
  server.other("m1", { note: "theirs" });
  let release;
  server.hold = new Promise((resolve) => (release = resolve));
  const one = store.update("m1", { note: "mi" });
  const two = store.update("m1", { caption: "cap" });
  release();
  assert.deepEqual(await Promise.all([one, two]), [false, false]);
  assert.equal(server.log.filter(([m]) => m === "PATCH").length, 1);
  assert.deepEqual(statuses.at(-1).conflict.mine, { note: "mi", caption: "cap" });
  assert.equal(server.rows.get("m1").caption, "");
});

test("any other refusal says why, puts the moment back and never stays on Saving…", async () => {
  const server = fakeServer();
  const { store, statuses } = await storeWith(server, { start_ms: 1000, category: "sensitivity" });
  assert.equal(await store.update("m1", { start_ms: 9000 }), false);
  assert.equal(store.get("m1").start_ms, 1000);
  assert.equal(statuses.at(-1).state, "not-saved");
  assert.match(statuses.at(-1).message, /inside the clip/);
  assert.equal(store.history.canUndo, false, "a refused change is nothing to undo");
  await assert.rejects(store.add({ start_ms: 1, category: "nonsense" }), /not in the scheme/);
});

test("refused words stay shown and are sent again on request", async () => {
  const server = fakeServer();
  const { store, statuses } = await storeWith(server, { start_ms: 1000, category: "sensitivity" });
  server.rows.delete("m1"); // gone meanwhile: the PATCH is refused with a 404
  assert.equal(await store.update("m1", { note: "words" }), false);
  assert.equal(store.get("m1").note, "words");
  assert.deepEqual([statuses.at(-1).state, statuses.at(-1).retry], ["not-saved", true]);
  assert.match(statuses.at(-1).message, /No such moment/);
  server.rows.set("m1", { id: "m1", start_ms: 1000, end_ms: 1000, category: "sensitivity", note: "", caption: "", share_with_carer: false, version: 1 });
  assert.equal(await store.retry("m1"), true);
  assert.equal(server.rows.get("m1").note, "words");
  assert.deepEqual([statuses.at(-1).state, statuses.at(-1).retry], ["saved", false]);
});

test("undo and redo every kind of change, as ordinary saves", async () => {
  const server = fakeServer();
  const { store } = await storeWith(server);
  const made = await store.add({ start_ms: 2000, category: "strengths" });
  await store.update(made.id, { note: "a note" });
  await store.update(made.id, { start_ms: 2500, end_ms: 3000 }); // a move
  await store.remove(made.id);
  assert.equal(server.rows.size, 0);

  assert.equal((await store.undo()).kind, "remove"); // made again, with a new id
  assert.equal(server.rows.size, 1);
  const [again] = server.rows.values();
  assert.notEqual(again.id, made.id);
  assert.deepEqual([again.start_ms, again.end_ms, again.note], [2500, 3000, "a note"]);
  assert.equal((await store.undo()).kind, "update"); // the move, on the moment made again
  assert.deepEqual([again.start_ms, again.end_ms], [2000, 2000]);
  await store.undo(); // the note
  assert.equal(again.note, "");
  await store.undo(); // the add
  assert.equal(server.rows.size, 0);
  assert.equal(await store.undo(), null, "nothing more to undo");

  await store.redo(); // the add
  assert.equal(server.rows.size, 1);
  await store.redo(); // the note
  await store.redo(); // the move
  const [third] = server.rows.values();
  assert.deepEqual([third.start_ms, third.end_ms, third.note], [2500, 3000, "a note"]);
  await store.redo(); // the delete
  assert.equal(server.rows.size, 0);
  assert.equal(await store.redo(), null);
  assert.equal(store.moments.length, 0);
});

test("an undo the server refuses stays to be tried again", async () => {
  const server = fakeServer();
  const { store } = await storeWith(server, { start_ms: 1000, category: "sensitivity" });
  await store.update("m1", { note: "mine" });
  server.other("m1", { note: "theirs" });
  await assert.rejects(store.undo(), /could not be undone/);
  assert.equal(store.history.canUndo, true);
  assert.equal(store.status("m1").state, "conflict");
});

test("a new change clears what could be redone; the history has a limit", () => {
  const stack = new UndoStack(2);
  const change = (n) => ({ kind: "update", id: "m", before: { n }, after: { n: n + 1 } });
  stack.record(change(1));
  stack.record(change(2));
  stack.record(change(3));
  assert.equal(stack.done.length, 2);
  assert.equal(stack.takeUndo().before.n, 3);
  assert.equal(stack.canRedo, true);
  stack.record(change(4));
  assert.equal(stack.canRedo, false);
  assert.equal(stack.takeUndo().before.n, 4);
  assert.equal(stack.takeRedo().before.n, 4);
});
