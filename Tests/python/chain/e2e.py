"""Helpers for the ChainWatcher end-to-end tests (test_watcher_e2e.py): the real `gp4u`
binary against devchain.py.

- `Gp4u`: one `gp4u serve` process (start, wait for /health, SIGTERM, SIGKILL, restart
  on the same data), its HTTP API (signup, login, SIWE wallet linking, balances,
  deposits, /ready) and its CLI (`users create`, `chain status`, `chain resume`).
- `Database`: a fresh SQLite folder or PostgreSQL database per test, with the ledger
  and deposit queries the invariant checks need (`sqlite3` / the `psql` CLI).
- `expected_credits` / `check_invariants`: what the dev chain says must be credited,
  and the ledger invariant of issue 7.

Every wait has a timeout; a failed wait raises AssertionError with the server logs' tail.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_checksum_address

from devchain import TRANSFER_TOPIC

CHAIN_ID = 1337
JWT_SECRET = "e2e-test-secret-0123456789abcdef-0123456789abcdef"
PASSWORD = "correct horse battery staple"
MICRO = 10**6
# Provider key given to every server: it goes out in a header and must never be logged.
VAST_API_KEY = "vast-e2e-planted-7f3c9a2d41"

# Where servers' logs are kept for CI's secret scan (scripts/scan-secrets); a temporary
# folder beside each test's data when unset.
LOG_DIR = os.environ.get("GP4U_TEST_LOG_DIR")
SERVER_LOG_LEVEL = os.environ.get("GP4U_TEST_SERVER_LOG_LEVEL", "info")


def plant(*secrets: str):
    """Records secrets the tests hand to gp4u, so CI's scan can prove none reached a log."""
    if LOG_DIR:
        os.makedirs(LOG_DIR, exist_ok=True)
        with open(os.path.join(LOG_DIR, "planted-secrets.txt"), "a") as f:
            f.writelines(s + "\n" for s in secrets)


plant(JWT_SECRET, PASSWORD, VAST_API_KEY)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_address() -> str:
    return to_checksum_address("0x" + secrets.token_hex(20))


def topic_of(address: str) -> str:
    return "0x" + "0" * 24 + address[2:].lower()


def wait_for(cond, timeout: float, what: str, servers=(), interval: float = 0.1):
    """Polls `cond()` until it returns a truthy value (returned); on timeout raises
    AssertionError naming `what`, the last value or exception, and the logs' tail."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = cond()
            if last:
                return last
        except Exception as exc:  # noqa: BLE001 - reported on timeout
            last = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}\n" + logs_of(servers))
        time.sleep(interval)


def logs_of(servers, lines: int = 60) -> str:
    return "\n".join(s.log_tail(lines) for s in servers)


# ---------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------

class Database:
    """Where one test's gp4u keeps its data: SQLite under `data_dir`, or a fresh
    PostgreSQL database created from GP4U_TEST_DATABASE_URL (dropped on `drop`)."""

    def __init__(self, kind: str, tmp: str):
        self.kind = kind
        self.data_dir = os.path.join(tmp, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.url = ""
        self.admin_url = None
        if kind == "postgres":
            base = os.environ["GP4U_TEST_DATABASE_URL"]
            self.name = "gp4u_e2e_" + secrets.token_hex(6)
            self.admin_url = base
            psql(base, f"CREATE DATABASE {self.name}")
            parts = urllib.parse.urlsplit(base)
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))

    def env(self) -> dict:
        return {"GP4U_DATA_DIR": self.data_dir, "GP4U_DATABASE_URL": self.url}

    def rows(self, sql: str) -> list[tuple]:
        """Rows of a query, values as strings (PostgreSQL) or native (SQLite): use
        `int(...)`/`str(...)` on them."""
        if self.kind == "sqlite":
            path = os.path.join(self.data_dir, "gp4u.sqlite")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
            try:
                return conn.execute(sql).fetchall()
            finally:
                conn.close()
        out = psql(self.url, sql, fields=True)
        return [tuple(line.split("\x1f")) for line in out.splitlines() if line != ""]

    def scalar(self, sql: str):
        rows = self.rows(sql)
        return rows[0][0] if rows else None

    def execute(self, sql: str) -> None:
        """Runs one writing statement behind gp4u's back (tests that tamper with rows)."""
        if self.kind == "sqlite":
            conn = sqlite3.connect(os.path.join(self.data_dir, "gp4u.sqlite"), timeout=10)
            try:
                with conn:
                    conn.execute(sql)
            finally:
                conn.close()
            return
        psql(self.url, sql)

    def drop(self):
        if self.kind == "postgres":
            try:
                psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            except Exception:  # noqa: BLE001 - best effort clean-up
                pass

    # --- what the invariant checks read -------------------------------------------

    def deposits(self) -> dict[tuple[str, int], dict]:
        """chain_deposits as {(tx_hash, log_index): {amount, status, user_id, ledger_tx_id}}."""
        out = {}
        for tx, li, amount, status, user, ltx in self.rows(
                f"SELECT tx_hash, log_index, amount, status, user_id, ledger_tx_id FROM chain_deposits "
                f"WHERE chain_id = {CHAIN_ID}"):
            key = (str(tx).lower(), int(li))
            assert key not in out, f"duplicate deposit key {key}"
            out[key] = {"amount": int(amount), "status": str(status), "user_id": user or None, "ledger_tx_id": str(ltx)}
        return out


