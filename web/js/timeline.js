// @ts-check
// The timeline under the video: a time ruler, the clip's sound, and one lane per category (as ELAN's
// tiers) with the moments on it; zoom from the whole clip down to single frames, drag to make or
// adjust a moment, a preview frame under the pointer. It emits `moment.select`, `moment.change` and
// `range.pick`, seeks the video it is given, and never calls the API itself.

import { COLOURS } from "./palette.js";
import {
  clampView, fitView, follow, isFit, lanes, laneOf, msToPx, pxToMs, ruler, scrollBy,
  thumbnailAt, zoomAt,
} from "./timeline/scale.js";
import { drawWave } from "./timeline/wave.js";
import { timecode } from "./ui.js";

/**
 * @typedef {import("./timeline/scale.js").View} View
 * @typedef {import("./timeline/scale.js").Lane} Lane
 * @typedef {{ code: string, label: string }} Category
 * @typedef {{ id: string, start_ms: number, end_ms: number, category: string }} Moment
 * @typedef {{ columns: number, width: number, height: number, times_ms: number[] }} Thumbnails
 * @typedef {{ kind: string, id?: string, edge?: "start" | "end", x0: number, ms0: number,
 *   moved: boolean, start?: number, end?: number, pointerId: number }} Drag
 */

const WAVE_HEIGHT = 32;
const ZOOM_STEP = 2;
const DRAG_PX = 4; // a press that moves less than this is a click
const WAVE_COLOUR = "#6b7280";

/** @param {string} tag @param {string} className @param {Record<string, string>} [attrs] */
function el(tag, className, attrs = {}) {
  const made = document.createElement(tag);
  made.className = className;
  for (const [name, value] of Object.entries(attrs)) made.setAttribute(name, value);
  return made;
}

