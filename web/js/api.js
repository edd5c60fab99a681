// Talking to the vfb API from a page: JSON in and out, the CSRF header on every change,
// errors in plain words, and back to the sign-in page when the session has ended.

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)vfb_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function goToSignIn() {
  const next = encodeURIComponent(location.pathname);
  location.assign(`/signin?next=${next}`);
}

export async function api(path, { method = "GET", body, form } = {}) {
  const headers = { Accept: "application/json" };
  let payload;
  if (form !== undefined) {
    payload = new URLSearchParams(form);
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "offline", "Could not reach vfb. Check that it is still running.");
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (response.status === 401 && !path.startsWith("/api/auth/")) {
    goToSignIn();
  }
  if (!response.ok) {
    const detail = data?.detail ?? `vfb answered ${response.status}.`;
    throw new ApiError(response.status, data?.error ?? "error", detail);
  }
  return data;
}

export async function signOut() {
  try {
    await api("/api/auth/sign-out", { method: "POST" });
  } finally {
    location.assign("/signin");
  }
}
