// Joint review: the worker and the carer watch the shared moments together, one at a time, each
// looping (or held on its still) under its caption in large type. Only what the API gives for the
// carer is ever shown here: no note the worker wrote for themselves reaches this page.

import { api } from "./api.js";
import { ChildWords } from "./child-words.js";
import { draftSaved, keepDraft } from "./drafts.js";
import { fillStrip, markCurrent } from "./moment-strip.js";
import { h, loadWords, showStatus, todayIso, words } from "./ui.js";
import { longDate, visitHeldNow, visitLabel, visitsToOffer } from "./visit-choice.js";

const clipId = location.pathname.split("/")[2];
const $ = (id) => document.getElementById(id);

const state = { clip: null, moments: [], at: 0, shown: new Set(), started: Date.now(), holding: false, visits: [] };
const player = () => $("player");
// Unsent words are drafts per moment; a reload reopens the moment the review was on.
const saidDraft = (moment) => `joint-review/${clipId}/${moment.id}/said`;
const resumeKey = `vfb.joint-review.${clipId}`;
let childWords;

// The server says what each moment plays (the same stretch as in a reel).
function span(moment) {
  return [moment.play_from_ms, moment.play_to_ms];
}

function current() {
  return state.moments[state.at];
}

function showChildWords(moment) {
  $("child-said").hidden = !moment.child_words;
  $("child-said-text").textContent = moment.child_words ?? "";
}

