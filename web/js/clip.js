// A clip: play and scrub it, step frame by frame, set in and out points, save a trimmed clip.

import { api } from "./api.js";
import { bindKeys, labelControls, renderKeyList } from "./keymap.js";
import { Player } from "./player.js";
import { thumbnailStrip } from "./thumbs.js";
import { clockTime, fileSize, h, shapePlayer, showStatus, startPage, timecode } from "./ui.js";

const clipId = location.pathname.split("/")[2];
const $ = (id) => document.getElementById(id);
let clip = null;
let inMs = null;
let outMs = null;

/** @type {Player | null} made once the clip is playable */
let player = null;
const nowMs = () => player?.ms ?? 0;
const seek = (ms) => player?.seekMs(ms);

function setIn() {
  inMs = nowMs();
  if (outMs !== null && outMs <= inMs) outMs = null;
  showPoints();
}

function setOut() {
  outMs = nowMs();
  showPoints();
}

// What each key of the map (web/js/keymap.js) does on this page; the rest do nothing here.
const actions = {
  "play-pause": () => player?.togglePlay(),
  "shuttle-back": () => player?.shuttle(-1),
  pause: () => player?.pause(),
  "shuttle-forward": () => player?.shuttle(1),
  "frame-back": () => player?.step(-1),
  "frame-forward": () => player?.step(1),
  "second-back": () => player?.skip(-1),
  "second-forward": () => player?.skip(1),
  "set-in": setIn,
  "set-out": setOut,
  clear: () => {
    inMs = outMs = null;
    showPoints();
  },
};

function showPoints() {
  $("in").textContent = inMs === null ? "—" : timecode(inMs);
  $("out").textContent = outMs === null ? "—" : timecode(outMs);
  const length = inMs !== null && outMs !== null ? outMs - inMs : null;
  let words = "";
  if (length !== null && length > 0) {
    words = `The trimmed clip will last ${clockTime(length)}.`;
    if (length < 600000) words += " That is shorter than the 10 minutes of interaction NICE describes.";
    if (length > 1200000) words += " That is longer than the 20 minutes of interaction NICE describes.";
  }
  $("trim-length").textContent = words;
}

