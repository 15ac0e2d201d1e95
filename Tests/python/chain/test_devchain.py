"""Proves the chain test rig itself works: devchain.py (EVM-backed, faults, reorgs,
failover ports) and fastchain.py (synthetic benchmark chain). The ChainWatcher's
end-to-end tests rely on every behaviour checked here."""
import socket
import time

import pytest
from eth_account import Account

from devchain import RANGE_LIMIT_MESSAGES, TRANSFER_TOPIC
from rig import Client, DevChain, FastChain, HttpError, RpcError

CHAIN_ID = 1337
SAFE_LAG = 2
FINALIZED_LAG = 4


def topic_of(address: str) -> str:
    return "0x" + "0" * 24 + address[2:].lower()


@pytest.fixture(scope="module")
def dev():
    with DevChain(chain_id=CHAIN_ID, safe_lag=SAFE_LAG, finalized_lag=FINALIZED_LAG) as d:
        yield d


@pytest.fixture(scope="module")
def tokens(dev):
    """(usdc, fake): two deployments of usdc.vy; the fake one emits identical events."""
    return dev.deploy_token("USD Coin", "USDC", 6), dev.deploy_token("Fake USD", "USDC", 6)


@pytest.fixture
def clean(dev):
    """Faults off on every port before and after a test."""
    dev.clear_faults(all=True)
    yield dev
    dev.clear_faults(all=True)


def fresh_address(tag: int) -> str:
    return "0x" + f"{tag:040x}"


def signed(dev, key: str, **overrides) -> str:
    account = Account.from_key(key)
    tx = {
        "type": 2, "chainId": CHAIN_ID,
        "nonce": int(dev.rpc("eth_getTransactionCount", [account.address, "pending"]), 16),
        "maxPriorityFeePerGas": 10**9, "maxFeePerGas": 10 * 10**9, "gas": 21_000,
        "to": "0x" + "11" * 20, "value": 1,
    }
    tx.update(overrides)
    if tx.get("type") == 0:
        for k in ("type", "maxPriorityFeePerGas", "maxFeePerGas"):
            tx.pop(k)
        tx["gasPrice"] = 10 * 10**9
    return "0x" + bytes(Account.sign_transaction(tx, key).raw_transaction).hex()


def error_of(fn, *args, **kwargs) -> RpcError:
    with pytest.raises(RpcError) as info:
        fn(*args, **kwargs)
    return info.value


# ---------------------------------------------------------------------------
# chain id and sending
# ---------------------------------------------------------------------------

def test_chain_id_and_net_version(dev):
    assert dev.rpc("eth_chainId") == hex(CHAIN_ID)
    assert dev.rpc("net_version") == str(CHAIN_ID)


@pytest.mark.parametrize("tx_type", [2, 0])
def test_wrong_chain_transactions_are_rejected(dev, tx_type):
    key = dev.accounts()[3]["privateKey"]
    for other in (1, 5):
        err = error_of(dev.rpc, "eth_sendRawTransaction", [signed(dev, key, chainId=other, type=tx_type)])
        assert err.code == -32000
        assert f"invalid chain id for signer: have {other} want {CHAIN_ID}" in err.message
    tx_hash = dev.rpc("eth_sendRawTransaction", [signed(dev, key, type=tx_type)])
    receipt = dev.receipt(tx_hash)
    assert receipt["status"] == "0x1"
    assert dev.rpc("eth_getTransactionByHash", [tx_hash])["type"] == hex(tx_type)


def test_unprotected_and_bad_nonce_transactions_are_rejected(dev):
    key = dev.accounts()[4]["privateKey"]
    account = Account.from_key(key)
    nonce = int(dev.rpc("eth_getTransactionCount", [account.address, "latest"]), 16)
    unprotected = Account.sign_transaction({"nonce": nonce, "gasPrice": 10 * 10**9, "gas": 21_000,
                                            "to": "0x" + "11" * 20, "value": 1}, key)
    err = error_of(dev.rpc, "eth_sendRawTransaction", ["0x" + bytes(unprotected.raw_transaction).hex()])
    assert "replay-protected" in err.message

    raw = signed(dev, key)
    dev.rpc("eth_sendRawTransaction", [raw])
    assert "already known" in error_of(dev.rpc, "eth_sendRawTransaction", [raw]).message
    assert "nonce too low" in error_of(dev.rpc, "eth_sendRawTransaction", [signed(dev, key, nonce=nonce, value=2)]).message
    assert "nonce too high" in error_of(dev.rpc, "eth_sendRawTransaction", [signed(dev, key, nonce=nonce + 5)]).message


