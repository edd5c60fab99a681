// The manager's dashboard: the statement 3 measure for a period with its quarterly trend and
// funnel, who is reached (breakdowns, CSV, suppression for publication), outcomes, alerts, and
// every programme's fidelity. Printable as the report itself.

import { api } from "./api.js";
import { criterionWords, formatDate, h, showStatus, startPage, words } from "./ui.js";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const PAGE = 25;
let offset = 0;

const iso = (d) => d.toISOString().slice(0, 10);
const percent = (p) => (p === null || p === undefined ? "—" : typeof p === "string" ? p : `${(p * 100).toFixed(1)}%`);

/** @type {Record<string, {from: string, to: string, label: string}>} */
let ranges = {};

function setPeriod(range) {
  $("from").value = range.from;
  $("to").value = range.to;
}

function period() {
  return { from: $("from").value, to: $("to").value };
}

function query(params) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined));
  return search.toString();
}

function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function trendChart(points) {
  const width = 60 + points.length * 70;
  const height = 150;
  const drawing = svg("svg", { viewBox: `0 0 ${width} ${height + 30}`, role: "img", "aria-label": "The proportion reached in each quarter" });
  drawing.append(svg("line", { x1: 40, y1: height, x2: width, y2: height, stroke: "#52606d" }));
  for (const [value, label] of [[0, "0%"], [0.5, "50%"], [1, "100%"]]) {
    const y = height - value * (height - 10);
    drawing.append(svg("text", { x: 0, y: y + 4, "font-size": 11, fill: "#52606d" }, label));
    drawing.append(svg("line", { x1: 36, y1: y, x2: width, y2: y, stroke: "#d9d6cf", "stroke-dasharray": "3 3" }));
  }
  points.forEach((p, n) => {
    const x = 50 + n * 70;
    const share = p.proportion ?? 0;
    const tall = share * (height - 10);
    const bar = svg("rect", { x, y: height - tall, width: 40, height: Math.max(tall, 1), fill: "#0072B2" });
    bar.append(svg("title", {}, `${p.from} to ${p.to}: ${percent(p.proportion)} (${p.numerator} of ${p.denominator})`));
    drawing.append(bar);
    drawing.append(svg("text", { x: x + 20, y: height - tall - 4, "font-size": 11, "text-anchor": "middle", fill: "#1f2933" }, percent(p.proportion)));
    drawing.append(svg("text", { x: x + 20, y: height + 16, "font-size": 11, "text-anchor": "middle", fill: "#1f2933" }, p.label));
  });
  // the same figures for a screen reader; the wrapper takes no room (a table is never narrower
  // than its contents, so it cannot be shrunk itself)
  const table = h(
    "div",
    { class: "visually-hidden" },
    h(
      "table",
      {},
      h("caption", {}, "The proportion reached by financial quarter"),
      h("tbody", {}, points.map((p) => h("tr", {}, h("th", { scope: "row" }, `${p.label}: ${formatDate(p.from)} to ${formatDate(p.to)}`), h("td", {}, `${p.numerator} of ${p.denominator}`), h("td", {}, percent(p.proportion))))),
    ),
  );
  return [h("div", { class: "chart" }, drawing), table];
}

function funnel(report) {
  const steps = [
    ["Children (the denominator)", report.denominator],
    ["Offered a programme", report.offered],
    ["Started (the numerator)", report.started],
    ["Completed", report.completed],
    ["Completed to fidelity", report.completed_to_fidelity],
  ];
  const most = Math.max(1, report.denominator);
  return steps.map(([label, value]) => {
    const bar = h("div", { class: "funnel-bar" });
    bar.style.width = `${(100 * value) / most}%`;
    return h("div", { class: "funnel-row" }, h("span", {}, label), h("div", {}, bar), h("strong", {}, String(value)));
  });
}

function groupLabel(groupBy, key) {
  return groupBy === "team" || groupBy === "ethnicity" || groupBy === "age_band" ? key : words(key);
}

