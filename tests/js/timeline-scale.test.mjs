// node --test: the timeline's arithmetic (time ↔ pixel, zoom, follow, ruler, lanes, thumbnails).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  FRAME_PX, LABEL_PX, clampView, endMs, fitView, follow, isFit, laneOf, lanes, msToPx, pxToMs,
  ruler, scrollBy, thumbnailAt, zoomAt,
} from "../../web/js/timeline/scale.js";

const FRAME = 1000 / 30;

test("time and pixel are each other's inverse at any zoom and scroll", () => {
  const view = { startMs: 1234.5, msPerPx: 7.25, widthPx: 900, durationMs: 600000 };
  for (const ms of [1234.5, 2000, 7777, 8759.25]) assert.ok(Math.abs(pxToMs(msToPx(ms, view), view) - ms) < 1e-9);
  assert.equal(msToPx(1234.5, view), 0);
  assert.equal(endMs(view), 1234.5 + 900 * 7.25);
});

test("the fitted view shows the whole clip and cannot zoom out further", () => {
  const fit = fitView(8000, 800);
  assert.equal(fit.msPerPx, 10);
  assert.equal(endMs(fit), 8000);
  assert.ok(isFit(fit, FRAME));
  const out = zoomAt(fit, 0.5, 4000, FRAME);
  assert.deepEqual(out, fit);
});

test("zooming in stops when one frame is FRAME_PX wide, however far it is pushed", () => {
  let view = fitView(20 * 60000, 1000);
  for (let n = 0; n < 60; n++) view = zoomAt(view, 2, 612345, FRAME);
  assert.ok(Math.abs(FRAME / view.msPerPx - FRAME_PX) < 1e-9, `${FRAME / view.msPerPx} px a frame`);
  assert.ok(view.startMs <= 612345 && 612345 <= endMs(view), "the anchor stays in view");
});

test("zooming keeps the anchor under the same pixel (the pointer, or the playhead)", () => {
  const fit = fitView(60000, 1000);
  const zoomed = zoomAt(fit, 4, 30000, FRAME, 300);
  assert.ok(Math.abs(msToPx(30000, zoomed) - 300) < 1e-9);
  const again = zoomAt(zoomed, 2, 30000, FRAME);
  assert.ok(Math.abs(msToPx(30000, again) - 300) < 1e-9);
});

test("an anchor out of view comes to the middle", () => {
  const view = zoomAt(fitView(60000, 1000), 10, 5000, FRAME, 500); // 0–6 s
  const zoomed = zoomAt(view, 2, 40000, FRAME);
  assert.ok(Math.abs(msToPx(40000, zoomed) - 500) < 1e-9);
});

test("the view never leaves the clip, whichever way it is scrolled or zoomed", () => {
  const view = zoomAt(fitView(10000, 1000), 4, 9900, FRAME, 1000);
  assert.ok(endMs(view) <= 10000 && zoomAt(view, 1, 9990, FRAME, 0).startMs === 10000 - 2500);
  assert.equal(scrollBy(view, -100000, FRAME).startMs, 0);
  assert.ok(Math.abs(endMs(scrollBy(view, 100000, FRAME)) - 10000) < 1e-9);
  assert.equal(clampView({ ...view, startMs: -5 }, FRAME).startMs, 0);
});

test("the playhead is followed: a page turn while playing, the middle after a far seek", () => {
  const view = zoomAt(fitView(60000, 1000), 10, 0, FRAME, 0); // 0–6 s
  assert.equal(follow(view, 3000, true, FRAME), view, "in view: the view stays still");
  const turned = follow(view, 5990, true, FRAME);
  assert.ok(turned.startMs > 5000 && turned.startMs < 5990, `a page turn from ${turned.startMs}`);
  const far = follow(view, 40000, false, FRAME);
  assert.ok(Math.abs(msToPx(40000, far) - 500) < 1e-9);
  const back = follow(far, 1000, false, FRAME);
  assert.ok(back.startMs <= 1000 && 1000 <= endMs(back));
  const fit = fitView(60000, 1000);
  assert.equal(follow(fit, 59999, true, FRAME).startMs, 0, "the whole clip never scrolls");
});

test("ruler labels go minutes → seconds → frames as the zoom deepens, never closer than LABEL_PX", () => {
  const long = fitView(20 * 60000, 1000);
  const out = ruler(long, FRAME);
  assert.equal(out.unit, "minutes");
  assert.deepEqual(out.major.slice(0, 3).map((t) => t.label), ["0:00", "2:00", "4:00"]);
  const secs = ruler(fitView(8000, 1000), FRAME);
  assert.equal(secs.unit, "seconds");
  assert.deepEqual(secs.major.map((t) => t.label), ["0:00", "0:01", "0:02", "0:03", "0:04", "0:05", "0:06", "0:07", "0:08"]);
  let view = fitView(8000, 1000);
  for (let n = 0; n < 20; n++) view = zoomAt(view, 2, 5000, FRAME);
  const frames = ruler(view, FRAME);
  assert.equal(frames.unit, "frames");
  assert.ok(frames.major.every((t) => /^frame \d+$/.test(t.label)), frames.major.map((t) => t.label).join());
  assert.ok(frames.minor.length > 0, "single frames between the labels");
  for (const r of [out, secs, frames]) {
    for (let n = 1; n < r.major.length; n++) {
      const gap = (r.major[n].ms - r.major[n - 1].ms) / (r === out ? long.msPerPx : r === secs ? 8 : view.msPerPx);
      assert.ok(gap >= LABEL_PX - 1e-9, `${gap} px`);
    }
  }
});

test("frame ticks fall on frame starts and are numbered from the clip's start", () => {
  const view = { startMs: 5000, msPerPx: FRAME / FRAME_PX, widthPx: 1000, durationMs: 8000 };
  const r = ruler(view, FRAME);
  for (const tick of r.major) {
    const frame = Number(tick.label.split(" ")[1]);
    assert.ok(Math.abs(frame * FRAME - tick.ms) < 1e-6);
  }
  assert.ok(r.major[0].ms >= 5000);
});

test("hours appear in the clock only for long clips", () => {
  const r = ruler(fitView(3 * 3600000, 1000), FRAME);
  assert.ok(r.major.some((t) => t.label === "1:00:00"), r.major.map((t) => t.label).join());
});

test("one lane per category in the scheme's order, and Other only when needed", () => {
  const categories = [{ code: "a", label: "A" }, { code: "b", label: "B" }];
  assert.deepEqual(lanes(categories, [{ category: "b" }], 8).map((l) => l.label), ["A", "B"]);
  const withOther = lanes(categories, [{ category: "zzz" }], 8);
  assert.deepEqual(withOther.map((l) => [l.label, l.colourIndex]), [["A", 0], ["B", 1], ["Other", 7]]);
  assert.equal(laneOf(withOther, "b"), 1);
  assert.equal(laneOf(withOther, "zzz"), 2);
});

test("the hover preview shows the last thumbnail taken at or before the time", () => {
  const times = [0, 2000, 4000, 6000];
  assert.equal(thumbnailAt(times, 0), 0);
  assert.equal(thumbnailAt(times, 1999), 0);
  assert.equal(thumbnailAt(times, 2000), 1);
  assert.equal(thumbnailAt(times, 99999), 3);
  assert.equal(thumbnailAt(times, -5), 0);
  assert.equal(thumbnailAt([], 10), -1);
});
