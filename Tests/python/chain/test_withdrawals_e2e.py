"""End-to-end tests of withdrawals (issue 16): the real `gp4u serve` (env GP4U_BIN) paying
out of a hot wallet on devchain.py, operators approving with the real CLI.

Each test deposits on chain from a linked wallet, asks for withdrawals over the API,
approves them with `gp4u withdrawals approve`, and checks what the chain says (the
recipient's token balance, nonces, receipts) against what the ledger says; it ends with
the ledger invariant and a clean `gp4u reconcile`. The hot wallet is also the deposit
address, so deposits fund payouts and reconciliation must balance to the micro-USDC.

Covered: the exact payment; nothing signed without (matching, distinct, not-own)
approvals; a destination changed after approval voids it; rejected and cancelled requests
release their hold once; a SIGKILL at every durable step of sending pays once; 50
concurrent approvals get 50 unique, gap-free nonces; a stuck transaction is replaced and
one of the pair mines; a reverted transfer fails the withdrawal and releases the hold.

The dev chain is shared by the module; each test has its own hot wallet (so its nonces
start at 0), database and server."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
import time

import pytest

GP4U_BIN = os.environ.get("GP4U_BIN")
if not GP4U_BIN:
    pytest.skip("GP4U_BIN is not set (scripts/test sets it to the built gp4u)", allow_module_level=True)

from eth_account import Account  # noqa: E402
from eth_keyfile import create_keyfile_json  # noqa: E402

from devchain import TRANSFER_TOPIC  # noqa: E402
from e2e import MICRO, Database, Gp4u, fresh_address, plant, topic_of, wait_for  # noqa: E402
from rig import DevChain  # noqa: E402

PG_URL = os.environ.get("GP4U_TEST_DATABASE_URL")
N = 2            # confirmations
POLL = 0.2       # seconds between polls of the watcher and the sender
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="GP4U_TEST_DATABASE_URL is not set"))]
HOT_PASSWORD = "hot wallet test password"
CHECKPOINTS = ["nonce_reserved", "signed", "broadcast", "mined"]   # SendCheckpoint.swift
IN_FLIGHT = ("signed", "broadcast")
RELEASED = ("rejected", "cancelled", "failed")
HOT_ACCOUNT = "external:chain:1337"   # the ledger's side of the hot wallet


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


def nullable(value, convert=lambda v: v):
    """A column value, None for NULL (psql prints NULL as an empty string)."""
    return None if value is None or value == "" else convert(value)


class Payouts:
    """One test's set-up: a fresh hot wallet (keystore on disk, funded with gas), a
    database, a server paying from that wallet, a renter with a linked wallet and an
    operator."""

    def __init__(self, dev, kind: str, tmp: str, extra_env: dict | None = None, rpc_url: str | None = None):
        self.dev = dev
        self.tmp = tmp
        self.db = Database(kind, tmp)
        self.hot = Account.create()
        plant(HOT_PASSWORD, self.hot.key.hex())
        self.keystore = os.path.join(tmp, "hot.json")
        with open(self.keystore, "w") as f:
            json.dump(create_keyfile_json(bytes(self.hot.key), HOT_PASSWORD.encode(), kdf="scrypt", iterations=1024), f)
        self.password_file = os.path.join(tmp, "hot.pw")
        with open(self.password_file, "w") as f:
            f.write(HOT_PASSWORD + "\n")
        send_ether(dev, self.hot.address, 10**18)
        self.chain = {"rpc_urls": [rpc_url or dev.url], "usdc": dev.usdc, "deposit": self.hot.address,
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

    def renter(self, sender: int, deposit_micro: int, email: str | None = None) -> str:
        """A renter who linked rig account `sender` and deposited from it; waits for the
        credit. With `email`, that existing account (an operator, say) does so instead."""
        srv = self.server
        token = srv.login(email) if email else srv.signup(f"renter-{secrets.token_hex(4)}@example.com")
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

    def cancel(self, token: str, wid: str) -> tuple[int, str]:
        return self.server.request("POST", f"/api/v1/wallets/withdrawals/{wid}/cancel", {}, token=token, raw=True)

    def cli(self, *args, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        return self.server.cli(*args, check=check, env=env)

    def approve(self, wid: str, operator: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        return self.cli("withdrawals", "approve", wid, "--operator", operator, check=check, env=env)

    def reject(self, wid: str, operator: str, reason: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.cli("withdrawals", "reject", wid, "--operator", operator, "--reason", reason, check=check)

    def refused(self, proc: subprocess.CompletedProcess, *words: str) -> str:
        """A CLI refusal: non-zero, one line on stderr (`gp4u: ...`) containing `words`."""
        lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        assert proc.returncode != 0, f"expected a refusal, got exit 0: {proc.stdout}"
        assert len(lines) == 1 and lines[0].startswith("gp4u: "), f"not one line: {lines}"
        for w in words:
            assert w in lines[0], f"{w!r} not in {lines[0]!r}"
        return lines[0]

    def wait_status(self, token: str, wid: str, *statuses: str, timeout: float = 30.0) -> dict:
        """Until `wid` is in one of `statuses`; returns its API view."""
        return wait_for(lambda: (w := self.withdrawal(token, wid))["status"] in statuses and w, timeout,
                        f"withdrawal {wid} to be {' or '.join(statuses)}", servers=[self.server])

    def mine_until(self, token: str, wid: str, status: str, timeout: float = 30.0) -> dict:
        """Mines a block each poll (the sender may not have sent yet) until `wid` is `status`."""
        def cond():
            w = self.withdrawal(token, wid)
            if w["status"] == status:
                return w
            self.dev.mine(1)
            return None
        return wait_for(cond, timeout, f"withdrawal {wid} to be {status}", servers=[self.server], interval=0.3)

    def sender_ticks(self, n: int = 5, timeout: float = 20.0):
        """Waits until the sender has gathered the chain's facts `n` more times: it asks
        the node for a tip once a tick, and nothing else in these tests does."""
        def asked():
            return self.dev.stats()["requests"].get("eth_maxPriorityFeePerGas", 0)
        start = asked()
        wait_for(lambda: asked() >= start + n, timeout, f"{n} sender ticks", servers=[self.server])

    # --- processes ---------------------------------------------------------------

    def wait_crashed(self, timeout: float = 30.0):
        """Until the server killed itself at its GP4U_TEST_CRASH_AT checkpoint."""
        srv = self.server
        wait_for(lambda: not srv.alive(), timeout, f"the server to SIGKILL itself at "
                 f"{srv.extra_env.get('GP4U_TEST_CRASH_AT')}", servers=[srv])
        assert srv.proc.returncode == -9, f"exited with {srv.proc.returncode}, not SIGKILL\n{srv.log_tail()}"

    def restart_without_crash(self):
        self.server.extra_env.pop("GP4U_TEST_CRASH_AT", None)
        self.server.start()

    # --- what the database and the chain say ----------------------------------------

    def row(self, wid: str) -> dict:
        cols = ("status", "nonce", "destination", "mined_hash", "hot_wallet", "network_fee")
        r = self.db.rows(f"SELECT {', '.join(cols)} FROM withdrawals WHERE id = '{wid}'")[0]
        out = dict(zip(cols, (nullable(v) for v in r)))
        out["nonce"] = nullable(out["nonce"], int)
        out["network_fee"] = nullable(out["network_fee"], int)
        return out

    def gas_paid(self, tx_hash: str) -> int:
        """What the transaction's gas cost the hot wallet, in wei, as its receipt says."""
        r = self.dev.receipt(tx_hash)
        return int(r["gasUsed"], 16) * int(r["effectiveGasPrice"], 16)

    def attempts(self, wid: str) -> list[dict]:
        """withdrawal_attempts of `wid`, oldest first."""
        return [{"hash": str(h), "max_fee": int(f), "tip": int(t), "gas_limit": int(g),
                 "broadcast_at": nullable(b, int)}
                for h, f, t, g, b in self.db.rows(
                    "SELECT hash, max_fee, max_priority_fee, gas_limit, broadcast_at FROM withdrawal_attempts "
                    f"WHERE withdrawal_id = '{wid}' ORDER BY position")]

    def audit(self, wid: str) -> list[tuple[str, str]]:
        return [(str(a), str(b)) for a, b in self.db.rows(
            f"SELECT action, actor FROM withdrawal_audit WHERE withdrawal_id = '{wid}' ORDER BY seq")]

    def ledger_kinds(self, wid: str) -> list[str]:
        """Kinds of the ledger transactions about `wid` (hold, release, settlement)."""
        return sorted(str(k) for (k,) in self.db.rows(
            "SELECT kind FROM ledger_transactions WHERE id IN "
            f"('withdrawal-hold:{wid}', 'withdrawal-release:{wid}', 'withdrawal:{wid}')"))

    def hot_nonce(self, tag: str = "latest") -> int:
        return int(self.dev.rpc("eth_getTransactionCount", [self.hot.address, tag]), 16)

    def payments(self, to: str | None = None) -> list[dict]:
        """USDC Transfer logs from the hot wallet (to `to`, or anyone) on the canonical chain."""
        logs = self.dev.rpc("eth_getLogs", [{
            "fromBlock": hex(self.chain["start_block"]), "toBlock": "latest", "address": self.dev.usdc,
            "topics": [TRANSFER_TOPIC, topic_of(self.hot.address), topic_of(to) if to else None]}])
        return [{"tx": lg["transactionHash"].lower(), "to": "0x" + lg["topics"][2][-40:],
                 "amount": int(lg["data"], 16)} for lg in logs]

    def paid_once(self, wid: str, recipient: str, micro: int) -> dict:
        """The withdrawal is confirmed and the chain holds exactly one payment for it:
        one Transfer to `recipient` of `micro`, in the transaction the API names, which
        is one of the withdrawal's stored attempts; the ledger settled it once."""
        w = self.row(wid)
        assert w["status"] == "confirmed", w
        pays = self.payments(recipient)
        assert len(pays) == 1, f"{len(pays)} payments to {recipient}: {pays}"
        assert pays[0]["amount"] == micro and pays[0]["tx"] == str(w["mined_hash"]).lower(), (pays, w)
        assert token_balance(self.dev, self.dev.usdc, recipient) == micro
        assert pays[0]["tx"] in [a["hash"].lower() for a in self.attempts(wid)]
        assert w["network_fee"] == self.gas_paid(pays[0]["tx"]), w
        assert self.ledger_kinds(wid) == ["withdrawal", "withdrawal_hold"]
        return w

    def reconcile_clean(self):
        out = self.cli("reconcile")
        assert "MISMATCH" not in out.stdout, out.stdout

    def invariants(self):
        """The ledger sums to zero with no negative balance; every withdrawal's money is
        where its status says (held once; settled once if confirmed, released once if
        rejected, cancelled or failed, neither otherwise); the chain holds one payment
        per confirmed withdrawal and none for any other; once nothing is in flight, the
        hot wallet's nonces are exactly the withdrawals' nonces 0..n-1; reconcile is clean."""
        total = self.db.scalar("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries")
        assert int(total) == 0, f"ledger entries sum to {total}"
        negative = self.db.rows("SELECT id, balance FROM ledger_accounts WHERE kind <> 'external' AND balance < 0")
        assert not negative, f"negative balances: {negative}"
        releases = self.db.rows("SELECT tx_id, COUNT(*) FROM ledger_entries e JOIN ledger_transactions t "
                                "ON t.id = e.tx_id WHERE t.kind = 'withdrawal_release' GROUP BY tx_id HAVING COUNT(*) <> 2")
        assert not releases, f"malformed releases: {releases}"
        moved = {(str(tx), str(acc)): int(total) for tx, acc, total in self.db.rows(
            "SELECT tx_id, account_id, SUM(amount) FROM ledger_entries WHERE tx_id LIKE 'withdrawal%' "
            "GROUP BY tx_id, account_id")}
        kinds = {str(i): str(k) for i, k in self.db.rows(
            "SELECT id, kind FROM ledger_transactions WHERE id LIKE 'withdrawal%'")}
        rows = [(str(i), str(u), int(a), str(st), str(d).lower(), nullable(m, lambda v: str(v).lower()),
                 nullable(n, int))
                for i, u, a, st, d, m, n in self.db.rows(
                    "SELECT id, user_id, amount, status, destination, mined_hash, nonce FROM withdrawals")]
        open_held: dict[str, int] = {}
        for wid, user, amount, status, _, _, _ in rows:
            held = f"held:{user}"
            assert kinds.get(f"withdrawal-hold:{wid}") == "withdrawal_hold" and \
                moved.get((f"withdrawal-hold:{wid}", held)) == amount, f"withdrawal {wid}: hold not booked once"
            settled, released = f"withdrawal:{wid}" in kinds, f"withdrawal-release:{wid}" in kinds
            assert not (settled and released), f"withdrawal {wid} ({status}) both settled and released"
            if status == "confirmed":
                assert settled and moved.get((f"withdrawal:{wid}", held)) == -amount \
                    and moved.get((f"withdrawal:{wid}", HOT_ACCOUNT)) == amount, f"confirmed {wid} not settled once"
            elif status in RELEASED:
                assert released and moved.get((f"withdrawal-release:{wid}", held)) == -amount, \
                    f"{status} {wid} not released once"
            else:
                assert not settled and not released, f"{status} withdrawal {wid} settled or released"
                open_held[held] = open_held.get(held, 0) + amount
        held_now = {str(a): int(b) for a, b in self.db.rows(
            "SELECT account_id, SUM(amount) FROM ledger_entries WHERE tx_id LIKE 'withdrawal%' "
            "AND account_id LIKE 'held:%' GROUP BY account_id")}
        assert {k: v for k, v in held_now.items() if v} == open_held, \
            f"held {held_now}, open withdrawals {open_held}"
        confirmed = {m: (d, a) for _, _, a, st, d, m, _ in rows if st == "confirmed"}
        pays = self.payments()
        assert len(pays) == len(confirmed) and {p["tx"] for p in pays} == set(confirmed), \
            f"{len(pays)} payments on chain for {len(confirmed)} confirmed withdrawals: {pays} {confirmed}"
        for pay in pays:
            assert (pay["to"], pay["amount"]) == confirmed[pay["tx"]], f"payment {pay} != {confirmed[pay['tx']]}"
        if not any(st in IN_FLIGHT for *_, st, _, _, _ in rows):
            nonces = sorted(n for *_, n in rows if n is not None)
            assert nonces == list(range(self.hot_nonce())), \
                f"withdrawal nonces {nonces}, hot wallet sent {self.hot_nonce()} transactions"
        self.reconcile_clean()


