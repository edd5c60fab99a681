// The child page: facts, carers, assessments, and each programme with its consents and sessions.
// Workers and managers can add and change; supervisors see the same page read-only.

import { api } from "./api.js";
import { childFields } from "./child-fields.js";
import { changeSection } from "./change.js";
import { buildForm } from "./forms.js";
import { age, formatDate, h, showStatus, startPage, words } from "./ui.js";

const childId = location.pathname.split("/").pop();
const HIGHLIGHTS = ["sensitivity", "responsiveness", "communication", "strengths", "positive_change"];
const SCOPES = ["filming", "storage", "share_with_carer", "supervision", "training"];
const RELATIONSHIPS = [
  "birth_parent", "foster_carer", "kinship_carer", "special_guardian", "adoptive_parent",
  "residential_key_worker", "other",
];
const NEXT_STATUS = {
  offered: ["active", "declined", "withdrawn"],
  declined: ["offered", "active"],
  active: ["completed", "withdrawn"],
  completed: ["active"],
  withdrawn: ["active"],
};

let canWrite = false;
let myRole = "";
let myId = "";
let carers = [];
let workers = new Map();

function minutes(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s ? `${m} min ${s} s` : `${m} min`;
}

function renderFacts(child) {
  document.title = `${child.reference} · vfb`;
  document.getElementById("title").textContent = child.reference;
  const facts = [
    ["Age", `${age(child.date_of_birth)} (born ${formatDate(child.date_of_birth)})`],
    ["Attachment", `${words(child.attachment_status)} since ${formatDate(child.identified_on)}`],
    ["Care status", words(child.care_status)],
    ["Worker", workers.get(child.worker_id) ?? "Unallocated"],
    ["Case", child.closed_on ? `Closed ${formatDate(child.closed_on)}` : "Open"],
  ];
  document
    .getElementById("facts")
    .replaceChildren(...facts.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function renderCarers() {
  const list = document.getElementById("carers");
  list.replaceChildren(
    ...(carers.length
      ? carers.map((carer) => h("li", {}, `${carer.display_name} (${words(carer.relationship)})`))
      : [h("li", { class: "muted" }, "No carers recorded yet.")]),
  );
}

async function renderOutcomes() {
  const [scores, breakdowns] = await Promise.all([
    api(`/api/children/${childId}/carer-scores`),
    api(`/api/children/${childId}/placement-breakdowns`),
  ]);
  document.getElementById("scores").replaceChildren(
    ...(scores.length
      ? scores.map((s) => h("li", {}, `${formatDate(s.measured_on)}: ${s.scale} ${s.value} (${s.timing} the programme)`))
      : [h("li", { class: "muted" }, "No scores recorded.")]),
  );
  document.getElementById("breakdowns").replaceChildren(
    ...(breakdowns.length
      ? breakdowns.map((b) => h("li", {}, `${formatDate(b.occurred_on)}${b.note ? `: ${b.note}` : ""}`))
      : [h("li", { class: "muted" }, "No placement breakdown recorded.")]),
  );
}

async function renderAssessments() {
  const found = await api(`/api/children/${childId}/assessments`);
  document.getElementById("assessments").replaceChildren(
    ...(found.length
      ? found.map((a) => h("li", {}, `Completed ${formatDate(a.completed_on)}`))
      : [h("li", { class: "muted" }, "No comprehensive assessment recorded.")]),
  );
}

function consentTable(programme, consents) {
  const carerName = new Map(carers.map((c) => [c.id, c.display_name]));
  const rows = consents.map((consent) => {
    let state = consent.active ? "Given" : `Withdrawn ${formatDate(consent.withdrawn_on)}`;
    const cells = [
      h("td", {}, carerName.get(consent.carer_id) ?? "?"),
      h("td", {}, words(consent.scope)),
      h("td", {}, formatDate(consent.given_on)),
    ];
    if (consent.active && canWrite) {
      const withdraw = h("form", { class: "row-form" });
      buildForm(
        withdraw,
        [{ name: "withdrawn_on", label: "Withdrawn on", type: "date", value: "today", required: true }],
        consent.scope === "filming" || consent.scope === "storage" ? "Withdraw and delete all footage" : "Withdraw",
        async (body) => {
          const done = await api(`/api/consents/${consent.id}`, { method: "PATCH", body });
          await renderProgrammes();
          showStatus(done.footage_deleted ? `Consent withdrawn. ${done.footage_deleted}` : "Consent withdrawn.");
        },
      );
      state = h("div", {}, "Given ", withdraw);
    }
    return h("tr", {}, ...cells, h("td", {}, state));
  });
  return h(
    "table",
    { class: "grid compact" },
    h("caption", {}, "Consents"),
    h(
      "thead",
      {},
      h("tr", {}, ...["Carer", "Scope", "Given", "State"].map((t) => h("th", { scope: "col" }, t))),
    ),
    h("tbody", {}, ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 4 }, "None yet."))])),
  );
}

