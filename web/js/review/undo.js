// @ts-check
// The review page's undo history: each moment change (add, edit, move, delete) is one entry that
// the moments store can reverse and repeat as ordinary saves through the API.

/**
 * @typedef {Record<string, unknown>} Fields
 * @typedef {{ kind: "add", id: string, fields: Fields }
 *   | { kind: "update", id: string, before: Fields, after: Fields }
 *   | { kind: "remove", id: string, fields: Fields }} Change
 */

export class UndoStack {
  /** @param {number} [limit] how many changes are remembered (the oldest are forgotten first) */
  constructor(limit = 200) {
    this.limit = limit;
    /** @type {Change[]} */
    this.done = [];
    /** @type {Change[]} */
    this.undone = [];
  }

  /** A new change: it can be undone, and whatever was undone before can no longer be redone. */
  /** @param {Change} change */
  record(change) {
    this.done.push(change);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  get canUndo() {
    return this.done.length > 0;
  }

  get canRedo() {
    return this.undone.length > 0;
  }

  /** The change to undo now (moved to the redo side), or null. */
  takeUndo() {
    const change = this.done.pop() ?? null;
    if (change) this.undone.push(change);
    return change;
  }

  /** The change to redo now (moved back to the undo side), or null. */
  takeRedo() {
    const change = this.undone.pop() ?? null;
    if (change) this.done.push(change);
    return change;
  }

  /** An undo that could not be saved goes back where it was, so it can be tried again. */
  /** @param {Change} change */
  undoFailed(change) {
    this.undone = this.undone.filter((c) => c !== change);
    this.done.push(change);
  }

  /** @param {Change} change */
  redoFailed(change) {
    this.done = this.done.filter((c) => c !== change);
    this.undone.push(change);
  }

  /** A change the server refused never happened: nothing to undo. */
  /** @param {Change} change */
  forget(change) {
    this.done = this.done.filter((c) => c !== change);
    this.undone = this.undone.filter((c) => c !== change);
  }
}
