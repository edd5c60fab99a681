// @ts-check
// Withdrawing a consent, in a dialog that first says what it will do: the server's own count of
// the footage that would be deleted (clips, minutes, reels, share links switched off). The date is
// chosen on purpose (nothing prefilled), and deleting footage needs the child's reference typed;
// what the dialog showed is sent back (`confirm`), so a stale dialog cannot delete more than it
// said: the server refuses, and the dialog shows the new count.

import { api, ApiError } from "./api.js";
import { longDate } from "./visit-choice.js";
import { words } from "./ui.js";

/**
 * @typedef {{ id: string, scope: string, given_on: string }} Consent
 * @typedef {{ deletes_footage: boolean, words: string, confirm: string, given_on: string,
 *   today: string, clips: number, reels: number, share_links: number }} Preview
 * @typedef {{ withdrawn_on: string, footage_deleted: string | null }} Withdrawn
 */

/** @param {string} id */
function $(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing`);
  return found;
}

/**
 * @param {{ consent: Consent, carerName: string, reference: string,
 *   onDone: (done: Withdrawn) => Promise<void>, onClosed: () => void }} options
 */
export async function openWithdrawal({ consent, carerName, reference, onDone, onClosed }) {
  const dialog = /** @type {HTMLDialogElement} */ ($("withdraw-dialog"));
  const form = /** @type {HTMLFormElement} */ ($("withdraw-form"));
  const date = /** @type {HTMLInputElement} */ ($("withdraw-date"));
  const typed = /** @type {HTMLInputElement} */ ($("withdraw-typed"));
  const typedField = $("withdraw-typed-field");
  const effect = $("withdraw-effect");
  const keeps = $("withdraw-keeps");
  const error = $("withdraw-error");
  const result = $("withdraw-result");
  const confirm = /** @type {HTMLButtonElement} */ ($("withdraw-confirm"));
  const cancel = /** @type {HTMLButtonElement} */ ($("withdraw-cancel"));
  const scope = words(consent.scope).toLowerCase();

  $("withdraw-title").textContent = `Withdraw ${carerName}'s ${scope} consent`;
  $("withdraw-typed-label").textContent = `To delete this footage, type the child's reference, ${reference}`;
  for (const part of [date.parentElement, typedField, confirm]) part?.removeAttribute("hidden");
  date.value = "";
  typed.value = "";
  error.hidden = true;
  error.textContent = "";
  result.textContent = "";
  cancel.textContent = "Cancel";
  effect.textContent = "Counting what would be deleted…";
  keeps.textContent = "";
  confirm.disabled = true;
  /** @type {Preview | null} */
  let preview = null;
  let finished = false;

  function ready() {
    const matches = !preview?.deletes_footage || typed.value.trim() === reference;
    confirm.disabled = finished || !preview || !date.value || !matches;
  }

  /** @param {Preview} shown */
  function show(shown) {
    preview = shown;
    effect.textContent = shown.words;
    effect.classList.toggle("danger", shown.deletes_footage);
    keeps.textContent = shown.deletes_footage
      ? "Sessions, moments and their notes stay; the footage cannot be brought back."
      : "";
    typedField.hidden = !shown.deletes_footage;
    date.min = shown.given_on;
    date.max = shown.today;
    confirm.textContent = shown.deletes_footage ? "Withdraw and delete this footage" : "Withdraw consent";
    ready();
  }

  async function load() {
    show(await api(`/api/consents/${consent.id}/withdrawal`));
  }

  date.oninput = ready;
  date.onchange = ready;
  typed.oninput = ready;
  cancel.onclick = () => dialog.close();
  dialog.onclose = () => onClosed();
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!preview || confirm.disabled) return;
    error.hidden = true;
    confirm.disabled = true;
    try {
      const body = { withdrawn_on: date.value, confirm: preview.confirm };
      const done = await api(`/api/consents/${consent.id}`, { method: "PATCH", body });
      finished = true;
      for (const part of [date.parentElement, typedField, confirm]) part?.setAttribute("hidden", "");
      effect.classList.remove("danger");
      effect.textContent = `${carerName}'s ${scope} consent was withdrawn on ${longDate(done.withdrawn_on)}.`;
      keeps.textContent = "";
      result.textContent = done.footage_deleted ?? "Nothing was deleted.";
      cancel.textContent = "Close";
      cancel.focus();
      await onDone(done);
    } catch (problem) {
      const message = problem instanceof Error ? problem.message : String(problem);
      error.textContent = message;
      error.hidden = false;
      if (problem instanceof ApiError && problem.code === "footage_changed") {
        typed.value = ""; // read the new count, then confirm again
        await load().catch(() => {});
      }
      ready();
    }
  };

  dialog.showModal();
  date.focus();
  try {
    await load();
  } catch (problem) {
    effect.textContent = problem instanceof Error ? problem.message : String(problem);
  }
}
