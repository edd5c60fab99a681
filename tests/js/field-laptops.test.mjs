// The admin page's field laptops: the command shown to type on the laptop, and times in words.
import assert from "node:assert/strict";
import { test } from "node:test";

import { enrolCommand, whenShown } from "../../web/js/field-laptops.js";

test("the command names this server and the code as shown", () => {
  assert.equal(
    enrolCommand("https://vfb.example.org", "YE8D-8NR3-Y7D4"),
    "vfb field enrol https://vfb.example.org YE8D-8NR3-Y7D4",
  );
});

test("a laptop never in touch says so, and a time reads as a date and a clock time", () => {
  assert.equal(whenShown(null), "never");
  const shown = whenShown("2026-12-04T18:31:00Z");
  assert.match(shown, /^\d{1,2} Dec 2026, \d{2}:\d{2}$/);
});
