"""Checks vast_fixture.py against the facts in Tests/Fixtures/provisioning.md (§N
below) and the offer search of providers.md / Tests/ProvidersTests/VastMarketFixture.swift.
GP4U's provisioning end-to-end tests rely on every behaviour checked here. Stdlib + pytest."""
import json
import os
import socket
import time

import pytest

from vast_rig import DEFAULT_API_KEY, VastFixture

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SAMPLE = os.path.join(ROOT, "Tests", "Fixtures", "vast-offers-sample.json")
IMAGE = "pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime"


@pytest.fixture(scope="module")
def server():
    with VastFixture(seed=7) as v:
        yield v


@pytest.fixture
def vast(server):
    """The module's server, reset to its start state (offers, credit, no faults)."""
    server.reset()
    yield server


def cheapest(vast, n=1):
    return [o["id"] for o in vast.search(order=[["dph_total", "asc"]], limit=n)]


def created(vast, label="gp4u-res-1", **fields):
    offer_id = cheapest(vast)[0]
    r = vast.create(offer_id, label=label, **fields)
    assert r.status == 200, r
    return offer_id, r.json()["new_contract"]


def run_to_running(vast, iid, max_reads=10):
    for _ in range(max_reads):
        inst = vast.instance(iid)
        if inst["actual_status"] == "running":
            return inst
    raise AssertionError(f"instance {iid} never reached running")


# -- offer search ----------------------------------------------------------------------


def test_generated_offers_carry_the_sample_field_set(vast):
    with open(SAMPLE) as f:
        sample_keys = set(json.load(f)["offers"][0])
    offers = vast.search(limit=100)
    assert 5 <= len(offers) <= 8
    names = {o["gpu_name"] for o in offers}
    assert {"RTX 4090", "H100 SXM", "A100 SXM4"} <= names
    for o in offers:
        assert sample_keys <= set(o), sample_keys - set(o)
        assert isinstance(o["id"], int) and isinstance(o["machine_id"], int)
        assert isinstance(o["num_gpus"], int) and o["num_gpus"] >= 1
        assert isinstance(o["gpu_ram"], int) and o["gpu_ram"] > 1024  # MiB
        assert o["dph_total"] > o["dph_base"] > 0  # dph_total adds storage (§5)
        assert o["rentable"] is True and o["rented"] is False and o["verification"] == "verified"
        assert 0 < o["reliability2"] <= 1
        assert "," in o["geolocation"]


def test_bundles_honours_the_adapter_query(vast):
    # The base query GP4U's VastAdapter sends, plus one band of its market walk.
    base = {"type": "on-demand", "rentable": {"eq": True}, "rented": {"eq": False}, "num_gpus": {"gte": 1}}
    everything = vast.search(**base, limit=1000, order=[["dph_total", "asc"]])
    prices = [o["dph_total"] for o in everything]
    assert prices == sorted(prices) and len(everything) == 6

    assert [o["id"] for o in vast.search(**base, limit=2, order=[["dph_total", "asc"]])] == \
        [o["id"] for o in everything[:2]]
    floor = everything[2]["dph_total"]
    gte = vast.search(**base, dph_total={"gte": floor}, order=[["dph_total", "asc"]])
    assert [o["id"] for o in gte] == [o["id"] for o in everything[2:]]
    gt = vast.search(**base, dph_total={"gt": floor}, order=[["dph_total", "asc"]])
    assert [o["id"] for o in gt] == [o["id"] for o in everything[3:]]
    lte = vast.search(dph_total={"lte": floor})
    assert sorted(o["id"] for o in lte) == [o["id"] for o in lte]  # default order: id ascending
    assert {o["id"] for o in lte} == {o["id"] for o in everything[:3]}

    by_id = vast.search(order=[["id", "asc"]])
    ids = [o["id"] for o in by_id]
    assert ids == sorted(ids)
    assert [o["id"] for o in vast.search(order=[["id", "asc"]], id={"gt": ids[1]})] == ids[2:]
    assert [o["id"] for o in vast.search(order=[["id", "asc"]], id={"gte": ids[1], "lt": ids[4]})] == ids[1:4]
    one = everything[0]
    assert [o["id"] for o in vast.search(dph_total={"eq": one["dph_total"]}, order=[["id", "asc"]])] == [one["id"]]
    assert [o["id"] for o in vast.search(order=[["dph_total", "desc"]])] == [o["id"] for o in everything[::-1]]
    assert vast.search(gpu_name={"eq": "H100 SXM"}, num_gpus={"gte": 8})[0]["num_gpus"] == 8

    assert vast.post("/api/v0/bundles/", {"order": "dph_total"}).status == 400
    assert vast.post("/api/v0/bundles/", {"id": {"like": 3}}).status == 400
    # Older clients: GET /api/v0/bundles?q=<json>
    r = vast.get("/api/v0/bundles", params={"q": json.dumps({"limit": 1, "order": [["dph_total", "asc"]]})})
    assert r.status == 200 and r.json()["offers"][0]["id"] == one["id"]


