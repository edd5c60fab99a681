// @ts-check
// The clip's moments on the review page: added, changed and deleted through the API, each moment's
// saves sent in order on its latest version, a refused (stale) change kept beside the other
// person's version until the worker chooses, and every change undoable. Emits `moments.change`
// (the moments to draw) and `moment.status` (Saving…/Saved/Not saved/a conflict, per moment).

import { UndoStack } from "./undo.js";

/**
 * @typedef {{ id: string, start_ms: number, end_ms: number, category: string, note: string,
 *   caption: string, share_with_carer: boolean, version: number, child_words?: string,
 *   carer_comments?: { text: string }[], [field: string]: unknown }} Moment
 * @typedef {Record<string, unknown>} Changes
 * @typedef {(path: string, options?: { method?: string, body?: unknown }) => Promise<any>} Api
 * @typedef {{ mine: Changes, theirs: Changes }} Conflict
 * @typedef {{ state: "saving" | "saved" | "not-saved" | "conflict", message: string,
 *   conflict: Conflict | null, retry: boolean }} Status
 * @typedef {import("./undo.js").Change} Change
 * @typedef {{ changes: Changes, entry: Change | null, cancelled: boolean }} Pending
 */

/** What a worker can change on a moment (child_words only once the server has it). */
export const FIELDS = ["start_ms", "end_ms", "category", "note", "caption", "child_words", "share_with_carer"];
/** Typed words: a refused one stays on screen to be sent again, never silently dropped. */
const WORDS = ["note", "caption", "child_words"];

/**
 * @param {Record<string, unknown>} source
 * @param {string[]} keys
 * @returns {Changes}
 */
function pick(source, keys) {
  /** @type {Changes} */
  const out = {};
  for (const key of keys) if (key in source) out[key] = source[key];
  return out;
}

/** @param {Moment} a @param {Moment} b */
export function byTime(a, b) {
  return a.start_ms - b.start_ms || a.end_ms - b.end_ms || a.id.localeCompare(b.id);
}

export class MomentsStore extends EventTarget {
  /**
   * @param {{ clipId: string, api: Api, history?: UndoStack }} options `api` is web/js/api.js's
   *   `api` on the page; tests pass their own.
   */
  constructor({ clipId, api, history = new UndoStack() }) {
    super();
    this.clipId = clipId;
    this.api = api;
    this.history = history;
    /** @type {Map<string, Moment>} what the server last confirmed */
    this.server = new Map();
    /** @type {Map<string, Pending[]>} changes made here and not yet confirmed, in order */
    this.pending = new Map();
    /** @type {Map<string, Promise<unknown>>} each moment's save queue */
    this.queues = new Map();
    /** @type {Map<string, Status>} */
    this.statuses = new Map();
    /** @type {Map<string, Conflict>} */
    this.conflicts = new Map();
    /** @type {Map<string, Changes>} words the server refused: still shown, sent on "Try again" */
    this.unsent = new Map();
    /** @type {Map<string, string>} a moment deleted and made again by undo/redo: old id → new id */
    this.aliases = new Map();
    /** @type {Promise<unknown>} undo and redo, one at a time */
    this.replaying = Promise.resolve();
  }

  /** @param {string} name @param {unknown} detail */
  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  /** The moments as the worker sees them (their unsaved changes included), in time order. */
  get moments() {
    return [...this.server.keys()].map((id) => /** @type {Moment} */ (this.get(id))).sort(byTime);
  }

  /** @param {string} id @returns {Moment | null} */
  get(id) {
    const saved = this.server.get(this.resolve(id));
    if (!saved) return null;
    const waiting = (this.pending.get(saved.id) ?? []).map((p) => p.changes);
    return /** @type {Moment} */ ({ ...saved, ...this.unsent.get(saved.id), ...Object.assign({}, ...waiting) });
  }

  /** @param {string} id @returns {Status | null} */
  status(id) {
    return this.statuses.get(this.resolve(id)) ?? null;
  }

  /** The id a moment has now (undo of a delete makes it again, with a new id). */
  /** @param {string} id */
  resolve(id) {
    let current = id;
    while (this.aliases.has(current)) current = /** @type {string} */ (this.aliases.get(current));
    return current;
  }

  /** @param {string} reason @param {string | null} id */
  changed(reason, id) {
    this.emit("moments.change", { reason, id, moments: this.moments });
  }

  /** @param {string} id @param {Status["state"]} state @param {string} [message] */
  setStatus(id, state, message = "") {
    const held = this.conflicts.get(id);
    // a copy: the list compares what it was last shown with what it is shown now
    const conflict = held ? { mine: { ...held.mine }, theirs: { ...held.theirs } } : null;
    const status = { state, message, conflict, retry: this.unsent.has(id) };
    this.statuses.set(id, status);
    this.emit("moment.status", { id, ...status });
  }

