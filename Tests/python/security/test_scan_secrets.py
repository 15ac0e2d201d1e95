"""scripts/scan-secrets, the check CI runs over its own logs: it must find every kind of
secret planted in a log, and pass a log of ordinary server output (hashes, addresses,
request ids) without a false alarm, or CI would learn to ignore it."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCANNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "scan-secrets")

KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
PASSWORD = "planted password 8c1f"
API_KEY = "vast-planted-5d2e9a41"

CLEAN = """\
2026-12-02T10:52:44+0000 info gp4u.http: request.id=1622db99072fcbc41fe9e947ce293bc8 status=200 GET /api/v1/wallets/balance
2026-12-02T10:52:45+0000 info gp4u.chain: chain=1337 tx=0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 log=0 credited 25.500000
2026-12-02T10:52:46+0000 notice gp4u.withdrawals: withdrawal=wd_01 to=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed broadcast
POST /api/v1/auth/login 401 invalid_credentials; Authorization header present (not logged)
endpoint=http://127.0.0.1:8545 head=128
"""

PLANTED = [
    ("a planted password", f"error: could not open keystore with password {PASSWORD}\n"),
    ("a planted key, bare", f"debug: key={KEY}\n"),
    ("a planted key, 0x and upper case", f"debug: key=0x{KEY.upper()}\n"),
    ("a planted api key", f"trace: header x-api-key: {API_KEY}\n"),
    ("json web token", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n"),
    ("pem private key", "-----BEGIN EC PRIVATE KEY-----\n"),
    ("bearer credential", "Authorization: Bearer 0123456789abcdefghijklmnop\n"),
    ("api key in a url", "GET https://api.example.com/offers?limit=10&api_key=s3cr3tvalue\n"),
    ("rpc provider key", "endpoint=https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef\n"),
]


def run(tmp_path, log: str) -> subprocess.CompletedProcess:
    planted = tmp_path / "planted.txt"
    planted.write_text(f"{KEY}\n{PASSWORD}\n{API_KEY}\nshort\n")
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    (logs / "server.log").write_text(CLEAN + log)
    return subprocess.run([sys.executable, SCANNER, "--planted", str(planted), str(logs)],
                          capture_output=True, text=True, timeout=30)


def test_ordinary_logs_pass(tmp_path):
    result = run(tmp_path, "")
    assert result.returncode == 0, result.stderr
    assert "clean" in result.stderr


@pytest.mark.parametrize("kind,line", PLANTED, ids=[k for k, _ in PLANTED])
def test_each_planted_secret_fails_the_scan(tmp_path, kind, line):
    result = run(tmp_path, line)
    assert result.returncode == 1, result.stderr
    assert "server.log:6:" in result.stderr, "the hit names the file and line"
    for secret in (KEY, PASSWORD, API_KEY, "s3cr3tvalue"):
        assert secret.lower() not in result.stderr.lower(), "the report never repeats the secret"
