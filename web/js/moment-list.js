// @ts-check
// The clip's moments beside the video: a compact row each (time, category, a preview of its
// words) and one row open to edit. Every change is saved as it is made (no save button); each
// moment says Saving…/Saved/Not saved, shows a refused change beside the other person's version,
// and emits `moment.select`, `moment.save`, `moment.delete`, `moment.keep` and `moment.retry`
// (the page saves).

import { keepDraft } from "./drafts.js";
import { h, timecode } from "./ui.js";

const TYPING_PAUSE_MS = 700;
const TEXT = "textarea, input:not([type=checkbox])";

/**
 * @typedef {import("./review/moments-store.js").Moment} Moment
 * @typedef {import("./review/moments-store.js").Status} Status
 * @typedef {{ code: string, label: string }} Category
 */

const FIELD_WORDS = /** @type {Record<string, string>} */ ({
  note: "Your note",
  caption: "Caption",
  child_words: "What the child might say",
  category: "Category",
  share_with_carer: "Shared with the carer",
  start_ms: "Start",
  end_ms: "End",
});

export class MomentList extends EventTarget {
  /**
   * @param {{ list: HTMLElement, empty: HTMLElement, categories: Category[],
   *   colour: (code: string) => string, key: (code: string) => string, editable: boolean }} options
   */
  constructor({ list, empty, categories, colour, key, editable, saved = (/** @type {string} */ _id) => null }) {
    super();
    /** the moment as the server has it (the row may show words not yet saved) */
    this.saved = saved;
    this.list = list;
    this.empty = empty;
    this.categories = categories;
    this.colour = colour;
    this.key = key;
    this.editable = editable;
    /** @type {Map<string, ReturnType<typeof setTimeout>>} */
    this.timers = new Map();
    /** @type {Map<string, Status>} */
    this.statuses = new Map();
    /** @type {Moment[]} */
    this.moments = [];
    /** @type {string | null} */
    this.selected = null;
    /** @type {Set<string>} items to build again even while typed in (a conflict came or went) */
    this.stale = new Set();
  }

  /** @param {string} name @param {unknown} detail */
  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  /** @param {string} code */
  label(code) {
    return this.categories.find((c) => c.code === code)?.label ?? code;
  }

  /**
   * Draw the moments, the selected one open to edit. An item whose moment has not changed, or
   * that is being typed in, is kept: rebuilding it would lose the cursor.
   * @param {Moment[]} moments @param {string | null} selectedId
   */
  render(moments, selectedId) {
    this.moments = moments;
    this.selected = selectedId;
    const existing = new Map([...this.list.children].map((li) => [/** @type {HTMLElement} */ (li).dataset.id, /** @type {HTMLElement} */ (li)]));
    this.empty.hidden = moments.length > 0;
    const active = document.activeElement;
    /** @type {{ id: string, part: string } | null} */
    let refocus = null;
    const items = moments.map((moment) => {
      const kept = existing.get(moment.id);
      const key = this.keyOf(moment);
      if (kept && !this.stale.has(moment.id)) {
        const typing = active instanceof HTMLElement && kept.contains(active) && active.matches(TEXT);
        if (kept.dataset.key === key || typing) {
          kept.classList.toggle("selected", moment.id === selectedId);
          kept.dataset.key = key;
          return kept;
        }
      }
      if (kept && active instanceof HTMLElement && kept.contains(active)) {
        refocus = { id: moment.id, part: active.dataset.part ?? "go" };
      }
      this.stale.delete(moment.id);
      return this.item(moment, moment.id === selectedId);
    });
    const same = items.length === this.list.children.length && items.every((item, n) => this.list.children[n] === item);
    if (!same) this.list.replaceChildren(...items);
    if (refocus) {
      const { id, part } = refocus;
      /** @type {HTMLElement | null} */
      const again = this.list.querySelector(`[data-id="${id}"] [data-part="${part}"]`) ?? this.list.querySelector(`[data-id="${id}"] .moment-go`);
      again?.focus();
    }
  }

