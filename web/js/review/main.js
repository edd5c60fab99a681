// @ts-check
// The review page: wires the moments store, the moment list, the timeline, the player and the
// reel panel. Marking is by number key or the category palette (at the playhead, or over a range
// picked with I/O or a drag on the timeline); every moment change saves as it is made and undoes.

import { api } from "../api.js";
import { MomentList } from "../moment-list.js";
import { ReelPanel } from "../reel-panel.js";
import { thumbnailStrip } from "../thumbs.js";
import { Timeline } from "../timeline.js";
import { csrfHeader, h, showStatus, startPage, timecode } from "../ui.js";
import { MomentsStore } from "./moments-store.js";

/**
 * @typedef {import("./moments-store.js").Moment} Moment
 * @typedef {import("./undo.js").Change} Change
 */

const clipId = location.pathname.split("/")[2];
const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));
const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];
const SHUTTLE = [1, 2, 4];

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
  shuttle: { direction: 0, step: 0, /** @type {any} */ timer: null },
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
const nowMs = () => Math.round(player().currentTime * 1000);
const frameMs = () => 1000 / (state.clip.fps || 30);

// -- playing -------------------------------------------------------------------------------------

/** @param {number} ms */
function seek(ms) {
  const limit = state.clip.duration_ms ?? Infinity;
  player().currentTime = Math.min(Math.max(0, ms), limit) / 1000;
}

/** @param {number} frames */
function step(frames) {
  stopShuttle();
  player().pause();
  const frame = Math.floor(nowMs() / frameMs() + 0.5) + frames;
  seek(frame * frameMs() + frameMs() / 2); // the middle of the frame: never its neighbour
}

function chosenRate() {
  return Number($("rate").value);
}

/** @param {number} rate */
function setRate(rate) {
  $("rate").value = String(rate);
  player().playbackRate = rate;
}

function stopShuttle() {
  clearInterval(state.shuttle.timer);
  state.shuttle = { direction: 0, step: 0, timer: null };
}

/** @param {number} direction */
function shuttle(direction) {
  const same = state.shuttle.direction === direction;
  const next = same ? Math.min(state.shuttle.step + 1, SHUTTLE.length - 1) : 0;
  stopShuttle();
  state.shuttle.direction = direction;
  state.shuttle.step = next;
  const speed = SHUTTLE[next];
  if (direction > 0) {
    player().playbackRate = speed;
    player().play();
    showStatus(`Forward ${speed}×`);
  } else {
    player().pause(); // browsers cannot play backwards: step back instead
    state.shuttle.timer = setInterval(() => {
      if (player().currentTime <= 0) stopShuttle();
      else seek(nowMs() - 100 * speed);
    }, 100);
    showStatus(`Back ${speed}×`);
  }
}

function pause() {
  stopShuttle();
  player().pause();
  player().playbackRate = chosenRate();
}

function togglePlay() {
  if (player().paused) {
    stopShuttle();
    player().playbackRate = chosenRate();
    player().play();
  } else {
    pause();
  }
}

function loopSelected() {
  const moment = selectedMoment();
  if (!$("loop").checked || !moment || player().paused) return;
  const end = moment.end_ms > moment.start_ms ? moment.end_ms : moment.start_ms + 3000;
  if (nowMs() >= end || nowMs() < moment.start_ms - 250) seek(moment.start_ms);
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
    player().pause();
    seek(moment.start_ms);
  }
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

// -- export and import ----------------------------------------------------------------------------

/** @param {Event} event */
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

// -- keys ----------------------------------------------------------------------------------------

/** @param {number} direction */
function changeRate(direction) {
  const n = RATES.indexOf(chosenRate());
  const next = RATES[Math.min(RATES.length - 1, Math.max(0, n + direction))];
  setRate(next);
  showStatus(`Speed ${next}×`);
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
  showStatus($("loop").checked ? "Looping the selected moment." : "Not looping.");
}

