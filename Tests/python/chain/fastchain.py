#!/usr/bin/env python3
"""GP4U fast fake RPC for the watcher benchmark: a synthetic chain, no EVM.

`--blocks N` blocks (numbers 0..N-1) with `--logs L` USDC Transfer logs from `--token`
to `--deposit`, spread over the blocks by a seeded generator (and optionally
`--fake-logs F` identical Transfer logs from another contract, which a watcher must
ignore). Block hashes are deterministic, a hash of (seed, number) with the number in the
last 8 bytes so eth_getBlockByHash is O(1); every parentHash is the previous block's
hash. Logs sit in sorted arrays, so a range query costs O(log n + k).

Head mode (`--head-start H0 --block-time S`): the head starts at H0 and grows by one
block every S seconds up to N-1; logs in later blocks appear as their block does.
`rig_blockTimes` returns when each block appeared (wall clock), so a benchmark can
measure the latency from a confirming block's appearance to a credit.

Usage: python fastchain.py --port 0 [--blocks 1000000] [--logs 100000] [--seed 1]
       [--range-limit N] [--head-start H0 --block-time S]
Prints `READY http://127.0.0.1:<port>` once listening. Binds to 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import bisect
import functools
import hashlib
import json
import os
import random
import signal
import sys
import threading
import time
from array import array
from http.server import ThreadingHTTPServer

from eth_bloom import BloomFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from devchain import (  # noqa: E402  (shared JSON-RPC helpers and range-limit wording)
    TRANSFER_TOPIC, JsonHandler, RpcError, bad_params, param, parse_address, parse_hash,
    parse_quantity, range_limit_error,
)

DEFAULT_TOKEN = "0x" + "a0" * 20
DEFAULT_DEPOSIT = "0x" + "de" * 20
FAKE_TOKEN = "0x" + "fa" * 20
ZERO_HASH = "0x" + "00" * 32
SYNTHETIC_BLOCK_SECONDS = 12


def pad_topic(address: str) -> str:
    return "0x" + "0" * 24 + address[2:]


class RawJson(str):
    """An already-encoded JSON value (log lists are built from cached fragments)."""


class FastChain:
    """The synthetic chain. Immutable after construction except for the clock, so
    request threads read it without a lock."""

    def __init__(self, blocks: int, logs: int, seed: int, token: str, deposit: str, fake_logs: int = 0,
                 head_start: int | None = None, block_time: float | None = None, chain_id: int = 1337,
                 range_limit: int | None = None):
        if blocks < 2:
            raise ValueError("--blocks must be at least 2")
        self.blocks, self.seed, self.chain_id = blocks, seed, chain_id
        self.token, self.deposit = token.lower(), deposit.lower()
        self.deposit_topic = pad_topic(self.deposit)
        self.fake_token = FAKE_TOKEN
        self.range_limit = range_limit
        self.seed_bytes = seed.to_bytes(8, "big")
        rng = random.Random(seed)
        entries = [(rng.randrange(1, blocks), 0, i) for i in range(logs)]
        entries += [(rng.randrange(1, blocks), 1, i) for i in range(fake_logs)]
        entries.sort()
        self.log_block = array("q", (e[0] for e in entries))
        self.log_kind = bytes(e[1] for e in entries)
        self.log_index = array("i")
        prev = -1
        for b, _, _ in entries:
            self.log_index.append(self.log_index[-1] + 1 if b == prev else 0)
            prev = b
        self.counts = {"logs": logs, "fakeLogs": fake_logs}
        self.t0 = time.time()
        self.head_start = head_start
        self.block_time = block_time
        self.stats: dict[str, int] = {}
        self.stats_lock = threading.Lock()
        self.range_turn = 0
        self.log_cache: list[str | None] = [None] * len(entries)

    # -- clock ---------------------------------------------------------------
    def head(self) -> int:
        if self.head_start is None or not self.block_time:
            return self.blocks - 1
        grown = int((time.time() - self.t0) / self.block_time)
        return min(self.blocks - 1, self.head_start + grown)

    def appeared_at(self, n: int) -> float:
        """Wall-clock time block n became visible (blocks up to H0 existed at start)."""
        if self.head_start is None or not self.block_time or n <= self.head_start:
            return self.t0
        return self.t0 + (n - self.head_start) * self.block_time

    def timestamp(self, n: int) -> int:
        if self.head_start is not None and self.block_time and n > self.head_start:
            return int(self.appeared_at(n))
        anchor = self.head_start if self.head_start is not None else self.blocks - 1
        return int(self.t0) - (anchor - n) * SYNTHETIC_BLOCK_SECONDS

    # -- deterministic values --------------------------------------------------
    @functools.lru_cache(maxsize=1 << 16)
    def block_hash(self, n: int) -> str:
        nb = n.to_bytes(8, "big")
        return "0x" + hashlib.blake2b(b"block" + self.seed_bytes + nb, digest_size=24).hexdigest() + nb.hex()

    def number_of_hash(self, h: bytes) -> int | None:
        n = int.from_bytes(h[24:], "big")
        if n >= self.blocks or self.block_hash(n) != "0x" + h.hex():
            return None
        return n

    def log_values(self, pos: int) -> tuple[str, str, int]:
        """(transaction hash, sender, amount) of the log at `pos`, derived from the seed.
        BLAKE2b rather than keccak: it is in the standard library and 50x faster here,
        and nothing checks these values against an EVM."""
        d = hashlib.blake2b(b"log" + self.seed_bytes + pos.to_bytes(8, "big"), digest_size=56).digest()
        return "0x" + d[:32].hex(), "0x" + d[32:52].hex(), 1 + int.from_bytes(d[52:56], "big") % 10**9

    def tx_hash(self, pos: int) -> str:
        return self.log_values(pos)[0]

    def sender(self, pos: int) -> str:
        return self.log_values(pos)[1]

    LOG_TEMPLATE = ('{"address":"%s","topics":["' + TRANSFER_TOPIC + '","%s","%s"],"data":"0x%064x",'
                    '"blockNumber":"%s","blockHash":"%s","transactionHash":"%s","transactionIndex":"%s",'
                    '"logIndex":"%s","removed":false}')

    def log_fragment(self, pos: int) -> str:
        """The log at `pos` as encoded JSON, built once (the chain never changes)."""
        s = self.log_cache[pos]
        if s is None:
            n = self.log_block[pos]
            index = hex(self.log_index[pos])
            tx_hash, sender, amount = self.log_values(pos)
            s = self.log_cache[pos] = self.LOG_TEMPLATE % (
                self.fake_token if self.log_kind[pos] else self.token, pad_topic(sender), self.deposit_topic,
                amount, hex(n), self.block_hash(n), tx_hash, index, index)
        return s

    def positions(self, lo: int, hi: int) -> range:
        return range(bisect.bisect_left(self.log_block, lo), bisect.bisect_right(self.log_block, hi))

    # -- RPC -------------------------------------------------------------------
    def resolve(self, tag, what: str) -> int:
        head = self.head()
        if tag is None or tag in ("latest", "pending", "safe", "finalized"):
            return head
        if tag == "earliest":
            return 0
        return parse_quantity(tag, what)

    def block(self, n: int):
        if n < 0 or n > self.head():
            return None
        pos = self.positions(n, n)
        bloom = BloomFilter()
        for p in pos:
            bloom.add(bytes.fromhex((self.fake_token if self.log_kind[p] else self.token)[2:]))
            for t in (TRANSFER_TOPIC, pad_topic(self.sender(p)), self.deposit_topic):
                bloom.add(bytes.fromhex(t[2:]))
        return {
            "number": hex(n),
            "hash": self.block_hash(n),
            "parentHash": self.block_hash(n - 1) if n > 0 else ZERO_HASH,
            "timestamp": hex(self.timestamp(n)),
            "logsBloom": "0x%0512x" % int(bloom),
            "transactions": [self.tx_hash(p) for p in pos],
            "miner": "0x" + "00" * 20, "gasLimit": hex(30_000_000), "gasUsed": hex(50_000 * len(pos)),
            "baseFeePerGas": hex(10**9), "extraData": "0x", "uncles": [],
            "difficulty": "0x0", "nonce": "0x0000000000000000", "mixHash": ZERO_HASH,
        }

    def get_logs(self, flt) -> RawJson:
        if not isinstance(flt, dict):
            raise bad_params("eth_getLogs expects a filter object")
        if flt.get("blockHash") is not None:
            if flt.get("fromBlock") is not None or flt.get("toBlock") is not None:
                raise bad_params("cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
            n = self.number_of_hash(parse_hash(flt["blockHash"], "blockHash"))
            if n is None or n > self.head():
                raise RpcError(-32000, "unknown block")
            lo = hi = n
        else:
            lo = self.resolve(flt.get("fromBlock", "latest"), "fromBlock")
            hi = self.resolve(flt.get("toBlock", "latest"), "toBlock")
            if lo > hi:
                raise bad_params("invalid block range params")
            if self.range_limit and hi - lo + 1 > self.range_limit:
                with self.stats_lock:
                    turn = self.range_turn
                    self.range_turn += 1
                    self.stats["faults.range_limit"] = self.stats.get("faults.range_limit", 0) + 1
                raise range_limit_error(turn, self.range_limit, lo)
            hi = min(hi, self.head())
        addresses = flt.get("address")
        kinds = {0, 1}
        if addresses is not None:
            wanted = {parse_address(a) for a in (addresses if isinstance(addresses, list) else [addresses])}
            kinds = {k for k, a in ((0, self.token), (1, self.fake_token)) if a in wanted}
        topics = flt.get("topics") or []
        if not isinstance(topics, list):
            raise bad_params("invalid topics: expected an array")
        sets = []
        for t in topics:
            if t is None or t == []:
                sets.append(None)
            else:
                sets.append({("0x" + parse_hash(x, "topic").hex()) for x in (t if isinstance(t, list) else [t])})
        if len(sets) > 3 and any(s is not None for s in sets[3:]):
            return []  # Transfer logs have exactly three topics
        if sets and sets[0] is not None and TRANSFER_TOPIC not in sets[0]:
            return []
        if len(sets) > 2 and sets[2] is not None and self.deposit_topic not in sets[2]:
            return []
        from_set = sets[1] if len(sets) > 1 else None
        out = []
        for p in self.positions(lo, hi):
            if self.log_kind[p] not in kinds:
                continue
            if from_set is not None and pad_topic(self.sender(p)) not in from_set:
                continue
            out.append(self.log_fragment(p))
        return RawJson("[" + ",".join(out) + "]")

    def count_logs(self, lo: int, hi: int, fake: bool = False) -> int:
        kind = 1 if fake else 0
        return sum(1 for p in self.positions(lo, hi) if self.log_kind[p] == kind)

    def dispatch(self, method: str, p):
        if method == "eth_chainId":
            return hex(self.chain_id)
        if method == "net_version":
            return str(self.chain_id)
        if method == "eth_blockNumber":
            return hex(self.head())
        if method == "eth_getBlockByNumber":
            return self.block(self.resolve(param(p, 0, what="block"), "block"))
        if method == "eth_getBlockByHash":
            n = self.number_of_hash(parse_hash(param(p, 0, what="blockHash"), "blockHash"))
            return None if n is None else self.block(n)
        if method == "eth_getLogs":
            return self.get_logs(param(p, 0, what="filter"))
        if method == "rig_info":
            return {"chainId": self.chain_id, "blocks": self.blocks, "head": self.head(), "seed": self.seed,
                    "token": self.token, "deposit": self.deposit, "fakeToken": self.fake_token,
                    "headStart": self.head_start, "blockTime": self.block_time, "rangeLimit": self.range_limit,
                    "startedAt": self.t0, **self.counts}
        if method == "rig_countLogs":
            lo, hi = int(param(p, 0, what="from")), int(param(p, 1, what="to"))
            return self.count_logs(lo, hi, bool(param(p, 2, False, required=False)))
        if method == "rig_blockTimes":
            lo, hi = int(param(p, 0, what="from")), int(param(p, 1, what="to"))
            hi = min(hi, self.head())
            if hi - lo > 100_000:
                raise bad_params("ask for at most 100000 blocks at a time")
            return {str(n): self.appeared_at(n) for n in range(lo, hi + 1)}
        if method == "rig_stats":
            with self.stats_lock:
                return dict(self.stats)
        raise RpcError(-32601, f"the method {method} does not exist/is not available")

    def handle_call(self, call) -> str:
        """One call's response object, encoded."""
        if not isinstance(call, dict) or not isinstance(call.get("method"), str):
            return json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}})
        method = call["method"]
        with self.stats_lock:
            self.stats[method] = self.stats.get(method, 0) + 1
        params = call.get("params") or []
        head = '{"jsonrpc":"2.0","id":' + json.dumps(call.get("id"))
        try:
            result = self.dispatch(method, params)
        except RpcError as e:
            return head + ',"error":' + json.dumps(e.to_json()) + "}"
        except (TypeError, ValueError) as e:
            return head + ',"error":' + json.dumps({"code": -32602, "message": f"invalid params: {e}"}) + "}"
        encoded = result if isinstance(result, RawJson) else json.dumps(result, separators=(",", ":"))
        return head + ',"result":' + encoded + "}"