function facts() {
  const rows = [
    ["Length", clip.duration_ms === null ? "—" : timecode(clip.duration_ms)],
    ["Picture", `${clip.width}×${clip.height}, ${clip.fps} frames a second`],
    ["Size", clip.size_bytes === null ? "—" : fileSize(clip.size_bytes)],
    ["Made", clip.origin === "trim" ? `trimmed (${timecode(clip.trim_from_ms)} to ${timecode(clip.trim_to_ms)} of the clip it came from)` : clip.origin === "upload" ? `imported from ${clip.original_name ?? "a file"}` : "recorded"],
    ["Checksum (SHA-256)", clip.sha256 ?? "—"],
  ];
  if (clip.recovered) rows.push(["Recovered", "The recording was interrupted; everything that reached vfb was kept."]);
  $("facts").replaceChildren(...rows.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function strip() {
  $("strip").replaceChildren(...thumbnailStrip(clip, seek));
}

// What the trim is doing, or why it was refused, shown beside the Save button.
function trimMessage(words, { error = false } = {}) {
  const message = $("trim-message");
  message.textContent = words;
  message.classList.toggle("error", error);
  message.hidden = !words;
  if (words) message.scrollIntoView({ block: "nearest" });
}

async function saveTrim(event) {
  event.preventDefault();
  if (inMs === null || outMs === null) {
    trimMessage("Set the in point (I) and the out point (O) first.", { error: true });
    return;
  }
  $("save-trim").disabled = true;
  trimMessage("Cutting… the original clip is not changed.");
  try {
    const made = await api(`/api/clips/${clip.id}/trim`, {
      method: "POST",
      body: { from_ms: inMs, to_ms: outMs, mode: $("mode").value },
    });
    location.assign(`/clips/${made.id}`);
  } catch (error) {
    trimMessage(`Not saved: ${error.message}`, { error: true });
    $("save-trim").disabled = false;
  }
}

// "Clip 3, trimmed from clip 2 at 02:10–14:40": numbered as the session page lists them.
function madeFrom(clips) {
  const number = (id) => clips.findIndex((c) => c.id === id) + 1;
  const own = number(clipId);
  if (clip.origin !== "trim" || clip.trim_from_ms === null) return null;
  const second = (ms) => clockTime(Math.round(ms / 1000) * 1000); // the nearest, as it is said
  const range = `${second(clip.trim_from_ms)}–${second(clip.trim_to_ms)}`;
  const parent = clip.parent_id ? number(clip.parent_id) : 0;
  const source = parent
    ? h("a", { href: `/clips/${clip.parent_id}` }, `clip ${parent}`)
    : "a clip since deleted";
  return [`Clip ${own}, trimmed from `, source, ` at ${range}`];
}

// A video element only says it failed; ask once more to show vfb's reason (say, no supervision
// consent for a supervisor or manager).
async function explainRefusal() {
  const answer = await fetch(`/api/clips/${clip.id}/media`, {
    headers: { Range: "bytes=0-0" },
    credentials: "same-origin",
  });
  if (!answer.ok) {
    const data = await answer.json().catch(() => null);
    showStatus(data?.detail ?? "This clip cannot be played.", { error: true });
    $("player-area").hidden = true;
  }
}

async function load() {
  clip = await api(`/api/clips/${clipId}`);
  if (clip.status === "processing") {
    $("preparing").hidden = false;
    $("stage").textContent = `${clip.stage ?? "Preparing the clip"}…`;
    $("progress").value = clip.progress;
    setTimeout(load, 1000);
    return;
  }
  $("preparing").hidden = true;
  if (clip.status === "failed") {
    showStatus(`This clip could not be made playable: ${clip.detail}`, { error: true });
    return;
  }
  $("player").addEventListener("error", explainRefusal, { once: true });
  player = new Player($("player"), { fps: clip.fps, durationMs: clip.duration_ms });
  player.loadFrames(`/api/clips/${clip.id}/frames`).then((exact) => {
    if (exact) document.body.dataset.frames = "exact";
  });
  shapePlayer($("player"), clip);
  $("player").src = `/api/clips/${clip.id}/media`;
  if (clip.review_media) $("player").poster = `/api/clips/${clip.id}/poster`;
  facts();
  strip();
  $("player-area").hidden = false;
  showStatus(clip.origin === "trim" ? "Trimmed clip ready." : "");
}

async function main() {
  const me = await startPage();
  const first = await api(`/api/clips/${clipId}`);
  const session = await api(`/api/sessions/${first.session_id}`);
  const clips = await api(`/api/sessions/${first.session_id}/clips`);
  const own = clips.findIndex((c) => c.id === clipId) + 1;
  clip = first;
  $("title").textContent = `Session ${session.number}: clip ${own || ""}${first.origin === "trim" ? " (trimmed)" : ""}${first.recovered ? " (recovered)" : ""}`;
  const from = madeFrom(clips);
  if (from) {
    $("made-from").replaceChildren(...from);
    $("made-from").hidden = false;
  }
  $("back").href = `/sessions/${session.id}`;
  $("review-link").href = `/clips/${clipId}/review`;
  $("back").textContent = `← Session ${session.number}`;
  if (first.interaction_note) {
    $("note").textContent = first.interaction_note;
    $("note").hidden = false;
  }
  const canWrite = me.role === "worker" || me.role === "manager";
  for (const element of document.querySelectorAll(".writer")) element.hidden = !canWrite;
  const showTime = () => {
    $("time").textContent = timecode(nowMs());
    $("frame").textContent = player ? `frame ${player.frame + 1}` : "";
  };
  $("player").addEventListener("timeupdate", showTime);
  $("player").addEventListener("seeked", showTime);
  $("player").addEventListener("loadeddata", showTime);
  for (const button of document.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", () => actions[button.dataset.action]?.());
  }
  $("trim").addEventListener("submit", saveTrim);
  labelControls(document);
  renderKeyList($("key-list"), actions);
  bindKeys(document, actions);
  await load();
}

main().catch((error) => showStatus(error.message, { error: true }));
