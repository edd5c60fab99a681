// @ts-check
// The timeline's arithmetic, free of the DOM: time ↔ pixel at a zoom, zooming and scrolling within
// the clip, following the playhead, the ruler's ticks and labels, and one lane per category.

/**
 * What the timeline shows: `startMs` at its left edge, `msPerPx` milliseconds per pixel, over
 * `widthPx` pixels, of a clip `durationMs` long.
 * @typedef {{ startMs: number, msPerPx: number, widthPx: number, durationMs: number }} View
 */

/** The narrowest a frame may be at the deepest zoom: wide enough to click (and to touch). */
export const FRAME_PX = 24;
/** The least room a ruler label needs, so labels never touch. */
export const LABEL_PX = 84;

/** @param {View} view */
export const spanMs = (view) => view.widthPx * view.msPerPx;
/** @param {View} view */
export const endMs = (view) => view.startMs + spanMs(view);
/** @param {number} ms @param {View} view */
export const msToPx = (ms, view) => (ms - view.startMs) / view.msPerPx;
/** @param {number} px @param {View} view */
export const pxToMs = (px, view) => view.startMs + px * view.msPerPx;

/** The whole clip in `widthPx`. @param {number} durationMs @param {number} widthPx @returns {View} */
export function fitView(durationMs, widthPx) {
  const width = Math.max(1, widthPx);
  return { startMs: 0, msPerPx: Math.max(durationMs, 1) / width, widthPx: width, durationMs };
}

/** The zoom limits: the whole clip at most, one frame FRAME_PX wide at least.
 * @param {View} view @param {number} frameMs */
export function zoomLimits(view, frameMs) {
  const most = Math.max(view.durationMs, 1) / view.widthPx;
  return { least: Math.min(most, frameMs / FRAME_PX), most };
}

/** `view` kept within the clip and the zoom limits. @param {View} view @param {number} frameMs
 * @returns {View} */
export function clampView(view, frameMs) {
  const { least, most } = zoomLimits(view, frameMs);
  const msPerPx = Math.min(most, Math.max(least, view.msPerPx));
  const span = view.widthPx * msPerPx;
  const startMs = Math.min(Math.max(0, view.durationMs - span), Math.max(0, view.startMs));
  return { ...view, msPerPx, startMs };
}

/**
 * Zoom by `factor` (> 1 zooms in) keeping `anchorMs` under the same pixel, as a map does under the
 * pointer; without an anchor pixel, the anchor goes to its own place or, if off screen, the middle.
 * @param {View} view @param {number} factor @param {number} anchorMs @param {number} frameMs
 * @param {number} [anchorPx]
 * @returns {View}
 */
export function zoomAt(view, factor, anchorMs, frameMs, anchorPx) {
  let px = anchorPx ?? msToPx(anchorMs, view);
  if (px < 0 || px > view.widthPx) px = view.widthPx / 2;
  const { least, most } = zoomLimits(view, frameMs);
  const msPerPx = Math.min(most, Math.max(least, view.msPerPx / factor));
  return clampView({ ...view, msPerPx, startMs: anchorMs - px * msPerPx }, frameMs);
}

/** @param {View} view @param {number} frameMs */
export function isFit(view, frameMs) {
  return view.msPerPx >= zoomLimits(view, frameMs).most * 0.999;
}

/** The view moved by `dx` pixels (positive: later). @param {View} view @param {number} dx
 * @param {number} frameMs @returns {View} */
export function scrollBy(view, dx, frameMs) {
  return clampView({ ...view, startMs: view.startMs + dx * view.msPerPx }, frameMs);
}

/**
 * Keep the playhead in view. While playing, the view turns a page when the playhead nears its
 * right edge (the picture does not slide under the worker's eyes); after a seek or step anywhere
 * out of view, the playhead comes to the middle.
 * @param {View} view @param {number} ms @param {boolean} playing @param {number} frameMs
 * @returns {View}
 */
