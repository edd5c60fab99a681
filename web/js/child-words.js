// @ts-check
// What the child might say, typed with the carer in a joint review ("speaking for the child"):
// saved on the moment with the version this page loaded; a refused save shows both versions.

import { api } from "./api.js";
import { draftSaved, keepDraft } from "./drafts.js";
import { h } from "./ui.js";

/** @typedef {{ id: string, version: number, child_words: string }} WordsMoment */

/** @param {string} text */
function quoted(text) {
  return h("span", { class: "quoted" }, text ? `“${text}”` : "(nothing)");
}

export class ChildWords {
  /**
   * @param {{ form: HTMLFormElement, field: HTMLTextAreaElement, status: HTMLElement,
   *   clipId: string, onShown: (moment: WordsMoment) => void }} parts
   */
  constructor({ form, field, status, clipId, onShown }) {
    this.field = field;
    this.status = status;
    this.clipId = clipId;
    this.onShown = onShown;
    /** @type {WordsMoment | null} */
    this.moment = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.moment) this.save(this.moment, this.field.value.trim());
    });
  }

  /** @param {WordsMoment} moment */
  show(moment) {
    this.moment = moment;
    this.field.value = moment.child_words ?? "";
    this.status.replaceChildren();
    keepDraft(this.field, this.draftKey(moment)); // typed but not yet saved: kept on this device
  }

  /** @param {WordsMoment} moment */
  draftKey(moment) {
    return `joint-review/${this.clipId}/${moment.id}/child_words`;
  }

  /**
   * @param {WordsMoment} moment
   * @param {string} text
   */
  async save(moment, text) {
    this.say("Saving…");
    try {
      const body = { version: moment.version, child_words: text };
      const saved = await api(`/api/moments/${moment.id}`, { method: "PATCH", body });
      // only what the carer may see is kept from the answer (it also holds the worker's note)
      moment.child_words = saved.child_words;
      moment.version = saved.version;
      draftSaved(this.draftKey(moment), saved.child_words);
      this.say(text ? "Shown under the caption." : "Taken away.");
      this.onShown(moment);
    } catch (error) {
      if (error.status === 409) await this.refused(moment, text);
      else this.say(error.message, true);
    }
  }

  /**
   * Someone saved the moment since this page loaded it: both versions, and the worker keeps one.
   * @param {WordsMoment} moment
   * @param {string} yours
   */
  async refused(moment, yours) {
    const shared = await api(`/api/clips/${this.clipId}/shared-moments`);
    const fresh = shared.find((/** @type {WordsMoment} */ m) => m.id === moment.id);
    if (!fresh) {
      this.say("This moment is no longer shared with the carer, so the child's words were not saved.", true);
      return;
    }
    moment.version = fresh.version;
    const theirs = fresh.child_words;
    const keepYours = h("button", { type: "button", class: "quiet", onclick: () => this.save(moment, yours) }, "Keep yours");
    const useTheirs = h("button", {
      type: "button",
      class: "quiet",
      onclick: () => {
        moment.child_words = theirs;
        this.field.value = theirs;
        this.say("Theirs is shown.");
        this.onShown(moment);
      },
    }, "Use theirs");
    this.status.replaceChildren(
      h("p", { class: "error" }, "Someone else changed this moment while you were typing, so your words were not saved yet."),
      h("p", {}, "Theirs: ", quoted(theirs)),
      h("p", {}, "Yours: ", quoted(yours)),
      keepYours,
      " ",
      useTheirs,
    );
  }

  /**
   * @param {string} message
   * @param {boolean} [error]
   */
  say(message, error = false) {
    this.status.replaceChildren(h("p", { class: error ? "error" : "" }, message));
  }
}
