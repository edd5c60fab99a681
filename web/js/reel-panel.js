// The highlight reel panel of the review page: choose shared moments, see how long the reel will
// be before making it, follow its progress, then play, download or print its handout, and share
// it with a carer through a link that expires (and can be switched off at once).

import { api } from "./api.js";
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
        const address = h("input", { type: "text", readonly: true, value: link.url, class: "share-url", "aria-label": "The link" });
        const copy = h("button", { type: "button", class: "quiet small" }, "Copy");
        copy.addEventListener("click", async () => {
          address.select();
          try { await navigator.clipboard.writeText(link.url); copy.textContent = "Copied"; } catch { document.execCommand?.("copy"); }
        });
        result.replaceChildren(
          h("span", {}, `Send this link to ${link.carer_name}. It is shown only now, works on one phone or computer, until ${formatDate(link.expires_at.slice(0, 10))}: `),
          address, copy,
        );
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
    const words = { active: "works", expired: "expired", revoked: "switched off" };
    if (!links.length) {
      this.links.replaceChildren(h("li", { class: "muted" }, "No links shared yet: make a reel, then share it from here."));
      return;
    }
    this.links.replaceChildren(
      ...links.map((link) => {
        const item = h("li", { class: "share-link" },
          `${link.carer_name} · made ${formatDate(link.created_at.slice(0, 10))} · until ${formatDate(link.expires_at.slice(0, 10))} · `,
          h("strong", {}, words[link.state] ?? link.state),
          ` · ${link.opened_at ? "opened" : "not opened yet"}, watched ${link.views} time${link.views === 1 ? "" : "s"}`,
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
