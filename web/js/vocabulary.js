// @ts-check
// The words vfb's records use (statuses, scopes, relationships, highlights…), as the server
// serves them at GET /api/vocabulary: asked for once per page load, and kept by the browser.

import { api } from "./api.js";

export { choices, nextStatuses, values } from "./terms.js";

/** @type {Promise<any> | null} */
let asked = null;

/** The vocabulary, fetched the first time a page asks for it. */
export function vocabulary() {
  asked ??= api("/api/vocabulary");
  return asked;
}
