// @ts-check
// Frame arithmetic on a clip's own frame times (GET /api/clips/{id}/frames): which frame the
// player shows at a time, and where to seek so it shows frame k. Pure: no DOM, no player.

/**
 * The server's answer: `count` frames in runs, each run `[frames, ticks]` of frames lasting
 * `ticks` each, the first starting at `start` ticks; a tick is `time_base[0] / time_base[1]` s.
 * @typedef {{ time_base: [number, number], start: number, count: number, runs: [number, number][] }} FramesBody
 */

/**
 * Frame start times in seconds, as the browser's `currentTime` sees them, and when the last ends.
 * @typedef {{ starts: Float64Array, end: number }} Frames
 */

// Chromium keeps media time in whole microseconds: a time within one of a frame's start is it.
const TOLERANCE = 1e-6;

/**
 * Expand the server's runs into frame start times (exact in ticks, then seconds).
 * @param {FramesBody} body
 * @returns {Frames}
 */
export function framesFrom(body) {
  const [num, den] = body.time_base;
  if (!(num > 0 && den > 0)) throw new RangeError(`bad time base ${num}/${den}`);
  const starts = new Float64Array(body.count);
  let ticks = body.start;
  let n = 0;
  for (const [frames, step] of body.runs) {
    if (n + frames > body.count) throw new RangeError("the runs hold more frames than count");
    for (let i = 0; i < frames; i += 1) {
      starts[n] = (ticks * num) / den;
      ticks += step;
      n += 1;
    }
  }
  if (n !== body.count) throw new RangeError(`the runs hold ${n} frames, not ${body.count}`);
  return { starts, end: (ticks * num) / den };
}

/**
 * Frames at a constant rate: the stand-in while the clip's own times are not known.
 * @param {number} fps
 * @param {number} durationSeconds
 * @returns {Frames}
 */
export function constantFrames(fps, durationSeconds) {
  const rate = fps > 0 ? fps : 30;
  const count = Math.max(1, Math.round(durationSeconds * rate));
  const starts = new Float64Array(count);
  for (let n = 0; n < count; n += 1) starts[n] = n / rate;
  return { starts, end: count / rate };
}

/**
 * The frame shown at `seconds`: the last one starting at or before it (the first before any).
 * @param {Frames} frames
 * @param {number} seconds
 * @returns {number}
 */
export function frameAt(frames, seconds) {
  const { starts } = frames;
  let low = 0;
  let high = starts.length - 1;
  if (high < 0) return 0;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= seconds + TOLERANCE) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The frame number clamped to the clip's frames.
 * @param {Frames} frames
 * @param {number} frame
 */
export function clampFrame(frames, frame) {
  return Math.min(Math.max(0, Math.round(frame)), frames.starts.length - 1);
}

/**
 * Where to seek to show frame k (clamped): the middle of the frame, half a frame from either
 * neighbour, so no rounding of the time (to µs or to ms) shows the wrong one.
 * @param {Frames} frames
 * @param {number} frame
 * @returns {number} seconds
 */
export function timeOfFrame(frames, frame) {
  const k = clampFrame(frames, frame);
  const begin = frames.starts[k];
  const next = k + 1 < frames.starts.length ? frames.starts[k + 1] : frames.end;
  return begin + (next - begin) / 2;
}

/**
 * The frame `by` frames from the one shown at `seconds`, clamped at both ends.
 * @param {Frames} frames
 * @param {number} seconds
 * @param {number} by
 * @returns {number}
 */
export function frameAfter(frames, seconds, by) {
  return clampFrame(frames, frameAt(frames, seconds) + by);
}

/**
 * How long frame k is shown, in seconds.
 * @param {Frames} frames
 * @param {number} frame
 */
export function frameLength(frames, frame) {
  const k = clampFrame(frames, frame);
  const next = k + 1 < frames.starts.length ? frames.starts[k + 1] : frames.end;
  return next - frames.starts[k];
}