@pytest.fixture
def payouts(dev, tmp_path):
    made = []

    def make(kind: str = "sqlite", rpc_url: str | None = None, **extra_env) -> Payouts:
        """A set-up on `kind`'s database with `extra_env`; its server talks to the dev
        chain at `rpc_url` (a port of its own takes faults the test's calls do not see)."""
        p = Payouts(dev, kind, str(tmp_path / f"p{len(made)}"), extra_env, rpc_url)
        made.append(p)
        return p
    dev.set_automine(True)
    yield make
    dev.clear_faults(all=True)
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


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_watcher_passes_a_payout_block_on_a_quiet_chain(payouts, dev, kind):
    """The hot wallet is also the deposit address, so a payout's Transfer sets the bloom
    bits a deposit would. With the payout block at the confirmed tip and no new block
    coming, the watcher must explain the bits by the outgoing log and move its cursor
    past the block, not doubt it (and report logs missing) until the chain moves on."""
    p = payouts(kind)
    token = p.renter(sender=1, deposit_micro=50 * MICRO)
    ops = p.operator()
    w = p.withdraw(token, 20 * MICRO, fresh_address())
    dev.set_automine(False)
    p.approve(w["id"], ops)
    p.wait_status(token, w["id"], "broadcast")
    dev.mine(N)
    dev.set_automine(True)
    p.wait_status(token, w["id"], "confirmed")
    block = int(dev.receipt(p.withdrawal(token, w["id"])["tx_hash"])["blockNumber"], 16)
    assert dev.head() == block + N - 1, "the payout block is the confirmed tip"

    def cursor():
        return int(p.db.scalar("SELECT block_number FROM chain_cursors WHERE chain_id = 1337"))
    wait_for(lambda: cursor() == block, 10, f"the watcher's cursor to reach the payout block {block}",
             servers=[p.server])
    incidents = p.db.rows("SELECT * FROM chain_incidents")
    assert not incidents, incidents

    before = p.available(token)
    dev.transfer(dev.usdc, 1, p.hot.address, 7 * MICRO)
    dev.mine(N)
    wait_for(lambda: p.available(token) == before + 7 * MICRO, 10, "the later deposit to be credited",
             servers=[p.server])
    p.invariants()


