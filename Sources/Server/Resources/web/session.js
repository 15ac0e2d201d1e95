// The signed-in session: the bearer token lives in memory and in sessionStorage (so a
// reload keeps the tab signed in, and closing the tab ends it), never in localStorage.
const KEY = "gp4u-token";
let token = null;
let user = null;
const listeners = new Set();

try {
  token = window.sessionStorage.getItem(KEY);
} catch {
  token = null;
}

export function getToken() {
  return token;
}

export function currentUser() {
  return user;
}

export function isSignedIn() {
  return Boolean(token);
}

/** Stores a new token (after a login) and forgets the cached profile. */
export function setToken(value) {
  token = value;
  user = null;
  try {
    if (value) window.sessionStorage.setItem(KEY, value);
    else window.sessionStorage.removeItem(KEY);
  } catch {
    /* storage disabled: memory only */
  }
  for (const f of listeners) f();
}

export function setUser(value) {
  user = value;
  for (const f of listeners) f();
}

/** Forgets the token and the profile (log out, or the server said the token is dead). */
export function clear() {
  setToken(null);
}

export function onChange(f) {
  listeners.add(f);
}
