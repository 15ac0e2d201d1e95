// The app shell: hash routes (#/market, #/wallet, ...), the navigation, the signed-in
// user, log out, the theme toggle and the skip link. Each page is a module whose
// render(ctx) fills <main> and may return a function that stops its timers.
import * as api from "./api.js";
import * as session from "./session.js";
import { h, replace, toast, toastError } from "./dom.js";

const pages = {
  market: { title: "Marketplace", load: () => import("./page-market.js") },
  arbitrage: { title: "Arbitrage", load: () => import("./page-arbitrage.js") },
  reservations: { title: "Reservations", load: () => import("./page-reservations.js"), auth: true },
  clusters: { title: "Clusters", load: () => import("./page-clusters.js"), auth: true },
  wallet: { title: "Wallet", load: () => import("./page-wallet.js"), auth: true },
  provider: { title: "Provider dashboard", load: () => import("./page-provider.js"), auth: true },
  health: { title: "Provider health", load: () => import("./page-health.js") },
  login: { title: "Log in", load: () => import("./page-auth.js"), entry: "renderLogin" },
  signup: { title: "Sign up", load: () => import("./page-auth.js"), entry: "renderSignup" },
};

const main = document.getElementById("main");
let cleanup = null;
let renderSeq = 0;

/** The current route: {name, params} from "#/name?a=b". */
export function currentRoute() {
  const hash = window.location.hash || "#/market";
  const [path, q = ""] = hash.replace(/^#\/?/, "").split("?");
  return { name: path || "market", params: new URLSearchParams(q) };
}

/** Whether the user is still on page `name` (a slow answer must not rewrite another page's URL). */
export function stillOn(name) {
  return currentRoute().name === name;
}

/** Goes to a route, e.g. navigate("wallet") or navigate("login", {next: "wallet"}). */
export function navigate(name, params = {}) {
  const q = new URLSearchParams(params).toString();
  const target = `#/${name}${q ? `?${q}` : ""}`;
  if (window.location.hash === target) render();
  else window.location.hash = target;
}

async function render() {
  const seq = ++renderSeq;
  if (cleanup) {
    try {
      cleanup();
    } catch {
      /* a page's teardown must not block the next page */
    }
    cleanup = null;
  }
  const route = currentRoute();
  const page = pages[route.name];
  if (!page) {
    navigate("market");
    return;
  }
  if (page.auth && !session.isSignedIn()) {
    navigate("login", { next: window.location.hash.replace(/^#\/?/, "") });
    return;
  }
  document.title = `${page.title} · GP4U`;
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.route === route.name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  closeMenu();
  replace(main, h("p", { class: "loading" }, "Loading…"));
  try {
    const mod = await page.load();
    if (seq !== renderSeq) return;
    const container = h("div", { class: "page", "data-page": route.name });
    const result = await mod[page.entry || "render"]({ root: container, params: route.params, navigate, route });
    if (seq !== renderSeq) {
      if (typeof result === "function") result();
      return;
    }
    replace(main, container);
    cleanup = typeof result === "function" ? result : null;
    main.setAttribute("data-ready", route.name);
  } catch (e) {
    if (seq !== renderSeq) return;
    replace(main, h("h1", {}, page.title), h("p", { class: "notice bad", role: "alert" }, e.message || String(e)));
    main.setAttribute("data-ready", route.name);
  }
}

// --- the signed-in user --------------------------------------------------------------

async function loadUser() {
  if (!session.isSignedIn()) return null;
  try {
    const me = await api.get("/api/v1/auth/me");
    session.setUser(me);
    return me;
  } catch {
    return null;
  }
}

function paintAccount() {
  const me = session.currentUser();
  const signedIn = session.isSignedIn();
  document.getElementById("login-link").hidden = signedIn;
  document.getElementById("logout").hidden = !signedIn;
  const who = document.getElementById("who");
  who.textContent = signedIn && me ? me.email : "";
  who.title = signedIn && me ? `Signed in as ${me.email} (${me.role})` : "";
  const out = document.getElementById("logout");
  out.setAttribute("aria-label", signedIn && me ? `Log out ${me.email}` : "Log out");
}

async function logout() {
  const token = session.getToken();
  try {
    // The server-side log out lands in another issue; use it once the server has it.
    if (token && (await api.hasRoute("POST", "/api/v1/auth/logout"))) {
      await api.post("/api/v1/auth/logout", {});
    }
  } catch {
    /* forgetting the token below is what logs this tab out */
  }
  session.clear();
  toast("Logged out.");
  navigate("login");
}

// --- theme -----------------------------------------------------------------------------

function effectiveDark() {
  const t = document.documentElement.getAttribute("data-theme");
  if (t) return t === "dark";
  return window.matchMedia("(prefers-color-scheme: dark)").matches;
}

function paintThemeToggle() {
  const b = document.getElementById("theme-toggle");
  b.setAttribute("aria-pressed", String(effectiveDark()));
}

/** Applies and remembers a theme ("light" or "dark"); the server keeps it too when signed in. */
export function setTheme(theme, { remember = true, sync = true } = {}) {
  document.documentElement.setAttribute("data-theme", theme);
  if (remember) {
    try {
      window.localStorage.setItem("gp4u-theme", theme);
    } catch {
      /* storage disabled: this page view only */
    }
  }
  paintThemeToggle();
  if (sync && session.isSignedIn()) api.patch("/api/v1/auth/me", { theme_preference: theme }).catch(() => {});
}

function rememberedTheme() {
  try {
    return window.localStorage.getItem("gp4u-theme");
  } catch {
    return null;
  }
}

// --- start -----------------------------------------------------------------------------

function closeMenu() {
  document.getElementById("nav").classList.remove("open");
  document.getElementById("menu-toggle").setAttribute("aria-expanded", "false");
}

function start() {
  api.setUnauthorizedHandler(() => {
    paintAccount();
    toast("Your session ended; please log in again.", "error");
    const route = currentRoute();
    if (pages[route.name] && pages[route.name].auth) navigate("login", { next: window.location.hash.replace(/^#\/?/, "") });
  });
  session.onChange(paintAccount);
  document.getElementById("logout").addEventListener("click", () => logout().catch(toastError));
  document.getElementById("theme-toggle").addEventListener("click", () => setTheme(effectiveDark() ? "light" : "dark"));
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", paintThemeToggle);
  document.getElementById("skip-link").addEventListener("click", () => main.focus());
  document.getElementById("menu-toggle").addEventListener("click", () => {
    const nav = document.getElementById("nav");
    const open = nav.classList.toggle("open");
    document.getElementById("menu-toggle").setAttribute("aria-expanded", String(open));
  });
  window.addEventListener("hashchange", render);
  paintThemeToggle();
  paintAccount();
  loadUser().then((me) => {
    // A theme saved on the account applies on a browser that has no choice of its own.
    if (me && !rememberedTheme() && (me.theme_preference === "dark" || me.theme_preference === "light")) {
      setTheme(me.theme_preference, { remember: false, sync: false });
    }
  });
  render();
}

/** After a login: keep the token, load the profile, go where the user was headed. */
export async function signedIn(token, next) {
  session.setToken(token);
  const me = await loadUser();
  if (me && !rememberedTheme() && (me.theme_preference === "dark" || me.theme_preference === "light")) {
    setTheme(me.theme_preference, { remember: false, sync: false });
  }
  const [name, q = ""] = String(next || "market").split("?");
  navigate(pages[name] && name !== "login" && name !== "signup" ? name : "market", Object.fromEntries(new URLSearchParams(q)));
}

start();