export function follow(view, ms, playing, frameMs) {
  const span = spanMs(view);
  const margin = Math.min(span * 0.05, 40 * view.msPerPx);
  const inView = ms >= view.startMs && ms <= endMs(view) - margin;
  if (inView) return view;
  const startMs = playing && ms > view.startMs && ms < endMs(view) + span ? ms - margin : ms - span / 2;
  return clampView({ ...view, startMs }, frameMs);
}

// Ruler steps: frames, then seconds, then minutes, then hours.
const FRAME_STEPS = [1, 2, 5, 10, 15];
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);

/**
 * @typedef {{ ms: number, label: string }} Tick
 * @typedef {{ unit: "frames" | "seconds" | "minutes", stepMs: number, major: Tick[],
 *   minor: number[] }} Ruler
 */

/** h:mm:ss (or m:ss under an hour) of whole seconds. @param {number} ms */
export function clock(ms) {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** The steps the ruler may use, finest first, each with its unit. @param {number} frameMs */
function steps(frameMs) {
  /** @type {{ ms: number, frames: number }[]} */
  const all = FRAME_STEPS.map((n) => ({ ms: n * frameMs, frames: n })).filter((s) => s.ms < 1000);
  return all.concat(TIME_STEPS.map((ms) => ({ ms, frames: 0 })));
}

/**
 * The ruler for `view`: labelled ticks at least LABEL_PX apart, in frames when a frame is wide,
 * seconds when a second is, minutes when zoomed out; unlabelled ticks between them.
 * @param {View} view @param {number} frameMs @returns {Ruler}
 */
export function ruler(view, frameMs) {
  const all = steps(frameMs);
  const step = all.find((s) => s.ms / view.msPerPx >= LABEL_PX) ?? all[all.length - 1];
  const unit = step.frames ? "frames" : step.ms >= 60000 ? "minutes" : "seconds";
  const first = Math.max(0, Math.ceil(view.startMs / step.ms - 1e-9));
  const last = Math.min(view.durationMs, endMs(view));
  /** @type {Tick[]} */
  const major = [];
  for (let k = first; k * step.ms <= last + 1e-6; k++) {
    const ms = k * step.ms;
    const frames = step.frames ? k * step.frames : 0;
    major.push({ ms, label: step.frames ? `frame ${frames}` : clock(ms) });
  }
  // minor ticks: the finest finer step that divides the major one and is at least 6 px apart
  /** @type {number[]} */
  const minor = [];
  const finer = all
    .slice(0, all.indexOf(step))
    .reverse()
    .find((s) => {
      const ratio = step.ms / s.ms;
      return s.ms / view.msPerPx >= 6 && Math.abs(ratio - Math.round(ratio)) < 1e-6 && ratio >= 2;
    });
  if (finer) {
    const every = Math.round(step.ms / finer.ms);
    const from = Math.max(0, Math.ceil(view.startMs / finer.ms - 1e-9));
    for (let k = from; k * finer.ms <= last + 1e-6; k++) if (k % every) minor.push(k * finer.ms);
  }
  return { unit, stepMs: step.ms, major, minor };
}

/**
 * @typedef {{ code: string, label: string }} Category
 * @typedef {{ code: string | null, label: string, colourIndex: number }} Lane
 */

/**
 * One lane per category of the scheme, in its order (so a category keeps its row and colour), and
 * an "Other" lane at the end only when a moment's category is not in the scheme.
 * @param {Category[]} categories @param {{ category: string }[]} moments @param {number} colours
 * @returns {Lane[]}
 */
export function lanes(categories, moments, colours) {
  /** @type {Lane[]} */
  const out = categories.map((c, n) => ({ code: c.code, label: c.label, colourIndex: n % colours }));
  const known = new Set(categories.map((c) => c.code));
  if (moments.some((m) => !known.has(m.category))) {
    out.push({ code: null, label: "Other", colourIndex: colours - 1 });
  }
  return out;
}

/** The lane a moment goes in. @param {Lane[]} all @param {string} category */
export function laneOf(all, category) {
  const n = all.findIndex((lane) => lane.code === category);
  return n >= 0 ? n : all.length - 1;
}

/** The thumbnail to show at `ms`: the last one taken at or before it. @param {number[]} times
 * @param {number} ms */
export function thumbnailAt(times, ms) {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