def test_offers_file_replaces_the_generated_offers():
    with open(SAMPLE) as f:
        sample = json.load(f)["offers"]
    with VastFixture(offers=SAMPLE) as v:
        got = v.search(limit=1000)
        assert {o["id"] for o in got} == {o["id"] for o in sample if not o.get("rented")}
        assert len(v.search(limit=7)) == 7
    with VastFixture(offers=[dict(sample[0], rented=True), sample[1]]) as v:
        assert [o["id"] for o in v.search()] == [sample[1]["id"]]  # rented offers are not listed
        assert v.create(sample[0]["id"]).status == 404


# -- create (§1) -------------------------------------------------------------------------


def test_create_returns_a_new_contract_and_the_offer_leaves_search(vast):
    offer_id = cheapest(vast)[0]
    r = vast.create(offer_id, label="gp4u-res-7f3a", runtype="ssh_direc ssh_proxy", cancel_unavail=True,
                    env={"GP4U_LEASE": "7f3a", "-p 8080:8080": "1"}, onstart="echo ready > /root/ready")
    assert r.status == 200
    body = r.json()
    assert body["success"] is True
    assert isinstance(body["new_contract"], int) and body["new_contract"] != offer_id
    assert isinstance(body["instance_api_key"], str) and body["instance_api_key"]
    assert offer_id not in [o["id"] for o in vast.search(limit=100)]

    again = vast.create(offer_id, label="gp4u-res-other")
    assert again.status == 404
    assert again.json() == {"success": False, "error": "no_such_ask",
                            "msg": f"Instance type {offer_id} is no longer available.", "ask_id": offer_id}
    assert vast.create(1234).json()["error"] == "no_such_ask"
    assert vast.state()["counts"]["creates"] == {"gp4u-res-7f3a": 1}

    inst = vast.instance(body["new_contract"])
    assert inst["extra_env"] == [["GP4U_LEASE", "7f3a"], ["-p 8080:8080", "1"]]
    assert inst["image_runtype"] == "ssh_direc ssh_proxy" and inst["image_uuid"] == IMAGE
    assert inst["is_bid"] is False and inst["label"] == "gp4u-res-7f3a"
    # §5: the instance's dph_total is priced for its own disk: dph_base + storage_cost x disk / 720.
    assert inst["dph_total"] == pytest.approx(inst["dph_base"] + inst["storage_cost"] * 20 / 720)


def test_create_validates_its_arguments(vast):
    offer_id = cheapest(vast)[0]

    def bad(status, error, **body):
        r = vast.put(f"/api/v0/asks/{offer_id}/", body)
        assert r.status == status, r
        assert r.json()["success"] is False and r.json()["error"] == error

    bad(400, "invalid_args", disk=20)  # no image, no template
    bad(400, "invalid_args", image=IMAGE, disk=4)  # disk < 8
    bad(400, "invalid_args", image=IMAGE, runtype="telnet")
    bad(400, "invalid_args", image=IMAGE, label="x" * 257)
    bad(400, "invalid_price", image=IMAGE, price=500)
    bad(400, "invalid_args", image=IMAGE, env=42)
    assert vast.put("/api/v0/asks/abc/", {"image": IMAGE}).json()["error"] == "invalid_args"
    assert offer_id in [o["id"] for o in vast.search(limit=100)]  # nothing was rented

    # env as a Docker-flag string (the OpenAPI form) is accepted too; a template stands in for image.
    r = vast.put(f"/api/v0/asks/{offer_id}/", {"template_hash_id": "abc123", "disk": 8,
                                               "env": "-e GP4U_LEASE=9 -p 8000:8000"})
    assert r.status == 200, r
    assert vast.instance(r.json()["new_contract"])["extra_env"] == [["GP4U_LEASE", "9"], ["-p 8000:8000", "1"]]


