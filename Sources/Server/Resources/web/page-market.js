// Marketplace: every filter of GET /gpus/search, sort, cursor pages, each offer's source
// and freshness, and a side-by-side comparison of 2 or 3 offers.
import * as api from "./api.js";
import { stillOn } from "./app.js";
import { h, replace, field, selectField, checkbox, toast, toastError, markInvalid, usd, pct, freshness, sourceBadges, bookAction } from "./dom.js";

const SORTS = [
  ["price", "Price per GPU-hour"],
  ["price_per_perf", "Price per performance"],
  ["g_score", "G-Score"],
  ["reliability", "Reliability"],
];
const FILTERS = ["model", "min_vram", "max_price", "provider", "location", "min_reliability", "min_gpus", "sort", "limit"];

export async function render({ root, params }) {
  const [models, providers] = await Promise.all([
    api.get("/api/v1/gpus/models", { auth: false }).catch(() => ({ items: [] })),
    api.get("/api/v1/gpus/providers", { auth: false }).catch(() => ({ items: [] })),
  ]);
  const p = (k, d = "") => params.get(k) ?? d;

  const model = selectField("Model", "model", [["", "Any model"], ...models.items.map((m) => [m.id, `${m.name} (${m.available_offers})`])], p("model"));
  const minVram = field("Min VRAM per GPU (GB)", { type: "number", name: "min_vram", min: 0, step: 1, inputmode: "numeric", value: p("min_vram") });
  const maxPrice = field("Max USD per GPU-hour", { type: "number", name: "max_price", min: 0, step: "0.01", inputmode: "decimal", value: p("max_price") });
  const provNames = providers.items.map((x) => [x.name, `${x.display_name} (${x.available_offers})`]);
  if (!providers.items.some((x) => x.name === "gp4u")) provNames.push(["gp4u", "GP4U listings"]);
  const provider = selectField("Provider", "provider", [["", "Any provider"], ...provNames], p("provider"));
  const location = field("Location contains", { type: "text", name: "location", value: p("location"), autocomplete: "off" });
  const minRel = field("Min reliability (0–1)", { type: "number", name: "min_reliability", min: 0, max: 1, step: "0.01", inputmode: "decimal", value: p("min_reliability") });
  const minGpus = field("Min GPU count", { type: "number", name: "min_gpus", min: 1, step: 1, inputmode: "numeric", value: p("min_gpus") });
  const sort = selectField("Sort by", "sort", SORTS, p("sort", "price"));
  const limit = selectField("Per page", "limit", [["12", "12"], ["24", "24"], ["48", "48"]], p("limit", "12"));
  const availableOnly = checkbox("Available only", { name: "available_only" });
  availableOnly.input.checked = p("available_only") !== "false";
  const submit = h("button", { type: "submit" }, "Search");
  const reset = h("button", { type: "reset", class: "ghost" }, "Clear filters");
  const form = h(
    "form",
    { class: "card", id: "search-form", role: "search", "aria-label": "Search GPU offers", novalidate: true },
    h("div", { class: "form-grid" }, model.wrap, minVram.wrap, maxPrice.wrap, provider.wrap, location.wrap, minRel.wrap, minGpus.wrap, sort.wrap, limit.wrap, availableOnly.wrap),
    h("div", { class: "actions" }, submit, reset),
  );

  const status = h("p", { class: "muted", id: "result-status", "aria-live": "polite" });
  const results = h("div", { class: "grid", id: "offers" });
  const prev = h("button", { type: "button", class: "ghost", id: "prev-page" }, "Previous page");
  const next = h("button", { type: "button", class: "ghost", id: "next-page" }, "Next page");
  const pageLabel = h("span", { class: "muted" });
  const pager = h("nav", { class: "pager", "aria-label": "Result pages" }, prev, pageLabel, next);
  const selected = new Map();
  const compareButton = h("button", { type: "button", id: "compare-button", disabled: true }, "Compare selected");
  const compareHint = h("span", { class: "muted", id: "compare-hint" }, "Tick 2 or 3 offers to compare them.");
  const compareOut = h("section", { id: "comparison", "aria-live": "polite" });

  let cursors = [null];
  let page = 0;

  function query() {
    const q = {};
    for (const el of form.elements) {
      if (!el.name || el.name === "available_only") continue;
      if (el.value.trim() !== "") q[el.name] = el.value.trim();
    }
    if (!availableOnly.input.checked) q.available_only = "false";
    return q;
  }

  function paintCompare() {
    compareButton.disabled = selected.size < 2 || selected.size > 3;
    compareButton.textContent = `Compare selected (${selected.size})`;
  }

  function offerCard(o) {
    const box = h("input", { type: "checkbox", id: `cmp-${o.id}`, "data-offer": o.id });
    box.checked = selected.has(o.id);
    box.addEventListener("change", () => {
      if (box.checked) {
        if (selected.size >= 3) {
          box.checked = false;
          toast("Compare at most 3 offers.", "error");
          return;
        }
        selected.set(o.id, o);
      } else {
        selected.delete(o.id);
      }
      paintCompare();
    });
    return h(
      "article",
      { class: "card offer", "data-offer-id": o.id, "aria-labelledby": `o-${o.id}` },
      h("h3", { id: `o-${o.id}` }, h("span", {}, `${o.gpu_count}× ${o.model_name}`), h("span", { class: "price" }, usd(o.price_per_gpu_hour), h("span", { class: "muted" }, "/GPU-h"))),
      h("div", {}, ...sourceBadges(o), " ", o.price_kind && o.price_kind !== "firm" ? h("span", { class: "badge info" }, o.price_kind) : null, " ", h("span", { class: "muted" }, freshness(o.last_synced))),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Provider"), h("dd", { "data-field": "provider" }, o.provider),
        h("dt", {}, "Price"), h("dd", {}, `${usd(o.price_per_hour)} per hour (${o.gpu_count} GPU${o.gpu_count > 1 ? "s" : ""})`),
        h("dt", {}, "VRAM"), h("dd", {}, `${o.vram_gb} GB per GPU`),
        h("dt", {}, "Location"), h("dd", {}, o.country ? `${o.location} (${o.country})` : o.location),
        h("dt", {}, "Reliability"), h("dd", {}, pct(o.reliability * 100)),
        h("dt", {}, "G-Score"), h("dd", {}, o.g_score.toFixed(3)),
        h("dt", {}, "Performance"), h("dd", {}, o.perf_score == null ? "not measured (GPU outside the catalogue)" : `${o.perf_score.toFixed(1)} for the offer, ${o.perf_score_per_gpu.toFixed(1)} per GPU (RTX 4090 = 100)`),
        h("dt", {}, "Available"), h("dd", {}, o.available ? (o.available_units != null ? `yes, ${o.available_units} units` : "yes") : "no"),
      ),
      h(
        "div",
        { class: "row-actions" },
        h("label", { class: "inline", for: `cmp-${o.id}` }, box, "Compare"),
        bookAction(o),
      ),
    );
  }

  async function search() {
    const q = query();
    if (stillOn("market")) history.replaceState(null, "", `#/market${api.query(q)}`);
    status.textContent = "Searching…";
    submit.disabled = true;
    try {
      const r = await api.get(`/api/v1/gpus/search${api.query({ ...q, cursor: cursors[page] })}`, { auth: false });
      markInvalid(form, null);
      replace(results, ...r.items.map(offerCard));
      if (r.next_cursor && cursors.length === page + 1) cursors.push(r.next_cursor);
      next.disabled = !r.next_cursor;
      prev.disabled = page === 0;
      pageLabel.textContent = `Page ${page + 1}`;
      status.textContent = r.items.length
        ? `${r.items.length} offer${r.items.length > 1 ? "s" : ""} on page ${page + 1}${r.next_cursor ? "; more on the next page" : ""}.`
        : "No offers match these filters.";
    } catch (e) {
      markInvalid(form, e);
      status.textContent = "The search was refused; see the message.";
      toastError(e);
    } finally {
      submit.disabled = false;
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    cursors = [null];
    page = 0;
    search();
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      for (const el of form.elements) if (el.tagName === "SELECT" && el.name !== "sort" && el.name !== "limit") el.value = "";
      availableOnly.input.checked = true;
      cursors = [null];
      page = 0;
      search();
    });
  });
  next.addEventListener("click", () => {
    page += 1;
    search();
  });
  prev.addEventListener("click", () => {
    page = Math.max(0, page - 1);
    search();
  });
  compareButton.addEventListener("click", async () => {
    try {
      const r = await api.post("/api/v1/gpus/compare", { gpu_ids: [...selected.keys()] }, { auth: false });
      replace(compareOut, comparison(r));
      compareOut.querySelector("h2").focus();
    } catch (e) {
      toastError(e);
    }
  });

  root.append(
    h("h1", {}, "GPU marketplace"),
    h("p", { class: "muted" }, "Offers from Vast.ai, io.net, Akash, Render and GP4U providers. Each says whether it is live or from the bundled sample (generated at typical prices, bookable only with simulated money), and when it was last synced."),
    form,
    h("div", { class: "actions" }, compareButton, compareHint),
    compareOut,
    h("h2", {}, "Offers"),
    status,
    results,
    pager,
  );
  paintCompare();
  await search();
}

