// The review page: study a clip, mark moments by keyboard on the timeline, take stills, and make a
// highlight reel. Moments are saved as they are made; a stale change is refused by the server and
// explained here, never silently lost.

import { api } from "./api.js";
import { bindKeys, labelControls, renderKeyList } from "./keymap.js";
import { MomentList } from "./moment-list.js";
import { Player } from "./player.js";
import { ReelPanel } from "./reel-panel.js";
import { thumbnailStrip } from "./thumbs.js";
import { Timeline } from "./timeline.js";
import { csrfHeader, h, showStatus, startPage, timecode } from "./ui.js";

const clipId = location.pathname.split("/")[2];
const $ = (id) => document.getElementById(id);

const state = {
  clip: null,
  categories: [],
  moments: [],
  selected: null,
  inMs: null,
  outMs: null,
  editable: false,
  saving: new Map(), // moment id → the promise of its last save, so saves go in order
};
let timeline = null;
let list = null;

const player = () => $("player");
/** @type {Player} the player adapter (web/js/player.js): exact frames, shuttle, speed, loop */
let playback = null;
const nowMs = () => playback.ms;
const seek = (ms) => playback.seekMs(ms);

// the looped range follows the selected moment while Loop is ticked
function loopSelected() {
  const moment = selectedMoment();
  playback.loop($("loop").checked && moment ? { fromMs: moment.start_ms, toMs: moment.end_ms } : null);
}

// -- moments -------------------------------------------------------------------------------------

function selectedMoment() {
  return state.moments.find((m) => m.id === state.selected) ?? null;
}

function sortMoments() {
  state.moments.sort((a, b) => a.start_ms - b.start_ms || a.end_ms - b.end_ms || a.id.localeCompare(b.id));
}

function draw() {
  sortMoments();
  timeline.setMoments(state.moments, state.selected);
  timeline.showPending(state.inMs, state.outMs);
  list.render(state.moments, state.selected);
  reels.setMoments(state.moments);
}

function select(id, { seekTo = true } = {}) {
  const moment = state.moments.find((m) => m.id === id);
  if (!moment) return;
  const changed = state.selected !== id;
  state.selected = id;
  if (seekTo) {
    playback.pause();
    seek(moment.start_ms);
  }
  loopSelected();
  if (changed) {
    // only the highlight moves: nothing is redrawn, so the seek is not kept waiting
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
      ? `Range from ${timecode(state.inMs)}: press O at its end, then a number to mark it.`
      : `Range ${timecode(state.inMs)} – ${timecode(state.outMs)}: press a number to mark it.`;
  }
  timeline.showPending(state.inMs, state.outMs);
}

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
  try {
    const made = await api(`/api/clips/${clipId}/moments`, {
      method: "POST",
      body: { start_ms: start, end_ms: end, category: category.code },
    });
    state.moments.push(made);
    state.selected = made.id;
    draw();
    showStatus(`${category.label} marked at ${timecode(start)}${end > start ? ` – ${timecode(end)}` : ""}.`);
  } catch (error) {
    showStatus(error.message, { error: true });
  }
}

function save(id, changes) {
  const previous = state.saving.get(id) ?? Promise.resolve();
  const next = previous.then(() => patch(id, changes));
  state.saving.set(id, next.catch(() => {}));
  return next;
}

async function patch(id, changes) {
  const moment = state.moments.find((m) => m.id === id);
  if (!moment) return;
  list.showSaved(id, "Saving…");
  try {
    const saved = await api(`/api/moments/${id}`, { method: "PATCH", body: { version: moment.version, ...changes } });
    Object.assign(moment, saved);
    list.showSaved(id, "Saved");
    if ("start_ms" in changes || "end_ms" in changes || "category" in changes) draw();
    else reels.setMoments(state.moments);
  } catch (error) {
    if (error.status === 409) {
      showStatus(`${error.message} Your change was: ${describe(changes)}.`, { error: true });
      await reload();
    } else {
      showStatus(error.message, { error: true });
      list.showSaved(id, "Not saved");
      if (error.status === 400 || error.status === 422) draw(); // put the moment back as it was
    }
  }
}

function describe(changes) {
  return Object.entries(changes)
    .map(([field, value]) => `${field.replace(/_/g, " ")} “${value}”`)
    .join(", ");
}