# ---------------------------------------------------------------------------
# approvals
# ---------------------------------------------------------------------------

def nothing_sent(p: Payouts, wid: str, *recipients: str, sent: int = 0):
    """No transaction was signed or sent for `wid` and nobody was paid; the hot wallet
    sent `sent` transactions in all."""
    w = p.row(wid)
    assert w["nonce"] is None and w["hot_wallet"] is None, w
    assert p.attempts(wid) == [], p.attempts(wid)
    assert p.hot_nonce("pending") == sent
    for r in recipients:
        assert token_balance(p.dev, p.dev.usdc, r) == 0 and p.payments(r) == []


@pytest.mark.parametrize("kind", BACKENDS)
def test_nothing_is_signed_without_an_approval_and_a_changed_destination_voids_it(payouts, dev, kind):
    p = payouts(kind)
    token = p.renter(sender=1, deposit_micro=100 * MICRO)
    ops = p.operator()
    recipient, attacker = fresh_address(), fresh_address()
    w = p.withdraw(token, 30 * MICRO, recipient)
    p.sender_ticks(5)
    assert p.withdrawal(token, w["id"])["status"] == "requested"
    nothing_sent(p, w["id"], recipient)

    # approved while the sender is down, then the destination is changed behind gp4u's back
    p.server.stop()
    assert "approved" in p.approve(w["id"], ops).stdout
    assert p.row(w["id"])["status"] == "approved"
    p.db.execute(f"UPDATE withdrawals SET destination = '{attacker.lower()}' WHERE id = '{w['id']}'")
    p.server.start()
    wait_for(lambda: ("approval_voided", "sender") in p.audit(w["id"]), 20, "the sender to void the approval",
             servers=[p.server])
    p.sender_ticks(5)
    after = p.withdrawal(token, w["id"])
    assert after["status"] == "requested" and after["approvals"] == 0, after
    assert after["to"].lower() == attacker.lower()
    assert p.audit(w["id"]).count(("approval_voided", "sender")) == 1
    nothing_sent(p, w["id"], recipient, attacker)
    assert p.available(token) == 70 * MICRO

    # back with the operators: one rejects it, and the hold comes back once
    assert "rejected" in p.reject(w["id"], ops, "destination changed after approval").stdout
    assert p.withdrawal(token, w["id"])["status"] == "rejected"
    assert p.available(token) == 100 * MICRO
    assert p.ledger_kinds(w["id"]) == ["withdrawal_hold", "withdrawal_release"]
    nothing_sent(p, w["id"], recipient, attacker)
    p.invariants()