  /** What an item shows: when it changes, the item is built again. @param {Moment} m */
  keyOf(m) {
    const status = this.statuses.get(m.id);
    return JSON.stringify([
      m.version, m.start_ms, m.end_ms, m.category, m.note, m.caption, m.child_words ?? null,
      m.share_with_carer, m.carer_comments?.length ?? 0, m.id === this.selected, status?.conflict ?? null,
    ]);
  }

  /** Open the moment's editor (and close any other). @param {string | null} id */
  select(id) {
    if (id === this.selected) return;
    this.render(this.moments, id);
    /** @type {HTMLElement | null} */
    const item = id ? this.list.querySelector(`[data-id="${id}"]`) : null;
    item?.scrollIntoView({ block: "nearest" });
  }

  /** @param {Moment} moment @param {boolean} open */
  item(moment, open) {
    const point = moment.end_ms === moment.start_ms;
    const when = point ? timecode(moment.start_ms) : `${timecode(moment.start_ms)} – ${timecode(moment.end_ms)}`;
    const swatch = h("span", { class: "swatch", "aria-hidden": "true" }, this.key(moment.category));
    swatch.style.background = this.colour(moment.category);
    const words = moment.caption || moment.child_words || moment.note || "";
    const go = h(
      "button",
      {
        type: "button",
        class: "moment-go",
        "data-part": "go",
        "aria-expanded": String(open),
      },
      swatch,
      h("span", { class: "moment-time" }, when),
      h("span", { class: "moment-category" }, this.label(moment.category)),
      h("span", { class: "moment-preview" }, open ? "" : words),
    );
    go.addEventListener("click", () => this.emit("moment.select", { id: moment.id, seek: true }));
    const item = h("li", { class: `moment${open ? " selected" : ""}`, "data-id": moment.id, "data-key": this.keyOf(moment) }, go);
    item.style.borderLeftColor = this.colour(moment.category);
    if (open) item.append(this.editable ? this.editor(moment, item) : this.reading(moment));
    return item;
  }

  /** @param {Moment} moment */
  reading(moment) {
    const body = h("div", { class: "moment-editor" });
    if (moment.note) body.append(h("p", { class: "moment-note" }, moment.note));
    if (moment.caption) body.append(h("p", { class: "moment-caption" }, `For the carer: “${moment.caption}”`));
    if (moment.child_words) body.append(h("p", { class: "moment-child-words" }, `What the child might say: “${moment.child_words}”`));
    this.said(body, moment);
    return body;
  }

  /** @param {HTMLElement} body @param {Moment} moment */
  said(body, moment) {
    if (!moment.carer_comments?.length) return;
    body.append(
      h("p", { class: "said-heading" }, "The carer said:"),
      h("ul", { class: "said" }, moment.carer_comments.map((c) => h("li", {}, `“${c.text}”`))),
    );
  }

