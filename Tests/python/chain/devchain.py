#!/usr/bin/env python3
"""GP4U local dev chain: a JSON-RPC HTTP server over eth-tester's py-evm backend.

It fills the gaps eth-tester leaves so the
ChainWatcher and the payout sender can be tested against behaviour real nodes show:
a configurable chain id that rejects wrong-chain transactions, eth_getLogs by block
hash and with address/topic filters, `safe`/`finalized` lagging `latest`, batches,
and test controls (`rig_*` methods) for mining, tokens, reorgs, injected faults and
killing one of several ports that serve the same chain (failover tests).

Usage: python devchain.py --port 0 --chain-id 1337 [--safe-lag K] [--ports N]
Prints one line `READY http://127.0.0.1:<port> [more urls]` once listening.
Binds to 127.0.0.1 only. See README.md next to this file for the control API.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import rlp

HERE = os.path.dirname(os.path.abspath(__file__))
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
TIP = 10**9  # 1 gwei: the priority fee this node suggests
PRICE_BUMP = 10  # percent both fee fields of a same-nonce replacement must rise (geth's default)

# Range-limit replies, worded as real providers word them (chains.md). Each entry is
# (JSON-RPC code, message template); `{lo}`/`{hi}` get a real suggested sub-range and
# `{limit}` the configured range limit written with thousands separators.
RANGE_LIMIT_MESSAGES = [
    (-32005, "query returned more than 10000 results"),
    (-32000, "block range is too wide"),
    (-32602, "eth_getLogs is limited to a {limit} range"),
    (-32602, "Log response size exceeded. You can make eth_getLogs requests with up to a "
             "{limit} block range and no limit on the response size, or you can request any "
             "block range with a cap of 10K logs in the response. Based on your parameters "
             "and the response size limit, this block range should work: [{lo}, {hi}]"),
    (-32005, "logs matched by query exceeds limit of 10000"),
    (-32000, "response too large"),
]


def range_limit_error(turn: int, limit: int, lo: int, choices=None) -> RpcError:
    """The `turn`-th range-limit reply (rotating through the wording list, or through
    `choices`, indices into it) for a query starting at block `lo`; the suggested
    sub-range is real: [lo, lo + limit - 1]."""
    choices = choices or list(range(len(RANGE_LIMIT_MESSAGES)))
    code, template = RANGE_LIMIT_MESSAGES[choices[turn % len(choices)]]
    return RpcError(code, template.format(limit=f"{limit:,}", lo=hex(lo), hi=hex(lo + limit - 1)))


RANDOM_KINDS = ("rpc_error", "limit", "http429", "http5xx", "timeout")
CONDITION_KINDS = ("range_limit", "lagging_head")


class RpcError(Exception):
    """A JSON-RPC error object: code, message, optional data."""

    def __init__(self, code: int, message: str, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def to_json(self):
        err = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


def bad_params(message: str) -> RpcError:
    return RpcError(-32602, message)


# ---------------------------------------------------------------------------
# Parameter parsing and formatting helpers
# ---------------------------------------------------------------------------

def hexq(n: int) -> str:
    return hex(n)


def parse_quantity(value, what: str) -> int:
    if isinstance(value, bool):
        raise bad_params(f"invalid {what}: expected a hex quantity like 0x1a, got {value!r}")
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.startswith(("0x", "0X")) and len(value) > 2:
        try:
            return int(value, 16)
        except ValueError:
            pass
    raise bad_params(f"invalid {what}: expected a hex quantity like 0x1a, got {value!r}")


def parse_data(value, what: str, size: int | None = None) -> bytes:
    if not isinstance(value, str) or not value.startswith(("0x", "0X")):
        raise bad_params(f"invalid {what}: expected 0x-prefixed hex, got {value!r}")
    try:
        raw = bytes.fromhex(value[2:])
    except ValueError:
        raise bad_params(f"invalid {what}: not hex: {value!r}") from None
    if size is not None and len(raw) != size:
        raise bad_params(f"invalid {what}: expected {size} bytes, got {len(raw)}")
    return raw


def parse_address(value, what="address") -> str:
    return "0x" + parse_data(value, what, 20).hex()


def parse_hash(value, what="hash") -> bytes:
    return parse_data(value, what, 32)


def to_hex_data(value) -> str:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return value


def param(params, index, default=None, required=True, what="parameter"):
    if not isinstance(params, list):
        raise bad_params("params must be an array")
    if index < len(params):
        return params[index]
    if required:
        raise bad_params(f"missing value for required argument {index} ({what})")
    return default


# ---------------------------------------------------------------------------
# The chain: eth-tester for state and reads, py-evm directly for sends and reorgs
# ---------------------------------------------------------------------------

class DevChain:
    """The EVM and everything that reads or changes it. Not thread-safe on its own:
    the server calls it under one lock (eth-tester is single-threaded)."""

    def __init__(self, chain_id: int, safe_lag: int, finalized_lag: int, accounts: int = 10):
        from eth_tester import EthereumTester, PyEVMBackend

        genesis_state = PyEVMBackend.generate_genesis_state(num_accounts=accounts)
        self.backend = PyEVMBackend(genesis_state=genesis_state)
        # The tester chain class is created per backend, so this sets only our chain.
        type(self.backend.chain).chain_id = chain_id
        self.tester = EthereumTester(self.backend, auto_mine_transactions=False)
        self.chain_id = chain_id
        self.safe_lag = safe_lag
        self.finalized_lag = finalized_lag
        self.automine = True
        self.keys = list(self.backend.account_keys)
        self._log_cache: dict[bytes, list] = {}
        self._token_artifacts = None

    # -- heads and tags ----------------------------------------------------
    @property
    def chain(self):
        return self.backend.chain

    def head(self) -> int:
        return self.chain.header.block_number - 1

    def resolve_tag(self, tag, what="block") -> int | str:
        """A block parameter as a number, or "pending"."""
        if tag is None or tag == "latest":
            return self.head()
        if tag == "earliest":
            return 0
        if tag == "pending":
            return "pending"
        if tag == "safe":
            return max(0, self.head() - self.safe_lag)
        if tag == "finalized":
            return max(0, self.head() - self.finalized_lag)
        if isinstance(tag, dict):  # EIP-1898 {blockNumber} / {blockHash}
            if "blockHash" in tag:
                block = self.block_by_hash(parse_hash(tag["blockHash"], "blockHash"))
                if block is None:
                    raise RpcError(-32000, f"header for hash {tag['blockHash']} not found")
                return block.header.block_number
            return self.resolve_tag(tag.get("blockNumber"), what)
        if isinstance(tag, str) and not tag.startswith("0x"):
            raise bad_params(f"invalid {what}: unknown tag {tag!r} (use latest, safe, finalized, earliest, pending or a hex number)")
        return parse_quantity(tag, what)

    def canonical_hash(self, number: int) -> bytes | None:
        if number < 0 or number > self.head():
            return None
        return self.chain.chaindb.get_canonical_block_hash(number)

    def block_by_hash(self, block_hash: bytes):
        from eth.exceptions import BlockNotFound, HeaderNotFound

        try:
            return self.chain.get_block_by_hash(block_hash)
        except (BlockNotFound, HeaderNotFound):
            return None

    def block_by_number(self, number: int):
        h = self.canonical_hash(number)
        return None if h is None else self.chain.get_block_by_hash(h)

    # -- formatting ----------------------------------------------------------
    def format_block(self, block, full: bool = False):
        hd = block.header
        txs = block.transactions
        out = {
            "number": hexq(hd.block_number),
            "hash": to_hex_data(hd.hash),
            "parentHash": to_hex_data(hd.parent_hash),
            "nonce": to_hex_data(hd.nonce),
            "sha3Uncles": to_hex_data(hd.uncles_hash),
            "logsBloom": "0x" + hd.bloom.to_bytes(256, "big").hex(),
            "transactionsRoot": to_hex_data(hd.transaction_root),
            "stateRoot": to_hex_data(hd.state_root),
            "receiptsRoot": to_hex_data(hd.receipt_root),
            "miner": to_hex_data(hd.coinbase),
            "difficulty": hexq(hd.difficulty),
            "totalDifficulty": hexq(0),
            "extraData": to_hex_data(hd.extra_data),
            "size": hexq(len(rlp.encode(block))),
            "gasLimit": hexq(hd.gas_limit),
            "gasUsed": hexq(hd.gas_used),
            "timestamp": hexq(hd.timestamp),
            "mixHash": to_hex_data(hd.mix_hash),
            "baseFeePerGas": hexq(hd.base_fee_per_gas),
            "uncles": [],
            "transactions": [self.format_tx(tx, block, i) for i, tx in enumerate(txs)] if full
            else [to_hex_data(tx.hash) for tx in txs],
        }
        if getattr(hd, "withdrawals_root", None) is not None:
            out["withdrawalsRoot"] = to_hex_data(hd.withdrawals_root)
            out["withdrawals"] = []
        return out

    def format_tx(self, tx, block=None, index=None):
        out = {
            "hash": to_hex_data(tx.hash),
            "nonce": hexq(tx.nonce),
            "blockHash": to_hex_data(block.header.hash) if block is not None else None,
            "blockNumber": hexq(block.header.block_number) if block is not None else None,
            "transactionIndex": hexq(index) if block is not None else None,
            "from": "0x" + tx.sender.hex(),
            "to": ("0x" + tx.to.hex()) if tx.to else None,
            "value": hexq(tx.value),
            "gas": hexq(tx.gas),
            "input": to_hex_data(tx.data),
            "r": hexq(tx.r),
            "s": hexq(tx.s),
            "v": hexq(tx.y_parity if hasattr(tx, "type_id") else tx.v),
            "chainId": hexq(self.chain_id),
        }
        type_id = getattr(tx, "type_id", None)
        if type_id is None:
            out["type"] = "0x0"
            out["gasPrice"] = hexq(tx.gas_price)
        else:
            out["type"] = hexq(type_id)
            out["yParity"] = hexq(tx.y_parity)
            out["accessList"] = []
            if type_id == 2:
                out["maxFeePerGas"] = hexq(tx.max_fee_per_gas)
                out["maxPriorityFeePerGas"] = hexq(tx.max_priority_fee_per_gas)
                base = block.header.base_fee_per_gas if block is not None else self.chain.header.base_fee_per_gas
                out["gasPrice"] = hexq(min(tx.max_fee_per_gas, base + tx.max_priority_fee_per_gas))
            else:
                out["gasPrice"] = hexq(tx.gas_price)
        return out

    def block_logs(self, block) -> list:
        """All logs of one block with block-wide log indices (cached by block hash:
        a reorged block has a new hash, so the cache never goes stale)."""
        h = block.header.hash
        cached = self._log_cache.get(h)
        if cached is not None:
            return cached
        logs = []
        receipts = block.get_receipts(self.chain.chaindb)
        index = 0
        for ti, (tx, rc) in enumerate(zip(block.transactions, receipts)):
            for lg in rc.logs:
                logs.append({
                    "address": "0x" + lg.address.hex(),
                    "topics": ["0x%064x" % t for t in lg.topics],
                    "data": "0x" + lg.data.hex(),
                    "blockNumber": hexq(block.header.block_number),
                    "blockHash": to_hex_data(h),
                    "transactionHash": to_hex_data(tx.hash),
                    "transactionIndex": hexq(ti),
                    "logIndex": hexq(index),
                    "removed": False,
                })
                index += 1
        self._log_cache[h] = logs
        return logs

    # -- reads ---------------------------------------------------------------
    def find_tx(self, tx_hash: bytes):
        """(tx, block, index) for a canonical transaction, (tx, None, None) for a
        pending one, or None."""
        from eth.exceptions import TransactionNotFound

        try:
            number, index = self.chain.chaindb.get_transaction_index(tx_hash)
        except TransactionNotFound:
            number = None
        if number is not None and number <= self.head():
            block = self.block_by_number(number)
            if block is not None and index < len(block.transactions) and block.transactions[index].hash == tx_hash:
                return block.transactions[index], block, index
        for tx in self.chain.get_block().transactions:
            if tx.hash == tx_hash:
                return tx, None, None
        return None

    def receipt(self, tx_hash: bytes):
        found = self.find_tx(tx_hash)
        if found is None or found[1] is None:
            return None
        tx, block, index = found
        receipts = block.get_receipts(self.chain.chaindb)
        rc = receipts[index]
        prev = receipts[index - 1].gas_used if index > 0 else 0
        base = block.header.base_fee_per_gas
        if getattr(tx, "type_id", None) == 2:
            price = min(tx.max_fee_per_gas, base + tx.max_priority_fee_per_gas)
        else:
            price = tx.gas_price
        contract = None
        if not tx.to:
            from eth._utils.address import generate_contract_address
            contract = "0x" + generate_contract_address(tx.sender, tx.nonce).hex()
        logs = [lg for lg in self.block_logs(block) if lg["transactionHash"] == to_hex_data(tx.hash)]
        return {
            "transactionHash": to_hex_data(tx.hash),
            "transactionIndex": hexq(index),
            "blockHash": to_hex_data(block.header.hash),
            "blockNumber": hexq(block.header.block_number),
            "from": "0x" + tx.sender.hex(),
            "to": ("0x" + tx.to.hex()) if tx.to else None,
            "cumulativeGasUsed": hexq(rc.gas_used),
            "gasUsed": hexq(rc.gas_used - prev),
            "effectiveGasPrice": hexq(price),
            "contractAddress": contract,
            "logs": logs,
            "logsBloom": "0x" + rc.bloom.to_bytes(256, "big").hex(),
            "status": hexq(1 if rc.state_root == b"\x01" else 0),
            "type": hexq(getattr(tx, "type_id", None) or 0),
        }

    def get_logs(self, flt: dict) -> list:
        """eth_getLogs by block hash or by range, with address and topic filters."""
        if not isinstance(flt, dict):
            raise bad_params("eth_getLogs expects a filter object")
        if "blockHash" in flt and flt["blockHash"] is not None:
            if flt.get("fromBlock") is not None or flt.get("toBlock") is not None:
                raise bad_params("cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
            block = self.block_by_hash(parse_hash(flt["blockHash"], "blockHash"))
            if block is None:
                raise RpcError(-32000, "unknown block")
            blocks = [block]
        else:
            lo = self.resolve_tag(flt.get("fromBlock", "latest"), "fromBlock")
            hi = self.resolve_tag(flt.get("toBlock", "latest"), "toBlock")
            lo = self.head() if lo == "pending" else lo
            hi = self.head() if hi == "pending" else hi
            if lo > hi:
                raise bad_params("invalid block range params")
            hi = min(hi, self.head())
            blocks = [self.block_by_number(n) for n in range(lo, hi + 1)]
        addresses = flt.get("address")
        if addresses is None:
            addr_set = None
        else:
            addr_list = addresses if isinstance(addresses, list) else [addresses]
            addr_set = {parse_address(a) for a in addr_list} or None
        topic_sets = []
        topics = flt.get("topics") or []
        if not isinstance(topics, list):
            raise bad_params("invalid topics: expected an array")
        for position in topics:
            if position is None or position == []:
                topic_sets.append(None)
            elif isinstance(position, list):
                topic_sets.append({"0x" + parse_hash(t, "topic").hex() for t in position if t is not None} or None)
            else:
                topic_sets.append({"0x" + parse_hash(position, "topic").hex()})
        out = []
        for block in blocks:
            if block is None:
                continue
            for lg in self.block_logs(block):
                if addr_set is not None and lg["address"] not in addr_set:
                    continue
                if len(topic_sets) > len(lg["topics"]) and any(s is not None for s in topic_sets[len(lg["topics"]):]):
                    continue
                if all(s is None or (i < len(lg["topics"]) and lg["topics"][i] in s) for i, s in enumerate(topic_sets)):
                    out.append(lg)
        return out

    def state_at(self, tag):
        """(tester block parameter) for eth-tester reads."""
        n = self.resolve_tag(tag)
        if n != "pending" and n > self.head():
            raise RpcError(-32000, f"header not found: block {n} is beyond the head {self.head()}")
        return n

    def nonce(self, address: str, tag="latest") -> int:
        n = self.state_at(tag)
        if n == "pending":
            return self.chain.get_vm().state.get_nonce(bytes.fromhex(address[2:]))
        return self.tester.get_nonce(address, n)

    def balance(self, address: str, tag="latest") -> int:
        n = self.state_at(tag)
        if n == "pending":
            return self.chain.get_vm().state.get_balance(bytes.fromhex(address[2:]))
        return self.tester.get_balance(address, n)

    def call_tx(self, tx: dict) -> dict:
        """A JSON-RPC call object in eth-tester's shape."""
        if not isinstance(tx, dict):
            raise bad_params("expected a transaction call object")
        out = {}
        out["from"] = parse_address(tx["from"]) if tx.get("from") else "0x" + self.keys[0].public_key.to_canonical_address().hex()
        if tx.get("to"):
            out["to"] = parse_address(tx["to"], "to")
        data = tx.get("input", tx.get("data"))
        if data:
            out["data"] = "0x" + parse_data(data, "input").hex()
        if tx.get("value") is not None:
            out["value"] = parse_quantity(tx["value"], "value")
        if tx.get("gas") is not None:
            out["gas"] = parse_quantity(tx["gas"], "gas")
        return out

    def eth_call(self, tx: dict, tag="latest") -> str:
        from eth_tester.exceptions import TransactionFailed

        n = self.state_at(tag)
        try:
            return to_hex_data(self.tester.call(self.call_tx(tx), n))
        except TransactionFailed as e:
            raise RpcError(-32000, f"execution reverted: {e}") from None

    def estimate_gas(self, tx: dict, tag="latest") -> int:
        from eth_tester.exceptions import TransactionFailed

        n = self.state_at(tag)
        try:
            return self.tester.estimate_gas(self.call_tx(tx), n)
        except TransactionFailed as e:
            raise RpcError(-32000, f"execution reverted: {e}") from None

    def fee_history(self, count: int, newest, percentiles) -> dict:
        newest_n = self.resolve_tag(newest, "newestBlock")
        newest_n = self.head() if newest_n == "pending" else min(newest_n, self.head())
        count = max(1, min(count, 1024, newest_n + 1))
        oldest = newest_n - count + 1
        base, ratio, reward = [], [], []
        for n in range(oldest, newest_n + 1):
            hd = self.block_by_number(n).header
            base.append(hexq(hd.base_fee_per_gas))
            ratio.append(hd.gas_used / hd.gas_limit if hd.gas_limit else 0.0)
            if percentiles:
                reward.append([hexq(TIP) for _ in percentiles])
        base.append(hexq(self.chain.header.base_fee_per_gas))
        out = {"oldestBlock": hexq(oldest), "baseFeePerGas": base, "gasUsedRatio": ratio}
        if percentiles:
            out["reward"] = reward
        return out

    # -- writes --------------------------------------------------------------
    def decode_raw(self, raw: bytes):
        try:
            return self.chain.get_vm().get_transaction_builder().decode(raw)
        except Exception as e:  # rlp / type errors from py-evm
            raise RpcError(-32000, f"rlp: invalid transaction: {e}") from None

    def send_raw(self, raw: bytes) -> str:
        """Validate like geth does (chain id, replay protection, known, nonce, funds),
        apply to the pending block, and mine it when auto-mining."""
        from eth_utils import ValidationError

        tx = self.decode_raw(raw)
        tx_chain = getattr(tx, "chain_id", None)
        if tx_chain is None:
            raise RpcError(-32000, "only replay-protected (EIP-155) transactions allowed over RPC")
        if tx_chain != self.chain_id:
            raise RpcError(-32000, f"invalid chain id for signer: have {tx_chain} want {self.chain_id}")
        if self.find_tx(tx.hash) is not None:
            raise RpcError(-32000, "already known")
        try:
            sender = tx.sender
        except Exception as e:
            raise RpcError(-32000, f"invalid sender: {e}") from None
        state = self.chain.get_vm().state
        expected = state.get_nonce(sender)
        old = self.pending_from(sender, tx.nonce) if tx.nonce < expected else None
        if old is not None:
            return self.replace_pending(old, tx)
        if tx.nonce < expected:
            raise RpcError(-32000, f"nonce too low: address 0x{sender.hex()}, tx: {tx.nonce} state: {expected}")
        if tx.nonce > expected:
            raise RpcError(-32000, f"nonce too high: address 0x{sender.hex()}, tx: {tx.nonce} state: {expected} "
                                   "(this dev chain has no queue for future nonces)")
        max_price = tx.max_fee_per_gas if getattr(tx, "type_id", None) == 2 else tx.gas_price
        cost = tx.gas * max_price + tx.value
        have = state.get_balance(sender)
        if have < cost:
            raise RpcError(-32000, f"insufficient funds for gas * price + value: address 0x{sender.hex()} have {have} want {cost}")
        if max_price < self.chain.header.base_fee_per_gas:
            raise RpcError(-32000, f"max fee per gas less than block base fee: address 0x{sender.hex()}, "
                                   f"maxFeePerGas: {max_price}, baseFee: {self.chain.header.base_fee_per_gas}")
        try:
            self.chain.apply_transaction(tx)
        except ValidationError as e:
            raise RpcError(-32000, f"invalid transaction: {e}") from None
        if self.automine:
            self.mine(1)
        return to_hex_data(tx.hash)

    def pending_from(self, sender: bytes, nonce: int):
        """The pending (not yet mined) transaction of `sender` with `nonce`, or None."""
        for tx in self.chain.get_block().transactions:
            if tx.nonce == nonce and tx.sender == sender:
                return tx
        return None

    @staticmethod
    def fee_caps(tx) -> tuple[int, int]:
        """(max fee per gas, max priority fee per gas); a legacy price is both."""
        if getattr(tx, "type_id", None) == 2:
            return tx.max_fee_per_gas, tx.max_priority_fee_per_gas
        return tx.gas_price, tx.gas_price

    def replace_pending(self, old, tx) -> str:
        """A pending transaction replaced by one with the same sender and nonce, as geth's
        pool does: both the fee cap and the tip must be at least 10% higher, else
        `replacement transaction underpriced`. The pending block is rebuilt with the new
        transaction in the old one's place; the old one is gone (no receipt, unknown)."""
        (old_fee, old_tip), (fee, tip) = self.fee_caps(old), self.fee_caps(tx)
        # geth (core/txpool/legacypool/list.go): both fields strictly higher, and each at
        # least the old one times (100 + bump) / 100, rounded down
        if (fee <= old_fee or tip <= old_tip or fee < old_fee * (100 + PRICE_BUMP) // 100
                or tip < old_tip * (100 + PRICE_BUMP) // 100):
            raise RpcError(-32000, "replacement transaction underpriced")
        if fee < self.chain.header.base_fee_per_gas:
            raise RpcError(-32000, f"max fee per gas less than block base fee: address 0x{tx.sender.hex()}, "
                                   f"maxFeePerGas: {fee}, baseFee: {self.chain.header.base_fee_per_gas}")
        pending = list(self.chain.get_block().transactions)
        swapped = [tx if p.hash == old.hash else p for p in pending]
        try:
            self.rebuild_pending(swapped)
        except Exception as e:  # e.g. the sender cannot pay the higher fees: keep the old one
            self.rebuild_pending(pending)
            raise RpcError(-32000, f"invalid transaction: {e}") from None
        if self.automine:
            self.mine(1)
        return to_hex_data(tx.hash)

    def rebuild_pending(self, transactions):
        """Empties the pending block (on top of the same head) and applies `transactions`
        in order; raises what py-evm raises for the first one that does not apply."""
        self.backend.revert_to_snapshot(self.canonical_hash(self.head()))
        for t in transactions:
            self.chain.apply_transaction(t)

    def mine(self, n: int = 1) -> list[str]:
        return ["0x" + h.hex() for h in self.backend.mine_blocks(n)]

    def account(self, who):
        """A rig account's key by index or address."""
        if isinstance(who, int) and 0 <= who < len(self.keys):
            return self.keys[who]
        if isinstance(who, str):
            addr = parse_address(who, "account")
            for key in self.keys:
                if "0x" + key.public_key.to_canonical_address().hex() == addr:
                    return key
        raise bad_params(f"{who!r} is not a rig account: use an index or an address from rig_accounts")

    def sign_and_send(self, key, to: str | None, data: bytes, gas: int = 300_000, value: int = 0) -> str:
        from eth_account import Account

        address = key.public_key.to_canonical_address()
        tx = {
            "type": 2, "chainId": self.chain_id,
            "nonce": self.chain.get_vm().state.get_nonce(address),
            "maxPriorityFeePerGas": TIP,
            "maxFeePerGas": 2 * self.chain.header.base_fee_per_gas + TIP,
            "gas": gas, "value": value, "data": data,
        }
        if to is not None:
            from eth_utils import to_checksum_address
            tx["to"] = to_checksum_address(to)
        signed = Account.sign_transaction(tx, key.to_bytes())
        return self.send_raw(bytes(signed.raw_transaction))

    def token_artifacts(self):
        if self._token_artifacts is None:
            import vyper

            with open(os.path.join(HERE, "usdc.vy")) as f:
                out = vyper.compile_code(f.read(), output_formats=["abi", "bytecode"])
            self._token_artifacts = (out["abi"], bytes.fromhex(out["bytecode"][2:]))
        return self._token_artifacts

    def deploy_token(self, name: str, symbol: str, decimals: int) -> str:
        import eth_abi
        from eth._utils.address import generate_contract_address

        _, bytecode = self.token_artifacts()
        owner = self.keys[0]
        address = owner.public_key.to_canonical_address()
        nonce = self.chain.get_vm().state.get_nonce(address)
        ctor = eth_abi.encode(["string", "string", "uint8"], [name, symbol, decimals])
        self.sign_and_send(owner, None, bytecode + ctor, gas=3_000_000)
        return "0x" + generate_contract_address(address, nonce).hex()

    def token_call(self, key, token: str, selector: str, types: list, args: list) -> str:
        import eth_abi

        data = bytes.fromhex(selector[2:]) + eth_abi.encode(types, args)
        return self.sign_and_send(key, parse_address(token, "token"), data, gas=120_000)

    # -- reorgs ----------------------------------------------------------------
    def reorg(self, depth: int, opts: dict) -> dict:
        """Replace the newest `depth` blocks: revert to the fork point, re-include the
        chosen transactions in new blocks (after `shift` empty blocks, so at other
        heights), drop the rest, and mine to at least the old height plus `extra`.
        New blocks get a fresh random mix hash and a distinct extra-data, so every
        hash from the fork point up changes."""
        old_head = self.head()
        if depth < 1 or depth > old_head:
            raise bad_params(f"reorg depth must be between 1 and the head ({old_head}), got {depth}")
        fork = old_head - depth
        window = []
        for n in range(fork + 1, old_head + 1):
            block = self.block_by_number(n)
            window.extend((to_hex_data(tx.hash), tx, n) for tx in block.transactions)
        known = {h: (tx, n) for h, tx, n in window}
        reinclude = opts.get("reinclude")
        drop = [h.lower() for h in opts.get("drop", [])]
        for h in (reinclude or []) + drop:
            if h.lower() not in known:
                raise bad_params(f"transaction {h} is not in the last {depth} blocks; only those can be re-included or dropped")
        if reinclude is None:
            chosen = [h for h, _, _ in window if h not in set(drop)]
        else:
            chosen = [h.lower() for h in reinclude]
            if set(chosen) & set(drop):
                raise bad_params("a transaction cannot be both re-included and dropped")
        shift = int(opts.get("shift", 1))
        spread = bool(opts.get("spread", False))
        extra = int(opts.get("extra", 0))
        pending = list(self.chain.get_block().transactions)

        self.backend.revert_to_snapshot(self.canonical_hash(fork))
        tag = os.urandom(4)
        counter = [0]

        def mine_one():
            counter[0] += 1
            self.chain.mine_block(mix_hash=os.urandom(32), extra_data=b"reorg" + tag + bytes([counter[0] % 256]))

        for _ in range(shift):
            mine_one()
        placed = {}
        for i, h in enumerate(chosen):
            try:
                self.chain.apply_transaction(known[h][0])
            except Exception as e:
                raise RpcError(-32000, f"cannot re-include {h}: {e} (dropping an earlier nonce of the same sender "
                                       "makes later ones invalid)") from None
            placed[h] = self.chain.header.block_number
            if spread and i < len(chosen) - 1:
                mine_one()
        if chosen:
            mine_one()
        while self.head() < old_head + extra:
            mine_one()
        for tx in pending:
            try:
                self.chain.apply_transaction(tx)
            except Exception:
                pass  # it may have been re-included above or made invalid by the reorg
        dropped = [h for h, _, _ in window if h not in placed]
        return {
            "oldHead": old_head, "newHead": self.head(), "forkPoint": fork,
            "reincluded": {h: n for h, n in placed.items()}, "dropped": dropped,
        }


# ---------------------------------------------------------------------------
# Per-port state: faults, statistics, kill switch
# ---------------------------------------------------------------------------

class Faults:
    """Fault settings of one port. Random kinds fire with probability `error_rate`
    per call from a seeded generator; condition kinds fire whenever their condition
    holds (a range wider than `range_limit_blocks`, logs in the newest
    `lagging_blocks` blocks)."""

    def __init__(self, spec: dict | None = None):
        spec = spec or {}
        kinds = list(spec.get("kinds", []))
        for k in kinds:
            if k not in RANDOM_KINDS + CONDITION_KINDS:
                raise bad_params(f"unknown fault kind {k!r}; known: {', '.join(RANDOM_KINDS + CONDITION_KINDS)}")
        self.kinds = kinds
        self.random_kinds = [k for k in kinds if k in RANDOM_KINDS]
        self.error_rate = float(spec.get("error_rate", 1.0 if self.random_kinds else 0.0))
        self.seed = spec.get("seed", 0)
        self.rng = random.Random(self.seed)
        self.methods = set(spec["methods"]) if spec.get("methods") else None
        self.max_faults = spec.get("max_faults")
        self.timeout_seconds = float(spec.get("timeout_seconds", 3.0))
        self.range_limit_blocks = int(spec.get("range_limit_blocks", 1000))
        self.range_messages = spec.get("range_messages")  # indices into the wording list
        self.lagging_blocks = int(spec.get("lagging_blocks", 3))
        self.injected = 0
        self.range_counter = 0
        self.http5xx_counter = 0
        self.lock = threading.Lock()  # concurrent requests draw from one seeded sequence

    def budget_left(self) -> bool:
        return self.max_faults is None or self.injected < self.max_faults

    def draw(self, method: str) -> str | None:
        """The random fault (if any) for one call."""
        if not self.random_kinds or not self.budget_left():
            return None
        if self.methods is not None and method not in self.methods:
            return None
        with self.lock:
            if self.rng.random() >= self.error_rate:
                return None
            self.injected += 1
            return self.rng.choice(self.random_kinds)

    def range_error(self, lo: int, hi: int) -> RpcError | None:
        if "range_limit" not in self.kinds or hi - lo + 1 <= self.range_limit_blocks:
            return None
        with self.lock:
            if not self.budget_left():
                return None
            self.injected += 1
            self.range_counter += 1
            turn = self.range_counter - 1
        return range_limit_error(turn, self.range_limit_blocks, lo, self.range_messages)


class Port:
    """One listening port: its HTTP server, fault settings, statistics and
    kill state ("up", "refuse": listener and connections closed, "hang": accepts and
    never answers non-rig calls)."""

    def __init__(self, rig: "RigServer", port: int):
        self.rig = rig
        self.port = port
        self.faults = Faults()
        self.requests: dict[str, int] = {}
        self.faults_injected: dict[str, int] = {}
        self.state = "up"
        self.server = None
        self.thread = None
        self.connections: set = set()
        self.conn_lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        handler = make_handler(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def kill(self, mode: str):
        if mode not in ("refuse", "hang"):
            raise bad_params("kill mode must be 'refuse' (connections refused and closed) or 'hang' (never answers)")
        if self.state == "refuse":
            return
        self.state = mode
        if mode == "refuse":
            server = self.server
            threading.Thread(target=lambda: (server.shutdown(), server.server_close()), daemon=True).start()
            with self.conn_lock:
                for conn in list(self.connections):
                    try:
                        conn.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def revive(self):
        if self.state == "refuse":
            if self.server is not None:
                deadline = time.time() + 5
                while self.thread.is_alive() and time.time() < deadline:
                    time.sleep(0.01)
            self.state = "up"
            self.start()
        else:
            self.state = "up"

    def count(self, table: dict, key: str):
        with self.rig.stats_lock:
            table[key] = table.get(key, 0) + 1

    def stats(self):
        with self.rig.stats_lock:
            return {"port": self.port, "state": self.state, "requests": dict(self.requests),
                    "faults": dict(self.faults_injected)}


class HttpFault(Exception):
    """A fault answered at the HTTP level (429 or 5xx) instead of a JSON-RPC reply."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


class JsonHandler(BaseHTTPRequestHandler):
    """Keep-alive (HTTP/1.1) handler base shared with fastchain.py: quiet logs and
    one way to send a body with a Content-Length."""

    protocol_version = "HTTP/1.1"
    server_version = "gp4u-devchain/1"
    # Headers and body go out in two writes; with Nagle on, the body then waits for the
    # client's delayed ACK (~40 ms a request), which real nodes never make their clients do.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet: tests read stdout/stderr
        pass

    def send_body(self, status: int, body: bytes, content_type="application/json", headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def read_json(self):
        """(True, the request body as JSON), or (False, None) after answering a parse error."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return True, json.loads(raw)
        except ValueError:
            self.send_body(200, json.dumps({"jsonrpc": "2.0", "id": None,
                                            "error": {"code": -32700, "message": "parse error"}}).encode())
            return False, None

    def do_GET(self):
        self.send_body(405, b'{"error":"use POST with a JSON-RPC body"}')


def make_handler(port: Port):
    rig = port.rig

    class Handler(JsonHandler):
        def setup(self):
            super().setup()
            with port.conn_lock:
                port.connections.add(self.connection)

        def finish(self):
            with port.conn_lock:
                port.connections.discard(self.connection)
            try:
                super().finish()
            except OSError:
                pass

        def do_POST(self):
            ok, payload = self.read_json()
            if not ok:
                return
            calls = payload if isinstance(payload, list) else [payload]
            only_rig = all(isinstance(c, dict) and str(c.get("method", "")).startswith("rig_") for c in calls) and calls
            if port.state == "hang" and not only_rig:
                while port.state == "hang":
                    time.sleep(0.05)
                self.close_connection = True
                return
            if port.state == "refuse":
                self.close_connection = True
                return
            try:
                if isinstance(payload, list):
                    if not payload:
                        result = {"jsonrpc": "2.0", "id": None,
                                  "error": {"code": -32600, "message": "empty batch"}}
                    else:
                        result = [rig.handle_call(port, c) for c in payload]
                else:
                    result = rig.handle_call(port, payload)
            except HttpFault as fault:
                self.http_fault(fault.kind)
                return
            self.send_body(200, json.dumps(result).encode())

        def http_fault(self, kind: str):
            f = port.faults
            if kind == "http429":
                self.send_body(429, b"Too Many Requests", "text/plain", {"Retry-After": "1"})
            elif kind == "http5xx":
                status = (502, 503, 500, 504)[f.http5xx_counter % 4]
                f.http5xx_counter += 1
                self.send_body(status, f"<html><body><h1>{status} upstream error</h1></body></html>".encode(), "text/html")

    return Handler


# ---------------------------------------------------------------------------
# The server: dispatch and rig controls
# ---------------------------------------------------------------------------

class RigServer:
    def __init__(self, chain: DevChain):
        self.chain = chain
        self.lock = threading.RLock()
        self.stats_lock = threading.Lock()
        self.ports: dict[int, Port] = {}

    def open_port(self, number: int = 0) -> Port:
        p = Port(self, number)
        p.start()
        self.ports[p.port] = p
        return p

    def port_arg(self, current: Port, value) -> Port:
        if value is None:
            return current
        number = value if isinstance(value, int) else parse_quantity(value, "port")
        if number not in self.ports:
            raise bad_params(f"port {number} is not served by this dev chain; known: {sorted(self.ports)}")
        return self.ports[number]

    def handle_call(self, port: Port, call) -> dict:
        if not isinstance(call, dict) or not isinstance(call.get("method"), str):
            return {"jsonrpc": "2.0", "id": call.get("id") if isinstance(call, dict) else None,
                    "error": {"code": -32600, "message": "invalid request: expected {jsonrpc, id, method, params}"}}
        method = call["method"]
        cid = call.get("id")
        params = call.get("params", [])
        port.count(port.requests, method)
        try:
            if not method.startswith("rig_"):
                kind = port.faults.draw(method)
                if kind is not None:
                    port.count(port.faults_injected, kind)
                    if kind == "rpc_error":
                        raise RpcError(-32000, "internal error: upstream node failed to respond")
                    if kind == "limit":
                        raise RpcError(-32005, "request rate exceeded, limit reached: retry later")
                    if kind == "timeout":
                        # stall, then answer: the client must have timed out by then
                        time.sleep(port.faults.timeout_seconds)
                    else:
                        raise HttpFault(kind)
            result = self.dispatch(port, method, params)
            return {"jsonrpc": "2.0", "id": cid, "result": result}
        except RpcError as e:
            return {"jsonrpc": "2.0", "id": cid, "error": e.to_json()}
        except HttpFault:
            raise
        except Exception as e:  # a bug or an eth-tester refusal: report, keep serving
            return {"jsonrpc": "2.0", "id": cid, "error": {"code": -32000, "message": f"{type(e).__name__}: {e}"}}

    def dispatch(self, port: Port, method: str, params):
        handler = getattr(self, "m_" + method, None)
        if handler is None:
            raise RpcError(-32601, f"the method {method} does not exist/is not available")
        if params is None:
            params = []
        if isinstance(params, dict):
            params = [params]
        if not isinstance(params, list):
            raise bad_params("params must be an array")
        if method.startswith("rig_"):
            return handler(port, params)
        with self.lock:
            return handler(port, params)

    # -- standard methods ------------------------------------------------------
    def m_eth_chainId(self, port, p):
        return hexq(self.chain.chain_id)

    def m_net_version(self, port, p):
        return str(self.chain.chain_id)

    def m_web3_clientVersion(self, port, p):
        return "gp4u-devchain/1 (eth-tester py-evm)"

    def m_eth_blockNumber(self, port, p):
        return hexq(self.chain.head())

    def m_eth_getBlockByNumber(self, port, p):
        n = self.chain.resolve_tag(param(p, 0, what="block"))
        full = bool(param(p, 1, False, required=False))
        if n == "pending":
            return self.chain.format_block(self.chain.chain.get_block(), full)
        block = self.chain.block_by_number(n)
        return None if block is None else self.chain.format_block(block, full)

    def m_eth_getBlockByHash(self, port, p):
        block = self.chain.block_by_hash(parse_hash(param(p, 0, what="blockHash"), "blockHash"))
        full = bool(param(p, 1, False, required=False))
        return None if block is None else self.chain.format_block(block, full)

    def m_eth_getLogs(self, port, p):
        flt = param(p, 0, what="filter")
        if not isinstance(flt, dict):
            raise bad_params("eth_getLogs expects a filter object")
        if flt.get("blockHash") is None:
            lo = self.chain.resolve_tag(flt.get("fromBlock", "latest"), "fromBlock")
            hi = self.chain.resolve_tag(flt.get("toBlock", "latest"), "toBlock")
            lo = self.chain.head() if lo == "pending" else lo
            hi = self.chain.head() if hi == "pending" else hi
            err = port.faults.range_error(lo, hi)
            if err is not None:
                port.count(port.faults_injected, "range_limit")
                raise err
        lagging = port.faults.lagging_blocks if "lagging_head" in port.faults.kinds else 0
        logs = self.chain.get_logs(flt)
        if lagging:  # a lagging load-balanced node answers empty for blocks it lacks, not an error
            hidden_from = self.chain.head() - lagging + 1
            kept = [lg for lg in logs if int(lg["blockNumber"], 16) < hidden_from]
            if len(kept) != len(logs):
                port.count(port.faults_injected, "lagging_head")
            logs = kept
        return logs

    def m_eth_sendRawTransaction(self, port, p):
        return self.chain.send_raw(parse_data(param(p, 0, what="raw transaction"), "raw transaction"))

    def m_eth_getTransactionCount(self, port, p):
        return hexq(self.chain.nonce(parse_address(param(p, 0, what="address")), param(p, 1, "latest", required=False)))

    def m_eth_getBalance(self, port, p):
        return hexq(self.chain.balance(parse_address(param(p, 0, what="address")), param(p, 1, "latest", required=False)))

    def m_eth_getTransactionReceipt(self, port, p):
        return self.chain.receipt(parse_hash(param(p, 0, what="transaction hash"), "transaction hash"))

    def m_eth_getTransactionByHash(self, port, p):
        found = self.chain.find_tx(parse_hash(param(p, 0, what="transaction hash"), "transaction hash"))
        if found is None:
            return None
        tx, block, index = found
        return self.chain.format_tx(tx, block, index)

    def m_eth_call(self, port, p):
        return self.chain.eth_call(param(p, 0, what="call object"), param(p, 1, "latest", required=False))

    def m_eth_estimateGas(self, port, p):
        return hexq(self.chain.estimate_gas(param(p, 0, what="call object"), param(p, 1, "latest", required=False)))

    def m_eth_gasPrice(self, port, p):
        return hexq(self.chain.chain.header.base_fee_per_gas + TIP)

    def m_eth_maxPriorityFeePerGas(self, port, p):
        return hexq(TIP)

    def m_eth_feeHistory(self, port, p):
        count = parse_quantity(param(p, 0, what="blockCount"), "blockCount")
        return self.chain.fee_history(count, param(p, 1, "latest", required=False), param(p, 2, None, required=False))

    def m_eth_getCode(self, port, p):
        n = self.chain.state_at(param(p, 1, "latest", required=False))
        return to_hex_data(self.chain.tester.get_code(parse_address(param(p, 0, what="address")), n))

    # -- rig controls (never faulted) ------------------------------------------
    def m_rig_mine(self, port, p):
        n = int(param(p, 0, 1, required=False))
        with self.lock:
            hashes = self.chain.mine(n)
            return {"head": self.chain.head(), "hashes": hashes}

    def m_rig_setAutomine(self, port, p):
        with self.lock:
            self.chain.automine = bool(param(p, 0, what="enabled"))
            return self.chain.automine

    def m_rig_setSafeLag(self, port, p):
        with self.lock:
            self.chain.safe_lag = int(param(p, 0, what="safe lag"))
            self.chain.finalized_lag = int(param(p, 1, self.chain.safe_lag, required=False))
            return {"safe": self.chain.safe_lag, "finalized": self.chain.finalized_lag}

    def m_rig_accounts(self, port, p):
        return [{"address": "0x" + k.public_key.to_canonical_address().hex(), "privateKey": "0x" + k.to_bytes().hex()}
                for k in self.chain.keys]

    def m_rig_deployToken(self, port, p):
        name = param(p, 0, "USD Coin", required=False)
        symbol = param(p, 1, "USDC", required=False)
        decimals = int(param(p, 2, 6, required=False))
        with self.lock:
            return self.chain.deploy_token(name, symbol, decimals)

    def m_rig_mint(self, port, p):
        token, to, amount = param(p, 0, what="token"), param(p, 1, what="to"), int(param(p, 2, what="amount"))
        with self.lock:
            return self.chain.token_call(self.chain.keys[0], token, "0x40c10f19", ["address", "uint256"],
                                         [parse_address(to, "to"), amount])

    def m_rig_transfer(self, port, p):
        token, sender, to = param(p, 0, what="token"), param(p, 1, what="from"), param(p, 2, what="to")
        amount = int(param(p, 3, what="amount"))
        with self.lock:
            return self.chain.token_call(self.chain.account(sender), token, "0xa9059cbb", ["address", "uint256"],
                                         [parse_address(to, "to"), amount])

    def m_rig_blacklist(self, port, p):
        token, who = param(p, 0, what="token"), param(p, 1, what="address")
        flag = param(p, 2, True, required=False)
        selector = "0xf9f92be4" if flag else "0x1a895266"  # blacklist(address), unBlacklist(address)
        with self.lock:
            return self.chain.token_call(self.chain.keys[0], token, selector, ["address"], [parse_address(who)])

    def m_rig_mintAndTransfer(self, port, p):
        token, sender, to = param(p, 0, what="token"), param(p, 1, what="from"), param(p, 2, what="to")
        amount = int(param(p, 3, what="amount"))
        with self.lock:
            key = self.chain.account(sender)
            self.chain.token_call(self.chain.keys[0], token, "0x40c10f19", ["address", "uint256"],
                                  ["0x" + key.public_key.to_canonical_address().hex(), amount])
            return self.chain.token_call(key, token, "0xa9059cbb", ["address", "uint256"],
                                         [parse_address(to, "to"), amount])

    def m_rig_reorg(self, port, p):
        depth = int(param(p, 0, what="depth"))
        opts = param(p, 1, {}, required=False) or {}
        if not isinstance(opts, dict):
            raise bad_params("rig_reorg options must be an object {reinclude, drop, shift, spread, extra}")
        with self.lock:
            return self.chain.reorg(depth, opts)

    def m_rig_faults(self, port, p):
        spec = param(p, 0, {}, required=False) or {}
        target = self.port_arg(port, spec.get("port"))
        target.faults = Faults(spec)
        return {"port": target.port, "kinds": target.faults.kinds}

    def m_rig_clearFaults(self, port, p):
        spec = param(p, 0, {}, required=False) or {}
        targets = list(self.ports.values()) if spec.get("all") else [self.port_arg(port, spec.get("port"))]
        for t in targets:
            t.faults = Faults()
        return [t.port for t in targets]

    def m_rig_stats(self, port, p):
        per_port = [pt.stats() for pt in self.ports.values()]
        requests, faults = {}, {}
        for s in per_port:
            for k, v in s["requests"].items():
                requests[k] = requests.get(k, 0) + v
            for k, v in s["faults"].items():
                faults[k] = faults.get(k, 0) + v
        return {"requests": requests, "faults": faults, "ports": per_port}

    def m_rig_resetStats(self, port, p):
        with self.stats_lock:
            for pt in self.ports.values():
                pt.requests.clear()
                pt.faults_injected.clear()
        return True

    def m_rig_openPort(self, port, p):
        new = self.open_port(int(param(p, 0, 0, required=False)))
        return {"port": new.port, "url": new.url}

    def m_rig_ports(self, port, p):
        return [{"port": pt.port, "url": pt.url, "state": pt.state} for pt in self.ports.values()]

    def m_rig_killPort(self, port, p):
        target = self.port_arg(port, param(p, 0, what="port"))
        target.kill(param(p, 1, "refuse", required=False))
        return {"port": target.port, "state": target.state}

    def m_rig_revivePort(self, port, p):
        target = self.port_arg(port, param(p, 0, what="port"))
        target.revive()
        return {"port": target.port, "state": target.state}

    def m_rig_info(self, port, p):
        return {"chainId": self.chain.chain_id, "head": self.chain.head(), "automine": self.chain.automine,
                "safeLag": self.chain.safe_lag, "finalizedLag": self.chain.finalized_lag,
                "ports": sorted(self.ports)}


def main(argv=None):
    ap = argparse.ArgumentParser(description="GP4U dev chain: JSON-RPC over eth-tester (py-evm), 127.0.0.1 only")
    ap.add_argument("--port", type=int, default=0, help="port to listen on (0 picks a free one)")
    ap.add_argument("--ports", type=int, default=1, help="how many ports serve this same chain (extra ones pick free ports)")
    ap.add_argument("--chain-id", type=int, default=1337)
    ap.add_argument("--safe-lag", type=int, default=0, help="'safe' is this many blocks behind 'latest'")
    ap.add_argument("--finalized-lag", type=int, default=None, help="'finalized' lag (default: the safe lag)")
    ap.add_argument("--accounts", type=int, default=10, help="funded test accounts")
    ap.add_argument("--no-automine", action="store_true", help="start with auto-mining off (rig_mine mines)")
    args = ap.parse_args(argv)
    if args.ports < 1:
        ap.error("--ports must be at least 1")

    chain = DevChain(args.chain_id, args.safe_lag,
                     args.safe_lag if args.finalized_lag is None else args.finalized_lag, args.accounts)
    chain.automine = not args.no_automine
    rig = RigServer(chain)
    urls = [rig.open_port(args.port).url]
    urls += [rig.open_port(0).url for _ in range(args.ports - 1)]

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("READY " + " ".join(urls), flush=True)
    while not stop.wait(0.5):
        pass


if __name__ == "__main__":
    sys.exit(main())