function show(index) {
  state.at = Math.max(0, Math.min(state.moments.length - 1, index));
  const moment = current();
  state.shown.add(moment.id);
  $("count").textContent = `Moment ${state.at + 1} of ${state.moments.length}`;
  $("caption").textContent = moment.caption;
  showChildWords(moment);
  childWords.show(moment);
  markCurrent($("strip"), state.at);
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

// Loop the moment at its end, and show how far through it the picture is: each frame, and on
// each timeupdate too, since a hidden tab or a busy phone runs no frames while the video plays on.
function keepInMoment() {
  const moment = current();
  if (!moment || state.holding) return;
  const [start, end] = span(moment);
  const at = player().currentTime * 1000;
  if (at >= end && !player().seeking) player().currentTime = start / 1000;
  const through = Math.min(1, Math.max(0, (at - start) / Math.max(1, end - start)));
  $("progress").value = Math.round(through * 1000);
}

function tick() {
  keepInMoment();
  requestAnimationFrame(tick);
}

// A moment that runs to the end of the clip starts again rather than stopping there.
function replayMoment() {
  const moment = current();
  if (!moment || state.holding) return;
  player().currentTime = span(moment)[0] / 1000;
  play();
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

// Full screen is the picture's (with its caption and controls over it), never the page's.
async function toggleFullscreen() {
  try {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await $("stage").requestFullscreen();
  } catch (error) {
    showStatus(`This browser would not show the video full screen (${error.message}).`, { error: true });
  }
}

function onFullscreenChange() {
  const full = document.fullscreenElement === $("stage");
  $("fullscreen").textContent = full ? "Leave full screen" : "Full screen";
}

async function endReview() {
  player().pause();
  if (document.fullscreenElement) await document.exitFullscreen().catch(() => {});
  $("moment-view").hidden = true;
  $("end").hidden = true;
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

function visitNamed(id) {
  return state.visits.find((v) => v.id === id);
}

// Recording the review on another visit than the one filmed is a choice the worker confirms.
function confirmOtherVisit(chosen, filmed) {
  $("confirm-text").textContent =
    `This clip was filmed in session ${filmed.number} (${longDate(filmed.held_on)}). ` +
    `Record this review on session ${chosen.number} (${longDate(chosen.held_on)}) instead?`;
  $("confirm-yes").textContent = `Record it on session ${chosen.number}`;
  $("confirm-session").showModal();
  $("confirm-no").focus();
}

function saveReview(event) {
  event.preventDefault();
  const chosen = visitNamed($("session").value);
  const filmed = visitNamed(state.clip.session_id);
  if (chosen && filmed && chosen.id !== filmed.id) confirmOtherVisit(chosen, filmed);
  else recordReview();
}

async function recordReview() {
  const body = {
    clip_id: clipId,
    minutes: Number($("minutes").value),
    shown_moment_ids: state.moments.filter((m) => state.shown.has(m.id)).map((m) => m.id),
  };
  try {
    const session = await api(`/api/sessions/${$("session").value}/shared-review`, { method: "POST", body });
    $("end-status").replaceChildren(
      `Recorded on session ${session.number} (${longDate(session.held_on)}): watched together for ${session.review_minutes} minutes; highlights ${session.review_highlights.map(words).join(", ") || "none"}. `,
      h("a", { href: `/clips/${clipId}/review` }, "Back to the review page"),
    );
    for (const button of $("end-panel").querySelectorAll("button")) button.disabled = true;
  } catch (error) {
    $("end-status").textContent = error.message;
  }
}

function onKey(event) {
  if (event.target.closest("input, select, textarea, dialog") || event.ctrlKey || event.metaKey || event.altKey) return;
  if ($("moment-view").hidden) return;
  if (event.key === "ArrowRight") next();
  else if (event.key === "ArrowLeft") show(state.at - 1);
  else if (event.key === " " && !event.target.closest("button")) player().paused ? play() : player().pause();
  else return;
  event.preventDefault();
}

async function sessions(programmeId, clipSession) {
  const today = todayIso();
  state.visits = await api(`/api/programmes/${programmeId}/sessions`);
  const offered = visitsToOffer(state.visits, today);
  const now = visitHeldNow(offered, clipSession, today);
  $("session").replaceChildren(
    ...offered.map((s) => h("option", { value: s.id, selected: s.id === now?.id }, visitLabel(s, today))),
  );
}

function nothingShared() {
  const review = `/clips/${clipId}/review`;
  $("status").replaceChildren(
    h("strong", {}, "Nothing is shared with the carer yet. "),
    "Mark a moment on the review page and tick Share with the carer; it will be here to watch together. ",
    h("a", { href: review }, "Go to the review page"),
  );
  $("status").hidden = false;
}

async function main() {
  await Promise.all([api("/api/users/me"), loadWords()]);
  $("exit").href = `/clips/${clipId}/review`;
  state.clip = await api(`/api/clips/${clipId}`);
  state.moments = await api(`/api/clips/${clipId}/shared-moments`);
  await sessions(state.clip.programme_id, state.clip.session_id);
  if (!state.moments.length) {
    nothingShared();
    document.body.dataset.ready = "true";
    return;
  }
  showStatus("");
  childWords = new ChildWords({
    form: $("child-words-form"),
    field: $("child-words"),
    status: $("child-words-status"),
    clipId,
    onShown: (moment) => moment === current() && showChildWords(moment),
  });
  fillStrip($("strip"), state.moments, state.clip, show);
  player().src = `/api/clips/${clipId}/media`;
  player().addEventListener("play", () => ($("play").textContent = "Pause"));
  player().addEventListener("pause", () => ($("play").textContent = "Play"));
  player().addEventListener("timeupdate", keepInMoment);
  player().addEventListener("ended", replayMoment);
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
  $("end").hidden = false;
  $("end-panel").addEventListener("submit", saveReview);
  $("confirm-yes").addEventListener("click", () => {
    $("confirm-session").close();
    recordReview();
  });
  $("confirm-no").addEventListener("click", () => {
    $("confirm-session").close();
    $("session").focus();
  });
  $("back-to-review").addEventListener("click", () => {
    $("end-panel").hidden = true;
    $("moment-view").hidden = false;
    $("end").hidden = false;
    play();
  });
  $("fullscreen").addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", onFullscreenChange);
  document.addEventListener("keydown", onKey);
  $("moment-view").hidden = false;
  show(Math.max(0, state.moments.findIndex((m) => m.id === sessionStorage.getItem(resumeKey))));
  requestAnimationFrame(tick);
  document.body.dataset.ready = "true";
}

main().catch((error) => showStatus(error.message, { error: true }));
