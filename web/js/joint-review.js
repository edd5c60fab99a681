// Joint review: the worker and the carer watch the shared moments together, one at a time, each
// looping (or held on its still) under its caption in large type. Only what the API gives for the
// carer is ever loaded here: no note the worker wrote for themselves reaches this page.

import { api } from "./api.js";
import { draftSaved, keepDraft } from "./drafts.js";
import { h, showStatus, words } from "./ui.js";

const clipId = location.pathname.split("/")[2];
const $ = (id) => document.getElementById(id);

const state = { clip: null, moments: [], at: 0, shown: new Set(), started: Date.now(), holding: false };
const player = () => $("player");
// Unsent words are drafts per moment; a reload reopens the moment the review was on.
const saidDraft = (moment) => `joint-review/${clipId}/${moment.id}/said`;
const resumeKey = `vfb.joint-review.${clipId}`;

// The server says what each moment plays (the same stretch as in a reel).
function span(moment) {
  return [moment.play_from_ms, moment.play_to_ms];
}

function current() {
  return state.moments[state.at];
}

function show(index) {
  state.at = Math.max(0, Math.min(state.moments.length - 1, index));
  const moment = current();
  state.shown.add(moment.id);
  $("count").textContent = `Moment ${state.at + 1} of ${state.moments.length}`;
  $("caption").textContent = moment.caption;
  $("previous").disabled = state.at === 0;
  $("next").textContent = state.at === state.moments.length - 1 ? "Finish" : "Next ▶";
  $("said").value = "";
  keepDraft($("said"), saidDraft(moment));
  sessionStorage.setItem(resumeKey, moment.id);
  $("words-saved").textContent = "";
  $("still").src = `/api/clips/${clipId}/still?at_ms=${moment.start_ms}`;
  $("still").alt = moment.caption;
  hold(false);
  player().currentTime = span(moment)[0] / 1000;
  play();
}

function play() {
  player().play().catch(() => ($("play").textContent = "Play"));
}

function hold(on) {
  state.holding = on;
  $("still").hidden = !on;
  player().hidden = on;
  $("hold").textContent = on ? "Play the moment" : "Hold on the still";
  if (on) player().pause();
}

function loop() {
  const moment = current();
  if (!moment || state.holding) return;
  const [start, end] = span(moment);
  if (player().currentTime * 1000 >= end) player().currentTime = start / 1000;
}

function next() {
  if (state.at === state.moments.length - 1) endReview();
  else show(state.at + 1);
}

async function saveWords(event) {
  event.preventDefault();
  const text = $("said").value.trim();
  if (!text) return;
  const moment = current();
  try {
    await api(`/api/moments/${moment.id}/carer-comments`, { method: "POST", body: { text } });
    draftSaved(saidDraft(moment), text);
    if (current() !== moment) return; // moved on while it was sent: the box is another moment's
    $("said").value = "";
    $("words-saved").textContent = `Saved: “${text}”`;
  } catch (error) {
    $("words-saved").textContent = error.message;
  }
}

async function endReview() {
  player().pause();
  $("moment-view").hidden = true;
  $("end-panel").hidden = false;
  const minutes = Math.max(1, Math.round((Date.now() - state.started) / 60000));
  $("minutes").value = String(minutes);
  const shown = state.moments.filter((m) => state.shown.has(m.id));
  const highlights = [...new Set(shown.map((m) => m.nice_category))];
  $("highlights").textContent = highlights.length
    ? `Highlights shown: ${highlights.map(words).join(", ")}.`
    : "No moments were shown.";
  $("session").focus();
}

async function saveReview(event) {
  event.preventDefault();
  const body = {
    clip_id: clipId,
    minutes: Number($("minutes").value),
    shown_moment_ids: state.moments.filter((m) => state.shown.has(m.id)).map((m) => m.id),
  };
  try {
    const session = await api(`/api/sessions/${$("session").value}/shared-review`, { method: "POST", body });
    $("end-status").replaceChildren(
      `Recorded on session ${session.number}: watched together for ${session.review_minutes} minutes; highlights ${session.review_highlights.map(words).join(", ") || "none"}. `,
      h("a", { href: `/clips/${clipId}/review` }, "Back to the review page"),
    );
    for (const button of $("end-panel").querySelectorAll("button")) button.disabled = true;
  } catch (error) {
    $("end-status").textContent = error.message;
  }
}

function onKey(event) {
  if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
  if ($("moment-view").hidden) return;
  if (event.key === "ArrowRight") next();
  else if (event.key === "ArrowLeft") show(state.at - 1);
  else if (event.key === " " && !event.target.closest("button")) player().paused ? play() : player().pause();
  else return;
  event.preventDefault();
}

async function sessions(programmeId, clipSession) {
  const all = await api(`/api/programmes/${programmeId}/sessions`);
  const possible = all.filter((s) => s.status === "held" || s.status === "planned");
  const latest = possible.filter((s) => s.status === "held").at(-1) ?? possible.find((s) => s.id === clipSession);
  $("session").replaceChildren(
    ...possible.map((s) => h("option", { value: s.id, selected: s.id === latest?.id }, `Session ${s.number} (${words(s.status).toLowerCase()}, ${s.held_on})`)),
  );
}

async function main() {
  await api("/api/users/me");
  state.clip = await api(`/api/clips/${clipId}`);
  state.moments = await api(`/api/clips/${clipId}/shared-moments`);
  await sessions(state.clip.programme_id, state.clip.session_id);
  if (!state.moments.length) {
    showStatus("No moments of this clip are marked to share with the carer yet. Mark some on the review page first.");
    return;
  }
  showStatus("");
  player().src = `/api/clips/${clipId}/media`;
  player().addEventListener("timeupdate", loop);
  player().addEventListener("play", () => ($("play").textContent = "Pause"));
  player().addEventListener("pause", () => ($("play").textContent = "Play"));
  $("play").addEventListener("click", () => (player().paused ? (hold(false), play()) : player().pause()));
  $("hold").addEventListener("click", () => {
    if (state.holding) {
      hold(false);
      play();
    } else {
      hold(true);
    }
  });
  $("previous").addEventListener("click", () => show(state.at - 1));
  $("next").addEventListener("click", next);
  $("words").addEventListener("submit", saveWords);
  $("end").addEventListener("click", endReview);
  $("end-panel").addEventListener("submit", saveReview);
  $("back-to-review").addEventListener("click", () => {
    $("end-panel").hidden = true;
    $("moment-view").hidden = false;
    play();
  });
  $("fullscreen").addEventListener("click", () => document.documentElement.requestFullscreen?.().catch(() => {}));
  document.addEventListener("keydown", onKey);
  $("moment-view").hidden = false;
  show(Math.max(0, state.moments.findIndex((m) => m.id === sessionStorage.getItem(resumeKey))));
  document.body.dataset.ready = "true";
}

main().catch((error) => showStatus(error.message, { error: true }));
