// @ts-check
// The dialog to sign in again in place, when a sign-in has ended: the page, and everything typed
// on it, stays as it is; the page's waiting requests are sent once the same user is back.

import { api } from "./api.js";
import { knownUser, loadStyles, signedInAgain } from "./session-keeper.js";

/** @typedef {import("./api.js").SignInOutcome} SignInOutcome */

/** @type {Promise<SignInOutcome> | null} */
let open = null;

/** Ask the user to sign in again: "same" user back, someone "other", or "cancelled". */
export function signInAgain() {
  open ??= ask().finally(() => (open = null));
  return open;
}

/** @param {string} tag @param {Record<string, string>} [attributes] @param {(Node | string)[]} children */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** @returns {Promise<SignInOutcome>} */
async function ask() {
  await loadStyles();
  const before = knownUser();
  const username = /** @type {HTMLInputElement} */ (
    el("input", { id: "again-username", name: "username", autocomplete: "username", required: "" })
  );
  username.value = before?.username ?? "";
  const password = /** @type {HTMLInputElement} */ (
    el("input", {
      id: "again-password",
      name: "password",
      type: "password",
      autocomplete: "current-password",
      required: "",
      "aria-describedby": "again-error",
    })
  );
  const error = el("p", { id: "again-error", class: "error", role: "alert" });
  const signIn = /** @type {HTMLButtonElement} */ (el("button", { type: "submit" }, "Sign in"));
  const cancel = el("button", { type: "button", class: "quiet" }, "Cancel");
  const form = /** @type {HTMLFormElement} */ (
    el(
      "form",
      { method: "dialog" },
      el("label", { for: "again-username" }, "Username"),
      username,
      el("label", { for: "again-password" }, "Password"),
      password,
      error,
      el("p", { class: "again-actions" }, signIn, " ", cancel),
    )
  );
  const dialog = /** @type {HTMLDialogElement} */ (
    el(
      "dialog",
      { class: "sign-in-again", "aria-labelledby": "again-title", "aria-describedby": "again-why" },
      el("h2", { id: "again-title" }, "Sign in again"),
      el(
        "p",
        { id: "again-why" },
        "Your sign-in has ended. Sign in again to carry on; nothing you typed is lost.",
      ),
      form,
    )
  );
  document.body.append(dialog);
  dialog.showModal(); // modal: the rest of the page is inert, so the keyboard stays in here
  (username.value ? password : username).focus();

  return new Promise((resolve) => {
    /** @param {SignInOutcome} outcome */
    const done = (outcome) => {
      dialog.close();
      dialog.remove();
      resolve(outcome);
    };
    cancel.addEventListener("click", () => done("cancelled"));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault(); // Escape: the same as Cancel
      done("cancelled");
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      signIn.disabled = true;
      try {
        const { user } = await api("/api/auth/session", {
          method: "POST",
          form: { username: username.value, password: password.value },
        });
        if (before && user.id === before.id) {
          signedInAgain(user);
          done("same");
        } else {
          resolve("other"); // what was waiting is dropped now; the page reloads for the new user
          someoneElse(dialog, user.username, before?.username);
        }
      } catch (problem) {
        error.textContent = problem instanceof Error ? problem.message : String(problem);
        password.select();
      } finally {
        signIn.disabled = false;
      }
    });
  });
}

/** Signed in as someone else: say what happened to the first user's work, then reload. */
function someoneElse(/** @type {HTMLDialogElement} */ dialog, /** @type {string} */ now, /** @type {string | undefined} */ was) {
  const carryOn = el("button", { type: "button" }, `Carry on as ${now}`);
  carryOn.addEventListener("click", () => location.reload());
  dialog.replaceChildren(
    el("h2", { id: "again-title" }, `Signed in as ${now}`),
    el(
      "p",
      { id: "again-why" },
      `What was waiting to be sent for ${was ?? "the user before"} was not sent. ` +
        `Anything they typed is kept on this device for when they sign in again.`,
    ),
    el("p", { class: "again-actions" }, carryOn),
  );
  carryOn.focus();
}
