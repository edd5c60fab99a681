// The timeline under the video: the clip's sound drawn from the peaks the server made (the browser
// never decodes the file) with wavesurfer.js, and the moments on it with its regions plugin.
// A player adapter: it emits `moment.select` and `moment.change`, and never calls the API itself.

import WaveSurfer from "/static/vendor/wavesurfer-7.12.12.esm.js";
import RegionsPlugin from "/static/vendor/wavesurfer-regions-7.12.12.esm.js";

import { COLOURS } from "./palette.js";

export const HEIGHT = 80; // the CSP allows wavesurfer's style at this height only

function translucent(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

// Server peaks are positive maxima per 50 ms (0–scale); mirrored, so the wave is drawn both ways.
function mirrored(body) {
  const out = new Float32Array(body.peaks.length * 2);
  body.peaks.forEach((value, n) => {
    out[2 * n] = value / body.scale;
    out[2 * n + 1] = -value / body.scale;
  });
  return out;
}

export class Timeline extends EventTarget {
  constructor({ container, media, peaks, durationMs, categories, editable }) {
    super();
    this.categories = categories;
    this.editable = editable;
    this.regions = RegionsPlugin.create();
    this.byId = new Map();
    this.wave = WaveSurfer.create({
      container,
      media,
      peaks: [mirrored(peaks)],
      duration: durationMs / 1000,
      height: HEIGHT,
      waveColor: "#8a8f96",
      progressColor: "#1f2933",
      cursorColor: "#b3261e",
      cursorWidth: 2,
      dragToSeek: true,
      plugins: [this.regions],
    });
    this.isReady = false;
    this.ready = new Promise((resolve) => this.wave.once("ready", resolve)).then(() => {
      // regions placed before the duration is known would all sit at the start
      this.isReady = true;
      if (this.later) this.setMoments(...this.later);
      this.showPending(this.pendingRange?.[0] ?? null, this.pendingRange?.[1] ?? null);
    });
    this.regions.on("region-clicked", (region, event) => {
      event.stopPropagation();
      this.emit("moment.select", { id: region.id, seek: true });
    });
    this.regions.on("region-updated", (region) => {
      const start = Math.round(region.start * 1000);
      const end = region.end > region.start ? Math.round(region.end * 1000) : start;
      this.emit("moment.change", { id: region.id, start_ms: start, end_ms: end });
    });
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  colour(category) {
    const n = this.categories.findIndex((c) => c.code === category);
    return COLOURS[(n < 0 ? COLOURS.length - 1 : n) % COLOURS.length];
  }

  key(category) {
    const n = this.categories.findIndex((c) => c.code === category);
    return n >= 0 && n < 9 ? String(n + 1) : "•";
  }

  select(id) {
    for (const [regionId, region] of this.byId) {
      const selected = regionId === id;
      if (region.element) region.element.classList.toggle("selected", selected);
      if (region.end > region.start) {
        const colour = this.colour(region.category);
        region.setOptions({ color: translucent(colour, selected ? 0.55 : 0.3) });
      }
    }
  }

  setMoments(moments, selectedId) {
    if (!this.isReady) {
      this.later = [moments, selectedId];
      return;
    }
    this.regions.clearRegions();
    this.byId.clear();
    this.pendingRegion = null;
    for (const moment of moments) {
      const colour = this.colour(moment.category);
      const label = document.createElement("span");
      label.className = "region-label";
      label.textContent = this.key(moment.category);
      label.style.background = colour;
      const point = moment.end_ms === moment.start_ms;
      const region = this.regions.addRegion({
        id: moment.id,
        start: moment.start_ms / 1000,
        end: point ? undefined : moment.end_ms / 1000,
        color: point ? colour : translucent(colour, moment.id === selectedId ? 0.55 : 0.3),
        content: label,
        drag: this.editable,
        resize: this.editable && !point,
      });
      if (region.element) {
        region.element.classList.add("region");
        region.element.classList.toggle("selected", moment.id === selectedId);
        region.element.setAttribute("title", `${this.key(moment.category)} ${moment.category}`);
      }
      region.category = moment.category;
      this.byId.set(moment.id, region);
    }
  }

  showPending(inMs, outMs) {
    this.pendingRange = [inMs, outMs];
    if (!this.isReady) return;
    if (this.pendingRegion) this.pendingRegion.remove();
    this.pendingRegion = null;
    if (inMs === null) return;
    this.pendingRegion = this.regions.addRegion({
      id: "pending",
      start: inMs / 1000,
      end: outMs !== null && outMs > inMs ? outMs / 1000 : undefined,
      color: "rgba(31, 41, 51, 0.25)",
      drag: false,
      resize: false,
    });
  }
}
