// The highlight reel panel of the review page: choose shared moments, see how long the reel will
// be before making it, follow its progress, then play, download or print its handout, and share
// it with a carer through a link that expires (and can be switched off at once).

import { api } from "./api.js";
import { reelWords, untilWords } from "./share-words.js";
import { clockTime, formatDate, h, timecode } from "./ui.js";

export class ReelPanel {
  constructor({ root, programmeId, clipId, editable }) {
    Object.assign(this, { root, programmeId, clipId, editable });
    this.choice = root.querySelector("#reel-choice");
    this.length = root.querySelector("#reel-length");
    this.button = root.querySelector("#make-reel");
    this.progress = root.querySelector("#reel-progress");
    this.list = root.querySelector("#reels");
    this.links = root.querySelector("#share-links");
    this.chosen = [];
    this.shared = [];
    root.hidden = !editable;
    if (!editable) return;
    this.button.addEventListener("click", () => this.make());
    this.refresh();
  }

  setMoments(moments) {
    if (!this.editable) return;
    const shared = moments.filter((m) => m.share_with_carer);
    const key = shared.map((m) => `${m.id}:${m.version}`).join();
    if (key === this.key) return;
    this.key = key;
    this.shared = shared;
    this.chosen = this.chosen.filter((id) => shared.some((m) => m.id === id));
    if (!shared.length) {
      this.choice.replaceChildren(h("legend", {}, "Moments in the reel"), h("p", { class: "muted" }, "Tick “Share with the carer” on a moment to put it in a reel."));
    } else {
      this.choice.replaceChildren(
        h("legend", {}, "Moments in the reel"),
        ...shared.map((m) => {
          const box = h("input", { type: "checkbox", value: m.id, checked: this.chosen.includes(m.id) });
          box.addEventListener("change", () => {
            this.chosen = box.checked ? [...this.chosen, m.id] : this.chosen.filter((id) => id !== m.id);
            this.plan();
          });
          return h("label", { class: "inline" }, box, `${timecode(m.start_ms)} · ${m.caption || m.category.replace(/_/g, " ")}`);
        }),
      );
    }
    this.plan();
  }

  async plan() {
    this.button.disabled = this.chosen.length === 0;
    if (!this.chosen.length) {
      this.length.textContent = "";
      return;
    }
    const ordered = this.shared.filter((m) => this.chosen.includes(m.id)).map((m) => m.id);
    try {
      const plan = await api(`/api/programmes/${this.programmeId}/reels/plan`, { method: "POST", body: { moment_ids: ordered } });
      this.length.textContent = `The reel will last ${clockTime(plan.length_ms)}: ${plan.moments} moment${plan.moments === 1 ? "" : "s"}, each after a title card with its caption.`;
    } catch (error) {
      this.length.textContent = error.message;
    }
  }

  async make() {
    const ordered = this.shared.filter((m) => this.chosen.includes(m.id)).map((m) => m.id);
    this.button.disabled = true;
    try {
      const reel = await api(`/api/programmes/${this.programmeId}/reels`, { method: "POST", body: { moment_ids: ordered } });
      this.progress.hidden = false;
      this.length.textContent = "Making the reel…";
      await this.follow(reel.id);
    } catch (error) {
      this.length.textContent = error.message;
    } finally {
      this.button.disabled = this.chosen.length === 0;
      this.progress.hidden = true;
    }
  }

