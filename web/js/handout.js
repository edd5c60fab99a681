// A printable handout of a reel: a still of each moment with its caption (and what the child might
// say, in the carer's words), for the carer to keep.

import { api } from "./api.js";
import { formatDate, h, showStatus, startPage } from "./ui.js";

const reelId = location.pathname.split("/")[2];
const $ = (id) => document.getElementById(id);

async function main() {
  await startPage();
  const reel = await api(`/api/reels/${reelId}`);
  const moments = await api(`/api/programmes/${reel.programme_id}/moments`);
  const byId = new Map(moments.map((m) => [m.id, m]));
  const shown = reel.moment_ids.map((id) => byId.get(id)).filter((m) => m && m.share_with_carer);
  $("date").textContent = formatDate(reel.created_at.slice(0, 10));
  $("moments").replaceChildren(
    ...shown.map((m) => {
      const caption = m.caption || m.category.replace(/_/g, " ");
      return h(
        "figure",
        { class: "handout-moment" },
        h("img", { src: `/api/clips/${m.clip_id}/still?at_ms=${m.start_ms}`, alt: caption }),
        h(
          "figcaption",
          {},
          h("p", {}, caption),
          m.child_words
            ? h("p", { class: "handout-child" }, h("span", { class: "handout-child-label" }, "Your child might say"), `“${m.child_words}”`)
            : null,
        ),
      );
    }),
  );
  $("print").addEventListener("click", () => window.print());
  showStatus(shown.length ? "" : "The moments of this reel have been deleted.");
}

main().catch((error) => showStatus(error.message, { error: true }));
