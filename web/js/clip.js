// A clip: play and scrub it, step frame by frame, set in and out points, save a trimmed clip.

import { api } from "./api.js";
import { thumbnailStrip } from "./thumbs.js";
import { clockTime, fileSize, h, showStatus, startPage, timecode } from "./ui.js";

const clipId = location.pathname.split("/")[2];
const $ = (id) => document.getElementById(id);
let clip = null;
let inMs = null;
let outMs = null;

const player = () => $("player");
const nowMs = () => Math.round(player().currentTime * 1000);
const frameMs = () => 1000 / (clip.fps || 30);

function seek(ms) {
  const limit = clip.duration_ms ?? Infinity;
  player().currentTime = Math.min(Math.max(0, ms), limit) / 1000;
}

function step(frames) {
  player().pause();
  // land in the middle of the frame, so rounding never shows its neighbour
  const frame = Math.floor(nowMs() / frameMs() + 0.5) + frames;
  seek(frame * frameMs() + frameMs() / 2);
}

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

function onKey(event) {
  if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  if (key === " ") {
    if (event.target === player()) return; // the player's own control
    player().paused ? player().play() : player().pause();
  } else if (key === "ArrowLeft" || key === "ArrowRight") {
    const sign = key === "ArrowLeft" ? -1 : 1;
    if (event.shiftKey) seek(nowMs() + sign * 1000);
    else step(sign);
  } else if (key === "i" || key === "I") {
    inMs = nowMs();
    showPoints();
  } else if (key === "o" || key === "O") {
    outMs = nowMs();
    showPoints();
  } else {
    return;
  }
  event.preventDefault();
}

async function saveTrim(event) {
  event.preventDefault();
  if (inMs === null || outMs === null) {
    showStatus("Set the in point (I) and the out point (O) first.", { error: true });
    return;
  }
  $("save-trim").disabled = true;
  showStatus("Cutting… the original clip is not changed.");
  try {
    const made = await api(`/api/clips/${clip.id}/trim`, {
      method: "POST",
      body: { from_ms: inMs, to_ms: outMs, mode: $("mode").value },
    });
    location.assign(`/clips/${made.id}`);
  } catch (error) {
    showStatus(error.message, { error: true });
    $("save-trim").disabled = false;
  }
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
  $("player").src = `/api/clips/${clip.id}/media`;
  if (clip.review_media) $("player").poster = `/api/clips/${clip.id}/poster`;
  facts();
  strip();
  $("player-area").hidden = false;
  if (clip.origin === "trim" && clip.trim_from_ms !== null) {
    showStatus(`Trimmed clip ready: ${timecode(clip.trim_from_ms)} to ${timecode(clip.trim_to_ms)} of the original.`);
  } else {
    showStatus("");
  }
}

async function main() {
  const me = await startPage();
  const first = await api(`/api/clips/${clipId}`);
  const session = await api(`/api/sessions/${first.session_id}`);
  $("title").textContent = `Session ${session.number}: ${first.origin === "trim" ? "trimmed clip" : "clip"}${first.recovered ? " (recovered)" : ""}`;
  $("back").href = `/sessions/${session.id}`;
  $("review-link").href = `/clips/${clipId}/review`;
  $("back").textContent = `← Session ${session.number}`;
  if (first.interaction_note) {
    $("note").textContent = first.interaction_note;
    $("note").hidden = false;
  }
  const canWrite = me.role === "worker" || me.role === "manager";
  for (const element of document.querySelectorAll(".writer")) element.hidden = !canWrite;
  player().addEventListener("timeupdate", () => ($("time").textContent = timecode(nowMs())));
  player().addEventListener("seeked", () => ($("time").textContent = timecode(nowMs())));
  $("back-frame").addEventListener("click", () => step(-1));
  $("next-frame").addEventListener("click", () => step(1));
  $("set-in").addEventListener("click", () => { inMs = nowMs(); showPoints(); });
  $("set-out").addEventListener("click", () => { outMs = nowMs(); showPoints(); });
  $("trim").addEventListener("submit", saveTrim);
  document.addEventListener("keydown", onKey);
  await load();
}

main().catch((error) => showStatus(error.message, { error: true }));
