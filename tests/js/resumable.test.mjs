// node --test: the page's resumable upload goes on from the server's offset after a dropped
// connection, remembers the upload for the same file, and says a refusal in the server's words.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fingerprint, sendResumably } from "../../web/js/resumable.js";

/** A tus server in memory, as vfb's answers it; `drop` makes the nth PATCH fail like a cut. */
function fakeServer({ drop = new Set(), keepPartial = false, refuse = null } = {}) {
  const uploads = new Map();
  const seen = { patches: 0, bytes: 0, posts: 0 };
  async function fetch(url, { method, headers, body }) {
    const respond = (status, extra = {}, json = null) =>
      new Response(json ? JSON.stringify(json) : null, { status, headers: { "Tus-Resumable": "1.0.0", ...extra } });
    if (method === "POST") {
      seen.posts += 1;
      const id = `u${uploads.size + 1}`;
      uploads.set(id, { length: Number(headers["Upload-Length"]), data: [], offset: 0, metadata: headers["Upload-Metadata"] });
      return respond(201, { Location: `/api/uploads/${id}` });
    }
    const upload = uploads.get(url.split("/").pop());
    if (!upload) return respond(404);
    const state = () => ({ "Upload-Offset": String(upload.offset), ...(upload.clip ? { "Vfb-Clip-Id": upload.clip } : {}) });
    if (method === "HEAD") return respond(200, state());
    if (method === "PATCH") {
      seen.patches += 1;
      const piece = new Uint8Array(body);
      seen.bytes += piece.length;
      if (drop.has(seen.patches)) {
        if (keepPartial) upload.offset += Math.floor(piece.length / 2);
        throw new TypeError("Failed to fetch");
      }
      if (Number(headers["Upload-Offset"]) !== upload.offset) return respond(409, {}, { detail: "offset" });
      const expected = Buffer.from(await crypto.subtle.digest("SHA-256", body)).toString("base64");
      assert.equal(headers["Upload-Checksum"], `sha256 ${expected}`);
      upload.data.push(piece);
      upload.offset += piece.length;
      if (upload.offset === upload.length) {
        if (refuse) return respond(422, {}, { detail: refuse });
        upload.clip = "clip-1";
      }
      return respond(204, state());
    }
    return respond(405);
  }
  return { fetch, uploads, seen };
}

function memory() {
  const items = new Map();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v), removeItem: (k) => items.delete(k), items };
}

const file = new File([new Uint8Array(1000).map((_, i) => i % 251)], "camera.mp4", { lastModified: 5 });
const noWait = async () => {};

test("a dropped connection costs one piece, and the file arrives whole", async () => {
  const server = fakeServer({ drop: new Set([3]) });
  const retries = [];
  const clip = await sendResumably(file, { visit: "v1" }, {
    fetch: server.fetch, storage: memory(), wait: noWait, pieceBytes: 100,
    onRetry: (seconds, kept) => retries.push([seconds, kept]),
  });
  assert.equal(clip, "clip-1");
  assert.deepEqual(retries, [[1, 200]]);
  assert.equal(server.seen.bytes, 1100); // the dropped piece, once more
  const sent = Buffer.concat(server.uploads.get("u1").data);
  assert.deepEqual(new Uint8Array(sent), new Uint8Array(await file.arrayBuffer()));
  assert.match(Buffer.from(server.uploads.get("u1").metadata.split(",")[1].split(" ")[1], "base64").toString(), /camera.mp4/);
});

test("the server's offset wins: what it kept of a cut piece is not sent again", async () => {
  const server = fakeServer({ drop: new Set([2]), keepPartial: true });
  await sendResumably(file, { visit: "v1" }, { fetch: server.fetch, storage: memory(), wait: noWait, pieceBytes: 100 });
  assert.equal(server.uploads.get("u1").offset, 1000);
  assert.deepEqual(new Uint8Array(Buffer.concat(server.uploads.get("u1").data)).length, 950);
});

test("choosing the same file again goes on with the upload it remembered", async () => {
  const server = fakeServer({ drop: new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) });
  const storage = memory();
  await assert.rejects(
    sendResumably(file, { visit: "v1" }, { fetch: server.fetch, storage, wait: noWait, pieceBytes: 100 }),
    /paused with 10% sent\. Choose the same file again/,
  );
  assert.equal(storage.getItem(fingerprint("v1", file)), "/api/uploads/u1");
  const clip = await sendResumably(file, { visit: "v1" }, { fetch: server.fetch, storage, wait: noWait, pieceBytes: 100 });
  assert.equal(clip, "clip-1");
  assert.equal(server.seen.posts, 1); // the same upload, not a new one
  assert.equal(storage.items.size, 0); // forgotten once it is a clip
});

test("a refusal is said in the server's own words, and the upload is forgotten", async () => {
  const server = fakeServer({ refuse: "The file holds no video vfb can read." });
  const storage = memory();
  await assert.rejects(
    sendResumably(file, { visit: "v1" }, { fetch: server.fetch, storage, wait: noWait, pieceBytes: 400 }),
    /holds no video vfb can read/,
  );
  assert.equal(storage.items.size, 0);
});

test("held today is said in the metadata", async () => {
  const server = fakeServer();
  await sendResumably(file, { visit: "v9", heldToday: true }, { fetch: server.fetch, storage: null, wait: noWait });
  const names = server.uploads.get("u1").metadata.split(",").map((pair) => pair.split(" ")[0]);
  assert.deepEqual(names, ["visit", "filename", "held_today"]);
});
