// The admin page: teams, user accounts and field laptops. Admins never see case records.

import { api } from "./api.js";
import { renderLaptops } from "./field-laptops.js";
import { buildForm } from "./forms.js";
import { formatDate, h, showStatus, startPage, words } from "./ui.js";

const ROLES = [["worker"], ["supervisor"], ["manager"], ["admin"]];
let teams = [];

function trainingCell(user) {
  const form = h("form", { class: "row-form", "aria-label": `Training date for ${user.username}` });
  buildForm(
    form,
    [{ name: "trained_on", label: `Training completed by ${user.username}`, type: "date", clearable: true }],
    "Save",
    async (body) => {
      await api(`/api/users/${user.id}`, { method: "PATCH", body });
      // the lists are drawn again before the status says so, so nothing typed meanwhile is lost
      await render();
      showStatus(`Saved ${user.username}'s training date.`);
    },
    { values: user },
  );
  return h("td", {}, form);
}

// How carers see a worker: the name on a share link's page ("this is from Alex Morgan").
function nameForm(user) {
  const form = h("form", { class: "row-form", "aria-label": `Name carers see for ${user.username}` });
  buildForm(
    form,
    [{ name: "full_name", label: `Name carers see for ${user.username}`, clearable: true, placeholder: "name carers see", autocomplete: "off" }],
    "Save",
    async (body) => {
      await api(`/api/users/${user.id}`, { method: "PATCH", body });
      await render();
      showStatus(`Saved the name carers see for ${user.username}.`);
    },
    { values: user },
  );
  return form;
}

// What a share link's page says it is from: the service's name as carers know it, and how to
// reach the team ("Sam, this is from Alex Morgan at Riverside Family Support. Contact: …").
function teamItem(team) {
  const form = h("form", { class: "row-form team-carers", "aria-label": `What carers see of ${team.name}` });
  buildForm(
    form,
    [
      { name: "display_name", label: `Name carers see for ${team.name}`, clearable: true, placeholder: "e.g. Riverside Family Support", autocomplete: "off" },
      { name: "contact", label: "Contact line for carers", clearable: true, placeholder: "e.g. 01234 567890, Mon–Fri 9–5", autocomplete: "off" },
    ],
    "Save",
    async (body) => {
      await api(`/api/teams/${team.id}`, { method: "PATCH", body });
      await render();
      showStatus(`Saved what carers see of ${team.name}.`);
    },
    { values: team },
  );
  const shown = team.display_name || team.contact
    ? `Carers read: “this is from … at ${team.display_name || team.name}.${team.contact ? ` Contact: ${team.contact}` : ""}”`
    : "Carers see no team name yet: add the name they know the service by, and a contact line.";
  return h("li", { class: "team" }, h("strong", {}, team.name), h("p", { class: "muted" }, shown), form);
}

function passwordForm(user) {
  const form = h("form", { class: "row-form", "aria-label": `New password for ${user.username}` });
  buildForm(
    form,
    [{ name: "password", label: `New password for ${user.username}`, type: "password", required: true, autocomplete: "new-password", placeholder: "new password" }],
    "Set",
    async (body) => {
      await api(`/api/users/${user.id}`, { method: "PATCH", body });
      await render();
      showStatus(`Set a new password for ${user.username}; their sessions have ended and any lockout is lifted.`);
    },
  );
  return form;
}

function accountCell(user, me) {
  if (user.id === me.id) return h("td", {}, "You");
  const label = user.disabled ? "Enable" : "Disable";
  return h(
    "td",
    {},
    user.disabled ? "Disabled " : "Active ",
    h(
      "button",
      {
        type: "button",
        class: "quiet small",
        "aria-label": `${label} ${user.username}`,
        onclick: async () => {
          try {
            await api(`/api/users/${user.id}`, { method: "PATCH", body: { disabled: !user.disabled } });
            await render();
            showStatus(`${user.username} is ${user.disabled ? "enabled" : "disabled; their sessions have ended"}.`);
          } catch (problem) {
            showStatus(problem.message, { error: true });
          }
        },
      },
      label,
    ),
    passwordForm(user),
  );
}

async function render(me = render.me) {
  render.me = me;
  const [teamPage, userPage] = await Promise.all([
    api("/api/teams?limit=500"),
    api("/api/users?limit=500"),
  ]);
  teams = teamPage.data;
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  document.getElementById("teams").replaceChildren(...teams.map(teamItem));
  document.getElementById("users").tBodies[0].replaceChildren(
    ...userPage.data.map((user) =>
      h(
        "tr",
        {},
        h("th", { scope: "row" }, user.username, user.role === "admin" ? null : nameForm(user)),
        h("td", {}, words(user.role)),
        h("td", {}, teamName.get(user.team_id) ?? "?"),
        trainingCell(user),
        accountCell(user, me),
      ),
    ),
  );
  await renderLaptops(userPage.data);
  buildForm(
    document.getElementById("user-form"),
    [
      { name: "username", label: "Username", required: true },
      { name: "full_name", label: "Name carers see (e.g. Alex Morgan)" },
      { name: "password", label: "Password (10 characters or more)", type: "password", required: true, autocomplete: "new-password" },
      { name: "role", label: "Role", type: "select", options: ROLES },
      { name: "team_id", label: "Team", type: "select", options: teams.map((t) => [t.id, t.name]) },
      { name: "trained_on", label: "Training completed on", type: "date" },
    ],
    "Add user",
    async (body) => {
      const made = await api("/api/users", { method: "POST", body });
      await render();
      showStatus(`Added ${made.username}.`);
    },
  );
}

async function main() {
  const me = await startPage();
  if (me.role !== "admin") {
    showStatus("Only admins manage teams and users.", { error: true });
    return;
  }
  buildForm(
    document.getElementById("team-form"),
    [
      { name: "name", label: "Team name", required: true },
      { name: "display_name", label: "Name carers see (e.g. Riverside Family Support)" },
      { name: "contact", label: "Contact line for carers (e.g. 01234 567890, Mon–Fri)" },
    ],
    "Add team",
    async (body) => {
      await api("/api/teams", { method: "POST", body });
      await render();
    },
  );
  await render(me);
  document.getElementById("admin").hidden = false;
  showStatus("");
}

main().catch((problem) => showStatus(problem.message, { error: true }));
