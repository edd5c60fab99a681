// Change over time, on the programme: how many moments of each NICE highlight were marked in each
// session (a small chart, and the same as a table), and an early moment beside a later one, so
// the worker can acknowledge positive change with the carer.

import { NICE, niceColour } from "./palette.js";
import { h, timecode, words } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function counts(moments) {
  const bySession = new Map();
  for (const m of moments) {
    if (!bySession.has(m.session_number)) bySession.set(m.session_number, Object.fromEntries(NICE.map((c) => [c, 0])));
    bySession.get(m.session_number)[m.nice_category] += 1;
  }
  return [...bySession.entries()].sort((a, b) => a[0] - b[0]);
}

function chart(rows) {
  const most = Math.max(1, ...rows.flatMap(([, c]) => Object.values(c)));
  const bar = 8;
  const group = NICE.length * bar + 14;
  const height = 120;
  const width = 40 + rows.length * group;
  const drawing = svg("svg", { viewBox: `0 0 ${width} ${height + 24}`, preserveAspectRatio: "xMinYMid meet", role: "img", "aria-label": "Moments per session, by highlight" });
  drawing.append(svg("line", { x1: 30, y1: height, x2: width, y2: height, stroke: "#52606d" }));
  drawing.append(svg("text", { x: 2, y: 10, "font-size": 10, fill: "#52606d" }, String(most)));
  drawing.append(svg("text", { x: 2, y: height, "font-size": 10, fill: "#52606d" }, "0"));
  rows.forEach(([number, c], n) => {
    const x0 = 36 + n * group;
    NICE.forEach((code, k) => {
      const tall = (c[code] / most) * (height - 10);
      if (!tall) return;
      const rect = svg("rect", { x: x0 + k * bar, y: height - tall, width: bar - 1, height: tall, fill: niceColour(code) });
      rect.append(svg("title", {}, `Session ${number}: ${c[code]} ${words(code).toLowerCase()}`));
      drawing.append(rect);
    });
    drawing.append(svg("text", { x: x0, y: height + 14, "font-size": 10, fill: "#1f2933" }, `S${number}`));
  });
  return drawing;
}

function table(rows) {
  return h(
    "table",
    { class: "grid compact" },
    h("caption", {}, "Moments marked per session"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Session"), ...NICE.map((c) => h("th", { scope: "col" }, words(c))))),
    h("tbody", {}, rows.map(([number, c]) => h("tr", {}, h("th", { scope: "row" }, String(number)), ...NICE.map((code) => h("td", { class: "number" }, String(c[code])))))),
  );
}

function legend() {
  return h(
    "ul",
    { class: "legend" },
    NICE.map((code) => {
      const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.background = niceColour(code);
      return h("li", {}, swatch, ` ${words(code)}`);
    }),
  );
}

function sideBySide(moments) {
  const label = (m) => `Session ${m.session_number}, ${timecode(m.start_ms)} · ${m.caption || words(m.nice_category)}`;
  const numbers = [...new Set(moments.map((m) => m.session_number))];
  const early = moments.filter((m) => m.session_number === numbers[0]);
  const late = moments.filter((m) => m.session_number === numbers.at(-1));
  const pane = (title, initial) => {
    const select = h("select", {}, moments.map((m) => h("option", { value: m.id, selected: m.id === initial.id }, label(m))));
    const video = h("video", { controls: true, preload: "metadata" });
    const load = () => {
      const m = moments.find((x) => x.id === select.value);
      const end = m.end_ms > m.start_ms ? m.end_ms : m.start_ms + 4000;
      video.src = `/api/clips/${m.clip_id}/media#t=${m.start_ms / 1000},${end / 1000}`;
    };
    select.addEventListener("change", load);
    load();
    return { element: h("div", {}, h("label", {}, title, select), video), video, select, load };
  };
  const left = pane("Earlier", early[0]);
  const right = pane("Later", late.find((m) => m.nice_category === early[0].nice_category) ?? late[0]);
  const both = h("button", { type: "button" }, "Play both");
  both.addEventListener("click", () => {
    left.load();
    right.load();
    left.video.play();
    right.video.play();
  });
  both.classList.add("change-both");
  return h("div", {}, h("div", { class: "side-by-side" }, left.element, right.element), both);
}

// Footage is the family's worker's to show; anyone else needs the carer's supervision consent
// (the server refuses the media otherwise: a sentence, not two black players).
const NO_FOOTAGE =
  "The carer has not given consent to supervision, so only the family's worker can watch these moments. " +
  "The chart above still shows the change.";

/**
 * @param {object[]} moments the programme's, oldest session first
 * @param {{ canWatch?: boolean }} [options] whether this user may watch the footage
 */
export function changeSection(moments, { canWatch = true } = {}) {
  if (!moments.length) return null;
  const rows = counts(moments);
  const parts = [h("h4", {}, "Change over time"), legend(), h("div", { class: "change-chart" }, chart(rows)), h("details", {}, h("summary", {}, "The same as a table"), table(rows))];
  if (rows.length > 1) {
    parts.push(h("h4", {}, "An earlier moment beside a later one"));
    parts.push(canWatch ? sideBySide(moments) : h("p", { class: "change-no-footage" }, NO_FOOTAGE));
  }
  return h("section", { class: "change", "aria-label": "Change over time" }, ...parts);
}
