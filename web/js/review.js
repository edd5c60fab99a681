// The review page: study a clip, mark moments by keyboard on the timeline, take stills, and make a
// highlight reel. Moments are saved as they are made; a stale change is refused by the server and
// explained here, never silently lost.

import { api } from "./api.js";
import { ExchangePanel } from "./exchange-panel.js";
import { MomentList } from "./moment-list.js";
import { ReelPanel } from "./reel-panel.js";
import { thumbnailStrip } from "./thumbs.js";
import { Timeline } from "./timeline.js";
import { csrfHeader, h, showStatus, startPage, timecode } from "./ui.js";

const clipId = location.pathname.split("/")[2];
const $ = (id) => document.getElementById(id);
const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];
const SHUTTLE = [1, 2, 4];

const state = {
  clip: null,
  categories: [],
  moments: [],
  selected: null,
  inMs: null,
  outMs: null,
  editable: false,
  shuttle: { direction: 0, step: 0, timer: null },
  saving: new Map(), // moment id → the promise of its last save, so saves go in order
};
let timeline = null;
let list = null;

const player = () => $("player");
const nowMs = () => Math.round(player().currentTime * 1000);
const frameMs = () => 1000 / (state.clip.fps || 30);

// -- playing -------------------------------------------------------------------------------------

function seek(ms) {
  const limit = state.clip.duration_ms ?? Infinity;
  player().currentTime = Math.min(Math.max(0, ms), limit) / 1000;
}

function step(frames) {
  stopShuttle();
  player().pause();
  const frame = Math.floor(nowMs() / frameMs() + 0.5) + frames;
  seek(frame * frameMs() + frameMs() / 2); // the middle of the frame: never its neighbour
}

function chosenRate() {
  return Number($("rate").value);
}

function setRate(rate) {
  $("rate").value = String(rate);
  player().playbackRate = rate;
}

function stopShuttle() {
  clearInterval(state.shuttle.timer);
  state.shuttle = { direction: 0, step: 0, timer: null };
}

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
    player().pause();
    seek(moment.start_ms);
  }
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

// -- keys ----------------------------------------------------------------------------------------

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const inField = event.target.closest("input, select, textarea");
  if (inField) {
    if (event.key === "Escape") {
      list.flush();
      event.target.blur();
      event.preventDefault();
    }
    return;
  }
  const key = event.key;
  const lower = key.length === 1 ? key.toLowerCase() : key;
  if (key === " ") {
    if (event.target.closest("button, a")) return; // their own action
    togglePlay();
  } else if (key === "ArrowLeft" || key === "ArrowRight") {
    const sign = key === "ArrowLeft" ? -1 : 1;
    if (event.shiftKey) seek(nowMs() + sign * 1000);
    else step(sign);
  } else if (key === "ArrowUp" || key === "ArrowDown") {
    neighbour(key === "ArrowUp" ? -1 : 1);
  } else if (lower === "j") {
    shuttle(-1);
  } else if (lower === "k") {
    pause();
  } else if (lower === "l") {
    shuttle(1);
  } else if (/^[1-9]$/.test(key) && Number(key) <= state.categories.length) {
    mark(Number(key) - 1);
  } else if (lower === "i") {
    if (event.shiftKey) moveSelected("start");
    else {
      state.inMs = nowMs();
      if (state.outMs !== null && state.outMs <= state.inMs) state.outMs = null;
      showPending();
    }
  } else if (lower === "o") {
    if (event.shiftKey) moveSelected("end");
    else if (state.inMs === null) showStatus("Press I at the start of the range first.", { error: true });
    else {
      state.outMs = nowMs();
      showPending();
    }
  } else if (key === "Enter") {
    if (event.target.closest("button, a, summary")) return;
    if (!state.selected || !list.focusNote(state.selected)) return;
  } else if (key === "Escape") {
    state.inMs = state.outMs = null;
    state.selected = null;
    showPending();
    draw();
  } else if (lower === "r") {
    $("loop").checked = !$("loop").checked;
    showStatus($("loop").checked ? "Looping the selected moment." : "Not looping.");
  } else if (key === "-" || key === "+" || key === "=") {
    const n = RATES.indexOf(chosenRate());
    const next = RATES[Math.min(RATES.length - 1, Math.max(0, n + (key === "-" ? -1 : 1)))];
    setRate(next);
    showStatus(`Speed ${next}×`);
  } else if (lower === "s") {
    still();
  } else if ((key === "Delete" || key === "Backspace") && state.selected && state.editable) {
    remove(state.selected);
  } else {
    return;
  }
  event.preventDefault();
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
  new ExchangePanel({ clipId, scheme: programme.coding_scheme, categories: state.categories, editable: state.editable, video: player() }).addEventListener("moments.change", () => reload());
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
  document.addEventListener("keydown", onKey);
  window.addEventListener("beforeunload", () => list.flush());
  draw();
  await timeline.ready;
  performance.mark("vfb.timeline-drawn");
  document.body.dataset.ready = "true";
  showStatus(state.editable ? "Press a number key to mark a moment; the list of keys is below." : "");
}

main().catch((error) => showStatus(error.message, { error: true }));
