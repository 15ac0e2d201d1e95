// The only way the app talks to the server: same-origin JSON calls to /api/v1 (and the
// operations probes at the root). Errors arrive as ApiError carrying the API's own code,
// message and details, which the pages show verbatim.
import * as session from "./session.js";

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

let onUnauthorized = () => {};

/** What to do when the server rejects our token (the app sends the user to log in). */
export function setUnauthorizedHandler(f) {
  onUnauthorized = f;
}

/** Calls `path` ("/api/v1/..." or "/ready"); returns the parsed JSON body. */
export async function request(method, path, { body, auth = true, headers = {} } = {}) {
  const h = { Accept: "application/json", ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  const token = session.getToken();
  if (auth && token) h.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, "network_error", `The server could not be reached (${e.message}).`);
  }
  const text = await res.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const e = (json && json.error) || {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || `HTTP ${res.status}`, e.details);
    if (res.status === 401 && auth && token && (e.code === "invalid_token" || e.code === "unauthenticated" || e.code === "session_ended")) {
      session.clear();
      onUnauthorized(err);
    }
    throw err;
  }
  return json;
}

export const get = (path, opts) => request("GET", path, opts);
export const post = (path, body = {}, opts = {}) => request("POST", path, { ...opts, body });
export const patch = (path, body = {}, opts = {}) => request("PATCH", path, { ...opts, body });
export const del = (path, opts) => request("DELETE", path, opts);

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** A fresh Idempotency-Key for one money-moving action (a retry reuses it). */
export function idempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

let openapi = null;

/** Whether the server has a route (from its OpenAPI document, fetched once): lets the app
 *  use routes that land later (log out) without calling ones that do not exist yet. */
export async function hasRoute(method, path) {
  if (!openapi) openapi = await get("/api/v1/openapi.json", { auth: false });
  const ops = (openapi.paths || {})[path];
  return Boolean(ops && ops[method.toLowerCase()]);
}