@pytest.mark.parametrize("kind", BACKENDS)
def test_two_person_rule(payouts, dev, kind):
    p = payouts(kind, GP4U_WITHDRAWAL_APPROVALS="2")
    first, second = p.operator(), p.operator()
    token = p.renter(sender=1, deposit_micro=100 * MICRO)
    recipient = fresh_address()
    w = p.withdraw(token, 25 * MICRO, recipient)
    assert w["approvals_required"] == 2

    assert "approval 1 of 2" in p.approve(w["id"], first).stdout
    p.sender_ticks(5)
    one = p.withdrawal(token, w["id"])
    assert one["status"] == "requested" and one["approvals"] == 1, one
    nothing_sent(p, w["id"], recipient)
    p.refused(p.approve(w["id"], first, check=False), "already approved")
    assert p.withdrawal(token, w["id"])["approvals"] == 1

    # an operator who withdraws cannot approve their own request, even with another's approval
    own_token = p.renter(sender=2, deposit_micro=50 * MICRO, email=second)
    own_recipient = fresh_address()
    own = p.withdraw(own_token, 10 * MICRO, own_recipient)
    p.refused(p.approve(own["id"], second, check=False), "own withdrawal")
    assert "approval 1 of 2" in p.approve(own["id"], first).stdout
    p.refused(p.approve(own["id"], second, check=False), "own withdrawal")
    p.sender_ticks(3)
    assert p.withdrawal(own_token, own["id"])["status"] == "requested"
    nothing_sent(p, own["id"], own_recipient)

    assert "approved; the sender will pay" in p.approve(w["id"], second).stdout
    p.mine_until(token, w["id"], "confirmed")
    p.paid_once(w["id"], recipient, 25 * MICRO)
    approvals = [actor for action, actor in p.audit(w["id"]) if action == "approved"]
    assert len(approvals) == 2 and len(set(approvals)) == 2
    assert p.cancel(own_token, own["id"])[0] == 200
    assert p.available(own_token) == 50 * MICRO

    # an operator whose CLI is configured for one approval: the sender holds to its own
    # policy, keeps that approval and waits for a second
    lax_recipient = fresh_address()
    lax = p.withdraw(token, 5 * MICRO, lax_recipient)
    assert "approved; the sender will pay" in p.approve(lax["id"], first, env={"GP4U_WITHDRAWAL_APPROVALS": "1"}).stdout
    wait_for(lambda: ("awaiting_approvals", "sender") in p.audit(lax["id"]), 20, "the sender to ask for more approvals",
             servers=[p.server])
    back = p.withdrawal(token, lax["id"])
    assert back["status"] == "requested" and back["approvals"] == 1, back
    nothing_sent(p, lax["id"], lax_recipient, sent=1)
    assert "approved; the sender will pay" in p.approve(lax["id"], second).stdout
    p.mine_until(token, lax["id"], "confirmed")
    p.paid_once(lax["id"], lax_recipient, 5 * MICRO)
    p.invariants()