def psql(url: str, sql: str, fields: bool = False) -> str:
    cmd = ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]
    if fields:
        cmd[4:4] = ["-F", "\x1f"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        raise RuntimeError(f"psql failed ({proc.returncode}): {proc.stderr.strip()} for {sql!r}")
    return proc.stdout


# ---------------------------------------------------------------------------
# The gp4u binary
# ---------------------------------------------------------------------------

class HTTPFailure(Exception):
    def __init__(self, status: int, body: str, what: str):
        super().__init__(f"{what}: HTTP {status}: {body[:500]}")
        self.status = status
        self.body = body


class Gp4u:
    """One `gp4u serve` on 127.0.0.1 with the dev chain configured; its log (stdout and
    stderr of every run, appended) is in `log_path`."""

    def __init__(self, binary: str, db: Database, chain: dict, name: str = "gp4u", extra_env: dict | None = None):
        self.binary = binary
        self.db = db
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(LOG_DIR or os.path.dirname(db.data_dir), f"{name}-{self.port}.log")
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.chain = dict(chain)
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self.runs = 0

    # --- environment and processes ------------------------------------------------

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GP4U_")}
        env.update({
            "GP4U_PORT": str(self.port), "GP4U_HOST": "127.0.0.1",
            "GP4U_LOG_LEVEL": SERVER_LOG_LEVEL, "GP4U_PUBLIC_URL": f"http://localhost:{self.port}",
            "GP4U_JWT_SECRET": JWT_SECRET,
            "GP4U_PROVIDERS": "vastai", "GP4U_VASTAI_URL": "http://127.0.0.1:9", "GP4U_MARKET_SNAPSHOT": "off",
            "GP4U_VASTAI_API_KEY": VAST_API_KEY,
            "GP4U_CHAINS": str(CHAIN_ID),
        })
        env.update(self.db.env())
        p = f"GP4U_CHAIN_{CHAIN_ID}_"
        c = self.chain
        env.update({
            p + "RPC_URLS": ",".join(c["rpc_urls"]), p + "USDC": c["usdc"],
            p + "DEPOSIT_ADDRESS": c["deposit"], p + "CONFIRMATIONS": str(c["confirmations"]),
            p + "POLL_INTERVAL": str(c.get("poll_interval", 0.2)), p + "START_BLOCK": str(c.get("start_block", 0)),
        })
        env.update(self.extra_env)
        return env

    def start(self, wait: bool = True, timeout: float = 30.0):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.runs += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== {self.name} run {self.runs} at {time.strftime('%H:%M:%S')} =====\n".encode())
            log.flush()
            self.proc = subprocess.Popen([self.binary, "serve"], env=self.env(), cwd=os.path.dirname(self.db.data_dir),
                                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if wait:
            self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 30.0):
        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.proc.returncode}\n{self.log_tail()}")
            return self.get("/health", raw=True)[0] == 200
        deadline = time.monotonic() + timeout
        while True:
            try:
                if up():
                    return
            except AssertionError:
                raise
            except Exception:  # noqa: BLE001 - not listening yet
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} not healthy after {timeout}s\n{self.log_tail()}")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILL, no clean-up (a crash)."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def restart(self):
        self.stop()
        return self.start()

    def log_tail(self, lines: int = 60) -> str:
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return f"--- {self.name}: no log"
        # successful request lines (the tests poll /ready and the wallet routes) hide the rest
        kept = [ln for ln in text.splitlines() if not ("[Server] request" in ln and "http.status=2" in ln)]
        tail = "\n".join(kept[-lines:])
        return f"--- {self.name} log tail, without 2xx requests ({self.log_path}):\n{tail}"

    # --- HTTP -------------------------------------------------------------------

    def request(self, method: str, path: str, body=None, token: str | None = None, raw: bool = False,
                form: bool = False, timeout: float = 10.0):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode(errors="replace")
        if raw:
            return status, text
        if status >= 300:
            raise HTTPFailure(status, text, f"{method} {path}")
        return json.loads(text) if text else None

    def get(self, path, token=None, raw=False):
        return self.request("GET", path, token=token, raw=raw)

    def post(self, path, body=None, token=None):
        return self.request("POST", path, body if body is not None else {}, token=token)

    def ready(self) -> dict:
        """/ready's body (also when it answers 503 for "degraded")."""
        status, text = self.request("GET", "/ready", raw=True)
        return json.loads(text)

    def chain_state(self) -> dict | None:
        for c in self.ready().get("chains") or []:
            if int(c.get("chain_id")) == CHAIN_ID:
                return c
        return None

    def wait_chain(self, pred, timeout: float, what: str, others=()):
        """Waits until /ready's entry for the dev chain satisfies `pred`; returns it."""
        def cond():
            c = self.chain_state()
            return c if c is not None and pred(c) else None
        return wait_for(cond, timeout, f"{self.name}: {what}", servers=(self, *others))

    def wait_head(self, head: int, timeout: float = 15.0, state: str = "watching"):
        """Until the watcher has seen the chain's head `head` (and is in `state`)."""
        return self.wait_chain(lambda c: c.get("head") is not None and int(c["head"]) >= head
                               and (state is None or c.get("state") == state),
                               timeout, f"watcher at head {head} ({state})")

    # --- accounts ---------------------------------------------------------------

    def signup(self, email: str) -> str:
        self.post("/api/v1/auth/signup", {"email": email, "password": PASSWORD})
        return self.login(email)

    def login(self, email: str) -> str:
        try:
            return self.post("/api/v1/auth/login", {"email": email, "password": PASSWORD})["access_token"]
        except HTTPFailure as err:  # OAuth2 password form, as the smoke test logs in
            if err.status not in (400, 415, 422):
                raise
            return self.request("POST", "/api/v1/auth/login", {"username": email, "password": PASSWORD},
                                form=True)["access_token"]

    def link_wallet(self, token: str, private_key: str) -> str:
        """SIWE-links the key's address to the caller; returns the checksummed address."""
        account = Account.from_key(private_key)
        n = self.request("POST", "/api/v1/auth/siwe/nonce", {}, token=token)
        message = "\n".join([
            f"{n['scheme']}://{n['domain']} wants you to sign in with your Ethereum account:",
            account.address,
            "",
            "Link this wallet to my GP4U account.",
            "",
            f"URI: {n['uri']}",
            "Version: 1",
            f"Chain ID: {CHAIN_ID}",
            f"Nonce: {n['nonce']}",
            f"Issued At: {n['issued_at']}",
        ])
        sig = Account.sign_message(encode_defunct(text=message), private_key).signature
        self.post("/api/v1/auth/siwe/verify", {"message": message, "signature": "0x" + bytes(sig).hex()}, token=token)
        return account.address

    def balance_micro(self, token: str) -> dict:
        b = self.get("/api/v1/wallets/balance", token=token)
        return {k: int(Decimal(str(b[k])) * MICRO) for k in ("available", "held", "total_deposited") if k in b}

    def deposits(self, token: str) -> list[dict]:
        return self.get("/api/v1/wallets/deposits?limit=200", token=token)["items"]

    def deposit_of(self, token: str, tx_hash: str) -> dict | None:
        for d in self.deposits(token):
            if d["tx_hash"].lower() == tx_hash.lower():
                return d
        return None

    # --- CLI --------------------------------------------------------------------

    def cli(self, *args: str, check: bool = True, timeout: float = 60.0,
            env: dict | None = None) -> subprocess.CompletedProcess:
        """`gp4u args` with the server's environment, `env` overriding it."""
        proc = subprocess.run([self.binary, *args], env={**self.env(), "GP4U_LOG_LEVEL": "info", **(env or {})},
                              cwd=os.path.dirname(self.db.data_dir),
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        with open(self.log_path, "a") as log:  # scanned for secrets like the server's own output
            log.write(f"\n===== gp4u {' '.join(args)} (exit {proc.returncode}) =====\n{proc.stdout}{proc.stderr}")
        if check and proc.returncode != 0:
            raise AssertionError(f"gp4u {' '.join(args)} exited {proc.returncode}: {proc.stderr}{proc.stdout}\n"
                                 + self.log_tail())
        return proc

    def create_operator(self, email: str) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".pw", delete=False) as f:
            f.write(PASSWORD + "\n")
        try:
            self.cli("users", "create", "--email", email, "--role", "operator", "--password-file", f.name)
        finally:
            os.unlink(f.name)
        return email


