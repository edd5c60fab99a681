// @ts-check
// Warns a minute before the sign-in's idle limit ends ("Stay signed in"), from what the server says
// is left; the latest answer any tab of this browser had is shared through localStorage.

import { api } from "./api.js";

const ENDS_AT = "vfb.session.ends-at";
const MINUTE_MS = 60_000;

/** @typedef {{ id: string, username: string, role: string }} User */
/** @typedef {{ user: User, idle_ms: number, ends_in_ms: number }} SignInNow */

/** How long before the end to warn: a minute, or a tenth of a shorter limit. */
export function leadFor(idleMs) {
  return Math.min(MINUTE_MS, idleMs / 10);
}

/**
 * What to show at `now` for a sign-in ending at `endsAt`, and when to look again.
 * @returns {{ show: "nothing" | "warning" | "ended", wakeAt: number | null }}
 */
export function decide(now, endsAt, leadMs) {
  if (now >= endsAt) return { show: "ended", wakeAt: null };
  if (now >= endsAt - leadMs) return { show: "warning", wakeAt: endsAt };
  return { show: "nothing", wakeAt: endsAt - leadMs };
}

/** "1 minute", "2 minutes", "6 seconds": the time left, in words. */
export function inWords(ms) {
  if (ms >= MINUTE_MS - 500) {
    const minutes = Math.round(ms / MINUTE_MS);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

/** @type {Promise<SignInNow> | null} */
let asked = null;
/** @type {SignInNow | null} */
let known = null;

/** Who is signed in on this page and the idle limit (asked once). */
export function whoAmI() {
  asked ??= api("/api/auth/session").then(
    (now) => {
      known = now;
      schedule();
      return now;
    },
    (error) => {
      asked = null; // refused (the sign-in had ended): ask again next time
      throw error;
    },
  );
  return asked;
}

/** The user signed in on this page, if known yet. */
export function knownUser() {
  return known?.user ?? null;
}

/** After signing in again in the dialog: a whole idle limit from now. */
export function signedInAgain(/** @type {User} */ user) {
  if (known) known = { ...known, user };
  if (known) noteEndsAt(Date.now() + known.idle_ms);
}

/** A signed-in answer said the sign-in ends at `endsAt` (ms since the epoch, this browser's). */
export function noteEndsAt(endsAt) {
  // Only a real change is written: other tabs wake on every write.
  const stored = Number(localStorage.getItem(ENDS_AT));
  if (Math.abs(stored - endsAt) > 1000) localStorage.setItem(ENDS_AT, String(endsAt));
  schedule();
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
/** @type {HTMLElement | null} */
let banner = null;

function schedule() {
  clearTimeout(timer);
  const endsAt = Number(localStorage.getItem(ENDS_AT));
  if (!known || !endsAt) return;
  const now = Date.now();
  const { show, wakeAt } = decide(now, endsAt, leadFor(known.idle_ms));
  if (show === "nothing") banner?.remove();
  else showBanner(show, endsAt - now);
  if (wakeAt !== null) timer = setTimeout(schedule, Math.max(0, wakeAt - now));
}

function showBanner(/** @type {"warning" | "ended"} */ show, /** @type {number} */ left) {
  if (!banner) {
    banner = document.createElement("div");
    banner.className = "session-banner";
    banner.setAttribute("role", "alert");
    const words = document.createElement("span");
    const button = document.createElement("button");
    button.type = "button";
    // Any signed-in request keeps the sign-in going; once it has ended, the same request opens
    // the dialog to sign in again.
    button.addEventListener("click", () => {
      button.disabled = true;
      api("/api/users/me")
        .catch(() => {})
        .finally(() => (button.disabled = false));
    });
    banner.append(words, " ", button);
    loadStyles();
  }
  const [words, button] = /** @type {[HTMLElement, HTMLButtonElement]} */ ([...banner.children]);
  banner.dataset.show = show;
  words.textContent =
    show === "warning" ? `You will be signed out in ${inWords(left)}.` : "Your sign-in has ended.";
  button.textContent = show === "warning" ? "Stay signed in" : "Sign in again";
  if (!banner.isConnected) document.body.prepend(banner);
}

/** The banner's and the dialog's styles, linked on first use (no page needs to load them). */
export function loadStyles() {
  const href = "/static/css/session.css";
  const found = document.querySelector(`link[href="${href}"]`);
  if (found) return Promise.resolve();
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  const loaded = new Promise((resolve) => {
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve);
  });
  document.head.append(link);
  return loaded;
}

// Another tab's answer (or its sign-in again) moves the end for this one too.
if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key === ENDS_AT) schedule();
  });
  whoAmI().catch(() => {});
}
