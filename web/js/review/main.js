// @ts-check
// The review page: wires the moments store, the moment list, the timeline, the player and the
// reel panel. Marking is by number key or the category palette (at the playhead, or over a range
// picked with I/O or a drag on the timeline); every moment change saves as it is made and undoes.

import { api } from "../api.js";
import { ExchangePanel } from "../exchange-panel.js";
import { clampFrame, frameAt } from "../frames.js";
import { bindKeys, labelControls, renderKeyList } from "../keymap.js";
import { draftSaved, draftsUnder } from "../drafts.js";
import { DRAFTED_FIELDS, MomentList, draftKey } from "../moment-list.js";
import { Player } from "../player.js";
import { ReelPanel } from "../reel-panel.js";
import { thumbnailStrip } from "../thumbs.js";
import { Timeline } from "../timeline.js";
import { h, showStatus, startPage, timecode } from "../ui.js";
import { MomentsStore } from "./moments-store.js";

/**
 * @typedef {import("./moments-store.js").Moment} Moment
 * @typedef {import("./undo.js").Change} Change
 */

const clipId = location.pathname.split("/")[2];
const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

const state = {
  /** @type {any} */
  clip: null,
  /** @type {{ code: string, label: string }[]} */
  categories: [],
  /** @type {string | null} */
  selected: null,
  /** @type {number | null} */
  inMs: null,
  /** @type {number | null} */
  outMs: null,
  editable: false,
};
const store = new MomentsStore({ clipId, api });
/** @type {any} */
let timeline = null;
/** @type {MomentList} */
let list;
/** @type {any} */
let reels = null;

/** @returns {HTMLVideoElement} */
const player = () => $("player");
/** @type {Player} the player adapter (web/js/player.js): exact frames, shuttle, speed, loop */
let playback;
const nowMs = () => playback.ms;

// -- playing -------------------------------------------------------------------------------------

/** @param {number} ms */
const seek = (ms) => playback.seekMs(ms);

// the looped range follows the selected moment while Loop is ticked
function loopSelected() {
  const moment = selectedMoment();
  playback.loop($("loop").checked && moment ? { fromMs: moment.start_ms, toMs: moment.end_ms } : null);
}

// -- moments -------------------------------------------------------------------------------------

function selectedMoment() {
  return state.selected ? store.get(state.selected) : null;
}

/** @param {string} code */
function label(code) {
  return state.categories.find((c) => c.code === code)?.label ?? code;
}

/** @param {Moment} moment */
function when(moment) {
  return moment.end_ms > moment.start_ms ? `${timecode(moment.start_ms)} – ${timecode(moment.end_ms)}` : timecode(moment.start_ms);
}

let drawnOnTimeline = "";

function draw() {
  const moments = store.moments;
  if (state.selected && !store.get(state.selected)) state.selected = null;
  // the timeline is redrawn only when what it shows changed (typing a note leaves it alone)
  const shown = JSON.stringify([state.selected, moments.map((m) => [m.id, m.start_ms, m.end_ms, m.category])]);
  if (shown !== drawnOnTimeline) {
    drawnOnTimeline = shown;
    timeline.setMoments(moments, state.selected);
    timeline.showPending(state.inMs, state.outMs);
  }
  list.render(moments, state.selected);
  reels.setMoments(moments);
  $("moment-count").textContent = moments.length ? `(${moments.length})` : "";
  $("undo").disabled = !store.history.canUndo;
  $("redo").disabled = !store.history.canRedo;
}

/** @param {string | null} id @param {{ seekTo?: boolean }} [options] */
function select(id, { seekTo = true } = {}) {
  const moment = id ? store.get(id) : null;
  if (id && !moment) return;
  const changed = state.selected !== id;
  state.selected = id;
  if (seekTo && moment) {
    playback.pause();
    seek(moment.start_ms);
  }
  loopSelected();
  if (changed) {
    // only the highlight and the open editor move, so the seek is not kept waiting
    drawnOnTimeline = "";
    timeline.select(id);
    list.select(id);
  }
}

