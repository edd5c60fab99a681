// node --test: the sign-in page's `next` never leaves the site.
import assert from "node:assert/strict";
import { test } from "node:test";

import { safeNext } from "../../web/js/next.js";

const ORIGIN = "http://vfb.example:8000";

test("hostile next values stay on the site", () => {
  for (const raw of ["/\\evil.example", "/%09/evil.example", "/\t/evil.example", "/\n/evil.example",
    "/%0a/evil.example", "/\\/evil.example", "//evil.example", "https://evil.example/",
    "javascript:alert(1)", "/.//evil.example", "/..//evil.example", "\\\\evil.example", "", null, "/\r\n/evil.example"]) {
    const next = safeNext(raw, ORIGIN);
    assert.equal(new URL(next, ORIGIN).origin, ORIGIN, `${JSON.stringify(raw)} -> ${next}`);
    assert.ok(next.startsWith("/") && !next.startsWith("//"), next);
  }
});

test("a page of the site is kept, with its query", () => {
  assert.equal(safeNext("/children/abc?tab=carers", ORIGIN), "/children/abc?tab=carers");
  assert.equal(safeNext(null, ORIGIN), "/caseload");
});