  /** @param {Moment} moment @param {HTMLElement} item */
  editor(moment, item) {
    const ids = (/** @type {string} */ name) => `${name}-${moment.id}`;
    const status = this.statuses.get(moment.id);
    const held = new Set(Object.keys(status?.conflict?.mine ?? {}));
    const body = h("div", { class: "moment-editor", role: "group", "aria-label": "Edit the moment" });
    const category = h(
      "select",
      { id: ids("category"), class: "moment-field", "data-field": "category", "data-part": "category", disabled: held.has("category") },
      this.categories.map((c) => h("option", { value: c.code, selected: c.code === moment.category }, c.label)),
    );
    const note = h("textarea", { id: ids("note"), class: "moment-field moment-note", rows: "2", maxlength: "2000", "data-field": "note", "data-part": "note" });
    const caption = h("input", { id: ids("caption"), class: "moment-field", maxlength: "200", "data-field": "caption", "data-part": "caption", placeholder: "e.g. You waited until she looked at you" });
    const share = h("input", { id: ids("share"), type: "checkbox", "data-field": "share_with_carer", "data-part": "share", checked: moment.share_with_carer, disabled: held.has("share_with_carer") });
    const texts = [note, caption];
    body.append(
      h("label", { for: ids("category"), class: "visually-hidden" }, "Category"),
      category,
      h("label", { for: ids("note") }, "Your note (only for you and your team)"),
      note,
      h("label", { for: ids("caption") }, "Caption the carer will see"),
      caption,
    );
    if ("child_words" in moment) {
      const child = h("input", { id: ids("child-words"), class: "moment-field", maxlength: "200", "data-field": "child_words", "data-part": "child-words", placeholder: "e.g. I like it when you wait for me" });
      texts.push(child);
      body.append(h("label", { for: ids("child-words") }, "What the child might say (in the carer's words)"), child);
    }
    for (const field of texts) {
      const input = /** @type {HTMLInputElement} */ (field);
      input.value = String(moment[/** @type {string} */ (input.dataset.field)] ?? "");
      if (held.has(/** @type {string} */ (input.dataset.field))) input.readOnly = true;
      else {
        const name = /** @type {string} */ (input.dataset.field);
        const server = /** @type {Record<string, unknown> | null} */ (this.saved(moment.id));
        keepDraft(input, draftKey(moment.clip_id, moment.id, name), server ? String(server[name] ?? "") : input.value);
      }
    }
    const remove = h("button", { type: "button", class: "quiet small", "data-part": "delete", "aria-keyshortcuts": "Delete" }, "Delete");
    remove.addEventListener("click", () => this.emit("moment.delete", { id: moment.id }));
    const saved = h("span", { class: "saved muted", id: ids("saved"), "aria-live": "polite" });
    const retry = h("button", { type: "button", class: "quiet small", "data-part": "retry", hidden: true }, "Try again");
    retry.addEventListener("click", () => this.emit("moment.retry", { id: moment.id }));
    body.append(h("label", { class: "inline", for: ids("share") }, share, "Share with the carer"), h("div", { class: "moment-actions" }, remove, saved, retry));
    if (status?.conflict) body.append(this.conflict(moment, status));
    this.said(body, moment);
    for (const field of [category, share]) field.addEventListener("change", () => this.save(item, /** @type {HTMLInputElement} */ (field)));
    for (const field of texts) {
      const input = /** @type {HTMLInputElement} */ (field);
      input.setAttribute("aria-describedby", ids("saved"));
      input.addEventListener("input", () => this.later(item, input));
      input.addEventListener("blur", () => this.now(item, input));
    }
    this.paint(saved, status);
    return body;
  }

  /** Their version beside yours, and a button to keep each. @param {Moment} moment @param {Status} status */
  conflict(moment, status) {
    const { mine, theirs } = /** @type {NonNullable<Status["conflict"]>} */ (status.conflict);
    const describe = (/** @type {Record<string, unknown>} */ values) =>
      Object.entries(values).map(([field, value]) => {
        const shown = field.endsWith("_ms") ? timecode(Number(value)) : field === "category" ? this.label(String(value)) : typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
        return Object.keys(mine).length > 1 || !["note", "caption", "child_words"].includes(field) ? `${FIELD_WORDS[field] ?? field}: ${shown}` : shown;
      }).join("\n");
    const heading = `conflict-${moment.id}`;
    const keepTheirs = h("button", { type: "button", class: "small quiet", "data-part": "keep-theirs" }, "Keep theirs");
    const keepMine = h("button", { type: "button", class: "small", "data-part": "keep-mine" }, "Keep yours");
    keepTheirs.addEventListener("click", () => this.emit("moment.keep", { id: moment.id, which: "theirs" }));
    keepMine.addEventListener("click", () => this.emit("moment.keep", { id: moment.id, which: "mine" }));
    return h(
      "div",
      { class: "moment-conflict", role: "group", "aria-labelledby": heading },
      h("p", { id: heading }, h("strong", {}, "Not saved: "), "someone else saved a change to this moment after you opened it. Keep either version:"),
      h(
        "div",
        { class: "versions" },
        h("div", { class: "version theirs" }, h("p", {}, "Saved by someone else"), h("blockquote", {}, describe(theirs)), keepTheirs),
        h("div", { class: "version mine" }, h("p", {}, "What you typed"), h("blockquote", {}, describe(mine)), keepMine),
      ),
    );
  }

