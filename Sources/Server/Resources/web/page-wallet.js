// Wallet: balances; deposit information per watched chain; MetaMask (connect, link by
// Sign-In with Ethereum, switch or add the network, send a USDC deposit built here) and
// pending deposits with live confirmation counts; the simulated deposit where allowed;
// ledger history with filters; spending chart.
import * as api from "./api.js";
import * as eth from "./eth.js";
import { h, replace, field, selectField, toast, toastError, confirmDialog, usd, usdc, toMicro, fromMicro, utc, short, ago } from "./dom.js";
import { barChart } from "./chart.js";

const KINDS = [
  "deposit", "simulated_deposit", "withdrawal", "withdrawal_hold", "withdrawal_release", "simulated_withdrawal", "reservation_hold", "reservation_capture", "reservation_release",
  "reservation_refund", "cluster_hold", "cluster_charge", "cluster_refund", "provider_earning", "platform_fee",
];
const POLL_MS = 2000;

export async function render({ root }) {
  const ready = await api.get("/ready", { auth: false }).catch(() => ({ chains: [] }));
  const chainIds = (ready.chains || []).map((c) => Number(c.chain_id));
  const infos = (await Promise.all(chainIds.map((id) => api.get(`/api/v1/wallets/deposit-info?chain_id=${id}`).catch(() => null)))).filter(Boolean);

  const balanceBox = h("section", { id: "balances", "aria-labelledby": "bal-h" });
  const names = Object.fromEntries(infos.map((i) => [i.chain_id, i.chain]));
  const chainName = (id) => names[id] || eth.chainName(id);
  const depositsBox = h("div", { id: "deposits" });
  const awaiting = new Map(); // tx hash -> {amount, chain, sentAt}
  let timer = null;
  let known = new Map(); // tx hash -> status, to notice credits
  let linked = new Set(infos.flatMap((i) => i.linked_addresses.map((a) => a.toLowerCase())));
  let address = null;

  async function loadBalance() {
    const b = await api.get("/api/v1/wallets/balance");
    replace(balanceBox,
      h("h2", { id: "bal-h" }, "Balances", b.simulated ? h("span", { class: "badge simulated" }, "simulated deposits allowed") : null),
      h("div", { class: "stats" },
        stat("Available", b.available, "available"),
        stat("Held for bookings", b.held, "held"),
        stat("Earnings", b.earnings, "earnings"),
        stat("Deposited in total", b.total_deposited, "total_deposited"),
        stat("Spent in total", b.total_spent, "total_spent"),
        stat("Earned in total", b.total_earned, "total_earned")));
    return b;
  }

  async function loadDeposits() {
    const r = await api.get("/api/v1/wallets/deposits?limit=50");
    let credited = false;
    for (const d of r.items) {
      const key = d.tx_hash.toLowerCase();
      if (known.get(key) && known.get(key) !== "credited" && d.status === "credited") {
        credited = true;
        toast(`Deposit of ${usdc(d.amount)} credited.`);
      }
      awaiting.delete(key);
    }
    known = new Map(r.items.map((d) => [d.tx_hash.toLowerCase(), d.status]));
    const rows = [
      ...[...awaiting].map(([hash, a]) => h("tr", { "data-tx": hash, "data-status": "sent" },
        h("td", {}, h("code", { title: hash }, short(hash))),
        h("td", {}, chainName(a.chain)),
        h("td", { class: "num" }, usdc(a.amount)),
        h("td", {}, h("span", { class: "status pending", "data-field": "status" }, "sent"), h("div", { class: "muted" }, "waiting for the watcher to see it in a block")),
        h("td", {}, ago(new Date(a.sentAt).toISOString())))),
      ...r.items.map((d) => {
        const need = d.confirmations_required || 0;
        const have = Math.min(d.confirmations || 0, need || d.confirmations || 0);
        return h("tr", { "data-tx": d.tx_hash.toLowerCase(), "data-status": d.status },
          h("td", {}, h("code", { title: d.tx_hash }, short(d.tx_hash))),
          h("td", {}, chainName(d.chain_id)),
          h("td", { class: "num" }, usdc(d.amount)),
          h("td", {},
            h("span", { class: `status ${d.status}`, "data-field": "status" }, d.status),
            d.status === "pending" ? h("div", {},
              h("progress", { max: need || 1, value: have, "aria-label": `${have} of ${need} confirmations` }),
              " ", h("span", { "data-field": "confirmations" }, `${have} of ${need} confirmations`)) : null,
            d.status === "suspense" ? h("div", { class: "muted" }, "from an address no account linked; an operator can assign it") : null),
          h("td", {}, utc(d.updated_at)));
      }),
    ];
    replace(depositsBox, rows.length
      ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Deposits" },
        h("table", { id: "deposits-table" },
          h("thead", {}, h("tr", {}, ["Transaction", "Chain", "Amount", "Status", "Updated"].map((x, i) => h("th", { scope: "col", class: i === 2 ? "num" : "" }, x)))),
          h("tbody", {}, rows)))
      : h("p", { class: "muted" }, "No on-chain deposits yet."));
    if (credited) await loadBalance();
    const pending = r.items.some((d) => d.status === "pending") || awaiting.size > 0;
    schedule(pending);
  }

  let stopped = false;
  function schedule(pending) {
    clearTimeout(timer);
    if (stopped) return;
    timer = pending ? setTimeout(() => loadDeposits().catch(() => schedule(true)), POLL_MS) : null;
  }

  // --- MetaMask ---------------------------------------------------------------------
  const walletBox = h("div", { id: "wallet-state", "aria-live": "polite" }, h("p", { class: "muted" }, "Checking for a browser wallet…"));
  const connectButton = h("button", { type: "button", id: "connect-wallet" }, "Connect MetaMask");
  const linkButton = h("button", { type: "button", id: "link-wallet", class: "ghost", disabled: true }, "Link this wallet (sign a message)");
  const networkButtons = h("div", { class: "actions", id: "network-buttons" });
  const chainSelect = selectField("Network", "deposit_chain", infos.map((i) => [String(i.chain_id), `${i.chain} (${i.chain_id})`]), infos[0] ? String(infos[0].chain_id) : "");
  const amount = field("Amount (USDC)", { type: "text", name: "deposit_amount", inputmode: "decimal", autocomplete: "off", placeholder: "25.00" }, "Sent from your connected wallet to the deposit address below.");
  const sendButton = h("button", { type: "submit", id: "send-deposit", disabled: true }, "Send USDC deposit");
  const depositForm = h("form", { class: "form-grid", id: "deposit-form", novalidate: true }, chainSelect.wrap, amount.wrap, h("div", { class: "field" }, sendButton));

  async function paintWallet() {
    const p = eth.wallet();
    if (!p) {
      replace(walletBox, h("p", { class: "notice" }, "No browser wallet found. Install MetaMask to deposit USDC from the browser, or send USDC to the deposit address from any wallet after linking it."));
      connectButton.disabled = true;
      return;
    }
    const accts = await eth.accounts().catch(() => []);
    address = accts[0] || null;
    const chain = address ? await eth.chainId().catch(() => null) : null;
    connectButton.textContent = address ? "Reconnect" : "Connect MetaMask";
    const isLinked = address && linked.has(address.toLowerCase());
    if (address && !wdTo.input.value) wdTo.input.value = address;
    linkButton.disabled = !address || isLinked;
    sendButton.disabled = !address || !infos.length;
    replace(walletBox, address
      ? h("div", { class: "notice" },
        h("p", {}, "Connected: ", h("code", { id: "wallet-address" }, address), " on ", h("strong", { id: "wallet-chain" }, chain ? `${chainName(chain)} (${chain})` : "unknown network")),
        h("p", { id: "link-state" }, isLinked ? "This address is linked to your account: its deposits credit you." : "Not linked yet: link it so its deposits credit your account."))
      : h("p", { class: "muted" }, "Not connected."));
  }

  connectButton.addEventListener("click", async () => {
    try {
      await eth.connect();
      await paintWallet();
    } catch (e) {
      toastError(e);
    }
  });

  linkButton.addEventListener("click", async () => {
    linkButton.disabled = true;
    try {
      const addr = await eth.connect();
      const n = await api.post("/api/v1/auth/siwe/nonce", {});
      const current = await eth.chainId();
      const chain = n.chain_ids.includes(current) ? current : n.chain_ids[0];
      const message = eth.siweMessage({
        scheme: n.scheme, domain: n.domain, address: addr, statement: "Link this wallet to my GP4U account.",
        uri: n.uri, chainId: chain, nonce: n.nonce, issuedAt: n.issued_at, expirationTime: n.expiration_time,
      });
      const signature = await eth.personalSign(message, addr);
      const r = await api.post("/api/v1/auth/siwe/verify", { message, signature });
      linked = new Set(r.linked_addresses.map((a) => a.toLowerCase()));
      toast(`Linked ${r.address} to your account.`);
      await paintInfos();
      await paintWallet();
    } catch (e) {
      toastError(e);
      await paintWallet();
    }
  });

  for (const info of infos) {
    const b = h("button", { type: "button", class: "ghost", "data-chain": info.chain_id }, `Switch to ${info.chain}`);
    b.addEventListener("click", async () => {
      try {
        await eth.switchChain(info.chain_id);
        toast(`Wallet switched to ${info.chain}.`);
        await paintWallet();
      } catch (e) {
        toastError(e);
      }
    });
    networkButtons.append(b);
  }
  for (const [id, params] of Object.entries(eth.ADDABLE_CHAINS)) {
    const b = h("button", { type: "button", class: "ghost", "data-add-chain": id }, `Add ${params.chainName} to the wallet`);
    b.addEventListener("click", async () => {
      try {
        await eth.switchChain(Number(id));
        toast(`Wallet is on ${params.chainName}.`);
        await paintWallet();
      } catch (e) {
        toastError(e);
      }
    });
    networkButtons.append(b);
  }

  depositForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const info = infos.find((i) => String(i.chain_id) === chainSelect.input.value);
    const micro = toMicro(amount.input.value);
    amount.input.removeAttribute("aria-invalid");
    if (!info) return toast("Pick a network this server watches.", "error");
    if (micro === null || micro <= 0n) {
      amount.input.setAttribute("aria-invalid", "true");
      return toast("Enter a positive USDC amount with at most 6 decimals.", "error");
    }
    sendButton.disabled = true;
    try {
      const from = await eth.connect();
      if (!linked.has(from.toLowerCase())) throw new Error("Link this wallet first (the button above): deposits from an unlinked address cannot be credited to you.");
      await eth.switchChain(info.chain_id);
      const balance = await eth.tokenBalance(info.token_address, from);
      if (balance < micro) throw new Error(`Your wallet holds ${fromMicro(balance)} USDC on ${info.chain}; that is less than ${fromMicro(micro)}.`);
      const hash = await eth.sendTransfer({ from, token: info.token_address, to: info.deposit_address, amount: micro });
      awaiting.set(String(hash).toLowerCase(), { amount: fromMicro(micro), chain: info.chain_id, sentAt: Date.now() });
      toast(`Sent ${fromMicro(micro)} USDC (transaction ${short(hash)}); it is credited after ${info.confirmations_required} confirmations.`);
      amount.input.value = "";
      await loadDeposits();
    } catch (e) {
      toastError(e);
    } finally {
      sendButton.disabled = !address;
      await paintWallet();
    }
  });

  // --- deposit information per chain ---------------------------------------------------
  const infoBox = h("div", { class: "grid", id: "deposit-info" });
  async function paintInfos() {
    const fresh = (await Promise.all(infos.map((i) => api.get(`/api/v1/wallets/deposit-info?chain_id=${i.chain_id}`).catch(() => i))));
    replace(infoBox, fresh.map((i) => {
      const copy = h("button", { type: "button", class: "ghost small", "data-copy": i.deposit_address }, "Copy address");
      copy.addEventListener("click", () => copyText(i.deposit_address));
      return h("article", { class: "card", "data-chain": i.chain_id },
        h("h3", {}, `${i.chain} (chain ${i.chain_id})`),
        h("p", {}, "Send ", h("strong", {}, i.token), " to:"),
        h("div", { class: "copy-row" }, h("code", { class: "deposit-address" }, i.deposit_address), copy),
        h("dl", { class: "facts" },
          h("dt", {}, "Token contract"), h("dd", {}, h("code", {}, i.token_address)),
          h("dt", {}, "Confirmations"), h("dd", {}, `${i.confirmations_required} blocks`),
          h("dt", {}, "Linked addresses"), h("dd", { class: "linked" }, i.linked_addresses.length ? i.linked_addresses.map((a) => h("div", {}, h("code", {}, a))) : "none yet")));
    }));
  }

  // --- simulated deposit -----------------------------------------------------------------
  const simAmount = field("Amount (test USDC)", { type: "text", name: "sim_amount", inputmode: "decimal", value: "100.00", autocomplete: "off" });
  const simButton = h("button", { type: "submit", id: "sim-deposit" }, "Add simulated funds");
  const simForm = h("form", { class: "form-grid", id: "sim-form", novalidate: true }, simAmount.wrap, h("div", { class: "field" }, simButton));
  simForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    simButton.disabled = true;
    try {
      const r = await api.post("/api/v1/wallets/deposit", { amount: simAmount.input.value.trim() }, { headers: { "Idempotency-Key": api.idempotencyKey() } });
      toast(`Simulated deposit of ${usdc(r.amount)} added (not real money).`);
      await Promise.all([loadBalance(), loadLedger(true), loadSpending()]);
    } catch (e) {
      toastError(e);
    } finally {
      simButton.disabled = false;
    }
  });

  // --- withdrawals ---------------------------------------------------------------------------
  // On-chain withdrawals go to the watched chains (those with a hot wallet pay; others
  // answer with the API's reason); with no chain watched the server settles them
  // simulated on every known chain.
  const withdrawChains = infos.length
    ? infos.map((i) => [String(i.chain_id), `${i.chain} (${i.chain_id})`])
    : Object.entries(eth.CHAIN_NAMES).map(([id, name]) => [id, `${name} (${id}), simulated`]);
  const wdChain = selectField("Network", "withdraw_chain", withdrawChains, withdrawChains[0] ? withdrawChains[0][0] : "");
  const wdAmount = field("Amount (USDC)", { type: "text", name: "withdraw_amount", inputmode: "decimal", autocomplete: "off", placeholder: "10.00" });
  const wdTo = field("To address", { type: "text", name: "withdraw_to", autocomplete: "off", spellcheck: "false", placeholder: "0x…" }, "An address you control on that network.");
  const wdSource = selectField("From", "withdraw_source", [["available", "Available balance"], ["earnings", "Earnings"]], "available");
  const wdButton = h("button", { type: "submit", id: "request-withdrawal" }, "Request withdrawal");
  const withdrawForm = h("form", { class: "form-grid", id: "withdraw-form", novalidate: true }, wdChain.wrap, wdAmount.wrap, wdTo.wrap, wdSource.wrap, h("div", { class: "field" }, wdButton));
  const withdrawalsBox = h("div", { id: "withdrawals-list" });
  const FINAL = new Set(["confirmed", "rejected", "cancelled", "failed"]);
  let wdTimer = null;

  async function loadWithdrawals() {
    const r = await api.get("/api/v1/wallets/withdrawals?limit=50");
    replace(withdrawalsBox, r.items.length
      ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Withdrawals" },
        h("table", { id: "withdrawals-table" },
          h("thead", {}, h("tr", {}, ["Requested", "Amount", "To", "Status", "Transaction", ""].map((x, i) => h("th", { scope: "col", class: i === 1 ? "num" : "" }, x)))),
          h("tbody", {}, r.items.map(withdrawalRow))))
      : h("p", { class: "muted" }, "No withdrawals yet."));
    clearTimeout(wdTimer);
    if (!stopped && r.items.some((w) => !FINAL.has(w.status))) {
      wdTimer = setTimeout(() => loadWithdrawals().catch(() => {}), POLL_MS);
    }
  }

  function withdrawalRow(w) {
    const cancel = w.status === "requested" ? h("button", { type: "button", class: "danger small", "data-action": "cancel-withdrawal" }, "Cancel") : null;
    if (cancel) {
      cancel.addEventListener("click", async () => {
        const ok = await confirmDialog("Cancel this withdrawal?", [`${usdc(w.amount)} goes back to your ${w.source} balance.`], "Cancel withdrawal", true);
        if (!ok) return;
        try {
          await api.post(`/api/v1/wallets/withdrawals/${encodeURIComponent(w.id)}/cancel`, {}, { headers: { "Idempotency-Key": api.idempotencyKey() } });
          toast("Withdrawal cancelled; the amount is available again.");
          await Promise.all([loadWithdrawals(), loadBalance(), loadLedger(true)]);
        } catch (e) {
          toastError(e);
        }
      });
    }
    const progress = w.status === "broadcast" && w.confirmations_required
      ? h("div", { "data-field": "confirmations" }, `${Math.min(w.confirmations || 0, w.confirmations_required)} of ${w.confirmations_required} confirmations`)
      : null;
    return h("tr", { "data-withdrawal": w.id, "data-status": w.status },
      h("td", {}, utc(w.created_at)),
      h("td", { class: "num" }, usdc(w.amount)),
      h("td", {}, h("code", { title: w.to }, short(w.to)), h("div", { class: "muted" }, chainName(w.chain_id), w.simulated ? " (simulated)" : "")),
      h("td", {},
        h("span", { class: `status ${w.status}`, "data-field": "status" }, w.status),
        w.status === "requested" ? h("div", { class: "muted" }, `${w.approvals} of ${w.approvals_required} approvals`) : null,
        progress,
        w.reason ? h("div", { class: "muted" }, w.reason) : null),
      h("td", {}, w.tx_hash ? h("code", { title: w.tx_hash }, short(w.tx_hash)) : h("span", { class: "muted" }, "not sent")),
      h("td", {}, cancel));
  }

  withdrawForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    wdButton.disabled = true;
    try {
      const body = { amount: wdAmount.input.value.trim(), chain_id: Number(wdChain.input.value), to: wdTo.input.value.trim(), source: wdSource.input.value };
      const w = await api.post("/api/v1/wallets/withdraw", body, { headers: { "Idempotency-Key": api.idempotencyKey() } });
      toast(`Withdrawal of ${usdc(w.amount)} requested; it is paid once an operator approves it.`);
      wdAmount.input.value = "";
      await Promise.all([loadWithdrawals(), loadBalance(), loadLedger(true)]);
    } catch (e) {
      toastError(e);
    } finally {
      wdButton.disabled = false;
    }
  });

  // --- ledger and spending -----------------------------------------------------------------
  const typeFilter = selectField("Type", "type", [["", "All types"], ...KINDS.map((k) => [k, k.replaceAll("_", " ")])], "");
  const ledgerBody = h("tbody", {});
  const more = h("button", { type: "button", class: "ghost", id: "ledger-more", hidden: true }, "Load more");
  let cursor = null;
  async function loadLedger(reset = false) {
    if (reset) {
      cursor = null;
      ledgerBody.replaceChildren();
    }
    const r = await api.get(`/api/v1/wallets/transactions${api.query({ type: typeFilter.input.value, limit: 20, cursor })}`);
    for (const e of r.items) {
      ledgerBody.append(h("tr", { "data-type": e.type },
        h("td", {}, utc(e.created_at)),
        h("td", {}, e.type.replaceAll("_", " "), e.simulated ? [" ", h("span", { class: "badge simulated" }, "simulated")] : null),
        h("td", {}, e.account.split(":")[0]),
        h("td", { class: "num" }, usd(e.amount)),
        h("td", { class: "num" }, usd(e.balance_after))));
    }
    if (!ledgerBody.children.length) ledgerBody.append(h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No entries.")));
    cursor = r.next_cursor;
    more.hidden = !cursor;
  }
  typeFilter.input.addEventListener("change", () => loadLedger(true).catch(toastError));
  more.addEventListener("click", () => loadLedger().catch(toastError));

  const spendingBox = h("div", { id: "spending" });
  async function loadSpending() {
    const a = await api.get("/api/v1/wallets/analytics?days=30");
    const items = a.daily.map((d) => ({ label: d.date.slice(5), value: Number(d.total), text: usd(d.total) }));
    const cats = Object.entries(a.by_category);
    replace(spendingBox,
      h("p", {}, `Spent in the last ${a.days} days: `, h("strong", {}, usd(a.total_spent))),
      barChart("Spending per day (UTC)", items),
      cats.length ? h("ul", {}, cats.map(([k, v]) => h("li", {}, `${k.replaceAll("_", " ")}: ${usd(v)}`))) : null);
  }

  const balance = await loadBalance();
  await paintInfos();

  root.append(
    h("h1", {}, "Wallet"),
    balanceBox,
    h("section", { class: "card", "aria-labelledby": "mm-h" },
      h("h2", { id: "mm-h" }, "MetaMask"),
      walletBox,
      h("div", { class: "actions" }, connectButton, linkButton),
      h("h3", {}, "Network"),
      networkButtons,
      h("h3", {}, "Deposit from this wallet"),
      infos.length ? depositForm : h("p", { class: "muted" }, "This server watches no chain, so on-chain deposits are off (simulated mode).")),
    h("section", { "aria-labelledby": "pend-h" }, h("h2", { id: "pend-h" }, "On-chain deposits"), depositsBox),
    h("section", { "aria-labelledby": "dep-h" },
      h("h2", { id: "dep-h" }, "Deposit addresses"),
      infos.length ? infoBox : h("p", { class: "muted" }, "No chain is watched here.")),
    balance.simulated
      ? h("section", { class: "card", "aria-labelledby": "sim-h", id: "simulated" },
        h("h2", { id: "sim-h" }, "Simulated deposit ", h("span", { class: "badge simulated" }, "test money")),
        h("p", { class: "notice warn" }, "This server allows simulated deposits: they add pretend USDC for trying GP4U out. They are marked simulated in your ledger and are not real money."),
        simForm)
      : null,
    h("section", { class: "card", "aria-labelledby": "wd-h", id: "withdrawals" },
      h("h2", { id: "wd-h" }, "Withdrawals"),
      h("p", { class: "muted" }, "USDC sent from GP4U's hot wallet to an address you give. The amount is held from your balance at once; an operator approves each withdrawal before it is paid, and you can cancel until then."),
      withdrawForm,
      h("h3", {}, "My withdrawals"),
      withdrawalsBox),
    h("section", { class: "card", "aria-labelledby": "sp-h" }, h("h2", { id: "sp-h" }, "Spending"), spendingBox),
    h("section", { "aria-labelledby": "led-h" },
      h("h2", { id: "led-h" }, "Ledger history"),
      h("div", { class: "form-grid" }, typeFilter.wrap),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Ledger entries" },
        h("table", { id: "ledger" },
          h("thead", {}, h("tr", {}, ["Time", "Type", "Account", "Amount", "Balance after"].map((x, i) => h("th", { scope: "col", class: i >= 3 ? "num" : "" }, x)))),
          ledgerBody)),
      more),
  );
  // The wallet answers when it likes (a locked MetaMask may not answer at all): the page
  // does not wait for it.
  paintWallet().catch((e) => replace(walletBox, h("p", { class: "notice bad" }, e.message)));
  await Promise.all([loadDeposits(), loadWithdrawals(), loadLedger(true), loadSpending()]);
  const off = eth.onWalletChange(() => paintWallet().catch(() => {}));
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(wdTimer);
    timer = null;
    off();
  };
}

function stat(label, value, key) {
  return h("div", { class: "stat", "data-balance": key }, h("div", { class: "label" }, label), h("div", { class: "value" }, usdc(value)));
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast("Deposit address copied.");
  } catch {
    toast(`Copy this address by hand: ${text}`, "error");
  }
}
