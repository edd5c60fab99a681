// @ts-check
// The review page's export and import of moments: download links (CSV, the two WebVTT tracks,
// ELAN with the clip's file), the carer's captions as the video's <track>, and an import that
// first shows what the file holds, maps each tier or behaviour to a category (or skip) and asks
// before skipping what lies after the clip's end. Emits `moments.change` once moments are added.

import { csrfHeader, h, showStatus, timecode } from "./ui.js";
import { effective, FIELDS, FIELD_WORDS, formatOf, importQuery, remember, remembered } from "./exchange-mapping.js";

/** @typedef {import("./exchange-mapping.js").Source} Source */
/** @typedef {{code: string, label: string}} Category */
/** @typedef {{format: string, sources: Source[], moments: number, outside_count: number,
 *   outside: {source: string, start_ms: number, end_ms: number, where: string}[], skipped: string[],
 *   undecided: string[], columns: Record<string, string>, header: string[], duration_ms: number}} Preview */

const FORMAT_WORDS = {
  vfb: "a vfb export",
  eaf: "an ELAN file",
  boris: "a BORIS events export",
  datavyu: "a Datavyu export",
  columns: "a table",
};
const COLUMN_WORDS = { start: "Start time", end: "End time", behaviour: "Behaviour", status: "START/STOP column", unit: "Times are in" };
const OUTSIDE_LISTED = 8;

/** @param {string} id */
function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element;
}

export class ExchangePanel extends EventTarget {
  /**
   * @param {{clipId: string, scheme: string, categories: Category[], editable: boolean,
   *   video?: HTMLVideoElement | null, playableExt?: string}} options
   */
  constructor({ clipId, scheme, categories, editable, video = null, playableExt = ".mp4" }) {
    super();
    Object.assign(this, { clipId, scheme, categories, playableExt });
    /** how many previews were asked for: an answer to an older one is not drawn */
    this.asking = 0;
    /** @type {Record<string, string>} */
    this.mapping = {};
    /** @type {Record<string, string>} */
    this.columns = {};
    /** @type {File | null} */
    this.file = null;
    /** @type {Preview | null} */
    this.preview = null;
    this.dialog = /** @type {HTMLDialogElement} */ ($("import-dialog"));
    this.links();
    if (video) this.captions(video);
    $("import").hidden = !editable;
    if (!editable) return;
    $("import").addEventListener("submit", (event) => {
      event.preventDefault();
      this.open();
    });
    $("import-file").addEventListener("change", () => this.error(""));
    $("import-plan").addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    $("import-cancel").addEventListener("click", () => this.dialog.close());
    $("import-skip-outside").addEventListener("change", () => this.ready());
  }

  links() {
    const base = `/api/clips/${this.clipId}`;
    /** @type {[string, string][]} */
    const links = [
      ["export-csv", `${base}/moments.csv`],
      ["export-captions", `${base}/moments.vtt?track=captions`],
      ["export-notes", `${base}/moments.vtt?track=notes`],
      ["export-eaf", `${base}/moments.eaf`],
      ["export-clip", `${base}/media`],
    ];
    for (const [id, href] of links) $(id).setAttribute("href", href);
    $("export-clip").setAttribute("download", `clip-${this.clipId}${this.playableExt}`);
    $("export-clip").textContent = `the clip (${this.playableExt})`;
  }

  /** The carer's captions on the worker's own player: what the joint review will show. */
  /** @param {HTMLVideoElement} video */
  captions(video) {
    let track = /** @type {HTMLTrackElement | null} */ (video.querySelector("track[kind=captions]"));
    if (!track) {
      track = /** @type {HTMLTrackElement} */ (h("track", { kind: "captions", srclang: "en", label: "The carer's captions" }));
      video.append(track);
    }
    track.src = `/api/clips/${this.clipId}/moments.vtt?track=captions&v=${Date.now()}`;
  }

  /** @param {string} message */
  error(message) {
    $("import-error").textContent = message;
    $("import-error").hidden = !message;
  }