@pytest.mark.parametrize("kind", BACKENDS)
def test_rejected_and_cancelled_requests_release_their_hold_once(payouts, dev, kind):
    p = payouts(kind)
    ops = p.operator()
    token = p.renter(sender=1, deposit_micro=100 * MICRO)
    r1, r2, r3 = fresh_address(), fresh_address(), fresh_address()
    cancelled = p.withdraw(token, 20 * MICRO, r1)
    rejected = p.withdraw(token, 30 * MICRO, r2)
    paid = p.withdraw(token, 10 * MICRO, r3)
    assert p.available(token) == 40 * MICRO

    status, body = p.cancel(token, cancelled["id"])
    assert status == 200 and json.loads(body)["status"] == "cancelled", body
    assert p.available(token) == 60 * MICRO
    status, body = p.cancel(token, cancelled["id"])
    assert status == 409, body
    p.refused(p.approve(cancelled["id"], ops, check=False), "cancelled")
    p.refused(p.reject(cancelled["id"], ops, "too late", check=False), "cancelled")

    out = p.reject(rejected["id"], ops, "destination is on a sanctions list").stdout
    assert "30" in out and "released" in out
    r = p.withdrawal(token, rejected["id"])
    assert r["status"] == "rejected" and r["reason"] == "destination is on a sanctions list"
    assert p.available(token) == 90 * MICRO
    p.refused(p.reject(rejected["id"], ops, "again", check=False), "rejected")
    p.refused(p.approve(rejected["id"], ops, check=False), "rejected")
    assert p.cancel(token, rejected["id"])[0] == 409
    assert p.available(token) == 90 * MICRO

    # approved while the sender is down: the owner can no longer cancel
    p.server.stop()
    p.approve(paid["id"], ops)
    dev.set_automine(False)   # what is sent stays pending
    p.server.start()
    status, body = p.cancel(token, paid["id"])
    assert status == 409 and p.withdrawal(token, paid["id"])["status"] in ("approved", "signed", "broadcast"), body
    # signed and sent but not mined: an operator can no longer reject it
    p.wait_status(token, paid["id"], "broadcast")
    p.refused(p.reject(paid["id"], ops, "changed my mind", check=False), "broadcast")
    assert p.cancel(token, paid["id"])[0] == 409
    dev.mine(N)
    dev.set_automine(True)
    p.wait_status(token, paid["id"], "confirmed")
    p.paid_once(paid["id"], r3, 10 * MICRO)
    for wid, recipient in ((cancelled["id"], r1), (rejected["id"], r2)):
        assert p.ledger_kinds(wid) == ["withdrawal_hold", "withdrawal_release"]
        assert p.payments(recipient) == [] and p.attempts(wid) == []
    releases = p.db.scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'withdrawal_release'")
    assert int(releases) == 2
    balance = p.server.get("/api/v1/wallets/balance", token=token)
    assert p.available(token) == 90 * MICRO and float(balance["held"]) == 0
    assert float(balance["total_withdrawn"]) == 10
    p.invariants()


