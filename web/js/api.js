// @ts-check
// Talking to the vfb API from a page: JSON in and out, the CSRF header on every change, errors in
// plain words. When the sign-in has ended, the user signs in again in a dialog on the same page and
// every request that was waiting is then sent, in order: nothing typed is lost.

export class ApiError extends Error {
  /**
   * @param {number} status @param {string} code @param {string} detail
   * @param {Record<string, string>} [fields] what is wrong with each field sent (a 422), by name
   */
  constructor(status, code, detail, fields = {}) {
    super(detail);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** @typedef {{ method?: string, body?: unknown, form?: any }} ApiOptions */
/** @typedef {"same" | "other" | "cancelled"} SignInOutcome */

/** The header in which every signed-in answer says how long the sign-in has left (ms). */
export const ENDS_IN_HEADER = "X-Session-Ends-In";

export const NOT_SENT_CANCELLED =
  "Not sent: you are not signed in. What you typed is still here; sign in again to send it.";
export const NOT_SENT_SOMEONE_ELSE =
  "Not sent: someone else signed in on this page. What you typed is kept on this device for you.";

/**
 * An API client. `signInAgain` asks the user to sign in again (once, however many requests are
 * waiting) and says whether the same user came back; `onEndsAt` hears when the sign-in ends
 * (counted from when the request was sent, so never later than the server's own reckoning).
 * @param {{
 *   fetch: typeof fetch,
 *   csrf: () => string,
 *   signInAgain: () => Promise<SignInOutcome>,
 *   onEndsAt?: (at: number) => void,
 *   now?: () => number,
 * }} parts
 */
export function createApiClient({ fetch, csrf, signInAgain, onEndsAt = () => {}, now = Date.now }) {
  /** @type {{ path: string, options: ApiOptions, resolve: (v: any) => void, reject: (e: unknown) => void }[]} */
  const waiting = [];
  /** @type {Promise<void> | null} */
  let asking = null;
  // Counts sign-ins made in the dialog: a request sent before one and refused after it is not
  // "waiting" for another dialog, it is sent again at once (same user) or dropped (someone else).
  let signIns = 0;
  /** @type {SignInOutcome} */
  let lastOutcome = "cancelled";

  /** @param {string} path @param {ApiOptions} [options] @returns {Promise<any>} */
  async function api(path, options = {}) {
    const { method = "GET", body, form } = options;
    /** @type {Record<string, string>} */
    const headers = { Accept: "application/json" };
    let payload;
    if (form !== undefined) {
      payload = new URLSearchParams(form);
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    if (method !== "GET") headers["X-CSRF-Token"] = csrf();
    const sentAfter = signIns;
    const sentAt = now();
    let response;
    try {
      response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
    } catch {
      throw new ApiError(0, "offline", "Could not reach vfb. Check that it is still running.");
    }
    const endsIn = Number(response.headers.get(ENDS_IN_HEADER));
    if (response.headers.has(ENDS_IN_HEADER) && Number.isFinite(endsIn)) onEndsAt(sentAt + endsIn);
    if (response.status === 401 && !path.startsWith("/api/auth/")) {
      if (sentAfter !== signIns) {
        if (lastOutcome === "same") return api(path, options);
        throw new ApiError(401, "someone_else", NOT_SENT_SOMEONE_ELSE);
      }
      return wait(path, options);
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = data?.detail ?? `vfb answered ${response.status}.`;
      const fields = data?.fields && typeof data.fields === "object" ? data.fields : {};
      throw new ApiError(response.status, data?.error ?? "error", detail, fields);
    }
    return data;
  }

  /** @param {string} path @param {ApiOptions} options */
  function wait(path, options) {
    return new Promise((resolve, reject) => {
      waiting.push({ path, options, resolve, reject });
      asking ??= ask();
    });
  }

  async function ask() {
    /** @type {SignInOutcome} */
    let outcome;
    try {
      outcome = await signInAgain();
    } catch {
      outcome = "cancelled";
    }
    if (outcome !== "cancelled") {
      signIns += 1;
      lastOutcome = outcome;
    }
    asking = null;
    // One at a time, in the order they were made: a note saved twice must end as the later text.
    for (const request of waiting.splice(0)) {
      if (outcome === "same") {
        await api(request.path, request.options).then(request.resolve, request.reject);
      } else if (outcome === "other") {
        request.reject(new ApiError(401, "someone_else", NOT_SENT_SOMEONE_ELSE));
      } else {
        request.reject(new ApiError(401, "not_signed_in", NOT_SENT_CANCELLED));
      }
    }
  }

  return { api, waitingCount: () => waiting.length };
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)vfb_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function goToSignIn() {
  const next = encodeURIComponent(location.pathname);
  location.assign(`/signin?next=${next}`);
}

// The page's own client. The dialog and the idle warning load only on a signed-in page, when first
// needed (dynamic imports also keep this module free of the page for `node --test`).
const client = createApiClient({
  fetch: (...args) => globalThis.fetch(...args),
  csrf: csrfToken,
  signInAgain: async () => (await import("./sign-in-again.js")).signInAgain(),
  onEndsAt: (at) => {
    import("./session-keeper.js").then((keeper) => keeper.noteEndsAt(at));
  },
});

export const api = client.api;

export async function signOut() {
  try {
    await api("/api/auth/sign-out", { method: "POST" });
  } finally {
    location.assign("/signin");
  }
}
