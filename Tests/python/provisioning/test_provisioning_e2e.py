"""Bookings that deliver a machine, end to end: the real `gp4u serve` renting from the
Vast fixture (vast_fixture.py) on SQLite and PostgreSQL.

Book → a machine is rented (found by label first) → the owner sees how to connect, nobody
else sees the booking → cancel → destroyed. The provider refusing (offer gone) refunds the
booking in full and withdraws the offer; a machine that dies refunds the unused hours;
SIGKILL of the server while the provider is answering a rental still makes exactly one
machine per booking and destroys it exactly once.
"""
from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import subprocess
import sys
import time

import pytest

GP4U_BIN = os.environ.get("GP4U_BIN")
if not GP4U_BIN:
    pytest.skip("GP4U_BIN is not set (scripts/test sets it to the built gp4u)", allow_module_level=True)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chain"))
from e2e import JWT_SECRET, MICRO, SERVER_LOG_LEVEL, VAST_API_KEY, Database, Gp4u, HTTPFailure, wait_for  # noqa: E402
from vast_rig import VastFixture  # noqa: E402

PG_URL = os.environ.get("GP4U_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="GP4U_TEST_DATABASE_URL is not set"))]
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2 renter@laptop"
HOUR = 3600


class MachineServer(Gp4u):
    """`gp4u serve` in simulated mode, renting machines from the fixture
    (GP4U_RENT_IN_SIMULATION=yes), polling every second."""

    def __init__(self, db: Database, vast_url: str):
        super().__init__(GP4U_BIN, db, chain={}, name="gp4u-machines")
        self.vast_url = vast_url

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GP4U_")}
        env.update({
            "GP4U_PORT": str(self.port), "GP4U_HOST": "127.0.0.1", "GP4U_LOG_LEVEL": SERVER_LOG_LEVEL,
            "GP4U_PUBLIC_URL": f"http://localhost:{self.port}", "GP4U_JWT_SECRET": JWT_SECRET,
            "GP4U_PROVIDERS": "vastai", "GP4U_VASTAI_URL": self.vast_url, "GP4U_VASTAI_API_KEY": VAST_API_KEY,
            "GP4U_MARKET_SNAPSHOT": "off", "GP4U_SYNC_INTERVAL": "3600",
            "GP4U_RENT_IN_SIMULATION": "yes", "GP4U_PROVISION_INTERVAL": "1", "GP4U_MACHINE_HEALTH_INTERVAL": "2",
        })
        env.update(self.db.env())
        return env

    def cli(self, *args) -> subprocess.CompletedProcess:
        """An operator command on this server's database and configuration."""
        return subprocess.run([GP4U_BIN, *args], env=self.env(), capture_output=True, text=True,
                              cwd=os.path.dirname(self.db.data_dir), timeout=30)

    def put(self, path, body, token):
        return self.request("PUT", path, body, token=token)

    def renter(self, email: str, key: bool = True) -> str:
        token = self.signup(email)
        self.post("/api/v1/wallets/deposit", {"amount": "100"}, token=token)
        if key:
            me = self.put("/api/v1/auth/me", {"ssh_public_key": SSH_KEY}, token)
            assert me["ssh_key_fingerprint"] == "SHA256:ryeyNJmoKoneYQhClS/97amOTzPz+ZOD+ApHHeOXV5M"
        return token

    def offer(self) -> dict:
        """The cheapest bookable Vast offer, once the first sync has listed them."""
        def listed():
            items = self.get("/api/v1/gpus/search?provider=vastai&sort=price")["items"]
            return [o for o in items if o["available"] and o["bookable"]]
        return wait_for(listed, 30, "the fixture's offers in the market", servers=(self,))[0]

    def book(self, token: str, gpu_id: str, hours: int = 3, **extra) -> dict:
        """Books `hours` from the current hour (so the machine is rented at once); near the
        end of an hour it waits for the next, so the start cannot pass into the past."""
        if HOUR - int(time.time()) % HOUR < 15:
            time.sleep(HOUR - int(time.time()) % HOUR + 1)
        now = int(time.time())
        start = now - now % HOUR
        fmt = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self.post("/api/v1/reservations",
                         {"gpu_id": gpu_id, "start_time": fmt(start), "end_time": fmt(start + hours * HOUR), **extra},
                         token=token)

    def machine(self, token: str, rid: str, status: str, timeout: float = 60) -> dict:
        def reached():
            m = self.get(f"/api/v1/reservations/{rid}", token=token)["machine"]
            return m if m and m["status"] == status else None
        return wait_for(reached, timeout, f"machine of {rid} {status}", servers=(self,), interval=0.3)


@contextlib.contextmanager
def serving(backend: str, tmp_path, offers: list[dict]):
    """The fixture with these offers and a server renting from it, listed in its market."""
    with VastFixture(api_key=VAST_API_KEY, loading_polls=1, offers=offers) as vast:
        db = Database(backend, str(tmp_path))
        server = MachineServer(db, vast.url).start()
        try:
            wait_for(lambda: len(server.get("/api/v1/gpus/search?provider=vastai")["items"]) == len(offers), 30,
                     f"{len(offers)} offers listed", servers=(server,))
            yield vast, server
        finally:
            server.stop()
            if backend == "postgres":
                db.drop()


@pytest.fixture
def vast():
    with VastFixture(api_key=VAST_API_KEY, loading_polls=2) as fixture:
        yield fixture


@pytest.fixture(params=BACKENDS)
def server(request, tmp_path, vast):
    db = Database(request.param, str(tmp_path))
    s = MachineServer(db, vast.url).start()
    yield s
    s.stop()
    if request.param == "postgres":
        db.drop()


def available_micro(server: MachineServer, token: str) -> int:
    return int(round(float(server.get("/api/v1/wallets/balance", token=token)["available"]) * MICRO))


def test_a_booking_gets_a_machine_for_its_owner_and_releases_it(server, vast):
    alice = server.renter("alice@example.com", key=False)
    offer = server.offer()
    with pytest.raises(HTTPFailure) as refused:
        server.book(alice, offer["id"])
    assert refused.value.status == 422 and "ssh_key_required" in refused.value.body
    server.put("/api/v1/auth/me", {"ssh_public_key": SSH_KEY}, alice)

    r = server.book(alice, offer["id"])
    m = server.machine(alice, r["id"], "running")
    assert m["ssh_user"] == "root" and m["ssh_host"] and isinstance(m["ssh_port"], int)
    assert m["provider_instance_id"]
    state = vast.state()
    assert state["counts"]["creates"] == {r["id"]: 1}
    instance = next(i for i in state["instances"] if str(i["id"]) == m["provider_instance_id"])
    assert instance["label"] == r["id"]

    # The operator's view names the provider's instance.
    shown = server.cli("machines", "show", r["id"])
    assert shown.returncode == 0, shown.stderr
    assert "running" in shown.stdout and m["provider_instance_id"] in shown.stdout
    listed = server.cli("machines", "list", "--state", "running")
    assert r["id"] in listed.stdout
    # Reconcile sets what bookings captured for Vast beside the credit Vast reports left.
    reconciled = server.cli("reconcile")
    assert reconciled.returncode == 0, reconciled.stderr
    assert "upstream vastai:" in reconciled.stdout and "1 machines live" in reconciled.stdout
    assert "provider credit left 2" in reconciled.stdout, reconciled.stdout  # the fixture starts at $25

    bob = server.renter("bob@example.com")
    status, _ = server.get(f"/api/v1/reservations/{r['id']}", token=bob, raw=True)
    assert status == 404, "another renter must not see the booking or its machine"

    # One restart, in place (a reboot at the provider), while it runs.
    restarted = server.post(f"/api/v1/reservations/{r['id']}/restart", token=alice)
    assert restarted["status"] == "running"
    wait_for(lambda: vast.state()["counts"]["reboots"].get(r["id"]) == 1, 30, "the reboot", servers=(server,))
    again, body = server.request("POST", f"/api/v1/reservations/{r['id']}/restart", {}, token=alice, raw=True)
    assert again == 409 and "once" in body
    assert server.request("POST", f"/api/v1/reservations/{r['id']}/restart", {}, token=bob, raw=True)[0] == 404

    server.request("DELETE", f"/api/v1/reservations/{r['id']}", token=alice)
    server.machine(alice, r["id"], "released")
    assert vast.state()["counts"]["destroys"] == {r["id"]: 1}
    assert vast.state()["counts"]["creates"] == {r["id"]: 1}, "a restart never rents again"


def test_offer_gone_refunds_in_full_and_withdraws_the_offer(server, vast):
    alice = server.renter("alice@example.com")
    offer = server.offer()
    vast.fault(create={"status": 404, "times": 1})
    r = server.book(alice, offer["id"])
    m = server.machine(alice, r["id"], "provision_failed")
    assert "refunded in full" in m["message"]
    after = server.get(f"/api/v1/reservations/{r['id']}", token=alice)
    assert after["status"] == "cancelled" and after["refunded"] == after["total_cost"]
    assert available_micro(server, alice) == 100 * MICRO
    assert server.get(f"/api/v1/gpus/{offer['id']}")["available"] is False
    assert vast.state()["counts"]["creates"] == {}


def test_a_machine_that_dies_refunds_the_unused_hours(server, vast):
    alice = server.renter("alice@example.com")
    offer = server.offer()
    r = server.book(alice, offer["id"], hours=3)
    m = server.machine(alice, r["id"], "running")
    vast.fault(exit={"instance": int(m["provider_instance_id"])})
    done = server.machine(alice, r["id"], "released")
    assert "unused hour(s) refunded" in done["message"]
    after = server.get(f"/api/v1/reservations/{r['id']}", token=alice)
    assert after["status"] == "completed"
    # The unused hours are those from the next whole hour: two of three, or one when the
    # death fell into the booking's second hour.
    unused = int(re.search(r"(\d+) unused hour", done["message"]).group(1))
    assert unused in (1, 2)
    assert float(after["refunded"]) == pytest.approx(unused * float(r["price_per_hour"]))
    assert vast.state()["counts"]["destroys"] == {r["id"]: 1}


def test_sigkill_at_each_step_still_makes_exactly_one_machine(server, vast):
    alice = server.renter("alice@example.com")
    offer = server.offer()
    vast.fault(slow_create_seconds=4, loading_polls=6)
    r = server.book(alice, offer["id"])
    # 1. The fixture creates the instance before its slow answer: killed mid-call, the
    #    next run finds it by label.
    wait_for(lambda: vast.state()["counts"]["creates"].get(r["id"]), 30, "the rental to reach the provider",
             servers=(server,))
    server.kill()
    vast.fault(slow_create_seconds=0)
    server.start()
    # 2. Killed while the machine starts (its id stored, polls under way).
    server.machine(alice, r["id"], "provisioning")
    wait_for(lambda: any(i["label"] == r["id"] and i["reads_in_step"] >= 1 for i in vast.state()["instances"]), 30,
             "a poll of the starting machine", servers=(server,))
    server.kill()
    server.start()
    server.machine(alice, r["id"], "running")
    assert vast.state()["counts"]["creates"] == {r["id"]: 1}, "the instance was adopted by label, not rented again"

    # 3. Killed right after the cancellation, possibly before the destroy.
    server.request("DELETE", f"/api/v1/reservations/{r['id']}", token=alice)
    server.kill()
    server.start()
    server.machine(alice, r["id"], "released")
    assert vast.state()["counts"]["destroys"] == {r["id"]: 1}


def test_a_booking_cancelled_before_its_start_rents_nothing(server, vast):
    alice = server.renter("alice@example.com")
    offer = server.offer()
    now = int(time.time())
    start = now - now % HOUR + 48 * HOUR
    fmt = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = server.post("/api/v1/reservations", {"gpu_id": offer["id"], "start_time": fmt(start),
                                             "end_time": fmt(start + HOUR)}, token=alice)
    assert server.get(f"/api/v1/reservations/{r['id']}", token=alice)["machine"]["status"] == "booked"
    cancelled = server.request("DELETE", f"/api/v1/reservations/{r['id']}", token=alice)
    assert cancelled["refunded"] == cancelled["total_cost"], "24 hours ahead: refunded in full"
    time.sleep(3)  # three provisioning rounds
    assert server.get(f"/api/v1/reservations/{r['id']}", token=alice)["machine"] is None
    assert vast.state()["counts"]["creates"] == {}


def rtx4090_offers(n: int) -> list[dict]:
    """`n` one-GPU RTX 4090 offers (the sample's first one, cloned under new ids)."""
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Fixtures")
    with open(os.path.join(fixtures, "vast-offers-sample.json")) as f:
        base = next(o for o in json.load(f)["offers"] if o["gpu_name"] == "RTX 4090" and o["num_gpus"] == 1)
    return [dict(base, id=5001 + i, machine_id=7001 + i, ask_contract_id=5001 + i, dlperf=100.0, dph_total=0.5)
            for i in range(n)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cluster_of_three_gets_three_machines_and_releases_all(backend, tmp_path):
    with serving(backend, tmp_path, rtx4090_offers(3)) as (vast, server):
        alice = server.renter("alice@example.com")
        cluster = server.post("/api/v1/clusters", {
            "job_name": "three", "compute_intensity": 290, "vram_gb": 16, "deadline_hours": 1, "max_gpus": 3,
        }, token=alice)
        assert len(cluster["plan"]["members"]) == 3
        server.post(f"/api/v1/clusters/{cluster['id']}/start", token=alice)

        def machines(status):
            found = server.get(f"/api/v1/clusters/{cluster['id']}", token=alice)["machines"]
            return found if all(m["machine"] and m["machine"]["status"] == status for m in found) else None
        running = wait_for(lambda: machines("running"), 60, "three running machines", servers=(server,), interval=0.3)
        labels = {m["reservation_id"] for m in running}
        assert len(labels) == 3
        assert vast.state()["counts"]["creates"] == {label: 1 for label in labels}

        server.post(f"/api/v1/clusters/{cluster['id']}/complete", token=alice)
        wait_for(lambda: machines("released"), 60, "three released machines", servers=(server,), interval=0.3)
        assert vast.state()["counts"]["destroys"] == {label: 1 for label in labels}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_gone_offer_is_substituted_within_the_ceiling(backend, tmp_path):
    offers = rtx4090_offers(2)
    offers[1]["dph_total"] = 0.4
    with serving(backend, tmp_path, offers) as (vast, server):
        alice = server.renter("alice@example.com")
        vast.fault(create={"status": 404, "times": 1})
        r = server.book(alice, "vastai-5001", hours=2, substitute=True, max_price_per_hour="0.60")
        assert r["max_price_per_hour"] == "0.60"
        m = server.machine(alice, r["id"], "running")
        after = server.get(f"/api/v1/reservations/{r['id']}", token=alice)
        assert after["gpu_id"] == "vastai-5002" and after["total_cost"] == "0.80"
        assert available_micro(server, alice) == 100 * MICRO - 800_000, "the difference was refunded"
        instance = next(i for i in vast.state()["instances"] if i["label"] == r["id"])
        assert str(instance["id"]) == m["provider_instance_id"]
        assert server.get("/api/v1/gpus/vastai-5001")["available"] is False
