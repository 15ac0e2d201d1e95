// SVG charts drawn here (no library): a time series with a min–max band and a bar chart.
// Each has axes with labels, a tooltip with the values under the pointer, a text summary
// for screen readers and the numbers as a table in a <details>.
import { h, s, nextId } from "./dom.js";

const W = 720;
const H = 280;
const M = { left: 64, right: 16, top: 16, bottom: 44 };

/** Round tick values covering [lo, hi]. */
export function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || raw;
  const start = Math.floor(lo / step) * step;
  const out = [];
  for (let v = start; v <= hi + step * 0.5; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function frame(label, summary) {
  const titleId = nextId("chart");
  const svg = s(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": titleId, preserveAspectRatio: "xMidYMid meet" },
    s("title", { id: titleId }, `${label}. ${summary}`),
  );
  const tip = h("div", { class: "chart-tip", hidden: true, "aria-hidden": "true" });
  const wrap = h("div", { class: "chart" }, svg, tip);
  return { svg, tip, wrap };
}

function axes(svg, yTicks, y, yFormat, xLabels) {
  for (const v of yTicks) {
    const py = y(v);
    svg.append(s("line", { class: "grid-line", x1: M.left, x2: W - M.right, y1: py, y2: py }));
    svg.append(s("text", { x: M.left - 6, y: py + 4, "text-anchor": "end" }, yFormat(v)));
  }
  svg.append(s("line", { class: "axis", x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom }));
  svg.append(s("line", { class: "axis", x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom }));
  for (const { x, text } of xLabels) {
    svg.append(s("line", { class: "axis", x1: x, x2: x, y1: H - M.bottom, y2: H - M.bottom + 4 }));
    svg.append(s("text", { x, y: H - M.bottom + 18, "text-anchor": "middle" }, text));
  }
}

function showTip(wrap, tip, svg, px, py, text) {
  const box = svg.getBoundingClientRect();
  const scale = box.width / W;
  tip.textContent = text;
  tip.hidden = false;
  tip.style.left = `${px * scale}px`;
  tip.style.top = `${py * scale}px`;
}

function dataTable(caption, headers, rows) {
  return h(
    "details",
    { class: "data" },
    h("summary", {}, `${caption}: the numbers`),
    h(
      "div",
      { class: "table-wrap", tabindex: "0", role: "region", "aria-label": `${caption} table` },
      h(
        "table",
        {},
        h("caption", { class: "visually-hidden" }, caption),
        h("thead", {}, h("tr", {}, headers.map((x, i) => h("th", { scope: "col", class: i ? "num" : "" }, x)))),
        h("tbody", {}, rows.map((r) => h("tr", {}, r.map((x, i) => h("td", { class: i ? "num" : "" }, x))))),
      ),
    ),
  );
}

/**
 * A price series: points {t (ISO), min, median, max, offers} with decimal-string prices.
 * Draws the median line over the min–max band.
 */
export function priceChart(label, points, { money = (v) => `$${v}` } = {}) {
  if (!points.length) return h("p", { class: "muted" }, `${label}: no price history recorded yet.`);
  const ts = points.map((p) => Date.parse(p.t));
  const lo = Math.min(...points.map((p) => Number(p.min)));
  const hi = Math.max(...points.map((p) => Number(p.max)));
  const yTicks = ticks(lo, hi);
  const y0 = yTicks[0];
  const y1 = yTicks[yTicks.length - 1];
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts);
  const x = (t) => (t1 === t0 ? (M.left + W - M.right) / 2 : M.left + ((t - t0) / (t1 - t0)) * (W - M.left - M.right));
  const y = (v) => H - M.bottom - ((v - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const last = points[points.length - 1];
  const summary = `${points.length} hourly points; latest median ${money(last.median)} per GPU-hour (min ${money(last.min)}, max ${money(last.max)})`;
  const { svg, tip, wrap } = frame(label, summary);
  const span = t1 - t0;
  const labelCount = Math.min(points.length, 6);
  const xLabels = [];
  for (let i = 0; i < labelCount; i++) {
    const t = labelCount === 1 ? t0 : t0 + (span * i) / (labelCount - 1);
    const d = new Date(t);
    const text = span > 2 * 86400000 ? d.toISOString().slice(5, 10) : `${d.toISOString().slice(11, 16)}`;
    if (!xLabels.length || xLabels[xLabels.length - 1].text !== text) xLabels.push({ x: x(t), text });
  }
  axes(svg, yTicks, y, (v) => `$${v.toFixed(2)}`, xLabels);
  svg.append(s("text", { x: 14, y: M.top + (H - M.top - M.bottom) / 2, transform: `rotate(-90 14 ${M.top + (H - M.top - M.bottom) / 2})`, "text-anchor": "middle" }, "USD per GPU-hour"));
  svg.append(s("text", { x: (M.left + W - M.right) / 2, y: H - 6, "text-anchor": "middle" }, span > 2 * 86400000 ? "date (UTC)" : "time (UTC)"));
  const band = points.map((p, i) => `${x(ts[i])},${y(Number(p.max))}`).concat(points.map((p, i) => `${x(ts[i])},${y(Number(p.min))}`).reverse());
  svg.append(s("polygon", { class: "band", points: band.join(" ") }));
  const path = (key) => points.map((p, i) => `${i ? "L" : "M"}${x(ts[i]).toFixed(1)},${y(Number(p[key])).toFixed(1)}`).join(" ");
  svg.append(s("path", { class: "line min", d: path("min") }));
  svg.append(s("path", { class: "line max", d: path("max") }));
  svg.append(s("path", { class: "line", d: path("median") }));
  for (let i = 0; i < points.length; i++) svg.append(s("circle", { class: "dot", cx: x(ts[i]), cy: y(Number(points[i].median)), r: 3 }));
  const cursor = s("line", { class: "cursor", x1: 0, x2: 0, y1: M.top, y2: H - M.bottom, visibility: "hidden" });
  svg.append(cursor);
  const hit = s("rect", { class: "hit", x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom });
  svg.append(hit);
  const onMove = (ev) => {
    const box = svg.getBoundingClientRect();
    const px = ((ev.clientX - box.left) / box.width) * W;
    let best = 0;
    for (let i = 1; i < points.length; i++) if (Math.abs(x(ts[i]) - px) < Math.abs(x(ts[best]) - px)) best = i;
    const p = points[best];
    cursor.setAttribute("x1", x(ts[best]));
    cursor.setAttribute("x2", x(ts[best]));
    cursor.setAttribute("visibility", "visible");
    showTip(wrap, tip, svg, x(ts[best]), y(Number(p.median)),
      `${new Date(ts[best]).toISOString().slice(0, 16).replace("T", " ")} UTC: median ${money(p.median)}, min ${money(p.min)}, max ${money(p.max)}, ${p.offers} offers`);
  };
  hit.addEventListener("pointermove", onMove);
  hit.addEventListener("pointerleave", () => {
    tip.hidden = true;
    cursor.setAttribute("visibility", "hidden");
  });
  const legend = h(
    "div",
    { class: "chart-legend" },
    h("span", {}, "solid: median"),
    h("span", {}, "dashed: cheapest and dearest"),
    h("span", {}, "band: range"),
  );
  return h(
    "figure",
    { class: "chart-figure" },
    wrap,
    legend,
    dataTable(label, ["time (UTC)", "min", "median", "max", "offers"],
      points.map((p) => [p.t.slice(0, 16).replace("T", " "), money(p.min), money(p.median), money(p.max), String(p.offers)])),
  );
}

/** Bars of {label, value (number), text} (text is what the tooltip and table show). */
export function barChart(label, items, { yFormat = (v) => `$${v.toFixed(2)}`, unit = "USDC per day" } = {}) {
  if (!items.length) return h("p", { class: "muted" }, `${label}: nothing to show.`);
  const hi = Math.max(...items.map((i) => i.value), 0);
  const yTicks = ticks(0, hi > 0 ? hi : 1);
  const y1 = yTicks[yTicks.length - 1];
  const y = (v) => H - M.bottom - (v / (y1 || 1)) * (H - M.top - M.bottom);
  const total = items.reduce((a, i) => a + i.value, 0);
  const summary = `${items.length} bars, highest ${yFormat(hi)}, total ${yFormat(total)}`;
  const { svg, tip, wrap } = frame(label, summary);
  const slot = (W - M.left - M.right) / items.length;
  const every = Math.ceil(items.length / 8);
  const xLabels = items
    .map((it, i) => ({ x: M.left + slot * i + slot / 2, text: it.label, i }))
    .filter((l) => l.i % every === 0);
  axes(svg, yTicks, y, yFormat, xLabels);
  svg.append(s("text", { x: 14, y: M.top + (H - M.top - M.bottom) / 2, transform: `rotate(-90 14 ${M.top + (H - M.top - M.bottom) / 2})`, "text-anchor": "middle" }, unit));
  items.forEach((it, i) => {
    const bx = M.left + slot * i + slot * 0.15;
    const by = y(it.value);
    const bar = s("rect", { class: "bar", x: bx, y: by, width: Math.max(1, slot * 0.7), height: Math.max(0, H - M.bottom - by) });
    const hitRect = s("rect", { class: "hit", x: M.left + slot * i, y: M.top, width: slot, height: H - M.top - M.bottom });
    hitRect.addEventListener("pointerenter", () => {
      bar.classList.add("active");
      showTip(wrap, tip, svg, bx + slot * 0.35, by, `${it.label}: ${it.text}`);
    });
    hitRect.addEventListener("pointerleave", () => {
      bar.classList.remove("active");
      tip.hidden = true;
    });
    svg.append(bar, hitRect);
  });
  return h("figure", { class: "chart-figure" }, wrap, dataTable(label, ["day", "amount"], items.map((i) => [i.label, i.text])));
}
