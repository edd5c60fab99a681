// @ts-check
// Lists of values from GET /api/vocabulary, made into what forms need (no page, no network).

/** @typedef {{ value: string, words: string }} Term */

/**
 * A select's options (value and words) for these terms.
 * @param {Term[]} terms
 * @returns {[string, string][]}
 */
export function choices(terms) {
  return terms.map((term) => [term.value, term.words]);
}

/**
 * The values alone (for checkboxes).
 * @param {Term[]} terms
 * @returns {string[]}
 */
export function values(terms) {
  return terms.map((term) => term.value);
}

/**
 * The statuses a programme in `status` may become, as a select's options.
 * @param {{ programme_statuses: Term[], programme_transitions: Record<string, string[]> }} vocab
 * @param {string} status
 * @returns {[string, string][]}
 */
export function nextStatuses(vocab, status) {
  const allowed = new Set(vocab.programme_transitions[status] ?? []);
  return choices(vocab.programme_statuses.filter((term) => allowed.has(term.value)));
}
