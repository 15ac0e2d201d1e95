"""Fixtures and settings of the web app tests (imported by test_web_app.py; not a
conftest.py, whose module name `conftest` other suites import their helpers by): the dev
chain and `gp4u serve` from the chain rig (Tests/python/chain, imported, not copied), a
provider API that always fails, and headless Chromium.

One dev chain and one server serve the whole module (starting them takes seconds, the
first market sync about 40 s); every test signs up its own users, so tests do not see
each other's money or bookings.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import sys
import tempfile
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "chain"))
sys.path.insert(0, HERE)

GP4U_BIN = os.environ.get("GP4U_BIN")
CHROMIUM_READY = all(os.access(p, os.X_OK) for p in ("/usr/bin/chromium", "/usr/bin/chromedriver"))

CHAIN_ID = 1337
CONFIRMATIONS = 3

# Render's price sheet as a local file: a provider that syncs "live" without a network,
# beside Vast.ai and Akash pointed at a local server that answers 503 (they serve the
# bundled snapshot, and their breakers and retries show on the health page).
RENDER_SHEET = {
    "version": 1, "updated_at": "2026-11-20T00:00:00Z",
    "usd_per_obh": {"1": "0.004", "2": "0.010", "3": "0.040"}, "firm": True,
    "entries": [
        {"id": "rtx4090-t2", "gpu_model": "RTX 4090", "gpu_count": 1, "vram_gb": 24, "obh_per_hour": "12.5",
         "tier": 2, "available": 40, "location": "Global", "reliability": 0.97},
        {"id": "a100-t3", "gpu_model": "A100 PCIe", "gpu_count": 2, "obh_per_hour": "10", "tier": 3, "available": 5},
        {"id": "h100-t3", "gpu_model": "H100 SXM", "gpu_count": 1, "obh_per_hour": "40", "tier": 3, "available": 5},
    ],
}


HOT_PASSWORD = "web test hot wallet password"


def send_ether(dev, to: str, wei: int):
    """Ether for gas, from rig account 0 (the rig mines it at once)."""
    from eth_account import Account
    nonce = int(dev.rpc("eth_getTransactionCount", [dev.addresses[0], "pending"]), 16)
    tx = {"chainId": CHAIN_ID, "nonce": nonce, "to": to, "value": wei, "gas": 21_000,
          "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9, "type": 2}
    raw = Account.sign_transaction(tx, dev.keys[0]).raw_transaction
    dev.rpc("eth_sendRawTransaction", ["0x" + bytes(raw).hex()])


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not GP4U_BIN or not os.access(GP4U_BIN, os.X_OK):
        return "GP4U_BIN is not set to the built gp4u (scripts/test sets it)"
    if not CHROMIUM_READY:
        return "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def dev():
    from rig import DevChain
    with DevChain(chain_id=CHAIN_ID) as d:
        d.usdc = d.deploy_token("USD Coin", "USDC", 6)
        d.keys = [a["privateKey"] for a in d.accounts()]
        d.addresses = [a["address"] for a in d.accounts()]
        yield d


class _Unavailable(http.server.BaseHTTPRequestHandler):
    """A provider API that answers 503 at once, so the failing providers fail fast."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(503)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "11")
        self.end_headers()
        self.wfile.write(b"unavailable")

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def failing_provider():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def server(dev, failing_provider):
    from e2e import Database, Gp4u, plant, wait_for
    from eth_account import Account
    from eth_keyfile import create_keyfile_json
    tmp = tempfile.mkdtemp(prefix="gp4u-web-")
    sheet = os.path.join(tmp, "render-sheet.json")
    with open(sheet, "w") as f:
        json.dump(RENDER_SHEET, f)
    db = Database("sqlite", tmp)
    # The hot wallet: deposits arrive at it and withdrawals are paid from it (a keystore
    # the server unlocks with a password file, and some ether for gas).
    hot = Account.create()
    plant(HOT_PASSWORD, hot.key.hex())
    keystore = os.path.join(tmp, "hot.json")
    with open(keystore, "w") as f:
        json.dump(create_keyfile_json(bytes(hot.key), HOT_PASSWORD.encode(), kdf="scrypt", iterations=1024), f)
    password_file = os.path.join(tmp, "hot.pw")
    with open(password_file, "w") as f:
        f.write(HOT_PASSWORD + "\n")
    send_ether(dev, hot.address, 10**18)
    chain = {"rpc_urls": [dev.url], "usdc": dev.usdc, "deposit": hot.address, "confirmations": CONFIRMATIONS,
             "poll_interval": 0.2, "start_block": dev.head()}
    srv = Gp4u(GP4U_BIN, db, chain, name="gp4u-web")
    srv.extra_env = {
        "GP4U_PUBLIC_URL": f"http://127.0.0.1:{srv.port}",
        "GP4U_SIMULATION": "on", "GP4U_SIMULATION_WITH_CHAINS": "yes",
        # every test signs up its own users from 127.0.0.1
        "GP4U_SIGNUPS_PER_IP_PER_HOUR": "1000",
        "GP4U_PROVIDERS": "vastai,akash,render",
        "GP4U_VASTAI_URL": failing_provider, "GP4U_AKASH_URL": failing_provider,
        "GP4U_RENDER_PRICE_SHEET": sheet, "GP4U_MARKET_SNAPSHOT": "on", "GP4U_SYNC_INTERVAL": "5",
        "GP4U_LOG_LEVEL": "notice",
        f"GP4U_CHAIN_{CHAIN_ID}_HOT_WALLET_KEYSTORE": keystore, "GP4U_HOT_WALLET_PASSWORD_FILE": password_file,
    }
    srv.chain_config = chain
    srv.start()
    try:
        # The first sync round ends when the failing providers have used their retries
        # (about 40 s); then Render's offers are live and have a price history point.
        wait_for(lambda: any(o["source"] == "live" for o in srv.get("/api/v1/gpus/search?provider=render")["items"]),
                 150, "the first sync round (render live)", servers=(srv,), interval=0.5)
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def browser(server):
    from browser import Browser
    b = Browser(server.base)
    yield b
    b.quit()
