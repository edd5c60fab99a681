// @ts-check
// The clip's sound on a canvas, drawn from the peaks the server made (the browser never decodes the
// file), for the part of the clip in view only: the loudest peak under each pixel, mirrored.

import { pxToMs } from "./scale.js";

/**
 * @typedef {{ peaks: number[], scale: number, peaks_per_second: number }} Peaks
 * @typedef {import("./scale.js").View} View
 */

/** Size `canvas` to its box at the screen's pixel density; false if it has no box yet.
 * @param {HTMLCanvasElement} canvas @param {number} width @param {number} height */
export function fitCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  return ratio;
}

/** @param {HTMLCanvasElement} canvas @param {Peaks | null} body @param {View} view
 * @param {number} height @param {string} colour */
export function drawWave(canvas, body, view, height, colour) {
  const ratio = fitCanvas(canvas, view.widthPx, height);
  const context = canvas.getContext("2d");
  if (!context) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, view.widthPx, height);
  if (!body || !body.peaks.length) return;
  const perMs = (body.peaks_per_second || 20) / 1000;
  const middle = height / 2;
  context.fillStyle = colour;
  const peaks = body.peaks;
  const scale = body.scale || 1;
  for (let x = 0; x < view.widthPx; x++) {
    const from = pxToMs(x, view);
    if (from >= view.durationMs) break;
    const first = Math.max(0, Math.floor(from * perMs));
    const last = Math.min(peaks.length, Math.max(first + 1, Math.ceil((from + view.msPerPx) * perMs)));
    let loudest = 0;
    for (let n = first; n < last; n++) if (peaks[n] > loudest) loudest = peaks[n];
    const half = Math.max(0.5, (loudest / scale) * (middle - 1));
    context.fillRect(x, middle - half, 1, half * 2);
  }
}
