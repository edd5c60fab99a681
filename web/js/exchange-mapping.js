// @ts-check
// The import dialog's rules, free of the page: a mapping (tier or behaviour → category, dependent
// tier → field, "" to skip) remembered per coding scheme in localStorage, and the import's query.

/** @typedef {{name: string, count: number, kind: "moments" | "field", proposed: string | null, parent: string}} Source */
/** @typedef {Record<string, string>} Mapping */
/** @typedef {Pick<Storage, "getItem" | "setItem">} Store */

export const FIELDS = /** @type {const} */ (["note", "caption", "child_words", "share"]);
export const FIELD_WORDS = { note: "the note", caption: "the caption", child_words: "the child's words", share: "share with the carer" };
export const COLUMNS = /** @type {const} */ (["start", "end", "behaviour", "status", "note", "subject", "unit"]);

/** @param {string} scheme */
const key = (scheme) => `vfb.import-mapping.${scheme}`;

/**
 * The mapping remembered for this scheme, kept to the sources the file has and to targets the
 * scheme still has (a category since removed is forgotten, not sent).
 * @param {Store} store @param {string} scheme @param {Source[]} sources @param {string[]} categories
 * @returns {Mapping}
 */
export function remembered(store, scheme, sources, categories) {
  /** @type {Mapping} */
  let saved = {};
  try {
    saved = JSON.parse(store.getItem(key(scheme)) ?? "{}") ?? {};
  } catch {
    saved = {};
  }
  /** @type {Mapping} */
  const mapping = {};
  for (const source of sources) {
    const target = saved[source.name];
    if (typeof target !== "string") continue;
    const allowed = source.kind === "moments" ? categories : FIELDS;
    if (target === "" || allowed.includes(/** @type {any} */ (target))) mapping[source.name] = target;
  }
  return mapping;
}

/** @param {Store} store @param {string} scheme @param {Mapping} mapping */
export function remember(store, scheme, mapping) {
  let saved = {};
  try {
    saved = JSON.parse(store.getItem(key(scheme)) ?? "{}") ?? {};
  } catch {
    saved = {};
  }
  store.setItem(key(scheme), JSON.stringify({ ...saved, ...mapping }));
}

/**
 * What each source becomes: the worker's choice, else what the server proposed ("" = skip,
 * null = still to choose, for a tier of moments).
 * @param {Source[]} sources @param {Mapping} chosen @returns {Record<string, string | null>}
 */
export function effective(sources, chosen) {
  return Object.fromEntries(sources.map((s) => [s.name, s.name in chosen ? chosen[s.name] : s.proposed]));
}

/**
 * @param {"csv" | "eaf"} format @param {Mapping} mapping
 * @param {{columns?: Record<string, string>, skipOutside?: boolean}} [more]
 */
export function importQuery(format, mapping, { columns = {}, skipOutside = false } = {}) {
  const query = new URLSearchParams({ format });
  for (const [name, target] of Object.entries(mapping)) query.append("map", `${name}=${target}`);
  for (const [name, value] of Object.entries(columns)) if (COLUMNS.includes(/** @type {any} */ (name))) query.set(name, value);
  if (skipOutside) query.set("skip_outside", "true");
  return query.toString();
}

/** @param {string} fileName @returns {"csv" | "eaf"} */
export function formatOf(fileName) {
  return fileName.toLowerCase().endsWith(".eaf") ? "eaf" : "csv";
}