function sessionTable(sessions, onEdit) {
  const rows = sessions.map((s) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, String(s.number)),
      h("td", {}, formatDate(s.held_on)),
      h("td", {}, words(s.status)),
      h("td", {}, s.duration_minutes === null ? "—" : `${s.duration_minutes} min`),
      h("td", {}, words(s.location)),
      h(
        "td",
        {},
        minutes(s.filmed_seconds),
        " ",
        h("a", { href: `/sessions/${s.id}`, "aria-label": `Film of session ${s.number}` }, "Film"),
      ),
      h(
        "td",
        {},
        s.reviewed_with_carer
          ? `Yes${s.review_minutes ? `, ${s.review_minutes} min` : ""}`
          : "No",
      ),
      h("td", {}, s.review_highlights.map(words).join(", ") || "—"),
      canWrite
        ? h(
            "td",
            {},
            h(
              "button",
              { type: "button", class: "quiet small", "aria-label": `Edit session ${s.number}`, onclick: () => onEdit(s) },
              s.status === "planned" ? "Record" : "Edit",
            ),
          )
        : null,
    ),
  );
  const headings = [
    "No.", "Date", "Status", "Length", "Where", "Filmed", "Reviewed with carer", "Highlights",
    ...(canWrite ? [""] : []),
  ];
  return h(
    "table",
    { class: "grid compact sessions" },
    h("caption", {}, "Sessions"),
    h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 9 }, "None yet."))])),
  );
}

const SESSION_FIELDS = [
  { name: "number", label: "Number", type: "number", min: 1, placeholder: "next" },
  { name: "held_on", label: "Date", type: "date", value: "today", required: true },
  {
    name: "status",
    label: "Status",
    type: "select",
    value: "held",
    options: [["held"], ["planned"], ["cancelled"], ["did_not_attend"]],
  },
  { name: "duration_minutes", label: "Length (minutes)", type: "number", min: 0, clearable: true },
  { name: "location", label: "Where", type: "select", options: [["home"], ["other"]] },
  {
    name: "filmed_minutes",
    label: "Filmed (minutes)",
    type: "number",
    min: 0,
    step: "any",
    from: "filmed_seconds",
    toField: (seconds) => (seconds === null ? null : Math.round((seconds / 60) * 100) / 100),
    convert: (value) => ["filmed_seconds", Math.round(value * 60)],
    clearable: true,
  },
  { name: "reviewed_with_carer", label: "Video reviewed with the carer", type: "checkbox" },
  { name: "review_minutes", label: "Review (minutes)", type: "number", min: 0, clearable: true },
  { name: "review_highlights", label: "Highlighted in the review", type: "checkboxes", options: HIGHLIGHTS },
];

// Codes whose label differs between a session field and a fidelity criterion.
const CRITERION_WORDS = {
  filming: "10 to 20 minutes filmed",
  positive_change: "Positive change acknowledged",
  home: "At home",
};

function fidelitySection(fidelity) {
  const items = fidelity.criteria.map((criterion) =>
    h(
      "li",
      { class: `criterion ${criterion.status}` },
      h("span", { class: `mark ${criterion.status}` }, words(criterion.status)),
      " ",
      h("strong", {}, CRITERION_WORDS[criterion.code] ?? words(criterion.code)),
      h("span", { class: "detail" }, criterion.detail),
    ),
  );
  return h(
    "section",
    { class: "fidelity", "aria-label": "Fidelity" },
    h(
      "h4",
      {},
      `Fidelity (${fidelity.model_title}): `,
      h("span", { class: `verdict ${fidelity.verdict}` }, words(fidelity.verdict)),
    ),
    h("ul", {}, ...items),
  );
}

// As the server decides: a supervisor or manager who is not the family's worker watches only
// with the carer's supervision consent.
function mayWatch(programme, consents) {
  if (!["manager", "supervisor"].includes(myRole) || myId === programme.worker_id) return true;
  return consents.some((c) => c.scope === "supervision" && c.active);
}

