// @ts-check
// The strip of moments under the joint review's picture (as GoReact shows the clips to come):
// a button per moment with a thumbnail from the clip's grid, the one playing marked as current.

import { h } from "./ui.js";

const TILE_WIDTH = 112; // px on screen; the grid's tiles are scaled to it

/**
 * @typedef {{ columns: number, width: number, height: number, times_ms: number[] }} Thumbnails
 * @typedef {{ id: string, start_ms: number, caption: string }} StripMoment
 */

/**
 * The tile shown at `at` (the last one at or before it), scaled to TILE_WIDTH.
 * @param {string} clipId
 * @param {Thumbnails} thumbs
 * @param {number} at
 */
function tile(clipId, thumbs, at) {
  let n = 0;
  thumbs.times_ms.forEach((t, i) => {
    if (t <= at) n = i;
  });
  const scale = TILE_WIDTH / thumbs.width;
  const rows = Math.ceil(thumbs.times_ms.length / thumbs.columns);
  const picture = h("span", { class: "strip-picture", "aria-hidden": "true" });
  picture.style.backgroundImage = `url(/api/clips/${clipId}/thumbnails)`;
  picture.style.backgroundSize = `${thumbs.columns * thumbs.width * scale}px ${rows * thumbs.height * scale}px`;
  picture.style.backgroundPosition = `-${(n % thumbs.columns) * thumbs.width * scale}px -${Math.floor(n / thumbs.columns) * thumbs.height * scale}px`;
  picture.style.width = `${TILE_WIDTH}px`;
  picture.style.height = `${Math.round(thumbs.height * scale)}px`;
  return picture;
}

/**
 * Fill `list` with a button per moment; `choose(n)` is called with the moment's index.
 * @param {HTMLElement} list
 * @param {StripMoment[]} moments
 * @param {{ id: string, thumbnails: Thumbnails | null }} clip
 * @param {(n: number) => void} choose
 */
export function fillStrip(list, moments, clip, choose) {
  list.replaceChildren(
    ...moments.map((moment, n) =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "strip-moment", onclick: () => choose(n) },
          clip.thumbnails ? tile(clip.id, clip.thumbnails, moment.start_ms) : null,
          h("span", { class: "strip-text" }, h("span", { class: "strip-number" }, `${n + 1}`), ` ${moment.caption}`),
        ),
      ),
    ),
  );
}

/**
 * @param {HTMLElement} list
 * @param {number} index the moment playing
 */
export function markCurrent(list, index) {
  list.querySelectorAll("button").forEach((button, n) => {
    if (n !== index) return button.removeAttribute("aria-current");
    button.setAttribute("aria-current", "true");
    // scroll the strip only (the list is its buttons' offsetParent), never the page
    const { offsetLeft: left, offsetWidth: width } = button;
    if (left < list.scrollLeft || left + width > list.scrollLeft + list.clientWidth) list.scrollLeft = left - 8;
  });
}