/** @param {string} hex @param {number} alpha */
function translucent(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export class Timeline extends EventTarget {
  /**
   * @param {{ container: HTMLElement, media: HTMLVideoElement, peaks: any, durationMs: number,
   *   categories: Category[], editable: boolean, frameMs?: number,
   *   frameOf?: (ms: number) => number, frameStart?: (frame: number) => number,
   *   thumbnails?: Thumbnails | null, thumbnailUrl?: string | null }} options
   */
  constructor({ container, media, peaks, durationMs, categories, editable, frameMs, frameOf, frameStart, thumbnails, thumbnailUrl }) {
    super();
    this.container = container;
    this.media = media;
    this.peaks = peaks;
    this.categories = categories;
    this.editable = editable;
    this.frameMs = frameMs || 1000 / 30;
    // the frame a time falls in, and the first whole millisecond of a frame (the page may pass the
    // server's own frame times for a variable frame rate)
    this.frameOf = frameOf ?? ((ms) => Math.floor(ms / this.frameMs + 1e-6));
    this.frameStart = frameStart ?? ((frame) => Math.ceil(frame * this.frameMs - 1e-6));
    this.thumbnails = thumbnails ?? null;
    this.thumbnailUrl = thumbnailUrl ?? null;
    const duration = durationMs || (peaks ? (peaks.peaks.length / (peaks.peaks_per_second || 20)) * 1000 : 1000);
    /** @type {View} */
    this.view = fitView(duration, 600);
    /** @type {Map<string, { moment: Moment, element: HTMLElement }>} */
    this.byId = new Map();
    /** @type {Lane[]} */
    this.laneList = [];
    this.selectedId = /** @type {string | null} */ (null);
    this.pendingRange = /** @type {[number | null, number | null]} */ ([null, null]);
    /** @type {Drag | null} */
    this.drag = null;
    /** @type {Map<number, { x: number, y: number }>} */
    this.touches = new Map();
    this.pinch = /** @type {{ distance: number, middle: number } | null} */ (null);
    this.frame = 0; // the pending requestAnimationFrame, if any
    this.playing = 0;
    this.build();
    this.resize();
    this.render();
    this.isReady = true;
    this.ready = Promise.resolve();
  }

  // -- building --------------------------------------------------------------------------------

  build() {
    const root = this.container;
    root.classList.add("tl");
    root.setAttribute("role", "group");
    root.setAttribute(
      "aria-label",
      "Timeline: the sound of the clip and its moments, one row per category. The list of moments does the same by keyboard.",
    );
    this.tools = el("div", "tl-tools");
    this.zoomOutButton = this.tool("−", "Zoom out (Shift+Z)", () => this.zoomOut());
    this.zoomInButton = this.tool("+", "Zoom in (Z)", () => this.zoomIn());
    this.fitButton = this.tool("↔", "Whole clip (W)", () => this.zoomFit());
    this.tools.append(this.zoomOutButton, this.zoomInButton, this.fitButton);
    this.heads = el("div", "tl-heads");
    this.waveHead = el("div", "tl-head tl-head-wave");
    this.waveHead.textContent = "Sound";
    this.laneHeads = el("div", "tl-lane-heads");
    this.heads.append(this.tools, this.waveHead, this.laneHeads);

    // the drawing is for the eye and the pointer; the moment list is the same by keyboard
    this.body = el("div", "tl-body", { "aria-hidden": "true" });
    this.rulerEl = el("div", "tl-ruler");
    this.canvas = /** @type {HTMLCanvasElement} */ (el("canvas", "tl-wave"));
    this.lanesEl = el("div", "tl-lanes");
    this.pendingEl = el("div", "tl-pending");
    this.pendingEl.hidden = true;
    this.rangeEl = el("div", "tl-range");
    this.rangeEl.hidden = true;
    this.playhead = el("div", "tl-playhead");
    this.dragLabel = el("div", "tl-drag-label");
    this.dragLabel.hidden = true;
    this.body.append(this.rulerEl, this.canvas, this.lanesEl, this.pendingEl, this.rangeEl, this.playhead, this.dragLabel);

    this.hover = el("div", "tl-hover", { "aria-hidden": "true" });
    this.hoverFrame = el("div", "tl-hover-frame");
    this.hoverTime = el("div", "tl-hover-time");
    this.hover.append(this.hoverFrame, this.hoverTime);
    this.hover.hidden = true;
    root.replaceChildren(this.heads, this.body, this.hover);
    this.setLanes([]);

    this.body.addEventListener("pointerdown", (e) => this.onDown(e));
    this.body.addEventListener("pointermove", (e) => this.onMove(e));
    this.body.addEventListener("pointerup", (e) => this.onUp(e));
    this.body.addEventListener("pointercancel", (e) => this.onCancel(e));
    this.body.addEventListener("pointerleave", () => (this.hover.hidden = true));
    this.body.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    new ResizeObserver(() => {
      this.resize();
      this.schedule();
    }).observe(this.body);

    const media = this.media;
    media.addEventListener("seeking", () => this.onTime());
    media.addEventListener("seeked", () => this.onTime());
    media.addEventListener("timeupdate", () => this.onTime());
    media.addEventListener("play", () => this.startFollowing());
    media.addEventListener("pause", () => this.onTime());
    media.addEventListener("loadedmetadata", () => {
      if (!this.view.durationMs && media.duration) this.setView({ ...this.view, durationMs: media.duration * 1000 });
    });
  }

  /** @param {string} text @param {string} label @param {() => void} action */
  tool(text, label, action) {
    const button = el("button", "tl-tool", { type: "button", "aria-label": label, title: label });
    button.textContent = text;
    button.addEventListener("click", action);
    return button;
  }

  /** @param {Moment[]} moments */
  setLanes(moments) {
    const next = lanes(this.categories, moments, COLOURS.length);
    const same = next.length === this.laneList.length && next.every((lane, n) => lane.code === this.laneList[n].code);
    if (same && this.lanesEl.children.length) return;
    this.laneList = next;
    this.laneHeads.replaceChildren(
      ...next.map((lane) => {
        const head = el("div", "tl-head");
        const swatch = el("span", "tl-swatch", { "aria-hidden": "true" });
        swatch.style.background = COLOURS[lane.colourIndex];
        const name = el("span", "tl-head-name");
        name.textContent = lane.label;
        head.title = lane.label;
        head.append(swatch, name);
        return head;
      }),
    );
    this.lanesEl.replaceChildren(...next.map((lane) => el("div", "tl-lane", { "data-category": lane.code ?? "" })));
    for (const entry of this.byId.values()) this.place(entry);
  }

  // -- what the page calls -----------------------------------------------------------------------

  /** @param {string} name @param {object} detail */
  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  /** @param {string} category */
  colour(category) {
    const n = this.categories.findIndex((c) => c.code === category);
    return COLOURS[(n < 0 ? COLOURS.length - 1 : n) % COLOURS.length];
  }

  /** @param {string} category */
  key(category) {
    const n = this.categories.findIndex((c) => c.code === category);
    return n >= 0 && n < 9 ? String(n + 1) : "•";
  }

  /** @param {string} category */
  label(category) {
    return this.categories.find((c) => c.code === category)?.label ?? category;
  }

  /** Only the highlight moves. @param {string | null} id */
  select(id) {
    this.selectedId = id;
    for (const [momentId, { element, moment }] of this.byId) {
      const selected = momentId === id;
      if (element.classList.contains("selected") !== selected) {
        element.classList.toggle("selected", selected);
        this.paint(element, moment);
      }
    }
  }

  /** Keyed: a moment that has not changed keeps its element. @param {Moment[]} moments
   * @param {string | null} selectedId */
  setMoments(moments, selectedId) {
    this.selectedId = selectedId;
    this.setLanes(moments);
    const seen = new Set();
    for (const moment of moments) {
      seen.add(moment.id);
      let entry = this.byId.get(moment.id);
      if (!entry) {
        entry = { moment: { ...moment }, element: this.momentElement(moment) };
        this.byId.set(moment.id, entry);
      } else if (entry.moment.category !== moment.category || entry.moment.start_ms !== moment.start_ms || entry.moment.end_ms !== moment.end_ms) {
        const fresh = this.momentElement(moment);
        entry.element.replaceWith(fresh);
        entry = { moment: { ...moment }, element: fresh };
        this.byId.set(moment.id, entry);
      }
      const selected = moment.id === selectedId;
      if (entry.element.classList.contains("selected") !== selected) {
        entry.element.classList.toggle("selected", selected);
        this.paint(entry.element, entry.moment);
      }
      this.place(entry);
    }
    for (const [id, entry] of this.byId) {
      if (!seen.has(id)) {
        entry.element.remove();
        this.byId.delete(id);
      }
    }
  }

  /** The range set with I and O (or dragged), shown across every lane.
   * @param {number | null} inMs @param {number | null} outMs */
  showPending(inMs, outMs) {
    this.pendingRange = [inMs, outMs];
    this.placePending();
  }

  zoomIn() {
    this.zoomBy(ZOOM_STEP);
  }

  zoomOut() {
    this.zoomBy(1 / ZOOM_STEP);
  }

  zoomFit() {
    this.setView(fitView(this.view.durationMs, this.view.widthPx));
  }

  /** Zoom about the playhead, so it stays where the worker's eyes are. @param {number} factor */
  zoomBy(factor) {
    this.setView(zoomAt(this.view, factor, this.nowMs(), this.frameMs));
  }

  // -- drawing -----------------------------------------------------------------------------------

  nowMs() {
    return this.media.currentTime * 1000;
  }

  /** @param {View} view */
  setView(view) {
    const next = clampView(view, this.frameMs);
    const v = this.view;
    if (next.startMs === v.startMs && next.msPerPx === v.msPerPx && next.widthPx === v.widthPx && next.durationMs === v.durationMs) return;
    this.view = next;
    this.schedule();
  }

  resize() {
    const width = Math.max(1, Math.round(this.body.clientWidth));
    if (width === this.view.widthPx) return;
    const wasFit = isFit(this.view, this.frameMs);
    this.view = wasFit ? fitView(this.view.durationMs, width) : clampView({ ...this.view, widthPx: width }, this.frameMs);
  }

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  render() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const view = this.view;
    const ticks = ruler(view, this.frameMs);
    const marks = [];
    for (const ms of ticks.minor) {
      const tick = el("span", "tl-tick");
      tick.style.left = `${msToPx(ms, view)}px`;
      marks.push(tick);
    }
    for (const { ms, label } of ticks.major) {
      const tick = el("span", "tl-tick tl-major");
      tick.style.left = `${msToPx(ms, view)}px`;
      const text = el("span", "tl-label");
      text.textContent = label;
      tick.append(text);
      marks.push(tick);
    }
    this.rulerEl.replaceChildren(...marks);
    drawWave(this.canvas, this.peaks, view, WAVE_HEIGHT, WAVE_COLOUR);
    for (const entry of this.byId.values()) this.place(entry);
    this.placePending();
    this.placePlayhead();
    const root = this.container;
    root.dataset.startMs = String(Math.round(view.startMs));
    root.dataset.endMs = String(Math.round(view.startMs + view.widthPx * view.msPerPx));
    root.dataset.unit = ticks.unit;
    const fit = isFit(view, this.frameMs);
    this.zoomOutButton.disabled = fit;
    this.fitButton.disabled = fit;
    this.zoomInButton.disabled = view.msPerPx <= this.frameMs / 24 + 1e-9;
  }

  /** @param {Moment} moment */
  momentElement(moment) {
    const point = moment.end_ms === moment.start_ms;
    const element = el("div", `region tl-moment${point ? " tl-point" : ""}`, { "data-id": moment.id });
    const when = point ? timecode(moment.start_ms) : `${timecode(moment.start_ms)} – ${timecode(moment.end_ms)}`;
    element.title = `${this.key(moment.category)} ${this.label(moment.category)} · ${when}`;
    if (this.editable) {
      if (!point) element.append(el("span", "tl-edge tl-edge-start", { "data-edge": "start" }));
      if (!point) element.append(el("span", "tl-edge tl-edge-end", { "data-edge": "end" }));
    }
    if (moment.id === this.selectedId) element.classList.add("selected");
    this.paint(element, moment);
    return element;
  }

  /** @param {HTMLElement} element @param {Moment} moment */
  paint(element, moment) {
    const colour = this.colour(moment.category);
    const point = moment.end_ms === moment.start_ms;
    element.style.setProperty("--colour", colour);
    element.style.background = point ? "" : translucent(colour, element.classList.contains("selected") ? 0.75 : 0.4);
  }

  /** Put a moment in its lane, at the view's scale (hidden when out of view).
   * @param {{ moment: Moment, element: HTMLElement }} entry */
  place({ moment, element }) {
    const lane = this.lanesEl.children[laneOf(this.laneList, moment.category)];
    if (lane && element.parentElement !== lane) lane.append(element);
    const view = this.view;
    const left = msToPx(moment.start_ms, view);
    const right = msToPx(moment.end_ms, view);
    const out = right < -8 || left > view.widthPx + 8;
    if (element.hidden !== out) element.hidden = out;
    if (out) return;
    if (moment.end_ms === moment.start_ms) {
      element.style.left = `${left}px`;
    } else {
      element.style.left = `${left}px`;
      element.style.width = `${Math.max(3, right - left)}px`;
    }
  }

  placePending() {
    const [inMs, outMs] = this.pendingRange;
    this.pendingEl.hidden = inMs === null;
    if (inMs === null) return;
    const left = msToPx(inMs, this.view);
    const right = outMs !== null && outMs > inMs ? msToPx(outMs, this.view) : left;
    this.pendingEl.style.left = `${left}px`;
    this.pendingEl.style.width = `${Math.max(2, right - left)}px`;
  }

  placePlayhead() {
    const x = msToPx(this.nowMs(), this.view);
    this.playhead.hidden = x < -1 || x > this.view.widthPx + 1;
    this.playhead.style.transform = `translateX(${x}px)`;
  }

  // -- following the playhead --------------------------------------------------------------------

  onTime() {
    if (!this.drag || this.drag.kind !== "scrub") {
      this.setView(follow(this.view, this.nowMs(), !this.media.paused, this.frameMs));
    }
    if (!this.frame) this.placePlayhead();
  }

  startFollowing() {
    // while playing, the playhead glides each frame; only a page turn redraws the rest
    const playing = ++this.playing;
    const tick = () => {
      if (playing !== this.playing || this.media.paused) return;
      this.onTime();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  // -- the pointer, the finger and the wheel -----------------------------------------------------

  /** @param {PointerEvent} event */
  x(event) {
    return event.clientX - this.body.getBoundingClientRect().left;
  }

  /** @param {number} ms */
  clampMs(ms) {
    return Math.min(this.view.durationMs, Math.max(0, ms));
  }

  /** The start of the frame under `x`. @param {number} x */
  frameAtPx(x) {
    return this.clampMs(this.frameStart(this.frameOf(this.clampMs(pxToMs(x, this.view)))));
  }

  /** @param {PointerEvent} event */
  onDown(event) {
    if (event.pointerType === "touch") {
      this.touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (this.touches.size === 2) {
        this.cancelDrag();
        this.startPinch();
        return;
      }
      if (this.touches.size > 2) return;
    } else if (event.button !== 0) {
      return;
    }
    const target = /** @type {HTMLElement} */ (event.target);
    const x = this.x(event);
    const ms = this.clampMs(pxToMs(x, this.view));
    const region = /** @type {HTMLElement | null} */ (target.closest(".tl-moment"));
    const edge = /** @type {HTMLElement | null} */ (target.closest(".tl-edge"));
    /** @type {Drag} */
    const drag = { kind: "press", x0: x, ms0: ms, moved: false, pointerId: event.pointerId };
    if (region) {
      const entry = this.byId.get(region.dataset.id ?? "");
      if (!entry) return;
      drag.id = entry.moment.id;
      drag.kind = edge && this.editable ? "resize" : "moment";
      drag.edge = /** @type {"start" | "end" | undefined} */ (edge?.dataset.edge);
      drag.start = entry.moment.start_ms;
      drag.end = entry.moment.end_ms;
    } else if (target.closest(".tl-ruler")) {
      drag.kind = "scrub";
      this.seek(ms);
    }
    this.drag = drag;
    this.body.setPointerCapture(event.pointerId);
    event.preventDefault();
  }

  /** @param {PointerEvent} event */
  onMove(event) {
    if (event.pointerType === "touch" && this.touches.has(event.pointerId)) {
      this.touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (this.pinch) {
        this.movePinch();
        return;
      }
    }
    const x = this.x(event);
    if (event.pointerType !== "touch") this.showHover(x);
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) return;
    if (!drag.moved && Math.abs(x - drag.x0) < DRAG_PX) return;
    drag.moved = true;
    if (drag.kind !== "scrub" && drag.kind !== "press") this.edgeScroll(x, drag);
    const ms = this.frameAtPx(x);
    if (drag.kind === "scrub") {
      this.seek(this.clampMs(pxToMs(x, this.view)));
    } else if (drag.kind === "press" || drag.kind === "range") {
      if (!this.editable) return;
      drag.kind = "range";
      const from = this.frameAtPx(drag.x0);
      drag.start = Math.min(from, ms);
      drag.end = Math.max(from, ms);
      this.showRange(drag.start, drag.end, ms === drag.start ? "start" : "end");
    } else if (drag.kind === "resize" || drag.kind === "moment") {
      if (!this.editable || drag.id === undefined) return;
      const entry = this.byId.get(drag.id);
      if (!entry || drag.start === undefined || drag.end === undefined) return;
      const moment = entry.moment;
      if (drag.kind === "resize") {
        if (drag.edge === "start") {
          moment.start_ms = Math.min(ms, drag.end);
          moment.end_ms = drag.end;
        } else {
          moment.start_ms = drag.start;
          moment.end_ms = Math.max(ms, drag.start);
        }
      } else {
        const length = drag.end - drag.start;
        const start = this.frameAtPx(msToPx(drag.start, this.view) + x - drag.x0);
        moment.start_ms = Math.min(start, Math.max(0, this.view.durationMs - length));
        moment.end_ms = moment.start_ms + length;
      }
      entry.element.classList.add("dragging");
      this.place(entry);
      const shown = drag.kind === "resize" && drag.edge === "end" ? moment.end_ms : moment.start_ms;
      this.showDragLabel(shown);
    }
  }

  /** Dragging to an end of a zoomed view carries the view along (the drag keeps its time).
   * @param {number} x @param {Drag} drag */
  edgeScroll(x, drag) {
    const edge = 24;
    const dx = x < edge ? x - edge : x > this.view.widthPx - edge ? x - (this.view.widthPx - edge) : 0;
    if (!dx) return;
    const before = this.view.startMs;
    this.setView(scrollBy(this.view, dx, this.frameMs));
    // the press point is a time, so it moves on the screen with the view
    drag.x0 -= (this.view.startMs - before) / this.view.msPerPx;
  }

  /** @param {PointerEvent} event */
  onUp(event) {
    this.touches.delete(event.pointerId);
    if (this.pinch) {
      if (this.touches.size < 2) this.pinch = null;
      return;
    }
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) return;
    this.drag = null;
    this.dragLabel.hidden = true;
    this.rangeEl.hidden = true;
    if (drag.kind === "range" && drag.start !== undefined && drag.end !== undefined) {
      this.emit("range.pick", { start_ms: Math.round(drag.start), end_ms: Math.round(drag.end) });
    } else if ((drag.kind === "moment" || drag.kind === "resize") && drag.id !== undefined) {
      const entry = this.byId.get(drag.id);
      if (!drag.moved) {
        this.emit("moment.select", { id: drag.id, seek: true });
      } else if (entry) {
        entry.element.classList.remove("dragging");
        const { start_ms, end_ms } = entry.moment;
        if (start_ms !== drag.start || end_ms !== drag.end) {
          this.emit("moment.change", { id: drag.id, start_ms: Math.round(start_ms), end_ms: Math.round(end_ms) });
        }
      }
    } else if (drag.kind === "press") {
      this.seek(drag.ms0);
    }
  }

  /** @param {PointerEvent} event */
  onCancel(event) {
    this.touches.delete(event.pointerId);
    if (this.touches.size < 2) this.pinch = null;
    if (this.drag?.pointerId === event.pointerId) this.cancelDrag();
  }

  cancelDrag() {
    const drag = this.drag;
    this.drag = null;
    this.dragLabel.hidden = true;
    this.rangeEl.hidden = true;
    if (drag?.id !== undefined && drag.start !== undefined && drag.end !== undefined) {
      const entry = this.byId.get(drag.id);
      if (entry) {
        entry.moment.start_ms = drag.start;
        entry.moment.end_ms = drag.end;
        entry.element.classList.remove("dragging");
        this.place(entry);
      }
    }
  }

  startPinch() {
    const [a, b] = [...this.touches.values()];
    const rect = this.body.getBoundingClientRect();
    this.pinch = { distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)), middle: (a.x + b.x) / 2 - rect.left };
  }

  movePinch() {
    const pinch = this.pinch;
    if (!pinch) return;
    const [a, b] = [...this.touches.values()];
    const rect = this.body.getBoundingClientRect();
    const distance = Math.max(1, Math.hypot(a.x - b.x, a.y - b.y));
    const middle = (a.x + b.x) / 2 - rect.left;
    // the time under the fingers' old middle goes where their middle is now, at the new zoom
    const anchor = pxToMs(pinch.middle, this.view);
    this.setView(zoomAt(this.view, distance / pinch.distance, anchor, this.frameMs, middle));
    this.pinch = { distance, middle };
  }

  /** @param {WheelEvent} event */
  onWheel(event) {
    const unit = event.deltaMode === 1 ? 33 : event.deltaMode === 2 ? this.view.widthPx : 1;
    if (event.ctrlKey || event.metaKey) {
      // Ctrl+wheel, and a trackpad's pinch (which the browser sends as a wheel with ctrlKey)
      event.preventDefault();
      const factor = Math.exp((-event.deltaY * unit) / 250);
      const x = this.x(/** @type {any} */ (event));
      this.setView(zoomAt(this.view, factor, pxToMs(x, this.view), this.frameMs, x));
      return;
    }
    if (isFit(this.view, this.frameMs)) return; // nothing to scroll: the page keeps its wheel
    const dx = event.deltaX || event.deltaY;
    if (!dx) return;
    event.preventDefault();
    this.setView(scrollBy(this.view, dx * unit, this.frameMs));
  }

  /** @param {number} ms */
  seek(ms) {
    this.media.currentTime = this.clampMs(ms) / 1000;
    this.onTime();
  }

  /** @param {number} ms */
  describe(ms) {
    return `${timecode(ms)} · frame ${this.frameOf(ms)}`;
  }

  /** @param {number} ms */
  showDragLabel(ms) {
    this.dragLabel.hidden = false;
    this.dragLabel.textContent = this.describe(ms);
    const x = msToPx(ms, this.view);
    const width = this.dragLabel.offsetWidth;
    this.dragLabel.style.left = `${Math.min(Math.max(0, x - width / 2), this.view.widthPx - width)}px`;
  }

  /** @param {number} start @param {number} end @param {"start" | "end"} edge */
  showRange(start, end, edge) {
    this.rangeEl.hidden = false;
    const left = msToPx(start, this.view);
    this.rangeEl.style.left = `${left}px`;
    this.rangeEl.style.width = `${Math.max(1, msToPx(end, this.view) - left)}px`;
    this.showDragLabel(edge === "start" ? start : end);
  }

  /** @param {number} x */
  showHover(x) {
    const ms = this.clampMs(pxToMs(x, this.view));
    const thumbs = this.thumbnails;
    const index = thumbs && this.thumbnailUrl ? thumbnailAt(thumbs.times_ms, ms) : -1;
    this.hover.hidden = false;
    this.hoverTime.textContent = this.describe(ms);
    if (thumbs && index >= 0) {
      const frame = this.hoverFrame;
      frame.hidden = false;
      frame.style.backgroundImage = `url(${this.thumbnailUrl})`;
      frame.style.backgroundPosition = `-${(index % thumbs.columns) * thumbs.width}px -${Math.floor(index / thumbs.columns) * thumbs.height}px`;
      frame.style.width = `${thumbs.width}px`;
      frame.style.height = `${thumbs.height}px`;
      frame.dataset.index = String(index);
    } else {
      this.hoverFrame.hidden = true;
    }
    const bodyLeft = this.body.offsetLeft;
    const width = this.hover.offsetWidth;
    const room = this.container.clientWidth;
    this.hover.style.left = `${Math.min(Math.max(0, bodyLeft + x - width / 2), room - width)}px`;
  }
}
