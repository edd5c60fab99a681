// The sign-in page: exchanges a username and password for the session cookie.

import { api } from "./api.js";
import { clearErrors, showRefusal } from "./field-errors.js";
import { safeNext } from "./next.js";

const form = document.getElementById("signin-form");
const error = document.getElementById("signin-error");
const FIELDS = [{ name: "username" }, { name: "password" }];

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  clearErrors(form);
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    await api("/api/auth/session", { method: "POST", form: new FormData(form) });
    location.assign(safeNext(new URLSearchParams(location.search).get("next"), location.origin));
  } catch (problem) {
    showRefusal(form, error, FIELDS, problem, "Not signed in");
    if (!problem.fields || !Object.keys(problem.fields).length) form.password.select();
  } finally {
    button.disabled = false;
  }
});
