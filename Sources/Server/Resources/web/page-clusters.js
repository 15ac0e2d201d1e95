// Clusters: the job form, the planned members, cost and contribution shares (or the
// planner's reason when no plan exists) before confirming; my clusters and their moves.
import * as api from "./api.js";
import { h, replace, field, checkbox, toast, toastError, markInvalid, confirmDialog, usd, pct, utc } from "./dom.js";

export async function render({ root }) {
  const name = field("Job name", { type: "text", name: "job_name", required: true, value: "training run", maxlength: 200 });
  const intensity = field("Compute (perf × hours)", { type: "number", name: "compute_intensity", min: 1, step: "any", required: true, value: "1000" }, "RTX 4090 = 100 perf per hour.");
  const vram = field("VRAM per GPU (GB)", { type: "number", name: "vram_gb", min: 1, step: 1, required: true, value: "24" });
  const deadline = field("Deadline (hours)", { type: "number", name: "deadline_hours", min: 1, max: 8760, step: 1, required: true, value: "24" });
  const maxGpus = field("Max GPUs (optional)", { type: "number", name: "max_gpus", min: 1, step: 1 });
  const budget = field("Max budget per hour, USD (optional)", { type: "number", name: "max_hourly_budget", min: 0, step: "0.01" });
  const minRel = field("Min reliability 0–1 (optional)", { type: "number", name: "min_reliability", min: 0, max: 1, step: "0.01" });
  const same = checkbox("All GPUs from one provider", { name: "same_provider" });
  const planButton = h("button", { type: "submit" }, "Plan cluster");
  const form = h("form", { class: "card", id: "cluster-form", novalidate: true },
    h("div", { class: "form-grid" }, name.wrap, intensity.wrap, vram.wrap, deadline.wrap, maxGpus.wrap, budget.wrap, minRel.wrap, same.wrap),
    h("div", { class: "actions" }, planButton));
  const planBox = h("section", { id: "plan", "aria-live": "polite" });
  const listBox = h("div", { id: "my-clusters" });

  function body() {
    const b = {
      job_name: name.input.value.trim(),
      compute_intensity: Number(intensity.input.value),
      vram_gb: Number(vram.input.value),
      deadline_hours: Number(deadline.input.value),
      same_provider: same.input.checked,
    };
    if (maxGpus.input.value.trim()) b.max_gpus = Number(maxGpus.input.value);
    if (budget.input.value.trim()) b.max_hourly_budget = budget.input.value.trim();
    if (minRel.input.value.trim()) b.min_reliability = Number(minRel.input.value);
    return b;
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const request = body();
    planButton.disabled = true;
    try {
      const plan = await api.post("/api/v1/clusters/estimate", request);
      markInvalid(form, null);
      replace(planBox, planView(plan, request, async () => {
        replace(planBox);
        await loadClusters(listBox);
      }));
    } catch (e) {
      markInvalid(form, e);
      if (e.details && e.details.feasible === "false") {
        replace(planBox, h("div", { class: "notice warn", id: "no-plan", role: "alert" },
          h("h2", {}, "No cluster meets this job"),
          h("p", {}, e.message),
          h("p", { class: "muted" }, `Reason: ${e.details.reason || e.code}`)));
      } else {
        replace(planBox);
        toastError(e);
      }
    } finally {
      planButton.disabled = false;
    }
  });

  root.append(
    h("h1", {}, "Clusters"),
    h("p", { class: "muted" }, "Describe the job; the planner picks the cheapest set of whole offers that finishes before the deadline. Nothing is booked or charged until you confirm."),
    form,
    planBox,
    h("section", { "aria-labelledby": "cl-h" }, h("h2", { id: "cl-h" }, "My clusters"), listBox),
  );
  await loadClusters(listBox);
}

function membersTable(members) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Cluster members" },
    h("table", { class: "members" },
      h("thead", {}, h("tr", {}, ["Offer", "Provider", "GPUs", "Perf per GPU", "Price per hour", "Share"].map((x, i) => h("th", { scope: "col", class: i >= 2 ? "num" : "" }, x)))),
      h("tbody", {}, members.map((m) => h("tr", { "data-gpu": m.gpu_id },
        h("td", {}, h("code", {}, m.gpu_id), h("div", { class: "muted" }, m.model)),
        h("td", {}, m.provider),
        h("td", { class: "num" }, String(m.gpu_count)),
        h("td", { class: "num" }, String(m.perf_score)),
        h("td", { class: "num" }, usd(m.price_per_hour)),
        h("td", { class: "num" }, pct(m.contribution * 100)))))));
}