  async load() {
    /** @type {Moment[]} */
    const found = await this.api(`/api/clips/${this.clipId}/moments`);
    this.server = new Map(found.map((m) => [m.id, m]));
    for (const id of [...this.pending.keys()]) if (!this.server.has(id)) this.pending.delete(id);
    this.changed("load", null);
    return this.moments;
  }

  /**
   * Mark a moment. Throws the API's error (in words) when it is refused.
   * @param {Changes} fields start_ms, end_ms, category and any of the others
   * @param {{ record?: boolean }} [options]
   * @returns {Promise<Moment>}
   */
  async add(fields, { record = true } = {}) {
    /** @type {Moment} */
    const made = await this.api(`/api/clips/${this.clipId}/moments`, { method: "POST", body: fields });
    this.server.set(made.id, made);
    if (record) this.history.record({ kind: "add", id: made.id, fields: this.fieldsOf(made) });
    this.changed("add", made.id);
    return made;
  }

  /** @param {Moment} moment */
  fieldsOf(moment) {
    return pick(moment, FIELDS);
  }

  /**
   * Change a moment: shown at once, saved after any earlier change to it. Resolves to whether it
   * was saved; a refusal is reported by `moment.status`, never thrown.
   * @param {string} id
   * @param {Changes} changes
   * @param {{ record?: boolean }} [options]
   * @returns {Promise<boolean>}
   */
  update(id, changes, { record = true } = {}) {
    const current = this.resolve(id);
    const shown = this.get(current);
    if (!shown) return Promise.resolve(false);
    const conflict = this.conflicts.get(current);
    /** @type {Changes} */
    const diff = {};
    for (const [key, value] of Object.entries(changes)) {
      if (conflict && key in conflict.mine) {
        conflict.mine[key] = value; // held until the worker chooses between the two versions
      } else if (shown[key] !== value) {
        diff[key] = value;
      }
    }
    if (conflict) this.setStatus(current, "conflict", this.statuses.get(current)?.message);
    const unsent = this.unsent.get(current);
    if (unsent) {
      for (const key of Object.keys(diff)) delete unsent[key]; // sent again with this change
      if (!Object.keys(unsent).length) this.unsent.delete(current);
    }
    if (!Object.keys(diff).length) return Promise.resolve(true);
    /** @type {Change | null} */
    const entry = record ? { kind: "update", id: current, before: pick(shown, Object.keys(diff)), after: diff } : null;
    if (entry) this.history.record(entry);
    /** @type {Pending} */
    const job = { changes: diff, entry, cancelled: false };
    this.pending.set(current, [...(this.pending.get(current) ?? []), job]);
    this.changed("update", current);
    if (!conflict) this.setStatus(current, "saving", "Saving…");
    return this.enqueue(current, () => this.send(current, job));
  }

  /**
   * @template T
   * @param {string} id
   * @param {() => Promise<T>} work
   * @returns {Promise<T>}
   */
  enqueue(id, work) {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(work);
    this.queues.set(id, next.catch(() => {}));
    return next;
  }

  /** @param {string} id @param {Pending} job */
  async send(id, job) {
    if (job.cancelled) return false;
    const saved = this.server.get(id);
    if (!saved) return false;
    try {
      /** @type {Moment} */
      const answer = await this.api(`/api/moments/${id}`, {
        method: "PATCH",
        body: { version: saved.version, ...job.changes },
      });
      this.server.set(id, answer);
      this.settle(id, job);
      this.changed("saved", id);
      if (!this.conflicts.has(id) && !this.pending.get(id)?.length) this.setStatus(id, "saved", "Saved");
      return true;
    } catch (error) {
      const refused = /** @type {{ status?: number, message?: string }} */ (error);
      if (refused.status === 409) await this.conflicted(id, job, refused.message ?? "");
      else this.refused(id, job, refused.message ?? String(error));
      return false;
    }
  }

  /** @param {string} id @param {Pending} job */
  settle(id, job) {
    const rest = (this.pending.get(id) ?? []).filter((p) => p !== job);
    if (rest.length) this.pending.set(id, rest);
    else this.pending.delete(id);
  }

  /**
   * Refused for a reason other than someone else's change: the moment goes back to what is saved
   * (the list keeps what was typed on screen) and the reason is shown beside it.
   * @param {string} id @param {Pending} job @param {string} message
   */
  refused(id, job, message) {
    this.settle(id, job);
    const words = pick(job.changes, WORDS);
    if (Object.keys(words).length) this.unsent.set(id, { ...this.unsent.get(id), ...words });
    if (job.entry) this.history.forget(job.entry);
    this.changed("refused", id);
    this.setStatus(id, "not-saved", `Not saved: ${message}`);
  }

