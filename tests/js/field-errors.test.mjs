// node --test: a refused form's words are placed beside the form fields they are about (by the
// API's name for each), and the API client hands those words on.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createApiClient } from "../../web/js/api.js";
import { apiNameOf, placeErrors } from "../../web/js/field-errors.js";

const SPECS = [
  { name: "username" },
  { name: "trained", from: "trained_on", type: "date" },
  { name: "minutes", type: "number", convert: (value) => ["review_minutes", value] },
];

test("a form field is known by the API's name for it", () => {
  assert.deepEqual(SPECS.map(apiNameOf), ["username", "trained_on", "review_minutes"]);
});

test("each field's words go beside it; the button's message says where to look", () => {
  const one = placeErrors(SPECS, { username: "Enter a username." }, "Enter a username.");
  assert.deepEqual([...one.beside], [["username", "Enter a username."]]);
  assert.equal(one.general, "Not saved: see the field marked above.");
  const two = placeErrors(
    SPECS,
    { trained_on: "Choose a real date.", review_minutes: "The minutes must be a whole number." },
    "…",
  );
  assert.deepEqual([...two.beside.keys()], ["trained", "minutes"]);
  assert.equal(two.general, "Not saved: see the 2 fields marked above.");
});

test("words about no field of the form stay by the button, with the rest marked", () => {
  const mixed = placeErrors(SPECS, { username: "Enter a username.", team_id: "Choose a team." }, "x", "Not signed in");
  assert.deepEqual([...mixed.beside.keys()], ["username"]);
  assert.equal(mixed.general, "Not signed in. Choose a team.");
  const none = placeErrors(SPECS, undefined, "That username is taken.");
  assert.equal(none.beside.size, 0);
  assert.equal(none.general, "That username is taken.");
});

test("the client's error carries the words per field, and none for other refusals", async () => {
  const answers = [
    { status: 422, body: { error: "invalid_input", detail: "Enter a username.", fields: { username: "Enter a username." } } },
    { status: 409, body: { error: "conflict", detail: "That username is taken." } },
  ];
  const fetch = async () => {
    const { status, body } = answers.shift();
    return new Response(JSON.stringify(body), { status });
  };
  const { api } = createApiClient({ fetch, csrf: () => "t", signInAgain: async () => "cancelled" });
  await assert.rejects(api("/api/users", { method: "POST", body: {} }), (e) => {
    assert.equal(e.status, 422);
    assert.deepEqual(e.fields, { username: "Enter a username." });
    return true;
  });
  await assert.rejects(api("/api/users", { method: "POST", body: {} }), (e) => {
    assert.deepEqual(e.fields, {});
    assert.equal(e.message, "That username is taken.");
    return true;
  });
});