def test_busy_offer_410_with_cancel_unavail_else_a_stopped_leftover(vast):
    first, second = cheapest(vast, 2)
    vast.fault(busy_offer=first)
    r = vast.create(first, cancel_unavail=True)
    assert r.status == 410 and r.json()["error"] == "no_such_ask" and r.json()["ask_id"] == first
    # On-demand with target_state running: cancel_unavail defaults to true (§1).
    assert vast.create(first).status == 410

    # §1 [GEN]: cancel_unavail false -> created but left stopped, success false.
    r = vast.create(first, cancel_unavail=False, label="leftover")
    assert r.status == 200 and r.json()["success"] is False
    inst = vast.instance(r.json()["new_contract"])
    assert inst["actual_status"] == "stopped" and inst["cur_state"] == "stopped" and inst["ports"] is None
    assert vast.create(second, cancel_unavail=True).status == 200  # only the busy offer is refused


def test_no_credit_and_injected_create_errors(vast):
    offer_id = cheapest(vast)[0]
    vast.fault(credit=0)
    r = vast.create(offer_id)
    assert r.status == 400
    assert r.json() == {"success": False, "error": "insufficient_credit", "msg": "You lack credit."}
    vast.fault(credit=10)

    vast.fault(create={"status": 404, "times": 2})
    assert [vast.create(offer_id).status for _ in range(3)] == [404, 404, 200]
    vast.reset()
    vast.fault(create={"status": 410})
    assert vast.create(offer_id).json()["error"] == "no_such_ask"
    vast.fault(create={"status": 400, "error": "insufficient_credit"})
    assert vast.create(offer_id).json()["error"] == "insufficient_credit"
    vast.fault(create={"status": 429})
    r = vast.create(offer_id)
    assert r.status == 429 and "detail" in r.json() and r.headers.get("Retry-After") is None
    assert vast.create(offer_id).status == 200


def test_slow_create_leaves_an_instance_behind_a_killed_client(vast):
    offer_id = cheapest(vast)[0]
    vast.fault(slow_create_seconds=1.0)
    with pytest.raises((socket.timeout, TimeoutError)):
        vast.create(offer_id, label="gp4u-res-killed", timeout=0.3)
    (inst,) = vast.state()["instances"]
    assert inst["label"] == "gp4u-res-killed" and not inst["destroyed"]
    # Found again by label, as the broker must do after a crash mid-create.
    r = vast.list_v1(select_filters={"label": {"eq": "gp4u-res-killed"}})
    assert [i["id"] for i in r.json()["instances"]] == [inst["id"]]
    # Let the server's late answer go out (it is logged then) before the next test resets.
    deadline = time.time() + 5
    while not any(c["method"] == "PUT" for c in vast.state()["calls"]):
        assert time.time() < deadline
        time.sleep(0.05)


# -- states, reads, lists (§2) ----------------------------------------------------------


def test_stepped_states_null_loading_running(vast):
    _, iid = created(vast, env={"-p 8080:8080": "1"})
    seen = [vast.instance(iid) for _ in range(4)]
    assert [i["actual_status"] for i in seen] == [None, "loading", "running", "running"]
    assert [i["ports"] for i in seen[:2]] == [None, None]
    running = seen[2]
    assert running["intended_status"] == "running" and running["cur_state"] == "running"
    host_port = running["ports"]["22/tcp"][0]
    assert host_port["HostIp"] == "0.0.0.0"
    assert isinstance(host_port["HostPort"], str) and 40_000 <= int(host_port["HostPort"]) < 60_000
    assert int(running["ports"]["8080/tcp"][0]["HostPort"])
    assert isinstance(running["ssh_port"], int) and running["ssh_host"].endswith(".invalid")
    assert running["public_ipaddr"].endswith("\n")  # the first instance's has a trailing newline
    assert running["public_ipaddr"].strip().count(".") == 3
    assert running["status_msg"].startswith("success, running")
    for field in ("id", "next_state", "label", "machine_id", "gpu_name", "num_gpus", "gpu_ram", "disk_space",
                  "dph_base", "dph_total", "storage_cost", "image_uuid", "image_runtype", "extra_env"):
        assert field in running
    assert isinstance(running["start_date"], float) and running["end_date"] > running["start_date"]


