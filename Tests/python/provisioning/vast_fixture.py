#!/usr/bin/env python3
"""GP4U Vast.ai fixture: a local stand-in for Vast's REST API (offer search and renting).

It answers the calls GP4U's provisioning service and Vast adapter make, with the shapes
and quirks the reference (`Tests/Fixtures/provisioning.md`, "§" below; offer
search in `providers.md`) records: offer search (`POST /api/v0/bundles/`), create from an
offer (`PUT /api/v0/asks/{id}/`), a stepped `actual_status` (null -> loading -> running),
read one / list (v1 with JSON-string parameters and cursors, legacy v0), stop / start /
relabel, destroy, SSH keys, the account's credit, and `/_fixture/*` test controls
(injected errors, 429s, slow creates, exits, credit).

Usage: python vast_fixture.py --port 0 [--api-key KEY] [--offers FILE.json]
           [--loading-polls N] [--seed S] [--credit USD]
Prints one line `READY http://127.0.0.1:<port>` once listening; SIGTERM/SIGINT stop it.
Binds to 127.0.0.1 only; stdlib only. See README.md next to this file.
"""
from __future__ import annotations

import argparse
import base64
import functools
import json
import random
import re
import shlex
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_API_KEY = "fixture-vast-key"
DEFAULT_CREDIT = 25.0
DEFAULT_SEARCH_LIMIT = 64  # as Tests/ProvidersTests/VastMarketFixture.swift
SEARCH_CAP = 1000  # providers.md / VastAdapter: Vast's own cap is about 1,000 per answer
V1_LIST_LIMIT = 25  # §2: v1 list limit <= 25, default 25

# §6: per-endpoint `threshold` values the specs give; only used in 429 wordings.
THRESHOLDS = {"search": 1.0, "create": 4.5, "get": 2.0, "list": 1.0, "list_v0": 20.0, "manage": 1.0,
              "destroy": 3.0, "ssh": 2.0, "account_ssh": 1.0, "user": 1.0}

# §1: runtype words. The documented enum plus the truncated `*_direc` the CLI and dstack send.
RUNTYPE_WORDS = {"ssh", "jupyter", "args", "ssh_proxy", "ssh_direct", "ssh_direc", "jupyter_proxy",
                 "jupyter_direct", "jupyter_direc"}

# §2: v1 select_filters work only on columns stored on the contract; computed ones give 400.
STORED_COLUMNS = {"id", "label", "actual_status", "intended_status", "cur_state", "next_state", "status_msg",
                  "machine_id", "host_id", "bundle_id", "image_uuid", "image_runtype", "start_date", "end_date",
                  "disk_space", "is_bid", "ssh_host", "ssh_port", "public_ipaddr", "template_hash_id"}
COMPUTED_COLUMNS = {"dph_total", "num_gpus", "gpu_name", "gpu_ram", "dph_base", "storage_cost", "ports"}

# Generated offers: (gpu_name, num_gpus, gpu_ram MiB, dph_base per GPU, dlperf per GPU,
# TFLOPS per GPU, compute_cap, geolocation). Made-up figures in the sample's ranges.
OFFER_TEMPLATES = [
    ("RTX 4090", 1, 24564, 0.38, 100.5, 82.6, 890, "Texas, US"),
    ("RTX 4090", 2, 24564, 0.36, 101.2, 82.6, 890, "Ontario, CA"),
    ("RTX 3090", 1, 24576, 0.19, 55.0, 35.6, 860, "Bavaria, DE"),
    ("A100 SXM4", 1, 81920, 1.05, 160.0, 19.5, 800, "Oregon, US"),
    ("H100 SXM", 1, 81559, 2.10, 290.0, 66.9, 900, "Quebec, CA"),
    ("H100 SXM", 8, 81559, 2.05, 295.0, 66.9, 900, "Virginia, US"),
]


# ---------------------------------------------------------------------------------------
# Offers


def generate_offers(rng: random.Random) -> list[dict]:
    """About six on-demand offers carrying every field of a real Vast offer (the field set
    of Tests/Fixtures/vast-offers-sample.json), with made-up values. Ids come from `rng`."""
    offers = []
    ids = sorted(rng.sample(range(10_000_000, 30_000_000), len(OFFER_TEMPLATES)))
    now = time.time()
    for n, (template, offer_id) in enumerate(zip(OFFER_TEMPLATES, ids)):
        name, gpus, vram, base_per_gpu, dlperf, tflops, cap, geo = template
        dph_base = round(base_per_gpu * gpus * rng.uniform(0.9, 1.1), 4)
        storage_cost = round(rng.uniform(0.05, 0.3), 4)  # $/GB/month (§5)
        disk_hour = storage_cost * 5 / 720  # searches are priced at 5 GB (§5)
        dph_total = dph_base + disk_hour
        machine_id = 20_000 + n * 137
        host_id = 8_000 + n * 11
        inet_cost = 0.0013020833333333333
        offers.append({
            "ask_contract_id": offer_id, "bundle_id": 250_000_000 + offer_id % 10_000_000, "bundled_results": None,
            "bw_nvlink": 0.0 if gpus == 1 else 200.0, "compute_cap": cap, "cpu_arch": "amd64",
            "cpu_cores": 32 * gpus, "cpu_cores_effective": 8.0 * gpus, "cpu_ghz": 3.5,
            "cpu_name": "AMD EPYC 7543 32-Core Processor", "cpu_ram": 64_000 * gpus, "credit_discount_max": 0.3,
            "cuda_max_good": 12.6, "direct_port_count": 100, "discount_rate": None,
            "discounted_dph_total": dph_total, "discounted_hourly": 0, "disk_bw": 3000.0,
            "disk_name": "Fixture NVMe 2TB", "disk_space": 500.0 * gpus, "dlperf": dlperf * gpus,
            "dlperf_per_dphtotal": dlperf * gpus / dph_total, "dph_base": dph_base, "dph_total": dph_total,
            "dph_total_adj": dph_total * 1.003, "driver_vers": 560028003, "driver_version": "560.28.03",
            "duration": 2_592_000.0, "end_date": now + 2_592_000.0, "external": None,
            "flops_per_dphtotal": tflops * gpus / dph_total, "geolocation": geo, "geolocode": 400_000_000 + n,
            "gpu_arch": "nvidia", "gpu_display_active": False, "gpu_frac": 1.0,
            "gpu_ids": [90_000 + n * 10 + g for g in range(gpus)], "gpu_lanes": 16, "gpu_max_power": 450.0,
            "gpu_max_temp": 45.0, "gpu_mem_bw": 3000.0, "gpu_name": name, "gpu_ram": vram,
            "gpu_total_ram": vram * gpus, "has_avx": 1, "host_id": host_id, "hosting_type": 0, "hostname": None,
            "id": offer_id, "inet_down": 900.0, "inet_down_cost": inet_cost, "inet_up": 800.0,
            "inet_up_cost": inet_cost,
            "instance": {"discountTotalHour": 0, "discountedTotalPerHour": disk_hour, "diskHour": disk_hour,
                         "gpuCostPerHour": 0, "totalHour": disk_hour},
            "internet_down_cost_per_tb": inet_cost * 1024, "internet_up_cost_per_tb": inet_cost * 1024,
            "is_bid": False, "logo": "/static/logos/vastai_small2.png", "machine_id": machine_id,
            "min_bid": round(dph_base * 0.3, 4), "mobo_name": "Fixture Board", "num_gpus": gpus,
            "os_version": "22.04", "pci_gen": 4.0, "pcie_bw": 24.0,
            "public_ipaddr": f"203.0.113.{10 + n}",  # documentation range: never a real host
            "reliability": 0.99 - n * 0.005, "reliability2": 0.99 - n * 0.005, "reliability_mult": 0.9,
            "rentable": True, "rented": False, "rn": n + 1, "score": 100.0 - n,
            "search": {"discountTotalHour": 0, "discountedTotalPerHour": dph_total, "diskHour": disk_hour,
                       "gpuCostPerHour": dph_base, "totalHour": dph_total},
            "start_date": now - 86_400.0, "static_ip": True, "storage_cost": storage_cost,
            "storage_total_cost": disk_hour, "time_remaining": "", "time_remaining_isbid": "",
            "total_flops": tflops * gpus, "vericode": 1, "verification": "verified", "vms_enabled": False,
            "vram_costperhour": dph_base / (vram * gpus / 1024), "webpage": None,
        })
    return offers


