// The child page: facts, carers, assessments, and each programme with its consents and sessions.
// Workers and managers can add and change; supervisors see the same page read-only.

import { api } from "./api.js";
import { childFields } from "./child-fields.js";
import { changeSection } from "./change.js";
import { buildForm } from "./forms.js";
import { age, criterionWords, formatDate, h, showStatus, startPage, todayIso, words } from "./ui.js";
import { longDate } from "./visit-choice.js";
import { choices, nextStatuses, values, vocabulary } from "./vocabulary.js";
import { openWithdrawal } from "./withdraw-consent.js";

const childId = location.pathname.split("/").pop();
// The server's lists of values (GET /api/vocabulary), set before the page is drawn.
let vocab;

let canWrite = false;
let myRole = "";
let myId = "";
let carers = [];
let workers = new Map();
let reference = "";
// What each withdrawal on this page deleted, shown on its consent row after the dialog closes.
const withdrawn = new Map();

const $ = (id) => document.getElementById(id);

// The column of a table's buttons: named for screen readers, blank on screen.
const ACTIONS = "Actions";
const columnHeading = (text) =>
  h("th", { scope: "col" }, text === ACTIONS ? h("span", { class: "visually-hidden" }, text) : text);

// A form in the page's one form dialog: opened by a button, closed when saved or cancelled.
function openForm(title, specs, buttonText, submit, options = {}) {
  const dialog = $("form-dialog");
  const form = $("dialog-form");
  $("form-dialog-title").textContent = title;
  form.setAttribute("aria-label", title);
  const cancel = h("button", { type: "button", class: "quiet", onclick: () => dialog.close() }, "Cancel");
  buildForm(
    form,
    specs,
    buttonText,
    async (body) => {
      await submit(body);
      dialog.close();
    },
    { ...options, extra: [cancel] },
  );
  dialog.showModal();
  const first = options.focus ? form.elements.namedItem(options.focus) : null;
  (first instanceof HTMLElement ? first : form.querySelector("input, select"))?.focus();
}

function gist(id, text) {
  $(id).textContent = text;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

function minutes(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s ? `${m} min ${s} s` : `${m} min`;
}

let summaryRows = [];
let lastChild = null;

function renderFacts(child) {
  reference = child.reference;
  lastChild = child;
  document.title = `${child.reference} · vfb`;
  document.getElementById("title").textContent = child.reference;
  const facts = [
    ...summaryRows,
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
  gist("carers-gist", carers.length ? carers.map((c) => c.display_name).join(", ") : "None yet");
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
  const none = breakdowns.length ? plural(breakdowns.length, "placement breakdown") : "no placement breakdown";
  gist("outcomes-gist", `${plural(scores.length, "score")}, ${none}`);
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
  gist("assessments-gist", found.length ? `Completed ${formatDate(found.at(-1).completed_on)}` : "None recorded");
  document.getElementById("assessments").replaceChildren(
    ...(found.length
      ? found.map((a) => h("li", {}, `Completed ${formatDate(a.completed_on)}`))
      : [h("li", { class: "muted" }, "No comprehensive assessment recorded.")]),
  );
}

function consentTable(programme, consents, caption) {
  const carerName = new Map(carers.map((c) => [c.id, c.display_name]));
  const rows = consents.map((consent) => {
    const name = carerName.get(consent.carer_id) ?? "?";
    let state = consent.active ? "Given" : `Withdrawn ${formatDate(consent.withdrawn_on)}`;
    if (!consent.active && withdrawn.has(consent.id)) {
      state = h("span", {}, state, h("span", { class: "result" }, ` · ${withdrawn.get(consent.id)}`));
    }
    const cells = [
      h("td", {}, name),
      h("td", {}, words(consent.scope)),
      h("td", {}, formatDate(consent.given_on)),
      h("td", {}, state),
    ];
    if (canWrite) {
      const scope = words(consent.scope).toLowerCase();
      cells.push(
        h(
          "td",
          {},
          consent.active
            ? h(
                "button",
                {
                  type: "button",
                  class: "quiet small",
                  onclick: () =>
                    openWithdrawal({
                      consent,
                      carerName: name,
                      reference,
                      onDone: async (done) => {
                        withdrawn.set(consent.id, done.footage_deleted ?? "Nothing was deleted.");
                        await renderProgrammes();
                      },
                      onClosed: () => document.querySelector(`tr[data-consent="${consent.id}"]`)?.focus(),
                    }),
                },
                "Withdraw",
                h("span", { class: "visually-hidden" }, ` ${scope} consent`),
              )
            : "",
        ),
      );
    }
    return h("tr", { "data-consent": consent.id, tabindex: "-1" }, ...cells);
  });
  const headings = ["Carer", "Scope", "Given", "State", ...(canWrite ? [ACTIONS] : [])];
  return h(
    "table",
    { class: "grid compact consents" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...headings.map(columnHeading))),
    h("tbody", {}, ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: headings.length }, "None yet."))])),
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
            s.status === "planned"
              ? h("button", { type: "button", class: "quiet small", onclick: () => onEdit(s) }, "Mark as held")
              : h(
                  "button",
                  { type: "button", class: "quiet small", onclick: () => onEdit(s) },
                  "Edit",
                  h("span", { class: "visually-hidden" }, ` session ${s.number}`),
                ),
          )
        : null,
    ),
  );
  const headings = [
    "No.", "Date", "Status", "Length", "Where", "Filmed", "Reviewed with carer", "Highlights",
    ...(canWrite ? [ACTIONS] : []),
  ];
  return h(
    "table",
    { class: "grid compact sessions" },
    h("caption", {}, "Sessions"),
    h("thead", {}, h("tr", {}, ...headings.map(columnHeading))),
    h("tbody", {}, ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 9 }, "None yet."))])),
  );
}

