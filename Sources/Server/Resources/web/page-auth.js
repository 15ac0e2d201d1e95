// Log in (password, or Sign-In with Ethereum with a linked wallet) and sign up.
import * as api from "./api.js";
import * as eth from "./eth.js";
import { h, field, selectField, toast, toastError, markInvalid } from "./dom.js";
import { signedIn } from "./app.js";

export async function renderLogin({ root, params }) {
  const next = params.get("next") || "market";
  const email = field("Email", { type: "email", name: "email", autocomplete: "email", required: true });
  const password = field("Password", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit" }, "Log in");
  const form = h("form", { class: "card", id: "login-form", novalidate: true }, email.wrap, password.wrap, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    try {
      const r = await api.post("/api/v1/auth/login", { email: email.input.value.trim(), password: password.input.value }, { auth: false });
      toast("Logged in.");
      await signedIn(r.access_token, next);
    } catch (e) {
      markInvalid(form, e);
      toastError(e);
    } finally {
      submit.disabled = false;
    }
  });

  const siweButton = h("button", { type: "button", id: "siwe-login", class: "ghost" }, "Sign in with Ethereum");
  const siweNote = h("p", { class: "muted" },
    eth.wallet()
      ? "Sign a message with a wallet you linked on the wallet page. No transaction, no gas."
      : "No browser wallet found: install MetaMask to sign in with a linked wallet.");
  siweButton.disabled = !eth.wallet();
  siweButton.addEventListener("click", async () => {
    siweButton.disabled = true;
    try {
      const address = await eth.connect();
      const n = await api.post("/api/v1/auth/siwe/login/nonce", { address }, { auth: false });
      const chain = await eth.chainId();
      const chainId = n.chain_ids.includes(chain) ? chain : n.chain_ids[0];
      const message = eth.siweMessage({
        scheme: n.scheme, domain: n.domain, address, statement: "Sign in to GP4U.", uri: n.uri, chainId,
        nonce: n.nonce, issuedAt: n.issued_at, expirationTime: n.expiration_time,
      });
      const signature = await eth.personalSign(message, address);
      const r = await api.post("/api/v1/auth/siwe/login", { message, signature }, { auth: false });
      toast(`Signed in with ${address}.`);
      await signedIn(r.access_token, next);
    } catch (e) {
      toastError(e);
    } finally {
      siweButton.disabled = !eth.wallet();
    }
  });

  root.append(
    h("div", { class: "narrow" },
      h("h1", {}, "Log in"),
      params.get("next") ? h("p", { class: "notice" }, "Log in to open that page.") : null,
      form,
      h("section", { class: "card", "aria-labelledby": "siwe-h" }, h("h2", { id: "siwe-h" }, "Or use your wallet"), siweNote, siweButton),
      h("p", {}, "New here? ", h("a", { href: "#/signup" }, "Create an account")),
    ),
  );
}

export async function renderSignup({ root }) {
  const email = field("Email", { type: "email", name: "email", autocomplete: "email", required: true });
  const password = field("Password", { type: "password", name: "password", autocomplete: "new-password", required: true, minlength: 10 }, "At least 10 characters.");
  const role = selectField("I want to", "role", [["renter", "Rent GPUs (renter)"], ["provider", "List my GPUs (provider)"]], "renter");
  const submit = h("button", { type: "submit" }, "Create account");
  const form = h("form", { class: "card", id: "signup-form", novalidate: true }, email.wrap, password.wrap, role.wrap, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    try {
      const body = { email: email.input.value.trim(), password: password.input.value, role: role.input.value };
      await api.post("/api/v1/auth/signup", body, { auth: false });
      const r = await api.post("/api/v1/auth/login", { email: body.email, password: body.password }, { auth: false });
      toast("Account created; you are logged in.");
      await signedIn(r.access_token, "market");
    } catch (e) {
      markInvalid(form, e);
      toastError(e);
    } finally {
      submit.disabled = false;
    }
  });
  root.append(
    h("div", { class: "narrow" },
      h("h1", {}, "Sign up"),
      form,
      h("p", {}, "Have an account? ", h("a", { href: "#/login" }, "Log in")),
    ),
  );
}