  async open() {
    const input = /** @type {HTMLInputElement} */ ($("import-file"));
    const file = input.files?.[0];
    if (!file) {
      this.error("Choose a .csv or .eaf file first.");
      return;
    }
    this.file = file;
    this.mapping = {};
    this.columns = {};
    const first = await this.ask(true);
    if (!first) return;
    const kept = remembered(localStorage, this.scheme, first.sources, this.categories.map((c) => c.code));
    if (Object.keys(kept).length) {
      this.mapping = kept;
      if (!(await this.ask(true))) return;
    }
    /** @type {HTMLInputElement} */ ($("import-skip-outside")).checked = false;
    $("import-name").textContent = file.name;
    this.draw();
    if (!this.dialog.open) this.dialog.showModal();
  }

  /**
   * The preview for the file with the mapping so far; a file vfb cannot read is said next to
   * the file input (first) or in the dialog (after a change there).
   * @param {boolean} first @returns {Promise<Preview | null>}
   */
  async ask(first) {
    if (!this.file) return null;
    // choices made quickly send several previews: only the answer to the latest is drawn
    this.asking += 1;
    const asked = this.asking;
    const format = formatOf(this.file.name);
    const response = await fetch(
      `/api/clips/${this.clipId}/moments/import/preview?${importQuery(format, this.mapping, { columns: this.columns })}`,
      { method: "POST", headers: this.headers(format), body: this.file, credentials: "same-origin" },
    );
    const body = await response.json().catch(() => null);
    if (asked !== this.asking) return null; // a later choice's preview is on its way
    if (!response.ok) {
      const words = `${this.file.name} cannot be imported: ${body?.detail ?? `the server answered ${response.status}`}`;
      if (first) this.error(words);
      else $("import-dialog-error").textContent = words;
      return null;
    }
    this.error("");
    $("import-dialog-error").textContent = "";
    this.preview = body;
    return body;
  }

  /** @param {"csv" | "eaf"} format */
  headers(format) {
    return { "Content-Type": format === "eaf" ? "application/xml" : "text/csv", ...csrfHeader() };
  }

  draw() {
    const preview = this.preview;
    if (!preview) return;
    const count = preview.sources.filter((s) => s.kind === "moments").reduce((n, s) => n + s.count, 0);
    $("import-summary").textContent =
      `This is ${FORMAT_WORDS[/** @type {keyof FORMAT_WORDS} */ (preview.format)] ?? "a file"} with ${count} ` +
      `annotation${count === 1 ? "" : "s"}. Choose what each becomes.`;
    this.drawColumns(preview);
    const chosen = effective(preview.sources, this.mapping);
    $("import-mapping-rows").replaceChildren(
      ...preview.sources.map((source, n) => {
        const id = `import-map-${n}`;
        const select = /** @type {HTMLSelectElement} */ (
          h("select", { id, "data-source": source.name, required: source.kind === "moments" }, ...this.options(source))
        );
        const target = chosen[source.name];
        select.value = source.kind === "moments" && target === "" ? "skip" : (target ?? "");
        select.addEventListener("change", () => this.choose(source.name, select.value));
        const label = source.kind === "moments" ? source.name : `${source.name} (belongs to ${source.parent})`;
        return h(
          "tr",
          {},
          h("th", { scope: "row" }, h("label", { for: id }, label)),
          h("td", { class: "count" }, String(source.count)),
          h("td", {}, select),
        );
      }),
    );
    const outside = $("import-outside");
    outside.hidden = preview.outside_count === 0;
    $("import-outside-words").textContent =
      `${preview.outside_count} annotation${preview.outside_count === 1 ? " ends" : "s end"} after the clip's end ` +
      `(${timecode(preview.duration_ms)}):`;
    const listed = preview.outside.slice(0, OUTSIDE_LISTED).map((o) =>
      h("li", {}, `${o.source}, ${timecode(o.start_ms)}–${timecode(o.end_ms)}`),
    );
    if (preview.outside_count > OUTSIDE_LISTED) listed.push(h("li", {}, `and ${preview.outside_count - OUTSIDE_LISTED} more`));
    $("import-outside-list").replaceChildren(...listed);
    const skipped = $("import-skipped");
    skipped.hidden = preview.skipped.length === 0;
    $("import-skipped-count").textContent = String(preview.skipped.length);
    $("import-skipped-list").replaceChildren(...preview.skipped.map((line) => h("li", {}, line)));
    this.ready();
  }

