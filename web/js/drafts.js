// @ts-check
// Local drafts of text typed and not yet saved: kept in localStorage as the user types (per user,
// page and field), restored when the page is opened again, dropped once the server has the text.

import { knownUser, loadStyles, whoAmI } from "./session-keeper.js";

const PREFIX = "vfb.draft.";
// A draft holds a carer's words on a shared laptop: it is for getting back to, not for keeping.
export const KEEP_FOR_MS = 7 * 24 * 3600_000;
export const RESTORED_WORDS = "Restored what you had typed but not saved.";

/** @typedef {Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">} DraftStorage */

/**
 * The drafts of one browser's storage, for any user (`who`, their id).
 * @param {{ storage: DraftStorage, now?: () => number }} parts
 */
export function createDrafts({ storage, now = () => Date.now() }) {
  const name = (/** @type {string} */ who, /** @type {string} */ key) => `${PREFIX}${who}.${key}`;

  /** The draft's text, or null (none, or too old). */
  function read(/** @type {string} */ who, /** @type {string} */ key) {
    return entry(who, key)?.text ?? null;
  }

  /** What the field held when the draft was begun (the saved text then), or null. */
  function base(/** @type {string} */ who, /** @type {string} */ key) {
    return entry(who, key)?.base ?? null;
  }

  /** @returns {{ text: string, base: string | null } | null} */
  function entry(/** @type {string} */ who, /** @type {string} */ key) {
    const raw = storage.getItem(name(who, key));
    if (raw === null) return null;
    try {
      const { text, base = null, at } = JSON.parse(raw);
      if (typeof text === "string" && now() - at < KEEP_FOR_MS) return { text, base };
    } catch {
      // not one of ours: dropped below
    }
    storage.removeItem(name(who, key));
    return null;
  }

  /** Keep `text`, typed over `base` (an empty field keeps nothing). */
  function keep(
    /** @type {string} */ who,
    /** @type {string} */ key,
    /** @type {string} */ text,
    /** @type {string | null} */ base = null,
  ) {
    if (text.trim()) storage.setItem(name(who, key), JSON.stringify({ text, base, at: now() }));
    else storage.removeItem(name(who, key));
  }

  /** The server has `savedText`: the draft goes if it is that text (not if more was typed since). */
  function saved(/** @type {string} */ who, /** @type {string} */ key, /** @type {string} */ savedText) {
    const text = read(who, key);
    if (text === null || text.trim() !== savedText.trim()) return false;
    storage.removeItem(name(who, key));
    return true;
  }

  /** Forget drafts older than KEEP_FOR_MS, anyone's. */
  function prune() {
    const names = [];
    for (let n = 0; n < storage.length; n += 1) {
      const found = storage.key(n);
      if (found?.startsWith(PREFIX)) names.push(found);
    }
    for (const found of names) {
      const [who, ...key] = found.slice(PREFIX.length).split(".");
      read(who, key.join("."));
    }
  }

  return { read, base, keep, saved, prune };
}

/** @type {ReturnType<typeof createDrafts> | null} */
let pageDrafts = null;
function drafts() {
  if (!pageDrafts) {
    pageDrafts = createDrafts({ storage: localStorage });
    pageDrafts.prune();
  }
  return pageDrafts;
}

// whose drafts: known from the page's start, so typing after the sign-in has ended is kept too
const owner = () => {
  const user = knownUser();
  return user ? Promise.resolve(user.id) : whoAmI().then((now) => now.user.id);
};

/** @type {WeakMap<HTMLInputElement | HTMLTextAreaElement, { key: string, base: string }>} */
const bound = new WeakMap();
/** @type {Map<string, HTMLInputElement | HTMLTextAreaElement>} */
const fields = new Map();
// A draft is put back once, when the page opens: a field rebuilt later (say, after a refused
// save reloaded the moment) shows the server's text, not the draft over it.
const offered = new Set();

/**
 * Keep what is typed in `field` as the draft `key` (e.g. `joint-review/<clip>/<moment>/said`),
 * and put back a draft left from before. Called again with another key, the field keeps that one.
 * A restored draft fires `input`, as typing would, so a page that saves as you type saves it.
 * @param {HTMLInputElement | HTMLTextAreaElement} field
 * @param {string} key
 * @param {string} [savedText] the server's text for the field (default: what the field shows); a
 *   draft equal to it is done, one equal only to what the field shows is still unsaved
 */
export function keepDraft(field, key, savedText = field.value) {
  let binding = bound.get(field);
  if (!binding) {
    const kept = { key, base: field.value };
    binding = kept;
    bound.set(field, kept);
    field.addEventListener("input", () => {
      const { key: typedFor, base } = kept;
      const text = field.value;
      owner().then((who) => drafts().keep(who, typedFor, text, base), () => {});
    });
  }
  const here = binding;
  here.key = key;
  here.base = field.value;
  const first = !offered.has(key);
  offered.add(key);
  fields.set(key, field);
  restoredNote(field)?.remove();
  const shown = field.value;
  owner().then((who) => {
    if (bound.get(field)?.key !== key) return; // moved on to another moment meanwhile
    const text = drafts().read(who, key);
    if (text === null) return;
    if (text === savedText) {
      drafts().saved(who, key, savedText); // the server has these words: done
      return;
    }
    if (text === shown) return; // on screen, still unsaved (a refused save keeps them there)
    if (!first || field.value !== shown) return; // typed into already: what is there wins
    const saved = drafts().base(who, key);
    field.value = text;
    here.base = saved ?? shown;
    if (shown !== "" && saved !== null && saved !== shown) {
      // Someone saved another text since this draft was begun: put it back, but do not save it
      // over theirs unasked.
      showRestored(field, `${RESTORED_WORDS} The saved text has changed since: “${shown}”.`);
      return;
    }
    showRestored(field);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }, () => {});
}

/** The server now has `savedText` for `key`: drop the draft (unless more was typed since). */
export function draftSaved(/** @type {string} */ key, /** @type {string} */ savedText) {
  const field = fields.get(key);
  const binding = field ? bound.get(field) : undefined;
  if (binding?.key === key) binding.base = savedText; // what later typing is typed over
  return owner().then((who) => {
    if (!drafts().saved(who, key, savedText)) return;
    if (field && bound.get(field)?.key === key) restoredNote(field)?.remove();
  }, () => {});
}

function restoredNote(/** @type {HTMLElement} */ field) {
  const next = field.nextElementSibling;
  return next?.classList.contains("draft-restored") ? next : null;
}

function showRestored(/** @type {HTMLInputElement | HTMLTextAreaElement} */ field, words = RESTORED_WORDS) {
  loadStyles();
  const note = document.createElement("p");
  note.className = "draft-restored";
  note.setAttribute("role", "status");
  note.id = `${field.id || "field"}-restored`;
  note.textContent = words;
  field.after(note);
}

/**
 * The keys under `prefix` that hold a draft on this device for the signed-in user, so a page can
 * open what was left unsaved.
 * @param {string} prefix
 * @returns {Promise<string[]>}
 */
export function draftsUnder(prefix) {
  return owner().then((who) => {
    const start = `${PREFIX}${who}.${prefix}`;
    const found = [];
    for (let n = 0; n < localStorage.length; n += 1) {
      const name = localStorage.key(n);
      if (name?.startsWith(start)) {
        const key = name.slice(`${PREFIX}${who}.`.length);
        if (drafts().read(who, key) !== null) found.push(key);
      }
    }
    return found;
  }, () => []);
}
