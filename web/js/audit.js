// The audit trail page (managers): their team's rows, newest first, filtered by child, person,
// kind and date, a page at a time, and the same rows as a CSV file.

import { api } from "./api.js";
import { h, showStatus, startPage } from "./ui.js";

const PAGE_SIZE = 100;
let offset = 0;

const WHAT = {
  "clip.stream": "watched a clip",
  "clip.still": "took a still",
  "clip.poster": "saw a clip's poster",
  "clip.thumbnails": "saw a clip's thumbnails",
  "clip.peaks": "loaded a clip's waveform",
  "reel.stream": "watched a reel",
  "reel.download": "downloaded a reel",
  "moments.export": "exported moments",
  "share_link.create": "shared a link with a carer",
  "share_link.open": "opened a share link",
  "share_link.view": "watched through a share link",
  "share_link.revoke": "switched off a share link",
  "footage.delete": "footage deleted",
  "retention.original": "original deleted by retention",
  "sign_in": "signed in",
  "sign_in.failed": "failed to sign in",
  "child.read": "read a child's record",
  "carers.read": "read a child's carers",
  "moments.read": "read moment notes",
  "report.statement3": "exported the statement 3 report",
  "report.fidelity": "read the fidelity list",
  "audit.read": "read the audit trail",
  "audit.export": "exported the audit trail",
  "team.create": "added a team",
  "team.update": "changed what carers see of a team",
  "user.create": "added a user",
  "user.update": "changed a user's role, team or training",
  "user.password": "set a user's password",
  "user.disable": "disabled a user",
  "user.enable": "enabled a user",
  "field_device.create": "made a code to enrol a field laptop",
  "field_device.enrol": "enrolled a field laptop",
  "field_device.withdraw": "withdrew a field laptop's link",
};

function what(row) {
  if (WHAT[row.action]) return WHAT[row.action];
  const [kind, verb] = row.action.split(".");
  const done = { create: "added", update: "changed", delete: "deleted" }[verb] ?? verb;
  return `${done} a ${kind.replaceAll("_", " ")}`;
}

function filters() {
  const form = new FormData(document.getElementById("filters"));
  const params = new URLSearchParams();
  for (const [name, value] of form) if (value) params.set(name, value);
  return params;
}

/** The Detail cell: what the row is about (a link to its page when the reader may open it), then
 * the rest in words, as the server worded them from the stored row. */
function detail(event) {
  const about = event.about
    ? event.about_href ? h("a", { href: event.about_href }, event.about) : event.about
    : null;
  const rest = event.detail_words ?? "";
  if (!about) return [rest];
  return rest ? [about, ` · ${rest}`] : [about];
}

function row(event) {
  const when = new Date(event.at);
  let child = "—";
  if (event.child_reference) child = h("a", { href: `/children/${event.child_id}` }, event.child_reference);
  else if (event.child_id) child = "a child not in your team";
  return h(
    "tr",
    {},
    h("td", {}, h("time", { datetime: event.at }, when.toLocaleString("en-GB"))),
    h("td", {}, `${event.actor_name} (${event.role})`),
    h("td", {}, what(event)),
    h("td", { class: "nowrap" }, child),
    h("td", {}, event.origin ?? "—"),
    h("td", { class: "detail" }, ...detail(event)),
  );
}

async function load() {
  const params = filters();
  params.set("limit", PAGE_SIZE);
  params.set("offset", offset);
  try {
    const page = await api(`/api/audit?${params}`);
    const table = document.getElementById("trail");
    table.tBodies[0].replaceChildren(...page.data.map(row));
    table.hidden = page.count === 0;
    showStatus(page.count === 0 ? "Nothing matches." : `${page.count} row${page.count === 1 ? "" : "s"}.`);
    document.getElementById("pager").hidden = page.count <= PAGE_SIZE;
    document.getElementById("page-info").textContent = `${offset + 1}–${offset + page.data.length} of ${page.count}`;
    document.getElementById("prev").disabled = offset === 0;
    document.getElementById("next").disabled = offset + PAGE_SIZE >= page.count;
  } catch (error) {
    showStatus(error.message, { error: true });
  }
}

async function downloadCsv() {
  const response = await fetch(`/api/audit?${filters()}`, { headers: { Accept: "text/csv" }, credentials: "same-origin" });
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    showStatus(data?.detail ?? "The CSV could not be made.", { error: true });
    return;
  }
  const today = new Date().toISOString().slice(0, 10);
  const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `audit-${today}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

async function main() {
  const me = await startPage();
  if (me.role !== "manager") {
    showStatus("The audit trail is for managers.", { error: true });
    document.getElementById("filters").hidden = true;
    return;
  }
  const [kids, people] = await Promise.all([api("/api/children?limit=500"), api("/api/users?limit=500")]);
  document.getElementById("child").append(...kids.data.map((c) => h("option", { value: c.id }, c.reference)));
  document.getElementById("user").append(...people.data.map((u) => h("option", { value: u.id }, `${u.username} (${u.role})`)));
  const wanted = new URLSearchParams(location.search);
  for (const name of ["child_id", "user_id", "action", "from", "to"]) {
    const field = document.querySelector(`[name="${name}"]`);
    if (wanted.get(name) && field) field.value = wanted.get(name);
  }
  document.getElementById("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    offset = 0;
    history.replaceState(null, "", `/audit?${filters()}`);
    load();
  });
  document.getElementById("csv").addEventListener("click", downloadCsv);
  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE_SIZE); load(); });
  document.getElementById("next").addEventListener("click", () => { offset += PAGE_SIZE; load(); });
  load();
}

main();
