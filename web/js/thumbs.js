// The strip of thumbnails under a player: tiles cut from the server's grid, each a button that
// jumps to its time.

import { clockTime, h } from "./ui.js";

export function thumbnailStrip(clip, seek, most = 24) {
  const thumbs = clip.thumbnails;
  if (!thumbs) return [];
  const every = Math.max(1, Math.ceil(thumbs.times_ms.length / most));
  const tiles = [];
  thumbs.times_ms.forEach((at, n) => {
    if (n % every) return;
    const x = (n % thumbs.columns) * thumbs.width;
    const y = Math.floor(n / thumbs.columns) * thumbs.height;
    const tile = h("button", { type: "button", class: "thumb", "aria-label": `Jump to ${clockTime(at)}`, onclick: () => seek(at) });
    tile.style.backgroundImage = `url(/api/clips/${clip.id}/thumbnails)`;
    tile.style.backgroundPosition = `-${x}px -${y}px`;
    tile.style.width = `${thumbs.width}px`;
    tile.style.height = `${thumbs.height}px`;
    tiles.push(tile);
  });
  return tiles;
}