# ---------------------------------------------------------------------------
# crashes
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("point", CHECKPOINTS + ["broadcast, mined while down"])
@pytest.mark.parametrize("kind", BACKENDS)
def test_sigkill_at_every_step_pays_once(payouts, dev, kind, point):
    """The server kills itself (SIGKILL) when the sender reaches `point`, and comes back
    without the hook. Auto-mining is off from the approval on, so what was sent before
    the crash is still pending when the server returns (the node already knows it);
    in the last case it mines while the server is down."""
    mined_while_down = point.endswith("mined while down")
    point = point.split(",")[0]
    p = payouts(kind, GP4U_TEST_CRASH_AT=point)
    ops = p.operator()
    token = p.renter(sender=1, deposit_micro=100 * MICRO)
    recipient = fresh_address()
    w = p.withdraw(token, 42 * MICRO, recipient)
    wid = w["id"]
    dev.set_automine(False)
    p.approve(wid, ops)
    if point == "mined":
        p.wait_status(token, wid, "broadcast")
        dev.mine(N)
    p.wait_crashed()

    row, stored = p.row(wid), p.attempts(wid)
    if point == "nonce_reserved":   # the signing transaction never committed
        assert row["status"] == "approved" and row["nonce"] is None and stored == [], (row, stored)
        assert p.hot_nonce("pending") == 0
    elif point == "signed":         # stored, never sent
        assert row["status"] == "signed" and row["nonce"] == 0 and len(stored) == 1, (row, stored)
        assert p.hot_nonce("pending") == 0
    elif point == "broadcast":      # sent, the broadcast not recorded
        assert row["status"] == "signed" and len(stored) == 1, (row, stored)
        assert p.hot_nonce("pending") == 1 and p.hot_nonce("latest") == 0
    else:                           # mined at depth, the ledger not settled
        assert row["status"] == "broadcast" and len(stored) == 1, (row, stored)
        assert p.hot_nonce("latest") == 1
    assert p.ledger_kinds(wid) == ["withdrawal_hold"]
    if mined_while_down:
        dev.mine(1)
        assert p.hot_nonce("latest") == 1

    p.restart_without_crash()
    if mined_while_down:            # nothing to send: the receipt only needs its depth
        dev.mine(N)
    elif point != "mined":
        p.wait_status(token, wid, "broadcast")
        assert p.hot_nonce("pending") == 1
        dev.mine(N)
    done = p.wait_status(token, wid, "confirmed")
    dev.set_automine(True)
    after = p.attempts(wid)
    assert len(after) == 1, after   # never signed again
    if stored:
        assert after[0]["hash"] == stored[0]["hash"]
    assert done["nonce"] == 0 and done["tx_hash"].lower() == after[0]["hash"].lower()
    p.paid_once(wid, recipient, 42 * MICRO)
    assert p.hot_nonce("latest") == 1
    assert p.available(token) == 58 * MICRO
    p.invariants()