async function remove(id) {
  const moment = state.moments.find((m) => m.id === id);
  if (!moment) return;
  try {
    await api(`/api/moments/${id}`, { method: "DELETE" });
  } catch (error) {
    showStatus(error.message, { error: true });
    return;
  }
  state.moments = state.moments.filter((m) => m.id !== id);
  if (state.selected === id) state.selected = null;
  draw();
  const undo = h("button", { type: "button", class: "quiet small" }, "Undo");
  undo.addEventListener("click", async () => {
    const { start_ms, end_ms, category, note, share_with_carer, caption } = moment;
    const made = await api(`/api/clips/${clipId}/moments`, { method: "POST", body: { start_ms, end_ms, category, note, share_with_carer, caption } });
    state.moments.push(made);
    state.selected = made.id;
    draw();
    showStatus("The moment is back.");
  });
  showStatus(`Deleted the moment at ${timecode(moment.start_ms)}. `);
  $("status").append(undo);
}

function moveSelected(field) {
  const moment = selectedMoment();
  if (!moment || !state.editable) return;
  const at = nowMs();
  const changes = field === "start" ? { start_ms: at, end_ms: Math.max(at, moment.end_ms) } : { end_ms: Math.max(at, moment.start_ms) };
  if (field === "start" && moment.end_ms === moment.start_ms) changes.end_ms = at;
  save(moment.id, changes);
}

function neighbour(direction) {
  sortMoments();
  const at = nowMs();
  const found = direction > 0
    ? state.moments.find((m) => m.start_ms > at + 1)
    : [...state.moments].reverse().find((m) => m.start_ms < at - 1);
  if (found) select(found.id);
}

async function reload() {
  state.moments = await api(`/api/clips/${clipId}/moments`);
  if (!state.moments.some((m) => m.id === state.selected)) state.selected = null;
  draw();
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
  $("stills").hidden = false;
  $("stills").prepend(figure);
  showStatus(`Still taken at ${timecode(at)}.`);
}

// -- export and import ----------------------------------------------------------------------------

async function importMoments(event) {
  event.preventDefault();
  const file = $("import-file").files[0];
  if (!file) {
    showStatus("Choose a .csv or .eaf file first.", { error: true });
    return;
  }
  const kind = file.name.toLowerCase().endsWith(".eaf") ? "eaf" : "csv";
  const response = await fetch(`/api/clips/${clipId}/moments/import?format=${kind}`, {
    method: "POST",
    headers: { "Content-Type": kind === "eaf" ? "application/xml" : "text/csv", ...csrfHeader() },
    body: file,
    credentials: "same-origin",
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    showStatus(`${file.name} was not imported: ${body?.detail ?? response.status}`, { error: true });
    return;
  }
  await reload();
  showStatus(`Imported ${body.length} moment${body.length === 1 ? "" : "s"} from ${file.name}.`);
}

// -- keys: the key map (web/js/keymap.js) dispatches to these, by action name ----------------
// Actions other parts build (undo, redo, zoom) are in the map; a missing handler leaves the key.

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

function toggleLoop() {
  $("loop").checked = !$("loop").checked;
  loopSelected();
  showStatus($("loop").checked ? "Looping the selected moment." : "Not looping.");
}

function nudgeRate(by) {
  showStatus(`Speed ${playback.nudgeRate(by)}×`);
}

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
  mark: ({ index }) => mark(index),
  "set-in": setIn,
  "set-out": setOut,
  "move-start-here": () => moveSelected("start"),
  "move-end-here": () => moveSelected("end"),
  "edit-moment": () => state.selected && list.focusNote(state.selected),
  clear: () => {
    state.inMs = state.outMs = null;
    state.selected = null;
    loopSelected();
    showPending();
    draw();
  },
  loop: toggleLoop,
  slower: () => nudgeRate(-1),
  faster: () => nudgeRate(1),
  still: () => still(),
  "delete-moment": () => state.selected && state.editable && remove(state.selected),
  // built by other parts of the page; until then these keys do nothing
  undo: undefined,
  redo: undefined,
  "zoom-in": undefined,
  "zoom-out": undefined,
  "zoom-fit": undefined,
};