def _compare(value, op: str, operand) -> bool:
    """One operator of Vast's query language (providers.md / §2): eq neq gt gte lt lte in notin."""
    try:
        if op == "eq":
            return value == operand
        if op == "neq":
            return value != operand
        if op == "in":
            return value in operand
        if op == "notin":
            return value not in operand
        if value is None or operand is None:
            return False
        if op == "gt":
            return value > operand
        if op == "gte":
            return value >= operand
        if op == "lt":
            return value < operand
        if op == "lte":
            return value <= operand
    except TypeError:
        return False
    raise ValueError(f"unknown operator {op}")


def search_offers(offers: list[dict], query: dict) -> list[dict]:
    """Answers a bundles query as Tests/ProvidersTests/VastMarketFixture.swift does: every
    `{"field": {op: value}}` condition on a field the offers carry is applied (so the
    adapter's `dph_total`/`id` bounds, `rentable`, `rented`, `num_gpus` work), `verified`
    maps to `verification == "verified"`, unknown fields and `type` are ignored; `order`
    (default id ascending, ties by id) and `limit` (default 64, at most 1,000). Rented
    offers are never listed."""
    selected = []
    for offer in offers:
        if offer.get("rented"):
            continue
        ok = True
        for field, cond in query.items():
            if field in ("limit", "order", "type", "allocated_storage") or not isinstance(cond, dict):
                continue
            if field == "verified":
                value = offer.get("verification") == "verified"
            elif field in offer:
                value = offer[field]
            else:
                continue
            for op, operand in cond.items():
                if not _compare(value, op, operand):
                    ok = False
        if ok:
            selected.append(offer)
    order = query.get("order") or [["id", "asc"]]
    # Stable sorts, last key first, so the first pair in `order` wins; id breaks ties.
    selected.sort(key=lambda o: o["id"])
    for pair in reversed(order):
        col = pair[0]
        desc = len(pair) > 1 and str(pair[1]).lower() == "desc"
        selected.sort(key=lambda o: (o.get(col) is not None, o.get(col) or 0), reverse=desc)
    limit = query.get("limit", DEFAULT_SEARCH_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        limit = DEFAULT_SEARCH_LIMIT
    return selected[:min(limit, SEARCH_CAP)]


# ---------------------------------------------------------------------------------------
# Instances


class ApiError(Exception):
    """An error answer: HTTP status and a JSON body."""

    def __init__(self, status: int, body):
        super().__init__(f"{status} {body}")
        self.status, self.body = status, body


def err(status: int, error: str | None, msg: str, **extra) -> ApiError:
    body = {"success": False}
    if error is not None:
        body["error"] = error
    body["msg"] = msg
    body.update(extra)
    return ApiError(status, body)


def no_such_instance(iid) -> ApiError:
    # §3: [GEN] shape; the published spec says `not_found`: clients must accept both.
    return err(404, "no_such_instance", f"Instance {iid} not found.")


def parse_env(env) -> list[list[str]]:
    """`env` as the clients send it (an object, §1) or as the OpenAPI spec says (a Docker-flag
    string "-e K=V -p 8000:8000"); both become Vast's `extra_env` list of [key, value] pairs,
    with port flags as ["-p A:B", "1"]."""
    if env is None:
        return []
    if isinstance(env, dict):
        return [[str(k), "" if v is None else str(v)] for k, v in env.items()]
    if isinstance(env, str):
        pairs, words = [], shlex.split(env)
        i = 0
        while i < len(words):
            flag = words[i]
            if flag in ("-e", "-p", "-h", "-v") and i + 1 < len(words):
                arg = words[i + 1]
                if flag == "-e":
                    k, _, v = arg.partition("=")
                    pairs.append([k, v])
                else:
                    pairs.append([f"{flag} {arg}", "1"])
                i += 2
            else:
                raise ValueError(f"unexpected token {flag!r} in env string")
        return pairs
    raise ValueError("env must be an object or a string")


class Instance:
    """One rented instance (a contract). Internal bookkeeping lives here; `view()` is what
    the API shows."""

    def __init__(self, iid: int, offer: dict, body: dict, api_key: str, now: float, stopped: bool, ordinal: int):
        self.id = iid
        self.offer_id = offer["id"]
        self.offer = offer
        self.label = body.get("label")
        self.image = body.get("image") or f"template:{body.get('template_hash_id')}"
        self.template_hash_id = body.get("template_hash_id")
        self.runtype = body.get("runtype") or ("args" if body.get("args") or body.get("args_str") else "ssh")
        self.extra_env = parse_env(body.get("env"))
        self.onstart = body.get("onstart")
        self.args = body.get("args") or body.get("args_str")
        self.disk = float(body.get("disk", 8))
        self.instance_api_key = api_key
        self.start_date = now
        self.end_date = float(offer.get("end_date") or now + 2_592_000.0)
        # Status. `actual` None/"loading" step towards "running" on reads (see Fixture.read).
        self.actual: str | None = None
        self.intended = "running"
        self.cur_state = "running"
        self.status_msg: str | None = None
        self.reads = 0  # reads seen in the current step
        self.before_offline: str | None = None
        if stopped:
            self.actual, self.intended, self.cur_state = "stopped", "stopped", "stopped"
        self.destroyed_at: float | None = None
        self.ssh_keys: list[dict] = []
        # Billing (§5), settled lazily: see settle().
        self.last_settle = now
        self.gpu_charged = 0.0
        self.storage_charged = 0.0
        # Connection details. ssh_host is never resolvable (`.invalid`); public_ipaddr is in a
        # documentation range and, for the 1st, 3rd, ... instance created, carries a trailing
        # newline as real Vast's sometimes does (§2: clients must strip it).
        self.ssh_host = f"ssh{iid % 9 + 1}.fixture.invalid"
        self.ssh_port = 20_000 + iid % 10_000
        self.public_ipaddr = f"198.51.100.{iid % 250 + 1}" + ("\n" if ordinal % 2 else "")
        self.direct_port_start = 40_000 + (iid % 199) * 100
        self.direct_port_end = self.direct_port_start + 99

    @property
    def dph_base(self) -> float:
        return float(self.offer["dph_base"])

    @property
    def storage_per_hour(self) -> float:
        # §5: storage_cost is $/GB/month; per hour it is storage_cost x disk / 720.
        return float(self.offer.get("storage_cost") or 0.0) * self.disk / 720

    def settle(self, now: float) -> float:
        """Charges the time since the last settlement at the current state's rates and
        returns the amount (the caller takes it off the account's credit). §5: the GPU is
        charged only while `running` (not while loading); storage in every state except
        `offline`, including stopped, until destroy."""
        if self.destroyed_at is not None:
            return 0.0
        dt = max(0.0, now - self.last_settle)
        self.last_settle = now
        gpu = self.dph_base * dt / 3600 if self.actual == "running" else 0.0
        storage = self.storage_per_hour * dt / 3600 if self.actual != "offline" else 0.0
        self.gpu_charged += gpu
        self.storage_charged += storage
        return gpu + storage

    def ports(self):
        """Docker-style port map, only once running (§2); HostPort is a string holding an int."""
        if self.actual != "running":
            return None
        container_ports = [22]
        for key, _ in self.extra_env:
            m = re.fullmatch(r"-p\s+(?:\d+:)?(\d+)(?:/tcp)?", key.strip())
            if m and int(m.group(1)) not in container_ports:
                container_ports.append(int(m.group(1)))
        result = {}
        for n, port in enumerate(container_ports):
            host_port = self.direct_port_start + (22 if port == 22 else 30 + n)
            result[f"{port}/tcp"] = [{"HostIp": "0.0.0.0", "HostPort": str(host_port)}]
        return result

    def view(self) -> dict:
        """The instance as `GET /api/v0/instances/{id}/` shows it (§2 field table)."""
        o = self.offer
        return {
            "id": self.id,
            "actual_status": self.actual,
            "intended_status": self.intended,
            "cur_state": "unloaded" if self.destroyed_at is not None else self.cur_state,
            "next_state": "unloaded" if self.destroyed_at is not None else self.cur_state,
            "status_msg": self.status_msg,
            "label": self.label,
            "machine_id": o.get("machine_id"),
            "host_id": o.get("host_id"),
            "bundle_id": o.get("bundle_id"),
            "gpu_name": o.get("gpu_name"),
            "num_gpus": o.get("num_gpus"),
            "gpu_ram": o.get("gpu_ram"),
            "gpu_totalram": o.get("gpu_ram"),
            "cpu_cores_effective": o.get("cpu_cores_effective"),
            "cpu_ram": o.get("cpu_ram"),
            "disk_space": self.disk,
            "dph_base": self.dph_base,
            # §5: the offer's dph_total was priced for 5 GB; the instance's is for its own disk.
            "dph_total": self.dph_base + self.storage_per_hour,
            "storage_cost": o.get("storage_cost"),
            "inet_up_cost": o.get("inet_up_cost"),
            "inet_down_cost": o.get("inet_down_cost"),
            "is_bid": False,
            "geolocation": o.get("geolocation"),
            "reliability2": o.get("reliability2"),
            "public_ipaddr": self.public_ipaddr,
            "ssh_host": self.ssh_host,
            "ssh_port": self.ssh_port,
            "ports": self.ports(),
            "direct_port_start": self.direct_port_start,
            "direct_port_end": self.direct_port_end,
            "direct_port_count": self.direct_port_end - self.direct_port_start + 1,
            "image_uuid": self.image,
            "image_runtype": self.runtype,
            "image_args": self.args,
            "onstart": self.onstart,
            "template_hash_id": self.template_hash_id,
            "extra_env": [list(p) for p in self.extra_env],
            "start_date": self.start_date,
            "end_date": self.end_date,
        }


# ---------------------------------------------------------------------------------------
# The fixture's state


def _cursor_encode(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _cursor_decode(token: str):
    padded = token + "=" * (-len(token) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))


class Fixture:
    """All state, behind one lock."""

    def __init__(self, api_key: str, offers: list[dict] | None, loading_polls: int, seed: int, credit: float):
        self.api_key = api_key
        self.seed = seed
        self.initial_offers = offers
        self.initial_loading_polls = loading_polls
        self.initial_credit = credit
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.rng = random.Random(self.seed)
            source = self.initial_offers if self.initial_offers is not None else generate_offers(self.rng)
            self.offers = [dict(o) for o in source]
            for o in self.offers:
                o.setdefault("rented", False)  # a file may list offers that are already taken
            self.offer_by_id = {int(o["id"]): o for o in self.offers}
            self.instances: dict[int, Instance] = {}
            # Instance ids: a different range from offer ids, so a client that mixes the two
            # up (§0: the offer id is not the instance id) fails loudly.
            self.next_id = max([40_000_000, *(int(o["id"]) + 1_000_000 for o in self.offers)]) \
                + self.rng.randrange(1, 1000)
            self.next_key_id = 5_000 + self.rng.randrange(0, 500)
            self.account_keys: list[dict] = []
            self.credit = self.initial_credit
            self.loading_polls = self.initial_loading_polls
            self.calls: list[dict] = []
            self.creates: dict[str, int] = {}
            self.destroys: dict[str, int] = {}
            self.reboots: dict[str, int] = {}
            self.faults = {"create": None, "rate_limit": [], "slow_create_seconds": 0.0, "busy_offers": set(),
                           "resources_unavailable": False}

    # -- billing --

    def settle_all(self, now: float | None = None):
        now = time.time() if now is None else now
        for inst in self.instances.values():
            self.credit -= inst.settle(now)

    def _set_actual(self, inst: Instance, actual, status_msg=None, keep_msg=False):
        """Every status change settles the instance's bill first, at the old rates."""
        self.credit -= inst.settle(time.time())
        inst.actual = actual
        inst.reads = 0
        if not keep_msg:
            inst.status_msg = status_msg

    # -- the stepped state machine (§2 States, §7.3) --

    def read(self, inst: Instance) -> dict:
        """What one read (GET one, or a list entry) shows: the current state, after which
        the instance counts the read; after `loading_polls` reads in a step it moves on:
        null -> loading -> running. With loading_polls 0 it is running at the first read."""
        if inst.destroyed_at is None and inst.intended == "running" and inst.actual in (None, "loading"):
            if self.loading_polls <= 0:
                self._set_actual(inst, "running", f"success, running {inst.image}/ssh")
            view = inst.view()
            if inst.actual != "running":
                inst.reads += 1
                if inst.reads >= self.loading_polls:
                    if inst.actual is None:
                        self._set_actual(inst, "loading", "Pulling image: downloading layers")
                    else:
                        self._set_actual(inst, "running", f"success, running {inst.image}/ssh")
            return view
        return inst.view()

    def live(self, iid: int) -> Instance | None:
        inst = self.instances.get(iid)
        return inst if inst is not None and inst.destroyed_at is None else None

    # -- offers --

    def search(self, query: dict) -> dict:
        with self.lock:
            return {"offers": search_offers(self.offers, query)}

    # -- create (§1) --

    def create(self, ask_id: int, body: dict) -> tuple[int, dict, float]:
        """Returns (status, body, seconds to wait before answering)."""
        with self.lock:
            fault = self.faults["create"]
            if fault:
                fault["times"] -= 1
                if fault["times"] <= 0:
                    self.faults["create"] = None
                raise self._create_fault(fault, ask_id)
            self._validate_create(ask_id, body)
            offer = self.offer_by_id.get(ask_id)
            if offer is None or offer["rented"] or not offer.get("rentable", True):
                # §1: unknown or already rented; each offer id creates only one instance.
                raise err(404, "no_such_ask", f"Instance type {ask_id} is no longer available.", ask_id=ask_id)
            self.settle_all()
            if self.credit <= 0:
                # §1 says the exact wording on create is unconfirmed; the brief's choice.
                raise err(400, "insufficient_credit", "You lack credit.")
            busy = ask_id in self.faults["busy_offers"]
            # §1: cancel_unavail defaults to true for on-demand offers with target_state
            # running (the spec); the CLI always sends false unless asked.
            target = body.get("target_state", "running")
            cancel_unavail = body.get("cancel_unavail")
            if cancel_unavail is None:
                cancel_unavail = target == "running"
            if busy and cancel_unavail:
                raise err(410, "no_such_ask", f"Instance type {ask_id} is unavailable: resources busy.",
                          ask_id=ask_id)
            iid = self.next_id
            self.next_id += self.rng.randrange(1, 50)
            key = "%064x" % self.rng.getrandbits(256)
            inst = Instance(iid, offer, body, key, time.time(), stopped=(target == "stopped" or busy),
                            ordinal=len(self.instances) + 1)
            if busy:
                # §1 [GEN]: busy machine and cancel_unavail false -> the instance is created but
                # left stopped, and `success` is false. Whether `new_contract` is present then is
                # unconfirmed; the fixture includes it (a broker must destroy the leftover).
                inst.intended = "running"
                inst.status_msg = "Required resources are currently unavailable."
            inst.ssh_keys = [dict(k) for k in self.account_keys]  # §4: account keys go into new instances
            self.instances[iid] = inst
            offer["rented"] = True
            label = inst.label or ""
            self.creates[label] = self.creates.get(label, 0) + 1
            reply = {"success": not busy, "new_contract": iid, "instance_api_key": key}
            # The instance exists before the answer is sent: a client killed during the wait
            # never learns its id and must find it by label.
            return 200, reply, float(self.faults["slow_create_seconds"] or 0.0)

    def _create_fault(self, fault: dict, ask_id: int) -> ApiError:
        status = int(fault.get("status", 404))
        if status == 404:
            return err(404, "no_such_ask", f"Instance type {ask_id} is no longer available.", ask_id=ask_id)
        if status == 410:
            return err(410, "no_such_ask", f"Instance type {ask_id} is unavailable: resources busy.", ask_id=ask_id)
        if status == 400:
            code = fault.get("error", "invalid_args")
            msg = {"insufficient_credit": "You lack credit.", "missing_billing": "You lack credit, see the billing page.",
                   "spend_rate_limit": "Spend rate limit exceeded."}.get(code, "Invalid args: rejected by fixture fault")
            return err(400, code, msg, ask_id=ask_id)
        if status == 429:
            return ApiError(429, {"detail": f"API requests too frequent endpoint threshold={THRESHOLDS['create']}"})
        return err(status, fault.get("error", "server_error"), fault.get("msg", f"fixture fault {status}"))

    @staticmethod
    def _validate_create(ask_id: int, body: dict):
        def bad(msg, code="invalid_args"):
            return err(400, code, f"Invalid args: {msg}", ask_id=ask_id)

        image, template = body.get("image"), body.get("template_hash_id")
        if not template and not (isinstance(image, str) and image.strip()):
            raise bad("image is required unless template_hash_id is given")
        if isinstance(image, str) and len(image) > 1024:
            raise bad("image too long")
        disk = body.get("disk", 8)  # §1: the guide's default
        if isinstance(disk, bool) or not isinstance(disk, (int, float)) or disk < 8:
            raise bad("disk must be a number >= 8")
        label = body.get("label")
        if label is not None and (not isinstance(label, str) or len(label) > 256):
            raise err(400, "invalid_args", "label_too_long", ask_id=ask_id)
        runtype = body.get("runtype")
        if runtype is not None and (not isinstance(runtype, str) or not runtype.split()
                                    or any(w not in RUNTYPE_WORDS for w in runtype.split())):
            raise bad(f"unknown runtype {runtype!r}")
        target = body.get("target_state", "running")
        if target not in ("running", "stopped"):
            raise bad("target_state must be running or stopped")
        price = body.get("price")
        if price is not None and (isinstance(price, bool) or not isinstance(price, (int, float))
                                  or not 0.001 <= price <= 128):
            raise err(400, "invalid_price", "Invalid args: price out of range", ask_id=ask_id)
        try:
            pairs = parse_env(body.get("env"))
        except ValueError as e:
            raise bad(str(e))
        if any(len(k) + len(v) > 256 for k, v in pairs) or sum(len(k) + len(v) for k, v in pairs) > 32768:
            raise bad("env too long")
        script = 0
        for field in ("onstart", "args_str"):
            if body.get(field) is not None:
                if not isinstance(body[field], str):
                    raise bad(f"{field} must be a string")
                script += len(body[field])
        if body.get("args") is not None:
            if not isinstance(body["args"], list) or not all(isinstance(a, str) for a in body["args"]):
                raise bad("args must be a list of strings")
            script += sum(len(a) for a in body["args"])
        if script > 4096:
            raise bad("onstart/args too long")
        if "cancel_unavail" in body and body["cancel_unavail"] is not None and not isinstance(body["cancel_unavail"], bool):
            raise bad("cancel_unavail must be a boolean")

    # -- read / list (§2) --

    def get_one(self, iid: int) -> dict:
        with self.lock:
            inst = self.live(iid)
            # §2: a single object under the plural key; unknown or destroyed -> null, not 404.
            return {"instances": self.read(inst) if inst else None}

    def list_v0(self) -> dict:
        with self.lock:
            rows = [self.read(i) for i in sorted(self.instances.values(), key=lambda i: i.id) if i.destroyed_at is None]
            return {"instances_found": len(rows), "instances": rows}

    def list_v1(self, params: dict) -> dict:
        def param(name, default):
            if name not in params:
                return default
            raw = params[name]
            try:
                return json.loads(raw)
            except ValueError:
                if name == "after_token":
                    return raw  # tolerate a bare token
                raise err(400, "invalid_args", f"{name} must be JSON-encoded")

        limit = param("limit", V1_LIST_LIMIT)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise err(400, "invalid_args", "limit must be a positive integer")
        limit = min(limit, V1_LIST_LIMIT)
        filters = param("select_filters", {}) or {}
        order_by = param("order_by", [{"col": "id", "dir": "asc"}]) or [{"col": "id", "dir": "asc"}]
        select_cols = param("select_cols", ["*"]) or ["*"]
        token = param("after_token", None)
        if not isinstance(filters, dict) or not isinstance(order_by, list) or not isinstance(select_cols, list):
            raise err(400, "invalid_args", "select_filters must be an object, order_by and select_cols lists")
        for col, cond in filters.items():
            if col in COMPUTED_COLUMNS or col not in STORED_COLUMNS:
                raise err(400, "invalid_args", f"cannot filter on column {col}")
            if not isinstance(cond, dict) or not all(op in ("eq", "neq", "gt", "gte", "lt", "lte", "in", "notin")
                                                     for op in cond):
                raise err(400, "invalid_args", f"bad filter for {col}")
        cols = []
        for spec in order_by:
            col = spec.get("col") if isinstance(spec, dict) else None
            if col not in STORED_COLUMNS:
                raise err(400, "invalid_args", f"cannot order by {col}")
            cols.append((col, str(spec.get("dir", "asc")).lower() == "desc"))
        if all(c != "id" for c, _ in cols):
            cols.append(("id", False))

        def key_of(view):
            return [view.get(c) for c, _ in cols]

        def cmp_keys(a, b):
            for (c, desc), x, y in zip(cols, a, b):
                if x == y:
                    continue
                if x is None or y is None:  # nulls first
                    r = -1 if x is None else 1
                else:
                    r = -1 if x < y else 1
                return -r if desc else r
            return 0

        with self.lock:
            views = [(i, i.view()) for i in self.instances.values() if i.destroyed_at is None]
            matching = [(i, v) for i, v in views
                        if all(_compare(v.get(c), op, x) for c, cond in filters.items() for op, x in cond.items())]
            matching.sort(key=functools.cmp_to_key(lambda a, b: cmp_keys(key_of(a[1]), key_of(b[1]))))
            label_counts: dict[str, int] = {}
            for _, v in matching:
                label = v.get("label") or ""
                label_counts[label] = label_counts.get(label, 0) + 1
            if token is not None:
                try:
                    after = _cursor_decode(token)
                except (ValueError, TypeError):
                    raise err(400, "invalid_token", "after_token is not valid")
                matching = [(i, v) for i, v in matching if cmp_keys(key_of(v), after) > 0]
            page = matching[:limit]
            more = len(matching) > limit
            rows = []
            for inst, v in page:
                shown = self.read(inst)
                if select_cols != ["*"]:
                    shown = {c: shown.get(c) for c in ["id", *select_cols] if c != "*"}
                rows.append(shown)
            return {
                "success": True,
                "instances_found": len(rows),
                "total_instances": sum(label_counts.values()),
                "label_counts": label_counts,
                "next_token": _cursor_encode(key_of(page[-1][1])) if more and page else None,
                "instances": rows,
            }

    # -- manage (§3) --

    def manage(self, iid: int, body: dict) -> dict:
        with self.lock:
            inst = self.live(iid)
            if inst is None:
                raise no_such_instance(iid)
            state, has_label = body.get("state"), "label" in body
            if state is None and not has_label:
                raise err(400, None, "Invalid target state")
            if state is not None and state not in ("running", "stopped"):
                raise err(400, None, "Invalid target state")
            if has_label:
                label = body["label"]
                if label is not None and (not isinstance(label, str) or len(label) > 1024):
                    raise ApiError(400, {"error": "invalid_args", "msg": "label_too_long"})
                inst.label = label
            if state == "stopped":
                # Stop releases the GPU; storage billing continues (§3, §5). It also cancels
                # a queued start ("scheduling", §2).
                inst.intended, inst.cur_state = "stopped", "stopped"
                if inst.actual != "offline":
                    self._set_actual(inst, "stopped", None)
            elif state == "running" and inst.intended != "running" or state == "running" and inst.actual in ("stopped", "exited"):
                self.settle_all()
                if self.credit <= 0:
                    raise err(400, "missing_billing", "You lack credit, see the billing page.")
                unavailable = self.faults["resources_unavailable"]
                if unavailable is True or unavailable == iid:
                    # §2 "Scheduling": the GPUs are taken; the start is queued, not refused.
                    inst.intended = "running"
                    return {"success": False, "error": "resources_unavailable",
                            "msg": "Required resources are currently unavailable, state change queued."}
                inst.intended, inst.cur_state = "running", "running"
                if inst.actual != "offline":
                    self._set_actual(inst, "loading", "Starting container")
            return {"success": True}

    def reboot(self, iid: int) -> dict:
        """`PUT /api/v0/instances/reboot/{id}/` (§3 "Related"): stop and start in place
        without giving up the GPUs; the container goes back through loading."""
        with self.lock:
            inst = self.live(iid)
            if inst is None:
                raise no_such_instance(iid)
            self.reboots[inst.label or ""] = self.reboots.get(inst.label or "", 0) + 1
            if inst.actual != "offline":
                self._set_actual(inst, "loading", "Rebooting")
            return {"success": True}

    def destroy(self, iid: int) -> dict:
        with self.lock:
            inst = self.live(iid)
            if inst is None:
                raise no_such_instance(iid)
            self.credit -= inst.settle(time.time())
            inst.destroyed_at = time.time()
            inst.intended, inst.cur_state = "stopped", "unloaded"
            offer = self.offer_by_id.get(inst.offer_id)
            if offer is not None:
                offer["rented"] = False  # the machine is rentable again
            label = inst.label or ""
            self.destroys[label] = self.destroys.get(label, 0) + 1
            return {"success": True}

    # -- SSH keys (§4) --

    def _key_record(self, text: str) -> dict:
        self.next_key_id += 1
        return {"id": self.next_key_id, "user_id": 501_234, "public_key": text,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "deleted_at": None}

    def attach_ssh(self, iid: int, body: dict) -> dict:
        with self.lock:
            inst = self.live(iid)
            if inst is None:
                raise no_such_instance(iid)
            text = body.get("ssh_key")
            if not isinstance(text, str) or not text.strip():
                raise err(400, "no_ssh_key", "No SSH key given.")
            if any(k["public_key"].strip() == text.strip() for k in inst.ssh_keys):
                return {"success": False, "msg": "SSH key already attached to instance."}  # §4: 200, success false
            record = self._key_record(text.strip())
            inst.ssh_keys.append(record)
            # §4: the key record comes back as a JSON-encoded string, not an object.
            return {"success": True, "msg": "SSH key added to instance.", "key": json.dumps(record)}

    def list_instance_ssh(self, iid: int) -> dict:
        with self.lock:
            inst = self.live(iid)
            if inst is None:
                raise no_such_instance(iid)
            # §4: `ssh_keys` is a string holding a JSON array (parse it twice).
            return {"success": True, "ssh_keys": json.dumps(inst.ssh_keys)}

    def detach_ssh(self, iid: int, key_id: int) -> dict:
        with self.lock:
            inst = self.live(iid)
            if inst is None:
                raise no_such_instance(iid)
            kept = [k for k in inst.ssh_keys if k["id"] != key_id]
            if len(kept) == len(inst.ssh_keys):
                raise err(404, "no_such_ssh_key", f"SSH key {key_id} not found.")
            inst.ssh_keys = kept
            return {"success": True, "msg": "SSH key removed from instance."}

    def add_account_key(self, body: dict) -> dict:
        with self.lock:
            text = body.get("ssh_key")
            if not isinstance(text, str) or not text.strip():
                raise err(400, "no_ssh_key", "No SSH key given.")
            record = self._key_record(text.strip())
            self.account_keys.append(record)
            return {"success": True, "key": record}

    def list_account_keys(self) -> list:
        with self.lock:
            # §4: the list spec names the key text `key` (unconfirmed); both names are given.
            return [dict(k, key=k["public_key"]) for k in self.account_keys]

    def delete_account_key(self, key_id: int) -> dict:
        with self.lock:
            kept = [k for k in self.account_keys if k["id"] != key_id]
            if len(kept) == len(self.account_keys):
                raise err(404, "no_such_ssh_key", f"SSH key {key_id} not found.")
            self.account_keys = kept
            return {"success": True}

    # -- account (§5) --

    def user(self) -> dict:
        with self.lock:
            self.settle_all()
            return {
                "id": 501_234,
                "email": "ops@fixture.invalid",
                "credit": self.credit,
                # §5: how `balance` relates to `credit` is unconfirmed; the fixture keeps it 0.
                "balance": 0.0,
                "balance_threshold": 0.0,
                "balance_threshold_enabled": False,
                "has_billing": True,
                "can_pay": self.credit > 0,
                "ssh_key": self.account_keys[-1]["public_key"] if self.account_keys else "",
            }

    # -- test controls --

    def rate_limited(self, endpoint: str):
        """Consumes a matching injected 429, if any, and returns its answer."""
        with self.lock:
            for rule in self.faults["rate_limit"]:
                if rule["endpoint"] in (endpoint, "any") or (rule["endpoint"] == "list" and endpoint == "list_v0"):
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        self.faults["rate_limit"].remove(rule)
                    # §6: "API requests too frequent endpoint threshold=X", as plain text or
                    # {"detail": ...} (destroy's published example: an error object); never a
                    # Retry-After header.
                    text = f"API requests too frequent endpoint threshold={THRESHOLDS.get(endpoint, 1.0)}"
                    kind = rule.get("body", "text")
                    if kind == "detail":
                        return {"detail": text}
                    if kind == "error":
                        return {"success": False, "error": "rate_limit_exceeded", "msg": text}
                    return text
            return None

    def set_faults(self, spec: dict) -> dict:
        with self.lock:
            for name, value in spec.items():
                if name == "clear":
                    self.faults.update({"create": None, "rate_limit": [], "slow_create_seconds": 0.0,
                                        "busy_offers": set(), "resources_unavailable": False})
                elif name == "create":
                    self.faults["create"] = None if value is None else {**value, "times": int(value.get("times", 1))}
                elif name == "rate_limit":
                    rules = value if isinstance(value, list) else [value]
                    for r in rules:
                        if r.get("body", "text") not in ("text", "detail", "error"):
                            raise err(400, "invalid_args", "rate_limit.body must be text, detail or error")
                        self.faults["rate_limit"].append({"endpoint": r.get("endpoint", "any"),
                                                          "times": int(r.get("times", 1)),
                                                          "body": r.get("body", "text")})
                elif name == "slow_create_seconds":
                    self.faults["slow_create_seconds"] = float(value or 0)
                elif name == "credit":
                    self.settle_all()
                    self.credit = float(value)
                elif name == "busy_offer":
                    if value is None:
                        self.faults["busy_offers"].clear()
                    else:
                        self.faults["busy_offers"].add(int(value))
                elif name == "not_busy_offer":
                    self.faults["busy_offers"].discard(int(value))
                elif name == "loading_polls":
                    self.loading_polls = int(value)
                elif name == "resources_unavailable":
                    # true (every start), an instance id, {"instance": id}, or false/null to clear
                    if isinstance(value, dict):
                        value = int(value["instance"])
                    self.faults["resources_unavailable"] = value if isinstance(value, (bool, int)) else bool(value)
                elif name in ("exit", "offline", "online", "set_status"):
                    self._status_fault(name, value)
                else:
                    raise err(400, "invalid_args", f"unknown fault {name}")
            return self.fault_view()

    def _status_fault(self, name: str, value: dict):
        iid = int(value["instance"])
        inst = self.live(iid)
        if inst is None:
            raise no_such_instance(iid)
        if name == "exit":
            # The container died on its own (§2 States): `exited`, intended still running.
            self._set_actual(inst, "exited", value.get("status_msg", "Error: container exited with code 1"))
        elif name == "offline":
            # The host lost contact: `offline`; no storage charge while offline (§5).
            if inst.actual != "offline":
                inst.before_offline = inst.actual
            self._set_actual(inst, "offline", keep_msg=True)
        elif name == "online":
            if inst.actual == "offline":
                self._set_actual(inst, inst.before_offline, keep_msg=True)
        else:
            # Any other value, e.g. {"actual_status": "created", "status_msg": "OCI runtime
            # create failed: ..."} (dstack's failed start) or "unknown" (no heartbeat).
            self._set_actual(inst, value.get("actual_status"), value.get("status_msg"))

    def fault_view(self) -> dict:
        f = self.faults
        return {"create": f["create"], "rate_limit": list(f["rate_limit"]),
                "slow_create_seconds": f["slow_create_seconds"], "busy_offers": sorted(f["busy_offers"]),
                "resources_unavailable": f["resources_unavailable"], "loading_polls": self.loading_polls}

    def state(self) -> dict:
        with self.lock:
            self.settle_all()
            instances = []
            for inst in sorted(self.instances.values(), key=lambda i: i.id):
                v = inst.view()  # not a read: does not step the state machine
                v.update({"offer_id": inst.offer_id, "destroyed": inst.destroyed_at is not None,
                          "destroyed_at": inst.destroyed_at, "reads_in_step": inst.reads,
                          "gpu_charged": inst.gpu_charged, "storage_charged": inst.storage_charged,
                          "ssh_keys": [k["public_key"] for k in inst.ssh_keys],
                          "instance_api_key_set": bool(inst.instance_api_key)})
                instances.append(v)
            return {
                "instances": instances,
                "offers": [{"id": o["id"], "gpu_name": o.get("gpu_name"), "num_gpus": o.get("num_gpus"),
                            "dph_total": o.get("dph_total"), "rented": o["rented"]} for o in self.offers],
                "credit": self.credit,
                "counts": {"creates": dict(self.creates), "destroys": dict(self.destroys),
                           "reboots": dict(self.reboots),
                           "live": sum(1 for i in self.instances.values() if i.destroyed_at is None)},
                "calls": list(self.calls),
                "faults": self.fault_view(),
                "account_keys": [k["public_key"] for k in self.account_keys],
            }

    def record(self, entry: dict):
        with self.lock:
            self.calls.append(entry)


# ---------------------------------------------------------------------------------------
# HTTP


ID = r"([^/]+)"  # validated as an integer by the handler (non-integer -> 400 invalid_args)
ROUTES = [
    # (method, path regex without trailing slash, handler name, endpoint class for 429s)
    ("POST", r"/api/v0/bundles", "h_search", "search"),
    ("GET", r"/api/v0/bundles", "h_search_get", "search"),
    ("PUT", rf"/api/v0/asks/{ID}", "h_create", "create"),
    ("GET", r"/api/v1/instances", "h_list_v1", "list"),
    ("GET", r"/api/v0/instances", "h_list_v0", "list_v0"),
    ("GET", rf"/api/v0/instances/{ID}", "h_get", "get"),
    ("PUT", rf"/api/v0/instances/reboot/{ID}", "h_reboot", "manage"),
    ("PUT", rf"/api/v0/instances/{ID}", "h_manage", "manage"),
    ("DELETE", rf"/api/v0/instances/{ID}", "h_destroy", "destroy"),
    ("POST", rf"/api/v0/instances/{ID}/ssh", "h_attach_ssh", "ssh"),
    ("GET", rf"/api/v0/instances/{ID}/ssh", "h_list_ssh", "ssh"),
    ("DELETE", rf"/api/v0/instances/{ID}/ssh/{ID}", "h_detach_ssh", "ssh"),
    ("POST", r"/api/v0/ssh", "h_add_key", "account_ssh"),
    ("GET", r"/api/v0/ssh", "h_list_keys", "account_ssh"),
    ("DELETE", rf"/api/v0/ssh/{ID}", "h_delete_key", "account_ssh"),
    ("GET", r"/api/v0/users/current", "h_user", "user"),
]
COMPILED = [(m, re.compile(p + r"/?"), h, e) for m, p, h, e in ROUTES]


def to_int(text: str, what: str = "instance_id") -> int:
    try:
        return int(text)
    except ValueError:
        raise err(400, "invalid_args", f"invalid {what}")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "VastFixture/1"
    fixture: Fixture  # set on the subclass in serve()

    def log_message(self, *args):  # quiet; the call log is in /_fixture/state
        pass

    # -- plumbing --

    def send(self, status: int, body, content_type: str = "application/json"):
        data = body.encode() if isinstance(body, str) and content_type != "application/json" else json.dumps(body).encode()
        # Logged before the answer leaves, so a client that reads /_fixture/state right
        # after its call always finds the call there.
        self.status_sent = status
        self.log_call()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_call(self):
        """Records this call once (control endpoints are not recorded). Never stores the
        key: only whether a header or query parameter carried one."""
        parsed = urllib.parse.urlsplit(self.path)
        if self.logged or parsed.path.startswith("/_fixture"):
            return
        self.logged = True
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        self.fixture.record({"t": time.time(), "method": self.command, "path": parsed.path,
                             "status": self.status_sent, "label": self.call_label,
                             "auth_header": "Authorization" in self.headers, "api_key_param": "api_key" in query})

    def read_body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def json_body(self, raw: bytes, required: bool = False) -> dict:
        if not raw.strip():
            if required:
                raise err(400, "invalid_args", "a JSON body is required")
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise err(400, "invalid_args", "body is not valid JSON")
        if not isinstance(body, dict):
            raise err(400, "invalid_args", "body must be a JSON object")
        return body

    def authorized(self, query: dict) -> bool:
        # §0: `Authorization: Bearer KEY`, or `?api_key=KEY` as older clients send.
        key = self.fixture.api_key
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header[len("Bearer "):].strip() == key:
            return True
        return key in query.get("api_key", [])

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method: str):
        self.status_sent = 0
        self.logged = False
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path.rstrip("/") or "/"
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        raw = self.read_body()
        self.call_label = None
        try:
            if path.startswith("/_fixture"):
                self.control(method, path, raw)
                return
            for m, pattern, handler, endpoint in COMPILED:
                match = pattern.fullmatch(path)
                if match and m == method:
                    break
            else:
                raise err(404, "not_found", f"no route {method} {parsed.path}")
            limited = self.fixture.rate_limited(endpoint)
            if limited is not None:
                if isinstance(limited, str):
                    self.send(429, limited, "text/plain; charset=utf-8")
                else:
                    self.send(429, limited)
                return
            if not self.authorized(query):
                raise err(401, "auth_error", "Invalid user key")
            status, body, delay = getattr(self, handler)(match.groups(), query, raw)
            if delay:
                time.sleep(delay)
            self.send(status, body)
        except ApiError as e:
            self.send(e.status, e.body)
        except (BrokenPipeError, ConnectionResetError):
            self.status_sent = self.status_sent or -1  # the client went away (e.g. killed mid-create)
        except Exception as e:  # a fixture bug: say so rather than hang the client
            self.send(500, {"success": False, "error": "fixture_error", "msg": repr(e)})
        finally:
            if not self.logged:
                self.log_call()  # the client went away before an answer

    # -- control endpoints (no auth) --

    def control(self, method: str, path: str, raw: bytes):
        f = self.fixture
        if method == "GET" and path == "/_fixture/state":
            self.send(200, f.state())
        elif method == "POST" and path == "/_fixture/fault":
            self.send(200, f.set_faults(self.json_body(raw, required=True)))
        elif method == "POST" and path == "/_fixture/reset":
            f.reset()
            self.send(200, {"ok": True})
        else:
            raise err(404, "not_found", f"no control route {method} {path}")

    # -- API handlers: each returns (status, body, delay seconds) --

    def h_search(self, groups, query, raw):
        return 200, self.search(self.json_body(raw)), 0

    def h_search_get(self, groups, query, raw):
        # Older clients: GET /api/v0/bundles?q=<json> (providers.md).
        try:
            q = json.loads(query.get("q", ["{}"])[0])
        except ValueError:
            raise err(400, "invalid_args", "q must be JSON")
        if not isinstance(q, dict):
            raise err(400, "invalid_args", "q must be a JSON object")
        return 200, self.search(q), 0

    def search(self, q: dict) -> dict:
        order = q.get("order")
        if order is not None and not (isinstance(order, list) and all(
                isinstance(p, list) and p and isinstance(p[0], str) for p in order)):
            raise err(400, "invalid_args", 'order must look like [["dph_total", "asc"]]')
        try:
            return self.fixture.search(q)
        except ValueError as e:  # an unknown operator
            raise err(400, "invalid_args", str(e))

    def h_create(self, groups, query, raw):
        ask_id = to_int(groups[0], "ask_id")
        body = self.json_body(raw, required=True)
        if isinstance(body.get("label"), str):
            self.call_label = body["label"]
        return self.fixture.create(ask_id, body)

    def h_get(self, groups, query, raw):
        iid = to_int(groups[0])
        reply = self.fixture.get_one(iid)
        if reply["instances"]:
            self.call_label = reply["instances"].get("label")
        return 200, reply, 0

    def h_list_v0(self, groups, query, raw):
        return 200, self.fixture.list_v0(), 0

    def h_list_v1(self, groups, query, raw):
        params = {k: v[-1] for k, v in query.items() if k != "api_key"}
        return 200, self.fixture.list_v1(params), 0

    def _label_of(self, iid: int):
        inst = self.fixture.instances.get(iid)
        self.call_label = inst.label if inst else None

    def h_manage(self, groups, query, raw):
        iid = to_int(groups[0])
        self._label_of(iid)
        return 200, self.fixture.manage(iid, self.json_body(raw, required=True)), 0

    def h_reboot(self, groups, query, raw):
        iid = to_int(groups[0])
        self._label_of(iid)
        self.json_body(raw)
        return 200, self.fixture.reboot(iid), 0

    def h_destroy(self, groups, query, raw):
        iid = to_int(groups[0])
        self._label_of(iid)
        self.json_body(raw)  # the CLI sends {}; any JSON object (or nothing) is fine
        return 200, self.fixture.destroy(iid), 0

    def h_attach_ssh(self, groups, query, raw):
        iid = to_int(groups[0])
        self._label_of(iid)
        return 200, self.fixture.attach_ssh(iid, self.json_body(raw)), 0

    def h_list_ssh(self, groups, query, raw):
        return 200, self.fixture.list_instance_ssh(to_int(groups[0])), 0

    def h_detach_ssh(self, groups, query, raw):
        return 200, self.fixture.detach_ssh(to_int(groups[0]), to_int(groups[1], "ssh_key_id")), 0

    def h_add_key(self, groups, query, raw):
        return 200, self.fixture.add_account_key(self.json_body(raw)), 0

    def h_list_keys(self, groups, query, raw):
        return 200, self.fixture.list_account_keys(), 0

    def h_delete_key(self, groups, query, raw):
        return 200, self.fixture.delete_account_key(to_int(groups[0], "ssh_key_id")), 0

    def h_user(self, groups, query, raw):
        return 200, self.fixture.user(), 0


