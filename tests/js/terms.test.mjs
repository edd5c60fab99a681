import assert from "node:assert/strict";
import { test } from "node:test";

import { choices, nextStatuses, values } from "../../web/js/terms.js";

const vocab = {
  programme_statuses: [
    { value: "offered", words: "Offered" },
    { value: "declined", words: "Declined" },
    { value: "active", words: "Active" },
    { value: "completed", words: "Completed" },
  ],
  programme_transitions: { offered: ["active", "declined"], completed: ["active"] },
};

test("a select offers each term's value with its words, in the server's order", () => {
  assert.deepEqual(choices(vocab.programme_statuses.slice(0, 2)), [
    ["offered", "Offered"],
    ["declined", "Declined"],
  ]);
  assert.deepEqual(values(vocab.programme_statuses), ["offered", "declined", "active", "completed"]);
});

test("a programme's next statuses are those the server allows, in the statuses' order", () => {
  assert.deepEqual(nextStatuses(vocab, "offered"), [
    ["declined", "Declined"],
    ["active", "Active"],
  ]);
  assert.deepEqual(nextStatuses(vocab, "completed"), [["active", "Active"]]);
  assert.deepEqual(nextStatuses(vocab, "unheard_of"), []);
});
