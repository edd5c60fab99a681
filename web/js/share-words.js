// @ts-check
// Share links in words: how long a link works ("Tuesday 15 December 2026, 17:00 — 3 days") and
// what it shows ("Reel: 5 moments, 2 min 40 s"). Pure, so node can test it.

/**
 * How long from `now` until `until`, in whole days and hours ("3 days", "1 day, 12 hours",
 * "5 hours", "less than an hour").
 * @param {number} ms
 * @returns {string}
 */
export function spanWords(ms) {
  const hours = Math.round(ms / 3600000);
  if (hours < 1) return "less than an hour";
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (hours < 24) return plural(hours, "hour");
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${plural(days, "day")}, ${plural(rest, "hour")}` : plural(days, "day");
}

/**
 * The moment a link stops, as a worker reads it, with how long is left:
 * "Tuesday 15 December 2026, 17:00 — 3 days".
 * @param {string} iso when the link stops (ISO 8601, with its zone)
 * @param {Date} [now]
 * @param {string} [timeZone] the browser's own when not given
 * @returns {string}
 */
export function untilWords(iso, now = new Date(), timeZone = undefined) {
  const until = new Date(iso);
  const weekday = until.toLocaleDateString("en-GB", { weekday: "long", timeZone });
  const date = until.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone });
  const day = `${weekday} ${date}`;
  const time = until.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone });
  const left = until.getTime() - now.getTime();
  return left > 0 ? `${day}, ${time} — ${spanWords(left)}` : `${day}, ${time}`;
}

/**
 * A reel's length in words: "2 min 40 s", "45 s", "3 min" (whole seconds, as `clockTime`).
 * @param {number} ms
 * @returns {string}
 */
export function lengthWords(ms) {
  const total = Math.floor(Math.max(0, ms) / 1000); // as the reel's own 00:04 counts
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (!minutes) return `${seconds} s`;
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/**
 * What a link shows: "Reel: 5 moments, 2 min 40 s" (or that its reel is gone).
 * @param {{reel_moments: number, reel_length_ms: number}} link
 * @returns {string}
 */
export function reelWords(link) {
  if (!link.reel_moments) return "Reel deleted";
  const moments = `${link.reel_moments} moment${link.reel_moments === 1 ? "" : "s"}`;
  return `Reel: ${moments}, ${lengthWords(link.reel_length_ms)}`;
}