function showPending() {
  const pending = $("pending");
  if (state.inMs === null) {
    pending.hidden = true;
  } else {
    pending.hidden = false;
    pending.textContent = state.outMs === null
      ? `Range from ${timecode(state.inMs)}: press O at its end, then a category to mark it.`
      : `Range ${timecode(state.inMs)} – ${timecode(state.outMs)}: press a category (or its number) to mark it.`;
  }
  $("palette").classList.toggle("ranged", state.inMs !== null);
  timeline.showPending(state.inMs, state.outMs);
}

/** @param {string} message */
function markError(message) {
  $("mark-error").textContent = message;
  $("mark-error").hidden = !message;
}

/** @param {number} categoryIndex */
async function mark(categoryIndex) {
  const category = state.categories[categoryIndex];
  if (!category || !state.editable) return;
  let start = nowMs();
  let end = start;
  if (state.inMs !== null) {
    const out = state.outMs ?? nowMs();
    [start, end] = [Math.min(state.inMs, out), Math.max(state.inMs, out)];
  }
  state.inMs = state.outMs = null;
  showPending();
  markError("");
  try {
    const made = await store.add({ start_ms: start, end_ms: end, category: category.code });
    select(made.id, { seekTo: false });
    showStatus(`${category.label} marked at ${timecode(start)}${end > start ? ` – ${timecode(end)}` : ""}.`);
  } catch (error) {
    markError(`${category.label} was not marked: ${/** @type {Error} */ (error).message}`);
  }
}

/** @param {string} id @param {Record<string, unknown>} changes */
function save(id, changes) {
  return store.update(id, changes);
}

/** @param {string} id */
async function remove(id) {
  const moment = store.get(id);
  if (!moment || !(await store.remove(id))) return;
  const undo = h("button", { type: "button", class: "quiet small" }, "Undo");
  undo.addEventListener("click", () => undoOrRedo("undo"));
  showStatus(`Deleted the ${label(moment.category)} moment at ${timecode(moment.start_ms)}. `);
  $("status").append(undo);
}

/** @param {Change} change */
function describe(change) {
  const fields = change.kind === "update" ? { ...store.get(change.id), ...change.before } : change.fields;
  const what = `the ${label(String(fields.category))} moment at ${timecode(Number(fields.start_ms))}`;
  if (change.kind === "add") return `marking ${what}`;
  if (change.kind === "remove") return `deleting ${what}`;
  const moved = "start_ms" in change.after || "end_ms" in change.after;
  return `${moved ? "moving" : "the change to"} ${what}`;
}

/** @param {"undo" | "redo"} which */
async function undoOrRedo(which) {
  if (!state.editable) return;
  list.flush(); // typing not yet saved is a change of its own, undone first
  try {
    const change = await (which === "undo" ? store.undo() : store.redo());
    if (!change) {
      showStatus(which === "undo" ? "Nothing to undo." : "Nothing to redo.");
      return;
    }
    const id = store.resolve(change.id);
    if (store.get(id)) select(id, { seekTo: false });
    showStatus(`${which === "undo" ? "Undone" : "Redone"}: ${describe(change)}.`);
  } catch (error) {
    showStatus(/** @type {Error} */ (error).message, { error: true });
  }
  draw();
}

/** @param {"start" | "end"} field */
function moveSelected(field) {
  const moment = selectedMoment();
  if (!moment || !state.editable) return;
  const at = nowMs();
  /** @type {Record<string, number>} */
  const changes = field === "start" ? { start_ms: at, end_ms: Math.max(at, moment.end_ms) } : { end_ms: Math.max(at, moment.start_ms) };
  if (field === "start" && moment.end_ms === moment.start_ms) changes.end_ms = at;
  save(moment.id, changes);
}

/** @param {number} direction */
function neighbour(direction) {
  const at = nowMs();
  const moments = store.moments;
  const found = direction > 0
    ? moments.find((m) => m.start_ms > at + 1)
    : [...moments].reverse().find((m) => m.start_ms < at - 1);
  if (found) select(found.id);
}

async function reload() {
  await store.load();
}