function bindPlayer() {
  playback = new Player(player(), { fps: state.clip.fps, durationMs: state.clip.duration_ms });
  playback.loadFrames(`/api/clips/${clipId}/frames`).then((exact) => {
    if (exact) document.body.dataset.frames = "exact";
  });
  playback.addEventListener("rate.change", ({ detail }) => ($("rate").value = String(detail.rate)));
  playback.addEventListener("shuttle.change", ({ detail }) => {
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

let reels = null;

function legend() {
  $("legend").replaceChildren(
    ...state.categories.map((c, n) => {
      const swatch = h("span", { class: "swatch", "aria-hidden": "true" }, n < 9 ? String(n + 1) : "•");
      swatch.style.background = timeline.colour(c.code);
      return h("li", {}, swatch, ` ${c.label}`, n < 9 ? h("span", { class: "visually-hidden" }, ` (key ${n + 1})`) : null);
    }),
  );
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

async function main() {
  const me = await startPage();
  state.editable = me.role === "worker" || me.role === "manager";
  state.clip = await waitUntilReady();
  const [session, programme, schemes, moments, peaks] = await Promise.all([
    api(`/api/sessions/${state.clip.session_id}`),
    api(`/api/programmes/${state.clip.programme_id}`),
    api("/api/schemes"),
    api(`/api/clips/${clipId}/moments`),
    api(`/api/clips/${clipId}/peaks`), // refused in words (e.g. no supervision consent)
  ]);
  state.categories = schemes.find((s) => s.name === programme.coding_scheme)?.categories ?? [];
  state.moments = moments;
  $("title").textContent = `Session ${session.number}: review`;
  $("back").href = `/sessions/${session.id}`;
  $("back").textContent = `← Session ${session.number}`;
  $("trim-link").href = `/clips/${clipId}`;
  for (const kind of ["csv", "vtt", "eaf"]) $(`export-${kind}`).href = `/api/clips/${clipId}/moments.${kind}`;
  $("import").hidden = !state.editable;
  $("import").addEventListener("submit", importMoments);
  $("joint-link").href = `/clips/${clipId}/joint-review`;
  $("joint-link").hidden = !state.editable;
  player().addEventListener("loadeddata", () => performance.mark("vfb.first-frame"), { once: true });
  player().src = `/api/clips/${clipId}/media`;
  player().poster = `/api/clips/${clipId}/poster`;
  $("review-area").hidden = false;
  timeline = new Timeline({
    container: $("timeline"),
    media: player(),
    peaks,
    durationMs: state.clip.duration_ms,
    categories: state.categories,
    editable: state.editable,
  });
  list = new MomentList({
    list: $("moment-list"),
    empty: $("no-moments"),
    categories: state.categories,
    colour: (c) => timeline.colour(c),
    key: (c) => timeline.key(c),
    editable: state.editable,
  });
  reels = new ReelPanel({ root: $("reel-panel"), programmeId: state.clip.programme_id, clipId, editable: state.editable });
  legend();
  $("strip").replaceChildren(...thumbnailStrip(state.clip, seek));
  timeline.addEventListener("moment.select", ({ detail }) => {
    if (detail.id !== "pending") select(detail.id, { seekTo: detail.seek });
  });
  timeline.addEventListener("moment.change", ({ detail }) => {
    if (detail.id === "pending") return;
    save(detail.id, { start_ms: detail.start_ms, end_ms: detail.end_ms });
  });
  list.addEventListener("moment.select", ({ detail }) => select(detail.id, { seekTo: detail.seek }));
  list.addEventListener("moment.save", ({ detail }) => save(detail.id, detail.changes));
  list.addEventListener("moment.delete", ({ detail }) => remove(detail.id));
  const showTime = () => ($("time").textContent = timecode(nowMs()));
  player().addEventListener("timeupdate", showTime);
  player().addEventListener("seeked", showTime);
  player().addEventListener("play", () => ($("play").textContent = "Pause"));
  player().addEventListener("pause", () => ($("play").textContent = "Play"));
  bindPlayer();
  window.addEventListener("beforeunload", () => list.flush());
  draw();
  await timeline.ready;
  performance.mark("vfb.timeline-drawn");
  document.body.dataset.ready = "true";
  showStatus(state.editable ? "Press a number key to mark a moment; the list of keys is below." : "");
}

main().catch((error) => showStatus(error.message, { error: true }));
