// @ts-check
// The admin page's field laptops: make a laptop's one-time code for a worker, see each laptop's
// state and when it was last in touch, and withdraw a laptop's link (a lost or retired laptop).

import { api } from "./api.js";
import { buildForm } from "./forms.js";
import { h, showStatus } from "./ui.js";

/** @typedef {{ id: string, username: string, role: string, disabled: boolean }} User */
/** @typedef {{ id: string, name: string, username: string, state: string, code: string | null,
 *   code_expires_at: string, last_seen_at: string | null, enrolled_at: string | null }} Laptop */

const STATE_WORDS = /** @type {Record<string, string>} */ ({
  waiting: "Waiting for its code",
  "code expired": "Code ran out: make a new one",
  enrolled: "Enrolled",
  withdrawn: "Withdrawn",
});

/** A time the admin reads: "4 Dec 2026, 18:32", in this computer's time. */
export function whenShown(/** @type {string | null} */ iso) {
  if (!iso) return "never";
  return new Date(iso).toLocaleString("en-GB", {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
}

/** What to type on the laptop: this server's own address, as the admin's browser sees it. */
export function enrolCommand(/** @type {string} */ origin, /** @type {string} */ code) {
  return `vfb field enrol ${origin} ${code}`;
}

/** @param {Laptop} laptop @param {() => Promise<void>} redraw */
function row(laptop, redraw) {
  const withdraw = laptop.state === "withdrawn"
    ? null
    : h("button", {
      type: "button",
      class: "quiet small",
      "aria-label": `Withdraw ${laptop.name}`,
      onclick: async () => {
        const asked = `Withdraw ${laptop.name}'s link? It will no longer send footage or sync. Nothing on the laptop is deleted.`;
        if (!confirm(asked)) return;
        try {
          await api(`/api/field-laptops/${laptop.id}/withdraw`, { method: "POST" });
          await redraw();
          showStatus(`${laptop.name} can no longer send or sync. Its worker is told at its next try.`);
        } catch (problem) {
          showStatus(/** @type {Error} */ (problem).message, { error: true });
        }
      },
    }, "Withdraw");
  return h(
    "tr",
    {},
    h("th", { scope: "row" }, laptop.name),
    h("td", {}, laptop.username),
    h("td", {}, STATE_WORDS[laptop.state] ?? laptop.state),
    h("td", {}, whenShown(laptop.last_seen_at)),
    h("td", {}, withdraw),
  );
}

/** The code, shown once, large, with the command to type on the laptop. @param {Laptop} made */
function showCode(made) {
  const panel = /** @type {HTMLElement} */ (document.getElementById("laptop-code"));
  const code = made.code ?? "";
  panel.replaceChildren(
    h("h3", {}, `Code for ${made.name} (${made.username})`),
    h("p", { class: "code-shown" }, code),
    h("p", {}, `It works once, until ${whenShown(made.code_expires_at)}. On the laptop, run:`),
    h("pre", {}, h("code", {}, enrolCommand(location.origin, code))),
    h("p", { class: "muted" }, "vfb shows a code only once: if it is lost, make a new one."),
  );
  panel.hidden = false;
  panel.focus();
}

/** Draw the laptops and the form that enrols one. @param {User[]} users */
export async function renderLaptops(users) {
  const found = await api("/api/field-laptops?limit=500");
  /** @type {Laptop[]} */
  const laptops = found.data;
  const redraw = () => renderLaptops(users);
  const table = /** @type {HTMLTableElement} */ (document.getElementById("laptops"));
  table.tBodies[0].replaceChildren(...laptops.map((laptop) => row(laptop, redraw)));
  table.hidden = laptops.length === 0;
  /** @type {HTMLElement} */ (document.getElementById("no-laptops")).hidden = laptops.length > 0;
  const holders = users.filter((u) => !u.disabled && (u.role === "worker" || u.role === "supervisor"));
  buildForm(
    /** @type {HTMLFormElement} */ (document.getElementById("laptop-form")),
    [
      { name: "user_id", label: "Whose laptop", type: "select", options: holders.map((u) => [u.id, u.username]) },
      { name: "name", label: "What the team calls it (e.g. Laptop 3)", required: true, autocomplete: "off" },
    ],
    "Make a code",
    async (/** @type {{ user_id: string, name: string }} */ body) => {
      /** @type {Laptop} */
      const made = await api("/api/field-laptops", { method: "POST", body });
      await redraw();
      showCode(made);
      showStatus(`Made a code for ${made.name}.`);
    },
  );
}