function planView(plan, request, onCreated) {
  const create = h("button", { type: "button", id: "create-cluster" }, `Create cluster and hold ${usd(plan.total_cost)}`);
  create.addEventListener("click", async () => {
    create.disabled = true;
    try {
      const c = await api.post("/api/v1/clusters", request, { headers: { "Idempotency-Key": api.idempotencyKey() } });
      toast(`Cluster “${c.job_name}” created; ${usd(c.total_cost)} is held.`);
      await onCreated();
    } catch (e) {
      toastError(e);
      create.disabled = false;
    }
  });
  return h("div", { class: "card", id: "plan-view" },
    h("h2", {}, "Planned cluster"),
    h("div", { class: "stats" },
      h("div", { class: "stat" }, h("div", { class: "label" }, "Total cost"), h("div", { class: "value", "data-field": "total_cost" }, usd(plan.total_cost))),
      h("div", { class: "stat" }, h("div", { class: "label" }, "Per hour"), h("div", { class: "value" }, usd(plan.hourly_price))),
      h("div", { class: "stat" }, h("div", { class: "label" }, "Hours"), h("div", { class: "value" }, String(plan.estimated_hours))),
      h("div", { class: "stat" }, h("div", { class: "label" }, "GPUs"), h("div", { class: "value" }, String(plan.gpu_count)))),
    h("p", {}, `Runs ${utc(plan.start_time)} to ${utc(plan.end_time)}; members are paid by their share of the throughput.`),
    membersTable(plan.members),
    h("div", { class: "actions" }, create));
}

async function loadClusters(box) {
  let list;
  try {
    list = await api.get("/api/v1/clusters?limit=50");
  } catch (e) {
    replace(box, h("p", { class: "notice bad" }, e.message));
    return;
  }
  if (!list.items.length) {
    replace(box, h("p", { class: "muted" }, "No clusters yet."));
    return;
  }
  replace(box, list.items.map((c) => clusterCard(c, () => loadClusters(box))));
}

const MOVES = {
  held: [["start", "Start"], ["fail", "Cancel (full refund)"]],
  running: [["complete", "Complete"], ["fail", "Fail (refund un-run hours)"]],
};

function clusterCard(c, reload) {
  const actions = (MOVES[c.status] || []).map(([verb, text]) => {
    const b = h("button", { type: "button", class: verb === "fail" ? "danger small" : "small", "data-action": verb }, text);
    b.addEventListener("click", async () => {
      if (verb !== "start" && !(await confirmDialog(`${text}?`, [c.settlement_rule], text, verb === "fail"))) return;
      b.disabled = true;
      try {
        const moved = await api.post(`/api/v1/clusters/${encodeURIComponent(c.id)}/${verb}`, {}, { headers: { "Idempotency-Key": api.idempotencyKey() } });
        toast(`Cluster “${moved.job_name}” is ${moved.status}.`);
        await reload();
      } catch (e) {
        toastError(e);
        b.disabled = false;
      }
    });
    return b;
  });
  return h("article", { class: "card", "data-cluster": c.id, "data-status": c.status },
    h("h3", {}, c.job_name, " ", h("span", { class: `status ${c.status}`, "data-field": "status" }, c.status)),
    h("dl", { class: "facts" },
      h("dt", {}, "Cost"), h("dd", {}, `${usd(c.total_cost)} for ${c.estimated_hours} h`),
      h("dt", {}, "Window"), h("dd", {}, `${utc(c.start_time)} to ${utc(c.end_time)}`),
      h("dt", {}, "Charged"), h("dd", {}, usd(c.charged)),
      h("dt", {}, "Refunded"), h("dd", {}, usd(c.refunded)),
      h("dt", {}, "Members"), h("dd", {}, `${c.plan.members.length} offer${c.plan.members.length === 1 ? "" : "s"}, ${c.plan.gpu_count} GPU${c.plan.gpu_count === 1 ? "" : "s"}`)),
    h("details", {}, h("summary", {}, "Members"), membersTable(c.plan.members)),
    actions.length ? h("div", { class: "actions" }, actions) : null);
}