def serve(fixture: Fixture, port: int) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"fixture": fixture})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="vast-fixture", daemon=True).start()
    return server


def load_offers(path: str) -> list[dict]:
    with open(path) as f:
        data = json.load(f)
    offers = data["offers"] if isinstance(data, dict) else data
    if not isinstance(offers, list) or not all(isinstance(o, dict) and isinstance(o.get("id"), int) for o in offers):
        raise SystemExit(f"{path}: expected {{\"offers\": [{{\"id\": int, ...}}, ...]}}")
    return offers


def main(argv=None):
    ap = argparse.ArgumentParser(description="GP4U Vast.ai REST fixture (offer search and renting), 127.0.0.1 only")
    ap.add_argument("--port", type=int, default=0, help="port to listen on (0 picks a free one)")
    ap.add_argument("--api-key", default=DEFAULT_API_KEY, help="the one API key accepted")
    ap.add_argument("--offers", help='JSON file {"offers": [...]} to serve instead of the generated offers')
    ap.add_argument("--loading-polls", type=int, default=1,
                    help="reads an instance stays in each of null and loading before moving on (0: running at once)")
    ap.add_argument("--seed", type=int, default=1, help="seed for generated offer ids/prices and instance ids")
    ap.add_argument("--credit", type=float, default=DEFAULT_CREDIT, help="starting account credit (USD)")
    args = ap.parse_args(argv)

    offers = load_offers(args.offers) if args.offers else None
    fixture = Fixture(args.api_key, offers, args.loading_polls, args.seed, args.credit)
    server = serve(fixture, args.port)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