function comparison(r) {
  const rows = [
    ["Provider", (o) => o.provider],
    ["Model", (o) => `${o.gpu_count}× ${o.model_name}`],
    ["Price per GPU-hour", (o) => usd(o.price_per_gpu_hour)],
    ["Price per hour", (o) => usd(o.price_per_hour)],
    ["VRAM per GPU", (o) => `${o.vram_gb} GB`],
    ["Location", (o) => o.location],
    ["Reliability", (o) => pct(o.reliability * 100)],
    ["Performance", (o) => (o.perf_score == null ? "n/a" : o.perf_score.toFixed(1))],
    ["Price per performance", (o) => (o.price_per_perf == null ? "n/a" : usd(o.price_per_perf))],
    ["G-Score", (o) => o.g_score.toFixed(3)],
    ["Source", (o) => `${o.source}${o.stale ? " (stale)" : ""}`],
    ["Last synced", (o) => freshness(o.last_synced, "")],
  ];
  const head = h("tr", {}, h("th", { scope: "col" }, "Offer"), r.items.map((o) => h("th", { scope: "col" }, o.id, o.id === r.cheapest_id ? h("span", { class: "badge live" }, "cheapest") : null, " ", o.id === r.best_g_score_id ? h("span", { class: "badge info" }, "best G-Score") : null)));
  return h(
    "div",
    { class: "card" },
    h("h2", { tabindex: "-1" }, "Comparison"),
    h(
      "div",
      { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Comparison table" },
      h("table", { id: "compare-table" }, h("thead", {}, head), h("tbody", {}, rows.map(([label, f]) => h("tr", {}, h("th", { scope: "row" }, label), r.items.map((o) => h("td", {}, f(o))))))),
    ),
  );
}