def make_handler(chain: FastChain):
    class Handler(JsonHandler):
        server_version = "gp4u-fastchain/1"

        def do_POST(self):
            ok, payload = self.read_json()
            if not ok:
                return
            if isinstance(payload, list):
                body = "[" + ",".join(chain.handle_call(c) for c in payload) + "]" if payload else \
                    '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"empty batch"}}'
            else:
                body = chain.handle_call(payload)
            self.send_body(200, body.encode())

    return Handler


def main(argv=None):
    ap = argparse.ArgumentParser(description="GP4U fast fake JSON-RPC chain for the watcher benchmark (127.0.0.1 only)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--chain-id", type=int, default=1337)
    ap.add_argument("--blocks", type=int, default=1_000_000)
    ap.add_argument("--logs", type=int, default=100_000, help="USDC Transfer logs to the deposit address")
    ap.add_argument("--fake-logs", type=int, default=0, help="identical Transfer logs from a fake token")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--token", default=DEFAULT_TOKEN)
    ap.add_argument("--deposit", default=DEFAULT_DEPOSIT)
    ap.add_argument("--range-limit", type=int, default=None, help="reject eth_getLogs ranges wider than N blocks")
    ap.add_argument("--head-start", type=int, default=None, help="head mode: the head starts at this block")
    ap.add_argument("--block-time", type=float, default=None, help="head mode: seconds per new block")
    args = ap.parse_args(argv)
    if (args.head_start is None) != (args.block_time is None):
        ap.error("--head-start and --block-time go together")
    chain = FastChain(args.blocks, args.logs, args.seed, parse_address(args.token, "--token"),
                      parse_address(args.deposit, "--deposit"), args.fake_logs, args.head_start,
                      args.block_time, args.chain_id, args.range_limit)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(chain))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