async function measure() {
  const { from, to } = period();
  const [report, points] = await Promise.all([
    api(`/api/reports/statement3?${query({ from, to, group_by: $("group-by").value, suppress: $("suppress").checked })}`),
    api(`/api/reports/statement3/quarters?${query({ to, count: 4 })}`),
  ]);
  $("proportion").textContent = percent(report.proportion);
  $("fraction").textContent = `${report.numerator} of ${report.denominator} children, ${formatDate(from)} to ${formatDate(to)}`;
  $("print-period").textContent = `Reporting period ${formatDate(from)} to ${formatDate(to)}.`;
  $("trend").replaceChildren(...trendChart(points));
  $("funnel").replaceChildren(...funnel(report));
  $("breakdown").querySelector("tbody").replaceChildren(
    ...report.groups.map((g) =>
      h(
        "tr",
        {},
        h("th", { scope: "row" }, groupLabel(report.group_by, g.key)),
        ...[g.denominator, g.numerator, percent(g.proportion), g.offered, g.completed, g.completed_to_fidelity].map((v) => h("td", { class: "number" }, String(v))),
      ),
    ),
  );
}

async function downloadCsv() {
  const { from, to } = period();
  const response = await fetch(`/api/reports/statement3?${query({ from, to, group_by: $("group-by").value, suppress: $("suppress").checked })}`, {
    headers: { Accept: "text/csv" },
    credentials: "same-origin",
  });
  if (!response.ok) {
    showStatus("The CSV could not be made.", { error: true });
    return;
  }
  const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `statement3-${from}-${to}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

async function outcomes() {
  const { from, to } = period();
  const found = await api(`/api/reports/outcomes?${query({ from, to })}`);
  const parts = [];
  if (found.scales.length) {
    parts.push(
      h(
        "table",
        { class: "grid compact" },
        h("caption", {}, "Carer sensitivity and responsiveness, for children whose programme was completed"),
        h("thead", {}, h("tr", {}, ...["Scale", "Children", "Before (mean)", "After (mean)", "Change"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, found.scales.map((s) => h("tr", {}, h("th", { scope: "row" }, s.scale), h("td", { class: "number" }, String(s.children)), h("td", { class: "number" }, s.mean_before.toFixed(2)), h("td", { class: "number" }, s.mean_after.toFixed(2)), h("td", { class: "number" }, `${s.mean_change >= 0 ? "+" : ""}${s.mean_change.toFixed(2)}`)))),
      ),
    );
  } else {
    parts.push(h("p", { class: "muted" }, "No before-and-after scores recorded for children who completed a programme."));
  }
  parts.push(
    h("p", {}, `Placement breakdowns in the period: ${found.breakdowns.children_with_breakdown} of ${found.breakdowns.denominator} children (${percent(found.breakdowns.rate)}), beside the measure's ${percent(found.breakdowns.reached_rate)} reached.`),
  );
  $("outcomes").replaceChildren(...parts);
}

async function alerts() {
  const found = await api("/api/reports/alerts");
  $("alerts").replaceChildren(
    ...(found.length
      ? found.map((a) => h("li", {}, h("a", { href: `/children/${a.child_id}` }, a.child_reference), ` (${a.worker}): ${a.detail}`))
      : [h("li", { class: "muted" }, "Nothing needs attention.")]),
  );
}

async function fidelity() {
  const { from, to } = period();
  const params = { from, to, worker_id: $("worker").value, status: $("status-filter").value, verdict: $("verdict").value, limit: PAGE, offset };
  const found = await api(`/api/reports/fidelity?${query(params)}`);
  $("verdicts").textContent = Object.entries(found.verdicts).map(([v, n]) => `${words(v)}: ${n}`).join(" · ") || "No programmes in this period.";
  $("fidelity").querySelector("tbody").replaceChildren(
    ...found.data.map((row) =>
      h(
        "tr",
        {},
        h("th", { scope: "row" }, h("a", { href: `/children/${row.child_id}` }, row.child_reference)),
        h("td", {}, row.worker),
        h("td", {}, words(row.status)),
        h("td", { class: "number" }, String(row.held_sessions)),
        h("td", {}, h("span", { class: `verdict ${row.verdict}` }, words(row.verdict))),
        h("td", {}, row.failing.map(criterionWords).join(", ") || "—"),
      ),
    ),
  );
  $("page-info").textContent = found.count ? `${offset + 1}–${Math.min(offset + PAGE, found.count)} of ${found.count}` : "";
  $("prev").disabled = offset === 0;
  $("next").disabled = offset + PAGE >= found.count;
}

