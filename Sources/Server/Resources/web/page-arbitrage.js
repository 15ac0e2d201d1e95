// Arbitrage: the largest cross-provider gap per model with savings per hour and month,
// both offers' source and freshness, and a price history chart per model.
import * as api from "./api.js";
import { stillOn } from "./app.js";
import { h, replace, field, selectField, toastError, markInvalid, usd, pct, freshness, sourceBadges, bookAction } from "./dom.js";
import { priceChart } from "./chart.js";

export async function render({ root, params }) {
  const models = await api.get("/api/v1/gpus/models", { auth: false }).catch(() => ({ items: [] }));
  const modelOptions = models.items.map((m) => [m.id, m.name]);

  const minSpread = field("Min spread (%)", { type: "number", name: "min_spread_pct", min: 0, max: 100, step: "0.1", value: params.get("min_spread_pct") ?? "15" });
  const model = selectField("Model", "gpu_model", [["", "All models"], ...modelOptions], params.get("gpu_model") || "");
  const minRel = field("Min reliability (0–1)", { type: "number", name: "min_reliability", min: 0, max: 1, step: "0.01", value: params.get("min_reliability") || "" });
  const basis = selectField("Compare on", "basis", [["price", "Price per GPU-hour"], ["price_per_perf", "Price per performance"]], params.get("basis") || "price");
  const submit = h("button", { type: "submit" }, "Find gaps");
  const form = h("form", { class: "card", id: "arb-form", novalidate: true }, h("div", { class: "form-grid" }, minSpread.wrap, model.wrap, minRel.wrap, basis.wrap), h("div", { class: "actions" }, submit));
  const list = h("div", { id: "opportunities", class: "grid wide" });
  const status = h("p", { class: "muted", "aria-live": "polite" });

  const histModel = selectField("Model", "history_model", modelOptions.length ? modelOptions : [["", "No models on the market"]], params.get("history") || (modelOptions.find(([id]) => id === "rtx-4090") || modelOptions[0] || [""])[0]);
  const hours = selectField("Period", "hours", [["24", "Last 24 hours"], ["72", "Last 3 days"], ["168", "Last 7 days"], ["720", "Last 30 days"]], "168");
  const histForm = h("form", { class: "form-grid", id: "history-form" }, histModel.wrap, hours.wrap, h("div", { class: "field" }, h("button", { type: "submit" }, "Show history")));
  const chartBox = h("div", { id: "price-chart" });

  async function load() {
    const q = {};
    for (const el of form.elements) if (el.name && el.value.trim() !== "") q[el.name] = el.value.trim();
    if (stillOn("arbitrage")) history.replaceState(null, "", `#/arbitrage${api.query(q)}`);
    status.textContent = "Looking for gaps…";
    try {
      const r = await api.get(`/api/v1/arbitrage/opportunities${api.query(q)}`, { auth: false });
      markInvalid(form, null);
      replace(list, ...r.items.map(opportunity));
      status.textContent = r.items.length ? `${r.items.length} model${r.items.length > 1 ? "s" : ""} with a gap.` : "No gap this large right now; lower the minimum spread.";
      if (r.items[0]) replace(formula, r.items[0].spread_pct_formula);
    } catch (e) {
      markInvalid(form, e);
      status.textContent = "Refused; see the message.";
      toastError(e);
    }
  }

  async function loadHistory() {
    const id = histModel.input.value;
    if (!id) return;
    replace(chartBox, h("p", { class: "loading" }, "Loading…"));
    try {
      const r = await api.get(`/api/v1/gpus/${encodeURIComponent(id)}/price-history${api.query({ hours: hours.input.value })}`, { auth: false });
      const name = (models.items.find((m) => m.id === id) || { name: id }).name;
      replace(chartBox, priceChart(`${name} price per GPU-hour`, r.items));
    } catch (e) {
      replace(chartBox);
      toastError(e);
    }
  }

  const formula = h("span", { id: "spread-formula" }, "(reference − cheapest) / reference × 100, the reference being the outlier-filtered median of the other providers");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });
  histForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    loadHistory();
  });
  root.append(
    h("h1", {}, "Arbitrage"),
    h("p", { class: "muted" }, "The same GPU cheaper at one provider than the others' going rate. Spread = ", formula, "."),
    form,
    status,
    list,
    h("section", { class: "card", "aria-labelledby": "hist-h" }, h("h2", { id: "hist-h" }, "Price history"), histForm, chartBox),
  );
  await Promise.all([load(), loadHistory()]);
}

function offerBlock(label, o) {
  return h(
    "div",
    { class: "offer-mini" },
    h("h4", {}, label),
    h("p", {}, h("strong", {}, usd(o.price_per_gpu_hour)), " per GPU-hour at ", h("strong", {}, o.provider), ` (${o.gpu_count}× ${o.model_name}, ${o.location})`),
    h("p", {}, ...sourceBadges(o), " ", h("span", { class: "muted" }, freshness(o.last_synced))),
  );
}

function opportunity(o) {
  return h(
    "article",
    { class: "card opportunity", "data-model": o.gpu_model },
    h("h3", {}, o.cheapest.model_name, " ", h("span", { class: "spread", "data-field": "spread" }, `${pct(o.spread_pct)} cheaper`)),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Saves"), h("dd", {}, h("strong", { "data-field": "savings_per_hour" }, usd(o.savings_per_hour)), " per GPU-hour, ", h("strong", { "data-field": "savings_per_month" }, usd(o.savings_per_month)), " per month (730 h)"),
      h("dt", {}, "Reference"), h("dd", {}, `${usd(o.reference_price)} per GPU-hour, median of ${o.reference_sample_size} price${o.reference_sample_size === 1 ? "" : "s"} at ${o.reference_providers.join(", ")} (basis: ${o.basis.replaceAll("_", " ")})`),
    ),
    h("div", { class: "pair" }, offerBlock("Cheapest", o.cheapest), offerBlock("Reference offer", o.reference)),
    bookAction(o.cheapest, "Book the cheapest"),
  );
}
