// Small helpers shared by the pages: building elements, words for codes, dates, the header.

import { api, signOut } from "./api.js";
import { whoAmI } from "./session-keeper.js";
import { vocabulary } from "./vocabulary.js";

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) element.append(child);
  }
  return element;
}

/** The words for each value the pages show, as the server serves them (GET /api/vocabulary):
 * `startPage` fills this in before a page draws anything. @type {Record<string, string>} */
const WORDS = {};

/** A fidelity criterion's words (some criteria share a code with another list's value).
 * @type {Record<string, string>} */
const CRITERIA = {};

/** @param {{ words: Record<string, string>, criteria: { value: string, words: string }[] }} vocab */
export function useWords(vocab) {
  Object.assign(WORDS, vocab.words);
  for (const term of vocab.criteria) CRITERIA[term.value] = term.words;
}

/** @param {string} code */
export function criterionWords(code) {
  return CRITERIA[code] ?? code;
}

export function words(code) {
  return WORDS[code] ?? code;
}

export function formatDate(iso) {
  if (!iso) return "—";
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function age(dateOfBirth, today = new Date()) {
  const [y, m, d] = dateOfBirth.split("-").map(Number);
  let months = (today.getFullYear() - y) * 12 + (today.getMonth() + 1 - m);
  if (today.getDate() < d) months -= 1;
  if (months < 24) return `${months} month${months === 1 ? "" : "s"}`;
  return `${Math.floor(months / 12)} years ${months % 12} m`;
}

export function todayIso() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function showStatus(message, { error = false } = {}) {
  const status = document.getElementById("status");
  status.textContent = message;
  status.classList.toggle("error", error);
  status.hidden = !message;
}

/**
 * Give a player the clip's shape before its first frame arrives, so nothing below it moves when
 * the video's own size becomes known (a message beside Save stays where it was shown).
 * @param {HTMLVideoElement} video
 * @param {{ width?: number | null, height?: number | null }} clip
 */
export function shapePlayer(video, clip) {
  if (clip.width && clip.height) video.style.aspectRatio = `${clip.width} / ${clip.height}`;
}

/** Before a page without the header draws words: the server's words for each value. */
export async function loadWords() {
  useWords(await vocabulary());
}

export async function startPage() {
  document.getElementById("sign-out").addEventListener("click", signOut);
  const [me, vocab] = await Promise.all([api("/api/users/me"), vocabulary()]);
  useWords(vocab);
  document.getElementById("who").textContent = `${me.username} · ${me.role}`;
  whoAmI().catch(() => {}); // the idle limit, and whose drafts these are, known from the start
  return me;
}

// Times on the footage pages: integer milliseconds in, HH:MM:SS.mmm (or M:SS) out.
export function timecode(ms) {
  const total = Math.max(0, Math.round(ms));
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  const hours = Math.floor(total / 3600000);
  const minutes = Math.floor(total / 60000) % 60;
  const seconds = Math.floor(total / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(total % 1000, 3)}`;
}

export function clockTime(ms) {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const minutes = Math.floor(total / 60);
  return `${String(minutes).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

export function fileSize(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

export function csrfHeader() {
  const match = document.cookie.match(/(?:^|;\s*)vfb_csrf=([^;]+)/);
  return { "X-CSRF-Token": match ? decodeURIComponent(match[1]) : "" };
}
