// Provider health: each configured provider's status, circuit breaker, rate limiter and
// cache, refreshed every few seconds while the page is open.
import * as api from "./api.js";
import { h, replace, toastError, pct, ago, utc } from "./dom.js";
import * as session from "./session.js";

const REFRESH_MS = 5000;

export async function render({ root }) {
  const summaryBox = h("div", { id: "health-summary" });
  const tableBox = h("div", { id: "health-table" });
  const updated = h("p", { class: "muted", "aria-live": "off" });
  let timer = null;
  let stopped = false;

  async function load() {
    const s = await api.get("/api/v1/provider-health/health", { auth: false });
    replace(summaryBox, h("div", { class: "stats" },
      stat("Overall", h("span", { class: `status ${s.status}` }, s.status)),
      stat("Healthy", String(s.healthy)),
      stat("Degraded", String(s.degraded)),
      stat("Down", String(s.down)),
      stat("Requests", String(s.requests)),
      stat("Success rate", s.success_rate == null ? "no calls yet" : pct(s.success_rate * 100)),
      stat("Rate-limit hits", String(s.rate_limit_hits)),
      stat("Breaker trips", String(s.breaker_trips))));
    replace(tableBox, s.providers.length
      ? h("div", { class: "grid", id: "providers-health" }, s.providers.map(card))
      : h("p", { class: "muted" }, "No provider is configured."));
    updated.textContent = `Updated ${utc(s.at)}.`;
  }

  function card(p) {
    const b = p.breaker;
    const r = p.rate_limiter;
    const c = p.cache;
    const check = session.isSignedIn() ? h("button", { type: "button", class: "ghost small", "data-check": p.provider }, "Check now") : null;
    if (check) {
      check.addEventListener("click", async () => {
        check.disabled = true;
        try {
          await api.post(`/api/v1/provider-health/providers/${encodeURIComponent(p.provider)}/health-check`, {});
          await load();
        } catch (e) {
          toastError(e);
          check.disabled = false;
        }
      });
    }
    return h("article", { class: "card", "data-provider": p.provider, "aria-labelledby": `ph-${p.provider}` },
      h("h3", { id: `ph-${p.provider}` }, p.provider, " ", h("span", { class: `status ${p.status}`, "data-field": "status" }, p.status)),
      h("dl", { class: "facts" },
        h("dt", {}, "Circuit breaker"),
        h("dd", {},
          h("span", { class: `status ${b.state}`, "data-field": "breaker" }, b.state.replace("_", "-")),
          `: ${b.consecutive_failures}/${b.failure_threshold} failures, ${b.trips} trip${b.trips === 1 ? "" : "s"}`,
          b.retry_after_seconds != null ? `, retry in ${Math.ceil(b.retry_after_seconds)} s` : ""),
        h("dt", {}, "Rate limiter"),
        h("dd", { "data-field": "limiter" },
          `${r.tokens_available.toFixed(1)} of ${r.burst} tokens; ${r.rate_per_minute}/min, ${pct(r.utilization * 100, 0)} used, ${r.rate_limit_hits} limited`),
        h("dt", {}, "Cache"),
        h("dd", { "data-field": "cache" },
          `${c.hits} hits, ${c.misses} misses, ${c.stale_served} stale served; TTL ${Math.round(c.ttl_seconds)} s${c.age_seconds != null ? `, age ${Math.round(c.age_seconds)} s` : ""}`),
        h("dt", {}, "Calls"),
        h("dd", {}, `${p.requests} (${p.success_rate == null ? "–" : pct(p.success_rate * 100)} ok); `,
          p.last_success_at ? `last success ${ago(p.last_success_at)}` : "no success yet"),
        h("dt", {}, "Last error"),
        h("dd", {}, p.last_error || "none")),
      check);
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => load().catch(() => {}).finally(schedule), REFRESH_MS);
  }

  root.append(
    h("h1", {}, "Provider health"),
    h("p", { class: "muted" }, "How GP4U's connection to each GPU provider is doing: a circuit breaker stops calls to a failing provider for a while, a token bucket keeps within its rate limits, and a cache serves the last good answer when a provider fails."),
    summaryBox,
    h("h2", {}, "Providers"),
    tableBox,
    updated,
  );
  await load();
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function stat(label, value) {
  return h("div", { class: "stat" }, h("div", { class: "label" }, label), h("div", { class: "value" }, value));
}
