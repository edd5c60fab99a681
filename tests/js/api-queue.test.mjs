// node --test: requests refused because the sign-in ended wait for one sign-in again, then go
// out in order and resolve the callers' own promises; someone else's sign-in sends none of them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createApiClient, NOT_SENT_CANCELLED, NOT_SENT_SOMEONE_ELSE } from "../../web/js/api.js";

/** A fake server: answers 401 until `signedIn`, records what reached it. */
function server() {
  const state = { signedIn: true, seen: [], endsIn: "1800000" };
  const fetch = async (path, { method, body }) => {
    if (!state.signedIn) return new Response(JSON.stringify({ detail: "expired" }), { status: 401 });
    state.seen.push(`${method} ${path} ${body ?? ""}`.trim());
    return new Response(JSON.stringify({ path }), {
      status: 200,
      headers: { "X-Session-Ends-In": state.endsIn },
    });
  };
  return { state, fetch };
}

/** A sign-in dialog the test answers, counting how often it was opened. */
function dialog() {
  const asked = { times: 0, answer: null };
  const signInAgain = () => {
    asked.times += 1;
    return new Promise((resolve) => (asked.answer = resolve));
  };
  return { asked, signInAgain };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("waiting requests are sent in order after one sign-in, resolving the callers' promises", async () => {
  const { state, fetch } = server();
  const { asked, signInAgain } = dialog();
  const { api, waitingCount } = createApiClient({ fetch, csrf: () => "t", signInAgain });
  state.signedIn = false;
  const first = api("/api/moments/1/carer-comments", { method: "POST", body: { text: "one" } });
  const second = api("/api/moments/1", { method: "PATCH", body: { note: "two" } });
  const third = api("/api/moments/2", { method: "PATCH", body: { note: "three" } });
  await tick();
  assert.equal(waitingCount(), 3);
  assert.equal(asked.times, 1, "one dialog however many requests wait");
  assert.deepEqual(state.seen, []);
  state.signedIn = true;
  asked.answer("same");
  assert.deepEqual(await Promise.all([first, second, third]), [
    { path: "/api/moments/1/carer-comments" },
    { path: "/api/moments/1" },
    { path: "/api/moments/2" },
  ]);
  assert.deepEqual(state.seen, [
    'POST /api/moments/1/carer-comments {"text":"one"}',
    'PATCH /api/moments/1 {"note":"two"}',
    'PATCH /api/moments/2 {"note":"three"}',
  ]);
  assert.equal(waitingCount(), 0);
});

test("signed in as someone else: nothing waiting is sent, each caller hears why", async () => {
  const { state, fetch } = server();
  const { asked, signInAgain } = dialog();
  const { api } = createApiClient({ fetch, csrf: () => "t", signInAgain });
  state.signedIn = false;
  const waiting = [api("/api/moments/1", { method: "PATCH", body: { note: "mine" } }), api("/api/users/me")];
  await tick();
  state.signedIn = true;
  asked.answer("other");
  for (const request of waiting) {
    await assert.rejects(request, (error) => error.status === 401 && error.message === NOT_SENT_SOMEONE_ELSE);
  }
  assert.deepEqual(state.seen, []);
});

test("cancel rejects what waits in words, and the next refusal asks again", async () => {
  const { state, fetch } = server();
  const { asked, signInAgain } = dialog();
  const { api } = createApiClient({ fetch, csrf: () => "t", signInAgain });
  state.signedIn = false;
  const refused = api("/api/moments/1", { method: "PATCH", body: { note: "x" } });
  await tick();
  asked.answer("cancelled");
  await assert.rejects(refused, (error) => error.message === NOT_SENT_CANCELLED);
  const again = api("/api/moments/1", { method: "PATCH", body: { note: "x" } });
  await tick();
  assert.equal(asked.times, 2);
  state.signedIn = true;
  asked.answer("same");
  assert.deepEqual(await again, { path: "/api/moments/1" });
});

test("a request refused after the sign-in again is sent once more, without another dialog", async () => {
  const { state, fetch: serve } = server();
  const { asked, signInAgain } = dialog();
  let hold;
  const held = new Promise((resolve) => (hold = resolve));
  // The second request is slow: sent under the old sign-in, answered 401 after the new one.
  let slowTries = 0;
  const fetch = async (path, init) => {
    if (path === "/slow" && (slowTries += 1) === 1) {
      await held;
      return new Response("{}", { status: 401 });
    }
    return serve(path, init);
  };
  const { api } = createApiClient({ fetch, csrf: () => "t", signInAgain });
  state.signedIn = false;
  const first = api("/api/a");
  const slow = api("/slow");
  await tick();
  state.signedIn = true;
  asked.answer("same");
  await first;
  hold();
  assert.deepEqual(await slow, { path: "/slow" });
  assert.equal(asked.times, 1);
  assert.equal(slowTries, 2);
});

test("the sign-in's end is counted from when the request was sent", async () => {
  const { fetch } = server();
  let clock = 1000;
  const ends = [];
  const { api } = createApiClient({
    fetch: async (path, init) => {
      const answer = await fetch(path, init);
      clock += 5000; // a slow answer
      return answer;
    },
    csrf: () => "",
    signInAgain: async () => "cancelled",
    onEndsAt: (at) => ends.push(at),
    now: () => clock,
  });
  await api("/api/users/me");
  assert.deepEqual(ends, [1000 + 1800000]);
});

test("the auth routes' own refusals are errors, not a dialog", async () => {
  const { state, fetch } = server();
  const { asked, signInAgain } = dialog();
  const { api } = createApiClient({ fetch, csrf: () => "t", signInAgain });
  state.signedIn = false;
  await assert.rejects(api("/api/auth/session", { method: "POST", form: { username: "a" } }), (e) => e.status === 401);
  assert.equal(asked.times, 0);
});
