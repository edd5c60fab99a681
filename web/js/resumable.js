// @ts-check
// Sending a video file so that a dropped signal costs at most one piece: vfb's resumable
// uploads (tus 1.0 at /api/uploads). Each piece carries its SHA-256 where the browser can work
// one out (crypto.subtle: on https, or on this computer), so a damaged piece is refused and sent
// again. When the connection drops, it waits, asks the server how much it has, and carries on
// where the server left off; and it remembers the upload, so that choosing the same file again
// after the page was closed carries on too.

export const PIECE_BYTES = 8 * 1024 * 1024;
const TUS = { "Tus-Resumable": "1.0.0" };
const WAITS_S = [1, 2, 4, 8, 15, 30, 30, 30, 30, 30]; // about four minutes of trying, then stop

/**
 * @typedef {object} Sending
 * @property {(sent: number, total: number) => void} [onProgress] bytes the server has kept
 * @property {(seconds: number, kept: number) => void} [onRetry] the connection dropped: trying again in `seconds`
 * @property {Record<string, string>} [headers] sent with every request (the page's CSRF header)
 * @property {typeof fetch} [fetch]
 * @property {Pick<Storage, "getItem" | "setItem" | "removeItem"> | null} [storage] where uploads are remembered
 * @property {(ms: number) => Promise<void>} [wait]
 * @property {(data: ArrayBuffer) => Promise<ArrayBuffer | null>} [digest] SHA-256, or null where there is none
 * @property {number} [pieceBytes]
 */

/** What identifies an upload of this file into this visit, to find it again. */
export function fingerprint(/** @type {string} */ visit, /** @type {File} */ file) {
  return `vfb-upload:${visit}:${file.name}:${file.size}:${file.lastModified}`;
}

/** @param {string} text */
function base64(text) {
  return bytesToBase64(new TextEncoder().encode(text));
}

/** @param {Uint8Array} bytes */
function bytesToBase64(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** @param {ArrayBuffer} data */
async function sha256(data) {
  const subtle = globalThis.crypto?.subtle;
  return subtle ? subtle.digest("SHA-256", data) : null;
}

class Dropped extends Error {}

class Refused extends Error {
  constructor(/** @type {string} */ message, /** @type {number} */ status) {
    super(message);
    this.status = status;
  }
}

/**
 * Send `file` into the visit; resolves with the id of the clip it became.
 * @param {File} file
 * @param {{ visit: string, heldToday?: boolean }} into
 * @param {Sending} [how]
 * @returns {Promise<string>}
 */
export async function sendResumably(file, into, how = {}) {
  const call = how.fetch ?? globalThis.fetch.bind(globalThis);
  const storage = how.storage === undefined ? globalThis.localStorage ?? null : how.storage;
  const wait = how.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const digest = how.digest ?? sha256;
  const pieceBytes = how.pieceBytes ?? PIECE_BYTES;
  const key = fingerprint(into.visit, file);

  /** @param {string} method @param {string} url @param {Record<string, string>} [headers] @param {BodyInit} [body] */
  async function request(method, url, headers = {}, body) {
    try {
      return await call(url, { method, headers: { ...TUS, ...how.headers, ...headers }, body, credentials: "same-origin" });
    } catch {
      throw new Dropped(); // the network, not the server
    }
  }

  /** @param {Response} response */
  async function refusal(response) {
    let detail = null;
    try {
      detail = (await response.json()).detail;
    } catch {
      // no words came with it
    }
    return new Refused(detail ?? `vfb refused the upload (${response.status}).`, response.status);
  }

  /** Where the server is with `url`: its offset and its clip, or null if it has no such upload. */
  async function where(/** @type {string} */ url) {
    const head = await request("HEAD", url);
    if (head.status === 404 || head.status === 410) return null;
    if (head.status >= 500) throw new Dropped();
    if (!head.ok) throw await refusal(head);
    return { offset: Number(head.headers.get("Upload-Offset")), clip: head.headers.get("Vfb-Clip-Id") };
  }

  async function create() {
    const metadata = [["visit", into.visit], ["filename", file.name]];
    if (into.heldToday) metadata.push(["held_today", "true"]);
    const made = await request("POST", "/api/uploads", {
      "Upload-Length": String(file.size),
      "Upload-Metadata": metadata.map(([name, value]) => `${name} ${base64(value)}`).join(","),
    });
    if (made.status >= 500) throw new Dropped();
    if (made.status !== 201) throw await refusal(made);
    const url = /** @type {string} */ (made.headers.get("Location"));
    storage?.setItem(key, url);
    return url;
  }

  let url = storage?.getItem(key) ?? null;
  let at = url ? await where(url).catch(() => null) : null;
  if (at === null) {
    url = await create();
    at = { offset: 0, clip: null };
  }
  const upload = /** @type {string} */ (url);
  let failures = 0;
  let offset = at.offset;
  let clip = at.clip;
  while (!clip) {
    try {
      const piece = await file.slice(offset, offset + pieceBytes).arrayBuffer();
      const sum = await digest(piece);
      const headers = { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) };
      if (sum) Object.assign(headers, { "Upload-Checksum": `sha256 ${bytesToBase64(new Uint8Array(sum))}` });
      const sent = await request("PATCH", upload, headers, piece);
      if (sent.status === 409 || sent.status === 460 || sent.status >= 500) throw new Dropped();
      if (sent.status !== 204) throw await refusal(sent);
      offset = Number(sent.headers.get("Upload-Offset"));
      clip = sent.headers.get("Vfb-Clip-Id");
      failures = 0;
      how.onProgress?.(offset, file.size);
    } catch (error) {
      if (!(error instanceof Dropped)) {
        // refused for good: forgotten; a sign-in that ended keeps it, to go on once signed in
        if (error instanceof Refused && ![401, 403].includes(error.status)) storage?.removeItem(key);
        throw error;
      }
      if (failures >= WAITS_S.length) {
        throw new Error(
          `The connection to vfb keeps dropping, so the upload has paused with ${percent(offset, file.size)} sent. ` +
            "Choose the same file again when the signal is back: it goes on from there.",
        );
      }
      how.onRetry?.(WAITS_S[failures], offset);
      await wait(WAITS_S[failures] * 1000);
      failures += 1;
      const now = await where(upload).catch(() => undefined);
      if (now === null) {
        storage?.removeItem(key);
        throw new Error("vfb no longer has this upload (it was stopped, or left for a week). Choose the file again to send it from the start.");
      }
      if (now) ({ offset, clip } = now);
    }
  }
  storage?.removeItem(key);
  how.onProgress?.(file.size, file.size);
  return clip;
}

/** "43%" of `total` */
export function percent(/** @type {number} */ part, /** @type {number} */ total) {
  return `${total ? Math.floor((100 * part) / total) : 0}%`;
}
