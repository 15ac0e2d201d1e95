// DOM helpers, toasts, dialogs and formatting shared by every page. Elements are built
// with createElement (never innerHTML with data), so text from the API is always text.

/** Builds an HTML element: h("a", {href: "#/x", class: "c", onclick: f}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Builds an SVG element, like `h`. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.setAttribute("class", value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "value" && "value" in el && el.tagName !== "BUTTON") el.value = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A unique id for label/input pairs. */
export function nextId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled input in a `.field` wrapper; returns {wrap, input}. */
export function field(labelText, attrs = {}, hint = null) {
  const id = attrs.id || nextId(attrs.name || "f");
  const input = attrs.tag === "select" ? h("select", { ...attrs, tag: null, id }) : h("input", { ...attrs, id });
  const hintEl = hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  const wrap = h("div", { class: "field" }, h("label", { for: id }, labelText), input, hintEl);
  return { wrap, input };
}

/** A labelled <select> with [value, text] options. */
export function selectField(labelText, name, options, selected = "", hint = null) {
  const { wrap, input } = field(labelText, { tag: "select", name }, hint);
  for (const [value, text] of options) {
    const opt = h("option", { value }, text);
    if (String(value) === String(selected)) opt.selected = true;
    input.append(opt);
  }
  return { wrap, input };
}

/** A labelled checkbox. */
export function checkbox(labelText, attrs = {}) {
  const id = attrs.id || nextId(attrs.name || "c");
  const input = h("input", { type: "checkbox", ...attrs, id });
  const wrap = h("div", { class: "field" }, h("label", { class: "inline", for: id }, input, labelText));
  return { wrap, input };
}

// --- toasts ---------------------------------------------------------------------

/** Shows a toast; errors use role="alert" so screen readers announce them at once.
 *  An API error's message is shown verbatim. */
export function toast(message, kind = "ok") {
  const box = document.getElementById("toasts");
  const close = h("button", { type: "button", class: "ghost small", "aria-label": "Dismiss" }, "×");
  const el = h(
    "div",
    { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status", "data-kind": kind },
    h("p", {}, message),
    close,
  );
  const remove = () => el.remove();
  close.addEventListener("click", remove);
  box.append(el);
  setTimeout(remove, kind === "error" ? 12000 : 6000);
  return el;
}

/** Shows `err` as an error toast: the API's message verbatim, or the exception's text. */
export function toastError(err) {
  return toast(err && err.message ? err.message : String(err), "error");
}

// --- dialogs ----------------------------------------------------------------------

/** A modal confirmation (native <dialog>: focus is trapped and Escape cancels).
 *  Resolves true when the user confirms. */
export function confirmDialog(title, body, confirmText = "Confirm", danger = false) {
  return new Promise((resolve) => {
    const titleId = nextId("dlg");
    const ok = h("button", { type: "button", class: danger ? "danger" : "", "data-action": "confirm" }, confirmText);
    const cancel = h("button", { type: "button", class: "ghost", "data-action": "cancel" }, "Cancel");
    const dialog = h(
      "dialog",
      { "aria-labelledby": titleId, class: "confirm" },
      h("h2", { id: titleId }, title),
      ...(Array.isArray(body) ? body : [body]).map((b) => (typeof b === "string" ? h("p", {}, b) : b)),
      h("div", { class: "actions" }, ok, cancel),
    );
    let result = false;
    ok.addEventListener("click", () => { result = true; dialog.close(); });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// --- formatting ---------------------------------------------------------------------

const MICRO = 1_000_000n;

/** A decimal string (up to 6 places) as integer micro-USDC; null when it is not one. */
export function toMicro(text) {
  const m = /^\s*(-?)(\d+)(?:\.(\d{0,6}))?\s*$/.exec(String(text ?? ""));
  if (!m) return null;
  const micro = BigInt(m[2]) * MICRO + BigInt((m[3] || "").padEnd(6, "0") || "0");
  return m[1] ? -micro : micro;
}

/** Micro-USDC as a decimal string with at least 2 places ("1.5" -> "1.50"). */
export function fromMicro(micro) {
  const neg = micro < 0n;
  const abs = neg ? -micro : micro;
  let frac = (abs % MICRO).toString().padStart(6, "0").replace(/0+$/, "");
  if (frac.length < 2) frac = frac.padEnd(2, "0");
  return `${neg ? "-" : ""}${abs / MICRO}.${frac}`;
}

/** "$1.50" from a decimal string, exact (no floats). */
export function usd(text) {
  const micro = toMicro(text);
  if (micro === null) return String(text ?? "–");
  return micro < 0n ? `−$${fromMicro(-micro)}` : `$${fromMicro(micro)}`;
}

/** "USDC 1.50" for balances. */
export function usdc(text) {
  const micro = toMicro(text);
  return micro === null ? String(text ?? "–") : `${fromMicro(micro)} USDC`;
}

export function pct(x, digits = 1) {
  return `${Number(x).toFixed(digits)}%`;
}

/** "3 min ago" style freshness of an RFC 3339 time. */
export function ago(iso, now = Date.now()) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "unknown";
  const s = Math.round((now - t) / 1000);
  if (s < 0) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

/** "2026-12-01 10:00 UTC" */
export function utc(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "0x1234…abcd" for long hex. */
export function short(hex, keep = 6) {
  const t = String(hex || "");
  return t.length > keep * 2 + 3 ? `${t.slice(0, keep + 2)}…${t.slice(-keep)}` : t;
}

/** A time element with the freshness as text and the exact time as title. */
export function freshness(iso, label = "synced") {
  return h("time", { datetime: iso, title: utc(iso) }, `${label} ${ago(iso)}`);
}

/** The source badge of an offer: live or sample, and stale when the server says so. */
export function sourceBadges(offer) {
  return [
    h("span", { class: `badge ${offer.source === "live" ? "live" : "snapshot"}` }, offer.source),
    offer.stale ? h("span", { class: "badge stale" }, "stale") : null,
  ];
}

/**
 * How to book an offer: the calendar here when it is `bookable`, else a link out to the
 * provider's own console (`book_url`), or a note for a sample offer with real money.
 */
export function bookAction(offer, label = "Book hours") {
  if (offer.bookable) return h("a", { class: "button ghost small", "data-action": "book", href: `#/reservations?gpu=${encodeURIComponent(offer.id)}` }, label);
  if (offer.book_url) return h("a", { class: "button ghost small", "data-action": "book-elsewhere", href: offer.book_url, target: "_blank", rel: "noopener noreferrer" }, `Book at ${offer.provider}`);
  return h("span", { class: "muted", "data-action": "not-bookable" }, "Sample offer: not bookable with real money");
}

/** Marks the inputs the API named in an error's details (422) as invalid. */
export function markInvalid(form, err) {
  for (const el of form.elements) el.removeAttribute("aria-invalid");
  const details = (err && err.details) || {};
  for (const name of Object.keys(details)) {
    const el = form.elements.namedItem(name);
    if (el && el.setAttribute) el.setAttribute("aria-invalid", "true");
  }
}
