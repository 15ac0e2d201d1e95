// Provider dashboard: my listed GPUs (add, edit, pause), earnings and G-Score.
import * as api from "./api.js";
import { h, replace, field, checkbox, toast, toastError, markInvalid, usd, usdc, utc, nextId } from "./dom.js";

export async function render({ root }) {
  const me = await api.get("/api/v1/auth/me");
  root.append(h("h1", {}, "Provider dashboard"));
  if (me.role !== "provider") {
    root.append(h("p", { class: "notice", id: "not-provider" },
      "This dashboard is for provider accounts, which list GPUs and earn USDC when they are booked. You are signed in as a ",
      me.role, ". ", h("a", { href: "#/signup" }, "Create a provider account"), " to list machines."));
    return;
  }
  const models = await api.get("/api/v1/gpus/models", { auth: false }).catch(() => ({ items: [] }));
  const listId = nextId("models");
  const datalist = h("datalist", { id: listId }, models.items.map((m) => h("option", { value: m.name })));

  const model = field("GPU model", { type: "text", name: "model", list: listId, required: true, placeholder: "RTX 4090", autocomplete: "off" });
  const count = field("GPUs in the machine", { type: "number", name: "gpu_count", min: 1, max: 64, step: 1, value: "1" });
  const vram = field("VRAM per GPU, GB (optional)", { type: "number", name: "vram_gb", min: 1, step: 1 }, "Defaults to the model's.");
  const price = field("Price per hour, USD (whole machine)", { type: "text", name: "price_per_hour", inputmode: "decimal", required: true, placeholder: "0.45" });
  const location = field("Location", { type: "text", name: "location", required: true, placeholder: "Frankfurt, DE" });
  const country = field("Country code (optional)", { type: "text", name: "country", maxlength: 2, placeholder: "DE" });
  const available = checkbox("Available for booking now", { name: "available" });
  available.input.checked = true;
  const addButton = h("button", { type: "submit" }, "List this GPU");
  const addForm = h("form", { class: "card", id: "listing-form", novalidate: true },
    h("h2", {}, "List a GPU"),
    h("div", { class: "form-grid" }, model.wrap, count.wrap, vram.wrap, price.wrap, location.wrap, country.wrap, available.wrap),
    datalist,
    h("div", { class: "actions" }, addButton));

  const listingsBox = h("div", { id: "listings", class: "grid" });
  const earningsBox = h("div", { id: "earnings" });
  const scoreBox = h("div", { id: "g-score" });

  async function reload() {
    await Promise.all([loadListings(), loadEarnings(), loadScore()]);
  }

  addForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      model: model.input.value.trim(),
      gpu_count: Number(count.input.value || 1),
      price_per_hour: price.input.value.trim(),
      location: location.input.value.trim(),
      available: available.input.checked,
    };
    if (vram.input.value.trim()) body.vram_gb = Number(vram.input.value);
    if (country.input.value.trim()) body.country = country.input.value.trim().toUpperCase();
    addButton.disabled = true;
    try {
      const l = await api.post("/api/v1/provider/gpus", body);
      markInvalid(addForm, null);
      toast(`Listed ${l.gpu_count}× ${l.model_name} at ${usd(l.price_per_hour)} per hour; it is in the marketplace as ${l.id}.`);
      addForm.reset();
      available.input.checked = true;
      await reload();
    } catch (e) {
      markInvalid(addForm, e);
      toastError(e);
    } finally {
      addButton.disabled = false;
    }
  });

  async function loadListings() {
    const r = await api.get("/api/v1/provider/gpus");
    replace(listingsBox, r.items.length ? r.items.map((l) => listingCard(l, reload)) : h("p", { class: "muted" }, "No GPUs listed yet."));
  }

  async function loadEarnings() {
    const e = await api.get("/api/v1/provider/earnings?limit=20");
    replace(earningsBox,
      h("div", { class: "stats" },
        h("div", { class: "stat" }, h("div", { class: "label" }, "Earnings balance"), h("div", { class: "value", "data-field": "earnings" }, usdc(e.earnings))),
        h("div", { class: "stat" }, h("div", { class: "label" }, "Earned in total"), h("div", { class: "value" }, usdc(e.total_earned)))),
      e.items.length
        ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Earnings entries" },
          h("table", {},
            h("thead", {}, h("tr", {}, ["Time", "Type", "Amount", "Balance after"].map((x, i) => h("th", { scope: "col", class: i >= 2 ? "num" : "" }, x)))),
            h("tbody", {}, e.items.map((i) => h("tr", {}, h("td", {}, utc(i.created_at)), h("td", {}, i.type.replaceAll("_", " ")), h("td", { class: "num" }, usd(i.amount)), h("td", { class: "num" }, usd(i.balance_after)))))))
        : h("p", { class: "muted" }, "No earnings yet: they arrive when a booking of your GPUs starts or a cluster using them completes."));
  }

  async function loadScore() {
    const g = await api.get("/api/v1/provider/g-score");
    replace(scoreBox,
      h("p", {}, "Your G-Score (GPU-weighted): ", h("strong", { "data-field": "g_score" }, g.g_score == null ? "no listings" : g.g_score.toFixed(3)), h("span", { class: "muted" }, ` · ${g.formula}; weights: performance ${g.weights.performance}, reliability ${g.weights.reliability}, efficiency ${g.weights.efficiency}`)),
      g.items.length
        ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "G-Score per listing" },
          h("table", {},
            h("thead", {}, h("tr", {}, ["Listing", "G-Score", "Performance", "Reliability", "Efficiency"].map((x, i) => h("th", { scope: "col", class: i ? "num" : "" }, x)))),
            h("tbody", {}, g.items.map((i) => h("tr", {}, h("td", {}, `${i.gpu_count}× ${i.model}`), h("td", { class: "num" }, i.g_score.toFixed(3)), h("td", { class: "num" }, i.performance.toFixed(3)), h("td", { class: "num" }, i.reliability.toFixed(3)), h("td", { class: "num" }, i.efficiency.toFixed(3)))))))
        : null);
  }

  root.append(
    h("p", { class: "muted" }, "Your machines appear in the marketplace as provider gp4u; bookings of them pay your earnings account (after the platform fee)."),
    addForm,
    h("section", { "aria-labelledby": "lst-h" }, h("h2", { id: "lst-h" }, "My GPUs"), listingsBox),
    h("section", { class: "card", "aria-labelledby": "earn-h" }, h("h2", { id: "earn-h" }, "Earnings"), earningsBox),
    h("section", { class: "card", "aria-labelledby": "gs-h" }, h("h2", { id: "gs-h" }, "G-Score"), scoreBox),
  );
  await reload();
}