// -- stills --------------------------------------------------------------------------------------

function still() {
  const at = nowMs();
  const url = `/api/clips/${clipId}/still?at_ms=${at}`;
  const name = `still-${timecode(at).replace(/:/g, "-")}.jpg`;
  const figure = h(
    "figure",
    { class: "still" },
    h("img", { src: url, alt: `The frame at ${timecode(at)}`, width: "240" }),
    h("figcaption", {}, timecode(at), " · ", h("a", { href: url, download: name }, "Save")),
  );
  $("stills").querySelector("p.muted")?.remove();
  $("stills").prepend(figure);
  $("still-count").textContent = `(${$("stills").children.length})`;
  showStatus(`Still taken at ${timecode(at)}: it is under Stills, below.`);
}

// -- keys ----------------------------------------------------------------------------------------

/** @param {number} by */
function nudgeRate(by) {
  showStatus(`Speed ${playback.nudgeRate(by)}×`);
}

function setIn() {
  state.inMs = nowMs();
  if (state.outMs !== null && state.outMs <= state.inMs) state.outMs = null;
  showPending();
}

function setOut() {
  if (state.inMs === null) {
    showStatus("Press I at the start of the range first.", { error: true });
    return;
  }
  state.outMs = nowMs();
  showPending();
}

function clear() {
  state.inMs = state.outMs = null;
  showPending();
  select(null, { seekTo: false });
  draw();
}

function toggleLoop() {
  $("loop").checked = !$("loop").checked;
  loopSelected();
  showStatus($("loop").checked ? "Looping the selected moment." : "Not looping.");
}

/**
 * What the page does, by the names the key map (web/js/keymap.js) uses.
 * @type {Record<string, (found: { action: string, index: number }) => unknown>}
 */
const actions = {
  "play-pause": () => playback.togglePlay(),
  "shuttle-back": () => playback.shuttle(-1),
  pause: () => playback.pause(),
  "shuttle-forward": () => playback.shuttle(1),
  "frame-back": () => playback.step(-1),
  "frame-forward": () => playback.step(1),
  "second-back": () => playback.skip(-1),
  "second-forward": () => playback.skip(1),
  "previous-moment": () => neighbour(-1),
  "next-moment": () => neighbour(1),
  mark: ({ index }) => index < state.categories.length && mark(index),
  "set-in": setIn,
  "set-out": setOut,
  "move-start-here": () => moveSelected("start"),
  "move-end-here": () => moveSelected("end"),
  "edit-moment": () => state.selected && list.focusNote(state.selected),
  clear,
  loop: toggleLoop,
  slower: () => nudgeRate(-1),
  faster: () => nudgeRate(1),
  still: () => still(),
  "delete-moment": () => state.selected && state.editable && remove(state.selected),
  undo: () => undoOrRedo("undo"),
  redo: () => undoOrRedo("redo"),
  "zoom-in": () => timeline.zoomIn(),
  "zoom-out": () => timeline.zoomOut(),
  "zoom-fit": () => timeline.zoomFit(),
};

function bindPlayer() {
  playback = new Player(player(), { fps: state.clip.fps, durationMs: state.clip.duration_ms });
  playback.loadFrames(`/api/clips/${clipId}/frames`).then((exact) => {
    if (exact) document.body.dataset.frames = "exact";
  });
  playback.addEventListener("rate.change", (event) => ($("rate").value = String(/** @type {CustomEvent} */ (event).detail.rate)));
  playback.addEventListener("shuttle.change", (event) => {
    const { detail } = /** @type {CustomEvent} */ (event);
    if (detail.direction !== 0) showStatus(`${detail.direction > 0 ? "Forward" : "Back"} ${detail.speed}×`);
  });
  $("play").addEventListener("click", actions["play-pause"]);
  $("rate").addEventListener("change", () => playback.setRate(Number($("rate").value)));
  $("loop").addEventListener("change", loopSelected);
  $("still").addEventListener("click", actions.still);
  labelControls(document);
  renderKeyList($("key-list"), actions);
  bindKeys(document, actions, { leaveField: () => list.flush() });
}

