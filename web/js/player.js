// @ts-check
// The player adapter around a <video>: exact frame steps on the clip's own frame times, seeks,
// J/K/L shuttle (back by stepping: browsers cannot play backwards), speed, and a looped range.

import { constantFrames, frameAt, framesFrom, timeOfFrame } from "./frames.js";

/** The speeds a worker chooses from (slower/faster walk this list). */
export const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];
const SHUTTLE = [1, 2, 4]; // J or L pressed again goes faster
const SHUTTLE_TICK_MS = 100;
const LOOP_POINT_MS = 3000; // a point moment loops over the 3 s after it

/**
 * Events: `rate.change` {rate} when the chosen speed changes; `shuttle.change` {direction,
 * speed} when J/K/L start, speed up or stop a shuttle (direction 0: stopped).
 */
export class Player extends EventTarget {
  /**
   * @param {HTMLVideoElement} video
   * @param {{ fps?: number | null, durationMs?: number | null }} clip
   */
  constructor(video, clip) {
    super();
    this.video = video;
    this.durationMs = clip.durationMs ?? null;
    /** @type {import("./frames.js").Frames} the clip's own times once `loadFrames` has them */
    this.frames = constantFrames(clip.fps ?? 30, (clip.durationMs ?? 0) / 1000);
    this.exact = false;
    this.rate = 1;
    /** @type {{ fromMs: number, toMs: number } | null} */
    this.range = null;
    /** @type {number | null} the frame a step asked for, until its seek is done */
    this.target = null;
    /** @type {{ direction: number, step: number, timer: ReturnType<typeof setInterval> | null }} */
    this.shuttling = { direction: 0, step: 0, timer: null };
    video.addEventListener("seeked", () => {
      if (!video.seeking) this.target = null;
    });
    video.addEventListener("timeupdate", () => this.keepInRange());
  }

  /**
   * Use the clip's own frame times (GET /api/clips/{id}/frames); until they come, or if they
   * cannot, steps use the clip's nominal rate.
   * @param {string} url
   */
  async loadFrames(url) {
    const answer = await fetch(url, { credentials: "same-origin" });
    if (!answer.ok) return false;
    this.frames = framesFrom(await answer.json());
    this.exact = true;
    return true;
  }

  /** The playhead, in seconds (the player's own `currentTime`). */
  get seconds() {
    return this.video.currentTime;
  }

  /** The playhead in whole ms, as moments keep time. */
  get ms() {
    return Math.round(this.video.currentTime * 1000);
  }

  /** The frame on screen (or being sought). */
  get frame() {
    return this.target ?? frameAt(this.frames, this.video.currentTime);
  }

  get endSeconds() {
    const duration = this.video.duration;
    if (Number.isFinite(duration) && duration > 0) return duration;
    return this.durationMs !== null ? this.durationMs / 1000 : this.frames.end;
  }

  /** @param {number} seconds */
  seekSeconds(seconds) {
    this.target = null;
    this.video.currentTime = Math.min(Math.max(0, seconds), this.endSeconds);
  }

  /** @param {number} ms */
  seekMs(ms) {
    this.seekSeconds(ms / 1000);
  }

  /** Show frame k (clamped to the clip), landing in its middle. @param {number} frame */
  showFrame(frame) {
    const at = timeOfFrame(this.frames, frame);
    this.video.currentTime = at;
    this.target = frameAt(this.frames, at);
  }

  /** Pause and move exactly `by` frames (clamped at both ends). @param {number} by */
  step(by) {
    this.stopShuttle();
    this.video.pause();
    this.showFrame(this.frame + by);
  }

  /** @param {number} seconds */
  skip(seconds) {
    this.seekSeconds(this.video.currentTime + seconds);
  }

  play() {
    this.stopShuttle();
    this.video.playbackRate = this.rate;
    return this.video.play();
  }

  pause() {
    this.stopShuttle();
    this.video.pause();
    this.video.playbackRate = this.rate;
  }

  togglePlay() {
    if (this.video.paused) this.play(); // also ends a shuttle back, which pauses to step
    else this.pause();
  }

  /** @param {number} rate */
  setRate(rate) {
    this.rate = rate;
    if (this.shuttling.direction === 0) this.video.playbackRate = rate;
    this.dispatchEvent(new CustomEvent("rate.change", { detail: { rate } }));
  }

  /** @param {number} by -1 slower, +1 faster, along RATES */
  nudgeRate(by) {
    const n = RATES.indexOf(this.rate);
    const at = n === -1 ? RATES.indexOf(1) : n;
    this.setRate(RATES[Math.min(RATES.length - 1, Math.max(0, at + by))]);
    return this.rate;
  }

  slower() {
    return this.nudgeRate(-1);
  }

  faster() {
    return this.nudgeRate(1);
  }

  stopShuttle() {
    const was = this.shuttling.direction;
    if (this.shuttling.timer !== null) clearInterval(this.shuttling.timer);
    this.shuttling = { direction: 0, step: 0, timer: null };
    if (was !== 0) {
      this.video.playbackRate = this.rate;
      this.dispatchEvent(new CustomEvent("shuttle.change", { detail: { direction: 0, speed: 0 } }));
    }
  }

  /** J (-1) or L (+1): play that way at 1×, again for 2× and 4×. @param {number} direction */
  shuttle(direction) {
    const same = this.shuttling.direction === direction;
    const step = same ? Math.min(this.shuttling.step + 1, SHUTTLE.length - 1) : 0;
    if (this.shuttling.timer !== null) clearInterval(this.shuttling.timer);
    const speed = SHUTTLE[step];
    this.shuttling = { direction, step, timer: null };
    if (direction > 0) {
      this.video.playbackRate = speed;
      this.video.play();
    } else {
      this.video.pause();
      this.shuttling.timer = setInterval(() => this.shuttleBack(speed), SHUTTLE_TICK_MS);
    }
    this.dispatchEvent(new CustomEvent("shuttle.change", { detail: { direction, speed } }));
  }

  /** One tick of playing backwards: the frame `speed` ticks' worth earlier. @param {number} speed */
  shuttleBack(speed) {
    if (this.video.seeking) return; // the last tick's frame is not shown yet
    const now = this.frame;
    if (now === 0) {
      this.stopShuttle();
      return;
    }
    const back = frameAt(this.frames, this.video.currentTime - (speed * SHUTTLE_TICK_MS) / 1000);
    this.showFrame(Math.min(back, now - 1));
  }

  /**
   * Loop a range while playing (null: stop looping); a point loops over the seconds after it.
   * @param {{ fromMs: number, toMs: number } | null} range
   */
  loop(range) {
    this.range = range && { fromMs: range.fromMs, toMs: range.toMs > range.fromMs ? range.toMs : range.fromMs + LOOP_POINT_MS };
  }

  keepInRange() {
    const range = this.range;
    if (!range || this.video.paused) return;
    const now = this.ms;
    if (now >= range.toMs || now < range.fromMs - 250) this.seekMs(range.fromMs);
  }
}