/** What the page does, by the names the key map uses (docs: the shared vocabulary). */
/** @type {Record<string, (index?: number) => void>} */
const actions = {
  "play-pause": togglePlay,
  "shuttle-back": () => shuttle(-1),
  pause,
  "shuttle-forward": () => shuttle(1),
  "frame-back": () => step(-1),
  "frame-forward": () => step(1),
  "second-back": () => seek(nowMs() - 1000),
  "second-forward": () => seek(nowMs() + 1000),
  "previous-moment": () => neighbour(-1),
  "next-moment": () => neighbour(1),
  mark: (index = 0) => mark(index),
  "set-in": setIn,
  "set-out": setOut,
  "move-start-here": () => moveSelected("start"),
  "move-end-here": () => moveSelected("end"),
  "edit-moment": () => state.selected && list.focusNote(state.selected),
  clear,
  loop: toggleLoop,
  slower: () => changeRate(-1),
  faster: () => changeRate(1),
  still,
  "delete-moment": () => state.selected && state.editable && remove(state.selected),
  undo: () => undoOrRedo("undo"),
  redo: () => undoOrRedo("redo"),
};

/**
 * The action a key press asks for, with its category index for `mark`, or null.
 * @param {KeyboardEvent} event
 * @returns {[string, number?] | null}
 */
function actionFor(event) {
  const target = /** @type {HTMLElement} */ (event.target);
  const key = event.key;
  const lower = key.length === 1 ? key.toLowerCase() : key;
  if ((event.ctrlKey || event.metaKey) && !event.altKey) {
    if (lower === "y" || (lower === "z" && event.shiftKey)) return ["redo"];
    return lower === "z" ? ["undo"] : null;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (key === " ") return target.closest("button, a") ? null : ["play-pause"]; // their own action
  if (key === "ArrowLeft") return [event.shiftKey ? "second-back" : "frame-back"];
  if (key === "ArrowRight") return [event.shiftKey ? "second-forward" : "frame-forward"];
  if (key === "ArrowUp") return ["previous-moment"];
  if (key === "ArrowDown") return ["next-moment"];
  if (/^[1-9]$/.test(key) && Number(key) <= state.categories.length) return ["mark", Number(key) - 1];
  if (key === "Enter") return target.closest("button, a, summary") || !state.selected ? null : ["edit-moment"];
  if (key === "Delete" || key === "Backspace") return state.selected && state.editable ? ["delete-moment"] : null;
  /** @type {Record<string, string>} */
  const plain = { j: "shuttle-back", k: "pause", l: "shuttle-forward", Escape: "clear", r: "loop", "-": "slower", "+": "faster", "=": "faster", s: "still" };
  if (lower === "i") return [event.shiftKey ? "move-start-here" : "set-in"];
  if (lower === "o") return [event.shiftKey ? "move-end-here" : "set-out"];
  return plain[lower] ? [plain[lower]] : null;
}

/** @param {KeyboardEvent} event */
function onKey(event) {
  const target = /** @type {HTMLElement} */ (event.target);
  if (target.closest("input, select, textarea")) {
    // a field keeps its own keys (Ctrl+Z there undoes the typing); Escape leaves it, saved
    if (event.key === "Escape" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      list.flush();
      target.blur();
      event.preventDefault();
    }
    return;
  }
  const found = actionFor(event);
  if (!found) return;
  const [name, index] = found;
  actions[name](index);
  event.preventDefault();
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
  for (const kind of ["csv", "vtt", "eaf"]) $(`export-${kind}`).href = `/api/clips/${clipId}/moments.${kind}`;
  $("import").hidden = !state.editable;
  $("import").addEventListener("submit", importMoments);
  $("joint-link").href = `/clips/${clipId}/joint-review`;
  $("joint-link").hidden = !state.editable;
  $("reel-drawer").hidden = !state.editable;
  for (const id of ["undo", "redo"]) $(id).hidden = !state.editable;
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
  player().addEventListener("timeupdate", () => {
    showTime();
    loopSelected();
  });
  player().addEventListener("seeked", showTime);
  player().addEventListener("play", () => ($("play").textContent = "Pause"));
  player().addEventListener("pause", () => ($("play").textContent = "Play"));
  $("play").addEventListener("click", togglePlay);
  $("rate").addEventListener("change", () => setRate(chosenRate()));
  $("still").addEventListener("click", still);
  $("undo").addEventListener("click", () => undoOrRedo("undo"));
  $("redo").addEventListener("click", () => undoOrRedo("redo"));
  document.addEventListener("keydown", onKey);
  window.addEventListener("beforeunload", () => list.flush());
  draw();
  await timeline.ready;
  performance.mark("vfb.timeline-drawn");
  document.body.dataset.ready = "true";
  showStatus(state.editable ? "Press a category (or its number key) to mark a moment." : "");
}

main().catch((error) => showStatus(error.message, { error: true }));
