// node --test: frame arithmetic on a clip's own frame times (web/js/frames.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { constantFrames, frameAfter, frameAt, framesFrom, timeOfFrame } from "../../web/js/frames.js";

// 30 fps in the 1/15360 time base libx264 MP4s use: 512 ticks a frame, 3 minutes of them
const CFR = framesFrom({ time_base: [1, 15360], start: 0, count: 5400, runs: [[5400, 512]] });
// a webcam in ms: 30 fps (33/34 ms), then 15 fps for a stretch, then 30 again
const VFR_MS = [0, 33, 67, 100, 133, 167, 200, 267, 333, 400, 467, 533, 567, 600, 633];
const VFR = framesFrom({
  time_base: [1, 1000],
  start: 0,
  count: VFR_MS.length,
  runs: VFR_MS.map((at, n) => [1, (VFR_MS[n + 1] ?? 667) - at]),
});

const microseconds = (s) => Math.round(s * 1e6) / 1e6; // what Chromium keeps of a seek

/** Press a frame key `presses` times from `seconds`; the frames shown after each press. */
function press(frames, seconds, by, presses) {
  const shown = [];
  let now = seconds;
  for (let n = 0; n < presses; n += 1) {
    now = microseconds(timeOfFrame(frames, frameAfter(frames, now, by)));
    shown.push(frameAt(frames, now));
  }
  return shown;
}

test("the runs expand to exact frame times", () => {
  assert.equal(CFR.starts.length, 5400);
  assert.equal(CFR.starts[600], 20);
  assert.equal(CFR.starts[1], 512 / 15360);
  assert.equal(CFR.end, 180);
  assert.deepEqual([...VFR.starts].map((s) => Math.round(s * 1000)), VFR_MS);
  assert.throws(() => framesFrom({ time_base: [1, 1000], start: 0, count: 3, runs: [[2, 40]] }), RangeError);
});

test("the reported bug: from 20.000 s, five frames back are five frames, each shown whole", () => {
  assert.equal(frameAt(CFR, 20.0), 600);
  assert.deepEqual(press(CFR, 20.0, -1, 5), [599, 598, 597, 596, 595]);
  // the page used to land on 19.983, 19.950, 19.950…: every landing is now a different frame
  const landings = [];
  let now = 20.0;
  for (let n = 0; n < 5; n += 1) landings.push((now = timeOfFrame(CFR, frameAfter(CFR, now, -1))));
  assert.equal(new Set(landings.map((s) => Math.round(s * 1000))).size, 5);
});

test("twelve frames forward move twelve frames, not seventeen", () => {
  assert.deepEqual(press(CFR, 10.0, 1, 12), [301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312]);
  // and from anywhere inside a frame, even a hair before the next one starts
  assert.deepEqual(press(CFR, 10.0 + 511 / 15360, 1, 3), [301, 302, 303]);
  assert.deepEqual(press(CFR, 10.0 + 511 / 15360, -1, 3), [299, 298, 297]);
});

test("a time rounded to whole ms (as the page shows it) still names its frame", () => {
  for (let k = 0; k < 5400; k += 1) {
    const ms = Math.round(timeOfFrame(CFR, k) * 1000) / 1000;
    assert.equal(frameAt(CFR, ms), k, `frame ${k} at ${ms}`);
  }
});

test("variable frame rate: each press is one of the clip's own frames", () => {
  assert.deepEqual(press(VFR, 0.1, 1, 6), [4, 5, 6, 7, 8, 9]);
  assert.deepEqual(press(VFR, 0.6, -1, 6), [12, 11, 10, 9, 8, 7]);
  assert.equal(frameAt(VFR, 0.266), 6); // the 15 fps stretch: frame 6 lasts 67 ms
  assert.equal(frameAt(VFR, 0.267), 7);
  for (let k = 0; k < VFR_MS.length; k += 1) assert.equal(frameAt(VFR, timeOfFrame(VFR, k)), k);
});

test("stepping stops at both ends", () => {
  assert.deepEqual(press(CFR, 0.05, -1, 3), [0, 0, 0]);
  assert.deepEqual(press(CFR, 179.95, 1, 3), [5399, 5399, 5399]);
  assert.equal(frameAt(CFR, -1), 0);
  assert.equal(frameAt(CFR, 500), 5399);
  assert.ok(timeOfFrame(CFR, 9999) < CFR.end);
  assert.deepEqual(press(VFR, 0, 1, 20).slice(-2), [14, 14]);
  assert.ok(timeOfFrame(VFR, 14) > 0.633 && timeOfFrame(VFR, 14) < 0.667);
});

test("a constant rate stands in before the clip's times arrive", () => {
  const frames = constantFrames(25, 2);
  assert.equal(frames.starts.length, 50);
  assert.equal(frameAt(frames, 0.04), 1);
  assert.equal(frameAt(frames, 0.0399), 0);
  assert.equal(timeOfFrame(frames, 1), 0.06);
});