function listingCard(l, reload) {
  const pause = h("button", { type: "button", class: "ghost small", "data-action": l.available ? "pause" : "resume" }, l.available ? "Pause" : "Resume");
  pause.addEventListener("click", async () => {
    pause.disabled = true;
    try {
      await api.patch(`/api/v1/provider/gpus/${encodeURIComponent(l.id)}`, { available: !l.available });
      toast(l.available ? "Paused: the GPU is out of search and cannot be booked." : "Resumed: the GPU is bookable again.");
      await reload();
    } catch (e) {
      toastError(e);
      pause.disabled = false;
    }
  });
  const price = field("Price per hour, USD", { type: "text", name: "price_per_hour", inputmode: "decimal", value: l.price_per_hour });
  const location = field("Location", { type: "text", name: "location", value: l.location });
  const count = field("GPUs", { type: "number", name: "gpu_count", min: 1, max: 64, step: 1, value: String(l.gpu_count) });
  const save = h("button", { type: "submit", class: "small" }, "Save changes");
  const edit = h("form", { class: "form-grid", "data-action": "edit-form", novalidate: true }, price.wrap, location.wrap, count.wrap, h("div", { class: "field" }, save));
  edit.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    try {
      await api.patch(`/api/v1/provider/gpus/${encodeURIComponent(l.id)}`, {
        price_per_hour: price.input.value.trim(),
        location: location.input.value.trim(),
        gpu_count: Number(count.input.value),
      });
      toast("Listing updated.");
      await reload();
    } catch (e) {
      markInvalid(edit, e);
      toastError(e);
      save.disabled = false;
    }
  });
  return h("article", { class: "card", "data-listing": l.id, "data-available": String(l.available) },
    h("h3", {}, `${l.gpu_count}× ${l.model_name}`, " ", h("span", { class: `badge ${l.available ? "live" : "stale"}` }, l.available ? "listed" : "paused")),
    h("dl", { class: "facts" },
      h("dt", {}, "Offer id"), h("dd", {}, h("code", {}, l.id)),
      h("dt", {}, "Price"), h("dd", {}, `${usd(l.price_per_hour)} per hour (${usd(l.price_per_gpu_hour)} per GPU-hour)`),
      h("dt", {}, "VRAM"), h("dd", {}, `${l.vram_gb} GB per GPU`),
      h("dt", {}, "Location"), h("dd", {}, l.country ? `${l.location} (${l.country})` : l.location),
      h("dt", {}, "G-Score"), h("dd", {}, l.g_score.toFixed(3))),
    h("div", { class: "actions" }, pause, h("a", { class: "button ghost small", href: `#/reservations?gpu=${encodeURIComponent(l.id)}` }, "Calendar")),
    h("details", {}, h("summary", {}, "Edit"), edit));
}
