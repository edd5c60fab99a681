// The sign-in page: exchanges a username and password for the session cookie.

import { api } from "./api.js";

const form = document.getElementById("signin-form");
const error = document.getElementById("signin-error");

function safeNext() {
  const next = new URLSearchParams(location.search).get("next") ?? "/caseload";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/caseload";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    await api("/api/auth/session", { method: "POST", form: new FormData(form) });
    location.assign(safeNext());
  } catch (problem) {
    error.textContent = problem.message;
    error.hidden = false;
    form.password.select();
  } finally {
    button.disabled = false;
  }
});
