// @ts-check
// Which visit a joint review is recorded on: the one being held today (booked or held), else the
// visit the clip was filmed in; and dates in words, as the worker and the carer say them.

/** @typedef {{ id: string, number: number, held_on: string, status: string }} Visit */

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

/**
 * "Tuesday 1 December 2026" for "2026-12-01" (Intl adds a comma after the weekday in en-GB).
 * @param {string} iso
 */
export function longDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return `${WEEKDAYS[day.getUTCDay()]} ${d} ${MONTHS[m - 1]} ${y}`;
}

/**
 * The visits a review can be recorded on: those held, and those booked for today or earlier
 * (a booked visit that is happening now becomes held when the review is recorded).
 * @param {Visit[]} visits
 * @param {string} today ISO date
 */
export function visitsToOffer(visits, today) {
  return visits.filter((v) => v.status === "held" || (v.status === "planned" && v.held_on <= today));
}

/**
 * The visit to record the review on by default: today's (the clip's own if it is one of them),
 * else the clip's own visit, else the latest one offered.
 * @param {Visit[]} offered
 * @param {string | null} clipVisitId
 * @param {string} today ISO date
 * @returns {Visit | undefined}
 */
export function visitHeldNow(offered, clipVisitId, today) {
  const todays = offered.filter((v) => v.held_on === today);
  return (
    todays.find((v) => v.id === clipVisitId) ??
    todays.at(-1) ??
    offered.find((v) => v.id === clipVisitId) ??
    offered.at(-1)
  );
}

/**
 * "Session 6 · Wednesday 2 December 2026 (booked for today)"
 * @param {Visit} visit
 * @param {string} today ISO date
 */
export function visitLabel(visit, today) {
  const held = visit.status === "held";
  const note = visit.held_on === today ? (held ? "held today" : "booked for today") : held ? "held" : "booked";
  return `Session ${visit.number} · ${longDate(visit.held_on)} (${note})`;
}