  /** @param {HTMLElement} item @param {HTMLInputElement} field */
  later(item, field) {
    const key = `${item.dataset.id}:${field.dataset.field}`;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => this.now(item, field), TYPING_PAUSE_MS));
    const slot = item.querySelector(".saved");
    if (slot) {
      slot.textContent = "Not saved yet";
      slot.classList.remove("not-saved");
    }
  }

  /** @param {HTMLElement} item @param {HTMLInputElement} field */
  now(item, field) {
    const key = `${item.dataset.id}:${field.dataset.field}`;
    if (!this.timers.has(key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.save(item, field);
  }

  /** @param {HTMLElement} item @param {HTMLInputElement} field */
  save(item, field) {
    const value = field.type === "checkbox" ? field.checked : field.value;
    this.emit("moment.save", { id: item.dataset.id, changes: { [/** @type {string} */ (field.dataset.field)]: value } });
  }

  /** Any typing not yet saved is saved now (before a reload, leaving the page, or undo). */
  /** @param {string} [only] just this moment's */
  flush(only) {
    for (const key of [...this.timers.keys()]) {
      const [id, name] = key.split(":");
      if (only && id !== only) continue;
      /** @type {HTMLElement | null} */
      const item = this.list.querySelector(`[data-id="${id}"]`);
      /** @type {HTMLInputElement | null | undefined} */
      const field = item?.querySelector(`[data-field="${name}"]`);
      if (item && field) this.now(item, field);
      else this.timers.delete(key);
    }
  }

  /** @param {string} id */
  focusNote(id) {
    if (this.selected !== id) this.select(id);
    /** @type {HTMLTextAreaElement | null} */
    const note = this.list.querySelector(`[data-id="${id}"] textarea`);
    if (note) note.focus();
    return Boolean(note);
  }

  /**
   * Saving…/Saved/Not saved beside the moment; a conflict opens the moment with both versions.
   * @param {string} id @param {Status} status
   */
  showStatus(id, status) {
    const before = this.statuses.get(id);
    this.statuses.set(id, status);
    if (Boolean(before?.conflict) !== Boolean(status.conflict) || (status.conflict && JSON.stringify(before?.conflict) !== JSON.stringify(status.conflict))) {
      if (status.conflict) this.flush(id); // words typed since are part of "yours"
      this.stale.add(id);
      this.render(this.moments, this.selected);
      this.list.querySelector(`[data-id="${id}"] .moment-conflict`)?.scrollIntoView({ block: "end" }); // both buttons in sight
      return;
    }
    /** @type {HTMLElement | null} */
    const slot = this.list.querySelector(`[data-id="${id}"] .saved`);
    if (slot) this.paint(slot, status);
  }

  /** @param {HTMLElement} slot @param {Status | undefined} status */
  paint(slot, status) {
    slot.textContent = status?.conflict ? "Not saved" : status?.message ?? "";
    slot.classList.toggle("not-saved", status?.state === "not-saved" || Boolean(status?.conflict));
    const retry = slot.parentElement?.querySelector("[data-part=retry]");
    if (retry instanceof HTMLElement) retry.hidden = !status?.retry;
  }
}

/** A note, caption or child's words not yet saved is kept on this device (drafts.js) until the
 * server has it. @param {string} clipId @param {string} momentId @param {string} field */
export const draftKey = (clipId, momentId, field) => `review/${clipId}/${momentId}/${field}`;
export const DRAFTED_FIELDS = ["note", "caption", "child_words"];
