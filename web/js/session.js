// A session's film: its clips (with their preparation progress), importing a file, recording.

import { api } from "./api.js";
import { askBookedForLater, bookedForLater } from "./booked-visit.js";
import { percent, sendResumably } from "./resumable.js";
import { clockTime, csrfHeader, formatDate, h, showStatus, startPage, words } from "./ui.js";

const sessionId = location.pathname.split("/")[2];
let canWrite = false;
let polling = null;
let preparingNotice = ""; // "… is being made ready to play", shown until no clip is preparing

function clipItem(clip, number) {
  const name = clip.origin === "trim" ? `Clip ${number} (trimmed)` : `Clip ${number}`;
  const facts = [
    clip.duration_ms !== null ? clockTime(clip.duration_ms) : null,
    clip.origin === "upload" ? `imported from ${clip.original_name ?? "a file"}` : null,
    clip.origin === "recording" ? "recorded here" : null,
  ].filter(Boolean);
  const badges = [
    clip.recovered ? h("span", { class: "pill warn" }, "Recovered") : null,
    clip.interaction_note ? h("span", { class: "pill warn", title: clip.interaction_note }, "Check length") : null,
  ];
  let state = null;
  if (clip.status === "processing") {
    state = h(
      "p",
      { class: "muted" },
      `${clip.stage ?? "Preparing"}… `,
      h("progress", { max: "1", value: String(clip.progress), "aria-label": `Preparing ${name}` }),
    );
  } else if (clip.status === "failed") {
    state = h("p", { class: "error" }, `Could not be made playable: ${clip.detail}`);
  } else if (clip.status === "deleted") {
    state = h("p", { class: "muted" }, clip.detail);
  }
  const remove = canWrite
    ? h("button", { type: "button", class: "quiet small", "aria-label": `Delete ${name}`, onclick: () => removeClip(clip, name) }, "Delete")
    : null;
  return h(
    "li",
    { class: "clip" },
    clip.review_media ? h("img", { src: `/api/clips/${clip.id}/poster`, alt: "", width: "160" }) : h("div", { class: "poster-placeholder" }),
    h(
      "div",
      {},
      h("h3", {}, h("a", { href: `/clips/${clip.id}` }, name), " ", ...badges),
      h("p", {}, facts.join(" · ")),
      clip.interaction_note ? h("p", { class: "muted" }, clip.interaction_note) : null,
      state,
      clip.status === "ready" && clip.review_media
        ? h("p", {}, h("a", { class: "button", href: `/clips/${clip.id}/review` }, "Review and mark moments"), " ", h("a", { href: `/clips/${clip.id}` }, "Trim"))
        : null,
      remove,
    ),
  );
}

async function removeClip(clip, name) {
  if (!confirm(`Delete ${name} and its video file? This cannot be undone.`)) return;
  try {
    await api(`/api/clips/${clip.id}`, { method: "DELETE" });
    showStatus(`${name} deleted.`);
    await loadClips();
  } catch (error) {
    showStatus(error.message, { error: true });
  }
}

async function loadClips() {
  const clips = await api(`/api/sessions/${sessionId}/clips`);
  const list = document.getElementById("clips");
  list.replaceChildren(...(clips.length ? clips.map((c, i) => clipItem(c, i + 1)) : [h("li", {}, "No film yet.")]));
  const busy = clips.some((c) => c.status === "processing");
  if (!busy && preparingNotice && document.getElementById("status").textContent === preparingNotice) {
    showStatus(""); // ready: the clip's own line says so
    preparingNotice = "";
  }
  clearTimeout(polling);
  if (busy) polling = setTimeout(loadClips, 1500);
}

/** Send the file in pieces that survive a dropped signal (vfb's resumable uploads). */
async function upload(file, heldToday) {
  const bar = document.getElementById("upload");
  bar.hidden = false;
  bar.value = 0;
  return sendResumably(file, { visit: sessionId, heldToday }, {
    headers: csrfHeader(),
    onProgress: (sent, total) => {
      bar.value = total ? sent / total : 1;
      showStatus(`Uploading ${file.name}… ${percent(sent, total)}`);
    },
    onRetry: (seconds, kept) =>
      showStatus(
        `The connection dropped with ${percent(kept, file.size)} of ${file.name} sent; ` +
          `trying again in ${seconds} s. Nothing sent is lost.`,
      ),
  });
}

async function main() {
  const me = await startPage();
  let session = await api(`/api/sessions/${sessionId}`);
  const programme = await api(`/api/programmes/${session.programme_id}`);
  const child = await api(`/api/children/${programme.child_id}`);
  canWrite = me.role === "worker" || me.role === "manager";
  const showTitle = () => {
    document.title = `${child.reference} session ${session.number} · vfb`;
    document.getElementById("title").textContent =
      `${child.reference} · session ${session.number} · ${formatDate(session.held_on)} (${words(session.status)})`;
  };
  showTitle();
  const back = document.getElementById("back");
  back.href = `/children/${child.id}`;
  back.textContent = `← ${child.reference}`;
  document.getElementById("record").href = `/sessions/${sessionId}/record`;
  for (const element of document.querySelectorAll(".writer")) element.hidden = !canWrite;
  document.getElementById("import").addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = document.getElementById("file").files[0];
    if (!file) return;
    let heldToday = false;
    if (bookedForLater(session)) {
      const how = { childId: child.id, doing: "Import into", pageOf: (id) => `/sessions/${id}` };
      if ((await askBookedForLater(session, how)) !== "yes") {
        showStatus("Not imported: nothing was sent. Import it when the visit is held, or into another visit.");
        return;
      }
      heldToday = true;
    }
    showStatus(`Uploading ${file.name}…`);
    const importButton = event.target.querySelector("button");
    importButton.disabled = true; // one upload of it at a time
    try {
      await upload(file, heldToday);
      session = await api(`/api/sessions/${sessionId}`); // footage of a booked visit: now held
      showTitle();
      preparingNotice = `${file.name} imported; it is being made ready to play.`;
      showStatus(preparingNotice);
      event.target.reset();
    } catch (error) {
      showStatus(error.message, { error: true });
    } finally {
      document.getElementById("upload").hidden = true;
      importButton.disabled = false;
    }
    await loadClips();
  });
  await loadClips();
  document.getElementById("film").hidden = false;
  if (document.getElementById("status").textContent === "Loading…") showStatus("");
}

main().catch((error) => showStatus(error.message, { error: true }));