function programmeSection(programme, consents, sessions, fidelity, moments) {
  const heading = h(
    "h3",
    {},
    `Offered ${formatDate(programme.offered_on)} · `,
    h("span", { class: `pill ${programme.status}` }, words(programme.status)),
    programme.ended_on ? ` · ended ${formatDate(programme.ended_on)}` : "",
  );
  const held = sessions.filter((s) => s.status === "held").length;
  const section = h(
    "article",
    { class: "programme", "aria-label": `Programme offered ${formatDate(programme.offered_on)}` },
    heading,
    h("p", {}, `Worker: ${workers.get(programme.worker_id) ?? "?"} · ${held} held session${held === 1 ? "" : "s"}`),
    sessionTable(sessions, (session) => editSession(session)),
    fidelitySection(fidelity),
    changeSection(moments, { canWatch: mayWatch(programme, consents) }),
    consentTable(programme, consents),
  );
  if (!canWrite) return section;
  const form = h("form", { class: "form-grid" });
  const summary = h("summary", {});
  const ongoing = programme.status === "active" || programme.status === "offered";
  const details = h("details", { class: "writer", open: ongoing }, summary, form);
  function addSession() {
    summary.textContent = "Add a session";
    form.setAttribute("aria-label", "Add a session");
    buildForm(form, SESSION_FIELDS, "Add session", async (body) => {
      const made = await api(`/api/programmes/${programme.id}/sessions`, { method: "POST", body });
      await renderProgrammes();
      showStatus(`Session ${made.number} added.`);
    });
  }
  function editSession(session) {
    summary.textContent = `Session ${session.number}`;
    form.setAttribute("aria-label", `Edit session ${session.number}`);
    const cancel = h("button", { type: "button", class: "quiet", onclick: addSession }, "Cancel");
    const values = session.status === "planned" ? { ...session, status: "held" } : session;
    buildForm(
      form,
      SESSION_FIELDS,
      `Save session ${session.number}`,
      async (body) => {
        await api(`/api/sessions/${session.id}`, { method: "PATCH", body });
        await renderProgrammes();
        showStatus(`Session ${session.number} saved.`);
      },
      { values, extra: [cancel] },
    );
    details.open = true;
    form.querySelector("input, select").focus();
  }
  if (programme.status !== "declined") {
    addSession();
    section.append(details);
  }
  const consentForm = h("form", { class: "form-grid", "aria-label": "Record consent" });
  buildForm(
    consentForm,
    [
      { name: "carer_id", label: "Carer", type: "select", options: carers.map((c) => [c.id, c.display_name]), required: true },
      { name: "scope", label: "Consent to", type: "select", options: SCOPES.map((s) => [s]) },
      { name: "given_on", label: "Given on", type: "date", value: "today", required: true },
    ],
    "Record consent",
    async (body) => {
      await api("/api/consents", { method: "POST", body: { ...body, programme_id: programme.id } });
      await renderProgrammes();
    },
  );
  const statusForm = h("form", { class: "form-grid", "aria-label": "Change status" });
  buildForm(
    statusForm,
    [
      { name: "status", label: "New status", type: "select", options: NEXT_STATUS[programme.status].map((s) => [s]) },
      { name: "ended_on", label: "Ended on (completed or withdrawn)", type: "date" },
    ],
    "Change status",
    async (body) => {
      await api(`/api/programmes/${programme.id}`, { method: "PATCH", body });
      await renderProgrammes();
    },
  );
  section.append(
    h("details", { class: "writer" }, h("summary", {}, "Record consent"), consentForm),
    h("details", { class: "writer" }, h("summary", {}, "Change status"), statusForm),
  );
  return section;
}

async function renderProgrammes() {
  const page = await api(`/api/programmes?child_id=${childId}&limit=100`);
  const sections = await Promise.all(
    page.data.map(async (programme) => {
      const [consents, sessions, fidelity, moments] = await Promise.all([
        api(`/api/programmes/${programme.id}/consents`),
        api(`/api/programmes/${programme.id}/sessions`),
        api(`/api/programmes/${programme.id}/fidelity`),
        api(`/api/programmes/${programme.id}/moments`),
      ]);
      return programmeSection(programme, consents, sessions, fidelity, moments);
    }),
  );
  document
    .getElementById("programmes")
    .replaceChildren(...(sections.length ? sections : [h("p", { class: "muted" }, "No programme offered yet.")]));
}

