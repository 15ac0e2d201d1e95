"""End-to-end tests of withdrawals (issue 16): the real `gp4u serve` (env GP4U_BIN) paying
out of a hot wallet on devchain.py, operators approving with the real CLI.

Each test deposits on chain from a linked wallet, asks for withdrawals over the API,
approves them with `gp4u withdrawals approve`, and checks what the chain says (the
recipient's token balance, nonces, receipts) against what the ledger says; it ends with
the ledger invariant and a clean `gp4u reconcile`. The hot wallet is also the deposit
address, so deposits fund payouts and reconciliation must balance to the micro-USDC."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading

import pytest

GP4U_BIN = os.environ.get("GP4U_BIN")
if not GP4U_BIN:
    pytest.skip("GP4U_BIN is not set (scripts/test sets it to the built gp4u)", allow_module_level=True)

from eth_account import Account  # noqa: E402
from eth_keyfile import create_keyfile_json  # noqa: E402

from e2e import MICRO, Database, Gp4u, fresh_address, wait_for  # noqa: E402
from rig import DevChain  # noqa: E402

PG_URL = os.environ.get("GP4U_TEST_DATABASE_URL")
N = 2            # confirmations
POLL = 0.2       # seconds between polls of the watcher and the sender
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="GP4U_TEST_DATABASE_URL is not set"))]
HOT_PASSWORD = "hot wallet test password"


@pytest.fixture(scope="module")
def dev():
    with DevChain(chain_id=1337) as d:
        d.usdc = d.deploy_token("USD Coin", "USDC", 6)
        d.keys = [a["privateKey"] for a in d.accounts()]
        d.batch([("rig_mint", [d.usdc, d.accounts()[i]["address"], 10**15]) for i in range(1, 10)])
        yield d


def token_balance(dev, token: str, owner: str) -> int:
    data = "0x70a08231" + "0" * 24 + owner[2:].lower()
    return int(dev.rpc("eth_call", [{"to": token, "data": data}, "latest"]), 16)


def send_ether(dev, to: str, wei: int):
    """From rig account 0, signed here and sent raw (the rig mines it at once)."""
    sender = Account.from_key(dev.keys[0])
    nonce = int(dev.rpc("eth_getTransactionCount", [sender.address, "pending"]), 16)
    tx = {"chainId": 1337, "nonce": nonce, "to": to, "value": wei, "gas": 21_000,
          "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9, "type": 2}
    raw = Account.sign_transaction(tx, dev.keys[0]).raw_transaction
    dev.rpc("eth_sendRawTransaction", ["0x" + bytes(raw).hex()])


class Payouts:
    """One test's set-up: a fresh hot wallet (keystore on disk, funded with gas), a
    database, a server paying from that wallet, a renter with a linked wallet and an
    operator."""

    def __init__(self, dev, kind: str, tmp: str, extra_env: dict | None = None):
        self.dev = dev
        self.tmp = tmp
        self.db = Database(kind, tmp)
        self.hot = Account.create()
        self.keystore = os.path.join(tmp, "hot.json")
        with open(self.keystore, "w") as f:
            json.dump(create_keyfile_json(bytes(self.hot.key), HOT_PASSWORD.encode(), kdf="scrypt", iterations=1024), f)
        self.password_file = os.path.join(tmp, "hot.pw")
        with open(self.password_file, "w") as f:
            f.write(HOT_PASSWORD + "\n")
        send_ether(dev, self.hot.address, 10**18)
        self.chain = {"rpc_urls": [dev.url], "usdc": dev.usdc, "deposit": self.hot.address,
                      "confirmations": N, "poll_interval": POLL, "start_block": dev.head()}
        env = {"GP4U_CHAIN_1337_HOT_WALLET_KEYSTORE": self.keystore,
               "GP4U_HOT_WALLET_PASSWORD_FILE": self.password_file}
        env.update(extra_env or {})
        self.server = Gp4u(GP4U_BIN, self.db, self.chain, name="payouts", extra_env=env)
        self.server.start()
        self.operators: list[str] = []

    def close(self):
        self.server.stop()
        self.db.drop()

    def renter(self, sender: int, deposit_micro: int) -> str:
        """A renter who linked rig account `sender` and deposited from it; waits for the credit."""
        srv = self.server
        token = srv.signup(f"renter-{secrets.token_hex(4)}@example.com")
        srv.link_wallet(token, self.dev.keys[sender])
        before = self.available(token)
        self.dev.transfer(self.dev.usdc, sender, self.hot.address, deposit_micro)
        self.dev.mine(N)
        wait_for(lambda: self.available(token) == before + deposit_micro, 20, "the deposit to be credited",
                 servers=[srv])
        return token

    def operator(self) -> str:
        email = f"ops-{secrets.token_hex(4)}@example.com"
        self.server.create_operator(email)
        self.operators.append(email)
        return email

    def available(self, token: str) -> int:
        b = self.server.get("/api/v1/wallets/balance", token=token)
        return int(round(float(b["available"]) * MICRO))

    def withdraw(self, token: str, micro: int, to: str, **extra) -> dict:
        body = {"amount": f"{micro / MICRO:.6f}", "chain_id": 1337, "to": to, **extra}
        return self.server.post("/api/v1/wallets/withdraw", body, token=token)

    def withdrawal(self, token: str, wid: str) -> dict:
        return self.server.get(f"/api/v1/wallets/withdrawals/{wid}", token=token)

    def cli(self, *args, check: bool = True) -> subprocess.CompletedProcess:
        return self.server.cli(*args, check=check)

    def approve(self, wid: str, operator: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.cli("withdrawals", "approve", wid, "--operator", operator, check=check)

    def wait_status(self, token: str, wid: str, status: str, timeout: float = 30.0) -> dict:
        return wait_for(lambda: (w := self.withdrawal(token, wid))["status"] == status and w, timeout,
                        f"withdrawal {wid} to be {status}", servers=[self.server])

    def reconcile_clean(self):
        out = self.cli("reconcile")
        assert "MISMATCH" not in out.stdout, out.stdout

    def invariants(self):
        total = self.db.scalar("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries")
        assert int(total) == 0, f"ledger entries sum to {total}"
        negative = self.db.rows("SELECT id, balance FROM ledger_accounts WHERE kind <> 'external' AND balance < 0")
        assert not negative, f"negative balances: {negative}"
        releases = self.db.rows("SELECT tx_id, COUNT(*) FROM ledger_entries e JOIN ledger_transactions t "
                                "ON t.id = e.tx_id WHERE t.kind = 'withdrawal_release' GROUP BY tx_id HAVING COUNT(*) <> 2")
        assert not releases, f"malformed releases: {releases}"
        self.reconcile_clean()


@pytest.fixture
def payouts(dev, tmp_path):
    made = []

    def make(kind: str = "sqlite", **extra_env) -> Payouts:
        p = Payouts(dev, kind, str(tmp_path / f"p{len(made)}"), extra_env)
        made.append(p)
        return p
    dev.set_automine(True)
    yield make
    for p in made:
        p.close()


@pytest.mark.parametrize("kind", BACKENDS)
def test_deposit_request_approve_pays_exactly_the_amount(payouts, dev, kind):
    p = payouts(kind)
    token = p.renter(sender=1, deposit_micro=100 * MICRO)
    ops = p.operator()
    recipient = fresh_address()
    w = p.withdraw(token, 40 * MICRO, recipient)
    assert w["status"] == "requested" and w["approvals"] == 0 and not w["simulated"]
    assert p.available(token) == 60 * MICRO
    approved = p.approve(w["id"], ops)
    assert "approved" in approved.stdout
    wait_for(lambda: p.withdrawal(token, w["id"])["status"] in ("broadcast", "confirmed"), 20, "broadcast",
             servers=[p.server])
    dev.mine(N)
    done = p.wait_status(token, w["id"], "confirmed")
    assert token_balance(dev, dev.usdc, recipient) == 40 * MICRO
    assert done["tx_hash"] and done["nonce"] == 0 and done["confirmations"] >= N
    receipt = dev.receipt(done["tx_hash"])
    assert int(receipt["status"], 16) == 1
    balance = p.server.get("/api/v1/wallets/balance", token=token)
    assert float(balance["total_withdrawn"]) == 40 and float(balance["held"]) == 0
    p.invariants()