/** Empties every figure of the period, so none is read as the answer for a range that has none. */
function clearFigures() {
  $("proportion").textContent = "—";
  $("fraction").textContent = "No figures until the period above is put right.";
  $("print-period").textContent = "";
  $("trend").replaceChildren();
  $("funnel").replaceChildren();
  $("breakdown").querySelector("tbody").replaceChildren();
  $("outcomes").replaceChildren();
  $("verdicts").textContent = "";
  $("fidelity").querySelector("tbody").replaceChildren();
  $("page-info").textContent = "";
}

/** What is wrong with the range in the boxes, in words, or "" if nothing. */
function rangeProblem() {
  const from = $("from");
  const to = $("to");
  if (!from.value || from.validity.badInput) return "Choose the first day of the period (From).";
  if (!to.value || to.validity.badInput) return "Choose the last day of the period (To).";
  if (from.value > to.value) return `The period must end on or after its first day: “To” (${formatDate(to.value)}) is before “From” (${formatDate(from.value)}).`;
  return "";
}

function periodError(message) {
  $("period-error").textContent = message;
  $("period-error").hidden = !message;
  for (const id of ["from", "to"]) $(id).setAttribute("aria-invalid", message ? "true" : "false");
}

async function refresh() {
  document.body.dataset.ready = "false";
  const problem = rangeProblem();
  periodError(problem);
  if (problem) {
    clearFigures();
    showStatus("");
    return;
  }
  try {
    showStatus("");
    await Promise.all([measure(), outcomes(), alerts(), fidelity()]);
    document.body.dataset.ready = "true";
  } catch (error) {
    clearFigures();
    if (error.status === 422 || error.status === 400) periodError(error.message);
    else showStatus(error.message, { error: true });
  }
}

async function main() {
  const me = await startPage();
  document.getElementById("audit-link").hidden = me.role !== "manager";
  if (me.role !== "manager" && me.role !== "supervisor") {
    showStatus("The dashboard is for managers and supervisors.", { error: true });
    return;
  }
  const team = await api("/api/users?limit=500");
  $("worker").append(...team.data.filter((u) => u.role === "worker").map((u) => h("option", { value: u.id }, u.username)));
  ranges = await api("/api/reports/periods");
  $("this-quarter").textContent = `This quarter (${ranges.this_quarter.label})`;
  $("last-quarter").textContent = `Last quarter (${ranges.last_quarter.label})`;
  $("this-year").textContent = `This financial year (${ranges.this_year.label})`;
  setPeriod(ranges.this_quarter);
  $("period").addEventListener("submit", (event) => {
    event.preventDefault();
    offset = 0;
    refresh();
  });
  for (const [id, name] of [["this-quarter", "this_quarter"], ["last-quarter", "last_quarter"], ["this-year", "this_year"]]) {
    $(id).addEventListener("click", () => { setPeriod(ranges[name]); offset = 0; refresh(); });
  }
  $("print").addEventListener("click", () => window.print());
  $("group-by").addEventListener("change", refresh);
  $("suppress").addEventListener("change", refresh);
  $("csv").addEventListener("click", downloadCsv);
  for (const id of ["worker", "status-filter", "verdict"]) {
    $(id).addEventListener("change", () => { offset = 0; refresh(); });
  }
  $("prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); refresh(); });
  $("next").addEventListener("click", () => { offset += PAGE; refresh(); });
  await refresh();
}

main().catch((error) => showStatus(error.message, { error: true }));