# ---------------------------------------------------------------------------
# Expectations from the dev chain, and the ledger invariant
# ---------------------------------------------------------------------------

def chain_transfers(dev, token: str, deposit: str, from_block: int = 0, to_block: int | None = None) -> dict:
    """Token Transfer logs to `deposit` on the canonical chain, as
    {(tx_hash, log_index): {amount, block, from}}."""
    to = "latest" if to_block is None else hex(to_block)
    logs = dev.rpc("eth_getLogs", [{"fromBlock": hex(from_block), "toBlock": to, "address": token,
                                    "topics": [TRANSFER_TOPIC, None, topic_of(deposit)]}])
    out = {}
    for log in logs:
        key = (log["transactionHash"].lower(), int(log["logIndex"], 16))
        assert key not in out
        out[key] = {"amount": int(log["data"], 16), "block": int(log["blockNumber"], 16),
                    "from": "0x" + log["topics"][1][-40:]}
    return out


def expected_credits(dev, chain: dict) -> dict:
    """The transfers with at least N confirmations at the dev chain's current head."""
    head = dev.head()
    last = head - chain["confirmations"] + 1
    if last < chain.get("start_block", 0):
        return {}
    return chain_transfers(dev, chain["usdc"], chain["deposit"], chain.get("start_block", 0), last)