// -- the page ------------------------------------------------------------------------------------

/** The legend is the palette: a button per category, in its colour, with its key. */
function palette() {
  $("palette").replaceChildren(
    ...state.categories.map((c, n) => {
      const key = n < 9 ? String(n + 1) : "";
      const swatch = h("span", { class: "swatch", "aria-hidden": "true" }, key || "•");
      swatch.style.background = timeline.colour(c.code);
      const button = h(
        "button",
        { type: "button", "aria-keyshortcuts": key || null, title: `Mark ${c.label} at the playhead, or over the range you picked${key ? ` (${key})` : ""}` },
        h("span", { class: "visually-hidden" }, "Mark "),
        swatch,
        c.label,
        key ? h("span", { class: "visually-hidden" }, ` (key ${key})`) : null,
      );
      button.style.borderLeftColor = timeline.colour(c.code);
      button.addEventListener("click", () => mark(n));
      return button;
    }),
  );
}

/** One drawer open at a time along the bottom. */
function drawers() {
  const all = [...document.querySelectorAll("#drawers > details")];
  for (const drawer of all) {
    drawer.addEventListener("toggle", () => {
      if (/** @type {HTMLDetailsElement} */ (drawer).open) for (const other of all) if (other !== drawer) /** @type {HTMLDetailsElement} */ (other).open = false;
    });
  }
}