# ---------------------------------------------------------------------------
# many at once
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", BACKENDS)
def test_fifty_concurrent_approvals_get_unique_gap_free_nonces(payouts, dev, kind):
    """50 operators' processes approve at once while the sender runs; auto-mining is off,
    so every transaction waits in one pending block, where the node takes nonce n only
    after n - 1 (no gaps)."""
    count = 50
    p = payouts(kind)
    ops = p.operator()
    amounts = [(i + 1) * MICRO for i in range(count)]
    token = p.renter(sender=1, deposit_micro=sum(amounts))
    recipients = [fresh_address() for _ in range(count)]
    ids = [p.withdraw(token, a, r)["id"] for a, r in zip(amounts, recipients)]
    assert p.available(token) == 0

    dev.set_automine(False)
    results: dict[str, subprocess.CompletedProcess] = {}
    start = threading.Barrier(count)

    def approve(wid):
        start.wait()
        results[wid] = p.approve(wid, ops, check=False)
    threads = [threading.Thread(target=approve, args=(wid,)) for wid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    failed = {wid: (r.returncode, r.stderr.strip()) for wid, r in results.items() if r.returncode != 0}
    assert len(results) == count and not failed, f"approvals failed: {failed}"
    assert all("approved; the sender will pay" in r.stdout for r in results.values())

    def statuses():
        return {str(s): int(n) for s, n in p.db.rows("SELECT status, COUNT(*) FROM withdrawals GROUP BY status")}
    wait_for(lambda: statuses() == {"broadcast": count}, 60, f"{count} withdrawals sent", servers=[p.server])
    assert p.hot_nonce("pending") == count and p.hot_nonce("latest") == 0
    dev.mine(N)
    dev.set_automine(True)
    wait_for(lambda: statuses() == {"confirmed": count}, 30, f"{count} withdrawals confirmed", servers=[p.server])

    views = {w["id"]: w for w in p.server.get("/api/v1/wallets/withdrawals?limit=100", token=token)["items"]}
    assert sorted(views[wid]["nonce"] for wid in ids) == list(range(count))
    pays = {pay["to"]: pay for pay in p.payments()}
    assert len(p.payments()) == len(pays) == count
    attempts = {str(w): int(n) for w, n in p.db.rows(
        "SELECT withdrawal_id, COUNT(*) FROM withdrawal_attempts GROUP BY withdrawal_id")}
    assert attempts == {wid: 1 for wid in ids}
    for wid, amount, recipient in zip(ids, amounts, recipients):
        v = views[wid]
        tx = dev.rpc("eth_getTransactionByHash", [v["tx_hash"]])
        assert int(tx["nonce"], 16) == v["nonce"] and tx["from"].lower() == p.hot.address.lower()
        assert token_balance(dev, dev.usdc, recipient) == amount
        pay = pays[recipient.lower()]
        assert pay["amount"] == amount and pay["tx"] == v["tx_hash"].lower()
    assert p.hot_nonce("latest") == count
    assert int(p.db.scalar("SELECT next_nonce FROM hot_wallet_nonces")) == count
    p.invariants()


# ---------------------------------------------------------------------------
# stuck and reverted transactions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", BACKENDS)
def test_stuck_transaction_is_replaced_and_one_of_the_pair_mines(payouts, dev, kind):
    p = payouts(kind, GP4U_WITHDRAWAL_REPLACE_AFTER="2")
    ops = p.operator()
    token = p.renter(sender=1, deposit_micro=100 * MICRO)
    recipient = fresh_address()
    wid = p.withdraw(token, 33 * MICRO, recipient)["id"]
    dev.set_automine(False)   # the node takes it but no block comes
    p.approve(wid, ops)
    p.wait_status(token, wid, "broadcast")
    first = p.attempts(wid)
    assert len(first) == 1

    def replaced():
        """(attempts, the ones the node knows) once a replacement is sent, read twice so
        that a further replacement in between cannot mix two states."""
        a = p.attempts(wid)
        if len(a) < 2 or a[-1]["broadcast_at"] is None or p.row(wid)["status"] != "broadcast":
            return None
        known = [x["hash"] for x in a if dev.rpc("eth_getTransactionByHash", [x["hash"]]) is not None]
        return (a, known) if p.attempts(wid) == a else None
    attempts, known = wait_for(replaced, 15, "a replacement to be signed and sent", servers=[p.server])
    assert attempts[0]["hash"] == first[0]["hash"]
    for old, new in zip(attempts, attempts[1:]):
        assert new["max_fee"] * 8 >= old["max_fee"] * 9 and new["tip"] * 8 >= old["tip"] * 9, (old, new)
        assert new["gas_limit"] == old["gas_limit"]
    # the node holds only the newest (it dropped each one for the next), with nonce 0
    assert known == [attempts[-1]["hash"]], (known, attempts)
    pending = dev.rpc("eth_getTransactionByHash", [known[0]])
    assert pending["blockHash"] is None and int(pending["nonce"], 16) == 0
    assert p.hot_nonce("pending") == 1
    assert p.audit(wid).count(("replaced", "sender")) == len(attempts) - 1

    dev.mine(N)
    dev.set_automine(True)
    done = p.wait_status(token, wid, "confirmed")
    final = p.attempts(wid)
    mined = [a["hash"] for a in final if dev.receipt(a["hash"]) is not None]
    assert len(mined) == 1, f"{len(mined)} of {len(final)} attempts mined"
    # a replacement, never the first (dropped before the block); one the sender signed
    # after the block came would be refused (nonce too low) and never mine
    assert done["tx_hash"].lower() == mined[0].lower() and mined[0] in [a["hash"] for a in final[1:]]
    assert int(dev.receipt(mined[0])["status"], 16) == 1
    assert done["nonce"] == 0
    p.paid_once(wid, recipient, 33 * MICRO)
    assert p.hot_nonce("latest") == 1
    assert p.available(token) == 67 * MICRO
    p.invariants()


@pytest.mark.parametrize("kind", BACKENDS)
def test_reverted_transfer_fails_and_releases_the_hold_once(payouts, dev, kind):
    """The transaction is signed and stored (the server dies right after), the recipient
    is then blacklisted by the token, and the returning sender re-sends the stored bytes:
    the transfer mines and reverts. The withdrawal fails and its hold comes back once;
    the next withdrawal takes the next nonce."""
    p = payouts(kind, GP4U_TEST_CRASH_AT="signed")
    ops = p.operator()
    token = p.renter(sender=1, deposit_micro=100 * MICRO)
    recipient = fresh_address()
    wid = p.withdraw(token, 40 * MICRO, recipient)["id"]
    p.approve(wid, ops)
    p.wait_crashed()
    stored = p.attempts(wid)
    assert p.row(wid)["status"] == "signed" and len(stored) == 1
    assert int(dev.receipt(dev.blacklist(dev.usdc, recipient))["status"], 16) == 1

    p.restart_without_crash()
    wait_for(lambda: dev.receipt(stored[0]["hash"]), 20, "the stored transaction to be re-sent and mined",
             servers=[p.server])
    assert int(dev.receipt(stored[0]["hash"])["status"], 16) == 0   # reverted
    dev.mine(N)
    failed = p.wait_status(token, wid, "failed")
    assert "revert" in (failed["reason"] or ""), failed
    assert failed["tx_hash"].lower() == stored[0]["hash"].lower() and failed["nonce"] == 0
    assert int(failed["network_fee_wei"]) == p.gas_paid(stored[0]["hash"]) > 0   # the gas was spent all the same
    assert [a["hash"] for a in p.attempts(wid)] == [stored[0]["hash"]]  # re-sent, never re-signed
    assert p.payments(recipient) == [] and token_balance(dev, dev.usdc, recipient) == 0
    assert p.available(token) == 100 * MICRO
    assert p.ledger_kinds(wid) == ["withdrawal_hold", "withdrawal_release"]
    p.sender_ticks(3)   # and it stays that way
    assert p.ledger_kinds(wid) == ["withdrawal_hold", "withdrawal_release"] and p.available(token) == 100 * MICRO
    assert p.hot_nonce("latest") == 1   # the reverted transaction used nonce 0

    other = fresh_address()
    nxt = p.withdraw(token, 15 * MICRO, other)["id"]
    p.approve(nxt, ops)
    done = p.mine_until(token, nxt, "confirmed")
    assert done["nonce"] == 1
    p.paid_once(nxt, other, 15 * MICRO)
    assert p.available(token) == 85 * MICRO
    p.invariants()


# ---------------------------------------------------------------------------
# what a flaky node and a careless operator must not achieve
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", BACKENDS)
def test_a_receipt_the_node_cannot_serve_never_fails_a_paid_withdrawal(payouts, dev, kind):
    """The transfer mines and reaches its depth, but the server's node errors on every
    eth_getTransactionReceipt (a flaky provider). The sender must wait for the receipt:
    failing would release the hold of a withdrawal that was paid (paid twice)."""
    port = dev.open_port()
    p = payouts(kind, rpc_url=port, GP4U_WITHDRAWAL_REPLACE_AFTER="2")
    ops = p.operator()
    token = p.renter(sender=1, deposit_micro=100 * MICRO)
    recipient = fresh_address()
    wid = p.withdraw(token, 20 * MICRO, recipient)["id"]
    dev.faults(kinds=["rpc_error"], methods=["eth_getTransactionReceipt"], port=int(port.rsplit(":", 1)[1]))
    p.approve(wid, ops)
    p.wait_status(token, wid, "broadcast")
    sent = p.attempts(wid)[0]["hash"]
    assert int(dev.receipt(sent)["status"], 16) == 1   # paid (auto-mining), seen on the test's own port
    dev.mine(N)
    # Past the replacement interval with the nonce mined at depth; each tick waits out the
    # pool's retries of the failing receipt call, so a few ticks take several seconds.
    started = time.monotonic()
    p.sender_ticks(3, timeout=60.0)
    assert time.monotonic() - started > 2
    assert p.withdrawal(token, wid)["status"] == "broadcast", p.audit(wid)
    assert p.ledger_kinds(wid) == ["withdrawal_hold"] and p.available(token) == 80 * MICRO
    dev.clear_faults(all=True)
    p.mine_until(token, wid, "confirmed")
    p.paid_once(wid, recipient, 20 * MICRO)
    p.invariants()


@pytest.mark.parametrize("kind", BACKENDS)
def test_an_operator_cannot_reject_their_own_withdrawal(payouts, dev, kind):
    p = payouts(kind)
    ops = p.operator()
    token = p.renter(sender=2, deposit_micro=50 * MICRO, email=ops)
    wid = p.withdraw(token, 10 * MICRO, fresh_address())["id"]
    p.refused(p.reject(wid, ops, "my own", check=False), "own withdrawal")
    assert p.withdrawal(token, wid)["status"] == "requested" and p.available(token) == 40 * MICRO
    assert p.cancel(token, wid)[0] == 200
    p.invariants()
