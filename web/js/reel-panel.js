// The highlight reel panel of the review page: choose shared moments, see how long the reel will
// be before making it, follow its progress, then play, download or print its handout.

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

  async refresh() {
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
          item.append(player);
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
