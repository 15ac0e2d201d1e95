"""Test helpers: start devchain.py / fastchain.py as subprocesses and talk to them.

    with DevChain(chain_id=1337, safe_lag=2) as dev:
        token = dev.deploy_token()
        tx = dev.mint(token, deposit_address, 5_000_000)
        dev.reorg(2, reinclude=[tx])

Each server prints `READY <url> [<url>...]` once listening; the helper waits for that
line, and stops the process (SIGTERM, then SIGKILL) on exit. Only 127.0.0.1 is used.
"""
from __future__ import annotations

import http.client
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


class RpcError(Exception):
    """A JSON-RPC error object returned by the server."""

    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message", "")
        self.data = error.get("data")


class HttpError(Exception):
    """A non-200 HTTP answer (429, 5xx)."""

    def __init__(self, status: int, body: bytes):
        super().__init__(f"HTTP {status}: {body[:80]!r}")
        self.status = status
        self.body = body


class Client:
    """A minimal keep-alive JSON-RPC client for one URL (one connection per thread)."""

    def __init__(self, url: str, timeout: float = 30.0):
        parsed = urllib.parse.urlparse(url)
        self.url = url
        self.host, self.port = parsed.hostname, parsed.port
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._local = threading.local()

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def close(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def post(self, payload, timeout: float | None = None):
        """POST a JSON body; returns the decoded JSON, or raises HttpError / OSError."""
        body = json.dumps(payload).encode()
        conn = self._conn()
        if timeout is not None:
            conn.timeout = timeout
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
        try:
            conn.request("POST", "/", body, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        finally:
            if timeout is not None and self._local.conn is not None:
                self._local.conn.timeout = self.timeout
                if self._local.conn.sock is not None:
                    self._local.conn.sock.settimeout(self.timeout)
        if resp.status != 200:
            raise HttpError(resp.status, data)
        return json.loads(data)

    def call(self, method: str, params=None):
        """The full JSON-RPC response object of one call."""
        return self.post({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params or []})

    def rpc(self, method: str, params=None, timeout: float | None = None):
        """The result of one call; raises RpcError on an error object."""
        reply = self.post({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params or []}, timeout)
        if "error" in reply:
            raise RpcError(reply["error"])
        return reply["result"]

    def batch(self, calls):
        """Send [(method, params), ...] as one batch; returns the raw reply list."""
        payload = [{"jsonrpc": "2.0", "id": next(self._ids), "method": m, "params": p} for m, p in calls]
        return self.post(payload)


class _Server:
    script = ""

    def __init__(self, args: list[str], startup_timeout: float = 60.0):
        self.args = args
        self.startup_timeout = startup_timeout
        self.proc = None
        self.urls: list[str] = []

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        cmd = [sys.executable, os.path.join(HERE, self.script), "--port", "0", *self.args]
        # stderr goes to a file: a pipe nobody reads could fill up and stall the server
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        # readline blocks; a watchdog kills a server that never gets ready
        timer = threading.Timer(self.startup_timeout, self.proc.kill)
        timer.start()
        try:
            line = self.proc.stdout.readline()
        finally:
            timer.cancel()
        if not line.startswith("READY "):
            self.stop(keep_stderr=True)
            self._stderr.seek(0)
            err = self._stderr.read().decode(errors="replace")
            self._stderr.close()
            raise RuntimeError(f"{self.script} did not start: {line!r} {err[-2000:]}")
        self.urls = line.split()[1:]
        self.url = self.urls[0]
        self.client = Client(self.url)

    def stop(self, keep_stderr: bool = False):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        if not keep_stderr:
            self._stderr.close()
        self.proc = None

    def rpc(self, method: str, params=None, timeout: float | None = None):
        return self.client.rpc(method, params, timeout)

    def batch(self, calls):
        return self.client.batch(calls)


class DevChain(_Server):
    """devchain.py in a subprocess: an EVM with a configurable chain id."""

    script = "devchain.py"

    def __init__(self, chain_id: int = 1337, safe_lag: int = 0, finalized_lag: int | None = None,
                 ports: int = 1, automine: bool = True):
        args = ["--chain-id", str(chain_id), "--safe-lag", str(safe_lag), "--ports", str(ports)]
        if finalized_lag is not None:
            args += ["--finalized-lag", str(finalized_lag)]
        if not automine:
            args.append("--no-automine")
        super().__init__(args)
        self.chain_id = chain_id

    def head(self) -> int:
        return int(self.rpc("eth_blockNumber"), 16)

    def accounts(self) -> list[dict]:
        return self.rpc("rig_accounts")

    def mine(self, n: int = 1) -> dict:
        return self.rpc("rig_mine", [n])

    def set_automine(self, enabled: bool):
        return self.rpc("rig_setAutomine", [enabled])

    def deploy_token(self, name: str = "USD Coin", symbol: str = "USDC", decimals: int = 6) -> str:
        return self.rpc("rig_deployToken", [name, symbol, decimals])

    def mint(self, token: str, to: str, amount: int) -> str:
        return self.rpc("rig_mint", [token, to, amount])

    def transfer(self, token: str, sender, to: str, amount: int) -> str:
        return self.rpc("rig_transfer", [token, sender, to, amount])

    def mint_and_transfer(self, token: str, sender, to: str, amount: int) -> str:
        return self.rpc("rig_mintAndTransfer", [token, sender, to, amount])

    def blacklist(self, token: str, address: str, blacklisted: bool = True) -> str:
        return self.rpc("rig_blacklist", [token, address, blacklisted])

    def reorg(self, depth: int, **opts) -> dict:
        return self.rpc("rig_reorg", [depth, opts])

    def faults(self, **spec) -> dict:
        return self.rpc("rig_faults", [spec])

    def clear_faults(self, **spec):
        return self.rpc("rig_clearFaults", [spec])

    def stats(self) -> dict:
        return self.rpc("rig_stats")

    def open_port(self) -> str:
        return self.rpc("rig_openPort")["url"]

    def kill_port(self, port: int, mode: str = "refuse") -> dict:
        return self.rpc("rig_killPort", [port, mode])

    def revive_port(self, port: int) -> dict:
        return self.rpc("rig_revivePort", [port])

    def receipt(self, tx_hash: str):
        return self.rpc("eth_getTransactionReceipt", [tx_hash])


class FastChain(_Server):
    """fastchain.py in a subprocess: a synthetic chain of blocks and USDC logs, no EVM."""

    script = "fastchain.py"

    def __init__(self, blocks: int = 1_000_000, logs: int = 100_000, seed: int = 1,
                 token: str | None = None, deposit: str | None = None, range_limit: int | None = None,
                 head_start: int | None = None, block_time: float | None = None, fake_logs: int = 0,
                 chain_id: int = 1337):
        args = ["--blocks", str(blocks), "--logs", str(logs), "--seed", str(seed), "--chain-id", str(chain_id),
                "--fake-logs", str(fake_logs)]
        if token:
            args += ["--token", token]
        if deposit:
            args += ["--deposit", deposit]
        if range_limit:
            args += ["--range-limit", str(range_limit)]
        if head_start is not None:
            args += ["--head-start", str(head_start)]
        if block_time is not None:
            args += ["--block-time", str(block_time)]
        super().__init__(args)

    def info(self) -> dict:
        return self.rpc("rig_info")

    def head(self) -> int:
        return int(self.rpc("eth_blockNumber"), 16)
