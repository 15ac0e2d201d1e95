"""schemathesis against `gp4u serve`: requests generated from the OpenAPI document the
server serves, sent as a renter, a provider and an operator, each answer checked for a
5xx, a status the operation does not list, a body that does not match its schema and a
content type the document does not name. CI asks for at least 5,000 cases and 0 failures.

The server runs on SQLite in simulated mode with the bundled market sample and no chain
(nothing is fetched from outside: the one provider configured points at a closed port).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "chain"))

GP4U_BIN = os.environ.get("GP4U_BIN")
SCHEMATHESIS = os.path.join(os.path.dirname(sys.executable), "schemathesis")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"
PASSWORD = "correct horse battery staple"
# Cases per operation and role; 3 roles × ~66 operations × this ≥ 5,000.
EXAMPLES = int(os.environ.get("GP4U_FUZZ_EXAMPLES", "30"))
MIN_CASES = int(os.environ.get("GP4U_FUZZ_MIN_CASES", "5000"))

pytestmark = pytest.mark.skipif(
    not GP4U_BIN or not os.access(GP4U_BIN, os.X_OK), reason="GP4U_BIN is not set to the built gp4u")


def request(base: str, method: str, path: str, body=None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(base + path, data, headers, method=method), timeout=10) as r:
        return json.loads(r.read() or b"{}")


@pytest.fixture(scope="module")
def server():
    from e2e import free_port, wait_for
    tmp = tempfile.mkdtemp(prefix="gp4u-fuzz-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GP4U_")}
    env.update({
        "GP4U_DATA_DIR": os.path.join(tmp, "data"), "GP4U_PORT": str(port), "GP4U_HOST": "127.0.0.1",
        "GP4U_JWT_SECRET": "fuzz-test-secret-0123456789abcdef-0123456789", "GP4U_SIMULATION": "on",
        "GP4U_MARKET_SNAPSHOT": "on", "GP4U_PROVIDERS": "vastai", "GP4U_VASTAI_URL": "http://127.0.0.1:9",
        "GP4U_LOG_LEVEL": "warning", "GP4U_SIGNUPS_PER_IP_PER_HOUR": "100000",
    })
    log = open(os.path.join(tmp, "gp4u.log"), "ab")

    def cli(*args: str):
        subprocess.run([GP4U_BIN, *args], env=env, check=True, stdout=log, stderr=subprocess.STDOUT)

    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    cli("migrate")
    cli("users", "create", "--email", "operator@fuzz.example", "--role", "operator", "--password-file", pw)
    cli("users", "create", "--email", "provider@fuzz.example", "--role", "provider", "--password-file", pw)
    proc = subprocess.Popen([GP4U_BIN, "serve"], env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def healthy():
        try:
            return urllib.request.urlopen(base + "/health", timeout=1).status == 200
        except OSError:
            return False
    try:
        wait_for(healthy, 30, "gp4u serve answering /health")
        yield base, tmp
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def login(base: str, email: str) -> str:
    return request(base, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})["access_token"]


def test_schemathesis_finds_nothing(server):
    base, tmp = server
    request(base, "POST", "/api/v1/auth/signup", {"email": "renter@fuzz.example", "password": PASSWORD})
    tokens = {role: login(base, f"{role}@fuzz.example") for role in ("renter", "provider", "operator")}
    # Money, so bookings and withdrawals can get past the balance check.
    request(base, "POST", "/api/v1/wallets/deposit", {"amount": "500.00"}, tokens["renter"])
    total, failures, outputs = 0, [], []
    for role, token in tokens.items():
        report = os.path.join(tmp, f"report-{role}.json")
        run = subprocess.run(
            [SCHEMATHESIS, "run", base + "/api/v1/openapi.json", "--checks", CHECKS,
             "-H", f"Authorization: Bearer {token}", "--max-examples", str(EXAMPLES), "--seed", "20261207",
             # One worker: Hypothesis' own caches are not safe across threads.
             "--workers", "1", "--no-color", "--continue-on-failure",
             # The session's own end: a logout or password change would sign the rest out.
             "--exclude-path", "/api/v1/auth/logout", "--exclude-path", "/api/v1/auth/password",
             "--report", "json", "--report-json-path", report],
            capture_output=True, text=True, timeout=1800, cwd=tmp)  # its .schemathesis cache stays out of the tree
        outputs.append(f"--- {role}\n{run.stdout[-6000:]}\n{run.stderr[-2000:]}")
        with open(report) as f:
            summary = json.load(f)
        total += cases_in(summary)
        if run.returncode != 0:
            failures.append(role)
    print("\n".join(outputs))
    print(f"schemathesis: {total} cases over 3 roles")
    assert not failures, f"schemathesis failed as {failures}:\n" + "\n".join(outputs)
    assert total >= MIN_CASES, f"only {total} cases; raise GP4U_FUZZ_EXAMPLES"


def cases_in(report: dict) -> int:
    """The number of test cases the run report says were sent."""
    return report["test_cases"]["generated"]
