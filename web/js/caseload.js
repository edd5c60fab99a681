// The caseload page: a worker's own families, or a supervisor's or manager's whole team.

import { api } from "./api.js";
import { childFields } from "./child-fields.js";
import { buildForm } from "./forms.js";
import { vocabulary } from "./vocabulary.js";
import { age, formatDate, h, showStatus, startPage, words } from "./ui.js";

const PAGE_SIZE = 50;
let offset = 0;
let workers = new Map();

function programmeCells(programme) {
  if (!programme) return [h("td", {}, "Not offered yet"), h("td", {}, "—"), h("td", {}, "—")];
  const next = programme.next_session_on
    ? `Session ${programme.next_session_number} · ${formatDate(programme.next_session_on)}`
    : "None booked";
  return [
    h("td", {}, h("span", { class: `pill ${programme.status}` }, words(programme.status))),
    h("td", { class: "number" }, String(programme.held_sessions)),
    h("td", {}, next),
  ];
}

function row({ child, programmes }) {
  const current = programmes[0];
  const closed = child.closed_on ? ` (closed ${formatDate(child.closed_on)})` : "";
  return h(
    "tr",
    {},
    h("th", { scope: "row" }, h("a", { href: `/children/${child.id}`, class: "nowrap" }, child.reference), closed),
    h("td", {}, age(child.date_of_birth)),
    h("td", {}, words(child.attachment_status)),
    h("td", {}, workers.get(child.worker_id) ?? "Unallocated"),
    ...programmeCells(current),
  );
}

async function load() {
  const includeClosed = document.getElementById("include-closed").checked;
  const page = await api(
    `/api/caseload?limit=${PAGE_SIZE}&offset=${offset}&include_closed=${includeClosed}`,
  );
  const table = document.getElementById("caseload");
  table.tBodies[0].replaceChildren(...page.data.map(row));
  table.hidden = page.count === 0;
  showStatus(page.count === 0 ? "No children on this caseload." : "");
  const pager = document.getElementById("pager");
  pager.hidden = page.count <= PAGE_SIZE;
  document.getElementById("page-info").textContent =
    `${offset + 1}–${offset + page.data.length} of ${page.count}`;
  document.getElementById("prev").disabled = offset === 0;
  document.getElementById("next").disabled = offset + PAGE_SIZE >= page.count;
}

async function main() {
  const me = await startPage();
  document.getElementById("title").textContent =
    me.role === "worker" ? "My caseload" : "Team caseload";
  document.getElementById("dashboard-link").hidden = !(me.role === "manager" || me.role === "supervisor");
  document.getElementById("audit-link").hidden = me.role !== "manager";
  if (me.role === "admin") {
    location.replace("/admin");
    return;
  }
  const team = await api("/api/users?limit=500");
  workers = new Map(team.data.map((user) => [user.id, user.username]));
  if (me.role === "worker" || me.role === "manager") {
    const teamWorkers = team.data.filter((u) => u.role === "worker" && !u.disabled);
    buildForm(
      document.getElementById("child-form"),
      childFields({ manager: me.role === "manager", teamWorkers, vocab: await vocabulary() }),
      "Add child",
      async (body) => {
        const made = await api("/api/children", { method: "POST", body });
        location.assign(`/children/${made.id}`);
      },
    );
    document.getElementById("add-child").hidden = false;
  }
  document.getElementById("include-closed").addEventListener("change", () => {
    offset = 0;
    load().catch(fail);
  });
  document.getElementById("prev").addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    load().catch(fail);
  });
  document.getElementById("next").addEventListener("click", () => {
    offset += PAGE_SIZE;
    load().catch(fail);
  });
  await load();
}

function fail(problem) {
  showStatus(problem.message, { error: true });
}

main().catch(fail);
