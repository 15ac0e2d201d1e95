// Reservations: a week calendar per GPU (free and booked hours from /availability, in
// UTC because bookings are whole UTC hours), select a range and book it; my bookings
// with cancel (showing the refund the policy gives first) and extend.
import * as api from "./api.js";
import { h, replace, field, toast, toastError, confirmDialog, usd, toMicro, fromMicro, utc } from "./dom.js";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function dayLabel(t) {
  const d = new Date(t);
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

function iso(t) {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function startOfUTCDay(t) {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** What the cancellation policy refunds if cancelled now (README: 24 h or more before the
 *  start, everything; less, 50 % rounded down to the micro-USDC; after the start, nothing). */
export function policyRefund(r, now = Date.now()) {
  const total = toMicro(r.total_cost) ?? 0n;
  const start = Date.parse(r.start_time);
  if (r.status !== "confirmed" || now >= start) return 0n;
  if (start - now >= DAY) return total;
  return total / 2n;
}

export async function render({ root, params }) {
  const gpu = params.get("gpu") || "";
  const weekParam = params.get("week");
  const weekStart = weekParam && !Number.isNaN(Date.parse(`${weekParam}T00:00:00Z`)) ? Date.parse(`${weekParam}T00:00:00Z`) : startOfUTCDay(Date.now());

  const gpuField = field("GPU (offer id)", { type: "text", name: "gpu", value: gpu, autocomplete: "off", required: true }, "Pick one from the marketplace with “Book hours”, or paste its id.");
  const gpuForm = h("form", { class: "form-grid", id: "gpu-form" }, gpuField.wrap, h("div", { class: "field" }, h("button", { type: "submit" }, "Show calendar")));
  gpuForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const id = gpuField.input.value.trim();
    if (id) window.location.hash = `#/reservations${api.query({ gpu: id })}`;
  });

  const calendarBox = h("div", { id: "calendar" });
  const bookingsBox = h("div", { id: "my-bookings" });
  root.append(
    h("h1", {}, "Reservations"),
    h("section", { class: "card", "aria-labelledby": "cal-h" }, h("h2", { id: "cal-h" }, "Book hours on a GPU"), gpuForm, calendarBox),
    h("section", { "aria-labelledby": "mine-h" }, h("h2", { id: "mine-h" }, "My bookings"), bookingsBox),
  );

  // After any booking, cancellation or extension both the calendar and the list change.
  const refresh = () => Promise.all([
    gpu ? showCalendar(calendarBox, gpu, weekStart, refresh) : Promise.resolve(),
    loadBookings(bookingsBox, refresh),
  ]);
  await refresh();
}

async function showCalendar(box, gpu, weekStart, onBooked) {
  let offer;
  let availability;
  try {
    [offer, availability] = await Promise.all([
      api.get(`/api/v1/gpus/${encodeURIComponent(gpu)}`, { auth: false }),
      api.get(`/api/v1/gpus/${encodeURIComponent(gpu)}/availability${api.query({ from: iso(weekStart), to: iso(weekStart + 7 * DAY) })}`, { auth: false }),
    ]);
  } catch (e) {
    replace(box, h("p", { class: "notice bad", role: "alert" }, e.message));
    return;
  }
  const booked = new Set();
  for (const b of availability.blocks) {
    if (b.status !== "booked") continue;
    for (let t = Date.parse(b.start_time); t < Date.parse(b.end_time); t += HOUR) booked.add(t);
  }
  const now = Date.now();
  let anchor = null;
  let range = null; // [startHour, endHourExclusive)
  const buttons = new Map();
  const week = (offset) => `#/reservations${api.query({ gpu, week: iso(weekStart + offset * DAY).slice(0, 10) })}`;

  const summary = h("p", { id: "selection", "aria-live": "polite" }, "Select the first hour, then the last hour of your booking.");
  const bookButton = h("button", { type: "button", id: "book-button", disabled: true }, "Book these hours");
  const clearButton = h("button", { type: "button", class: "ghost", id: "clear-selection" }, "Clear selection");

  function paint() {
    for (const [t, b] of buttons) b.setAttribute("aria-pressed", String(Boolean(range && t >= range[0] && t < range[1])));
    if (!range) {
      summary.textContent = anchor === null ? "Select the first hour, then the last hour of your booking." : `From ${utc(iso(anchor))}: now select the last hour.`;
      bookButton.disabled = true;
      return;
    }
    const hours = (range[1] - range[0]) / HOUR;
    const cost = (toMicro(offer.price_per_hour) ?? 0n) * BigInt(hours);
    summary.textContent = `${utc(iso(range[0]))} to ${utc(iso(range[1]))}: ${hours} hour${hours > 1 ? "s" : ""} × ${usd(offer.price_per_hour)} = ${usd(fromMicro(cost))}`;
    bookButton.disabled = !offer.bookable;
  }

  function choose(t) {
    if (anchor === null || (range && range[1] - range[0] > HOUR) || (range && t === range[0])) {
      anchor = t;
      range = [t, t + HOUR];
    } else {
      const lo = Math.min(anchor, t);
      const hi = Math.max(anchor, t) + HOUR;
      for (let x = lo; x < hi; x += HOUR) {
        if (booked.has(x) || x < now) {
          toast("That range includes booked or past hours; pick free hours in one run.", "error");
          anchor = t;
          range = [t, t + HOUR];
          paint();
          return;
        }
      }
      range = [lo, hi];
    }
    paint();
  }

  const head = h("tr", {}, h("th", { scope: "col", class: "hour" }, "UTC"), Array.from({ length: 7 }, (_, d) => h("th", { scope: "col" }, dayLabel(weekStart + d * DAY))));
  const rows = [];
  let first = null;
  for (let hr = 0; hr < 24; hr++) {
    const cells = [];
    for (let d = 0; d < 7; d++) {
      const t = weekStart + d * DAY + hr * HOUR;
      const state = booked.has(t) ? "booked" : t < now ? "past" : "free";
      const b = h("button", {
        type: "button",
        class: `slot ${state}`,
        "data-time": iso(t),
        "data-state": state,
        "aria-pressed": "false",
        "aria-disabled": state === "free" ? null : "true",
        "aria-label": `${dayLabel(t)} ${String(hr).padStart(2, "0")}:00 UTC, ${state}`,
        tabindex: "-1",
      });
      if (state === "free" && first === null) first = b;
      b.addEventListener("click", () => {
        if (state === "free") choose(t);
        else toast(state === "booked" ? "That hour is booked." : "That hour has passed.", "error");
      });
      buttons.set(t, b);
      cells.push(h("td", {}, b));
    }
    rows.push(h("tr", {}, h("th", { scope: "row", class: "hour" }, `${String(hr).padStart(2, "0")}:00`), cells));
  }
  (first || buttons.values().next().value).setAttribute("tabindex", "0");
  const table = h("table", { class: "calendar", id: "calendar-table" }, h("caption", { class: "visually-hidden" }, `Hours of ${gpu}, week from ${dayLabel(weekStart)} (UTC). Arrow keys move between hours.`), h("thead", {}, head), h("tbody", {}, rows));
  // Roving focus: one hour is in the tab order; arrow keys move by hour and by day.
  table.addEventListener("keydown", (ev) => {
    const cur = ev.target.closest && ev.target.closest("button.slot");
    if (!cur) return;
    const t = Date.parse(cur.dataset.time);
    const step = { ArrowUp: -HOUR, ArrowDown: HOUR, ArrowLeft: -DAY, ArrowRight: DAY }[ev.key];
    if (!step) return;
    const target = buttons.get(t + step);
    if (!target) return;
    ev.preventDefault();
    cur.setAttribute("tabindex", "-1");
    target.setAttribute("tabindex", "0");
    target.focus();
  });

  bookButton.addEventListener("click", async () => {
    if (!range) return;
    bookButton.disabled = true;
    try {
      const r = await api.post("/api/v1/reservations", { gpu_id: gpu, start_time: iso(range[0]), end_time: iso(range[1]) }, { headers: { "Idempotency-Key": api.idempotencyKey() } });
      toast(`Booked ${r.hours} hour${r.hours > 1 ? "s" : ""} from ${utc(r.start_time)}; ${usd(r.total_cost)} is held from your balance.`);
      await onBooked();
    } catch (e) {
      toastError(e);
      bookButton.disabled = false;
    }
  });
  clearButton.addEventListener("click", () => {
    anchor = null;
    range = null;
    paint();
  });

  replace(
    box,
    h("div", { class: "notice", id: "offer-summary" },
      h("strong", {}, `${offer.gpu_count}× ${offer.model_name}`), ` at ${offer.provider}, ${offer.location}: ${usd(offer.price_per_hour)} per hour`,
      offer.available ? "" : " (not available now)",
      offer.bookable ? "" : h("p", { id: "not-bookable" }, offer.book_url
        ? ["GP4U cannot rent this provider's machines yet: ", h("a", { href: offer.book_url, target: "_blank", rel: "noopener noreferrer" }, `book it at ${offer.provider}`), "."]
        : "This is a generated sample offer: it can be booked only with simulated money.")),
    h("nav", { class: "pager", "aria-label": "Weeks" },
      h("a", { class: "button ghost small", href: week(-7) }, "Previous week"),
      h("a", { class: "button ghost small", href: `#/reservations${api.query({ gpu })}` }, "Today"),
      h("a", { class: "button ghost small", href: week(7) }, "Next week"),
      h("span", { class: "muted" }, `${dayLabel(weekStart)} – ${dayLabel(weekStart + 6 * DAY)} (UTC)`)),
    h("div", { class: "legend", "aria-hidden": "true" },
      h("span", {}, h("span", { class: "swatch free" }), "free"),
      h("span", {}, h("span", { class: "swatch booked" }), "booked"),
      h("span", {}, h("span", { class: "swatch selected" }), "selected"),
      h("span", {}, h("span", { class: "swatch past" }), "past")),
    h("div", { class: "calendar-wrap", tabindex: "-1" }, table),
    summary,
    h("div", { class: "actions" }, bookButton, clearButton),
  );
  paint();
}

async function loadBookings(box, onChange) {
  let list;
  try {
    list = await api.get("/api/v1/reservations?limit=100");
  } catch (e) {
    replace(box, h("p", { class: "notice bad" }, e.message));
    return;
  }
  if (!list.items.length) {
    replace(box, h("p", { class: "muted" }, "No bookings yet."));
    return;
  }
  replace(box, h("div", { class: "grid" }, list.items.map((r) => bookingCard(r, onChange))));
}

function bookingCard(r, reload) {
  const live = r.status === "confirmed" || r.status === "active";
  const cancel = h("button", { type: "button", class: "danger small", "data-action": "cancel" }, "Cancel");
  const extraHours = field("Add hours", { type: "number", name: "extra_hours", min: 1, max: 720, step: 1, value: "1" });
  const extend = h("button", { type: "submit", class: "small" }, "Extend");
  const extendForm = h("form", { class: "form-grid", "data-action": "extend-form" }, extraHours.wrap, h("div", { class: "field" }, extend));

  cancel.addEventListener("click", async () => {
    const refund = policyRefund(r);
    const ok = await confirmDialog(
      "Cancel this booking?",
      [
        h("p", { id: "refund-preview" }, `You will get back ${usd(fromMicro(refund))} of ${usd(r.total_cost)}.`),
        h("p", { class: "muted" }, r.cancellation_policy),
      ],
      "Cancel booking",
      true,
    );
    if (!ok) return;
    try {
      const done = await api.del(`/api/v1/reservations/${encodeURIComponent(r.id)}/cancel`);
      toast(`Cancelled; ${usd(done.refunded)} went back to your available balance.`);
      await reload();
    } catch (e) {
      toastError(e);
    }
  });
  extendForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const n = Number(extraHours.input.value);
    if (!Number.isInteger(n) || n < 1) {
      toast("Add at least one whole hour.", "error");
      return;
    }
    extend.disabled = true;
    try {
      const end = Date.parse(r.end_time) + n * HOUR;
      const done = await api.post(`/api/v1/reservations/${encodeURIComponent(r.id)}/extend`, { end_time: iso(end) }, { headers: { "Idempotency-Key": api.idempotencyKey() } });
      toast(`Extended to ${utc(done.end_time)}; total ${usd(done.total_cost)}.`);
      await reload();
    } catch (e) {
      toastError(e);
      extend.disabled = false;
    }
  });
  return h(
    "article",
    { class: "card booking", "data-reservation": r.id, "data-status": r.status },
    h("h3", {}, h("a", { href: `#/reservations${api.query({ gpu: r.gpu_id })}` }, r.gpu_id)),
    h("dl", { class: "facts" },
      h("dt", {}, "Status"), h("dd", {}, h("span", { class: `status ${r.status}`, "data-field": "status" }, r.status)),
      h("dt", {}, "From"), h("dd", {}, utc(r.start_time)),
      h("dt", {}, "To"), h("dd", {}, utc(r.end_time)),
      h("dt", {}, "Hours"), h("dd", {}, String(r.hours)),
      h("dt", {}, "Cost"), h("dd", {}, `${usd(r.total_cost)} (${usd(r.price_per_hour)}/h)`),
      r.status === "cancelled" ? [h("dt", {}, "Refunded"), h("dd", { "data-field": "refunded" }, usd(r.refunded))] : null),
    live ? h("div", { class: "actions" }, cancel) : null,
    live ? extendForm : null,
  );
}
