// The sign-in page: exchanges a username and password for the session cookie.

import { api } from "./api.js";
import { safeNext } from "./next.js";

const form = document.getElementById("signin-form");
const error = document.getElementById("signin-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    await api("/api/auth/session", { method: "POST", form: new FormData(form) });
    location.assign(safeNext(new URLSearchParams(location.search).get("next"), location.origin));
  } catch (problem) {
    error.textContent = problem.message;
    error.hidden = false;
    form.password.select();
  } finally {
    button.disabled = false;
  }
});
