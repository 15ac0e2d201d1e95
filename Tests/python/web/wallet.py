"""A stand-in for MetaMask in the browser tests.

`PROVIDER_JS` is installed before any page script runs (CDP
`Page.addScriptToEvaluateOnNewDocument`) as `window.ethereum`: an EIP-1193 provider whose
`request()` queues each call and returns a promise. `TestWallet.pump(driver)` takes the
queue through WebDriver, answers every call in Python (accounts, networks, personal_sign
with eth-account, `eth_sendTransaction` signed with the test key and sent to the dev chain,
other `eth_*` forwarded to the dev chain) and settles the promises. The page's CSP cannot
get in the way: WebDriver scripts are not subject to it, and nothing is fetched from
another origin. The tests pump while they wait for a condition (`Browser.wait`), so a
wallet call is answered within one poll.
"""
from __future__ import annotations

from eth_account import Account
from eth_account.messages import encode_defunct

PROVIDER_JS = r"""
(() => {
  const queue = [];
  const pending = new Map();
  const listeners = {};
  let nextId = 1;
  const provider = {
    isMetaMask: true,
    isGp4uTestWallet: true,
    request(args) {
      const method = args && args.method;
      const params = args && args.params !== undefined ? args.params : [];
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        queue.push({ id, method, params: JSON.parse(JSON.stringify(params)) });
      });
    },
    on(event, f) { (listeners[event] = listeners[event] || []).push(f); return provider; },
    removeListener(event, f) { listeners[event] = (listeners[event] || []).filter((x) => x !== f); return provider; },
  };
  window.__testWallet = {
    take() { return queue.splice(0, queue.length); },
    resolve(id, result) { const p = pending.get(id); if (p) { pending.delete(id); p.resolve(result); } },
    reject(id, code, message) {
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      const e = new Error(message);
      e.code = code;
      p.reject(e);
    },
    emit(event, data) { for (const f of listeners[event] || []) { try { f(data); } catch (e) { console.warn(e); } } },
  };
  Object.defineProperty(window, "ethereum", { value: provider, configurable: false, writable: false });
})();
"""


class WalletError(Exception):
    """An EIP-1193 error the provider rejects a request with (4001 user rejected, 4902 unknown chain...)."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class TestWallet:
    """The Python half of the injected wallet: one account (a dev chain key), a current
    network, and the networks it knows. Every call is recorded in `calls`."""

    __test__ = False  # not a pytest class

    def __init__(self, dev, private_key: str, chain_id: int):
        self.dev = dev
        self.key = private_key
        self.account = Account.from_key(private_key)
        self.address = self.account.address
        self.chain_id = chain_id
        self.dev_chain_id = chain_id
        # Like a fresh MetaMask: mainnet and the dev chain, not Polygon or Amoy.
        self.known_chains = {1, chain_id}
        self.connected = False
        self.calls: list[tuple[str, list]] = []
        self.added_chains: list[dict] = []
        self.sent: list[dict] = []
        self.reject_methods: set[str] = set()

    # --- the bridge ---------------------------------------------------------------------

    def pump(self, driver) -> int:
        """Answers every queued request; returns how many there were."""
        try:
            requests = driver.execute_script("return window.__testWallet ? window.__testWallet.take() : [];") or []
        except Exception:  # noqa: BLE001 - the page is navigating; nothing to answer yet
            return 0
        events = []
        for req in requests:
            try:
                result, event = self.handle(req["method"], req.get("params") or [])
                driver.execute_script("window.__testWallet.resolve(arguments[0], arguments[1]);", req["id"], result)
                if event:
                    events.append(event)
            except WalletError as err:
                driver.execute_script("window.__testWallet.reject(arguments[0], arguments[1], arguments[2]);",
                                      req["id"], err.code, err.message)
        for name, data in events:
            driver.execute_script("window.__testWallet.emit(arguments[0], arguments[1]);", name, data)
        return len(requests)

    def handle(self, method: str, params: list):
        """(result, event to emit or None) for one EIP-1193 request."""
        self.calls.append((method, params))
        if method in self.reject_methods:
            raise WalletError(4001, "User rejected the request.")
        if method == "eth_requestAccounts":
            self.connected = True
            return [self.address.lower()], ("accountsChanged", [self.address.lower()])
        if method == "eth_accounts":
            return ([self.address.lower()] if self.connected else []), None
        if method == "eth_chainId":
            return hex(self.chain_id), None
        if method == "wallet_switchEthereumChain":
            target = int(params[0]["chainId"], 16)
            if target not in self.known_chains:
                raise WalletError(4902, f"Unrecognized chain ID \"{params[0]['chainId']}\". Try adding the chain using wallet_addEthereumChain first.")
            self.chain_id = target
            return None, ("chainChanged", hex(target))
        if method == "wallet_addEthereumChain":
            p = params[0]
            for field in ("chainId", "chainName", "rpcUrls", "nativeCurrency"):
                if field not in p:
                    raise WalletError(-32602, f"missing {field}")
            if not p["rpcUrls"] or not all(u.startswith("https://") for u in p["rpcUrls"]):
                raise WalletError(-32602, "rpcUrls must be https")
            self.added_chains.append(p)
            target = int(p["chainId"], 16)
            self.known_chains.add(target)
            self.chain_id = target  # MetaMask offers to switch at once; the user accepts
            return None, ("chainChanged", hex(target))
        if not self.connected and method in ("personal_sign", "eth_sendTransaction"):
            raise WalletError(4100, "The requested account has not been authorized by the user.")
        if method == "personal_sign":
            message_hex, address = params[0], params[1]
            if address.lower() != self.address.lower():
                raise WalletError(4100, f"unknown account {address}")
            signed = Account.sign_message(encode_defunct(hexstr=message_hex), self.key)
            return "0x" + bytes(signed.signature).hex(), None
        if method == "eth_sendTransaction":
            return self.send_transaction(params[0]), None
        if method.startswith("eth_"):
            if self.chain_id != self.dev_chain_id:
                raise WalletError(-32603, f"the test wallet has no node for chain {self.chain_id}")
            return self.dev.rpc(method, params), None
        raise WalletError(4200, f"The test wallet does not support {method}")

    def send_transaction(self, tx: dict) -> str:
        if self.chain_id != self.dev_chain_id:
            raise WalletError(-32603, f"the test wallet has no node for chain {self.chain_id}")
        if tx.get("from", "").lower() != self.address.lower():
            raise WalletError(4100, f"unknown account {tx.get('from')}")
        nonce = int(self.dev.rpc("eth_getTransactionCount", [self.address, "pending"]), 16)
        call = {"from": self.address, "to": tx["to"], "data": tx.get("data", "0x"), "value": tx.get("value", "0x0")}
        gas = int(self.dev.rpc("eth_estimateGas", [call]), 16)
        base = int(self.dev.rpc("eth_gasPrice", []), 16)
        signed = Account.sign_transaction({
            "type": 2, "chainId": self.chain_id, "nonce": nonce, "to": tx["to"], "value": int(tx.get("value", "0x0"), 16),
            "data": tx.get("data", "0x"), "gas": gas * 2, "maxFeePerGas": base * 2, "maxPriorityFeePerGas": 10**9,
        }, self.key)
        tx_hash = self.dev.rpc("eth_sendRawTransaction", ["0x" + bytes(signed.raw_transaction).hex()])
        self.sent.append({"hash": tx_hash, **tx})
        return tx_hash

    def methods(self) -> list[str]:
        return [m for m, _ in self.calls]