  /** @param {Preview} preview */
  drawColumns(preview) {
    const fieldset = $("import-columns");
    fieldset.hidden = !preview.header.length || preview.format === "vfb" || preview.format === "datavyu";
    if (fieldset.hidden) return;
    const header = preview.header.filter(Boolean);
    $("import-columns-rows").replaceChildren(
      ...Object.entries(COLUMN_WORDS).map(([name, words]) => {
        const id = `import-column-${name}`;
        const choices =
          name === "unit"
            ? [h("option", { value: "s" }, "seconds"), h("option", { value: "ms" }, "milliseconds")]
            : [h("option", { value: "" }, "(none)"), ...header.map((column) => h("option", { value: column }, column))];
        const select = /** @type {HTMLSelectElement} */ (h("select", { id }, ...choices));
        select.value = this.columns[name] ?? preview.columns[name] ?? "";
        select.addEventListener("change", () => {
          this.columns[name] = select.value;
          this.refresh();
        });
        return h("p", { class: "column" }, h("label", { for: id }, words), " ", select);
      }),
    );
  }

  /** @param {Source} source */
  options(source) {
    if (source.kind === "field") {
      return [
        h("option", { value: "" }, "Not imported"),
        ...FIELDS.map((f) => h("option", { value: f }, `As ${FIELD_WORDS[f]}`)),
      ];
    }
    return [
      h("option", { value: "", disabled: true }, "Choose a category…"),
      ...this.categories.map((c) => h("option", { value: c.code }, c.label)),
      h("option", { value: "skip" }, "Skip: do not import"),
    ];
  }

  /** @param {string} name @param {string} value */
  choose(name, value) {
    this.mapping[name] = value === "skip" ? "" : value;
    this.refresh();
  }

  async refresh() {
    $("import-go").setAttribute("disabled", "");
    if (await this.ask(false)) this.draw();
  }

  ready() {
    const preview = this.preview;
    if (!preview) return;
    const agreed = /** @type {HTMLInputElement} */ ($("import-skip-outside")).checked;
    const go = $("import-go");
    const blocked = preview.undecided.length > 0 || (preview.outside_count > 0 && !agreed) || preview.moments === 0;
    go.toggleAttribute("disabled", blocked);
    go.textContent = `Import ${preview.moments} moment${preview.moments === 1 ? "" : "s"}`;
    $("import-hint").textContent = preview.undecided.length
      ? `Choose a category, or Skip, for ${preview.undecided.join(", ")}.`
      : preview.outside_count > 0 && !agreed
        ? "Tick the box to skip what lies after the clip's end."
        : preview.moments === 0
          ? "Nothing would be imported with these choices."
          : "";
  }

  async run() {
    if (!this.file || !this.preview) return;
    const format = formatOf(this.file.name);
    const skipOutside = /** @type {HTMLInputElement} */ ($("import-skip-outside")).checked;
    const response = await fetch(
      `/api/clips/${this.clipId}/moments/import?${importQuery(format, this.mapping, { columns: this.columns, skipOutside })}`,
      { method: "POST", headers: this.headers(format), body: this.file, credentials: "same-origin" },
    );
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      $("import-dialog-error").textContent = `Nothing was imported: ${body?.detail ?? `the server answered ${response.status}`}`;
      return;
    }
    const decided = Object.fromEntries(
      this.preview.sources.map((s) => [s.name, this.mapping[s.name] ?? s.proposed ?? ""]),
    );
    remember(localStorage, this.scheme, decided);
    this.dialog.close();
    const skipped = this.preview.outside_count ? `; ${this.preview.outside_count} after the clip's end skipped` : "";
    showStatus(`Imported ${body.length} moment${body.length === 1 ? "" : "s"} from ${this.file.name}${skipped}.`);
    /** @type {HTMLInputElement} */ ($("import-file")).value = "";
    const video = /** @type {HTMLVideoElement | null} */ (document.querySelector("video#player"));
    if (video) this.captions(video);
    this.dispatchEvent(new CustomEvent("moments.change", { detail: { added: body } }));
  }
}
