// @ts-check
// Footage of a visit booked for a later day (filmed on the Film page, or imported on the session
// page) means the visit is being held today: the worker is asked first, in one dialog that both
// pages share, and the server refuses it unless they said yes (`held_today`).

import { api } from "./api.js";
import { h, todayIso } from "./ui.js";
import { longDate, visitLabel, visitsToOffer } from "./visit-choice.js";

/** @typedef {{ id: string, number: number, status: string, held_on: string, programme_id: string }} Session */

/**
 * Whether this visit is booked for a later day than today.
 * @param {Session} session
 * @param {string} [today] ISO date
 */
export function bookedForLater(session, today = todayIso()) {
  return session.status === "planned" && session.held_on > today;
}

/**
 * "Wednesday 9 December" (this year) or "Wednesday 9 December 2027".
 * @param {string} day ISO date
 * @param {string} today ISO date
 */
export function bookedDay(day, today) {
  const said = longDate(day);
  return day.slice(0, 4) === today.slice(0, 4) ? said.replace(/ \d{4}$/, "") : said;
}

/** The dialog, made once per page. */
function dialogElement() {
  const found = document.getElementById("booked");
  if (found instanceof HTMLDialogElement) return found;
  const dialog = /** @type {HTMLDialogElement} */ (
    h(
      "dialog",
      { id: "booked", class: "film-ask", "aria-labelledby": "booked-title", "aria-describedby": "booked-why" },
      h("h2", { id: "booked-title" }, "This visit is booked for another day"),
      h("p", { id: "booked-why" }),
      h(
        "div",
        { class: "buttons" },
        h("button", { id: "booked-yes", type: "button" }, "Yes, it is held today"),
        h("button", { id: "booked-other", type: "button", class: "quiet" }, "Choose another visit"),
        h("button", { id: "booked-cancel", type: "button", class: "quiet" }, "Cancel"),
      ),
      h(
        "nav",
        { id: "other-visits", "aria-labelledby": "other-visits-title", hidden: true },
        h("h3", { id: "other-visits-title" }),
        h("ul", { id: "other-visit-list" }),
      ),
    )
  );
  document.querySelector("main")?.append(dialog);
  return dialog;
}

/**
 * Asks whether a visit booked for a later day is being held today: "yes", or "cancel". The
 * other visits are offered as links to the same page for them.
 * @param {Session} session
 * @param {{ childId: string, doing: "Film" | "Import into", pageOf: (visitId: string) => string }} how
 * @returns {Promise<"yes" | "cancel">}
 */
export async function askBookedForLater(session, { childId, doing, pageOf }) {
  const dialog = dialogElement();
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const today = todayIso();
  $("booked-why").textContent = `This visit is booked for ${bookedDay(session.held_on, today)}: record it as held today?`;
  $("other-visits-title").textContent = `${doing} another visit instead`;
  $("other-visits").hidden = true;
  const visits = await api(`/api/programmes/${session.programme_id}/sessions`).catch(() => []);
  const others = visitsToOffer(visits, today).filter((/** @type {Session} */ visit) => visit.id !== session.id);
  $("other-visit-list").replaceChildren(
    ...others.map((/** @type {Session} */ visit) =>
      h("li", {}, h("a", { href: pageOf(visit.id) }, `${doing} s${visitLabel(visit, today).slice(1)}`)),
    ),
    h("li", {}, h("a", { href: `/children/${childId}` }, "Add a visit on the child's page")),
  );
  dialog.showModal();
  $("booked-yes").focus();
  return new Promise((resolve) => {
    const done = (/** @type {"yes" | "cancel"} */ answer) => {
      dialog.close();
      resolve(answer);
    };
    $("booked-yes").onclick = () => done("yes");
    $("booked-cancel").onclick = () => done("cancel");
    $("booked-other").onclick = () => {
      $("other-visits").hidden = false;
      $("other-visit-list").querySelector("a")?.focus();
    };
    dialog.oncancel = (event) => {
      event.preventDefault(); // Escape: the same as Cancel
      done("cancel");
    };
  });
}
