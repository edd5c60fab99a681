// node --test: the joint review's choice of visit, and dates in words.
import assert from "node:assert/strict";
import { test } from "node:test";

import { longDate, visitHeldNow, visitLabel, visitsToOffer } from "../../web/js/visit-choice.js";

const TODAY = "2026-12-01";
const visit = (number, held_on, status = "held") => ({ id: `s${number}`, number, held_on, status });
const PROGRAMME = [
  visit(1, "2026-09-01"),
  visit(2, "2026-09-08", "cancelled"),
  visit(3, "2026-09-15"),
  visit(4, "2026-10-01", "did_not_attend"),
  visit(5, "2026-11-20"),
  visit(6, TODAY, "planned"),
  visit(7, "2026-12-15", "planned"),
];

test("dates are said in words, without Intl's comma", () => {
  assert.equal(longDate("2026-12-01"), "Tuesday 1 December 2026");
  assert.equal(longDate("2024-02-29"), "Thursday 29 February 2024");
  assert.equal(longDate("2027-01-03"), "Sunday 3 January 2027");
});

test("only visits that took place or are happening today can hold a review", () => {
  assert.deepEqual(visitsToOffer(PROGRAMME, TODAY).map((v) => v.number), [1, 3, 5, 6]);
});

test("today's booked visit is the default, whichever visit the clip was filmed in", () => {
  const offered = visitsToOffer(PROGRAMME, TODAY);
  assert.equal(visitHeldNow(offered, "s6", TODAY)?.number, 6); // not 5, the last held
  assert.equal(visitHeldNow(offered, "s3", TODAY)?.number, 6);
});

test("with no visit today, the clip's own visit is the default", () => {
  const offered = visitsToOffer(PROGRAMME, "2026-11-30");
  assert.equal(visitHeldNow(offered, "s3", "2026-11-30")?.number, 3);
  assert.equal(visitHeldNow(offered, "gone", "2026-11-30")?.number, 5);
  assert.equal(visitHeldNow([], "s3", TODAY), undefined);
});

test("two visits today: the clip's own one wins", () => {
  const visits = [visit(1, TODAY), visit(2, TODAY, "planned")];
  assert.equal(visitHeldNow(visits, "s1", TODAY)?.number, 1);
  assert.equal(visitHeldNow(visits, "sX", TODAY)?.number, 2);
});

test("a visit's label says its date in words and whether it is today's", () => {
  assert.equal(visitLabel(PROGRAMME[5], TODAY), "Session 6 · Tuesday 1 December 2026 (booked for today)");
  assert.equal(visitLabel(PROGRAMME[0], TODAY), "Session 1 · Tuesday 1 September 2026 (held)");
  assert.equal(visitLabel(visit(8, TODAY), TODAY), "Session 8 · Tuesday 1 December 2026 (held today)");
});