def test_loading_polls_and_list_reads_step_too(vast):
    vast.fault(loading_polls=2)
    _, iid = created(vast)
    assert [vast.instance(iid)["actual_status"] for _ in range(2)] == [None, None]
    # List reads count as reads as well.
    assert vast.get("/api/v0/instances/").json()["instances"][0]["actual_status"] == "loading"
    assert vast.list_v1().json()["instances"][0]["actual_status"] == "loading"
    assert vast.instance(iid)["actual_status"] == "running"
    vast.fault(loading_polls=0)
    _, iid2 = created(vast, label="fast")
    assert vast.instance(iid2)["actual_status"] == "running"
    # The control view does not step the machine.
    vast.fault(loading_polls=1)
    _, iid3 = created(vast, label="unread")
    for _ in range(3):
        (inst,) = [i for i in vast.state()["instances"] if i["id"] == iid3]
        assert (inst["actual_status"], inst["reads_in_step"]) == (None, 0)


def test_single_get_wraps_under_plural_instances_or_null(vast):
    _, iid = created(vast)
    r = vast.get(f"/api/v0/instances/{iid}/", params={"owner": "me"})
    assert r.status == 200 and isinstance(r.json()["instances"], dict) and r.json()["instances"]["id"] == iid
    assert vast.get("/api/v0/instances/99/").json() == {"instances": None}
    bad = vast.get("/api/v0/instances/abc/")
    assert bad.status == 400 and bad.json()["error"] == "invalid_args"


def test_v1_list_filters_by_label_and_pages_with_next_token(vast):
    offers = cheapest(vast, 5)
    ids = {}
    for n, offer_id in enumerate(offers):
        label = "gp4u-res-a" if n < 3 else "gp4u-res-b"
        ids.setdefault(label, []).append(vast.create(offer_id, label=label).json()["new_contract"])
    vast.create(cheapest(vast)[0])  # one unlabelled

    r = vast.list_v1(select_filters={"label": {"eq": "gp4u-res-a"}})
    body = r.json()
    assert body["success"] is True and body["next_token"] is None
    assert sorted(i["id"] for i in body["instances"]) == sorted(ids["gp4u-res-a"])
    assert body["instances_found"] == 3 and body["total_instances"] == 3

    seen, token, pages = [], None, 0
    while True:
        params = {"limit": 2, "order_by": [{"col": "id", "dir": "asc"}]}
        if token:
            params["after_token"] = token
        page = vast.list_v1(**params).json()
        pages += 1
        assert page["instances_found"] == len(page["instances"]) <= 2
        assert page["total_instances"] == 6
        assert page["label_counts"] == {"gp4u-res-a": 3, "gp4u-res-b": 2, "": 1}
        seen += [i["id"] for i in page["instances"]]
        token = page["next_token"]
        if token is None:
            break
    assert pages == 3 and seen == sorted(seen) and len(set(seen)) == 6

    desc = vast.list_v1(order_by=[{"col": "id", "dir": "desc"}], limit=100).json()  # limit clamps to 25
    assert [i["id"] for i in desc["instances"]] == sorted(seen, reverse=True)
    neq = vast.list_v1(select_filters={"label": {"neq": "gp4u-res-a"}}).json()
    assert neq["total_instances"] == 3
    inn = vast.list_v1(select_filters={"label": {"in": ["gp4u-res-a", "gp4u-res-b"]}}).json()
    assert inn["total_instances"] == 5
    # Every listed instance was read; the filter sees the state the rows then show.
    running = vast.list_v1(select_filters={"actual_status": {"eq": "running"}}).json()
    assert running["total_instances"] >= 1 and {i["actual_status"] for i in running["instances"]} == {"running"}
    states = vast.list_v1(select_filters={"actual_status": {"in": [None, "loading", "running"]}}).json()
    assert states["total_instances"] == 6
    assert vast.list_v1(select_filters={"actual_status": {"eq": "exited"}}).json()["total_instances"] == 0
    # Computed columns cannot be filtered (§2); parameters must be JSON.
    assert vast.list_v1(select_filters={"dph_total": {"lt": 1}}).status == 400
    assert vast.get("/api/v1/instances/", params={"select_filters": "{label"}).status == 400

    legacy = vast.get("/api/v0/instances/", params={"owner": "me"}).json()
    assert set(legacy) == {"instances_found", "instances"} and legacy["instances_found"] == 6