def test_pending_transactions_without_automine(dev, tokens):
    usdc, _ = tokens
    key = dev.accounts()[5]["privateKey"]
    dev.set_automine(False)
    try:
        head = dev.head()
        first = dev.rpc("eth_sendRawTransaction", [signed(dev, key)])
        second = dev.rpc("eth_sendRawTransaction", [signed(dev, key)])  # nonce + 1 in the same block
        assert dev.receipt(first) is None
        assert dev.rpc("eth_getTransactionByHash", [first])["blockHash"] is None
        assert dev.head() == head
        dev.mine(1)
        assert dev.receipt(first)["blockNumber"] == dev.receipt(second)["blockNumber"] == hex(head + 1)
    finally:
        dev.set_automine(True)


def test_same_nonce_replacement_needs_both_fees_ten_percent_higher(dev):
    key = dev.accounts()[9]["privateKey"]
    address = Account.from_key(key).address
    nonce = int(dev.rpc("eth_getTransactionCount", [address, "pending"]), 16)
    fee, tip = 10 * 10**9, 10**9
    dev.set_automine(False)
    try:
        first = dev.rpc("eth_sendRawTransaction", [signed(dev, key, maxFeePerGas=fee, maxPriorityFeePerGas=tip)])
        after = dev.rpc("eth_sendRawTransaction", [signed(dev, key, value=3)])  # nonce + 1, stays pending
        for bumped_fee, bumped_tip in [(fee, tip), (fee * 109 // 100, tip * 2), (fee * 2, tip * 109 // 100),
                                       (fee * 2, tip)]:
            raw = signed(dev, key, nonce=nonce, value=2, maxFeePerGas=bumped_fee, maxPriorityFeePerGas=bumped_tip)
            err = error_of(dev.rpc, "eth_sendRawTransaction", [raw])
            assert err.message == "replacement transaction underpriced", (bumped_fee, bumped_tip, err.message)
        assert dev.rpc("eth_getTransactionByHash", [first])["blockHash"] is None  # the first one still waits
        replacement = dev.rpc("eth_sendRawTransaction", [signed(
            dev, key, nonce=nonce, value=2, maxFeePerGas=fee * 110 // 100, maxPriorityFeePerGas=tip * 110 // 100)])
        assert replacement != first
        assert dev.rpc("eth_getTransactionByHash", [first]) is None  # evicted, as geth forgets it
        assert int(dev.rpc("eth_getTransactionByHash", [replacement])["nonce"], 16) == nonce
        assert int(dev.rpc("eth_getTransactionCount", [address, "pending"]), 16) == nonce + 2
        assert "already known" in error_of(dev.rpc, "eth_sendRawTransaction", [signed(
            dev, key, nonce=nonce, value=2, maxFeePerGas=fee * 110 // 100, maxPriorityFeePerGas=tip * 110 // 100)]
        ).message
        dev.mine(1)
        assert dev.receipt(first) is None
        assert dev.receipt(replacement)["status"] == "0x1"
        assert dev.receipt(after)["blockNumber"] == dev.receipt(replacement)["blockNumber"]
        tx = dev.rpc("eth_getTransactionByHash", [replacement])
        assert int(tx["value"], 16) == 2 and int(tx["maxFeePerGas"], 16) == fee * 110 // 100
        late = signed(dev, key, nonce=nonce, value=4, maxFeePerGas=fee * 5, maxPriorityFeePerGas=tip * 5)
        assert "nonce too low" in error_of(dev.rpc, "eth_sendRawTransaction", [late]).message  # mined: too late
    finally:
        dev.set_automine(True)


def test_blacklisted_addresses_cannot_send_or_receive(dev, tokens):
    usdc, _ = tokens
    holder = dev.accounts()[2]["address"]
    banned = dev.accounts()[1]["address"]  # a funded account, so it can try to send
    other = fresh_address(0xB1AC)
    dev.mint(usdc, holder, 10_000_000)
    dev.mint(usdc, banned, 5_000_000)

    def blacklisted(address):
        return int(dev.rpc("eth_call", [{"to": usdc, "data": "0xfe575a87" + topic_of(address)[2:]}]), 16)

    def balance(address):
        return int(dev.rpc("eth_call", [{"to": usdc, "data": "0x70a08231" + topic_of(address)[2:]}]), 16)

    def transfer_data(to, amount):
        return "0xa9059cbb" + topic_of(to)[2:] + f"{amount:064x}"

    assert blacklisted(banned) == 0
    dev.blacklist(usdc, banned)
    try:
        assert blacklisted(banned) == 1
        err = error_of(dev.rpc, "eth_estimateGas", [{"from": holder, "to": usdc, "data": transfer_data(banned, 1)}])
        assert "execution reverted" in err.message and "blacklisted" in err.message
        before = balance(banned)
        failed = dev.transfer(usdc, 2, banned, 1_000_000)  # rig_transfer does not estimate: it mines, reverted
        receipt = dev.receipt(failed)
        assert receipt["status"] == "0x0" and receipt["logs"] == []
        assert balance(banned) == before
        err = error_of(dev.rpc, "eth_call", [{"from": banned, "to": usdc, "data": transfer_data(other, 1)}])
        assert "blacklisted" in err.message  # nor can it send
        err = error_of(dev.rpc, "eth_call", [{"from": holder, "to": usdc, "data": "0xf9f92be4" + topic_of(other)[2:]}])
        assert "only the owner" in err.message
    finally:
        dev.blacklist(usdc, banned, False)
    assert blacklisted(banned) == 0
    assert dev.receipt(dev.transfer(usdc, 2, banned, 1_000_000))["status"] == "0x1"
    assert balance(banned) == before + 1_000_000


def test_call_estimate_and_fee_methods(dev, tokens):
    usdc, _ = tokens
    decimals = dev.rpc("eth_call", [{"to": usdc, "data": "0x313ce567"}, "latest"])
    assert int(decimals, 16) == 6
    assert int(dev.rpc("eth_estimateGas", [{"to": usdc, "data": "0x313ce567"}]), 16) > 21_000
    assert int(dev.rpc("eth_gasPrice"), 16) > int(dev.rpc("eth_maxPriorityFeePerGas"), 16) > 0
    history = dev.rpc("eth_feeHistory", ["0x2", "latest", [50]])
    assert len(history["baseFeePerGas"]) == 3 and len(history["reward"]) == 2
    assert int(dev.rpc("eth_getBalance", [dev.accounts()[0]["address"], "latest"]), 16) > 0


# ---------------------------------------------------------------------------
# logs, tags, batches
# ---------------------------------------------------------------------------

def test_logs_by_range_and_by_block_hash_agree(dev, tokens):
    usdc, fake = tokens
    deposit = fresh_address(0xD1)
    start = dev.head() + 1
    hashes = [dev.mint(usdc, deposit, 1_000_000 * (i + 1)) for i in range(3)]
    hashes.append(dev.mint(fake, deposit, 5))
    end = dev.head()
    by_range = dev.rpc("eth_getLogs", [{"fromBlock": hex(start), "toBlock": hex(end)}])
    by_hash = []
    for n in range(start, end + 1):
        block = dev.rpc("eth_getBlockByNumber", [hex(n), False])
        by_hash += dev.rpc("eth_getLogs", [{"blockHash": block["hash"]}])
    assert by_range == by_hash
    assert {lg["transactionHash"] for lg in by_range} == set(hashes)
    assert all(lg["removed"] is False for lg in by_range)
    err = error_of(dev.rpc, "eth_getLogs", [{"blockHash": by_range[0]["blockHash"], "fromBlock": "0x1"}])
    assert err.code == -32602


def test_fake_token_logs_are_filtered_by_address_and_topics(dev, tokens):
    usdc, fake = tokens
    deposit = fresh_address(0xD2)
    start = dev.head() + 1
    real = dev.mint(usdc, deposit, 7_000_000)
    forged = dev.mint(fake, deposit, 7_000_000)
    end = dev.head()
    span = {"fromBlock": hex(start), "toBlock": hex(end)}
    everything = dev.rpc("eth_getLogs", [span])
    assert {lg["address"] for lg in everything} == {usdc, fake}
    only_usdc = dev.rpc("eth_getLogs", [{**span, "address": usdc}])
    assert [lg["transactionHash"] for lg in only_usdc] == [real]
    as_list = dev.rpc("eth_getLogs", [{**span, "address": [usdc, "0x" + "99" * 20]}])
    assert as_list == only_usdc
    to_deposit = dev.rpc("eth_getLogs", [{**span, "topics": [TRANSFER_TOPIC, None, topic_of(deposit)]}])
    assert {lg["transactionHash"] for lg in to_deposit} == {real, forged}
    either = dev.rpc("eth_getLogs", [{**span, "address": usdc,
                                      "topics": [[TRANSFER_TOPIC, "0x" + "00" * 32], None,
                                                 [topic_of(fresh_address(1)), topic_of(deposit)]]}])
    assert [lg["transactionHash"] for lg in either] == [real]
    nobody = dev.rpc("eth_getLogs", [{**span, "topics": [None, None, topic_of(fresh_address(2))]}])
    assert nobody == []


def test_safe_and_finalized_lag_latest(dev):
    dev.mine(FINALIZED_LAG + 1)
    latest = int(dev.rpc("eth_getBlockByNumber", ["latest", False])["number"], 16)
    assert int(dev.rpc("eth_getBlockByNumber", ["safe", False])["number"], 16) == latest - SAFE_LAG
    assert int(dev.rpc("eth_getBlockByNumber", ["finalized", False])["number"], 16) == latest - FINALIZED_LAG
    assert dev.rpc("eth_getBlockByNumber", [hex(latest + 1), False]) is None
    block = dev.rpc("eth_getBlockByNumber", [hex(latest), False])
    assert dev.rpc("eth_getBlockByHash", [block["hash"], False]) == block
    parent = dev.rpc("eth_getBlockByNumber", [hex(latest - 1), False])
    assert block["parentHash"] == parent["hash"]


def test_batches_and_error_codes(dev):
    replies = dev.batch([("eth_chainId", []), ("eth_nope", []), ("eth_getBalance", ["0x12", "latest"]),
                         ("eth_blockNumber", [])])
    assert [r["id"] for r in replies] == sorted(r["id"] for r in replies)
    assert replies[0]["result"] == hex(CHAIN_ID)
    assert replies[1]["error"]["code"] == -32601
    assert replies[2]["error"]["code"] == -32602
    assert int(replies[3]["result"], 16) == dev.head()
    client = Client(dev.url)
    assert client.post([])["error"]["code"] == -32600
    conn = client._conn()
    conn.request("POST", "/", b"{not json", {"Content-Type": "application/json"})
    assert b"-32700" in conn.getresponse().read()


# ---------------------------------------------------------------------------
# reorgs
# ---------------------------------------------------------------------------

def funded_senders(dev, token, count):
    """Accounts 6.. with token balance, so reorg windows hold transfers from
    different senders (dropping one never invalidates another's nonce)."""
    accounts = dev.accounts()[6:6 + count]
    for a in accounts:
        dev.mint(token, a["address"], 100_000_000)
    return [a["address"] for a in accounts]


def hashes_at(dev, lo, hi):
    return {n: dev.rpc("eth_getBlockByNumber", [hex(n), False])["hash"] for n in range(lo, hi + 1)}


def test_reorg_changes_hashes_and_moves_or_drops_transactions(dev, tokens):
    usdc, _ = tokens
    deposit = fresh_address(0xD3)
    a, b, c = funded_senders(dev, usdc, 3)
    kept = dev.transfer(usdc, a, deposit, 1_000_000)
    dropped = dev.transfer(usdc, b, deposit, 2_000_000)
    also_kept = dev.transfer(usdc, c, deposit, 3_000_000)
    dev.mine(1)
    head = dev.head()
    depth = 4
    before = hashes_at(dev, head - depth - 1, head)
    old_receipts = {h: dev.receipt(h) for h in (kept, also_kept)}

    result = dev.reorg(depth, reinclude=[kept, also_kept], drop=[dropped], spread=True)

    assert result["forkPoint"] == head - depth and result["newHead"] >= head
    after = hashes_at(dev, head - depth - 1, head)
    for n in before:
        if n <= head - depth:
            assert after[n] == before[n], f"block {n} below the fork point must not change"
        else:
            assert after[n] != before[n], f"block {n} above the fork point must change"
    assert dev.receipt(dropped) is None
    assert dev.rpc("eth_getTransactionByHash", [dropped]) is None
    for h in (kept, also_kept):
        receipt = dev.receipt(h)
        assert receipt["status"] == "0x1"
        assert receipt["blockHash"] != old_receipts[h]["blockHash"]
        assert receipt["blockHash"] == after[int(receipt["blockNumber"], 16)]
    # after `shift` (1) empty block the first re-included transaction lands one block later
    assert int(dev.receipt(kept)["blockNumber"], 16) == int(old_receipts[kept]["blockNumber"], 16) + 1
    logs = dev.rpc("eth_getLogs", [{"fromBlock": hex(head - depth), "toBlock": "latest", "address": usdc,
                                    "topics": [TRANSFER_TOPIC, None, topic_of(deposit)]}])
    assert sorted(lg["transactionHash"] for lg in logs) == sorted([kept, also_kept])
    assert result["dropped"] == [dropped]


def test_reorg_by_default_reincludes_everything_at_new_heights(dev, tokens):
    usdc, _ = tokens
    deposit = fresh_address(0xD4)
    tx = dev.mint(usdc, deposit, 9_000_000)
    old = dev.receipt(tx)
    result = dev.reorg(1, shift=2, extra=1)
    new = dev.receipt(tx)
    assert int(new["blockNumber"], 16) == int(old["blockNumber"], 16) + 2
    assert new["blockHash"] != old["blockHash"]
    assert result["newHead"] == result["oldHead"] + 2
    # the old block is still retrievable by hash (a node keeps side chains) but no longer canonical
    old_block = dev.rpc("eth_getBlockByNumber", [old["blockNumber"], False])
    assert old_block["hash"] != old["blockHash"]


def test_reorg_rejects_unknown_transactions(dev):
    err = error_of(dev.reorg, 1, reinclude=["0x" + "ab" * 32])
    assert err.code == -32602


# ---------------------------------------------------------------------------
# faults
# ---------------------------------------------------------------------------

def test_rpc_error_and_limit_faults(clean):
    clean.faults(kinds=["rpc_error"], seed=1)
    assert error_of(clean.rpc, "eth_blockNumber").code == -32000
    assert clean.rpc("rig_info")["chainId"] == CHAIN_ID  # rig_* is never faulted
    clean.faults(kinds=["limit"], seed=1)
    assert error_of(clean.rpc, "eth_blockNumber").code == -32005


@pytest.mark.parametrize("kind,statuses", [("http429", {429}), ("http5xx", {500, 502, 503, 504})])
def test_http_status_faults(clean, kind, statuses):
    clean.faults(kinds=[kind], seed=3)
    seen = set()
    for _ in range(4):
        with pytest.raises(HttpError) as info:
            clean.rpc("eth_chainId")
        seen.add(info.value.status)
    assert seen <= statuses and seen
    clean.clear_faults()
    assert clean.rpc("eth_chainId") == hex(CHAIN_ID)


def test_timeout_fault_outlasts_the_client(clean):
    clean.faults(kinds=["timeout"], timeout_seconds=1.5, seed=1)
    started = time.time()
    with pytest.raises(OSError):
        clean.client.rpc("eth_chainId", timeout=0.4)
    assert time.time() - started < 1.4
    clean.clear_faults()
    assert clean.rpc("eth_chainId") == hex(CHAIN_ID)


def test_faults_are_deterministic_with_a_seed_and_respect_methods(clean):
    def outcomes():
        clean.faults(kinds=["rpc_error", "limit"], error_rate=0.5, seed=42, methods=["eth_chainId"])
        seen = []
        for _ in range(24):
            try:
                clean.rpc("eth_chainId")
                seen.append("ok")
            except RpcError as e:
                seen.append(e.code)
            clean.rpc("eth_blockNumber")  # not in `methods`: never faulted
        return seen

    first, second = outcomes(), outcomes()
    assert first == second
    assert {"ok", -32000, -32005} <= set(first)


def test_range_limit_fault_rotates_through_real_wordings(clean):
    limit = 10_000
    clean.faults(kinds=["range_limit"], range_limit_blocks=limit)
    lo = 5
    messages = []
    for _ in RANGE_LIMIT_MESSAGES:
        err = error_of(clean.rpc, "eth_getLogs", [{"fromBlock": hex(lo), "toBlock": hex(lo + limit)}])
        messages.append((err.code, err.message))
    expected = ["query returned more than 10000 results", "block range is too wide", "limited to a 10,000 range",
                "this block range should work: [0x5, 0x2714]", "logs matched by query exceeds limit",
                "response too large"]
    for (code, message), fragment in zip(messages, expected):
        assert fragment in message
        assert code in (-32000, -32005, -32602)
    # exactly at the limit is fine (clamped to the head)
    assert isinstance(clean.rpc("eth_getLogs", [{"fromBlock": hex(lo), "toBlock": hex(lo + limit - 1)}]), list)
    assert clean.stats()["faults"]["range_limit"] >= len(RANGE_LIMIT_MESSAGES)


def test_lagging_head_hides_newest_logs(clean, tokens):
    usdc, _ = tokens
    deposit = fresh_address(0xD5)
    tx = clean.mint(usdc, deposit, 1_000_000)
    block = clean.receipt(tx)["blockNumber"]
    query = [{"fromBlock": block, "toBlock": "latest", "address": usdc}]
    clean.faults(kinds=["lagging_head"], lagging_blocks=3)
    assert clean.rpc("eth_getLogs", query) == []
    assert clean.rpc("eth_blockNumber") == hex(clean.head())  # blocks still come from an up-to-date node
    clean.mine(3)
    assert [lg["transactionHash"] for lg in clean.rpc("eth_getLogs", query)] == [tx]


def test_stats_count_requests_by_method(clean):
    clean.rpc("rig_resetStats")
    for _ in range(3):
        clean.rpc("eth_blockNumber")
    clean.faults(kinds=["rpc_error"], max_faults=2)
    for _ in range(3):
        try:
            clean.rpc("eth_chainId")
        except RpcError:
            pass
    stats = clean.stats()
    assert stats["requests"]["eth_blockNumber"] == 3
    assert stats["requests"]["eth_chainId"] == 3
    assert stats["faults"] == {"rpc_error": 2}


# ---------------------------------------------------------------------------
# failover: two ports serving the same chain
# ---------------------------------------------------------------------------

def test_two_ports_serve_one_chain_with_own_faults_and_kill_switch(clean):
    second = Client(clean.open_port(), timeout=5)
    port2 = second.port
    clean.mine(1)
    assert second.rpc("eth_blockNumber") == clean.rpc("eth_blockNumber")

    clean.faults(port=port2, kinds=["rpc_error"])
    with pytest.raises(RpcError):
        second.rpc("eth_blockNumber")
    assert clean.rpc("eth_blockNumber")  # the first port has no faults
    clean.clear_faults(port=port2)

    clean.kill_port(port2, "refuse")
    second.close()
    with pytest.raises(OSError):
        second.rpc("eth_blockNumber")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port2), timeout=1).close()
    assert clean.rpc("eth_chainId") == hex(CHAIN_ID)
    clean.revive_port(port2)
    assert second.rpc("eth_blockNumber") == clean.rpc("eth_blockNumber")

    clean.kill_port(port2, "hang")
    with pytest.raises(OSError):
        second.rpc("eth_blockNumber", timeout=0.5)
    assert Client(second.url).rpc("rig_info")["chainId"] == CHAIN_ID  # controls still answer
    clean.revive_port(port2)
    assert Client(second.url).rpc("eth_chainId") == hex(CHAIN_ID)
    states = {p["port"]: p["state"] for p in clean.rpc("rig_ports")}
    assert states[port2] == "up"


# ---------------------------------------------------------------------------
# fastchain
# ---------------------------------------------------------------------------

FAST_BLOCKS = 200_000
FAST_LOGS = 20_000
FAST_FAKE = 500
FAST_LIMIT = 10_000


@pytest.fixture(scope="module")
def fast():
    with FastChain(blocks=FAST_BLOCKS, logs=FAST_LOGS, fake_logs=FAST_FAKE, seed=7, range_limit=FAST_LIMIT) as f:
        yield f


def test_fastchain_ranges_cover_every_log_exactly_once(fast):
    info = fast.info()
    token_logs, seen = 0, set()
    for lo in range(0, FAST_BLOCKS, FAST_LIMIT):
        logs = fast.rpc("eth_getLogs", [{"fromBlock": hex(lo), "toBlock": hex(lo + FAST_LIMIT - 1),
                                         "address": info["token"]}])
        assert all(lo <= int(lg["blockNumber"], 16) < lo + FAST_LIMIT for lg in logs)
        assert all(lg["address"] == info["token"] and lg["topics"][2] == topic_of(info["deposit"]) for lg in logs)
        token_logs += len(logs)
        seen.update((lg["blockHash"], lg["logIndex"]) for lg in logs)
    assert token_logs == FAST_LOGS == len(seen)
    fake = sum(len(fast.rpc("eth_getLogs", [{"fromBlock": hex(lo), "toBlock": hex(lo + FAST_LIMIT - 1),
                                               "address": info["fakeToken"]}]))
               for lo in range(0, FAST_BLOCKS, FAST_LIMIT))
    assert fake == FAST_FAKE


def test_fastchain_blocks_hashes_and_block_hash_queries(fast):
    info = fast.info()
    logs = fast.rpc("eth_getLogs", [{"fromBlock": "0x0", "toBlock": hex(FAST_LIMIT - 1), "address": info["token"]}])
    assert logs
    sample = logs[len(logs) // 2]
    block = fast.rpc("eth_getBlockByNumber", [sample["blockNumber"], False])
    assert block["hash"] == sample["blockHash"]
    assert sample["transactionHash"] in block["transactions"]
    child = fast.rpc("eth_getBlockByNumber", [hex(int(block["number"], 16) + 1), False])
    assert child["parentHash"] == block["hash"]
    assert fast.rpc("eth_getBlockByHash", [block["hash"], False]) == block
    assert fast.rpc("eth_getBlockByHash", ["0x" + "11" * 32, False]) is None
    in_block = fast.rpc("eth_getLogs", [{"blockHash": block["hash"]}])
    same_range = fast.rpc("eth_getLogs", [{"fromBlock": block["number"], "toBlock": block["number"]}])
    assert in_block == same_range and sample in in_block
    assert fast.rpc("rig_countLogs", [0, FAST_LIMIT - 1]) == len(logs)
    assert fast.head() == FAST_BLOCKS - 1


def test_fastchain_enforces_range_limit_with_real_wording(fast):
    err = error_of(fast.rpc, "eth_getLogs", [{"fromBlock": "0x0", "toBlock": hex(FAST_LIMIT)}])
    assert any(template.split("{")[0][:20] in err.message for _, template in RANGE_LIMIT_MESSAGES)
    replies = fast.batch([("eth_getLogs", [{"fromBlock": "0x10", "toBlock": hex(0x10 + FAST_LIMIT)}])] * 6)
    messages = [r["error"]["message"] for r in replies]
    assert any("this block range should work: [0x10, " + hex(0x10 + FAST_LIMIT - 1) + "]" in m for m in messages)
    assert len(set(messages)) == 6


def test_fastchain_head_mode_grows_and_records_block_times():
    block_time = 0.2
    with FastChain(blocks=1_000, logs=200, seed=3, head_start=100, block_time=block_time) as f:
        started = f.info()["startedAt"]
        before = time.time()
        first = f.head()
        after = time.time()
        assert 100 + int((before - started) / block_time) <= first <= 100 + int((after - started) / block_time)
        assert f.rpc("eth_getBlockByNumber", [hex(first + 500), False]) is None
        time.sleep(0.7)
        later = f.head()
        assert later >= first + 2
        times = f.rpc("rig_blockTimes", [first, later])
        stamps = [times[str(n)] for n in range(first + 1, later + 1)]
        assert all(abs((b - a) - block_time) < 1e-6 for a, b in zip(stamps, stamps[1:]))
        assert stamps[-1] <= time.time()
        hidden = f.rpc("eth_getLogs", [{"fromBlock": hex(later + 500), "toBlock": hex(later + 600)}])
        assert hidden == []
        assert f.rpc("rig_countLogs", [later + 500, later + 600]) > 0  # they exist, just not yet