def credited_matches(db: Database, expected: dict) -> bool:
    got = db.deposits()
    return {k: v["amount"] for k, v in got.items()} == {k: v["amount"] for k, v in expected.items()}


def wait_settled(dev, db: Database, chain: dict, servers, timeout: float = 30.0) -> dict:
    """Until chain_deposits holds exactly the transfers with >= N confirmations (the chain
    must be idle). Returns the expected set."""
    def cond():
        exp = expected_credits(dev, chain)
        return (exp or True) if credited_matches(db, exp) else None
    try:
        wait_for(cond, timeout, "credited deposits == confirmed transfers on the dev chain", servers=servers)
    except AssertionError as err:
        exp, got = expected_credits(dev, chain), db.deposits()
        missing = sorted((v["block"], k[0]) for k, v in exp.items() if k not in got)
        extra = sorted(k for k in got if k not in exp)
        raise AssertionError(f"{len(got)} credited, {len(exp)} confirmed on chain (head {dev.head()}); "
                             f"missing (block, tx) {missing[:20]}{' ...' if len(missing) > 20 else ''}; "
                             f"credited but not confirmed {extra[:20]}\n{err}") from None
    return expected_credits(dev, chain)


def check_invariants(dev, db: Database, chain: dict, servers=()) -> dict:
    """Issue 7's ledger invariant: entries sum to zero; no negative balance except
    external accounts; each account's balance is the sum of its entries; every deposit
    is booked once, in its own ledger transaction, for its amount; and the credited
    set (keys and amounts) is exactly the token's Transfers to the deposit address with
    >= N confirmations on the canonical chain. Returns the deposits."""
    ctx = "\n" + logs_of(servers, 30) if servers else ""
    total = db.scalar("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries")
    assert int(total) == 0, f"ledger entries sum to {total}, not 0{ctx}"
    negative = db.rows("SELECT id, kind, balance FROM ledger_accounts WHERE kind <> 'external' AND balance < 0")
    assert not negative, f"negative balances: {negative}{ctx}"
    drift = db.rows("SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) FROM ledger_accounts a "
                    "LEFT JOIN ledger_entries e ON e.account_id = a.id GROUP BY a.id, a.balance "
                    "HAVING a.balance <> COALESCE(SUM(e.amount), 0)")
    assert not drift, f"account balances differ from their entries: {drift}{ctx}"
    deposits = db.deposits()
    ltx = [d["ledger_tx_id"] for d in deposits.values()]
    assert len(ltx) == len(set(ltx)), f"deposits share ledger transactions{ctx}"
    booked = {str(tx): int(s) for tx, s in db.rows(
        f"SELECT e.tx_id, SUM(e.amount) FROM ledger_entries e JOIN chain_deposits d ON d.ledger_tx_id = e.tx_id "
        f"WHERE d.chain_id = {CHAIN_ID} AND e.amount > 0 AND e.account_id NOT LIKE 'external:%' GROUP BY e.tx_id")}
    for key, d in deposits.items():
        # a deposit assigned out of suspense later moves it once more; none of these tests assign
        assert booked.get(d["ledger_tx_id"]) == d["amount"], \
            f"deposit {key} of {d['amount']} is booked as {booked.get(d['ledger_tx_id'])}{ctx}"
    expected = expected_credits(dev, chain)
    got = {k: v["amount"] for k, v in deposits.items()}
    want = {k: v["amount"] for k, v in expected.items()}
    missing = {k: v for k, v in want.items() if k not in got}
    extra = {k: v for k, v in got.items() if k not in want}
    wrong = {k: (got[k], want[k]) for k in got.keys() & want.keys() if got[k] != want[k]}
    assert not (missing or extra or wrong), \
        f"credited != confirmed transfers: missing {missing}, not on chain/unconfirmed {extra}, wrong {wrong}{ctx}"
    assert sum(got.values()) == sum(want.values())
    return deposits
