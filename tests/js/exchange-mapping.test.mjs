// The import dialog's rules: the mapping remembered per scheme, and the query it sends.
import assert from "node:assert/strict";
import { test } from "node:test";

import { effective, formatOf, importQuery, remember, remembered } from "../../web/js/exchange-mapping.js";

function memory() {
  const items = new Map();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)), items };
}

const SOURCES = [
  { name: "CHI", count: 3, kind: "moments", proposed: null, parent: "" },
  { name: "xds@CHI", count: 3, kind: "field", proposed: null, parent: "CHI" },
  { name: "gone", count: 1, kind: "moments", proposed: null, parent: "" },
];

test("a mapping is remembered per coding scheme, kept to what the file and scheme have", () => {
  const store = memory();
  remember(store, "nice", { CHI: "sensitivity", "xds@CHI": "note", gone: "kindness", other: "strengths" });
  remember(store, "vig", { CHI: "being_attentive" });
  assert.deepEqual(remembered(store, "nice", SOURCES, ["sensitivity", "strengths"]), {
    CHI: "sensitivity",
    "xds@CHI": "note",
  });
  assert.deepEqual(remembered(store, "vig", SOURCES, ["being_attentive"]), { CHI: "being_attentive" });
  assert.deepEqual(remembered(store, "vipp-sd", SOURCES, []), {});
});

test("a skip is remembered too, and a broken entry is no mapping", () => {
  const store = memory();
  remember(store, "nice", { CHI: "" });
  assert.deepEqual(remembered(store, "nice", SOURCES, ["sensitivity"]), { CHI: "" });
  store.setItem("vfb.import-mapping.nice", "{not json");
  assert.deepEqual(remembered(store, "nice", SOURCES, ["sensitivity"]), {});
});

test("the choice wins over the proposal; the query repeats map and names skips", () => {
  assert.deepEqual(effective(SOURCES, { CHI: "" }), { CHI: "", "xds@CHI": null, gone: null });
  const query = importQuery("csv", { "a=b": "strengths", s: "" }, { columns: { unit: "ms", x: "y" }, skipOutside: true });
  assert.equal(query, "format=csv&map=a%3Db%3Dstrengths&map=s%3D&unit=ms&skip_outside=true");
  assert.equal(formatOf("Visit.EAF"), "eaf");
  assert.equal(formatOf("boris.csv"), "csv");
});
