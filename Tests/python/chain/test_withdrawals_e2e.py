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

import pytest

GP4U_BIN = os.environ.get("GP4U_BIN")
if not GP4U_BIN:
    pytest.skip("GP4U_BIN is not set (scripts/test sets it to the built gp4u)", allow_module_level=True)

from eth_account import Account  # noqa: E402
from eth_keyfile import create_keyfile_json  # noqa: E402

from devchain import TRANSFER_TOPIC  # noqa: E402
from e2e import MICRO, Database, Gp4u, fresh_address, topic_of, wait_for  # noqa: E402
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

    def cli(self, *args, check: bool = True) -> subprocess.CompletedProcess:
        return self.server.cli(*args, check=check)

    def approve(self, wid: str, operator: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.cli("withdrawals", "approve", wid, "--operator", operator, check=check)

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

    def wait_status(self, token: str, wid: str, status: str, timeout: float = 30.0) -> dict:
        return wait_for(lambda: (w := self.withdrawal(token, wid))["status"] == status and w, timeout,
                        f"withdrawal {wid} to be {status}", servers=[self.server])

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
        cols = ("status", "nonce", "destination", "mined_hash", "hot_wallet")
        r = self.db.rows(f"SELECT {', '.join(cols)} FROM withdrawals WHERE id = '{wid}'")[0]
        out = dict(zip(cols, (nullable(v) for v in r)))
        out["nonce"] = nullable(out["nonce"], int)
        return out

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


# ---------------------------------------------------------------------------
# approvals
# ---------------------------------------------------------------------------

def nothing_sent(p: Payouts, wid: str, *recipients: str):
    """No transaction was signed or sent for `wid` and nobody was paid."""
    w = p.row(wid)
    assert w["nonce"] is None and w["hot_wallet"] is None, w
    assert p.attempts(wid) == [], p.attempts(wid)
    assert p.hot_nonce("pending") == 0
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
        nothing_sent_to = p.payments(recipient)
        assert nothing_sent_to == [] and p.attempts(wid) == []
    releases = p.db.scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'withdrawal_release'")
    assert int(releases) == 2
    balance = p.server.get("/api/v1/wallets/balance", token=token)
    assert p.available(token) == 90 * MICRO and float(balance["held"]) == 0
    assert float(balance["total_withdrawn"]) == 10
    p.invariants()


# ---------------------------------------------------------------------------
# crashes
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("point", CHECKPOINTS)
@pytest.mark.parametrize("kind", BACKENDS)
def test_sigkill_at_every_step_pays_once(payouts, dev, kind, point):
    """The server kills itself (SIGKILL) when the sender reaches `point`, and comes back
    without the hook. Auto-mining is off from the approval on, so what was sent before
    the crash is still pending when the server returns (the node already knows it)."""
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

    p.restart_without_crash()
    if point != "mined":
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
    count = 50
    p = payouts(kind)
    ops = p.operator()
    amounts = [(i + 1) * MICRO for i in range(count)]
    token = p.renter(sender=1, deposit_micro=sum(amounts))
    recipients = [fresh_address() for _ in range(count)]
    ids = [p.withdraw(token, a, r)["id"] for a, r in zip(amounts, recipients)]
    assert p.available(token) == 0

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

    def all_confirmed():
        rows = p.db.rows("SELECT status, COUNT(*) FROM withdrawals GROUP BY status")
        if {str(s): int(n) for s, n in rows} == {"confirmed": count}:
            return True
        dev.mine(1)
        return False
    wait_for(all_confirmed, 90, f"{count} withdrawals confirmed", servers=[p.server], interval=0.5)

    views = {w["id"]: w for w in p.server.get("/api/v1/wallets/withdrawals?limit=100", token=token)["items"]}
    assert sorted(views[wid]["nonce"] for wid in ids) == list(range(count))
    for wid, amount, recipient in zip(ids, amounts, recipients):
        v = views[wid]
        tx = dev.rpc("eth_getTransactionByHash", [v["tx_hash"]])
        assert int(tx["nonce"], 16) == v["nonce"] and tx["from"].lower() == p.hot.address.lower()
        assert token_balance(dev, dev.usdc, recipient) == amount
        pays = p.payments(recipient)
        assert len(pays) == 1 and pays[0]["amount"] == amount and pays[0]["tx"] == v["tx_hash"].lower()
        assert len(p.attempts(wid)) == 1
    assert len(p.payments()) == count
    assert p.hot_nonce("latest") == count
    next_nonce = p.db.scalar("SELECT next_nonce FROM hot_wallet_nonces")
    assert int(next_nonce) == count
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
        a = p.attempts(wid)
        return len(a) >= 2 and a[-1]["broadcast_at"] is not None and p.row(wid)["status"] == "broadcast" and a
    attempts = wait_for(replaced, 15, "a replacement to be signed and sent", servers=[p.server])
    assert attempts[0]["hash"] == first[0]["hash"]
    for old, new in zip(attempts, attempts[1:]):
        assert new["max_fee"] * 8 >= old["max_fee"] * 9 and new["tip"] * 8 >= old["tip"] * 9, (old, new)
        assert new["gas_limit"] == old["gas_limit"]
    latest = dev.rpc("eth_getTransactionByHash", [attempts[-1]["hash"]])
    assert latest is not None and latest["blockHash"] is None and int(latest["nonce"], 16) == 0
    assert dev.rpc("eth_getTransactionByHash", [first[0]["hash"]]) is None  # the node dropped it for the new one
    assert p.hot_nonce("pending") == 1
    assert ("replaced", "sender") in p.audit(wid)

    dev.mine(N)
    dev.set_automine(True)
    done = p.wait_status(token, wid, "confirmed")
    final = p.attempts(wid)
    mined = [a["hash"] for a in final if dev.receipt(a["hash"]) is not None]
    assert len(mined) == 1, f"{len(mined)} of {len(final)} attempts mined"
    assert done["tx_hash"].lower() == mined[0].lower() == final[-1]["hash"].lower()
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