# -- stop / start / relabel / destroy (§3) -------------------------------------------------


def test_stop_start_relabel_and_resources_unavailable(vast):
    _, iid = created(vast)
    run_to_running(vast, iid)
    assert vast.put(f"/api/v0/instances/{iid}/", {"state": "stopped"}).json() == {"success": True}
    inst = vast.instance(iid)
    assert (inst["actual_status"], inst["intended_status"], inst["ports"]) == ("stopped", "stopped", None)

    vast.fault(resources_unavailable=True)
    r = vast.put(f"/api/v0/instances/{iid}/", {"state": "running"})
    assert r.status == 200 and r.json()["success"] is False and r.json()["error"] == "resources_unavailable"
    inst = vast.instance(iid)
    assert (inst["actual_status"], inst["intended_status"]) == ("stopped", "running")  # "scheduling"

    vast.fault(resources_unavailable=False)
    assert vast.put(f"/api/v0/instances/{iid}", {"state": "running"}).json() == {"success": True}
    assert run_to_running(vast, iid)["ports"]["22/tcp"]

    assert vast.put(f"/api/v0/instances/{iid}/", {"label": "renamed"}).json()["success"] is True
    assert vast.instance(iid)["label"] == "renamed"
    assert vast.put(f"/api/v0/instances/{iid}/", {"state": "paused"}).status == 400
    assert vast.put(f"/api/v0/instances/{iid}/", {}).status == 400
    r = vast.put("/api/v0/instances/77/", {"state": "stopped"})
    assert r.status == 404 and r.json()["error"] == "no_such_instance"

    vast.put(f"/api/v0/instances/{iid}/", {"state": "stopped"})
    vast.fault(credit=0)
    r = vast.put(f"/api/v0/instances/{iid}/", {"state": "running"})
    assert r.status == 400 and r.json()["error"] == "missing_billing"


def test_destroy_then_404_and_null_and_the_offer_is_back(vast):
    offer_id, iid = created(vast, label="gp4u-res-d")
    r = vast.delete(f"/api/v0/instances/{iid}/", {})
    assert r.status == 200 and r.json() == {"success": True}
    again = vast.delete(f"/api/v0/instances/{iid}/")
    assert again.status == 404
    assert again.json() == {"success": False, "error": "no_such_instance", "msg": f"Instance {iid} not found."}
    assert vast.get(f"/api/v0/instances/{iid}/").json() == {"instances": None}
    assert vast.list_v1().json()["instances"] == []
    assert offer_id in [o["id"] for o in vast.search(limit=100)]
    assert vast.delete("/api/v0/instances/abc/").json()["error"] == "invalid_args"

    state = vast.state()
    (inst,) = state["instances"]
    assert inst["destroyed"] is True and inst["id"] == iid and inst["cur_state"] == "unloaded"
    assert state["counts"]["creates"] == {"gp4u-res-d": 1} and state["counts"]["destroys"] == {"gp4u-res-d": 1}


