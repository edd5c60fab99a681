// node --test: a share link's expiry and reel in the words the share panel shows.
import assert from "node:assert/strict";
import { test } from "node:test";

import { lengthWords, reelWords, spanWords, untilWords } from "../../web/js/share-words.js";

test("the expiry names the weekday, the date, the time in the UK and what is left", () => {
  const now = new Date("2026-12-02T17:00:00Z");
  assert.equal(untilWords("2026-12-15T17:00:00+00:00", now, "Europe/London"), "Tuesday 15 December 2026, 17:00 — 13 days");
  // summer time: 09:30 UTC is 10:30 in London
  assert.equal(untilWords("2026-06-05T09:30:00Z", new Date("2026-06-02T09:30:00Z"), "Europe/London"), "Friday 5 June 2026, 10:30 — 3 days");
  // an expired link says only when
  assert.equal(untilWords("2026-12-01T08:05:00Z", now, "Europe/London"), "Tuesday 1 December 2026, 08:05");
});

test("what is left is in days and hours a worker reads at a glance", () => {
  const hour = 3600000;
  assert.equal(spanWords(20 * 60000), "less than an hour");
  assert.equal(spanWords(hour), "1 hour");
  assert.equal(spanWords(23 * hour), "23 hours");
  assert.equal(spanWords(24 * hour), "1 day");
  assert.equal(spanWords(36 * hour), "1 day, 12 hours");
  assert.equal(spanWords(72 * hour - 60000), "3 days");
  assert.equal(spanWords(720 * hour), "30 days");
});

test("the reel is named by its moments and its length", () => {
  assert.equal(lengthWords(160000), "2 min 40 s");
  assert.equal(lengthWords(45900), "45 s"); // whole seconds, as the reel's 00:45
  assert.equal(lengthWords(180000), "3 min");
  assert.equal(reelWords({ reel_moments: 5, reel_length_ms: 160000 }), "Reel: 5 moments, 2 min 40 s");
  assert.equal(reelWords({ reel_moments: 1, reel_length_ms: 8000 }), "Reel: 1 moment, 8 s");
  assert.equal(reelWords({ reel_moments: 0, reel_length_ms: 0 }), "Reel deleted");
});
