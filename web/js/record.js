// The Film page: camera preview, MediaRecorder with 1-second chunks, each sent in order and
// kept in memory until the server says it is safely on disk; Stop saves the clip. A visit booked
// for another day is asked about before filming starts, so that nothing filmed waits on an answer.

import { api, ApiError } from "./api.js";
import { clockTime, csrfHeader, fileSize, showStatus, startPage } from "./ui.js";
import { askBookedForLater, bookedForLater } from "./booked-visit.js";

const sessionId = location.pathname.split("/")[2];
const TYPES = [
  "video/mp4;codecs=avc1.42E01E,opus",
  "video/webm;codecs=vp9,opus",
  "video/webm;codecs=vp8,opus",
  "video/webm",
];
const CUES = [
  [10 * 60 * 1000, "10 minutes filmed: NICE describes 10 to 20 minutes of interaction, so you can stop whenever the moment is right."],
  [20 * 60 * 1000, "20 minutes filmed: that is the most NICE describes. Consider stopping now."],
];

let stream = null;
let recorder = null;
let recording = null; // the server's record of it
let startedAt = 0;
let ticker = null;
let minFree = 0;
const pending = []; // [index, Blob] not yet acknowledged
let nextIndex = 0;
let sending = false;
let stopping = false;
let session = null;
let childId = "";
let heldToday = false; // the worker said this visit, booked for later, is being held today
let askFirst = false; // vfb said it is booked for later (its clock, or a change since loading)

const $ = (id) => document.getElementById(id);

function showDisk(free) {
  $("disk").textContent = `${fileSize(free)} free on this laptop.`;
  if (free < minFree && recorder?.state === "recording") {
    stop("The disk is nearly full, so the recording was stopped. Everything recorded is kept.");
  }
}

async function sendChunk(index, blob) {
  const response = await fetch(`/api/recordings/${recording.id}/chunks/${index}`, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream", ...csrfHeader() },
    body: blob,
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => null);
  if (response.status === 409 && data?.error === "chunk_out_of_order") return data;
  if (!response.ok) throw new ApiError(response.status, data?.error, data?.detail ?? `vfb answered ${response.status}.`);
  return data;
}

async function pump() {
  if (sending) return;
  sending = true;
  let delay = 500;
  while (pending.length) {
    const [index, blob] = pending[0];
    try {
      const answer = await sendChunk(index, blob);
      if (answer.error === "chunk_out_of_order") {
        // The server has everything before `expected`: drop what it already holds.
        while (pending.length && pending[0][0] < answer.expected) pending.shift();
        continue;
      }
      pending.shift();
      delay = 500;
      $("saved").textContent = `Saved safely: ${fileSize(answer.bytes)} (${answer.chunks} s).`;
      showDisk(answer.free_bytes);
    } catch (error) {
      if (error instanceof ApiError && error.status === 507) {
        // Nothing more can be stored: save what is safe.
        pending.length = 0;
        sending = false;
        stop(error.message);
        return;
      }
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        showStatus(error.message, { error: true });
        pending.length = 0;
        break;
      }
      $("saved").textContent = "vfb is not answering: keep this page open and nothing is lost; retrying…";
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }
  sending = false;
}

function tick() {
  const elapsed = Date.now() - startedAt;
  $("timer").textContent = clockTime(elapsed);
  for (const [at, words] of CUES) {
    if (elapsed >= at && $("cue").dataset.at !== String(at)) {
      $("cue").dataset.at = String(at);
      $("cue").textContent = words;
      $("cue").hidden = false;
    }
  }
}

async function startOrAsk() {
  if ((askFirst || bookedForLater(session)) && !heldToday) {
    const how = { childId, doing: /** @type {const} */ ("Film"), pageOf: (id) => `/sessions/${id}/record` };
    if ((await askBookedForLater(session, how)) !== "yes") {
      showStatus("Not filming: nothing was recorded. Start when you are ready, or choose another visit.");
      return;
    }
    heldToday = true;
  }
  try {
    await start();
  } catch (error) {
    // booked for later by someone else since the page loaded: ask, then try once more
    if (!(error instanceof ApiError && error.code === "booked_for_later") || heldToday) throw error;
    session = await api(`/api/sessions/${sessionId}`);
    askFirst = true;
    await startOrAsk();
  }
}

async function start() {
  const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
  recording = await api(`/api/sessions/${sessionId}/recordings`, {
    method: "POST",
    body: { mime_type: mimeType || "video/webm", held_today: heldToday },
  });
  // A keyframe every 2 s, so a trim later re-encodes at most 2 s at each end.
  const options = { videoBitsPerSecond: 2500000, videoKeyFrameIntervalDuration: 2000 };
  recorder = new MediaRecorder(stream, mimeType ? { ...options, mimeType } : options);
  recorder.addEventListener("dataavailable", (event) => {
    if (event.data.size === 0) return;
    pending.push([nextIndex, event.data]);
    nextIndex += 1;
    pump();
  });
  recorder.addEventListener("stop", finish);
  recorder.start(1000);
  startedAt = Date.now();
  ticker = setInterval(tick, 250);
  $("toggle").textContent = "Stop and save";
  $("toggle").classList.add("recording");
  showStatus(heldToday ? `Filming. Session ${session.number} is now recorded as held today.` : "Filming.");
}

function stop(message = "Saving the clip…") {
  if (stopping || !recorder) return;
  stopping = true;
  $("toggle").disabled = true;
  clearInterval(ticker);
  showStatus(message);
  recorder.stop();
}

async function finish() {
  while (pending.length || sending) {
    await pump();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    const clip = await api(`/api/recordings/${recording.id}/finish`, { method: "POST" });
    for (const track of stream.getTracks()) track.stop();
    location.assign(`/clips/${clip.id}`);
  } catch (error) {
    showStatus(error.message, { error: true });
  }
}

async function main() {
  await startPage();
  session = await api(`/api/sessions/${sessionId}`);
  childId = (await api(`/api/programmes/${session.programme_id}`)).child_id;
  const storage = await api("/api/storage");
  minFree = storage.min_free_bytes;
  showDisk(storage.free_bytes);
  $("title").textContent = `Film session ${session.number}`;
  $("back").href = `/sessions/${sessionId}`;
  $("back").textContent = `← Session ${session.number}`;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: true });
  } catch (error) {
    showStatus(`The camera could not be started (${error.message}). Check that no other program is using it and that this page may use the camera.`, { error: true });
    return;
  }
  $("preview").srcObject = stream;
  $("toggle").disabled = false;
  showStatus("Ready. Start when the carer and child are settled.");
  $("toggle").addEventListener("click", () => {
    if (recorder) stop();
    else startOrAsk().catch((error) => showStatus(error.message, { error: true }));
  });
  addEventListener("beforeunload", (event) => {
    if (recorder && (recorder.state === "recording" || pending.length)) event.preventDefault();
  });
}

main().catch((error) => showStatus(error.message, { error: true }));