def test_exit_offline_and_other_failure_states(vast):
    _, iid = created(vast)
    run_to_running(vast, iid)
    vast.fault(exit={"instance": iid})
    inst = vast.instance(iid)
    assert inst["actual_status"] == "exited" and inst["intended_status"] == "running" and inst["ports"] is None
    assert vast.instance(iid)["actual_status"] == "exited"  # does not recover by itself

    vast.fault(set_status={"instance": iid, "actual_status": "created", "status_msg": "OCI runtime create failed"})
    inst = vast.instance(iid)
    assert inst["actual_status"] == "created" and "OCI runtime create failed" in inst["status_msg"]

    vast.fault(offline={"instance": iid})
    assert vast.instance(iid)["actual_status"] == "offline"
    vast.fault(online={"instance": iid})
    assert vast.instance(iid)["actual_status"] == "created"


# -- SSH keys (§4), credit (§5) -----------------------------------------------------------


def test_ssh_attach_list_and_account_keys(vast):
    account_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAccount gp4u-account"
    r = vast.post("/api/v0/ssh/", {"ssh_key": account_key})
    assert r.status == 200 and r.json()["success"] is True and r.json()["key"]["public_key"] == account_key
    assert vast.get("/api/v0/ssh/").json()[0]["public_key"] == account_key

    _, iid = created(vast)
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReservation gp4u-res-1"
    r = vast.post(f"/api/v0/instances/{iid}/ssh/", {"ssh_key": key})
    assert r.status == 200 and r.json()["success"] is True
    assert json.loads(r.json()["key"])["public_key"] == key  # a JSON-encoded string
    repeat = vast.post(f"/api/v0/instances/{iid}/ssh/", {"ssh_key": key})
    assert repeat.status == 200 and repeat.json()["success"] is False
    missing = vast.post(f"/api/v0/instances/{iid}/ssh/", {})
    assert missing.status == 400 and missing.json()["error"] == "no_ssh_key"
    assert vast.post("/api/v0/instances/5/ssh/", {"ssh_key": key}).status == 404

    listed = vast.get(f"/api/v0/instances/{iid}/ssh/").json()
    assert listed["success"] is True and isinstance(listed["ssh_keys"], str)
    keys = json.loads(listed["ssh_keys"])
    assert [k["public_key"] for k in keys] == [account_key, key]  # account keys go into new instances
    assert vast.delete(f"/api/v0/instances/{iid}/ssh/{keys[1]['id']}/").json()["success"] is True
    assert vast.delete(f"/api/v0/instances/{iid}/ssh/{keys[1]['id']}/").json()["error"] == "no_such_ssh_key"
    assert vast.get("/api/v0/users/current/").json()["ssh_key"] == account_key


def test_credit_goes_down_while_running_and_stops_after_destroy(vast):
    user = vast.get("/api/v0/users/current/").json()
    assert {"id", "email", "credit", "balance", "has_billing", "can_pay"} <= set(user)
    start = user["credit"]
    _, iid = created(vast)
    inst = run_to_running(vast, iid)
    t0 = time.time()
    time.sleep(0.3)
    credit = vast.get("/api/v0/users/current/").json()["credit"]
    elapsed = time.time() - t0 + 0.1
    spent = start - credit
    per_second = (inst["dph_base"] + inst["storage_cost"] * inst["disk_space"] / 720) / 3600
    assert 0 < spent
    assert inst["dph_base"] / 3600 * 0.3 <= spent
    assert spent <= per_second * (elapsed + 1)
    charged = [i for i in vast.state()["instances"] if i["id"] == iid][0]
    assert charged["gpu_charged"] > 0 and charged["storage_charged"] > 0

    vast.delete(f"/api/v0/instances/{iid}/")
    after = vast.get("/api/v0/users/current/").json()["credit"]
    time.sleep(0.2)
    assert vast.get("/api/v0/users/current/").json()["credit"] == after

    vast.fault(credit=0)
    user = vast.get("/api/v0/users/current/").json()
    assert user["credit"] == 0 and user["can_pay"] is False


# -- auth, rate limits, paths (§0, §6) -----------------------------------------------------


