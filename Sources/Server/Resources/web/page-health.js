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
      ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Providers" },
        h("table", { id: "providers-health" },
          h("thead", {}, h("tr", {}, ["Provider", "Status", "Circuit breaker", "Rate limiter", "Cache", "Calls", "Last error"].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, s.providers.map(row))))
      : h("p", { class: "muted" }, "No provider is configured."));
    updated.textContent = `Updated ${utc(s.at)}.`;
  }

  function row(p) {
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
    return h("tr", { "data-provider": p.provider },
      h("th", { scope: "row" }, p.provider, check ? h("div", {}, check) : null),
      h("td", {}, h("span", { class: `status ${p.status}`, "data-field": "status" }, p.status)),
      h("td", {},
        h("span", { class: `status ${b.state}`, "data-field": "breaker" }, b.state.replace("_", "-")),
        h("div", { class: "muted" }, `${b.consecutive_failures}/${b.failure_threshold} failures, ${b.trips} trips`),
        b.retry_after_seconds != null ? h("div", { class: "muted" }, `retry in ${Math.ceil(b.retry_after_seconds)} s`) : null),
      h("td", { "data-field": "limiter" },
        `${r.tokens_available.toFixed(1)} of ${r.burst} tokens`,
        h("div", { class: "muted" }, `${r.rate_per_minute}/min, ${pct(r.utilization * 100, 0)} used, ${r.rate_limit_hits} limited`)),
      h("td", { "data-field": "cache" },
        `${c.hits} hits, ${c.misses} misses`,
        h("div", { class: "muted" }, `${c.stale_served} stale served; TTL ${Math.round(c.ttl_seconds)} s${c.age_seconds != null ? `, age ${Math.round(c.age_seconds)} s` : ""}`)),
      h("td", {},
        `${p.requests} (${p.success_rate == null ? "–" : pct(p.success_rate * 100)} ok)`,
        h("div", { class: "muted" }, p.last_success_at ? `last success ${ago(p.last_success_at)}` : "no success yet")),
      h("td", {}, p.last_error ? h("span", {}, p.last_error) : h("span", { class: "muted" }, "none")));
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