  /**
   * Someone saved a change after this page loaded the moment: fetch their version, and keep this
   * change (with any waiting behind it) beside it until the worker chooses.
   * @param {string} id @param {Pending} job @param {string} message
   */
  async conflicted(id, job, message) {
    const waiting = this.pending.get(id) ?? [];
    const from = Math.max(0, waiting.indexOf(job));
    const mine = /** @type {Changes} */ ({ ...this.conflicts.get(id)?.mine });
    for (const later of waiting.slice(from)) {
      later.cancelled = true;
      Object.assign(mine, later.changes);
      if (later.entry) this.history.forget(later.entry);
    }
    this.pending.set(id, waiting.slice(0, from));
    /** @type {Moment[]} */
    let found = [];
    try {
      found = await this.api(`/api/clips/${this.clipId}/moments`);
    } catch (error) {
      this.changed("refused", id);
      this.setStatus(id, "not-saved", `Not saved: ${message} ${/** @type {Error} */ (error).message}`);
      return;
    }
    const theirs = found.find((m) => m.id === id);
    if (!theirs) {
      this.server.delete(id);
      this.pending.delete(id);
      this.conflicts.delete(id);
      this.changed("gone", id);
      this.setStatus(id, "not-saved", "Not saved: someone else deleted this moment.");
      return;
    }
    this.server.set(id, theirs);
    this.conflicts.set(id, { mine, theirs: pick(theirs, Object.keys(mine)) });
    this.changed("conflict", id);
    this.setStatus(id, "conflict", message);
  }

  /** Send again the words the server refused (after the worker has read why). */
  /** @param {string} id */
  retry(id) {
    const current = this.resolve(id);
    const words = this.unsent.get(current);
    if (!words) return Promise.resolve(true);
    this.unsent.delete(current);
    return this.update(current, words);
  }

  /** Keep the other person's version: what was typed here is dropped, on the worker's word. */
  /** @param {string} id */
  keepTheirs(id) {
    const current = this.resolve(id);
    if (!this.conflicts.delete(current)) return;
    this.changed("theirs", current);
    this.setStatus(current, "saved", "Kept the other version");
  }

  /** Keep this worker's version: sent again, on the version now saved. */
  /** @param {string} id */
  keepMine(id) {
    const current = this.resolve(id);
    const conflict = this.conflicts.get(current);
    if (!conflict) return Promise.resolve(false);
    this.conflicts.delete(current);
    const saving = this.update(current, conflict.mine);
    if (!this.pending.get(current)?.length) this.setStatus(current, "saved", "Saved");
    return saving;
  }

  /**
   * Delete a moment (after any save of it still on its way).
   * @param {string} id
   * @param {{ record?: boolean }} [options]
   * @returns {Promise<boolean>}
   */
  remove(id, { record = true } = {}) {
    const current = this.resolve(id);
    return this.enqueue(current, async () => {
      const shown = this.get(current);
      if (!shown) return false;
      try {
        await this.api(`/api/moments/${current}`, { method: "DELETE" });
      } catch (error) {
        this.setStatus(current, "not-saved", `Not deleted: ${/** @type {Error} */ (error).message}`);
        return false;
      }
      this.server.delete(current);
      this.pending.delete(current);
      this.conflicts.delete(current);
      this.unsent.delete(current);
      this.statuses.delete(current);
      if (record) this.history.record({ kind: "remove", id: current, fields: this.fieldsOf(shown) });
      this.changed("remove", current);
      return true;
    });
  }

  /** Undo the latest change. Resolves to the change undone (or null when there was none). */
  undo() {
    return this.replay(() => this.history.takeUndo(), (c) => this.reverse(c), (c) => this.history.undoFailed(c));
  }

  /** Redo the latest change undone. */
  redo() {
    return this.replay(() => this.history.takeRedo(), (c) => this.repeat(c), (c) => this.history.redoFailed(c));
  }

  /**
   * @param {() => Change | null} take
   * @param {(change: Change) => Promise<boolean>} apply
   * @param {(change: Change) => void} failed
   * @returns {Promise<Change | null>}
   */
  replay(take, apply, failed) {
    const run = this.replaying.then(async () => {
      const change = take();
      if (!change) return null;
      let done = false;
      try {
        done = await apply(change);
      } catch (error) {
        this.emit("store.error", { message: /** @type {Error} */ (error).message });
      }
      if (!done) {
        failed(change);
        throw new Error("That change could not be undone or redone: see the moment for why.");
      }
      return change;
    });
    this.replaying = run.catch(() => {});
    return run;
  }

  /** @param {Change} change */
  async reverse(change) {
    if (change.kind === "add") return this.remove(change.id, { record: false });
    if (change.kind === "update") return this.update(change.id, change.before, { record: false });
    return this.remake(change);
  }

  /** @param {Change} change */
  async repeat(change) {
    if (change.kind === "add") return this.remake(change);
    if (change.kind === "update") return this.update(change.id, change.after, { record: false });
    return this.remove(change.id, { record: false });
  }

  /** Make a deleted moment again; later entries naming its old id find the new one. */
  /** @param {{ id: string, fields: Changes }} change */
  async remake(change) {
    const made = await this.add(change.fields, { record: false });
    const old = this.resolve(change.id);
    if (old !== made.id) this.aliases.set(old, made.id);
    return true;
  }
}