  async follow(id) {
    for (;;) {
      const reel = await api(`/api/reels/${id}`);
      this.progress.value = reel.progress;
      if (reel.status === "ready") {
        this.length.textContent = `The reel is ready (${clockTime(reel.length_ms)}).`;
        break;
      }
      if (reel.status === "failed") {
        this.length.textContent = `The reel could not be made: ${reel.detail}`;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await this.refresh();
  }

  async carers() {
    if (!this.carerList) {
      const programme = await api(`/api/programmes/${this.programmeId}`);
      const all = await api(`/api/children/${programme.child_id}/carers`);
      this.carerList = all.filter((c) => programme.carer_ids.includes(c.id));
    }
    return this.carerList;
  }

  shareForm(reel) {
    const form = h("form", { class: "share-form", "aria-label": "Share this reel with a carer" });
    const carer = h("select", { name: "carer", "aria-label": "Carer" });
    const hours = h("select", { name: "hours", "aria-label": "Link works for" },
      h("option", { value: "24" }, "1 day"),
      h("option", { value: "72", selected: true }, "3 days"),
      h("option", { value: "168" }, "1 week"),
    );
    const result = h("output", { class: "share-result", "aria-live": "polite" });
    form.append(h("label", { class: "inline" }, "Share with ", carer), " ", h("label", { class: "inline" }, "for ", hours), " ",
      h("button", { type: "submit", class: "small" }, "Make a link"), result);
    this.carers().then((list) => {
      carer.replaceChildren(...list.map((c) => h("option", { value: c.id }, c.display_name)));
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const link = await api(`/api/programmes/${this.programmeId}/share-links`, {
          method: "POST", body: { carer_id: carer.value, reel_id: reel.id, expires_in_hours: Number(hours.value) },
        });
        result.replaceChildren(madeLink(link));
        this.refreshLinks();
      } catch (error) {
        result.textContent = error.message;
      }
    });
    return form;
  }

  async refreshLinks() {
    if (!this.links) return;
    const links = await api(`/api/programmes/${this.programmeId}/share-links`);
    if (!links.length) {
      this.links.replaceChildren(h("li", { class: "muted" }, "No links shared yet: make a reel, then share it from here."));
      return;
    }
    this.links.replaceChildren(
      ...links.map((link) => {
        const when = link.state === "active" ? `works until ${untilWords(link.expires_at)}`
          : link.state === "expired" ? `expired ${untilWords(link.expires_at)}` : "switched off";
        const item = h("li", { class: "share-link" },
          h("strong", {}, reelWords(link)),
          ` · for ${link.carer_name} · `,
          link.state === "active" ? when : h("strong", {}, when),
          ` · ${link.opened_at ? "opened" : "not opened yet"}, watched ${link.views} time${link.views === 1 ? "" : "s"}`,
          h("span", { class: "muted" }, ` · made ${formatDate(link.created_at.slice(0, 10))}`),
        );
        if (link.state === "active") {
          const off = h("button", { type: "button", class: "quiet small" }, "Switch off now");
          off.addEventListener("click", async () => {
            await api(`/api/share-links/${link.id}/revoke`, { method: "POST" });
            this.refreshLinks();
          });
          item.append(" ", off);
        }
        return item;
      }),
    );
  }

  async refresh() {
    this.refreshLinks();
    const reels = await api(`/api/programmes/${this.programmeId}/reels`);
    this.list.replaceChildren(
      ...reels.map((reel) => {
        const when = formatDate(reel.created_at.slice(0, 10));
        const item = h("li", { class: "reel" }, h("strong", {}, `Reel of ${when}`), ` · ${clockTime(reel.length_ms)} · `);
        if (reel.status === "ready") {
          item.append(
            h("a", { href: `/api/reels/${reel.id}/media?download=true` }, "Download the MP4"),
            " · ",
            h("a", { href: `/reels/${reel.id}/handout` }, "Printable handout"),
            " · ",
          );
          const player = h("video", { src: `/api/reels/${reel.id}/media`, controls: true, preload: "none", class: "reel-player" });
          item.append(player, this.shareForm(reel));
        } else if (reel.status === "building") {
          item.append(`being made (${Math.round(reel.progress * 100)}%) · `);
        } else {
          item.append(`could not be made: ${reel.detail} · `);
        }
        const remove = h("button", { type: "button", class: "quiet small" }, "Delete");
        remove.addEventListener("click", async () => {
          await api(`/api/reels/${reel.id}`, { method: "DELETE" });
          this.refresh();
        });
        item.append(remove);
        return item;
      }),
    );
  }
}

/**
 * The link just made, the only time it is shown: on a server phones can reach, its QR code to
 * scan, the address with a Copy button, and until when it works; on this laptop's own address,
 * a plain warning that no phone can open it, and what to do.
 */
function madeLink(link) {
  const address = h("input", { type: "text", readonly: true, value: link.url, class: "share-url", "aria-label": "The link" });
  const said = h("span", { class: "share-copied", role: "status", "aria-live": "polite" });
  const copy = h("button", { type: "button", class: "quiet small" }, "Copy");
  copy.addEventListener("click", async () => {
    said.textContent = await copyLink(address) ? "Copied" : "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.";
  });
  const until = h("p", { class: "share-until" }, `Works until ${untilWords(link.expires_at)}, on one phone or computer only.`);
  const row = h("p", { class: "share-copy" }, address, " ", copy, " ", said);
  if (link.loopback) {
    return h("div", { class: "share-made share-loopback", role: "alert" },
      h("p", {}, h("strong", {}, `${link.carer_name}'s phone cannot open this link.`),
        ` It names this laptop (${new URL(link.url).host}), which vfb is serving only to itself: no other phone or computer can reach it.`),
      h("p", {}, "To send links to carers, vfb has to run on your team's server, reached over HTTPS. Ask whoever looks after vfb, and see “Serving a team” in vfb's README."),
      h("p", { class: "muted" }, "To try the carer's page yourself, open the link on this laptop (it will then work in that browser only):"),
      row, until,
    );
  }
  const qr = h("img", {
    class: "share-qr",
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(link.qr_svg)}`,
    alt: `QR code of the link for ${link.carer_name}: scan it with the phone's camera to open the link.`,
    width: 176,
    height: 176,
  });
  return h("div", { class: "share-made" },
    qr,
    h("div", { class: "share-made-words" },
      h("p", {}, h("strong", {}, `Send this link to ${link.carer_name}.`),
        ` ${link.carer_name} can point their phone's camera at the QR code, or you can copy the link into a text message or email. It is shown only now.`),
      row, until,
    ),
  );
}

/** Copies the link: the clipboard where the browser offers it, else the selected text. */
async function copyLink(address) {
  address.focus();
  address.select();
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(address.value);
      return true;
    } catch {
      // not allowed here (no permission, not a secure page): fall back to the selection
    }
  }
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}
