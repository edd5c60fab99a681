// The clip's moments as a real, accessible list beside the video: time, category, note, caption,
// sharing and what the carer said. Every change is saved as it is made (no save button); the list
// emits `moment.select`, `moment.save` and `moment.delete`, and the page talks to the API.

import { draftSaved, keepDraft } from "./drafts.js";
import { h, timecode } from "./ui.js";

const TYPING_PAUSE_MS = 700;

export class MomentList extends EventTarget {
  constructor({ list, empty, categories, colour, key, editable }) {
    super();
    Object.assign(this, { list, empty, categories, colour, key, editable });
    this.timers = new Map();
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  label(code) {
    return this.categories.find((c) => c.code === code)?.label ?? code;
  }

  render(moments, selectedId) {
    // Keep an item whose moment has not changed (or is being typed in): rebuilding it, or even
    // moving it, would lose the keyboard focus and the cursor.
    const existing = new Map([...this.list.children].map((li) => [li.dataset.id, li]));
    this.empty.hidden = moments.length > 0;
    const items = moments.map((moment) => {
      const kept = existing.get(moment.id);
      if (kept && (kept.dataset.version === String(moment.version) || kept.contains(document.activeElement))) {
        kept.classList.toggle("selected", moment.id === selectedId);
        kept.dataset.version = moment.version;
        return kept;
      }
      return this.item(moment, moment.id === selectedId);
    });
    const same = items.length === this.list.children.length && items.every((item, n) => this.list.children[n] === item);
    if (!same) this.list.replaceChildren(...items);
  }

  select(id) {
    for (const item of this.list.children) item.classList.toggle("selected", item.dataset.id === id);
  }

  item(moment, selected) {
    const point = moment.end_ms === moment.start_ms;
    const when = point ? timecode(moment.start_ms) : `${timecode(moment.start_ms)} – ${timecode(moment.end_ms)}`;
    const swatch = h("span", { class: "swatch", "aria-hidden": "true" }, this.key(moment.category));
    swatch.style.background = this.colour(moment.category);
    const go = h(
      "button",
      { type: "button", class: "moment-go", "aria-label": `Go to the ${this.label(moment.category)} moment at ${when}` },
      swatch,
      h("span", { class: "moment-time" }, when),
      " ",
      h("span", { class: "moment-category" }, this.label(moment.category)),
    );
    go.addEventListener("click", () => this.emit("moment.select", { id: moment.id, seek: true }));
    const item = h("li", { class: `moment${selected ? " selected" : ""}`, "data-id": moment.id, "data-version": moment.version }, go);
    item.moment = moment; // the page's own record, updated in place when a save is answered
    item.style.borderLeftColor = this.colour(moment.category);
    const ids = (name) => `${name}-${moment.id}`;
    if (!this.editable) {
      if (moment.note) item.append(h("p", { class: "moment-note" }, moment.note));
      if (moment.caption) item.append(h("p", { class: "moment-caption" }, `For the carer: “${moment.caption}”`));
    } else {
      const category = h(
        "select",
        { id: ids("category"), class: "moment-field", "data-field": "category" },
        this.categories.map((c) => h("option", { value: c.code, selected: c.code === moment.category }, c.label)),
      );
      const note = h("textarea", { id: ids("note"), class: "moment-field moment-note", rows: "2", maxlength: "2000", "data-field": "note" });
      note.value = moment.note;
      const caption = h("input", { id: ids("caption"), class: "moment-field", maxlength: "200", "data-field": "caption", placeholder: "e.g. You waited until she looked at you" });
      caption.value = moment.caption;
      const share = h("input", { id: ids("share"), type: "checkbox", "data-field": "share_with_carer", checked: moment.share_with_carer });
      const remove = h("button", { type: "button", class: "quiet small" }, "Delete");
      remove.addEventListener("click", () => this.emit("moment.delete", { id: moment.id }));
      item.append(
        h("label", { for: ids("category"), class: "visually-hidden" }, "Category"),
        category,
        h("label", { for: ids("note") }, "Your note (only for you and your team)"),
        note,
        h("label", { for: ids("caption") }, "Caption the carer will see"),
        caption,
        h("label", { class: "inline", for: ids("share") }, share, "Share with the carer"),
        remove,
        h("span", { class: "saved muted", "aria-live": "polite" }),
      );
      for (const field of [category, share]) field.addEventListener("change", () => this.save(item, field));
      for (const field of [note, caption]) {
        keepDraft(field, draftKey(moment, field.dataset.field));
        field.addEventListener("input", () => this.later(item, field));
        field.addEventListener("blur", () => this.now(item, field));
      }
      item.addEventListener("focusin", () => this.emit("moment.select", { id: moment.id, seek: false }));
    }
    if (moment.carer_comments?.length) {
      item.append(
        h("p", { class: "said-heading" }, "The carer said:"),
        h("ul", { class: "said" }, moment.carer_comments.map((c) => h("li", {}, `“${c.text}”`))),
      );
    }
    return item;
  }

  later(item, field) {
    const key = `${item.dataset.id}:${field.dataset.field}`;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => this.now(item, field), TYPING_PAUSE_MS));
    item.querySelector(".saved").textContent = "";
  }

  now(item, field) {
    const key = `${item.dataset.id}:${field.dataset.field}`;
    if (!this.timers.has(key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.save(item, field);
  }

  save(item, field) {
    const value = field.type === "checkbox" ? field.checked : field.value;
    this.emit("moment.save", { id: item.dataset.id, changes: { [field.dataset.field]: value }, item });
  }

  // Any typing not yet saved is saved now (before a reload or leaving the page).
  flush() {
    for (const key of [...this.timers.keys()]) {
      const [id, name] = key.split(":");
      const item = this.list.querySelector(`[data-id="${id}"]`);
      const field = item?.querySelector(`[data-field="${name}"]`);
      if (item && field) this.now(item, field);
    }
  }

  focusNote(id) {
    const note = this.list.querySelector(`[data-id="${id}"] textarea`);
    if (note) note.focus();
    return Boolean(note);
  }

  showSaved(id, words) {
    const moment = this.list.querySelector(`[data-id="${id}"]`)?.moment;
    for (const name of ["note", "caption"]) if (moment) draftSaved(draftKey(moment, name), moment[name]);
    const slot = this.list.querySelector(`[data-id="${id}"] .saved`);
    if (slot) slot.textContent = words;
  }
}

// A note or caption not yet saved is kept on this device (drafts.js) until the server has it.
const draftKey = (moment, name) => `review/${moment.clip_id}/${moment.id}/${name}`;