def test_auth_by_bearer_or_query_and_the_call_log(vast):
    expected = {"success": False, "error": "auth_error", "msg": "Invalid user key"}
    for kw in ({"auth": False}, {"auth": "wrong-key"}):
        r = vast.get("/api/v0/users/current/", **kw)
        assert r.status == 401 and r.json() == expected
    assert vast.post("/api/v0/bundles/", {}, auth=False).status == 401
    assert vast.get("/api/v0/users/current/", auth="query").status == 200

    calls = vast.state()["calls"]
    assert [(c["status"], c["auth_header"], c["api_key_param"]) for c in calls] == \
        [(401, False, False), (401, True, False), (401, False, False), (200, False, True)]
    assert all(c["path"] == "/api/v0/users/current/" for c in calls if c["method"] == "GET")
    assert DEFAULT_API_KEY not in json.dumps(vast.state())  # the key itself is never stored

    created(vast, label="gp4u-logged")
    create_call = vast.state()["calls"][-1]
    assert (create_call["method"], create_call["status"], create_call["label"]) == ("PUT", 200, "gp4u-logged")


def test_rate_limit_injection_text_and_detail_without_retry_after(vast):
    _, iid = created(vast)
    vast.fault(rate_limit={"endpoint": "get", "times": 2, "body": "text"})
    r = vast.get(f"/api/v0/instances/{iid}/")
    assert r.status == 429 and r.text == "API requests too frequent endpoint threshold=2.0"
    assert r.headers.get("Retry-After") is None
    assert vast.get("/api/v0/instances/").status == 200  # other endpoints are not limited
    assert vast.get(f"/api/v0/instances/{iid}/").status == 429
    assert vast.get(f"/api/v0/instances/{iid}/").status == 200

    vast.fault(rate_limit={"endpoint": "create", "body": "detail"})
    r = vast.create(cheapest(vast)[0])
    assert r.status == 429 and r.headers.get("Retry-After") is None
    assert r.json() == {"detail": "API requests too frequent endpoint threshold=4.5"}

    vast.fault(rate_limit={"endpoint": "destroy", "body": "error"})
    r = vast.delete(f"/api/v0/instances/{iid}/")
    assert r.status == 429 and r.json()["error"] == "rate_limit_exceeded"

    vast.fault(rate_limit={"endpoint": "any", "times": 3, "body": "detail"})
    assert [vast.get("/api/v0/users/current/").status for _ in range(4)] == [429, 429, 429, 200]
    assert vast.post("/_fixture/fault", {"rate_limit": {"body": "html"}}, auth=False).status == 400
    assert vast.post("/_fixture/fault", {"nonsense": 1}, auth=False).status == 400


def test_trailing_slash_is_optional_everywhere(vast):
    offer_id = cheapest(vast)[0]
    r = vast.put(f"/api/v0/asks/{offer_id}", {"image": IMAGE, "disk": 10})
    assert r.status == 200
    iid = r.json()["new_contract"]
    assert vast.get(f"/api/v0/instances/{iid}").json()["instances"]["id"] == iid
    assert vast.get("/api/v1/instances").json()["success"] is True
    assert vast.get("/api/v0/users/current").status == 200
    assert vast.post("/api/v0/bundles", {"limit": 1}).status == 200
    assert vast.post(f"/api/v0/instances/{iid}/ssh", {"ssh_key": "ssh-ed25519 AAAA x"}).json()["success"] is True
    assert vast.delete(f"/api/v0/instances/{iid}").status == 200
    assert vast.get("/api/v0/nothing/").status == 404


def test_ready_line_and_sigterm():
    v = VastFixture(api_key="other-key", seed=3)
    v.start()
    try:
        assert v.url.startswith("http://127.0.0.1:") and v.port > 0
        assert v.get("/api/v0/users/current/").status == 200  # the helper sends its own key
        v.proc.terminate()
        assert v.proc.wait(3) == 0
    finally:
        v.stop()


def test_reset_restores_the_start_state(vast):
    offer_id, _ = created(vast)
    vast.fault(credit=1, busy_offer=123, loading_polls=5)
    vast.reset()
    state = vast.state()
    assert state["instances"] == [] and state["calls"] == [] and state["credit"] == 25.0
    assert state["faults"]["busy_offers"] == [] and state["faults"]["loading_polls"] == 1
    assert offer_id in [o["id"] for o in vast.search(limit=100)]