async function waitUntilReady() {
  for (;;) {
    const clip = await api(`/api/clips/${clipId}`);
    if (clip.status === "failed") throw new Error(`This clip could not be made playable: ${clip.detail}`);
    if (clip.status === "ready" && clip.review_media) return clip;
    showStatus(`${clip.stage ?? "Preparing the clip"}… the review opens when it is ready.`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function wireStore() {
  store.addEventListener("moments.change", () => draw());
  store.addEventListener("moment.status", (event) => {
    const { id, ...status } = /** @type {CustomEvent} */ (event).detail;
    list.showStatus(id, status);
    const saved = store.get(id);
    if (status.state === "saved" && saved) {
      for (const field of DRAFTED_FIELDS) draftSaved(draftKey(clipId, id, field), String(saved[field] ?? ""));
    }
    if (status.conflict && state.selected !== id) select(id, { seekTo: false });
    if (status.state === "conflict") {
      const moment = store.get(id);
      showStatus(`Not saved: someone else changed the moment${moment ? ` at ${when(moment)}` : ""}. Both versions are beside it.`, { error: true });
    } else if (status.state === "not-saved") {
      showStatus(status.message, { error: true });
    }
  });
}

async function main() {
  const me = await startPage();
  state.editable = me.role === "worker" || me.role === "manager";
  state.clip = await waitUntilReady();
  const [session, programme, schemes, , peaks] = await Promise.all([
    api(`/api/sessions/${state.clip.session_id}`),
    api(`/api/programmes/${state.clip.programme_id}`),
    api("/api/schemes"),
    store.load(),
    api(`/api/clips/${clipId}/peaks`), // refused in words (e.g. no supervision consent)
  ]);
  state.categories = schemes.find((/** @type {any} */ s) => s.name === programme.coding_scheme)?.categories ?? [];
  $("title").textContent = `Session ${session.number}: review`;
  $("back").href = `/sessions/${session.id}`;
  $("back").textContent = `← Session ${session.number}`;
  $("trim-link").href = `/clips/${clipId}`;
  new ExchangePanel({ clipId, scheme: programme.coding_scheme, categories: state.categories, editable: state.editable, video: player(), playableExt: state.clip.playable_ext }).addEventListener("moments.change", () => reload());
  $("joint-link").href = `/clips/${clipId}/joint-review`;
  $("joint-link").hidden = !state.editable;
  $("reel-drawer").hidden = !state.editable;
  for (const id of ["undo", "redo"]) $(id).hidden = !state.editable;
  player().addEventListener("loadeddata", () => performance.mark("vfb.first-frame"), { once: true });
  player().src = `/api/clips/${clipId}/media`;
  player().poster = `/api/clips/${clipId}/poster`;
  $("review-area").hidden = false;
  bindPlayer();
  timeline = new Timeline({
    container: $("timeline"),
    media: player(),
    peaks,
    durationMs: state.clip.duration_ms,
    categories: state.categories,
    editable: state.editable,
    frameMs: 1000 / (state.clip.fps || 30),
    // the clip's own frame times once the player has them (exact at a variable rate too)
    frameOf: (/** @type {number} */ ms) => frameAt(playback.frames, ms / 1000),
    frameStart: (/** @type {number} */ frame) =>
      Math.ceil(playback.frames.starts[clampFrame(playback.frames, frame)] * 1000 - 1e-6),
    thumbnails: state.clip.thumbnails,
    thumbnailUrl: `/api/clips/${clipId}/thumbnails`,
  });
  list = new MomentList({
    list: $("moment-list"),
    empty: $("no-moments"),
    categories: state.categories,
    colour: (c) => timeline.colour(c),
    key: (c) => timeline.key(c),
    editable: state.editable,
    saved: (id) => store.server.get(id) ?? null,
  });
  reels = new ReelPanel({ root: $("reel-panel"), programmeId: state.clip.programme_id, clipId, editable: state.editable });
  if (state.editable) palette();
  else $("palette").hidden = true;
  drawers();
  $("strip").replaceChildren(...thumbnailStrip(state.clip, seek, 24, 0.5));
  timeline.addEventListener("moment.select", (/** @type {CustomEvent} */ { detail }) => {
    if (detail.id !== "pending") select(detail.id, { seekTo: detail.seek });
  });
  timeline.addEventListener("moment.change", (/** @type {CustomEvent} */ { detail }) => {
    if (detail.id === "pending") return;
    save(detail.id, { start_ms: detail.start_ms, end_ms: detail.end_ms });
  });
  timeline.addEventListener("range.pick", (/** @type {CustomEvent} */ { detail }) => {
    state.inMs = Math.min(detail.start_ms, detail.end_ms);
    state.outMs = Math.max(detail.start_ms, detail.end_ms);
    showPending();
  });
  list.addEventListener("moment.select", (event) => {
    const { detail } = /** @type {CustomEvent} */ (event);
    select(detail.id, { seekTo: detail.seek });
  });
  list.addEventListener("moment.save", (event) => {
    const { detail } = /** @type {CustomEvent} */ (event);
    save(detail.id, detail.changes);
  });
  list.addEventListener("moment.retry", (event) => store.retry(/** @type {CustomEvent} */ (event).detail.id));
  list.addEventListener("moment.delete", (event) => remove(/** @type {CustomEvent} */ (event).detail.id));
  list.addEventListener("moment.keep", (event) => {
    const { id, which } = /** @type {CustomEvent} */ (event).detail;
    if (which === "mine") store.keepMine(id);
    else store.keepTheirs(id);
  });
  wireStore();
  const showTime = () => ($("time").textContent = timecode(nowMs()));
  player().addEventListener("timeupdate", showTime);
  player().addEventListener("seeked", showTime);
  player().addEventListener("play", () => ($("play").textContent = "Pause"));
  player().addEventListener("pause", () => ($("play").textContent = "Play"));
  $("undo").addEventListener("click", () => undoOrRedo("undo"));
  $("redo").addEventListener("click", () => undoOrRedo("redo"));
  window.addEventListener("beforeunload", () => list.flush());
  draw();
  await timeline.ready;
  // words typed here and never saved (the page closed, the sign-in ended): open their moment,
  // which puts them back and saves them
  const [drafted] = await draftsUnder(`review/${clipId}/`);
  const draftedId = drafted?.split("/")[2];
  if (draftedId && store.get(draftedId)) select(draftedId, { seekTo: false });
  performance.mark("vfb.timeline-drawn");
  document.body.dataset.ready = "true";
  showStatus(state.editable ? "Press a category (or its number key) to mark a moment." : "");
}

main().catch((error) => showStatus(error.message, { error: true }));