function buildChildForm(child, me, teamWorkers) {
  const fields = [
    ...childFields({ manager: me.role === "manager", teamWorkers }),
    { name: "closed_on", label: "Case closed on", type: "date", clearable: true },
  ];
  buildForm(
    document.getElementById("child-form"),
    fields,
    "Save details",
    async (body) => {
      const saved = await api(`/api/children/${childId}`, { method: "PATCH", body });
      renderFacts(saved);
      buildChildForm(saved, me, teamWorkers);
      showStatus("Details saved.");
    },
    { values: child },
  );
}

function buildOutcomeForms() {
  buildForm(
    document.getElementById("score-form"),
    [
      { name: "scale", label: "Scale", required: true },
      { name: "value", label: "Score", type: "number", step: "any", required: true },
      { name: "measured_on", label: "Measured on", type: "date", value: "today", required: true },
      { name: "timing", label: "When", type: "select", options: [["before", "Before the programme"], ["after", "After the programme"]] },
    ],
    "Record score",
    async (body) => {
      await api("/api/carer-scores", { method: "POST", body: { ...body, child_id: childId } });
      await renderOutcomes();
    },
  );
  buildForm(
    document.getElementById("breakdown-form"),
    [
      { name: "occurred_on", label: "Broke down on", type: "date", value: "today", required: true },
      { name: "note", label: "Note (optional)" },
    ],
    "Record breakdown",
    async (body) => {
      await api("/api/placement-breakdowns", { method: "POST", body: { ...body, child_id: childId } });
      await renderOutcomes();
    },
  );
}

function buildWriterForms(schemes) {
  buildForm(
    document.getElementById("carer-form"),
    [
      { name: "display_name", label: "Name", required: true },
      { name: "relationship", label: "Relationship", type: "select", options: RELATIONSHIPS.map((r) => [r]) },
    ],
    "Add carer",
    async (body) => {
      await api("/api/carers", { method: "POST", body: { ...body, child_id: childId } });
      carers = await api(`/api/children/${childId}/carers`);
      renderCarers();
      await renderProgrammes();
    },
  );
  buildForm(
    document.getElementById("assessment-form"),
    [{ name: "completed_on", label: "Completed on", type: "date", value: "today", required: true }],
    "Record assessment",
    async (body) => {
      await api("/api/assessments", { method: "POST", body: { ...body, child_id: childId } });
      await renderAssessments();
    },
  );
  buildForm(
    document.getElementById("programme-form"),
    [
      { name: "offered_on", label: "Offered on", type: "date", value: "today", required: true },
      {
        name: "accepted",
        label: "Accepted?",
        type: "select",
        json: true,
        options: [["null", "Not yet answered"], ["true", "Yes"], ["false", "No (declined)"]],
      },
      {
        name: "coding_scheme",
        label: "Moments coded with",
        type: "select",
        options: schemes.map((scheme) => [scheme.name, scheme.title]),
      },
    ],
    "Offer programme",
    async (body) => {
      const carerIds = carers.map((c) => c.id);
      await api("/api/programmes", { method: "POST", body: { ...body, child_id: childId, carer_ids: carerIds } });
      await renderProgrammes();
    },
  );
}

async function main() {
  const me = await startPage();
  canWrite = me.role === "worker" || me.role === "manager";
  myRole = me.role;
  myId = me.id;
  const auditLink = document.getElementById("audit-link");
  auditLink.hidden = me.role !== "manager";
  auditLink.href = `/audit?child_id=${encodeURIComponent(childId)}`;
  const team = await api("/api/users?limit=500");
  workers = new Map(team.data.map((user) => [user.id, user.username]));
  const teamWorkers = team.data.filter((u) => u.role === "worker" && !u.disabled);
  let child;
  try {
    child = await api(`/api/children/${childId}`);
  } catch (problem) {
    document.getElementById("title").textContent = "Not found";
    throw problem;
  }
  carers = await api(`/api/children/${childId}/carers`);
  renderFacts(child);
  renderCarers();
  if (canWrite) {
    buildWriterForms(await api("/api/schemes"));
    buildOutcomeForms();
    buildChildForm(child, me, teamWorkers);
  }
  else for (const writer of document.querySelectorAll("details.writer")) writer.remove();
  await Promise.all([renderAssessments(), renderProgrammes(), renderOutcomes()]);
  document.getElementById("child").hidden = false;
  showStatus("");
}

main().catch((problem) => showStatus(problem.message, { error: true }));