const sessionFields = () => [
  { name: "number", label: "Number", type: "number", min: 1, placeholder: "next" },
  { name: "held_on", label: "Date", type: "date", value: "today", required: true },
  {
    name: "status",
    label: "Status",
    type: "select",
    value: "held",
    options: choices(vocab.session_statuses),
  },
  { name: "duration_minutes", label: "Length (minutes)", type: "number", min: 0, clearable: true },
  { name: "location", label: "Where", type: "select", options: choices(vocab.locations) },
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
  { name: "review_highlights", label: "Highlighted in the review", type: "checkboxes", options: values(vocab.highlights) },
];

function fidelitySection(fidelity) {
  const items = fidelity.criteria.map((criterion) =>
    h(
      "li",
      { class: `criterion ${criterion.status}` },
      h("span", { class: `mark ${criterion.status}` }, words(criterion.status)),
      " ",
      h("strong", {}, criterionWords(criterion.code)),
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
    h("p", { class: "muted" }, `Worker: ${workers.get(programme.worker_id) ?? "?"} · ${held} held session${held === 1 ? "" : "s"}`),
    h("div", { class: "table-scroll" }, sessionTable(sessions, (session) => editSession(session))),
  );
  const actions = h("p", { class: "actions" });
  section.append(actions);
  section.append(
    h(
      "details",
      { class: "sub" },
      h("summary", {}, "Fidelity: ", h("span", { class: `verdict ${fidelity.verdict}` }, words(fidelity.verdict))),
      fidelitySection(fidelity),
    ),
    h("details", { class: "sub" }, h("summary", {}, "Change over time"), changeSection(moments, { canWatch: mayWatch(programme, consents) })),
  );
  if (!canWrite) return section;
  function addSession() {
    openForm("Add a session", sessionFields(), "Add session", async (body) => {
      const made = await api(`/api/programmes/${programme.id}/sessions`, { method: "POST", body });
      await renderProgrammes();
      showStatus(`Session ${made.number} added.`);
    });
  }
  function editSession(session) {
    const planned = session.status === "planned";
    // Marking a visit booked for a later day as held means it was held today, not then.
    const today = todayIso();
    const values = planned
      ? { ...session, status: "held", held_on: session.held_on > today ? today : session.held_on }
      : session;
    openForm(
      planned ? `Mark session ${session.number} as held` : `Edit session ${session.number}`,
      sessionFields(),
      `Save session ${session.number}`,
      async (body) => {
        await api(`/api/sessions/${session.id}`, { method: "PATCH", body });
        await renderProgrammes();
        showStatus(`Session ${session.number} saved.`);
      },
      { values, focus: "duration_minutes" },
    );
  }
  if (programme.status !== "declined") {
    actions.append(h("button", { type: "button", class: "small", onclick: addSession }, "Add a session"), " ");
  }
  actions.append(
    h(
      "button",
      {
        type: "button",
        class: "quiet small",
        onclick: () =>
          openForm(
            "Change status",
            [
              { name: "status", label: "New status", type: "select", options: nextStatuses(vocab, programme.status) },
              { name: "ended_on", label: "Ended on (completed or withdrawn)", type: "date" },
            ],
            "Change status",
            async (body) => {
              await api(`/api/programmes/${programme.id}`, { method: "PATCH", body });
              await renderProgrammes();
            },
          ),
      },
      "Change status",
    ),
  );
  return section;
}

function recordConsentButton(programme) {
  return h(
    "button",
    {
      type: "button",
      class: "quiet small",
      onclick: () =>
        openForm(
          "Record consent",
          [
            { name: "carer_id", label: "Carer", type: "select", options: carers.map((c) => [c.id, c.display_name]), required: true },
            { name: "scope", label: "Consent to", type: "select", options: choices(vocab.consent_scopes) },
            { name: "given_on", label: "Given on", type: "date", value: "today", required: true },
          ],
          "Record consent",
          async (body) => {
            await api("/api/consents", { method: "POST", body: { ...body, programme_id: programme.id } });
            await renderProgrammes();
          },
        ),
    },
    "Record consent",
  );
}

// The programme the worker is on now: the latest offered that was not declined.
function currentOf(found) {
  const live = found.filter((f) => f.programme.status !== "declined");
  return (live.length ? live : found).at(-1);
}

function renderSummary(found) {
  const current = currentOf(found);
  if (!current) {
    summaryRows = [["Programme", "None offered yet"]];
    gist("programmes-gist", "None offered yet");
    gist("consents-gist", "");
    return;
  }
  const { programme, sessions, fidelity, consents } = current;
  const held = sessions.filter((s) => s.status === "held").length;
  const today = todayIso();
  const next = sessions.filter((s) => s.status === "planned" && s.held_on >= today).sort((a, b) => (a.held_on < b.held_on ? -1 : 1))[0];
  const given = consents.filter((c) => c.active).map((c) => words(c.scope));
  const gone = consents.filter((c) => !c.active).map((c) => `${words(c.scope)} withdrawn ${formatDate(c.withdrawn_on)}`);
  const consentWords = [given.length ? `Given: ${given.join(", ")}` : "None given", ...gone].join(" · ");
  summaryRows = [
    ["Programme", h("span", {}, h("span", { class: `pill ${programme.status}` }, words(programme.status)), ` · ${plural(held, "session")} held`)],
    ["Next visit", next ? `Session ${next.number} · ${longDate(next.held_on)}` : "None booked"],
    ["Fidelity", h("span", { class: `verdict ${fidelity.verdict}` }, words(fidelity.verdict))],
    ["Consents", consentWords],
  ];
  gist("programmes-gist", `${words(programme.status)} · ${plural(held, "session")} held${next ? ` · next ${formatDate(next.held_on)}` : ""}`);
  gist("consents-gist", given.length ? given.join(", ") : "None given");
}

async function renderProgrammes() {
  const page = await api(`/api/programmes?child_id=${childId}&limit=100`);
  const found = await Promise.all(
    page.data.map(async (programme) => {
      const [consents, sessions, fidelity, moments] = await Promise.all([
        api(`/api/programmes/${programme.id}/consents`),
        api(`/api/programmes/${programme.id}/sessions`),
        api(`/api/programmes/${programme.id}/fidelity`),
        api(`/api/programmes/${programme.id}/moments`),
      ]);
      return { programme, consents, sessions, fidelity, moments };
    }),
  );
  $("programmes").replaceChildren(
    ...(found.length
      ? found.map((f) => programmeSection(f.programme, f.consents, f.sessions, f.fidelity, f.moments))
      : [h("p", { class: "muted" }, "No programme offered yet.")]),
  );
  $("consents").replaceChildren(
    ...(found.length
      ? found.flatMap((f) => [
          consentTable(f.programme, f.consents, found.length > 1 ? `Consents · programme offered ${formatDate(f.programme.offered_on)}` : "Consents"),
          canWrite ? h("p", { class: "writer" }, recordConsentButton(f.programme)) : null,
        ])
      : [h("p", { class: "muted" }, "Consents are recorded for a programme: offer one first.")]),
  );
  renderSummary(found);
  if (lastChild) renderFacts(lastChild);
}

function editDetails(child, me, teamWorkers) {
  const fields = [
    ...childFields({ manager: me.role === "manager", teamWorkers, vocab }),
    { name: "closed_on", label: "Case closed on", type: "date", clearable: true },
  ];
  openForm(
    "Edit details",
    fields,
    "Save details",
    async (body) => {
      const saved = await api(`/api/children/${childId}`, { method: "PATCH", body });
      renderFacts(saved);
      showStatus("Details saved.");
    },
    { values: lastChild ?? child },
  );
}

function wireWriterButtons(schemes, me, teamWorkers) {
  $("edit-details").onclick = () => editDetails(lastChild, me, teamWorkers);
  $("add-carer").onclick = () =>
    openForm(
      "Add a carer",
      [
        { name: "display_name", label: "Name", required: true },
        { name: "relationship", label: "Relationship", type: "select", options: choices(vocab.relationships) },
      ],
      "Add carer",
      async (body) => {
        await api("/api/carers", { method: "POST", body: { ...body, child_id: childId } });
        carers = await api(`/api/children/${childId}/carers`);
        renderCarers();
        await renderProgrammes();
      },
    );
  $("add-assessment").onclick = () =>
    openForm(
      "Record an assessment",
      [{ name: "completed_on", label: "Completed on", type: "date", value: "today", required: true }],
      "Record assessment",
      async (body) => {
        await api("/api/assessments", { method: "POST", body: { ...body, child_id: childId } });
        await renderAssessments();
      },
    );
  $("add-programme").onclick = () =>
    openForm(
      "Offer a programme",
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
  $("add-score").onclick = () =>
    openForm(
      "Record a score",
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
  $("add-breakdown").onclick = () =>
    openForm(
      "Record a placement breakdown",
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

async function main() {
  const me = await startPage();
  vocab = await vocabulary();
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
  if (canWrite) wireWriterButtons(await api("/api/schemes"), me, teamWorkers);
  else for (const writer of document.querySelectorAll(".writer")) writer.remove();
  await Promise.all([renderAssessments(), renderProgrammes(), renderOutcomes()]);
  document.getElementById("child").hidden = false;
  showStatus("");
}

main().catch((problem) => showStatus(problem.message, { error: true }));
