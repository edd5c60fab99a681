// The strip of thumbnails under a player: tiles cut from the server's grid, each a button that
// jumps to its time (drawn at `scale` of the grid's size where space is short).

import { clockTime, h } from "./ui.js";

export function thumbnailStrip(clip, seek, most = 24, scale = 1) {
  const thumbs = clip.thumbnails;
  if (!thumbs) return [];
  const every = Math.max(1, Math.ceil(thumbs.times_ms.length / most));
  const tiles = [];
  thumbs.times_ms.forEach((at, n) => {
    if (n % every) return;
    const x = (n % thumbs.columns) * thumbs.width * scale;
    const y = Math.floor(n / thumbs.columns) * thumbs.height * scale;
    const tile = h("button", { type: "button", class: "thumb", "aria-label": `Jump to ${clockTime(at)}`, onclick: () => seek(at) });
    tile.style.backgroundImage = `url(/api/clips/${clip.id}/thumbnails)`;
    tile.style.backgroundPosition = `-${x}px -${y}px`;
    if (scale !== 1) tile.style.backgroundSize = `${thumbs.columns * thumbs.width * scale}px auto`;
    tile.style.width = `${thumbs.width * scale}px`;
    tile.style.height = `${thumbs.height * scale}px`;
    tiles.push(tile);
  });
  return tiles;
}
